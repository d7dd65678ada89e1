//! Text runs: the plain text of a block with a map back to source bytes.
//!
//! Extraction searches plain text (no `**`, no link URLs), but every finding
//! must point at source bytes. A [`TextRun`] keeps, for each piece of text, the
//! source range it came from, so a match in the text maps back to a span.

use std::ops::Range;

#[derive(Debug, Clone, Copy)]
struct Piece {
    text_start: u32,
    text_len: u32,
    src_start: u32,
    src_len: u32,
    strong: bool,
    code: bool,
}

/// The plain text of a block, with its source map.
#[derive(Debug, Clone, Default)]
pub struct TextRun {
    /// The text: Markdown markup removed, soft line breaks turned into spaces.
    pub text: String,
    pieces: Vec<Piece>,
}

impl TextRun {
    /// A run made of one verbatim slice of the source starting at `src_start`.
    pub fn verbatim(text: &str, src_start: usize) -> Self {
        let mut run = TextRun::default();
        run.push(text, src_start..src_start + text.len(), false);
        run
    }

    /// Appends `text`, which the parser produced from source bytes `src`.
    /// `strong` marks text inside `**…**`.
    pub fn push(&mut self, text: &str, src: Range<usize>, strong: bool) {
        self.push_piece(text, src, strong, false);
    }

    /// Appends the text of an inline code span (`` `…` ``) read from source bytes `src`.
    pub fn push_code(&mut self, text: &str, src: Range<usize>, strong: bool) {
        self.push_piece(text, src, strong, true);
    }

    fn push_piece(&mut self, text: &str, src: Range<usize>, strong: bool, code: bool) {
        if text.is_empty() {
            return;
        }
        self.pieces.push(Piece {
            text_start: self.text.len() as u32,
            text_len: text.len() as u32,
            src_start: src.start as u32,
            src_len: src.len() as u32,
            strong,
            code,
        });
        self.text.push_str(text);
    }

    /// Appends `text` that stands for no source bytes (a separator put
    /// between two runs joined into one): it maps to the source where the
    /// run's text so far ends, and no value read across it is verbatim.
    pub fn push_separator(&mut self, text: &str) {
        let at = self.src_range().end;
        self.push_piece(text, at..at, false, false);
    }

    /// Appends the text of `other`, keeping its map to the source.
    pub fn append(&mut self, other: &TextRun) {
        let offset = self.text.len() as u32;
        self.pieces.extend(other.pieces.iter().map(|p| Piece {
            text_start: p.text_start + offset,
            ..*p
        }));
        self.text.push_str(&other.text);
    }

    /// True when no text was pushed.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The source byte range of the whole run.
    pub fn src_range(&self) -> Range<usize> {
        match (self.pieces.first(), self.pieces.last()) {
            (Some(a), Some(b)) => a.src_start as usize..(b.src_start + b.src_len) as usize,
            _ => 0..0,
        }
    }

    fn piece_at(&self, offset: usize) -> Option<&Piece> {
        let i = self
            .pieces
            .partition_point(|p| (p.text_start as usize) <= offset);
        self.pieces.get(i.checked_sub(1)?)
    }

    /// Maps a byte range of [`TextRun::text`] to the source span it came from.
    /// Text the parser rewrote (entities, escapes) maps to its whole source piece.
    pub fn src_span(&self, range: Range<usize>) -> Range<usize> {
        let Some(first) = self.piece_at(range.start) else {
            return self.src_range();
        };
        let last = self
            .piece_at(range.end.saturating_sub(1).max(range.start))
            .unwrap_or(first);
        let verbatim = |p: &Piece| p.text_len == p.src_len;
        let start = if verbatim(first) {
            first.src_start as usize
                + (range.start - first.text_start as usize).min(first.src_len as usize)
        } else {
            first.src_start as usize
        };
        let end = if verbatim(last) {
            last.src_start as usize
                + (range.end - last.text_start as usize).min(last.src_len as usize)
        } else {
            (last.src_start + last.src_len) as usize
        };
        start..end.max(start)
    }

