//! `--format sarif`: a SARIF 2.1.0 log for code-scanning tools (GitHub code
//! scanning, Azure DevOps, IDE viewers), with the rule catalog as metadata.
//!
//! Columns are counted in Unicode characters like everywhere else in
//! guidelint, which the log declares with `columnKind: unicodeCodePoints`.

use serde_json::{Value, json};

use super::{Positions, path_of};
use crate::diagnostic::{Finding, Fix, Severity};
use crate::engine::Outcome;
use crate::rules::RuleInfo;

/// The SARIF schema the log conforms to.
pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where users learn about guidelint.
const INFORMATION_URI: &str = match option_env!("CARGO_PKG_REPOSITORY") {
    Some(uri) if !uri.is_empty() => uri,
    _ => "https://crates.io/crates/guidelint",
};

/// Renders `outcome` as a SARIF 2.1.0 log; `catalog` gives the rules' metadata.
pub fn render(outcome: &Outcome, catalog: &[RuleInfo]) -> String {
    let mut pos = Positions::new(outcome);
    let results: Vec<Value> = outcome
        .findings
        .iter()
        .map(|f| result(outcome, &mut pos, catalog, f))
        .collect();
    let rules: Vec<Value> = catalog.iter().map(rule).collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "guidelint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".into());
    out.push('\n');
    out
}

/// SARIF's name for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule(r: &RuleInfo) -> Value {
    json!({
        "id": r.code,
        "name": r.name,
        "shortDescription": { "text": sentence(&r.summary) },
        "fullDescription": { "text": sentence(&section(&r.docs, "What it does").unwrap_or_else(|| r.summary.to_string())) },
        "help": { "text": r.docs.trim(), "markdown": r.docs.trim() },
        "defaultConfiguration": { "level": level(r.severity) },
    })
}

/// The text of the `## title` section of a rule's Markdown docs, as one paragraph.
fn section(docs: &str, title: &str) -> Option<String> {
    let mut lines = docs
        .lines()
        .skip_while(|l| l.trim() != format!("## {title}"));
    lines.next()?;
    let body: Vec<&str> = lines
        .take_while(|l| !l.starts_with("## "))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    (!body.is_empty()).then(|| body.join(" "))
}

/// `text` ending with a period, as SARIF messages should.
fn sentence(text: &str) -> String {
    let t = text.trim();
    if t.ends_with(['.', '!', '?']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

fn result(outcome: &Outcome, pos: &mut Positions<'_>, catalog: &[RuleInfo], f: &Finding) -> Value {
    let uri = artifact_uri(path_of(outcome, f));
    let mut text = sentence(&f.message);
    if let Some(help) = &f.help {
        text.push_str(&format!(" Help: {}", sentence(help)));
    }
    let mut r = json!({
        "ruleId": f.code,
        "level": level(f.severity),
        "message": { "text": text },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri },
                "region": region(pos, f.file, &f.span),
            }
        }],
    });
    if let Some(index) = catalog.iter().position(|r| r.code == f.code) {
        r["ruleIndex"] = json!(index);
    }
    if !f.related.is_empty() {
        let related: Vec<Value> = f
            .related
            .iter()
            .enumerate()
            .map(|(i, rel)| {
                let file = rel.file.unwrap_or(f.file);
                let path = outcome
                    .files
                    .get(file)
                    .map(|s| s.path.as_str())
                    .unwrap_or("");
                json!({
                    "id": i + 1,
                    "physicalLocation": {
                        "artifactLocation": { "uri": artifact_uri(path) },
                        "region": region(pos, file, &rel.span),
                    },
                    "message": { "text": sentence(&rel.message) },
                })
            })
            .collect();
        r["relatedLocations"] = Value::Array(related);
    }
    if let Some(fix) = &f.fix {
        r["fixes"] = json!([sarif_fix(pos, f, fix, &uri)]);
    }
    r
}

fn sarif_fix(pos: &mut Positions<'_>, f: &Finding, fix: &Fix, uri: &str) -> Value {
    json!({
        "description": { "text": format!("Replace with `{}`.", fix.replacement) },
        "artifactChanges": [{
            "artifactLocation": { "uri": uri },
            "replacements": [{
                "deletedRegion": region(pos, f.file, &fix.span),
                "insertedContent": { "text": fix.replacement },
            }]
        }]
    })
}

fn region(pos: &mut Positions<'_>, file: usize, span: &std::ops::Range<usize>) -> Value {
    let start = pos.at(file, span.start);
    let end = pos.at(file, span.end.max(span.start));
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

/// A path as a SARIF artifact URI: relative paths stay relative (forward
/// slashes, no leading `./`), absolute ones become `file://` URIs; anything
/// outside the URI's unreserved characters is percent-encoded.
pub fn artifact_uri(path: &str) -> String {
    let mut p = path.replace('\\', "/");
    while let Some(rest) = p.strip_prefix("./") {
        p = rest.to_string();
    }
    let bytes = p.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if drive {
        format!("file:///{}{}", &p[..2], encode(&p[2..]))
    } else if p.starts_with('/') {
        format!("file://{}", encode(&p))
    } else {
        encode(&p)
    }
}

fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(artifact_uri("./docs/a b.md"), "docs/a%20b.md");
        assert_eq!(artifact_uri("docs\\guide.fr.md"), "docs/guide.fr.md");
        assert_eq!(artifact_uri("/tmp/é.md"), "file:///tmp/%C3%A9.md");
        assert_eq!(artifact_uri("C:\\d\\a.md"), "file:///C:/d/a.md");
        assert_eq!(artifact_uri("a:b.md"), "a%3Ab.md");
    }

    #[test]
    fn sections_of_the_docs() {
        let docs = "# X\n\n## What it does\nReports\nthings.\n\n## Why it matters\nNo.\n";
        assert_eq!(
            section(docs, "What it does").as_deref(),
            Some("Reports things.")
        );
        assert_eq!(section(docs, "Fix"), None);
    }

    #[test]
    fn sentences_end_with_a_period() {
        assert_eq!(sentence("a port"), "a port.");
        assert_eq!(sentence("a port."), "a port.");
    }
}
