//! The summary cache: each guide's [`GuideSummary`] (what the corpus pass
//! needs of it), kept on disk between runs, so that a changed-files run reads
//! only the changed guides and merely stats the others.
//!
//! - An entry maps a guide (its path relative to the cache root, the project
//!   root) to its summary and the [`Stamp`] (size, modification time in
//!   nanoseconds, permissions) the guide had when it was read: the entry is
//!   fresh while the guide's stamp is unchanged. A guide modified less than
//!   [`SETTLE`] before the run started is not cached (its time stamp may not
//!   tell the next change apart, git's "racily clean" case).
//! - The whole cache is keyed by a [`fingerprint`] of everything a summary
//!   depends on: guidelint's version and binary, the configuration, the spec,
//!   the vocabularies, protocols, front-matter schema and declarative rules.
//!   Each fingerprint has its own file, `summaries-<fingerprint>.bin`; a
//!   missing, foreign, truncated or corrupt file is an empty cache, never an
//!   error.
//! - The file is postcard (a compact binary serde format) behind a header
//!   (magic, format version, fingerprint, payload length and checksum), written
//!   atomically (temporary file, then rename) and only when an entry changed,
//!   so concurrent runs never see half a file: the last writer wins.
//!   A run maps the file into memory (Unix): it is never written in place.
//! - Each summary's anchors, links and facts stay encoded in the file's
//!   buffer until a check needs them; the file also holds the entries' votes
//!   ([`VoteTable`]), so a changed-files run's GL302 counts only the guides it
//!   read.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::corpus::GuideSummary;
use crate::corpus::consistency::{FactSummary, VoteTable};
use crate::corpus::summary::{Buffer, Deferred};
use crate::data;
use crate::engine::Engine;
use crate::spec::Spec;

/// The cache folder's name in the project root.
pub const DEFAULT_DIR: &str = ".guidelint_cache";

/// The cache folder of a project whose root is `root`: the configuration's
/// `cache_dir` (relative to the configuration file), else [`DEFAULT_DIR`] in the root.
pub fn configured_dir(config: &Config, root: &Path) -> PathBuf {
    match &config.cache_dir {
        Some(dir) => config.resolve(dir),
        None => root.join(DEFAULT_DIR),
    }
}

/// The layout of the cache file; bumped when it changes.
const FORMAT: u32 = 6;

/// The first bytes of a cache file.
const MAGIC: [u8; 8] = *b"GLCACHE\x01";

/// A guide modified this shortly before the run is read but not cached.
pub const SETTLE: Duration = Duration::from_secs(1);

/// A deterministic 64-bit hash (FNV-1a) of length-prefixed parts: equal
/// inputs give equal fingerprints in every process and on every platform.
#[derive(Debug, Clone)]
pub struct Fingerprinter(u64);

impl Default for Fingerprinter {
    fn default() -> Self {
        Self::new()
    }
}

impl Fingerprinter {
    /// An empty hash.
    pub fn new() -> Self {
        Fingerprinter(0xcbf2_9ce4_8422_2325)
    }

