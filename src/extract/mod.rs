//! Fact extraction: the mail-server facts a guide states, with their spans.
//!
//! One walk over the guide's blocks in order. Each value found by [`scan`]
//! (or in a settings table, [`table`]) gets its protocol, direction and
//! security from, in order: its own words; the enclosing list item
//! ("Information sur le serveur entrant :"); the statements seen so far in the
//! section ("… est un serveur : POP3", a "Type de sécurité" line); and the
//! section's context — a bold lead-in ("**Pour une configuration en IMAP**")
//! or the nearest heading that names one protocol.

pub mod scan;
pub mod sentences;
pub mod service;
pub mod table;

use std::collections::HashMap;
use std::ops::Range;

pub use scan::{Lexicon, Mode, Passage, RawValue, Words};
pub use service::Limit;

use crate::guide::{BlockKind, Guide, TextRun};
use crate::spec::{Direction, Protocol, Security};
use scan::Raw;

/// A fact's value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// A port number.
    Port(u16),
    /// A host name (as written).
    Host(String),
    /// The protocol a server is said to speak.
    Protocol(Protocol),
    /// A protocol the guide marks as recommended.
    Recommended(Protocol),
    /// The webmail URL (as written).
    Webmail(String),
    /// The host of an MX record (as written).
    Mx(String),
    /// A stated limit and its value (in the limit's unit).
    Limit(Limit, u64),
}

/// Where a fact's protocol comes from: how sure guidelint is of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolSource {
    /// Named next to the value ("port 587 en SMTP", a protocol column).
    Local,
    /// Implied by the direction (outgoing → SMTP).
    Direction,
    /// A statement earlier in the section ("… est un serveur : POP3").
    Statement,
    /// The section's heading or lead-in, or an enclosing list item.
    Context,
    /// The port number itself (587 under a POP heading is SMTP's).
    PortNumber,
}

/// A fact a guide states.
#[derive(Debug, Clone)]
pub struct Fact {
    /// The value.
    pub value: Value,
    /// Byte span of the value in the guide.
    pub span: Range<usize>,
    /// The protocol the value is about.
    pub protocol: Option<Protocol>,
    /// Where the protocol comes from, and the span that says it (if any).
    pub protocol_source: Option<(ProtocolSource, Option<Range<usize>>)>,
    /// Incoming or outgoing server.
    pub direction: Option<Direction>,
    /// SSL or not.
    pub security: Option<Security>,
    /// How it is stated.
    pub mode: Mode,
    /// The heading block whose section holds the fact.
    pub section: Option<usize>,
    /// The protocol the section is about (heading or lead-in), and where it is said.
    pub context: Option<(Protocol, Range<usize>)>,
    /// The block the fact is in.
    pub block: usize,
    /// The list the fact is an item of, if any.
    pub list: Option<usize>,
}

/// A statement that the server of a direction uses a security ("Type de sécurité : SSL").
#[derive(Debug, Clone)]
struct SecurityStatement {
    section: Option<usize>,
    /// The list the statement is an item of: it speaks for that list only.
    list: Option<usize>,
    direction: Option<Direction>,
    security: Security,
}

/// Per-section state of the walk.
#[derive(Debug, Default, Clone)]
struct SectionState {
    section: Option<usize>,
    heading: Option<(Protocol, Range<usize>)>,
    leadin: Option<(Protocol, Range<usize>)>,
    direction: Option<Direction>,
    statement: Option<(Protocol, Range<usize>)>,
}

impl SectionState {
    fn context(&self) -> Option<(Protocol, Range<usize>)> {
        self.leadin.clone().or_else(|| self.heading.clone())
    }
}

/// The context a block inherits from the list items enclosing it.
#[derive(Debug, Default, Clone)]
struct Inherited {
    direction: Option<Direction>,
    protocol: Option<(Protocol, Range<usize>)>,
}

