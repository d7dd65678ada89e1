//! GL203 unknown-host: a mail server the spec does not offer for the guide's
//! product, protocol and locale; a legacy server is a warning.

use super::{Check, GuideContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::extract::{Fact, Value};
use crate::spec::{Acceptance, Direction, LocaleView, Product, Protocol, join_and};

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
    let view = product.at(ctx.locale);
    for fact in ctx.facts {
        let Value::Host(host) = &fact.value else {
            continue;
        };
        // The domain of an e-mail address, or a host inside a URL, is not a
        // server setting (the webmail rule reads URLs).
        if in_address_or_url(ctx.text, fact.span.start) {
            continue;
        }
        if names_other_direction(host, fact) {
            continue;
        }
        // Another provider's server (a migration guide's `imap.gmail.com`).
        if ctx.spec.is_some_and(|s| !s.is_vendor_host(host)) {
            continue;
        }
        match view.accepts_host(host, fact.protocol, fact.direction) {
            Acceptance::Current | Acceptance::Unspecified => {}
            Acceptance::Legacy => out.push(legacy(ctx, &view, fact, host)),
            Acceptance::No => out.push(unknown(ctx, &view, fact, host)),
        }
    }
}

/// "POP3 server", "incoming server" or "mail server".
fn role(protocol: Option<Protocol>, direction: Option<Direction>) -> String {
    match (protocol, direction) {
        (Some(p), _) => format!("{p} server"),
        (None, Some(d)) => format!("{} server", d.name()),
        (None, None) => "mail server".to_string(),
    }
}

/// `` `a`, `b` and `c` ``, with a note on `*` when a host is a pattern.
pub(crate) fn list_hosts(hosts: &[&str]) -> String {
    let list: Vec<String> = hosts.iter().map(|h| format!("`{h}`")).collect();
    let note = if hosts.iter().any(|h| h.contains('*')) {
        " (`*` is the number of the customer's server)"
    } else {
        ""
    };
    format!("{}{note}", join_and(&list))
}

/// "MX Plan's POP3 server for fr-ca guides is `pop.mail.ovh.ca`".
fn offered_sentence(view: &LocaleView<'_>, fact: &Fact) -> String {
    let offered = view.hosts.offered(fact.protocol, fact.direction);
    let role = role(fact.protocol, fact.direction);
    let (role, verb) = if offered.len() == 1 {
        (role, "is")
    } else {
        (format!("{role}s"), "are")
    };
    format!(
        "{}'s {role}{} {verb} {}",
        view.product.name,
        LocaleView::for_whom(view.hosts_locale),
        list_hosts(&offered)
    )
}

fn legacy(ctx: &GuideContext<'_>, view: &LocaleView<'_>, fact: &Fact, host: &str) -> Finding {
    let offered = view.hosts.offered(fact.protocol, fact.direction);
    let mut finding = Finding::new(
        RULE.code,
        ctx.file,
        fact.span.clone(),
        format!(
            "`{host}` is an older {} name of {}{}; {}",
            role(fact.protocol, fact.direction),
            view.product.name,
            LocaleView::for_whom(view.hosts_locale),
            offered_sentence(view, fact)
        ),
    )
    .label("older server name")
    .help(format!("give the current server, {}", list_hosts(&offered)));
    finding.severity = Severity::Warning;
    if let [one] = offered.as_slice()
        && !one.contains('*')
        && ctx.text.get(fact.span.clone()) == Some(host)
    {
        finding = finding.fix(fact.span.clone(), *one);
    }
    finding
}

fn unknown(ctx: &GuideContext<'_>, view: &LocaleView<'_>, fact: &Fact, host: &str) -> Finding {
    let product = view.product;
    let role = role(fact.protocol, fact.direction);
    let offered = view.hosts.offered(fact.protocol, fact.direction);
    let closest = closest(host, &offered);
    let message = match why_not(ctx, view, fact, host) {
        Some(reason) => format!(
            "`{host}` is not {}: {reason}",
            article(&role, product, view)
        ),
        None => format!("`{host}` is not {}", article(&role, product, view)),
    };
    let help = match closest {
        Some(c) => format!("did you mean `{c}`? {}", offered_sentence(view, fact)),
        None => offered_sentence(view, fact),
    };
    let mut finding = Finding::new(RULE.code, ctx.file, fact.span.clone(), message)
        .label("unknown host")
        .help(help);
    if let Some(c) = closest
        && ctx.text.get(fact.span.clone()) == Some(host)
    {
        finding = finding.fix(fact.span.clone(), c);
    }
    finding
}

