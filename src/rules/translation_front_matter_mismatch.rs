//! GL107 translation-front-matter-mismatch: translations of one guide disagree
//! on a front-matter value they must share.

use super::{Check, Rule};
use crate::corpus::translations::{groups, reference};
use crate::corpus::{CorpusContext, Located};
use crate::diagnostic::{Finding, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL107",
    name: "translation-front-matter-mismatch",
    severity: Severity::Warning,
    summary: "Translations of one guide with different values for a front-matter key they must share (slug, section, order)",
    docs: include_str!("translation_front_matter_mismatch.md"),
    check: Check::Corpus(check),
};

fn check(ctx: &CorpusContext<'_>, out: &mut Vec<Finding>) {
    for members in groups(ctx) {
        let keys = ctx.summaries[members[0]].agreed.len();
        for k in 0..keys {
            let key = &ctx.summaries[members[0]].agreed[k].0;
            let values: Vec<Option<&Located<String>>> = members
                .iter()
                .map(|&i| ctx.summaries[i].agreed.get(k).and_then(|(_, v)| v.as_ref()))
                .collect();
            let texts: Vec<Option<&str>> =
                values.iter().map(|v| v.map(|v| v.value.as_str())).collect();
            let Some(r) = reference(&texts) else { continue };
            let (ref_file, ref_value) = (members[r], texts[r]);
            let ref_guide = &ctx.summaries[ref_file];
            for (m, &i) in members.iter().enumerate() {
                if texts[m] == ref_value {
                    continue;
                }
                let here = &ctx.summaries[i];
                let there = format!("the {} translation", ref_guide.label());
                let message = match (texts[m], ref_value) {
                    (Some(a), Some(b)) => format!("`{key}` is `{a}` here but `{b}` in {there}"),
                    (None, Some(b)) => format!("`{key}` is missing here but is `{b}` in {there}"),
                    (Some(a), None) => format!("`{key}` is `{a}` here but {there} has none"),
                    (None, None) => continue,
                };
                let span = values[m]
                    .map(|v| v.span.clone())
                    .unwrap_or(here.head.clone());
                let ref_span = values[r]
                    .map(|v| v.span.clone())
                    .unwrap_or(ref_guide.head.clone());
                let mut finding = Finding::new(RULE.code, i, span, message)
                    .label(format!("differs from the {} translation", ref_guide.label()))
                    .help(format!(
                        "translations of one guide share `{key}`; use the same value in every `guide.<locale>.md` of the folder"
                    ))
                    .related_in(ref_file, ref_span, format!("`{key}` in {there}"));
                if let (Some(v), Some(b)) = (values[m], ref_value)
                    && texts[m].is_some()
                {
                    finding = finding.fix(v.span.clone(), b.to_string());
                }
                out.push(finding);
            }
        }
    }
}
