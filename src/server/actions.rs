//! Code actions: each finding's fix (what `--fix` applies) as a quick fix,
//! "fix all in this guide", and "suppress GLxxx" with the suppression
//! comment guidelint reads (`guidelint-disable-next-line`, or a region around
//! a table or code block, or the whole file for front matter).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Diagnostic,
    OptionalVersionedTextDocumentIdentifier, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

use super::check::{self, Checked, Snapshot};
use super::position::LineIndex;
use super::{Context, Failure, failure};
use crate::diagnostic::{Finding, Fix};
use crate::guide::{BlockKind, Guide};
use lsp_server::ErrorCode;

/// The kind of "fix all in this guide" as a source action.
pub fn fix_all_kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.guidelint")
}

/// The code actions for `params`'s range; `last` is the document's last
/// check when it is of the current text (else the guide is checked now).
pub fn code_actions(
    ctx: &Context,
    params: CodeActionParams,
    last: Option<Arc<Checked>>,
    cancelled: &dyn Fn() -> bool,
) -> Result<Option<Vec<CodeActionOrCommand>>, Failure> {
    let uri = &params.text_document.uri;
    let Some(doc) = ctx.open.get(uri) else {
        return Ok(None);
    };
    let checked = match last.filter(|c| c.version == doc.version) {
        Some(c) => c,
        None => match check::run(&ctx.shared, &ctx.setup, doc, cancelled) {
            Some(c) => Arc::new(c),
            None => return Err(failure(ErrorCode::RequestCanceled, "cancelled")),
        },
    };
    let text = checked.text.as_str();
    let lines = LineIndex::new(text, ctx.shared.encoding);
    let wanted = lines.span(text, params.range);
    let only = params.context.only.as_deref();
    let allows = |kind: &CodeActionKind| {
        only.is_none_or(|only| {
            only.iter().any(|o| {
                kind.as_str() == o.as_str()
                    || kind.as_str().starts_with(&format!("{}.", o.as_str()))
            })
        })
    };
    let edit = |edits: Vec<TextEdit>| workspace_edit(ctx, doc, edits);
    let mut out = Vec::new();
    let guide = Guide::parse(
        text,
        crate::engine::kind_of(doc_path(doc).as_path()),
        &ctx.setup.engine.vocab,
    );
    let line_ending = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut suppressed: Vec<(String, usize)> = Vec::new();
    for (f, diagnostic) in checked.findings.iter().zip(&checked.diagnostics) {
        if !touches(&f.span, &wanted) {
            continue;
        }
        if let Some(fix) = &f.fix
            && allows(&CodeActionKind::QUICKFIX)
        {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix_title(f, fix, text),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(edit(vec![TextEdit {
                    range: lines.range(text, &fix.span),
                    new_text: fix.replacement.clone(),
                }])),
                is_preferred: Some(true),
                ..CodeAction::default()
            }));
        }
        // The choices when no fix is certain.
        for suggestion in f
            .suggestions
            .iter()
            .filter(|_| allows(&CodeActionKind::QUICKFIX))
        {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("{} ({})", suggestion.title, f.code),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(edit(vec![TextEdit {
                    range: lines.range(text, &suggestion.fix.span),
                    new_text: suggestion.fix.replacement.clone(),
                }])),
                ..CodeAction::default()
            }));
        }
        if allows(&CodeActionKind::QUICKFIX) && f.code != "GL901" {
            let (title, edits) = suppression(text, &lines, &guide, f, line_ending);
            let key = (
                title.clone(),
                edits.first().map_or(0, |e| e.range.start.line as usize),
            );
            if !suppressed.contains(&key) {
                suppressed.push(key);
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(edit(edits)),
                    ..CodeAction::default()
                }));
            }
        }
    }
    // Fix all: every fix `--fix` would apply to this text.
    let fixes: Vec<&Fix> = checked
        .findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .collect();
    if !fixes.is_empty() {
        let (_, applied) = crate::fix::apply(text, &fixes);
        let edits: Vec<TextEdit> = applied
            .iter()
            .map(|fix| TextEdit {
                range: lines.range(text, &fix.span),
                new_text: fix.replacement.clone(),
            })
            .collect();
        let fixed: Vec<Diagnostic> = checked
            .findings
            .iter()
            .zip(&checked.diagnostics)
            .filter(|(f, _)| f.fix.as_ref().is_some_and(|x| applied.contains(x)))
            .map(|(_, d)| d.clone())
            .collect();
        let title = format!("Fix all guidelint problems in this guide ({})", fixed.len());
        for kind in [fix_all_kind(), CodeActionKind::QUICKFIX] {
            let in_range = kind != CodeActionKind::QUICKFIX
                || checked
                    .findings
                    .iter()
                    .any(|f| f.fix.is_some() && touches(&f.span, &wanted));
            if allows(&kind) && in_range && !edits.is_empty() {
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: title.clone(),
                    kind: Some(kind),
                    diagnostics: Some(fixed.clone()),
                    edit: Some(edit(edits.clone())),
                    ..CodeAction::default()
                }));
            }
        }
    }
    Ok(Some(out))
}

