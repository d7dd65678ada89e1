//! `--format json`: one object per finding, the format documented in README.md.

use serde::Serialize;

use super::{Positions, path_of};
use crate::diagnostic::Severity;
use crate::engine::Outcome;

#[derive(Serialize)]
struct JsonFinding<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    code: &'a str,
    name: &'a str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

/// Renders the findings as a pretty-printed JSON array.
pub fn render(outcome: &Outcome) -> String {
    let mut pos = Positions::new(outcome);
    let findings: Vec<JsonFinding<'_>> = outcome
        .findings
        .iter()
        .map(|f| {
            let start = pos.at(f.file, f.span.start);
            let end = pos.at(f.file, f.span.end);
            let related = f
                .related
                .iter()
                .map(|r| {
                    let file = r.file.unwrap_or(f.file);
                    let at = pos.at(file, r.span.start);
                    JsonRelated {
                        path: outcome
                            .files
                            .get(file)
                            .map(|s| s.path.as_str())
                            .unwrap_or(""),
                        line: at.line,
                        column: at.column,
                        message: &r.message,
                    }
                })
                .collect();
            JsonFinding {
                path: path_of(outcome, f),
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                code: &f.code,
                name: &f.name,
                severity: f.severity,
                message: &f.message,
                help: f.help.as_deref(),
                related,
            }
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&findings).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}
