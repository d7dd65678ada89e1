//! A guide's language, for rules limited to some languages.
//!
//! In order: the locale in the file name (`guide.fr-fr.md` → `fr`), the front
//! matter's `lang` (or `language`, `locale`), then a cheap guess from the most
//! common function words of French and English in the guide's first blocks.
//! A guide whose language stays unknown gets every rule.

use std::sync::LazyLock;

use regex::Regex;

use crate::guide::Guide;

/// `name.fr.md`, `guide.fr-fr.md`, `guide.en_GB.txt`.
static FILE_LOCALE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\.([A-Za-z]{2})(?:[-_][A-Za-z]{2})?\.[A-Za-z]+$").expect("valid locale regex")
});
static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\p{L}+").expect("valid word regex"));

/// Language codes recognised in file names (so that `notes.md.txt` is not "md").
const FILE_LANGUAGES: &[&str] = &[
    "ar", "cs", "da", "de", "el", "en", "es", "fi", "fr", "hu", "it", "ja", "ko", "lt", "nl", "no",
    "pl", "pt", "ro", "ru", "sk", "sv", "tr", "uk", "zh",
];
const FRENCH: &[&str] = &[
    "le", "la", "les", "des", "du", "un", "une", "et", "est", "vous", "votre", "vos", "pour",
    "dans", "sur", "avec", "que", "qui", "pas", "ce", "cette", "au", "aux", "il", "sont",
];
const ENGLISH: &[&str] = &[
    "the", "and", "is", "are", "you", "your", "for", "to", "of", "with", "that", "this", "it",
    "be", "can", "not", "from", "by", "will", "if",
];
/// Words read for the guess.
const SAMPLE_WORDS: usize = 400;
/// Function words needed before guessing.
const MIN_HITS: usize = 5;

/// The guide's primary language subtag (`fr`, `en`), if known.
pub fn guide_language(path: &str, guide: &Guide) -> Option<String> {
    from_file_name(path)
        .or_else(|| from_front_matter(guide))
        .or_else(|| guess(guide))
}

fn from_file_name(path: &str) -> Option<String> {
    let name = std::path::Path::new(path).file_name()?.to_str()?;
    let lang = FILE_LOCALE
        .captures(name)?
        .get(1)?
        .as_str()
        .to_ascii_lowercase();
    FILE_LANGUAGES.contains(&lang.as_str()).then_some(lang)
}

fn from_front_matter(guide: &Guide) -> Option<String> {
    ["lang", "language", "locale"].iter().find_map(|key| {
        let value = guide.front_matter_str(key)?;
        let primary = value.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        (primary.len() >= 2 && primary.chars().all(|c| c.is_ascii_lowercase())).then_some(primary)
    })
}

/// Counts French and English function words in the first words of the guide.
fn guess(guide: &Guide) -> Option<String> {
    let (mut fr, mut en, mut seen) = (0usize, 0usize, 0usize);
    'blocks: for block in &guide.blocks {
        let Some(run) = block.text() else { continue };
        for w in WORD.find_iter(&run.text) {
            let w = w.as_str().to_lowercase();
            fr += usize::from(FRENCH.contains(&w.as_str()));
            en += usize::from(ENGLISH.contains(&w.as_str()));
            seen += 1;
            if seen >= SAMPLE_WORDS {
                break 'blocks;
            }
        }
    }
    if fr + en < MIN_HITS {
        None
    } else if fr >= 2 * en.max(1) {
        Some("fr".into())
    } else if en >= 2 * fr.max(1) {
        Some("en".into())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guide::markdown;

    #[test]
    fn file_name_wins() {
        let g = markdown::parse("The port is the one you use for the mail.\n");
        assert_eq!(
            guide_language("a/guide.fr-fr.md", &g).as_deref(),
            Some("fr")
        );
        assert_eq!(
            guide_language("a/guide.en-gb.md", &g).as_deref(),
            Some("en")
        );
        assert_eq!(from_file_name("notes.md.txt"), None);
    }

    #[test]
    fn front_matter_then_guess() {
        let g = markdown::parse("---\nlang: de-de\n---\nText\n");
        assert_eq!(guide_language("x.md", &g).as_deref(), Some("de"));
        let g = markdown::parse(
            "Vous trouverez dans ce guide les paramètres de votre adresse et le port.\n",
        );
        assert_eq!(guide_language("x.md", &g).as_deref(), Some("fr"));
        let g = markdown::parse(
            "You will find in this guide the settings of your address and the port.\n",
        );
        assert_eq!(guide_language("x.md", &g).as_deref(), Some("en"));
        let g = markdown::parse("SSL0.OVH.NET 993\n");
        assert_eq!(guide_language("x.md", &g), None);
    }
}
