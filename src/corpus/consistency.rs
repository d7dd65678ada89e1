//! Consistency across guides: the compact facts each guide keeps for the
//! corpus pass, translation groups (`guide.<locale>.md` files of one folder),
//! and the corpus consensus — the majority value of each fact slot — that
//! stands in for a spec where there is none (`--no-spec`, or a product the spec
//! does not describe) and that `guidelint spec infer` prints as a draft spec.

use compact_str::CompactString;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::GuideSummary;
use crate::extract::{Fact, Limit, Value};
use crate::spec::{Direction, Product, Protocol, Spec};

/// Guides backing a value before the consensus flags outliers.
pub const MIN_SUPPORT: usize = 3;

/// What kind of fact a summary holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum FactKind {
    /// A port number.
    Port,
    /// A server host name.
    Host,
    /// The protocol a server speaks.
    Protocol,
    /// The recommended protocol.
    Recommended,
    /// The webmail URL.
    Webmail,
    /// An MX record host.
    Mx,
    /// A stated limit.
    Limit(#[serde(with = "crate::cache::serde_limit")] Limit),
}

/// One fact of a guide, compact: what the corpus pass compares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactSummary {
    /// What the fact is.
    pub kind: FactKind,
    /// The value, normalized for comparison (hosts and URLs lowercased);
    /// short values (ports, most hosts) are held inline, without an allocation.
    pub value: CompactString,
    /// The value as written, when it differs from `value`.
    pub written: Option<Box<str>>,
    /// The protocol the fact is about.
    pub protocol: Option<Protocol>,
    /// Incoming or outgoing server.
    pub direction: Option<Direction>,
    /// SSL (`true`) or not (`false`), when stated.
    pub ssl: Option<bool>,
    /// Where it is in the guide.
    pub span: Range<usize>,
}

/// Where a fact belongs, whatever its value: two facts of one slot must agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Slot {
    /// What the fact is.
    pub kind: FactKind,
    /// Its protocol.
    pub protocol: Option<Protocol>,
    /// Its direction.
    pub direction: Option<Direction>,
    /// SSL or not.
    pub ssl: Option<bool>,
}

impl FactSummary {
    /// The fact's slot.
    pub fn slot(&self) -> Slot {
        Slot {
            kind: self.kind,
            // A server is the server of a direction, whatever protocol names it.
            protocol: if self.kind == FactKind::Host {
                None
            } else {
                self.protocol
            },
            direction: self.direction,
            ssl: self.ssl,
        }
    }

    /// The fact as writers read it: "port 993 for IMAP (incoming) over SSL".
    /// The value as written.
    pub fn shown(&self) -> &str {
        self.written.as_deref().unwrap_or(&self.value)
    }

    pub fn describe(&self) -> String {
        format!(
            "{} {}{}",
            self.kind_name(),
            self.shown(),
            self.slot().describe()
        )
    }

    fn kind_name(&self) -> &'static str {
        match self.kind {
            FactKind::Port => "port",
            FactKind::Host => "server",
            FactKind::Protocol => "protocol",
            FactKind::Recommended => "recommended protocol",
            FactKind::Webmail => "webmail URL",
            FactKind::Mx => "MX record",
            FactKind::Limit(_) => "limit",
        }
    }
}

impl Slot {
    /// " for IMAP (incoming) over SSL", " of the incoming server", " (e-mails per hour per account)".
    pub fn describe(&self) -> String {
        let mut out = String::new();
        if let FactKind::Limit(l) = self.kind {
            return format!(" ({})", l.describe());
        }
        match (self.protocol, self.direction) {
            (Some(p), Some(d)) if self.kind == FactKind::Port => {
                out.push_str(&format!(" for {p} ({})", d.name()))
            }
            (Some(p), _) if self.kind == FactKind::Port => out.push_str(&format!(" for {p}")),
            (_, Some(d)) => out.push_str(&format!(" of the {} server", d.name())),
            _ => {}
        }
        match self.ssl {
            Some(true) => out.push_str(" over SSL"),
            Some(false) => out.push_str(" without SSL"),
            None => {}
        }
        out
    }
}

