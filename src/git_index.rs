//! Git's index file, read for the status git recorded of each guide: a
//! changed-files run compares it with the status of the files it has `stat`ed
//! anyway, and asks git about the few that differ, instead of letting git
//! `stat` every tracked file a second time.
//!
//! Only what that comparison needs is read (the layout is git's
//! `Documentation/gitformat-index.txt`): versions 2 to 4, stage-0 entries,
//! their stat data and paths. An index this reader does not fully understand
//! (another version, a split or sparse index, anything out of bounds) is
//! `None`, and the caller lets git compare the files itself.

use std::path::Path;

use rustc_hash::FxHashMap;

/// What git's index records of a file's status, each field cut to 32 bits as
/// git stores it. A file whose status equals its entry's, and whose entry is
/// not racily clean ([`Index::trusts`]), has the content git staged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatData {
    /// Change time: seconds, nanoseconds.
    pub ctime: (u32, u32),
    /// Modification time: seconds, nanoseconds.
    pub mtime: (u32, u32),
    /// Inode number.
    pub ino: u32,
    /// Git's mode: a regular file (`0o100644`, or `0o100755` when executable),
    /// a symbolic link (`0o120000`), a submodule (`0o160000`).
    pub mode: u32,
    /// Size in bytes.
    pub size: u32,
}

impl StatData {
    /// The status of a file as git would record it (Unix; `None` elsewhere).
    pub fn of(meta: &std::fs::Metadata) -> Option<StatData> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // Git keeps the low 32 bits (the casts truncate on purpose).
            let time = |secs: i64, nanos: i64| (secs as u32, nanos as u32);
            let mode = if meta.file_type().is_symlink() {
                0o120_000
            } else if meta.is_file() {
                if meta.mode() & 0o100 != 0 {
                    0o100_755
                } else {
                    0o100_644
                }
            } else {
                return None;
            };
            Some(StatData {
                ctime: time(meta.ctime(), meta.ctime_nsec()),
                mtime: time(meta.mtime(), meta.mtime_nsec()),
                ino: meta.ino() as u32,
                mode,
                size: meta.len() as u32,
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }
}

/// The stage-0 entries of an index whose path `keep` accepts.
#[derive(Debug, Default)]
pub struct Index {
    /// Path (relative to the repository root, `/`-separated) → stat data;
    /// `None` for an entry git does not compare by its status (marked
    /// assume-unchanged, skip-worktree or intent-to-add, or in conflict).
    entries: FxHashMap<Box<[u8]>, Option<StatData>>,
    /// The index file's modification time: an entry modified at or after it
    /// is racily clean (its file may have changed within the same tick).
    mtime: (u32, u32),
}

impl Index {
    /// Reads the index file at `path` (SHA-1 object names when `hash_len`
    /// is 20, SHA-256 when 32), keeping the entries whose path `keep` accepts.
    pub fn read(path: &Path, hash_len: usize, keep: impl Fn(&[u8]) -> bool) -> Option<Index> {
        let meta = std::fs::metadata(path).ok()?;
        let mtime = StatData::of(&meta).map(|s| s.mtime)?;
        let bytes = std::fs::read(path).ok()?;
        let mut index = parse(&bytes, hash_len, keep)?;
        index.mtime = mtime;
        Some(index)
    }

    /// True when git tracks `path`.
    pub fn tracks(&self, path: &[u8]) -> bool {
        self.entries.contains_key(path)
    }

    /// True when the file at `path`, with status `now`, has the content git
    /// staged for it, as git itself would conclude without reading the file:
    /// its entry's status is `now`'s and is not racily clean.
    pub fn trusts(&self, path: &[u8], now: &StatData) -> bool {
        match self.entries.get(path) {
            Some(Some(staged)) => staged == now && staged.mtime < self.mtime,
            _ => false,
        }
    }
}

/// A big-endian `u32` at `at`.
fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// A big-endian `u16` at `at`.
fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([b[0], b[1]]))
}

/// Git's offset varint (version 4 path compression): the value and its length.
fn varint(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut value: usize = 0;
    for (i, &b) in bytes.iter().enumerate().take(9) {
        value = value.checked_add(usize::from(b & 0x7f))?;
        if b & 0x80 == 0 {
            return Some((value, i + 1));
        }
        value = value.checked_add(1)?.checked_mul(128)?;
    }
    None
}

/// Flag bits of an entry.
const ASSUME_VALID: u16 = 0x8000;
const EXTENDED: u16 = 0x4000;
const STAGE: u16 = 0x3000;
/// The fixed part of an entry: ten 32-bit fields.
const STAT_LEN: usize = 40;

