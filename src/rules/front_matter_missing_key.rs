//! GL002 front-matter-missing-key: a guide's front matter lacks a key its form requires.

use super::{Check, GuideContext, Rule};
use crate::corpus::layout::is_guide_file_name;
use crate::corpus::schema::Schema;
use crate::diagnostic::{Finding, Severity};
use crate::guide::GuideKind;

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL002",
    name: "front-matter-missing-key",
    severity: Severity::Error,
    summary: "Front matter that lacks a key its form requires (title, slug, excerpt, section; or title, excerpt, updated)",
    docs: include_str!("front_matter_missing_key.md"),
    check: Check::Guide(check),
};

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    let Some(schema) = Schema::embedded() else {
        return;
    };
    if ctx.guide.kind != GuideKind::Markdown || ctx.guide.unclosed_front_matter.is_some() {
        return;
    }
    let name = std::path::Path::new(ctx.path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("");
    let guide_file = is_guide_file_name(name);
    let Some(fm) = &ctx.guide.front_matter else {
        if guide_file
            && let Some(form) = schema.forms.iter().find(|f| f.name == schema.default_form)
        {
            out.push(
                Finding::new(RULE.code, ctx.file, 0..0, "this guide has no front matter")
                    .label("front matter expected here")
                    .help(format!(
                        "start the guide with a `---` block holding {}",
                        keys(&form.required)
                    )),
            );
        }
        return;
    };
    let Ok(map) = &fm.value else { return };
    let Some(form) = schema.form_for(map, guide_file) else {
        return;
    };
    let missing: Vec<String> = form
        .required
        .iter()
        .filter(|k| !map.contains_key(k.as_str()))
        .cloned()
        .collect();
    if missing.is_empty() {
        return;
    }
    let fence = fm.span.start..fm.span.start + 3;
    let plural = if missing.len() == 1 { "" } else { "s" };
    out.push(
        Finding::new(
            RULE.code,
            ctx.file,
            fence,
            format!(
                "front matter lacks {}, required in {} front matter",
                keys(&missing),
                form.name
            ),
        )
        .label(format!("missing key{plural}"))
        .help(format!(
            "{} front matter holds {}",
            form.name,
            keys(&form.required)
        )),
    );
}

fn keys(keys: &[String]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    crate::spec::join_and(&quoted)
}
