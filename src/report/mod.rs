//! Reporting: turning an [`Outcome`] into text for writers or tools.
//! Only this layer computes lines and columns, and only the binary prints.

mod github;
mod json;
mod junit;
mod pretty;
mod sarif;

use std::collections::HashMap;

use serde::Serialize;

use crate::diagnostic::{Finding, Severity};
use crate::engine::Outcome;
use crate::source::{LineCol, LineIndex};

pub use json::render as render_json;
pub use pretty::render as render_pretty;
pub use sarif::artifact_uri;

use crate::rules::RuleInfo;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// miette's graphical reports, with snippets (default).
    Pretty,
    /// One line per finding: `path:line:col: CODE message`.
    Concise,
    /// A JSON array of findings (see README.md).
    Json,
    /// A SARIF 2.1.0 log, with the rules' metadata (for code scanning).
    Sarif,
    /// GitHub Actions workflow commands: one annotation per finding.
    Github,
    /// JUnit XML: one test case per checked file, one failure per finding.
    Junit,
}

impl Format {
    /// True for the formats meant for people rather than programs.
    pub fn is_for_people(self) -> bool {
        matches!(self, Format::Pretty | Format::Concise)
    }
}

/// What rendering needs besides the outcome; the caller decides all of it.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions<'a> {
    /// Colour in `pretty` output.
    pub color: bool,
    /// The metadata of the rules that ran (SARIF's `tool.driver.rules`).
    pub catalog: &'a [RuleInfo],
}

/// Renders `outcome` in `format` with the built-in rule catalog. `color`
/// applies to `pretty` only.
pub fn render(outcome: &Outcome, format: Format, color: bool) -> String {
    let catalog = crate::rules::builtin_catalog();
    render_with(
        outcome,
        format,
        &RenderOptions {
            color,
            catalog: &catalog,
        },
    )
}

/// Renders `outcome` in `format`.
pub fn render_with(outcome: &Outcome, format: Format, options: &RenderOptions<'_>) -> String {
    match format {
        Format::Pretty => pretty::render(outcome, options.color),
        Format::Concise => concise(outcome),
        Format::Json => json::render(outcome),
        Format::Sarif => sarif::render(outcome, options.catalog),
        Format::Github => github::render(outcome),
        Format::Junit => junit::render(outcome),
    }
}

/// Line indexes of the files with findings, built once per file.
pub(crate) struct Positions<'a> {
    outcome: &'a Outcome,
    indexes: HashMap<usize, LineIndex<'a>>,
}

impl<'a> Positions<'a> {
    pub(crate) fn new(outcome: &'a Outcome) -> Self {
        Positions {
            outcome,
            indexes: HashMap::new(),
        }
    }

    /// Line and column of `offset` in file `file` (1:1 when the text is gone).
    pub(crate) fn at(&mut self, file: usize, offset: usize) -> LineCol {
        match self.index(file) {
            Some(index) => index.line_col(offset),
            None => LineCol { line: 1, column: 1 },
        }
    }

    /// The line index of file `file`, if its text is kept.
    pub(crate) fn index(&mut self, file: usize) -> Option<&LineIndex<'a>> {
        let text = self.outcome.files.get(file)?.text.as_deref()?;
        Some(
            self.indexes
                .entry(file)
                .or_insert_with(|| LineIndex::new(text)),
        )
    }
}

/// Counts for the summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Info findings.
    pub infos: usize,
    /// Files with at least one finding.
    pub files_with_findings: usize,
    /// Files checked.
    pub files_checked: usize,
}

/// Counts the findings of `outcome`.
pub fn counts(outcome: &Outcome) -> Counts {
    let mut c = Counts {
        files_checked: outcome.files.len(),
        ..Counts::default()
    };
    let mut files = std::collections::HashSet::new();
    for f in &outcome.findings {
        match f.severity {
            Severity::Error => c.errors += 1,
            Severity::Warning => c.warnings += 1,
            Severity::Info => c.infos += 1,
        }
        files.insert(f.file);
    }
    c.files_with_findings = files.len();
    c
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// "2 errors, 1 warning in 1 file (5 files checked)".
pub fn summary(outcome: &Outcome) -> String {
    let c = counts(outcome);
    if outcome.findings.is_empty() {
        return format!(
            "No problems found ({} checked).",
            plural(c.files_checked, "file")
        );
    }
    let mut parts = vec![plural(c.errors, "error"), plural(c.warnings, "warning")];
    if c.infos > 0 {
        parts.push(plural(c.infos, "info"));
    }
    format!(
        "{} in {} ({} checked).",
        parts.join(", "),
        plural(c.files_with_findings, "file"),
        plural(c.files_checked, "file")
    )
}

fn concise(outcome: &Outcome) -> String {
    let mut pos = Positions::new(outcome);
    let mut out = String::new();
    for f in &outcome.findings {
        let at = pos.at(f.file, f.span.start);
        let path = path_of(outcome, f);
        out.push_str(&format!(
            "{path}:{}:{}: {} [{}] {}\n",
            at.line,
            at.column,
            f.code,
            f.severity.as_str(),
            f.message
        ));
    }
    out
}

pub(crate) fn path_of<'a>(outcome: &'a Outcome, f: &Finding) -> &'a str {
    outcome
        .files
        .get(f.file)
        .map(|s| s.path.as_str())
        .unwrap_or("")
}
