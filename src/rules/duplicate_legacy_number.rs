//! GL102 duplicate-legacy-number: two guides of one locale share a `legacy_guide_number`.

use super::{Check, Rule};
use crate::corpus::CorpusContext;
use crate::diagnostic::{Finding, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL102",
    name: "duplicate-legacy-number",
    severity: Severity::Error,
    summary: "Two guides of the same locale share a `legacy_guide_number`",
    docs: include_str!("duplicate_legacy_number.md"),
    check: Check::Corpus(check),
};

fn check(ctx: &CorpusContext<'_>, out: &mut Vec<Finding>) {
    super::duplicate_slug::report_duplicates(
        ctx,
        out,
        RULE.code,
        "legacy_guide_number",
        |s| {
            (
                s.layout.locale.as_deref().unwrap_or_default().to_string(),
                String::new(),
            )
        },
        |s| s.legacy_number.as_ref(),
        "a legacy guide number identifies one guide (its translations share it): give this guide its own number, or remove the key",
    );
}
