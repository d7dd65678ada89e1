//! The corpus index: where every guide of the run is (by path, folder, site
//! path and slug), the repository root of each, and what each link and image
//! of each guide resolves to. Built once per run, on first use.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;

use rustc_hash::FxBuildHasher;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use regex::Regex;

use super::layout::short_lang;
use super::paths::{self, Local};
use super::summary::{GuideSummary, LinkRef, has_scheme};

/// What a link or image leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Nothing guidelint checks (another site, a non-guide site path).
    Unchecked,
    /// A guide of the run (possibly the linking guide itself), by file index.
    Guide(usize),
    /// A local file or folder that is not a guide of the run (absolute path).
    Local(PathBuf),
    /// A local path that climbs above the repository root.
    Outside,
    /// A guide of the site that is not in the run; says which.
    NotInRun(String),
}

/// A published-URL pattern such as `https://docs.ovh.com/{lang}/{universe}/{slug}/`.
#[derive(Debug, Clone)]
pub struct UrlPattern {
    regex: Regex,
}

/// The parts of a published URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Published {
    /// `{lang}`.
    pub lang: Option<String>,
    /// `{locale}`.
    pub locale: Option<String>,
    /// `{universe}`.
    pub universe: Option<String>,
    /// `{slug}`.
    pub slug: String,
}

impl UrlPattern {
    /// Compiles `pattern` (placeholders `{lang}`, `{locale}`, `{universe}`, `{slug}`;
    /// `http` and `https` both match; the trailing `/` is optional).
    /// `None` when the pattern has no `{slug}`.
    pub fn new(pattern: &str) -> Option<UrlPattern> {
        if !pattern.contains("{slug}") {
            return None;
        }
        let rest = pattern.split_once("://").map(|(_, r)| r).unwrap_or(pattern);
        let rest = rest.trim_end_matches('/');
        let mut re = String::from("(?i)^https?://");
        let mut tail = rest;
        while let Some(open) = tail.find('{') {
            re.push_str(&regex::escape(&tail[..open]));
            let Some(close) = tail[open..].find('}') else {
                break;
            };
            let name = &tail[open + 1..open + close];
            match name {
                "lang" | "locale" | "universe" | "slug" => {
                    re.push_str(&format!("(?P<{name}>[^/?#]+)"))
                }
                _ => re.push_str(&regex::escape(&tail[open..open + close + 1])),
            }
            tail = &tail[open + close + 1..];
        }
        re.push_str(&regex::escape(tail));
        re.push_str("/?$");
        Regex::new(&re).ok().map(|regex| UrlPattern { regex })
    }

    /// The parts of `url` (without fragment or query), if it follows the pattern.
    pub fn parse(&self, url: &str) -> Option<Published> {
        let caps = self.regex.captures(url)?;
        let get = |n: &str| caps.name(n).map(|m| m.as_str().to_ascii_lowercase());
        Some(Published {
            lang: get("lang"),
            locale: get("locale"),
            universe: get("universe"),
            slug: caps.name("slug")?.as_str().to_string(),
        })
    }
}

/// Everything the corpus rules look up, computed once.
#[derive(Debug, Default)]
pub struct Index {
    /// Per guide: its folder (absolute, normalized).
    pub dirs: Vec<PathBuf>,
    /// Per guide: its repository root.
    pub roots: Vec<PathBuf>,
    /// Per guide, per link (parallel to [`GuideSummary::links`]): what it resolves to.
    pub links: Vec<Vec<Resolution>>,
    /// Which local paths exist on disk.
    exists: HashMap<PathBuf, bool>,
    /// Each guide's absolute path.
    files: Vec<PathBuf>,
    /// The guides by the hash of their path, folder, site folder and slug:
    /// no copy of the keys (twenty thousand guides, four keys each).
    by_path: Lookup,
    by_dir: Lookup,
    by_site_folder: Lookup,
    by_slug: Lookup,
}

/// Guides by the hash of a key: (hash, guide) pairs, sorted. Lookups compare
/// the keys of the guides found (hashes may collide).
#[derive(Debug, Default)]
struct Lookup(Vec<(u64, usize)>);

impl Lookup {
    fn new(mut pairs: Vec<(u64, usize)>) -> Lookup {
        pairs.sort_unstable();
        Lookup(pairs)
    }

    /// The guides whose key has `hash`, in run order.
    fn get(&self, hash: u64) -> impl Iterator<Item = usize> + '_ {
        let start = self.0.partition_point(|(h, _)| *h < hash);
        self.0[start..]
            .iter()
            .take_while(move |(h, _)| *h == hash)
            .map(|(_, i)| *i)
    }
}

impl Index {
    /// Indexes `summaries` and resolves their links against each other and
    /// the filesystem (in parallel; each local path is checked once).
    pub fn build(summaries: &[GuideSummary], url_pattern: Option<&str>) -> Index {
        Self::build_focused(summaries, url_pattern, None)
    }

