//! Thunderbird autoconfig (`clientConfig` version 1.1, the format of Mozilla's
//! ISPDB) as a spec source: the very file that configures mail clients becomes
//! the truth guides are checked against.
//!
//! Each `<emailProvider>` becomes a product: `incomingServer`/`outgoingServer`
//! give its hosts and ports, `socketType` (`SSL`, `STARTTLS`, `plain`) the
//! security, `authentication` whether SMTP requires it, and
//! `<webMail><loginPage url=…/>` the webmail URL.

use std::collections::BTreeMap;

use crate::data::DataError;
use crate::spec::{
    Authentication, Hosts, PortSpec, Product, ProductMatch, Protocol, ProtocolSpec, Security, Spec,
};

/// Parses an autoconfig file into a [`Spec`], one product per `emailProvider`.
pub fn parse(file: &str, text: &str) -> Result<Spec, DataError> {
    let doc = roxmltree::Document::parse(text).map_err(|e| {
        let pos = e.pos();
        DataError::new(
            file,
            text,
            Some(offset_of(text, pos.row, pos.col)),
            format!("not a valid autoconfig XML file: {e}"),
        )
    })?;
    let root = doc.root_element();
    let err = |node: roxmltree::Node<'_, '_>, msg: String| {
        DataError::new(file, text, Some(node.range().start), msg)
    };
    if root.tag_name().name() != "clientConfig" {
        return Err(err(
            root,
            format!(
                "the root element is `<{}>`; an autoconfig file starts with `<clientConfig>`",
                root.tag_name().name()
            ),
        ));
    }
    let webmail = children(root, "webMail")
        .flat_map(|w| children(w, "loginPage"))
        .filter_map(|l| l.attribute("url"))
        .map(str::to_string)
        .collect::<Vec<String>>();
    let mut products = Vec::new();
    for provider in children(root, "emailProvider") {
        let id = provider.attribute("id").unwrap_or("autoconfig").to_string();
        let name = child_text(provider, "displayName")
            .or_else(|| child_text(provider, "displayShortName"))
            .unwrap_or(&id)
            .to_string();
        let mut hosts = Hosts::default();
        let mut protocols: BTreeMap<Protocol, ProtocolSpec> = BTreeMap::new();
        let servers = provider
            .children()
            .filter(|n| matches!(n.tag_name().name(), "incomingServer" | "outgoingServer"));
        for server in servers {
            let kind = server.attribute("type").unwrap_or("").to_ascii_lowercase();
            let protocol = match kind.as_str() {
                "imap" => Protocol::Imap,
                "pop3" => Protocol::Pop3,
                "smtp" => Protocol::Smtp,
                // Exchange ActiveSync, JMAP, …: nothing guides state as ports.
                _ => continue,
            };
            let host = child_text(server, "hostname")
                .ok_or_else(|| err(server, format!("this {kind} server has no <hostname>")))?;
            let port_node = children(server, "port")
                .next()
                .ok_or_else(|| err(server, format!("this {kind} server has no <port>")))?;
            let port = port_node
                .text()
                .map(str::trim)
                .and_then(|t| t.parse::<u16>().ok())
                .filter(|p| *p > 0)
                .ok_or_else(|| err(port_node, "<port> must be a number from 1 to 65535".into()))?;
            let security = match child_text(server, "socketType") {
                Some(s) if s.eq_ignore_ascii_case("SSL") => Security::Ssl,
                Some(s) if s.eq_ignore_ascii_case("STARTTLS") => Security::Starttls,
                Some(s) if s.eq_ignore_ascii_case("plain") => Security::Plain,
                Some(s) => {
                    return Err(err(
                        server,
                        format!("socketType `{s}` is not SSL, STARTTLS or plain"),
                    ));
                }
                None => {
                    return Err(err(
                        server,
                        format!("this {kind} server has no <socketType>"),
                    ));
                }
            };
            let list = match protocol.direction() {
                crate::spec::Direction::Incoming => &mut hosts.incoming,
                crate::spec::Direction::Outgoing => &mut hosts.outgoing,
            };
            if !list.iter().any(|h| h.eq_ignore_ascii_case(host)) {
                list.push(host.to_string());
            }
            let spec = protocols.entry(protocol).or_insert_with(|| ProtocolSpec {
                ports: Vec::new(),
                authentication: None,
            });
            if !spec.ports.iter().any(|p| p.port == port) {
                spec.ports.push(PortSpec { port, security });
            }
            if protocol == Protocol::Smtp {
                let auth = authentication(server);
                spec.authentication = match (spec.authentication, auth) {
                    (Some(a), Some(b)) if a != b => Some(Authentication::Optional),
                    (a, b) => a.or(b),
                };
            }
        }
        products.push(Product {
            id,
            name,
            matches: ProductMatch::default(),
            hosts,
            protocols,
            recommended: None,
            webmail: webmail.clone(),
            mx: Vec::new(),
            legacy: Default::default(),
            locales: BTreeMap::new(),
            limits: BTreeMap::new(),
        });
    }
    if products.is_empty() {
        return Err(err(
            root,
            "this autoconfig file has no <emailProvider>".into(),
        ));
    }
    Ok(Spec {
        products,
        vendor_domains: Vec::new(),
    })
}

