//! Hover: on a port, host, protocol or security word, what guidelint read
//! there (value, protocol, direction, security, section, and where the
//! protocol came from) and what the spec and the standard ports say; on a
//! rule in a suppression comment, the rule's documentation.

use std::sync::LazyLock;

use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};
use regex::Regex;

use super::check::Place;
use super::position::LineIndex;
use super::{Context, Failure};
use crate::extract::{Fact, ProtocolSource, Value};
use crate::guide::Guide;
use crate::spec::{Direction, Product, Protocol, Security};

/// A suppression comment and its rule list.
static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"<!--\s*guidelint-(?:disable-next-line|disable-file|disable|enable)(?:\s+([^>]*?))?\s*-->",
    )
    .expect("valid directive regex")
});

/// Words that state how a connection is secured.
static SECURITY_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:ssl|tls|starttls|s[ée]curi[sz]?[ée]e?s?|s[ée]curit[ée]|chiffr[ée]e?s?|encrypt(?:ed|ion)?|secure|sicher|seguro|sicuro)\b")
        .expect("valid security regex")
});

/// The hover at `params`'s position.
pub fn hover(ctx: &Context, params: HoverParams) -> Result<Option<Hover>, Failure> {
    let at = params.text_document_position_params;
    let Some((doc, lines, offset)) = ctx.at(&at) else {
        return Ok(None);
    };
    let text = doc.text.as_str();
    let markdown = ctx.client.markdown;
    let answer = rule_in_suppression(ctx, text, &lines, offset)
        .or_else(|| fact_hover(ctx, doc, text, &lines, offset));
    Ok(answer.map(|(value, span)| Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: if markdown {
                MarkupKind::Markdown
            } else {
                MarkupKind::PlainText
            },
            value,
        }),
        range: Some(lines.range(text, &span)),
    }))
}

/// The documentation of the rule named at `offset` in a suppression comment.
fn rule_in_suppression(
    ctx: &Context,
    text: &str,
    lines: &LineIndex,
    offset: usize,
) -> Option<(String, std::ops::Range<usize>)> {
    let line = lines.line_range(text, lines.line_of(offset));
    let line_text = text.get(line.clone())?;
    for caps in DIRECTIVE.captures_iter(line_text) {
        let list = caps.get(1)?;
        let start = line.start + list.start();
        let end = line.start + list.end();
        if !(start..=end).contains(&offset) {
            continue;
        }
        let mut at = start;
        for token in list.as_str().split([',', ' ', '\t']) {
            let span = at..at + token.len();
            at = span.end + 1;
            if token.is_empty() || !(span.start..=span.end).contains(&offset) {
                continue;
            }
            let catalog = ctx.setup.engine.catalog();
            let rule = catalog
                .iter()
                .find(|r| r.code.eq_ignore_ascii_case(token) || r.name == token)?;
            let mut doc = format!(
                "**{} {}** ({})\n\n{}",
                rule.code,
                rule.name,
                rule.severity.as_str(),
                rule.docs.trim_end()
            );
            if let Some(href) = ctx.setup.docs.get(rule.code.as_ref()) {
                doc.push_str(&format!("\n\n[Documentation]({})", href.as_str()));
            }
            return Some((doc, span));
        }
    }
    None
}

