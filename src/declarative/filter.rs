//! Which declarative rules may match in which texts of a guide, decided once per guide.
//!
//! Most rules match in few guides, and in few texts of those. Every match of a
//! rule holds one of a few literals (extracted from its patterns), so one
//! search for all the literals over the guide's texts joined by line breaks
//! (ASCII-lowercased) tells, for each rule, the texts it may match in; the
//! rule is then searched in those texts only, exactly as before. The literal
//! search holds the rules that apply to the guide's kind and language only.
//! It is a filter only: it never changes a hit, only skips texts without any.

use aho_corasick::{AhoCorasick, Input, MatchKind};
use regex::Regex;
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{
    Capture, Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind,
    Look, Repetition,
};

use std::sync::OnceLock;

use super::compile::CompiledRule;
use super::model::KindName;
use super::scan::Segment;

/// The rules a guide may trigger, found in one scan of its texts (plus one per
/// rule without literals).
#[derive(Debug, Clone)]
pub struct GuideFilter {
    /// Per rule: the literals every match starts or ends with (ASCII
    /// lowercase), when the rule is filtered by them.
    literals: Vec<Option<Vec<Vec<u8>>>>,
    /// The rules without such literals, with their prefilter regex.
    regexes: Vec<(usize, Regex)>,
    /// Per rule: true when the filter cannot speak for it (it always runs).
    always: Vec<bool>,
    /// Per rule: the guide kinds and languages it applies to (empty: all).
    applies: Vec<(Vec<KindName>, Vec<String>)>,
    /// The languages the rules name, sorted.
    languages: Vec<String>,
    /// One literal search per guide profile (kind, language; see
    /// [`GuideFilter::profile`]) over the literals of the rules that apply to
    /// it, built when first needed.
    searchers: Vec<OnceLock<Searcher>>,
}

/// One search for the literals of several rules at once.
#[derive(Debug, Clone)]
enum Searcher {
    /// The automaton (leftmost-longest, over lowercase text) and the rules
    /// of each pattern.
    Literals(AhoCorasick, Vec<Vec<usize>>),
    /// No rule of the profile has literals.
    Nothing,
    /// Too big to build: the rules with literals run on every segment.
    TooBig,
}

/// Literals one of which every match of `hir` holds, ASCII-lowercased (the
/// search is over ASCII-lowercased text), when they are few and long enough
/// to be worth it (see [`contained`]).
fn literals(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    contained(&fold_ascii_case(hir), 0)
}

/// The best literal set (by [`score`]) of which every match of `hir` (already
/// case-folded) holds one: its prefixes or suffixes; for a sequence, the
/// literals of any one of its parts (every match of the sequence holds a
/// match of each part); for an alternation, the union of one set per branch
/// (a match is a match of one branch). So "turn off … SSL | SSL … must be
/// unticked" is filtered by the verbs of the first branch and by "must be"
/// of the second, not by the common "SSL".
fn contained(hir: &Hir, depth: usize) -> Option<Vec<Vec<u8>>> {
    let mut best = affixes(hir);
    if depth > 8 {
        return best;
    }
    let mut consider = |set: Option<Vec<Vec<u8>>>| {
        if let Some(set) = set
            && best.as_ref().is_none_or(|b| better(&set, b))
        {
            best = Some(set);
        }
    };
    match hir.kind() {
        HirKind::Capture(cap) => consider(contained(&cap.sub, depth + 1)),
        HirKind::Repetition(rep) if rep.min > 0 => consider(contained(&rep.sub, depth + 1)),
        HirKind::Concat(parts) => {
            for part in parts {
                consider(contained(part, depth + 1));
            }
        }
        HirKind::Alternation(branches) => {
            let union: Option<Vec<Vec<u8>>> = branches
                .iter()
                .map(|b| contained(b, depth + 1))
                .try_fold(Vec::new(), |mut all, set| {
                    all.extend(set?);
                    Some(all)
                });
            consider(union.map(|mut union| {
                union.sort();
                union.dedup();
                minimal(union)
            }));
        }
        _ => {}
    }
    best.filter(|set| worth_it(set))
}

