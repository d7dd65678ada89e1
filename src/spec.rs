//! The canonical spec: the mail service's facts (`rules/spec.yaml`) and the
//! universal protocol facts (`rules/protocols.yaml`).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::data::{self, DataError};
use crate::vocab::{FirstWords, ListWords, Phrases, Spelling, Survey, Vocabulary, WordRegex};

/// A mail protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// IMAP (incoming).
    Imap,
    /// POP3 (incoming).
    Pop3,
    /// SMTP (outgoing).
    Smtp,
}

impl Protocol {
    /// All protocols.
    pub const ALL: [Protocol; 3] = [Protocol::Imap, Protocol::Pop3, Protocol::Smtp];

    /// The protocol's bit in a set of protocols held in a `u8`.
    pub fn bit(self) -> u8 {
        match self {
            Protocol::Imap => 1,
            Protocol::Pop3 => 2,
            Protocol::Smtp => 4,
        }
    }

    /// The name writers know.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Imap => "IMAP",
            Protocol::Pop3 => "POP3",
            Protocol::Smtp => "SMTP",
        }
    }

    /// Which server the protocol is for.
    pub fn direction(self) -> Direction {
        match self {
            Protocol::Smtp => Direction::Outgoing,
            _ => Direction::Incoming,
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Incoming or outgoing server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The server mail is read from (IMAP, POP3).
    Incoming,
    /// The server mail is sent through (SMTP).
    Outgoing,
}

impl Direction {
    /// `incoming` or `outgoing`.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Incoming => "incoming",
            Direction::Outgoing => "outgoing",
        }
    }
}

/// How a port is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte ("SSL").
    Ssl,
    /// Plain connection upgraded with STARTTLS.
    Starttls,
    /// No TLS.
    Plain,
    /// Encrypted, without saying how: a guide's "Yes" in an `SSL` column
    /// (clients' "Use SSL" boxes stand for STARTTLS on 587 too). Never in a
    /// spec.
    #[serde(skip)]
    Encrypted,
}

impl Security {
    /// True for implicit TLS, the only thing guides call "SSL".
    pub fn is_ssl(self) -> bool {
        self == Security::Ssl
    }

    /// Whether a guide's `stated` security agrees with this one. Guides say
    /// "SSL" or "without SSL"; STARTTLS and plain are both "without SSL".
    pub fn agrees_with(self, stated: Security) -> bool {
        match (self, stated) {
            (Security::Encrypted, other) | (other, Security::Encrypted) => other != Security::Plain,
            _ => self.is_ssl() == stated.is_ssl(),
        }
    }

    /// "over SSL" / "without SSL" / "with STARTTLS", for messages.
    pub fn phrase(self) -> &'static str {
        match self {
            Security::Ssl => "over SSL",
            Security::Starttls => "without SSL (STARTTLS)",
            Security::Plain => "without SSL",
            // What such a guide says in its own words: "SSL: yes".
            Security::Encrypted => "over SSL",
        }
    }
}

