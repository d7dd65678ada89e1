//! GL107 translation-front-matter-mismatch: translations of one guide disagree
//! on a language-neutral front-matter value (the keys marked `agree` in
//! `rules/frontmatter.yaml`: the legacy guide number).

use std::collections::{HashMap, HashSet};

use super::{Check, Rule};
use crate::corpus::schema::legacy_number_key;
use crate::corpus::translations::{groups, reference};
use crate::corpus::{CorpusContext, Located};
use crate::diagnostic::{Finding, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL107",
    name: "translation-front-matter-mismatch",
    severity: Severity::Warning,
    summary: "Translations of one guide that give different values for a language-neutral front-matter key (the legacy guide number)",
    docs: include_str!("translation_front_matter_mismatch.md"),
    check: Check::Corpus(check),
};

/// A value as translations compare it: `g1474` and `1474` are one number.
fn comparable<'a>(key: &str, value: &'a str) -> &'a str {
    if key == "legacy_guide_number" {
        legacy_number_key(value)
    } else {
        value.trim()
    }
}

/// The folder a guide is a translation in.
fn folder(s: &crate::corpus::GuideSummary) -> &str {
    s.layout
        .site_folder
        .as_deref()
        .unwrap_or_else(|| s.path.rsplit_once('/').map_or("", |(d, _)| d))
}

/// For each legacy number (without its `g`), the folders whose guides give it.
fn number_folders<'a>(ctx: &'a CorpusContext<'_>) -> HashMap<&'a str, HashSet<&'a str>> {
    let mut out: HashMap<&str, HashSet<&str>> = HashMap::new();
    for s in ctx.summaries {
        if let Some(n) = &s.legacy_number {
            out.entry(legacy_number_key(&n.value))
                .or_default()
                .insert(folder(s));
        }
    }
    out
}

fn check(ctx: &CorpusContext<'_>, out: &mut Vec<Finding>) {
    let numbers = number_folders(ctx);
    for members in groups(ctx) {
        // Translations are compared with the others of their front-matter
        // form only: a legacy-form and a current-form translation are two
        // shapes of the guide, not a disagreement on each key.
        let mut forms: Vec<Option<&str>> = members
            .iter()
            .map(|&i| ctx.summaries[i].form.as_deref())
            .collect();
        forms.sort_unstable();
        forms.dedup();
        for form in forms {
            let same: Vec<usize> = members
                .iter()
                .copied()
                .filter(|&i| ctx.summaries[i].form.as_deref() == form)
                .collect();
            compare(ctx, &same, &numbers, out);
        }
    }
}

/// Reports, for each agreed key, the members of `members` whose value differs
/// from the one most of them give. A member without the key is neither
/// compared nor taken as the reference.
fn compare(
    ctx: &CorpusContext<'_>,
    members: &[usize],
    numbers: &HashMap<&str, HashSet<&str>>,
    out: &mut Vec<Finding>,
) {
    let Some(&first) = members.first() else {
        return;
    };
    for k in 0..ctx.summaries[first].agreed.len() {
        let key = ctx.summaries[first].agreed[k].0.as_str();
        let holders: Vec<(usize, &Located<String>)> = members
            .iter()
            .filter_map(|&i| {
                let v = ctx.summaries[i].agreed.get(k)?.1.as_ref()?;
                (!v.value.trim().is_empty()).then_some((i, v))
            })
            .collect();
        if holders.len() < 2 {
            continue;
        }
        let texts: Vec<&str> = holders
            .iter()
            .map(|(_, v)| comparable(key, &v.value))
            .collect();
        let Some(mut r) = reference(&texts) else {
            continue;
        };
        // A legacy number that another folder's guides give too was likely
        // copied from that guide: the other value is then the reference.
        let here_folder = folder(&ctx.summaries[first]);
        let elsewhere = |value: &str| -> Option<&str> {
            numbers
                .get(value)?
                .iter()
                .copied()
                .filter(|f| *f != here_folder)
                .min()
        };
        let mut copied_from = None;
        if key == "legacy_guide_number"
            && let Some(other) = elsewhere(texts[r])
            && let Some(alt) =
                (0..texts.len()).find(|&m| texts[m] != texts[r] && elsewhere(texts[m]).is_none())
        {
            copied_from = Some((texts[r], other));
            r = alt;
        }
        let (ref_file, ref_value) = holders[r];
        let ref_guide = &ctx.summaries[ref_file];
        let there = format!("the {} translation", ref_guide.label());
        for (m, &(i, value)) in holders.iter().enumerate() {
            if texts[m] == texts[r] {
                continue;
            }
            let also = match copied_from {
                Some((n, other)) if n == texts[m] => {
                    format!(", and `{}` is the number of `{other}`", value.value.trim())
                }
                _ => String::new(),
            };
            out.push(
                Finding::new(
                    RULE.code,
                    i,
                    value.span.clone(),
                    format!(
                        "`{key}` is `{}` here but `{}` in {there}{also}",
                        value.value.trim(),
                        ref_value.value.trim()
                    ),
                )
                .label(format!("differs from the {} translation", ref_guide.label()))
                .help(format!(
                    "translations of one guide are one guide: give `{key}` the same value in every `guide.<locale>.md` of the folder (the one that names this guide)"
                ))
                .related_in(ref_file, ref_value.span.clone(), format!("`{key}` in {there}")),
            );
        }
    }
}
