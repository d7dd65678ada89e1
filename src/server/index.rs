//! The corpus index the server checks open guides against: every guide of
//! the project's root with its summary (what `guidelint check` keeps of it for
//! the corpus pass), built from the summary cache in the background and kept
//! up to date as guides are saved or change on disk.
//!
//! A check of one guide does not run the corpus rules over all twenty
//! thousand summaries: it gives them the guide's *neighbours*
//! ([`crate::engine::CorpusView::neighbours`]), found here by lookups: the
//! guides of its folder, those sharing its slug or legacy number, those in
//! the folders its links name, those whose slug a published URL names. The
//! consensus rule alone reads every summary.

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::AtomicUsize;

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use super::workspace::Setup;
use crate::cache::{Cache, Stamp};
use crate::corpus::GuideSummary;
use crate::corpus::links::UrlPattern;
use crate::corpus::paths::{Absolutizer, percent_decode};
use crate::corpus::summary::has_scheme;
use crate::discover::{self, GuideFile};

/// The guides of the project and their summaries, in path order.
#[derive(Debug, Default)]
pub struct CorpusIndex {
    /// The cache fingerprint of the setup the summaries were made with.
    pub fingerprint: u64,
    files: Vec<GuideFile>,
    stamps: Vec<Option<Stamp>>,
    summaries: Vec<GuideSummary>,
    /// Each guide's folder, absolute and normalized.
    dirs: Vec<PathBuf>,
    by_dir: HashMap<PathBuf, Vec<usize>>,
    /// The guides by their folder's name.
    by_name: HashMap<OsString, Vec<usize>>,
    by_slug: HashMap<String, Vec<usize>>,
    by_legacy: HashMap<String, Vec<usize>>,
    /// Guides whose folders have the same deepest common folder as all
    /// the guides': the repository root when no `.git` gives one.
    pins: Vec<usize>,
}

/// What a guide's check reads of the corpus, by key: the folder of the
/// guide, the folder names its links lead into, the slugs it has or
/// its published links name, its legacy number. Kept with a check, to know
/// which changes of the index call for checking it again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keys {
    /// The guide's folder (absolute, normalized).
    pub dir: PathBuf,
    /// Names of folders its links may lead into.
    pub names: Vec<OsString>,
    /// Its slug and the slugs its published URLs name.
    pub slugs: Vec<String>,
    /// Its legacy guide number.
    pub legacy: Option<String>,
}

/// A guide of the index that changed: what it was and is, for [`Keys::touched_by`].
#[derive(Debug, Clone, Default)]
pub struct Touched {
    /// Its path as shown.
    pub display: String,
    /// Its folder (absolute, normalized).
    pub dir: PathBuf,
    /// Its slugs, before and after.
    pub slugs: Vec<String>,
    /// Its legacy numbers, before and after.
    pub legacy: Vec<String>,
}

impl Keys {
    /// True when the change `t` may change the findings of the guide with
    /// these keys: a guide of its folder (a translation), of a folder its
    /// links name, with its slug or one its links name, or its legacy number.
    pub fn touched_by(&self, t: &Touched) -> bool {
        t.dir == self.dir
            || t.dir
                .file_name()
                .is_some_and(|n| self.names.iter().any(|m| m == n))
            || t.slugs.iter().any(|s| self.slugs.contains(s))
            || self
                .legacy
                .as_ref()
                .is_some_and(|l| t.legacy.iter().any(|m| m == l))
    }
}

