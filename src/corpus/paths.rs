//! Local paths of links and images: resolved lexically against the guide's
//! folder, confined to the repository root, never followed outside it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// Where a local path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Local {
    /// Inside the repository: the absolute, normalized path.
    Inside(PathBuf),
    /// It climbs above the repository root (it is never read).
    Outside,
}

/// `path` made absolute (against the current directory) and normalized lexically.
pub fn absolute(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    normalize(&abs)
}

/// Makes paths absolute against the current folder, asked once: for many
/// paths, [`absolute`] would ask the system for it each time.
#[derive(Debug, Clone)]
pub struct Absolutizer {
    cwd: Option<PathBuf>,
}

impl Absolutizer {
    /// Reads the current folder.
    pub fn new() -> Absolutizer {
        Absolutizer {
            cwd: std::env::current_dir().ok().map(|d| normalize(&d)),
        }
    }

    /// `path` made absolute and [normalized](normalize), like [`absolute`].
    pub fn absolute(&self, path: &Path) -> PathBuf {
        match &self.cwd {
            Some(cwd) if path.is_relative() => {
                simple_join(cwd, path).unwrap_or_else(|| normalize(&cwd.join(path)))
            }
            _ => absolute(path),
        }
    }
}

/// `normalize(cwd.join(path))` for the common case, in one allocation: a
/// relative `path` made of plain names after any leading `./` (no `.` or
/// `..` further on, no doubled or trailing `/`). `cwd` is normalized.
/// `None` for any other path.
fn simple_join(cwd: &Path, path: &Path) -> Option<PathBuf> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::{OsStrExt, OsStringExt};
        let mut rest = path.as_os_str().as_bytes();
        while let Some(after) = rest.strip_prefix(b"./") {
            rest = after;
        }
        if rest.is_empty() || rest == b"." {
            return Some(cwd.to_path_buf());
        }
        if rest
            .split(|b| *b == b'/')
            .any(|part| part.is_empty() || part == b"." || part == b"..")
        {
            return None;
        }
        let base = cwd.as_os_str().as_bytes();
        let mut out = Vec::with_capacity(base.len() + 1 + rest.len());
        out.extend_from_slice(base);
        if !base.ends_with(b"/") {
            out.push(b'/');
        }
        out.extend_from_slice(rest);
        Some(PathBuf::from(std::ffi::OsString::from_vec(out)))
    }
    #[cfg(not(unix))]
    {
        let _ = (cwd, path);
        None
    }
}

impl Default for Absolutizer {
    fn default() -> Self {
        Self::new()
    }
}

/// Removes `.` and resolves `..` lexically (never above the filesystem root).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(c);
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Resolves `relative` (a link's path, `/`-separated, already percent-decoded)
/// from the folder `dir`, both inside `root`.
pub fn resolve(root: &Path, dir: &Path, relative: &str) -> Local {
    match folders_below(root, dir) {
        Some(base) => resolve_in(root, &base, relative),
        None => Local::Outside,
    }
}

/// The names of the folders from `root` down to `dir`; `None` when `dir` is
/// not inside `root`. What [`resolve_in`] starts from, for every link of a guide.
pub fn folders_below<'a>(root: &Path, dir: &'a Path) -> Option<Vec<&'a str>> {
    let rest = dir.strip_prefix(root).ok()?;
    Some(
        rest.components()
            .filter_map(|c| match c {
                Component::Normal(s) => s.to_str(),
                _ => None,
            })
            .collect(),
    )
}

/// Resolves `relative` like [`resolve`], from the folder `root`/`base`
/// ([`folders_below`]).
pub fn resolve_in(root: &Path, base: &[&str], relative: &str) -> Local {
    let mut stack: Vec<&str> = base.to_vec();
    for part in relative.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if stack.pop().is_none() {
                    return Local::Outside;
                }
            }
            p => stack.push(p),
        }
    }
    let mut out = root.to_path_buf();
    out.extend(stack);
    Local::Inside(out)
}

