//! GL108 translation-image-mismatch: translations of one guide use different sets of images.

use std::collections::BTreeMap;
use std::ops::Range;

use super::{Check, Rule};
use crate::corpus::translations::{groups, reference};
use crate::corpus::{CorpusContext, GuideSummary, paths};
use crate::diagnostic::{Finding, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL108",
    name: "translation-image-mismatch",
    severity: Severity::Warning,
    summary: "Translations of one guide that use different sets of images",
    docs: include_str!("translation_image_mismatch.md"),
    check: Check::Corpus(check),
};

/// The local images of a guide: normalized path → first place used.
fn images(s: &GuideSummary) -> BTreeMap<String, Range<usize>> {
    let mut out = BTreeMap::new();
    for l in s.links.iter().filter(|l| l.image) {
        let path = paths::percent_decode(&l.target);
        let name = path.trim_start_matches("./").to_string();
        out.entry(name).or_insert_with(|| l.url_span.clone());
    }
    out
}

fn check(ctx: &CorpusContext<'_>, out: &mut Vec<Finding>) {
    for members in groups(ctx) {
        let sets: Vec<BTreeMap<String, Range<usize>>> =
            members.iter().map(|&i| images(&ctx.summaries[i])).collect();
        let names: Vec<Vec<&String>> = sets.iter().map(|s| s.keys().collect()).collect();
        let Some(r) = reference(&names) else { continue };
        let (ref_file, ref_set) = (members[r], &sets[r]);
        let there = format!("the {} translation", ctx.summaries[ref_file].label());
        for (m, &i) in members.iter().enumerate() {
            if names[m] == names[r] {
                continue;
            }
            for (name, span) in sets[m].iter().filter(|(n, _)| !ref_set.contains_key(*n)) {
                out.push(
                    Finding::new(
                        RULE.code,
                        i,
                        span.clone(),
                        format!("image `{name}` is used here but not in {there}"),
                    )
                    .label("only in this translation")
                    .help("translations show the same screenshots: use the same image files in every translation, or add this one to the others")
                    .related_in(ref_file, ctx.summaries[ref_file].head.clone(), there.clone()),
                );
            }
            let missing: Vec<(&String, &Range<usize>)> = ref_set
                .iter()
                .filter(|(n, _)| !sets[m].contains_key(*n))
                .collect();
            if let Some((_, first)) = missing.first() {
                let list: Vec<String> = missing.iter().map(|(n, _)| format!("`{n}`")).collect();
                out.push(
                    Finding::new(
                        RULE.code,
                        i,
                        ctx.summaries[i].head.clone(),
                        format!(
                            "{there} uses {} but this translation does not",
                            crate::spec::join_and(&list)
                        ),
                    )
                    .label("images missing from this translation")
                    .help("translations show the same screenshots: add the missing images, or remove them from the other translation")
                    .related_in(ref_file, (*first).clone(), "used here"),
                );
            }
        }
    }
}