/// Extracts every fact of `guide`.
pub fn extract(guide: &Guide, lex: Lexicon<'_>) -> Vec<Fact> {
    let mut facts = Vec::new();
    let mut statements = Vec::new();
    let mut state = SectionState::default();
    let mut heading_protocols: Vec<Option<(Protocol, Range<usize>)>> =
        vec![None; guide.blocks.len()];
    // Each heading and text run is surveyed once, for this walk and the service facts.
    let mut passages: Vec<Option<Passage<'_>>> = vec![None; guide.blocks.len()];
    let mut items = ItemWords::new(guide);
    for (index, block) in guide.blocks.iter().enumerate() {
        match &block.kind {
            BlockKind::Heading { text, parent, .. } => {
                let passage = lex.passage(&text.text);
                let words = lex.words(&passage);
                let own = words.protocol.map(|(p, r)| (p, text.src_span(r)));
                let names_several = lex.protocol_mentions(&passage).count() > 1 && own.is_none();
                let inherited = parent.and_then(|p| heading_protocols[p].clone());
                let heading = if names_several {
                    None
                } else {
                    own.or(inherited)
                };
                heading_protocols[index] = heading.clone();
                state = SectionState {
                    section: Some(index),
                    heading,
                    direction: words.direction,
                    ..SectionState::default()
                };
                passages[index] = Some(passage);
            }
            BlockKind::Text(run) => {
                let place = Place {
                    block: index,
                    list: block.item.and_then(|i| guide.items.get(i)).map(|i| i.list),
                    inherited: inherited(guide, block.item, lex, &mut items),
                };
                let passage = lex.passage(&run.text);
                text_block(
                    run,
                    &passage,
                    &place,
                    lex,
                    &mut state,
                    &mut facts,
                    &mut statements,
                );
                passages[index] = Some(passage);
            }
            BlockKind::Table(t) => table::extract(t, index, lex, &mut state, &mut facts),
            BlockKind::Code => {}
        }
    }
    apply_security_statements(&mut facts, &statements);
    // 443 (ActiveSync, Autodiscover) is no mail port, whatever the section says.
    facts.retain(|f| match f.value {
        Value::Port(p) => {
            !lex.protocols.is_other_service_port(p)
                || matches!(f.protocol_source, Some((ProtocolSource::Local, _)))
        }
        _ => true,
    });
    service::extract(guide, lex, &passages, &mut facts);
    facts
}

/// One line saying what guidelint read in `fact`, at `at` (for `guidelint facts`).
pub fn describe(fact: &Fact, at: crate::source::LineCol) -> String {
    let value = match &fact.value {
        Value::Port(p) => format!("port {p}"),
        Value::Host(h) => format!("host {h}"),
        Value::Protocol(p) => format!("protocol {p}"),
        Value::Recommended(p) => format!("recommends {p}"),
        Value::Webmail(u) => format!("webmail {u}"),
        Value::Mx(h) => format!("mx {h}"),
        Value::Limit(l, v) => format!("limit {v} {}", l.describe()),
    };
    let mut out = format!("{}:{}  {value}", at.line, at.column);
    if let Some(p) = fact.protocol {
        let source = match fact.protocol_source {
            Some((ProtocolSource::Local, _)) => "named",
            Some((ProtocolSource::Direction, _)) => "from direction",
            Some((ProtocolSource::Statement, _)) => "from a statement",
            Some((ProtocolSource::Context, _)) => "from context",
            Some((ProtocolSource::PortNumber, _)) => "from the port number",
            None => "",
        };
        out.push_str(&format!("  protocol={p} ({source})"));
    }
    if let Some(d) = fact.direction {
        out.push_str(&format!("  direction={}", d.name()));
    }
    if let Some(s) = fact.security {
        out.push_str(&format!("  security={s:?}"));
    }
    out.push_str(&format!("  mode={:?}", fact.mode));
    out
}

/// Where a text block stands.
struct Place {
    block: usize,
    list: Option<usize>,
    inherited: Inherited,
}

