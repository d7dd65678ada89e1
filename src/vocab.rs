//! Vocabularies: the words guides use around mail settings, one YAML file per
//! language in `rules/vocab/`, compiled into matchers once per run.
//!
//! All loaded languages are merged: a French guide quoting an English label, or
//! a guide whose language is unknown, is still understood. Adding a language is
//! adding a file.

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use regex::Regex;
use regex_automata::{Anchored, Input, meta};
use regex_syntax::hir::{ClassUnicode, ClassUnicodeRange};
use serde::Deserialize;

use crate::data::{self, DataError};

mod phrases;
mod trie;
pub(crate) use phrases::{Phrases, Spelling};
use trie::Trie;

/// One language's vocabulary file, as written.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct VocabFile {
    /// Language code (`fr`, `en`, `de`, …).
    pub language: String,
    /// The language's own name.
    #[serde(default)]
    pub name: String,
    /// Words that make a nearby number a port.
    #[serde(default)]
    pub port: Vec<String>,
    /// Words that make a nearby host name a mail server.
    #[serde(default)]
    pub server: Vec<String>,
    /// Labels whose value is a protocol.
    #[serde(default)]
    pub server_type: Vec<String>,
    /// Table headers of a protocol column.
    #[serde(default)]
    pub protocol: Vec<String>,
    /// Words for the incoming (receiving) server.
    #[serde(default)]
    pub incoming: Vec<String>,
    /// Words for the outgoing (sending) server.
    #[serde(default)]
    pub outgoing: Vec<String>,
    /// Phrases meaning implicit TLS ("SSL").
    #[serde(default)]
    pub ssl: Vec<String>,
    /// Phrases meaning no TLS.
    #[serde(default)]
    pub plain: Vec<String>,
    /// Phrases meaning STARTTLS.
    #[serde(default)]
    pub starttls: Vec<String>,
    /// Labels of a security setting.
    #[serde(default)]
    pub security_label: Vec<String>,
    /// Words that turn a nearby mention of SSL into its absence, in either
    /// order ("disabled SSL", "SSL désactivée", "SSL jest wyłączone").
    #[serde(default)]
    pub disabled: Vec<String>,
    /// "None" as a security value: in a security cell or after a security
    /// label ("Méthode de chiffrement : Aucun"), never in other text.
    #[serde(default)]
    pub none: Vec<String>,
    /// Words of a client's check box ("box", "case", "Haken"): an SSL box
    /// ticked says the connection is encrypted, not how.
    #[serde(default)]
    pub checkbox: Vec<String>,
    /// "Yes" in a table cell (an `SSL` column).
    #[serde(default)]
    pub yes: Vec<String>,
    /// "No" in a table cell (an `SSL` column).
    #[serde(default)]
    pub no: Vec<String>,
    /// Words that make a sentence an instruction.
    #[serde(default)]
    pub required: Vec<String>,
    /// Words joining alternatives.
    #[serde(default)]
    pub alternative: Vec<String>,
    /// Words joining a list.
    #[serde(default)]
    pub conjunction: Vec<String>,
    /// Units that follow numbers which are not ports.
    #[serde(default)]
    pub units: Vec<String>,
    /// Words marking a protocol as the recommended one.
    #[serde(default)]
    pub recommended: Vec<String>,
    /// Words for the webmail (a URL near one is the webmail URL).
    #[serde(default)]
    pub webmail: Vec<String>,
    /// Words for counted e-mails ("200 e-mails / heure").
    #[serde(default)]
    pub messages: Vec<String>,
    /// Words for "per hour" in a sending limit.
    #[serde(default)]
    pub per_hour: Vec<String>,
    /// Words for "per account" in a sending limit.
    #[serde(default)]
    pub account: Vec<String>,
    /// Words for the mailbox quota.
    #[serde(default)]
    pub quota: Vec<String>,
    /// Words for attachments.
    #[serde(default)]
    pub attachment: Vec<String>,
    /// Words for recipients in copy.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// Megabyte units ("Mo", "MB").
    #[serde(default)]
    pub megabytes: Vec<String>,
    /// Gigabyte units ("Go", "GB").
    #[serde(default)]
    pub gigabytes: Vec<String>,
}

/// A regex with Unicode word boundaries (`\b`), searched fast.
///
/// On text with accents, `\b` makes the regex crate leave its lazy DFA for
/// its slow engines, over the whole rest of the text: on French guides that
/// was most of guidelint's time. A `WordRegex` finds candidates with the same
/// pattern without its boundaries (DFA and literal prefilters apply), then
/// confirms each with the exact pattern, anchored at the candidate's start
/// (the text around it still counts for `\b`). The matches are exactly the
/// exact pattern's: every exact match is a candidate at the same start, and
/// candidates are tried from left to right.
///
/// Where the exact pattern is a list of phrases, a hand-written matcher of
/// those phrases ([`WordRegex::by_hand`]) confirms a candidate instead of the
/// regex: the same match, for a fraction of the cost.
///
/// Only the exact pattern is compiled up front (it checks the pattern). The
/// loose pattern and the gate serve searches without a survey
/// ([`WordRegex::find_iter`]): they are built by the first such search, so a
/// run that never makes one (most lists, in most runs) does not pay for them.
#[derive(Debug, Clone)]
pub struct WordRegex {
    loose_pattern: String,
    /// The loose pattern compiled; `None` if it cannot be (the exact pattern
    /// then finds the candidates itself).
    loose: OnceLock<Option<Regex>>,
    exact: meta::Regex,
    /// The words that open the gate ([`WordRegex::gated`]), and the gate once built.
    gate_words: Option<Vec<String>>,
    gate: OnceLock<Option<Gate>>,
    /// The exact pattern's phrases, matched by hand where a match is
    /// confirmed ([`WordRegex::by_hand`]).
    by_hand: Option<Phrases>,
}

/// A fast test that a text may hold a match: every match starts with one of
/// a few words (the first word of each phrase), searched with a multi-literal
/// SIMD search instead of the case-insensitive regex's automaton. Most texts
/// guidelint looks at hold none of a list's words, and then the regex is not
/// run at all.
#[derive(Debug, Clone)]
pub struct Gate(AhoCorasick);

impl Gate {
    /// A gate for phrases each of which starts with one of `words` (matched
    /// case-insensitively, as `(?i)` does); `None` when a word is empty or has
    /// too many case variants.
    pub fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> Option<Gate> {
        let mut literals: Vec<String> = Vec::new();
        for word in words {
            if word.is_empty() {
                return None;
            }
            literals.extend(case_variants(word)?);
        }
        if literals.is_empty() {
            return None;
        }
        literals.sort();
        literals.dedup();
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&literals)
            .ok()
            .map(Gate)
    }

    /// False when no match can start in `text`.
    pub fn open(&self, text: &str) -> bool {
        self.0.is_match(text)
    }
}

