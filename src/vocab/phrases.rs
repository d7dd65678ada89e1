//! A list's phrases matched by hand at one place: what the list's exact
//! pattern (`(?i)p1|p2|…`, see `phrase_pattern`) matches when anchored
//! there, without running the regex.
//!
//! Every vocabulary lookup ends in such an anchored confirmation, at each
//! place the survey saw one of the list's first words: hundreds of thousands
//! per run. A confirmation by the regex crate costs a search set-up, a cache
//! taken from its pool and, on text with accents, a switch to its slow
//! engine for the Unicode `\b`; comparing a few characters costs far less.

use std::ops::Range;

use super::{fold_forms, word_boundary};

/// One element of a phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// Any run of white space, empty too (`\s*`: a space of the phrase).
    Spaces,
    /// One ASCII byte, or its other case when it is a letter: a character
    /// `(?i)` matches only in those forms (most of them).
    Ascii(u8),
    /// One character among these, sorted: a character of the phrase in
    /// every form `(?i)` accepts (an apostrophe: `'` and `’`).
    Char(Box<[char]>),
}

impl Part {
    /// The part for character `c` of a phrase.
    fn of(c: char) -> Part {
        let forms = fold_forms(c);
        let ascii =
            c.is_ascii() && forms.len() <= 2 && forms.iter().all(|f| f.eq_ignore_ascii_case(&c));
        if ascii {
            Part::Ascii(c.to_ascii_lowercase() as u8)
        } else {
            Part::Char(forms)
        }
    }

    /// The length of this part's match at the start of `rest` (0 for no
    /// space), or `None` when it does not match there.
    fn len_at(&self, rest: &str) -> Option<usize> {
        match self {
            Part::Ascii(b) => {
                let first = *rest.as_bytes().first()?;
                (first.to_ascii_lowercase() == *b).then_some(1)
            }
            Part::Spaces => Some(
                rest.char_indices()
                    .find(|(_, c)| !c.is_whitespace())
                    .map_or(rest.len(), |(i, _)| i),
            ),
            Part::Char(forms) => {
                let c = rest.chars().next()?;
                forms.contains(&c).then_some(c.len_utf8())
            }
        }
    }

    /// The characters this part can start with.
    fn starts(&self) -> Vec<char> {
        match self {
            Part::Spaces => Vec::new(),
            Part::Ascii(b) => {
                let c = char::from(*b);
                vec![c, c.to_ascii_uppercase()]
            }
            Part::Char(forms) => forms.to_vec(),
        }
    }
}

/// One phrase: its parts, and whether its pattern puts `\b` before and after it.
#[derive(Debug, Clone)]
struct Phrase {
    lead: bool,
    tail: bool,
    /// A stem (`word*`): the match goes on to the end of the word.
    stem: bool,
    /// When the phrase's second part is an ASCII character: its byte, which
    /// must follow the first character (most phrases tried fail there).
    second: Option<u8>,
    parts: Box<[Part]>,
}

impl Phrase {
    /// Where this phrase's match starting at `at` ends, if it matches there;
    /// `boundary` tells whether `\b` holds at `at`.
    fn end_at(&self, text: &str, at: usize, boundary: bool) -> Option<usize> {
        if self.lead && !boundary {
            return None;
        }
        let mut pos = at;
        for part in &self.parts {
            pos += part.len_at(text.get(pos..)?)?;
        }
        if self.stem {
            return Some(
                pos + text[pos..]
                    .char_indices()
                    .find(|&(_, c)| !super::is_stem_char(c))
                    .map_or(text.len() - pos, |(i, _)| i),
            );
        }
        (!self.tail || word_boundary(text, pos)).then_some(pos)
    }
}

/// How a phrase of a list is written in its pattern.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Spelling {
    /// As a vocabulary phrase (`phrase_pattern`): a space matches any run
    /// of white space or none, an apostrophe both `'` and `’`, and `\b`
    /// stands before (after) the phrase when it starts (ends) with a letter
    /// or digit.
    Phrase,
    /// Character for character, between two `\b` (`\b(?:a|b)\b`).
    Bounded,
}

