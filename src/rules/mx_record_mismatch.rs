//! GL305 mx-record-mismatch: an MX host the spec does not list for the
//! guide's product and locale; a legacy MX record is a warning.

use super::{Check, GuideContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::extract::Value;
use crate::spec::{Acceptance, LocaleView, join_and};

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
    if !ctx.facts.iter().any(|f| matches!(f.value, Value::Mx(_))) {
        return;
    }
    let hosts: Vec<&str> = view.mx.iter().map(|m| m.host.as_str()).collect();
    let records = format!(
        "{}'s MX records{} are {}",
        product.name,
        LocaleView::for_whom(view.mx_locale),
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
                        "`{host}` is an older MX record of {}{}",
                        product.name,
                        LocaleView::for_whom(view.mx_locale)
                    ),
                )
                .label("older MX record")
                .help(records.clone());
                f.severity = Severity::Warning;
                f
            }
            Acceptance::No => {
                let elsewhere: Vec<String> = if view.mx_locale.is_some()
                    && product.accepts_mx(host, None) == Acceptance::Current
                {
                    vec!["other locales'".to_string()]
                } else {
                    product
                        .locales
                        .iter()
                        .filter(|(l, f)| f.mx.is_some() && Some(l.as_str()) != view.locale)
                        .filter(|(l, _)| product.accepts_mx(host, Some(l)) == Acceptance::Current)
                        .map(|(l, _)| l.clone())
                        .collect()
                };
                let message = if elsewhere.is_empty() {
                    format!(
                        "`{host}` is not an MX record of {}{}",
                        product.name,
                        LocaleView::for_whom(view.mx_locale)
                    )
                } else {
                    let not_here = view
                        .mx_locale
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
