//! Links between guides in the editor: completion of `#anchors` inside a
//! link (this guide's or the linked guide's, with the site's heading ids), go
//! to definition from a link to the heading it names, and rename of a
//! heading that updates every link to its anchor across the corpus.
//!
//! Links resolve as the corpus pass resolves them ([`crate::corpus::links`]),
//! over the guide's neighbours in the index; the anchors are the ones GL103
//! checks links against ([`crate::corpus::anchors::page_anchors`]).

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use lsp_server::ErrorCode;
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, CompletionTextEdit,
    GotoDefinitionParams, GotoDefinitionResponse, Location, PrepareRenameResponse, RenameParams,
    TextDocumentPositionParams, TextEdit, Uri, WorkspaceEdit,
};
use regex::Regex;

use super::check::{Place, Snapshot};
use super::index::CorpusIndex;
use super::position::LineIndex;
use super::{Context, Failure, failure, uri};
use crate::corpus::anchors::{Anchor, page_anchors};
use crate::corpus::links::{Index as LinkIndex, Resolution};
use crate::corpus::summary::LinkRef;
use crate::corpus::{self, GuideSummary};
use crate::guide::{BlockKind, Guide};

/// Where a link leads, for the editor.
#[derive(Debug, Clone)]
pub enum Target {
    /// The guide itself.
    Own,
    /// Another guide of the index: its absolute path and anchors.
    Other {
        /// Its file.
        path: PathBuf,
        /// Its anchors, sorted by id.
        anchors: Vec<Anchor>,
    },
}

/// A parsed open guide: its place, model and summary.
struct Parsed {
    place: Place,
    guide: Guide,
    summary: GuideSummary,
}

fn parse(ctx: &Context, doc: &Snapshot) -> Parsed {
    let place = Place::of(&ctx.setup, doc);
    let engine = &ctx.setup.engine;
    let guide = Guide::parse(
        &doc.text,
        crate::engine::kind_of(&place.absolute),
        &engine.vocab,
    );
    let summary = corpus::summarize(
        0,
        &place.display,
        place.absolute.clone(),
        &doc.text,
        &guide,
        corpus::Findings {
            facts: &[],
            product: None,
            mentions: 0,
        },
        &engine.config,
    );
    Parsed {
        place,
        guide,
        summary,
    }
}

