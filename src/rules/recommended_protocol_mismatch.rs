//! GL303 recommended-protocol-mismatch: a guide recommends a protocol the spec does not.

use super::{Check, GuideContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::extract::Value;

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL303",
    name: "recommended-protocol-mismatch",
    severity: Severity::Warning,
    summary: "A guide marks as recommended a protocol that the spec does not recommend",
    docs: include_str!("recommended_protocol_mismatch.md"),
    check: Check::Guide(check),
};

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    let Some(product) = ctx.product else { return };
    let Some(spec) = product.recommended else {
        return;
    };
    for fact in ctx.facts {
        let Value::Recommended(stated) = fact.value else {
            continue;
        };
        if stated == spec {
            continue;
        }
        out.push(
            Finding::new(
                RULE.code,
                ctx.file,
                fact.span.clone(),
                format!(
                    "{stated} is marked as recommended, but the {} spec recommends {spec}",
                    product.name
                ),
            )
            .label(format!("{stated} recommended here"))
            .help(format!(
                "recommend {spec} only, or drop \"recommended\" from the {stated} configuration"
            )),
        );
    }
}
