//! Where a guide sits in a docs repository: its locale, its universe, its
//! folder, and whether it is one translation of a guide folder.
//!
//! The layout of the docs repository is `pages/<x>/<universe>/<folder>/guide.<locale>.md`
//! (REFERENCE.md); guides outside it (like the seeds) have no universe, and no
//! locale unless their front matter or a folder names one.

use compact_str::CompactString;
use std::path::{Component, Path};

/// What the path (and front matter) says of a guide's place.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Layout {
    /// Lowercase locale such as `fr-fr`: from `guide.<locale>.md`, else the
    /// front matter's `lang`, else a folder named like a locale.
    pub locale: Option<CompactString>,
    /// The path segment after `pages/<x>/` (`emails`, `emails-pro`).
    pub universe: Option<CompactString>,
    /// The guide's folder from `pages/` on (`pages/web/emails/email_owa`), as site paths name it.
    pub site_folder: Option<String>,
    /// True for files named `guide.<locale>.md`: one translation of the folder's guide.
    pub translation: bool,
}

/// The locale of a file named `<name>.<locale>.md`, lowercased (`guide.fr-FR.md` → `fr-fr`).
pub fn locale_of_file_name(name: &str) -> Option<String> {
    let stem = name
        .strip_suffix(".md")
        .or_else(|| name.strip_suffix(".markdown"))?;
    let (_, locale) = stem.rsplit_once('.')?;
    looks_like_locale(locale).then(|| normalize_locale(locale))
}

/// True for `guide.<locale>.md`.
pub fn is_guide_file_name(name: &str) -> bool {
    name.starts_with("guide.") && locale_of_file_name(name).is_some()
}

/// `fr-fr`, `en_GB`: two letters, a hyphen or underscore, two letters.
fn looks_like_locale(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5
        && b[..2].iter().all(u8::is_ascii_alphabetic)
        && matches!(b[2], b'-' | b'_')
        && b[3..].iter().all(u8::is_ascii_alphabetic)
}

fn normalize_locale(s: &str) -> String {
    s.to_ascii_lowercase().replace('_', "-")
}

/// The language part of a locale (`fr` for `fr-fr`), as the `{lang}` of published URLs.
pub fn short_lang(locale: &str) -> &str {
    locale.split(['-', '_']).next().unwrap_or(locale)
}

/// Reads the layout of the guide at `path`, whose front matter says `lang`.
pub fn layout(path: &Path, lang: Option<&str>) -> Layout {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let parts: Vec<&str> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    let folders = &parts[..parts.len().saturating_sub(1)];
    let from_folder = || {
        folders
            .iter()
            .rev()
            .find(|f| looks_like_locale(f))
            .map(|f| normalize_locale(f))
    };
    let locale = locale_of_file_name(name)
        .or_else(|| {
            lang.map(str::trim)
                .filter(|l| !l.is_empty())
                .map(normalize_locale)
        })
        .or_else(from_folder);
    // pages/<x>/<universe>/<folder…>/<file>: the universe needs a folder below it.
    let pages = folders.iter().position(|p| *p == "pages");
    let universe = pages
        .filter(|&i| folders.len() >= i + 4)
        .map(|i| folders[i + 2].to_string());
    let site_folder = pages
        .filter(|&i| folders.len() > i + 1)
        .map(|i| folders[i..].join("/"));
    Layout {
        locale: locale.map(CompactString::from),
        universe: universe.map(CompactString::from),
        site_folder,
        translation: is_guide_file_name(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_repository_layout() {
        let l = layout(
            Path::new("docs/pages/web/emails/email_owa/guide.fr-fr.md"),
            None,
        );
        assert_eq!(l.locale.as_deref(), Some("fr-fr"));
        assert_eq!(l.universe.as_deref(), Some("emails"));
        assert_eq!(l.site_folder.as_deref(), Some("pages/web/emails/email_owa"));
        assert!(l.translation);
        let pro = layout(Path::new("pages/web/emails-pro/x/guide.en-GB.md"), None);
        assert_eq!(pro.universe.as_deref(), Some("emails-pro"));
        assert_eq!(pro.locale.as_deref(), Some("en-gb"));
    }

    #[test]
    fn seeds_have_no_universe_and_no_locale() {
        let l = layout(Path::new("fixtures/seeds/000_a6fca5253bfe941f.md"), None);
        assert_eq!(l, Layout::default());
        let lang = layout(Path::new("fixtures/seeds/000.md"), Some("fr_FR"));
        assert_eq!(lang.locale.as_deref(), Some("fr-fr"));
        let folder = layout(Path::new("docs/de-de/intro.md"), None);
        assert_eq!(folder.locale.as_deref(), Some("de-de"));
    }

    #[test]
    fn names_and_languages() {
        assert!(is_guide_file_name("guide.fr-fr.md"));
        assert!(!is_guide_file_name("guide.md"));
        assert!(!is_guide_file_name("notes.fr-fr.md"));
        assert_eq!(
            locale_of_file_name("notes.fr-fr.md").as_deref(),
            Some("fr-fr")
        );
        assert_eq!(short_lang("fr-ca"), "fr");
    }
}