/// Where each link of `summary` (the open guide's, at `place`) leads, as
/// the corpus pass resolves it against the index; same-page links alone
/// without an index.
fn resolve(ctx: &Context, place: &Place, summary: &GuideSummary) -> Vec<Option<Target>> {
    let own_only = || {
        summary
            .links
            .iter()
            .map(|l| l.target.is_empty().then_some(Target::Own))
            .collect()
    };
    let setup = &ctx.setup;
    let mut guard = ctx.shared.index.lock().unwrap_or_else(|p| p.into_inner());
    let Some(index) = guard
        .as_mut()
        .filter(|i| i.fingerprint == setup.fingerprint)
    else {
        return own_only();
    };
    let own = index.position(&place.display).unwrap_or(index.len());
    let fs_path = index
        .file(own)
        .map_or_else(|| place.absolute.clone(), |f| f.path.clone());
    let mut summary = summary.clone();
    summary.fs_path = fs_path.clone();
    let keys = CorpusIndex::keys(
        &summary,
        &CorpusIndex::dir_of(&fs_path),
        setup.url_pattern.as_ref(),
    );
    let neighbours = index.neighbours(&keys, own);
    let pattern = setup.engine.config.corpus.url_pattern.clone();
    let resolved: Vec<Option<usize>> = index.with_guide(own, summary, |all| {
        let (near, near_own) = subset(all, &neighbours, own);
        let focus: Vec<bool> = (0..near.len()).map(|k| k == near_own).collect();
        let links = LinkIndex::build_focused(&near, pattern.as_deref(), Some(&focus));
        links
            .links
            .get(near_own)
            .map(|r| {
                r.iter()
                    .map(|r| match r {
                        Resolution::Guide(k) => neighbours.get(*k).copied(),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    });
    resolved
        .into_iter()
        .map(|j| {
            let j = j?;
            if j == own {
                return Some(Target::Own);
            }
            let s = index.summaries().get(j)?;
            Some(Target::Other {
                path: index.absolute(setup, j)?,
                anchors: s.anchors.clone(),
            })
        })
        .collect()
}

/// The summaries `neighbours` of `all`, numbered from 0, and where `own` is among them.
fn subset(all: &[GuideSummary], neighbours: &[usize], own: usize) -> (Vec<GuideSummary>, usize) {
    let near: Vec<GuideSummary> = neighbours
        .iter()
        .enumerate()
        .filter_map(|(k, &i)| {
            let mut s = all.get(i)?.clone();
            s.file = k;
            Some(s)
        })
        .collect();
    let at = neighbours.iter().position(|&i| i == own).unwrap_or(0);
    (near, at)
}

/// A link whose destination is being typed, up to the cursor: its target and the fragment so far.
static TYPING: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        // [text](target#frag
        r"\]\(\s*<?(?P<target>[^\s()<>#]*)#(?P<frag>[^\s()#>]*)$",
        // [ref]: target#frag
        r"^\s{0,3}\[[^\]]+\]:\s*<?(?P<target>[^\s<>#]*)#(?P<frag>[^\s#>]*)$",
        // href="target#frag
        r#"href\s*=\s*["'](?P<target>[^"'#\s]*)#(?P<frag>[^"'#\s]*)$"#,
    ]
    .iter()
    .map(|p| Regex::new(p).expect("valid link regex"))
    .collect()
});

/// Anchors to complete after `#` in a link.
pub fn complete(
    ctx: &Context,
    params: CompletionParams,
) -> Result<Option<CompletionResponse>, Failure> {
    let at = params.text_document_position;
    let Some((doc, lines, offset)) = ctx.at(&at) else {
        return Ok(None);
    };
    let text = doc.text.as_str();
    let line = lines.line_range(text, lines.line_of(offset));
    let before = &text[line.start..offset];
    let Some(caps) = TYPING.iter().find_map(|re| re.captures(before)) else {
        return Ok(None);
    };
    let (Some(target), Some(frag)) = (caps.name("target"), caps.name("frag")) else {
        return Ok(None);
    };
    // The fragment's extent: what was typed, and what follows up to a delimiter.
    let start = line.start + frag.start();
    let rest = &text[offset..line.end];
    let end = offset
        + rest
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '%')))
            .unwrap_or(rest.len());
    let parsed = parse(ctx, doc);
    let mut summary = parsed.summary.clone();
    summary.links.push(LinkRef {
        target: target.as_str().into(),
        fragment: None,
        url_span: 0..0,
        fragment_span: 0..0,
        image: false,
    });
    let target = resolve(ctx, &parsed.place, &summary).pop().flatten();
    let (anchors, source): (Vec<Anchor>, Option<String>) = match target {
        Some(Target::Own) => (parsed.summary.anchors.clone(), Some(text.to_string())),
        Some(Target::Other { path, anchors }) => (anchors, std::fs::read_to_string(path).ok()),
        None => return Ok(None),
    };
    let range = lines.range(text, &(start..end));
    let mut anchors = anchors;
    anchors.sort_by_key(|a| a.span.start);
    let items = anchors
        .iter()
        .map(|a| {
            let detail = source
                .as_deref()
                .and_then(|s| s.get(a.span.clone()))
                .map(heading_label);
            CompletionItem {
                label: a.id.to_string(),
                kind: Some(CompletionItemKind::REFERENCE),
                detail,
                sort_text: Some(format!("{:010}", a.span.start)),
                filter_text: Some(a.id.to_string()),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                    range,
                    new_text: a.id.to_string(),
                })),
                ..CompletionItem::default()
            }
        })
        .collect();
    Ok(Some(CompletionResponse::Array(items)))
}