/// True when a literal set is worth a search: no literal shorter than two
/// bytes, not too many literals.
fn worth_it(lits: &[Vec<u8>]) -> bool {
    lits.iter().map(Vec::len).min().is_some_and(|n| n >= 2) && lits.len() <= 1024
}

/// The score of a literal set: its shortest literal's length, up to four
/// bytes (past four a longer literal is hardly rarer, while more literals
/// make a slower search), then fewer literals (by eights: one more literal
/// hardly costs), then the shortest literal's length again (`e-mail` and
/// `email` find fewer texts than `mail`).
fn score(lits: &[Vec<u8>]) -> (usize, std::cmp::Reverse<usize>, usize) {
    let shortest = lits.iter().map(Vec::len).min().unwrap_or(0);
    (
        shortest.min(4),
        std::cmp::Reverse(lits.len().div_ceil(8)),
        shortest,
    )
}

/// True when literal set `a` makes a better filter than `b`.
fn better(a: &[Vec<u8>], b: &[Vec<u8>]) -> bool {
    score(a) > score(b)
}

/// The literals every match of `hir` (already case-folded) starts with, or
/// every match ends with, prefixes cut to [`LITERAL_BYTES`]. Of the sets the
/// extractor gives under a few limits, the one with the best [`score`]
/// wins; on a tie, the prefixes. Literals holding another of the set are
/// left out: a text holding them holds the other.
fn affixes(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let mut best: Option<Vec<Vec<u8>>> = None;
    for kind in [ExtractKind::Prefix, ExtractKind::Suffix] {
        for class in [8, 32] {
            let seq = Extractor::new()
                .kind(kind.clone())
                .limit_class(class)
                .extract(hir);
            let Some(lits) = seq.literals() else { continue };
            let prefix = matches!(kind, ExtractKind::Prefix);
            let mut bytes: Vec<Vec<u8>> = lits
                .iter()
                .map(|l| truncated(l.as_bytes(), prefix).to_ascii_lowercase())
                .collect();
            bytes.sort();
            bytes.dedup();
            let bytes = minimal(bytes);
            if !worth_it(&bytes) {
                continue;
            }
            if best.as_ref().is_none_or(|b| better(&bytes, b)) {
                best = Some(bytes);
            }
        }
    }
    best
}

/// The longest prefix literal kept, in bytes. A longer literal is hardly
/// rarer in text, and cutting the literals of a rule to their start merges
/// many (`desactivar`, `desactive` are both `desact`): fewer literals keep
/// the search on its fastest path (up to 64 patterns).
const LITERAL_BYTES: usize = 6;

/// `lit` cut to its first [`LITERAL_BYTES`] bytes when it is a `prefix`
/// (a suffix is kept whole: the ends of words vary more than their starts).
/// The cut may fall inside a character: the search is over bytes.
fn truncated(lit: &[u8], prefix: bool) -> &[u8] {
    let n = lit.len().min(LITERAL_BYTES);
    if prefix { &lit[..n] } else { lit }
}

/// `lits` without the literals that hold another one.
fn minimal(lits: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    lits.iter()
        .filter(|lit| {
            !lits
                .iter()
                .any(|other| other.len() < lit.len() && contains(lit, other))
        })
        .cloned()
        .collect()
}

/// The letters outside ASCII that a case-insensitive pattern matches for an
/// ASCII letter, with that letter.
const FOLDING_TO_ASCII: [(char, u8); 2] = [('\u{17F}', b's'), ('\u{212A}', b'k')];

/// The ASCII capitals that a class holds (`has`) along with their small letter.
fn capitals_of_both_cases(has: impl Fn(u8) -> bool) -> impl Iterator<Item = u8> {
    (b'A'..=b'Z').filter(move |&upper| has(upper) && has(upper.to_ascii_lowercase()))
}