/// The characters `c` matches under `(?i)` (simple case folding), sorted.
fn fold_forms(c: char) -> Box<[char]> {
    let mut class = ClassUnicode::new([ClassUnicodeRange::new(c, c)]);
    class.case_fold_simple();
    class.iter().flat_map(|r| r.start()..=r.end()).collect()
}

/// `word` in each spelling `(?i)` matches that an ASCII-case-insensitive
/// search does not already cover (`é`/`É`, `s`/`ſ`, and `s` for `ſ`, `k` for
/// the Kelvin sign); `None` past 64.
fn case_variants(word: &str) -> Option<Vec<String>> {
    let mut out = vec![String::new()];
    for c in word.chars() {
        // ASCII forms once, lowercase: the search ignores ASCII case.
        let mut forms: Vec<char> = vec![c.to_ascii_lowercase()];
        forms.extend(fold_forms(c).iter().map(char::to_ascii_lowercase));
        forms.push(c);
        forms.sort_unstable();
        forms.dedup();
        if out.len() * forms.len() > 64 {
            return None;
        }
        out = out
            .iter()
            .flat_map(|prefix| {
                forms.iter().map(move |f| {
                    let mut s = prefix.clone();
                    s.push(*f);
                    s
                })
            })
            .collect();
    }
    Some(out)
}

#[cfg(test)]
mod gate_tests {
    use super::*;

    #[test]
    fn a_gate_opens_on_every_spelling_of_a_first_word() {
        let gate = Gate::new(["réception", "port"]).unwrap();
        assert!(gate.open("Serveur de RÉCEPTION"));
        assert!(gate.open("Réception"));
        assert!(gate.open("le PORT 993"));
        // Unicode case folding: the long s and the Kelvin sign.
        let gate = Gate::new(["ssl", "kb"]).unwrap();
        assert!(gate.open("ſſl"));
        assert!(gate.open("10 \u{212A}B"));
        assert!(!gate.open("aucun mot de la liste"));
        // And the other way: a word written with them matches plain ASCII.
        let gate = Gate::new(["ſsl", "\u{212A}b"]).unwrap();
        assert!(gate.open("SSL"));
        assert!(gate.open("10 kB"));
        assert!(gate.open("10 \u{212A}B ſſl"));
        assert!(!gate.open("tls mb"));
    }

    #[test]
    fn case_variants_hold_every_form_of_each_character() {
        let mut forms = case_variants("ſk").unwrap();
        forms.sort();
        assert_eq!(forms, ["sk", "s\u{212A}", "ſk", "ſ\u{212A}"]);
        let mut forms = case_variants("Été").unwrap();
        forms.sort();
        assert_eq!(forms, ["ÉtÉ", "Été", "étÉ", "été"]);
    }

    #[test]
    fn phrases_with_long_s_or_kelvin_sign_are_found_through_the_survey() {
        let yaml = "language: xx\nssl: [ſsl, \"\u{212A}b\"]\nport: [port]\n";
        let v = Vocabulary::from_sources([("xx.yaml".to_string(), yaml.to_string())]).unwrap();
        let exact = Regex::new(r"(?i)\bſsl\b|\b\u{212A}b\b").unwrap();
        for text in [
            "SSL et ssl",
            "10 kB, 10 \u{212A}B",
            "ſſl ſsl port",
            "sslx kbps",
        ] {
            let survey = v.survey(text);
            let want: Vec<Range<usize>> = exact.find_iter(text).map(|m| m.range()).collect();
            assert_eq!(v.ssl.find_in(&survey).collect::<Vec<_>>(), want, "{text}");
            assert_eq!(v.ssl.find_iter(text).collect::<Vec<_>>(), want, "{text}");
        }
    }

    #[test]
    fn a_gated_matcher_finds_what_the_regex_finds() {
        let phrases: Vec<String> = ["serveur entrant", "nom d'hôte", "ssl activé"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let m = Matcher::new(&phrases).unwrap();
        assert!(m.is_match("Le Serveur  entrant :"));
        assert!(m.is_match("Nom d’hôte : x"));
        assert!(m.is_match("SSLactivé"));
        assert!(!m.is_match("le serveur sortant"));
        assert_eq!(first_word(" nom d'hôte"), "nom");
        assert_eq!(first_word("(ssl)"), "(ssl)");
    }

    #[test]
    fn the_loose_pattern_and_the_gate_are_built_by_the_first_search_without_a_survey() {
        let re = WordRegex::new(r"(?i)\bpop3\b", "(?i)pop3")
            .unwrap()
            .gated(["pop3"]);
        assert!(re.loose.get().is_none() && re.gate.get().is_none());
        assert_eq!(
            re.find_iter("POP3 ou pop3s, pop3.").collect::<Vec<_>>(),
            [0..4, 15..19]
        );
        assert!(re.loose.get().is_some_and(Option::is_some));
        assert!(re.gate.get().is_some_and(Option::is_some));
    }

    #[test]
    fn without_a_loose_pattern_the_exact_one_finds_the_candidates() {
        let re = WordRegex::new(r"(?i)\bpop3\b", "(").unwrap();
        assert_eq!(
            re.find_iter("POP3 ou pop3s, pop3.").collect::<Vec<_>>(),
            [0..4, 15..19]
        );
        assert!(re.loose.get().is_some_and(Option::is_none));
    }
}

/// The first word of a phrase: what every match of it starts with.
fn first_word(phrase: &str) -> &str {
    let phrase = stem_of(phrase).0;
    let end = phrase
        .find(|c: char| c.is_whitespace() || matches!(c, '\'' | '’'))
        .unwrap_or(phrase.len());
    &phrase[..end]
}

impl WordRegex {
    /// Compiles `exact`; `loose` must be `exact` without its `\b`s.
    pub fn new(exact: &str, loose: &str) -> Result<WordRegex, String> {
        // Anchored confirmations are short: the PikeVM needs no per-search
        // memory proportional to the rest of the text, the backtracker does.
        // Nor do they use a prefilter: extracting its literals from a long
        // case-insensitive alternation was most of guidelint's start-up.
        let exact = meta::Regex::builder()
            .configure(meta::Config::new().backtrack(false).auto_prefilter(false))
            .build(exact)
            .map_err(|e| e.to_string())?;
        Ok(WordRegex {
            loose_pattern: loose.to_string(),
            loose: OnceLock::new(),
            exact,
            gate_words: None,
            gate: OnceLock::new(),
            by_hand: None,
        })
    }