/// Whether a server's `<authentication>` entries require authentication.
fn authentication(server: roxmltree::Node<'_, '_>) -> Option<Authentication> {
    let methods: Vec<&str> = children(server, "authentication")
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    if methods.is_empty() {
        return None;
    }
    let open =
        |m: &&&str| m.eq_ignore_ascii_case("none") || m.eq_ignore_ascii_case("client-IP-address");
    Some(match methods.iter().filter(open).count() {
        0 => Authentication::Required,
        n if n == methods.len() => Authentication::None,
        _ => Authentication::Optional,
    })
}

fn children<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    name: &'static str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    node.children()
        .filter(move |n| n.is_element() && n.tag_name().name() == name)
}

fn child_text<'a>(node: roxmltree::Node<'a, '_>, name: &'static str) -> Option<&'a str> {
    children(node, name)
        .find_map(|n| n.text())
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The byte offset of 1-based `row` and `col` (in characters) in `text`.
fn offset_of(text: &str, row: u32, col: u32) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(row.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let line = &text[line_start.min(text.len())..];
    line_start
        + line
            .char_indices()
            .nth(col.saturating_sub(1) as usize)
            .map(|(i, _)| i)
            .unwrap_or(line.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MX_PLAN: &str = include_str!("../fixtures/consistency/autoconfig/mx-plan.xml");

    #[test]
    fn mx_plan_autoconfig_matches_the_yaml_spec() {
        let auto = parse("mx-plan.xml", MX_PLAN).unwrap();
        let yaml = Spec::embedded().unwrap();
        let (a, y) = (&auto.products[0], &yaml.products[0]);
        assert_eq!(a.name, "MX Plan");
        for protocol in Protocol::ALL {
            let ports = |p: &Product| -> Vec<(u16, bool)> {
                let mut v: Vec<(u16, bool)> = p
                    .ports(protocol)
                    .iter()
                    .map(|s| (s.port, s.security.is_ssl()))
                    .collect();
                v.sort();
                v
            };
            assert_eq!(ports(a), ports(y), "{protocol}");
        }
        assert_eq!(a.hosts.incoming, ["ssl0.ovh.net"]);
        assert_eq!(a.hosts.outgoing, ["ssl0.ovh.net"]);
        assert_eq!(
            a.protocols[&Protocol::Smtp].authentication,
            Some(Authentication::Required)
        );
        assert_eq!(a.webmail, ["https://www.ovh.com/fr/mail/"]);
    }

    #[test]
    fn load_picks_the_format() {
        assert!(Spec::load("spec.xml", MX_PLAN).is_ok());
        assert!(Spec::load("spec.conf", MX_PLAN).is_ok());
        assert!(Spec::load("spec.yaml", crate::data::SPEC_YAML).is_ok());
    }

    #[test]
    fn errors_point_into_the_xml() {
        let text = "<clientConfig version=\"1.1\">\n  <emailProvider id=\"x\">\n    <incomingServer type=\"imap\">\n      <hostname>h</hostname>\n      <port>99999</port>\n      <socketType>SSL</socketType>\n    </incomingServer>\n  </emailProvider>\n</clientConfig>\n";
        let e = parse("a.xml", text).unwrap_err();
        assert_eq!(e.offset, text.find("<port>"));
        let e = parse("a.xml", "<clientConfig><emailProvider>").unwrap_err();
        assert!(e.offset.is_some(), "{e:?}");
        let e = parse("a.xml", "<html/>").unwrap_err();
        assert!(e.message.contains("clientConfig"), "{}", e.message);
        let e = parse(
            "a.xml",
            &text.replace("SSL<", "TLS<").replace("99999", "993"),
        )
        .unwrap_err();
        assert!(e.message.contains("socketType"), "{}", e.message);
    }
}