/// What each list item's own text (its first block) names, read once per
/// guide however many blocks the item encloses.
struct ItemWords {
    /// By item: `None` until read; then the item's words (protocol span in the guide).
    words: Vec<Option<Words>>,
}

impl ItemWords {
    fn new(guide: &Guide) -> ItemWords {
        ItemWords {
            words: vec![None; guide.items.len()],
        }
    }

    /// The words of item `item`'s first block.
    fn of(&mut self, guide: &Guide, item: usize, lex: Lexicon<'_>) -> Words {
        if let Some(Some(words)) = self.words.get(item) {
            return words.clone();
        }
        let words = guide
            .items
            .get(item)
            .and_then(|info| info.first_block)
            .and_then(|b| guide.blocks.get(b))
            .and_then(|b| b.text())
            .map(|run| {
                let words = lex.words(&lex.passage(&run.text));
                Words {
                    protocol: words.protocol.map(|(p, r)| (p, run.src_span(r))),
                    direction: words.direction,
                }
            })
            .unwrap_or_default();
        if let Some(slot) = self.words.get_mut(item) {
            *slot = Some(words.clone());
        }
        words
    }
}

/// Direction and protocol named by the enclosing list items' own text.
fn inherited(
    guide: &Guide,
    item: Option<usize>,
    lex: Lexicon<'_>,
    items: &mut ItemWords,
) -> Inherited {
    let mut out = Inherited::default();
    let mut parent = item.and_then(|i| guide.items.get(i)).and_then(|i| i.parent);
    let mut depth = 0;
    while let Some(p) = parent {
        let Some(info) = guide.items.get(p) else {
            break;
        };
        let words = items.of(guide, p, lex);
        if out.direction.is_none() {
            out.direction = words.direction;
        }
        if out.protocol.is_none() {
            out.protocol = words.protocol;
        }
        parent = info.parent;
        depth += 1;
        if depth > 64 {
            break;
        }
    }
    out
}

fn text_block(
    run: &TextRun,
    passage: &Passage<'_>,
    place: &Place,
    lex: Lexicon<'_>,
    state: &mut SectionState,
    facts: &mut Vec<Fact>,
    statements: &mut Vec<SecurityStatement>,
) {
    // A run that opens with a label naming a server, a direction or a
    // protocol (`"Incoming server (IMAP)": … The "Port" number must be 993.`)
    // speaks of that server throughout.
    let label = run_label(passage, lex);
    let led;
    let inherited = match &label {
        Some((words, _)) if words.direction.is_some() || words.protocol.is_some() => {
            led = Inherited {
                direction: words.direction.or(place.inherited.direction),
                protocol: words
                    .protocol
                    .clone()
                    .map(|(p, r)| (p, run.src_span(r)))
                    .or_else(|| place.inherited.protocol.clone()),
            };
            &led
        }
        _ => &place.inherited,
    };
    let server_led = label
        .as_ref()
        .is_some_and(|(w, server)| *server && (w.direction.is_some() || w.protocol.is_some()));
    let raws = scan::scan_led(passage, lex, server_led);
    let has_values = raws
        .iter()
        .any(|r| !matches!(r.value, RawValue::Protocol(_)));
    if !has_values {
        // Only runs without values are lead-ins or statements. Each of their
        // words is looked up only when its answer is used: these are the
        // costliest scans, and most runs are prose.
        // What encloses the run, not the run's own label: a lead-in is
        // that label ("Enter the incoming server settings:").
        let text = run.text.as_str();
        let leadin = run.all_strong() || text.trim_end().ends_with(':');
        if leadin
            && place.inherited.direction.is_none()
            && let Some((p, r)) = lex.single_protocol(passage)
        {
            state.leadin = Some((p, run.src_span(r)));
        }
        // Only a lead-in ("Informations sur le serveur sortant :", a bold
        // line) sets the direction of what follows: a sentence that speaks of
        // sending ("if you cannot send e-mails") does not.
        let lead_in_like = leadin && text.len() < 200;
        let sets_direction = lead_in_like && place.inherited.direction.is_none();
        let security = if lex.vocab.security_label.is_match_in(passage.vocab()) {
            lex.stated_security(passage)
        } else {
            None
        };
        let direction =
            if sets_direction || (security.is_some() && place.inherited.direction.is_none()) {
                lex.named_direction(passage)
            } else {
                None
            };
        if direction.is_some() && sets_direction {
            state.direction = direction;
        }
        if let Some(security) = security {
            statements.push(SecurityStatement {
                section: state.section,
                list: place.list,
                direction: place.inherited.direction.or(direction).or(state.direction),
                security,
            });
        }
    }
    if has_values && run.text.contains('\n') {
        let place = Place {
            block: place.block,
            list: place.list,
            inherited: inherited.clone(),
        };
        lines(run, passage, raws, &place, lex, state, facts);
        return;
    }
    for raw in raws {
        push_raw(raw, run, place, inherited, lex, state, facts);
    }
}