/// `hir` with each ASCII capital taken out of the classes that also hold its
/// small letter (`[eE]` becomes `e`), so that case-insensitive patterns do
/// not multiply into every capitalisation of their literals.
///
/// The two letters outside ASCII that fold to ASCII ones (`ſ` to `s`, the
/// Kelvin sign to `k`) are taken out too, beside their letter: a text
/// holding either is searched by every rule (see
/// [`GuideFilter::candidates`]), so the literals need not spell them, which
/// halves their number.
///
/// For every match `m` of `hir` in a text without those two letters there is
/// a match of the result that reads the same as `m` once both are
/// ASCII-lowercased, so the lowercased literals of the result are literals
/// of the lowercased matches of `hir`.
fn fold_ascii_case(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Class(Class::Unicode(class)) => {
            let has = |b: u8| {
                let c = char::from(b);
                class
                    .ranges()
                    .iter()
                    .any(|r| r.start() <= c && c <= r.end())
            };
            let others = FOLDING_TO_ASCII
                .iter()
                .filter(|&&(_, ascii)| has(ascii))
                .map(|&(other, _)| ClassUnicodeRange::new(other, other));
            let capitals = ClassUnicode::new(
                capitals_of_both_cases(has)
                    .map(|u| ClassUnicodeRange::new(char::from(u), char::from(u)))
                    .chain(others),
            );
            let mut folded = class.clone();
            folded.difference(&capitals);
            Hir::class(Class::Unicode(folded))
        }
        HirKind::Class(Class::Bytes(class)) => {
            let has = |b: u8| {
                class
                    .ranges()
                    .iter()
                    .any(|r| r.start() <= b && b <= r.end())
            };
            let capitals =
                ClassBytes::new(capitals_of_both_cases(has).map(|u| ClassBytesRange::new(u, u)));
            let mut folded = class.clone();
            folded.difference(&capitals);
            Hir::class(Class::Bytes(folded))
        }
        HirKind::Repetition(rep) => Hir::repetition(Repetition {
            sub: Box::new(fold_ascii_case(&rep.sub)),
            ..rep.clone()
        }),
        HirKind::Capture(cap) => Hir::capture(Capture {
            sub: Box::new(fold_ascii_case(&cap.sub)),
            ..cap.clone()
        }),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(fold_ascii_case).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(fold_ascii_case).collect()),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Look(_) => hir.clone(),
    }
}

impl GuideFilter {
    /// The filter for `rules`, or `None` when no rule can use it.
    pub fn new(rules: &[CompiledRule]) -> Option<GuideFilter> {
        let mut literal_sets = vec![None; rules.len()];
        let mut regexes = Vec::new();
        let mut always = vec![true; rules.len()];
        for (i, rule) in rules.iter().enumerate() {
            // A rule with a minimum count reports guides without any match.
            if rule.min.is_some() {
                continue;
            }
            let Some(prefilter) = &rule.prefilter else {
                continue;
            };
            let Ok(hir) = regex_syntax::ParserBuilder::new()
                .case_insensitive(rule.ignore_case)
                .build()
                .parse(prefilter.as_str())
            else {
                continue;
            };
            if !joinable(&hir) {
                continue;
            }
            always[i] = false;
            match literals(&hir) {
                Some(lits) => literal_sets[i] = Some(lits),
                None => regexes.push((i, prefilter.clone())),
            }
        }
        if literal_sets.iter().all(Option::is_none) && regexes.is_empty() {
            return None;
        }
        let mut languages: Vec<String> = rules
            .iter()
            .flat_map(|r| r.languages.iter().cloned())
            .collect();
        languages.sort();
        languages.dedup();
        let profiles = 2 * (languages.len() + 2);
        Some(GuideFilter {
            literals: literal_sets,
            regexes,
            always,
            applies: rules
                .iter()
                .map(|r| (r.kinds.clone(), r.languages.clone()))
                .collect(),
            languages,
            searchers: (0..profiles).map(|_| OnceLock::new()).collect(),
        })
    }

