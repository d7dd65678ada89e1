//! The pipeline: read → parse → extract → check, one guide per rayon task.
//!
//! Each guide is read and parsed once. Its source text is kept only when it
//! has findings (the reporter needs it for snippets); everything else is
//! dropped as soon as the guide is checked.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::cache::{Cache, Stamp, Taken};
use crate::config::Config;
use crate::corpus::{self, CorpusContext, GuideSummary};
use crate::data::DataError;
use crate::declarative::{self, RuleSet};
use crate::diagnostic::Finding;
use crate::discover::GuideFile;
use crate::extract::{self, Lexicon};
use crate::guide::{Guide, GuideKind};
use crate::rules::{self, GuideContext};
use crate::select::Selection;
use crate::spec::{Protocols, Spec};
use crate::suppress::{self, Suppressions};
use crate::vocab::Vocabulary;

/// Largest guide guidelint reads; larger files get a GL000 finding.
pub const MAX_FILE_BYTES: u64 = 128 * 1024 * 1024;

/// Everything a run needs besides the files: loaded once, shared by all tasks.
#[derive(Debug, Clone)]
pub struct Engine {
    /// Merged vocabulary.
    pub vocab: Vocabulary,
    /// Universal protocol facts.
    pub protocols: Protocols,
    /// The canonical spec, unless disabled.
    pub spec: Option<Spec>,
    /// The configuration.
    pub config: Config,
    /// The declarative rules: the shipped packs and the configuration's `rule_dirs`.
    pub declarative: RuleSet,
}

/// A checked file as the reporter needs it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as given.
    pub path: String,
    /// The text, kept when the file has findings.
    pub text: Option<Arc<str>>,
}

/// The result of a run.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Every checked file, indexed by [`Finding::file`].
    pub files: Vec<SourceFile>,
    /// Findings sorted by file, then position.
    pub findings: Vec<Finding>,
}

impl Engine {
    /// The engine with the embedded vocabularies, protocols and `spec`, and the default configuration.
    pub fn new(spec: Option<Spec>) -> Result<Engine, DataError> {
        Self::with_config(spec, Config::default())
    }

    /// The engine with the embedded vocabularies and protocols, `spec` and `config`.
    pub fn with_config(spec: Option<Spec>, config: Config) -> Result<Engine, DataError> {
        let rules = RuleSet::sources(&config)?;
        Self::with_rule_sources(spec, config, rules)
    }

    /// Like [`Engine::with_config`], with the declarative rule files already
    /// read ([`RuleSet::sources`]).
    pub fn with_rule_sources(
        spec: Option<Spec>,
        config: Config,
        rules: Vec<(String, String)>,
    ) -> Result<Engine, DataError> {
        let protocols = Protocols::embedded()?;
        Ok(Engine {
            // One survey of a text finds the vocabulary's words and the protocol names.
            vocab: Vocabulary::embedded_with_names(protocols.names())?,
            protocols,
            spec,
            declarative: RuleSet::from_sources(rules)?,
            config,
        })
    }

    /// Checks `files`: each guide in parallel, then the corpus pass over their summaries.
    pub fn check(&self, files: &[GuideFile]) -> Outcome {
        self.check_reporting(files, None)
    }

    /// Checks `files` like [`Engine::check`], but reports findings only in the
    /// guides `report` marks (changed-files mode): every guide is still read and
    /// indexed, so links, anchors and duplicates resolve against the whole run.
    pub fn check_reporting(&self, files: &[GuideFile], report: Option<&[bool]>) -> Outcome {
        self.check_cached(files, report, None)
    }

