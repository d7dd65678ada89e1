//! Rule selection and severities: which findings a run reports, and how loud.
//!
//! Applied once, by the engine, to every finding after the corpus pass and the
//! inline suppressions. A selector is a rule code (`GL201`), a code prefix
//! (`GL2`, `GL`, or `ALL`) or a rule name (`port-protocol-mismatch`). As in
//! ruff, the most specific selector wins (a name or full code beats a prefix,
//! a longer prefix a shorter one); at equal specificity `ignore` wins over
//! `select`. Per-path overrides are consulted after the top-level settings, in
//! order; an override that has a selector matching a rule decides for it.

use std::path::Path;

use crate::config::Config;
use crate::diagnostic::{Finding, Severity};
use crate::rules::RuleInfo;

/// Specificity of a rule name or full code: beats every prefix.
const EXACT: usize = usize::MAX;

/// One parsed selector.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Selector {
    /// A code or code prefix, uppercase (`GL`, `GL2`, `GL201`).
    Code(String),
    /// A kebab-case rule name.
    Name(String),
}

impl Selector {
    fn parse(text: &str) -> Selector {
        let t = text.trim();
        if t.eq_ignore_ascii_case("all") {
            // The empty prefix: every rule, built-in or declarative (`DOC001`).
            Selector::Code(String::new())
        } else if looks_like_code(t) {
            Selector::Code(t.to_ascii_uppercase())
        } else {
            Selector::Name(t.to_string())
        }
    }

    /// How specifically this selector matches the rule, if it does.
    fn specificity(&self, code: &str, name: &str) -> Option<usize> {
        match self {
            Selector::Code(p) if !p.is_empty() && name.eq_ignore_ascii_case(p) => Some(EXACT),
            Selector::Code(p) if p.len() == code.len() => {
                code.eq_ignore_ascii_case(p).then_some(EXACT)
            }
            Selector::Code(p) => {
                let starts = code.len() > p.len() && code[..p.len()].eq_ignore_ascii_case(p);
                starts.then_some(p.len())
            }
            Selector::Name(n) => (n == name).then_some(EXACT),
        }
    }
}

/// `GL`, `GL2`, `GL201`, or a declarative rule's own code or prefix such as
/// `DOC001`, `DOC0`, `DOC`: letters, then digits (letters alone in capitals,
/// since rule names are lowercase).
fn looks_like_code(t: &str) -> bool {
    let letters = t.bytes().take_while(u8::is_ascii_alphabetic).count();
    let digits = &t[letters..];
    letters > 0
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (!digits.is_empty()
            || t.eq_ignore_ascii_case("gl")
            || t.bytes().all(|b| b.is_ascii_uppercase()))
}

/// Checks that `selector` names at least one rule of `catalog`; the error says why not.
pub fn check_selector(selector: &str, catalog: &[RuleInfo]) -> Result<(), String> {
    let s = Selector::parse(selector);
    if matches!(&s, Selector::Code(p) if p.starts_with("GL") && p.len() > 5) {
        return Err(format!(
            "`{selector}` is not a rule code (codes look like `GL201`)"
        ));
    }
    if catalog
        .iter()
        .any(|r| s.specificity(&r.code, &r.name).is_some())
    {
        return Ok(());
    }
    Err(match s {
        Selector::Code(_) => format!("`{selector}` matches no rule; `guidelint rules` lists them"),
        Selector::Name(_) => format!("no rule is named `{selector}`; `guidelint rules` lists them"),
    })
}

/// Selection and severities of one level (the top level or one override).
#[derive(Debug, Clone, Default)]
struct Layer {
    select: Vec<Selector>,
    ignore: Vec<Selector>,
    severity: Vec<(Selector, Severity)>,
}

impl Layer {
    fn new<'a>(
        select: &[String],
        ignore: &[String],
        severity: impl Iterator<Item = (&'a String, &'a Severity)>,
    ) -> Layer {
        Layer {
            select: select.iter().map(|s| Selector::parse(s)).collect(),
            ignore: ignore.iter().map(|s| Selector::parse(s)).collect(),
            severity: severity.map(|(s, v)| (Selector::parse(s), *v)).collect(),
        }
    }

    fn best(selectors: &[Selector], code: &str, name: &str) -> Option<usize> {
        selectors
            .iter()
            .filter_map(|s| s.specificity(code, name))
            .max()
    }

    /// `Some(enabled)` when this layer has a selector matching the rule.
    fn enabled(&self, code: &str, name: &str) -> Option<bool> {
        let select = Self::best(&self.select, code, name);
        let ignore = Self::best(&self.ignore, code, name);
        match (select, ignore) {
            (None, None) => None,
            (Some(_), None) => Some(true),
            (None, Some(_)) => Some(false),
            (Some(s), Some(i)) => Some(s > i),
        }
    }

    /// The severity of the most specific matching `severity` entry.
    fn severity(&self, code: &str, name: &str) -> Option<Severity> {
        self.severity
            .iter()
            .filter_map(|(s, v)| s.specificity(code, name).map(|k| (k, *v)))
            .max_by_key(|(k, _)| *k)
            .map(|(_, v)| v)
    }
}

/// The compiled selection of a configuration.
#[derive(Debug, Clone)]
pub struct Selection {
    base: Layer,
    overrides: Vec<(Vec<glob::Pattern>, Layer)>,
    /// The folder override globs are relative to.
    root: Option<std::path::PathBuf>,
}