    /// This regex with its matches confirmed by `phrases`, which must match
    /// exactly what the exact pattern matches at any place (see
    /// [`Phrases`]); `None` keeps the regex.
    pub(crate) fn by_hand(mut self, phrases: Option<Phrases>) -> WordRegex {
        self.by_hand = phrases;
        self
    }

    /// This regex behind the [`Gate`] of `words` (every match starts with
    /// one of them): searches in a text the gate keeps closed find nothing.
    pub fn gated<'w>(mut self, words: impl IntoIterator<Item = &'w str>) -> WordRegex {
        self.gate_words = Some(words.into_iter().map(str::to_string).collect());
        self
    }

    /// The gate, built on first use; `None` when there is none.
    fn gate(&self) -> Option<&Gate> {
        let words = self.gate_words.as_ref()?;
        self.gate
            .get_or_init(|| Gate::new(words.iter().map(String::as_str)))
            .as_ref()
    }

    /// Where the first candidate at or after `pos` starts: a match of the
    /// loose pattern (compiled on first use), or of the exact one if the
    /// loose cannot be compiled.
    fn candidate(&self, text: &str, pos: usize) -> Option<usize> {
        let loose = self
            .loose
            .get_or_init(|| Regex::new(&self.loose_pattern).ok());
        match loose {
            Some(loose) => loose.find_at(text, pos).map(|m| m.start()),
            None => self
                .exact
                .find(Input::new(text).range(pos..))
                .map(|m| m.start()),
        }
    }

    /// The byte ranges of the exact pattern's successive non-overlapping matches.
    pub fn find_iter<'a>(&'a self, text: &'a str) -> Matches<'a> {
        let closed = self.gate().is_some_and(|g| !g.open(text));
        Matches {
            re: (!closed).then_some(self),
            text,
            candidates: Candidates::Loose,
            pos: 0,
        }
    }

    /// The matches of list `list` in `survey`'s text: the exact pattern is
    /// tried only where the survey saw one of the list's first words start.
    /// The pattern must be the list's (every match starts with one of its
    /// first words); the matches are then exactly [`WordRegex::find_iter`]'s.
    pub fn find_in<'a>(&'a self, survey: &'a Survey<'_>, list: u32) -> Matches<'a> {
        let bit = 1u64 << list;
        Matches {
            re: Some(self),
            text: survey.text(),
            candidates: Candidates::Survey {
                lead: survey.lead & bit != 0,
                hits: survey.hits.iter(),
                start: survey.start,
                bit,
            },
            pos: 0,
        }
    }

    /// True when the exact pattern matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.find_iter(text).next().is_some()
    }

    /// The exact pattern's match starting at `at`, if any (the text before
    /// `at` still counts for `\b`).
    pub fn match_at(&self, text: &str, at: usize) -> Option<Range<usize>> {
        if let Some(phrases) = &self.by_hand {
            return phrases.match_at(text, at);
        }
        let input = Input::new(text).range(at..).anchored(Anchored::Yes);
        self.exact.find(input).map(|m| m.range())
    }
}

/// Where a [`Matches`] search tries the exact pattern.
#[derive(Debug, Clone)]
enum Candidates<'a> {
    /// Where the loose pattern matches.
    Loose,
    /// Where a survey saw one of the list's first words.
    Survey {
        lead: bool,
        hits: std::slice::Iter<'a, Hit>,
        start: usize,
        bit: u64,
    },
}

/// The successive non-overlapping matches of a [`WordRegex`] in a text.
#[derive(Debug, Clone)]
pub struct Matches<'a> {
    re: Option<&'a WordRegex>,
    text: &'a str,
    candidates: Candidates<'a>,
    pos: usize,
}

impl Iterator for Matches<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        let re = self.re?;
        let text = self.text;
        while self.pos <= text.len() {
            let at = match &mut self.candidates {
                Candidates::Loose => re.candidate(text, self.pos)?,
                Candidates::Survey {
                    lead,
                    hits,
                    start,
                    bit,
                } => {
                    if std::mem::take(lead) {
                        0
                    } else {
                        hits.find(|h| h.lists & *bit != 0)?.at - *start
                    }
                }
            };
            if at < self.pos {
                continue;
            }
            if let Some(hit) = re.match_at(text, at) {
                self.pos = if hit.is_empty() {
                    next_char(text, hit.end)
                } else {
                    hit.end
                };
                return Some(hit);
            }
            self.pos = next_char(text, at);
        }
        None
    }
}

/// One place where first words start, and the lists (bits) they open.
#[derive(Debug, Clone, Copy)]
struct Hit {
    at: usize,
    lists: u64,
}

/// What one literal of a [`FirstWords`] automaton stands for.
#[derive(Debug, Clone, Copy)]
struct Literal {
    /// The lists (bits) one of whose phrases starts with the literal.
    lists: u64,
    /// True when those phrases' patterns start with `\b`.
    bounded: bool,
}

/// The first words of several phrase lists (at most 64), in one automaton:
/// a text is read once for all of them ([`FirstWords::survey`]), then each
/// list is looked up only where its words start ([`WordRegex::find_in`]).
///
/// A phrase starting with a letter or digit matches only after a word
/// boundary: its first word is looked for only where a word starts, by
/// walking the automaton from there. Other first words (`%`, `(ssl)`) are
/// looked for wherever their first byte occurs.
#[derive(Debug, Clone)]
pub struct FirstWords {
    /// The automaton: every spelling of every first word, as a trie.
    trie: Trie,
    literals: Vec<Literal>,
    /// First bytes of the literals looked for anywhere, not only where a word starts.
    anywhere: [bool; 256],
    /// First bytes of every literal.
    starts: [bool; 256],
    /// The ASCII word bytes that no literal looked for anywhere starts with:
    /// inside an ASCII word, the survey skips them.
    inside: [bool; 256],
    /// For a few words: a prefiltered search of the whole text instead.
    sparse: Option<AhoCorasick>,
}

/// Up to this many literals, a [`FirstWords`] searches texts with a prefilter.
const SPARSE_LITERALS: usize = 16;

/// The first words of one list's phrases, each with whether the phrase's
/// pattern starts with `\b`.
pub type ListWords = Vec<(String, bool)>;

/// The ASCII bytes `\w` matches.
static ASCII_WORD: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    table
};