    /// Checks `files` like [`Engine::check_reporting`], with a summary cache:
    /// a guide that is not reported and whose cached summary is fresh is only
    /// stat'ed, not read; every summary made is recorded in the cache (the
    /// caller saves it). The findings are the same with or without the cache.
    pub fn check_cached(
        &self,
        files: &[GuideFile],
        report: Option<&[bool]>,
        mut cache: Option<&mut Cache>,
    ) -> Outcome {
        let reported = |i: usize| report.is_none_or(|r| r.get(i).copied().unwrap_or(false));
        let mut cached = CacheUse::new(cache.as_deref_mut(), files, &reported, report.is_none());
        // The summaries go straight to their own vector: moving twenty
        // thousand of them again would cost more than the rest of the loop.
        let mut results: Vec<(SourceFile, Vec<Finding>, Option<Suppressions>)> = Vec::new();
        let mut summaries = Vec::new();
        files
            .par_iter()
            .zip(cached.hits.par_iter_mut())
            .enumerate()
            .map(|(i, (f, hit))| match hit.take().map(Taken::into_summary) {
                Some(mut summary) => {
                    summary.file = i;
                    summary.fs_path = f.path.clone();
                    let source = SourceFile {
                        path: f.display.clone(),
                        text: None,
                    };
                    ((source, Vec::new(), None), summary)
                }
                None => {
                    let (source, findings, summary, suppressions) =
                        self.check_file(i, f, reported(i));
                    ((source, findings, suppressions), summary)
                }
            })
            .unzip_into_vecs(&mut results, &mut summaries);
        let mut outcome = Outcome::default();
        let mut suppressions = Vec::with_capacity(results.len());
        for (i, (file, findings, suppression)) in results.into_iter().enumerate() {
            cached.checked(
                i,
                reported(i) && findings.is_empty() && suppression.is_none(),
            );
            outcome.files.push(file);
            outcome.findings.extend(findings);
            suppressions.push(suppression);
        }
        // In changed-files mode, the cached guides' votes come counted.
        let prior = match (report, cache.as_deref_mut().and_then(Cache::take_votes)) {
            (Some(_), Some(table)) => {
                let mut file_of = vec![None; table.entries as usize];
                for (i, s) in summaries.iter().enumerate() {
                    if let Some(slot) = s.cached.and_then(|o| file_of.get_mut(o as usize)) {
                        *slot = Some(i);
                    }
                }
                Some(corpus::consistency::PriorVotes { table, file_of })
            }
            _ => None,
        };
        let index = self.load_details(&mut summaries, report, prior.is_some());
        let ctx = CorpusContext::new(&summaries, &self.config, self.spec.as_ref())
            .with_focus(report)
            .with_prior(prior.as_ref());
        let ctx = match index {
            Some(index) => ctx.with_index(index),
            None => ctx,
        };
        rules::check_corpus(&ctx, &mut outcome.findings);
        self.declarative
            .check_corpus(&summaries, &mut outcome.findings);
        drop(ctx);
        match cache {
            Some(cache) if report.is_none() || cached.worth_recording(files.len()) => {
                cached.record(cache, summaries);
            }
            // Freeing tens of thousands of summaries (and the cache's keys of
            // every guide) takes longer than the rest of a changed-files
            // run: it happens on another thread.
            _ => drop_in_background(summaries.len(), (summaries, cached)),
        }
        // So does freeing the cache's vote table (one entry per cached fact).
        drop_in_background(
            prior.as_ref().map_or(0, |p| p.table.entries as usize),
            prior,
        );
        self.filter(&mut outcome.findings, &mut suppressions, files, report);
        drop_unneeded_sources(&mut outcome);
        reload_sources(&mut outcome, files);
        outcome
            .findings
            .sort_by(|a, b| (a.file, a.span.start, &a.code).cmp(&(b.file, b.span.start, &b.code)));
        outcome
    }

