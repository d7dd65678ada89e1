//! GL003 front-matter-wrong-type: a front-matter value of the wrong type, as
//! the site's YAML reader (Python, YAML 1.1) types it.

use serde_yaml::Value;

use super::{Check, GuideContext, Rule};
use crate::corpus::schema::{KeySpec, Schema, ValueType, describe_value, site_value};
use crate::diagnostic::{Finding, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL003",
    name: "front-matter-wrong-type",
    severity: Severity::Error,
    summary: "A front-matter value of the wrong type as the site reads it: a quoted number or boolean, an empty title, a bad date, slug or guide number",
    docs: include_str!("front_matter_wrong_type.md"),
    check: Check::Guide(check),
};

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    let (Some(schema), Some(fm)) = (Schema::embedded(), &ctx.guide.front_matter) else {
        return;
    };
    let Ok(map) = &fm.value else { return };
    for key in &fm.keys {
        let (Some(name), Some(value)) = (schema.canonical(&key.key), map.get(key.key.as_str()))
        else {
            continue;
        };
        let Some(spec) = schema.keys.get(name) else {
            continue;
        };
        let span = if key.value_span.is_empty() {
            key.key_span.clone()
        } else {
            key.value_span.clone()
        };
        let raw = ctx.text.get(key.value_span.clone());
        let mut wrong = Vec::new();
        wrong_values(name, spec, value, raw, &mut wrong);
        for (path, spec, value) in wrong {
            out.push(
                Finding::new(
                    RULE.code,
                    ctx.file,
                    span.clone(),
                    format!(
                        "`{path}` should be {}, not {}",
                        spec.kind.describe(),
                        describe_value(&value)
                    ),
                )
                .label(format!("expected {}", spec.kind.describe()))
                .help(hint(spec.kind, &path, &value)),
            );
        }
    }
}

/// The values under `name` (itself, or a mapping's fields) of the wrong type.
fn wrong_values<'s>(
    name: &str,
    spec: &'s KeySpec,
    value: &Value,
    raw: Option<&str>,
    out: &mut Vec<(String, &'s KeySpec, Value)>,
) {
    let value = site_value(value, raw);
    if !spec.kind.accepts(&value) {
        out.push((name.to_string(), spec, value.into_owned()));
        return;
    }
    if let Value::Mapping(fields) = value.as_ref() {
        for (k, v) in fields {
            let Some(k) = k.as_str() else { continue };
            if let Some(field) = spec.fields.get(k) {
                wrong_values(&format!("{name}.{k}"), field, v, None, out);
            }
        }
    }
}

fn hint(kind: ValueType, key: &str, value: &Value) -> String {
    use ValueType::*;
    match (kind, value) {
        (Integer, Value::String(s)) if s.len() > 1 && s.starts_with('0') => format!(
            "the site's YAML reader takes a number with a leading 0 for octal, and `{s}` is no octal number: it stays text; write `{key}: {}`",
            s.trim_start_matches('0')
        ),
        (Boolean, Value::String(_)) => format!(
            "the site takes any text for true: write `{key}: true` or `{key}: false`, without quotes"
        ),
        (String, _) => format!("give `{key}` a text value"),
        (Slug, _) => format!(
            "write `{key}` in lowercase ASCII letters and digits joined by hyphens, e.g. `configuration-outlook-2016`"
        ),
        (Integer, _) => format!("write `{key}` as a number without quotes, e.g. `{key}: 3`"),
        (Boolean, _) => format!("write `{key}: true` or `{key}: false`"),
        (Date, _) => format!("write `{key}` as YYYY-MM-DD, e.g. `{key}: 2021-07-19`"),
        (LegacyNumber, _) => {
            format!("write `{key}` as the guide's number, e.g. `{key}: 1474` or `{key}: g1474`")
        }
        (Mapping, _) => format!("write `{key}` as indented `name: value` lines"),
    }
}
