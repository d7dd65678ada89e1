//! GL201 port-protocol-mismatch: a port that belongs to another protocol.

use super::{Check, GuideContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::extract::{ProtocolSource, Value};
use crate::spec::{Protocol, Protocols, Security};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL201",
    name: "port-protocol-mismatch",
    severity: Severity::Error,
    summary: "A port that belongs to another protocol, such as POP3 on 993 (IMAP over SSL)",
    docs: include_str!("port_protocol_mismatch.md"),
    check: Check::Guide(check),
};

/// The other protocol `port` is a well-known port of, when it is not one of `protocol`'s.
pub(crate) fn owner(
    protocols: &Protocols,
    protocol: Protocol,
    port: u16,
) -> Option<(Protocol, Security)> {
    if protocols.is_port_of(protocol, port) {
        return None;
    }
    protocols.meanings(port).find(|(p, _)| *p != protocol)
}

/// True when `word` is the plain name of `protocol` (`POP3`, `pop`, `IMAP`),
/// which another name can replace.
fn names(word: &str, protocol: Protocol) -> bool {
    let w = word.to_ascii_uppercase();
    match protocol {
        Protocol::Pop3 => w == "POP" || w == "POP3",
        Protocol::Imap => w == "IMAP" || w == "IMAP4",
        Protocol::Smtp => w == "SMTP",
    }
}

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    for fact in ctx.facts {
        let (Value::Port(port), Some(protocol)) = (&fact.value, fact.protocol) else {
            continue;
        };
        if matches!(fact.protocol_source, Some((ProtocolSource::PortNumber, _))) {
            continue;
        }
        let Some((other, other_security)) = owner(ctx.protocols, protocol, *port) else {
            continue;
        };
        let security = fact.security.unwrap_or(other_security);
        let right: Vec<u16> = match ctx.product.filter(|p| !p.ports(protocol).is_empty()) {
            Some(product) => product
                .ports(protocol)
                .iter()
                .filter(|p| p.security.agrees_with(security))
                .map(|p| p.port)
                .collect(),
            None => ctx
                .protocols
                .ports_of(protocol)
                .filter(|(_, s)| s.agrees_with(security))
                .map(|(p, _)| p)
                .collect(),
        };
        let uses = match right.as_slice() {
            [] => format!("{protocol} {} is not offered", security.phrase()),
            [one] => format!("{protocol} {} uses {one}", security.phrase()),
            many => format!(
                "{protocol} {} uses {}",
                security.phrase(),
                many.iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        };
        let mut finding = Finding::new(
            RULE.code,
            ctx.file,
            fact.span.clone(),
            format!("port {port} is {other} {}; {uses}", other_security.phrase()),
        )
        .label(format!("{other}'s port, given here for {protocol}"));
        let help = match right.first() {
            Some(p) => format!(
                "use {p} for {protocol} {}; if {other} is meant, name {other} instead of {protocol}",
                security.phrase()
            ),
            None => format!(
                "use a {protocol} port; if {other} is meant, name {other} instead of {protocol}"
            ),
        };
        finding = finding.help(help);
        // The right port is certain when the security is stated, exactly one port
        // matches it, and the section is not about the port's own protocol
        // (then the protocol name may be the mistake, not the port).
        let certain = fact.security.is_some()
            && fact.context.as_ref().is_none_or(|(p, _)| *p == protocol)
            && ctx.text.get(fact.span.clone()) == Some(port.to_string().as_str());
        let verbatim = ctx.text.get(fact.span.clone()) == Some(port.to_string().as_str());
        match (right.as_slice(), certain) {
            ([one], true) => finding = finding.fix(fact.span.clone(), one.to_string()),
            // Not certain: the writer chooses between the port and the name.
            ([one], false) if verbatim => {
                finding = finding.suggest(
                    format!("Use {one} for {protocol} {}", security.phrase()),
                    fact.span.clone(),
                    one.to_string(),
                );
            }
            _ => {}
        }
        if finding.fix.is_none()
            && let Some((_, Some(span))) = &fact.protocol_source
            && ctx
                .text
                .get(span.clone())
                .is_some_and(|w| names(w, protocol))
        {
            finding = finding.suggest(
                format!("Name {other} instead of {protocol}"),
                span.clone(),
                other.name(),
            );
        }
        if let Some((source, Some(span))) = &fact.protocol_source {
            let why = match source {
                ProtocolSource::Statement => format!("the server is said to be {protocol} here"),
                ProtocolSource::Local => format!("{protocol} is named here"),
                _ => format!("this section is about {protocol}"),
            };
            finding = finding.related_here(span.clone(), why);
        }
        out.push(finding);
    }
    other_direction(ctx, out);
}

/// A port of the other direction's protocol given for a server whose
/// protocol is not said: 465 (SMTP) for the incoming server.
fn other_direction(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    for fact in ctx.facts {
        let (Value::Port(port), None, Some(direction)) =
            (&fact.value, fact.protocol, fact.direction)
        else {
            continue;
        };
        let Some((other, other_security)) = ctx.protocols.meanings(*port).next() else {
            continue;
        };
        if ctx
            .protocols
            .meanings(*port)
            .any(|(p, _)| p.direction() == direction)
        {
            continue;
        }
        let security = fact.security.unwrap_or(other_security);
        let right: Vec<String> = Protocol::ALL
            .into_iter()
            .filter(|p| p.direction() == direction)
            .flat_map(|p| {
                let offered: Vec<(u16, Security)> =
                    match ctx.product.filter(|prod| !prod.ports(p).is_empty()) {
                        Some(prod) => prod.ports(p).iter().map(|x| (x.port, x.security)).collect(),
                        None => ctx.protocols.ports_of(p).collect(),
                    };
                offered
                    .into_iter()
                    .filter(move |(_, s)| s.agrees_with(security))
                    .map(move |(n, _)| format!("{n} ({p})"))
            })
            .collect();
        let mut finding = Finding::new(
            RULE.code,
            ctx.file,
            fact.span.clone(),
            format!(
                "port {port} is {other} {}, a port of the {} server; it is given here for the {} server",
                other_security.phrase(),
                other.direction().name(),
                direction.name()
            ),
        )
        .label(format!(
            "{other}'s port, given here for the {} server",
            direction.name()
        ));
        if !right.is_empty() {
            finding = finding.help(format!(
                "the {} server uses {}",
                direction.name(),
                right.join(" or ")
            ));
        }
        out.push(finding);
    }
}
