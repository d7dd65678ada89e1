//! The "Last updated …" line near the top of a guide's body, and its date.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::schema::Schema;
use crate::guide::{BlockKind, Guide};

/// The line that tells readers when the guide was last updated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdatedLine {
    /// The date, `YYYY-MM-DD`.
    pub date: String,
    /// Where the date is written.
    pub span: Range<usize>,
    /// The date as written (`5th May 2020`).
    pub written: String,
}

/// Day, month and year in figures: `05/05/2020`, `5.5.2020`, `03-01-2023`, or `2020-05-05`.
static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(\d{1,2})[./-](\d{1,2})[./-](\d{4})|(\d{4})[./-](\d{1,2})[./-](\d{1,2}))\b")
        .expect("valid date regex")
});

/// A date in words: `5th May 2020`, `24 juin 2020`, `26 de agosto de 2021`, `May 5, 2020`.
static WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(\d{1,2})(?:st|nd|rd|th|er|\.)?\s+(?:de\s+)?(\p{L}+)\.?,?\s+(?:de\s+)?(\d{4})|(\p{L}+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4}))\b",
    )
    .expect("valid date regex")
});

/// The guide's "Last updated …" line, if one of the text blocks before its
/// first heading starts with a phrase of `rules/frontmatter.yaml` and gives a
/// date it can read.
pub fn updated_line(guide: &Guide) -> Option<UpdatedLine> {
    let schema = Schema::embedded()?;
    let phrases = &schema.updated_line.phrases;
    for block in guide.blocks.iter().take(4) {
        let run = match &block.kind {
            BlockKind::Heading { .. } => return None,
            BlockKind::Text(run) => run,
            _ => continue,
        };
        let lower = run.text.to_lowercase();
        let trimmed = lower.trim_start();
        let lead = lower.len() - trimmed.len();
        let Some(phrase) = phrases
            .iter()
            .find(|p| trimmed.starts_with(&p.to_lowercase()))
        else {
            continue;
        };
        // Lowercasing keeps these texts' byte lengths (their letters' lower
        // forms have the same length); check before slicing the original.
        let after = lead + phrase.to_lowercase().len();
        if lower.len() != run.text.len() || !run.text.is_char_boundary(after) {
            return None;
        }
        let rest = &run.text[after..];
        // A few short words ("le", "am", "z dnia", ":") before the date.
        let skip = rest
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit())
            .map(|(i, _)| i)?;
        let head = &rest[..skip];
        // The date starts at the first digit, or, written in words with its
        // month first ("May 5, 2020"), after the phrase's colon.
        let words_first = rest.len() - rest.trim_start_matches([' ', ':']).len();
        let short_head = head.split_whitespace().count() <= 3 && head.chars().count() <= 16;
        let (from, (date, len)) = [short_head.then_some(skip), Some(words_first)]
            .into_iter()
            .flatten()
            .find_map(|start| {
                Some((
                    after + start,
                    parse_date(&run.text[after + start..], schema)?,
                ))
            })?;
        let text_range = from..from + len;
        let span = run.src_span(text_range.clone());
        let written = run.text[text_range].to_string();
        return Some(UpdatedLine {
            date,
            span,
            written,
        });
    }
    None
}

/// The date at the start of `s` as `YYYY-MM-DD`, and how many bytes it takes.
fn parse_date(s: &str, schema: &Schema) -> Option<(String, usize)> {
    let ymd = |y: &str, m: u32, d: &str| -> Option<String> {
        let (y, d): (u32, u32) = (y.parse().ok()?, d.parse().ok()?);
        ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
    };
    if let Some(c) = NUMERIC.captures(s) {
        let len = c.get(0)?.end();
        return match (c.get(1), c.get(2), c.get(3)) {
            (Some(d), Some(m), Some(y)) => {
                Some((ymd(y.as_str(), m.as_str().parse().ok()?, d.as_str())?, len))
            }
            _ => Some((ymd(&c[4], c[5].parse().ok()?, &c[6])?, len)),
        };
    }
    let c = WORDS.captures(s)?;
    let len = c.get(0)?.end();
    let month = |name: &str| -> Option<u32> {
        let name = name.to_lowercase();
        schema
            .updated_line
            .months
            .iter()
            .find(|(_, names)| names.contains(&name))
            .map(|(m, _)| *m)
    };
    match (c.get(1), c.get(2), c.get(3)) {
        (Some(d), Some(m), Some(y)) => {
            Some((ymd(y.as_str(), month(m.as_str())?, d.as_str())?, len))
        }
        _ => Some((ymd(&c[6], month(&c[4])?, &c[5])?, len)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guide::markdown;

    fn line(md: &str) -> Option<(String, String)> {
        let guide = markdown::parse(md);
        updated_line(&guide).map(|l| {
            assert_eq!(&md[l.span.clone()], l.written);
            (l.date, l.written)
        })
    }

    #[test]
    fn reads_the_line_in_every_language() {
        for (md, date) in [
            (
                "**Dernière mise à jour le 05/05/2020**\n\n## Objectif\n",
                "2020-05-05",
            ),
            ("**Dernière mise à jour le 24 juin 2020**\n", "2020-06-24"),
            ("**Last updated 5th May 2020**\n", "2020-05-05"),
            ("**Last updated 1st February 2023**\n", "2023-02-01"),
            ("Last updated: May 5, 2020\n", "2020-05-05"),
            ("**Letzte Aktualisierung am 23.08.2021**\n", "2021-08-23"),
            ("**Última actualización: 26/08/2021**\n", "2021-08-26"),
            (
                "**Última actualización: 26 de agosto de 2021**\n",
                "2021-08-26",
            ),
            ("**Ultimo aggiornamento: 7/4/2020**\n", "2020-04-07"),
            ("**Última atualização: 2021-08-26**\n", "2021-08-26"),
            (
                "**Ostatnia aktualizacja z dnia 03-01-2023**\n",
                "2023-01-03",
            ),
            (
                "---\ntitle: T\n---\n\n**Last updated 12th August 2020**\n",
                "2020-08-12",
            ),
        ] {
            assert_eq!(line(md).map(|l| l.0).as_deref(), Some(date), "{md:?}");
        }
    }

    #[test]
    fn other_lines_are_not_read() {
        for md in [
            "## Objectif\n\n**Dernière mise à jour le 05/05/2020**\n",
            "Nothing here.\n",
            "**Last updated in May**\n",
            "**Last updated 31/13/2020**\n",
            "**Dernière mise à jour : voir plus bas, le tableau du 05/05/2020**\n",
        ] {
            assert_eq!(line(md), None, "{md:?}");
        }
    }
}