/// The label a run opens with (the text before a first `:` among its first
/// hundred bytes, with no number in it), what it names, and whether it names
/// a server.
fn run_label(passage: &Passage<'_>, lex: Lexicon<'_>) -> Option<(scan::Words, bool)> {
    let text = passage.as_str();
    let mut end = text.len().min(100);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let colon = head.find(':')?;
    let label = &text[..colon];
    // A number in the label ("Port 993 :") makes it a value, not a label;
    // a digit inside a word (`POP3`, `IMAP4`) does not.
    let holds_number = label.char_indices().any(|(i, c)| {
        c.is_ascii_digit()
            && !label[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphabetic)
    });
    if holds_number || label.contains("http") {
        return None;
    }
    let part = passage.slice(0..colon);
    let words = lex.words(&part);
    let server = lex.vocab.server.is_match_in(part.vocab());
    Some((words, server))
}

/// Turns `raw` (of `run`) into a fact resolved against what encloses it.
fn push_raw(
    raw: Raw,
    run: &TextRun,
    place: &Place,
    inherited: &Inherited,
    lex: Lexicon<'_>,
    state: &mut SectionState,
    facts: &mut Vec<Fact>,
) {
    // A value pieced together across markup is not what the source says;
    // a host with a placeholder for its number (`pro**X**.mail.ovh.net`) is.
    // A host whose own words name no direction nor protocol is a server only
    // where what leads it (a list item, a lead-in line, the section's lead-in
    // "enter the outgoing server settings:") names one.
    if raw.bare
        && inherited.direction.is_none()
        && inherited.protocol.is_none()
        && state.direction.is_none()
    {
        return;
    }
    let placeholder = matches!(&raw.value, RawValue::Host(h) if h.contains('*'));
    if !matches!(raw.value, RawValue::Protocol(_))
        && !placeholder
        && !run.is_verbatim(raw.range.clone())
    {
        return;
    }
    let mut fact = to_fact(raw, run, place, state);
    resolve(&mut fact, inherited, state, lex);
    if let Value::Protocol(p) = fact.value
        && p.direction() == Direction::Incoming
    {
        state.statement = Some((p, fact.span.clone()));
    }
    facts.push(fact);
}

