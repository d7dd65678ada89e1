//! GL203 unknown-host: a mail server the spec does not offer for the guide's product.

use super::{Check, GuideContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::extract::Value;
use crate::spec::join_and;

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL203",
    name: "unknown-host",
    severity: Severity::Error,
    summary: "A mail server host name that the spec does not offer for the guide's product",
    docs: include_str!("unknown_host.md"),
    check: Check::Guide(check),
};

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    let Some(product) = ctx.product else { return };
    for fact in ctx.facts {
        let Value::Host(host) = &fact.value else {
            continue;
        };
        let offered = product.hosts(fact.direction);
        if offered.is_empty() || product.offers_host(host, fact.direction) {
            continue;
        }
        let role = fact
            .direction
            .map(|d| format!("{} ", d.name()))
            .unwrap_or_default();
        let closest = closest(host, &offered);
        let list: Vec<String> = offered.iter().map(|h| format!("`{h}`")).collect();
        let help = match closest {
            Some(c) => format!(
                "did you mean `{c}`? {}'s {role}server is {}",
                product.name,
                join_and(&list)
            ),
            None => format!("{}'s {role}server is {}", product.name, join_and(&list)),
        };
        let mut finding = Finding::new(
            RULE.code,
            ctx.file,
            fact.span.clone(),
            format!("`{host}` is not an {role}mail server of {}", product.name),
        )
        .label("unknown host")
        .help(help);
        if let Some(c) = closest
            && ctx.text.get(fact.span.clone()) == Some(host.as_str())
        {
            finding = finding.fix(fact.span.clone(), c);
        }
        out.push(finding);
    }
}

/// The offered host `host` is a typo of: the only one close enough to it.
fn closest<'a>(host: &str, offered: &[&'a str]) -> Option<&'a str> {
    let host = host.to_ascii_lowercase();
    let mut close: Vec<&'a str> = offered
        .iter()
        .filter(|h| !h.contains('*'))
        .filter(|h| levenshtein(&host, &h.to_ascii_lowercase()) <= (h.len() / 3).max(2))
        .copied()
        .collect();
    close.sort_unstable_by_key(|h| h.to_ascii_lowercase());
    close.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    match close.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// Edit distance between two strings, by characters.
pub(crate) fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        assert_eq!(levenshtein("ssl0.ovh.com", "ssl0.ovh.net"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("abc", "abc"), 0);
    }

    #[test]
    fn typos_get_a_suggestion() {
        assert_eq!(
            closest("SSL0.OVH.COM", &["ssl0.ovh.net"]),
            Some("ssl0.ovh.net")
        );
        assert_eq!(closest("imap.gmail.com", &["ssl0.ovh.net"]), None);
        // The same host listed twice (incoming and outgoing) is one match.
        assert_eq!(
            closest("ssl0.ovh.nt", &["ssl0.ovh.net", "ssl0.ovh.net"]),
            Some("ssl0.ovh.net")
        );
        // Two close hosts: no single suggestion.
        assert_eq!(
            closest("ssl.ovh.net", &["ssl0.ovh.net", "ssl1.ovh.net"]),
            None
        );
    }
}