fn doc_path(doc: &Snapshot) -> std::path::PathBuf {
    doc.path
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from("untitled.md"))
}

/// True when a finding at `span` concerns the requested range `wanted`
/// (overlapping it, or touching the cursor).
fn touches(span: &Range<usize>, wanted: &Range<usize>) -> bool {
    span.start <= wanted.end && wanted.start <= span.end
}

/// "Replace `993` with `995` (GL201)".
fn fix_title(f: &Finding, fix: &Fix, text: &str) -> String {
    let old = text.get(fix.span.clone()).unwrap_or("");
    let shown = |s: &str| {
        if s.chars().count() > 40 {
            format!("{}…", s.chars().take(40).collect::<String>())
        } else {
            s.to_string()
        }
    };
    if old.is_empty() {
        format!("Insert `{}` ({})", shown(&fix.replacement), f.code)
    } else {
        format!(
            "Replace `{}` with `{}` ({})",
            shown(old),
            shown(&fix.replacement),
            f.code
        )
    }
}

/// The comment that silences `f`, and where it goes.
fn suppression(
    text: &str,
    lines: &LineIndex,
    guide: &Guide,
    f: &Finding,
    eol: &str,
) -> (String, Vec<TextEdit>) {
    let code = &f.code;
    let insert = |offset: usize, new_text: String| TextEdit {
        range: lines.range(text, &(offset..offset)),
        new_text,
    };
    let line_start = |offset: usize| lines.line_range(text, lines.line_of(offset)).start;
    let after_line = |offset: usize| {
        let line = lines.line_of(offset);
        let end = lines.line_range(text, line).end;
        // Past the line ending, if any.
        text[end..]
            .strip_prefix("\r\n")
            .or_else(|| text[end..].strip_prefix('\n'))
            .or_else(|| text[end..].strip_prefix('\r'))
            .map_or(text.len(), |rest| text.len() - rest.len())
    };
    let indent = |offset: usize| {
        let start = line_start(offset);
        let line = &text[start..lines.line_range(text, lines.line_of(offset)).end];
        line[..line.len() - line.trim_start().len()].to_string()
    };
    // Front matter is YAML: the comment goes after it, for the whole file.
    if let Some(fm) = guide
        .front_matter
        .as_ref()
        .filter(|fm| fm.span.contains(&f.span.start))
    {
        let at = after_line(fm.span.end.saturating_sub(1).max(fm.span.start));
        let mut comment = format!("<!-- guidelint-disable-file {code} -->{eol}");
        if at == text.len() && !text.ends_with('\n') && !text.is_empty() {
            comment = format!("{eol}{comment}");
        }
        return (
            format!("Suppress {code} in this file"),
            vec![insert(at, comment)],
        );
    }
    // A line of a table or a code block cannot be preceded by a comment: a
    // region around the block.
    let block = guide.blocks.iter().find(|b| {
        matches!(b.kind, BlockKind::Table(_) | BlockKind::Code) && b.span.contains(&f.span.start)
    });
    if let Some(b) = block {
        let what = if matches!(b.kind, BlockKind::Code) {
            "code block"
        } else {
            "table"
        };
        let start = line_start(b.span.start);
        let pad = indent(b.span.start);
        let last = b.span.end.saturating_sub(1).max(b.span.start);
        let end = after_line(last);
        let mut enable = format!("{pad}<!-- guidelint-enable {code} -->{eol}");
        if end == text.len() && !text.ends_with(['\n', '\r']) {
            enable = format!("{eol}{enable}");
        }
        return (
            format!("Suppress {code} in this {what}"),
            vec![
                insert(
                    start,
                    format!("{pad}<!-- guidelint-disable {code} -->{eol}"),
                ),
                insert(end, enable),
            ],
        );
    }
    let start = line_start(f.span.start);
    (
        format!("Suppress {code} on this line"),
        vec![insert(
            start,
            format!(
                "{}<!-- guidelint-disable-next-line {code} -->{eol}",
                indent(f.span.start)
            ),
        )],
    )
}

