//! Tables. A settings table has a port or host column, named by its header
//! (`|Type du serveur|Nom du serveur|Port (avec SSL)|Port (sans SSL)|`,
//! `|Ports|SSL activé|SSL désactivé|`, `|Server type|Server name|SSL|Port|`):
//! each row is one server, its direction and protocol read from the label
//! cells ("Entrant", "Incoming(IMAP)"), its security from the port column's
//! header or from a security column (`SSL` with `Oui`/`Non`, `Type de
//! sécurité` with `SSL/TLS`, `STARTTLS`, `Aucun`).
//!
//! Every other table is read as lines, one per row, each row's label cell
//! joined to its value (`|Incoming port|Enter port 993.|` reads as "Incoming
//! port | Enter port 993."), and each cell's `<br>` parts lines of their own:
//! a settings list written in a cell (`Enter in **Incoming mail**: <br>-
//! Server … <br>- Port **993**`) reads like one written in prose.

use std::ops::Range;

use super::scan::{self, Lexicon};
use super::{Fact, Inherited, Place, ProtocolSource, SectionState, Value, lines, resolve};
use crate::guide::{Table, TextRun};
use crate::spec::{Direction, Protocol, Security};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    /// Port numbers, with the security the header gives them.
    Port(Option<Security>),
    /// Host names.
    Host,
    /// Protocol names.
    Protocol,
    /// The security of each row's server (`SSL`: `Oui`/`Non`; `Type de sécurité`: `SSL/TLS`).
    Security,
    /// Words giving each row its direction or protocol.
    Label,
}

/// Reads what a column holds from its header and its cells.
fn classify(header: &TextRun, cells: &[&TextRun], lex: Lexicon<'_>) -> Column {
    let text = lex.passage(&header.text);
    let v = lex.vocab;
    if v.server_type.is_match_in(text.vocab()) || v.protocol.is_match_in(text.vocab()) {
        return Column::Protocol;
    }
    let filled: Vec<&&TextRun> = cells.iter().filter(|c| !c.text.trim().is_empty()).collect();
    let most = |f: &dyn Fn(&TextRun) -> bool| {
        !filled.is_empty() && filled.iter().filter(|c| f(c)).count() * 2 > filled.len()
    };
    let numbers = most(&|c| starts_with_number(&c.text));
    let header_security = lex.security(&text);
    if v.port.is_match_in(text.vocab()) {
        return Column::Port(header_security);
    }
    if header_security.is_some() && numbers {
        return Column::Port(header_security);
    }
    let security_header = header_security.is_some() || v.security_label.is_match_in(text.vocab());
    if security_header && most(&|c| lex.security_value(&lex.passage(&c.text), true).is_some()) {
        return Column::Security;
    }
    if v.server.is_match_in(text.vocab()) {
        return Column::Host;
    }
    Column::Label
}

/// True when a cell's text starts with a number (after quotes and spaces).
fn starts_with_number(text: &str) -> bool {
    text.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '«' | '“' | '„')
    })
    .starts_with(|c: char| c.is_ascii_digit())
}

/// Extracts the facts of `table` (block `block`) into `out`.
pub(super) fn extract(
    table: &Table,
    block: usize,
    lex: Lexicon<'_>,
    state: &mut SectionState,
    out: &mut Vec<Fact>,
) {
    let mut columns: Vec<Column> = table
        .header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let cells: Vec<&TextRun> = table.rows.iter().filter_map(|r| r.get(i)).collect();
            classify(h, &cells, lex)
        })
        .collect();
    // `|Ports|SSL activé|SSL désactivé|`: a first "Ports" column labels the rows
    // when other columns hold the ports.
    if columns.first() == Some(&Column::Port(None))
        && columns[1..].iter().any(|c| matches!(c, Column::Port(_)))
    {
        columns[0] = Column::Label;
    }
    let settings = columns
        .iter()
        .any(|c| matches!(c, Column::Port(_) | Column::Host));
    if settings {
        let first = out.len();
        settings_rows(table, &columns, block, lex, state, out);
        // A table whose label column gives each row its direction gives a
        // row that names none no direction of the section's.
        let mut rows = state.clone();
        if columns.contains(&Column::Label) {
            rows.direction = None;
        }
        for f in &mut out[first..] {
            resolve(f, &Inherited::default(), &rows, lex);
        }
    } else {
        as_lines(table, block, lex, state, out);
    }
}