/// "a POP3 server of MX Plan for fr-ca guides".
fn article(role: &str, product: &Product, view: &LocaleView<'_>) -> String {
    let a = if role.starts_with(['a', 'e', 'i', 'o', 'u', 'I']) || role.starts_with("SMTP") {
        "an"
    } else {
        "a"
    };
    format!(
        "{a} {role} of {}{}",
        product.name,
        LocaleView::for_whom(view.hosts_locale)
    )
}

/// What the host is instead, when the spec knows it: the product's server for
/// another protocol, its server for other locales, or another product's.
fn why_not(
    ctx: &GuideContext<'_>,
    view: &LocaleView<'_>,
    fact: &Fact,
    host: &str,
) -> Option<String> {
    let product = view.product;
    if fact.protocol.is_some() || fact.direction.is_some() {
        let serves: Vec<&str> = Protocol::ALL
            .into_iter()
            .filter(|p| view.accepts_host(host, Some(*p), None) == Acceptance::Current)
            .map(Protocol::name)
            .collect();
        if !serves.is_empty() {
            let list: Vec<String> = serves.iter().map(|s| s.to_string()).collect();
            return Some(format!(
                "it is {}'s {} server",
                product.name,
                join_and(&list)
            ));
        }
    }
    let current_in = |l: Option<&str>| {
        product.accepts_host(host, fact.protocol, fact.direction, l) == Acceptance::Current
    };
    if view.hosts_locale.is_some() && current_in(None) {
        return Some(format!(
            "it is {}'s server for guides of other locales",
            product.name
        ));
    }
    let elsewhere: Vec<String> = product
        .locales
        .iter()
        .filter(|(l, f)| f.hosts.is_some() && Some(l.as_str()) != view.locale)
        .filter(|(l, _)| current_in(Some(l.as_str())))
        .map(|(l, _)| l.clone())
        .collect();
    if !elsewhere.is_empty() {
        return Some(format!(
            "it is {}'s server for {} guides",
            product.name,
            join_and(&elsewhere)
        ));
    }
    let others: Vec<String> = ctx
        .spec
        .into_iter()
        .flat_map(|s| &s.products)
        .filter(|p| p.id != product.id)
        .filter(|p| {
            p.accepts_host(host, None, None, ctx.locale) == Acceptance::Current
                || p.accepts_host(host, None, None, None) == Acceptance::Current
        })
        .map(|p| p.name.clone())
        .collect();
    if !others.is_empty() {
        return Some(format!("it is a server of {}", join_and(&others)));
    }
    None
}

/// True when the host's own first label names a protocol (`imap.…`,
/// `pop.…`, `smtp.…`) of the other direction than the one read for it:
/// "imap.example.org (IN) / smtp.example.org (OUT)" read the wrong way round
/// is likelier than a guide giving its IMAP server as the outgoing one.
fn names_other_direction(host: &str, fact: &Fact) -> bool {
    let label = host
        .split('.')
        .next()
        .unwrap_or("")
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .to_ascii_lowercase();
    let named = match label.as_str() {
        "imap" | "pop" | "pop3" => Direction::Incoming,
        "smtp" => Direction::Outgoing,
        _ => return false,
    };
    let read = fact.direction.or(fact.protocol.map(Protocol::direction));
    read.is_some_and(|d| d != named)
}

/// True when the host at `start` is the domain of an e-mail address
/// (`user@example.ovh`) or sits inside a URL (`https://…`).
fn in_address_or_url(text: &str, start: usize) -> bool {
    let Some(before) = text.get(..start) else {
        return false;
    };
    if before.ends_with('@') {
        return true;
    }
    let token_start = before
        .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '<' | '[' | '"' | '|'))
        .map_or(0, |i| i + 1);
    before[token_start..].contains("://")
}

/// The offered host `host` is a typo of: the only one close enough to it.
fn closest<'a>(host: &str, offered: &[&'a str]) -> Option<&'a str> {
    if host.contains('*') {
        return None;
    }
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
        // A placeholder is never "corrected" into a host.
        assert_eq!(closest("ssl*.ovh.net", &["ssl0.ovh.net"]), None);
    }

    #[test]
    fn addresses_and_urls_are_not_servers() {
        let text =
            "Écrivez à contact@ssl0.ovh.net ou voyez https://ssl0.ovh.net/x, serveur ssl0.ovh.net";
        let at = |needle: &str, nth: usize| text.match_indices(needle).nth(nth).unwrap().0;
        assert!(in_address_or_url(text, at("ssl0.ovh.net", 0)));
        assert!(in_address_or_url(text, at("ssl0.ovh.net", 1)));
        assert!(!in_address_or_url(text, at("ssl0.ovh.net", 2)));
    }
}
