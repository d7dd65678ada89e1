//! Inline suppressions: HTML comments in a guide that silence findings.
//!
//! - `<!-- guidelint-disable-next-line GL201 -->`: the line after the comment;
//! - `<!-- guidelint-disable GL201 -->` … `<!-- guidelint-enable GL201 -->`: a
//!   region (to the end of the guide when never enabled again);
//! - `<!-- guidelint-disable-file GL201 -->`: the whole guide.
//!
//! Rules are named by code or name, separated by commas or spaces; no rule
//! means every rule. Directives are read once per guide, during the per-guide
//! pass, and kept as byte ranges (no line numbers). A directive inside a code
//! block or an inline code span is text, not a directive. A suppression that
//! suppresses nothing is reported as GL901.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::diagnostic::Finding;
use crate::guide::{BlockKind, Guide};
use crate::rules::RuleInfo;

static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"<!--\s*guidelint-(disable-next-line|disable-file|disable|enable)(?:\s+([^>]*?))?\s*-->",
    )
    .expect("valid directive regex")
});

static RULE_TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[^\s,]+").expect("valid rule token regex"));

/// One rule silenced over one region.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Suppression {
    /// The whole comment.
    directive: Range<usize>,
    /// The rule as written and where, or `None` for every rule.
    rule: Option<(String, Range<usize>)>,
    /// The bytes whose findings are silenced (a finding's span start decides).
    region: Range<usize>,
    /// Whether it silenced at least one finding.
    used: bool,
}

/// The suppressions of one guide.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suppressions {
    items: Vec<Suppression>,
}

fn same_rule(a: &str, b: &str) -> bool {
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    match (crate::rules::lookup(a), crate::rules::lookup(b)) {
        (Some(x), Some(y)) => x.code == y.code,
        _ => false,
    }
}

fn matches(token: &str, finding: &Finding) -> bool {
    finding.code.eq_ignore_ascii_case(token) || finding.name == token
}

/// True when `offset` lies in an inline code span of its line (odd number of backticks before it).
fn in_inline_code(text: &str, offset: usize) -> bool {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..offset].matches('`').count() % 2 == 1
}

/// The byte range of the line after the one holding `offset`.
fn next_line(text: &str, offset: usize) -> Range<usize> {
    let Some(nl) = text[offset..].find('\n') else {
        return text.len()..text.len();
    };
    let start = offset + nl + 1;
    let end = text[start..]
        .find('\n')
        .map_or(text.len(), |i| start + i + 1);
    start..end
}

impl Suppressions {
    /// Reads the directives of `text` (parsed as `guide`); `None` when it has none.
    pub fn parse(text: &str, guide: &Guide) -> Option<Suppressions> {
        if !text.contains("guidelint-") {
            return None;
        }
        let code_blocks: Vec<&Range<usize>> = guide
            .blocks
            .iter()
            .filter(|b| matches!(b.kind, BlockKind::Code))
            .map(|b| &b.span)
            .collect();
        let mut items = Vec::new();
        // Indexes into `items` of the open `disable` regions.
        let mut open: Vec<usize> = Vec::new();
        for caps in DIRECTIVE.captures_iter(text) {
            let Some(all) = caps.get(0) else { continue };
            if code_blocks.iter().any(|b| b.contains(&all.start()))
                || in_inline_code(text, all.start())
            {
                continue;
            }
            let kind = caps.get(1).map_or("", |m| m.as_str());
            let rules: Vec<Option<(String, Range<usize>)>> = match caps.get(2) {
                Some(list) if !list.as_str().trim().is_empty() => RULE_TOKEN
                    .find_iter(list.as_str())
                    .map(|t| {
                        let at = list.start() + t.start();
                        Some((t.as_str().to_string(), at..at + t.len()))
                    })
                    .collect(),
                _ => vec![None],
            };
            let directive = all.range();
            let region = match kind {
                "disable-next-line" => next_line(text, all.end()),
                "disable-file" => 0..text.len(),
                "disable" => all.end()..text.len(),
                _ => {
                    // `enable`: close the open regions it names (all of them without a rule).
                    open.retain(|&i| {
                        let item: &mut Suppression = &mut items[i];
                        let closes = rules.iter().any(|r| match (r, &item.rule) {
                            (None, _) => true,
                            (Some((a, _)), Some((b, _))) => same_rule(a, b),
                            (Some(_), None) => false,
                        });
                        if closes {
                            item.region.end = all.start();
                        }
                        !closes
                    });
                    continue;
                }
            };
            for rule in rules {
                if kind == "disable" {
                    open.push(items.len());
                }
                items.push(Suppression {
                    directive: directive.clone(),
                    rule,
                    region: region.clone(),
                    used: false,
                });
            }
        }
        (!items.is_empty()).then_some(Suppressions { items })
    }

    /// Whether `finding` is silenced; marks every suppression that silences it as used.
    pub fn suppresses(&mut self, finding: &Finding) -> bool {
        let mut hit = false;
        for s in &mut self.items {
            let rule_matches = s.rule.as_ref().is_none_or(|(r, _)| matches(r, finding));
            if rule_matches && s.region.contains(&finding.span.start) {
                s.used = true;
                hit = true;
            }
        }
        hit
    }

