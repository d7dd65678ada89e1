//! Checking an open guide: its unsaved text gets the per-guide rules, then
//! the corpus rules against the index (duplicate slugs, anchors of linked
//! guides, translation drift), its suppressions and the configuration's
//! selection — the engine's own functions, as `guidelint check` runs them.
//! The findings become the protocol's diagnostics.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag,
    Location, NumberOrString, Uri,
};

use super::index::{CorpusIndex, Keys};
use super::position::{Encoding, LineIndex};
use super::workspace::Setup;
use super::{Shared, uri};
use crate::diagnostic::{Finding, Severity};
use crate::engine::CorpusView;

/// An open guide as a job sees it: a snapshot of its text.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The editor's name for it.
    pub uri: Uri,
    /// Its path, for a `file:` URI.
    pub path: Option<PathBuf>,
    /// The text.
    pub text: Arc<String>,
    /// The editor's version of the text.
    pub version: i32,
}

/// Where a guide stands for the engine.
#[derive(Debug, Clone)]
pub struct Place {
    /// How messages name it (relative to the root, as `guidelint check .` does).
    pub display: String,
    /// Its path, absolute (for an unsaved buffer, a name in the root).
    pub absolute: PathBuf,
}

impl Place {
    /// The place of `doc` in the project of `setup`.
    pub fn of(setup: &Setup, doc: &Snapshot) -> Place {
        match &doc.path {
            Some(path) => Place {
                display: setup.display(path),
                absolute: path.clone(),
            },
            None => {
                let name = doc
                    .uri
                    .as_str()
                    .rsplit(['/', ':'])
                    .next()
                    .filter(|n| !n.is_empty())
                    .unwrap_or("untitled");
                let name = if crate::discover::is_guide_name(Path::new(name)) {
                    name.to_string()
                } else {
                    format!("{name}.md")
                };
                Place {
                    display: name.clone(),
                    absolute: setup.root.join(name),
                }
            }
        }
    }
}

/// A check's result, for the document's diagnostics and code actions.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The version of the text checked.
    pub version: i32,
    /// The text checked.
    pub text: Arc<String>,
    /// The guide's findings (byte spans into `text`).
    pub findings: Vec<Finding>,
    /// The same, as the protocol's diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    /// What of the corpus the check read (`None` without an index).
    pub keys: Option<Keys>,
    /// The `publishDiagnostics` notification of the diagnostics, made by
    /// the check's thread: the main loop only sends it (and takes it out).
    pub message: Option<lsp_server::Notification>,
}

/// Checks `doc` against the index (when it is ready and made with `setup`).
/// Returns `None` when `cancelled` says so before the corpus pass.
pub fn run(
    shared: &Shared,
    setup: &Setup,
    doc: &Snapshot,
    cancelled: &dyn Fn() -> bool,
) -> Option<Checked> {
    let place = Place::of(setup, doc);
    let engine = &setup.engine;
    if cancelled() {
        return None;
    }
    let mut check = engine.check_guide_text(0, &place.display, &place.absolute, &doc.text);
    if cancelled() {
        return None;
    }
    let mut guard = shared.index.lock().unwrap_or_else(|p| p.into_inner());
    let (findings, others, keys, own) = match guard
        .as_mut()
        .filter(|index| index.fingerprint == setup.fingerprint)
    {
        Some(index) => {
            let own = index.position(&place.display).unwrap_or(index.len());
            let fs_path = index
                .file(own)
                .map_or_else(|| place.absolute.clone(), |f| f.path.clone());
            renumber(&mut check.findings, own);
            let mut summary = std::mem::take(&mut check.summary);
            summary.fs_path = fs_path.clone();
            let keys = CorpusIndex::keys(
                &summary,
                &CorpusIndex::dir_of(&fs_path),
                setup.url_pattern.as_ref(),
            );
            let neighbours = index.neighbours(&keys, own);
            let findings = index.with_guide(own, summary, |all| {
                let view = CorpusView {
                    summaries: all,
                    neighbours: Some(&neighbours),
                };
                engine.finish_check(Some(view), own, &place.absolute, check)
            });
            // The other guides related places are in.
            let mut others = HashMap::new();
            for r in findings.iter().flat_map(|f| &f.related) {
                if let Some(j) = r.file.filter(|&j| j != own)
                    && let Some(path) = index.absolute(setup, j)
                {
                    others.insert(j, path);
                }
            }
            (findings, others, Some(keys), own)
        }
        None => {
            let findings = engine.finish_check(None, 0, &place.absolute, check);
            (findings, HashMap::new(), None, 0)
        }
    };
    drop(guard);
    let diagnostics = diagnostics(setup, shared.encoding, doc, &findings, own, &others);
    let message = lsp_server::Notification::new(
        <lsp_types::notification::PublishDiagnostics as lsp_types::notification::Notification>::METHOD
            .to_string(),
        lsp_types::PublishDiagnosticsParams {
            uri: doc.uri.clone(),
            diagnostics: diagnostics.clone(),
            version: Some(doc.version),
        },
    );
    Some(Checked {
        message: Some(message),
        version: doc.version,
        text: Arc::clone(&doc.text),
        findings,
        diagnostics,
        keys,
    })
}