/// One port a protocol is offered on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortSpec {
    /// The port number.
    pub port: u16,
    /// How it is secured.
    pub security: Security,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProtocolFacts {
    #[allow(dead_code)]
    name: String,
    #[allow(dead_code)]
    direction: Direction,
    aliases: Vec<String>,
    ports: Vec<RawPort>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPort {
    port: u16,
    security: Security,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProtocolsFile {
    protocols: BTreeMap<Protocol, ProtocolFacts>,
    /// Well-known ports of services that are not mail protocols.
    #[serde(default)]
    other_services: Vec<OtherService>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct OtherService {
    port: u16,
    #[allow(dead_code)]
    name: String,
}

/// The universal protocol facts: well-known ports and the words naming each protocol.
#[derive(Debug, Clone)]
pub struct Protocols {
    ports: Vec<(Protocol, u16, Security)>,
    aliases: WordRegex,
    alias_map: Vec<(String, Protocol)>,
    /// The aliases, for [`Protocols::survey`] (list 0).
    words: Option<FirstWords>,
    /// Well-known ports of other services (HTTPS, HTTP).
    other_ports: Vec<u16>,
}

impl Protocols {
    /// The facts shipped in `rules/protocols.yaml`.
    pub fn embedded() -> Result<Protocols, DataError> {
        Self::parse("rules/protocols.yaml", data::PROTOCOLS_YAML)
    }

    /// Parses a protocols file.
    pub fn parse(file: &str, text: &str) -> Result<Protocols, DataError> {
        let raw: ProtocolsFile = data::from_yaml(file, text)?;
        let mut ports = Vec::new();
        let mut alias_map = Vec::new();
        for (protocol, facts) in raw.protocols {
            ports.extend(facts.ports.iter().map(|p| (protocol, p.port, p.security)));
            alias_map.extend(facts.aliases.iter().map(|a| (a.to_lowercase(), protocol)));
        }
        alias_map.sort_by_key(|(a, _)| std::cmp::Reverse(a.len()));
        let pattern = alias_map
            .iter()
            .map(|(a, _)| regex::escape(a))
            .collect::<Vec<_>>()
            .join("|");
        let aliases = WordRegex::new(
            &format!(r"(?i)\b(?:{pattern})\b"),
            &format!(r"(?i)(?:{pattern})"),
        )
        .map_err(|e| DataError::new(file, text, None, e))?
        .gated(alias_map.iter().map(|(a, _)| a.as_str()))
        .by_hand(Phrases::new(
            alias_map.iter().map(|(a, _)| a.as_str()),
            Spelling::Bounded,
        ));
        let mut protocols = Protocols {
            ports,
            aliases,
            alias_map,
            words: None,
            other_ports: raw.other_services.iter().map(|s| s.port).collect(),
        };
        let names = protocols.names();
        if names.iter().all(|(a, _)| !a.is_empty()) {
            protocols.words = FirstWords::new(&[&names]);
        }
        Ok(protocols)
    }

    /// The well-known meanings of `port`: which protocol, with which security.
    pub fn meanings(&self, port: u16) -> impl Iterator<Item = (Protocol, Security)> + '_ {
        self.ports
            .iter()
            .filter(move |(_, p, _)| *p == port)
            .map(|(proto, _, sec)| (*proto, *sec))
    }

    /// True when `port` is a well-known port of a service that is not a
    /// mail protocol (443 for HTTPS: ActiveSync, Autodiscover, webmails).
    pub fn is_other_service_port(&self, port: u16) -> bool {
        self.other_ports.contains(&port) && self.meanings(port).next().is_none()
    }

    /// True when `port` is a well-known port of `protocol`.
    pub fn is_port_of(&self, protocol: Protocol, port: u16) -> bool {
        self.meanings(port).any(|(p, _)| p == protocol)
    }

    /// The well-known ports of `protocol`.
    pub fn ports_of(&self, protocol: Protocol) -> impl Iterator<Item = (u16, Security)> + '_ {
        self.ports
            .iter()
            .filter(move |(p, _, _)| *p == protocol)
            .map(|(_, port, sec)| (*port, *sec))
    }

    /// Every protocol name in `text`, with its byte range.
    pub fn mentions<'a>(
        &'a self,
        text: &'a str,
    ) -> impl Iterator<Item = (Protocol, std::ops::Range<usize>)> + 'a {
        self.aliases
            .find_iter(text)
            .filter_map(move |m| self.name_at(text, m))
    }

    /// The protocols `text` names anywhere, as a set of bits
    /// ([`Protocol::bit`]).
    ///
    /// Reads the text once per alias with a literal search over its ASCII
    /// lowercase copy (what [`Protocols::mentions`] finds, without the
    /// regex's cost on a whole guide), unless an alias is not ASCII.
    pub fn named_in(&self, text: &str) -> u8 {
        let mut named = 0;
        if self
            .alias_map
            .iter()
            .any(|(a, _)| a.is_empty() || !a.is_ascii())
        {
            for (p, _) in self.mentions(text) {
                named |= p.bit();
            }
            return named;
        }
        let lower = text.to_ascii_lowercase();
        let is_word = |c: Option<char>| {
            c.is_some_and(|c| regex_syntax::try_is_word_character(c).unwrap_or(false))
        };
        for (alias, protocol) in &self.alias_map {
            if named & protocol.bit() != 0 {
                continue;
            }
            let whole_word =
                memchr::memmem::find_iter(lower.as_bytes(), alias.as_bytes()).any(|at| {
                    let end = at + alias.len();
                    !is_word(text[..at].chars().next_back()) && !is_word(text[end..].chars().next())
                });
            if whole_word {
                named |= protocol.bit();
            }
        }
        named
    }

    /// Where protocol names start in `text`, for [`Protocols::mentions_in`]
    /// on `text` or a [`Survey::slice`] of it.
    pub fn survey<'a>(&'a self, text: &'a str) -> Survey<'a> {
        match &self.words {
            Some(words) => words.survey(text),
            None => Survey::empty(text),
        }
    }

    /// Every protocol name in `survey`'s text (made by [`Protocols::survey`]),
    /// as [`Protocols::mentions`] finds them.
    pub fn mentions_in<'a>(
        &'a self,
        survey: &'a Survey<'_>,
    ) -> impl Iterator<Item = (Protocol, std::ops::Range<usize>)> + 'a {
        self.mentions_in_list(survey, self.own_list())
    }

    /// The list of the protocol names in [`Protocols::survey`]'s surveys.
    pub fn own_list(&self) -> Option<u32> {
        self.words.as_ref().map(|_| 0)
    }

    /// Every protocol name in `survey`'s text, where the survey's list `list`
    /// holds [`Protocols::names`] (a survey by this type's own automaton, or by
    /// a vocabulary built [`Vocabulary::with_names`]); with no list, the whole
    /// text is searched.
    pub fn mentions_in_list<'a>(
        &'a self,
        survey: &'a Survey<'_>,
        list: Option<u32>,
    ) -> impl Iterator<Item = (Protocol, std::ops::Range<usize>)> + 'a {
        let text = survey.text();
        let matches = match list {
            Some(list) => self.aliases.find_in(survey, list),
            None => self.aliases.find_iter(text),
        };
        matches.filter_map(move |m| self.name_at(text, m))
    }

    /// The list bit of the protocol names in `vocab`'s surveys, when it
    /// surveys exactly these names ([`Vocabulary::with_names`]).
    pub fn surveyed_by(&self, vocab: &Vocabulary) -> Option<u32> {
        let (words, bit) = vocab.names()?;
        let same = words.len() == self.alias_map.len()
            && words
                .iter()
                .zip(&self.alias_map)
                .all(|((w, bounded), (a, _))| *bounded && w == a);
        same.then_some(bit)
    }

    /// The protocol names as first words to survey: every match of a name
    /// starts with one, after a `\b`.
    pub fn names(&self) -> ListWords {
        self.alias_map
            .iter()
            .map(|(a, _)| (a.clone(), true))
            .collect()
    }

    /// The protocol named by the alias at `m` in `text`.
    fn name_at(
        &self,
        text: &str,
        m: std::ops::Range<usize>,
    ) -> Option<(Protocol, std::ops::Range<usize>)> {
        let word = text[m.clone()].to_lowercase();
        let p = self.alias_map.iter().find(|(a, _)| *a == word)?.1;
        Some((p, m))
    }

    /// The one protocol `survey`'s text names, if it names exactly one (see
    /// [`Protocols::single`]).
    pub fn single_in(&self, survey: &Survey<'_>) -> Option<(Protocol, std::ops::Range<usize>)> {
        Self::only_one(self.mentions_in(survey))
    }

    /// The one protocol `text` names, if it names exactly one.
    pub fn single(&self, text: &str) -> Option<(Protocol, std::ops::Range<usize>)> {
        Self::only_one(self.mentions(text))
    }

    /// The one protocol `mentions` name, if they name exactly one.
    pub fn only_one(
        mentions: impl Iterator<Item = (Protocol, std::ops::Range<usize>)>,
    ) -> Option<(Protocol, std::ops::Range<usize>)> {
        let mut found: Option<(Protocol, std::ops::Range<usize>)> = None;
        for (p, r) in mentions {
            match &found {
                Some((q, _)) if *q != p => return None,
                Some(_) => {}
                None => found = Some((p, r)),
            }
        }
        found
    }
}

/// Whether SMTP authentication is required.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Authentication {
    /// Clients must authenticate.
    Required,
    /// Clients may authenticate.
    Optional,
    /// No authentication.
    None,
}

/// What the spec says about one protocol of a product.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtocolSpec {
    /// The ports offered.
    pub ports: Vec<PortSpec>,
    /// Whether authentication is required (SMTP).
    #[serde(default)]
    pub authentication: Option<Authentication>,
}

/// Host names offered, by direction and by protocol.
///
/// The servers of a protocol are those of its direction (`incoming` for IMAP
/// and POP3, `outgoing` for SMTP) and those listed under the protocol itself:
/// `incoming: [ssl0.ovh.net]` with `pop3: [pop.mail.ovh.net]` offers both for
/// POP3, and only `ssl0.ovh.net` for IMAP unless `imap` lists more.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hosts {
    /// Servers of every incoming protocol (IMAP, POP3).
    #[serde(default, deserialize_with = "flat_list")]
    pub incoming: Vec<String>,
    /// Servers of the outgoing protocol (SMTP).
    #[serde(default, deserialize_with = "flat_list")]
    pub outgoing: Vec<String>,
    /// IMAP's own servers.
    #[serde(default, deserialize_with = "flat_list")]
    pub imap: Vec<String>,
    /// POP3's own servers.
    #[serde(default, deserialize_with = "flat_list")]
    pub pop3: Vec<String>,
    /// SMTP's own servers.
    #[serde(default, deserialize_with = "flat_list")]
    pub smtp: Vec<String>,
}

