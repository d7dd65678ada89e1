//! The corpus pass: checks that no single guide shows (duplicate slugs, links
//! between guides, translations), run once over compact per-guide summaries.
//!
//! The per-guide pass ([`crate::engine`]) turns each parsed guide into a
//! [`GuideSummary`] ([`summary`]); the whole texts are gone by the time corpus
//! rules run. The rules share one [`links::Index`], built on first use: where
//! each guide is, its repository root, and what each link resolves to.

pub mod anchors;
pub mod infer;
pub mod layout;
pub mod links;
pub mod paths;
pub mod schema;
pub mod summary;
pub mod translations;
pub mod updated;

pub mod consistency;

use std::path::PathBuf;
use std::sync::OnceLock;

pub use summary::{Findings, GuideSummary, LinkRef, Located, summarize};

use crate::config::{Config, SlugScope};
use crate::spec::Spec;

/// What a corpus rule sees.
pub struct CorpusContext<'a> {
    /// One summary per guide of the run, indexed by file.
    pub summaries: &'a [GuideSummary],
    /// The configuration.
    pub config: &'a Config,
    /// The spec, unless disabled.
    pub spec: Option<&'a Spec>,
    /// In changed-files mode, the guides whose findings are reported.
    focus: Option<&'a [bool]>,
    prior: Option<&'a consistency::PriorVotes>,
    index: OnceLock<links::Index>,
}

impl<'a> CorpusContext<'a> {
    /// The context of a corpus pass over `summaries`.
    pub fn new(summaries: &'a [GuideSummary], config: &'a Config, spec: Option<&'a Spec>) -> Self {
        CorpusContext {
            summaries,
            config,
            spec,
            focus: None,
            prior: None,
            index: OnceLock::new(),
        }
    }

    /// Restricts work whose findings land only in their own guide (resolving
    /// links) to the guides `focus` marks; `None` means every guide.
    pub fn with_focus(mut self, focus: Option<&'a [bool]>) -> Self {
        self.focus = focus;
        self
    }

    /// Uses the votes the cache counted for the summaries taken from it
    /// ([`GuideSummary::cached`]): their facts need not be decoded.
    pub fn with_prior(mut self, prior: Option<&'a consistency::PriorVotes>) -> Self {
        self.prior = prior;
        self
    }

    /// The votes of every guide for the `wanted` (product id, slot) pairs,
    /// or for all of them (see [`consistency::Votes::count_slots`]).
    pub fn votes(
        &self,
        wanted: Option<&std::collections::HashSet<(&str, consistency::Slot)>>,
    ) -> consistency::Votes {
        match (wanted, self.prior) {
            (Some(wanted), Some(prior)) => {
                consistency::Votes::count_with_prior(self.summaries, self.spec, wanted, prior)
            }
            _ => consistency::Votes::count_slots(self.summaries, self.spec, wanted),
        }
    }

    /// True when the pass only wants the findings of some guides (changed-files mode).
    pub fn is_focused(&self) -> bool {
        self.focus.is_some()
    }

    /// True when the findings of guide `i` are wanted: always, unless the pass
    /// is focused on some guides (changed-files mode). Work whose findings
    /// can only land in unwanted guides is skipped.
    pub fn focused(&self, i: usize) -> bool {
        self.focus
            .is_none_or(|f| f.get(i).copied().unwrap_or(false))
    }

    /// Uses `index`, built for the same summaries and focus, instead of building one.
    pub fn with_index(self, index: links::Index) -> Self {
        // A fresh context: its cell is empty.
        let _ = self.index.set(index);
        self
    }

    /// The guides whose anchors and links the focused guides' checks read:
    /// the focused guides, the other translations in their folders, and the
    /// guides their links lead to. With the index, for [`Self::with_index`].
    pub fn focus_neighbours(self) -> (Vec<usize>, links::Index) {
        let mut out = Vec::new();
        if let Some(focus) = self.focus {
            let index = self.index();
            for i in (0..self.summaries.len()).filter(|&i| focus.get(i).copied().unwrap_or(false)) {
                out.push(i);
                out.extend(index.folder_of(i));
                out.extend(
                    index
                        .links
                        .get(i)
                        .into_iter()
                        .flatten()
                        .filter_map(|r| match r {
                            links::Resolution::Guide(t) => Some(*t),
                            _ => None,
                        }),
                );
            }
        }
        out.sort_unstable();
        out.dedup();
        self.index();
        (out, self.index.into_inner().unwrap_or_default())
    }

    /// The index of the run's guides and their resolved links (built on first use).
    pub fn index(&self) -> &links::Index {
        self.index.get_or_init(|| {
            links::Index::build_focused(
                self.summaries,
                self.config.corpus.url_pattern.as_deref(),
                self.focus,
            )
        })
    }

    /// Every link of every guide with what it resolves to: (guide index, link, resolution).
    pub fn resolved_links(&self) -> impl Iterator<Item = (usize, &LinkRef, &links::Resolution)> {
        let index = self.index();
        self.summaries.iter().enumerate().flat_map(move |(i, s)| {
            let resolved = index.links.get(i).map(Vec::as_slice).unwrap_or(&[]);
            s.links
                .iter()
                .zip(resolved)
                .map(move |(link, res)| (i, link, res))
        })
    }

    /// The scope in which `s`'s slug must be unique (see [`SlugScope`]). Guides
    /// with no known locale share one locale; guides outside the
    /// `pages/<x>/<universe>/` layout share one universe.
    pub fn slug_scope(&self, s: &GuideSummary) -> (String, String) {
        let locale = s.layout.locale.as_deref().unwrap_or_default().to_string();
        match self.config.corpus.slug_scope {
            SlugScope::LocaleUniverse => (
                locale,
                s.layout.universe.as_deref().unwrap_or_default().to_string(),
            ),
            SlugScope::Locale => (locale, String::new()),
            SlugScope::Global => (String::new(), String::new()),
        }
    }

    /// How messages name guide `file`: its path.
    pub fn name(&self, file: usize) -> &str {
        self.summaries
            .get(file)
            .map(|s| s.path.as_str())
            .unwrap_or("?")
    }
}

impl GuideSummary {
    /// The summary of a guide that could not be read.
    pub fn unreadable(file: usize, path: &str, fs_path: PathBuf) -> Self {
        GuideSummary {
            file,
            path: path.to_string(),
            fs_path,
            readable: false,
            ..GuideSummary::default()
        }
    }

    /// The locale for messages (`fr-fr`), or the path when unknown.
    pub fn label(&self) -> &str {
        self.layout.locale.as_deref().unwrap_or(&self.path)
    }
}
