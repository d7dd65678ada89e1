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

/// The keys the form of a guide's front matter asks that it lacks.
pub(super) struct AbsentKeys<'a> {
    /// The front matter.
    pub fm: &'a FrontMatter,
    /// Its form.
    pub form: &'static Form,
    /// The required keys it lacks.
    pub required: Vec<String>,
    /// The recommended keys it lacks.
    pub recommended: Vec<String>,
}

/// The keys the guide's front matter lacks ([`AbsentKeys`]); `out` takes
/// the findings about the form itself (see [`guide_form`]).
pub(super) fn absent_keys<'a>(
    ctx: &'a GuideContext<'_>,
    out: Option<&mut Vec<Finding>>,
) -> Option<AbsentKeys<'a>> {
    let schema = Schema::embedded()?;
    let (fm, form) = guide_form(ctx, out)?;
    let Ok(map) = &fm.value else { return None };
    let (required, recommended) = schema.expected(form, hidden(ctx, fm, map));
    let absent = |keys: Vec<&str>| -> Vec<String> {
        keys.into_iter()
            .filter(|k| lookup(map, k).is_none())
            .map(str::to_string)
            .collect()
    };
    Some(AbsentKeys {
        fm,
        form,
        required: absent(required),
        recommended: absent(recommended),
    })
}

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    let Some(schema) = Schema::embedded() else {
        return;
    };
    let Some(AbsentKeys {
        fm,
        form,
        required: missing,
        ..
    }) = absent_keys(ctx, Some(out))
    else {
        return;
    };
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
