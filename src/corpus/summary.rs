//! The compact summary of one guide that the corpus pass works on: its place,
//! slug, anchors, links and images with their spans — never its text.

use compact_str::CompactString;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::anchors::{self, Anchor};
use super::layout::{self, Layout};
use super::schema::{self, Schema};
use crate::config::Config;
use crate::guide::{Guide, GuideKind};

/// A value and where it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Its span in the guide.
    pub span: Range<usize>,
}

/// A link or image the corpus pass checks (external hosts are left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkRef {
    /// The destination without its `#fragment` (empty for `#x` alone); held
    /// inline when short (`images/a.png`), as most are.
    pub target: CompactString,
    /// The fragment, percent-decoded, without `#`.
    pub fragment: Option<CompactString>,
    /// The destination as written in the source (falls back to the whole link).
    pub url_span: Range<usize>,
    /// The `#fragment` in the source (falls back to the destination).
    pub fragment_span: Range<usize>,
    /// True for `![alt](src)`.
    pub image: bool,
}

/// What the corpus pass needs to know of one guide.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GuideSummary {
    /// Index of the guide in the run (not cached: set by each run).
    #[serde(skip)]
    pub file: usize,
    /// Path as given.
    pub path: String,
    /// The path to read it from (not cached: set by each run).
    #[serde(skip)]
    pub fs_path: PathBuf,
    /// False when the guide could not be read or parsed.
    pub readable: bool,
    /// True for Markdown guides (plain-text exports have no anchors).
    pub markdown: bool,
    /// Locale, universe, folder.
    pub layout: Layout,
    /// Where to point at the guide as a whole: its front matter's opening
    /// fence, else the start of the file.
    pub head: Range<usize>,
    /// The front matter's `slug`.
    pub slug: Option<Located<String>>,
    /// The name of its front matter's form (`legacy`, `current`), if it follows one.
    pub form: Option<CompactString>,
    /// When the guide was last updated (`YYYY-MM-DD`): its front matter's
    /// `updated`, else the date of its "Last updated …" line.
    pub updated: Option<CompactString>,
    /// The front matter's `legacy_guide_number`, without its `g` (`g1474` is `1474`).
    pub legacy_number: Option<Located<String>>,
    /// For translations: the value of every key translations must agree on
    /// (in [`Schema::agree_keys`] order), `None` when the key is absent
    /// (cached apart, with the anchors and links).
    #[serde(skip)]
    pub agreed: Vec<(String, Option<Located<String>>)>,
    /// Heading ids, `{#id}` and HTML anchors, sorted by id (cached apart:
    /// see [`GuideSummary::deferred`]).
    #[serde(skip)]
    pub anchors: Vec<Anchor>,
    /// Links and images to check (cached apart, with the anchors).
    #[serde(skip)]
    pub links: Vec<LinkRef>,
    /// The details (agreed values, anchors, links) of a summary read from the cache, still encoded:
    /// most guides of a changed-files run are neither linked to by a changed
    /// guide nor in its folder, and theirs are never needed.
    #[serde(skip)]
    pub deferred: Option<Deferred>,
    /// The facts of a summary read from the cache, still encoded: a
    /// changed-files run counts only the facts of the changed guides'
    /// products and folders.
    #[serde(skip)]
    pub deferred_facts: Option<Deferred>,
    /// The summary's ordinal in the cache file it was read from (`None`
    /// for a summary made by this run); see [`super::consistency::VoteTable`].
    #[serde(skip)]
    pub cached: Option<u32>,
    /// Its facts, compact, for the consistency checks.
    pub facts: super::consistency::GuideFacts,
    /// Uses of the spellings of corpus-wide consistency rules (declarative rules).
    pub spellings: Vec<crate::declarative::SpellingUse>,
}

/// The details only the checks of a guide's own folder and of the guides
/// linking to it read (agreed front-matter values, anchors, links) in their
/// encoded form ([`GuideSummary::encode_details`]),
/// somewhere in a shared buffer.
#[derive(Debug, Clone)]
pub struct Deferred {
    /// The buffer.
    pub bytes: Arc<Buffer>,
    /// Where the encoded details are in it.
    pub range: Range<usize>,
}