/// A guide's facts and what attributes it to a product, kept for the corpus pass.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GuideFacts {
    /// The facts, in document order (cached apart, see
    /// [`GuideSummary::deferred_facts`](super::GuideSummary::deferred_facts)).
    #[serde(skip)]
    pub items: Vec<FactSummary>,
    /// The spec product the guide is attributed to (index in
    /// [`Spec::products`]), decided in the per-guide pass.
    pub product: Option<usize>,
    /// The protocols the guide names anywhere, in any shape (bits of
    /// [`Protocol::bit`]): a translation that never names POP3 lacks its
    /// settings; one that names it without a setting guidelint reads says
    /// them in a shape it does not read.
    #[serde(default)]
    pub mentions: u8,
}

/// The compact facts of a parsed guide attributed to the `product` at that index of the spec.
pub fn summarize_facts(facts: &[Fact], product: Option<usize>, mentions: u8) -> GuideFacts {
    let items = facts
        .iter()
        .map(|f| {
            let (kind, value, shown) = match &f.value {
                Value::Port(p) => (FactKind::Port, p.to_string(), p.to_string()),
                Value::Host(h) => (FactKind::Host, h.to_ascii_lowercase(), h.clone()),
                Value::Protocol(p) => (FactKind::Protocol, p.name().into(), p.name().into()),
                Value::Recommended(p) => (FactKind::Recommended, p.name().into(), p.name().into()),
                Value::Webmail(u) => (
                    FactKind::Webmail,
                    u.trim_end_matches('/').to_lowercase(),
                    u.clone(),
                ),
                Value::Mx(h) => (FactKind::Mx, h.to_ascii_lowercase(), h.clone()),
                Value::Limit(l, n) => (FactKind::Limit(*l), n.to_string(), n.to_string()),
            };
            let setting = matches!(kind, FactKind::Port | FactKind::Host | FactKind::Protocol);
            FactSummary {
                kind,
                written: (shown != value).then(|| shown.into_boxed_str()),
                value: value.into(),
                protocol: if setting { f.protocol } else { None },
                direction: if setting { f.direction } else { None },
                // "SSL: yes" says SSL in the guide's own words.
                ssl: f
                    .security
                    .map(|s| s.is_ssl() || s == crate::spec::Security::Encrypted),
                span: f.span.clone(),
            }
        })
        .collect();
    GuideFacts {
        items,
        product,
        mentions,
    }
}

static LOCALE_FILE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^guide\.([a-z]{2}(?:[-_][a-z]{2})?)\.md$").expect("valid locale regex")
});

/// The locale of a `guide.<locale>.md` file (`fr-fr`).
pub fn locale_of(path: &str) -> Option<String> {
    let name = Path::new(path).file_name()?.to_str()?;
    LOCALE_FILE
        .captures(name)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_ascii_lowercase())
}

/// Translation groups: for each folder with several `guide.<locale>.md`
/// files, the indexes of its readable guides with their locales, sorted by locale.
///
/// Only the folders holding a guide `wanted` accepts (by file index) are
/// grouped: in changed-files mode, the changed guides' folders.
pub fn translation_groups(
    summaries: &[GuideSummary],
    wanted: impl Fn(usize) -> bool,
) -> Vec<Vec<(String, usize)>> {
    let folder = |s: &GuideSummary| -> String {
        Path::new(&s.path)
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let folders: std::collections::HashSet<String> = summaries
        .iter()
        .filter(|s| wanted(s.file))
        .map(folder)
        .collect();
    let all = summaries.iter().all(|s| wanted(s.file));
    let mut groups: BTreeMap<String, Vec<(String, usize)>> = BTreeMap::new();
    for s in summaries.iter().filter(|s| s.readable) {
        let place = folder(s);
        if !all && !folders.contains(&place) {
            continue;
        }
        let Some(locale) = locale_of(&s.path) else {
            continue;
        };
        groups.entry(place).or_default().push((locale, s.file));
    }
    groups
        .into_values()
        .filter(|g| g.len() > 1)
        .map(|mut g| {
            g.sort();
            g
        })
        .collect()
}

/// The facts that translations must share: server settings whose slot is known.
pub fn translatable(f: &FactSummary) -> bool {
    match f.kind {
        FactKind::Port => f.protocol.is_some(),
        FactKind::Host | FactKind::Protocol => true,
        _ => false,
    }
}

/// The product whose facts a guide states, by id (`""` without a spec).
pub fn product_of<'a>(spec: Option<&'a Spec>, s: &GuideSummary) -> Option<&'a Product> {
    spec?.products.get(s.facts.product?)
}

