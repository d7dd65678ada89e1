//! GL204 spec-port-mismatch: a port the spec does not offer for that protocol, or
//! with the wrong security (993 without SSL, SSL and non-SSL columns swapped).

use super::port_protocol_mismatch::owner;
use super::{Check, GuideContext, Rule, authority};
use crate::diagnostic::{Finding, Severity};
use crate::extract::{Fact, ProtocolSource, Value};
use crate::spec::Security;

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL204",
    name: "spec-port-mismatch",
    severity: Severity::Error,
    summary: "A port the spec does not offer for the protocol, or offered with another security (SSL or not)",
    docs: include_str!("spec_port_mismatch.md"),
    check: Check::Guide(check),
};

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    for fact in ctx.facts {
        let (Value::Port(port), Some(protocol)) = (&fact.value, fact.protocol) else {
            continue;
        };
        let from_number = matches!(fact.protocol_source, Some((ProtocolSource::PortNumber, _)));
        // A port of another protocol is GL201's finding.
        if !from_number && owner(ctx.protocols, protocol, *port).is_some() {
            continue;
        }
        let product = ctx.product.filter(|p| !p.ports(protocol).is_empty());
        let offered: Vec<(u16, Security)> = match product {
            Some(p) => p
                .ports(protocol)
                .iter()
                .map(|s| (s.port, s.security))
                .collect(),
            None => ctx.protocols.ports_of(protocol).collect(),
        };
        let describe = || match product {
            Some(p) => p.describe_ports(protocol),
            None => {
                let parts: Vec<String> = offered
                    .iter()
                    .map(|(p, s)| {
                        format!("{p} ({})", if s.is_ssl() { "SSL" } else { "without SSL" })
                    })
                    .collect();
                format!("{protocol} on {}", crate::spec::join_and(&parts))
            }
        };
        let Some(&(_, spec_security)) = offered.iter().find(|(p, _)| p == port) else {
            // A protocol read from the number itself says nothing of what the
            // product offers ("the client's default ports (25, 465, 587)").
            if product.is_none() || from_number {
                // Without a product spec, unusual ports are not wrong, only unknown.
                continue;
            }
            let finding = Finding::new(
                RULE.code,
                ctx.file,
                fact.span.clone(),
                format!(
                    "port {port} is not offered for {protocol} by {}",
                    authority(ctx.product)
                ),
            )
            .label("not offered")
            .help(format!("{} offers {}", authority(product), describe()));
            out.push(with_fix(ctx, fact, *port, &offered, finding));
            continue;
        };
        let Some(stated) = fact.security else {
            continue;
        };
        if spec_security.agrees_with(stated) {
            continue;
        }
        let right = offered
            .iter()
            .find(|(_, s)| s.agrees_with(stated))
            .map(|(p, _)| format!("; {protocol} {} uses {p}", stated.phrase()))
            .unwrap_or_default();
        let finding = Finding::new(
            RULE.code,
            ctx.file,
            fact.span.clone(),
            format!(
                "port {port} is {protocol} {} in {}, but it is given here {}",
                spec_security.phrase(),
                authority(ctx.product),
                stated.phrase()
            ),
        )
        .label(format!("{} here", stated.phrase()))
        .help(format!("{}{right}", describe()));
        out.push(with_fix(ctx, fact, *port, &offered, finding));
    }
}

/// Adds the fix when the stated security leaves exactly one right port.
fn with_fix(
    ctx: &GuideContext<'_>,
    fact: &Fact,
    port: u16,
    offered: &[(u16, Security)],
    finding: Finding,
) -> Finding {
    let Some(stated) = fact.security else {
        return finding;
    };
    let right: Vec<u16> = offered
        .iter()
        .filter(|(_, s)| s.agrees_with(stated))
        .map(|(p, _)| *p)
        .collect();
    match right.as_slice() {
        [one] if ctx.text.get(fact.span.clone()) == Some(port.to_string().as_str()) => {
            finding.fix(fact.span.clone(), one.to_string())
        }
        _ => finding,
    }
}
