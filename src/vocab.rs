//! Vocabularies: the words guides use around mail settings, one YAML file per
//! language in `rules/vocab/`, compiled into matchers once per run.
//!
//! All loaded languages are merged: a French guide quoting an English label, or
//! a guide whose language is unknown, is still understood. Adding a language is
//! adding a file.

use std::ops::Range;

use aho_corasick::AhoCorasick;
use regex::Regex;
use regex_automata::{Anchored, Input, meta};
use regex_syntax::hir::{ClassUnicode, ClassUnicodeRange};
use serde::Deserialize;

use crate::data::{self, DataError};

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
#[derive(Debug, Clone)]
pub struct WordRegex {
    loose: Regex,
    exact: meta::Regex,
    gate: Option<Gate>,
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

/// `word` in each spelling `(?i)` matches that an ASCII-case-insensitive
/// search does not already cover (`é`/`É`, `s`/`ſ`, and `s` for `ſ`, `k` for
/// the Kelvin sign); `None` past 64.
fn case_variants(word: &str) -> Option<Vec<String>> {
    let mut out = vec![String::new()];
    for c in word.chars() {
        let mut class = ClassUnicode::new([ClassUnicodeRange::new(c, c)]);
        class.case_fold_simple();
        let mut forms: Vec<char> = vec![c.to_ascii_lowercase()];
        for range in class.iter() {
            for f in range.start()..=range.end() {
                // ASCII forms once, lowercase: the search ignores ASCII case.
                forms.push(f.to_ascii_lowercase());
            }
        }
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
    fn phrases_with_long_s_or_kelvin_sign_find_what_the_regex_finds() {
        let phrases: Vec<String> = vec!["ſsl".into(), "\u{212A}b".into()];
        let m = Matcher::new(&phrases).unwrap();
        let exact = regex::Regex::new(r"(?i)\bſsl\b|\b\u{212A}b\b").unwrap();
        for text in ["SSL et ssl", "10 kB, 10 \u{212A}B", "ſſl ſsl", "sslx kbps"] {
            let want: Vec<Range<usize>> = exact.find_iter(text).map(|m| m.range()).collect();
            assert_eq!(m.find_iter(text).collect::<Vec<_>>(), want, "{text}");
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
}

/// The first word of a phrase: what every match of it starts with.
fn first_word(phrase: &str) -> &str {
    let phrase = phrase.trim();
    let end = phrase
        .find(|c: char| c.is_whitespace() || matches!(c, '\'' | '’'))
        .unwrap_or(phrase.len());
    &phrase[..end]
}

impl WordRegex {
    /// Compiles `exact` and `loose`, which must be `exact` without its `\b`s.
    pub fn new(exact: &str, loose: &str) -> Result<WordRegex, String> {
        let loose = Regex::new(loose).map_err(|e| e.to_string())?;
        // Anchored confirmations are short: the PikeVM needs no per-search
        // memory proportional to the rest of the text, the backtracker does.
        let exact = meta::Regex::builder()
            .configure(meta::Config::new().backtrack(false))
            .build(exact)
            .map_err(|e| e.to_string())?;
        Ok(WordRegex {
            loose,
            exact,
            gate: None,
        })
    }

    /// This regex behind `gate`: searches in a text the gate keeps closed find nothing.
    pub fn gated(mut self, gate: Option<Gate>) -> WordRegex {
        self.gate = gate;
        self
    }

    /// The byte ranges of the exact pattern's successive non-overlapping matches.
    pub fn find_iter<'a>(&'a self, text: &'a str) -> impl Iterator<Item = Range<usize>> + 'a {
        let closed = self.gate.as_ref().is_some_and(|g| !g.open(text));
        let mut pos = if closed { text.len() + 1 } else { 0 };
        std::iter::from_fn(move || {
            while pos <= text.len() {
                let start = self.loose.find_at(text, pos)?.start();
                let input = Input::new(text).range(start..).anchored(Anchored::Yes);
                if let Some(hit) = self.exact.find(input) {
                    pos = if hit.is_empty() {
                        next_char(text, hit.end())
                    } else {
                        hit.end()
                    };
                    return Some(hit.range());
                }
                pos = next_char(text, start);
            }
            None
        })
    }

    /// True when the exact pattern matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.find_iter(text).next().is_some()
    }

    /// The exact pattern's match starting at `at`, if any (the text before
    /// `at` still counts for `\b`).
    pub fn match_at(&self, text: &str, at: usize) -> Option<Range<usize>> {
        let input = Input::new(text).range(at..).anchored(Anchored::Yes);
        self.exact.find(input).map(|m| m.range())
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
}

impl Matcher {
    /// Compiles `phrases` (longest first, so the longest phrase wins at a position).
    pub fn new(phrases: &[String]) -> Result<Matcher, regex::Error> {
        let mut phrases: Vec<&String> = phrases.iter().filter(|p| !p.trim().is_empty()).collect();
        if phrases.is_empty() {
            return Ok(Matcher { re: None });
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
        .gated(Gate::new(phrases.iter().map(|p| first_word(p))));
        Ok(Matcher { re: Some(re) })
    }

    /// The byte ranges of every match in `text`.
    pub fn find_iter<'a>(&'a self, text: &'a str) -> impl Iterator<Item = Range<usize>> + 'a {
        self.re.iter().flat_map(move |re| re.find_iter(text))
    }

    /// True when a phrase occurs in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.re.as_ref().is_some_and(|re| re.is_match(text))
    }

    /// True when `text` starts with a phrase (after leading spaces).
    pub fn starts(&self, text: &str) -> bool {
        let lead = text.len() - text.trim_start().len();
        self.re
            .as_ref()
            .is_some_and(|re| re.match_at(text, lead).is_some())
    }
}

/// A regex for one phrase: whole words (unless `!words`), flexible spaces, both apostrophes.
fn phrase_pattern(phrase: &str, words: bool) -> String {
    let phrase = phrase.trim();
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
    if words && last.is_alphanumeric() {
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
}

impl Vocabulary {
    /// The vocabularies shipped in `rules/vocab/`.
    pub fn embedded() -> Result<Vocabulary, DataError> {
        Self::from_sources(
            data::VOCABULARIES
                .iter()
                .map(|(f, t)| (f.to_string(), t.to_string())),
        )
    }

    /// Loads and merges vocabulary files given as (file name, text).
    pub fn from_sources(
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
