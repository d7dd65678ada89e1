//! Changed-files mode: which guides git says have changed.
//!
//! `--changed-since REV` takes the files that differ between `REV` and the
//! working tree (`git diff --name-only REV`) plus untracked files that git does
//! not ignore (a new guide is a changed guide); `--staged` takes the files
//! staged for the next commit (`git diff --cached --name-only`), the
//! pre-commit case. The run still reads every guide given on the command line;
//! only the findings of the changed ones are reported.

use std::collections::HashSet;
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

/// Runs `git args` in `dir` and returns its standard output.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let command = format!("git {}", args.join(" "));
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
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

/// The changed files of the repository holding `dir`, as canonical paths.
pub fn changed_files(dir: &Path, changes: &Changes) -> Result<HashSet<PathBuf>, GitError> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    let root = canonical(Path::new(String::from_utf8_lossy(&top).trim()));
    let mut found: Vec<PathBuf> = Vec::new();
    match changes {
        Changes::Since(rev) => {
            if rev.starts_with('-') {
                return Err(GitError {
                    command: format!("git diff --name-only {rev}"),
                    reason: "a revision cannot start with `-`".into(),
                });
            }
            // Both walk the working tree: run at once.
            let (diff, untracked) = std::thread::scope(|s| {
                let untracked =
                    s.spawn(|| git(&root, &["ls-files", "-z", "--others", "--exclude-standard"]));
                let diff = git(
                    &root,
                    &["diff", "--name-only", "-z", "--no-renames", rev, "--"],
                );
                let untracked = untracked.join().unwrap_or_else(|_| {
                    Err(GitError {
                        command: "git ls-files --others".into(),
                        reason: "the thread running git failed".into(),
                    })
                });
                (diff, untracked)
            });
            found.extend(paths(&root, &diff?));
            found.extend(paths(&root, &untracked?));
        }
        Changes::Staged => {
            let diff = git(
                &root,
                &["diff", "--cached", "--name-only", "-z", "--no-renames"],
            )?;
            found.extend(paths(&root, &diff));
        }
    }
    Ok(found.iter().map(|p| canonical(p)).collect())
}

/// For each guide of the run, whether it is among `changed`.
///
/// On Unix a guide is compared by device and inode (one `stat`, in parallel)
/// with the changed files that exist, and by canonical path only when it
/// cannot be stat'ed: canonicalizing every path of a large run costs a system
/// call per path component.
pub fn mask(files: &[GuideFile], changed: &HashSet<PathBuf>) -> Vec<bool> {
    use rayon::prelude::*;
    // Most often each changed guide is a file of the run under the same
    // path: compared lexically, no system call per guide. When some changed
    // guide is not found that way (a symbolic link on the way, or a change
    // outside the run), the comparison below by file identity decides.
    let cwd = crate::corpus::paths::Absolutizer::new();
    let lexical: Vec<bool> = files
        .par_iter()
        .map(|f| changed.contains(&cwd.absolute(&f.path)))
        .collect();
    let found = lexical.iter().filter(|m| **m).count();
    let changed_guides = changed
        .iter()
        .filter(|p| crate::discover::is_guide_name(p) && p.is_file())
        .count();
    if found == changed_guides {
        return lexical;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let ids: HashSet<(u64, u64)> = changed
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| (m.dev(), m.ino()))
            .collect();
        files
            .par_iter()
            .map(|f| match std::fs::metadata(&f.path) {
                Ok(m) => ids.contains(&(m.dev(), m.ino())),
                Err(_) => changed.contains(&canonical(&f.path)),
            })
            .collect()
    }
    #[cfg(not(unix))]
    {
        files
            .par_iter()
            .map(|f| changed.contains(&canonical(&f.path)))
            .collect()
    }
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
