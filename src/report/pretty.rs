//! The default output: miette's graphical reports, one per finding.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::Positions;
use crate::diagnostic::{Finding, Severity};
use crate::engine::Outcome;

/// One finding as a miette diagnostic.
struct Rendered {
    heading: String,
    severity: Severity,
    help: Option<String>,
    source: Option<Excerpt>,
    labels: Vec<LabeledSpan>,
    related: Vec<Rendered>,
}

/// Lines of a report's snippet, besides the lines of its spans: one line of
/// context (the handler's), and one more to spare.
const EXCERPT_LINES: usize = 2;

/// The lines of a guide around a report's spans: miette counts lines from the
/// start of the excerpt instead of the start of the guide, which made reports
/// on a large guide with many findings quadratic. Spans stay offsets in the
/// whole guide; line numbers are the guide's.
struct Excerpt {
    name: String,
    text: Arc<str>,
    /// Whole lines of `text`.
    range: Range<usize>,
    /// The 0-based line number of `range.start`.
    line: usize,
}

impl Excerpt {
    /// The excerpt of file `file` around `spans` (offsets in the file).
    fn new(
        outcome: &Outcome,
        positions: &mut Positions<'_>,
        file: usize,
        spans: impl Iterator<Item = Range<usize>>,
    ) -> Option<Excerpt> {
        let f = outcome.files.get(file)?;
        let text = f.text.clone()?;
        let index = positions.index(file)?;
        let (lo, hi) = spans.fold((usize::MAX, 0), |(lo, hi), s| {
            (lo.min(s.start), hi.max(s.end.max(s.start)))
        });
        let (lo, hi) = if lo > hi { (0, 0) } else { (lo, hi) };
        let first = index.line_col(lo).line.saturating_sub(EXCERPT_LINES).max(1);
        let last = index.line_col(hi).line + EXCERPT_LINES;
        let range = index.line_start(first)..index.line_start(last + 1);
        Some(Excerpt {
            name: f.path.clone(),
            text,
            range,
            line: first - 1,
        })
    }
}

/// The 0-based column of `at` in `text`, in characters as editors and the
/// other formats count (miette counts bytes); a byte-order mark at the start
/// of the guide (`bom`) is not a column.
fn char_column(text: &str, at: usize, bom: bool) -> usize {
    // Bytes, not `str` slices: a span that does not start on a character
    // boundary is counted up to the character it is in, not a panic.
    let before = &text.as_bytes()[..at.min(text.len())];
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let prefix = &before[line_start..];
    let prefix = match prefix.strip_prefix("\u{feff}".as_bytes()) {
        Some(rest) if bom && line_start == 0 => rest,
        _ => prefix,
    };
    // Every character has one byte that is not a continuation byte.
    prefix.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let local = self
            .text
            .get(self.range.clone())
            .ok_or(MietteError::OutOfBounds)?;
        let offset = span
            .offset()
            .checked_sub(self.range.start)
            .ok_or(MietteError::OutOfBounds)?;
        let len = span.len().min(local.len().saturating_sub(offset));
        let inner = local.read_span(
            &SourceSpan::from(offset..offset + len),
            context_lines_before,
            context_lines_after,
        )?;
        let at = inner.span().offset();
        let start = at + self.range.start;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::from(start..start + inner.span().len()),
            // Lines end at `\n` only, as in the other formats (miette also ends one at a lone `\r`).
            self.line
                + memchr::memchr_iter(b'\n', &local.as_bytes()[..at.min(local.len())]).count(),
            char_column(local, at, self.range.start == 0),
            inner.line_count(),
        )))
    }
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

fn build(outcome: &Outcome, positions: &mut Positions<'_>, f: &Finding) -> Rendered {
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        Some(f.label.clone()).filter(|l| !l.is_empty()),
        span(outcome, f.file, &f.span),
    )];
    let mut near = vec![f.span.clone()];
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
            near.push(r.span.clone());
            continue;
        }
        {
            let other = file;
            related.push(Rendered {
                heading: format!("{} (related)", r.message),
                severity: Severity::Info,
                help: None,
                source: Excerpt::new(outcome, positions, other, [r.span.clone()].into_iter()),
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
        source: Excerpt::new(outcome, positions, f.file, near.into_iter()),
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
    let mut positions = Positions::new(outcome);
    for f in &outcome.findings {
        let diagnostic = build(outcome, &mut positions, f);
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

#[cfg(test)]
mod tests {
    use super::char_column;

    #[test]
    fn columns_count_characters_after_a_bom_and_inside_a_character() {
        let text = "\u{feff}é1\nàb";
        assert_eq!(char_column(text, 3, true), 0);
        assert_eq!(char_column(text, 5, true), 1);
        assert_eq!(char_column(text, 5, false), 2);
        let b = text.find('b').unwrap();
        assert_eq!(char_column(text, b, true), 1);
        // Inside `à`: the character it is in, no panic.
        assert_eq!(char_column(text, b - 1, true), 1);
        assert_eq!(char_column(text, 99, true), 2);
    }
}