impl CorpusIndex {
    /// Indexes the guides of the project (the current folder is its root),
    /// taking fresh summaries from the cache and checking the other guides;
    /// `total` is set to the number of guides once they are found, `done`
    /// counts those indexed. `None` when `cancelled` says so.
    pub fn load(
        setup: &Setup,
        use_cache: bool,
        total: &AtomicUsize,
        done: &AtomicUsize,
        cancelled: &(dyn Fn() -> bool + Sync),
    ) -> Result<Option<CorpusIndex>, String> {
        use std::sync::atomic::Ordering;
        let cache_dir = setup.cache_dir.as_deref().filter(|_| use_cache);
        let mut files =
            discover::discover_cached(&[".".to_string()], cache_dir).map_err(|e| e.to_string())?;
        let config = &setup.engine.config;
        files.retain(|f| config.includes(Some(&setup.root), &f.path));
        total.store(files.len(), Ordering::Relaxed);
        let stamps = crate::cache::stamps(&files);
        let mut cache = cache_dir.map(|dir| {
            let mut cache = Cache::open(dir, &setup.root, setup.fingerprint);
            cache.prefetch(stamps.clone());
            cache
        });
        let Some(summaries) = setup
            .engine
            .index_summaries(&files, cache.as_mut(), done, cancelled)
        else {
            return Ok(None);
        };
        if let Some(cache) = &mut cache
            && let Err(e) = cache.save()
        {
            super::transport::log(&format!(
                "cannot write the cache {}: {e}",
                cache.file().display()
            ));
        }
        let mut index = CorpusIndex {
            fingerprint: setup.fingerprint,
            files,
            stamps,
            summaries,
            ..CorpusIndex::default()
        };
        index.rebuild();
        Ok(Some(index))
    }

    /// An index of `summaries` (of `files`, in the same order), for tests and tools.
    pub fn from_summaries(files: Vec<GuideFile>, summaries: Vec<GuideSummary>) -> CorpusIndex {
        let stamps = crate::cache::stamps(&files);
        let mut index = CorpusIndex {
            files,
            stamps,
            summaries,
            ..CorpusIndex::default()
        };
        index.rebuild();
        index
    }

    /// Recomputes every lookup (after guides were added or removed).
    fn rebuild(&mut self) {
        for (i, s) in self.summaries.iter_mut().enumerate() {
            s.file = i;
        }
        let cwd = Absolutizer::new();
        self.dirs = self
            .files
            .par_iter()
            .map(|f| {
                let file = cwd.absolute(&f.path);
                file.parent().map(Path::to_path_buf).unwrap_or_default()
            })
            .collect();
        self.by_dir = HashMap::default();
        self.by_name = HashMap::default();
        self.by_slug = HashMap::default();
        self.by_legacy = HashMap::default();
        for (i, dir) in self.dirs.iter().enumerate() {
            self.by_dir.entry(dir.clone()).or_default().push(i);
            if let Some(name) = dir.file_name() {
                self.by_name.entry(name.to_os_string()).or_default().push(i);
            }
        }
        for (i, s) in self.summaries.iter().enumerate() {
            if let Some(slug) = &s.slug {
                self.by_slug.entry(slug.value.clone()).or_default().push(i);
            }
            if let Some(n) = &s.legacy_number {
                self.by_legacy.entry(n.value.clone()).or_default().push(i);
            }
        }
        self.pins = pins(&self.dirs);
    }

    /// How many guides the index holds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when it holds none.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Every summary, by guide index.
    pub fn summaries(&self) -> &[GuideSummary] {
        &self.summaries
    }

    /// The guide at index `i`.
    pub fn file(&self, i: usize) -> Option<&GuideFile> {
        self.files.get(i)
    }

    /// The index of the guide shown as `display`.
    pub fn position(&self, display: &str) -> Option<usize> {
        self.files
            .binary_search_by(|f| f.display.as_str().cmp(display))
            .ok()
    }

    /// The folder (absolute, normalized) of the guide at `path` (as given).
    pub fn dir_of(path: &Path) -> PathBuf {
        let file = Absolutizer::new().absolute(path);
        file.parent().map(Path::to_path_buf).unwrap_or_default()
    }

