//! `guidelint spec infer`: a draft spec from what the guides say.
//!
//! Guides vote for the product a spec's `match` rules attribute them to (the
//! embedded spec's unless `--spec` names another), so MX Plan, Email Pro and
//! Exchange guides each make their own product. Within a product, each guide
//! votes once per value of each kind of fact (a host per direction and per
//! protocol, a port per protocol and security, the recommended protocol, the
//! webmail, MX records, limits); the value most guides give is the product's.
//! Where the guides of one locale mostly give another host, webmail or MX
//! record, the draft gives it under `locales:`. Placeholder hosts
//! (`pro*.mail.ovh.net`) count the guides giving one of their numbered hosts
//! (`pro1.mail.ovh.net`) too.

use std::collections::{BTreeMap, BTreeSet};

use super::GuideSummary;
use super::consistency::{FactKind, FactSummary};
use crate::extract::Limit;
use crate::spec::{Direction, Product, Protocol, Spec, host_matches};

/// What a vote is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// The server of a direction, whatever the protocol.
    HostOf(Direction),
    /// The server of one protocol.
    HostFor(Protocol),
    /// A port of a protocol, over SSL or not.
    Port(Protocol, bool),
    Recommended,
    Webmail,
    Mx,
    Limit(Limit),
}

/// The kinds a fact votes for.
fn kinds(f: &FactSummary) -> Vec<Kind> {
    match f.kind {
        FactKind::Host => {
            let mut out = Vec::new();
            let direction = f.direction.or(f.protocol.map(Protocol::direction));
            out.extend(direction.map(Kind::HostOf));
            out.extend(f.protocol.map(Kind::HostFor));
            out
        }
        FactKind::Port => match (f.protocol, f.ssl) {
            (Some(p), Some(ssl)) if f.direction == Some(p.direction()) => {
                vec![Kind::Port(p, ssl)]
            }
            _ => Vec::new(),
        },
        FactKind::Recommended => vec![Kind::Recommended],
        FactKind::Webmail => vec![Kind::Webmail],
        FactKind::Mx => vec![Kind::Mx],
        FactKind::Limit(l) => vec![Kind::Limit(l)],
        FactKind::Protocol => Vec::new(),
    }
}

/// One value's voters: the guides giving it, and the value as first written.
#[derive(Debug, Default, Clone)]
struct Voters {
    guides: BTreeSet<usize>,
    written: String,
}

/// Votes of one product: kind → locale (`""`: every locale) → value → voters.
type Ballot = BTreeMap<Kind, BTreeMap<String, BTreeMap<String, Voters>>>;

/// A value, its backers and the runners-up, most backed first.
struct Ranked {
    value: String,
    note: String,
}

/// Values of a tally, most backed first, placeholders counting the guides of
/// the hosts they stand for.
fn rank(tally: &BTreeMap<String, Voters>, placeholders: bool) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = tally
        .iter()
        .map(|(value, v)| {
            let mut guides = v.guides.clone();
            if placeholders && value.contains('*') {
                for (other, w) in tally {
                    if !other.contains('*') && host_matches(value, other) {
                        guides.extend(&w.guides);
                    }
                }
            }
            (v.written.clone(), guides.len())
        })
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// The most backed value of a tally, with a note: "5 of 9 guides; also 993 (1)".
fn top(tally: &BTreeMap<String, Voters>, guides: usize, placeholders: bool) -> Option<Ranked> {
    let ranked = rank(tally, placeholders);
    let (value, count) = ranked.first()?.clone();
    let others: Vec<String> = ranked[1..]
        .iter()
        .map(|(v, n)| format!("{v} ({n})"))
        .collect();
    let mut note = format!("{count} of {guides} guides");
    if !others.is_empty() {
        note.push_str(&format!("; also {}", others.join(", ")));
    }
    if ranked.get(1).is_some_and(|r| r.1 == count) {
        note.push_str("; no majority, check it");
    }
    Some(Ranked { value, note })
}