/// A buffer shared by the deferred details of many summaries: a cache
/// file's bytes.
#[derive(Debug)]
pub enum Buffer {
    /// In memory.
    Owned(Vec<u8>),
    /// The file mapped into memory.
    Mapped(memmap2::Mmap),
}

impl Buffer {
    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        match self {
            Buffer::Owned(bytes) => bytes,
            Buffer::Mapped(map) => map,
        }
    }
}

impl From<Vec<u8>> for Buffer {
    fn from(bytes: Vec<u8>) -> Buffer {
        Buffer::Owned(bytes)
    }
}

impl Deferred {
    /// The encoded details.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes
            .as_slice()
            .get(self.range.clone())
            .unwrap_or_default()
    }
}

impl GuideSummary {
    /// Its details (agreed values, anchors, links), encoded (postcard).
    pub fn encode_details(&self) -> Vec<u8> {
        match &self.deferred {
            Some(d) => d.as_bytes().to_vec(),
            None => {
                postcard::to_stdvec(&(&self.agreed, &self.anchors, &self.links)).unwrap_or_default()
            }
        }
    }

    /// Decodes its deferred details, if any. Damaged bytes give
    /// none (the cache is checksummed: this does not happen in practice).
    pub fn load_details(&mut self) {
        if let Some(d) = self.deferred.take()
            && let Ok((agreed, anchors, links)) = postcard::from_bytes::<(
                Vec<(String, Option<Located<String>>)>,
                Vec<Anchor>,
                Vec<LinkRef>,
            )>(d.as_bytes())
        {
            self.agreed = agreed;
            self.anchors = anchors;
            self.links = links;
        }
    }

    /// Its facts' items, encoded (postcard).
    pub fn encode_facts(&self) -> Vec<u8> {
        match &self.deferred_facts {
            Some(d) => d.as_bytes().to_vec(),
            None => postcard::to_stdvec(&self.facts.items).unwrap_or_default(),
        }
    }

    /// Decodes its deferred facts, if any (damaged bytes give none).
    pub fn load_facts(&mut self) {
        if let Some(d) = self.deferred_facts.take()
            && let Ok(items) =
                postcard::from_bytes::<Vec<super::consistency::FactSummary>>(d.as_bytes())
        {
            self.facts.items = items;
        }
    }

    /// Its facts' items, decoded from the deferred bytes if need be (the
    /// summary is left as it is).
    pub fn fact_items(&self) -> std::borrow::Cow<'_, [super::consistency::FactSummary]> {
        match &self.deferred_facts {
            Some(d) => std::borrow::Cow::Owned(
                postcard::from_bytes::<Vec<super::consistency::FactSummary>>(d.as_bytes())
                    .unwrap_or_default(),
            ),
            None => std::borrow::Cow::Borrowed(&self.facts.items),
        }
    }

    /// Decodes everything deferred: details and facts.
    pub fn load_all(&mut self) {
        self.load_details();
        self.load_facts();
    }

    /// Gives back the spare capacity of its lists: twenty thousand summaries
    /// are held at once, and a list collected from a filter can hold twice
    /// what it needs.
    pub fn shrink(&mut self) {
        self.agreed.shrink_to_fit();
        self.anchors.shrink_to_fit();
        self.links.shrink_to_fit();
        self.facts.items.shrink_to_fit();
        self.spellings.shrink_to_fit();
    }
}

/// What the per-guide pass found out about a guide, besides its model.
#[derive(Debug, Clone, Copy)]
pub struct Findings<'a> {
    /// Its facts.
    pub facts: &'a [crate::extract::Fact],
    /// The spec product it is attributed to (index in the spec's products).
    pub product: Option<usize>,
    /// The protocols the guide names anywhere ([`crate::spec::Protocols::named_in`]).
    pub mentions: u8,
}

