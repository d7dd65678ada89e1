//! Plain-text exports (`*.txt`, e.g. text extracted from a PDF).
//!
//! They have no markup: paragraphs are runs of non-blank lines, short lines
//! standing alone are headings, and tables come out flattened, a header line
//! such as `Ports SSLactivé SSLdésactivé` followed by rows such as
//! `Entrant 995 110`. The vocabulary tells which header lines are tables.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::{Block, BlockKind, Guide, GuideKind, Table, TextRun};
use crate::vocab::Vocabulary;

/// A flattened table row: a label, then numbers.
static ROW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*([^\d\s][^\d]*?)((?:\s+\d{1,5})+)\s*$").expect("valid row regex")
});
static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d{1,5}").expect("valid number regex"));

/// Parses a plain-text export.
pub fn parse(text: &str, vocab: &Vocabulary) -> Guide {
    let lines = lines(text);
    let mut guide = Guide {
        kind: GuideKind::PlainText,
        front_matter: None,
        unclosed_front_matter: None,
        blocks: Vec::new(),
        items: Vec::new(),
        links: Vec::new(),
        html_anchors: Vec::new(),
    };
    let blank = |r: &Range<usize>| text[r.clone()].trim().is_empty();
    let mut section = None;
    let mut i = 0;
    while i < lines.len() {
        if blank(&lines[i]) {
            i += 1;
            continue;
        }
        let first = lines[i].clone();
        // A flattened table: a header line, then rows (blank lines between are allowed).
        if let Some(header) = table_header(&text[first.clone()], first.start, vocab) {
            let columns = header.len() - 1;
            let mut table = Table {
                header,
                rows: Vec::new(),
            };
            let (mut j, mut end) = (i + 1, first.end);
            loop {
                let mut k = j;
                while k < lines.len() && blank(&lines[k]) {
                    k += 1;
                }
                match lines
                    .get(k)
                    .and_then(|l| table_row(text, l.clone(), columns))
                {
                    Some(row) => {
                        table.rows.push(row);
                        end = lines[k].end;
                        j = k + 1;
                    }
                    None => break,
                }
            }
            if !table.rows.is_empty() {
                guide
                    .blocks
                    .push(block(BlockKind::Table(table), first.start..end, section));
                i = j;
                continue;
            }
        }
        // A paragraph: up to a blank line, an indented line (a new block in
        // PDF exports) or a table header.
        let mut j = i + 1;
        while j < lines.len()
            && !blank(&lines[j])
            && !text[lines[j].clone()].starts_with([' ', '\t'])
            && table_header(&text[lines[j].clone()], 0, vocab).is_none()
        {
            j += 1;
        }
        let span = first.start..lines[j - 1].end;
        let para = &text[span.clone()];
        let more = lines[j..].iter().any(|l| !blank(l));
        if j == i + 1 && more && looks_like_heading(para) {
            let trimmed = para.trim();
            let start = span.start + (para.len() - para.trim_start().len());
            section = Some(guide.blocks.len());
            guide.blocks.push(block(
                BlockKind::Heading {
                    level: 2,
                    text: TextRun::verbatim(trimmed, start),
                    id: None,
                    parent: None,
                },
                span,
                None,
            ));
        } else {
            guide.blocks.push(block(
                BlockKind::Text(TextRun::verbatim(para, span.start)),
                span,
                section,
            ));
        }
        i = j;
    }
    guide
}

fn block(kind: BlockKind, span: Range<usize>, section: Option<usize>) -> Block {
    Block {
        kind,
        span,
        section,
        item: None,
        quote_depth: 0,
    }
}

/// The byte ranges of `text`'s lines, without line endings (and without a BOM).
fn lines(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
    while pos < text.len() {
        let end = text[pos..]
            .find('\n')
            .map(|i| pos + i)
            .unwrap_or(text.len());
        let line = text[pos..end].trim_end_matches('\r');
        out.push(pos..pos + line.len());
        pos = end + 1;
    }
    out
}

