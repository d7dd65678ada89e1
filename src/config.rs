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
use crate::rules::RuleInfo;
use crate::select;

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
    /// The summary cache's folder, relative to the configuration file
    /// (default: `.guidelint_cache` next to it).
    pub cache_dir: Option<String>,
    /// Where the file was loaded from (not a key of the file).
    #[serde(skip)]
    pub origin: Option<PathBuf>,
    /// The file's text, for errors found after parsing (not a key of the file).
    #[serde(skip)]
    pub source: Option<String>,
}

impl Config {
    /// Parses configuration text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Config, DataError> {
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        let mut config: Config = data::from_yaml(file, text)?;
        config.origin = Some(PathBuf::from(file));
        config.source = Some(text.to_string());
        config.check_values()?;
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

    /// Finds the configuration file for a run started in `start`: the first of
    /// [`CONFIG_NAMES`] in `start` or one of its ancestors.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        start.ancestors().find_map(|dir| {
            CONFIG_NAMES
                .iter()
                .map(|name| dir.join(name))
                .find(|p| p.is_file())
        })
    }

    /// The folder the configuration's globs are relative to: the configuration
    /// file's folder, or the current directory without a file.
    pub fn root(&self) -> Option<PathBuf> {
        let dir = match self.origin.as_ref().and_then(|o| o.parent()) {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => std::env::current_dir().ok()?,
        };
        Some(std::fs::canonicalize(&dir).unwrap_or(dir))
    }

    /// An error about `needle` in the configuration file, pointing at it.
    fn error_at(&self, needle: &str, message: String) -> DataError {
        let file = self
            .origin
            .as_ref()
            .map(|o| o.to_string_lossy().into_owned())
            .unwrap_or_else(|| "configuration".into());
        let text = self.source.as_deref().unwrap_or("");
        DataError::new(
            &file,
            text,
            Some(locate(text, needle).unwrap_or(0)),
            message,
        )
    }

    /// Checks what serde cannot: glob syntax, non-empty `paths`, spec files that exist.
    fn check_values(&self) -> Result<(), DataError> {
        let globs = self
            .include
            .iter()
            .chain(&self.exclude)
            .chain(self.overrides.iter().flat_map(|o| &o.paths));
        for g in globs {
            if let Err(e) = glob::Pattern::new(g) {
                return Err(
                    self.error_at(g, format!("`{g}` is not a valid glob pattern: {}", e.msg))
                );
            }
        }
        if let Some(o) = self.overrides.iter().find(|o| o.paths.is_empty()) {
            let needle = o
                .select
                .first()
                .or(o.ignore.first())
                .map(String::as_str)
                .unwrap_or("overrides");
            return Err(self.error_at(
                needle,
                "an override needs at least one glob in `paths`".into(),
            ));
        }
        Ok(())
    }

    /// The spec files named by `spec`, resolved; a missing one is an error pointing at it.
    pub fn spec_paths(&self) -> Result<Vec<PathBuf>, DataError> {
        self.spec
            .to_vec()
            .iter()
            .map(|spec| {
                let path = self.resolve(spec);
                if path.is_file() {
                    Ok(path)
                } else {
                    Err(self.error_at(
                        spec,
                        format!("the spec file `{}` does not exist", path.display()),
                    ))
                }
            })
            .collect()
    }

    /// Checks every rule selector (`select`, `ignore`, `severity` keys, and
    /// those of the overrides) against the rules of the run.
    pub fn validate(&self, catalog: &[RuleInfo]) -> Result<(), DataError> {
        let selectors = self
            .select
            .iter()
            .chain(&self.ignore)
            .chain(self.severity.keys())
            .chain(
                self.overrides
                    .iter()
                    .flat_map(|o| o.select.iter().chain(&o.ignore).chain(o.severity.keys())),
            );
        for s in selectors {
            select::check_selector(s, catalog).map_err(|m| self.error_at(s, m))?;
        }
        Ok(())
    }

    /// True when the guide at `path` passes `include` and `exclude`.
    pub fn includes(&self, root: Option<&Path>, path: &Path) -> bool {
        if self.include.is_empty() && self.exclude.is_empty() {
            return true;
        }
        let rel = relative_to(root, path);
        let any = |globs: &[String]| {
            globs
                .iter()
                .filter_map(|g| {
                    glob::Pattern::new(g.trim_start_matches("./").trim_end_matches('/')).ok()
                })
                .any(|p| glob_matches(&p, &rel))
        };
        (self.include.is_empty() || any(&self.include)) && !any(&self.exclude)
    }

    /// A path named in the configuration, resolved against the configuration file's folder.
    pub fn resolve(&self, relative: &str) -> PathBuf {
        match self.origin.as_ref().and_then(|o| o.parent()) {
            Some(dir) if Path::new(relative).is_relative() => dir.join(relative),
            _ => PathBuf::from(relative),
        }
    }
}

