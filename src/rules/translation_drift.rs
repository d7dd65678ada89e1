//! GL301 translation-drift: the locales of one guide state different server settings.
//!
//! Translations are compared on what both state in shapes guidelint reads,
//! one setting at a time (a port of a protocol and direction, the server of a
//! direction, the MX records): a setting both give with no value in common
//! is a change. A value the spec decides for each side (a host, a webmail,
//! MX records that differ by locale, a port the product offers) is the spec's
//! to judge (GL203–GL205, GL304, GL305), not a drift: Canada's servers are not
//! a translation mistake of Spain's. A translation that never names a
//! protocol whose settings the others give lacks that section: one finding,
//! not one per setting.

use std::collections::{BTreeMap, BTreeSet};

use super::{Check, Rule};
use crate::corpus::CorpusContext;
use crate::corpus::consistency::{FactKind, FactSummary, product_of, translation_groups};
use crate::diagnostic::{Finding, Severity};
use crate::spec::{Acceptance, Direction, Product, Protocol};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL301",
    name: "translation-drift",
    severity: Severity::Error,
    summary: "A translation changes, or lacks a section of, the server settings that the other locales of the guide state",
    docs: include_str!("translation_drift.md"),
    check: Check::Corpus(check),
};

/// What one setting is about, whatever its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Setting {
    /// The port of a protocol and direction, over SSL or not (when said).
    Port(Protocol, Option<Direction>, Option<bool>),
    /// The server of a direction (and of a protocol, when said).
    Host(Direction, Option<Protocol>),
    /// The MX records.
    Mx,
}

impl Setting {
    fn of(f: &FactSummary) -> Option<Setting> {
        match f.kind {
            FactKind::Port => Some(Setting::Port(f.protocol?, f.direction, f.ssl)),
            FactKind::Host => Some(Setting::Host(f.direction?, f.protocol)),
            FactKind::Mx => Some(Setting::Mx),
            _ => None,
        }
    }

    /// Whether `self` and `other` are one setting: the same, or ports that
    /// differ only in a security one of them does not state.
    fn same(self, other: Setting) -> bool {
        match (self, other) {
            (Setting::Port(p, d, a), Setting::Port(q, e, b)) => {
                p == q && d == e && (a.is_none() || b.is_none() || a == b)
            }
            (Setting::Host(d, p), Setting::Host(e, q)) => {
                d == e && (p.is_none() || q.is_none() || p == q)
            }
            _ => self == other,
        }
    }

    /// "the SMTP (outgoing) port over SSL", "the incoming server", "the MX records".
    fn describe(self) -> String {
        let ssl = |s: Option<bool>| match s {
            Some(true) => " over SSL",
            Some(false) => " without SSL",
            None => "",
        };
        match self {
            Setting::Port(p, Some(d), s) => format!("the {p} ({}) port{}", d.name(), ssl(s)),
            Setting::Port(p, None, s) => format!("the {p} port{}", ssl(s)),
            Setting::Host(d, Some(p)) => format!("the {} {p} server", d.name()),
            Setting::Host(d, None) => format!("the {} server", d.name()),
            Setting::Mx => "the MX records".to_string(),
        }
    }
}

/// One locale of a translation group.
struct Locale<'a> {
    name: &'a str,
    file: usize,
    product: Option<&'a Product>,
    /// The protocols the guide names anywhere (bits of [`Protocol::bit`]).
    mentions: u8,
    /// Its settings, each with the facts stating it in document order.
    settings: BTreeMap<Setting, Vec<&'a FactSummary>>,
    /// The protocols it gives settings for.
    protocols: BTreeSet<Protocol>,
    /// Its first setting, where a finding about a missing section goes.
    first: Option<&'a FactSummary>,
}

