//! Folder listings kept between runs: a walk that finds a folder unchanged
//! since an earlier run takes its guides and sub-folders from that run's
//! listing, with one `stat` instead of reading the folder.
//!
//! A folder's listing (the names of its guides and sub-folders) is kept with
//! the folder's [`DirStamp`] (modification and change times, inode, device),
//! taken *before* it was read: adding, removing or renaming an entry changes
//! the folder's modification time, and replacing the folder changes its inode.
//! Like git's index, a listing is only kept when the folder was last modified
//! at least [`SETTLE`](crate::cache::SETTLE) before the walk started: a change
//! within the same clock tick could otherwise leave the time stamp as it was.
//! (A folder whose time was set back, `touch -d`, has a new change time.)
//! A folder holding a symbolic link is never kept (what a link leads to can
//! change without its folder changing). Edits of a guide do not touch its
//! folder: the summary cache stats every guide for those.
//!
//! The listings live in `listings.bin` in the cache folder (magic, format,
//! checksum; written atomically, only when a listing changed). A missing or
//! damaged file is an empty one. Unix only: elsewhere every folder is read.

use rustc_hash::FxHashMap as HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// The file's name in the cache folder.
pub const FILE: &str = "listings.bin";

/// The first bytes of the file.
const MAGIC: [u8; 8] = *b"GLDIRS\x00\x01";

/// The layout of the file; bumped when it changes.
const FORMAT: u32 = 1;

/// What identifies a folder's state: its entries changed if this did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirStamp {
    /// Modification time: seconds, nanoseconds.
    pub mtime: (i64, u32),
    /// Status change time: seconds, nanoseconds.
    pub ctime: (i64, u32),
    /// Inode number.
    pub ino: u64,
    /// Device.
    pub dev: u64,
}

impl DirStamp {
    /// The stamp of the folder at `path` (`None` if it is not one, or off Unix).
    pub fn read(path: &Path) -> Option<DirStamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let meta = fs::metadata(path).ok()?;
            if !meta.is_dir() {
                return None;
            }
            Some(DirStamp {
                mtime: (meta.mtime(), u32::try_from(meta.mtime_nsec()).ok()?),
                ctime: (meta.ctime(), u32::try_from(meta.ctime_nsec()).ok()?),
                ino: meta.ino(),
                dev: meta.dev(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            None
        }
    }

    /// True when the folder was last modified at least `SETTLE` before
    /// `started`: any later change of its entries gives it a newer time.
    /// (Its change time need not be old: it is compared, not trusted.)
    fn settled(&self, started: SystemTime) -> bool {
        let (secs, nanos) = self.mtime;
        u64::try_from(secs).is_ok_and(|s| {
            UNIX_EPOCH + Duration::new(s, nanos.min(999_999_999)) + crate::cache::SETTLE <= started
        })
    }
}

/// One folder's guides and sub-folders (names), when its stamp was `stamp`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    /// The folder's stamp, taken before it was read.
    pub stamp: DirStamp,
    /// The names of its guides.
    pub guides: Vec<String>,
    /// The names of its sub-folders (hidden ones left out).
    pub subdirs: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    magic: [u8; 8],
    format: u32,
    length: u64,
    checksum: u64,
}

/// The listings of earlier walks (keyed by the folder's absolute path) and
/// the ones this walk makes.
#[derive(Debug)]
pub struct Listings {
    file: PathBuf,
    started: SystemTime,
    old: HashMap<String, Listing>,
}

/// What a walk did with the listings.
#[derive(Debug, Default)]
pub struct Visited {
    /// The folders (absolute paths) whose listing was [fresh](Listings::fresh).
    pub fresh: Vec<String>,
    /// The folders read whose listing can be kept ([`Listings::keepable`]).
    pub read: Vec<(String, Listing)>,
}

impl Listings {
    /// The listings in the cache folder `dir` (empty when missing or damaged).
    pub fn open(dir: &Path) -> Listings {
        let started = SystemTime::now();
        let file = dir.join(FILE);
        let old = fs::read(&file)
            .ok()
            .and_then(|bytes| decode(&bytes))
            .unwrap_or_default();
        Listings { file, started, old }
    }

    /// The same listings, as if the walk had started at `started` (tests).
    #[doc(hidden)]
    pub fn started_at(mut self, started: SystemTime) -> Listings {
        self.started = started;
        self
    }

