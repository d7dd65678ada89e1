//! GL202 conflicting-protocol-labels: a section about one protocol whose settings name another.

use super::{Check, GuideContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::extract::Value;
use crate::spec::Direction;

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL202",
    name: "conflicting-protocol-labels",
    severity: Severity::Error,
    summary: "A section titled for one protocol whose settings name another (an IMAP section saying POP3)",
    docs: include_str!("conflicting_protocol_labels.md"),
    check: Check::Guide(check),
};

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    for fact in ctx.facts {
        let Value::Protocol(stated) = fact.value else {
            continue;
        };
        let Some((section, title_span)) = &fact.context else {
            continue;
        };
        if stated == *section
            || stated.direction() != Direction::Incoming
            || section.direction() != Direction::Incoming
        {
            continue;
        }
        let help = match ctx.product.filter(|p| !p.ports(*section).is_empty()) {
            Some(p) => format!(
                "give the {section} settings here ({}), or move these {stated} settings to a {stated} section",
                p.describe_ports(*section)
            ),
            None => format!(
                "give the {section} settings here, or move these {stated} settings to a {stated} section"
            ),
        };
        out.push(
            Finding::new(
                RULE.code,
                ctx.file,
                fact.span.clone(),
                format!(
                    "this section is about {section}, but its incoming server is set to {stated}"
                ),
            )
            .label(format!("{stated} here"))
            .help(help)
            .related_here(
                title_span.clone(),
                format!("the section names {section} here"),
            ),
        );
    }
}