    /// Adds one part (its length, then its bytes).
    pub fn part(&mut self, bytes: &[u8]) -> &mut Self {
        self.bytes(&(bytes.len() as u64).to_le_bytes());
        self.bytes(bytes);
        self
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// The hash.
    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// The fingerprint of everything an engine's summaries depend on.
pub fn fingerprint(engine: &Engine) -> u64 {
    fingerprint_of(
        &engine.config,
        engine.spec.as_ref(),
        engine.declarative.fingerprint(),
    )
}

/// [`fingerprint`] from an engine's inputs, before the engine is built:
/// its configuration, spec and [declarative rules' fingerprint](crate::declarative::RuleSet::sources_fingerprint).
pub fn fingerprint_of(config: &Config, spec: Option<&Spec>, rules: u64) -> u64 {
    let mut h = Fingerprinter::new();
    h.part(env!("CARGO_PKG_VERSION").as_bytes())
        .part(&FORMAT.to_le_bytes());
    // A rebuilt guidelint may summarize differently under the same version.
    if let Some(stamp) = std::env::current_exe()
        .ok()
        .and_then(|exe| fs::metadata(exe).ok())
        .and_then(|meta| Stamp::of(&meta))
    {
        h.part(&stamp.size.to_le_bytes())
            .part(&stamp.secs.to_le_bytes())
            .part(&stamp.nanos.to_le_bytes());
    }
    for (name, text) in data::VOCABULARIES {
        h.part(name.as_bytes()).part(text.as_bytes());
    }
    h.part(data::PROTOCOLS_YAML.as_bytes())
        .part(data::FRONT_MATTER_YAML.as_bytes());
    // The configuration and the spec hold no hash maps: their Debug text is
    // the same in every process (the configuration's includes its file's text).
    h.part(format!("{config:?}").as_bytes())
        .part(format!("{spec:?}").as_bytes())
        .part(&rules.to_le_bytes());
    h.finish()
}

/// The stamps of `files`, read in parallel (`None` for a file that cannot be `stat`ed).
pub fn stamps(files: &[crate::discover::GuideFile]) -> Vec<Option<Stamp>> {
    files.par_iter().map(|f| Stamp::read(&f.path)).collect()
}

/// What a guide's file looked like when its summary was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Size in bytes.
    pub size: u64,
    /// Modification time: seconds since the Unix epoch.
    pub secs: i64,
    /// Modification time: nanoseconds within the second.
    pub nanos: u32,
    /// Permission bits (Unix), or the read-only flag.
    pub mode: u32,
}

impl Stamp {
    /// The stamp of a regular file; `None` for anything else.
    pub fn of(meta: &fs::Metadata) -> Option<Stamp> {
        if !meta.is_file() {
            return None;
        }
        #[cfg(unix)]
        let (secs, nanos, mode) = {
            use std::os::unix::fs::MetadataExt;
            (
                meta.mtime(),
                u32::try_from(meta.mtime_nsec()).ok()?,
                meta.mode(),
            )
        };
        #[cfg(not(unix))]
        let (secs, nanos, mode) = {
            let since = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
            (
                i64::try_from(since.as_secs()).ok()?,
                since.subsec_nanos(),
                u32::from(meta.permissions().readonly()),
            )
        };
        Some(Stamp {
            size: meta.len(),
            secs,
            nanos,
            mode,
        })
    }

    /// The stamp of the file at `path`, following links.
    pub fn read(path: &Path) -> Option<Stamp> {
        Stamp::of(&fs::metadata(path).ok()?)
    }

    /// True when the file was last modified at least [`SETTLE`] before `started`.
    fn settled(&self, started: SystemTime) -> bool {
        let Ok(secs) = u64::try_from(self.secs) else {
            return false;
        };
        let modified = UNIX_EPOCH + Duration::new(secs, self.nanos.min(999_999_999));
        modified + SETTLE <= started
    }
}

/// One cached guide.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    stamp: Stamp,
    summary: GuideSummary,
    /// Where the summary's anchors and links are in the file's details
    /// region: (offset, length).
    details: (u64, u64),
    /// Where the summary's facts are in the details region: (offset, length).
    facts: (u64, u64),
    /// True when the guide's own checks found nothing and it holds no
    /// suppression comment: a full run need not check it again (its corpus
    /// checks still run, over its summary).
    clean: bool,
}

/// A summary taken out of the cache ([`Cache::take`]), still in its entry's
/// box: whoever takes twenty thousand of them moves pointers, and unboxes
/// each summary where it is used (in parallel).
#[derive(Debug)]
pub struct Taken(Box<Entry>);

impl Taken {
    /// The summary.
    pub fn into_summary(self) -> GuideSummary {
        self.0.summary
    }
}

/// The entries by key; boxed, so that twenty thousand of them move in and
/// out cheaply.
type Entries = HashMap<String, Box<Entry>>;