impl Hosts {
    /// The servers offered for a fact about `protocol` and `direction`: the
    /// protocol's (its direction's and its own), else the direction's (every
    /// protocol of it), else all of them. Each host once, in spec order.
    pub fn offered(&self, protocol: Option<Protocol>, direction: Option<Direction>) -> Vec<&str> {
        let lists: Vec<&Vec<String>> = match (protocol, direction) {
            (Some(p), _) => {
                let own = match p {
                    Protocol::Imap => &self.imap,
                    Protocol::Pop3 => &self.pop3,
                    Protocol::Smtp => &self.smtp,
                };
                vec![self.of_direction(p.direction()), own]
            }
            (None, Some(Direction::Incoming)) => vec![&self.incoming, &self.imap, &self.pop3],
            (None, Some(Direction::Outgoing)) => vec![&self.outgoing, &self.smtp],
            (None, None) => vec![
                &self.incoming,
                &self.outgoing,
                &self.imap,
                &self.pop3,
                &self.smtp,
            ],
        };
        let mut out: Vec<&str> = Vec::new();
        for h in lists.into_iter().flatten() {
            if !out.iter().any(|o| o.eq_ignore_ascii_case(h)) {
                out.push(h);
            }
        }
        out
    }

    fn of_direction(&self, direction: Direction) -> &Vec<String> {
        match direction {
            Direction::Incoming => &self.incoming,
            Direction::Outgoing => &self.outgoing,
        }
    }

    /// True when no host is listed.
    pub fn is_empty(&self) -> bool {
        self.offered(None, None).is_empty()
    }
}

/// How guides are attributed to a product.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductMatch {
    /// Glob patterns on the guide's path.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Words that, in the title, attribute the guide to the product.
    #[serde(default)]
    pub title: Vec<String>,
    /// Front-matter values that attribute the guide (`key: value`).
    #[serde(default)]
    pub front_matter: BTreeMap<String, String>,
}

/// An MX record of a product: `{ host: mx1.mail.ovh.net, filtering: … }`, or
/// the host alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MxRecord {
    /// The MX host (`*` matches any run of characters).
    pub host: String,
    /// What filtering it applies.
    pub filtering: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMx {
    host: String,
    #[serde(default)]
    filtering: Option<String>,
}

/// One entry of a list in the spec: a value, or a list of them (a YAML
/// anchor's list reused inside another list), flattened on reading.
#[derive(Deserialize)]
#[serde(untagged)]
enum Nested<T> {
    One(T),
    Many(Vec<Nested<T>>),
}

impl<T> Nested<T> {
    fn flatten_into(self, out: &mut Vec<T>) {
        match self {
            Nested::One(v) => out.push(v),
            Nested::Many(items) => items.into_iter().for_each(|i| i.flatten_into(out)),
        }
    }
}

/// A list of strings written as one string, a list, or lists of lists.
fn flat_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let mut out = Vec::new();
    Nested::<String>::deserialize(d)?.flatten_into(&mut out);
    Ok(out)
}

/// [`flat_list`] for an optional field.
fn flat_list_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    flat_list(d).map(Some)
}

#[derive(Deserialize)]
#[serde(untagged)]
enum MxItem {
    Host(String),
    Record(RawMx),
}

/// MX records written as hosts or `{ host, filtering }` maps, possibly nested.
fn mx_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<MxRecord>, D::Error> {
    let mut items = Vec::new();
    Nested::<MxItem>::deserialize(d)?.flatten_into(&mut items);
    Ok(items
        .into_iter()
        .map(|i| match i {
            MxItem::Host(host) => MxRecord {
                host,
                filtering: None,
            },
            MxItem::Record(r) => MxRecord {
                host: r.host,
                filtering: r.filtering,
            },
        })
        .collect())
}

/// [`mx_list`] for an optional field.
fn mx_list_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<MxRecord>>, D::Error> {
    mx_list(d).map(Some)
}

/// Values a product still accepts but no longer gives: guides stating them
/// get a warning naming the current value.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Legacy {
    /// Former servers.
    #[serde(default)]
    pub hosts: Option<Hosts>,
    /// Former webmail addresses.
    #[serde(default, deserialize_with = "flat_list_opt")]
    pub webmail: Option<Vec<String>>,
    /// Former MX records.
    #[serde(default, deserialize_with = "mx_list_opt")]
    pub mx: Option<Vec<MxRecord>>,
}

/// The facts of a product that differ for the guides of some locales (the
/// webmail of each country site, Canada's own servers). Each field left out
/// keeps the product's value.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocaleFacts {
    /// The servers for these locales.
    #[serde(default)]
    pub hosts: Option<Hosts>,
    /// The webmail addresses for these locales.
    #[serde(default, deserialize_with = "flat_list_opt")]
    pub webmail: Option<Vec<String>>,
    /// The MX records for these locales.
    #[serde(default, deserialize_with = "mx_list_opt")]
    pub mx: Option<Vec<MxRecord>>,
    /// The legacy values for these locales (each field replaces the product's).
    #[serde(default)]
    pub legacy: Legacy,
}

impl LocaleFacts {
    /// The names of the fields this entry sets.
    fn fields(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        let set = [
            ("hosts", self.hosts.is_some()),
            ("webmail", self.webmail.is_some()),
            ("mx", self.mx.is_some()),
            ("legacy.hosts", self.legacy.hosts.is_some()),
            ("legacy.webmail", self.legacy.webmail.is_some()),
            ("legacy.mx", self.legacy.mx.is_some()),
        ];
        for (name, is_set) in set {
            if is_set {
                out.push(name);
            }
        }
        out
    }

    /// Adds the fields of `other`, which sets none of this entry's.
    fn merge(&mut self, other: &LocaleFacts) {
        fn take<T: Clone>(mine: &mut Option<T>, theirs: &Option<T>) {
            if mine.is_none() {
                mine.clone_from(theirs);
            }
        }
        take(&mut self.hosts, &other.hosts);
        take(&mut self.webmail, &other.webmail);
        take(&mut self.mx, &other.mx);
        take(&mut self.legacy.hosts, &other.legacy.hosts);
        take(&mut self.legacy.webmail, &other.legacy.webmail);
        take(&mut self.legacy.mx, &other.legacy.mx);
    }
}

