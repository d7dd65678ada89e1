//! GL003 front-matter-wrong-type: a front-matter value of the wrong type.

use super::{Check, GuideContext, Rule};
use crate::corpus::schema::{Schema, describe_value};
use crate::diagnostic::{Finding, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL003",
    name: "front-matter-wrong-type",
    severity: Severity::Error,
    summary: "A front-matter value of the wrong type: a quoted number, `yes` for a boolean, an empty title, a bad date or slug",
    docs: include_str!("front_matter_wrong_type.md"),
    check: Check::Guide(check),
};

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    let (Some(schema), Some(fm)) = (Schema::embedded(), &ctx.guide.front_matter) else {
        return;
    };
    let Ok(map) = &fm.value else { return };
    for key in &fm.keys {
        let (Some(spec), Some(value)) = (schema.keys.get(&key.key), map.get(key.key.as_str()))
        else {
            continue;
        };
        if spec.kind.accepts(value) {
            continue;
        }
        let span = if key.value_span.is_empty() {
            key.key_span.clone()
        } else {
            key.value_span.clone()
        };
        let found = describe_value(value);
        out.push(
            Finding::new(
                RULE.code,
                ctx.file,
                span,
                format!(
                    "`{}` should be {}, not {found}",
                    key.key,
                    spec.kind.describe()
                ),
            )
            .label(format!("expected {}", spec.kind.describe()))
            .help(hint(spec.kind, &key.key)),
        );
    }
}

fn hint(kind: crate::corpus::schema::ValueType, key: &str) -> String {
    use crate::corpus::schema::ValueType::*;
    match kind {
        String => format!("give `{key}` a text value"),
        Slug => format!(
            "write `{key}` in lowercase ASCII letters and digits joined by hyphens, e.g. `configuration-outlook-2016`"
        ),
        Integer => format!("write `{key}` as a number without quotes, e.g. `{key}: 3`"),
        Boolean => format!("write `{key}: true` or `{key}: false`"),
        Date => format!("write `{key}` as YYYY-MM-DD, e.g. `{key}: 2021-07-19`"),
    }
}