/// What precedes the entries in a cache file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Header {
    magic: [u8; 8],
    format: u32,
    fingerprint: u64,
    /// Length of the payload (the entries) in bytes.
    length: u64,
    /// [`checksum`] of the payload.
    checksum: u64,
}

/// The summaries of earlier runs, and this run's new ones.
#[derive(Debug)]
pub struct Cache {
    /// The cache folder.
    dir: PathBuf,
    /// The project root: keys are paths relative to it.
    root: PathBuf,
    /// True when `root` is normalized (no `.`, `..`, doubled or trailing `/`).
    root_normal: bool,
    /// Makes guide paths absolute (the current folder asked once).
    cwd: crate::corpus::paths::Absolutizer,
    fingerprint: u64,
    started: SystemTime,
    entries: Entries,
    /// The stamps of the entries [`Cache::take`] took out.
    taken: HashMap<String, (Stamp, bool)>,
    /// The keys this run recorded.
    touched: HashSet<String>,
    /// Stamps read ahead, while the cache was being decoded ([`Cache::prefetch`]).
    prefetched: Option<Vec<Option<Stamp>>>,
    /// The votes of the file's entries (see [`VoteTable`]).
    votes: Option<VoteTable>,
    dirty: bool,
}

impl Cache {
    /// The cache in folder `dir` for guides under `root`, for runs whose
    /// summaries have `fingerprint`. A missing or unusable file is an empty cache.
    pub fn open(dir: &Path, root: &Path, fingerprint: u64) -> Cache {
        let started = SystemTime::now();
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let root_normal = root.as_os_str() == crate::corpus::paths::normalize(&root).as_os_str();
        let mut cache = Cache {
            dir: dir.to_path_buf(),
            root,
            root_normal,
            cwd: crate::corpus::paths::Absolutizer::new(),
            fingerprint,
            started,
            entries: HashMap::default(),
            taken: HashMap::default(),
            touched: HashSet::default(),
            prefetched: None,
            votes: None,
            dirty: false,
        };
        if let Some(bytes) = read(&cache.file())
            && let Some((entries, votes)) = decode(Arc::new(bytes), fingerprint)
        {
            cache.taken.reserve(entries.len());
            cache.entries = entries;
            cache.votes = votes;
        }
        cache
    }

    /// Hands over the stamps of the run's guides, read (with [`stamps`]) while
    /// the cache was being decoded; the next [`Cache::take_prefetched`] gets them.
    pub fn prefetch(&mut self, stamps: Vec<Option<Stamp>>) {
        self.prefetched = Some(stamps);
    }

    /// The stamps handed over by [`Cache::prefetch`], if they are for `count` guides.
    pub fn take_prefetched(&mut self, count: usize) -> Option<Vec<Option<Stamp>>> {
        self.prefetched.take().filter(|s| s.len() == count)
    }

    /// Takes out the votes of the file's entries, counted when it was
    /// written: summaries [`Cache::take`]n out carry their entry's ordinal
    /// ([`GuideSummary::cached`]).
    pub fn take_votes(&mut self) -> Option<VoteTable> {
        self.votes.take()
    }

    /// The file of this fingerprint's summaries.
    pub fn file(&self) -> PathBuf {
        self.dir
            .join(format!("summaries-{:016x}.bin", self.fingerprint))
    }

    /// How many guides the cache holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the cache holds no guide.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The key of the guide at `path`: its path relative to the root with `/`
    /// separators, or its absolute path when it lies elsewhere. Lexical: no
    /// file-system call.
    pub fn key(&self, path: &Path) -> String {
        let normal = self.cwd.absolute(path);
        #[cfg(unix)]
        if self.root_normal {
            // Both normalized: the key is the bytes after the root's.
            use std::os::unix::ffi::OsStrExt;
            let root = self.root.as_os_str().as_bytes();
            let rest = normal
                .as_os_str()
                .as_bytes()
                .strip_prefix(root)
                .and_then(|rest| {
                    if root.ends_with(b"/") || rest.is_empty() {
                        Some(rest)
                    } else {
                        rest.strip_prefix(b"/")
                    }
                });
            if let Some(rest) = rest {
                return String::from_utf8_lossy(rest).into_owned();
            }
        }
        match normal.strip_prefix(&self.root) {
            Ok(rel) => rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
            Err(_) => normal.to_string_lossy().into_owned(),
        }
    }

