//! Positions: guidelint keeps byte offsets; the Language Server Protocol counts
//! lines and, within a line, code units of the encoding the client and the
//! server agreed on (UTF-16 unless both know another).
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol says. A position
//! past the end of its line stands for the end of the line (before its line
//! ending); a line past the last one for the end of the text; a position
//! inside a character (half of a UTF-16 surrogate pair, a byte inside a UTF-8
//! sequence) for the start of that character.

use std::ops::Range;

use lsp_types::{Position, PositionEncodingKind};

/// How the characters of a line are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// Bytes of UTF-8.
    Utf8,
    /// Code units of UTF-16: the protocol's default.
    #[default]
    Utf16,
    /// Unicode scalar values.
    Utf32,
}

impl Encoding {
    /// The encoding to use with a client offering `offered` (its order of
    /// preference): the first one guidelint knows, else UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        offered
            .into_iter()
            .flatten()
            .find_map(Encoding::from_kind)
            .unwrap_or_default()
    }

    fn from_kind(kind: &PositionEncodingKind) -> Option<Encoding> {
        match kind.as_str() {
            "utf-8" => Some(Encoding::Utf8),
            "utf-16" => Some(Encoding::Utf16),
            "utf-32" => Some(Encoding::Utf32),
            _ => None,
        }
    }

    /// The protocol's name of the encoding.
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    /// How many code units `c` takes.
    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }
}

/// Where each line of a text starts, to turn byte offsets into positions and back.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// The byte offset of each line's first byte; the first is 0.
    starts: Vec<usize>,
    /// The text's length.
    len: usize,
    encoding: Encoding,
}

impl LineIndex {
    /// The lines of `text`, counted in `encoding`.
    pub fn new(text: &str, encoding: Encoding) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while let Some(at) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
            let at = i + at;
            let next = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            starts.push(next);
            i = next;
        }
        LineIndex {
            starts,
            len: text.len(),
            encoding,
        }
    }

    /// The encoding positions are counted in.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// How many lines the text has (a text ending with a line ending has an
    /// empty last line).
    pub fn lines(&self) -> usize {
        self.starts.len()
    }

    /// The bytes of line `line` without its line ending (empty past the end).
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let Some(&start) = self.starts.get(line) else {
            return self.len..self.len;
        };
        let end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let content = text.get(start..end).unwrap_or_default();
        let trimmed = content
            .strip_suffix("\r\n")
            .or_else(|| content.strip_suffix('\n'))
            .or_else(|| content.strip_suffix('\r'))
            .unwrap_or(content);
        start..start + trimmed.len()
    }

    /// The line holding byte `offset` (the last line for an offset past the end).
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// The position of byte `offset` of `text` (the text this index was made
    /// from). An offset inside a character or a line ending is taken back to
    /// the character's start or the line's end.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(self.len));
        let line = self.line_of(offset);
        let range = self.line_range(text, line);
        let end = offset.min(range.end);
        let prefix = text.get(range.start..end).unwrap_or_default();
        let character = if self.encoding == Encoding::Utf8 || prefix.is_ascii() {
            prefix.len()
        } else {
            prefix.chars().map(|c| self.encoding.width(c)).sum()
        };
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            character: u32::try_from(character).unwrap_or(u32::MAX),
        }
    }

    /// The byte offset in `text` of `position`: past the end of its line, the
    /// line's end; past the last line, the text's end; inside a character, the
    /// character's start.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let line = position.line as usize;
        if line >= self.starts.len() {
            return self.len;
        }
        let range = self.line_range(text, line);
        let content = text.get(range.clone()).unwrap_or_default();
        let wanted = position.character as usize;
        if self.encoding == Encoding::Utf8 || content.is_ascii() {
            let at = range.start + wanted.min(content.len());
            return floor_char_boundary(text, at);
        }
        let mut units = 0;
        for (i, c) in content.char_indices() {
            let width = self.encoding.width(c);
            if units + width > wanted {
                return range.start + i;
            }
            units += width;
        }
        range.end
    }

    /// The protocol range of the byte span `span` of `text`.
    pub fn range(&self, text: &str, span: &Range<usize>) -> lsp_types::Range {
        lsp_types::Range {
            start: self.position(text, span.start),
            end: self.position(text, span.end.max(span.start)),
        }
    }

    /// The byte span of the protocol range `range` (start and end in order).
    pub fn span(&self, text: &str, range: lsp_types::Range) -> Range<usize> {
        let start = self.offset(text, range.start);
        let end = self.offset(text, range.end);
        start.min(end)..start.max(end)
    }
}

