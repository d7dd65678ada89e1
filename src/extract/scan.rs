//! Scanning one run of text for values (port numbers, host names, protocol
//! labels) and reading each value's role from the words around it.
//!
//! A number is a port only in a port context: the words since the previous
//! value ("Port : ", "Les ports ") name a port, or it continues a list of ports
//! ("995 ou 110"). Everything else — "100 comptes pop et non 110", "de 25 Mo",
//! "Outlook 2016", "Android 4.4" — stays a number.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::sentences;
use crate::spec::{Direction, Protocol, Protocols, Security};
use crate::vocab::{Survey, Vocabulary, WordRegex};

/// Host names and whole numbers (host first, so `pro1.mail.ovh.net` is one
/// token): the pattern [`token_ranges`] follows, used as is on texts it does
/// not scan itself.
static TOKEN: LazyLock<WordRegex> = LazyLock::new(|| {
    WordRegex::new(
        r"(?i)(?:\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}\b)|(?:\b\d{1,5}\b)",
        r"(?i)(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,})|(?:\d{1,5})",
    )
    .expect("valid token regex")
});

/// The characters besides ASCII that [`TOKEN`] can match: other decimal
/// digits (`\d`), and the long s and Kelvin sign (`(?i)[a-z]`).
static TOKEN_UNICODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\d&&[^0-9]]|[\x{17F}\x{212A}]").expect("valid token character regex")
});

/// What a value is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawValue {
    /// A port number.
    Port(u16),
    /// A mail-server host name, as written.
    Host(String),
    /// A protocol named as the server's type ("… est un serveur : POP3").
    Protocol(Protocol),
}

/// How a value is stated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A setting or an instruction ("Port : 993", "you must use port 587").
    Setting,
    /// One of several alternatives ("995 ou 110").
    Alternative,
    /// A description or a list ("Les ports 110 et 587 correspondent…", a table).
    Listing,
}

/// A value found in a text run, with what its own words say about it.
#[derive(Debug, Clone)]
pub struct Raw {
    /// The value.
    pub value: RawValue,
    /// Byte range in the run's text.
    pub range: Range<usize>,
    /// A protocol named next to the value, with its range in the text.
    pub protocol: Option<(Protocol, Range<usize>)>,
    /// A direction named next to the value.
    pub direction: Option<Direction>,
    /// A security named next to the value.
    pub security: Option<Security>,
    /// How the value is stated.
    pub mode: Mode,
    /// A host name whose words name neither a direction nor a protocol: a
    /// server only where what leads it does (a list item, a lead-in line).
    pub bare: bool,
}

/// What a run of text names: used for headings, lead-ins and list items.
#[derive(Debug, Clone, Default)]
pub struct Words {
    /// The one protocol named, if exactly one is.
    pub protocol: Option<(Protocol, Range<usize>)>,
    /// The one direction named, if exactly one is.
    pub direction: Option<Direction>,
}

/// A text and where the lexicon's words start in it: surveyed once
/// ([`Lexicon::passage`]), then read by every lookup on the text or on a part
/// of it ([`Passage::slice`]).
#[derive(Debug, Clone)]
pub struct Passage<'a> {
    vocab: Survey<'a>,
    /// The protocol names' own survey, when the vocabulary's does not find them.
    protocols: Option<Survey<'a>>,
}

impl<'a> Passage<'a> {
    /// The text.
    pub fn as_str(&self) -> &'a str {
        self.vocab.text()
    }

    /// The part `range` of the text, read as a text of its own.
    pub fn slice(&self, range: Range<usize>) -> Passage<'_> {
        Passage {
            vocab: self.vocab.slice(range.clone()),
            protocols: self.protocols.as_ref().map(|p| p.slice(range)),
        }
    }

    /// The vocabulary's survey of the text.
    pub fn vocab(&self) -> &Survey<'a> {
        &self.vocab
    }
}

/// The matchers extraction needs, borrowed for one guide.
#[derive(Clone, Copy)]
pub struct Lexicon<'a> {
    /// Vocabulary of all loaded languages.
    pub vocab: &'a Vocabulary,
    /// Universal protocol facts (and protocol names).
    pub protocols: &'a Protocols,
    /// The list bit of the protocol names in the vocabulary's surveys, when
    /// it surveys them ([`Vocabulary::with_names`]).
    names: Option<u32>,
}