    /// The profile of a guide of `kind` in `language`: guides of one profile
    /// are checked by the same rules.
    fn profile(&self, kind: KindName, language: Option<&str>) -> usize {
        let lang = match language {
            Some(l) => self
                .languages
                .iter()
                .position(|known| known == l)
                .unwrap_or(self.languages.len()),
            None => self.languages.len() + 1,
        };
        let kind = match kind {
            KindName::Markdown => 0,
            KindName::Plaintext => 1,
        };
        kind * (self.languages.len() + 2) + lang
    }

    /// True when rule `rule` checks guides of `kind` in `language` (as
    /// [`super::RuleSet::check_guide`] decides: a guide of unknown language
    /// is checked by every rule).
    fn applies(&self, rule: usize, kind: KindName, language: Option<&str>) -> bool {
        self.applies.get(rule).is_none_or(|(kinds, languages)| {
            (kinds.is_empty() || kinds.contains(&kind))
                && (languages.is_empty()
                    || language.is_none_or(|l| languages.iter().any(|x| x == l)))
        })
    }

    /// The literal search for the rules that apply to guides of `kind` in `language`.
    fn searcher(&self, kind: KindName, language: Option<&str>) -> &Searcher {
        let build = || {
            let sets = self.literals.iter().enumerate().filter_map(|(rule, lits)| {
                let lits = lits.as_ref()?;
                self.applies(rule, kind, language).then_some((rule, lits))
            });
            let (patterns, rules_of) = patterns(sets);
            if patterns.is_empty() {
                return Searcher::Nothing;
            }
            match AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&patterns)
            {
                Ok(ac) => Searcher::Literals(ac, rules_of),
                Err(_) => Searcher::TooBig,
            }
        };
        match self.searchers.get(self.profile(kind, language)) {
            Some(slot) => slot.get_or_init(build),
            None => &Searcher::TooBig,
        }
    }

    /// For each rule, the segments of a guide of `kind` in `language` it may
    /// match in.
    ///
    /// A match of a rule in a segment holds one of the rule's literals inside
    /// that segment, so the literals found in the joined texts, mapped back to
    /// the segments they start in, name every segment a literal rule may match
    /// in; a rule without literals may match in every segment if its
    /// prefilter matches the joined texts, else in none. Rules that do not
    /// apply to the guide match nowhere.
    pub fn candidates(
        &self,
        segments: &[Segment<'_>],
        kind: KindName,
        language: Option<&str>,
    ) -> Candidates {
        let len = segments.iter().map(|s| s.text().len() + 1).sum();
        let mut joined = String::with_capacity(len);
        // Where each segment's text ends in `joined` (a `\n` follows it).
        let mut ends = Vec::with_capacity(segments.len());
        for s in segments {
            joined.push_str(s.text());
            ends.push(joined.len());
            joined.push('\n');
        }
        let searcher = self.searcher(kind, language);
        let mut per_rule: Vec<Option<Vec<u32>>> = (0..self.always.len())
            .map(|rule| {
                let too_big = matches!(searcher, Searcher::TooBig) && self.literals[rule].is_some();
                let gated = !(self.always[rule] || too_big);
                (gated || !self.applies(rule, kind, language)).then(Vec::new)
            })
            .collect();
        for (rule, re) in &self.regexes {
            if !self.applies(*rule, kind, language) {
                continue;
            }
            if let Some(slot) = per_rule.get_mut(*rule) {
                *slot = if re.is_match(&joined) {
                    None
                } else {
                    Some(Vec::new())
                };
            }
        }
        // The literals do not spell the letters that fold to ASCII ones (see
        // `fold_ascii_case`): a text holding one is searched by every rule.
        let folds_to_ascii = FOLDING_TO_ASCII
            .iter()
            .any(|&(other, _)| joined.contains(other.encode_utf8(&mut [0; 4]) as &str));
        if folds_to_ascii {
            for (rule, slot) in per_rule.iter_mut().enumerate() {
                if self.literals[rule].is_some() && self.applies(rule, kind, language) {
                    *slot = None;
                }
            }
        } else if let Searcher::Literals(ac, rules_of) = searcher {
            // The literals are lowercase: so is the text searched.
            joined.make_ascii_lowercase();
            // Every position where a literal starts: the longest literal found
            // there names the rules of all the others (see `patterns`).
            let mut at = 0;
            while let Some(m) = ac.find(Input::new(&joined).span(at..joined.len())) {
                at = m.start() + 1;
                // The segment the match starts in. A match running past its
                // end (over the line break) still counts for it: a shorter
                // literal may stop inside, and the filter may keep too much.
                let seg = ends.partition_point(|&end| end < m.start());
                if ends.get(seg).is_none_or(|&end| end == m.start()) {
                    // It starts on a line break: no literal starting there is
                    // inside a segment.
                    continue;
                }
                let seg = seg as u32;
                for &rule in rules_of.get(m.pattern().as_usize()).into_iter().flatten() {
                    if let Some(Some(list)) = per_rule.get_mut(rule)
                        && list.last() != Some(&seg)
                    {
                        list.push(seg);
                    }
                }
            }
            for list in per_rule.iter_mut().flatten() {
                list.sort_unstable();
                list.dedup();
            }
        }
        Candidates { per_rule }
    }
}