    /// GL901 findings for `file`: suppressions that silenced nothing, or name no rule.
    pub fn unused(&self, file: usize, catalog: &[RuleInfo]) -> Vec<Finding> {
        self.items
            .iter()
            .filter(|s| !s.used)
            .map(|s| match &s.rule {
                None => Finding::new(
                    "GL901",
                    file,
                    s.directive.clone(),
                    "this suppression suppresses nothing",
                )
                .label("no finding here to suppress")
                .help("remove the comment"),
                Some((rule, span)) => {
                    let known = catalog
                        .iter()
                        .any(|r| r.code.eq_ignore_ascii_case(rule) || r.name == *rule);
                    if known {
                        Finding::new(
                            "GL901",
                            file,
                            span.clone(),
                            format!("this suppression of `{rule}` suppresses nothing"),
                        )
                        .label("no such finding here")
                        .help(format!("remove `{rule}` from the comment, or the comment"))
                    } else {
                        Finding::new(
                            "GL901",
                            file,
                            span.clone(),
                            format!(
                                "`{rule}` is not a rule, so this suppression suppresses nothing"
                            ),
                        )
                        .label("unknown rule")
                        .help("name a rule by code or name; `guidelint rules` lists them")
                    }
                }
            })
            .collect()
    }
}

/// Applies the suppressions of each file (`suppressions[file]`) to `findings`,
/// then adds a GL901 finding for every suppression that silenced nothing.
pub fn apply(
    findings: &mut Vec<Finding>,
    suppressions: &mut [Option<Suppressions>],
    catalog: &[RuleInfo],
) {
    if suppressions.iter().all(Option::is_none) {
        return;
    }
    findings.retain(|f| match suppressions.get_mut(f.file) {
        Some(Some(s)) => !s.suppresses(f),
        _ => true,
    });
    for (file, s) in suppressions.iter().enumerate() {
        if let Some(s) = s {
            findings.extend(s.unused(file, catalog));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guide::GuideKind;
    use crate::vocab::Vocabulary;

    fn parse(text: &str) -> Option<Suppressions> {
        let vocab = Vocabulary::embedded().unwrap();
        let guide = Guide::parse(text, GuideKind::Markdown, &vocab);
        Suppressions::parse(text, &guide)
    }

    fn at(text: &str, needle: &str, code: &'static str) -> Finding {
        let i = text.find(needle).unwrap();
        Finding::new(code, 0, i..i + needle.len(), "m")
    }

    #[test]
    fn next_line_silences_only_the_next_line() {
        let text = "<!-- guidelint-disable-next-line GL201 -->\n- Port: 993\n- Port: 994\n";
        let mut s = parse(text).unwrap();
        assert!(s.suppresses(&at(text, "993", "GL201")));
        assert!(!s.suppresses(&at(text, "994", "GL201")));
        assert!(!s.suppresses(&at(text, "993", "GL202")));
        assert!(s.unused(0, &[]).is_empty());
    }

    #[test]
    fn regions_names_and_all_rules() {
        let text = "a\n<!-- guidelint-disable port-protocol-mismatch -->\nb 993\n<!-- guidelint-enable GL201 -->\nc 993\n";
        let mut s = parse(text).unwrap();
        assert!(s.suppresses(&at(text, "b 993", "GL201")));
        assert!(!s.suppresses(&at(text, "c 993", "GL201")));
        let text = "x\n<!-- guidelint-disable-file -->\ny\n";
        let mut s = parse(text).unwrap();
        assert!(s.suppresses(&at(text, "x", "GL205")));
    }

    #[test]
    fn several_rules_and_unused_ones() {
        let text = "<!-- guidelint-disable-file GL201, GL205 GL999 -->\nPort 993\n";
        let mut s = parse(text).unwrap();
        assert!(s.suppresses(&at(text, "993", "GL201")));
        let unused = s.unused(0, &crate::rules::builtin_catalog());
        let messages: Vec<_> = unused.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("`GL205`"));
        assert!(messages[1].contains("not a rule"));
        assert_eq!(&text[unused[0].span.clone()], "GL205");
    }

    #[test]
    fn directives_in_code_are_text() {
        assert!(parse("```\n<!-- guidelint-disable-file -->\n```\n").is_none());
        assert!(parse("Write `<!-- guidelint-disable-file -->` to silence.\n").is_none());
        assert!(parse("    <!-- guidelint-disable-file -->\n").is_none());
        assert!(parse("no directive here\n").is_none());
    }

    #[test]
    fn apply_reports_unused_suppressions() {
        let text = "<!-- guidelint-disable-next-line GL201 -->\nfine\n";
        let mut sups = vec![parse(text)];
        let mut findings = vec![];
        apply(&mut findings, &mut sups, &crate::rules::builtin_catalog());
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].code, "GL901");
    }
}