    /// Takes out the cached summary of the guide `key`, shown as `display`, if
    /// the guide still has `stamp` (and was shown the same way: a summary's
    /// layout depends on the path as given), and whether the guide was clean
    /// (see [`Cache::insert`]). [`Cache::insert`] puts it back.
    pub fn take(&mut self, key: &str, stamp: &Stamp, display: &str) -> Option<(Taken, bool)> {
        let fresh = self
            .entries
            .get(key)
            .is_some_and(|e| e.stamp == *stamp && e.summary.path == display);
        if !fresh {
            return None;
        }
        let (key, entry) = self.entries.remove_entry(key)?;
        self.taken.insert(key, (entry.stamp, entry.clean));
        let clean = entry.clean;
        Some((Taken(entry), clean))
    }

    /// Records the summary of the guide `key`, read when it had `stamp`, and
    /// whether it is `clean`: its own checks (every rule, before selection)
    /// found nothing and it holds no suppression comment. The file is
    /// rewritten only if that changes the cache; a guide modified too
    /// recently is not cached (and its stale entry is dropped).
    pub fn insert(&mut self, key: String, stamp: Stamp, mut summary: GuideSummary, clean: bool) {
        // Its ordinal was in the file it came from.
        summary.cached = None;
        let was_fresh = match self.taken.remove(&key) {
            Some(taken) => taken == (stamp, clean),
            None => self.entries.get(&key).is_some_and(|e| {
                e.stamp == stamp && e.summary.path == summary.path && e.clean == clean
            }),
        };
        if !summary.readable || !stamp.settled(self.started) {
            self.dirty |= was_fresh | self.entries.remove(&key).is_some();
            return;
        }
        self.dirty |= !was_fresh;
        self.touched.insert(key.clone());
        self.entries.insert(
            key,
            Box::new(Entry {
                stamp,
                summary,
                details: (0, 0),
                facts: (0, 0),
                clean,
            }),
        );
    }

    /// Forgets the guide `key` (it is gone, or no longer a regular file).
    pub fn remove(&mut self, key: &str) {
        self.dirty |= self.taken.remove(key).is_some() | self.entries.remove(key).is_some();
    }

    /// Writes the cache if an entry changed: the folder (with a `.gitignore`
    /// holding `*`) is created if needed, the file replaced atomically.
    pub fn save(&mut self) -> io::Result<()> {
        if !self.dirty {
            return Ok(());
        }
        // Entries of guides this run did not see and that are gone.
        let root = &self.root;
        let touched = &self.touched;
        self.entries
            .retain(|key, _| touched.contains(key) || root.join(key).is_file());
        prepare_dir(&self.dir)?;
        let bytes = encode(&mut self.entries, self.fingerprint)?;
        crate::atomic::write_unsynced(&self.file(), &bytes)?;
        self.dirty = false;
        self.remove_other_files();
        Ok(())
    }

    /// Deletes the files of other fingerprints (another configuration, an
    /// older guidelint): each would otherwise stay forever.
    fn remove_other_files(&self) {
        let Ok(dir) = fs::read_dir(&self.dir) else {
            return;
        };
        let own = self.file();
        for entry in dir.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if path != own && name.starts_with("summaries-") && name.ends_with(".bin") {
                let _ = fs::remove_file(&path);
            }
        }
    }
}