    /// Gives every summary the corpus pass reads its anchors and links: in
    /// changed-files mode, cached summaries keep them encoded unless a changed
    /// guide's checks read them (see [`CorpusContext::focus_neighbours`]).
    /// Returns the index built to find those, for the pass to reuse.
    fn load_details(
        &self,
        summaries: &mut [GuideSummary],
        report: Option<&[bool]>,
        counted: bool,
    ) -> Option<crate::corpus::links::Index> {
        let Some(focus) = report else {
            summaries.par_iter_mut().for_each(GuideSummary::load_all);
            return None;
        };
        let (needed, index) = CorpusContext::new(summaries, &self.config, self.spec.as_ref())
            .with_focus(report)
            .focus_neighbours();
        for &i in &needed {
            if let Some(s) = summaries.get_mut(i) {
                s.load_all();
            }
        }
        // The facts the corpus pass counts besides: the guides of the focused
        // guides' folders (translations) and, unless their votes come
        // `counted`, of their products (the consensus votes).
        fn product_id<'a>(spec: Option<&'a Spec>, s: &GuideSummary) -> &'a str {
            corpus::consistency::product_of(spec, s).map_or("", |p| p.id.as_str())
        }
        let spec = self.spec.as_ref();
        let product = |s: &GuideSummary| product_id(spec, s);
        let folder = |s: &GuideSummary| Path::new(&s.path).parent().map(Path::to_path_buf);
        let focused = || {
            summaries
                .iter()
                .enumerate()
                .filter(|(i, _)| focus.get(*i).copied().unwrap_or(false))
                .map(|(_, s)| s)
        };
        let products: HashSet<&str> = focused().map(product).collect();
        let folders: HashSet<Option<PathBuf>> = focused().map(folder).collect();
        summaries
            .par_iter_mut()
            .filter(|s| {
                s.deferred_facts.is_some()
                    && ((!counted && products.contains(product(s))) || folders.contains(&folder(s)))
            })
            .for_each(GuideSummary::load_facts);
        Some(index)
    }

    /// The one place findings are dropped or re-ranked after the checks:
    /// inline suppressions (then GL901 for the unused ones), rule selection and
    /// severities, and the changed-files filter.
    fn filter(
        &self,
        findings: &mut Vec<Finding>,
        suppressions: &mut [Option<Suppressions>],
        files: &[GuideFile],
        report: Option<&[bool]>,
    ) {
        let reported = |f: &Finding| report.is_none_or(|r| r.get(f.file).copied().unwrap_or(false));
        // Findings of unreported guides go first (suppressions and selection
        // only concern a finding's own guide): the corpus rules find them in
        // the whole corpus, and they are many.
        findings.retain(reported);
        suppress::apply(findings, suppressions, &self.catalog());
        findings.retain(reported);
        Selection::new(&self.config).apply(findings, |i| files.get(i).map(|f| f.path.as_path()));
    }

    /// Reads, parses and checks one guide. A guide whose findings will not be
    /// `reported` (changed-files mode) is only summarized for the corpus pass:
    /// its own rules would produce findings that are thrown away.
    fn check_file(
        &self,
        index: usize,
        file: &GuideFile,
        reported: bool,
    ) -> (SourceFile, Vec<Finding>, GuideSummary, Option<Suppressions>) {
        // The text of a readable guide is dropped here, whatever its findings:
        // peak memory stays at the summaries. The reporter reads again the
        // guides whose findings survive selection (see `reload_sources`).
        let (text, findings, summary, suppressions) = match read_guide(index, &file.path) {
            Read::Text(text) => {
                let (findings, summary, suppressions) =
                    self.check_guide(index, file, &text, reported);
                (None, findings, summary, suppressions)
            }
            Read::Unreadable { shown, finding } => {
                let summary = GuideSummary::unreadable(index, &file.display, file.path.clone());
                (Some(Arc::from(shown)), vec![*finding], summary, None)
            }
        };
        let source = SourceFile {
            path: file.display.clone(),
            text,
        };
        (source, findings, summary, suppressions)
    }

    fn check_guide(
        &self,
        index: usize,
        file: &GuideFile,
        text: &str,
        reported: bool,
    ) -> (Vec<Finding>, GuideSummary, Option<Suppressions>) {
        let guide = Guide::parse(text, kind_of(&file.path), &self.vocab);
        let suppressions = Suppressions::parse(text, &guide);
        let facts = extract::extract(&guide, self.lexicon());
        let product = self.product_index(&file.display, &guide);
        let (findings, spellings) = if reported || self.declarative.has_corpus_rules() {
            let (findings, spellings) =
                self.guide_findings(index, &file.display, text, &guide, &facts, product);
            (if reported { findings } else { Vec::new() }, spellings)
        } else {
            (Vec::new(), Vec::new())
        };
        let mut summary = corpus::summarize(
            index,
            &file.display,
            file.path.clone(),
            text,
            &guide,
            corpus::Findings {
                facts: &facts,
                product,
                mentions: self.protocols.named_in(text),
            },
            &self.config,
        );
        summary.spellings = spellings;
        summary.spellings.shrink_to_fit();
        (findings, summary, suppressions)
    }

    /// The summaries of `files` (read, parse, extract, in parallel), for corpus
    /// tools such as `guidelint spec infer`.
    pub fn summarize(&self, files: &[GuideFile]) -> Vec<GuideSummary> {
        files
            .par_iter()
            .enumerate()
            .map(|(i, f)| self.check_file(i, f, false).2)
            .collect()
    }

    /// Metadata of every rule this engine runs (built-in and loaded), for
    /// listings, `guidelint rule` and SARIF.
    pub fn catalog(&self) -> Vec<rules::RuleInfo> {
        let mut catalog = rules::builtin_catalog();
        catalog.extend(self.declarative.catalog());
        catalog.sort_by(|a, b| a.code.cmp(&b.code));
        catalog
    }

    /// The spec product `guide` (at `path`) is attributed to, by index.
    fn product_index(&self, path: &str, guide: &Guide) -> Option<usize> {
        let fm = guide
            .front_matter
            .as_ref()
            .and_then(|f| f.value.as_ref().ok());
        self.spec
            .as_ref()?
            .product_index(path, guide.front_matter_str("title"), fm)
    }

    /// The matchers fact extraction uses.
    pub fn lexicon(&self) -> Lexicon<'_> {
        Lexicon::new(&self.vocab, &self.protocols)
    }

    /// The facts guidelint reads in one guide's text, and the name of the spec
    /// product the guide is attributed to (for `guidelint facts` and editors).
    pub fn facts_of(
        &self,
        path: &str,
        text: &str,
        kind: GuideKind,
    ) -> (Vec<extract::Fact>, Option<&str>) {
        let guide = Guide::parse(text, kind, &self.vocab);
        let facts = extract::extract(&guide, self.lexicon());
        let product = self
            .product_index(path, &guide)
            .and_then(|i| self.spec.as_ref()?.products.get(i))
            .map(|p| p.name.as_str());
        (facts, product)
    }

    /// Checks one guide's text alone, without the corpus pass (for tests and
    /// tools); its suppressions and the configuration's selection apply.
    pub fn check_text(
        &self,
        index: usize,
        path: &str,
        text: &str,
        kind: GuideKind,
    ) -> Vec<Finding> {
        let guide = Guide::parse(text, kind, &self.vocab);
        let facts = extract::extract(&guide, self.lexicon());
        let product = self.product_index(path, &guide);
        let mut findings = self
            .guide_findings(index, path, text, &guide, &facts, product)
            .0;
        if let Some(mut s) = Suppressions::parse(text, &guide) {
            findings.retain(|f| !s.suppresses(f));
            findings.extend(s.unused(index, &self.catalog()));
        }
        Selection::new(&self.config).apply(&mut findings, |_| Some(Path::new(path)));
        findings.sort_by(|a, b| (a.span.start, &a.code).cmp(&(b.span.start, &b.code)));
        findings
    }

    /// Runs one guide's own checks on `text`, which need not be what is on
    /// disk (an editor's unsaved buffer): the guide is `display` in messages,
    /// is read from `fs_path` by nobody (its links resolve from there) and is
    /// guide `index` of the corpus it will be checked against
    /// ([`Engine::finish_check`]).
    pub fn check_guide_text(
        &self,
        index: usize,
        display: &str,
        fs_path: &Path,
        text: &str,
    ) -> GuideCheck {
        let file = GuideFile {
            display: display.to_string(),
            path: fs_path.to_path_buf(),
            link: false,
        };
        let (findings, summary, suppressions) = self.check_guide(index, &file, text, true);
        GuideCheck {
            findings,
            summary,
            suppressions,
        }
    }

    /// Finishes the check of guide `file` as `guidelint check` would in
    /// changed-files mode with only that guide changed: the corpus rules over
    /// `corpus` (where `corpus.summaries[file]` is the guide's
    /// [`GuideCheck::summary`]), focused on it, then its suppressions (GL901
    /// included), the selection and severities for its `path`. Without a
    /// corpus (no index yet) only the guide's own findings are kept. Returns
    /// the guide's findings, sorted by position; related places in other
    /// guides are indexes into `corpus.summaries`.
    pub fn finish_check(
        &self,
        corpus: Option<CorpusView<'_>>,
        file: usize,
        path: &Path,
        check: GuideCheck,
    ) -> Vec<Finding> {
        let GuideCheck {
            mut findings,
            suppressions,
            ..
        } = check;
        if let Some(corpus) = corpus {
            findings.extend(
                self.corpus_findings(corpus, file)
                    .into_iter()
                    .filter(|f| f.file == file),
            );
        }
        if let Some(mut s) = suppressions {
            findings.retain(|f| !s.suppresses(f));
            findings.extend(s.unused(file, &self.catalog()));
        }
        Selection::new(&self.config).apply(&mut findings, |_| Some(path));
        findings.sort_by(|a, b| (a.span.start, &a.code).cmp(&(b.span.start, &b.code)));
        findings
    }

    /// The corpus rules' findings for guide `file` of `corpus` (and maybe
    /// for others).
    fn corpus_findings(&self, corpus: CorpusView<'_>, file: usize) -> Vec<Finding> {
        let summaries = corpus.summaries;
        let mut focus = vec![false; summaries.len()];
        if let Some(f) = focus.get_mut(file) {
            *f = true;
        }
        let whole = CorpusContext::new(summaries, &self.config, self.spec.as_ref())
            .with_focus(Some(&focus));
        let mut found = Vec::new();
        match corpus.neighbours {
            None => rules::check_corpus(&whole, &mut found),
            Some(neighbours) => {
                // The neighbours alone, numbered from 0, the guide focused.
                let near: Vec<GuideSummary> = neighbours
                    .iter()
                    .enumerate()
                    .filter_map(|(k, &i)| {
                        let mut s = summaries.get(i)?.clone();
                        s.file = k;
                        Some(s)
                    })
                    .collect();
                let near_focus: Vec<bool> = neighbours.iter().map(|&i| i == file).collect();
                let near_ctx = CorpusContext::new(&near, &self.config, self.spec.as_ref())
                    .with_focus(Some(&near_focus));
                let mut near_found = Vec::new();
                for rule in rules::RULES {
                    if let rules::Check::Corpus(check) = rule.check {
                        if reads_whole_corpus(rule.code) {
                            check(&whole, &mut found);
                        } else {
                            check(&near_ctx, &mut near_found);
                        }
                    }
                }
                let whole_index = |k: usize| neighbours.get(k).copied().unwrap_or(usize::MAX);
                for mut f in near_found {
                    f.file = whole_index(f.file);
                    for r in &mut f.related {
                        r.file = r.file.map(whole_index);
                    }
                    found.push(f);
                }
            }
        }
        self.declarative.check_corpus(summaries, &mut found);
        found
    }

    /// The summaries of `files` for a corpus index that outlives one run (the
    /// language server's): a guide with a fresh summary in `cache` is only
    /// stat'ed, the others are read and checked (their findings are dropped,
    /// their clean marks recorded); every summary is decoded whole. `done`
    /// counts the guides handled, for progress. Returns `None` as soon as
    /// `cancelled` says so. The cache gets the new summaries when enough
    /// guides were read for rewriting it to pay (the caller saves it).
    pub fn index_summaries(
        &self,
        files: &[GuideFile],
        mut cache: Option<&mut Cache>,
        done: &std::sync::atomic::AtomicUsize,
        cancelled: &(dyn Fn() -> bool + Sync),
    ) -> Option<Vec<GuideSummary>> {
        use std::sync::atomic::Ordering;
        let mut cached = CacheUse::new(cache.as_deref_mut(), files, &|_| false, false);
        let made: Vec<Option<(GuideSummary, Option<bool>)>> = files
            .par_iter()
            .zip(cached.hits.par_iter_mut())
            .enumerate()
            .map(|(i, (f, hit))| {
                if cancelled() {
                    return None;
                }
                let made = match hit.take().map(Taken::into_summary) {
                    Some(mut summary) => {
                        summary.file = i;
                        summary.fs_path = f.path.clone();
                        summary.load_all();
                        (summary, None)
                    }
                    None => {
                        let (_, findings, summary, suppressions) = self.check_file(i, f, true);
                        (summary, Some(findings.is_empty() && suppressions.is_none()))
                    }
                };
                done.fetch_add(1, Ordering::Relaxed);
                Some(made)
            })
            .collect();
        let mut summaries = Vec::with_capacity(made.len());
        for (i, made) in made.into_iter().enumerate() {
            let (summary, clean) = made?;
            if let Some(clean) = clean {
                cached.checked(i, clean);
            }
            summaries.push(summary);
        }
        if let Some(cache) = cache
            && cached.worth_recording(files.len())
        {
            cached.record(cache, summaries.clone());
        }
        Some(summaries)
    }

    fn guide_findings(
        &self,
        index: usize,
        path: &str,
        text: &str,
        guide: &Guide,
        facts: &[extract::Fact],
        product: Option<usize>,
    ) -> (Vec<Finding>, Vec<declarative::SpellingUse>) {
        let mut findings = front_matter_findings(index, guide);
        let layout = corpus::layout::layout(Path::new(path), guide.front_matter_str("lang"));
        let ctx = GuideContext {
            file: index,
            path,
            text,
            config: &self.config,
            guide,
            facts,
            spec: self.spec.as_ref(),
            product: self.spec.as_ref().and_then(|s| s.products.get(product?)),
            protocols: &self.protocols,
            locale: layout.locale.as_deref(),
        };
        rules::check_guide(&ctx, &mut findings);
        let spellings = self.declarative.check_guide(&ctx, &mut findings);
        findings.sort_by_key(|f| f.span.start);
        (findings, spellings)
    }
}

