//! GL006 updated-date-mismatch: the front matter's `updated` and the body's
//! "Last updated …" line give two dates.

use super::{Check, GuideContext, Rule};
use crate::corpus::schema::is_date;
use crate::corpus::updated::updated_line;
use crate::diagnostic::{Finding, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL006",
    name: "updated-date-mismatch",
    severity: Severity::Warning,
    summary: "Front matter `updated:` that disagrees with the guide's \"Last updated …\" line",
    docs: include_str!("updated_date_mismatch.md"),
    check: Check::Guide(check),
};

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    let Some(fm) = &ctx.guide.front_matter else {
        return;
    };
    let Some(key) = fm.keys.iter().find(|k| k.key == "updated") else {
        return;
    };
    let Some(written) = ctx.text.get(key.value_span.clone()) else {
        return;
    };
    let front = written
        .split(" #")
        .next()
        .unwrap_or(written)
        .trim()
        .trim_matches(['\'', '"']);
    if !is_date(front) {
        // GL003 reports a date it cannot read.
        return;
    }
    let Some(line) = updated_line(ctx.guide) else {
        return;
    };
    if line.date == front {
        return;
    }
    out.push(
        Finding::new(
            RULE.code,
            ctx.file,
            key.value_span.clone(),
            format!(
                "`updated` is {front}, but the guide tells readers it was last updated on {} ({})",
                line.written, line.date
            ),
        )
        .label("differs from the date in the guide")
        .help(format!(
            "give both the date of the last change: `updated: {}` if the line is right, else correct the line",
            line.date
        ))
        .related_here(line.span.clone(), "the date readers see"),
    );
}