/// The first line of a heading's source, without its markers.
fn heading_label(source: &str) -> String {
    let first = source.lines().next().unwrap_or("").trim();
    let first = first.trim_start_matches('#').trim();
    if first.starts_with('<') {
        // An HTML anchor.
        return first.to_string();
    }
    first.trim_end_matches('#').trim().to_string()
}

/// The heading a link (or its `#fragment`) at the cursor names, or the guide.
pub fn definition(
    ctx: &Context,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>, Failure> {
    let at = params.text_document_position_params;
    let Some((doc, lines, offset)) = ctx.at(&at) else {
        return Ok(None);
    };
    let text = doc.text.as_str();
    let parsed = parse(ctx, doc);
    // The link under the cursor, by the span of the whole link.
    let Some(link) = parsed
        .guide
        .links
        .iter()
        .find(|l| l.span.start <= offset && offset <= l.span.end)
    else {
        return Ok(None);
    };
    let Some(k) = parsed
        .summary
        .links
        .iter()
        .position(|r| r.url_span.start >= link.span.start && r.url_span.end <= link.span.end)
    else {
        return Ok(None);
    };
    let fragment = parsed.summary.links[k].fragment.clone();
    let target = resolve(ctx, &parsed.place, &parsed.summary)
        .into_iter()
        .nth(k)
        .flatten();
    let location = match target {
        Some(Target::Own) => {
            let Some(anchor) = fragment
                .as_deref()
                .and_then(|f| crate::corpus::anchors::find(&parsed.summary.anchors, f))
            else {
                return Ok(None);
            };
            Location {
                uri: doc.uri.clone(),
                range: lines.range(text, &heading_span(text, &anchor.span)),
            }
        }
        Some(Target::Other { path, anchors }) => {
            let Some(uri) = open_uri(ctx, &path).or_else(|| uri::from_path(&path)) else {
                return Ok(None);
            };
            let anchor = fragment
                .as_deref()
                .and_then(|f| crate::corpus::anchors::find(&anchors, f));
            let range = match (anchor, file_text(ctx, &path)) {
                (Some(a), Some(other)) => LineIndex::new(&other, ctx.shared.encoding)
                    .range(&other, &heading_span(&other, &a.span)),
                _ => lsp_types::Range::default(),
            };
            Location { uri, range }
        }
        None => return Ok(None),
    };
    Ok(Some(GotoDefinitionResponse::Scalar(location)))
}

/// The first line of an anchor's span (a heading block spans its lines).
fn heading_span(text: &str, span: &Range<usize>) -> Range<usize> {
    let slice = text.get(span.clone()).unwrap_or("");
    let end = slice
        .find(['\r', '\n'])
        .map_or(span.end, |i| span.start + i);
    span.start..end
}

/// The URI the editor has the file at `path` open under.
fn open_uri(ctx: &Context, path: &Path) -> Option<Uri> {
    ctx.open
        .values()
        .find(|s| s.path.as_deref() == Some(path))
        .map(|s| s.uri.clone())
}

/// The text of `path`: the editor's if it is open, else the file's.
fn file_text(ctx: &Context, path: &Path) -> Option<String> {
    match ctx.open.values().find(|s| s.path.as_deref() == Some(path)) {
        Some(s) => Some(s.text.as_str().to_string()),
        None => std::fs::read_to_string(path).ok(),
    }
}

/// The heading at `offset` of `guide`: its block's index and the range of its text.
fn heading_at(text: &str, guide: &Guide, offset: usize) -> Option<(usize, Range<usize>)> {
    let (i, block) = guide.blocks.iter().enumerate().find(|(_, b)| {
        matches!(b.kind, BlockKind::Heading { .. })
            && b.span.start <= offset
            && offset <= b.span.end
    })?;
    Some((i, heading_text_range(text, &block.span)))
}

/// The text of the heading whose block is `span`: the first line without
/// its `#` markers, closing `#`s and trailing `{…}` attribute list.
fn heading_text_range(text: &str, span: &Range<usize>) -> Range<usize> {
    let line = heading_span(text, span);
    let s = text.get(line.clone()).unwrap_or("");
    let lead = s.len() - s.trim_start().len();
    let mut start = line.start + lead;
    let rest = &text[start..line.end];
    if rest.starts_with('#') {
        let hashes = rest.len() - rest.trim_start_matches('#').len();
        start += hashes;
        let after = &text[start..line.end];
        start += after.len() - after.trim_start().len();
    }
    let mut body = text[start..line.end].trim_end();
    // Closing `#`s (after a space), then an attribute list, then closing `#`s again.
    let strip_closing = |body: &str| -> usize {
        let without = body.trim_end_matches('#');
        if without.len() < body.len() && (without.is_empty() || without.ends_with([' ', '\t'])) {
            without.trim_end().len()
        } else {
            body.len()
        }
    };
    body = &body[..strip_closing(body)];
    if body.ends_with('}')
        && let Some(open) = body.rfind('{')
    {
        body = body[..open].trim_end();
    }
    body = &body[..strip_closing(body)];
    start..start + body.len()
}

/// Where a rename at the cursor applies: the heading's text.
pub fn prepare_rename(
    ctx: &Context,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>, Failure> {
    let Some(doc) = ctx.open.get(&params.text_document.uri) else {
        return Ok(None);
    };
    let text = doc.text.as_str();
    let lines = LineIndex::new(text, ctx.shared.encoding);
    let offset = lines.offset(text, params.position);
    let parsed = parse(ctx, doc);
    match heading_at(text, &parsed.guide, offset) {
        Some((_, range)) => Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
            range: lines.range(text, &range),
            placeholder: text[range].to_string(),
        })),
        None => Err(failure(
            ErrorCode::RequestFailed,
            "guidelint renames headings: put the cursor on a heading",
        )),
    }
}