/// `path` relative to `root` with `/` separators, or as given (without `./`)
/// when it lies elsewhere.
pub fn relative_to(root: Option<&Path>, path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let absolute = std::fs::canonicalize(&absolute).unwrap_or(absolute);
    let rel = root
        .and_then(|r| absolute.strip_prefix(r).ok())
        .unwrap_or(path);
    let s: Vec<String> = rel
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    s.join("/")
}

/// Matches a relative path gitignore-style: a pattern without `/` matches any
/// file or folder name in the path; a pattern with `/` matches the path or
/// one of its leading folders (`drafts/**`, `pages/old`).
pub fn glob_matches(pattern: &glob::Pattern, rel: &str) -> bool {
    let options = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: false,
    };
    let parts: Vec<&str> = rel.split('/').collect();
    if !pattern.as_str().contains('/') {
        return parts.iter().any(|p| pattern.matches_with(p, options));
    }
    (1..=parts.len()).any(|n| pattern.matches_with(&parts[..n].join("/"), options))
}

/// The offset of `needle` in `text` as a whole token (not inside a longer word).
fn locate(text: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    text.match_indices(needle).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + needle.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
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
    fn globs_and_overrides_are_checked() {
        let err = Config::parse("c.yaml", "exclude: ['[oops']\n").unwrap_err();
        assert_eq!(err.offset, Some(11));
        assert!(Config::parse("c.yaml", "overrides:\n  - select: [GL2]\n").is_err());
        let c = Config::parse("c.yaml", "spec: /no/such/spec.yaml\n").unwrap();
        assert_eq!(c.spec_paths().unwrap_err().offset, Some(6));
    }

    #[test]
    fn unknown_rules_point_at_the_selector() {
        let text = "select: [GL2]\nignore: [GL201, nonsense-rule]\n";
        let c = Config::parse("c.yaml", text).unwrap();
        let err = c.validate(&crate::rules::builtin_catalog()).unwrap_err();
        assert_eq!(err.offset, text.find("nonsense-rule"));
        assert!(err.message.contains("nonsense-rule"), "{}", err.message);
    }

    #[test]
    fn globs_match_like_gitignore() {
        let p = |s: &str| glob::Pattern::new(s).unwrap();
        assert!(glob_matches(&p("drafts"), "pages/drafts/a.md"));
        assert!(glob_matches(&p("*.txt"), "pages/x/a.txt"));
        assert!(!glob_matches(&p("*.txt"), "pages/x/a.md"));
        assert!(glob_matches(&p("pages/old"), "pages/old/a.md"));
        assert!(glob_matches(
            &p("pages/**/guide.fr-fr.md"),
            "pages/a/b/guide.fr-fr.md"
        ));
        assert!(!glob_matches(&p("pages/*.md"), "pages/a/b.md"));
    }

    #[test]
    fn discovery_walks_up() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        assert_eq!(Config::discover(&dir.path().join("a/b")), None);
        std::fs::write(dir.path().join("a/.guidelint.yml"), "").unwrap();
        assert_eq!(
            Config::discover(&dir.path().join("a/b")),
            Some(dir.path().join("a/.guidelint.yml"))
        );
    }

    #[test]
    fn bad_values_are_errors() {
        assert!(Config::parse("c.yaml", "corpus:\n  slug_scope: planet\n").is_err());
        assert!(Config::parse("c.yaml", "severity: {GL201: fatal}\n").is_err());
    }
}