    /// The keys of a guide whose summary is `summary`, in folder `dir`.
    pub fn keys(summary: &GuideSummary, dir: &Path, pattern: Option<&UrlPattern>) -> Keys {
        let mut keys = Keys {
            dir: dir.to_path_buf(),
            legacy: summary.legacy_number.as_ref().map(|l| l.value.clone()),
            ..Keys::default()
        };
        if let Some(slug) = &summary.slug {
            keys.slugs.push(slug.value.clone());
        }
        for link in &summary.links {
            let target = percent_decode(&link.target);
            if target.is_empty() {
                continue;
            }
            if has_scheme(&target) {
                if let Some(published) = pattern.and_then(|p| p.parse(&target)) {
                    keys.slugs.push(published.slug);
                }
                continue;
            }
            // The folder names of the target, from the guide's folder (or
            // the root for a site path, whose last names are the same).
            let path = if target.starts_with('/') {
                PathBuf::from(target.as_ref())
            } else {
                dir.join(target.as_ref())
            };
            let path = lexical(&path);
            let names: Vec<&std::ffi::OsStr> = path
                .components()
                .filter_map(|c| match c {
                    Component::Normal(n) => Some(n),
                    _ => None,
                })
                .collect();
            for name in names.iter().rev().take(2) {
                keys.names.push(name.to_os_string());
            }
        }
        keys.names.sort();
        keys.names.dedup();
        keys.slugs.sort();
        keys.slugs.dedup();
        keys
    }