/// Creates the cache folder `dir` if needed, with a `.gitignore` holding `*`.
pub(crate) fn prepare_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        crate::atomic::write_unsynced(&ignore, b"# Created by guidelint.\n*\n")?;
    }
    Ok(())
}

/// Entries are written in this many independent shards, decoded in parallel.
const SHARDS: usize = 16;

/// The cache file's bytes: the header, then the details region (every
/// summary's encoded anchors and links, decoded only when needed), then the
/// shards of entries; each preceded by its length (eight bytes, little-endian).
fn encode(entries: &mut Entries, fingerprint: u64) -> io::Result<Vec<u8>> {
    let mut details = Vec::new();
    for entry in entries.values_mut() {
        let encoded = entry.summary.encode_details();
        entry.details = (details.len() as u64, encoded.len() as u64);
        details.extend_from_slice(&encoded);
        let encoded = entry.summary.encode_facts();
        entry.facts = (details.len() as u64, encoded.len() as u64);
        details.extend_from_slice(&encoded);
    }
    let all: Vec<(&String, &Entry)> = entries.iter().map(|(k, e)| (k, &**e)).collect();
    let facts: Vec<(Option<usize>, std::borrow::Cow<'_, [FactSummary]>)> = all
        .par_iter()
        .map(|(_, e)| {
            let items = if e.summary.readable {
                e.summary.fact_items()
            } else {
                std::borrow::Cow::Borrowed(&[][..])
            };
            (e.summary.facts.product, items)
        })
        .collect();
    let table = VoteTable::count(
        u32::try_from(all.len()).map_err(io::Error::other)?,
        facts
            .iter()
            .enumerate()
            .map(|(i, (product, items))| (i as u32, *product, &items[..])),
    );
    let table = postcard::to_stdvec(&table).map_err(io::Error::other)?;
    let per_shard = all.len().div_ceil(SHARDS).max(1);
    let shards: Vec<Vec<u8>> = all
        .par_chunks(per_shard)
        .map(postcard::to_stdvec)
        .collect::<Result<_, _>>()
        .map_err(io::Error::other)?;
    let mut payload = Vec::with_capacity(
        details.len() + table.len() + 16 + shards.iter().map(|s| s.len() + 8).sum::<usize>(),
    );
    payload.extend_from_slice(&(details.len() as u64).to_le_bytes());
    payload.extend_from_slice(&details);
    payload.extend_from_slice(&(table.len() as u64).to_le_bytes());
    payload.extend_from_slice(&table);
    for shard in &shards {
        payload.extend_from_slice(&(shard.len() as u64).to_le_bytes());
        payload.extend_from_slice(shard);
    }
    let header = Header {
        magic: MAGIC,
        format: FORMAT,
        fingerprint,
        length: payload.len() as u64,
        checksum: checksum(&payload),
    };
    let mut bytes = postcard::to_stdvec(&header).map_err(io::Error::other)?;
    bytes.extend_from_slice(&payload);
    Ok(bytes)
}

/// The bytes of the cache file at `path`; `None` when it cannot be read.
///
/// On Unix the file is mapped into memory: most of it is details that a
/// changed-files run never decodes, and reading them would copy tens of
/// megabytes into fresh pages. (Elsewhere a mapped file could not be replaced
/// by the next [`Cache::save`].) It is read where mapping fails.
fn read(path: &Path) -> Option<Buffer> {
    #[cfg(unix)]
    {
        let file = fs::File::open(path).ok()?;
        // SAFETY: a mapped file must not change while it is mapped. guidelint
        // never writes a cache file in place: a new one replaces it by a
        // rename (`crate::atomic`), which leaves the mapped file as it is.
        if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
            return Some(Buffer::Mapped(map));
        }
    }
    fs::read(path).ok().map(Buffer::from)
}