/// Whether a product accepts a value a guide gives (see [`Product::accepts_host`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acceptance {
    /// A value the product gives today for the guide's locale.
    Current,
    /// A value the spec marks as legacy: still accepted, no longer given.
    Legacy,
    /// A value the product does not offer for the guide's locale.
    No,
    /// The product states no value of this kind: nothing to compare with.
    Unspecified,
}

/// One product of the spec.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// Stable id (`mx-plan`).
    pub id: String,
    /// Name for messages (`MX Plan`).
    pub name: String,
    /// How guides are attributed to it.
    #[serde(default, rename = "match")]
    pub matches: ProductMatch,
    /// Its servers, for guides of every locale that `locales` does not override.
    #[serde(default)]
    pub hosts: Hosts,
    /// Its protocols.
    #[serde(default)]
    pub protocols: BTreeMap<Protocol, ProtocolSpec>,
    /// The protocol guides should recommend.
    #[serde(default)]
    pub recommended: Option<Protocol>,
    /// The webmail addresses (the first is the one messages suggest), for
    /// guides without a locale or of a locale `locales` does not override.
    #[serde(default, deserialize_with = "flat_list")]
    pub webmail: Vec<String>,
    /// MX records, likewise.
    #[serde(default, deserialize_with = "mx_list")]
    pub mx: Vec<MxRecord>,
    /// Values still accepted but no longer given (warnings).
    #[serde(default)]
    pub legacy: Legacy,
    /// Facts that differ by the guide's locale. In the file a key may name
    /// several locales (`"fr-ca, en-ca"`); once parsed, there is one entry per
    /// locale (lowercase), holding every field the file sets for it.
    #[serde(default)]
    pub locales: BTreeMap<String, LocaleFacts>,
    /// Stated limits (name → value).
    #[serde(default)]
    pub limits: BTreeMap<String, serde_yaml::Value>,
}

/// A product's facts as they apply to the guides of one locale.
#[derive(Debug, Clone, Copy)]
pub struct LocaleView<'a> {
    /// The product.
    pub product: &'a Product,
    /// The locale, when the product has facts of its own for it.
    pub locale: Option<&'a str>,
    /// The locale when the servers are its own (not the product's).
    pub hosts_locale: Option<&'a str>,
    /// The locale when the webmail addresses are its own.
    pub webmail_locale: Option<&'a str>,
    /// The locale when the MX records are its own.
    pub mx_locale: Option<&'a str>,
    /// The servers.
    pub hosts: &'a Hosts,
    /// The webmail addresses, the preferred one first.
    pub webmail: &'a [String],
    /// The MX records.
    pub mx: &'a [MxRecord],
    /// Former servers.
    pub legacy_hosts: Option<&'a Hosts>,
    /// Former webmail addresses.
    pub legacy_webmail: &'a [String],
    /// Former MX records.
    pub legacy_mx: &'a [MxRecord],
}

impl<'a> LocaleView<'a> {
    /// Whether these facts accept `host` as the server of `protocol` /
    /// `direction` (see [`Product::accepts_host`]).
    pub fn accepts_host(
        &self,
        host: &str,
        protocol: Option<Protocol>,
        direction: Option<Direction>,
    ) -> Acceptance {
        let current = self.hosts.offered(protocol, direction);
        let legacy = self
            .legacy_hosts
            .map(|h| h.offered(protocol, direction))
            .unwrap_or_default();
        accept(&current, &legacy, |p| host_matches(p, host))
    }

    /// Whether these facts accept `url` as the webmail.
    pub fn accepts_webmail(&self, url: &str) -> Acceptance {
        let current: Vec<&str> = self.webmail.iter().map(String::as_str).collect();
        let legacy: Vec<&str> = self.legacy_webmail.iter().map(String::as_str).collect();
        accept(&current, &legacy, |p| webmail_matches(p, url))
    }

    /// Whether these facts accept `host` as an MX record.
    pub fn accepts_mx(&self, host: &str) -> Acceptance {
        let current: Vec<&str> = self.mx.iter().map(|m| m.host.as_str()).collect();
        let legacy: Vec<&str> = self.legacy_mx.iter().map(|m| m.host.as_str()).collect();
        accept(&current, &legacy, |p| {
            host_matches(p, host.trim_end_matches('.'))
        })
    }

    /// " for fr-ca guides" when `locale` is set, else "" (for messages:
    /// pass [`LocaleView::hosts_locale`] or its siblings).
    pub fn for_whom(locale: Option<&str>) -> String {
        locale
            .map(|l| format!(" for {l} guides"))
            .unwrap_or_default()
    }
}

/// A value's acceptance, given the current and legacy patterns and whether a
/// pattern matches it. A legacy value written without `*` wins over a current
/// pattern that also matches it (`ex.mail.ovh.net` legacy, `ex*.mail.ovh.net`
/// current).
fn accept(current: &[&str], legacy: &[&str], matches: impl Fn(&str) -> bool) -> Acceptance {
    if current.is_empty() && legacy.is_empty() {
        return Acceptance::Unspecified;
    }
    let literal = |list: &[&str]| list.iter().any(|p| !p.contains('*') && matches(p));
    if literal(current) {
        Acceptance::Current
    } else if literal(legacy) {
        Acceptance::Legacy
    } else if current.iter().any(|p| matches(p)) {
        Acceptance::Current
    } else if legacy.iter().any(|p| matches(p)) {
        Acceptance::Legacy
    } else if current.is_empty() {
        Acceptance::Unspecified
    } else {
        Acceptance::No
    }
}

impl Product {
    /// The ports the product offers for `protocol`.
    pub fn ports(&self, protocol: Protocol) -> &[PortSpec] {
        self.protocols
            .get(&protocol)
            .map(|p| p.ports.as_slice())
            .unwrap_or(&[])
    }

