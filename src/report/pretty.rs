//! The default output: miette's graphical reports, one per finding.

use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan,
};

use crate::diagnostic::{Finding, Severity};
use crate::engine::Outcome;

/// One finding as a miette diagnostic.
struct Rendered {
    heading: String,
    severity: Severity,
    help: Option<String>,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Rendered>,
}

impl fmt::Debug for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.heading)
    }
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.heading)
    }
}

impl std::error::Error for Rendered {}

impl Diagnostic for Rendered {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
        }
    }
}

fn source(outcome: &Outcome, file: usize) -> Option<NamedSource<Arc<str>>> {
    let f = outcome.files.get(file)?;
    let text = f.text.clone()?;
    Some(NamedSource::new(&f.path, text))
}

fn span(outcome: &Outcome, file: usize, span: &std::ops::Range<usize>) -> SourceSpan {
    let len = outcome
        .files
        .get(file)
        .and_then(|f| f.text.as_deref())
        .map(str::len)
        .unwrap_or(0);
    let start = span.start.min(len);
    let end = span.end.clamp(start, len);
    SourceSpan::from(start..end)
}

/// Related places at most this many lines from the finding share its snippet.
const NEAR_LINES: usize = 6;

/// How many lines separate two spans of one file.
fn lines_between(
    outcome: &Outcome,
    file: usize,
    a: &std::ops::Range<usize>,
    b: &std::ops::Range<usize>,
) -> usize {
    let Some(text) = outcome.files.get(file).and_then(|f| f.text.as_deref()) else {
        return 0;
    };
    let (lo, hi) = if a.start <= b.start {
        (a.start, b.start)
    } else {
        (b.start, a.start)
    };
    let hi = hi.min(text.len());
    let lo = lo.min(hi);
    text.as_bytes()[lo..hi]
        .iter()
        .filter(|&&c| c == b'\n')
        .count()
}

fn build(outcome: &Outcome, f: &Finding) -> Rendered {
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        Some(f.label.clone()).filter(|l| !l.is_empty()),
        span(outcome, f.file, &f.span),
    )];
    let mut related = Vec::new();
    for r in &f.related {
        // A related place close to the finding shares its snippet; a far one
        // (or one in another guide) gets a snippet of its own after it, so the
        // finding's own place always comes first.
        let file = r.file.unwrap_or(f.file);
        if file == f.file && lines_between(outcome, file, &f.span, &r.span) <= NEAR_LINES {
            labels.push(LabeledSpan::new_with_span(
                Some(r.message.clone()),
                span(outcome, f.file, &r.span),
            ));
            continue;
        }
        {
            let other = file;
            related.push(Rendered {
                heading: format!("{} (related)", r.message),
                severity: Severity::Info,
                help: None,
                source: source(outcome, other),
                labels: vec![LabeledSpan::new_primary_with_span(
                    Some(r.message.clone()),
                    span(outcome, other, &r.span),
                )],
                related: Vec::new(),
            });
        }
    }
    Rendered {
        heading: format!("{} {}: {}", f.code, f.name, f.message),
        severity: f.severity,
        help: f.help.clone(),
        source: source(outcome, f.file),
        labels,
        related,
    }
}

/// Renders every finding, then the summary line.
pub fn render(outcome: &Outcome, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_context_lines(1)
        .with_links(false)
        .with_primary_span_start();
    let mut out = String::new();
    for f in &outcome.findings {
        let diagnostic = build(outcome, f);
        if handler.render_report(&mut out, &diagnostic).is_err() {
            out.push_str(&format!(
                "{}: {}\n",
                super::path_of(outcome, f),
                diagnostic.heading
            ));
        }
        out.push('\n');
    }
    out.push_str(&super::summary(outcome));
    out.push('\n');
    out
}