impl Locale<'_> {
    /// Whether the spec decides `f`'s value for this locale: a value it
    /// accepts or rejects, either way another rule's to judge.
    fn decided(&self, setting: Setting, f: &FactSummary) -> bool {
        let Some(product) = self.product else {
            return false;
        };
        let locale = Some(self.name);
        let acceptance = match setting {
            Setting::Port(protocol, ..) => {
                return !product.ports(protocol).is_empty();
            }
            Setting::Host(direction, protocol) => {
                product.accepts_host(f.shown(), protocol, Some(direction), locale)
            }
            Setting::Mx => product.accepts_mx(f.shown(), locale),
        };
        acceptance != Acceptance::Unspecified
    }

    /// The settings' values, for choosing the reference.
    fn keys(&self) -> BTreeSet<(Setting, &str)> {
        self.settings
            .iter()
            .flat_map(|(s, facts)| facts.iter().map(move |f| (*s, f.value.as_str())))
            .collect()
    }
}

/// True when `a` and `b` state the same value (a security stated on one
/// side only is no difference).
fn same_value(a: &FactSummary, b: &FactSummary) -> bool {
    a.value == b.value && (a.ssl.is_none() || b.ssl.is_none() || a.ssl == b.ssl)
}

/// Source locales first when nothing else decides: French, then English.
fn preference(locale: &str) -> usize {
    match locale {
        "fr-fr" => 0,
        "en-gb" => 1,
        _ => 2,
    }
}

fn locale<'a>(ctx: &CorpusContext<'a>, name: &'a str, file: usize) -> Option<Locale<'a>> {
    let s = ctx.summaries.get(file)?;
    let mut settings: BTreeMap<Setting, Vec<&FactSummary>> = BTreeMap::new();
    let mut protocols = BTreeSet::new();
    let mut first = None;
    for f in &s.facts.items {
        if f.kind == FactKind::Protocol {
            if let Some(p) = Protocol::ALL.into_iter().find(|p| p.name() == f.value) {
                protocols.insert(p);
            }
            continue;
        }
        let Some(setting) = Setting::of(f) else {
            continue;
        };
        if let Setting::Port(p, ..) = setting {
            protocols.insert(p);
        }
        first.get_or_insert(f);
        settings.entry(setting).or_default().push(f);
    }
    Some(Locale {
        name,
        file,
        product: product_of(ctx.spec, s),
        mentions: s.facts.mentions,
        settings,
        protocols,
        first,
    })
}

fn check(ctx: &CorpusContext<'_>, out: &mut Vec<Finding>) {
    for group in translation_groups(ctx.summaries, |i| ctx.focused(i)) {
        let locales: Vec<Locale<'_>> = group
            .iter()
            .filter_map(|(name, file)| locale(ctx, name, *file))
            .collect();
        // The reference: the locale most others agree with, then fr-fr, en-gb.
        let keys: Vec<_> = locales.iter().map(Locale::keys).collect();
        let Some((reference, _)) = locales.iter().zip(&keys).min_by_key(|(l, k)| {
            let agree: usize = locales
                .iter()
                .zip(&keys)
                .filter(|(o, _)| o.file != l.file)
                .map(|(_, ok)| ok.intersection(k).count())
                .sum();
            (std::cmp::Reverse(agree), preference(l.name), l.name)
        }) else {
            continue;
        };
        for locale in locales.iter().filter(|l| l.file != reference.file) {
            compare(ctx, reference, locale, out);
        }
    }
}

/// The file name of guide `file`, for messages.
fn file_name(ctx: &CorpusContext<'_>, file: usize) -> String {
    ctx.summaries
        .get(file)
        .map(|s| {
            s.path
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or(&s.path)
                .to_string()
        })
        .unwrap_or_default()
}