impl<'l> Lexicon<'l> {
    /// The lexicon of `vocab` and `protocols`.
    pub fn new(vocab: &'l Vocabulary, protocols: &'l Protocols) -> Lexicon<'l> {
        Lexicon {
            vocab,
            protocols,
            names: protocols.surveyed_by(vocab),
        }
    }

    /// Surveys `text` for every word list and protocol name, once.
    pub fn passage<'a>(&self, text: &'a str) -> Passage<'a>
    where
        'l: 'a,
    {
        Passage {
            vocab: self.vocab.survey(text),
            protocols: self.names.is_none().then(|| self.protocols.survey(text)),
        }
    }

    /// The single direction `text` names.
    pub fn direction(&self, text: &Passage<'_>) -> Option<Direction> {
        let inc = self.vocab.incoming.find_in(text.vocab()).last();
        let out = self.vocab.outgoing.find_in(text.vocab()).last();
        match (inc, out) {
            (Some(_), None) => Some(Direction::Incoming),
            (None, Some(_)) => Some(Direction::Outgoing),
            // Both: the one named last is the one the value belongs to.
            (Some(i), Some(o)) => Some(if i.start > o.start {
                Direction::Incoming
            } else {
                Direction::Outgoing
            }),
            (None, None) => None,
        }
    }

    /// The single security `text` names: STARTTLS, SSL (TLS), or its absence
    /// — a phrase such as "sans SSL", or an SSL named with a word that turns
    /// it off, in either order and a few words apart ("SSL désactivée",
    /// "disabled SSL", "SSL jest wyłączone").
    pub fn security(&self, text: &Passage<'_>) -> Option<Security> {
        let v = self.vocab;
        let plain: Vec<Range<usize>> = v.plain.find_in(text.vocab()).collect();
        let starttls = v.starttls.is_match_in(text.vocab());
        let mut off = !plain.is_empty();
        let mut ssl = false;
        let mut disabled: Option<Vec<Range<usize>>> = None;
        for r in v.ssl.find_in(text.vocab()) {
            if plain.iter().any(|p| p.start < r.end && r.start < p.end) {
                continue;
            }
            // "SSL : STARTTLS": the bare word names the field, STARTTLS its value.
            if starttls && text.as_str()[r.clone()].eq_ignore_ascii_case("ssl") {
                continue;
            }
            let words = disabled.get_or_insert_with(|| v.disabled.find_in(text.vocab()).collect());
            if words.iter().any(|d| same_clause(text.as_str(), &r, d)) {
                off = true;
            } else {
                ssl = true;
            }
        }
        match (ssl, off, starttls) {
            (true, false, false) => Some(Security::Ssl),
            (false, true, false) => Some(Security::Plain),
            (false, _, true) => Some(Security::Starttls),
            _ => None,
        }
    }

    /// The security a statement gives ("Type de sécurité : SSL", "Leave the
    /// **Use SSL to connect** box ticked"): a ticked box of a client's only
    /// says the connection is encrypted (clients' "SSL" boxes also stand for
    /// STARTTLS), never how.
    pub fn stated_security(&self, text: &Passage<'_>) -> Option<Security> {
        match self.security_value(text, false)? {
            Security::Ssl if self.vocab.checkbox.is_match_in(text.vocab()) => {
                Some(Security::Encrypted)
            }
            other => Some(other),
        }
    }

    /// The security a table cell or a labelled value gives: what
    /// [`Lexicon::security`] reads, else "none" (`Aucun`, `None`, `Brak`),
    /// and, with `yes_no` (a cell of an `SSL` column), yes or no.
    pub fn security_value(&self, text: &Passage<'_>, yes_no: bool) -> Option<Security> {
        if let Some(s) = self.security(text) {
            return Some(s);
        }
        let v = self.vocab;
        let t = text.as_str().trim_matches(|c: char| !c.is_alphanumeric());
        if v.none.matches_whole(t) {
            return Some(Security::Plain);
        }
        if yes_no {
            if v.yes.matches_whole(t) {
                return Some(Security::Encrypted);
            }
            if v.no.matches_whole(t) {
                return Some(Security::Plain);
            }
        }
        None
    }

    /// The one direction `text` names, if it names only one.
    pub fn named_direction(&self, text: &Passage<'_>) -> Option<Direction> {
        let inc = self.vocab.incoming.is_match_in(text.vocab());
        let out = self.vocab.outgoing.is_match_in(text.vocab());
        match (inc, out) {
            (true, false) => Some(Direction::Incoming),
            (false, true) => Some(Direction::Outgoing),
            _ => None,
        }
    }

    /// The one protocol `text` names, if it names exactly one.
    pub fn single_protocol(&self, text: &Passage<'_>) -> Option<(Protocol, Range<usize>)> {
        Protocols::only_one(self.protocol_mentions(text))
    }

    /// Every protocol name in `text`, with its range.
    pub fn protocol_mentions<'a>(
        &'a self,
        text: &'a Passage<'_>,
    ) -> impl Iterator<Item = (Protocol, Range<usize>)> + 'a {
        let (survey, list) = match &text.protocols {
            Some(own) => (own, self.protocols.own_list()),
            None => (&text.vocab, self.names),
        };
        self.protocols.mentions_in_list(survey, list)
    }

    /// What `text` names, for headings, lead-ins and list items.
    pub fn words(&self, text: &Passage<'_>) -> Words {
        Words {
            protocol: self.single_protocol(text),
            direction: self.named_direction(text),
        }
    }
}

