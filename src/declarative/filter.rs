//! Which declarative rules may match in a guide at all, decided once per guide.
//!
//! Most rules match in few guides. Running each rule's prefilter over each
//! text of each guide is thousands of small searches per guide; running it
//! once over the guide's texts joined by line breaks rules a rule out with a
//! single search. It is a filter only: a rule it keeps is still searched text
//! by text, exactly.

use regex::Regex;
use regex_syntax::hir::Look;

use super::compile::CompiledRule;
use super::scan::Segment;

/// The rules a guide may trigger, found with one search per rule.
#[derive(Debug, Clone)]
pub struct GuideFilter {
    /// (rule index, its prefilter) for the rules the filter speaks for.
    prefilters: Vec<(usize, Regex)>,
    /// Per rule: true when the filter cannot speak for it (it always runs).
    always: Vec<bool>,
}

impl GuideFilter {
    /// The filter for `rules`, or `None` when no rule can use it.
    pub fn new(rules: &[CompiledRule]) -> Option<GuideFilter> {
        let mut prefilters = Vec::new();
        let mut always = vec![true; rules.len()];
        for (i, rule) in rules.iter().enumerate() {
            // A rule with a minimum count reports guides without any match.
            if rule.min.is_some() {
                continue;
            }
            let Some(prefilter) = &rule.prefilter else {
                continue;
            };
            if !joinable(prefilter.as_str()) {
                continue;
            }
            always[i] = false;
            prefilters.push((i, prefilter.clone()));
        }
        (!prefilters.is_empty()).then_some(GuideFilter { prefilters, always })
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
        for (rule, prefilter) in &self.prefilters {
            if let Some(keep) = out.get_mut(*rule) {
                *keep = prefilter.is_match(&joined);
            }
        }
        out
    }
}

/// True when a match of `pattern` in one text is also a match in the texts
/// joined by `\n`: the pattern does not assert the start or end of the whole
/// text (`^`, `$` without multi-line mode, `\A`, `\z`).
fn joinable(pattern: &str) -> bool {
    let Ok(hir) = regex_syntax::parse(pattern) else {
        return false;
    };
    let looks = hir.properties().look_set();
    !(looks.contains(Look::Start) || looks.contains(Look::End))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_text_anchors_cannot_be_joined() {
        assert!(joinable(r"(?:e-?mail)"));
        assert!(joinable(r"(?m)^Note"));
        assert!(joinable(r"[^a-z]x"));
        assert!(!joinable(r"^Note"));
        assert!(!joinable(r"end$"));
        assert!(!joinable(r"\Astart"));
    }
}