/// The largest character boundary of `text` at or before `offset`.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    /// Every char boundary of `text` round-trips through a position.
    fn round_trips(text: &str, encoding: Encoding) {
        let index = LineIndex::new(text, encoding);
        for (offset, c) in text.char_indices() {
            if c == '\n' || c == '\r' {
                continue;
            }
            let p = index.position(text, offset);
            assert_eq!(index.offset(text, p), offset, "{text:?} at {offset}: {p:?}");
        }
        let end = index.position(text, text.len());
        assert_eq!(index.offset(text, end), text.len());
    }

    #[test]
    fn ascii_lines() {
        let text = "ab\ncd\n";
        let index = LineIndex::new(text, Encoding::Utf16);
        assert_eq!(index.lines(), 3);
        assert_eq!(index.position(text, 4), pos(1, 1));
        assert_eq!(index.offset(text, pos(1, 1)), 4);
        assert_eq!(index.position(text, text.len()), pos(2, 0));
        round_trips(text, Encoding::Utf16);
    }

    #[test]
    fn accents_count_one_utf16_unit_and_two_bytes() {
        // "é" is two bytes in UTF-8, one code unit in UTF-16.
        let text = "Port sécurisé : 993\n";
        let at = text.find("993").unwrap();
        let utf16 = LineIndex::new(text, Encoding::Utf16);
        assert_eq!(utf16.position(text, at), pos(0, 16));
        assert_eq!(utf16.offset(text, pos(0, 16)), at);
        let utf8 = LineIndex::new(text, Encoding::Utf8);
        assert_eq!(utf8.position(text, at), pos(0, at as u32));
        let utf32 = LineIndex::new(text, Encoding::Utf32);
        assert_eq!(utf32.position(text, at), pos(0, 16));
        for e in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            round_trips(text, e);
        }
    }

    #[test]
    fn emoji_count_two_utf16_units_four_bytes_one_scalar() {
        let text = "📧 Port 993";
        let at = text.find("993").unwrap();
        assert_eq!(at, 10);
        let utf16 = LineIndex::new(text, Encoding::Utf16);
        assert_eq!(utf16.position(text, at), pos(0, 8));
        assert_eq!(utf16.offset(text, pos(0, 8)), at);
        // Half a surrogate pair is the emoji's start.
        assert_eq!(utf16.offset(text, pos(0, 1)), 0);
        assert_eq!(
            LineIndex::new(text, Encoding::Utf32).position(text, at),
            pos(0, 7)
        );
        assert_eq!(
            LineIndex::new(text, Encoding::Utf8).position(text, at),
            pos(0, 10)
        );
        // A byte inside the emoji is its start.
        assert_eq!(utf16.position(text, 2), pos(0, 0));
        for e in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            round_trips(text, e);
        }
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        let text = "a\r\nbé\r\nc\rd";
        let index = LineIndex::new(text, Encoding::Utf16);
        assert_eq!(index.lines(), 4);
        assert_eq!(index.position(text, text.find('b').unwrap()), pos(1, 0));
        assert_eq!(index.position(text, text.find('c').unwrap()), pos(2, 0));
        assert_eq!(index.position(text, text.find('d').unwrap()), pos(3, 0));
        // The carriage return is not a character of the line.
        assert_eq!(index.position(text, 1), pos(0, 1));
        assert_eq!(index.position(text, 2), pos(0, 1));
        assert_eq!(index.line_range(text, 1), 3..6);
        // Past the end of a line: its end, before "\r\n".
        assert_eq!(index.offset(text, pos(1, 99)), 6);
        assert_eq!(index.offset(text, pos(9, 0)), text.len());
        round_trips(text, Encoding::Utf16);
        round_trips(text, Encoding::Utf8);
    }

    #[test]
    fn ranges_and_spans() {
        let text = "# Titre\r\n\r\n- Port : **993**\r\n";
        let index = LineIndex::new(text, Encoding::Utf16);
        let at = text.find("993").unwrap();
        let range = index.range(text, &(at..at + 3));
        assert_eq!(range.start, pos(2, 11));
        assert_eq!(range.end, pos(2, 14));
        assert_eq!(index.span(text, range), at..at + 3);
    }

    #[test]
    fn negotiation_prefers_the_clients_order() {
        let offered = [PositionEncodingKind::UTF32, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&offered)), Encoding::Utf32);
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        let unknown = [PositionEncodingKind::new("utf-7")];
        assert_eq!(Encoding::negotiate(Some(&unknown)), Encoding::Utf16);
    }
}
