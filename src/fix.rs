//! Safe fixes: applying the findings' [`Fix`]es (`--fix`) or showing them as a
//! unified diff (`--diff`).
//!
//! Only fixes that do not overlap another fix are applied, from the end of the
//! file backwards so earlier spans stay valid. Fixes replace bytes inside the
//! text, so line endings (CRLF), a byte-order mark and everything else outside
//! the spans are kept as they are. Files without fixes are never written.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostic::{Finding, Fix};
use crate::discover::GuideFile;
use crate::engine::Outcome;

/// The fixes of one file, applied in memory.
#[derive(Debug, Clone)]
pub struct FileFix {
    /// Index of the file in the run.
    pub file: usize,
    /// The path as findings show it.
    pub display: String,
    /// The path to write.
    pub path: PathBuf,
    /// The text the findings' spans index into.
    pub original: Arc<str>,
    /// The text with the fixes applied.
    pub fixed: String,
    /// How many findings the applied fixes fix.
    pub fixed_findings: usize,
}

/// Why a file's fixes could not be written.
#[derive(Debug)]
pub struct FixError {
    /// The path as findings show it.
    pub display: String,
    /// What went wrong.
    pub reason: String,
}

impl fmt::Display for FixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.display, self.reason)
    }
}

impl std::error::Error for FixError {}

/// The fixes of a run: one [`FileFix`] per file whose text changes.
pub fn plan(outcome: &Outcome, files: &[GuideFile]) -> Vec<FileFix> {
    let mut by_file: BTreeMap<usize, Vec<&Finding>> = BTreeMap::new();
    for f in outcome.findings.iter().filter(|f| f.fix.is_some()) {
        by_file.entry(f.file).or_default().push(f);
    }
    let mut out = Vec::new();
    for (file, findings) in by_file {
        let (Some(source), Some(guide)) = (outcome.files.get(file), files.get(file)) else {
            continue;
        };
        let Some(text) = source.text.clone() else {
            continue;
        };
        let fixes: Vec<&Fix> = findings.iter().filter_map(|f| f.fix.as_ref()).collect();
        let (fixed, applied) = apply(&text, &fixes);
        if fixed == *text {
            continue;
        }
        let fixed_findings = findings
            .iter()
            .filter(|f| f.fix.as_ref().is_some_and(|x| applied.contains(x)))
            .count();
        out.push(FileFix {
            file,
            display: source.path.clone(),
            path: guide.path.clone(),
            original: text,
            fixed,
            fixed_findings,
        });
    }
    out
}

/// Applies the non-overlapping `fixes` to `text`, from the end backwards.
/// Identical fixes (two findings, one edit) count once; fixes that overlap
/// another, or whose span is not inside `text` on character boundaries, are
/// left out. Returns the new text and the fixes applied.
pub fn apply(text: &str, fixes: &[&Fix]) -> (String, Vec<Fix>) {
    let mut sorted: Vec<&Fix> = fixes
        .iter()
        .copied()
        .filter(|f| {
            f.span.start <= f.span.end
                && text.is_char_boundary(f.span.start)
                && text.is_char_boundary(f.span.end)
                && f.span.end <= text.len()
        })
        .collect();
    sorted.sort_by(|a, b| {
        (a.span.start, a.span.end, &a.replacement).cmp(&(b.span.start, b.span.end, &b.replacement))
    });
    sorted.dedup();
    let overlaps = |a: &Fix, b: &Fix| {
        (a.span.start < b.span.end && b.span.start < a.span.end) || a.span.start == b.span.start
    };
    let chosen: Vec<Fix> = sorted
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            sorted
                .iter()
                .enumerate()
                .all(|(j, g)| *i == j || !overlaps(f, g))
        })
        .map(|(_, f)| (*f).clone())
        .collect();
    let mut out = text.to_string();
    for fix in chosen.iter().rev() {
        out.replace_range(fix.span.clone(), &fix.replacement);
    }
    (out, chosen)
}

/// The unified diff (three lines of context) of what `fix` changes.
pub fn diff(fix: &FileFix) -> String {
    let display = fix.display.replace('\\', "/");
    similar::TextDiff::from_lines(&*fix.original, fix.fixed.as_str())
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{display}"), &format!("b/{display}"))
        .to_string()
}

/// Writes `fix` to its file, atomically, unless the file changed since it was
/// checked (then nothing is written).
pub fn write(fix: &FileFix) -> Result<(), FixError> {
    let fail = |reason: String| FixError {
        display: fix.display.clone(),
        reason,
    };
    let current = std::fs::read(&fix.path).map_err(|e| fail(format!("cannot read: {e}")))?;
    if current != fix.original.as_bytes() {
        return Err(fail(
            "the file changed while guidelint ran; not fixed".to_string(),
        ));
    }
    crate::atomic::write(&fix.path, fix.fixed.as_bytes())
        .map_err(|e| fail(format!("cannot write: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(span: std::ops::Range<usize>, r: &str) -> Fix {
        Fix {
            span,
            replacement: r.into(),
        }
    }

    #[test]
    fn applies_from_the_end() {
        let text = "port 993 and 143\r\n";
        let a = fix(5..8, "995");
        let b = fix(13..16, "110");
        let (out, applied) = apply(text, &[&a, &b]);
        assert_eq!(out, "port 995 and 110\r\n");
        assert_eq!(applied.len(), 2);
    }

    #[test]
    fn overlapping_fixes_are_left_out() {
        let text = "ssl0.ovh.com 993";
        let a = fix(0..12, "ssl0.ovh.net");
        let b = fix(5..8, "xyz");
        let c = fix(13..16, "995");
        let (out, applied) = apply(text, &[&a, &b, &c]);
        assert_eq!(out, "ssl0.ovh.com 995");
        assert_eq!(applied, vec![c.clone()]);
    }

    #[test]
    fn identical_fixes_apply_once() {
        let a = fix(0..3, "995");
        let (out, applied) = apply("993", &[&a, &a.clone()]);
        assert_eq!(out, "995");
        assert_eq!(applied.len(), 1);
    }

    #[test]
    fn bad_spans_are_ignored() {
        let text = "é";
        let a = fix(1..2, "x");
        let b = fix(0..9, "x");
        assert_eq!(apply(text, &[&a, &b]).0, "é");
    }

    #[test]
    fn diff_has_headers_and_hunks() {
        let f = FileFix {
            file: 0,
            display: "g.md".into(),
            path: "g.md".into(),
            original: Arc::from("a\nPort: 993\nb\n"),
            fixed: "a\nPort: 995\nb\n".into(),
            fixed_findings: 1,
        };
        let d = diff(&f);
        assert!(d.starts_with("--- a/g.md\n+++ b/g.md\n@@ -1,3 +1,3 @@\n"));
        assert!(d.contains("-Port: 993\n+Port: 995\n"));
    }
}
