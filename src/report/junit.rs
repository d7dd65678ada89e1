//! `--format junit`: JUnit XML for CI test-report views. One test suite, one
//! test case per checked file, one `<failure>` per finding in that file.

use super::{Positions, path_of};
use crate::engine::Outcome;

/// Renders the JUnit XML report.
pub fn render(outcome: &Outcome) -> String {
    let mut pos = Positions::new(outcome);
    let mut failures: Vec<Vec<String>> = vec![Vec::new(); outcome.files.len()];
    for f in &outcome.findings {
        let at = pos.at(f.file, f.span.start);
        let path = path_of(outcome, f);
        let mut body = format!(
            "{path}:{}:{}: {} [{}] {}",
            at.line,
            at.column,
            f.code,
            f.severity.as_str(),
            f.message
        );
        if let Some(help) = &f.help {
            body.push_str(&format!("\nhelp: {help}"));
        }
        let failure = format!(
            "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
            escape(&format!("{}:{}: {}", at.line, at.column, f.message)),
            escape(&format!("{} {}", f.code, f.name)),
            escape(&body)
        );
        if let Some(list) = failures.get_mut(f.file) {
            list.push(failure);
        }
    }
    let tests = outcome.files.len();
    let failed = failures.iter().filter(|l| !l.is_empty()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"guidelint\" tests=\"{tests}\" failures=\"{failed}\" errors=\"0\">\n"
    ));
    out.push_str(&format!(
        "  <testsuite name=\"guidelint\" tests=\"{tests}\" failures=\"{failed}\" errors=\"0\" skipped=\"0\">\n"
    ));
    for (file, list) in outcome.files.iter().zip(&failures) {
        let name = escape(&file.path);
        if list.is_empty() {
            out.push_str(&format!(
                "    <testcase name=\"{name}\" classname=\"guidelint\" file=\"{name}\"/>\n"
            ));
        } else {
            out.push_str(&format!(
                "    <testcase name=\"{name}\" classname=\"guidelint\" file=\"{name}\">\n"
            ));
            for failure in list {
                out.push_str(failure);
            }
            out.push_str("    </testcase>\n");
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Escapes text for XML content and attribute values; characters XML 1.0
/// cannot carry become U+FFFD, and line breaks in attributes are kept as
/// character references.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            escape("a<b & \"c\" 'd'\n\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&#10;\u{FFFD}"
        );
    }
}
