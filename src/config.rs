//! Configuration: `.guidelint.yaml` (or `--config FILE`).
//!
//! Every key is optional; an empty configuration means the embedded defaults.
//! Unknown keys and bad values are errors pointing into the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::anchors::IdAlgorithm;
use crate::data::{self, DataError};
use crate::diagnostic::Severity;

/// File names looked for, in order, from the current directory upwards.
pub const CONFIG_NAMES: &[&str] = &[".guidelint.yaml", ".guidelint.yml", "guidelint.yaml"];

/// One string or a list of strings.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum OneOrMany {
    /// Nothing.
    #[default]
    None,
    /// One value.
    One(String),
    /// Several values.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The values as a slice-like vector.
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// How far a slug must be unique.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum SlugScope {
    /// Unique per locale and universe (`pages/web/emails/…` vs `pages/web/emails-pro/…`).
    #[default]
    LocaleUniverse,
    /// Unique per locale across the whole run.
    Locale,
    /// Unique across the whole run.
    Global,
}

/// Settings of the corpus-wide checks.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct CorpusConfig {
    /// Scope of slug uniqueness.
    pub slug_scope: SlugScope,
    /// Published URL of a guide, e.g. `https://docs.ovh.com/{lang}/{universe}/{slug}/`.
    pub url_pattern: Option<String>,
    /// Whether the run holds the whole repository (missing link targets are then warnings, not infos).
    pub complete: bool,
    /// Heading-id algorithm: `python-markdown` (default) or `github`.
    pub heading_ids: IdAlgorithm,
}

impl Default for CorpusConfig {
    fn default() -> Self {
        CorpusConfig {
            slug_scope: SlugScope::default(),
            url_pattern: Some("https://docs.ovh.com/{lang}/{universe}/{slug}/".to_string()),
            complete: false,
            heading_ids: IdAlgorithm::default(),
        }
    }
}

/// Rule selection and severities for the paths matching `paths`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// Glob patterns of the paths this override applies to.
    pub paths: Vec<String>,
    /// Rules to turn on (codes, code prefixes such as `GL2`, or names).
    #[serde(default)]
    pub select: Vec<String>,
    /// Rules to turn off.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Severity per rule.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
}

/// The whole configuration file.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Spec file(s), relative to the configuration file.
    pub spec: OneOrMany,
    /// Extra vocabulary files or folders.
    pub vocabularies: OneOrMany,
    /// Folders of declarative rule files (YAML).
    pub rule_dirs: OneOrMany,
    /// Rules to run (default: all).
    pub select: Vec<String>,
    /// Rules not to run.
    pub ignore: Vec<String>,
    /// Severity per rule (code or name).
    pub severity: BTreeMap<String, Severity>,
    /// Per-path rule selection.
    pub overrides: Vec<Override>,
    /// Only paths matching these globs are checked (default: all).
    pub include: Vec<String>,
    /// Paths matching these globs are not checked.
    pub exclude: Vec<String>,
    /// Corpus-wide checks.
    pub corpus: CorpusConfig,
    /// Where the file was loaded from (not a key of the file).
    #[serde(skip)]
    pub origin: Option<PathBuf>,
}

impl Config {
    /// Parses configuration text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Config, DataError> {
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        let mut config: Config = data::from_yaml(file, text)?;
        config.origin = Some(PathBuf::from(file));
        Ok(config)
    }

    /// Reads and parses the configuration file at `path`.
    pub fn load(path: &Path) -> Result<Config, DataError> {
        let name = path.to_string_lossy();
        let text = std::fs::read_to_string(path).map_err(|e| {
            DataError::new(
                &name,
                "",
                None,
                format!("cannot read the configuration: {e}"),
            )
        })?;
        Self::parse(&name, &text)
    }

    /// A path named in the configuration, resolved against the configuration file's folder.
    pub fn resolve(&self, relative: &str) -> PathBuf {
        match self.origin.as_ref().and_then(|o| o.parent()) {
            Some(dir) if Path::new(relative).is_relative() => dir.join(relative),
            _ => PathBuf::from(relative),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_configuration_is_the_default() {
        assert_eq!(Config::parse("c.yaml", "").unwrap(), Config::default());
    }

    #[test]
    fn full_configuration() {
        let text = "spec: [a.yaml, b.yaml]\nselect: [GL2]\nignore: [contradictory-ports]\nseverity: {GL203: warning}\ncorpus:\n  slug_scope: locale\n  complete: true\n  heading_ids: github\n";
        let c = Config::parse("c.yaml", text).unwrap();
        assert_eq!(c.spec.to_vec(), ["a.yaml", "b.yaml"]);
        assert_eq!(c.severity.get("GL203"), Some(&Severity::Warning));
        assert_eq!(c.corpus.slug_scope, SlugScope::Locale);
        assert_eq!(c.corpus.heading_ids, IdAlgorithm::Github);
        assert!(c.corpus.complete);
    }

    #[test]
    fn unknown_keys_point_into_the_file() {
        let err = Config::parse("c.yaml", "select: [GL2]\nbogus: 1\n").unwrap_err();
        assert!(err.message.contains("bogus"), "{}", err.message);
        assert!(err.offset.is_some());
    }

    #[test]
    fn bad_values_are_errors() {
        assert!(Config::parse("c.yaml", "corpus:\n  slug_scope: planet\n").is_err());
        assert!(Config::parse("c.yaml", "severity: {GL201: fatal}\n").is_err());
    }
}
