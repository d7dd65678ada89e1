//! Matching: the texts of a parsed guide, by scope, and the hits of one rule in them.
//!
//! Rules read the guide model, never the raw Markdown: prose, headings and table
//! cells are [`TextRun`]s (markup removed, inline code marked), link URLs come
//! from the parsed links, and only code blocks are sliced from the source.
//! Every hit maps back to a source span.

use std::cell::OnceCell;
use std::ops::Range;

use super::compile::{CompiledRule, Matcher};
use super::model::Scope;
use crate::diagnostic::Span;
use crate::guide::{BlockKind, Guide, TextRun};

/// How a segment's text maps to source bytes.
#[derive(Clone)]
enum Map<'a> {
    /// Through a text run's source map.
    Run(&'a TextRun),
    /// The text is the source from this offset on.
    Verbatim(usize),
    /// The text is not in the source as such: any hit is this whole span.
    Whole(Span),
}

/// One piece of text of a guide with its scope.
#[derive(Clone)]
pub struct Segment<'a> {
    scope: Scope,
    text: &'a str,
    map: Map<'a>,
    /// Ranges of `text` that are inline code, computed once for all rules
    /// when a rule first searches the segment.
    code: OnceCell<Vec<Range<usize>>>,
    /// A link URL: the whole link's source span (its text included).
    link: Option<Span>,
}

impl<'a> Segment<'a> {
    /// The segment's text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    fn src_span(&self, range: Range<usize>) -> Span {
        match &self.map {
            Map::Run(run) => run.src_span(range),
            Map::Verbatim(start) => start + range.start..start + range.end,
            Map::Whole(span) => span.clone(),
        }
    }

    fn new(scope: Scope, text: &'a str, map: Map<'a>) -> Self {
        Segment {
            scope,
            text,
            map,
            code: OnceCell::new(),
            link: None,
        }
    }

    /// Ranges of `text` that are inline code.
    fn code(&self) -> &[Range<usize>] {
        self.code.get_or_init(|| match &self.map {
            Map::Run(run) => run.code_ranges(),
            _ => Vec::new(),
        })
    }
}

/// Every text of `guide` (whose source is `text`), in document order.
pub fn segments<'a>(guide: &'a Guide, text: &'a str) -> Vec<Segment<'a>> {
    let mut out = Vec::new();
    let run = |scope, run: &'a TextRun| Segment::new(scope, &run.text, Map::Run(run));
    for block in &guide.blocks {
        match &block.kind {
            BlockKind::Heading { text, .. } => out.push(run(Scope::Headings, text)),
            BlockKind::Text(text) => out.push(run(Scope::Prose, text)),
            BlockKind::Table(table) => {
                for cell in table.header.iter().chain(table.rows.iter().flatten()) {
                    out.push(run(Scope::TableCells, cell));
                }
            }
            BlockKind::Code => {
                if let Some(code) = text.get(block.span.clone()) {
                    let (start, body) = code_body(code);
                    out.push(Segment::new(
                        Scope::Code,
                        body,
                        Map::Verbatim(block.span.start + start),
                    ));
                }
            }
        }
    }
    for link in &guide.links {
        let src = text.get(link.span.clone()).unwrap_or("");
        let map = match last_occurrence(src, &link.url) {
            Some(i) if !link.url.is_empty() => Map::Verbatim(link.span.start + i),
            _ => Map::Whole(link.span.clone()),
        };
        let mut seg = Segment::new(Scope::LinkUrls, &link.url, map);
        seg.link = Some(link.span.clone());
        out.push(seg);
    }
    out
}

/// Where `needle` last occurs in `haystack` (as `str::rfind`), found
/// without building a searcher in the usual case: a link's source ending
/// with its URL and a `)`.
fn last_occurrence(haystack: &str, needle: &str) -> Option<usize> {
    let len = haystack.len();
    // No occurrence starts after `len - needle.len()`: the last two starts
    // are checked directly, before a search.
    if let Some(last) = len.checked_sub(needle.len()) {
        if haystack.get(last..) == Some(needle) {
            return Some(last);
        }
        if last > 0 && haystack.get(last - 1..len - 1) == Some(needle) {
            return Some(last - 1);
        }
    }
    haystack.rfind(needle)
}