    /// Like [`Index::build`], but resolves only the links of the guides
    /// `focus` marks (changed-files mode): the others get no resolutions.
    /// Every link rule reports at the link, so the findings of the marked
    /// guides are the same.
    pub fn build_focused(
        summaries: &[GuideSummary],
        url_pattern: Option<&str>,
        focus: Option<&[bool]>,
    ) -> Index {
        let cwd = paths::Absolutizer::new();
        let (files, dirs): (Vec<PathBuf>, Vec<PathBuf>) = summaries
            .par_iter()
            .map(|s| {
                let file = cwd.absolute(&s.fs_path);
                let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
                (file, dir)
            })
            .unzip();
        let mut cache = HashMap::new();
        let mut git: Vec<Option<PathBuf>> = Vec::with_capacity(dirs.len());
        for (i, d) in dirs.iter().enumerate() {
            // Only a guide whose links are resolved needs its repository root.
            if focus.is_some_and(|f| !f.get(i).copied().unwrap_or(false)) {
                git.push(None);
                continue;
            }
            // Guides of one folder are neighbours in the run: one lookup each.
            let root = match i.checked_sub(1).and_then(|p| dirs.get(p)) {
                Some(prev) if prev == d => git.last().cloned().flatten(),
                _ => paths::git_root(d, &mut cache),
            };
            git.push(root);
        }
        let common = paths::common_root(dirs.iter().map(PathBuf::as_path)).unwrap_or_default();
        let roots = git
            .into_iter()
            .map(|r| r.unwrap_or_else(|| common.clone()))
            .collect();
        let hasher = FxBuildHasher;
        let hashed = |key: Option<&str>, i: usize| key.map(|k| (hasher.hash_one(k), i));
        type Pairs = Vec<(u64, usize)>;
        let (by_path, by_dir): (Pairs, Pairs) = files
            .par_iter()
            .zip(&dirs)
            .enumerate()
            .map(|(i, (f, d))| ((hasher.hash_one(f), i), (hasher.hash_one(d), i)))
            .unzip();
        let by_site_folder = summaries
            .iter()
            .enumerate()
            .filter_map(|(i, s)| hashed(s.layout.site_folder.as_deref(), i))
            .collect();
        let by_slug = summaries
            .iter()
            .enumerate()
            .filter_map(|(i, s)| hashed(s.slug.as_ref().map(|l| l.value.as_str()), i))
            .collect();
        let mut index = Index {
            dirs,
            roots,
            files,
            by_path: Lookup::new(by_path),
            by_dir: Lookup::new(by_dir),
            by_site_folder: Lookup::new(by_site_folder),
            by_slug: Lookup::new(by_slug),
            ..Index::default()
        };
        let pattern = url_pattern.and_then(UrlPattern::new);
        let links: Vec<Vec<Resolution>> = summaries
            .par_iter()
            .enumerate()
            .map(|(i, s)| {
                if focus.is_some_and(|f| !f.get(i).copied().unwrap_or(false)) {
                    return Vec::new();
                }
                // The guide's folder, read once for all its links.
                let base = paths::folders_below(&index.roots[i], &index.dirs[i]);
                s.links
                    .iter()
                    .map(|l| index.resolve(summaries, i, base.as_deref(), l, pattern.as_ref()))
                    .collect()
            })
            .collect();
        let local: HashSet<&PathBuf> = links
            .iter()
            .flatten()
            .filter_map(|r| match r {
                Resolution::Local(p) => Some(p),
                _ => None,
            })
            .collect();
        let local: Vec<&PathBuf> = local.into_iter().collect();
        index.exists = local
            .par_iter()
            .map(|p| ((*p).clone(), p.exists()))
            .collect();
        index.links = links;
        index
    }

    /// Whether a local path of a [`Resolution::Local`] exists on disk.
    pub fn exists(&self, path: &Path) -> bool {
        self.exists.get(path).copied().unwrap_or(false)
    }

    /// The guides sharing the folder of guide `i` (itself included), in run order.
    pub fn folder_of(&self, i: usize) -> Vec<usize> {
        match self.dirs.get(i) {
            Some(d) => self.in_dir(d),
            None => Vec::new(),
        }
    }

    /// The guides in folder `dir`, in run order.
    fn in_dir(&self, dir: &Path) -> Vec<usize> {
        self.by_dir
            .get(FxBuildHasher.hash_one(dir))
            .filter(|&j| self.dirs[j] == dir)
            .collect()
    }

    /// The guides of site folder `key`, in run order.
    fn in_site_folder(&self, summaries: &[GuideSummary], key: &str) -> Vec<usize> {
        self.by_site_folder
            .get(FxBuildHasher.hash_one(key))
            .filter(|&j| summaries[j].layout.site_folder.as_deref() == Some(key))
            .collect()
    }

