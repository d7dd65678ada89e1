//! GL005 front-matter-recommended-key: a visible guide without a key the site
//! does without but readers and search engines use (its `excerpt`).

use super::front_matter_missing_key::{guide_form, keys};
use super::{Check, GuideContext, Rule};
use crate::corpus::schema::{Schema, lookup};
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
    let Some(schema) = Schema::embedded() else {
        return;
    };
    let Some((fm, form)) = guide_form(ctx, None) else {
        return;
    };
    let Ok(map) = &fm.value else { return };
    let (_, recommended) =
        schema.expected(form, super::front_matter_missing_key::hidden(ctx, fm, map));
    let missing: Vec<String> = recommended
        .iter()
        .filter(|k| lookup(map, k).is_none())
        .map(|k| k.to_string())
        .collect();
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