    /// The product's facts for the guides of `locale` (`fr-ca`; `None` for a
    /// guide without a locale): the locale's own where `locales` sets them,
    /// else the product's.
    pub fn at(&self, locale: Option<&str>) -> LocaleView<'_> {
        let own = locale.and_then(|l| {
            let key = normalize_locale(l);
            self.locales.get_key_value(key.as_str())
        });
        let (key, facts) = match own {
            Some((k, f)) => (Some(k.as_str()), Some(f)),
            None => (None, None),
        };
        let legacy = facts.map(|f| &f.legacy);
        let own = |set: bool| if set { key } else { None };
        LocaleView {
            product: self,
            locale: key,
            hosts_locale: own(facts.is_some_and(|f| f.hosts.is_some())),
            webmail_locale: own(facts.is_some_and(|f| f.webmail.is_some())),
            mx_locale: own(facts.is_some_and(|f| f.mx.is_some())),
            hosts: facts.and_then(|f| f.hosts.as_ref()).unwrap_or(&self.hosts),
            webmail: facts
                .and_then(|f| f.webmail.as_deref())
                .unwrap_or(&self.webmail),
            mx: facts.and_then(|f| f.mx.as_deref()).unwrap_or(&self.mx),
            legacy_hosts: legacy
                .and_then(|l| l.hosts.as_ref())
                .or(self.legacy.hosts.as_ref()),
            legacy_webmail: legacy
                .and_then(|l| l.webmail.as_deref())
                .or(self.legacy.webmail.as_deref())
                .unwrap_or(&[]),
            legacy_mx: legacy
                .and_then(|l| l.mx.as_deref())
                .or(self.legacy.mx.as_deref())
                .unwrap_or(&[]),
        }
    }

    /// Whether the product accepts `host` as the server of `protocol` (or of
    /// `direction`, when the protocol is unknown; of any kind when both are)
    /// in a guide of `locale`: [`Acceptance::Current`] for a server the product
    /// gives today for that locale, [`Acceptance::Legacy`] for a former one,
    /// [`Acceptance::No`] for any other, [`Acceptance::Unspecified`] when the
    /// spec lists no server for it. A placeholder host (`pro*.mail.ovh.net`,
    /// see [`host_matches`]) is accepted when some server number makes it one
    /// of the listed hosts.
    ///
    /// Translation drift uses it so that two locales giving different servers,
    /// each right for its own locale (Canada's `imap.mail.ovh.ca`, Spain's
    /// `ssl0.ovh.net`), are not reported as drift.
    pub fn accepts_host(
        &self,
        host: &str,
        protocol: Option<Protocol>,
        direction: Option<Direction>,
        locale: Option<&str>,
    ) -> Acceptance {
        self.at(locale).accepts_host(host, protocol, direction)
    }

    /// Whether the product accepts `url` as the webmail of a guide of
    /// `locale` (scheme, case and a trailing `/` aside), like [`Product::accepts_host`].
    pub fn accepts_webmail(&self, url: &str, locale: Option<&str>) -> Acceptance {
        self.at(locale).accepts_webmail(url)
    }

    /// Whether the product accepts `host` (a trailing `.` aside) as an MX
    /// record in a guide of `locale`, like [`Product::accepts_host`].
    pub fn accepts_mx(&self, host: &str, locale: Option<&str>) -> Acceptance {
        self.at(locale).accepts_mx(host)
    }

    /// The locales whose current webmail addresses include `url` (the
    /// product-wide ones as `None`).
    pub fn webmail_locales(&self, url: &str) -> Vec<Option<&str>> {
        let mut out = Vec::new();
        if self.webmail.iter().any(|w| webmail_matches(w, url)) {
            out.push(None);
        }
        for (locale, facts) in &self.locales {
            if facts
                .webmail
                .iter()
                .flatten()
                .any(|w| webmail_matches(w, url))
            {
                out.push(Some(locale.as_str()));
            }
        }
        out
    }

    /// The hosts offered for `direction` (all hosts when `None`) to guides
    /// without a locale.
    pub fn hosts(&self, direction: Option<Direction>) -> Vec<&str> {
        self.hosts.offered(None, direction)
    }

    /// True when `host` is one of the product's current hosts for
    /// `direction`, for guides without a locale.
    pub fn offers_host(&self, host: &str, direction: Option<Direction>) -> bool {
        self.accepts_host(host, None, direction, None) == Acceptance::Current
    }

    /// The words naming the product in text: its name and its `match.title` words.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.matches.title.iter().map(String::as_str))
    }

    /// "IMAP on 993 (SSL) and 143 (without SSL)".
    pub fn describe_ports(&self, protocol: Protocol) -> String {
        let parts: Vec<String> = self
            .ports(protocol)
            .iter()
            .map(|p| {
                format!(
                    "{} ({})",
                    p.port,
                    if p.security.is_ssl() {
                        "SSL"
                    } else {
                        "without SSL"
                    }
                )
            })
            .collect();
        format!("{protocol} on {}", join_and(&parts))
    }
}

/// A locale as the spec keys it: lowercase, `-` between its parts.
pub fn normalize_locale(locale: &str) -> String {
    locale.trim().to_ascii_lowercase().replace('_', "-")
}