/// What guidelint read at `offset`: the fact there, the facts a protocol
/// word there gives its protocol to, or the facts of a line whose security
/// word is there.
fn fact_hover(
    ctx: &Context,
    doc: &super::check::Snapshot,
    text: &str,
    lines: &LineIndex,
    offset: usize,
) -> Option<(String, std::ops::Range<usize>)> {
    let engine = &ctx.setup.engine;
    let place = Place::of(&ctx.setup, doc);
    let guide = Guide::parse(text, crate::engine::kind_of(&place.absolute), &engine.vocab);
    let facts = crate::extract::extract(&guide, engine.lexicon());
    let product = product_of(ctx, &place.display, &guide);
    let within = |span: &std::ops::Range<usize>| span.start <= offset && offset <= span.end;
    if let Some(f) = facts.iter().find(|f| within(&f.span)) {
        return Some((
            describe(ctx, f, text, lines, &guide, product),
            f.span.clone(),
        ));
    }
    // A word that gives its protocol to values.
    let given: Vec<&Fact> = facts
        .iter()
        .filter(|f| {
            f.protocol_source
                .as_ref()
                .and_then(|(_, s)| s.as_ref())
                .is_some_and(within)
                || f.context.as_ref().is_some_and(|(_, s)| within(s))
        })
        .collect();
    if let Some(first) = given.first() {
        let span = first
            .protocol_source
            .as_ref()
            .and_then(|(_, s)| s.clone())
            .filter(within)
            .or_else(|| first.context.as_ref().map(|(_, s)| s.clone()))
            .unwrap_or(first.span.clone());
        let word = text.get(span.clone()).unwrap_or("");
        let mut out = format!("**{word}**: guidelint reads the protocol of these values here\n");
        for f in given.iter().take(12) {
            out.push_str(&format!("\n- {}", summary_line(f, text, lines)));
        }
        return Some((out, span));
    }
    // A security word on a line (or in a table) holding values.
    let line = lines.line_range(text, lines.line_of(offset));
    let line_text = text.get(line.clone())?;
    let word = SECURITY_WORD.find_iter(line_text).find(|m| {
        let span = line.start + m.start()..line.start + m.end();
        within(&span)
    })?;
    let span = line.start + word.start()..line.start + word.end();
    let block = guide
        .blocks
        .iter()
        .position(|b| b.span.start <= offset && offset < b.span.end);
    let near: Vec<&Fact> = facts
        .iter()
        .filter(|f| {
            (f.span.start >= line.start && f.span.end <= line.end) || Some(f.block) == block
        })
        .filter(|f| matches!(f.value, Value::Port(_)))
        .collect();
    if near.is_empty() {
        return None;
    }
    let mut out = format!(
        "**{}**: the security guidelint reads for these ports\n",
        word.as_str()
    );
    for f in near.iter().take(12) {
        out.push_str(&format!("\n- {}", summary_line(f, text, lines)));
    }
    Some((out, span))
}

/// The spec product the guide is checked against.
fn product_of<'a>(ctx: &'a Context, display: &str, guide: &Guide) -> Option<&'a Product> {
    let spec = ctx.setup.engine.spec.as_ref()?;
    let fm = guide
        .front_matter
        .as_ref()
        .and_then(|f| f.value.as_ref().ok());
    let i = spec.product_index(display, guide.front_matter_str("title"), fm)?;
    spec.products.get(i)
}

/// "port 993: IMAP, incoming, over SSL (line 39)".
fn summary_line(f: &Fact, text: &str, lines: &LineIndex) -> String {
    let line = lines.position(text, f.span.start).line + 1;
    format!("{} — {} (line {line})", value_name(f), reading(f))
}

fn value_name(f: &Fact) -> String {
    match &f.value {
        Value::Port(p) => format!("port {p}"),
        Value::Host(h) => format!("host `{h}`"),
        Value::Protocol(p) => format!("protocol {p}"),
        Value::Recommended(p) => format!("recommended protocol {p}"),
        Value::Webmail(u) => format!("webmail `{u}`"),
        Value::Mx(h) => format!("MX host `{h}`"),
        Value::Limit(l, v) => format!("limit {} = {v}", l.key()),
    }
}

/// "IMAP, incoming, over SSL".
fn reading(f: &Fact) -> String {
    let mut parts = Vec::new();
    parts.push(
        f.protocol
            .map_or("protocol unknown".to_string(), |p| p.name().to_string()),
    );
    parts.push(
        f.direction
            .map_or("direction unknown".to_string(), |d| d.name().to_string()),
    );
    if matches!(f.value, Value::Port(_)) {
        parts.push(
            f.security
                .map_or("security unknown".to_string(), |s| s.phrase().to_string()),
        );
    }
    parts.join(", ")
}

fn source_phrase(source: ProtocolSource) -> &'static str {
    match source {
        ProtocolSource::Local => "named next to the value",
        ProtocolSource::Direction => "implied by the direction (outgoing is SMTP)",
        ProtocolSource::Statement => "stated earlier in the section",
        ProtocolSource::Context => "from the section's heading, lead-in or list item",
        ProtocolSource::PortNumber => "from the port number itself",
    }
}

