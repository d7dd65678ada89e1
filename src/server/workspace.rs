//! The project the server works in: its root, and what `guidelint check`
//! would load there (configuration, spec, declarative rules), built into one
//! [`Setup`] that is replaced whole when one of its files changes.

use std::path::{Path, PathBuf};

use std::collections::HashMap;

use lsp_types::Uri;

use crate::config::{CONFIG_NAMES, Config};
use crate::corpus::links::UrlPattern;
use crate::data::DataError;
use crate::engine::Engine;

/// The project root for a workspace folder `workspace` (if the editor gave
/// one) and a server started in `cwd`: the folder of the nearest
/// `.guidelint.yaml` (from the workspace folder, else `cwd`, upwards), else
/// the workspace folder, else the git root of `cwd`, else `cwd`.
pub fn find_root(workspace: Option<&Path>, cwd: &Path) -> PathBuf {
    let start = workspace.unwrap_or(cwd);
    if let Some(config) = Config::discover(start)
        && let Some(dir) = config.parent()
    {
        return dir.to_path_buf();
    }
    if let Some(w) = workspace {
        return w.to_path_buf();
    }
    cwd.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(cwd)
        .to_path_buf()
}

/// Everything loaded from the project's files: what a check needs besides the guides.
#[derive(Debug)]
pub struct Setup {
    /// The project root (canonical): the server's current folder.
    pub root: PathBuf,
    /// The engine, as `guidelint check` builds it in the root.
    pub engine: Engine,
    /// The configuration file, if there is one.
    pub config_file: Option<PathBuf>,
    /// The files whose change means loading again: the configuration, the
    /// spec files, the rule files and vocabularies it names (absolute).
    pub inputs: Vec<PathBuf>,
    /// The folders whose YAML files are declarative rules (absolute).
    pub rule_dirs: Vec<PathBuf>,
    /// The summary cache's folder, unless the cache is off.
    pub cache_dir: Option<PathBuf>,
    /// The cache fingerprint of this setup.
    pub fingerprint: u64,
    /// The configuration's published-URL pattern, compiled.
    pub url_pattern: Option<UrlPattern>,
    /// Where each rule's documentation is, by code ([`Setup::write_docs`]).
    pub docs: HashMap<String, Uri>,
}

/// Why a setup could not be loaded: the file and where, for a diagnostic on it.
#[derive(Debug)]
pub struct SetupError {
    /// The file at fault (absolute), when known.
    pub file: Option<PathBuf>,
    /// The byte offset in it, when known.
    pub offset: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl SetupError {
    fn from_data(root: &Path, e: &DataError) -> SetupError {
        let file = (!e.file.is_empty()).then(|| root.join(&e.file));
        SetupError {
            file,
            offset: e.offset,
            message: e.message.clone(),
        }
    }
}

impl Setup {
    /// Loads the setup of the project at `root` (the current folder):
    /// `use_cache` false turns the summary cache off.
    pub fn load(root: &Path, use_cache: bool) -> Result<Setup, SetupError> {
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let fail = |e: &DataError| SetupError::from_data(&root, e);
        let config_file = CONFIG_NAMES
            .iter()
            .map(|n| root.join(n))
            .find(|p| p.is_file());
        let config = match &config_file {
            Some(path) => Config::load(path).map_err(|e| fail(&e))?,
            None => Config::default(),
        };
        let spec_paths = config.spec_paths().map_err(|e| fail(&e))?;
        let spec = crate::engine::read_spec(&spec_paths).map_err(|e| fail(&e))?;
        let sources = crate::declarative::RuleSet::sources(&config).map_err(|e| fail(&e))?;
        let engine = Engine::with_rule_sources(spec, config, sources).map_err(|e| fail(&e))?;
        engine
            .config
            .validate(&engine.catalog())
            .map_err(|e| fail(&e))?;
        let absolute = |p: PathBuf| {
            let p = if p.is_relative() { root.join(p) } else { p };
            crate::corpus::paths::normalize(&p)
        };
        let rule_dirs: Vec<PathBuf> = engine
            .config
            .rule_dirs
            .to_vec()
            .iter()
            .map(|d| absolute(engine.config.resolve(d)))
            .collect();
        let mut inputs: Vec<PathBuf> = CONFIG_NAMES.iter().map(|n| root.join(n)).collect();
        inputs.extend(spec_paths.into_iter().map(absolute));
        inputs.extend(
            engine
                .config
                .vocabularies
                .to_vec()
                .iter()
                .map(|v| absolute(engine.config.resolve(v))),
        );
        inputs.extend(rule_dirs.iter().cloned());
        let off = std::env::var_os("GUIDELINT_NO_CACHE").is_some_and(|v| !v.is_empty() && v != "0");
        let cache_dir = (use_cache && !off)
            .then(|| absolute(crate::cache::configured_dir(&engine.config, &root)));
        let fingerprint = crate::cache::fingerprint(&engine);
        let url_pattern = engine
            .config
            .corpus
            .url_pattern
            .as_deref()
            .and_then(UrlPattern::new);
        Ok(Setup {
            url_pattern,
            docs: HashMap::new(),
            root,
            engine,
            config_file,
            inputs,
            rule_dirs,
            cache_dir,
            fingerprint,
        })
    }