    /// The guides a guide with `keys` is checked against (see [`Keys`]), and
    /// the root's pins; ascending. `own` is the guide's own index, included.
    pub fn neighbours(&self, keys: &Keys, own: usize) -> Vec<usize> {
        let mut out = vec![own];
        let mut add = |found: Option<&Vec<usize>>| out.extend(found.into_iter().flatten());
        add(self.by_dir.get(&keys.dir));
        for name in &keys.names {
            add(self.by_name.get(name));
        }
        for slug in &keys.slugs {
            add(self.by_slug.get(slug));
        }
        if let Some(l) = &keys.legacy {
            add(self.by_legacy.get(l));
        }
        out.extend(&self.pins);
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Runs `f` on the summaries with `summary` in the place of guide `file`
    /// (after the last guide when `file` is the length: a guide the index
    /// does not hold), then puts back what was there.
    pub fn with_guide<R>(
        &mut self,
        file: usize,
        mut summary: GuideSummary,
        f: impl FnOnce(&[GuideSummary]) -> R,
    ) -> R {
        summary.file = file;
        if file < self.summaries.len() {
            std::mem::swap(&mut self.summaries[file], &mut summary);
            let out = f(&self.summaries);
            std::mem::swap(&mut self.summaries[file], &mut summary);
            out
        } else {
            self.summaries.push(summary);
            let out = f(&self.summaries);
            self.summaries.pop();
            out
        }
    }

    /// The absolute path of guide `i`.
    pub fn absolute(&self, setup: &Setup, i: usize) -> Option<PathBuf> {
        let f = self.files.get(i)?;
        Some(crate::corpus::paths::normalize(&setup.root.join(&f.path)))
    }

    /// What to do about the files at `paths` (absolute), which may have
    /// changed on disk: the guides to read again or add (with their stamp
    /// as read now), and those to remove.
    pub fn plan(&self, setup: &Setup, paths: &[PathBuf]) -> Plan {
        let mut plan = Plan::default();
        for path in paths {
            let display = setup.display(path);
            let hidden = display
                .split('/')
                .any(|part| part.starts_with('.') && part != "." && part != "..");
            let wanted = discover::is_guide_name(path)
                && !hidden
                && setup.engine.config.includes(Some(&setup.root), path);
            let stamp = if wanted { Stamp::read(path) } else { None };
            match (self.position(&display), stamp) {
                (Some(i), Some(stamp)) => {
                    if self.stamps.get(i).copied().flatten() != Some(stamp) {
                        plan.read.push((self.files[i].clone(), Some(stamp)));
                    }
                }
                (Some(i), None) => plan.remove.push(self.files[i].display.clone()),
                (None, Some(stamp)) => {
                    let relative = Path::new(".").join(&display);
                    let path = if Path::new(&display).is_absolute() {
                        PathBuf::from(&display)
                    } else {
                        relative
                    };
                    plan.read.push((
                        GuideFile {
                            display,
                            path,
                            link: false,
                        },
                        Some(stamp),
                    ));
                }
                (None, None) => {}
            }
        }
        plan.read.sort_by(|a, b| a.0.display.cmp(&b.0.display));
        plan.read.dedup_by(|a, b| a.0.display == b.0.display);
        plan.remove.sort();
        plan.remove.dedup();
        plan
    }

    /// The plan that makes the index hold exactly `files` (a new walk of the root).
    pub fn plan_rescan(&self, files: Vec<GuideFile>) -> Plan {
        let mut plan = Plan::default();
        let stamps = crate::cache::stamps(&files);
        let mut seen = vec![false; self.files.len()];
        for (f, stamp) in files.into_iter().zip(stamps) {
            match self.position(&f.display) {
                Some(i) => {
                    seen[i] = true;
                    if self.stamps[i] != stamp || stamp.is_none() {
                        plan.read.push((self.files[i].clone(), stamp));
                    }
                }
                None => plan.read.push((f, stamp)),
            }
        }
        for (i, seen) in seen.into_iter().enumerate() {
            if !seen {
                plan.remove.push(self.files[i].display.clone());
            }
        }
        plan
    }

    /// Carries out `plan`, whose guides were summarized as `summaries`
    /// (one per [`Plan::read`], in order): returns what changed.
    pub fn apply(&mut self, plan: Plan, summaries: Vec<GuideSummary>) -> Vec<Touched> {
        let mut touched = Vec::new();
        let mut structural = false;
        let cwd = Absolutizer::new();
        let describe = |s: &GuideSummary| {
            (
                s.slug.iter().map(|l| l.value.clone()).collect::<Vec<_>>(),
                s.legacy_number
                    .iter()
                    .map(|l| l.value.clone())
                    .collect::<Vec<_>>(),
            )
        };
        for display in &plan.remove {
            if let Some(i) = self.position(display) {
                let (slugs, legacy) = describe(&self.summaries[i]);
                touched.push(Touched {
                    display: display.clone(),
                    dir: self.dirs[i].clone(),
                    slugs,
                    legacy,
                });
                self.files.remove(i);
                self.stamps.remove(i);
                self.summaries.remove(i);
                self.dirs.remove(i);
                structural = true;
            }
        }
        for ((file, stamp), summary) in plan.read.into_iter().zip(summaries) {
            let (mut slugs, mut legacy) = describe(&summary);
            match self.position(&file.display) {
                Some(i) => {
                    let (old_slugs, old_legacy) = describe(&self.summaries[i]);
                    if !structural && (old_slugs != slugs || old_legacy != legacy) {
                        self.unlist(i);
                        self.list(i, &summary);
                    }
                    slugs.extend(old_slugs);
                    legacy.extend(old_legacy);
                    let mut summary = summary;
                    summary.file = i;
                    self.summaries[i] = summary;
                    self.stamps[i] = stamp;
                    touched.push(Touched {
                        display: file.display.clone(),
                        dir: self.dirs[i].clone(),
                        slugs,
                        legacy,
                    });
                }
                None => {
                    let at = self
                        .files
                        .partition_point(|f| f.display.as_str() < file.display.as_str());
                    let dir = cwd
                        .absolute(&file.path)
                        .parent()
                        .map(Path::to_path_buf)
                        .unwrap_or_default();
                    touched.push(Touched {
                        display: file.display.clone(),
                        dir: dir.clone(),
                        slugs,
                        legacy,
                    });
                    self.files.insert(at, file);
                    self.stamps.insert(at, stamp);
                    self.summaries.insert(at, summary);
                    self.dirs.insert(at, dir);
                    structural = true;
                }
            }
        }
        if structural {
            self.rebuild();
        }
        touched
    }

    /// Takes guide `i` out of the slug and legacy lookups.
    fn unlist(&mut self, i: usize) {
        let s = &self.summaries[i];
        for (map, key) in [
            (&mut self.by_slug, s.slug.as_ref()),
            (&mut self.by_legacy, s.legacy_number.as_ref()),
        ] {
            if let Some(key) = key
                && let Some(list) = map.get_mut(&key.value)
            {
                list.retain(|&j| j != i);
                if list.is_empty() {
                    map.remove(&key.value);
                }
            }
        }
    }

    /// Puts guide `i`, whose summary is now `s`, in the slug and legacy lookups.
    fn list(&mut self, i: usize, s: &GuideSummary) {
        for (map, key) in [
            (&mut self.by_slug, s.slug.as_ref()),
            (&mut self.by_legacy, s.legacy_number.as_ref()),
        ] {
            if let Some(key) = key {
                let list = map.entry(key.value.clone()).or_default();
                let at = list.partition_point(|&j| j < i);
                list.insert(at, i);
            }
        }
    }
}

/// Changes to make to an index ([`CorpusIndex::plan`]).
#[derive(Debug, Default)]
pub struct Plan {
    /// Guides to read and summarize again, or to add, with their stamp.
    pub read: Vec<(GuideFile, Option<Stamp>)>,
    /// Guides to remove, by path as shown.
    pub remove: Vec<String>,
}

impl Plan {
    /// True when it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.read.is_empty() && self.remove.is_empty()
    }
}