    /// The range of [`TextRun::text`] made from the source bytes in `src`
    /// (a link's text, from the link's span); an empty range where `src`
    /// would start when no piece comes from it.
    pub fn text_range(&self, src: Range<usize>) -> Range<usize> {
        let mut start = None;
        let mut end = 0;
        for p in &self.pieces {
            let (ps, pe) = (p.src_start as usize, (p.src_start + p.src_len) as usize);
            let (ts, te) = (p.text_start as usize, (p.text_start + p.text_len) as usize);
            if pe <= src.start {
                end = te;
                continue;
            }
            if ps >= src.end {
                break;
            }
            start.get_or_insert(ts);
            end = te;
        }
        match start {
            Some(s) => s..end,
            None => end..end,
        }
    }

    /// True when `range` of the text is a verbatim, contiguous copy of source
    /// bytes: its span then slices to exactly that text. A value that straddles
    /// markup (`[a](#x)b.net`, `99**3**`) or rewritten text (`\.`) is not.
    pub fn is_verbatim(&self, range: Range<usize>) -> bool {
        let mut prev_end: Option<u32> = None;
        for p in &self.pieces {
            let (s, e) = (p.text_start as usize, (p.text_start + p.text_len) as usize);
            if e <= range.start || s >= range.end {
                continue;
            }
            if p.text_len != p.src_len || prev_end.is_some_and(|end| end != p.src_start) {
                return false;
            }
            prev_end = Some(p.src_start + p.src_len);
        }
        prev_end.is_some()
    }

    /// True when every piece overlapping `range` is bold.
    pub fn is_strong(&self, range: Range<usize>) -> bool {
        let mut any = false;
        // The pieces are in text order: skip those that end before the range.
        let first = self
            .pieces
            .partition_point(|p| ((p.text_start + p.text_len) as usize) <= range.start);
        for p in &self.pieces[first..] {
            let (s, e) = (p.text_start as usize, (p.text_start + p.text_len) as usize);
            if s >= range.end {
                break;
            }
            if e <= range.start {
                continue;
            }
            if !p.strong && !self.text[s..e].trim().is_empty() {
                return false;
            }
            any = true;
        }
        any
    }

    /// The ranges of [`TextRun::text`] that come from inline code spans
    /// (adjacent code pieces, such as the words of one span, merged).
    pub fn code_ranges(&self) -> Vec<Range<usize>> {
        let mut out: Vec<Range<usize>> = Vec::new();
        for p in self.pieces.iter().filter(|p| p.code) {
            let (start, end) = (p.text_start as usize, (p.text_start + p.text_len) as usize);
            match out.last_mut() {
                Some(last) if last.end == start => last.end = end,
                _ => out.push(start..end),
            }
        }
        out
    }

    /// True when all the non-blank text of the run is bold (a bold lead-in).
    pub fn all_strong(&self) -> bool {
        self.is_strong(0..self.text.len()) && self.pieces.iter().any(|p| p.strong)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_text_back_to_source() {
        // source: "Port : **993**" → text "Port : 993"
        let mut run = TextRun::default();
        run.push("Port : ", 0..7, false);
        run.push("993", 9..12, true);
        let at = run.text.find("993").unwrap();
        assert_eq!(run.src_span(at..at + 3), 9..12);
        assert!(run.is_strong(at..at + 3));
        assert!(!run.all_strong());
    }

    #[test]
    fn rewritten_text_maps_to_its_whole_piece() {
        let mut run = TextRun::default();
        run.push("&", 4..9, false); // "&amp;"
        assert_eq!(run.src_span(0..1), 4..9);
    }

    #[test]
    fn inline_code_is_marked() {
        let mut run = TextRun::default();
        run.push("Run ", 0..4, false);
        run.push_code("ls -l", 5..10, false);
        let code: Vec<_> = run.code_ranges();
        assert_eq!(code, vec![4..9]);
    }

    #[test]
    fn source_ranges_map_to_text() {
        let mut run = TextRun::default();
        run.push("Go to ", 0..6, false);
        run.push("the webmail", 7..18, false);
        run.push(" now", 40..44, false);
        assert_eq!(run.text_range(6..40), 6..17);
        assert_eq!(&run.text[run.text_range(6..40)], "the webmail");
        assert_eq!(run.text_range(19..39), 17..17);
    }

    #[test]
    fn empty_run_maps_to_nothing() {
        let run = TextRun::default();
        assert_eq!(run.src_span(0..0), 0..0);
    }
}