/// The values of a run of several lines (hard breaks, `<br>` lists in a
/// table cell, the rows of a table read as lines): a line without values
/// that names a direction or a protocol ("Enter in **Incoming mail**:")
/// leads the lines after it, up to the next such line; a line that states a
/// security ("- Encryption method **SSL/TLS**") gives it to the ports of the
/// lines it leads with no security of their own.
fn lines(
    run: &TextRun,
    passage: &Passage<'_>,
    raws: Vec<Raw>,
    place: &Place,
    lex: Lexicon<'_>,
    state: &mut SectionState,
    facts: &mut Vec<Fact>,
) {
    let text = run.text.as_str();
    let mut lead = place.inherited.clone();
    // The lines since the last lead-in: the facts they gave and the
    // securities they stated (with the direction each was stated for).
    let mut group_start = facts.len();
    let mut stated: Vec<(Option<Direction>, Security)> = Vec::new();
    let mut raws = raws.into_iter().peekable();
    // The direction of the server the last line with values spoke of: a
    // security line that names none (`|Chiffrement|SSL|` after the incoming
    // port's row) speaks of that server.
    let mut last_direction: Option<Direction> = None;
    let mut start = 0;
    for end in text.match_indices('\n').map(|(i, _)| i).chain([text.len()]) {
        let range = start..end;
        start = end + 1;
        let mut has_values = false;
        while let Some(raw) = raws.next_if(|r| r.range.start < range.end) {
            has_values |= !matches!(raw.value, RawValue::Protocol(_));
            let before = facts.len();
            push_raw(raw, run, place, &lead, lex, state, facts);
            if facts.len() > before {
                last_direction = facts.last().and_then(|f| f.direction).or(last_direction);
            }
        }
        if has_values || range.is_empty() {
            continue;
        }
        let line = passage.slice(range.clone());
        if line.as_str().trim().len() > 160 {
            continue;
        }
        let direction = lex.named_direction(&line);
        let protocol = lex
            .single_protocol(&line)
            .map(|(p, r)| (p, run.src_span(r.start + range.start..r.end + range.start)));
        let trimmed = line
            .as_str()
            .trim_end_matches(|c: char| c.is_whitespace() || c == '*');
        // A lead-in ("Enter in **Incoming mail**:", a bold line), or a
        // protocol field of a settings list ("- Protocol **IMAP**").
        let leads = trimmed.ends_with(':')
            || run.is_strong(range.clone())
            || (protocol.is_some()
                && (lex.vocab.protocol.is_match_in(line.vocab())
                    || lex.vocab.server_type.is_match_in(line.vocab())));
        if leads && (direction.is_some() || protocol.is_some()) {
            give_security(&mut facts[group_start..], &stated);
            stated.clear();
            group_start = facts.len();
            last_direction = None;
            // A protocol field keeps the direction its lead-in gave.
            let keeps =
                direction.is_none() && !trimmed.ends_with(':') && !run.is_strong(range.clone());
            lead = Inherited {
                direction: direction
                    .or(if keeps { lead.direction } else { None })
                    .or(place.inherited.direction),
                protocol: protocol.or_else(|| place.inherited.protocol.clone()),
            };
        }
        if (lex.vocab.security_label.is_match_in(line.vocab())
            || lex.vocab.ssl.is_match_in(line.vocab()))
            && let Some(security) = lex.stated_security(&line)
        {
            stated.push((direction.or(lead.direction).or(last_direction), security));
        }
    }
    give_security(&mut facts[group_start..], &stated);
}

/// Gives the ports of `facts` without a security the one `stated` for their
/// direction (or for no direction), when the statements agree.
fn give_security(facts: &mut [Fact], stated: &[(Option<Direction>, Security)]) {
    if stated.is_empty() {
        return;
    }
    for fact in facts.iter_mut() {
        if fact.security.is_some() || !matches!(fact.value, Value::Port(_)) {
            continue;
        }
        let mut found = stated
            .iter()
            .filter(|(d, _)| d.is_none() || *d == fact.direction)
            .map(|(_, s)| *s);
        if let Some(first) = found.next()
            && found.all(|s| s == first)
        {
            fact.security = Some(first);
        }
    }
}

fn to_fact(raw: Raw, run: &TextRun, place: &Place, state: &SectionState) -> Fact {
    let value = match raw.value {
        RawValue::Port(p) => Value::Port(p),
        RawValue::Host(h) => Value::Host(h),
        RawValue::Protocol(p) => Value::Protocol(p),
    };
    Fact {
        value,
        span: run.src_span(raw.range),
        protocol: raw.protocol.as_ref().map(|p| p.0),
        protocol_source: raw
            .protocol
            .map(|(_, r)| (ProtocolSource::Local, Some(run.src_span(r)))),
        direction: raw.direction,
        security: raw.security,
        mode: raw.mode,
        section: state.section,
        context: state.context(),
        block: place.block,
        list: place.list,
    }
}

