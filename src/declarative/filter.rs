//! Which declarative rules may match in a guide at all, decided once per guide.
//!
//! Most rules match in few guides. Running each rule's prefilter over each
//! text of each guide is thousands of small searches per guide; running it
//! once over the guide's texts joined by line breaks rules a rule out with a
//! single search. It is a filter only: a rule it keeps is still searched text
//! by text, exactly.

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use regex::Regex;
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, Look};

use super::compile::CompiledRule;
use super::scan::Segment;

/// The rules a guide may trigger, found in one scan of its texts (plus one per
/// rule without literals).
#[derive(Debug, Clone)]
pub struct GuideFilter {
    /// One search for the literals every match of a rule starts or ends
    /// with, for all such rules at once, and the rule of each literal.
    literals: Option<(AhoCorasick, Vec<usize>)>,
    /// The rules without such literals, with their prefilter regex.
    regexes: Vec<(usize, Regex)>,
    /// Per rule: true when the filter cannot speak for it (it always runs).
    always: Vec<bool>,
}

/// The literals every match of `hir` starts with, or every match ends with,
/// ASCII-lowercased (the search ignores ASCII case), when they are few and long
/// enough to be worth it. Of the sets the extractor gives under a few limits,
/// the one whose shortest literal is longest wins (on a tie, the prefixes, then
/// the smaller set).
fn literals(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let mut best: Option<(usize, bool, usize, Vec<Vec<u8>>)> = None;
    for kind in [ExtractKind::Prefix, ExtractKind::Suffix] {
        for (class, total) in [(8, 250), (32, 250), (8, 4096), (32, 4096)] {
            let seq = Extractor::new()
                .kind(kind.clone())
                .limit_class(class)
                .limit_total(total)
                .extract(hir);
            let Some(lits) = seq.literals() else { continue };
            let mut bytes: Vec<Vec<u8>> = lits
                .iter()
                .map(|l| l.as_bytes().to_ascii_lowercase())
                .collect();
            bytes.sort();
            bytes.dedup();
            let Some(shortest) = bytes.iter().map(Vec::len).min() else {
                continue;
            };
            if shortest < 2 || bytes.len() > 1024 {
                continue;
            }
            let prefix = matches!(kind, ExtractKind::Prefix);
            let better = best.as_ref().is_none_or(|(s, p, n, _)| {
                (shortest, prefix, std::cmp::Reverse(bytes.len())) > (*s, *p, std::cmp::Reverse(*n))
            });
            if better {
                best = Some((shortest, prefix, bytes.len(), bytes));
            }
        }
    }
    best.map(|(_, _, _, bytes)| bytes)
}

impl GuideFilter {
    /// The filter for `rules`, or `None` when no rule can use it.
    pub fn new(rules: &[CompiledRule]) -> Option<GuideFilter> {
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut rule_of = Vec::new();
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
                Some(lits) => {
                    rule_of.extend(std::iter::repeat_n(i, lits.len()));
                    patterns.extend(lits);
                }
                None => regexes.push((i, prefilter.clone())),
            }
        }
        let literals = if patterns.is_empty() {
            None
        } else {
            match AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::DFA))
                .ascii_case_insensitive(true)
                .build(&patterns)
            {
                Ok(ac) => Some((ac, rule_of)),
                Err(_) => {
                    // Too big for a DFA: every rule runs.
                    always = vec![true; rules.len()];
                    None
                }
            }
        };
        (literals.is_some() || !regexes.is_empty()).then_some(GuideFilter {
            literals,
            regexes,
            always,
        })
    }

    /// For each rule, the segments it may match in.
    ///
    /// A match of a rule in a segment holds one of the rule's literals inside
    /// that segment, so the literals found in the joined texts, mapped back to
    /// the segments they lie in, name every segment a literal rule may match
    /// in; a rule without literals may match in every segment if its
    /// prefilter matches the joined texts, else in none.
    pub fn candidates(&self, segments: &[Segment<'_>]) -> Candidates {
        let len = segments.iter().map(|s| s.text().len() + 1).sum();
        let mut joined = String::with_capacity(len);
        // Where each segment's text ends in `joined` (a `\n` follows it).
        let mut ends = Vec::with_capacity(segments.len());
        for s in segments {
            joined.push_str(s.text());
            ends.push(joined.len());
            joined.push('\n');
        }
        let mut per_rule: Vec<Option<Vec<u32>>> = self
            .always
            .iter()
            .map(|&always| (!always).then(Vec::new))
            .collect();
        if let Some((ac, rule_of)) = &self.literals {
            for m in ac.find_overlapping_iter(&joined) {
                let seg = ends.partition_point(|&end| end < m.end());
                let start = match seg.checked_sub(1) {
                    Some(before) => ends.get(before).map_or(usize::MAX, |end| end + 1),
                    None => 0,
                };
                if seg >= ends.len() || m.start() < start {
                    // Across the line break between two segments.
                    continue;
                }
                let Some(Some(list)) = rule_of
                    .get(m.pattern().as_usize())
                    .and_then(|&r| per_rule.get_mut(r))
                else {
                    continue;
                };
                let seg = seg as u32;
                if list.last() != Some(&seg) {
                    list.push(seg);
                }
            }
            for list in per_rule.iter_mut().flatten() {
                list.sort_unstable();
                list.dedup();
            }
        }
        for (rule, re) in &self.regexes {
            if let Some(slot) = per_rule.get_mut(*rule) {
                *slot = if re.is_match(&joined) {
                    None
                } else {
                    Some(Vec::new())
                };
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
        assert!(ac.is_match("Adresse E-MAIL"));
        assert!(!ac.is_match("emails"));
        // Too short to be worth it: the regex is used.
        assert!(literals(&hir(r"[a-z]+")).is_none());
    }
}
