//! Discovery: turning the command line's paths into the list of guides to check.
//!
//! A path is a file (checked whatever its extension), a directory (walked
//! recursively for `*.md` and `*.txt`, hidden entries skipped, symbolic links
//! to directories not followed, so link loops cannot trap the walk; a link
//! named like a guide that leads nowhere is kept and reported as unreadable) or a glob
//! pattern (`"pages/**/guide.fr-fr.md"`).

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::listings::{DirStamp, Listing, Listings, Visited};

/// A guide to check: where it is and how to show its path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct GuideFile {
    /// How findings name the file: relative as given on the command line.
    pub display: String,
    /// The path to read.
    pub path: PathBuf,
    /// True when the path is a symbolic link: what it leads to may have
    /// another name (see [`crate::changed`]).
    pub link: bool,
}

/// A path guidelint cannot use: the run stops with exit status 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoverError {
    /// The path as given.
    pub path: String,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for DiscoverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

impl std::error::Error for DiscoverError {}

/// The extensions (compared without case) of the files guidelint treats as
/// guides when walking a directory.
pub const GUIDE_EXTENSIONS: [&str; 3] = ["md", "markdown", "txt"];

/// True for the file names guidelint treats as guides when walking a directory.
pub fn is_guide_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| GUIDE_EXTENSIONS.iter().any(|g| e.eq_ignore_ascii_case(g)))
}

/// What `path` leads to (links followed), and whether it is a symbolic
/// link: one system call unless it is one.
fn metadata(path: &Path) -> (std::io::Result<fs::Metadata>, bool) {
    match fs::symlink_metadata(path) {
        Ok(own) if own.file_type().is_symlink() => (fs::metadata(path), true),
        own => (own, false),
    }
}

fn display(path: &Path) -> String {
    let s = path.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') && n != "." && n != "..")
}

/// Expands `paths` into guide files, sorted and without duplicates.
pub fn discover(paths: &[String]) -> Result<Vec<GuideFile>, DiscoverError> {
    discover_cached(paths, None)
}

/// Like [`discover`], with the folder listings of earlier runs kept in the
/// cache folder `cache_dir` ([`crate::listings`]): a folder unchanged since
/// is `stat`ed instead of read. The listings are updated after the walk (a
/// file that cannot be written costs time, not correctness).
pub fn discover_cached(
    paths: &[String],
    cache_dir: Option<&Path>,
) -> Result<Vec<GuideFile>, DiscoverError> {
    discover_listed(paths, cache_dir.map(Listings::open))
}

/// [`discover_cached`] with `listings` already open.
#[doc(hidden)]
pub fn discover_listed(
    paths: &[String],
    listings: Option<Listings>,
) -> Result<Vec<GuideFile>, DiscoverError> {
    let walker = listings.map(|listings| Walker {
        listings,
        cwd: crate::corpus::paths::Absolutizer::new(),
        visited: Mutex::new(Visited::default()),
        roots: Mutex::new(Vec::new()),
    });
    let found = find(paths, walker.as_ref());
    if let Some(w) = walker {
        let roots = w.roots.into_inner().unwrap_or_default();
        let visited = w.visited.into_inner().unwrap_or_default();
        let _ = w.listings.save(&roots, visited);
    }
    found
}

/// The walk's use of the listings.
struct Walker {
    listings: Listings,
    cwd: crate::corpus::paths::Absolutizer,
    visited: Mutex<Visited>,
    /// The walked folders (absolute).
    roots: Mutex<Vec<String>>,
}