/// `path` with `.` and `..` resolved lexically.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// At most two guides whose folders have the deepest common folder of all
/// of `dirs`: with them among a guide's neighbours, the corpus pass finds
/// the same repository root as over every guide.
fn pins(dirs: &[PathBuf]) -> Vec<usize> {
    let Some(first) = dirs.first() else {
        return Vec::new();
    };
    let Some(common) = crate::corpus::paths::common_root(dirs.iter().map(PathBuf::as_path)) else {
        return vec![0];
    };
    if *first == common {
        return vec![0];
    }
    let depth = common.components().count();
    let branch = first.components().nth(depth);
    match dirs
        .iter()
        .position(|d| d.components().nth(depth) != branch)
    {
        Some(j) => vec![0, j],
        None => vec![0],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_keep_the_common_root() {
        let dirs: Vec<PathBuf> = ["/r/a/x", "/r/a/y", "/r/b-c/z", "/r/b/w"]
            .iter()
            .map(PathBuf::from)
            .collect();
        let pins = pins(&dirs);
        let picked: Vec<&Path> = pins.iter().map(|&i| dirs[i].as_path()).collect();
        assert_eq!(
            crate::corpus::paths::common_root(picked),
            Some(PathBuf::from("/r"))
        );
        let one = vec![PathBuf::from("/r/a"), PathBuf::from("/r/a")];
        assert_eq!(super::pins(&one), vec![0]);
    }

    #[test]
    fn keys_name_the_folders_links_lead_into() {
        use crate::corpus::summary::LinkRef;
        let link = |t: &str| LinkRef {
            target: t.into(),
            fragment: None,
            url_span: 0..0,
            fragment_span: 0..0,
            image: false,
        };
        let summary = GuideSummary {
            links: vec![
                link("../email_owa/guide.fr-fr.md"),
                link("/pages/web/emails/mail_filters/"),
                link("https://docs.ovh.com/fr/emails/mon-slug/"),
                link(""),
            ],
            ..GuideSummary::default()
        };
        let pattern = UrlPattern::new("https://docs.ovh.com/{lang}/{universe}/{slug}/");
        let keys = CorpusIndex::keys(
            &summary,
            Path::new("/r/pages/web/emails/a"),
            pattern.as_ref(),
        );
        let names: Vec<String> = keys
            .names
            .iter()
            .map(|n| n.to_string_lossy().into_owned())
            .collect();
        for want in ["email_owa", "guide.fr-fr.md", "mail_filters", "emails"] {
            assert!(names.iter().any(|n| n == want), "{names:?} lacks {want}");
        }
        assert_eq!(keys.slugs, vec!["mon-slug".to_string()]);
    }
}