/// The phrases of one list, in the pattern's order (the first that matches
/// at a place wins, as in the regex's alternation).
#[derive(Debug, Clone)]
pub(crate) struct Phrases {
    phrases: Vec<Phrase>,
    /// For each character a phrase may start with (in any form), the
    /// phrases starting with it, in order; sorted by character.
    by_first: Vec<(char, Box<[u16]>)>,
}

impl Phrases {
    /// The matcher for `phrases`, in the order of the pattern's alternation;
    /// `None` when one is empty or there are too many.
    pub(crate) fn new<'a>(
        phrases: impl IntoIterator<Item = &'a str>,
        spelling: Spelling,
    ) -> Option<Phrases> {
        let mut out = Vec::new();
        let mut by_first: Vec<(char, u16)> = Vec::new();
        for (i, phrase) in phrases.into_iter().enumerate() {
            let index = u16::try_from(i).ok()?;
            let (phrase, stem) = match spelling {
                Spelling::Phrase => super::stem_of(phrase),
                Spelling::Bounded => (phrase, false),
            };
            let first = phrase.chars().next()?;
            let last = phrase.chars().last()?;
            let mut parts: Vec<Part> = Vec::new();
            for c in phrase.chars() {
                let part = match spelling {
                    Spelling::Phrase if c.is_whitespace() => Part::Spaces,
                    Spelling::Phrase if matches!(c, '\'' | '’') => Part::Char(['\'', '’'].into()),
                    _ => Part::of(c),
                };
                if part == Part::Spaces && parts.last() == Some(&Part::Spaces) {
                    continue;
                }
                parts.push(part);
            }
            let starts = parts.first().map(Part::starts).unwrap_or_default();
            if starts.is_empty() {
                return None;
            }
            by_first.extend(starts.into_iter().map(|c| (c, index)));
            let (lead, tail) = match spelling {
                Spelling::Phrase => (first.is_alphanumeric(), last.is_alphanumeric()),
                Spelling::Bounded => (true, true),
            };
            let second = match parts.as_slice() {
                [_, Part::Ascii(b), ..] => Some(*b),
                _ => None,
            };
            out.push(Phrase {
                lead,
                tail,
                stem,
                second,
                parts: parts.into(),
            });
        }
        by_first.sort_unstable();
        by_first.dedup();
        let mut grouped: Vec<(char, Box<[u16]>)> = Vec::new();
        for chunk in by_first.chunk_by(|a, b| a.0 == b.0) {
            grouped.push((chunk[0].0, chunk.iter().map(|&(_, i)| i).collect()));
        }
        Some(Phrases {
            phrases: out,
            by_first: grouped,
        })
    }

    /// The match starting at `at` in `text`, if any: that of the first
    /// phrase that matches there (the text before `at` counts for `\b`).
    pub(crate) fn match_at(&self, text: &str, at: usize) -> Option<Range<usize>> {
        if !text.is_char_boundary(at) {
            return None;
        }
        let c = text[at..].chars().next()?;
        let k = self.by_first.binary_search_by_key(&c, |e| e.0).ok()?;
        let (_, phrases) = self.by_first.get(k)?;
        let boundary = word_boundary(text, at);
        // Every phrase tried matches `c` first: its second part starts after it.
        let next = text
            .as_bytes()
            .get(at + c.len_utf8())
            .map(u8::to_ascii_lowercase);
        phrases.iter().find_map(|&i| {
            let phrase = self.phrases.get(usize::from(i))?;
            if phrase.second.is_some() && phrase.second != next {
                return None;
            }
            Some(at..phrase.end_at(text, at, boundary)?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::every_slice;
    use super::*;
    use regex_automata::{Anchored, Input, meta};

    /// The regex a list of `phrases` compiles to, in the given order.
    fn pattern(phrases: &[&str], spelling: Spelling) -> meta::Regex {
        let alternation = match spelling {
            Spelling::Phrase => phrases
                .iter()
                .map(|p| super::super::phrase_pattern(p, true))
                .collect::<Vec<_>>()
                .join("|"),
            Spelling::Bounded => format!(
                r"\b(?:{})\b",
                phrases
                    .iter()
                    .map(|p| regex::escape(p))
                    .collect::<Vec<_>>()
                    .join("|")
            ),
        };
        meta::Regex::new(&format!("(?i){alternation}")).unwrap()
    }

    const TEXTS: &[&str] = &[
        "",
        "Le PORT 993, les ports 995 ; n° de port : 587, port.",
        "Nom d’hôte : ssl0.ovh.net ; nom d'hôte ; Nom  du\n serveur ; nomduserveur ; HÔTE",
        "ſſl activé, SSL ACTIVÉ, sslactivé, ssl activées, ſsl/TLS, (SSL) x(ssl) ssl_x",
        "une connexion sécurisée (SSL) sans ssl ; SSL désactivé ssl",
        "25 Mo, 50% et 10 %, 3€, 10 \u{212A}B, 5 kb, 2h, h, éh, hé, h²",
        "serveur de entrada, in, within, ínin, entrant réception, réceptionné",
        "POP3 ou IMAP4, imap, pop, SMTP; popx xpop pop3s POP pop 3 é",
        "type de compte, Type\u{a0}de\tcompte, typedecompte, type  de compte_",
    ];

    fn same_as_the_regex(phrases: &[&str], spelling: Spelling) {
        let hand = Phrases::new(phrases.iter().copied(), spelling).unwrap();
        let re = pattern(phrases, spelling);
        for text in TEXTS {
            for range in every_slice(text) {
                let part = &text[range];
                for at in 0..=part.len() {
                    let want = part.is_char_boundary(at).then(|| {
                        let input = Input::new(part).range(at..).anchored(Anchored::Yes);
                        re.find(input).map(|m| m.range())
                    });
                    assert_eq!(
                        hand.match_at(part, at),
                        want.flatten(),
                        "{phrases:?} at {at} in {part:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn vocabulary_phrases_match_what_their_pattern_matches() {
        same_as_the_regex(
            &[
                "connexion sécurisée (ssl)",
                "type\u{a0}de\tcompte",
                "nom du serveur",
                "ssl désactivé",
                "ssl désactiv*",
                "ssl activé",
                "entra*",
                "réception*",
                "nom d'hôte",
                "n° de port",
                "de entrada",
                "réception",
                "serveur",
                "ssl/tls",
                "ports",
                "(ssl)",
                "port",
                "hôte",
                "ssl",
                "mo",
                "kb",
                "in",
                "%",
                "€",
                "h",
            ],
            Spelling::Phrase,
        );
    }

    #[test]
    fn bounded_names_match_what_their_pattern_matches() {
        same_as_the_regex(
            &["imap4", "pop3", "imap", "smtp", "pop", "(ssl)", "pop 3"],
            Spelling::Bounded,
        );
    }

    #[test]
    fn the_first_phrase_that_matches_wins_as_in_the_alternation() {
        let hand = Phrases::new(["ssl", "ssl activé"], Spelling::Phrase).unwrap();
        assert_eq!(hand.match_at("SSL activé", 0), Some(0..3));
        let hand = Phrases::new(["ssl activé", "ssl"], Spelling::Phrase).unwrap();
        assert_eq!(hand.match_at("SSL  activé", 0), Some(0..12));
        assert_eq!(hand.match_at("xSSL activé", 1), None);
        assert_eq!(hand.match_at("é", 1), None);
    }

    #[test]
    fn an_empty_phrase_has_no_hand_matcher() {
        assert!(Phrases::new(["port", " "], Spelling::Phrase).is_none());
        assert!(Phrases::new([""], Spelling::Bounded).is_none());
    }
}