/// The rows of a settings table.
fn settings_rows(
    table: &Table,
    columns: &[Column],
    block: usize,
    lex: Lexicon<'_>,
    state: &SectionState,
    out: &mut Vec<Fact>,
) {
    for row in &table.rows {
        let mut direction: Option<Direction> = None;
        let mut protocol: Option<(Protocol, Range<usize>)> = None;
        let mut row_security: Option<Security> = None;
        for (cell, column) in row.iter().zip(columns) {
            match column {
                Column::Label | Column::Protocol => {
                    let words = lex.words(&lex.passage(&cell.text));
                    direction = direction.or(words.direction);
                    if let Some((p, r)) = words.protocol {
                        let span = cell.src_span(r);
                        if *column == Column::Protocol {
                            out.push(fact(
                                Value::Protocol(p),
                                span.clone(),
                                None,
                                None,
                                None,
                                block,
                                state,
                            ));
                        }
                        protocol = protocol.or(Some((p, span)));
                    }
                }
                Column::Security => {
                    row_security =
                        row_security.or(lex.security_value(&lex.passage(&cell.text), true));
                }
                _ => {}
            }
        }
        for (cell, column) in row.iter().zip(columns) {
            match column {
                Column::Port(header_security) => {
                    let Some((port, range)) = first_port(&cell.text) else {
                        continue;
                    };
                    if !cell.is_verbatim(range.clone()) {
                        continue;
                    }
                    let security = lex
                        .security(&lex.passage(&cell.text))
                        .or(*header_security)
                        .or(row_security);
                    out.push(fact(
                        Value::Port(port),
                        cell.src_span(range),
                        protocol.clone(),
                        direction,
                        security,
                        block,
                        state,
                    ));
                }
                Column::Host => {
                    let Some((range, host)) = host_in(&cell.text) else {
                        continue;
                    };
                    if !host.contains('*') && !cell.is_verbatim(range.clone()) {
                        continue;
                    }
                    out.push(fact(
                        Value::Host(host),
                        cell.src_span(range),
                        protocol.clone(),
                        direction,
                        None,
                        block,
                        state,
                    ));
                }
                _ => {}
            }
        }
    }
}

fn fact(
    value: Value,
    span: Range<usize>,
    protocol: Option<(Protocol, Range<usize>)>,
    direction: Option<Direction>,
    security: Option<Security>,
    block: usize,
    state: &SectionState,
) -> Fact {
    Fact {
        value,
        span,
        protocol: protocol.as_ref().map(|p| p.0),
        protocol_source: protocol.map(|(_, r)| (ProtocolSource::Local, Some(r))),
        direction,
        security,
        mode: scan::Mode::Listing,
        section: state.section,
        context: state.context(),
        block,
        list: None,
    }
}

/// The first whole number of a cell that can be a port.
fn first_port(text: &str) -> Option<(u16, Range<usize>)> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let len = text[start..]
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len() - start);
    let port: u16 = text[start..start + len].parse().ok()?;
    (port > 0).then_some((port, start..start + len))
}

/// The host name a host cell starts with (after quotes), with `*` for a
/// placeholder server number: `pro**?**.mail.ovh.net (replace "?" …)`.
fn host_in(text: &str) -> Option<(Range<usize>, String)> {
    let (range, host) = scan::first_host(text)?;
    let before = &text[..range.start];
    before
        .chars()
        .all(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '«' | '“' | '„' | '`'))
        .then_some((range, host))
}

/// A table without port or host column, read as lines: one per row (its
/// label cell and its value joined by ` | `), a cell's `<br>` parts on lines
/// of their own.
fn as_lines(
    table: &Table,
    block: usize,
    lex: Lexicon<'_>,
    state: &mut SectionState,
    out: &mut Vec<Fact>,
) {
    let mut run = TextRun::default();
    for row in std::iter::once(&table.header).chain(&table.rows) {
        let cells: Vec<&TextRun> = row.iter().filter(|c| !c.text.trim().is_empty()).collect();
        let labelled = cells.len() >= 2
            && cells[0].text.len() <= 60
            && !cells[0].text.contains('\n')
            && scan::first_host(&cells[0].text).is_none()
            && !cells[0].text.contains(|c: char| c.is_ascii_digit());
        for (i, cell) in cells.iter().enumerate() {
            if !run.is_empty() {
                run.push_separator(if labelled && i > 0 { " | " } else { "\n" });
            }
            run.append(cell);
        }
    }
    if run.is_empty() {
        return;
    }
    let passage = lex.passage(&run.text);
    let raws = scan::scan(&passage, lex);
    if raws
        .iter()
        .all(|r| matches!(r.value, scan::RawValue::Protocol(_)))
    {
        return;
    }
    let place = Place {
        block,
        list: None,
        inherited: Inherited::default(),
    };
    lines(&run, &passage, raws, &place, lex, state, out);
}