/// Reads the spec files `paths` (YAML, or Thunderbird autoconfig XML) into
/// one spec, their products in order; the embedded spec without any.
pub fn read_spec(paths: &[PathBuf]) -> Result<Option<Spec>, Box<DataError>> {
    let mut merged: Option<Spec> = None;
    for path in paths {
        let name = path.to_string_lossy();
        if path.is_dir() {
            return Err(Box::new(DataError::new(
                &name,
                "",
                None,
                "cannot read the spec: this is a directory; `--spec` takes a YAML or XML file",
            )));
        }
        let text = std::fs::read_to_string(path).map_err(|e| {
            Box::new(DataError::new(
                &name,
                "",
                None,
                format!("cannot read the spec: {e}"),
            ))
        })?;
        let spec = Spec::load(&name, &text)?;
        match &mut merged {
            Some(m) => m.products.extend(spec.products),
            None => merged = Some(spec),
        }
    }
    match merged {
        Some(spec) => Ok(Some(spec)),
        None => Spec::embedded().map(Some).map_err(Box::new),
    }
}

/// The corpus rules whose findings in one guide depend on every guide of
/// the corpus, not only on its neighbours (see [`CorpusView::neighbours`]):
/// the consensus.
fn reads_whole_corpus(code: &str) -> bool {
    code == "GL302"
}

