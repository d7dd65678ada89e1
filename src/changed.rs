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
//! included: `--changed-since` asks git about the files with a guide name
//! only ([`GUIDE_PATHSPECS`]), and asks again about every file when a guide
//! of the run could change under another name (a symbolic link, or a file
//! named on the command line without a guide's extension).

use rustc_hash::FxHashSet as HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::discover::GuideFile;

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

/// NUL-separated paths (git's `-z`), relative to `root`, as absolute paths.
fn paths(root: &Path, out: &[u8]) -> impl Iterator<Item = PathBuf> {
    out.split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| root.join(String::from_utf8_lossy(p).as_ref()))
        .collect::<Vec<_>>()
        .into_iter()
}

fn canonical(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    std::fs::canonicalize(&absolute).unwrap_or(absolute)
}

/// What git says changed, for [`mask`].
#[derive(Debug, Clone, Default)]
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
}

/// The changed files of the repository holding `dir`.
pub fn changed_files(dir: &Path, changes: &Changes) -> Result<Changed, GitError> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    let root = canonical(Path::new(String::from_utf8_lossy(&top).trim()));
    let (found, tracked, guides_only) = match changes {
        Changes::Since(rev) => {
            if rev.starts_with('-') {
                return Err(GitError {
                    command: format!("git diff --name-only {rev}"),
                    reason: "a revision cannot start with `-`".into(),
                });
            }
            // The tracked files come from the index alone: asked while git
            // compares the working tree.
            let (diff, tracked) = std::thread::scope(|s| {
                let tracked = s.spawn(|| git(&root, &["ls-files", "-z"]));
                let diff = diff_since(&root, rev, true);
                let tracked = tracked.join().unwrap_or_else(|_| {
                    Err(GitError {
                        command: "git ls-files".into(),
                        reason: "the thread running git failed".into(),
                    })
                });
                (diff, tracked)
            });
            let tracked: HashSet<PathBuf> = paths(&root, &tracked?).collect();
            (diff?, Some(tracked), Some(rev.clone()))
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
            )
        }
    };
    Ok(Changed {
        files: found,
        tracked,
        root,
        guides_only,
    })
}

/// The files (canonical paths) that differ between `rev` and the working
/// tree of the repository at `root`; only those with a guide name when
/// `guides_only`.
fn diff_since(root: &Path, rev: &str, guides_only: bool) -> Result<HashSet<PathBuf>, GitError> {
    let mut args: Vec<String> = ["diff", "--name-only", "-z", "--no-renames", rev, "--"]
        .map(String::from)
        .into();
    if guides_only {
        args.extend(guide_pathspecs());
    }
    let out = git(root, &args)?;
    Ok(paths(root, &out).map(|p| canonical(&p)).collect())
}

/// For each guide of the run, whether it is among the `changed` files, or
/// new (untracked and not ignored, with `--changed-since`).
///
/// Guides are compared by path, without a system call per guide. When that
/// does not account for every changed guide (a symbolic link on the way, or a
/// change outside the run), they are compared by file identity (device and
/// inode, one `stat` each, in parallel) on Unix, by canonical path elsewhere.
pub fn mask(files: &[GuideFile], changed: &Changed) -> Result<Vec<bool>, GitError> {
    use rayon::prelude::*;
    let every_file;
    let listed = match &changed.guides_only {
        Some(rev)
            if files
                .iter()
                .any(|f| f.link || !crate::discover::is_guide_name(&f.path)) =>
        {
            every_file = diff_since(&changed.root, rev, false)?;
            &every_file
        }
        _ => &changed.files,
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
    if let Some(tracked) = &changed.tracked {
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

/// The files of `paths` that git ignores (canonical paths).
fn ignored<'a>(
    root: &Path,
    paths: impl Iterator<Item = &'a PathBuf>,
) -> Result<HashSet<PathBuf>, GitError> {
    use std::io::Write;
    use std::process::Stdio;
    let command = "git check-ignore -z --stdin".to_string();
    let fail = |reason: String| GitError {
        command: command.clone(),
        reason,
    };
    let mut input = Vec::new();
    for p in paths {
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
    Ok(output
        .stdout
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| canonical(&root.join(String::from_utf8_lossy(p).as_ref())))
        .collect())
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