/// True for the characters `\w` matches (as `\b` sees them).
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        regex_syntax::try_is_word_character(c).unwrap_or(false)
    }
}

/// True when `\b` holds at `at` in `text`.
fn word_boundary(text: &str, at: usize) -> bool {
    let before = text[..at].chars().next_back().is_some_and(is_word_char);
    let after = text[at..].chars().next().is_some_and(is_word_char);
    before != after
}

impl FirstWords {
    /// The automaton for `lists` (list `i` gets bit `i`); `None` past 64
    /// lists, when a word cannot be surveyed (empty, too many case variants)
    /// or when no list has a word.
    pub fn new(lists: &[&ListWords]) -> Option<FirstWords> {
        if lists.len() > 64 || regex_syntax::try_is_word_character('a').is_err() {
            return None;
        }
        let mut by_literal: std::collections::BTreeMap<(String, bool), u64> = Default::default();
        for (i, words) in lists.iter().enumerate() {
            for (word, bounded) in words.iter() {
                if word.is_empty() {
                    return None;
                }
                for literal in case_variants(word)? {
                    *by_literal.entry((literal, *bounded)).or_default() |= 1 << i;
                }
            }
        }
        if by_literal.is_empty() {
            return None;
        }
        let mut anywhere = [false; 256];
        let mut starts = [false; 256];
        let mut patterns = Vec::new();
        let mut literals = Vec::new();
        for ((literal, bounded), lists) in by_literal {
            let first = literal.chars().next()?;
            let byte = literal.as_bytes()[0];
            starts[usize::from(byte.to_ascii_lowercase())] = true;
            starts[usize::from(byte.to_ascii_uppercase())] = true;
            if !bounded || !is_word_char(first) {
                anywhere[usize::from(byte.to_ascii_lowercase())] = true;
                anywhere[usize::from(byte.to_ascii_uppercase())] = true;
            }
            literals.push(Literal { lists, bounded });
            patterns.push(literal);
        }
        let trie = Trie::new(
            patterns
                .iter()
                .zip(&literals)
                .map(|(p, l)| (p.as_bytes(), l.bounded, l.lists)),
        )?;
        // A handful of literals (protocol names) is found faster by a
        // prefiltered search than by reading every word.
        let sparse = if patterns.len() <= SPARSE_LITERALS {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(&patterns)
                    .ok()?,
            )
        } else {
            None
        };
        let inside = std::array::from_fn(|b| ASCII_WORD[b] && !anywhere[b]);
        Some(FirstWords {
            trie,
            literals,
            anywhere,
            starts,
            inside,
            sparse,
        })
    }

    /// Where the lists' first words start in `text`: one read for every list.
    pub fn survey<'a>(&'a self, text: &'a str) -> Survey<'a> {
        let bytes = text.as_bytes();
        // About one place per word of five bytes or more: grown once at most.
        let mut hits: Vec<Hit> = Vec::with_capacity(text.len() / 6);
        if let Some(finder) = &self.sparse {
            // Few, rare words: a prefiltered search, then the boundary test.
            for m in finder.find_overlapping_iter(text) {
                let Some(literal) = self.literals.get(m.pattern().as_usize()) else {
                    continue;
                };
                if literal.bounded && !word_boundary(text, m.start()) {
                    continue;
                }
                hits.push(Hit {
                    at: m.start(),
                    lists: literal.lists,
                });
            }
            hits.sort_unstable_by_key(|h| h.at);
            hits.dedup_by(|next, kept| {
                let same = next.at == kept.at;
                if same {
                    kept.lists |= next.lists;
                }
                same
            });
        } else {
            let mut prev_word = false;
            let mut at = 0;
            while let Some(&byte) = bytes.get(at) {
                let (word, len) = if byte.is_ascii() {
                    (ASCII_WORD[usize::from(byte)], 1)
                } else {
                    text[at..]
                        .chars()
                        .next()
                        .map_or((false, 1), |c| (is_word_char(c), c.len_utf8()))
                };
                if (word && !prev_word && self.starts[usize::from(byte)])
                    || self.anywhere[usize::from(byte)]
                {
                    let lists = self.trie.lists_at(bytes, at, word != prev_word);
                    if lists != 0 {
                        hits.push(Hit { at, lists });
                    }
                }
                prev_word = word;
                at += len;
                // The rest of an ASCII word starts no bounded word.
                if word && len == 1 {
                    let rest = bytes.get(at..).unwrap_or_default();
                    at += rest
                        .iter()
                        .position(|&b| !self.inside[usize::from(b)])
                        .unwrap_or(rest.len());
                }
            }
        }
        Survey {
            words: Some(self),
            root: text,
            start: 0,
            end: text.len(),
            hits: std::borrow::Cow::Owned(hits),
            lead: 0,
        }
    }
}

/// Where the first words of a [`FirstWords`]' lists start in one text,
/// found in one search and read by every lookup on the text or on a part of
/// it ([`Survey::slice`]).
#[derive(Debug, Clone)]
pub struct Survey<'a> {
    words: Option<&'a FirstWords>,
    /// The text surveyed.
    root: &'a str,
    /// This survey's part of `root`.
    start: usize,
    end: usize,
    /// Places in `start..end` (offsets in `root`), in order.
    hits: std::borrow::Cow<'a, [Hit]>,
    /// Lists whose words start at `start` when the part is read alone,
    /// where `root` has no word boundary.
    lead: u64,
}

impl<'a> Survey<'a> {
    /// The survey of a text in which no list has a word.
    pub fn empty(text: &'a str) -> Survey<'a> {
        Survey {
            words: None,
            root: text,
            start: 0,
            end: text.len(),
            hits: std::borrow::Cow::Borrowed(&[]),
            lead: 0,
        }
    }

    /// The surveyed text.
    pub fn text(&self) -> &'a str {
        &self.root[self.start..self.end]
    }

    /// The survey of `range` of this text, read as a text of its own (its
    /// edges are word boundaries, as for a `&str` slice).
    pub fn slice(&self, range: Range<usize>) -> Survey<'_> {
        let start = self.start + range.start;
        let end = self.start + range.end;
        let from = self.hits.partition_point(|h| h.at < start);
        let to = self.hits.partition_point(|h| h.at < end);
        let mut hits = &self.hits[from..to];
        let mut lead = 0;
        // The text before `start` no longer counts: where it made a word
        // continue (no `\b`), words starting at `start` are looked up again.
        if start > self.start
            && start < end
            && let Some(words) = self.words
            && !word_boundary(self.root, start)
        {
            lead = words.trie.lists_at(self.root.as_bytes(), start, true);
            if hits.first().is_some_and(|h| h.at == start) {
                hits = &hits[1..];
            }
        } else if start == self.start {
            lead = self.lead;
        }
        if start == self.start && self.lead != 0 && hits.first().is_some_and(|h| h.at == start) {
            hits = &hits[1..];
        }
        Survey {
            words: self.words,
            root: self.root,
            start,
            end,
            hits: std::borrow::Cow::Borrowed(hits),
            lead,
        }
    }
}

