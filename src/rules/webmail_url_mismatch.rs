//! GL304 webmail-url-mismatch: a webmail URL other than the spec's for the
//! guide's product and locale; a legacy webmail address is a warning.

use super::{Check, GuideContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::extract::Value;
use crate::spec::{Acceptance, join_and};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL304",
    name: "webmail-url-mismatch",
    severity: Severity::Error,
    summary: "A webmail URL that differs from the webmail URL of the spec",
    docs: include_str!("webmail_url_mismatch.md"),
    check: Check::Guide(check),
};

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    let Some(product) = ctx.product else { return };
    let view = product.at(ctx.locale);
    let Some(right) = view.webmail.first() else {
        return;
    };
    let whose = match view.webmail_locale {
        Some(l) => format!("the webmail for {l} guides"),
        None => format!("the {} webmail", product.name),
    };
    for fact in ctx.facts {
        let Value::Webmail(url) = &fact.value else {
            continue;
        };
        let written = ctx.text.get(fact.span.clone()) == Some(url.as_str());
        let finding = match view.accepts_webmail(url) {
            Acceptance::Current | Acceptance::Unspecified => continue,
            Acceptance::Legacy => {
                let mut f = Finding::new(
                    RULE.code,
                    ctx.file,
                    fact.span.clone(),
                    format!("`{url}` is an older webmail address; {whose} is `{right}`"),
                )
                .label("older webmail address")
                .help(format!("use `{right}`"));
                f.severity = Severity::Warning;
                f
            }
            Acceptance::No => {
                let of: Vec<String> = product
                    .webmail_locales(url)
                    .into_iter()
                    .flatten()
                    .filter(|l| Some(*l) != view.webmail_locale)
                    .map(str::to_string)
                    .collect();
                let other_products: Vec<String> = ctx
                    .spec
                    .into_iter()
                    .flat_map(|s| &s.products)
                    .filter(|p| p.id != product.id)
                    .filter(|p| p.accepts_webmail(url, ctx.locale) == Acceptance::Current)
                    .map(|p| p.name.clone())
                    .collect();
                let message = if of.is_empty() && !other_products.is_empty() {
                    format!(
                        "`{url}` is the webmail of {}, not {}; {whose} is `{right}`",
                        join_and(&other_products),
                        product.name
                    )
                } else if of.is_empty() {
                    format!("this guide gives `{url}` as the webmail, but {whose} is `{right}`")
                } else {
                    format!(
                        "`{url}` is the webmail of {} guides; {whose} is `{right}`",
                        join_and(&of)
                    )
                };
                Finding::new(RULE.code, ctx.file, fact.span.clone(), message)
                    .label("other webmail URL")
                    .help(format!("use `{right}`"))
            }
        };
        out.push(if written && !right.contains('*') {
            finding.fix(fact.span.clone(), right.clone())
        } else {
            finding
        });
    }
}
