//! Settings tables: `|Type du serveur|Nom du serveur|Port (avec SSL)|Port (sans SSL)|`,
//! `|Ports|SSL activé|SSL désactivé|` and their English and plain-text forms.
//!
//! Each column is classified by its header: a port column (with the security its
//! header names), a host column, a protocol column, or a label column whose cells
//! ("Entrant", "Sortant", "IMAP") give each row its direction and protocol.
//! Tables with neither port nor host column are read like prose, cell by cell.

use super::scan::{self, Lexicon, Mode, RawValue};
use super::{Fact, ProtocolSource, SectionView, Value};
use crate::guide::{Table, TextRun};
use crate::spec::{Direction, Protocol, Security};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Port(Option<Security>),
    Host,
    Protocol,
    Label,
}

fn classify(header: &TextRun, lex: Lexicon<'_>) -> Column {
    let text = lex.passage(&header.text);
    let v = lex.vocab;
    if v.server_type.is_match_in(text.vocab()) || v.protocol.is_match_in(text.vocab()) {
        Column::Protocol
    } else if let Some(security) = lex.security(&text) {
        Column::Port(Some(security))
    } else if v.port.is_match_in(text.vocab()) {
        Column::Port(None)
    } else if v.server.is_match_in(text.vocab()) {
        Column::Host
    } else {
        Column::Label
    }
}

/// Extracts the facts of `table` (block `block`) into `out`.
pub fn extract(
    table: &Table,
    block: usize,
    lex: Lexicon<'_>,
    view: &SectionView,
    out: &mut Vec<Fact>,
) {
    let mut columns: Vec<Column> = table.header.iter().map(|h| classify(h, lex)).collect();
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
    if !settings {
        prose_cells(table, block, lex, view, out);
        return;
    }
    for row in &table.rows {
        let mut direction: Option<Direction> = None;
        let mut protocol: Option<(Protocol, std::ops::Range<usize>)> = None;
        for (cell, column) in row.iter().zip(&columns) {
            if matches!(column, Column::Label | Column::Protocol) {
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
                            view,
                        ));
                    }
                    protocol = protocol.or(Some((p, span)));
                }
            }
        }
        for (cell, column) in row.iter().zip(&columns) {
            match column {
                Column::Port(security) => {
                    let Some((port, range)) = first_port(&cell.text) else {
                        continue;
                    };
                    if !cell.is_verbatim(range.clone()) {
                        continue;
                    }
                    let security = lex.security(&lex.passage(&cell.text)).or(*security);
                    out.push(fact(
                        Value::Port(port),
                        cell.src_span(range),
                        protocol.clone(),
                        direction,
                        security,
                        block,
                        view,
                    ));
                }
                Column::Host => {
                    let Some(range) = host_in(&cell.text) else {
                        continue;
                    };
                    if !cell.is_verbatim(range.clone()) {
                        continue;
                    }
                    out.push(fact(
                        Value::Host(cell.text[range.clone()].to_string()),
                        cell.src_span(range),
                        protocol.clone(),
                        direction,
                        None,
                        block,
                        view,
                    ));
                }
                _ => {}
            }
        }
    }
}

fn fact(
    value: Value,
    span: std::ops::Range<usize>,
    protocol: Option<(Protocol, std::ops::Range<usize>)>,
    direction: Option<Direction>,
    security: Option<Security>,
    block: usize,
    view: &SectionView,
) -> Fact {
    Fact {
        value,
        span,
        protocol: protocol.as_ref().map(|p| p.0),
        protocol_source: protocol.map(|(_, r)| (ProtocolSource::Local, Some(r))),
        direction,
        security,
        mode: Mode::Listing,
        section: view.section,
        context: view.context.clone(),
        block,
        list: None,
    }
}

/// The first whole number of a cell that can be a port.
fn first_port(text: &str) -> Option<(u16, std::ops::Range<usize>)> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let len = text[start..]
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len() - start);
    let port: u16 = text[start..start + len].parse().ok()?;
    (port > 0).then_some((port, start..start + len))
}

/// The host name in a host cell.
fn host_in(text: &str) -> Option<std::ops::Range<usize>> {
    let t = text.trim();
    let start = text.len() - text.trim_start().len();
    let ok = t.contains('.')
        && !t.contains(char::is_whitespace)
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '*'));
    ok.then_some(start..start + t.len())
}

/// Cells of a table that is not a settings table, read like prose.
fn prose_cells(
    table: &Table,
    block: usize,
    lex: Lexicon<'_>,
    view: &SectionView,
    out: &mut Vec<Fact>,
) {
    for cell in table.rows.iter().flatten() {
        for raw in scan::scan(&lex.passage(&cell.text), lex) {
            if !matches!(raw.value, RawValue::Protocol(_)) && !cell.is_verbatim(raw.range.clone()) {
                continue;
            }
            let value = match raw.value {
                RawValue::Port(p) => Value::Port(p),
                RawValue::Host(h) => Value::Host(h),
                RawValue::Protocol(p) => Value::Protocol(p),
            };
            let protocol = raw.protocol.map(|(p, r)| (p, cell.src_span(r)));
            let mut f = fact(
                value,
                cell.src_span(raw.range),
                protocol,
                raw.direction,
                raw.security,
                block,
                view,
            );
            f.mode = raw.mode;
            out.push(f);
        }
    }
}
