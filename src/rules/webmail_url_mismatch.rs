//! GL304 webmail-url-mismatch: a webmail URL other than the spec's.

use super::{Check, GuideContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::extract::Value;

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL304",
    name: "webmail-url-mismatch",
    severity: Severity::Error,
    summary: "A webmail URL that differs from the webmail URL of the spec",
    docs: include_str!("webmail_url_mismatch.md"),
    check: Check::Guide(check),
};

/// A URL compared loosely: lowercase, without a trailing `/`.
pub(crate) fn normalize_url(url: &str) -> String {
    url.trim().trim_end_matches('/').to_lowercase()
}

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    let Some(product) = ctx.product else { return };
    let Some(spec) = &product.webmail else { return };
    for fact in ctx.facts {
        let Value::Webmail(url) = &fact.value else {
            continue;
        };
        if normalize_url(url) == normalize_url(spec) {
            continue;
        }
        out.push(
            Finding::new(
                RULE.code,
                ctx.file,
                fact.span.clone(),
                format!(
                    "the webmail is at `{spec}` in the {} spec, but this guide gives `{url}`",
                    product.name
                ),
            )
            .label("other webmail URL")
            .help(format!("use `{spec}`"))
            .fix(fact.span.clone(), spec.clone()),
        );
    }
}