    /// The listing of folder `key` if it still has `stamp` and was settled
    /// when it was read.
    pub fn fresh(&self, key: &str, stamp: &DirStamp) -> Option<&Listing> {
        self.old
            .get(key)
            .filter(|l| l.stamp == *stamp && stamp.settled(self.started))
    }

    /// Whether a listing of a folder with `stamp`, read now, can be kept.
    pub fn keepable(&self, stamp: &DirStamp) -> bool {
        stamp.settled(self.started)
    }

    /// Writes the listings of the walked `roots` (absolute) as `visited`
    /// found them, the others as they were, if that changes the file.
    pub fn save(self, roots: &[String], visited: Visited) -> io::Result<()> {
        let under = |key: &str| {
            roots.iter().any(|r| {
                key == r
                    || key
                        .strip_prefix(r.as_str())
                        .is_some_and(|rest| rest.starts_with('/') || r.ends_with('/'))
            })
        };
        // Unchanged when every folder under the roots was fresh, and all
        // were visited.
        let before = self.old.keys().filter(|k| under(k)).count();
        if visited.read.is_empty() && before == visited.fresh.len() {
            return Ok(());
        }
        let mut old = self.old;
        let mut all: Vec<(String, Listing)> = visited
            .fresh
            .into_iter()
            .filter_map(|k| old.remove_entry(&k))
            .collect();
        all.extend(old.into_iter().filter(|(k, _)| !under(k)));
        all.extend(visited.read);
        all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let payload = postcard::to_stdvec(&all).map_err(io::Error::other)?;
        let header = Header {
            magic: MAGIC,
            format: FORMAT,
            length: payload.len() as u64,
            checksum: crate::cache::checksum(&payload),
        };
        let mut bytes = postcard::to_stdvec(&header).map_err(io::Error::other)?;
        bytes.extend_from_slice(&payload);
        if let Some(dir) = self.file.parent() {
            crate::cache::prepare_dir(dir)?;
        }
        crate::atomic::write_unsynced(&self.file, &bytes)
    }
}

fn decode(bytes: &[u8]) -> Option<HashMap<String, Listing>> {
    let (header, payload) = postcard::take_from_bytes::<Header>(bytes).ok()?;
    if header.magic != MAGIC
        || header.format != FORMAT
        || header.length != payload.len() as u64
        || header.checksum != crate::cache::checksum(payload)
    {
        return None;
    }
    let all: Vec<(String, Listing)> = postcard::from_bytes(payload).ok()?;
    Some(all.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(secs: i64) -> DirStamp {
        DirStamp {
            mtime: (secs, 1),
            ctime: (secs, 2),
            ino: 7,
            dev: 1,
        }
    }

    #[test]
    fn round_trips_and_trusts_only_settled_unchanged_folders() {
        let dir = tempfile::tempdir().unwrap();
        let listing = Listing {
            stamp: stamp(1_000_000),
            guides: vec!["guide.fr-fr.md".into()],
            subdirs: vec!["images".into()],
        };
        let visited = Visited {
            fresh: Vec::new(),
            read: vec![("/r/a".into(), listing.clone())],
        };
        Listings::open(dir.path())
            .save(&["/r".into()], visited)
            .unwrap();
        let again = Listings::open(dir.path());
        assert_eq!(again.fresh("/r/a", &stamp(1_000_000)), Some(&listing));
        // Another stamp (a file added, the folder replaced): read again.
        assert!(again.fresh("/r/a", &stamp(1_000_001)).is_none());
        let replaced = DirStamp {
            ino: 8,
            ..stamp(1_000_000)
        };
        assert!(again.fresh("/r/a", &replaced).is_none());
        // A folder modified just now is not trusted, nor kept.
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        let recent = stamp(now.as_secs() as i64);
        assert!(!again.keepable(&recent));
        assert!(again.keepable(&stamp(1_000_000)));
    }

    #[test]
    fn a_damaged_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let visited = Visited {
            fresh: Vec::new(),
            read: vec![(
                "/r".into(),
                Listing {
                    stamp: stamp(5),
                    guides: vec!["a.md".into()],
                    subdirs: Vec::new(),
                },
            )],
        };
        Listings::open(dir.path())
            .save(&["/r".into()], visited)
            .unwrap();
        let file = dir.path().join(FILE);
        let mut bytes = fs::read(&file).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0x40;
        fs::write(&file, &bytes).unwrap();
        assert!(Listings::open(dir.path()).fresh("/r", &stamp(5)).is_none());
        fs::write(&file, b"junk").unwrap();
        assert!(Listings::open(dir.path()).fresh("/r", &stamp(5)).is_none());
    }
}
