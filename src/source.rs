//! Byte offsets → 1-based line and column, computed only when reporting.
//!
//! Columns count Unicode scalar values (characters), not bytes, so a finding
//! after `é` has the column an editor shows. A UTF-8 byte-order mark is not
//! counted as a column, and `\r\n` ends a line like `\n`.

use std::cell::Cell;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// Maps byte offsets of one text to lines and columns.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
    /// The last position computed: (line index, offset, column). Findings come
    /// sorted, so counting on from it keeps many findings on one very long
    /// line linear.
    last: Cell<(usize, usize, usize)>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            text,
            starts,
            last: Cell::new((usize::MAX, 0, 0)),
        }
    }

    /// Clamps `offset` into the text and back to a character boundary.
    pub fn clamp(&self, offset: usize) -> usize {
        let mut o = offset.min(self.text.len());
        while !self.text.is_char_boundary(o) {
            o -= 1;
        }
        o
    }

    /// The line and column of `offset` (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.clamp(offset);
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let (from, counted) = match self.last.get() {
            (l, o, c) if l == line && (start..=offset).contains(&o) => (o, c - 1),
            _ => (start, 0),
        };
        let prefix = &self.text[from..offset];
        let prefix = if from == 0 {
            prefix.strip_prefix('\u{feff}').unwrap_or(prefix)
        } else {
            prefix
        };
        let column = counted + prefix.chars().count() + 1;
        self.last.set((line, offset, column));
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// The byte offset where line `line` (1-based) starts; past the last
    /// line, the end of the text.
    pub fn line_start(&self, line: usize) -> usize {
        match self.starts.get(line.saturating_sub(1)) {
            Some(&start) => start,
            None => self.text.len(),
        }
    }

    /// The byte range of line `line` (1-based), without its line ending.
    pub fn line_span(&self, line: usize) -> std::ops::Range<usize> {
        let i = line.saturating_sub(1).min(self.starts.len() - 1);
        let start = self.starts[i];
        let end = self
            .starts
            .get(i + 1)
            .map(|e| e - 1)
            .unwrap_or(self.text.len());
        let end = if end > start && self.text.as_bytes().get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        start..end.max(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_and_column() {
        let idx = LineIndex::new("abc\ndef");
        assert_eq!(idx.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(4), LineCol { line: 2, column: 1 });
        assert_eq!(idx.line_col(6), LineCol { line: 2, column: 3 });
    }

    #[test]
    fn columns_count_characters() {
        let text = "é 993";
        let idx = LineIndex::new(text);
        let at = text.find("993").unwrap();
        assert_eq!(idx.line_col(at), LineCol { line: 1, column: 3 });
    }

    #[test]
    fn bom_and_crlf() {
        let text = "\u{feff}ab\r\ncd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(3), LineCol { line: 1, column: 1 });
        let c = text.find('c').unwrap();
        assert_eq!(idx.line_col(c), LineCol { line: 2, column: 1 });
        assert_eq!(&text[idx.line_span(1)], "\u{feff}ab");
    }

    #[test]
    fn line_starts_and_past_the_last_line() {
        let idx = LineIndex::new("ab\ncd\n");
        assert_eq!(idx.line_start(1), 0);
        assert_eq!(idx.line_start(2), 3);
        assert_eq!(idx.line_start(3), 6);
        assert_eq!(idx.line_start(4), 6);
    }

    #[test]
    fn offsets_past_the_end_or_inside_a_char_are_clamped() {
        let text = "aé";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(2), LineCol { line: 1, column: 2 });
        assert_eq!(idx.line_col(99), LineCol { line: 1, column: 3 });
    }
}