/// True when the guide's product in the spec says nothing about `slot`: the
/// corpus consensus is then the only reference.
pub fn uncovered(product: Option<&Product>, slot: &Slot) -> bool {
    let Some(p) = product else { return true };
    match slot.kind {
        FactKind::Port => slot.protocol.is_none_or(|proto| p.ports(proto).is_empty()),
        FactKind::Host => p.hosts(slot.direction).is_empty(),
        FactKind::Protocol => false,
        FactKind::Recommended => p.recommended.is_none(),
        FactKind::Webmail => p.webmail.is_empty(),
        FactKind::Mx => p.mx.is_empty(),
        FactKind::Limit(l) => !p.limits.contains_key(l.key()),
    }
}

/// Slots that hold one value in a product (MX records and protocols are lists).
fn single_valued(slot: &Slot) -> bool {
    match slot.kind {
        FactKind::Port => {
            slot.protocol.is_some()
                && slot.ssl.is_some()
                && slot.direction == slot.protocol.map(Protocol::direction)
        }
        FactKind::Host => slot.direction.is_some(),
        FactKind::Recommended | FactKind::Webmail | FactKind::Limit(_) => true,
        FactKind::Protocol | FactKind::Mx => false,
    }
}

/// For one slot: normalized value → (guides giving it, in run order, the
/// value as first written).
pub type Tally = HashMap<CompactString, (Vec<usize>, String)>;

/// How many guides give each value of each slot, per product id.
#[derive(Debug, Clone, Default)]
pub struct Votes {
    /// product id → slot → the slot's tally.
    pub counts: HashMap<String, HashMap<Slot, Tally>>,
}

impl Votes {
    /// Counts the facts of every readable guide; each guide votes once per value.
    pub fn count(summaries: &[GuideSummary], spec: Option<&Spec>) -> Votes {
        Self::count_slots(summaries, spec, None)
    }

    /// Like [`Votes::count`], but only for the (product id, slot) pairs in
    /// `wanted`, when given (changed-files mode: the slots of the changed guides).
    pub fn count_slots(
        summaries: &[GuideSummary],
        spec: Option<&Spec>,
        wanted: Option<&HashSet<(&str, Slot)>>,
    ) -> Votes {
        let mut votes = Votes::default();
        Self::count_guides(&mut votes, summaries.iter(), spec, wanted);
        votes
    }

