//! GL002 front-matter-missing-key: a guide's front matter lacks a key its form requires.

use super::{Check, GuideContext, Rule};
use crate::corpus::layout::is_guide_file_name;
use crate::corpus::schema::{Form, Schema, is_hidden, lookup};
use crate::diagnostic::{Finding, Severity};
use crate::guide::{FrontMatter, GuideKind};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL002",
    name: "front-matter-missing-key",
    severity: Severity::Error,
    summary: "Front matter that lacks a key its form requires (title, slug, section; or title, updated)",
    docs: include_str!("front_matter_missing_key.md"),
    check: Check::Guide(check),
};

/// The front matter of `ctx`'s guide with its form, when it follows one
/// (`None` for a fragment, broken front matter or none); reports a guide file
/// without front matter.
pub(super) fn guide_form<'a>(
    ctx: &'a GuideContext<'_>,
    out: Option<&mut Vec<Finding>>,
) -> Option<(&'a FrontMatter, &'static Form)> {
    let schema = Schema::embedded()?;
    if ctx.guide.kind != GuideKind::Markdown || ctx.guide.unclosed_front_matter.is_some() {
        return None;
    }
    let name = std::path::Path::new(ctx.path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("");
    let guide_file = is_guide_file_name(name);
    let Some(fm) = &ctx.guide.front_matter else {
        if let Some(out) = out
            && guide_file
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
        return None;
    };
    let map = fm.value.as_ref().ok()?;
    Some((fm, schema.form_for(map, guide_file)?))
}

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    let Some(schema) = Schema::embedded() else {
        return;
    };
    let Some((fm, form)) = guide_form(ctx, Some(out)) else {
        return;
    };
    let Ok(map) = &fm.value else { return };
    let (required, _) = schema.expected(form, hidden(ctx, fm, map));
    let missing: Vec<String> = required
        .iter()
        .filter(|k| lookup(map, k).is_none())
        .map(|k| k.to_string())
        .collect();
    if missing.is_empty() {
        return;
    }
    let fence = fm.span.start..fm.span.start + 3;
    let plural = if missing.len() == 1 { "" } else { "s" };
    // A key written under its translated name (`Titel:`) is the likely cause.
    let translated: Vec<String> = fm
        .keys
        .iter()
        .filter_map(|k| {
            let of = schema.translation_of(&k.key)?;
            missing
                .iter()
                .any(|m| m == of)
                .then(|| format!("`{}` is `{of}` translated", k.key.trim_end_matches(':')))
        })
        .collect();
    let help = if translated.is_empty() {
        format!("{} front matter holds {}", form.name, keys(&form.required))
    } else {
        format!(
            "{}: the site reads key names in English only; rename it",
            crate::spec::join_and(&translated)
        )
    };
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
        .help(help),
    );
}

/// True when the site hides `ctx`'s guide (its `hidden:` as written).
pub(super) fn hidden(ctx: &GuideContext<'_>, fm: &FrontMatter, map: &serde_yaml::Mapping) -> bool {
    let raw = fm
        .keys
        .iter()
        .find(|k| k.key.eq_ignore_ascii_case("hidden"))
        .and_then(|k| ctx.text.get(k.value_span.clone()));
    is_hidden(map, raw)
}

/// `a`, `b` and `c`, each in backquotes.
pub(super) fn keys(keys: &[String]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    crate::spec::join_and(&quoted)
}