fn find(paths: &[String], walker: Option<&Walker>) -> Result<Vec<GuideFile>, DiscoverError> {
    let mut out = Vec::new();
    for given in paths {
        if given.contains(['*', '?', '[']) && !Path::new(given).exists() {
            let entries = glob::glob(given).map_err(|e| DiscoverError {
                path: given.clone(),
                reason: format!("invalid glob pattern: {e}"),
            })?;
            let mut matched = 0;
            for entry in entries.flatten() {
                matched += 1;
                let (meta, link) = metadata(&entry);
                match meta {
                    Ok(meta) if meta.is_file() && is_guide_name(&entry) => out.push(GuideFile {
                        display: display(&entry),
                        link,
                        path: entry,
                    }),
                    Ok(meta) if meta.is_dir() => walk(&entry, &mut out, walker),
                    _ => {}
                }
            }
            if matched == 0 {
                return Err(DiscoverError {
                    path: given.clone(),
                    reason: "no file matches this pattern".into(),
                });
            }
            continue;
        }
        let path = PathBuf::from(given);
        let (meta, link) = metadata(&path);
        match meta {
            Ok(meta) if meta.is_dir() => walk(&path, &mut out, walker),
            Err(e) if !link => {
                return Err(DiscoverError {
                    path: given.clone(),
                    reason: if e.kind() == std::io::ErrorKind::NotFound {
                        "no such file or directory".into()
                    } else {
                        e.to_string()
                    },
                });
            }
            // A file, or a link that leads nowhere (dangling, or a loop): a
            // guide that cannot be read, GL000 reports it, the run goes on.
            _ => out.push(GuideFile {
                display: display(&path),
                link,
                path,
            }),
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.path == b.path);
    Ok(out)
}

/// Walks `dir` for guides. Unreadable directories are skipped silently; the
/// guides inside them are simply not found.
fn walk(dir: &Path, out: &mut Vec<GuideFile>, walker: Option<&Walker>) {
    let key = walker.and_then(|w| {
        let key = w.cwd.absolute(dir).to_str()?.to_string();
        if let Ok(mut roots) = w.roots.lock() {
            roots.push(key.clone());
        }
        Some(key)
    });
    out.extend(walk_parallel(dir, key, 0, walker));
}

/// Folders deeper than this are walked without recursion (no stack overflow
/// on pathological trees).
const PARALLEL_DEPTH: usize = 32;

/// A folder to walk and its key in the listings (its absolute path, when UTF-8).
type Folder = (PathBuf, Option<String>);

/// The guides under `dir`, its sub-folders walked in parallel: a docs
/// repository has thousands of folders, and listing each is a system call.
fn walk_parallel(
    dir: &Path,
    key: Option<String>,
    depth: usize,
    walker: Option<&Walker>,
) -> Vec<GuideFile> {
    use rayon::prelude::*;
    let mut out = Vec::new();
    let mut subdirs: Vec<Folder> = Vec::new();
    visit(dir, key, walker, &mut out, &mut subdirs);
    if depth >= PARALLEL_DEPTH {
        while let Some((d, key)) = subdirs.pop() {
            visit(&d, key, walker, &mut out, &mut subdirs);
        }
        return out;
    }
    let nested: Vec<Vec<GuideFile>> = subdirs
        .into_par_iter()
        .map(|(d, key)| walk_parallel(&d, key, depth + 1, walker))
        .collect();
    out.extend(nested.into_iter().flatten());
    out
}

/// The guides of folder `dir` into `out`, its sub-folders into `subdirs`:
/// from its listing when it is fresh, else read (and its listing kept).
fn visit(
    dir: &Path,
    key: Option<String>,
    walker: Option<&Walker>,
    out: &mut Vec<GuideFile>,
    subdirs: &mut Vec<Folder>,
) {
    let (Some(w), Some(key)) = (walker, key) else {
        list_folder(dir, None, out, subdirs);
        return;
    };
    let Some(stamp) = DirStamp::read(dir) else {
        list_folder(dir, Some(&key), out, subdirs);
        return;
    };
    if let Some(listing) = w.listings.fresh(&key, &stamp) {
        for name in &listing.guides {
            // A folder holding a link is never kept: no guide here is one.
            let path = dir.join(name);
            out.push(GuideFile {
                display: display(&path),
                link: false,
                path,
            });
        }
        for name in &listing.subdirs {
            subdirs.push((dir.join(name), Some(format!("{key}/{name}"))));
        }
        if let Ok(mut visited) = w.visited.lock() {
            visited.fresh.push(key);
        }
        return;
    }
    let listing = list_folder(dir, Some(&key), out, subdirs);
    if let Some((guides, names)) = listing
        && w.listings.keepable(&stamp)
        && let Ok(mut visited) = w.visited.lock()
    {
        let listing = Listing {
            stamp,
            guides,
            subdirs: names,
        };
        visited.read.push((key, listing));
    }
}

/// The guides of folder `dir` into `out`, its sub-folders into `subdirs`
/// (with their keys under `key`). Returns the names of its guides and
/// sub-folders when the listing can be kept: read whole, UTF-8 names, no
/// symbolic link.
fn list_folder(
    dir: &Path,
    key: Option<&str>,
    out: &mut Vec<GuideFile>,
    subdirs: &mut Vec<Folder>,
) -> Option<(Vec<String>, Vec<String>)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return None;
    };
    let mut keepable = key.is_some();
    let mut guides = Vec::new();
    let mut names = Vec::new();
    for entry in entries {
        let Ok(entry) = entry else {
            keepable = false;
            continue;
        };
        let path = entry.path();
        if is_hidden(&path) {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            keepable = false;
            continue;
        };
        let name = entry.file_name().into_string().ok();
        if kind.is_dir() {
            let child = match (key, &name) {
                (Some(key), Some(name)) => Some(format!("{key}/{name}")),
                _ => None,
            };
            if keepable {
                match &name {
                    Some(name) => names.push(name.clone()),
                    None => keepable = false,
                }
            }
            subdirs.push((path, child));
        } else if (kind.is_file() || (kind.is_symlink() && !path.is_dir())) && is_guide_name(&path)
        {
            // A link named like a guide that leads nowhere is kept: reading
            // it gives a GL000 finding instead of silently losing the guide.
            if keepable {
                match &name {
                    Some(name) if kind.is_file() => guides.push(name.clone()),
                    _ => keepable = false,
                }
            }
            out.push(GuideFile {
                display: display(&path),
                link: kind.is_symlink(),
                path,
            });
        }
        keepable &= !kind.is_symlink();
    }
    keepable.then_some((guides, names))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_directories_and_skips_hidden_ones() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("a/b")).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        fs::write(root.join("a/guide.fr-fr.md"), "x").unwrap();
        fs::write(root.join("a/b/export.txt"), "x").unwrap();
        fs::write(root.join("a/image.png"), "x").unwrap();
        fs::write(root.join(".git/x.md"), "x").unwrap();
        let found = discover(&[root.to_string_lossy().to_string()]).unwrap();
        let names: Vec<_> = found
            .iter()
            .map(|f| f.path.strip_prefix(root).unwrap().to_path_buf())
            .collect();
        assert_eq!(
            names,
            [
                PathBuf::from("a/b/export.txt"),
                PathBuf::from("a/guide.fr-fr.md")
            ]
        );
    }

    /// Guide names found under `root`, relative.
    fn names(found: &[GuideFile], root: &Path) -> Vec<String> {
        found
            .iter()
            .map(|f| {
                f.path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    }

    /// A folder `docs` to walk (made with `files`: path, or path ending in
    /// `/` for a folder) and a cache folder beside it: (temp dir, docs, cache,
    /// the walk's paths).
    fn listed_tree(files: &[&str]) -> (tempfile::TempDir, PathBuf, PathBuf, [String; 1]) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("docs");
        let cache = dir.path().join("cache");
        for f in files {
            match f.strip_suffix('/') {
                Some(folder) => fs::create_dir_all(root.join(folder)).unwrap(),
                None => fs::write(root.join(f), "x").unwrap(),
            }
        }
        let paths = [root.to_string_lossy().to_string()];
        (dir, root, cache, paths)
    }

    /// Saves in `cache` a listing of `folder` with its current stamp but the
    /// given names, as if an earlier run had seen them.
    fn forge_listing(cache: &Path, folder: &Path, guides: &[&str], subdirs: &[&str]) {
        let key = crate::corpus::paths::Absolutizer::new()
            .absolute(folder)
            .to_string_lossy()
            .into_owned();
        let forged = Listing {
            stamp: DirStamp::read(folder).unwrap(),
            guides: guides.iter().map(|g| g.to_string()).collect(),
            subdirs: subdirs.iter().map(|d| d.to_string()).collect(),
        };
        let visited = Visited {
            fresh: Vec::new(),
            read: vec![(key.clone(), forged)],
        };
        Listings::open(cache).save(&[key], visited).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_folders_are_taken_from_their_listing_and_changed_ones_read() {
        use std::time::{Duration, SystemTime};
        let (_dir, root, cache, paths) =
            listed_tree(&["a/images/", "a/guide.fr-fr.md", "a/images/i.png"]);
        // As if the run started a minute from now: every folder is settled.
        let later = SystemTime::now() + Duration::from_secs(60);
        let open = || Some(Listings::open(&cache).started_at(later));
        let first = discover_listed(&paths, open()).unwrap();
        assert_eq!(names(&first, &root), ["a/guide.fr-fr.md"]);
        assert!(cache.join(crate::listings::FILE).is_file());
        // The shortcut fires: a listing whose stamp still matches is believed
        // (here a forged one, naming a guide that is not there).
        forge_listing(
            &cache,
            &root.join("a"),
            &["guide.fr-fr.md", "ghost.md"],
            &["images"],
        );
        let forged = discover_listed(&paths, open()).unwrap();
        assert_eq!(
            names(&forged, &root),
            ["a/ghost.md", "a/guide.fr-fr.md"],
            "the listing was used"
        );
        // ...and does not fire once the folder changes: a guide added, one
        // renamed, a new folder, a guide dropped into `images/`.
        fs::write(root.join("a/guide.en-gb.md"), "x").unwrap();
        fs::rename(root.join("a/guide.fr-fr.md"), root.join("a/guide.fr-ca.md")).unwrap();
        fs::create_dir_all(root.join("b")).unwrap();
        fs::write(root.join("b/guide.de-de.md"), "x").unwrap();
        fs::write(root.join("a/images/stray.md"), "x").unwrap();
        let after = discover_listed(&paths, open()).unwrap();
        assert_eq!(
            names(&after, &root),
            [
                "a/guide.en-gb.md",
                "a/guide.fr-ca.md",
                "a/images/stray.md",
                "b/guide.de-de.md"
            ]
        );
        // A guide deleted: gone at once.
        fs::remove_file(root.join("b/guide.de-de.md")).unwrap();
        let again = discover_listed(&paths, open()).unwrap();
        assert_eq!(again.len(), 3);
        assert!(!names(&again, &root).contains(&"b/guide.de-de.md".to_string()));
    }

    #[cfg(unix)]
    #[test]
    fn recently_modified_folders_are_always_read() {
        let (_dir, root, cache, paths) = listed_tree(&["a/", "a/g.md"]);
        // The folders were modified just now: no listing is kept...
        discover_listed(&paths, Some(Listings::open(&cache))).unwrap();
        assert!(!cache.join(crate::listings::FILE).exists());
        // ...and a forged one, with the right stamp, is not believed.
        forge_listing(&cache, &root.join("a"), &["ghost.md"], &[]);
        let found = discover_listed(&paths, Some(Listings::open(&cache))).unwrap();
        assert_eq!(names(&found, &root), ["a/g.md"]);
    }

    #[cfg(unix)]
    #[test]
    fn folders_holding_links_are_never_kept() {
        use std::time::{Duration, SystemTime};
        let (_dir, root, cache, paths) = listed_tree(&["a/", "target.md"]);
        std::os::unix::fs::symlink(root.join("target.md"), root.join("a/link.md")).unwrap();
        let later = SystemTime::now() + Duration::from_secs(60);
        discover_listed(&paths, Some(Listings::open(&cache).started_at(later))).unwrap();
        let listings = Listings::open(&cache).started_at(later);
        let key = |p: &str| {
            crate::corpus::paths::Absolutizer::new()
                .absolute(&root.join(p))
                .to_string_lossy()
                .into_owned()
        };
        let stamp = |p: &str| DirStamp::read(&root.join(p)).unwrap();
        assert!(listings.fresh(&key("a"), &stamp("a")).is_none());
        assert!(listings.fresh(&key(""), &stamp("")).is_some());
    }

    #[test]
    fn missing_paths_and_empty_globs_are_errors() {
        assert!(discover(&["/no/such/path".into()]).is_err());
        assert!(discover(&["/no/such/*.md".into()]).is_err());
    }

    #[test]
    fn globs_select_files() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.md"), "x").unwrap();
        fs::write(dir.path().join("b.txt"), "x").unwrap();
        let pattern = format!("{}/*.md", dir.path().display());
        let found = discover(&[pattern]).unwrap();
        assert_eq!(found.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_do_not_trap_the_walk() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("d")).unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("d/loop")).unwrap();
        fs::write(dir.path().join("d/g.md"), "x").unwrap();
        let found = discover(&[dir.path().to_string_lossy().to_string()]).unwrap();
        assert_eq!(found.len(), 1);
    }
}