/// A short line standing alone, starting with a capital, without final punctuation or digits.
fn looks_like_heading(line: &str) -> bool {
    let t = line.trim();
    let words = t.split_whitespace().count();
    let first_upper = t.chars().next().is_some_and(char::is_uppercase);
    (2..=80).contains(&t.len())
        && words <= 10
        && first_upper
        && !t.ends_with(['.', ':', ';', ',', '!', ')'])
        && !t.chars().any(|c| c.is_ascii_digit())
        && !t.contains("://")
}

/// A flattened table header: a row-label column, then one column per security phrase.
fn table_header(line: &str, base: usize, vocab: &Vocabulary) -> Option<Vec<TextRun>> {
    let mut marks: Vec<Range<usize>> = vocab.plain.find_iter(line).collect();
    for r in vocab.ssl.find_iter(line) {
        if !marks.iter().any(|m| m.start < r.end && r.start < m.end) {
            marks.push(r);
        }
    }
    if marks.len() < 2 {
        return None;
    }
    marks.sort_by_key(|r| r.start);
    let label_end = marks[0].start;
    let mut cells = vec![TextRun::verbatim(line[..label_end].trim_end(), base)];
    cells.extend(
        marks
            .into_iter()
            .map(|r| TextRun::verbatim(&line[r.clone()], base + r.start)),
    );
    Some(cells)
}

/// A flattened row `Entrant 995 110` with `columns` numbers.
fn table_row(text: &str, span: Range<usize>, columns: usize) -> Option<Vec<TextRun>> {
    let line = &text[span.clone()];
    let caps = ROW.captures(line)?;
    let label = caps.get(1)?;
    let numbers = caps.get(2)?;
    let mut cells = vec![TextRun::verbatim(
        label.as_str().trim(),
        span.start + label.start(),
    )];
    for m in NUMBER.find_iter(numbers.as_str()) {
        cells.push(TextRun::verbatim(
            m.as_str(),
            span.start + numbers.start() + m.start(),
        ));
    }
    (cells.len() == columns + 1).then_some(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocabulary {
        Vocabulary::embedded().unwrap()
    }

    #[test]
    fn flattened_tables() {
        let text = "Ports SSLactivé SSLdésactivé\n\nEntrant 995 110\n\nSortant 465 587\n Configuration IMAP\n\nx\n";
        let g = parse(text, &vocab());
        let BlockKind::Table(t) = &g.blocks[0].kind else {
            panic!("{:?}", g.blocks)
        };
        assert_eq!(t.header.len(), 3);
        assert_eq!(t.header[1].text, "SSLactivé");
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1][0].text, "Sortant");
        let cell = &t.rows[1][2];
        assert_eq!(&text[cell.src_range()], "587");
        assert!(
            matches!(g.blocks[1].kind, BlockKind::Heading { .. }),
            "{:?}",
            g.blocks[1]
        );
    }

    #[test]
    fn headings_and_paragraphs() {
        let text = "Configuration POP\n\nPort serveur entrant : 995 ou 110\nServeur sortant : SSL0.OVH.NET\n";
        let g = parse(text, &vocab());
        assert!(matches!(g.blocks[0].kind, BlockKind::Heading { .. }));
        assert_eq!(g.blocks[1].section, Some(0));
        let run = g.blocks[1].text().unwrap();
        assert!(run.text.contains("995 ou 110\nServeur"));
    }

    #[test]
    fn sentences_and_numbers_are_not_headings() {
        assert!(!looks_like_heading("Minimum 9 caractères."));
        assert!(!looks_like_heading("http://webmail.ovh.net/"));
        assert!(!looks_like_heading("mx0.ovh.net : Pas de protection;"));
        assert!(looks_like_heading(" Configuration IMAP"));
    }

    #[test]
    fn crlf_lines() {
        let text = "Configuration POP\r\n\r\nPort : 995\r\n";
        let g = parse(text, &vocab());
        let run = g.blocks[1].text().unwrap();
        assert_eq!(run.text, "Port : 995");
    }
}
