//! GL306 limit-mismatch: a stated limit that differs from the spec's.

use super::{Check, GuideContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::extract::Value;

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL306",
    name: "limit-mismatch",
    severity: Severity::Error,
    summary: "A sending rate, quota, attachment size or recipient count that differs from the spec",
    docs: include_str!("limit_mismatch.md"),
    check: Check::Guide(check),
};

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    let Some(product) = ctx.product else { return };
    for fact in ctx.facts {
        let Value::Limit(limit, stated) = fact.value else {
            continue;
        };
        let Some(spec) = product.limits.get(limit.key()).and_then(|v| v.as_u64()) else {
            continue;
        };
        if spec == stated {
            continue;
        }
        out.push(
            Finding::new(
                RULE.code,
                ctx.file,
                fact.span.clone(),
                format!(
                    "this guide gives {stated} {}, but the {} spec gives {spec}",
                    limit.describe(),
                    product.name
                ),
            )
            .label(format!("{} is {spec}", limit.key()))
            .help(format!("write {spec} {}", limit.describe()))
            .fix(fact.span.clone(), spec.to_string()),
        );
    }
}
