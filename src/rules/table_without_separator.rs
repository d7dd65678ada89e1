//! GL007 table-without-separator: rows written as a table that no separator
//! row (`|---|---|`) makes one, so the site shows them as a paragraph of text.

use super::{Check, GuideContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::guide::{BlockKind, GuideKind};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL007",
    name: "table-without-separator",
    severity: Severity::Error,
    summary: "Table rows with no separator row (`|---|---|`) under the header: the site shows them as plain text",
    docs: include_str!("table_without_separator.md"),
    check: Check::Guide(check),
};

/// A line's content without the block quotes (`>`) it stands in.
fn unquoted(line: &str) -> &str {
    let mut l = line.trim_start();
    while let Some(rest) = l.strip_prefix('>') {
        l = rest.trim_start();
    }
    l.trim_end()
}

/// `| a | b |` or `a | b`: a line a table row is written as.
fn looks_like_row(line: &str) -> bool {
    let l = unquoted(line);
    (l.starts_with('|') && l.len() > 1 && l[1..].contains('|')) || l.matches('|').count() >= 2
}

/// `|---|:--:|`: the line that makes rows a table.
pub fn is_separator(line: &str) -> bool {
    let l = unquoted(line).trim_matches('|');
    !l.is_empty()
        && l.contains('-')
        && l.split('|').all(|cell| {
            let c = cell.trim();
            !c.is_empty()
                && c.trim_start_matches(':')
                    .trim_end_matches(':')
                    .chars()
                    .all(|ch| ch == '-')
        })
}

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    if ctx.guide.kind != GuideKind::Markdown {
        return;
    }
    for block in &ctx.guide.blocks {
        if !matches!(block.kind, BlockKind::Text(_)) || block.item.is_some() {
            continue;
        }
        let Some(src) = ctx.text.get(block.span.clone()) else {
            continue;
        };
        // Most paragraphs hold no pipe at all.
        if memchr::memchr(b'|', src.as_bytes()).is_none() {
            continue;
        }
        let lines: Vec<&str> = src.lines().filter(|l| !unquoted(l).is_empty()).collect();
        if lines.len() < 2 || !lines.iter().all(|l| looks_like_row(l)) {
            continue;
        }
        if lines.iter().any(|l| is_separator(l)) {
            continue;
        }
        let first = lines[0];
        let start = block.span.start + src.find(first).unwrap_or(0);
        let cells = unquoted(first).trim_matches('|').split('|').count().max(1);
        let separator = format!("|{}", "---|".repeat(cells));
        out.push(
            Finding::new(
                RULE.code,
                ctx.file,
                start..start + first.len(),
                format!(
                    "these {} rows have no separator row under the header: the site shows them as one paragraph of text, pipes included",
                    lines.len()
                ),
            )
            .label("header row of a table that is not one")
            .help(format!(
                "add `{separator}` on the line after this one"
            ))
            .fix(start + first.len()..start + first.len(), format!("\n{separator}")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators() {
        assert!(is_separator("|---|---|"));
        assert!(is_separator("| :--- | ---: |"));
        assert!(is_separator("> |---|---|"));
        assert!(is_separator("---|---"));
        assert!(!is_separator("|Port|993|"));
        assert!(!is_separator("|---|x|"));
        assert!(looks_like_row("|Port|993|"));
        assert!(looks_like_row("> | a | b |"));
        assert!(!looks_like_row("Choose a | b."));
    }
}