/// The id each heading of `guide` gets, in document order (block index → id).
fn heading_ids(ctx: &Context, guide: &Guide) -> Vec<(usize, String)> {
    let anchors = page_anchors(guide, ctx.setup.engine.config.corpus.heading_ids);
    let by_start: HashMap<usize, &str> = anchors
        .iter()
        .map(|a| (a.span.start, a.id.as_str()))
        .collect();
    guide
        .blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| matches!(b.kind, BlockKind::Heading { .. }))
        .filter_map(|(i, b)| Some((i, by_start.get(&b.span.start)?.to_string())))
        .collect()
}

/// Renames the heading at the cursor to `new_name`: the heading's text, and
/// every link to an anchor whose id changes (the heading's, and the repeats
/// numbered after it, `_1` and on), in this guide and across the corpus.
pub fn rename(
    ctx: &Context,
    params: RenameParams,
    cancelled: &dyn Fn() -> bool,
) -> Result<Option<WorkspaceEdit>, Failure> {
    let at = params.text_document_position;
    let new_name = params.new_name.trim();
    if new_name.is_empty() || new_name.contains(['\n', '\r']) {
        return Err(failure(
            ErrorCode::InvalidParams,
            "a heading's new text is one non-empty line",
        ));
    }
    let Some((doc, lines, offset)) = ctx.at(&at) else {
        return Ok(None);
    };
    let text = doc.text.as_str();
    let parsed = parse(ctx, doc);
    let Some((_, range)) = heading_at(text, &parsed.guide, offset) else {
        return Err(failure(
            ErrorCode::RequestFailed,
            "guidelint renames headings: put the cursor on a heading",
        ));
    };
    // The ids before and after, heading by heading.
    let mut renamed = text.to_string();
    renamed.replace_range(range.clone(), new_name);
    let after = Guide::parse(
        &renamed,
        crate::engine::kind_of(&parsed.place.absolute),
        &ctx.setup.engine.vocab,
    );
    let old_ids = heading_ids(ctx, &parsed.guide);
    let new_ids = heading_ids(ctx, &after);
    let changed: HashMap<String, String> = old_ids
        .iter()
        .zip(&new_ids)
        .filter(|((_, a), (_, b))| a != b)
        .map(|((_, a), (_, b))| (a.clone(), b.clone()))
        .collect();
    let mut files: Vec<(Uri, Option<i32>, Vec<TextEdit>)> = Vec::new();
    let mut own_edits = vec![TextEdit {
        range: lines.range(text, &range),
        new_text: new_name.to_string(),
    }];
    if !changed.is_empty() {
        // This guide's links to itself.
        let targets = resolve(ctx, &parsed.place, &parsed.summary);
        for (link, target) in parsed.summary.links.iter().zip(&targets) {
            if matches!(target, Some(Target::Own))
                && let Some(edit) = fragment_edit(text, &lines, link, &changed)
            {
                own_edits.push(edit);
            }
        }
        if cancelled() {
            return Err(failure(ErrorCode::RequestCanceled, "cancelled"));
        }
        for (path, edits) in linking_guides(ctx, &parsed, &changed, cancelled)? {
            let version = ctx
                .open
                .values()
                .find(|s| s.path.as_deref() == Some(path.as_path()))
                .map(|s| s.version);
            let Some(uri) = open_uri(ctx, &path).or_else(|| uri::from_path(&path)) else {
                continue;
            };
            files.push((uri, version, edits));
        }
    }
    files.insert(0, (doc.uri.clone(), Some(doc.version), own_edits));
    Ok(Some(super::actions::edits_of(ctx, files)))
}

