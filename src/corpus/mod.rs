//! The corpus pass: checks that no single guide shows (duplicate slugs, links
//! between guides, translations), run once over compact per-guide summaries.
//!
//! The per-guide pass ([`crate::engine`]) turns each parsed guide into a
//! [`GuideSummary`]; the whole texts are gone by the time corpus rules run.

use std::path::PathBuf;

use crate::config::Config;
use crate::extract::Fact;
use crate::guide::Guide;
use crate::spec::Spec;

/// What the corpus pass needs to know of one guide.
#[derive(Debug, Clone, Default)]
pub struct GuideSummary {
    /// Index of the guide in the run.
    pub file: usize,
    /// Path as given.
    pub path: String,
    /// The path to read it from.
    pub fs_path: PathBuf,
    /// False when the guide could not be read or parsed.
    pub readable: bool,
    /// Uses of the spellings of corpus-wide consistency rules (declarative rules).
    pub spellings: Vec<crate::declarative::SpellingUse>,
}

/// What a corpus rule sees.
pub struct CorpusContext<'a> {
    /// One summary per guide of the run, indexed by file.
    pub summaries: &'a [GuideSummary],
    /// The configuration.
    pub config: &'a Config,
    /// The spec, unless disabled.
    pub spec: Option<&'a Spec>,
}

/// Builds the summary of a parsed guide.
pub fn summarize(
    file: usize,
    path: &str,
    fs_path: PathBuf,
    _guide: &Guide,
    _facts: &[Fact],
    _config: &Config,
) -> GuideSummary {
    GuideSummary {
        file,
        path: path.to_string(),
        fs_path,
        readable: true,
        spellings: Vec::new(),
    }
}
