//! GL205 contradictory-ports: two different ports prescribed for the same server in one section.

use super::{Check, GuideContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::extract::{Fact, Mode, Value};
use std::collections::HashMap;

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL205",
    name: "contradictory-ports",
    severity: Severity::Warning,
    summary: "Two different ports prescribed for the same server in one section (465, then \"you must use 587\")",
    docs: include_str!("contradictory_ports.md"),
    check: Check::Guide(check),
};

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    let settings: Vec<_> = ctx
        .facts
        .iter()
        .filter(|f| {
            f.mode == Mode::Setting && matches!(f.value, Value::Port(_)) && f.protocol.is_some()
        })
        .collect();
    // The earlier settings of each (section, protocol, direction), only the
    // first of each (value, security): the first match is the same as over all
    // earlier settings, and a huge guide stays linear.
    let mut seen: HashMap<_, Vec<&Fact>> = HashMap::new();
    for later in settings {
        let Value::Port(port) = later.value else {
            continue;
        };
        let same_server = seen
            .entry((later.section, later.protocol, later.direction))
            .or_default();
        let earlier = same_server.iter().copied().find(|e| {
            e.value != later.value
                && !matches!((e.security, later.security), (Some(a), Some(b)) if a.is_ssl() != b.is_ssl())
        });
        if !same_server
            .iter()
            .any(|e| e.value == later.value && e.security == later.security)
        {
            same_server.push(later);
        }
        let Some(earlier) = earlier else { continue };
        let Value::Port(first) = earlier.value else {
            continue;
        };
        let protocol = later.protocol.map(|p| p.name()).unwrap_or("the server");
        let direction = later
            .direction
            .map(|d| format!(" ({})", d.name()))
            .unwrap_or_default();
        let with = |s: Option<crate::spec::Security>| {
            s.map(|s| format!(" {}", s.phrase())).unwrap_or_default()
        };
        let offered = later
            .protocol
            .zip(ctx.product)
            .filter(|(p, prod)| !prod.ports(*p).is_empty())
            .map(|(p, prod)| format!("{} offers {}: ", prod.name, prod.describe_ports(p)))
            .unwrap_or_default();
        out.push(
            Finding::new(
                RULE.code,
                ctx.file,
                later.span.clone(),
                format!(
                    "port {port} contradicts port {first}{} given for {protocol}{direction} earlier in this section",
                    with(earlier.security)
                ),
            )
            .label(format!("{port}{} here", with(later.security)))
            .help(format!(
                "{offered}give one port for this setting, and say which security (SSL or not) goes with it"
            ))
            .related_here(earlier.span.clone(), format!("{first}{} is set here", with(earlier.security))),
        );
    }
}