/// The corpus a guide is checked against ([`Engine::finish_check`]).
#[derive(Debug, Clone, Copy)]
pub struct CorpusView<'a> {
    /// Every guide of the corpus, the checked one among them.
    pub summaries: &'a [GuideSummary],
    /// The guides that the corpus rules other than the consensus (GL302)
    /// read to check that guide, as ascending indexes into `summaries` (the
    /// checked guide among them): the guides of its folder, those sharing its
    /// slug or legacy number, every guide one of its links may lead to (the
    /// guides of the folders it names, those of the slug of a published URL),
    /// and guides that make the same repository root when no `.git` decides
    /// it. The findings are then those of the whole corpus, for a fraction
    /// of the work. `None`: read every guide.
    pub neighbours: Option<&'a [usize]>,
}

/// One guide's own checks ([`Engine::check_guide_text`]), before the corpus
/// pass, its suppressions and the selection ([`Engine::finish_check`]).
#[derive(Debug, Clone)]
pub struct GuideCheck {
    /// The findings of the per-guide rules, sorted by position.
    pub findings: Vec<Finding>,
    /// What the corpus pass reads of the guide.
    pub summary: GuideSummary,
    /// Its inline suppressions.
    pub suppressions: Option<Suppressions>,
}

/// What a run takes from and gives back to the summary cache, guide by guide.
struct CacheUse {
    /// Each guide's key and stamp (taken before it is read), when it is cached.
    stamps: Vec<Option<(String, Stamp)>>,
    /// Each guide's key when it has no stamp (gone, or not a regular file).
    gone: Vec<Option<String>>,
    /// The fresh cached summaries of the guides that are not reported, or
    /// that are clean in a full run.
    /// Each in the cache entry's box ([`Taken`]): a run without a cache holds
    /// one empty slot per guide.
    hits: Vec<Option<Taken>>,
    /// Each guide's clean mark ([`Cache::insert`]): kept for a cached
    /// summary, `None` until the checks of a checked guide give it.
    clean: Vec<Option<bool>>,
    /// How many guides the cache had no fresh summary of (new, changed or gone).
    misses: usize,
}

