//! Compiling rule files: validation, then each rule's patterns built once per run.
//!
//! Every problem is a [`DataError`] pointing into the YAML: serde's location for
//! syntax and unknown fields, the [`Locator`] for what is checked afterwards
//! (a bad regex, a missing field, a duplicate code).

use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};

use super::locate::Locator;
use super::model::{
    DEFAULT_SCOPE, KindName, RuleDef, RuleFile, RuleKind, Scope, SpellingDef, Within,
};
use crate::data::{self, DataError};
use crate::diagnostic::Severity;

/// Largest compiled program one pattern may produce (the regex crate's limit).
pub(crate) const PATTERN_SIZE_LIMIT: usize = 4 << 20;

/// Placeholders messages and help lines may use.
const PLACEHOLDERS: &[&str] = &["match", "right", "count", "limit", "other"];

static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{([A-Za-z_]+)\}").expect("valid placeholder regex"));
static LIST_REF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{\s*([A-Za-z0-9_-]+)\s*\}\}").expect("valid list regex"));
static CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Z][A-Z0-9_-]{0,15}[0-9]$").expect("valid code regex"));
static NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z0-9]+(?:-[a-z0-9]+)*$").expect("valid name regex"));
static GROUP_REF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\$\{?([A-Za-z0-9_]+)\}?").expect("valid group reference regex"));
static LANGUAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z]{2,3}$").expect("valid language regex"));

/// What a compiled rule matches with.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// Existence and occurrence: one pattern.
    Pattern(Regex),
    /// Substitution: one pattern with a group per wrong form, and the right forms in group order.
    Swap {
        /// `(?:\b(wrong1)\b|\b(wrong2)\b|…)`.
        regex: Regex,
        /// The right form of group `i + 1`.
        rights: Vec<String>,
    },
    /// Consistency: one pattern per spelling, with its label.
    Spellings(Vec<(String, Regex)>),
}

/// A rule ready to run.
#[derive(Debug, Clone)]
pub struct CompiledRule {
    /// Stable code.
    pub code: String,
    /// Kebab-case name.
    pub name: String,
    /// Kind of check.
    pub kind: RuleKind,
    /// Default severity.
    pub severity: Severity,
    /// One line.
    pub summary: String,
    /// Message template.
    pub message: String,
    /// Help template.
    pub help: Option<String>,
    /// Languages it applies to (empty: all).
    pub languages: Vec<String>,
    /// Guide kinds it applies to (empty: all).
    pub kinds: Vec<KindName>,
    /// Text it reads.
    pub scope: Vec<Scope>,
    /// The patterns.
    pub matcher: Matcher,
    /// A looser pattern (the rule's without its word boundaries) that any
    /// text holding a match also matches: texts it rejects are skipped without
    /// running the exact pattern, whose Unicode `\b` is slow on accented text.
    pub prefilter: Option<Regex>,
    /// Matches also matching one of these are dropped.
    pub exceptions: Vec<Regex>,
    /// Existence: the fix template.
    pub replace: Option<String>,
    /// Substitution: match case-insensitively and keep the writer's capitalisation in the fix.
    pub ignore_case: bool,
    /// Occurrence limits.
    pub max: Option<usize>,
    /// Occurrence minimum.
    pub min: Option<usize>,
    /// Consistency: guide or corpus.
    pub within: Within,
    /// The definition as written (for documentation).
    pub def: RuleDef,
    /// The pack's name.
    pub pack: String,
    /// The file it was loaded from.
    pub file: String,
}