/// Fills a fact's direction and protocol from what encloses it.
fn resolve(fact: &mut Fact, inherited: &Inherited, state: &SectionState, lex: Lexicon<'_>) {
    if matches!(fact.value, Value::Protocol(_)) {
        fact.direction = fact.direction.or(inherited.direction).or(state.direction);
        return;
    }
    fact.direction = fact.direction.or(inherited.direction).or(state.direction);
    if fact.protocol.is_none() {
        let (protocol, source) = if fact.direction == Some(Direction::Outgoing) {
            (
                Some(Protocol::Smtp),
                Some((ProtocolSource::Direction, None)),
            )
        } else if let Some((p, r)) = inherited.protocol.clone() {
            (Some(p), Some((ProtocolSource::Context, Some(r))))
        } else if let Some((p, r)) = state.statement.clone() {
            (Some(p), Some((ProtocolSource::Statement, Some(r))))
        } else if let Some((p, r)) = state.context() {
            (Some(p), Some((ProtocolSource::Context, Some(r))))
        } else {
            (None, None)
        };
        fact.protocol = protocol;
        fact.protocol_source = source;
        // A section about POP also gives the SMTP port: a number that belongs to
        // SMTP and not to the section's protocol is SMTP's.
        if let (Value::Port(port), Some(p)) = (&fact.value, fact.protocol)
            && fact.direction.is_none()
            && p != Protocol::Smtp
            && !lex.protocols.is_port_of(p, *port)
            && lex.protocols.is_port_of(Protocol::Smtp, *port)
        {
            fact.protocol = Some(Protocol::Smtp);
            fact.protocol_source = Some((ProtocolSource::PortNumber, None));
        }
    }
    // A port nothing around names the protocol of is its number's, when the
    // number belongs to one protocol of the server's direction (993 of an
    // incoming server is IMAP's): what the guide says of its security can
    // then be checked.
    if fact.protocol.is_none()
        && let Value::Port(port) = fact.value
    {
        let mut owners = lex.protocols.meanings(port).map(|(p, _)| p);
        if let Some(first) = owners.next()
            && owners.all(|p| p == first)
            && fact.direction.is_none_or(|d| d == first.direction())
        {
            fact.protocol = Some(first);
            fact.protocol_source = Some((ProtocolSource::PortNumber, None));
        }
    }
    if fact.direction.is_none() {
        fact.direction = fact.protocol.map(Protocol::direction);
    }
}

/// Gives a setting without a stated security the security its section states
/// for the same server ("Cochez la case : connexion sécurisée (SSL)").
fn apply_security_statements(facts: &mut [Fact], statements: &[SecurityStatement]) {
    // Grouped by (section, list, direction): one lookup per fact keeps a huge
    // guide with many sections linear.
    let mut by_place: HashMap<(Option<usize>, Option<usize>, Direction), Option<Security>> =
        HashMap::new();
    for s in statements {
        let Some(direction) = s.direction else {
            continue;
        };
        by_place
            .entry((s.section, s.list, direction))
            .and_modify(|agreed| {
                if *agreed != Some(s.security) {
                    *agreed = None;
                }
            })
            .or_insert(Some(s.security));
    }
    if by_place.is_empty() {
        return;
    }
    for fact in facts.iter_mut() {
        if fact.security.is_some()
            || fact.mode != Mode::Setting
            || !matches!(fact.value, Value::Port(_))
        {
            continue;
        }
        let Some(direction) = fact.direction else {
            continue;
        };
        if let Some(Some(security)) = by_place.get(&(fact.section, fact.list, direction)) {
            fact.security = Some(*security);
        }
    }
}

#[cfg(test)]
mod languages;
#[cfg(test)]
mod tests;