impl CacheUse {
    /// Stats every guide (in parallel) and takes the fresh summaries of the
    /// unreported ones out of `cache`; in a `full` run, those of the clean
    /// guides too: their own checks would find nothing again.
    fn new(
        cache: Option<&mut Cache>,
        files: &[GuideFile],
        reported: &dyn Fn(usize) -> bool,
        full: bool,
    ) -> Self {
        let Some(cache) = cache else {
            return CacheUse {
                stamps: Vec::new(),
                gone: Vec::new(),
                hits: std::iter::repeat_with(|| None).take(files.len()).collect(),
                clean: Vec::new(),
                misses: 0,
            };
        };
        let keyed: Vec<(String, Option<Stamp>)> = match cache.take_prefetched(files.len()) {
            Some(stamps) => files
                .par_iter()
                .zip(stamps)
                .map(|(f, stamp)| (cache.key(&f.path), stamp))
                .collect(),
            None => files
                .par_iter()
                .map(|f| (cache.key(&f.path), Stamp::read(&f.path)))
                .collect(),
        };
        let mut stamps = Vec::with_capacity(files.len());
        let mut gone = Vec::with_capacity(files.len());
        let mut hits = Vec::with_capacity(files.len());
        let mut clean = Vec::with_capacity(files.len());
        let mut misses = 0;
        for (i, (key, stamp)) in keyed.into_iter().enumerate() {
            // A reported guide is checked for real (unless it is clean in a
            // full run): its cached summary only tells whether the cache
            // changes, and is dropped now.
            let hit = match (&stamp, files.get(i)) {
                (Some(stamp), Some(f)) => cache.take(&key, stamp, &f.display),
                _ => None,
            };
            misses += usize::from(hit.is_none());
            let hit = hit.filter(|(_, was_clean)| !reported(i) || (full && *was_clean));
            clean.push(hit.as_ref().map(|(_, was_clean)| *was_clean));
            hits.push(hit.map(|(summary, _)| summary));
            match stamp {
                Some(stamp) => {
                    stamps.push(Some((key, stamp)));
                    gone.push(None);
                }
                None => {
                    stamps.push(None);
                    gone.push(Some(key));
                }
            }
        }
        CacheUse {
            stamps,
            gone,
            hits,
            clean,
            misses,
        }
    }