/// The entries of a cache file, and their votes (`None` if they do not
/// match the entries); `None` when it is not one of ours, of another
/// fingerprint, truncated or corrupt.
fn decode(file: Arc<Buffer>, fingerprint: u64) -> Option<(Entries, Option<VoteTable>)> {
    let bytes = file.as_slice();
    let (header, payload) = postcard::take_from_bytes::<Header>(bytes).ok()?;
    if header.magic != MAGIC
        || header.format != FORMAT
        || header.fingerprint != fingerprint
        || header.length != payload.len() as u64
        || header.checksum != checksum(payload)
    {
        return None;
    }
    let mut shards = Vec::new();
    let (len, rest) = payload.split_first_chunk::<8>()?;
    let len = usize::try_from(u64::from_le_bytes(*len)).ok()?;
    if len > rest.len() {
        return None;
    }
    let (details, rest) = rest.split_at(len);
    // The details stay in the file's buffer: offsets are made file-relative.
    let details_start = bytes.len() - payload.len() + 8;
    let (len, rest) = rest.split_first_chunk::<8>()?;
    let len = usize::try_from(u64::from_le_bytes(*len)).ok()?;
    if len > rest.len() {
        return None;
    }
    let (table, mut rest) = rest.split_at(len);
    while !rest.is_empty() {
        let (len, after) = rest.split_first_chunk::<8>()?;
        let len = usize::try_from(u64::from_le_bytes(*len)).ok()?;
        if len > after.len() {
            return None;
        }
        let (shard, after) = after.split_at(len);
        shards.push(shard);
        rest = after;
    }
    let (decoded, table) = rayon::join(
        || {
            shards
                .par_iter()
                .map(|shard| postcard::from_bytes(shard).ok())
                .collect::<Option<Vec<Vec<(String, Box<Entry>)>>>>()
        },
        || postcard::from_bytes::<VoteTable>(table).ok(),
    );
    let decoded = decoded?;
    let mut entries =
        HashMap::with_capacity_and_hasher(decoded.iter().map(Vec::len).sum(), Default::default());
    let deferred = |(start, len): (u64, u64)| -> Option<Deferred> {
        let start = usize::try_from(start).ok()?;
        let end = start.checked_add(usize::try_from(len).ok()?)?;
        if end > details.len() {
            return None;
        }
        Some(Deferred {
            bytes: file.clone(),
            range: details_start + start..details_start + end,
        })
    };
    for (ordinal, (key, mut entry)) in decoded.into_iter().flatten().enumerate() {
        entry.summary.deferred = Some(deferred(entry.details)?);
        entry.summary.deferred_facts = Some(deferred(entry.facts)?);
        entry.summary.cached = Some(u32::try_from(ordinal).ok()?);
        entries.insert(key, entry);
    }
    let table = table.filter(|t| t.entries as usize == entries.len());
    Some((entries, table))
}

/// A fast 64-bit checksum of `bytes`: the [`chunk_checksum`]s of its 1 MB
/// chunks, computed in parallel, folded. Catches a damaged file, whose spans
/// could otherwise point anywhere.
pub(crate) fn checksum(bytes: &[u8]) -> u64 {
    let parts: Vec<u64> = bytes.par_chunks(1 << 20).map(chunk_checksum).collect();
    let mut folded = Vec::with_capacity(parts.len() * 8 + 8);
    folded.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    for p in parts {
        folded.extend_from_slice(&p.to_le_bytes());
    }
    chunk_checksum(&folded)
}

/// The checksum of one chunk, eight bytes at a time.
fn chunk_checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h: u64 = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(word))
            .wrapping_mul(K)
            .rotate_left(29);
    }
    for b in chunks.remainder() {
        h = (h ^ u64::from(*b)).wrapping_mul(K).rotate_left(29);
    }
    h ^ (h >> 32)
}

/// Serde for [`crate::extract::Limit`] as its index in `Limit::ALL`.
pub mod serde_limit {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    use crate::extract::Limit;

    /// Writes the limit's index.
    pub fn serialize<S: Serializer>(limit: &Limit, s: S) -> Result<S::Ok, S::Error> {
        let index = Limit::ALL.iter().position(|l| l == limit).unwrap_or(0);
        s.serialize_u8(index as u8)
    }

