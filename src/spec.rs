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
            (Security::Encrypted, other) | (other, Security::Encrypted) => {
                other != Security::Plain
            }
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

/// Host names offered for each direction.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hosts {
    /// Incoming servers.
    #[serde(default)]
    pub incoming: Vec<String>,
    /// Outgoing servers.
    #[serde(default)]
    pub outgoing: Vec<String>,
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

/// An MX record of a product.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MxRecord {
    /// The MX host.
    pub host: String,
    /// What filtering it applies.
    #[serde(default)]
    pub filtering: Option<String>,
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
    /// Its servers.
    #[serde(default)]
    pub hosts: Hosts,
    /// Its protocols.
    #[serde(default)]
    pub protocols: BTreeMap<Protocol, ProtocolSpec>,
    /// The protocol guides should recommend.
    #[serde(default)]
    pub recommended: Option<Protocol>,
    /// The webmail URL.
    #[serde(default)]
    pub webmail: Option<String>,
    /// MX records.
    #[serde(default)]
    pub mx: Vec<MxRecord>,
    /// Stated limits (name → value).
    #[serde(default)]
    pub limits: BTreeMap<String, serde_yaml::Value>,
}

impl Product {
    /// The ports the product offers for `protocol`.
    pub fn ports(&self, protocol: Protocol) -> &[PortSpec] {
        self.protocols
            .get(&protocol)
            .map(|p| p.ports.as_slice())
            .unwrap_or(&[])
    }

    /// The hosts offered for `direction` (all hosts when `None`).
    pub fn hosts(&self, direction: Option<Direction>) -> Vec<&str> {
        let h = &self.hosts;
        let list: Vec<&String> = match direction {
            Some(Direction::Incoming) => h.incoming.iter().collect(),
            Some(Direction::Outgoing) => h.outgoing.iter().collect(),
            None => h.incoming.iter().chain(&h.outgoing).collect(),
        };
        list.into_iter().map(String::as_str).collect()
    }

    /// True when `host` is one of the product's hosts for `direction`.
    pub fn offers_host(&self, host: &str, direction: Option<Direction>) -> bool {
        self.hosts(direction).iter().any(|h| host_matches(h, host))
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

/// Joins `a, b and c`.
pub fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Case-insensitive host comparison where `*` in `pattern` matches any run of characters.
pub fn host_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    let host = host.to_ascii_lowercase();
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == host;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !host.starts_with(first) || !host.ends_with(last) || host.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &host[first.len()..host.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecFile {
    products: Vec<Product>,
}

/// The canonical spec: the products guides describe.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Products, the first being the default for guides no product claims.
    pub products: Vec<Product>,
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
        for product in &raw.products {
            for (protocol, spec) in &product.protocols {
                for port in &spec.ports {
                    if port.port == 0 {
                        let offset = text.find(&product.id);
                        return Err(DataError::new(
                            file,
                            text,
                            offset,
                            format!(
                                "product `{}`: port 0 is not a port ({protocol})",
                                product.id
                            ),
                        ));
                    }
                }
            }
        }
        Ok(Spec {
            products: raw.products,
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
