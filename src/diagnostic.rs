//! Findings: what a check reports, with byte spans into the guide it concerns.
//!
//! Spans stay byte offsets all the way from the parser to the reporter; line and
//! column are computed only when a finding is rendered (see [`crate::source`]).

use std::ops::Range;

use serde::Serialize;

/// How serious a finding is. The order matters: `Error > Warning > Info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, never fails a run.
    Info,
    /// Probably wrong; reported but does not fail a run.
    Warning,
    /// Wrong; makes `guidelint check` exit with status 1.
    Error,
}

impl Severity {
    /// The lowercase name used in JSON output and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A byte range in a guide's source text.
pub type Span = Range<usize>;

/// Another place a finding refers to: the other copy of a duplicate slug, the
/// heading that names the section's protocol, the earlier port of a contradiction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// Index of the guide in the run's file list; `None` means the same guide as the finding.
    pub file: Option<usize>,
    /// Where in that guide.
    pub span: Span,
    /// What this place is.
    pub message: String,
}

/// One problem found by one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Index of the guide in the run's file list.
    pub file: usize,
    /// Stable rule code, e.g. `GL201`.
    pub code: &'static str,
    /// Severity after configuration.
    pub severity: Severity,
    /// The exact span the finding is about (a port number, a host, a word).
    pub span: Span,
    /// One sentence for the writer: what is wrong.
    pub message: String,
    /// Short text shown on the span itself.
    pub label: String,
    /// What is right, when the rule knows it.
    pub help: Option<String>,
    /// Other places that explain the finding.
    pub related: Vec<Related>,
}

impl Finding {
    /// Starts a finding for `file` at `span`; the severity is filled in from the rule registry.
    pub fn new(code: &'static str, file: usize, span: Span, message: impl Into<String>) -> Self {
        Finding {
            file,
            code,
            severity: crate::rules::default_severity(code),
            span,
            message: message.into(),
            label: String::new(),
            help: None,
            related: Vec::new(),
        }
    }

    /// Sets the label shown on the span.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Sets the `help:` line that states the right value.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a related place in the same guide.
    pub fn related_here(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            file: None,
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a related place in another guide of the run.
    pub fn related_in(mut self, file: usize, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            file: Some(file),
            span,
            message: message.into(),
        });
        self
    }
}
