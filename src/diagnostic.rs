//! Findings: what a check reports, with byte spans into the guide it concerns.
//!
//! Spans stay byte offsets all the way from the parser to the reporter; line and
//! column are computed only when a finding is rendered (see [`crate::source`]).

use std::borrow::Cow;
use std::ops::Range;

use serde::{Deserialize, Serialize};

/// How serious a finding is. The order matters: `Error > Warning > Info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

/// A safe, unambiguous edit that fixes a finding (`--fix`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// The bytes to replace.
    pub span: Span,
    /// What to put there.
    pub replacement: String,
}

/// An edit that may fix a finding when the right value is not certain
/// (POP3 on 993: the port or the protocol name may be the mistake). An
/// editor offers each as a choice; `--fix` never applies one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// What it does, for a menu: "Use 995 for POP3 over SSL".
    pub title: String,
    /// The edit.
    pub fix: Fix,
}

/// One problem found by one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Index of the guide in the run's file list.
    pub file: usize,
    /// Stable rule code, e.g. `GL201` (owned for rules loaded from YAML).
    pub code: Cow<'static, str>,
    /// The rule's kebab-case name, e.g. `port-protocol-mismatch`.
    pub name: Cow<'static, str>,
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
    /// The fix, when the right value is certain.
    pub fix: Option<Fix>,
    /// Edits that may fix it, when no fix is certain (for editors).
    pub suggestions: Vec<Suggestion>,
}

impl Finding {
    /// Starts a finding of a built-in rule for `file` at `span`; the name and
    /// severity come from the rule registry.
    pub fn new(code: &'static str, file: usize, span: Span, message: impl Into<String>) -> Self {
        let rule = crate::rules::lookup(code);
        Finding {
            file,
            code: Cow::Borrowed(code),
            name: Cow::Borrowed(rule.map(|r| r.name).unwrap_or("")),
            severity: rule.map(|r| r.severity).unwrap_or(Severity::Error),
            span,
            message: message.into(),
            label: String::new(),
            help: None,
            related: Vec::new(),
            fix: None,
            suggestions: Vec::new(),
        }
    }

    /// Offers a fix: replace `span` with `replacement`.
    pub fn fix(mut self, span: Span, replacement: impl Into<String>) -> Self {
        self.fix = Some(Fix {
            span,
            replacement: replacement.into(),
        });
        self
    }

    /// Suggests an edit the writer may choose: replace `span` with `replacement`.
    pub fn suggest(
        mut self,
        title: impl Into<String>,
        span: Span,
        replacement: impl Into<String>,
    ) -> Self {
        self.suggestions.push(Suggestion {
            title: title.into(),
            fix: Fix {
                span,
                replacement: replacement.into(),
            },
        });
        self
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