fn compare(
    ctx: &CorpusContext<'_>,
    reference: &Locale<'_>,
    locale: &Locale<'_>,
    out: &mut Vec<Finding>,
) {
    let ref_name = file_name(ctx, reference.file);
    // Changes: a setting both state, with no value in common.
    for (setting, theirs) in &reference.settings {
        let ours: Vec<&FactSummary> = locale
            .settings
            .iter()
            .filter(|(s, _)| s.same(*setting))
            .flat_map(|(_, f)| f.iter().copied())
            .collect();
        if ours.is_empty() {
            continue;
        }
        // A reference setting a more precise one of this locale covers (a
        // port over SSL against one whose security is not said) is compared
        // once, from the precise side.
        if matches!(setting, Setting::Port(_, _, None) | Setting::Host(_, None))
            && reference
                .settings
                .keys()
                .any(|s| s != setting && s.same(*setting))
        {
            continue;
        }
        // A value of this locale the reference gives for the same setting
        // (any security, where this locale states none) is no change.
        let matched = ours.iter().any(|a| {
            let Some(mine) = Setting::of(a) else {
                return false;
            };
            reference
                .settings
                .iter()
                .filter(|(s, _)| s.same(mine))
                .flat_map(|(_, f)| f.iter())
                .any(|b| same_value(a, b))
        });
        if matched {
            continue;
        }
        let ours = &ours[..];
        let (Some(here), Some(there)) = (ours.first(), theirs.first()) else {
            continue;
        };
        if locale.decided(*setting, here) && reference.decided(*setting, there) {
            continue;
        }
        let values = |facts: &[&FactSummary]| {
            let mut shown: Vec<&str> = facts.iter().map(|f| f.shown()).collect();
            shown.dedup();
            shown.join(", ")
        };
        out.push(
            Finding::new(
                RULE.code,
                locale.file,
                here.span.clone(),
                format!(
                    "this translation ({}) gives {} for {}; {ref_name} gives {}",
                    locale.name,
                    values(ours),
                    setting.describe(),
                    values(theirs)
                ),
            )
            .label(format!("{} in {}", here.shown(), locale.name))
            .help(format!(
                "give {} as {ref_name} does, or fix {ref_name} and the other locales",
                values(theirs)
            ))
            .related_in(
                reference.file,
                there.span.clone(),
                format!("{} in {}", there.shown(), reference.name),
            ),
        );
    }
    // Sections: a protocol whose settings one side gives and the other never
    // names. Only the protocols a guide chooses between (IMAP, POP3): an
    // outgoing server is often given without the word SMTP.
    for protocol in [Protocol::Imap, Protocol::Pop3] {
        let theirs = reference.protocols.contains(&protocol);
        let ours = locale.protocols.contains(&protocol);
        if theirs && !ours && locale.mentions & protocol.bit() == 0 {
            let there = reference
                .settings
                .iter()
                .find(|(s, _)| matches!(s, Setting::Port(p, ..) if *p == protocol))
                .and_then(|(_, f)| f.first());
            let span = locale.first.map(|f| f.span.clone()).unwrap_or(0..0);
            let mut finding = Finding::new(
                RULE.code,
                locale.file,
                span,
                format!(
                    "this translation ({}) never names {protocol}, whose settings {ref_name} gives",
                    locale.name
                ),
            )
            .label(format!("no {protocol} settings in {}", locale.name))
            .help(format!(
                "translate the {protocol} settings of {ref_name}, or remove them there if they no longer apply"
            ));
            if let Some(there) = there {
                finding = finding.related_in(
                    reference.file,
                    there.span.clone(),
                    format!("{protocol} settings in {}", reference.name),
                );
            }
            out.push(finding);
        } else if ours && !theirs && reference.mentions & protocol.bit() == 0 {
            let Some(here) = locale
                .settings
                .iter()
                .find(|(s, _)| matches!(s, Setting::Port(p, ..) if *p == protocol))
                .and_then(|(_, f)| f.first())
            else {
                continue;
            };
            out.push(
                Finding::new(
                    RULE.code,
                    locale.file,
                    here.span.clone(),
                    format!(
                        "this translation ({}) gives {protocol} settings, which {ref_name} never names",
                        locale.name
                    ),
                )
                .label(format!("{protocol} settings only in {}", locale.name))
                .help(format!(
                    "add the {protocol} settings to {ref_name} and the other locales, or remove them here"
                )),
            );
        }
    }
}