/// Builds the summary of a parsed guide whose source is `text`.
pub fn summarize(
    file: usize,
    path: &str,
    fs_path: PathBuf,
    text: &str,
    guide: &Guide,
    found: Findings<'_>,
    config: &Config,
) -> GuideSummary {
    let layout = layout::layout(Path::new(path), guide.front_matter_str("lang"));
    let fm = guide.front_matter.as_ref();
    let head = fm.map(|f| f.span.start..f.span.start + 3).unwrap_or(0..0);
    let located = |key: &str| -> Option<Located<String>> {
        let fm = fm?;
        let value = fm.value.as_ref().ok()?.get(key)?;
        let span = fm
            .keys
            .iter()
            .find(|k| k.key == key)
            .map(|k| {
                if k.value_span.is_empty() {
                    k.key_span.clone()
                } else {
                    k.value_span.clone()
                }
            })
            .unwrap_or_else(|| head.clone());
        Some(Located {
            value: schema::value_text(value),
            span,
        })
    };
    let agreed = match Schema::embedded() {
        Some(schema) if layout.translation => schema
            .agree_keys()
            .map(|k| (k.to_string(), located(k)))
            .collect(),
        _ => Vec::new(),
    };
    let form = match (Schema::embedded(), fm.and_then(|f| f.value.as_ref().ok())) {
        (Some(schema), Some(map)) => schema
            .form_for(map, layout.translation)
            .map(|f| CompactString::from(f.name.as_str())),
        _ => None,
    };
    let updated = located("updated")
        .map(|u| u.value)
        .filter(|u| schema::is_date(u))
        .or_else(|| super::updated::updated_line(guide).map(|l| l.date.to_string()))
        .map(CompactString::from);
    let pattern_host = config.corpus.url_pattern.as_deref().and_then(host_of);
    let links = guide
        .links
        .iter()
        .filter_map(|l| link_ref(text, &l.url, l.span.clone(), l.image, pattern_host))
        .collect();
    let mut summary = GuideSummary {
        file,
        path: path.to_string(),
        fs_path,
        readable: true,
        markdown: guide.kind == GuideKind::Markdown,
        slug: located("slug").filter(|s| !s.value.is_empty()),
        form,
        updated,
        // `g1474` and `1474` are one number.
        legacy_number: located("legacy_guide_number")
            .map(|mut n| {
                n.value = schema::legacy_number_key(&n.value).to_string();
                n
            })
            .filter(|s| !s.value.is_empty()),
        agreed,
        anchors: anchors::page_anchors(guide, config.corpus.heading_ids),
        links,
        layout,
        head,
        facts: super::consistency::summarize_facts(found.facts, found.product, found.mentions),
        spellings: Vec::new(),
        deferred: None,
        deferred_facts: None,
        cached: None,
    };
    summary.shrink();
    summary
}

/// The host of an absolute `http(s)` URL, lowercased by the caller's comparison.
pub fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// True when `url` starts with a scheme (`https:`, `mailto:`) or is protocol-relative.
pub fn has_scheme(url: &str) -> bool {
    if url.starts_with("//") {
        return true;
    }
    match url.find(':') {
        Some(i) if i > 0 => {
            let scheme = &url[..i];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !url[..i].contains('/')
        }
        _ => false,
    }
}