/// True when `a` and `b` (a word and the word that modifies it) are in one
/// clause, at most three words apart.
fn same_clause(text: &str, a: &Range<usize>, b: &Range<usize>) -> bool {
    let (from, to) = if a.end <= b.start {
        (a.end, b.start)
    } else if b.end <= a.start {
        (b.end, a.start)
    } else {
        return true;
    };
    let Some(gap) = text.get(from..to) else {
        return false;
    };
    !gap.contains(['.', ';', ':', ',', '!', '?', '|', '\n'])
        && gap
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count()
            <= 3
}

/// Finds the values of `passage` and what their surrounding words say.
pub fn scan(passage: &Passage<'_>, lex: Lexicon<'_>) -> Vec<Raw> {
    scan_led(passage, lex, false)
}

/// [`scan`] of a text led by a label that names a server (`"Incoming server
/// (IMAP)": … the address is ex.mail.ovh.net`): its host names are servers
/// without a server word of their own.
pub fn scan_led(passage: &Passage<'_>, lex: Lexicon<'_>, server_led: bool) -> Vec<Raw> {
    let mut out = Vec::new();
    let text = passage.as_str();
    if !may_hold_tokens(text) {
        protocol_labels(passage, lex, &mut out);
        return out;
    }
    let mut sentence_start = 0;
    for end in sentences::line_ends(text).chain([text.len()]) {
        if end > sentence_start {
            scan_sentence(
                passage,
                sentence_start..end.min(text.len()),
                lex,
                server_led,
                &mut out,
            );
        }
        sentence_start = end;
    }
    protocol_labels(passage, lex, &mut out);
    out.sort_by_key(|r| r.range.start);
    out
}

/// False when `text` can hold no token: a number needs a digit, a host name
/// a dot followed by a letter. Most prose holds neither.
fn may_hold_tokens(text: &str) -> bool {
    let bytes = text.as_bytes();
    sentences::has_digit(bytes) || sentences::has_dotted_word(bytes)
}

struct Token {
    range: Range<usize>,
    host: bool,
    /// A host name written with a placeholder for the server's number
    /// (`pro?.mail.ovh.net`, `exX.mail.ovh.net`): the host with `*` in its
    /// place.
    placeholder: Option<String>,
}

/// Host names written with a placeholder for the server's number: a first
/// label ending in `?`, `*` or an upper-case `X`/`XX` after lower-case
/// letters (`pro?`, `ex*`, `proX`, `heXX`), then the domain. The placeholder
/// may keep the bold marks the Markdown parser left as text (`pro**?**`: `**`
/// between a letter and `?` opens no emphasis).
static PLACEHOLDER_HOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:([A-Za-z][A-Za-z0-9-]*?)(?:\**\?+\**|\*+)|([a-z][a-z0-9-]*?)(?:\*\*)?X{1,2}(?:\*\*)?)((?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,})\b",
    )
    .expect("valid placeholder host regex")
});

/// The placeholder hosts of `s` ([`PLACEHOLDER_HOST`]): range and the host
/// with `*` for the placeholder.
fn placeholder_hosts(s: &str) -> Vec<(Range<usize>, String)> {
    let bytes = s.as_bytes();
    // A placeholder is followed by a dot: most texts hold no `?.`, `*.` or `X.`.
    let may = memchr::memchr_iter(b'.', bytes)
        .any(|i| i > 0 && matches!(bytes[i - 1], b'?' | b'*' | b'X'));
    if !may {
        return Vec::new();
    }
    PLACEHOLDER_HOST
        .captures_iter(s)
        .filter_map(|c| {
            let whole = c.get(0)?;
            let prefix = c.get(1).or_else(|| c.get(2))?.as_str();
            let domain = c.get(3)?.as_str();
            // Not part of an address or a URL's path.
            let before = s[..whole.start()].chars().next_back();
            if matches!(before, Some('@' | '/' | '.' | '-')) {
                return None;
            }
            Some((whole.range(), format!("{prefix}*{domain}")))
        })
        .collect()
}

/// The first host name of `text` (a placeholder host with `*` for its
/// number), not in an address or a URL's path: its range and the host.
pub fn first_host(text: &str) -> Option<(Range<usize>, String)> {
    tokens(text, 0..text.len())
        .into_iter()
        .find(|t| t.host)
        .map(|t| {
            let host = t
                .placeholder
                .unwrap_or_else(|| text[t.range.clone()].to_string());
            (t.range, host)
        })
}