    /// Gives every rule a documentation link: `template` with `{code}` and
    /// `{name}` replaced (the client's `ruleDocsUrl`), else a Markdown file
    /// of the rule's documentation written to the cache folder's `rules/`
    /// (or the system's temporary folder), as `guidelint rule CODE` prints it.
    pub fn write_docs(&mut self, template: Option<&str>) {
        let catalog = self.engine.catalog();
        let dir = self
            .cache_dir
            .clone()
            .unwrap_or_else(|| {
                std::env::temp_dir().join(format!("guidelint-{:016x}", self.fingerprint))
            })
            .join("rules");
        let wrote = template.is_some()
            || (std::fs::create_dir_all(&dir).is_ok()
                && self.cache_dir.as_ref().is_none_or(|cache| {
                    // The cache folder keeps git away.
                    let ignore = cache.join(".gitignore");
                    ignore.exists() || std::fs::write(ignore, "*\n").is_ok()
                }));
        for rule in catalog {
            let href = match template {
                Some(t) => {
                    let url = t
                        .replace("{code}", &rule.code)
                        .replace("{name}", &rule.name);
                    url.parse::<Uri>().ok()
                }
                None if wrote => {
                    let path = dir.join(format!("{}.md", rule.code));
                    let text = format!(
                        "{}\n\nCode: {}  Name: {}  Default severity: {}\n",
                        rule.docs.trim_end(),
                        rule.code,
                        rule.name,
                        rule.severity.as_str()
                    );
                    let same = std::fs::read_to_string(&path).is_ok_and(|t| t == text);
                    (same || crate::atomic::write(&path, text.as_bytes()).is_ok())
                        .then(|| super::uri::from_path(&path))
                        .flatten()
                }
                None => None,
            };
            if let Some(href) = href {
                self.docs.insert(rule.code.to_string(), href);
            }
        }
    }

    /// True when a change of the file at `path` (absolute) means loading
    /// the setup again: a configuration file of the root, a spec, vocabulary
    /// or rule file in use, a YAML file in a rule folder.
    pub fn is_input(&self, path: &Path) -> bool {
        let yaml = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
        self.inputs.iter().any(|i| i == path)
            || (yaml && self.rule_dirs.iter().any(|d| path.starts_with(d)))
    }

    /// The path of `path` relative to the root with `/` separators, as
    /// `guidelint check .` run in the root shows it; the absolute path for a
    /// file elsewhere.
    pub fn display(&self, path: &Path) -> String {
        let join = |rel: &Path| {
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        };
        if let Ok(rel) = path.strip_prefix(&self.root) {
            return join(rel);
        }
        // A path through a link to the root.
        if let Ok(canonical) = std::fs::canonicalize(path)
            && let Ok(rel) = canonical.strip_prefix(&self.root)
        {
            return join(rel);
        }
        path.to_string_lossy().into_owned()
    }
}
