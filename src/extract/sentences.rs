//! Byte-level tests extraction runs on every text before any lookup: where
//! sentences end, and whether a text can hold a number, a host name, a URL or
//! an MX host at all. Plain loops over bytes: the regexes they replace cost
//! more to start than to run on short texts.

/// The end of each sentence of `text` (just after its `.`, `!`, `?` or `;`
/// followed by white space or the end of the text, or after a line break):
/// the regex `[.!?;](?:\s|$)|\n`, each match's start plus one.
pub fn line_ends(text: &str) -> impl Iterator<Item = usize> + '_ {
    Ends {
        text,
        at: 0,
        breaks: Breaks::Line,
    }
    .map(|(start, _)| start + 1)
}

/// The end of each sentence of a paragraph (just after `.`, `!`, `?` or `;`
/// and the white-space character that follows it, or after a blank line):
/// the ends of the regex `[.!?;](?:\s|$)|\n\s*\n`'s matches.
pub fn paragraph_ends(text: &str) -> impl Iterator<Item = usize> + '_ {
    Ends {
        text,
        at: 0,
        breaks: Breaks::Paragraph,
    }
    .map(|(_, end)| end)
}

/// What besides end punctuation ends a sentence.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Breaks {
    /// Every line break.
    Line,
    /// A blank line: two line breaks with only white space between them.
    Paragraph,
}

/// The (start, end) of each sentence end's match, left to right, without overlaps.
struct Ends<'a> {
    text: &'a str,
    at: usize,
    breaks: Breaks,
}

impl Iterator for Ends<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let text = self.text;
        let bytes = text.as_bytes();
        while let Some(&byte) = bytes.get(self.at) {
            let at = self.at;
            if matches!(byte, b'.' | b'!' | b'?' | b';') {
                match text[at + 1..].chars().next() {
                    None => {
                        self.at = at + 1;
                        return Some((at, at + 1));
                    }
                    Some(c) if c.is_whitespace() => {
                        let end = at + 1 + c.len_utf8();
                        self.at = end;
                        return Some((at, end));
                    }
                    Some(_) => {}
                }
            } else if byte == b'\n' {
                match self.breaks {
                    Breaks::Line => {
                        self.at = at + 1;
                        return Some((at, at + 1));
                    }
                    Breaks::Paragraph => {
                        // The white space after it, up to its last line break.
                        let mut last = None;
                        for (i, c) in text[at + 1..].char_indices() {
                            if !c.is_whitespace() {
                                break;
                            }
                            if c == '\n' {
                                last = Some(at + 1 + i + 1);
                            }
                        }
                        if let Some(end) = last {
                            self.at = end;
                            return Some((at, end));
                        }
                    }
                }
            }
            self.at = at + 1;
        }
        None
    }
}

/// True when `bytes` holds an ASCII digit (reads whole chunks, which the
/// compiler turns into vector instructions).
pub fn has_digit(bytes: &[u8]) -> bool {
    let mut chunks = bytes.chunks_exact(32);
    for chunk in &mut chunks {
        if chunk.iter().fold(false, |any, b| any | b.is_ascii_digit()) {
            return true;
        }
    }
    chunks.remainder().iter().any(u8::is_ascii_digit)
}

/// True when `bytes` holds a `.` followed by an ASCII letter, as every host name does.
pub fn has_dotted_word(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'.', bytes).any(|i| bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic))
}

/// True when `bytes` may hold an MX host (`mx`, digits, then a dot): a
/// necessary condition for the MX regex. A non-ASCII byte after the digits
/// may be another script's digit, so it counts as a maybe.
pub fn may_name_mx(bytes: &[u8]) -> bool {
    memchr::memchr2_iter(b'm', b'M', bytes).any(|i| {
        if !bytes
            .get(i + 1)
            .is_some_and(|b| b.eq_ignore_ascii_case(&b'x'))
        {
            return false;
        }
        let rest = &bytes[i + 2..];
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        rest.get(digits)
            .is_some_and(|&b| b == b'.' || !b.is_ascii())
    })
}

/// True when `bytes` may hold a URL (it holds `://`).
pub fn may_hold_url(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"://").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::every_slice;
    use regex::Regex;

    /// Texts with every kind of sentence end, white space and line break.
    const TEXTS: &[&str] = &[
        "",
        ".",
        "a. b! c? d; e",
        "Port 995.\nPort 110;\tfin",
        "a.\n\nb",
        "a\n \n\t\nb\n",
        "a\n b\n",
        "v1.2 et 4.4; ok",
        "fin.\u{a0}suite\u{2028}x",
        "é.\u{3000}à\n\u{a0}\nz",
        "a;\n\n\nb.",
        "\n\n",
        "?!.;",
        "x.y",
    ];

    /// Checks that `ends` gives, on every slice of every text, what `regex`'s
    /// matches give through `end_of`.
    fn agree_with(
        regex: &str,
        end_of: impl Fn(regex::Match<'_>) -> usize,
        ends: impl Fn(&str) -> Vec<usize>,
    ) {
        let re = Regex::new(regex).unwrap();
        for text in TEXTS {
            for r in every_slice(text) {
                let s = &text[r];
                let expected: Vec<usize> = re.find_iter(s).map(&end_of).collect();
                assert_eq!(ends(s), expected, "{s:?}");
            }
        }
    }

    #[test]
    fn line_ends_are_the_regex_match_starts_plus_one() {
        agree_with(
            r"[.!?;](?:\s|$)|\n",
            |m| m.start() + 1,
            |s| line_ends(s).collect(),
        );
    }

    #[test]
    fn paragraph_ends_are_the_regex_match_ends() {
        agree_with(
            r"[.!?;](?:\s|$)|\n\s*\n",
            |m| m.end(),
            |s| paragraph_ends(s).collect(),
        );
    }

    #[test]
    fn byte_tests_agree_with_their_patterns() {
        let digit = Regex::new(r"[0-9]").unwrap();
        let dotted = Regex::new(r"\.[A-Za-z]").unwrap();
        let mx = Regex::new(r"(?i)mx\d*\.").unwrap();
        let texts = [
            "",
            "no digits here at all, none whatsoever, really none, at all!",
            "a long line of prose without any number until the very end 7",
            "mx1.ovh.net",
            "MX.example",
            "maximum. mxtoolbox",
            "mx\u{661}.ovh.net",
            "see https://x",
            "e.g. this",
            "4.4",
        ];
        for text in texts {
            let bytes = text.as_bytes();
            assert_eq!(has_digit(bytes), digit.is_match(text), "{text:?}");
            assert_eq!(has_dotted_word(bytes), dotted.is_match(text), "{text:?}");
            assert_eq!(may_hold_url(bytes), text.contains("://"), "{text:?}");
            // A maybe, never a miss.
            if mx.is_match(text) {
                assert!(may_name_mx(bytes), "{text:?}");
            }
        }
        assert!(!may_name_mx(b"maximum. mxtoolbox"));
        assert!(may_name_mx("mx\u{661}.ovh.net".as_bytes()));
    }
}