/// The repository root of the folder `dir` (absolute): its nearest ancestor
/// holding `.git`. `cache` remembers the answer for every folder visited.
pub fn git_root(dir: &Path, cache: &mut HashMap<PathBuf, Option<PathBuf>>) -> Option<PathBuf> {
    let mut visited = Vec::new();
    let mut found = None;
    for ancestor in dir.ancestors() {
        if let Some(known) = cache.get(ancestor) {
            found = known.clone();
            break;
        }
        visited.push(ancestor.to_path_buf());
        if ancestor.join(".git").exists() {
            found = Some(ancestor.to_path_buf());
            break;
        }
    }
    for v in visited {
        cache.insert(v, found.clone());
    }
    found
}

/// The deepest folder that holds all of `dirs`.
pub fn common_root<'a>(dirs: impl IntoIterator<Item = &'a Path>) -> Option<PathBuf> {
    let mut common: Option<PathBuf> = None;
    for dir in dirs {
        common = Some(match common {
            None => dir.to_path_buf(),
            Some(c) => {
                let mut shared = PathBuf::new();
                for (a, b) in c.components().zip(dir.components()) {
                    if a != b {
                        break;
                    }
                    shared.push(a);
                }
                shared
            }
        });
    }
    common
}

/// Decodes `%XX` escapes (invalid ones are kept as written).
pub fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(s) => Cow::Owned(s),
        Err(_) => Cow::Borrowed(s),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_absolutizer_agrees_with_normalize() {
        let a = Absolutizer::new();
        let cwd = std::env::current_dir().unwrap();
        for p in [
            "",
            ".",
            "./",
            "././a",
            "a",
            "a/b.md",
            "./pages/x/guide.fr-fr.md",
            "a//b",
            "a/./b",
            "a/../b",
            "../a",
            "a/",
            "./a/b/..",
            ".hidden/x",
        ] {
            assert_eq!(a.absolute(Path::new(p)), normalize(&cwd.join(p)), "{p:?}");
        }
    }

    use super::*;

    #[test]
    fn resolves_inside_and_refuses_to_leave_the_root() {
        let root = Path::new("/repo");
        let dir = Path::new("/repo/pages/web/emails/a");
        assert_eq!(
            resolve(root, dir, "../b/guide.fr-fr.md"),
            Local::Inside(PathBuf::from("/repo/pages/web/emails/b/guide.fr-fr.md"))
        );
        assert_eq!(
            resolve(root, dir, "./images/x.png"),
            Local::Inside(PathBuf::from("/repo/pages/web/emails/a/images/x.png"))
        );
        assert_eq!(
            resolve(root, dir, "../../../../x.png"),
            Local::Inside(PathBuf::from("/repo/x.png"))
        );
        assert_eq!(
            resolve(root, dir, "../../../../../etc/passwd"),
            Local::Outside
        );
        assert_eq!(resolve(root, Path::new("/elsewhere"), "x"), Local::Outside);
    }

    #[test]
    fn normalizes_and_finds_common_roots() {
        assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        let dirs = [Path::new("/r/a/b"), Path::new("/r/a/c"), Path::new("/r/a")];
        assert_eq!(common_root(dirs), Some(PathBuf::from("/r/a")));
    }

    #[test]
    fn git_root_is_the_nearest_ancestor_with_git() {
        let dir = tempfile::tempdir().unwrap();
        let root = absolute(dir.path());
        std::fs::create_dir_all(root.join("repo/.git")).unwrap();
        std::fs::create_dir_all(root.join("repo/a/b")).unwrap();
        let mut cache = HashMap::new();
        assert_eq!(
            git_root(&root.join("repo/a/b"), &mut cache),
            Some(root.join("repo"))
        );
        assert_eq!(
            git_root(&root.join("repo/a"), &mut cache),
            Some(root.join("repo"))
        );
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("my%20image.png"), "my image.png");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%C3%A9t%C3%A9"), "été");
    }
}
