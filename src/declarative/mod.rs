//! Declarative rules: checks written in YAML instead of Rust.
//!
//! guidelint ships rule packs in `rules/packs/` (embedded, see
//! [`crate::data::RULE_PACKS`]); a repository adds its own folders with
//! `rule_dirs` in `.guidelint.yaml`. Each file is read and every pattern
//! compiled once per run into a [`RuleSet`], which the engine runs in the
//! per-guide pass (and, for corpus-wide consistency, in the corpus pass).
//!
//! - [`model`]: the file format;
//! - [`compile`]: validation and compilation, errors pointing into the YAML;
//! - [`scan`]: the guide's texts by scope and the matches of a rule;
//! - [`lang`]: a guide's language;
//! - [`docs`]: each rule's documentation, generated from its definition.

pub mod compile;
pub mod docs;
pub mod filter;
pub mod lang;
pub mod locate;
pub mod model;
pub mod scan;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use compile::CompiledRule;
use model::{KindName, RuleKind, Within};
use scan::Hit;

use crate::config::Config;
use crate::corpus::GuideSummary;
use crate::data::{self, DataError};
use crate::diagnostic::{Finding, Span};
use crate::guide::GuideKind;
use crate::rules::{GuideContext, RuleInfo};

/// Largest rule file guidelint reads.
const MAX_RULE_FILE_BYTES: u64 = 4 << 20;

/// Every declarative rule of a run, compiled.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<CompiledRule>,
    /// Rules out, in one scan per guide, the rules that cannot match in it.
    filter: Option<filter::GuideFilter>,
    /// A hash of the rule files' names and texts (see [`RuleSet::fingerprint`]).
    fingerprint: u64,
}

/// The uses of each spelling of a corpus-wide consistency rule in one guide
/// (kept in the guide's [`GuideSummary`] for the corpus pass).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SpellingUse {
    /// Index of the rule in the [`RuleSet`].
    pub rule: usize,
    /// (spelling index, span, text as written), in document order.
    pub hits: Vec<(usize, Span, String)>,
}

impl RuleSet {
    /// The shipped packs only.
    pub fn embedded() -> Result<RuleSet, DataError> {
        Self::from_sources(
            data::RULE_PACKS
                .iter()
                .map(|(name, text)| (name.to_string(), text.to_string()))
                .collect(),
        )
    }

    /// The shipped packs and the rule files of `config.rule_dirs`.
    pub fn load(config: &Config) -> Result<RuleSet, DataError> {
        Self::from_sources(Self::sources(config)?)
    }

    /// The rule files a configuration loads, as (name, text): the shipped
    /// packs, then the files of its `rule_dirs`.
    pub fn sources(config: &Config) -> Result<Vec<(String, String)>, DataError> {
        let mut sources: Vec<(String, String)> = data::RULE_PACKS
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .collect();
        for dir in config.rule_dirs.to_vec() {
            sources.extend(read_rule_dir(&config.resolve(&dir))?);
        }
        Ok(sources)
    }

    /// The [`RuleSet::fingerprint`] of the set `sources` compile to, without compiling them.
    pub fn sources_fingerprint(sources: &[(String, String)]) -> u64 {
        let mut hash = crate::cache::Fingerprinter::new();
        for (name, text) in sources {
            hash.part(name.as_bytes()).part(text.as_bytes());
        }
        hash.finish()
    }

    /// Compiles rule files given as (name, text).
    pub fn from_sources(sources: Vec<(String, String)>) -> Result<RuleSet, DataError> {
        let mut rules = Vec::new();
        for (name, text) in &sources {
            rules.extend(compile::compile_file(name, text)?);
        }
        compile::check_unique(&rules, &sources)?;
        let filter = filter::GuideFilter::new(&rules);
        Ok(RuleSet {
            rules,
            filter,
            fingerprint: Self::sources_fingerprint(&sources),
        })
    }

    /// A hash of the rule files the set was compiled from: equal sources, equal
    /// fingerprints, in every process (the summary cache depends on it).
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The compiled rules.
    pub fn rules(&self) -> &[CompiledRule] {
        &self.rules
    }

    /// The metadata and generated documentation of every rule.
    pub fn catalog(&self) -> Vec<RuleInfo> {
        self.rules
            .iter()
            .map(|r| RuleInfo {
                code: Cow::Owned(r.code.clone()),
                name: Cow::Owned(r.name.clone()),
                severity: r.severity,
                summary: Cow::Owned(r.summary.clone()),
                docs: Cow::Owned(docs::render(r)),
            })
            .collect()
    }

    /// True when a rule compares spellings across the corpus, so every guide's
    /// spellings are needed even when its own findings are not reported.
    pub fn has_corpus_rules(&self) -> bool {
        self.rules
            .iter()
            .any(|r| r.kind == RuleKind::Consistency && r.within == Within::Corpus)
    }