/// The offset just after the character at `at` (or past the end).
fn next_char(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or(at + 1, |c| at + c.len_utf8())
}

/// A compiled list of phrases, matched case-insensitively as whole words.
#[derive(Debug, Clone)]
pub struct Matcher {
    re: Option<WordRegex>,
    /// The phrases' first words, when they can be surveyed.
    first: Option<ListWords>,
    /// The list's bit in its vocabulary's [`FirstWords`].
    list: Option<u32>,
}

impl Matcher {
    /// Compiles `phrases` (longest first, so the longest phrase wins at a position).
    pub fn new(phrases: &[String]) -> Result<Matcher, regex::Error> {
        let mut phrases: Vec<&String> = phrases.iter().filter(|p| !p.trim().is_empty()).collect();
        if phrases.is_empty() {
            return Ok(Matcher {
                re: None,
                first: None,
                list: None,
            });
        }
        phrases.sort_by_key(|p| std::cmp::Reverse(p.chars().count()));
        phrases.dedup();
        let exact: Vec<String> = phrases.iter().map(|p| phrase_pattern(p, true)).collect();
        let loose: Vec<String> = phrases.iter().map(|p| phrase_pattern(p, false)).collect();
        let re = WordRegex::new(
            &format!("(?i){}", exact.join("|")),
            &format!("(?i){}", loose.join("|")),
        )
        .map_err(regex::Error::Syntax)?
        .gated(phrases.iter().map(|p| first_word(p)))
        .by_hand(Phrases::new(
            phrases.iter().map(|p| p.as_str()),
            Spelling::Phrase,
        ));
        // Every match of a phrase starts with its first word, after a `\b`
        // when the phrase starts with a letter or digit (see `phrase_pattern`).
        let first = phrases
            .iter()
            .map(|p| {
                let word = first_word(p);
                let bounded = p.trim().chars().next().is_some_and(char::is_alphanumeric);
                (!word.is_empty() && case_variants(word).is_some())
                    .then(|| (word.to_string(), bounded))
            })
            .collect();
        Ok(Matcher {
            re: Some(re),
            first,
            list: None,
        })
    }

    /// The byte ranges of every match in `text`.
    pub fn find_iter<'a>(&'a self, text: &'a str) -> impl Iterator<Item = Range<usize>> + 'a {
        self.re.iter().flat_map(move |re| re.find_iter(text))
    }

    /// True when a phrase occurs in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.re.as_ref().is_some_and(|re| re.is_match(text))
    }

    /// The byte ranges of every match in `survey`'s text, made by the
    /// vocabulary holding this matcher ([`Vocabulary::survey`]): the same
    /// ranges as [`Matcher::find_iter`] on that text, looked up only where
    /// the survey saw the list's first words.
    pub fn find_in<'a>(
        &'a self,
        survey: &'a Survey<'_>,
    ) -> impl Iterator<Item = Range<usize>> + 'a {
        self.re.iter().flat_map(move |re| match self.list {
            Some(list) if survey.words.is_some() => re.find_in(survey, list),
            _ => re.find_iter(survey.text()),
        })
    }

    /// True when a phrase occurs in `survey`'s text (see [`Matcher::find_in`]).
    pub fn is_match_in(&self, survey: &Survey<'_>) -> bool {
        self.find_in(survey).next().is_some()
    }

    /// True when a phrase's match (the leftmost, as [`Matcher::find_iter`]
    /// finds it) is the whole of `text`.
    pub fn matches_whole(&self, text: &str) -> bool {
        self.re
            .as_ref()
            .is_some_and(|re| re.match_at(text, 0) == Some(0..text.len()))
    }

    /// True when `text` starts with a phrase (after leading spaces).
    pub fn starts(&self, text: &str) -> bool {
        let lead = text.len() - text.trim_start().len();
        self.re
            .as_ref()
            .is_some_and(|re| re.match_at(text, lead).is_some())
    }
}

/// A phrase without its stem mark, and whether it had one: `przychodz*`
/// stands for every word that starts with `przychodz` (the inflections of a
/// language: `przychodzącej`, `przychodzące`…), `ausgehend*` for `ausgehende`,
/// `ausgehenden`… Only the end of a phrase can be a stem, after a letter or
/// digit.
pub(crate) fn stem_of(phrase: &str) -> (&str, bool) {
    let phrase = phrase.trim();
    match phrase.strip_suffix('*') {
        Some(stem) if stem.chars().last().is_some_and(char::is_alphanumeric) => (stem, true),
        _ => (phrase, false),
    }
}

/// The rest of a stem's word: anything up to a space or a punctuation mark
/// ([`is_stem_char`]). (`\w*` reads the same in text, but each copy of
/// Unicode's word class costs half a millisecond to compile, and
/// vocabularies hold dozens.)
const STEM_TAIL: &str = r"[^\s\x00-\x1F\x7F!-/:-@\[-^`{-~«»“”„‘’…–—]*";

/// The punctuation outside ASCII that ends a stem's word (see [`STEM_TAIL`]).
const STEM_STOPS: &[char] = &['«', '»', '“', '”', '„', '‘', '’', '…', '–', '—'];

/// True when `c` goes on a stem's word: what [`STEM_TAIL`] matches.
fn is_stem_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        !(c.is_whitespace() || STEM_STOPS.contains(&c))
    }
}

/// A regex for one phrase: whole words (unless `!words`), flexible spaces,
/// both apostrophes; a stem (`word*`) takes the rest of its word.
fn phrase_pattern(phrase: &str, words: bool) -> String {
    let (phrase, stem) = stem_of(phrase);
    let mut out = String::new();
    let first = phrase.chars().next().unwrap_or(' ');
    let last = phrase.chars().last().unwrap_or(' ');
    if words && first.is_alphanumeric() {
        out.push_str(r"\b");
    }
    let mut prev_space = false;
    for c in phrase.chars() {
        if c.is_whitespace() {
            if !prev_space {
                out.push_str(r"\s*");
            }
            prev_space = true;
            continue;
        }
        prev_space = false;
        match c {
            '\'' | '’' => out.push_str("['’]"),
            c => out.push_str(&regex::escape(&c.to_string())),
        }
    }
    if stem {
        out.push_str(STEM_TAIL);
    } else if words && last.is_alphanumeric() {
        out.push_str(r"\b");
    }
    out
}