impl Selection {
    /// Compiles the selection of `config` (invalid globs, already reported by
    /// [`Config::validate`], match nothing).
    pub fn new(config: &Config) -> Selection {
        let mut base = Layer::new(&config.select, &config.ignore, config.severity.iter());
        if base.select.is_empty() {
            base.select.push(Selector::Code(String::new()));
        }
        let overrides = config
            .overrides
            .iter()
            .map(|o| {
                let globs = o
                    .paths
                    .iter()
                    .filter_map(|p| glob::Pattern::new(p).ok())
                    .collect();
                (globs, Layer::new(&o.select, &o.ignore, o.severity.iter()))
            })
            .collect();
        Selection {
            base,
            overrides,
            root: config.root(),
        }
    }

    /// The layers that apply to the guide at `path` (top level first).
    fn layers(&self, path: &Path) -> Vec<&Layer> {
        let mut layers = vec![&self.base];
        if self.overrides.is_empty() {
            return layers;
        }
        let rel = crate::config::relative_to(self.root.as_deref(), path);
        for (globs, layer) in &self.overrides {
            if globs.iter().any(|g| crate::config::glob_matches(g, &rel)) {
                layers.push(layer);
            }
        }
        layers
    }

    /// Drops the findings of rules not selected for their guide and sets the
    /// configured severities. `path_of` gives a finding's file path.
    pub fn apply<'p>(
        &self,
        findings: &mut Vec<Finding>,
        path_of: impl Fn(usize) -> Option<&'p Path>,
    ) {
        let mut cache: Vec<(usize, Vec<&Layer>)> = Vec::new();
        findings.retain_mut(|f| {
            let layers = match cache.iter().position(|(file, _)| *file == f.file) {
                Some(i) => &cache[i].1,
                None => {
                    let layers = path_of(f.file)
                        .map(|p| self.layers(p))
                        .unwrap_or_else(|| vec![&self.base]);
                    cache.push((f.file, layers));
                    &cache[cache.len() - 1].1
                }
            };
            let enabled = layers
                .iter()
                .rev()
                .find_map(|l| l.enabled(&f.code, &f.name))
                .unwrap_or(false);
            if let Some(severity) = layers
                .iter()
                .rev()
                .find_map(|l| l.severity(&f.code, &f.name))
            {
                f.severity = severity;
            }
            enabled
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Override;

    fn finding(code: &'static str) -> Finding {
        Finding::new(code, 0, 0..1, "m")
    }

    fn run(config: &Config, codes: &[&'static str], path: &str) -> Vec<(String, Severity)> {
        let mut f: Vec<Finding> = codes.iter().map(|c| finding(c)).collect();
        let p = Path::new(path).to_path_buf();
        Selection::new(config).apply(&mut f, |_| Some(p.as_path()));
        f.into_iter()
            .map(|f| (f.code.to_string(), f.severity))
            .collect()
    }

    #[test]
    fn declarative_codes_are_selected_by_default_and_by_code() {
        let mut doc = finding("GL201");
        doc.code = "DOC001".into();
        doc.name = "click-here".into();
        let p = Path::new("a.md");
        let mut f = vec![doc.clone()];
        Selection::new(&Config::default()).apply(&mut f, |_| Some(p));
        assert_eq!(f.len(), 1);
        for ignore in ["DOC001", "DOC", "doc0", "click-here", "all"] {
            let config = Config {
                ignore: vec![ignore.into()],
                ..Config::default()
            };
            let mut f = vec![doc.clone()];
            Selection::new(&config).apply(&mut f, |_| Some(p));
            assert!(f.is_empty(), "{ignore}");
        }
        let mut catalog = crate::rules::builtin_catalog();
        catalog.push(RuleInfo {
            code: "DOC001".into(),
            name: "click-here".into(),
            severity: Severity::Warning,
            summary: "s".into(),
            docs: "d".into(),
        });
        assert!(check_selector("DOC001", &catalog).is_ok());
        assert!(check_selector("DOC002", &catalog).is_err());
    }

    #[test]
    fn everything_is_selected_by_default() {
        let out = run(&Config::default(), &["GL201", "GL205"], "a.md");
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn prefixes_codes_and_names() {
        let config = Config {
            select: vec!["GL2".into()],
            ignore: vec!["contradictory-ports".into()],
            ..Config::default()
        };
        let out = run(&config, &["GL001", "GL201", "GL205"], "a.md");
        assert_eq!(out, [("GL201".to_string(), Severity::Error)]);
    }

    #[test]
    fn the_most_specific_selector_wins() {
        let config = Config {
            select: vec!["GL201".into()],
            ignore: vec!["GL2".into()],
            ..Config::default()
        };
        let out = run(&config, &["GL201", "GL202"], "a.md");
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].0, "GL201");
    }

    #[test]
    fn severities_and_overrides() {
        let mut config = Config::default();
        config.severity.insert("GL201".into(), Severity::Warning);
        let mut sev = std::collections::BTreeMap::new();
        sev.insert("port-protocol-mismatch".into(), Severity::Info);
        config.overrides.push(Override {
            paths: vec!["legacy/**".into()],
            ignore: vec!["GL205".into()],
            severity: sev,
            ..Override::default()
        });
        let out = run(&config, &["GL201", "GL205"], "a.md");
        assert_eq!(
            out,
            [
                ("GL201".into(), Severity::Warning),
                ("GL205".into(), Severity::Warning)
            ]
        );
        let out = run(&config, &["GL201", "GL205"], "legacy/x/a.md");
        assert_eq!(out, [("GL201".into(), Severity::Info)]);
    }

    #[test]
    fn selectors_are_checked_against_the_catalog() {
        let catalog = crate::rules::builtin_catalog();
        assert!(check_selector("GL2", &catalog).is_ok());
        assert!(check_selector("all", &catalog).is_ok());
        assert!(check_selector("port-protocol-mismatch", &catalog).is_ok());
        assert!(check_selector("GL4", &catalog).is_err());
        assert!(check_selector("GL2011", &catalog).is_err());
        assert!(check_selector("port-mismatch", &catalog).is_err());
    }
}