/// `edits` of `doc` as a workspace edit: versioned when the client takes it.
fn workspace_edit(ctx: &Context, doc: &Snapshot, edits: Vec<TextEdit>) -> WorkspaceEdit {
    edits_of(ctx, vec![(doc.uri.clone(), Some(doc.version), edits)])
}

/// A workspace edit of several documents: (uri, version if open, edits).
pub fn edits_of(ctx: &Context, files: Vec<(Uri, Option<i32>, Vec<TextEdit>)>) -> WorkspaceEdit {
    if ctx.client.document_changes {
        let changes = files
            .into_iter()
            .map(|(uri, version, edits)| TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
                edits: edits.into_iter().map(lsp_types::OneOf::Left).collect(),
            })
            .collect();
        WorkspaceEdit {
            document_changes: Some(lsp_types::DocumentChanges::Edits(changes)),
            ..WorkspaceEdit::default()
        }
    } else {
        let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
        for (uri, _, edits) in files {
            changes.entry(uri).or_default().extend(edits);
        }
        WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guide::GuideKind;
    use crate::server::position::Encoding;
    use crate::vocab::Vocabulary;

    fn apply(text: &str, edits: &[TextEdit]) -> String {
        let lines = LineIndex::new(text, Encoding::Utf16);
        let mut spans: Vec<(Range<usize>, &str)> = edits
            .iter()
            .map(|e| (lines.span(text, e.range), e.new_text.as_str()))
            .collect();
        spans.sort_by_key(|(s, _)| std::cmp::Reverse(s.start));
        let mut out = text.to_string();
        for (span, new) in spans {
            out.replace_range(span, new);
        }
        out
    }

    fn suppress(text: &str, needle: &str, code: &'static str) -> (String, String) {
        let vocab = Vocabulary::embedded().unwrap();
        let guide = Guide::parse(text, GuideKind::Markdown, &vocab);
        let lines = LineIndex::new(text, Encoding::Utf16);
        let at = text.find(needle).unwrap();
        let f = Finding::new(code, 0, at..at + needle.len(), "m");
        let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let (title, edits) = suppression(text, &lines, &guide, &f, eol);
        (title, apply(text, &edits))
    }

    #[test]
    fn a_line_gets_a_comment_with_its_indentation() {
        let (title, out) = suppress("# T\n\n- a\n    - Port : **993**\n", "993", "GL201");
        assert_eq!(title, "Suppress GL201 on this line");
        assert_eq!(
            out,
            "# T\n\n- a\n    <!-- guidelint-disable-next-line GL201 -->\n    - Port : **993**\n"
        );
    }

    #[test]
    fn crlf_is_kept() {
        let (_, out) = suppress("a\r\nPort 993\r\n", "993", "GL201");
        assert_eq!(
            out,
            "a\r\n<!-- guidelint-disable-next-line GL201 -->\r\nPort 993\r\n"
        );
    }

    #[test]
    fn a_table_gets_a_region() {
        let text = "x\n\n| a | b |\n|---|---|\n| 993 | 2 |\n\ny\n";
        let (title, out) = suppress(text, "993", "GL204");
        assert_eq!(title, "Suppress GL204 in this table");
        assert_eq!(
            out,
            "x\n\n<!-- guidelint-disable GL204 -->\n| a | b |\n|---|---|\n| 993 | 2 |\n<!-- guidelint-enable GL204 -->\n\ny\n"
        );
    }

    #[test]
    fn front_matter_gets_the_whole_file() {
        let text = "---\ntitle: T\nslugg: x\n---\n\nBody\n";
        let (title, out) = suppress(text, "slugg", "GL004");
        assert_eq!(title, "Suppress GL004 in this file");
        assert_eq!(
            out,
            "---\ntitle: T\nslugg: x\n---\n<!-- guidelint-disable-file GL004 -->\n\nBody\n"
        );
    }
}
