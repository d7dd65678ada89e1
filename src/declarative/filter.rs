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

/// The literals every match of `hir` starts with, or every match ends with
/// (whichever are longer), when they are few and long enough to be worth it.
fn literals(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    [ExtractKind::Prefix, ExtractKind::Suffix]
        .into_iter()
        .filter_map(|kind| {
            let seq = Extractor::new().kind(kind).limit_class(32).extract(hir);
            let lits = seq.literals()?;
            let shortest = lits.iter().map(|l| l.as_bytes().len()).min()?;
            (shortest >= 2 && lits.len() <= 1024).then(|| {
                let bytes: Vec<Vec<u8>> = lits.iter().map(|l| l.as_bytes().to_vec()).collect();
                (shortest, bytes)
            })
        })
        .max_by_key(|(shortest, _)| *shortest)
        .map(|(_, bytes)| bytes)
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

    /// For each rule, whether it may match in `segments`.
    pub fn candidates(&self, segments: &[Segment<'_>]) -> Vec<bool> {
        let len = segments.iter().map(|s| s.text().len() + 1).sum();
        let mut joined = String::with_capacity(len);
        for s in segments {
            joined.push_str(s.text());
            joined.push('\n');
        }
        let mut out = self.always.clone();
        if let Some((ac, rule_of)) = &self.literals {
            for m in ac.find_overlapping_iter(&joined) {
                if let Some(keep) = rule_of
                    .get(m.pattern().as_usize())
                    .and_then(|&r| out.get_mut(r))
                {
                    *keep = true;
                }
            }
        }
        for (rule, re) in &self.regexes {
            if let Some(keep) = out.get_mut(*rule) {
                *keep = re.is_match(&joined);
            }
        }
        out
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