    /// Reads a limit's index.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Limit, D::Error> {
        let index = u8::deserialize(d)?;
        Limit::ALL
            .get(usize::from(index))
            .copied()
            .ok_or_else(|| D::Error::custom("no such limit"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::consistency::{FactKind, FactSummary};
    use crate::corpus::{LinkRef, Located};

    fn summary(path: &str) -> GuideSummary {
        let mut s = GuideSummary {
            path: path.to_string(),
            readable: true,
            markdown: true,
            slug: Some(Located {
                value: "slug".into(),
                span: 3..7,
            }),
            links: vec![LinkRef {
                target: "../a/guide.fr-fr.md".into(),
                fragment: Some("x".into()),
                url_span: 1..2,
                fragment_span: 2..3,
                image: false,
            }],
            ..GuideSummary::default()
        };
        s.facts.items.push(FactSummary {
            kind: FactKind::Limit(crate::extract::Limit::MailboxQuotaGb),
            value: "5".into(),
            written: None,
            protocol: Some(crate::spec::Protocol::Imap),
            direction: None,
            ssl: Some(true),
            span: 0..1,
        });
        s.facts.product = Some(1);
        s
    }

    fn old_stamp() -> Stamp {
        Stamp {
            size: 10,
            secs: 1_000_000,
            nanos: 5,
            mode: 0o644,
        }
    }

    #[test]
    fn round_trips_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut cache = Cache::open(&dir.path().join("c"), dir.path(), 7);
        assert!(cache.is_empty());
        let key = cache.key(&dir.path().join("a/guide.fr-fr.md"));
        assert_eq!(key, "a/guide.fr-fr.md");
        assert_eq!(cache.key(&dir.path().join("./a/../a//g.md")), "a/g.md");
        assert_eq!(cache.key(dir.path()), "");
        // A root that is not normalized is compared component by component.
        let odd = Cache::open(&dir.path().join("c"), &dir.path().join("x/.."), 7);
        let plain = Cache::open(&dir.path().join("c"), &dir.path().join("x/."), 7);
        assert_eq!(plain.key(&dir.path().join("x/a/g.md")), "a/g.md");
        assert!(odd.key(&dir.path().join("a/g.md")).ends_with("a/g.md"));
        assert_eq!(
            cache.key(Path::new("/elsewhere/g.md")),
            "/elsewhere/g.md",
            "outside the root: the absolute path"
        );
        cache.insert(key.clone(), old_stamp(), summary("a/guide.fr-fr.md"), true);
        cache.save().unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("c/.gitignore"))
                .unwrap()
                .lines()
                .last(),
            Some("*")
        );
        let mut again = Cache::open(&dir.path().join("c"), dir.path(), 7);
        assert_eq!(again.len(), 1);
        // The votes come counted, and the summary knows its entry.
        let votes = again.take_votes().unwrap();
        assert_eq!(votes.entries, 1);
        assert_eq!(votes.slots.len(), 1);
        assert_eq!(votes.slots[0].values, [("5".into(), vec![0])]);
        let (got, clean) = again.take(&key, &old_stamp(), "a/guide.fr-fr.md").unwrap();
        let mut got = got.into_summary();
        assert!(clean, "the clean mark is kept");
        assert_eq!(got.cached, Some(0));
        // Anchors and links stay encoded until asked for.
        assert!(got.links.is_empty() && got.deferred.is_some());
        assert!(got.facts.items.is_empty() && got.deferred_facts.is_some());
        got.load_all();
        let want = summary("a/guide.fr-fr.md");
        assert_eq!(got.slug, want.slug);
        assert_eq!(got.links, want.links);
        assert_eq!(got.facts.items, want.facts.items);
        assert_eq!(got.facts.product, want.facts.product);
        // Another stamp, another display path, another fingerprint: misses.
        let mut again = Cache::open(&dir.path().join("c"), dir.path(), 7);
        let newer = Stamp {
            nanos: 6,
            ..old_stamp()
        };
        assert!(again.take(&key, &newer, "a/guide.fr-fr.md").is_none());
        assert!(
            again
                .take(&key, &old_stamp(), "./a/guide.fr-fr.md")
                .is_none()
        );
        assert!(Cache::open(&dir.path().join("c"), dir.path(), 8).is_empty());
    }

    #[test]
    fn writes_only_when_something_changed() {
        let dir = tempfile::tempdir().unwrap();
        let mut cache = Cache::open(dir.path(), dir.path(), 1);
        cache.save().unwrap();
        assert!(!cache.file().exists(), "nothing to write");
        cache.insert("g.md".into(), old_stamp(), summary("g.md"), false);
        cache.save().unwrap();
        let mut again = Cache::open(dir.path(), dir.path(), 1);
        let (s, clean) = again.take("g.md", &old_stamp(), "g.md").unwrap();
        again.insert("g.md".into(), old_stamp(), s.into_summary(), clean);
        assert!(!again.dirty);
        // A guide whose clean mark changes is written again.
        let (s, clean) = again.take("g.md", &old_stamp(), "g.md").unwrap();
        again.insert("g.md".into(), old_stamp(), s.into_summary(), !clean);
        assert!(again.dirty);
        // A guide modified just now is not cached, and its old entry goes.
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        let fresh = Stamp {
            secs: now.as_secs() as i64,
            ..old_stamp()
        };
        again.insert("g.md".into(), fresh, summary("g.md"), false);
        assert!(again.dirty && again.is_empty());
    }

    #[test]
    fn a_damaged_file_is_an_empty_cache() {
        let dir = tempfile::tempdir().unwrap();
        let mut cache = Cache::open(dir.path(), dir.path(), 3);
        for i in 0..40 {
            let path = format!("g{i}.md");
            cache.insert(path.clone(), old_stamp(), summary(&path), false);
        }
        cache.save().unwrap();
        let file = cache.file();
        let good = fs::read(&file).unwrap();
        assert_eq!(Cache::open(dir.path(), dir.path(), 3).len(), 40);
        let mut damaged: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"not a cache at all".to_vec(),
            good[..good.len() / 2].to_vec(),
            good[..20].to_vec(),
        ];
        let mut flipped = good.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0x55;
        damaged.push(flipped);
        for bytes in damaged {
            fs::write(&file, &bytes).unwrap();
            assert!(Cache::open(dir.path(), dir.path(), 3).is_empty());
        }
        // Arbitrary bytes never panic, with or without a valid header.
        for n in [1usize, 7, 64, 1000] {
            let noise: Vec<u8> = (0..n).map(|i| (i * 131 % 251) as u8).collect();
            assert!(decode(Arc::new(noise.clone().into()), 3).is_none());
            let mut forged = good[..good.len() - decode_payload_len(&good)].to_vec();
            forged.extend_from_slice(&noise);
            assert!(decode(Arc::new(forged.clone().into()), 3).is_none());
        }
    }

    /// The payload length of a valid file.
    fn decode_payload_len(bytes: &[u8]) -> usize {
        postcard::take_from_bytes::<Header>(bytes).unwrap().1.len()
    }

    #[test]
    fn fingerprints_are_stable_and_sensitive() {
        let a = Fingerprinter::new().part(b"ab").part(b"c").finish();
        let b = Fingerprinter::new().part(b"a").part(b"bc").finish();
        assert_ne!(a, b);
        assert_eq!(a, Fingerprinter::new().part(b"ab").part(b"c").finish());
        let engine = Engine::new(None).unwrap();
        assert_eq!(fingerprint(&engine), fingerprint(&engine.clone()));
        let mut other = engine.clone();
        other.config.corpus.complete = true;
        assert_ne!(fingerprint(&engine), fingerprint(&other));
    }
}