fn parse(bytes: &[u8], hash_len: usize, keep: impl Fn(&[u8]) -> bool) -> Option<Index> {
    if bytes.get(..4)? != b"DIRC" {
        return None;
    }
    let version = be32(bytes, 4)?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = usize::try_from(be32(bytes, 8)?).ok()?;
    let mut entries: FxHashMap<Box<[u8]>, Option<StatData>> = FxHashMap::default();
    let mut at = 12;
    let mut path: Vec<u8> = Vec::new();
    for _ in 0..count {
        let start = at;
        let field = |i: usize| be32(bytes, start + 4 * i);
        let stat = StatData {
            ctime: (field(0)?, field(1)?),
            mtime: (field(2)?, field(3)?),
            ino: field(5)?,
            mode: field(6)?,
            size: field(9)?,
        };
        let flags_at = start + STAT_LEN + hash_len;
        let flags = be16(bytes, flags_at)?;
        at = flags_at + 2;
        let mut special = flags & (ASSUME_VALID | STAGE) != 0;
        if flags & EXTENDED != 0 {
            if version < 3 {
                return None;
            }
            // Skip-worktree, intent-to-add (and bits git may add).
            special |= be16(bytes, at)? != 0;
            at += 2;
        }
        if version == 4 {
            let (strip, len) = varint(bytes.get(at..)?)?;
            at += len;
            path.truncate(path.len().checked_sub(strip)?);
        } else {
            path.clear();
        }
        let rest = bytes.get(at..)?;
        let end = memchr::memchr(0, rest)?;
        path.extend_from_slice(&rest[..end]);
        at += end + 1;
        if version < 4 {
            // NULs pad the entry to a multiple of eight bytes.
            let len = at - start;
            at = start + len.div_ceil(8) * 8;
        }
        if at > bytes.len() {
            return None;
        }
        if keep(&path) {
            let stat = (!special).then_some(stat);
            entries
                .entry(path.as_slice().into())
                // One path at several stages: a conflict.
                .and_modify(|e| *e = None)
                .or_insert(stat);
        }
    }
    // Extensions, then the checksum: a split or sparse index lists some
    // entries elsewhere.
    while bytes.len().checked_sub(at)? > hash_len {
        let signature = bytes.get(at..at + 4)?;
        if signature == b"link" || signature == b"sdir" {
            return None;
        }
        let len = usize::try_from(be32(bytes, at + 4)?).ok()?;
        at = at.checked_add(8)?.checked_add(len)?;
    }
    (bytes.len().checked_sub(at)? == hash_len).then_some(Index {
        entries,
        mtime: (0, 0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    }

    fn repo(version: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q"]);
        for (name, text) in [
            ("a.md", "a\n"),
            ("docs/b.md", "b\n"),
            ("docs/deeper/c.md", "c\n"),
            ("docs/image.png", "png"),
        ] {
            let path = root.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        git(root, &["add", "."]);
        git(root, &["update-index", "--index-version", version]);
        dir
    }

    fn read(root: &Path, keep: impl Fn(&[u8]) -> bool) -> Index {
        Index::read(&root.join(".git/index"), 20, keep).unwrap()
    }

    fn now(root: &Path, path: &str) -> StatData {
        StatData::of(&std::fs::symlink_metadata(root.join(path)).unwrap()).unwrap()
    }

    #[test]
    fn every_version_gives_the_paths_and_the_status_git_recorded() {
        for version in ["2", "3", "4"] {
            let dir = repo(version);
            let root = dir.path();
            let index = read(root, |p| p.ends_with(b".md"));
            let mut paths: Vec<&[u8]> = index.entries.keys().map(|k| &**k).collect();
            paths.sort();
            assert_eq!(
                paths,
                [&b"a.md"[..], b"docs/b.md", b"docs/deeper/c.md"],
                "version {version}"
            );
            assert!(!index.tracks(b"docs/image.png"));
            let staged = index.entries[&b"docs/b.md"[..]].unwrap();
            assert_eq!(staged, now(root, "docs/b.md"), "version {version}");
        }
    }

    #[test]
    fn a_changed_or_racily_clean_file_is_not_trusted() {
        let dir = repo("2");
        let root = dir.path();
        let mut index = read(root, |_| true);
        // Written in the same tick as the index: racily clean.
        let b = now(root, "docs/b.md");
        index.mtime = b.mtime;
        assert!(!index.trusts(b"docs/b.md", &b));
        index.mtime = (b.mtime.0 + 1, 0);
        assert!(index.trusts(b"docs/b.md", &b));
        let changed = StatData { size: 7, ..b };
        assert!(!index.trusts(b"docs/b.md", &changed));
        assert!(!index.trusts(b"docs/new.md", &b));
        // Marked assume-unchanged: git decides.
        git(root, &["update-index", "--assume-unchanged", "docs/b.md"]);
        let mut index = read(root, |_| true);
        index.mtime = (b.mtime.0 + 1, 0);
        assert!(index.tracks(b"docs/b.md"));
        assert!(!index.trusts(b"docs/b.md", &b));
    }

    #[test]
    fn damaged_or_unknown_indexes_are_none() {
        let dir = repo("2");
        let bytes = std::fs::read(dir.path().join(".git/index")).unwrap();
        assert!(parse(&bytes, 20, |_| true).is_some());
        for cut in [0, 4, 12, 40, bytes.len() / 2, bytes.len() - 1] {
            assert!(parse(&bytes[..cut], 20, |_| true).is_none(), "cut at {cut}");
        }
        let mut other = bytes.clone();
        other[7] = 9;
        assert!(parse(&other, 20, |_| true).is_none(), "version 9");
        assert!(parse(&bytes, 32, |_| true).is_none(), "wrong hash length");
    }

    #[test]
    fn offsets_decode_as_git_writes_them() {
        assert_eq!(varint(&[0x05]), Some((5, 1)));
        assert_eq!(varint(&[0x80, 0x00]), Some((128, 2)));
        assert_eq!(varint(&[0x81, 0x7f]), Some((383, 2)));
        assert_eq!(varint(&[0x80]), None);
    }
}