/// `fr-ca`, `en-asia`: two letters, then parts of two to four letters.
fn looks_like_locale(s: &str) -> bool {
    let mut parts = s.split('-');
    parts
        .next()
        .is_some_and(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts.all(|p| (2..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase()))
}

/// Joins `a, b and c`.
pub fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `pattern` matches `text`, case-insensitively, where `*` in `pattern`
/// matches any run of characters.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    let text = text.to_ascii_lowercase();
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text.ends_with(last) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

/// True when `host`, a placeholder whose each `*` stands for a server number
/// (one or more digits), can be the literal host `literal`.
fn placeholder_fits(host: &str, literal: &str) -> bool {
    fn fits(h: &[u8], l: &[u8]) -> bool {
        match h.split_first() {
            None => l.is_empty(),
            Some((b'*', rest)) => {
                let digits = l.iter().take_while(|b| b.is_ascii_digit()).count();
                (1..=digits).any(|n| fits(rest, &l[n..]))
            }
            Some((c, rest)) => l
                .split_first()
                .is_some_and(|(d, l_rest)| c.eq_ignore_ascii_case(d) && fits(rest, l_rest)),
        }
    }
    fits(host.as_bytes(), literal.as_bytes())
}

/// Case-insensitive host comparison where `*` in `pattern` matches any run of
/// characters (`ex*.mail.ovh.net`).
///
/// A `host` holding `*` is a placeholder a guide writes for "your server's
/// number" (`pro**X**.mail.ovh.net`, `ex?.mail.ovh.net`, read as
/// `pro*.mail.ovh.net`): it matches when replacing each `*` with a server
/// number gives a host the pattern matches. It never matches a host without
/// a number there: `pro*.mail.ovh.net` is not `pro.mail.ovh.net`, nor
/// `ssl0.ovh.net`.
pub fn host_matches(pattern: &str, host: &str) -> bool {
    if !host.contains('*') {
        return glob_matches(pattern, host);
    }
    if !pattern.contains('*') {
        return placeholder_fits(host, pattern);
    }
    // Both are patterns: a server number stands for the placeholder (a
    // pattern's `*` matches any number alike).
    glob_matches(pattern, &host.replace('*', "1"))
}

/// A webmail URL as compared: lowercase, without its scheme or a trailing `/`.
pub fn normalize_webmail(url: &str) -> String {
    let url = url.trim().to_ascii_lowercase();
    let url = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(&url);
    url.trim_end_matches('/').to_string()
}

/// Whether the webmail `url` matches the spec's `pattern`: compared without
/// scheme, case or trailing `/`; `*` matches any run of characters, and a
/// pattern ending in `/*` also matches the bare site (`https://ex*.mail.ovh.net/*`
/// matches `https://ex2.mail.ovh.net` and `…/owa`).
pub fn webmail_matches(pattern: &str, url: &str) -> bool {
    let pattern = normalize_webmail(pattern);
    let url = normalize_webmail(url);
    glob_matches(&pattern, &url)
        || pattern
            .strip_suffix("/*")
            .is_some_and(|site| glob_matches(site, &url))
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecFile {
    products: Vec<Product>,
    #[serde(default)]
    vendor_domains: Vec<String>,
}

/// The canonical spec: the products guides describe.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Products, the first being the default for guides no product claims.
    pub products: Vec<Product>,
    /// The domains of the vendor's own servers (`ovh.net`): a host outside
    /// them (`imap.gmail.com` in a migration guide) is another provider's,
    /// which the spec does not judge. Empty: every host is judged.
    pub vendor_domains: Vec<String>,
}

impl Spec {
    /// The spec shipped in `rules/spec.yaml`.
    pub fn embedded() -> Result<Spec, DataError> {
        Self::parse("rules/spec.yaml", data::SPEC_YAML)
    }

    /// Parses a spec file, checking what YAML types cannot.
    pub fn parse(file: &str, text: &str) -> Result<Spec, DataError> {
        let raw: SpecFile = data::from_yaml(file, text)?;
        if raw.products.is_empty() {
            return Err(DataError::new(
                file,
                text,
                Some(0),
                "the spec lists no products",
            ));
        }
        let mut products = raw.products;
        for product in &mut products {
            let at_product = || text.find(&format!("id: {}", product.id));
            for (protocol, spec) in &product.protocols {
                for port in &spec.ports {
                    if port.port == 0 {
                        return Err(DataError::new(
                            file,
                            text,
                            at_product(),
                            format!(
                                "product `{}`: port 0 is not a port ({protocol})",
                                product.id
                            ),
                        ));
                    }
                }
            }
            product.locales = split_locales(&product.locales).map_err(|(key, message)| {
                let offset = text.find(&key).or_else(at_product);
                DataError::new(
                    file,
                    text,
                    offset,
                    format!("product `{}`: {message}", product.id),
                )
            })?;
        }
        Ok(Spec {
            products,
            vendor_domains: raw
                .vendor_domains
                .iter()
                .map(|d| d.trim_matches('.').to_ascii_lowercase())
                .collect(),
        })
    }

    /// True when `host` is one of the vendor's servers (in one of
    /// [`Spec::vendor_domains`], or any host when the spec lists none).
    pub fn is_vendor_host(&self, host: &str) -> bool {
        if self.vendor_domains.is_empty() {
            return true;
        }
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.vendor_domains.iter().any(|d| {
            host == *d
                || host
                    .strip_suffix(d.as_str())
                    .is_some_and(|rest| rest.ends_with('.'))
        })
    }

    /// Loads a spec in either format: a Thunderbird autoconfig file
    /// (`clientConfig` XML, chosen by the `.xml` extension or a leading `<`)
    /// or the YAML spec format.
    pub fn load(file: &str, text: &str) -> Result<Spec, DataError> {
        let xml = file.to_ascii_lowercase().ends_with(".xml")
            || text
                .trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with('<');
        if xml {
            crate::autoconfig::parse(file, text)
        } else {
            Self::parse(file, text)
        }
    }

    /// The product a guide belongs to: the first whose `match` claims the
    /// guide's path or title, else the first product.
    pub fn product_for(&self, path: &str, title: Option<&str>) -> Option<&Product> {
        self.product_of(path, title, None)
    }

    /// The product a guide belongs to: the first whose `match` claims the
    /// guide's path, title or a front-matter value, else the first product.
    pub fn product_of(
        &self,
        path: &str,
        title: Option<&str>,
        front_matter: Option<&serde_yaml::Mapping>,
    ) -> Option<&Product> {
        self.claiming(path, title, front_matter)
            .or_else(|| self.products.first())
    }

    /// The index in [`Spec::products`] of [`Spec::product_of`]'s answer.
    pub fn product_index(
        &self,
        path: &str,
        title: Option<&str>,
        front_matter: Option<&serde_yaml::Mapping>,
    ) -> Option<usize> {
        let product = self.product_of(path, title, front_matter)?;
        self.products.iter().position(|p| std::ptr::eq(p, product))
    }

    /// The product whose `match` claims the guide, if one does (no default).
    pub fn claiming(
        &self,
        path: &str,
        title: Option<&str>,
        front_matter: Option<&serde_yaml::Mapping>,
    ) -> Option<&Product> {
        let path = path.replace('\\', "/");
        self.products.iter().find(|p| {
            let m = &p.matches;
            m.paths
                .iter()
                .any(|g| glob::Pattern::new(g).is_ok_and(|pat| pat.matches(&path)))
                || title.is_some_and(|t| {
                    let t = t.to_lowercase();
                    m.title.iter().any(|w| t.contains(&w.to_lowercase()))
                })
                || front_matter.is_some_and(|fm| {
                    m.front_matter
                        .iter()
                        .any(|(k, v)| fm.get(k.as_str()).is_some_and(|x| yaml_has(x, v)))
                })
        })
    }
}

/// True when a front-matter value is `wanted` (case-insensitive), or a list holding it.
fn yaml_has(value: &serde_yaml::Value, wanted: &str) -> bool {
    match value {
        serde_yaml::Value::String(s) => s.trim().eq_ignore_ascii_case(wanted.trim()),
        serde_yaml::Value::Number(n) => n.to_string() == wanted.trim(),
        serde_yaml::Value::Bool(b) => b.to_string() == wanted.trim(),
        serde_yaml::Value::Sequence(items) => items.iter().any(|i| yaml_has(i, wanted)),
        _ => false,
    }
}

/// The per-locale facts of a spec file, one entry per locale: a key naming
/// several locales (`"fr-ca, en-ca"`) gives its fields to each; a locale may
/// appear under several keys as long as no field is set twice for it.
/// Errors name the offending key.
fn split_locales(
    raw: &BTreeMap<String, LocaleFacts>,
) -> Result<BTreeMap<String, LocaleFacts>, (String, String)> {
    let mut out: BTreeMap<String, LocaleFacts> = BTreeMap::new();
    for (key, facts) in raw {
        let locales: Vec<String> = key
            .split(',')
            .map(normalize_locale)
            .filter(|l| !l.is_empty())
            .collect();
        if locales.is_empty() {
            return Err((key.clone(), format!("`{key}` names no locale")));
        }
        for locale in locales {
            if !looks_like_locale(&locale) {
                return Err((
                    key.clone(),
                    format!("`{locale}` is not a locale (such as `fr-ca`)"),
                ));
            }
            match out.get_mut(&locale) {
                None => {
                    out.insert(locale, facts.clone());
                }
                Some(existing) => {
                    let twice: Vec<&str> = facts
                        .fields()
                        .into_iter()
                        .filter(|f| existing.fields().contains(f))
                        .collect();
                    if let Some(field) = twice.first() {
                        return Err((
                            key.clone(),
                            format!("`{field}` is set twice for locale `{locale}`"),
                        ));
                    }
                    existing.merge(facts);
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_spec_is_mx_plan() {
        let spec = Spec::embedded().unwrap();
        let p = &spec.products[0];
        assert_eq!(p.name, "MX Plan");
        assert_eq!(p.ports(Protocol::Imap)[0].port, 993);
        assert!(p.offers_host("SSL0.OVH.NET", Some(Direction::Incoming)));
        assert_eq!(
            p.describe_ports(Protocol::Pop3),
            "POP3 on 995 (SSL) and 110 (without SSL)"
        );
    }

    #[test]
    fn protocols_named_anywhere_are_the_mentions() {
        let protocols = Protocols::embedded().unwrap();
        for text in [
            "",
            "Serveur IMAP : ssl0.ovh.net",
            "imaps, pop3s et smtps ne sont pas des noms",
            "Le POP3 et le smtp; (IMAP4)",
            "éPOP POPé _SMTP SMTP_ smtp",
            "POPULAR mapping IMAPS",
            "Kein POP, aber «IMAP»",
        ] {
            let mut expected = 0;
            for (p, _) in protocols.mentions(text) {
                expected |= p.bit();
            }
            assert_eq!(protocols.named_in(text), expected, "{text}");
        }
    }

    #[test]
    fn universal_ports() {
        let protocols = Protocols::embedded().unwrap();
        assert!(protocols.is_port_of(Protocol::Imap, 993));
        assert!(!protocols.is_port_of(Protocol::Pop3, 993));
        assert_eq!(
            protocols.single("Serveur POP3").map(|x| x.0),
            Some(Protocol::Pop3)
        );
        assert_eq!(protocols.single("POP before SMTP"), None);
        assert_eq!(
            protocols.single("pop - POP3").map(|x| x.0),
            Some(Protocol::Pop3)
        );
    }

    #[test]
    fn shipped_products_and_attribution() {
        let spec = Spec::embedded().unwrap();
        let ids: Vec<&str> = spec.products.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["mx-plan", "email-pro", "exchange"]);
        let pro = spec
            .product_of("pages/web/emails-pro/outlook/guide.fr-fr.md", None, None)
            .unwrap();
        assert_eq!(pro.id, "email-pro");
        assert!(pro.offers_host("PRO1.mail.ovh.net", Some(Direction::Incoming)));
        let ex = spec
            .product_of("a/guide.md", Some("Configurer son compte Exchange"), None)
            .unwrap();
        assert!(ex.offers_host("ex3.mail.ovh.net", Some(Direction::Outgoing)));
        let fm: serde_yaml::Mapping = serde_yaml::from_str("product: Email-Pro\n").unwrap();
        assert_eq!(
            spec.product_of("x.md", None, Some(&fm)).unwrap().id,
            "email-pro"
        );
        // Unattributed guides (the seeds) belong to the first product.
        let seed = spec
            .product_of(
                "fixtures/seeds/000.md",
                Some("Configurer son adresse e-mail MX Plan"),
                None,
            )
            .unwrap();
        assert_eq!(seed.id, "mx-plan");
        assert!(
            spec.claiming("fixtures/seeds/003.txt", None, None)
                .is_none()
        );
    }

    #[test]
    fn placeholder_hosts_stand_for_a_server_number() {
        // A guide's placeholder (extraction writes `?`, `X`, bold `?` as `*`).
        assert!(host_matches("pro*.mail.ovh.net", "pro*.mail.ovh.net"));
        assert!(host_matches("ex*.mail.ovh.net", "EX*.mail.ovh.net"));
        assert!(host_matches("pro1.mail.ovh.net", "pro*.mail.ovh.net"));
        assert!(host_matches("mx3.mail.ovh.ca", "mx*.mail.ovh.ca"));
        // Never stripped into another host.
        assert!(!host_matches("pro.mail.ovh.net", "pro*.mail.ovh.net"));
        assert!(!host_matches("ex.mail.ovh.net", "ex*.mail.ovh.net"));
        assert!(!host_matches("ssl0.ovh.net", "pro*.mail.ovh.net"));
        assert!(!host_matches("ex*.mail.ovh.net", "pro*.mail.ovh.net"));
        assert!(!host_matches("ex*.mail.ovh.ca", "ex*.mail.ovh.net"));
        assert!(!host_matches("mx1.mail.ovh.net", "mx*.mail.ovh.ca"));
        assert!(!host_matches("proa.mail.ovh.net", "pro*.mail.ovh.net"));
    }

    #[test]
    fn hosts_per_protocol_add_to_the_direction() {
        let spec = Spec::embedded().unwrap();
        let mx_plan = &spec.products[0];
        use Acceptance::*;
        let pop =
            |host: &str, locale| mx_plan.accepts_host(host, Some(Protocol::Pop3), None, locale);
        assert_eq!(pop("ssl0.ovh.net", None), Current);
        assert_eq!(pop("pop.mail.ovh.net", Some("de-de")), Current);
        assert_eq!(pop("imap.mail.ovh.net", Some("de-de")), No);
        // Canada: its own servers, one per protocol; ssl0.ovh.net is legacy.
        assert_eq!(pop("pop.mail.ovh.ca", Some("fr-ca")), Current);
        assert_eq!(pop("imap.mail.ovh.ca", Some("fr-ca")), No);
        assert_eq!(pop("pop.mail.ovh.net", Some("fr-ca")), No);
        assert_eq!(pop("ssl0.ovh.net", Some("FR_CA")), Legacy);
        assert_eq!(
            mx_plan.accepts_host(
                "imap.mail.ovh.ca",
                None,
                Some(Direction::Incoming),
                Some("en-ca")
            ),
            Current
        );
        assert_eq!(
            mx_plan.accepts_host(
                "imap.mail.ovh.ca",
                None,
                Some(Direction::Outgoing),
                Some("en-ca")
            ),
            No
        );
        let view = mx_plan.at(Some("fr-ca"));
        assert_eq!(
            view.hosts.offered(Some(Protocol::Smtp), None),
            ["smtp.mail.ovh.ca"]
        );
        assert_eq!(view.locale, Some("fr-ca"));
        assert_eq!(mx_plan.at(Some("xx-yy")).locale, None);
    }

    #[test]
    fn webmail_and_mx_by_locale() {
        let spec = Spec::embedded().unwrap();
        let (mx_plan, exchange) = (&spec.products[0], &spec.products[2]);
        use Acceptance::*;
        assert_eq!(
            mx_plan.accepts_webmail("https://www.ovh.com/fr/mail/", None),
            Current
        );
        assert_eq!(
            mx_plan.accepts_webmail("HTTP://www.ovh.com/ca/fr/mail", Some("fr-ca")),
            Current
        );
        assert_eq!(
            mx_plan.accepts_webmail("https://www.ovh.com/fr/mail/", Some("fr-ca")),
            No
        );
        assert_eq!(
            mx_plan.accepts_webmail("http://webmail.ovh.net", Some("fr-ca")),
            Legacy
        );
        assert_eq!(
            mx_plan.accepts_webmail("https://mail.ovh.net/en/", Some("en-ie")),
            Legacy
        );
        assert_eq!(
            mx_plan.webmail_locales("https://www.ovh.com/fr/mail/"),
            [None, Some("fr-fr")]
        );
        assert_eq!(
            exchange.accepts_webmail("https://ex2.mail.ovh.net/owa/", Some("en-ie")),
            Current
        );
        assert_eq!(
            exchange.accepts_webmail("https://ex.mail.ovh.ca", Some("fr-ca")),
            Current
        );
        assert_eq!(
            mx_plan.accepts_mx("mx1.mail.ovh.net.", Some("es-es")),
            Current
        );
        assert_eq!(mx_plan.accepts_mx("mx*.mail.ovh.net", None), Current);
        assert_eq!(mx_plan.accepts_mx("mx2.ovh.net", None), Legacy);
        assert_eq!(mx_plan.accepts_mx("mx1.mail.ovh.net", Some("fr-ca")), No);
        assert_eq!(
            exchange.accepts_mx("ex*.mail.ovh.ca", Some("en-ca")),
            Current
        );
        // A legacy host written in full wins over a current pattern.
        assert_eq!(
            exchange.accepts_host("ex.mail.ovh.net", None, None, None),
            Legacy
        );
        assert_eq!(
            exchange.accepts_host("ex*.mail.ovh.net", None, None, None),
            Current
        );
        assert_eq!(
            exchange.accepts_host("ex*.mail.ovh.net", None, None, Some("fr-ca")),
            Legacy
        );
        assert_eq!(
            exchange.accepts_host("ex*.mail.ovh.ca", None, None, Some("fr-ca")),
            Current
        );
        // A product without hosts says nothing.
        let bare = Spec::parse("b.yaml", "products:\n  - { id: b, name: B }\n").unwrap();
        assert_eq!(
            bare.products[0].accepts_host("x.example", None, None, None),
            Unspecified
        );
    }

    #[test]
    fn locale_keys_group_locales_and_set_each_field_once() {
        let text = "products:\n  - id: p\n    name: P\n    webmail: https://a.example/\n    locales:\n      \"fr-ca, en-ca\": { hosts: { imap: [imap.example.ca] } }\n      fr-ca: { webmail: [https://ca.example/fr/, [https://ca.example/fr2/]] }\n";
        let spec = Spec::parse("l.yaml", text).unwrap();
        let p = &spec.products[0];
        assert_eq!(p.webmail, ["https://a.example/"]);
        assert_eq!(p.locales.len(), 2);
        assert_eq!(p.at(Some("fr-ca")).webmail.len(), 2);
        assert_eq!(p.at(Some("en-ca")).webmail, ["https://a.example/"]);
        assert_eq!(p.at(Some("en-ca")).hosts.imap, ["imap.example.ca"]);
        let twice = text.replace("fr-ca: { webmail", "fr-ca: { hosts: {}, webmail");
        let err = Spec::parse("l.yaml", &twice).unwrap_err();
        assert!(
            err.message
                .contains("`hosts` is set twice for locale `fr-ca`"),
            "{}",
            err.message
        );
        let bad = text.replace("fr-ca: { webmail", "french: { webmail");
        assert!(
            Spec::parse("l.yaml", &bad)
                .unwrap_err()
                .message
                .contains("not a locale")
        );
    }

    #[test]
    fn the_readme_example_is_a_valid_spec() {
        let readme = include_str!("../README.md");
        let section = &readme[readme.find("## The spec format").unwrap()..];
        let start = section.find("```yaml\n").unwrap() + 8;
        let yaml = &section[start..start + section[start..].find("```").unwrap()];
        let spec = Spec::parse("README.md", yaml).unwrap();
        let p = &spec.products[0];
        assert_eq!(p.at(Some("fr-fr")).webmail, p.webmail.as_slice());
        assert_eq!(
            p.accepts_host("ssl0.ovh.net", Some(Protocol::Imap), None, Some("en-ca")),
            Acceptance::Legacy
        );
        assert_eq!(p.accepts_mx("mx1.ovh.net", None), Acceptance::Legacy);
        assert_eq!(
            p.accepts_webmail("https://www.ovh.com/ca/fr/mail/", Some("fr-ca")),
            Acceptance::Current
        );
        assert_eq!(
            p.accepts_webmail("https://www.ovh.com/ca/fr/mail/", Some("en-ca")),
            Acceptance::No
        );
    }

    #[test]
    fn host_patterns() {
        assert!(host_matches("ex*.mail.ovh.net", "ex3.mail.ovh.net"));
        assert!(host_matches("ssl0.ovh.net", "SSL0.OVH.NET"));
        assert!(!host_matches("ex*.mail.ovh.net", "pro1.mail.ovh.net"));
        assert!(!host_matches("ssl0.ovh.net", "ssl0.ovh.com"));
    }

    #[test]
    fn broken_spec_points_into_the_yaml() {
        let text = "products:\n  - id: x\n    name: X\n    protocols:\n      imap:\n        ports: [{port: 99999, security: ssl}]\n";
        let err = Spec::parse("bad.yaml", text).unwrap_err();
        let offset = err.offset.unwrap();
        assert!(offset > text.find("ports").unwrap(), "{err:?}");
    }

    #[test]
    fn unknown_security_is_refused() {
        let text = "products:\n  - id: x\n    name: X\n    protocols:\n      imap:\n        ports: [{port: 993, security: maybe}]\n";
        assert!(Spec::parse("bad.yaml", text).is_err());
    }

    #[test]
    fn security_agreement() {
        assert!(Security::Plain.agrees_with(Security::Plain));
        assert!(Security::Starttls.agrees_with(Security::Plain));
        assert!(Security::Plain.agrees_with(Security::Starttls));
        assert!(!Security::Ssl.agrees_with(Security::Plain));
        assert!(!Security::Plain.agrees_with(Security::Ssl));
    }
}