    /// Runs every rule that applies to the guide of `ctx`; returns what the
    /// corpus-wide consistency rules need of it.
    pub fn check_guide(&self, ctx: &GuideContext<'_>, out: &mut Vec<Finding>) -> Vec<SpellingUse> {
        let mut uses = Vec::new();
        if self.rules.is_empty() {
            return uses;
        }
        let kind = match ctx.guide.kind {
            GuideKind::Markdown => KindName::Markdown,
            GuideKind::PlainText => KindName::Plaintext,
        };
        let language = lang::guide_language(ctx.path, ctx.guide);
        let segments = scan::segments(ctx.guide, ctx.text);
        let candidates = self
            .filter
            .as_ref()
            .map(|f| f.candidates(&segments, kind, language.as_deref()));
        for (index, rule) in self.rules.iter().enumerate() {
            if !rule.kinds.is_empty() && !rule.kinds.contains(&kind) {
                continue;
            }
            let only = candidates.as_ref().and_then(|c| c.segments(index));
            if only.is_some_and(|s| s.is_empty()) {
                continue;
            }
            if !rule.languages.is_empty()
                && let Some(lang) = &language
                && !rule.languages.contains(lang)
            {
                continue;
            }
            let hits = scan::hits_in(rule, &segments, only);
            if hits.is_empty() && rule.min.is_none() {
                continue;
            }
            match rule.kind {
                RuleKind::Existence => existence(rule, ctx, hits, out),
                RuleKind::Substitution => substitution(rule, ctx, hits, out),
                RuleKind::Occurrence => occurrence(rule, ctx.file, &hits, out),
                RuleKind::Consistency if rule.within == Within::Corpus => uses.push(SpellingUse {
                    rule: index,
                    hits: hits
                        .into_iter()
                        .map(|h| (h.spelling, h.span, h.text))
                        .collect(),
                }),
                RuleKind::Consistency => {
                    let hits: Vec<(usize, usize, Span, String)> = hits
                        .into_iter()
                        .map(|h| (ctx.file, h.spelling, h.span, h.text))
                        .collect();
                    consistency(rule, &hits, out);
                }
            }
        }
        uses
    }

    /// Runs the corpus-wide consistency rules over the guides' summaries.
    pub fn check_corpus(&self, summaries: &[GuideSummary], out: &mut Vec<Finding>) {
        for (index, rule) in self.rules.iter().enumerate() {
            if rule.kind != RuleKind::Consistency || rule.within != Within::Corpus {
                continue;
            }
            let hits: Vec<(usize, usize, Span, String)> = summaries
                .iter()
                .flat_map(|s| {
                    s.spellings
                        .iter()
                        .filter(|u| u.rule == index)
                        .flat_map(move |u| {
                            u.hits.iter().map(move |(sp, span, text)| {
                                (s.file, *sp, span.clone(), text.clone())
                            })
                        })
                })
                .collect();
            consistency(rule, &hits, out);
        }
    }
}

/// The rule files of a folder (`*.yaml`, `*.yml`, sorted), or one file.
fn read_rule_dir(path: &Path) -> Result<Vec<(String, String)>, DataError> {
    let shown = path.to_string_lossy().into_owned();
    let fail = |e: std::io::Error, what: &str| {
        DataError::new(&shown, "", None, format!("cannot read the {what}: {e}"))
    };
    let meta = std::fs::metadata(path).map_err(|e| fail(e, "rule folder"))?;
    let files: Vec<PathBuf> = if meta.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| fail(e, "rule folder"))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                        e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml")
                    })
            })
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    };
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let name = file.to_string_lossy().into_owned();
        let err = |message: String| DataError::new(&name, "", None, message);
        let size = std::fs::metadata(&file)
            .map_err(|e| err(format!("cannot read this rule file: {e}")))?
            .len();
        if size > MAX_RULE_FILE_BYTES {
            return Err(err(format!(
                "this rule file is {size} bytes; guidelint reads rule files up to {MAX_RULE_FILE_BYTES}"
            )));
        }
        let text = std::fs::read_to_string(&file)
            .map_err(|e| err(format!("cannot read this rule file: {e}")))?;
        out.push((name, text));
    }
    Ok(out)
}

/// Values of a message's placeholders.
#[derive(Default)]
struct Vars<'a> {
    matched: &'a str,
    right: &'a str,
    count: usize,
    limit: usize,
    other: &'a str,
}

fn fill(template: &str, v: &Vars<'_>) -> String {
    template
        .replace("{match}", v.matched)
        .replace("{right}", v.right)
        .replace("{count}", &v.count.to_string())
        .replace("{limit}", &v.limit.to_string())
        .replace("{other}", v.other)
}

/// A finding of `rule` (owned code and name, the rule's severity).
fn finding(rule: &CompiledRule, file: usize, span: Span, v: &Vars<'_>) -> Finding {
    Finding {
        file,
        code: Cow::Owned(rule.code.clone()),
        name: Cow::Owned(rule.name.clone()),
        severity: rule.severity,
        span,
        message: fill(&rule.message, v),
        label: String::new(),
        help: rule.help.as_ref().map(|h| fill(h, v)),
        related: Vec::new(),
        fix: None,
        suggestions: Vec::new(),
    }
}