/// The segments each rule of a guide may match in (see [`GuideFilter::candidates`]).
#[derive(Debug, Clone)]
pub struct Candidates {
    /// Per rule: the indices of the segments, in order, or `None` for all.
    per_rule: Vec<Option<Vec<u32>>>,
}

impl Candidates {
    /// The segments rule `rule` may match in, in order; `None` when it may
    /// match in any (an empty list: in none).
    pub fn segments(&self, rule: usize) -> Option<&[u32]> {
        self.per_rule.get(rule).and_then(|s| s.as_deref())
    }
}

/// The patterns of one literal search over the literal sets of `sets`
/// (rule, literals), and the rules each pattern stands for.
///
/// A rule keeps only its literals that hold none of its other literals (a
/// text holding the longer one holds the shorter one). The search finds, at
/// each position, the longest pattern starting there; every other pattern
/// starting there is a prefix of it, so each pattern also stands for the
/// rules of its prefixes.
fn patterns<'a>(
    sets: impl Iterator<Item = (usize, &'a Vec<Vec<u8>>)>,
) -> (Vec<Vec<u8>>, Vec<Vec<usize>>) {
    let mut by_pattern: std::collections::BTreeMap<Vec<u8>, Vec<usize>> = Default::default();
    for (rule, lits) in sets {
        for lit in lits {
            let redundant = lits
                .iter()
                .any(|other| other.len() < lit.len() && contains(lit, other));
            if !redundant {
                by_pattern.entry(lit.clone()).or_default().push(rule);
            }
        }
    }
    let patterns: Vec<Vec<u8>> = by_pattern.keys().cloned().collect();
    let rules_of = patterns
        .iter()
        .map(|p| {
            let mut rules: Vec<usize> = by_pattern
                .iter()
                .filter(|(q, _)| p.starts_with(q))
                .flat_map(|(_, rules)| rules.iter().copied())
                .collect();
            rules.sort_unstable();
            rules.dedup();
            rules
        })
        .collect();
    (patterns, rules_of)
}

