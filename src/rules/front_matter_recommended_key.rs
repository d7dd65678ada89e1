//! GL005 front-matter-recommended-key: a visible guide without a key the site
//! does without but readers and search engines use (its `excerpt`).

use super::front_matter_missing_key::{absent_keys, keys};
use super::{Check, GuideContext, Rule};
use crate::diagnostic::{Finding, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL005",
    name: "front-matter-recommended-key",
    severity: Severity::Warning,
    summary: "A guide that is not hidden and has no `excerpt`, the description search engines and shared links show",
    docs: include_str!("front_matter_recommended_key.md"),
    check: Check::Guide(check),
};

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    let Some(absent) = absent_keys(ctx, None) else {
        return;
    };
    let (fm, missing) = (absent.fm, absent.recommended);
    if missing.is_empty() {
        return;
    }
    out.push(
        Finding::new(
            RULE.code,
            ctx.file,
            fm.span.start..fm.span.start + 3,
            format!("front matter has no {}", keys(&missing)),
        )
        .label("no description for this page")
        .help(format!(
            "add {}: one sentence saying what the guide helps to do; the site shows it as the page's description (or mark a guide nobody should find by itself `hidden: true`)",
            keys(&missing)
        )),
    );
}