/// The rule's patterns without `\b`/`\B`, as one regex (see [`CompiledRule::prefilter`]).
/// Removing word-boundary assertions only widens what matches, so the prefilter
/// never rejects a text the exact pattern would match. `None` when it does not compile.
fn prefilter(matcher: &Matcher, ignore_case: bool) -> Option<Regex> {
    let patterns: Vec<&str> = match matcher {
        Matcher::Pattern(re) => vec![re.as_str()],
        Matcher::Swap { regex, .. } => vec![regex.as_str()],
        Matcher::Spellings(list) => list.iter().map(|(_, re)| re.as_str()).collect(),
    };
    let loose: Vec<String> = patterns
        .iter()
        .map(|p| format!("(?:{})", without_word_boundaries(p)))
        .collect();
    RegexBuilder::new(&loose.join("|"))
        .case_insensitive(ignore_case)
        .size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .ok()
}

/// `pattern` with its unescaped `\b` and `\B` assertions removed.
fn without_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b' | 'B') => {}
            Some(next) => {
                out.push(c);
                out.push(next);
            }
            None => out.push(c),
        }
    }
    out
}

/// Parses and compiles one rule file; `file` names it in errors.
pub fn compile_file(file: &str, text: &str) -> Result<Vec<CompiledRule>, DataError> {
    let parsed: RuleFile = data::from_yaml(file, text)?;
    let locator = Locator::new(text);
    let err = |offset: Option<usize>, message: String| DataError::new(file, text, offset, message);
    for (name, words) in &parsed.lists {
        if words.is_empty() {
            return Err(err(
                locator.top_level("lists"),
                format!("list `{name}` is empty"),
            ));
        }
    }
    for lang in &parsed.languages {
        if !LANGUAGE.is_match(lang) {
            return Err(err(
                locator.top_level("languages"),
                format!("`{lang}` is not a language code such as `fr` or `en`"),
            ));
        }
    }
    let pack = parsed.pack.clone().unwrap_or_else(|| {
        std::path::Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| file.to_string())
    });
    let mut out = Vec::with_capacity(parsed.rules.len());
    for (index, def) in parsed.rules.iter().enumerate() {
        let ctx = RuleCtx {
            index,
            locator: &locator,
            lists: &parsed.lists,
            file,
            text,
        };
        out.push(ctx.compile(def, &parsed, &pack)?);
    }
    Ok(out)
}

struct RuleCtx<'a> {
    index: usize,
    locator: &'a Locator<'a>,
    lists: &'a BTreeMap<String, Vec<String>>,
    file: &'a str,
    text: &'a str,
}