/// True when `needle` occurs in `hay`.
fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// True when a match of `hir` in one text is also a match in the texts
/// joined by `\n`: it does not assert the start or end of the whole text (`^`,
/// `$` without multi-line mode, `\A`, `\z`).
fn joinable(hir: &Hir) -> bool {
    let looks = hir.properties().look_set();
    !(looks.contains(Look::Start) || looks.contains(Look::End))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hir(pattern: &str) -> Hir {
        regex_syntax::parse(pattern).unwrap()
    }

    #[test]
    fn whole_text_anchors_cannot_be_joined() {
        assert!(joinable(&hir(r"(?:e-?mail)")));
        assert!(joinable(&hir(r"(?m)^Note")));
        assert!(joinable(&hir(r"[^a-z]x")));
        assert!(!joinable(&hir(r"^Note")));
        assert!(!joinable(&hir(r"end$")));
        assert!(!joinable(&hir(r"\Astart")));
    }

    #[test]
    fn literals_every_match_holds() {
        // No literal starts a match, but every match ends with one.
        let ac = AhoCorasick::new(literals(&hir(r"\p{L}*[aeiouy]b l(?:e|es)")).unwrap()).unwrap();
        assert!(ac.is_match("une tab les"));
        assert!(ac.is_match("ab le"));
        assert!(!ac.is_match("table ronde"));
        let ac = AhoCorasick::new(literals(&hir(r"(?i)e-mails?")).unwrap()).unwrap();
        assert!(ac.is_match("adresse e-mail"));
        assert!(!ac.is_match("emails"));
        // Too short to be worth it: the regex is used.
        assert!(literals(&hir(r"[a-z]+")).is_none());
    }

    fn parsed_ignoring_case(pattern: &str) -> Hir {
        regex_syntax::ParserBuilder::new()
            .case_insensitive(true)
            .build()
            .parse(pattern)
            .unwrap()
    }

    #[test]
    fn literals_may_come_from_any_part_and_each_branch() {
        let parsed = parsed_ignoring_case;
        let strings = |lits: Vec<Vec<u8>>| -> Vec<String> {
            lits.into_iter()
                .map(|l| String::from_utf8_lossy(&l).into_owned())
                .collect()
        };
        // The common "SSL" a branch starts with is not used: the verbs of the
        // first branch and the "must be" of the second are.
        let lits = strings(
            literals(&parsed(
                r"\b(?:disable|uncheck)\b[^.]{0,40}?\bSSL\b|\bSSL\b[^.]{0,60}?\b(?:must|should)\s+be\s+(?:unticked|cleared)",
            ))
            .unwrap(),
        );
        assert!(!lits.iter().any(|l| l.contains("ssl")), "{lits:?}");
        for text in [
            "disable the SSL",
            "uncheck SSL",
            "SSL must be cleared",
            "SSL should be unticked",
        ] {
            assert!(
                lits.iter()
                    .any(|l| text.to_lowercase().contains(l.as_str())),
                "{text} {lits:?}"
            );
        }
        // The forms of a word share one literal.
        let lits = literals(&parsed(
            r"\b(?:desactivar|desactive|desactivado|desactivada|desactivo|desactivas|desactivan|desactivamos|desactivéis|desactivaste)\b",
        ))
        .unwrap();
        assert_eq!(strings(lits), ["desactiv"]);
        // A branch without literals leaves the whole pattern to its own.
        assert!(literals(&parsed(r"\bSSL\b|\w+")).is_none());
    }

    #[test]
    fn a_text_with_a_letter_folding_to_ascii_is_searched_by_every_rule() {
        let set = crate::declarative::RuleSet::embedded().unwrap();
        let vocab = crate::vocab::Vocabulary::embedded().unwrap();
        // `ſ` is an `s` to a case-insensitive rule: "e-maiſ" is not, but
        // "paſſword" is the password rule's word.
        let text = "# Titre\n\nMot de paſſe : `Azerty123!`\n";
        let guide = crate::guide::Guide::parse(text, crate::guide::GuideKind::Markdown, &vocab);
        let segments = segments_of(&guide, text);
        let filter = GuideFilter::new(set.rules()).unwrap();
        let candidates = filter.candidates(&segments, KindName::Markdown, Some("fr"));
        let index = |code: &str| set.rules().iter().position(|r| r.code == code).unwrap();
        assert_eq!(candidates.segments(index("GL511")), None);
        assert_eq!(candidates.segments(index("GL504")), None);
    }

    #[test]
    fn capitals_are_folded_away_before_extraction() {
        let parsed = parsed_ignoring_case;
        // One literal per spelling instead of one per capitalisation, none
        // with `ſ` (which folds to `s`); the case-sensitive part is kept.
        let lits = literals(&parsed(r"sms(?-i:Pro)")).unwrap();
        let expected: Vec<Vec<u8>> = ["smspro"].iter().map(|l| l.as_bytes().to_vec()).collect();
        assert_eq!(lits, expected);
        // Classes with capitals only keep them.
        let folded = fold_ascii_case(&parsed(r"(?-i:[A-Z])x"));
        assert!(
            regex::Regex::new(&folded.to_string())
                .unwrap()
                .is_match("Qx")
        );
    }

    fn segments_of<'a>(guide: &'a crate::guide::Guide, text: &'a str) -> Vec<Segment<'a>> {
        super::super::scan::segments(guide, text)
    }

    #[test]
    fn each_rule_searches_the_segments_holding_its_literals() {
        let set = crate::declarative::RuleSet::embedded().unwrap();
        let vocab = crate::vocab::Vocabulary::embedded().unwrap();
        let text = "# Titre\n\nVotre adresse E-MAIL.\n\nAucun mot ici.\n\nUn autre e-mail\n";
        let guide = crate::guide::Guide::parse(text, crate::guide::GuideKind::Markdown, &vocab);
        let segments = segments_of(&guide, text);
        let filter = GuideFilter::new(set.rules()).unwrap();
        let candidates = filter.candidates(&segments, KindName::Markdown, Some("fr"));
        let index = |code: &str| set.rules().iter().position(|r| r.code == code).unwrap();
        // The French e-mail rule: the second and fourth segments only.
        assert_eq!(candidates.segments(index("GL511")), Some(&[1, 3][..]));
        // The English one does not apply to a French guide.
        assert_eq!(candidates.segments(index("GL521")), Some(&[][..]));
        // Nothing for a rule whose literals are absent.
        assert_eq!(candidates.segments(index("GL510")), Some(&[][..]));
    }

    /// The hits of every rule with the filter equal those without it, on
    /// every guide of `fixtures/` and, when `GUIDELINT_FILTER_CORPUS` names a
    /// folder, on its guides too.
    #[test]
    fn filtered_hits_equal_unfiltered_hits() {
        let set = crate::declarative::RuleSet::embedded().unwrap();
        let vocab = crate::vocab::Vocabulary::embedded().unwrap();
        let filter = GuideFilter::new(set.rules()).unwrap();
        let mut roots = vec![format!("{}/fixtures", env!("CARGO_MANIFEST_DIR"))];
        roots.extend(std::env::var("GUIDELINT_FILTER_CORPUS"));
        let mut guides = 0;
        for file in crate::discover::discover(&roots).unwrap() {
            let path = file.path;
            let kind = crate::engine::kind_of(&path);
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            guides += 1;
            let guide = crate::guide::Guide::parse(&text, kind, &vocab);
            let segments = segments_of(&guide, &text);
            let name = match kind {
                crate::guide::GuideKind::Markdown => KindName::Markdown,
                crate::guide::GuideKind::PlainText => KindName::Plaintext,
            };
            // Every profile, so that rules of other languages are tried too.
            for language in [None, Some("fr"), Some("en"), Some("de")] {
                let candidates = filter.candidates(&segments, name, language);
                for (i, rule) in set.rules().iter().enumerate() {
                    if !filter.applies(i, name, language) {
                        continue;
                    }
                    let all = super::super::scan::hits(rule, &segments);
                    let only = candidates.segments(i);
                    let some = super::super::scan::hits_in(rule, &segments, only);
                    let key = |h: &super::super::scan::Hit| {
                        (
                            h.span.clone(),
                            h.text.clone(),
                            h.right.clone(),
                            h.replacement.clone(),
                            h.spelling,
                        )
                    };
                    assert_eq!(
                        all.iter().map(key).collect::<Vec<_>>(),
                        some.iter().map(key).collect::<Vec<_>>(),
                        "{} {} {language:?}",
                        path.display(),
                        rule.code
                    );
                }
            }
        }
        assert!(guides > 10, "{guides}");
    }
}