    /// Records the clean mark of guide `i` after the per-guide pass: `found`
    /// for a checked guide; a cached summary keeps its own.
    fn checked(&mut self, i: usize, found: bool) {
        if let Some(mark @ None) = self.clean.get_mut(i) {
            *mark = Some(found);
        }
    }

    /// True when enough guides changed since the cache was written for
    /// rewriting it to pay: in a large run, a changed-files run with a
    /// handful of changed guides (at most 16, and at most 1%) leaves it as it
    /// is; those few are read again next time, which costs less than
    /// rewriting every summary.
    fn worth_recording(&self, guides: usize) -> bool {
        self.misses > (guides / 100).min(16)
    }

    /// Gives the run's summaries to `cache` (the ones taken out go back).
    fn record(self, cache: &mut Cache, summaries: Vec<GuideSummary>) {
        let marks = summaries.into_iter().zip(self.clean);
        for (((summary, clean), stamp), gone) in marks.zip(self.stamps).zip(self.gone) {
            if let Some((key, stamp)) = stamp {
                cache.insert(key, stamp, summary, clean.unwrap_or(false));
            } else if let Some(key) = gone {
                cache.remove(&key);
            }
        }
    }
}

/// Frees `value`, which holds `items` allocations, on a rayon thread, off
/// the caller's path; a small one where it is.
fn drop_in_background<T: Send + 'static>(items: usize, value: T) {
    if items < 1024 {
        drop(value);
    } else {
        rayon::spawn(move || drop(value));
    }
}

/// Drops the texts kept by the per-guide pass that no finding needs any more
/// (their findings were suppressed or not selected).
fn drop_unneeded_sources(outcome: &mut Outcome) {
    let mut needed = vec![false; outcome.files.len()];
    for f in &outcome.findings {
        for i in std::iter::once(f.file).chain(f.related.iter().filter_map(|r| r.file)) {
            if let Some(n) = needed.get_mut(i) {
                *n = true;
            }
        }
    }
    for (source, needed) in outcome.files.iter_mut().zip(needed) {
        if !needed {
            source.text = None;
        }
    }
}

/// Reads again, in parallel, the guides whose findings are reported: their
/// text was dropped after the per-guide pass to keep memory flat.
fn reload_sources(outcome: &mut Outcome, files: &[GuideFile]) {
    let mut wanted: Vec<usize> = outcome
        .findings
        .iter()
        .flat_map(|f| std::iter::once(f.file).chain(f.related.iter().filter_map(|r| r.file)))
        .filter(|&i| outcome.files.get(i).is_some_and(|s| s.text.is_none()))
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let texts: Vec<(usize, Arc<str>)> = wanted
        .par_iter()
        .filter_map(|&i| match read_guide(i, &files.get(i)?.path) {
            Read::Text(text) => Some((i, Arc::from(text))),
            Read::Unreadable { .. } => None,
        })
        .collect();
    for (i, text) in texts {
        if let Some(source) = outcome.files.get_mut(i) {
            source.text = Some(text);
        }
    }
}

/// `.txt` files are plain-text exports; everything else is Markdown.
pub fn kind_of(path: &Path) -> GuideKind {
    match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("txt") => GuideKind::PlainText,
        _ => GuideKind::Markdown,
    }
}

/// A guide's text, or why it cannot be checked.
enum Read {
    /// The whole text.
    Text(String),
    /// The GL000 finding, and what of the file can be shown (the valid prefix).
    Unreadable {
        shown: String,
        finding: Box<Finding>,
    },
}

/// Reads a guide as UTF-8 text, or explains why it cannot be checked.
fn read_guide(index: usize, path: &Path) -> Read {
    match try_read(index, path) {
        Ok(text) => Read::Text(text),
        Err(read) => read,
    }
}