    /// Adds the votes of `summaries` to `votes` (see [`Votes::count_slots`]).
    fn count_guides<'s>(
        votes: &mut Votes,
        summaries: impl Iterator<Item = &'s GuideSummary>,
        spec: Option<&Spec>,
        wanted: Option<&HashSet<(&str, Slot)>>,
    ) {
        // The wanted slots by product: a guide of another product is skipped
        // whole, and a fact's slot is looked up in a short list.
        let mut by_product: HashMap<&str, Vec<Slot>> = HashMap::new();
        for (product, slot) in wanted.into_iter().flatten() {
            by_product.entry(product).or_default().push(*slot);
        }
        for s in summaries.filter(|s| s.readable) {
            let product = product_of(spec, s).map(|p| p.id.as_str()).unwrap_or("");
            let wanted_here = match wanted {
                Some(_) => match by_product.get(product) {
                    Some(slots) => Some(slots.as_slice()),
                    None => continue,
                },
                None => None,
            };
            if !votes.counts.contains_key(product) {
                votes.counts.insert(product.to_string(), HashMap::new());
            }
            let Some(slots) = votes.counts.get_mut(product) else {
                continue;
            };
            for f in &s.facts.items {
                let slot = f.slot();
                if !single_valued(&slot) || wanted_here.is_some_and(|w| !w.contains(&slot)) {
                    continue;
                }
                let tally = slots.entry(slot).or_default();
                match tally.get_mut(&f.value) {
                    Some((guides, _)) => {
                        if guides.last() != Some(&s.file) {
                            guides.push(s.file);
                        }
                    }
                    None => {
                        tally.insert(f.value.clone(), (vec![s.file], f.shown().to_string()));
                    }
                }
            }
        }
    }

    /// [`Votes::count_slots`] for the `wanted` slots, where the summaries
    /// taken from the cache ([`GuideSummary::cached`] set) vote from `prior`'s
    /// table, counted when the cache was written: their facts need not be
    /// decoded. The result is the same.
    pub fn count_with_prior(
        summaries: &[GuideSummary],
        spec: Option<&Spec>,
        wanted: &HashSet<(&str, Slot)>,
        prior: &PriorVotes,
    ) -> Votes {
        let mut votes = Votes::default();
        let fresh = summaries.iter().filter(|s| s.cached.is_none());
        Self::count_guides(&mut votes, fresh, spec, Some(wanted));
        let mut touched: Vec<(&str, Slot, &CompactString)> = Vec::new();
        for entry in &prior.table.slots {
            let product = spec
                .and_then(|spec| spec.products.get(entry.product?))
                .map_or("", |p| p.id.as_str());
            if !wanted.contains(&(product, entry.slot)) {
                continue;
            }
            for (value, ordinals) in &entry.values {
                let voters = ordinals
                    .iter()
                    .filter_map(|&o| prior.file_of.get(o as usize).copied().flatten());
                let mut voters = voters.peekable();
                if voters.peek().is_none() {
                    continue;
                }
                let slots = votes.counts.entry(product.to_string()).or_default();
                let tally = slots.entry(entry.slot).or_default();
                tally
                    .entry(value.clone())
                    .or_insert_with(|| (Vec::new(), String::new()))
                    .0
                    .extend(voters);
                touched.push((product, entry.slot, value));
            }
        }
        for (product, slot, value) in touched {
            let Some((guides, shown)) = votes
                .counts
                .get_mut(product)
                .and_then(|slots| slots.get_mut(&slot))
                .and_then(|tally| tally.get_mut(value))
            else {
                continue;
            };
            guides.sort_unstable();
            guides.dedup();
            // The value as the first guide giving it writes it first.
            if let Some(first) = guides.first().and_then(|&i| summaries.get(i))
                && first.cached.is_some()
            {
                let items = first.fact_items();
                if let Some(f) = items.iter().find(|f| f.slot() == slot && f.value == *value) {
                    *shown = f.shown().to_string();
                }
            }
        }
        votes
    }

    /// The values of a slot, most backed first: (value as written, normalized value, guides).
    pub fn ranked(&self, product: &str, slot: &Slot) -> Vec<(String, String, usize)> {
        let mut out: Vec<(String, String, usize)> = self
            .counts
            .get(product)
            .and_then(|slots| slots.get(slot))
            .map(|m| {
                m.iter()
                    .map(|(v, (guides, shown))| (shown.clone(), v.to_string(), guides.len()))
                    .collect()
            })
            .unwrap_or_default();
        out.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
        out
    }

    /// The consensus of a slot: the value at least [`MIN_SUPPORT`] guides give
    /// and more than twice as many as any other value.
    pub fn consensus(&self, product: &str, slot: &Slot) -> Option<(String, String, usize)> {
        let ranked = self.ranked(product, slot);
        let top = ranked.first()?;
        let second = ranked.get(1).map(|r| r.2).unwrap_or(0);
        (top.2 >= MIN_SUPPORT && top.2 > 2 * second).then(|| top.clone())
    }
}