    /// What `link` of guide `from` leads to; `base` is the guide's folder
    /// below its root ([`paths::folders_below`]).
    fn resolve(
        &self,
        summaries: &[GuideSummary],
        from: usize,
        base: Option<&[&str]>,
        link: &LinkRef,
        pattern: Option<&UrlPattern>,
    ) -> Resolution {
        let target = paths::percent_decode(&link.target);
        let locale = summaries[from].layout.locale.as_deref();
        if target.is_empty() {
            return Resolution::Guide(from);
        }
        if has_scheme(&target) {
            return match pattern.and_then(|p| p.parse(&target)) {
                Some(published) => self.published(summaries, from, &published, &link.target),
                None => Resolution::Unchecked,
            };
        }
        let root = &self.roots[from];
        if let Some(site) = target.strip_prefix('/') {
            let key = site.trim_end_matches('/');
            let found = if link.image {
                Vec::new()
            } else {
                self.in_site_folder(summaries, key)
            };
            if !found.is_empty() {
                return pick_locale(summaries, &found, locale)
                    .map(Resolution::Guide)
                    .unwrap_or_else(|| not_in_folder(locale, &target));
            }
            if link.image {
                return match paths::resolve(root, root, site) {
                    Local::Inside(p) => Resolution::Local(p),
                    Local::Outside => Resolution::Outside,
                };
            }
            if key.starts_with("pages/") {
                return Resolution::NotInRun(format!("the page `{target}`"));
            }
            return Resolution::Unchecked;
        }
        let resolved = match base {
            Some(base) => paths::resolve_in(root, base, &target),
            None => Local::Outside,
        };
        match resolved {
            Local::Inside(p) => self.local(summaries, p, locale, link.image),
            Local::Outside => Resolution::Outside,
        }
    }

    fn local(
        &self,
        summaries: &[GuideSummary],
        path: PathBuf,
        locale: Option<&str>,
        image: bool,
    ) -> Resolution {
        if image {
            return Resolution::Local(path);
        }
        // The last guide of that path, as a map filled in run order would give.
        if let Some(i) = self
            .by_path
            .get(FxBuildHasher.hash_one(&path))
            .filter(|&j| self.files[j] == path)
            .last()
        {
            return Resolution::Guide(i);
        }
        let found = self.in_dir(&path);
        if !found.is_empty() {
            let translations: Vec<usize> = found
                .into_iter()
                .filter(|&i| summaries[i].layout.translation)
                .collect();
            if !translations.is_empty() {
                return pick_locale(summaries, &translations, locale)
                    .map(Resolution::Guide)
                    .unwrap_or_else(|| not_in_folder(locale, &path.to_string_lossy()));
            }
        }
        Resolution::Local(path)
    }

    fn published(
        &self,
        summaries: &[GuideSummary],
        from: usize,
        url: &Published,
        written: &str,
    ) -> Resolution {
        let matches = |i: &&usize| {
            let l = &summaries[**i].layout;
            let lang_ok = match (&url.lang, &l.locale) {
                (Some(lang), Some(locale)) => short_lang(locale) == lang,
                _ => true,
            };
            let locale_ok = match (&url.locale, &l.locale) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            };
            let universe_ok = match (&url.universe, &l.universe) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                _ => true,
            };
            lang_ok && locale_ok && universe_ok
        };
        let candidates: Vec<usize> = self
            .by_slug
            .get(FxBuildHasher.hash_one(url.slug.as_str()))
            .filter(|&j| summaries[j].slug.as_ref().map(|l| l.value.as_str()) == Some(&url.slug))
            .filter(|j| matches(&j))
            .collect();
        let own = summaries[from].layout.locale.as_deref();
        match pick_locale(summaries, &candidates, own).or(candidates.first().copied()) {
            Some(i) => Resolution::Guide(i),
            None => Resolution::NotInRun(format!("the guide published at `{written}`")),
        }
    }
}

/// Among `found`, the guide in `locale`; any guide when the locale is unknown.
fn pick_locale(summaries: &[GuideSummary], found: &[usize], locale: Option<&str>) -> Option<usize> {
    match locale {
        Some(locale) => found
            .iter()
            .copied()
            .find(|&i| summaries[i].layout.locale.as_deref() == Some(locale))
            .or_else(|| {
                found
                    .iter()
                    .copied()
                    .find(|&i| summaries[i].layout.locale.is_none())
            }),
        None => found.first().copied(),
    }
}

fn not_in_folder(locale: Option<&str>, folder: &str) -> Resolution {
    Resolution::NotInRun(format!(
        "the {} guide of `{folder}`",
        locale.unwrap_or("same-locale")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_patterns() {
        let p = UrlPattern::new("https://docs.ovh.com/{lang}/{universe}/{slug}/").unwrap();
        let got = p
            .parse("https://docs.ovh.com/fr/emails/utilisation-roundcube/")
            .unwrap();
        assert_eq!(got.lang.as_deref(), Some("fr"));
        assert_eq!(got.universe.as_deref(), Some("emails"));
        assert_eq!(got.slug, "utilisation-roundcube");
        assert!(p.parse("http://DOCS.ovh.com/fr/emails/x").is_some());
        assert!(p.parse("https://docs.ovh.com/fr/").is_none());
        assert!(p.parse("https://www.ovh.com/fr/emails/x/").is_none());
        assert!(UrlPattern::new("https://docs.ovh.com/{lang}/").is_none());
    }
}
