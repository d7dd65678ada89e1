//! The documents the editor has open: their text as the writer types it
//! (incremental sync), their version, and where their checks stand.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use lsp_types::{TextDocumentContentChangeEvent, Uri};

use super::check::Checked;
use super::position::{Encoding, LineIndex};

/// One open document.
#[derive(Debug)]
pub struct Document {
    /// The URI the editor names it by.
    pub uri: Uri,
    /// Its path, for a `file:` URI.
    pub path: Option<PathBuf>,
    /// Its text, shared with the jobs that read it (copied on the next edit
    /// if a job still holds it).
    pub text: Arc<String>,
    /// The editor's version of the text.
    pub version: i32,
    /// Bumped whenever the document needs a new check (its text changed,
    /// or what it is checked against did); a check's result is published
    /// only if it was started for the current value.
    pub wanted: u64,
    /// The value of `wanted` the running check was started for.
    pub running: Option<u64>,
    /// When the last check started (checks of one document are spaced by
    /// the debounce delay).
    pub started: Option<Instant>,
    /// When the next check is due, if one is.
    pub due: Option<Instant>,
    /// The last published check, for code actions.
    pub last: Option<Arc<Checked>>,
}

impl Document {
    /// A document just opened.
    pub fn new(uri: Uri, path: Option<PathBuf>, text: String, version: i32) -> Document {
        Document {
            uri,
            path,
            text: Arc::new(text),
            version,
            wanted: 0,
            running: None,
            started: None,
            due: None,
            last: None,
        }
    }

    /// Applies the editor's changes, in order: a change with a range
    /// replaces that range, one without replaces the whole text.
    pub fn apply(&mut self, changes: Vec<TextDocumentContentChangeEvent>, encoding: Encoding) {
        let text = Arc::make_mut(&mut self.text);
        for change in changes {
            match change.range {
                Some(range) => {
                    let index = LineIndex::new(text, encoding);
                    let span = index.span(text, range);
                    text.replace_range(span, &change.text);
                }
                None => *text = change.text,
            }
        }
    }

    /// The last check's result if it is for the current text.
    pub fn current(&self) -> Option<&Arc<Checked>> {
        self.last.as_ref().filter(|c| c.version == self.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};
    use std::str::FromStr;

    fn change(l0: u32, c0: u32, l1: u32, c1: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range {
                start: Position {
                    line: l0,
                    character: c0,
                },
                end: Position {
                    line: l1,
                    character: c1,
                },
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let uri = Uri::from_str("file:///tmp/g.md").unwrap();
        let mut doc = Document::new(uri, None, "é📧 Port 993\r\nfin\r\n".into(), 1);
        // Replace "993" (UTF-16 columns 9..12: é=1, 📧=2), then add a line.
        doc.apply(
            vec![
                change(0, 9, 0, 12, "995"),
                change(1, 3, 1, 3, "!"),
                change(2, 0, 2, 0, "x"),
            ],
            Encoding::Utf16,
        );
        assert_eq!(doc.text.as_str(), "é📧 Port 995\r\nfin!\r\nx");
        doc.apply(
            vec![TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "new".into(),
            }],
            Encoding::Utf16,
        );
        assert_eq!(doc.text.as_str(), "new");
    }

    #[test]
    fn a_shared_text_is_copied_not_changed() {
        let uri = Uri::from_str("file:///tmp/g.md").unwrap();
        let mut doc = Document::new(uri, None, "abc".into(), 1);
        let held = Arc::clone(&doc.text);
        doc.apply(vec![change(0, 1, 0, 2, "X")], Encoding::Utf8);
        assert_eq!(held.as_str(), "abc");
        assert_eq!(doc.text.as_str(), "aXc");
    }
}