/// The votes of the guides of a cache file, counted when it was written: for
/// each (product index, single-valued slot), each normalized value with the
/// guides (entry ordinals in the file, ascending) that give it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct VoteTable {
    /// How many entries the table counted (the file's entries).
    pub entries: u32,
    /// The slots.
    pub slots: Vec<TableSlot>,
}

/// One slot of a [`VoteTable`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableSlot {
    /// The product index of the voting guides.
    pub product: Option<usize>,
    /// The slot.
    pub slot: Slot,
    /// Each value and its voters (entry ordinals, ascending).
    pub values: Vec<(CompactString, Vec<u32>)>,
}

impl VoteTable {
    /// Counts the facts of `guides`, in ordinal order: each votes once per
    /// value of each single-valued slot, like [`Votes::count`].
    pub fn count<'g>(
        entries: u32,
        guides: impl Iterator<Item = (u32, Option<usize>, &'g [FactSummary])>,
    ) -> Self {
        type Values = HashMap<CompactString, Vec<u32>>;
        let mut slots: HashMap<(Option<usize>, Slot), Values> = HashMap::new();
        for (ordinal, product, items) in guides {
            for f in items {
                let slot = f.slot();
                if !single_valued(&slot) {
                    continue;
                }
                let voters = slots
                    .entry((product, slot))
                    .or_default()
                    .entry(f.value.clone())
                    .or_default();
                if voters.last() != Some(&ordinal) {
                    voters.push(ordinal);
                }
            }
        }
        let mut slots: Vec<TableSlot> = slots
            .into_iter()
            .map(|((product, slot), values)| {
                let mut values: Vec<(CompactString, Vec<u32>)> = values.into_iter().collect();
                values.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                TableSlot {
                    product,
                    slot,
                    values,
                }
            })
            .collect();
        slots.sort_unstable_by_key(|t| (t.product, t.slot));
        VoteTable { entries, slots }
    }
}

/// A [`VoteTable`] and, for each of its entry ordinals, the file index of
/// the run's guide whose summary is that entry (taken from the cache).
#[derive(Debug, Clone, Default)]
pub struct PriorVotes {
    /// The table.
    pub table: VoteTable,
    /// Ordinal → file index.
    pub file_of: Vec<Option<usize>>,
}