impl RuleCtx<'_> {
    fn at(&self, field: &str, message: impl Into<String>) -> DataError {
        let offset = self
            .locator
            .field(self.index, field)
            .or(self.locator.rule(self.index));
        DataError::new(self.file, self.text, offset, message)
    }

    fn at_needle(&self, field: &str, needle: &str, message: impl Into<String>) -> DataError {
        let offset = self
            .locator
            .needle(self.index, field, needle)
            .or(self.locator.rule(self.index));
        DataError::new(self.file, self.text, offset, message)
    }

    fn compile(
        &self,
        def: &RuleDef,
        file: &RuleFile,
        pack: &str,
    ) -> Result<CompiledRule, DataError> {
        if !CODE.is_match(&def.code) {
            return Err(self.at(
                "code",
                format!(
                    "`{}` is not a rule code: use capitals and digits, such as `GL501` or `DOC001`",
                    def.code
                ),
            ));
        }
        if !NAME.is_match(&def.name) {
            return Err(self.at(
                "name",
                format!(
                    "`{}` is not a kebab-case name such as `accept-all-certificates`",
                    def.name
                ),
            ));
        }
        if def.summary.trim().is_empty() || def.summary.contains('\n') {
            return Err(self.at("summary", "the summary must be one non-empty line"));
        }
        for (field, template) in [("message", Some(&def.message)), ("help", def.help.as_ref())] {
            let Some(template) = template else { continue };
            if template.trim().is_empty() {
                return Err(self.at(field, format!("the {field} is empty")));
            }
            if let Some(c) = PLACEHOLDER
                .captures_iter(template)
                .filter_map(|c| c.get(1))
                .find(|m| !PLACEHOLDERS.contains(&m.as_str()))
            {
                return Err(self.at_needle(
                    field,
                    c.as_str(),
                    format!(
                        "unknown placeholder `{{{}}}`; use {}",
                        c.as_str(),
                        PLACEHOLDERS
                            .iter()
                            .map(|p| format!("`{{{p}}}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        let languages = def.languages.clone().unwrap_or(file.languages.clone());
        if let Some(bad) = languages.iter().find(|l| !LANGUAGE.is_match(l)) {
            return Err(self.at(
                "languages",
                format!("`{bad}` is not a language code such as `fr` or `en`"),
            ));
        }
        let mut scope = def.scope.clone().unwrap_or(DEFAULT_SCOPE.to_vec());
        if scope.is_empty() {
            return Err(self.at("scope", "the scope is empty: the rule would read nothing"));
        }
        scope.sort();
        scope.dedup();
        self.check_fields(def)?;
        let matcher = self.matcher(def)?;
        let prefilter = prefilter(&matcher, def.ignore_case);
        let exceptions = def
            .exceptions
            .iter()
            .map(|e| self.regex("exceptions", e, def.ignore_case))
            .collect::<Result<Vec<_>, _>>()?;
        if let (Some(template), Matcher::Pattern(re)) = (&def.replace, &matcher) {
            let names: HashSet<&str> = re.capture_names().flatten().collect();
            for c in GROUP_REF.captures_iter(template) {
                let Some(g) = c.get(1) else { continue };
                let known = match g.as_str().parse::<usize>() {
                    Ok(n) => n < re.captures_len(),
                    Err(_) => names.contains(g.as_str()),
                };
                if !known {
                    return Err(self.at_needle(
                        "replace",
                        g.as_str(),
                        format!("the pattern has no group `{}`", g.as_str()),
                    ));
                }
            }
        }
        Ok(CompiledRule {
            code: def.code.clone(),
            name: def.name.clone(),
            kind: def.kind,
            severity: def.severity,
            summary: def.summary.trim().to_string(),
            message: def.message.trim().to_string(),
            help: def.help.as_ref().map(|h| h.trim().to_string()),
            languages,
            kinds: def.kinds.clone().unwrap_or(file.kinds.clone()),
            scope,
            matcher,
            prefilter,
            exceptions,
            replace: def.replace.clone(),
            ignore_case: def.ignore_case,
            max: def.max,
            min: def.min,
            within: def.within,
            def: def.clone(),
            pack: pack.to_string(),
            file: self.file.to_string(),
        })
    }

    /// The fields each kind needs, and no field of another kind.
    fn check_fields(&self, def: &RuleDef) -> Result<(), DataError> {
        let kind = def.kind.as_str();
        let has_pattern = def.pattern.is_some() || !def.words.is_empty();
        let stray = |field: &str, present: bool| -> Result<(), DataError> {
            if present {
                Err(self.at(
                    field,
                    format!("`{field}` has no meaning in a rule of kind `{kind}`"),
                ))
            } else {
                Ok(())
            }
        };
        if def.pattern.is_some() && !def.words.is_empty() {
            return Err(self.at("words", "give either `pattern` or `words`, not both"));
        }
        match def.kind {
            RuleKind::Existence | RuleKind::Occurrence => {
                if !has_pattern {
                    return Err(self.at(
                        "kind",
                        format!("a rule of kind `{kind}` needs a `pattern` or `words`"),
                    ));
                }
                stray("swap", !def.swap.is_empty())?;
                stray("spellings", !def.spellings.is_empty())?;
            }
            RuleKind::Substitution => {
                if def.swap.is_empty() {
                    return Err(self.at(
                        "kind",
                        "a rule of kind `substitution` needs `swap`: wrong form → right form",
                    ));
                }
                stray("pattern", def.pattern.is_some())?;
                stray("words", !def.words.is_empty())?;
                stray("spellings", !def.spellings.is_empty())?;
            }
            RuleKind::Consistency => {
                if def.spellings.len() < 2 {
                    return Err(self.at(
                        "spellings",
                        "a rule of kind `consistency` needs at least two `spellings`",
                    ));
                }
                stray("pattern", def.pattern.is_some())?;
                stray("words", !def.words.is_empty())?;
                stray("swap", !def.swap.is_empty())?;
            }
        }
        if def.kind == RuleKind::Occurrence {
            match (def.min, def.max) {
                (None, None) => {
                    return Err(self.at("kind", "a rule of kind `occurrence` needs `max` or `min`"));
                }
                (Some(min), Some(max)) if min > max => {
                    return Err(self.at("min", format!("`min` ({min}) is above `max` ({max})")));
                }
                _ => {}
            }
        } else {
            stray("max", def.max.is_some())?;
            stray("min", def.min.is_some())?;
        }
        stray(
            "replace",
            def.replace.is_some() && def.kind != RuleKind::Existence,
        )?;
        stray(
            "within",
            def.within != Within::Guide && def.kind != RuleKind::Consistency,
        )?;
        Ok(())
    }

    fn matcher(&self, def: &RuleDef) -> Result<Matcher, DataError> {
        match def.kind {
            RuleKind::Existence | RuleKind::Occurrence => {
                let re = match &def.pattern {
                    Some(p) => self.regex("pattern", p, def.ignore_case)?,
                    None => {
                        if let Some(w) = def.words.iter().find(|w| w.trim().is_empty()) {
                            return Err(self.at_needle(
                                "words",
                                w,
                                "an empty word matches nothing",
                            ));
                        }
                        self.regex("words", &words_pattern(&def.words), def.ignore_case)?
                    }
                };
                Ok(Matcher::Pattern(re))
            }
            RuleKind::Substitution => {
                let mut pairs: Vec<(&String, &String)> = def.swap.iter().collect();
                // Longest first, so that `parametres` wins over `parametre`.
                pairs.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(b.0)));
                if let Some((w, _)) = pairs.iter().find(|(w, _)| w.trim().is_empty()) {
                    return Err(self.at_needle("swap", w, "an empty wrong form matches nothing"));
                }
                let alternatives: Vec<String> = pairs
                    .iter()
                    .map(|(w, _)| format!("({})", word(w)))
                    .collect();
                let regex = self.regex(
                    "swap",
                    &format!("(?:{})", alternatives.join("|")),
                    def.ignore_case,
                )?;
                Ok(Matcher::Swap {
                    regex,
                    rights: pairs.iter().map(|(_, r)| r.to_string()).collect(),
                })
            }
            RuleKind::Consistency => {
                let mut spellings = Vec::new();
                for s in &def.spellings {
                    let re = match s {
                        SpellingDef::Word(w) => {
                            self.regex("spellings", &word(w), def.ignore_case)?
                        }
                        SpellingDef::Pattern { pattern, .. } => {
                            self.regex("spellings", pattern, def.ignore_case)?
                        }
                    };
                    spellings.push((s.label().to_string(), re));
                }
                Ok(Matcher::Spellings(spellings))
            }
        }
    }

    /// Compiles `pattern` (written in `field`), splicing in `{{lists}}`.
    fn regex(&self, field: &str, pattern: &str, ignore_case: bool) -> Result<Regex, DataError> {
        let mut spliced = String::with_capacity(pattern.len());
        let mut last = 0;
        for c in LIST_REF.captures_iter(pattern) {
            let (Some(all), Some(name)) = (c.get(0), c.get(1)) else {
                continue;
            };
            let Some(words) = self.lists.get(name.as_str()) else {
                return Err(self.at_needle(
                    field,
                    all.as_str(),
                    format!(
                        "no list named `{}`; declare it under the file's `lists:`",
                        name.as_str()
                    ),
                ));
            };
            spliced.push_str(&pattern[last..all.start()]);
            spliced.push_str(&alternation(words));
            last = all.end();
        }
        spliced.push_str(&pattern[last..]);
        RegexBuilder::new(&spliced)
            .case_insensitive(ignore_case)
            .size_limit(PATTERN_SIZE_LIMIT)
            .build()
            .map_err(|e| {
                let detail = match &e {
                    regex::Error::Syntax(s) => s
                        .lines()
                        .rev()
                        .find(|l| l.starts_with("error:"))
                        .unwrap_or(s)
                        .trim_start_matches("error:")
                        .trim()
                        .to_string(),
                    other => other.to_string(),
                };
                self.at_needle(
                    field,
                    pattern,
                    format!("invalid regular expression: {detail}"),
                )
            })
    }
}

/// `(?:a|b|…)` of literal words, longest first.
fn alternation(words: &[String]) -> String {
    let mut words: Vec<&String> = words.iter().collect();
    words.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    let escaped: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
    format!("(?:{})", escaped.join("|"))
}

/// A literal word or phrase as a pattern, with word boundaries where it starts
/// or ends with a word character.
fn word(w: &str) -> String {
    let w = w.trim();
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let start = if is_word(w.chars().next()) { r"\b" } else { "" };
    let end = if is_word(w.chars().last()) { r"\b" } else { "" };
    format!("{start}{}{end}", regex::escape(w))
}

/// One pattern for a word list.
fn words_pattern(words: &[String]) -> String {
    let mut words: Vec<&String> = words.iter().collect();
    words.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    let parts: Vec<String> = words.iter().map(|w| word(w)).collect();
    format!("(?:{})", parts.join("|"))
}

/// Checks that codes and names are unique across `rules` and the built-in rules;
/// `texts` gives each file's text for the error.
pub fn check_unique(rules: &[CompiledRule], texts: &[(String, String)]) -> Result<(), DataError> {
    let mut codes: HashSet<String> = crate::rules::RULES
        .iter()
        .map(|r| r.code.to_ascii_uppercase())
        .collect();
    let mut names: HashSet<String> = crate::rules::RULES
        .iter()
        .map(|r| r.name.to_string())
        .collect();
    let mut index_in_file: BTreeMap<&str, usize> = BTreeMap::new();
    for rule in rules {
        let i = index_in_file.entry(rule.file.as_str()).or_insert(0);
        let index = *i;
        *i += 1;
        let (field, what) = if !codes.insert(rule.code.to_ascii_uppercase()) {
            ("code", format!("the code `{}` is already used", rule.code))
        } else if !names.insert(rule.name.clone()) {
            ("name", format!("the name `{}` is already used", rule.name))
        } else {
            continue;
        };
        let text = texts
            .iter()
            .find(|(f, _)| *f == rule.file)
            .map(|(_, t)| t.as_str())
            .unwrap_or("");
        let offset = Locator::new(text).field(index, field);
        return Err(DataError::new(
            &rule.file,
            text,
            offset,
            format!("{what}: every rule needs its own code and name"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod prefilter_tests {
    use super::*;

    #[test]
    fn word_boundaries_are_removed_and_escapes_kept() {
        assert_eq!(without_word_boundaries(r"\btutoriaux\b"), "tutoriaux");
        assert_eq!(without_word_boundaries(r"a\\b\.c\Bd"), r"a\\b\.cd");
    }

    #[test]
    fn the_prefilter_accepts_every_text_the_rule_matches() {
        let exact = Regex::new(r"(?i)\bparam[eè]tres?\b").unwrap();
        let pre = prefilter(&Matcher::Pattern(exact.clone()), true).unwrap();
        for text in [
            "Parametre du compte",
            "les paramètres",
            "aucun",
            "reparametrer",
        ] {
            if exact.is_match(text) {
                assert!(pre.is_match(text), "{text}");
            }
        }
        assert!(!pre.is_match("aucun"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(body: &str) -> String {
        format!(
            "rules:\n  - code: T001\n    name: t\n    summary: S\n    message: \"m {{match}}\"\n{body}"
        )
    }

    #[test]
    fn compiles_each_kind() {
        for body in [
            "    kind: existence\n    pattern: 'a+'\n",
            "    kind: existence\n    words: [foo, C++]\n",
            "    kind: substitution\n    swap: {a: b}\n",
            "    kind: occurrence\n    words: [x]\n    max: 2\n",
            "    kind: consistency\n    spellings: [e-mail, email]\n",
        ] {
            let r = compile_file("t.yaml", &rule(body));
            assert!(r.is_ok(), "{body}: {:?}", r.err());
        }
    }

    #[test]
    fn bad_regex_points_at_the_pattern() {
        let text = rule("    kind: existence\n    pattern: 'a(b'\n");
        let err = compile_file("t.yaml", &text).unwrap_err();
        assert!(
            err.message.contains("invalid regular expression"),
            "{}",
            err.message
        );
        assert_eq!(&text[err.offset.unwrap()..][..4], "a(b'");
    }

    #[test]
    fn unknown_fields_and_kinds_point_into_the_file() {
        let text = rule("    kind: existance\n    pattern: a\n");
        let err = compile_file("t.yaml", &text).unwrap_err();
        assert!(err.message.contains("existance"), "{}", err.message);
        assert!(err.offset.is_some());
    }

    #[test]
    fn missing_and_stray_fields() {
        let err = compile_file("t.yaml", &rule("    kind: substitution\n")).unwrap_err();
        assert!(err.message.contains("swap"), "{}", err.message);
        let err = compile_file(
            "t.yaml",
            &rule("    kind: existence\n    pattern: a\n    max: 1\n"),
        )
        .unwrap_err();
        assert!(err.message.contains("`max`"), "{}", err.message);
        let err = compile_file(
            "t.yaml",
            &rule("    kind: existence\n    pattern: '{{nope}}'\n"),
        )
        .unwrap_err();
        assert!(err.message.contains("no list named"), "{}", err.message);
    }

    #[test]
    fn bad_placeholders_and_names() {
        let text = "rules:\n  - code: T001\n    name: t\n    kind: existence\n    pattern: a\n    summary: S\n    message: \"m {mach}\"\n";
        let err = compile_file("t.yaml", text).unwrap_err();
        assert_eq!(&text[err.offset.unwrap()..][..4], "mach");
        let err = compile_file("t.yaml", &text.replace("name: t", "name: Bad_Name")).unwrap_err();
        assert!(err.message.contains("kebab"), "{}", err.message);
    }

    #[test]
    fn lists_are_spliced_as_literals() {
        let text = "lists:\n  hosts: [ovh.com, ovh.net]\nrules:\n  - code: T001\n    name: t\n    kind: existence\n    pattern: 'http://{{hosts}}'\n    summary: S\n    message: m\n";
        let rules = compile_file("t.yaml", text).unwrap();
        let Matcher::Pattern(re) = &rules[0].matcher else {
            panic!()
        };
        assert!(re.is_match("http://ovh.net"));
        assert!(!re.is_match("http://ovhxcom"));
    }

    #[test]
    fn duplicate_codes_are_refused() {
        let text = "rules:\n  - code: T001\n    name: a\n    kind: existence\n    pattern: a\n    summary: S\n    message: m\n  - code: T001\n    name: b\n    kind: existence\n    pattern: b\n    summary: S\n    message: m\n";
        let rules = compile_file("t.yaml", text).unwrap();
        let texts = vec![("t.yaml".to_string(), text.to_string())];
        let err = check_unique(&rules, &texts).unwrap_err();
        assert!(err.message.contains("already used"), "{}", err.message);
        assert!(err.offset.unwrap() > text.find("name: b").unwrap() - 20);
        let clash = text.replace("T001", "GL201");
        let rules = compile_file("t.yaml", &clash).unwrap();
        assert!(check_unique(&rules, &[("t.yaml".into(), clash.clone())]).is_err());
    }
}