/// Gives the findings of a guide checked as guide 0 their guide's index.
fn renumber(findings: &mut [Finding], own: usize) {
    for f in findings {
        f.file = own;
        for r in &mut f.related {
            if r.file == Some(0) {
                r.file = Some(own);
            }
        }
    }
}

/// The diagnostics of `findings` of `doc` (guide `own` of the index);
/// related places in other guides are in the files `others` (absolute
/// paths) as they are on disk, which the index's spans point into.
pub fn diagnostics(
    setup: &Setup,
    encoding: Encoding,
    doc: &Snapshot,
    findings: &[Finding],
    own: usize,
    others: &HashMap<usize, PathBuf>,
) -> Vec<Diagnostic> {
    let lines = LineIndex::new(&doc.text, encoding);
    // The other guides' texts, read once each.
    let mut texts: HashMap<usize, Option<(Uri, String, LineIndex)>> = HashMap::new();
    let mut other = |j: usize| -> Option<(Uri, String, LineIndex)> {
        texts
            .entry(j)
            .or_insert_with(|| {
                let path = others.get(&j)?;
                let text = std::fs::read_to_string(path).ok()?;
                let index = LineIndex::new(&text, encoding);
                Some((uri::from_path(path)?, text, index))
            })
            .clone()
    };
    findings
        .iter()
        .map(|f| {
            let related: Vec<DiagnosticRelatedInformation> = f
                .related
                .iter()
                .filter_map(|r| {
                    let location = match r.file.filter(|&j| j != own) {
                        None => Location {
                            uri: doc.uri.clone(),
                            range: lines.range(&doc.text, &r.span),
                        },
                        Some(j) => {
                            let (uri, text, index) = other(j)?;
                            Location {
                                uri,
                                range: index.range(&text, &r.span),
                            }
                        }
                    };
                    Some(DiagnosticRelatedInformation {
                        location,
                        message: r.message.clone(),
                    })
                })
                .collect();
            to_diagnostic(setup, f, lines.range(&doc.text, &f.span), related)
        })
        .collect()
}

/// One finding as a diagnostic at `range`.
fn to_diagnostic(
    setup: &Setup,
    f: &Finding,
    range: lsp_types::Range,
    related: Vec<DiagnosticRelatedInformation>,
) -> Diagnostic {
    let mut message = f.message.clone();
    if let Some(help) = &f.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    Diagnostic {
        range,
        severity: Some(severity(f.severity)),
        code: Some(NumberOrString::String(f.code.to_string())),
        code_description: setup
            .docs
            .get(f.code.as_ref())
            .map(|href| CodeDescription { href: href.clone() }),
        source: Some("guidelint".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: (f.code == "GL901").then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: Some(serde_json::json!({
            "name": f.name,
            "fixable": f.fix.is_some(),
        })),
    }
}

/// The protocol's severity of a finding's.
pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}
