//! The rule registry: every check guidelint runs, with its stable code,
//! kebab-case name, default severity and documentation.
//!
//! One list, [`RULES`], feeds the checks, `guidelint rules`, `guidelint rule
//! CODE` and the rule metadata of machine-readable outputs. Each rule lives in
//! its own module with its documentation in a sibling Markdown file.
//!
//! Codes are grouped by family and never reused: `GL0xx` files and front
//! matter, `GL1xx` links, anchors and slugs, `GL2xx` facts against the spec,
//! `GL3xx` consistency across guides and the spec's service facts.

mod broken_anchor;
mod canonical_url;
mod conflicting_protocol_labels;
mod contradictory_ports;
mod corpus_outlier;
mod duplicate_legacy_number;
mod duplicate_slug;
mod front_matter_missing_key;
mod front_matter_recommended_key;
mod front_matter_unknown_key;
mod front_matter_wrong_type;
mod limit_mismatch;
mod missing_file;
mod mx_record_mismatch;
mod path_outside_repository;
mod port_protocol_mismatch;
mod recommended_protocol_mismatch;
mod spec_port_mismatch;
mod table_without_separator;
mod translation_drift;
mod translation_front_matter_mismatch;
mod translation_image_mismatch;
mod unknown_host;
mod unresolved_guide_link;
mod unused_suppression;
mod updated_date_mismatch;
mod webmail_url_mismatch;

use rayon::prelude::*;

use crate::config::Config;
use crate::corpus::CorpusContext;
use crate::diagnostic::{Finding, Severity};
use crate::extract::Fact;
use crate::guide::Guide;
use crate::spec::{Product, Protocols, Spec};

/// What a per-guide check sees: one parsed guide and its facts.
pub struct GuideContext<'a> {
    /// Index of the guide in the run.
    pub file: usize,
    /// The guide's path as given.
    pub path: &'a str,
    /// The guide's source text (spans index into it).
    pub text: &'a str,
    /// The configuration.
    pub config: &'a Config,
    /// The parsed guide.
    pub guide: &'a Guide,
    /// Its facts.
    pub facts: &'a [Fact],
    /// The spec, unless disabled.
    pub spec: Option<&'a Spec>,
    /// The product the guide belongs to.
    pub product: Option<&'a Product>,
    /// The guide's locale (`fr-ca`), lowercase: from its file name
    /// (`guide.fr-ca.md`), else its front matter's `lang`, else a folder named
    /// like a locale; `None` for guides such as the seeds. Locale-dependent
    /// spec facts (webmail, Canada's servers) are read for it, see [`Product::at`].
    pub locale: Option<&'a str>,
    /// Universal protocol facts.
    pub protocols: &'a Protocols,
}