fn link_ref(
    text: &str,
    url: &str,
    span: Range<usize>,
    image: bool,
    pattern_host: Option<&str>,
) -> Option<LinkRef> {
    let url = url.trim();
    if url.is_empty() {
        return None;
    }
    if has_scheme(url) {
        let host = host_of(url)?;
        let same = pattern_host.is_some_and(|p| p.eq_ignore_ascii_case(host));
        if image || !same || !url.starts_with("http") {
            return None;
        }
    }
    let url_span = text
        .get(span.clone())
        .and_then(|s| last_occurrence(s, url))
        .map(|i| span.start + i..span.start + i + url.len())
        .unwrap_or_else(|| span.clone());
    let (before, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let target = before.split('?').next().unwrap_or(before).to_string();
    let fragment_span = match fragment {
        Some(_) if url_span.len() == url.len() => url_span.start + before.len()..url_span.end,
        _ => url_span.clone(),
    };
    let fragment = fragment
        .filter(|f| !f.is_empty())
        .map(|f| super::paths::percent_decode(f).into_owned());
    if image && target.is_empty() {
        return None;
    }
    Some(LinkRef {
        target: target.into(),
        fragment: fragment.map(CompactString::from),
        url_span,
        fragment_span,
        image,
    })
}

/// Where `url` last occurs in the link source `link`: for `[a](url)`, just
/// before the closing parenthesis (no search needed).
fn last_occurrence(link: &str, url: &str) -> Option<usize> {
    if let Some(inner) = link.strip_suffix(')')
        && inner.ends_with(url)
        && !url.contains(')')
    {
        // No later occurrence fits: it would have to end on the `)`.
        return Some(inner.len() - url.len());
    }
    link.rfind(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guide::markdown;

    fn summary(path: &str, md: &str) -> GuideSummary {
        let guide = markdown::parse(md);
        let found = Findings {
            facts: &[],
            product: None,
            mentions: 0,
        };
        summarize(
            0,
            path,
            PathBuf::from(path),
            md,
            &guide,
            found,
            &Config::default(),
        )
    }

    #[test]
    fn finds_the_url_in_its_link() {
        for (link, url) in [
            ("[a](a)", "a"),
            ("[x](x \"x\")", "x"),
            ("[a](b)c)", "b)c"),
            ("<https://x.example/>", "https://x.example/"),
            ("[é](é)", "é"),
        ] {
            assert_eq!(last_occurrence(link, url), link.rfind(url), "{link}");
        }
        assert_eq!(last_occurrence("[a](b)", "c"), None);
    }

    #[test]
    fn keeps_what_the_corpus_pass_needs() {
        let md = "---\ntitle: T\nslug: my-guide\nlegacy_guide_number: 12\nsection: S\n---\n\n## En pratique\n\n\
                  [a](#en-pratique) [b](../x/guide.fr-fr.md#y){.external} [c](https://www.ovh.com/fr/)\n\
                  [d](https://docs.ovh.com/fr/emails/z/#w) ![i](images/a%20b.png) ![j](https://x.example/i.png)\n";
        let s = summary("pages/web/emails/a/guide.fr-fr.md", md);
        assert_eq!(s.slug.as_ref().map(|v| v.value.as_str()), Some("my-guide"));
        assert_eq!(&md[s.slug.as_ref().unwrap().span.clone()], "my-guide");
        assert_eq!(
            s.legacy_number.as_ref().map(|v| v.value.as_str()),
            Some("12")
        );
        assert_eq!(s.anchors[0].id, "en-pratique");
        let targets: Vec<(&str, Option<&str>)> = s
            .links
            .iter()
            .map(|l| (l.target.as_str(), l.fragment.as_deref()))
            .collect();
        assert_eq!(
            targets,
            [
                ("", Some("en-pratique")),
                ("../x/guide.fr-fr.md", Some("y")),
                ("https://docs.ovh.com/fr/emails/z/", Some("w")),
                ("images/a%20b.png", None),
            ]
        );
        assert_eq!(&md[s.links[1].fragment_span.clone()], "#y");
        assert_eq!(&md[s.links[3].url_span.clone()], "images/a%20b.png");
        let agreed: Vec<(&str, Option<&str>)> = s
            .agreed
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_ref().map(|v| v.value.as_str())))
            .collect();
        assert_eq!(agreed, [("legacy_guide_number", Some("12"))]);
        assert_eq!(s.form.as_deref(), Some("legacy"));
        assert_eq!(&md[s.head.clone()], "---");
    }

    #[test]
    fn schemes() {
        assert!(has_scheme("https://x"));
        assert!(has_scheme("mailto:a@b"));
        assert!(has_scheme("//cdn.example/x"));
        assert!(!has_scheme("images/a:b.png"));
        assert!(!has_scheme("../x/guide.fr-fr.md"));
        assert!(!has_scheme("#a"));
    }
}