fn tokens(text: &str, sentence: Range<usize>) -> Vec<Token> {
    let s = &text[sentence.clone()];
    let placeholders = placeholder_hosts(s);
    let mut out: Vec<Token> = placeholders
        .iter()
        .map(|(r, host)| Token {
            range: sentence.start + r.start..sentence.start + r.end,
            host: true,
            placeholder: Some(host.clone()),
        })
        .collect();
    let plain = token_ranges(s)
        .into_iter()
        .filter(|m| {
            !placeholders
                .iter()
                .any(|(r, _)| r.start < m.end && m.start < r.end)
        })
        .map(|m| {
            // A host name ends with letters; a number is digits only.
            let host = !s[m.clone()].bytes().all(|b| b.is_ascii_digit());
            (m, host)
        })
        .filter_map(|(m, host)| {
            let range = sentence.start + m.start..sentence.start + m.end;
            let before = text[..range.start].chars().next_back();
            let after = text[range.end..].chars().next();
            let after2 = text[range.end..].chars().nth(1);
            let ok = if host {
                !matches!(before, Some('@' | '/' | '.' | '-')) && !matches!(after, Some('/' | '@'))
            } else {
                let decimal_before =
                    before.is_some_and(|c| matches!(c, '.' | ',' | '/' | '-' | '#' | '+'));
                let decimal_after = matches!(after, Some('.' | ',' | '/' | ':'))
                    && after2.is_some_and(|c| c.is_ascii_digit());
                !decimal_before && !decimal_after && !matches!(after, Some('%' | '€' | '$'))
            };
            ok.then_some(Token {
                range,
                host,
                placeholder: None,
            })
        });
    out.extend(plain);
    if !placeholders.is_empty() {
        out.sort_by_key(|t| t.range.start);
    }
    out
}

/// The ranges of [`TOKEN`]'s successive matches in `s`, found by reading its
/// bytes: a token starts where a word starts with an ASCII letter or digit;
/// there a host name is tried first, then a number.
fn token_ranges(s: &str) -> Vec<Range<usize>> {
    if !s.is_ascii() && TOKEN_UNICODE.is_match(s) {
        return TOKEN.find_iter(s).collect();
    }
    // A number needs an ASCII digit here, a host name a dot and a letter.
    if !may_hold_tokens(s) {
        return Vec::new();
    }
    let bytes = s.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if !byte.is_ascii_alphanumeric() {
            at += 1;
            continue;
        }
        if !word_before(s, at)
            && let Some(end) = host_at(s, at).or_else(|| number_at(s, at))
        {
            out.push(at..end);
            at = end;
            continue;
        }
        // No token starts inside a run of ASCII word characters.
        at += 1;
        while bytes.get(at).is_some_and(|&b| is_word(b)) {
            at += 1;
        }
    }
    out
}

/// True when the character before `at` is a word character (no `\b` before
/// a word character at `at`).
fn word_before(s: &str, at: usize) -> bool {
    s[..at].chars().next_back().is_some_and(is_word_char)
}

/// True when the character at `at` is a word character (`\w`).
fn word_at(s: &str, at: usize) -> bool {
    s[at..].chars().next().is_some_and(is_word_char)
}

/// The characters `\w` matches.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        regex_syntax::try_is_word_character(c).unwrap_or(true)
    }
}

