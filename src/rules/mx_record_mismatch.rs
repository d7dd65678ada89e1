//! GL305 mx-record-mismatch: an MX host the spec does not list.

use super::{Check, GuideContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::extract::Value;
use crate::spec::join_and;

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
    if product.mx.is_empty() {
        return;
    }
    for fact in ctx.facts {
        let Value::Mx(host) = &fact.value else {
            continue;
        };
        if product
            .mx
            .iter()
            .any(|m| crate::spec::host_matches(&m.host, host))
        {
            continue;
        }
        let list: Vec<String> = product.mx.iter().map(|m| format!("`{}`", m.host)).collect();
        out.push(
            Finding::new(
                RULE.code,
                ctx.file,
                fact.span.clone(),
                format!("`{host}` is not an MX record of {}", product.name),
            )
            .label("unknown MX host")
            .help(format!(
                "{}'s MX records are {}",
                product.name,
                join_and(&list)
            )),
        );
    }
}
