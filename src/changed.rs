//! Changed-files mode: which guides git says have changed.
//!
//! `--changed-since REV` takes the files that differ between `REV` and the
//! working tree (`git diff --name-only REV`) plus untracked files that git does
//! not ignore (a new guide is a changed guide); `--staged` takes the files
//! staged for the next commit (`git diff --cached --name-only`), the
//! pre-commit case. The run still reads every guide given on the command line;
//! only the findings of the changed ones are reported.
//!
//! Comparing the working tree means a `stat` of every file git tracks, images
//! included, which the run has just done for its guides. So `--changed-since`
//! reads git's index itself ([`crate::git_index`]): a guide whose status is
//! the one git recorded has the staged content, and is changed when git
//! lists it as staged differently from the revision (`git diff-index
//! --cached`, which reads no file); git compares the few others (`git diff
//! REV -- <paths>`). Where that does not apply (no status of the guides, an
//! index this reader does not know, a guide outside the repository's folder
//! or reached through a link, a file named on the command line without a
//! guide's extension), git compares the working tree with the revision
//! itself, for the files with a guide name (pathspecs) or, if a guide could
//! change under another name, for every file.

use rustc_hash::FxHashSet as HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::discover::GuideFile;
use crate::git_index::{Index, StatData};

/// Which changes count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changes {
    /// Between a revision and the working tree (untracked files included).
    Since(String),
    /// Staged in the index.
    Staged,
}

/// git could not tell which files changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitError {
    /// The git command line that failed.
    pub command: String,
    /// Why.
    pub reason: String,
}