/// The draft spec `guidelint spec infer` prints, in the spec's YAML format.
/// `spec` attributes guides to products (by their `match` rules); without
/// one, every guide votes for a single product.
pub fn infer_spec(summaries: &[GuideSummary], spec: Option<&Spec>) -> String {
    let readable: Vec<&GuideSummary> = summaries.iter().filter(|s| s.readable).collect();
    // product index (None: no spec) → ballot, and the guides per locale.
    let mut ballots: BTreeMap<Option<usize>, Ballot> = BTreeMap::new();
    let mut guides: BTreeMap<(Option<usize>, String), usize> = BTreeMap::new();
    for s in &readable {
        let product = spec.and(s.facts.product);
        let locale = s.layout.locale.as_deref().unwrap_or("").to_string();
        *guides.entry((product, String::new())).or_default() += 1;
        if !locale.is_empty() {
            *guides.entry((product, locale.clone())).or_default() += 1;
        }
        let ballot = ballots.entry(product).or_default();
        let scopes: &[&str] = if locale.is_empty() {
            &[""]
        } else {
            &["", locale.as_str()]
        };
        for f in s.fact_items().iter() {
            for kind in kinds(f) {
                for scope in scopes {
                    let voters = ballot
                        .entry(kind)
                        .or_default()
                        .entry(scope.to_string())
                        .or_default()
                        .entry(f.value.to_string())
                        .or_default();
                    voters.guides.insert(s.file);
                    if voters.written.is_empty() {
                        voters.written = f.shown().to_string();
                    }
                }
            }
        }
    }
    let mut out = format!(
        "# Draft spec inferred by `guidelint spec infer` from {} guides.\n# Each value is the one most guides give; the comment says how many back it.\n# Review it, then use it with `guidelint check --spec FILE`.\nproducts:\n",
        readable.len()
    );
    if ballots.is_empty() {
        ballots.insert(None, Ballot::new());
    }
    for (index, ballot) in &ballots {
        let product = index.and_then(|i| spec.and_then(|s| s.products.get(i)));
        let total = guides.get(&(*index, String::new())).copied().unwrap_or(0);
        write_product(&mut out, product, ballot, total, &guides, *index);
    }
    out
}

fn write_product(
    out: &mut String,
    product: Option<&Product>,
    ballot: &Ballot,
    total: usize,
    guides: &BTreeMap<(Option<usize>, String), usize>,
    index: Option<usize>,
) {
    match product {
        Some(p) => {
            out.push_str(&format!("  - id: {}\n    name: {}\n", p.id, p.name));
            write_match(out, p);
        }
        None => out.push_str("  - id: inferred\n    name: Inferred\n"),
    }
    out.push_str(&format!("    # {total} guides\n"));
    let tally = |kind: Kind, scope: &str| ballot.get(&kind).and_then(|s| s.get(scope));
    let top_of =
        |kind: Kind, scope: &str, n: usize| tally(kind, scope).and_then(|t| top(t, n, true));
    // Hosts: each direction's, then a protocol's own when it differs.
    out.push_str("    hosts:\n");
    let mut direction_top: BTreeMap<Direction, String> = BTreeMap::new();
    for d in [Direction::Incoming, Direction::Outgoing] {
        match top_of(Kind::HostOf(d), "", total) {
            Some(r) => {
                out.push_str(&format!(
                    "      {}: [\"{}\"]  # {}\n",
                    d.name(),
                    r.value.to_ascii_lowercase(),
                    r.note
                ));
                direction_top.insert(d, r.value.to_ascii_lowercase());
            }
            None => out.push_str(&format!("      {}: []  # no guide gives one\n", d.name())),
        }
    }
    for p in Protocol::ALL {
        if let Some(r) = top_of(Kind::HostFor(p), "", total)
            && direction_top.get(&p.direction()) != Some(&r.value.to_ascii_lowercase())
        {
            out.push_str(&format!(
                "      {}: [\"{}\"]  # {}\n",
                p.name().to_lowercase(),
                r.value.to_ascii_lowercase(),
                r.note
            ));
        }
    }
    out.push_str("    protocols:\n");
    for p in Protocol::ALL {
        let ports: Vec<String> = [true, false]
            .into_iter()
            .filter_map(|ssl| {
                let r = top_of(Kind::Port(p, ssl), "", total)?;
                let security = if ssl { "ssl" } else { "plain" };
                Some(format!(
                    "          - {{ port: {}, security: {security} }}  # {}\n",
                    r.value, r.note
                ))
            })
            .collect();
        if ports.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "      {}:\n        ports:\n",
            p.name().to_lowercase()
        ));
        for line in ports {
            out.push_str(&line);
        }
    }
    if let Some(r) = top_of(Kind::Recommended, "", total) {
        out.push_str(&format!(
            "    recommended: {}  # {}\n",
            r.value.to_lowercase(),
            r.note
        ));
    }
    if let Some(r) = top_of(Kind::Webmail, "", total) {
        out.push_str(&format!("    webmail: \"{}\"  # {}\n", r.value, r.note));
    }
    if let Some(t) = tally(Kind::Mx, "") {
        out.push_str("    mx:\n");
        for (value, n) in rank(t, true) {
            out.push_str(&format!(
                "      - \"{}\"  # {n} of {total} guides\n",
                value.to_ascii_lowercase().trim_end_matches('.')
            ));
        }
    }
    let limits: Vec<String> = Limit::ALL
        .into_iter()
        .filter_map(|l| {
            let r = top_of(Kind::Limit(l), "", total)?;
            Some(format!("      {}: {}  # {}\n", l.key(), r.value, r.note))
        })
        .collect();
    if !limits.is_empty() {
        out.push_str("    limits:\n");
        for l in limits {
            out.push_str(&l);
        }
    }
    write_locales(out, ballot, guides, index, total);
}