/// The draft spec `guidelint spec infer` prints, every guide voting for one
/// product (see [`super::infer::infer_spec`], which attributes guides to the
/// products of a spec).
pub fn infer_spec(summaries: &[GuideSummary]) -> String {
    super::infer::infer_spec(summaries, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_of_guide_files() {
        assert_eq!(
            locale_of("pages/web/emails/x/guide.fr-fr.md").as_deref(),
            Some("fr-fr")
        );
        assert_eq!(locale_of("guide.de-DE.md").as_deref(), Some("de-de"));
        assert_eq!(locale_of("fixtures/seeds/000_a6.md"), None);
    }

    fn summary(file: usize, path: &str, items: Vec<FactSummary>) -> GuideSummary {
        GuideSummary {
            file,
            path: path.into(),
            readable: true,
            facts: GuideFacts {
                items,
                ..GuideFacts::default()
            },
            ..GuideSummary::default()
        }
    }

    fn port(p: u16, ssl: bool) -> FactSummary {
        FactSummary {
            kind: FactKind::Port,
            value: p.to_string().into(),
            written: None,
            protocol: Some(Protocol::Imap),
            direction: Some(Direction::Incoming),
            ssl: Some(ssl),
            span: 0..3,
        }
    }

    fn host(h: &str) -> FactSummary {
        FactSummary {
            kind: FactKind::Host,
            value: h.to_ascii_lowercase().into(),
            written: (h != h.to_ascii_lowercase()).then(|| h.into()),
            protocol: None,
            direction: Some(Direction::Incoming),
            ssl: None,
            span: 0..3,
        }
    }

    /// Every wanted slot's ranking, as GL302 reads it.
    fn rankings(
        votes: &Votes,
        wanted: &HashSet<(&str, Slot)>,
    ) -> Vec<Vec<(String, String, usize)>> {
        let mut wanted: Vec<&(&str, Slot)> = wanted.iter().collect();
        wanted.sort();
        wanted
            .iter()
            .map(|(p, slot)| votes.ranked(p, slot))
            .collect()
    }

    #[test]
    fn cached_votes_count_as_the_facts_would() {
        // The cache was written with guides 0..6 (ordinals 0..6); guide 2 was
        // deleted since, guide 3 changed (read again), guide 6 is new.
        let facts: Vec<Vec<FactSummary>> = vec![
            vec![port(993, true), host("Mail.Example.com")],
            vec![port(993, true), port(993, true), host("mail.example.com")],
            vec![port(143, true)],
            vec![port(993, true), host("MAIL.example.com")],
            vec![port(143, true), host("other.example.com")],
            vec![port(993, true), host("mail.example.com")],
        ];
        let table = VoteTable::count(
            6,
            facts
                .iter()
                .enumerate()
                .map(|(i, f)| (i as u32, None, f.as_slice())),
        );
        // The run: deleted guide 2 is gone, so ordinals 3.. are files 2..
        let mut summaries: Vec<GuideSummary> = Vec::new();
        let mut file_of = vec![None; 6];
        for (ordinal, items) in facts.iter().enumerate() {
            if ordinal == 2 {
                continue;
            }
            let file = summaries.len();
            let mut s = summary(file, &format!("g{file}.md"), items.clone());
            if ordinal == 3 {
                // Changed: its new facts, no ordinal.
                s.facts.items = vec![port(143, true), host("Mail.example.COM")];
            } else {
                s.cached = Some(ordinal as u32);
                file_of[ordinal] = Some(file);
            }
            summaries.push(s);
        }
        let new = summary(5, "g5.md", vec![port(143, true), host("mail.example.com")]);
        summaries.push(new);
        let wanted: HashSet<(&str, Slot)> = [("", port(993, true).slot()), ("", host("x").slot())]
            .into_iter()
            .collect();
        let prior = PriorVotes { table, file_of };
        let direct = Votes::count_slots(&summaries, None, Some(&wanted));
        let with_prior = Votes::count_with_prior(&summaries, None, &wanted, &prior);
        assert_eq!(rankings(&with_prior, &wanted), rankings(&direct, &wanted));
        // The value as first written comes from the first guide giving it,
        // whether it was cached or read.
        let hosts = with_prior.ranked("", &host("x").slot());
        assert_eq!(
            hosts[0],
            ("Mail.Example.com".into(), "mail.example.com".into(), 5)
        );
        // A cached guide's facts are read (from its deferred bytes) only for that.
        summaries[0].facts.items.clear();
        summaries[0].deferred_facts = Some(crate::corpus::summary::Deferred {
            bytes: std::sync::Arc::new(postcard::to_stdvec(&facts[0]).unwrap().into()),
            range: 0..postcard::to_stdvec(&facts[0]).unwrap().len(),
        });
        let deferred = Votes::count_with_prior(&summaries, None, &wanted, &prior);
        assert_eq!(rankings(&deferred, &wanted), rankings(&direct, &wanted));
    }

    #[test]
    fn consensus_needs_support_and_a_clear_majority() {
        let slot = port(993, true).slot();
        let mut s: Vec<GuideSummary> = (0..3)
            .map(|i| summary(i, &format!("{i}.md"), vec![port(993, true)]))
            .collect();
        let votes = Votes::count(&s, None);
        assert_eq!(votes.consensus("", &slot).map(|c| c.2), Some(3));
        s.push(summary(3, "3.md", vec![port(995, true)]));
        s.push(summary(4, "4.md", vec![port(995, true)]));
        assert!(Votes::count(&s, None).consensus("", &slot).is_none());
        assert!(Votes::count(&s[..2], None).consensus("", &slot).is_none());
    }

    #[test]
    fn slots_describe_themselves() {
        assert_eq!(
            port(993, true).describe(),
            "port 993 for IMAP (incoming) over SSL"
        );
    }
}