/// The merged, compiled vocabulary of every loaded language.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    /// Codes of the loaded languages.
    pub languages: Vec<String>,
    /// Port words.
    pub port: Matcher,
    /// Server words.
    pub server: Matcher,
    /// Server-type labels.
    pub server_type: Matcher,
    /// Protocol column headers.
    pub protocol: Matcher,
    /// Incoming-direction words.
    pub incoming: Matcher,
    /// Outgoing-direction words.
    pub outgoing: Matcher,
    /// Implicit-TLS phrases.
    pub ssl: Matcher,
    /// No-TLS phrases.
    pub plain: Matcher,
    /// STARTTLS phrases.
    pub starttls: Matcher,
    /// Security labels.
    pub security_label: Matcher,
    /// Words that turn a nearby SSL into its absence.
    pub disabled: Matcher,
    /// "None" as a security value.
    pub none: Matcher,
    /// Words of a client's check box.
    pub checkbox: Matcher,
    /// "Yes" in a table cell.
    pub yes: Matcher,
    /// "No" in a table cell.
    pub no: Matcher,
    /// Instruction words.
    pub required: Matcher,
    /// Alternative joiners.
    pub alternative: Matcher,
    /// List joiners.
    pub conjunction: Matcher,
    /// Units after non-port numbers.
    pub units: Matcher,
    /// Words marking a protocol as the recommended one.
    pub recommended: Matcher,
    /// Words for the webmail (a URL near one is the webmail URL).
    pub webmail: Matcher,
    /// Words for counted e-mails ("200 e-mails / heure").
    pub messages: Matcher,
    /// Words for "per hour" in a sending limit.
    pub per_hour: Matcher,
    /// Words for "per account" in a sending limit.
    pub account: Matcher,
    /// Words for the mailbox quota.
    pub quota: Matcher,
    /// Words for attachments.
    pub attachment: Matcher,
    /// Words for recipients in copy.
    pub recipients: Matcher,
    /// Megabyte units ("Mo", "MB").
    pub megabytes: Matcher,
    /// Gigabyte units ("Go", "GB").
    pub gigabytes: Matcher,
    /// The first words of every list, searched together by [`Vocabulary::survey`].
    words: Option<FirstWords>,
    /// Words surveyed with the lists though no list of this vocabulary
    /// holds them ([`Vocabulary::with_names`]), and their bit once surveyed.
    names: Option<(ListWords, Option<u32>)>,
}

impl Vocabulary {
    /// Where the first words of every list start in `text`: the one search
    /// [`Matcher::find_in`] reads, on `text` or a [`Survey::slice`] of it.
    pub fn survey<'a>(&'a self, text: &'a str) -> Survey<'a> {
        match &self.words {
            Some(words) => words.survey(text),
            None => Survey::empty(text),
        }
    }

    /// Every list, in a fixed order.
    fn lists_mut(&mut self) -> [&mut Matcher; 29] {
        [
            &mut self.port,
            &mut self.server,
            &mut self.server_type,
            &mut self.protocol,
            &mut self.incoming,
            &mut self.outgoing,
            &mut self.ssl,
            &mut self.plain,
            &mut self.starttls,
            &mut self.security_label,
            &mut self.disabled,
            &mut self.none,
            &mut self.checkbox,
            &mut self.yes,
            &mut self.no,
            &mut self.required,
            &mut self.alternative,
            &mut self.conjunction,
            &mut self.units,
            &mut self.recommended,
            &mut self.webmail,
            &mut self.messages,
            &mut self.per_hour,
            &mut self.account,
            &mut self.quota,
            &mut self.attachment,
            &mut self.recipients,
            &mut self.megabytes,
            &mut self.gigabytes,
        ]
    }

    /// Builds the automaton of the lists' first words and gives each
    /// surveyable list its bit.
    fn with_first_words(mut self) -> Vocabulary {
        let names = self.names.take();
        let lists = self.lists_mut();
        let mut words: Vec<&ListWords> = Vec::new();
        let mut surveyed: Vec<usize> = Vec::new();
        for (i, m) in lists.iter().enumerate() {
            if let Some(first) = &m.first {
                words.push(first);
                surveyed.push(i);
            }
        }
        // The names come last, so the lists keep their bits.
        let names_bit = names.as_ref().map(|_| words.len());
        if let Some((name_words, _)) = &names {
            words.push(name_words);
        }
        let automaton = FirstWords::new(&words);
        for (bit, &i) in surveyed.iter().enumerate() {
            lists[i].list = automaton.as_ref().and_then(|_| u32::try_from(bit).ok());
        }
        let names_bit = automaton
            .as_ref()
            .and(names_bit)
            .and_then(|b| u32::try_from(b).ok());
        self.words = automaton;
        self.names = names.map(|(w, _)| (w, names_bit));
        self
    }

    /// This vocabulary, its survey also finding where `names` start (the
    /// protocol names): one read of a text serves the lists and the names
    /// ([`Vocabulary::names`]). The automaton is built again, with the names.
    pub fn with_names(mut self, names: ListWords) -> Vocabulary {
        self.names = Some((names, None));
        self.with_first_words()
    }

    /// The names this vocabulary's surveys find besides its lists, and
    /// their list bit ([`Vocabulary::with_names`]).
    pub fn names(&self) -> Option<(&ListWords, u32)> {
        let (words, bit) = self.names.as_ref()?;
        Some((words, (*bit)?))
    }

    /// The vocabularies shipped in `rules/vocab/`.
    pub fn embedded() -> Result<Vocabulary, DataError> {
        Ok(Self::embedded_lists()?.with_first_words())
    }

    /// The shipped vocabularies, surveyed with `names` ([`Vocabulary::with_names`]):
    /// the automaton is built once, names included.
    pub fn embedded_with_names(names: ListWords) -> Result<Vocabulary, DataError> {
        Ok(Self::embedded_lists()?.with_names(names))
    }

    /// The shipped vocabularies' lists, without the automaton of their first words.
    fn embedded_lists() -> Result<Vocabulary, DataError> {
        Self::lists_from_sources(
            data::VOCABULARIES
                .iter()
                .map(|(f, t)| (f.to_string(), t.to_string())),
        )
    }