fn try_read(index: usize, path: &Path) -> Result<String, Read> {
    let fail = |shown: String, at: usize, message: String, help: &str| {
        let finding = Finding::new("GL000", index, at..at, message)
            .label("here")
            .help(help.to_string());
        Read::Unreadable {
            shown,
            finding: Box::new(finding),
        }
    };
    let meta = std::fs::metadata(path).map_err(|e| {
        let (message, help) = describe_open_error(path, &e);
        fail(String::new(), 0, message, help)
    })?;
    if meta.is_dir() {
        return Err(fail(
            String::new(),
            0,
            "this is a directory, not a guide".into(),
            "give a guide file or let guidelint walk the directory",
        ));
    }
    if !meta.is_file() {
        // Reading a FIFO or a device could block forever or never end.
        return Err(fail(
            String::new(),
            0,
            "this is not a regular file (a pipe, socket or device)".into(),
            "give a guide file, or exclude this path",
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(fail(
            String::new(),
            0,
            format!(
                "this file is {} MB; guidelint reads guides up to {} MB",
                meta.len() >> 20,
                MAX_FILE_BYTES >> 20
            ),
            "split the guide, or exclude the file",
        ));
    }
    // One open and one read into a buffer of the size just found (no second
    // `stat`, no reallocation).
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).map_or(0, |n| n + 1));
    std::fs::File::open(path)
        .and_then(|mut file| std::io::Read::read_to_end(&mut file, &mut bytes))
        .map_err(|e| {
            let (message, help) = describe_open_error(path, &e);
            fail(String::new(), 0, message, help)
        })?;
    if let Some(nul) = memchr::memchr(0, &bytes[..bytes.len().min(8192)]) {
        let prefix = String::from_utf8_lossy(&bytes[..nul]).into_owned();
        let at = prefix.len();
        return Err(fail(
            prefix,
            at,
            format!("this file looks binary (a NUL byte at byte {nul})"),
            "keep binary files out of the guides, or exclude them",
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
        fail(
            prefix,
            valid,
            format!("this file is not valid UTF-8 (byte {valid})"),
            "save the file as UTF-8",
        )
    })
}

/// The GL000 message and help for a guide that cannot be opened.
fn describe_open_error(path: &Path, e: &std::io::Error) -> (String, &'static str) {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    match e.kind() {
        std::io::ErrorKind::NotFound if is_link => (
            "this is a symbolic link to a file that does not exist".into(),
            "fix or remove the link",
        ),
        std::io::ErrorKind::PermissionDenied => (
            format!("could not read this file: permission denied ({e})"),
            "check the file's permissions",
        ),
        _ if is_link && e.raw_os_error() == Some(ELOOP) => (
            "this symbolic link never reaches a file (a loop of links)".into(),
            "fix or remove the link",
        ),
        _ => (
            format!("could not read this file: {e}"),
            "check the file's permissions",
        ),
    }
}

/// `ELOOP`, "too many levels of symbolic links", on Linux and the BSDs.
#[cfg(target_os = "linux")]
const ELOOP: i32 = 40;
#[cfg(not(target_os = "linux"))]
const ELOOP: i32 = 62;

/// GL001: front matter that is not valid YAML, or never closed.
fn front_matter_findings(index: usize, guide: &Guide) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(fence) = &guide.unclosed_front_matter {
        out.push(
            Finding::new(
                "GL001",
                index,
                fence.clone(),
                "front matter is opened here but never closed",
            )
            .label("opening `---`")
            .help("end the front matter with a line holding only `---`"),
        );
    }
    if let Some(Err(e)) = guide.front_matter.as_ref().map(|f| &f.value) {
        let message = e
            .message
            .split(" at line ")
            .next()
            .unwrap_or(&e.message)
            .to_string();
        out.push(
            Finding::new(
                "GL001",
                index,
                e.offset..e.offset,
                format!("front matter is not valid YAML: {message}"),
            )
            .label("here")
            .help("fix the YAML syntax; the guide's metadata is ignored until then"),
        );
    }
    out
}

#[cfg(test)]
mod cache_use_tests {
    use super::CacheUse;

    #[test]
    fn a_handful_of_changes_does_not_rewrite_a_large_cache() {
        let with = |misses| CacheUse {
            stamps: Vec::new(),
            gone: Vec::new(),
            hits: Vec::new(),
            clean: Vec::new(),
            misses,
        };
        assert!(!with(1).worth_recording(20_000));
        assert!(!with(16).worth_recording(20_000));
        assert!(with(17).worth_recording(20_000));
        // A small run always records what it read.
        assert!(with(1).worth_recording(10));
        assert!(!with(0).worth_recording(10));
    }

    #[test]
    fn a_cached_guide_keeps_its_clean_mark_and_a_checked_one_gets_its_own() {
        let mut used = CacheUse {
            stamps: Vec::new(),
            gone: Vec::new(),
            hits: Vec::new(),
            clean: vec![Some(true), Some(false), None, None],
            misses: 0,
        };
        for i in 0..4 {
            used.checked(i, i == 2);
        }
        assert_eq!(
            used.clean,
            [Some(true), Some(false), Some(true), Some(false)]
        );
    }
}