/// The edit that points `link` of `text` at the new id of its fragment, if it changes.
fn fragment_edit(
    text: &str,
    lines: &LineIndex,
    link: &LinkRef,
    changed: &HashMap<String, String>,
) -> Option<TextEdit> {
    let new = changed.get(link.fragment.as_deref()?)?;
    let written = text.get(link.fragment_span.clone())?;
    let old = written.strip_prefix('#')?;
    // The span must hold the fragment itself, as written.
    if crate::corpus::paths::percent_decode(old) != link.fragment.as_deref()? {
        return None;
    }
    Some(TextEdit {
        range: lines.range(
            text,
            &(link.fragment_span.start + 1..link.fragment_span.end),
        ),
        new_text: new.clone(),
    })
}

/// The edits, per file of the corpus other than the renamed guide, of the
/// links that lead to the renamed guide's changed anchors.
fn linking_guides(
    ctx: &Context,
    parsed: &Parsed,
    changed: &HashMap<String, String>,
    cancelled: &dyn Fn() -> bool,
) -> Result<Vec<(PathBuf, Vec<TextEdit>)>, Failure> {
    let setup = &ctx.setup;
    let mut guard = ctx.shared.index.lock().unwrap_or_else(|p| p.into_inner());
    let Some(index) = guard
        .as_mut()
        .filter(|i| i.fingerprint == setup.fingerprint)
    else {
        return Err(failure(
            ErrorCode::RequestFailed,
            "guidelint is still indexing the guides; rename again in a moment",
        ));
    };
    let own = index.position(&parsed.place.display).unwrap_or(index.len());
    let mut summary = parsed.summary.clone();
    summary.fs_path = index
        .file(own)
        .map_or_else(|| parsed.place.absolute.clone(), |f| f.path.clone());
    // Candidates: the guides with a link whose fragment is one of the old ids.
    let candidates: Vec<usize> = index
        .summaries()
        .iter()
        .enumerate()
        .filter(|(j, s)| {
            *j != own
                && s.links.iter().any(|l| {
                    l.fragment
                        .as_deref()
                        .is_some_and(|f| changed.contains_key(f))
                })
        })
        .map(|(j, _)| j)
        .collect();
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    // The open ones are read from the editor: their text may differ from the disk's.
    let mut open_summaries: HashMap<usize, (GuideSummary, String)> = HashMap::new();
    for &j in &candidates {
        let Some(path) = index.absolute(setup, j) else {
            continue;
        };
        if let Some(snap) = ctx
            .open
            .values()
            .find(|s| s.path.as_deref() == Some(path.as_path()))
        {
            let p = parse(ctx, snap);
            let mut s = p.summary;
            if let Some(f) = index.file(j) {
                s.fs_path = f.path.clone();
            }
            open_summaries.insert(j, (s, snap.text.as_str().to_string()));
        }
    }
    // Each candidate's neighbours, so that its links resolve as in the whole corpus.
    let pattern = setup.url_pattern.as_ref();
    let mut wanted: Vec<usize> = vec![own];
    for &j in &candidates {
        let s = open_summaries
            .get(&j)
            .map(|(s, _)| s)
            .or_else(|| index.summaries().get(j));
        if let (Some(s), Some(f)) = (s, index.file(j)) {
            let keys = CorpusIndex::keys(s, &CorpusIndex::dir_of(&f.path), pattern);
            wanted.extend(index.neighbours(&keys, j));
        }
    }
    wanted.extend(index.neighbours(
        &CorpusIndex::keys(&summary, &CorpusIndex::dir_of(&summary.fs_path), pattern),
        own,
    ));
    wanted.sort_unstable();
    wanted.dedup();
    if cancelled() {
        return Err(failure(ErrorCode::RequestCanceled, "cancelled"));
    }
    let url_pattern = setup.engine.config.corpus.url_pattern.clone();
    let found: Vec<(usize, Vec<LinkRef>)> = index.with_guide(own, summary, |all| {
        let (mut near, near_own) = subset(all, &wanted, own);
        for (k, &j) in wanted.iter().enumerate() {
            if let (Some((s, _)), Some(slot)) = (open_summaries.get(&j), near.get_mut(k)) {
                let mut s = s.clone();
                s.file = k;
                *slot = s;
            }
        }
        let focus: Vec<bool> = wanted
            .iter()
            .map(|j| candidates.binary_search(j).is_ok())
            .collect();
        let links = LinkIndex::build_focused(&near, url_pattern.as_deref(), Some(&focus));
        let mut found = Vec::new();
        for (k, &j) in wanted.iter().enumerate() {
            if !focus[k] {
                continue;
            }
            let refs: Vec<LinkRef> = near[k]
                .links
                .iter()
                .zip(links.links.get(k).into_iter().flatten())
                .filter(|(_, r)| matches!(r, Resolution::Guide(t) if *t == near_own))
                .map(|(l, _)| l.clone())
                .collect();
            if !refs.is_empty() {
                found.push((j, refs));
            }
        }
        found
    });
    let mut out = Vec::new();
    for (j, refs) in found {
        let Some(path) = index.absolute(setup, j) else {
            continue;
        };
        let text = match open_summaries.get(&j) {
            Some((_, text)) => text.clone(),
            None => match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(_) => continue,
            },
        };
        let lines = LineIndex::new(&text, ctx.shared.encoding);
        let edits: Vec<TextEdit> = refs
            .iter()
            .filter_map(|l| fragment_edit(&text, &lines, l, changed))
            .collect();
        if !edits.is_empty() {
            out.push((path, edits));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_text_without_markers() {
        let text = "## Configurer IMAP {#imap} ##\n";
        let r = heading_text_range(text, &(0..text.len() - 1));
        assert_eq!(&text[r], "Configurer IMAP");
        let text = "# C# et F# #\n";
        let r = heading_text_range(text, &(0..text.len()));
        assert_eq!(&text[r], "C# et F#");
        let text = "Titre souligné\n===\n";
        let r = heading_text_range(text, &(0..text.len()));
        assert_eq!(&text[r], "Titre souligné");
    }

    #[test]
    fn typing_a_fragment() {
        let find = |s: &str| {
            TYPING
                .iter()
                .find_map(|re| re.captures(s))
                .map(|c| (c["target"].to_string(), c["frag"].to_string()))
        };
        assert_eq!(
            find("voir [ici](#en-pr"),
            Some((String::new(), "en-pr".into()))
        );
        assert_eq!(
            find("[x](../email_owa/guide.fr-fr.md#"),
            Some(("../email_owa/guide.fr-fr.md".into(), String::new()))
        );
        assert_eq!(find("[r]: ../a/#b"), Some(("../a/".into(), "b".into())));
        assert_eq!(
            find(r#"<a href="x.md#y"#),
            Some(("x.md".into(), "y".into()))
        );
        assert_eq!(find("pas de lien #tag"), None);
    }
}