/// The hover of one fact.
fn describe(
    ctx: &Context,
    f: &Fact,
    text: &str,
    lines: &LineIndex,
    guide: &Guide,
    product: Option<&Product>,
) -> String {
    let mut out = format!("**{}** — guidelint reads: {}\n", value_name(f), reading(f));
    if let Some((source, span)) = &f.protocol_source {
        let place = span
            .as_ref()
            .map(|s| {
                format!(
                    " (`{}`, line {})",
                    text.get(s.clone()).unwrap_or("").trim(),
                    lines.position(text, s.start).line + 1
                )
            })
            .unwrap_or_default();
        out.push_str(&format!("\n- protocol: {}{place}", source_phrase(*source)));
    }
    if let Some(section) = f.section.and_then(|s| guide.heading(s)) {
        let line = guide
            .blocks
            .get(f.section.unwrap_or(0))
            .map_or(0, |b| lines.position(text, b.span.start).line + 1);
        out.push_str(&format!(
            "\n- section: \"{}\" (line {line})",
            section.1.text.trim()
        ));
    }
    if let Some((p, _)) = &f.context {
        out.push_str(&format!("\n- the section is about {p}"));
    }
    let protocols = &ctx.setup.engine.protocols;
    match &f.value {
        Value::Port(port) => {
            let meanings: Vec<String> = protocols
                .meanings(*port)
                .map(|(p, s)| format!("{p} {}", s.phrase()))
                .collect();
            out.push_str("\n\n**Standard ports**: ");
            if meanings.is_empty() {
                out.push_str(&format!("{port} is no standard mail port"));
            } else {
                out.push_str(&format!("{port} is {}", crate::spec::join_and(&meanings)));
            }
            if let Some(product) = product {
                out.push_str(&format!("\n\n**{} spec**: ", product.name));
                let protocols: Vec<Protocol> = match f.protocol {
                    Some(p) => vec![p],
                    None => Protocol::ALL.to_vec(),
                };
                let described: Vec<String> = protocols
                    .iter()
                    .filter(|p| !product.ports(**p).is_empty())
                    .map(|p| product.describe_ports(*p))
                    .collect();
                if described.is_empty() {
                    out.push_str("no ports given");
                } else {
                    out.push_str(&crate::spec::join_and(&described));
                }
                if let (Some(p), Some(s)) = (f.protocol, f.security) {
                    let offered = product
                        .ports(p)
                        .iter()
                        .any(|x| x.port == *port && x.security.agrees_with(s));
                    out.push_str(if offered {
                        " — this port is offered as read here."
                    } else {
                        " — not as read here."
                    });
                }
            }
        }
        Value::Host(host) => {
            if let Some(product) = product {
                let dirs: Vec<Option<Direction>> = match f.direction {
                    Some(d) => vec![Some(d)],
                    None => vec![Some(Direction::Incoming), Some(Direction::Outgoing)],
                };
                out.push_str(&format!("\n\n**{} spec**:", product.name));
                for d in dirs {
                    let hosts = product.hosts(d);
                    out.push_str(&format!(
                        "\n- {} servers: {}",
                        d.map_or("all", Direction::name),
                        if hosts.is_empty() {
                            "none given".to_string()
                        } else {
                            hosts
                                .iter()
                                .map(|h| format!("`{h}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        }
                    ));
                }
                out.push_str(if product.offers_host(host, f.direction) {
                    "\n\nThis host is offered."
                } else {
                    "\n\nThis host is not offered."
                });
            }
        }
        Value::Protocol(p) | Value::Recommended(p) => {
            if let Some(product) = product {
                out.push_str(&format!(
                    "\n\n**{} spec**: {}; recommended: {}",
                    product.name,
                    product.describe_ports(*p),
                    product
                        .recommended
                        .map_or("none".to_string(), |r| r.name().to_string())
                ));
            }
            if let Some(Security::Ssl) = f.security {
                out.push_str("\n\nSecured with SSL.");
            }
        }
        Value::Webmail(_) | Value::Mx(_) | Value::Limit(..) => {
            if let Some(product) = product {
                let said = match &f.value {
                    Value::Webmail(_) if product.webmail.is_empty() => "none".to_string(),
                    Value::Webmail(_) => product.webmail.join(", "),
                    Value::Mx(_) => product
                        .mx
                        .iter()
                        .map(|m| m.host.clone())
                        .collect::<Vec<_>>()
                        .join(", "),
                    Value::Limit(l, _) => product
                        .limits
                        .get(l.key())
                        .map(|v| {
                            serde_yaml::to_string(v)
                                .unwrap_or_default()
                                .trim()
                                .to_string()
                        })
                        .unwrap_or_else(|| "not given".into()),
                    _ => String::new(),
                };
                out.push_str(&format!("\n\n**{} spec**: {said}", product.name));
            }
        }
    }
    out
}
