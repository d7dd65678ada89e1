//! `--format github`: GitHub Actions workflow commands, one annotation per
//! finding (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::…`).
//!
//! Workflow commands are parsed by the runner line by line: the message must
//! escape `%`, `\r` and `\n`, and property values also `:` and `,`.

use super::{Positions, path_of};
use crate::diagnostic::Severity;
use crate::engine::Outcome;

/// Renders one annotation per finding, then the summary line (plain log text).
pub fn render(outcome: &Outcome) -> String {
    let mut pos = Positions::new(outcome);
    let mut out = String::new();
    for f in &outcome.findings {
        let start = pos.at(f.file, f.span.start);
        let end = pos.at(f.file, f.span.end.max(f.span.start));
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(path_of(outcome, f)),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(&format!("{} {}", f.code, f.name)),
            escape_data(&message),
        ));
    }
    out.push_str(&super::summary(outcome));
    out.push('\n');
    out
}

/// Escapes the message of a workflow command.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