/// True when `span` of the source holds `text` byte for byte (so a fix can replace it).
fn verbatim(ctx: &GuideContext<'_>, span: &Span, text: &str) -> bool {
    ctx.text.get(span.clone()) == Some(text)
}

fn existence(rule: &CompiledRule, ctx: &GuideContext<'_>, hits: Vec<Hit>, out: &mut Vec<Finding>) {
    for hit in hits {
        let v = Vars {
            matched: &hit.text,
            ..Vars::default()
        };
        let mut f =
            finding(rule, ctx.file, hit.span.clone(), &v).label(rule.name.replace('-', " "));
        if let Some(replacement) = hit
            .replacement
            .filter(|_| verbatim(ctx, &hit.span, &hit.text))
        {
            if f.help.is_none() {
                f = f.help(format!("write `{replacement}`"));
            }
            f = f.fix(hit.span.clone(), replacement);
        }
        out.push(f);
    }
}

fn substitution(
    rule: &CompiledRule,
    ctx: &GuideContext<'_>,
    hits: Vec<Hit>,
    out: &mut Vec<Finding>,
) {
    for hit in hits {
        let right = hit.right.clone().unwrap_or_default();
        let v = Vars {
            matched: &hit.text,
            right: &right,
            ..Vars::default()
        };
        let mut f = finding(rule, ctx.file, hit.span.clone(), &v).label(format!("write `{right}`"));
        if f.help.is_none() {
            f = f.help(format!("write `{right}`"));
        }
        if verbatim(ctx, &hit.span, &hit.text) {
            f = f.fix(hit.span.clone(), right);
        }
        out.push(f);
    }
}

fn occurrence(rule: &CompiledRule, file: usize, hits: &[Hit], out: &mut Vec<Finding>) {
    let count = hits.len();
    if let Some(max) = rule.max
        && count > max
        && let Some(hit) = hits.get(max)
    {
        let v = Vars {
            matched: &hit.text,
            count,
            limit: max,
            ..Vars::default()
        };
        let mut f = finding(rule, file, hit.span.clone(), &v)
            .label(format!("match {} of at most {max}", max + 1));
        if let Some(first) = hits.first() {
            f = f.related_here(first.span.clone(), "first match");
        }
        out.push(f);
    }
    if let Some(min) = rule.min
        && count < min
    {
        let v = Vars {
            matched: hits.first().map(|h| h.text.as_str()).unwrap_or(""),
            count,
            limit: min,
            ..Vars::default()
        };
        out.push(finding(rule, file, 0..0, &v).label(format!("{count} of at least {min} matches")));
    }
}

/// Reports the uses of the spellings other than the most used one.
/// `hits` are (file, spelling, span, text), in file then document order.
fn consistency(rule: &CompiledRule, hits: &[(usize, usize, Span, String)], out: &mut Vec<Finding>) {
    let labels: Vec<&str> = rule.def.spellings.iter().map(|s| s.label()).collect();
    let mut counts = vec![0usize; labels.len()];
    let mut first: Vec<Option<usize>> = vec![None; labels.len()];
    for (i, (_, spelling, _, _)) in hits.iter().enumerate() {
        if let Some(c) = counts.get_mut(*spelling) {
            *c += 1;
            first[*spelling].get_or_insert(i);
        }
    }
    if counts.iter().filter(|&&c| c > 0).count() < 2 {
        return;
    }
    // The most used spelling; on a tie, the one used first.
    let Some(dominant) = (0..labels.len())
        .filter(|&s| counts[s] > 0)
        .max_by(|&a, &b| counts[a].cmp(&counts[b]).then(first[b].cmp(&first[a])))
    else {
        return;
    };
    let Some(anchor) = first[dominant].and_then(|i| hits.get(i)) else {
        return;
    };
    let other = labels[dominant];
    // The first finding of each guide points at the other spelling; the rest stay short.
    let mut pointed = std::collections::HashSet::new();
    for (file, spelling, span, text) in hits {
        if *spelling == dominant {
            continue;
        }
        let v = Vars {
            matched: text,
            other,
            count: counts[dominant],
            ..Vars::default()
        };
        let mut f = finding(rule, *file, span.clone(), &v).label(format!("elsewhere `{other}`"));
        if f.help.is_none() {
            f = f.help(format!(
                "`{other}` is written {} times; use one spelling throughout",
                counts[dominant]
            ));
        }
        if pointed.insert(*file) {
            let note = format!("`{other}` is used here");
            f = if anchor.0 == *file {
                f.related_here(anchor.2.clone(), note)
            } else {
                f.related_in(anchor.0, anchor.2.clone(), note)
            };
        }
        out.push(f);
    }
}