impl fmt::Display for GitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` failed: {}", self.command, self.reason)
    }
}

impl std::error::Error for GitError {}

/// The pathspecs of the files with a guide name
/// ([`crate::discover::GUIDE_EXTENSIONS`], any case, in any folder).
fn guide_pathspecs() -> Vec<String> {
    crate::discover::GUIDE_EXTENSIONS
        .iter()
        .map(|ext| format!(":(icase)*.{ext}"))
        .collect()
}

/// Runs `git args` in `dir` and returns its standard output.
fn git<S: AsRef<str>>(dir: &Path, args: &[S]) -> Result<Vec<u8>, GitError> {
    let args: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
    let command = format!("git {}", args.join(" "));
    let output = Command::new("git")
        .args(&args)
        .current_dir(dir)
        // They would change what the pathspecs mean.
        .env_remove("GIT_LITERAL_PATHSPECS")
        .env_remove("GIT_NOGLOB_PATHSPECS")
        .env_remove("GIT_GLOB_PATHSPECS")
        .env_remove("GIT_ICASE_PATHSPECS")
        .output()
        .map_err(|e| GitError {
            command: command.clone(),
            reason: if e.kind() == std::io::ErrorKind::NotFound {
                "git is not installed or not on PATH".into()
            } else {
                e.to_string()
            },
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let reason = stderr.trim();
        return Err(GitError {
            command,
            reason: if reason.is_empty() {
                format!("exit status {}", output.status)
            } else {
                reason.to_string()
            },
        });
    }
    Ok(output.stdout)
}

/// The NUL-separated names of git's `-z` output.
fn names(out: &[u8]) -> impl Iterator<Item = &[u8]> {
    out.split(|b| *b == 0).filter(|p| !p.is_empty())
}

/// NUL-separated paths (git's `-z`), relative to `root`, as absolute paths.
fn paths(root: &Path, out: &[u8]) -> impl Iterator<Item = PathBuf> {
    names(out)
        .map(|p| root.join(String::from_utf8_lossy(p).as_ref()))
        .collect::<Vec<_>>()
        .into_iter()
}

fn canonical(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    std::fs::canonicalize(&absolute).unwrap_or(absolute)
}

/// What git says changed, for [`mask`].
#[derive(Debug, Default)]
pub struct Changed {
    /// The changed files git lists (canonical paths): with
    /// `--changed-since`, those with a guide name (see `guides_only`).
    pub files: HashSet<PathBuf>,
    /// With `--changed-since`: every file git tracks (absolute paths under the
    /// canonical repository root). A guide of the run that git does not track
    /// is new, hence changed, unless git ignores it: listing the untracked
    /// files would make git walk the whole tree, which the run has just done.
    tracked: Option<HashSet<PathBuf>>,
    /// The repository root (canonical).
    root: PathBuf,
    /// With `--changed-since`: the revision, when git compared only the
    /// files with a guide name ([`mask`] asks again if that is not enough).
    guides_only: Option<String>,
    /// With `--changed-since`, when git's index could be read: git has not
    /// compared the working tree yet, [`mask`] does.
    index: Option<Staged>,
}

/// Git's index, for [`mask`] to compare the guides' status with.
#[derive(Debug)]
struct Staged {
    /// The revision.
    rev: String,
    /// The index's entries of files with a guide name.
    index: Index,
    /// Those whose staged content differs from the revision's (paths
    /// relative to the root).
    differ: HashSet<Box<[u8]>>,
}

/// The changed files of the repository holding `dir`.
pub fn changed_files(dir: &Path, changes: &Changes) -> Result<Changed, GitError> {
    let args = [
        "rev-parse",
        "--show-toplevel",
        "--git-path",
        "index",
        "--show-object-format",
    ];
    let out = git(dir, &args)?;
    let out = String::from_utf8_lossy(&out);
    let mut lines = out.lines();
    let root = canonical(Path::new(lines.next().unwrap_or_default().trim()));
    let index_file = lines.next().map(|l| dir.join(l));
    let hash_len = match lines.next() {
        Some("sha1") => Some(20),
        Some("sha256") => Some(32),
        _ => None,
    };
    let (found, tracked, guides_only, index) = match changes {
        Changes::Since(rev) => {
            if rev.starts_with('-') {
                return Err(GitError {
                    command: format!("git diff --name-only {rev}"),
                    reason: "a revision cannot start with `-`".into(),
                });
            }
            // The index is read while git compares it with the revision.
            let (staged, index) = std::thread::scope(|s| {
                let staged = s.spawn(|| {
                    let mut args = vec![
                        "diff-index".to_string(),
                        "--cached".into(),
                        "--name-only".into(),
                        "-z".into(),
                        "--no-renames".into(),
                        rev.clone(),
                        "--".into(),
                    ];
                    args.extend(guide_pathspecs());
                    git(&root, &args)
                });
                let index = index_file
                    .zip(hash_len)
                    .and_then(|(file, len)| Index::read(&file, len, is_guide_path));
                (staged.join(), index)
            });
            match (staged, index) {
                (Ok(Ok(staged)), Some(index)) => {
                    let differ = names(&staged).map(Box::from).collect();
                    let staged = Staged {
                        rev: rev.clone(),
                        index,
                        differ,
                    };
                    (HashSet::default(), None, None, Some(staged))
                }
                (Ok(Err(e)), _) => return Err(e),
                _ => {
                    let (diff, tracked) = since(&root, rev, true)?;
                    (diff, Some(tracked), Some(rev.clone()), None)
                }
            }
        }
        Changes::Staged => {
            let diff = git(
                &root,
                &["diff", "--cached", "--name-only", "-z", "--no-renames"],
            )?;
            (
                paths(&root, &diff).map(|p| canonical(&p)).collect(),
                None,
                None,
                None,
            )
        }
    };
    Ok(Changed {
        files: found,
        tracked,
        root,
        guides_only,
        index,
    })
}

/// Git's comparison of the working tree with `rev` (see [`diff_since`]),
/// and every file git tracks (see [`Changed`]).
fn since(
    root: &Path,
    rev: &str,
    guides_only: bool,
) -> Result<(HashSet<PathBuf>, HashSet<PathBuf>), GitError> {
    // The tracked files come from the index alone: asked while git
    // compares the working tree.
    let (diff, tracked) = std::thread::scope(|s| {
        let tracked = s.spawn(|| git(root, &["ls-files", "-z"]));
        let diff = diff_since(root, rev, guides_only);
        let tracked = tracked.join().unwrap_or_else(|_| {
            Err(GitError {
                command: "git ls-files".into(),
                reason: "the thread running git failed".into(),
            })
        });
        (diff, tracked)
    });
    Ok((diff?, paths(root, &tracked?).collect()))
}

/// True for a path (as git lists it) with a guide name.
fn is_guide_path(path: &[u8]) -> bool {
    #[cfg(unix)]
    let path = Some(Path::new(
        <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(path),
    ));
    #[cfg(not(unix))]
    let path = std::str::from_utf8(path).ok().map(Path::new);
    path.is_some_and(crate::discover::is_guide_name)
}

/// The files (canonical paths) that differ between `rev` and the working
/// tree of the repository at `root`; only those with a guide name when
/// `guides_only`.
fn diff_since(root: &Path, rev: &str, guides_only: bool) -> Result<HashSet<PathBuf>, GitError> {
    let pathspecs = if guides_only {
        guide_pathspecs()
    } else {
        Vec::new()
    };
    let out = diff_names(root, rev, pathspecs)?;
    Ok(paths(root, &out).map(|p| canonical(&p)).collect())
}

/// `git diff --name-only -z REV -- PATHSPECS` in `root`: the files (of
/// `pathspecs`, or all) that differ between `rev` and the working tree.
fn diff_names(root: &Path, rev: &str, pathspecs: Vec<String>) -> Result<Vec<u8>, GitError> {
    let mut args: Vec<String> = ["diff", "--name-only", "-z", "--no-renames", rev, "--"]
        .map(String::from)
        .into();
    args.extend(pathspecs);
    git(root, &args)
}

/// For each guide of the run, whether it is among the `changed` files, or
/// new (untracked and not ignored, with `--changed-since`).
///
/// Guides are compared by path, without a system call per guide. When that
/// does not account for every changed guide (a symbolic link on the way, or a
/// change outside the run), they are compared by file identity (device and
/// inode, one `stat` each, in parallel) on Unix, by canonical path elsewhere.
///
/// With `--changed-since` and each guide's status (`stats`), git's index
/// decides first ([`Staged`]); the comparison by path is what is left when
/// it cannot.
pub fn mask(
    files: &[GuideFile],
    changed: &Changed,
    stats: Option<&[Option<StatData>]>,
) -> Result<Vec<bool>, GitError> {
    use rayon::prelude::*;
    let renamed = files
        .iter()
        .any(|f| f.link || !crate::discover::is_guide_name(&f.path));
    let (compared, tracked_now, every_file);
    let (listed, tracked) = match (&changed.index, &changed.guides_only) {
        (Some(staged), _) => {
            if !renamed
                && let Some(stats) = stats
                && let Some(mask) = by_status(files, &changed.root, staged, stats)?
            {
                return Ok(mask);
            }
            // Git compares the working tree itself.
            (compared, tracked_now) = since(&changed.root, &staged.rev, !renamed)?;
            (&compared, Some(&tracked_now))
        }
        (None, Some(rev)) if renamed => {
            every_file = diff_since(&changed.root, rev, false)?;
            (&every_file, changed.tracked.as_ref())
        }
        (None, _) => (&changed.files, changed.tracked.as_ref()),
    };
    let cwd = crate::corpus::paths::Absolutizer::new();
    let absolute: Vec<PathBuf> = files.par_iter().map(|f| cwd.absolute(&f.path)).collect();
    let mut mask: Vec<bool> = absolute.par_iter().map(|p| listed.contains(p)).collect();
    let found = mask.iter().filter(|m| **m).count();
    let changed_guides = listed
        .iter()
        .filter(|p| crate::discover::is_guide_name(p) && p.is_file())
        .count();
    if found != changed_guides {
        by_identity(files, listed, |_| true, &mut mask);
    } else if files.iter().any(|f| f.link) {
        // What a link leads to may have changed under its own name.
        by_identity(files, listed, |f| f.link, &mut mask);
    }
    if let Some(tracked) = tracked {
        // Not tracked under its path: untracked, or reached through a link.
        // Guides outside the repository are never changed (git lists none).
        let candidates: Vec<usize> = (0..files.len())
            .into_par_iter()
            .filter(|&i| !mask[i] && !tracked.contains(&absolute[i]))
            .filter(|&i| {
                let path = canonical(&files[i].path);
                path.starts_with(&changed.root) && !tracked.contains(&path)
            })
            .collect();
        if !candidates.is_empty() {
            let ignored = ignored(&changed.root, candidates.iter().map(|&i| &files[i].path))?;
            for i in candidates {
                mask[i] = !ignored.contains(&canonical(&files[i].path));
            }
        }
    }
    Ok(mask)
}

/// [`mask`] from the guides' `stats` and git's index, asking git about the
/// guides whose status is not the one it recorded; `None` when that does not
/// apply (a guide outside `root`, through a link on the way, or too many for
/// git to be asked about each).
fn by_status(
    files: &[GuideFile],
    root: &Path,
    staged: &Staged,
    stats: &[Option<StatData>],
) -> Result<Option<Vec<bool>>, GitError> {
    use rayon::prelude::*;
    /// What the index tells of one guide.
    enum Verdict {
        Known(bool),
        Untracked,
        Ask,
    }
    /// Beyond this many guides to ask about, git compares every guide.
    const ASK_AT_MOST: usize = 512;
    if stats.len() != files.len() {
        return Ok(None);
    }
    let cwd = crate::corpus::paths::Absolutizer::new();
    let verdicts: Option<Vec<(PathBuf, Verdict)>> = files
        .par_iter()
        .zip(stats)
        .map(|(f, stat)| {
            let absolute = cwd.absolute(&f.path);
            let rel = relative_bytes(&absolute, root)?;
            let verdict = match stat {
                Some(now) if staged.index.trusts(rel, now) => {
                    Verdict::Known(staged.differ.contains(rel))
                }
                _ if !staged.index.tracks(rel) => Verdict::Untracked,
                _ => Verdict::Ask,
            };
            Some((absolute, verdict))
        })
        .collect();
    let Some(verdicts) = verdicts else {
        return Ok(None);
    };
    // A guide the index does not list under its path is new, or reached
    // through a link on the way (the index lists it where it is).
    let untracked: Vec<usize> = (0..verdicts.len())
        .filter(|&i| matches!(verdicts[i].1, Verdict::Untracked))
        .collect();
    if untracked
        .iter()
        .any(|&i| canonical(&files[i].path) != verdicts[i].0)
    {
        return Ok(None);
    }
    // The guides git compares: as literal pathspecs (UTF-8, for git's
    // command line), at most ASK_AT_MOST of them.
    let ask: Option<Vec<String>> = verdicts
        .iter()
        .filter(|(_, v)| matches!(v, Verdict::Ask))
        .take(ASK_AT_MOST + 1)
        .map(|(absolute, _)| {
            let rel = std::str::from_utf8(relative_bytes(absolute, root)?).ok()?;
            Some(format!(":(literal){rel}"))
        })
        .collect();
    // (And a command line far below any system's limit.)
    let fits = |a: &Vec<String>| {
        a.len() <= ASK_AT_MOST && a.iter().map(String::len).sum::<usize>() < 1 << 16
    };
    let Some(ask) = ask.filter(fits) else {
        return Ok(None);
    };
    let differ: HashSet<Box<[u8]>> = if ask.is_empty() {
        HashSet::default()
    } else {
        names(&diff_names(root, &staged.rev, ask)?)
            .map(Box::from)
            .collect()
    };
    let mut mask: Vec<bool> = verdicts
        .iter()
        .map(|(absolute, verdict)| match verdict {
            Verdict::Known(changed) => *changed,
            Verdict::Ask => relative_bytes(absolute, root).is_some_and(|r| differ.contains(r)),
            Verdict::Untracked => false,
        })
        .collect();
    // A guide git does not track is new, hence changed, unless git ignores it.
    if !untracked.is_empty() {
        let ignored = ignored(root, untracked.iter().map(|&i| &files[i].path))?;
        for i in untracked {
            mask[i] = !ignored.contains(&canonical(&files[i].path));
        }
    }
    Ok(Some(mask))
}

/// `path` below `root` (both absolute and normalized), as git lists it.
fn relative_bytes<'a>(path: &'a Path, root: &Path) -> Option<&'a [u8]> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let rest = path
            .as_os_str()
            .as_bytes()
            .strip_prefix(root.as_os_str().as_bytes())?;
        rest.strip_prefix(b"/").filter(|r| !r.is_empty())
    }
    #[cfg(not(unix))]
    {
        let _ = (path, root);
        None
    }
}

/// The files among `candidates` that git ignores (canonical paths).
fn ignored<'a>(
    root: &Path,
    candidates: impl Iterator<Item = &'a PathBuf>,
) -> Result<HashSet<PathBuf>, GitError> {
    use std::io::Write;
    use std::process::Stdio;
    let command = "git check-ignore -z --stdin".to_string();
    let fail = |reason: String| GitError {
        command: command.clone(),
        reason,
    };
    let mut input = Vec::new();
    for p in candidates {
        input.extend_from_slice(canonical(p).to_string_lossy().as_bytes());
        input.push(0);
    }
    let mut child = Command::new("git")
        .args(["check-ignore", "-z", "--stdin"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(e.to_string()))?;
    let mut stdin = child.stdin.take().ok_or_else(|| fail("no stdin".into()))?;
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().map_err(|e| fail(e.to_string()))?;
    let _ = writer.join();
    // Exit status 1: none of the paths is ignored.
    if !output.status.success() && output.status.code() != Some(1) {
        return Err(fail(
            String::from_utf8_lossy(&output.stderr).trim().to_string(),
        ));
    }
    Ok(paths(root, &output.stdout).map(|p| canonical(&p)).collect())
}

/// [`mask`] by file identity, for the guides `which` selects.
fn by_identity(
    files: &[GuideFile],
    changed: &HashSet<PathBuf>,
    which: impl Fn(&GuideFile) -> bool + Sync,
    mask: &mut [bool],
) {
    use rayon::prelude::*;
    #[cfg(unix)]
    let same = {
        use std::os::unix::fs::MetadataExt;
        let ids: HashSet<(u64, u64)> = changed
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| (m.dev(), m.ino()))
            .collect();
        move |f: &GuideFile| match std::fs::metadata(&f.path) {
            Ok(m) => ids.contains(&(m.dev(), m.ino())),
            Err(_) => changed.contains(&canonical(&f.path)),
        }
    };
    #[cfg(not(unix))]
    let same = |f: &GuideFile| changed.contains(&canonical(&f.path));
    files
        .par_iter()
        .zip(mask.par_iter_mut())
        .filter(|(f, _)| which(f))
        .for_each(|(f, m)| *m = same(f));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_a_repository_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = changed_files(dir.path(), &Changes::Staged).unwrap_err();
        assert!(err.command.contains("rev-parse"), "{err}");
    }

    #[test]
    fn options_are_not_revisions() {
        let dir = std::env::current_dir().unwrap();
        if let Err(err) = changed_files(&dir, &Changes::Since("--output=x".into())) {
            assert!(err.to_string().contains("git"), "{err}");
        } else {
            panic!("an option was taken as a revision");
        }
    }
}