/// How a rule runs.
#[derive(Clone, Copy)]
pub enum Check {
    /// Once per guide, in parallel.
    Guide(fn(&GuideContext<'_>, &mut Vec<Finding>)),
    /// Once per run, over the summaries of all guides.
    Corpus(fn(&CorpusContext<'_>, &mut Vec<Finding>)),
    /// Reported by the engine itself (unreadable files, broken front matter).
    Engine,
}

/// A rule: metadata and its check.
#[derive(Clone, Copy)]
pub struct Rule {
    /// Stable code, e.g. `GL201`.
    pub code: &'static str,
    /// Kebab-case name, e.g. `port-protocol-mismatch`.
    pub name: &'static str,
    /// Severity unless configured otherwise.
    pub severity: Severity,
    /// One line for listings.
    pub summary: &'static str,
    /// The full documentation (Markdown): what, why, example, fix.
    pub docs: &'static str,
    /// The check.
    pub check: Check,
}

/// A rule's metadata, owned or static: what listings, `guidelint rule` and
/// SARIF show. Built-in rules and rules loaded from YAML share this shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    /// Stable code.
    pub code: std::borrow::Cow<'static, str>,
    /// Kebab-case name.
    pub name: std::borrow::Cow<'static, str>,
    /// Default severity.
    pub severity: Severity,
    /// One line.
    pub summary: std::borrow::Cow<'static, str>,
    /// Full documentation (Markdown).
    pub docs: std::borrow::Cow<'static, str>,
}

impl From<&'static Rule> for RuleInfo {
    fn from(r: &'static Rule) -> Self {
        RuleInfo {
            code: r.code.into(),
            name: r.name.into(),
            severity: r.severity,
            summary: r.summary.into(),
            docs: r.docs.into(),
        }
    }
}

/// The metadata of every built-in rule.
pub fn builtin_catalog() -> Vec<RuleInfo> {
    RULES.iter().map(RuleInfo::from).collect()
}

/// Every rule, in code order.
pub static RULES: &[Rule] = &[
    Rule {
        code: "GL000",
        name: "unreadable-file",
        severity: Severity::Error,
        summary: "A guide could not be read: invalid UTF-8, binary content, too large, or an I/O error",
        docs: include_str!("unreadable_file.md"),
        check: Check::Engine,
    },
    Rule {
        code: "GL001",
        name: "invalid-front-matter",
        severity: Severity::Error,
        summary: "Front matter that is not valid YAML, or that is opened with `---` and never closed",
        docs: include_str!("invalid_front_matter.md"),
        check: Check::Engine,
    },
    front_matter_missing_key::RULE,
    front_matter_wrong_type::RULE,
    front_matter_unknown_key::RULE,
    front_matter_recommended_key::RULE,
    updated_date_mismatch::RULE,
    table_without_separator::RULE,
    duplicate_slug::RULE,
    duplicate_legacy_number::RULE,
    broken_anchor::RULE,
    unresolved_guide_link::RULE,
    missing_file::RULE,
    path_outside_repository::RULE,
    translation_front_matter_mismatch::RULE,
    translation_image_mismatch::RULE,
    canonical_url::RULE,
    port_protocol_mismatch::RULE,
    conflicting_protocol_labels::RULE,
    unknown_host::RULE,
    spec_port_mismatch::RULE,
    contradictory_ports::RULE,
    translation_drift::RULE,
    corpus_outlier::RULE,
    recommended_protocol_mismatch::RULE,
    webmail_url_mismatch::RULE,
    mx_record_mismatch::RULE,
    limit_mismatch::RULE,
    unused_suppression::RULE,
];

/// Finds a rule by code or name (case-insensitive code).
pub fn lookup(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// The default severity of the rule with `code` (error for an unknown code).
pub fn default_severity(code: &str) -> Severity {
    lookup(code).map(|r| r.severity).unwrap_or(Severity::Error)
}

/// Runs every per-guide rule on `ctx`.
pub fn check_guide(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    for rule in RULES {
        if let Check::Guide(f) = rule.check {
            f(ctx, out);
        }
    }
}

/// Runs every corpus rule.
pub fn check_corpus(ctx: &CorpusContext<'_>, out: &mut Vec<Finding>) {
    // The link index first, built with every thread: most rules read it, and
    // a rule waiting for another to build it would hold its thread idle.
    ctx.index();
    // Then the rules at once; their findings are joined in the rules' order.
    let found: Vec<Vec<Finding>> = RULES
        .par_iter()
        .map(|rule| {
            let mut found = Vec::new();
            if let Check::Corpus(f) = rule.check {
                f(ctx, &mut found);
            }
            found
        })
        .collect();
    out.extend(found.into_iter().flatten());
}

/// "the MX Plan spec" or "the standard ports", for messages.
pub(crate) fn authority(product: Option<&Product>) -> String {
    match product {
        Some(p) => format!("the {} spec", p.name),
        None => "the standard ports".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_documented() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for r in RULES {
            assert!(codes.insert(r.code), "duplicate code {}", r.code);
            assert!(names.insert(r.name), "duplicate name {}", r.name);
            assert!(r.code.starts_with("GL") && r.code.len() == 5, "{}", r.code);
            assert!(
                r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{} is not kebab-case",
                r.name
            );
            assert!(
                r.docs.contains("## Example"),
                "{} docs lack an example",
                r.code
            );
            assert!(r.docs.contains("## Fix"), "{} docs lack a fix", r.code);
            assert!(
                !r.summary.ends_with('.'),
                "{} summary ends with a period",
                r.code
            );
        }
    }

    #[test]
    fn lookup_by_code_or_name() {
        assert_eq!(
            lookup("gl201").map(|r| r.name),
            Some("port-protocol-mismatch")
        );
        assert_eq!(
            lookup("port-protocol-mismatch").map(|r| r.code),
            Some("GL201")
        );
        assert!(lookup("nope").is_none());
    }
}
