//! GL004 front-matter-unknown-key: a front-matter key the schema does not know.

use super::front_matter_missing_key::guide_form;
use super::{Check, GuideContext, Rule};
use crate::corpus::anchors::levenshtein;
use crate::corpus::schema::{KeySpec, Schema, lookup};
use crate::diagnostic::{Finding, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL004",
    name: "front-matter-unknown-key",
    severity: Severity::Warning,
    summary: "A front-matter key the schema does not declare: a misspelt, translated or capitalised key",
    docs: include_str!("front_matter_unknown_key.md"),
    check: Check::Guide(check),
};

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    let (Some(schema), Some(fm)) = (Schema::embedded(), &ctx.guide.front_matter) else {
        return;
    };
    let Ok(map) = &fm.value else { return };
    for key in &fm.keys {
        let name = key.key.trim_end_matches(':');
        if schema.keys.contains_key(name) && name == key.key {
            // Declared: its mapping's fields must be declared too.
            if let (Some(spec), Some(serde_yaml::Value::Mapping(fields))) =
                (schema.keys.get(name), map.get(name))
            {
                unknown_fields(ctx, name, spec, fields, key.key_span.clone(), out);
            }
            continue;
        }
        let (message, help, fix) = if let Some(k) = schema.canonical(name)
            && name == key.key
        {
            (
                format!("front-matter key `{name}` is written with capitals"),
                format!(
                    "the site reads it as `{k}`, the name every other guide writes: write `{k}`"
                ),
                Some(k.to_string()),
            )
        } else if let Some(k) = schema.translation_of(&key.key) {
            let required =
                guide_form(ctx, None).is_some_and(|(_, form)| form.required.iter().any(|r| r == k));
            if lookup(map, k).is_none() && required {
                // GL002 reports the missing key and names this one.
                continue;
            }
            (
                format!("front-matter key `{name}` is `{k}` translated"),
                format!("the site reads key names in English only: write `{k}`"),
                None,
            )
        } else {
            let near = schema
                .keys
                .keys()
                .map(|k| (levenshtein(&name.to_lowercase(), k), k))
                .filter(|(d, k)| *d <= 2 && *d < k.len() / 2)
                .min();
            let help = match near {
                Some((_, k)) => format!("did you mean `{k}`?"),
                None => {
                    let known: Vec<String> = schema.keys.keys().map(|k| format!("`{k}`")).collect();
                    format!(
                        "the keys guides use are {}; declare new keys in rules/frontmatter.yaml",
                        crate::spec::join_and(&known)
                    )
                }
            };
            (format!("unknown front-matter key `{name}`"), help, None)
        };
        let mut finding = Finding::new(RULE.code, ctx.file, key.key_span.clone(), message)
            .label("not in the front-matter schema")
            .help(help);
        if let Some(k) = fix {
            finding = finding.fix(key.key_span.clone(), k);
        }
        out.push(finding);
    }
}

/// Reports the fields of the mapping `key` that its spec does not declare.
fn unknown_fields(
    ctx: &GuideContext<'_>,
    key: &str,
    spec: &KeySpec,
    fields: &serde_yaml::Mapping,
    span: std::ops::Range<usize>,
    out: &mut Vec<Finding>,
) {
    for field in fields.keys().filter_map(|k| k.as_str()) {
        if spec.fields.contains_key(field) {
            continue;
        }
        let known: Vec<String> = spec.fields.keys().map(|k| format!("`{k}`")).collect();
        out.push(
            Finding::new(
                RULE.code,
                ctx.file,
                span.clone(),
                format!("unknown field `{field}` under `{key}`"),
            )
            .label("not in the front-matter schema")
            .help(format!("`{key}` holds {}", crate::spec::join_and(&known))),
        );
    }
}