/// `\b\d{1,5}\b` at `at` (ASCII digits): where the number ends.
fn number_at(s: &str, at: usize) -> Option<usize> {
    let digits = s.as_bytes()[at..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    (1..=5)
        .contains(&digits)
        .then_some(at + digits)
        .filter(|&end| !word_at(s, end))
}

/// The host-name pattern at `at` (labels of ASCII letters, digits and
/// inner hyphens, separated by dots, then a dot and a top-level domain of
/// two letters or more before `\b`): where it ends. Like the regex, the most
/// labels win.
fn host_at(s: &str, at: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    let run_end = |from: usize| {
        from + bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count()
    };
    let label = |r: Range<usize>| {
        !r.is_empty()
            && bytes[r.start].is_ascii_alphanumeric()
            && bytes[r.end - 1].is_ascii_alphanumeric()
    };
    // The dot-separated runs of label characters from `at` (a label before
    // a dot is a whole run): after each run of labels, the next run may
    // start with the top-level domain; the last that does wins.
    let mut found = None;
    let mut start = at;
    loop {
        let end = run_end(start);
        if !label(start..end) || bytes.get(end) != Some(&b'.') {
            return found;
        }
        let tld = end + 1;
        let letters = bytes[tld..]
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        if letters >= 2 && !word_at(s, tld + letters) {
            found = Some(tld + letters);
        }
        start = tld;
    }
}

/// True when `gap` (text between two values) only joins them: "ou", "et", ",", "/", bold marks.
fn joiner(gap: &str, lex: Lexicon<'_>) -> Option<Mode> {
    let marks = |c: char| matches!(c, '*' | '"' | '\'' | '«' | '»' | '(' | ')' | '`');
    let stripped: String;
    let gap = if gap.contains(marks) {
        stripped = gap.chars().filter(|&c| !marks(c)).collect();
        &stripped
    } else {
        gap
    };
    let t = gap.trim();
    if t.is_empty() || t == "," || t == "/" || t == "-" {
        return Some(Mode::Listing);
    }
    if lex.vocab.alternative.matches_whole(t) {
        Some(Mode::Alternative)
    } else if lex.vocab.conjunction.matches_whole(t) {
        Some(Mode::Listing)
    } else {
        None
    }
}

fn scan_sentence(
    passage: &Passage<'_>,
    sentence: Range<usize>,
    lex: Lexicon<'_>,
    server_led: bool,
    out: &mut Vec<Raw>,
) {
    let text = passage.as_str();
    let toks = tokens(text, sentence.clone());
    if toks.is_empty() {
        return;
    }
    let vocab = lex.vocab;
    // Whether the sentence is an instruction: looked up once, only if a
    // single unlabelled port needs it.
    let mut required: Option<bool> = None;
    let mut is_required = || {
        *required.get_or_insert_with(|| {
            vocab
                .required
                .is_match_in(passage.slice(sentence.clone()).vocab())
        })
    };
    // Group tokens into chains: "995 ou 110" is one chain of two. A chain
    // is a run of successive tokens (their indexes).
    let mut chains: Vec<(Range<usize>, Mode)> = Vec::new();
    for (i, tok) in toks.iter().enumerate() {
        if let Some((members, mode)) = chains.last_mut() {
            let prev = &toks[members.end - 1];
            if prev.host == tok.host
                && let Some(j) = joiner(&text[prev.range.end..tok.range.start], lex)
            {
                members.end = i + 1;
                if j == Mode::Alternative || *mode != Mode::Alternative {
                    *mode = j;
                }
                continue;
            }
        }
        chains.push((i..i + 1, Mode::Setting));
    }
    let mut prev_end = sentence.start;
    let mut prev_was_port = false;
    let mut window_is_previous_tail = false;
    // The host read last: where it ends, and its protocol and direction
    // (`ssl0.ovh.net:993` gives the port of that server).
    let mut prev_host: Option<HostSeen> = None;
    for (c, (members, join_mode)) in chains.iter().enumerate() {
        let first = &toks[members.start];
        let last = &toks[members.end - 1];
        let window_start = prev_end;
        let window_part = passage.slice(window_start..first.range.start);
        let window = window_part.as_str();
        prev_end = last.range.end;

        // What the value is decides whether its words are read at all: most
        // numbers in prose (versions, steps, sizes) are not ports, and their
        // words are the costliest lookups of the scan.
        let after_host = prev_host
            .as_ref()
            .filter(|h| !first.host && h.end + 1 == first.range.start && window == ":");
        let is_value = if first.host {
            server_led || vocab.server.is_match_in(window_part.vocab())
        } else {
            let port_word = vocab.port.is_match_in(window_part.vocab());
            let continues = prev_was_port
                && !window.contains(':')
                && !vocab.server.is_match_in(window_part.vocab());
            // Under a label naming a server ("Serveur entrant (POP3) : doit
            // être le 110"), a mail protocol's well-known port is one.
            let known = server_led
                && text[first.range.clone()]
                    .parse::<u16>()
                    .is_ok_and(|p| lex.protocols.meanings(p).next().is_some());
            after_host.is_some()
                || ((port_word || continues || known)
                    && !followed_by_unit(text, last.range.end, vocab))
        };
        prev_was_port = !first.host && is_value;
        if !is_value {
            window_is_previous_tail = false;
            continue;
        }

        let next_start = chains
            .get(c + 1)
            .map(|(m, _)| toks[m.start].range.start)
            .unwrap_or(sentence.end);
        let tail_part = passage.slice(last.range.end..next_start);
        // A tail is only this value's own words when no other label starts in it.
        let tail_part = if tail_part.as_str().contains(':') {
            passage.slice(last.range.end..last.range.end)
        } else {
            tail_part
        };
        let tail = tail_part.as_str();

        // "993 pour IMAP, 995 pour POP3": when the previous value took its
        // words from its tail, those same words open this value's window and
        // are not this value's: read its own tail first.
        let (own, own_base, other, other_base) = if window_is_previous_tail {
            (&tail_part, last.range.end, &window_part, window_start)
        } else {
            (&window_part, window_start, &tail_part, last.range.end)
        };
        let window_protocol = lex.single_protocol(&window_part);
        let tail_protocol = lex.single_protocol(&tail_part);
        let (own_protocol, other_protocol) = if window_is_previous_tail {
            (tail_protocol.clone(), window_protocol.clone())
        } else {
            (window_protocol.clone(), tail_protocol.clone())
        };
        let own_protocol = own_protocol.map(|(p, r)| (p, prev_end_shift(r, own_base)));
        let protocol = if window_is_previous_tail {
            own_protocol
        } else {
            own_protocol.or_else(|| other_protocol.map(|(p, r)| (p, prev_end_shift(r, other_base))))
        };
        let own_direction = lex.direction(own);
        let other_direction = lex.direction(other);
        let direction = if window_is_previous_tail {
            own_direction
        } else {
            own_direction.or(other_direction)
        };
        let (window_direction, tail_direction) = if window_is_previous_tail {
            (other_direction, own_direction)
        } else {
            (own_direction, other_direction)
        };
        let tail_names = tail_protocol.is_some() || tail_direction.is_some();
        let window_names = window_protocol.is_some() || window_direction.is_some();
        let took_from_tail = tail_names && (window_is_previous_tail || !window_names);
        window_is_previous_tail = took_from_tail && !tail.is_empty();

        let bare = first.host && direction.is_none() && window_protocol.is_none();
        let mode = if after_host.is_some() {
            Mode::Setting
        } else {
            chain_mode(
                members.len(),
                *join_mode,
                window.contains(':'),
                &mut is_required,
            )
        };
        // A port after a host in the same sentence is that server's
        // ("Serveur sortant (SMTP) : l'adresse est ssl0.ovh.net, le port est 465").
        let (protocol, direction) = match (&prev_host, first.host) {
            (Some(h), false) if protocol.is_none() && direction.is_none() => {
                (h.protocol.clone(), h.direction)
            }
            _ => (protocol, direction),
        };
        if first.host {
            for m in members.clone() {
                let r = toks[m].range.clone();
                let host = toks[m]
                    .placeholder
                    .clone()
                    .unwrap_or_else(|| text[r.clone()].to_string());
                out.push(Raw {
                    value: RawValue::Host(host),
                    range: r,
                    protocol: protocol.clone(),
                    direction,
                    security: None,
                    mode,
                    bare,
                });
            }
            prev_host = (!bare || prev_host.is_none()).then(|| HostSeen {
                end: last.range.end,
                protocol: protocol.clone(),
                direction,
            });
            // "Serveur POP3 : host" also states the server's protocol.
            if let Some((p, r)) = window_protocol {
                out.push(Raw {
                    value: RawValue::Protocol(p),
                    range: prev_end_shift(r, window_start),
                    protocol: None,
                    direction: Some(p.direction()),
                    security: None,
                    mode: Mode::Setting,
                    bare: false,
                });
            }
            continue;
        }
        let security = if window_is_previous_tail {
            lex.security(own)
        } else {
            lex.security(own).or_else(|| lex.security(other))
        };
        for m in members.clone() {
            let r = toks[m].range.clone();
            let Ok(port) = text[r.clone()].parse::<u16>() else {
                continue;
            };
            if port == 0 {
                continue;
            }
            out.push(Raw {
                value: RawValue::Port(port),
                range: r,
                protocol: protocol.clone(),
                direction,
                security,
                mode,
                bare: false,
            });
        }
    }
}

/// A host name read in a sentence, for the port written right after it.
struct HostSeen {
    end: usize,
    protocol: Option<(Protocol, Range<usize>)>,
    direction: Option<Direction>,
}

/// How a chain of values is stated: a list of several, or one value that is a
/// setting when labelled (`Port : 993`) or part of an instruction.
fn chain_mode(
    members: usize,
    join_mode: Mode,
    labelled: bool,
    required: impl FnOnce() -> bool,
) -> Mode {
    if members > 1 {
        if join_mode == Mode::Setting {
            Mode::Listing
        } else {
            join_mode
        }
    } else if labelled || required() {
        Mode::Setting
    } else {
        Mode::Listing
    }
}

fn prev_end_shift(r: Range<usize>, base: usize) -> Range<usize> {
    r.start + base..r.end + base
}

/// True when the word after `pos` is a unit ("25 Mo", "200 e-mails").
fn followed_by_unit(text: &str, pos: usize, vocab: &Vocabulary) -> bool {
    let rest = &text[pos..];
    let word_end = rest
        .char_indices()
        .skip_while(|(_, c)| c.is_whitespace())
        .find(|(_, c)| c.is_whitespace() || matches!(c, '.' | ',' | ';' | ')'))
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    vocab.units.starts(&rest[..word_end])
}

/// "… est un serveur : **POP3**": a server-type label followed by a protocol name.
fn protocol_labels(passage: &Passage<'_>, lex: Lexicon<'_>, out: &mut Vec<Raw>) {
    // The label is followed by a protocol name: text naming none has no label.
    if lex.protocol_mentions(passage).next().is_none() {
        return;
    }
    let text = passage.as_str();
    for label in lex.vocab.server_type.find_in(passage.vocab()) {
        let after = &text[label.end..];
        let skip = after
            .char_indices()
            .find(|(_, c)| !(c.is_whitespace() || matches!(c, ':' | '"' | '\'' | '*' | '«' | '»')))
            .map(|(i, _)| i)
            .unwrap_or(after.len());
        if skip > 12 {
            continue;
        }
        let named = passage.slice(label.end + skip..text.len());
        let Some((p, r)) = lex.protocol_mentions(&named).next() else {
            continue;
        };
        if r.start != 0 {
            continue;
        }
        let start = label.end + skip;
        let before = &text[..label.start];
        let line_start = before.rfind(['\n', '.']).map(|i| i + 1).unwrap_or(0);
        out.push(Raw {
            value: RawValue::Protocol(p),
            range: start..start + r.len(),
            protocol: None,
            direction: lex.direction(&passage.slice(line_start..label.end)),
            security: None,
            mode: Mode::Setting,
            bare: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Env {
        vocab: Vocabulary,
        protocols: Protocols,
    }

    fn env() -> Env {
        Env {
            vocab: Vocabulary::embedded().unwrap(),
            protocols: Protocols::embedded().unwrap(),
        }
    }

    fn ports(text: &str) -> Vec<u16> {
        let e = env();
        let lex = Lexicon::new(&e.vocab, &e.protocols);
        scan(&lex.passage(text), lex)
            .into_iter()
            .filter_map(|r| match r.value {
                RawValue::Port(p) => Some(p),
                _ => None,
            })
            .collect()
    }

    fn raws(text: &str) -> Vec<Raw> {
        let e = env();
        let lex = Lexicon::new(&e.vocab, &e.protocols);
        scan(&lex.passage(text), lex)
    }

    /// The matches of the token pattern, by the plain regex crate.
    fn token_reference(s: &str) -> Vec<Range<usize>> {
        let exact = Regex::new(
            r"(?i)(?:\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}\b)|(?:\b\d{1,5}\b)",
        )
        .unwrap();
        exact.find_iter(s).map(|m| m.range()).collect()
    }

    #[test]
    fn the_token_scanner_finds_what_the_token_regex_finds() {
        let texts = [
            "",
            "993",
            "Port 993, 995 ou 110 ; 123456 12345 0 00000",
            "pro1.mail.ovh.net ssl0.ovh.net: SSL0.OVH.NET. mail.example.com-x",
            "a.b.c a.bc a..bc -a.bc a-.bc a.-b.cd a.b-.cd ab.c1 ab.cd1 ab.cd_ x.co.uk.",
            "é993 993é 993_ _993 993.5 1.2.3 1.2.ab 1.ab2.cd 25Mo 25 Mo x.y.zz.",
            "café.com éa.com a.écom a.coé a.co-é host.name.fr/path user@host.fr",
            "ſsl.ovh.net \u{212A}.com 10 \u{212A}B ssl0.ovh.ne\u{17F}",
            "١٢٣ 12٣ ٣.com 123４ ４.ovh.net",
            "12.ovh.net 1-2.ovh.net 1--2.ovh.net 1-.ovh.net .ovh.net ovh. ovh.n",
            "www.ovh.com/fr/ https://www.ovh.com. mx1.mail.ovh.net,mx2.mail.ovh.net",
        ];
        for text in texts {
            assert_eq!(token_ranges(text), token_reference(text), "{text:?}");
            // Every part, as the scan reads sentences.
            for range in crate::vocab::every_slice(text) {
                let part = &text[range];
                assert_eq!(token_ranges(part), token_reference(part), "{part:?}");
            }
        }
    }

    #[test]
    fn token_characters_outside_ascii_are_all_known() {
        let letter = Regex::new(r"(?i)^[a-z0-9]$").unwrap();
        let digit = Regex::new(r"^\d$").unwrap();
        for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
            let s = c.to_string();
            if letter.is_match(&s) || digit.is_match(&s) {
                assert!(TOKEN_UNICODE.is_match(&s), "{c:?}");
            }
        }
    }

    #[test]
    fn key_value_port() {
        let r = raws("Port : 993");
        assert_eq!(r[0].value, RawValue::Port(993));
        assert_eq!(r[0].mode, Mode::Setting);
    }

    #[test]
    fn quoted_label_and_sentence() {
        assert_eq!(ports("\"Port\" : le port à renseigner est  995 ."), [995]);
    }

    #[test]
    fn alternatives_inherit_the_label() {
        let r = raws("Port serveur entrant : Le port du serveur entrant :  995  ou  110");
        assert_eq!(r.len(), 2);
        assert!(r.iter().all(|x| x.mode == Mode::Alternative));
        assert!(r.iter().all(|x| x.direction == Some(Direction::Incoming)));
    }

    #[test]
    fn prose_ports_with_security_after_them() {
        let r = raws(
            "Les ports 110 et 587 correspondent à la sécurisation SSL désactivée. Les ports 995 et 465 correspondent à la sécurisation SSL activée.",
        );
        let got: Vec<(RawValue, Option<Security>)> =
            r.into_iter().map(|x| (x.value, x.security)).collect();
        assert_eq!(
            got,
            [
                (RawValue::Port(110), Some(Security::Plain)),
                (RawValue::Port(587), Some(Security::Plain)),
                (RawValue::Port(995), Some(Security::Ssl)),
                (RawValue::Port(465), Some(Security::Ssl)),
            ]
        );
    }

    #[test]
    fn instruction_with_protocol_after_the_port() {
        let r = raws(
            "Il vous faut impérativement utiliser le port 587 en SMTP et cocher l'authentification pour le serveur sortant.",
        );
        assert_eq!(r[0].value, RawValue::Port(587));
        assert_eq!(r[0].protocol.as_ref().map(|p| p.0), Some(Protocol::Smtp));
        assert_eq!(r[0].direction, Some(Direction::Outgoing));
        assert_eq!(r[0].mode, Mode::Setting);
    }

    #[test]
    fn protocols_named_after_each_port() {
        let r =
            raws("Utilisez les ports 993 pour IMAP, 995 pour POP3 et 465 pour le serveur sortant.");
        let got: Vec<(RawValue, Option<Protocol>, Option<Direction>)> = r
            .into_iter()
            .map(|x| (x.value, x.protocol.map(|p| p.0), x.direction))
            .collect();
        assert_eq!(
            got,
            [
                (RawValue::Port(993), Some(Protocol::Imap), None),
                (RawValue::Port(995), Some(Protocol::Pop3), None),
                (RawValue::Port(465), None, Some(Direction::Outgoing)),
            ]
        );
    }

    #[test]
    fn numbers_that_are_not_ports() {
        assert!(ports("alors vous aurez droit à 100 comptes pop et non 110.").is_empty());
        assert!(ports("augmenter la taille de vos comptes e-mails de 25 Mo à 5Go.").is_empty());
        assert!(ports("200 e-mails / heure / compte et 300 e-mails / heure / IP.").is_empty());
        assert!(ports("[Outlook 2016](https://x){.external} sous Android 4.4").is_empty());
        assert!(ports("legacy_guide_number: 1474").is_empty());
        assert!(
            ports("Le port USB 3 accepte 25 Mo").is_empty()
                || ports("Le port USB 3 accepte 25 Mo") == [3]
        );
    }

    #[test]
    fn a_port_word_does_not_make_units_ports() {
        assert!(ports("Le port accepte 25 Mo par message").is_empty());
    }

    #[test]
    fn hosts_need_a_server_label() {
        let r = raws("Serveur entrant : Le serveur de réception des e-mails :  SSL0.OVH.NET");
        assert_eq!(r[0].value, RawValue::Host("SSL0.OVH.NET".into()));
        assert_eq!(r[0].direction, Some(Direction::Incoming));
        assert!(raws("Échangez avec notre communauté sur https://community.ovh.com.").is_empty());
        assert!(raws("mx1.ovh.net et mx2.ovh.net : anti-spam simple;").is_empty());
    }

    #[test]
    fn many_labels_on_one_line() {
        let text = "Serveur entrant : Le serveur de réception des e-mails :  SSL0.OVH.NET Port serveur entrant : Le port du serveur entrant :  995  ou  110 Serveur sortant : Le serveur d'envoi des e-mails :  SSL0.OVH.NET Port serveur sortant : Le port du serveur sortant :  465  ou  587";
        let got: Vec<(RawValue, Option<Direction>)> = raws(text)
            .into_iter()
            .map(|r| (r.value, r.direction))
            .collect();
        use Direction::*;
        assert_eq!(
            got,
            [
                (RawValue::Host("SSL0.OVH.NET".into()), Some(Incoming)),
                (RawValue::Port(995), Some(Incoming)),
                (RawValue::Port(110), Some(Incoming)),
                (RawValue::Host("SSL0.OVH.NET".into()), Some(Outgoing)),
                (RawValue::Port(465), Some(Outgoing)),
                (RawValue::Port(587), Some(Outgoing)),
            ]
        );
    }

    #[test]
    fn server_type_label() {
        let r = raws("Mon serveur de messagerie pour courrier entrant est un serveur :  POP3");
        assert_eq!(r[0].value, RawValue::Protocol(Protocol::Pop3));
        assert_eq!(r[0].direction, Some(Direction::Incoming));
    }

    #[test]
    fn server_label_naming_a_protocol() {
        let r = raws("\"Serveur POP3\" :  SSL0.OVH.NET");
        assert!(
            r.iter()
                .any(|x| x.value == RawValue::Protocol(Protocol::Pop3))
        );
        assert!(
            r.iter()
                .any(|x| matches!(&x.value, RawValue::Host(h) if h == "SSL0.OVH.NET"))
        );
    }

    #[test]
    fn english_forms() {
        let r = raws("Incoming server: mail.example.com, port 993 with SSL");
        assert!(
            r.iter()
                .any(|x| x.value == RawValue::Port(993) && x.security == Some(Security::Ssl))
        );
        assert!(r.iter().any(|x| matches!(&x.value, RawValue::Host(_))));
    }
}
