//! GL004 front-matter-unknown-key: a front-matter key the schema does not know.

use super::{Check, GuideContext, Rule};
use crate::corpus::anchors::levenshtein;
use crate::corpus::schema::Schema;
use crate::diagnostic::{Finding, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL004",
    name: "front-matter-unknown-key",
    severity: Severity::Warning,
    summary: "A front-matter key the schema does not declare (often a misspelt key)",
    docs: include_str!("front_matter_unknown_key.md"),
    check: Check::Guide(check),
};

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    let (Some(schema), Some(fm)) = (Schema::embedded(), &ctx.guide.front_matter) else {
        return;
    };
    if fm.value.is_err() {
        return;
    }
    for key in &fm.keys {
        if schema.keys.contains_key(&key.key) {
            continue;
        }
        let near = schema
            .keys
            .keys()
            .map(|k| (levenshtein(&key.key.to_lowercase(), k), k))
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
        out.push(
            Finding::new(
                RULE.code,
                ctx.file,
                key.key_span.clone(),
                format!("unknown front-matter key `{}`", key.key),
            )
            .label("not in the front-matter schema")
            .help(help),
        );
    }
}