/// The lines of a fenced code block between its fences (the whole text if not fenced).
fn code_body(code: &str) -> (usize, &str) {
    let trimmed = code.trim_start();
    if !(trimmed.starts_with("```") || trimmed.starts_with("~~~")) {
        return (0, code);
    }
    let start = code.find('\n').map(|i| i + 1).unwrap_or(code.len());
    let body = &code[start..];
    let end = body
        .trim_end()
        .rfind('\n')
        .filter(|&i| {
            let last = body[i + 1..].trim();
            last.starts_with("```") || last.starts_with("~~~")
        })
        .map(|i| i + 1)
        .unwrap_or(body.len());
    (start, &body[..end])
}

/// One match of a rule.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Where it is in the guide's source.
    pub span: Span,
    /// The matched text as the guide reads.
    pub text: String,
    /// Substitution: the right form.
    pub right: Option<String>,
    /// Existence with `replace`: the replacement.
    pub replacement: Option<String>,
    /// Consistency: which spelling.
    pub spelling: usize,
}

/// The hits of `rule` in `segments`, in document order, one per source span.
///
/// A link whose text repeats its URL (`[http://x/](http://x/)`) is one hit:
/// the URL's, when the rule reads both.
pub fn hits(rule: &CompiledRule, segments: &[Segment<'_>]) -> Vec<Hit> {
    hits_in(rule, segments, None)
}

/// The hits of `rule` in the segments of `segments` that `only` lists (all
/// when `None`), as [`hits`] gives them: the segments left out must be ones
/// the rule cannot match in (see [`super::filter::GuideFilter::candidates`]).
pub fn hits_in(rule: &CompiledRule, segments: &[Segment<'_>], only: Option<&[u32]>) -> Vec<Hit> {
    let mut out = Vec::new();
    // (link span, index in `out`) of each hit in a link URL.
    let mut in_urls: Vec<(&Span, usize)> = Vec::new();
    let reads_code = rule.scope.contains(&Scope::Code);
    let chosen: Box<dyn Iterator<Item = &Segment<'_>>> = match only {
        Some(list) => Box::new(list.iter().filter_map(|&i| segments.get(i as usize))),
        None => Box::new(segments.iter()),
    };
    for seg in chosen {
        let before = out.len();
        collect(rule, seg, reads_code, &mut out);
        if let Some(link) = &seg.link {
            in_urls.extend((before..out.len()).map(|i| (link, i)));
        }
    }
    if !in_urls.is_empty() {
        let mut drop = vec![false; out.len()];
        let mut is_url = vec![false; out.len()];
        for &(_, i) in &in_urls {
            is_url[i] = true;
        }
        for (i, hit) in out.iter().enumerate() {
            drop[i] = !is_url[i]
                && in_urls.iter().any(|&(link, j)| {
                    link.start <= hit.span.start
                        && hit.span.end <= link.end
                        && same_address(&out[j].text, &hit.text)
                });
        }
        let mut index = 0;
        out.retain(|_| {
            index += 1;
            !drop[index - 1]
        });
    }
    out.sort_by_key(|h| (h.span.start, h.span.end));
    out.dedup_by(|a, b| a.span == b.span);
    out
}

/// True when a link's text and its URL name the same address (case and a
/// final `/` aside).
fn same_address(url: &str, text: &str) -> bool {
    let trim = |s: &str| s.trim().trim_end_matches('/').to_ascii_lowercase();
    trim(url) == trim(text)
}

/// Adds the hits of `rule` in one segment to `out`.
fn collect(rule: &CompiledRule, seg: &Segment<'_>, reads_code: bool, out: &mut Vec<Hit>) {
    let code = seg.code();
    if rule.scope.contains(&seg.scope) {
        let overlaps_code =
            |r: &Range<usize>| code.iter().any(|c| c.start < r.end && r.start < c.end);
        find(
            rule,
            seg,
            0..seg.text.len(),
            &mut |r| reads_code || !overlaps_code(r),
            out,
        );
    } else if reads_code {
        for c in code {
            find(rule, seg, c.clone(), &mut |_| true, out);
        }
    }
}

/// Finds the hits of `rule` in `seg.text[within]`, keeping those `keep` accepts.
fn find(
    rule: &CompiledRule,
    seg: &Segment<'_>,
    within: Range<usize>,
    keep: &mut dyn FnMut(&Range<usize>) -> bool,
    out: &mut Vec<Hit>,
) {
    let Some(hay) = seg.text.get(within.clone()) else {
        return;
    };
    if rule.prefilter.as_ref().is_some_and(|p| !p.is_match(hay)) {
        return;
    }
    let base = within.start;
    let mut push = |range: Range<usize>, right: Option<String>, replacement, spelling| {
        let range = base + range.start..base + range.end;
        if range.is_empty() || !keep(&range) {
            return;
        }
        let text = seg.text[range.clone()].to_string();
        if rule.exceptions.iter().any(|e| e.is_match(&text)) {
            return;
        }
        if rule.def.skip_quoted && quoted(seg, &range) {
            return;
        }
        out.push(Hit {
            span: seg.src_span(range),
            text,
            right,
            replacement,
            spelling,
        });
    };
    match &rule.matcher {
        Matcher::Pattern(re) => {
            for caps in re.captures_iter(hay) {
                let Some(all) = caps.get(0) else { continue };
                let m = caps.name("match").unwrap_or(all);
                let replacement = rule.replace.as_ref().map(|t| {
                    let mut s = String::new();
                    caps.expand(t, &mut s);
                    s
                });
                push(m.range(), None, replacement, 0);
            }
        }
        Matcher::Swap { regex, rights } => {
            for caps in regex.captures_iter(hay) {
                let Some((i, m)) = caps
                    .iter()
                    .skip(1)
                    .enumerate()
                    .find_map(|(i, m)| Some((i, m?)))
                else {
                    continue;
                };
                let Some(right) = rights.get(i) else { continue };
                let right = if rule.ignore_case {
                    match_case(m.as_str(), right)
                } else {
                    right.clone()
                };
                push(m.range(), Some(right), None, 0);
            }
        }
        Matcher::Spellings(spellings) => {
            for (i, (_, re)) in spellings.iter().enumerate() {
                for m in re.find_iter(hay) {
                    push(m.range(), None, None, i);
                }
            }
        }
    }
}

/// Opening and closing quotation marks.
const QUOTES: &[(char, char)] = &[
    ('«', '»'),
    ('"', '"'),
    ('“', '”'),
    ('„', '“'),
    ('„', '”'),
    ('‘', '’'),
    ('‹', '›'),
];

/// True when the words at `range` of `seg` are quoted rather than the guide's
/// own: bold (a control panel's section or button), between quotation marks
/// on both sides, or a form's label (a short text that a colon ends, at the
/// start of its block; a short first-column table cell).
fn quoted(seg: &Segment<'_>, range: &Range<usize>) -> bool {
    if let Map::Run(run) = &seg.map
        && run.is_strong(range.clone())
    {
        return true;
    }
    let text = seg.text;
    // Every test below stays on the match's line, and reads no more of it
    // than it needs: a paragraph is often one long line.
    let head = &text[..range.start];
    let tail = &text[range.end..];
    // Between quotation marks: an opening mark before (no closing one after
    // it) and its closing mark after, on the same line, not far (80
    // characters, so no more than 320 bytes).
    let near = |s: &str| s.len() <= 80 || s.chars().count() <= 80;
    let window_before = line_part_back(head, 4 * 80 + 4);
    let window_after = line_part(tail, 4 * 80 + 4);
    for &(open, close) in QUOTES {
        if let Some(o) = window_before.rfind(open) {
            let inside_before = &window_before[o + open.len_utf8()..];
            if open == close {
                let line = &head[head.rfind('\n').map_or(0, |i| i + 1)..];
                if line.matches(open).count() % 2 == 0 {
                    // An even number of marks before: the last one closed a quote.
                    continue;
                }
            }
            if !near(inside_before) || (open != close && inside_before.contains(close)) {
                continue;
            }
            if let Some(c) = window_after.find(close)
                && near(&window_after[..c])
            {
                return true;
            }
        }
    }
    // A label: at most four words from the start of the block (or of a
    // sentence, or of the line), ending at a colon on the line.
    let found = &text[range.clone()];
    if let Some(lead) = words_back(head, 4, ['.', '|', '\n'])
        && let Some(rest) = words_up_to(tail, 4, ':', '\n')
    {
        let words = lead.split_whitespace().count()
            + found.split_whitespace().count()
            + rest.split_whitespace().count()
            - usize::from(joined_word(lead, found))
            - usize::from(joined_word(found, rest));
        if words <= 4 && ![lead, found, rest].iter().any(|s| s.contains([',', ';'])) {
            return true;
        }
    }
    // A short table cell that names a field (also in a table the parser
    // took for a paragraph: between two `|` of one line).
    let pipe_before =
        memchr::memrchr2(b'|', b'\n', head.as_bytes()).filter(|&i| head.as_bytes()[i] == b'|');
    let pipe_after =
        memchr::memchr2(b'|', b'\n', tail.as_bytes()).filter(|&i| tail.as_bytes()[i] == b'|');
    let cell = match (pipe_before, pipe_after) {
        (Some(b), Some(a)) => &text[b + 1..range.end + a],
        _ if seg.scope == Scope::TableCells => text,
        _ => return false,
    };
    cell.split_whitespace().count() <= 4 && !cell.contains(':')
}

/// Counts words in characters read one by one (either way).
#[derive(Default)]
struct WordCount {
    words: usize,
    in_word: bool,
}

impl WordCount {
    /// Reads `c`; true while no more than `most` words have been seen.
    fn read(&mut self, c: char, most: usize) -> bool {
        let word = !c.is_whitespace();
        if word && !self.in_word {
            self.words += 1;
        }
        self.in_word = word;
        self.words <= most
    }
}

/// The end of `text` back to the last of `stops` (or to its start), when it
/// holds at most `most` words; read backwards, no further than needed.
fn words_back<const N: usize>(text: &str, most: usize, stops: [char; N]) -> Option<&str> {
    let mut count = WordCount::default();
    for (i, c) in text.char_indices().rev() {
        if stops.contains(&c) {
            return Some(&text[i + c.len_utf8()..]);
        }
        if !count.read(c, most) {
            return None;
        }
    }
    Some(text)
}

/// The start of `text` up to the first `stop`, when there is one before any
/// `fail` and at most `most` words come before it; read no further than
/// needed.
fn words_up_to(text: &str, most: usize, stop: char, fail: char) -> Option<&str> {
    let mut count = WordCount::default();
    for (i, c) in text.char_indices() {
        if c == stop {
            return Some(&text[..i]);
        }
        if c == fail || !count.read(c, most) {
            return None;
        }
    }
    None
}

/// The end of `head` on its last line, at most about `most` bytes of it.
fn line_part_back(head: &str, most: usize) -> &str {
    let mut from = head.len().saturating_sub(most);
    while !head.is_char_boundary(from) {
        from += 1;
    }
    let part = &head[from..];
    &part[part.rfind('\n').map_or(0, |i| i + 1)..]
}

/// The start of `tail` on its first line, at most about `most` bytes of it.
fn line_part(tail: &str, most: usize) -> &str {
    let mut to = tail.len().min(most);
    while !tail.is_char_boundary(to) {
        to -= 1;
    }
    let part = &tail[..to];
    &part[..part.find('\n').unwrap_or(part.len())]
}

/// True when the last word of `left` and the first word of `right` are one
/// word once the two texts are put side by side (no space between them).
fn joined_word(left: &str, right: &str) -> bool {
    left.ends_with(|c: char| !c.is_whitespace()) && right.starts_with(|c: char| !c.is_whitespace())
}

/// `right` written with the capitalisation of `found`: `Tutoriaux` → `Tutoriels`,
/// `PARAMETRE` → `PARAMÈTRE`.
pub fn match_case(found: &str, right: &str) -> String {
    let letters: Vec<char> = found.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        return right.to_uppercase();
    }
    match (found.chars().next(), right.chars().next()) {
        (Some(f), Some(r)) if f.is_uppercase() && r.is_lowercase() => {
            let mut s: String = r.to_uppercase().collect();
            s.push_str(&right[r.len_utf8()..]);
            s
        }
        _ => right.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_occurrence_is_rfind() {
        let cases = [
            ("[a](http://x)", "http://x"),
            ("[http://x](http://x)", "http://x"),
            ("[a](b \"t\")", "b"),
            ("<http://x>", "http://x"),
            ("aaa", "aa"),
            ("a)", "a)"),
            ("x", ""),
            ("", "x"),
            ("é)", "é"),
            ("[é](é))", "é)"),
        ];
        for (haystack, needle) in cases {
            assert_eq!(
                last_occurrence(haystack, needle),
                haystack.rfind(needle),
                "{haystack}"
            );
        }
    }

    #[test]
    fn case_is_kept() {
        assert_eq!(match_case("Tutoriaux", "tutoriels"), "Tutoriels");
        assert_eq!(match_case("PARAMETRE", "paramètre"), "PARAMÈTRE");
        assert_eq!(match_case("parametre", "paramètre"), "paramètre");
    }

    #[test]
    fn fenced_code_body() {
        let code = "```yaml\nport: 993\n```\n";
        let (start, body) = code_body(code);
        assert_eq!(body, "port: 993\n");
        assert_eq!(&code[start..start + 4], "port");
        assert_eq!(code_body("    indented\n"), (0, "    indented\n"));
    }
}
