//! The rule-file format: what a YAML file of declarative rules holds, as serde reads it.
//!
//! A file is a pack: optional defaults (`languages`, `kinds`), named word lists
//! (`lists`) that patterns splice in with `{{name}}`, and the `rules`.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostic::Severity;

/// One rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// The pack's name, shown in the rules' documentation (default: the file name).
    #[serde(default)]
    pub pack: Option<String>,
    /// What the pack is for.
    #[serde(default)]
    pub description: Option<String>,
    /// Default languages of the pack's rules (empty: every language).
    #[serde(default)]
    pub languages: Vec<String>,
    /// Default kinds of guides the pack's rules apply to (empty: every kind).
    #[serde(default)]
    pub kinds: Vec<KindName>,
    /// Named lists of literal words, spliced into patterns as `{{name}}`.
    #[serde(default)]
    pub lists: BTreeMap<String, Vec<String>>,
    /// The rules.
    pub rules: Vec<RuleDef>,
}

/// The four kinds of declarative rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// Every match is a finding.
    Existence,
    /// Each wrong form is a finding naming the right form, with a fix.
    Substitution,
    /// More than `max` or fewer than `min` matches in a guide is a finding.
    Occurrence,
    /// Two spellings of one thing in the same guide (or corpus) is a finding.
    Consistency,
}

impl RuleKind {
    /// The lowercase name used in rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Existence => "existence",
            RuleKind::Substitution => "substitution",
            RuleKind::Occurrence => "occurrence",
            RuleKind::Consistency => "consistency",
        }
    }
}

/// Which text of a guide a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Paragraphs and list items (inline code excluded).
    Prose,
    /// Headings (inline code excluded).
    Headings,
    /// Link and image destinations.
    LinkUrls,
    /// Table header and body cells (inline code excluded).
    TableCells,
    /// Code blocks and inline code.
    Code,
}

impl Scope {
    /// The name used in rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Prose => "prose",
            Scope::Headings => "headings",
            Scope::LinkUrls => "link-urls",
            Scope::TableCells => "table-cells",
            Scope::Code => "code",
        }
    }
}

/// The scopes a rule reads when its file does not say.
pub const DEFAULT_SCOPE: &[Scope] = &[Scope::Prose, Scope::Headings, Scope::TableCells];

/// Guide kinds, as rule files name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KindName {
    /// `*.md` guides.
    Markdown,
    /// `*.txt` plain-text exports.
    Plaintext,
}

/// Where a consistency rule looks for the other spelling.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Within {
    /// Each guide on its own.
    #[default]
    Guide,
    /// All the guides of the run together.
    Corpus,
}

/// One spelling of a consistency rule: a literal word, or a label and a pattern.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum SpellingDef {
    /// A literal word or phrase, matched as a whole word.
    Word(String),
    /// A label for messages and the pattern that finds it.
    Pattern {
        /// How messages name this spelling.
        label: String,
        /// The regular expression.
        pattern: String,
    },
}

impl SpellingDef {
    /// How messages name this spelling.
    pub fn label(&self) -> &str {
        match self {
            SpellingDef::Word(w) => w,
            SpellingDef::Pattern { label, .. } => label,
        }
    }
}

/// A wrong and a right example, for the rule's documentation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// Text the rule reports.
    pub bad: String,
    /// The same text written right.
    #[serde(default)]
    pub good: Option<String>,
}

/// One rule as written in a rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// Stable code, e.g. `GL501` or `DOC001`.
    pub code: String,
    /// Kebab-case name.
    pub name: String,
    /// The kind of check.
    pub kind: RuleKind,
    /// Severity (default: warning).
    #[serde(default = "default_severity")]
    pub severity: Severity,
    /// One line for listings, without a final period.
    pub summary: String,
    /// The finding's message; `{match}`, `{right}`, `{count}`, `{limit}`, `{other}` are replaced.
    pub message: String,
    /// The `help:` line; same placeholders as the message.
    #[serde(default)]
    pub help: Option<String>,
    /// Why the rule matters (its documentation).
    #[serde(default)]
    pub why: Option<String>,
    /// Languages of the guides it applies to (default: the file's `languages`).
    #[serde(default)]
    pub languages: Option<Vec<String>>,
    /// Kinds of guides it applies to (default: the file's `kinds`).
    #[serde(default)]
    pub kinds: Option<Vec<KindName>>,
    /// What text it reads (default: prose, headings and table cells).
    #[serde(default)]
    pub scope: Option<Vec<Scope>>,
    /// Match without regard to case.
    #[serde(default)]
    pub ignore_case: bool,
    /// A regular expression (existence, occurrence).
    #[serde(default)]
    pub pattern: Option<String>,
    /// Literal words or phrases (existence, occurrence).
    #[serde(default)]
    pub words: Vec<String>,
    /// Matches that also match one of these regular expressions are not reported.
    #[serde(default)]
    pub exceptions: Vec<String>,
    /// Leave out the words a guide quotes rather than writes: bold text
    /// (control-panel sections and buttons, `**Emails MXplan**`), text between
    /// quotation marks, and the labels of a form (`Adresse Email :`, a short
    /// first cell of a table row).
    #[serde(default)]
    pub skip_quoted: bool,
    /// Existence: the fix, a replacement template for the match (`$1`, `${name}`).
    #[serde(default)]
    pub replace: Option<String>,
    /// Substitution: wrong form → right form.
    #[serde(default)]
    pub swap: BTreeMap<String, String>,
    /// Occurrence: at most this many matches per guide.
    #[serde(default)]
    pub max: Option<usize>,
    /// Occurrence: at least this many matches per guide.
    #[serde(default)]
    pub min: Option<usize>,
    /// Consistency: the spellings that must not be mixed.
    #[serde(default)]
    pub spellings: Vec<SpellingDef>,
    /// Consistency: in each guide (default) or across the corpus.
    #[serde(default)]
    pub within: Within,
    /// An example for the documentation.
    #[serde(default)]
    pub example: Option<Example>,
}

fn default_severity() -> Severity {
    Severity::Warning
}