/// `locales:`: for each locale, the hosts, webmail and MX records its guides
/// mostly give where they differ from the product's.
fn write_locales(
    out: &mut String,
    ballot: &Ballot,
    guides: &BTreeMap<(Option<usize>, String), usize>,
    index: Option<usize>,
    total: usize,
) {
    let locales: Vec<(&String, usize)> = guides
        .iter()
        .filter(|((i, l), _)| *i == index && !l.is_empty())
        .map(|((_, l), n)| (l, *n))
        .collect();
    let product_top = |kind: Kind| {
        ballot
            .get(&kind)
            .and_then(|s| s.get(""))
            .and_then(|t| top(t, total, true))
            .map(|r| r.value.to_ascii_lowercase())
    };
    let mut section = String::new();
    for (locale, n) in locales {
        let locale_top = |kind: Kind| {
            ballot
                .get(&kind)
                .and_then(|s| s.get(locale.as_str()))
                .and_then(|t| top(t, n, true))
        };
        let differs = |kind: Kind| {
            locale_top(kind).filter(|r| Some(r.value.to_ascii_lowercase()) != product_top(kind))
        };
        let mut lines = String::new();
        let mut hosts = String::new();
        for (key, kind) in [
            ("incoming", Kind::HostOf(Direction::Incoming)),
            ("outgoing", Kind::HostOf(Direction::Outgoing)),
            ("imap", Kind::HostFor(Protocol::Imap)),
            ("pop3", Kind::HostFor(Protocol::Pop3)),
            ("smtp", Kind::HostFor(Protocol::Smtp)),
        ] {
            if let Some(r) = differs(kind) {
                hosts.push_str(&format!(
                    "          {key}: [\"{}\"]  # {}\n",
                    r.value.to_ascii_lowercase(),
                    r.note.replace(" guides", &format!(" {locale} guides"))
                ));
            }
        }
        if !hosts.is_empty() {
            lines.push_str("        hosts:\n");
            lines.push_str(&hosts);
        }
        if let Some(r) = differs(Kind::Webmail) {
            lines.push_str(&format!(
                "        webmail: \"{}\"  # {}\n",
                r.value,
                r.note.replace(" guides", &format!(" {locale} guides"))
            ));
        }
        if differs(Kind::Mx).is_some()
            && let Some(t) = ballot.get(&Kind::Mx).and_then(|s| s.get(locale.as_str()))
        {
            lines.push_str("        mx:\n");
            for (value, count) in rank(t, true) {
                lines.push_str(&format!(
                    "          - \"{}\"  # {count} of {n} {locale} guides\n",
                    value.to_ascii_lowercase().trim_end_matches('.')
                ));
            }
        }
        if !lines.is_empty() {
            section.push_str(&format!("      {locale}:  # {n} guides\n{lines}"));
        }
    }
    if !section.is_empty() {
        out.push_str("    locales:\n");
        out.push_str(&section);
    }
}

/// The product's `match` rules, so that the draft attributes guides alike.
fn write_match(out: &mut String, p: &Product) {
    let m = &p.matches;
    if m.paths.is_empty() && m.title.is_empty() && m.front_matter.is_empty() {
        return;
    }
    let quoted = |items: &[String]| {
        items
            .iter()
            .map(|i| format!("{i:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push_str("    match:\n");
    if !m.paths.is_empty() {
        out.push_str(&format!("      paths: [{}]\n", quoted(&m.paths)));
    }
    if !m.title.is_empty() {
        out.push_str(&format!("      title: [{}]\n", quoted(&m.title)));
    }
    if !m.front_matter.is_empty() {
        let pairs: Vec<String> = m
            .front_matter
            .iter()
            .map(|(k, v)| format!("{k}: {v:?}"))
            .collect();
        out.push_str(&format!("      front_matter: {{ {} }}\n", pairs.join(", ")));
    }
}
