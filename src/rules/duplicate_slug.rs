//! GL101 duplicate-slug: two guides of one scope (locale and universe) share a slug.

use std::collections::BTreeMap;

use super::{Check, Rule};
use crate::corpus::{CorpusContext, GuideSummary, Located};
use crate::diagnostic::{Finding, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL101",
    name: "duplicate-slug",
    severity: Severity::Error,
    summary: "Two guides of the same locale and universe share a slug, hence a published URL",
    docs: include_str!("duplicate_slug.md"),
    check: Check::Corpus(check),
};

fn check(ctx: &CorpusContext<'_>, out: &mut Vec<Finding>) {
    report_duplicates(
        ctx,
        out,
        RULE.code,
        "slug",
        |s| ctx.slug_scope(s),
        |s| s.slug.as_ref(),
        "a slug is part of the guide's published URL: give each guide of one locale and universe its own slug",
    );
}

/// A scope: (locale, universe), empty when unknown or not part of the scope.
type Scope = (String, String);
/// A guide and where it writes the value.
type Place<'s> = (usize, &'s Located<String>);

/// Reports every value of `value` held by more than one guide of one `scope`,
/// at each place, each pointing at the others.
pub(crate) fn report_duplicates<'s>(
    ctx: &CorpusContext<'s>,
    out: &mut Vec<Finding>,
    code: &'static str,
    what: &str,
    scope: impl Fn(&GuideSummary) -> (String, String),
    value: impl Fn(&'s GuideSummary) -> Option<&'s Located<String>>,
    help: &str,
) {
    // In changed-files mode only the values of the changed guides can give
    // wanted findings: the others are not grouped at all.
    let wanted: Option<std::collections::HashSet<&str>> = ctx.is_focused().then(|| {
        ctx.summaries
            .iter()
            .enumerate()
            .filter(|(i, _)| ctx.focused(*i))
            .filter_map(|(_, s)| value(s).map(|v| v.value.as_str()))
            .collect()
    });
    let mut groups: BTreeMap<(Scope, &str), Vec<Place<'_>>> = BTreeMap::new();
    for (i, s) in ctx.summaries.iter().enumerate() {
        if let Some(v) = value(s)
            && wanted.as_ref().is_none_or(|w| w.contains(v.value.as_str()))
        {
            groups
                .entry((scope(s), v.value.as_str()))
                .or_default()
                .push((i, v));
        }
    }
    for (((locale, universe), shared), places) in groups {
        if places.len() < 2 {
            continue;
        }
        let within = match (locale.is_empty(), universe.is_empty()) {
            (false, false) => format!(" in {locale} {universe}"),
            (false, true) => format!(" in {locale}"),
            (true, false) => format!(" in {universe}"),
            (true, true) => String::new(),
        };
        for &(i, here) in places.iter().filter(|(i, _)| ctx.focused(*i)) {
            let others: Vec<&Place<'_>> = places.iter().filter(|(j, _)| *j != i).collect();
            let names: Vec<String> = others
                .iter()
                .map(|(j, _)| format!("`{}`", ctx.name(*j)))
                .collect();
            let mut finding = Finding::new(
                code,
                i,
                here.span.clone(),
                format!(
                    "{what} `{shared}` is also the {what} of {}{within}",
                    crate::spec::join_and(&names)
                ),
            )
            .label(format!("duplicate {what}"))
            .help(help.to_string());
            for (j, there) in others {
                finding =
                    finding.related_in(*j, there.span.clone(), format!("the same {what} here"));
            }
            out.push(finding);
        }
    }
}
