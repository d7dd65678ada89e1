//! GL305 mx-record-mismatch: an MX host the spec does not list for the
//! guide's product and locale; a legacy MX record is a warning.

use super::{Check, GuideContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::extract::Value;
use crate::spec::{Acceptance, join_and};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL305",
    name: "mx-record-mismatch",
    severity: Severity::Error,
    summary: "An MX record host that is not one of the MX records of the spec",
    docs: include_str!("mx_record_mismatch.md"),
    check: Check::Guide(check),
};

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    let Some(product) = ctx.product else { return };
    let view = product.at(ctx.locale);
    if view.mx.is_empty() {
        return;
    }
    let hosts: Vec<&str> = view.mx.iter().map(|m| m.host.as_str()).collect();
    let records = format!(
        "{}'s MX records{} are {}",
        product.name,
        view.for_whom(),
        super::unknown_host::list_hosts(&hosts)
    );
    for fact in ctx.facts {
        let Value::Mx(host) = &fact.value else {
            continue;
        };
        let finding = match view.accepts_mx(host) {
            Acceptance::Current | Acceptance::Unspecified => continue,
            Acceptance::Legacy => {
                let mut f = Finding::new(
                    RULE.code,
                    ctx.file,
                    fact.span.clone(),
                    format!(
                        "`{host}` is an older MX record of {}; {records}",
                        product.name
                    ),
                )
                .label("older MX record")
                .help(format!("give the current MX records: {records}"));
                f.severity = Severity::Warning;
                f
            }
            Acceptance::No => {
                let elsewhere: Vec<String> = std::iter::once(None)
                    .chain(product.locales.keys().map(|k| Some(k.as_str())))
                    .filter(|l| *l != view.locale)
                    .filter(|l| product.accepts_mx(host, *l) == Acceptance::Current)
                    .map(|l| l.unwrap_or("other locales'").to_string())
                    .collect();
                let message = if elsewhere.is_empty() {
                    format!(
                        "`{host}` is not an MX record of {}{}",
                        product.name,
                        view.for_whom()
                    )
                } else {
                    let not_here = view
                        .locale
                        .map(|l| format!(", not for {l} guides"))
                        .unwrap_or_default();
                    format!(
                        "`{host}` is an MX record of {} for {} guides{not_here}",
                        product.name,
                        join_and(&elsewhere),
                    )
                };
                Finding::new(RULE.code, ctx.file, fact.span.clone(), message)
                    .label("unknown MX host")
                    .help(records.clone())
            }
        };
        out.push(finding);
    }
}