    /// Loads and merges vocabulary files given as (file name, text).
    pub fn from_sources(
        sources: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Vocabulary, DataError> {
        Ok(Self::lists_from_sources(sources)?.with_first_words())
    }

    /// The merged lists of vocabulary files, without the automaton of their first words.
    fn lists_from_sources(
        sources: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Vocabulary, DataError> {
        let mut merged = VocabFile::default();
        let mut languages = Vec::new();
        for (file, text) in sources {
            let v: VocabFile = data::from_yaml(&file, &text)?;
            languages.push(v.language.clone());
            macro_rules! merge {
                ($($f:ident),*) => { $( merged.$f.extend(v.$f); )* };
            }
            merge!(
                port,
                server,
                server_type,
                protocol,
                incoming,
                outgoing,
                ssl,
                plain,
                starttls,
                security_label,
                disabled,
                none,
                checkbox,
                yes,
                no,
                required,
                alternative,
                conjunction,
                units,
                recommended,
                webmail,
                messages,
                per_hour,
                account,
                quota,
                attachment,
                recipients,
                megabytes,
                gigabytes
            );
        }
        let compile = |list: &[String]| {
            Matcher::new(list).map_err(|e| DataError::new("rules/vocab", "", None, e.to_string()))
        };
        Ok(Vocabulary {
            languages,
            port: compile(&merged.port)?,
            server: compile(&merged.server)?,
            server_type: compile(&merged.server_type)?,
            protocol: compile(&merged.protocol)?,
            incoming: compile(&merged.incoming)?,
            outgoing: compile(&merged.outgoing)?,
            ssl: compile(&merged.ssl)?,
            plain: compile(&merged.plain)?,
            starttls: compile(&merged.starttls)?,
            security_label: compile(&merged.security_label)?,
            disabled: compile(&merged.disabled)?,
            none: compile(&merged.none)?,
            checkbox: compile(&merged.checkbox)?,
            yes: compile(&merged.yes)?,
            no: compile(&merged.no)?,
            required: compile(&merged.required)?,
            alternative: compile(&merged.alternative)?,
            conjunction: compile(&merged.conjunction)?,
            units: compile(&merged.units)?,
            recommended: compile(&merged.recommended)?,
            webmail: compile(&merged.webmail)?,
            messages: compile(&merged.messages)?,
            per_hour: compile(&merged.per_hour)?,
            account: compile(&merged.account)?,
            quota: compile(&merged.quota)?,
            attachment: compile(&merged.attachment)?,
            recipients: compile(&merged.recipients)?,
            megabytes: compile(&merged.megabytes)?,
            gigabytes: compile(&merged.gigabytes)?,
            words: None,
            names: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(phrases: &[&str]) -> Matcher {
        Matcher::new(&phrases.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    /// The matches the plain regex crate gives for the exact pattern.
    fn reference(exact: &str, text: &str) -> Vec<Range<usize>> {
        Regex::new(exact)
            .unwrap()
            .find_iter(text)
            .map(|m| m.range())
            .collect()
    }

    #[test]
    fn word_regex_matches_exactly_what_the_exact_pattern_matches() {
        let exact = r"(?i)\bssl activé\b|\bssl\b|\bor\b|\bport\b|%";
        let loose = r"(?i)ssl activé|ssl|or|port|%";
        let re = WordRegex::new(exact, loose).unwrap();
        for text in [
            "",
            "SSL activé, SSL activéx, ssl0.ovh.net",
            "désactivé ssl sslx xssl ssl ssl",
            "for or port portail report sport: port",
            "élan or étoile oré öor 50 % and 12%",
            "Port (avec SSL) / ports / Sécurité SSL/TLS",
            "ssl activéé ssl activé",
        ] {
            assert_eq!(
                re.find_iter(text).collect::<Vec<_>>(),
                reference(exact, text),
                "{text}"
            );
            assert_eq!(
                re.is_match(text),
                !reference(exact, text).is_empty(),
                "{text}"
            );
        }
    }

    #[test]
    fn a_shorter_phrase_wins_where_a_longer_candidate_is_not_a_word() {
        let on = m(&["ssl activé", "ssl"]);
        let found: Vec<_> = on.find_iter("ssl activées").collect();
        assert_eq!(found, vec![Range { start: 0, end: 3 }]);
    }

    #[test]
    fn whole_words_case_insensitive() {
        let ports = m(&["port", "ports"]);
        assert!(ports.is_match("Le Port du serveur"));
        assert!(!ports.is_match("le portail"));
        assert!(!ports.is_match("transport"));
    }

    #[test]
    fn spaces_are_optional_and_accents_are_word_characters() {
        let on = m(&["SSL activé"]);
        assert!(on.is_match("Ports SSLactivé SSLdésactivé"));
        assert!(!on.is_match("SSL activée"));
        let off = m(&["SSL désactivé", "SSL désactivée"]);
        assert!(off.is_match("la sécurisation SSL désactivée."));
    }

    #[test]
    fn longest_phrase_wins_and_apostrophes_match_both_forms() {
        let s = m(&["ssl", "connexion sécurisée (ssl)"]);
        let text = "une connexion sécurisée (SSL)";
        assert_eq!(s.find_iter(text).next(), Some(4..text.len()));
        assert!(m(&["nom d'hôte"]).is_match("Nom d’hôte"));
    }

    #[test]
    fn ssl_does_not_match_inside_a_host_name() {
        assert!(!m(&["ssl"]).is_match("SSL0.OVH.NET"));
    }

    #[test]
    fn embedded_vocabularies_load() {
        let v = Vocabulary::embedded().unwrap();
        assert!(v.languages.contains(&"fr".to_string()));
        assert!(v.incoming.is_match("Serveur entrant"));
        assert!(v.outgoing.is_match("Outgoing server"));
    }

    #[test]
    fn a_broken_vocabulary_points_into_its_file() {
        let err = Vocabulary::from_sources([(
            "de.yaml".to_string(),
            "language: de\nport: 3\n".to_string(),
        )])
        .unwrap_err();
        assert_eq!(err.file, "de.yaml");
        assert!(err.offset.is_some());
    }
}

/// Every sub-slice `a..b` of `text` on character boundaries: what tests of
/// code that reads slices of a text compare against the text's own results.
#[cfg(test)]
pub(crate) fn every_slice(text: &str) -> Vec<Range<usize>> {
    let bounds: Vec<usize> = (0..=text.len())
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    bounds
        .iter()
        .flat_map(|&a| bounds.iter().filter(move |&&b| b >= a).map(move |&b| a..b))
        .collect()
}

#[cfg(test)]
mod survey_tests {
    use super::*;

    /// A vocabulary with tricky lists: accents, long s and Kelvin sign,
    /// apostrophes, overlapping phrases, a phrase prefix of another, symbols.
    fn vocab() -> Vocabulary {
        let yaml = "language: xx\n\
            port: [port, ports, 'n° de port']\n\
            server: [serveur, nom d'hôte, hôte, \"nom du serveur\"]\n\
            ssl: [ssl, ssl activé, connexion sécurisée (ssl), ssl/tls, \"(ssl)\"]\n\
            plain: [sans ssl, ssl désactivé, aucune]\n\
            units: [mo, \"%\", €, kb, h]\n\
            incoming: [de entrada, entrant, réception, in]\n\
            security_label: [sécurité, type de sécurité]\n";
        Vocabulary::from_sources([("xx.yaml".to_string(), yaml.to_string())]).unwrap()
    }

    /// The exact pattern `Matcher::new` compiles for `phrases`.
    fn exact(phrases: &[&str]) -> Regex {
        let mut phrases: Vec<&str> = phrases.to_vec();
        phrases.sort_by_key(|p| std::cmp::Reverse(p.chars().count()));
        phrases.dedup();
        let parts: Vec<String> = phrases.iter().map(|p| phrase_pattern(p, true)).collect();
        Regex::new(&format!("(?i){}", parts.join("|"))).unwrap()
    }

    const TEXTS: &[&str] = &[
        "",
        "port",
        "Le PORT 993, les ports 995 et 110 ; n° de port : 587",
        "transport portail sport: report port.",
        "Nom d’hôte : ssl0.ovh.net ; nom d'hôte ; Nom  du\n serveur ; HÔTE",
        "ſſl activé, SSL ACTIVÉ, sslactivé, ssl activées, ſsl/TLS, (SSL) x(ssl)",
        "une connexion sécurisée (SSL) sans ssl ; SSL désactivé ssl",
        "25 Mo, 50% et 10 %, 3€, 10 \u{212A}B, 5 kb, 2h, h, éh, hé",
        "serveur de entrada, in, within, ínin, entrant réception, réceptionné",
        "Type de sécurité : sécurité ; ssécurité xsécurité",
        "é port é, 'port', «port», port'",
        "ssl",
    ];

    #[test]
    fn survey_lookups_find_what_the_exact_regex_finds() {
        let v = vocab();
        let lists: [(&Matcher, &[&str]); 7] = [
            (&v.port, &["port", "ports", "n° de port"]),
            (
                &v.server,
                &["serveur", "nom d'hôte", "hôte", "nom du serveur"],
            ),
            (
                &v.ssl,
                &[
                    "ssl",
                    "ssl activé",
                    "connexion sécurisée (ssl)",
                    "ssl/tls",
                    "(ssl)",
                ],
            ),
            (&v.plain, &["sans ssl", "ssl désactivé", "aucune"]),
            (&v.units, &["mo", "%", "€", "kb", "h"]),
            (&v.incoming, &["de entrada", "entrant", "réception", "in"]),
            (&v.security_label, &["sécurité", "type de sécurité"]),
        ];
        for text in TEXTS {
            let survey = v.survey(text);
            for (matcher, phrases) in &lists {
                let re = exact(phrases);
                let want: Vec<Range<usize>> = re.find_iter(text).map(|m| m.range()).collect();
                let got: Vec<Range<usize>> = matcher.find_in(&survey).collect();
                assert_eq!(got, want, "{phrases:?} in {text:?}");
                // Every part of the text, read alone, as a `&str` slice is.
                for range in super::every_slice(text) {
                    let (a, b) = (range.start, range.end);
                    let part = &text[a..b];
                    let want: Vec<Range<usize>> = re.find_iter(part).map(|m| m.range()).collect();
                    let sliced = survey.slice(a..b);
                    let got: Vec<Range<usize>> = matcher.find_in(&sliced).collect();
                    assert_eq!(got, want, "{phrases:?} in {part:?} ({a}..{b} of {text:?})");
                    // A slice of a slice reads the same.
                    if let Some(c) = part.chars().next() {
                        let k = c.len_utf8();
                        let inner = sliced.slice(k..part.len());
                        let want: Vec<Range<usize>> =
                            re.find_iter(&part[k..]).map(|m| m.range()).collect();
                        assert_eq!(matcher.find_in(&inner).collect::<Vec<_>>(), want);
                    }
                }
            }
        }
    }

    #[test]
    fn protocol_names_are_found_through_the_survey() {
        let p = crate::spec::Protocols::embedded().unwrap();
        // The protocol names' own survey, and the vocabulary's that also finds them.
        let v = Vocabulary::embedded().unwrap().with_names(p.names());
        let bit = p.surveyed_by(&v);
        assert!(bit.is_some());
        assert_eq!(p.surveyed_by(&Vocabulary::embedded().unwrap()), None);
        for text in [
            "POP3 ou IMAP4, imap, pop, SMTP; popx xpop pop3s POP",
            "Serveur POP3 : port 995, serveur sortant SMTP",
            "POP before SMTP",
            "éPOP3 àimap_pop smtp·imap",
            "",
        ] {
            let own = p.survey(text);
            let merged = v.survey(text);
            let want: Vec<_> = p.mentions(text).collect();
            assert_eq!(p.mentions_in(&own).collect::<Vec<_>>(), want, "{text}");
            assert_eq!(p.mentions_in_list(&merged, bit).collect::<Vec<_>>(), want);
            assert_eq!(p.single_in(&own), p.single(text), "{text}");
            for r in every_slice(text) {
                let want: Vec<_> = p.mentions(&text[r.clone()]).collect();
                let got: Vec<_> = p.mentions_in(&own.slice(r.clone())).collect();
                assert_eq!(got, want, "{text} {r:?}");
                let got: Vec<_> = p.mentions_in_list(&merged.slice(r.clone()), bit).collect();
                assert_eq!(got, want, "{text} {r:?}");
            }
        }
    }

    #[test]
    fn the_embedded_vocabulary_is_surveyed_as_one_automaton() {
        let v = Vocabulary::embedded().unwrap();
        assert!(v.words.is_some());
        let text = "Serveur entrant : SSL activé, port 993 ; Outgoing server, Type de sécurité";
        let survey = v.survey(text);
        assert!(v.incoming.is_match_in(&survey));
        assert!(v.outgoing.is_match_in(&survey));
        assert_eq!(
            v.ssl.find_in(&survey).collect::<Vec<_>>(),
            v.ssl.find_iter(text).collect::<Vec<_>>()
        );
    }
}
