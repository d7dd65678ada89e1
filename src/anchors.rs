//! Heading ids: the anchors a `#fragment` link must match.
//!
//! The docs site renders Markdown with Python-Markdown inside Pelican, and the
//! pelican-toc plugin gives each heading its id with Pelican's `slugify`
//! (REFERENCE.md, "Heading ids"): strip tags, transliterate to ASCII with
//! unidecode (`ł` → `l`, `ß` → `ss`, `°` → `deg`), NFKD, lowercase, drop what
//! is not a word character, space or hyphen, trim, collapse runs of spaces and
//! hyphens into `-`, and make repeats unique with `_1`, `_2`, … in document
//! order (an explicit `{#id}` takes part in that numbering too). Python-Markdown's
//! own `toc` extension drops non-ASCII letters instead of transliterating them
//! ([`python_markdown_slug`]); the site never produces those ids. GitHub's
//! renderer keeps non-ASCII letters, turns each space into `-` and numbers
//! repeats `-1`, `-2`, …

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

/// Which renderer's heading-id algorithm to reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IdAlgorithm {
    /// The docs site's (the default): Python-Markdown rendered by Pelican,
    /// ids from the pelican-toc plugin ([`site_slug`]). Also accepted as `pelican`.
    #[default]
    #[serde(alias = "pelican")]
    PythonMarkdown,
    /// GitHub's Markdown renderer.
    Github,
}

/// The id the docs site (pelican-toc, Pelican's `slugify`) gives a heading
/// whose plain text is `text`, before de-duplication.
pub fn site_slug(text: &str) -> String {
    let mut ascii = String::with_capacity(text.len());
    for c in strip_tags(text).chars() {
        if c.is_ascii() {
            ascii.push(c);
        } else {
            ascii.push_str(transliterate(c));
        }
    }
    collapse(&ascii)
}

/// What unidecode (the site's transliteration) makes of the non-ASCII `c`.
///
/// `deunicode` ports the same tables: for the letters of every Latin-script
/// language (U+0080 to U+024F, U+1E00 to U+1EFF) it gives what unidecode
/// gives, and the tests check the letters of the guides' languages. The two
/// differ on symbols: deunicode names emoji and pictographs (`🎉` → `tada`)
/// where unidecode drops them, and a few characters take other spellings
/// (listed below).
pub fn transliterate(c: char) -> &'static str {
    if let Some(s) = UNIDECODE_DIFFERS.iter().find(|(d, _)| *d == c) {
        return s.1;
    }
    let out = deunicode::deunicode_char(c).unwrap_or("");
    let symbol = matches!(c as u32, 0x2190..=0x245F | 0x2500..=0x2BFF | 0x1F000..=0x1F0FF | 0x1F200..=0x1FAFF);
    if symbol && out.bytes().any(|b| b.is_ascii_alphanumeric()) {
        // A pictograph's name: unidecode has none.
        return "";
    }
    out
}

/// Characters a guide may hold whose unidecode spelling deunicode does not
/// give (compared over every character of the tables; the others are rare
/// symbols and letters of scripts the guides do not use).
const UNIDECODE_DIFFERS: &[(char, &str)] = &[
    ('¼', " 1/4"),
    ('½', " 1/2"),
    ('¾', " 3/4"),
    ('⅐', " 1/7 "),
    ('⅑', " 1/9 "),
    ('⅒', " 1/10 "),
    ('↉', " 0/3 "),
    ('№', "No. "),
    ('ℹ', "i"),
    ('℀', " a/c "),
    ('℁', " a/s "),
    ('℅', " c/o "),
    ('℆', " c/u "),
    ('℃', ""),
    ('℉', ""),
    ('↷', "V"),
    ('↺', "V"),
    ('╳', "X"),
    ('▼', "V"),
    ('▽', "V"),
    ('▾', "V"),
    ('▿', "V"),
    ('◯', "O"),
];

/// `text` without what markupsafe's `striptags` takes for tags: `<!-- … -->`
/// and `<…>` (a placeholder such as `<domain>` in a heading's code is one).
fn strip_tags(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('<') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = if tail.starts_with("<!--") {
            tail.find("-->").map(|j| j + 3)
        } else {
            tail.find('>').map(|j| j + 1)
        };
        match end {
            Some(j) => rest = &tail[j..],
            None => {
                out.push_str(tail);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Keeps ASCII letters, digits, `_`, `-` and spaces of `text`, lowercased,
/// trimmed, each run of spaces and hyphens made one `-`.
fn collapse(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-' || c.is_ascii_whitespace())
        .collect();
    let mut out = String::with_capacity(kept.len());
    let mut in_run = false;
    for c in kept.trim_matches(|c: char| c.is_ascii_whitespace()).chars() {
        if c == '-' || c.is_ascii_whitespace() {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.push(c.to_ascii_lowercase());
            in_run = false;
        }
    }
    out
}

/// The id Python-Markdown's own `toc` extension gives a heading whose plain
/// text is `text` (NFKD, non-ASCII dropped: `Zmiana hasła` → `zmiana-hasa`).
/// Not what the docs site produces ([`site_slug`]); kept for generated
/// corpora and comparisons.
pub fn python_markdown_slug(text: &str) -> String {
    // One pass: NFKD only where a character is not ASCII. Decomposing each
    // character alone gives the same ASCII characters as decomposing the
    // text: canonical reordering only moves combining marks (never ASCII),
    // and NFKD composes nothing.
    let mut kept = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            kept.push(c);
        } else {
            unicode_normalization::char::decompose_compatible(c, |d| {
                if d.is_ascii() {
                    kept.push(d);
                }
            });
        }
    }
    collapse(&kept)
}

/// The id GitHub gives a heading whose plain text is `text`, before de-duplication.
pub fn github_slug(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Computes the ids of a page's headings in order, making repeats unique the
/// way the chosen renderer does.
#[derive(Debug, Default)]
pub struct HeadingIds {
    algorithm: IdAlgorithm,
    used: HashSet<String>,
    /// For each id a heading started from, the last id its repeats were given:
    /// the next repeat resumes there instead of retrying every taken suffix, so
    /// a page with thousands of equal headings stays linear. (Ids are never
    /// released, so every candidate before the resume point is still taken.)
    resume: HashMap<String, String>,
    /// The same for GitHub's `-N` numbering: the last N given to each base id.
    resume_n: HashMap<String, u64>,
}

impl HeadingIds {
    /// An empty page for `algorithm`.
    pub fn new(algorithm: IdAlgorithm) -> Self {
        HeadingIds {
            algorithm,
            used: HashSet::new(),
            resume: HashMap::new(),
            resume_n: HashMap::new(),
        }
    }

    /// Records an id that the page defines explicitly (`{#id}`, `<a name>`), so
    /// that a later heading with the same text is numbered past it.
    pub fn reserve(&mut self, id: &str) {
        self.used.insert(id.to_string());
    }

    /// The id a heading with the explicit id `id` (`{#id}`) ends with: the
    /// site numbers it like any other when an earlier heading took it.
    pub fn next_explicit(&mut self, id: &str) -> String {
        match self.algorithm {
            IdAlgorithm::PythonMarkdown => self.unique_python(id.to_string()),
            IdAlgorithm::Github => {
                self.used.insert(id.to_string());
                id.to_string()
            }
        }
    }

    /// The id of the next heading, whose text (markup and inline HTML removed) is `text`.
    pub fn next_id(&mut self, text: &str) -> String {
        match self.algorithm {
            IdAlgorithm::PythonMarkdown => self.unique_python(site_slug(text)),
            IdAlgorithm::Github => self.unique_github(github_slug(text)),
        }
    }

    fn unique_python(&mut self, start: String) -> String {
        // Python-Markdown treats an empty id as taken, and bumps a trailing `_N`.
        let mut id = match self.resume.get(&start) {
            Some(last) => last.clone(),
            None => start.clone(),
        };
        while id.is_empty() || self.used.contains(&id) {
            id = match split_count_suffix(&id).and_then(|(stem, n)| Some((stem, n.checked_add(1)?)))
            {
                Some((stem, n)) => format!("{stem}_{n}"),
                None => format!("{id}_1"),
            };
        }
        self.used.insert(id.clone());
        self.resume.insert(start, id.clone());
        id
    }

    fn unique_github(&mut self, base: String) -> String {
        let mut n: u64 = self.resume_n.get(&base).copied().unwrap_or(0);
        let mut id = if n == 0 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        while self.used.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.used.insert(id.clone());
        self.resume_n.insert(base, n);
        id
    }
}

/// Splits `stem_N` into `(stem, N)`.
fn split_count_suffix(id: &str) -> Option<(&str, u64)> {
    let (stem, n) = id.rsplit_once('_')?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((stem, n.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    /// The algorithm as REFERENCE.md states it, step by step.
    fn slug_by_the_book(text: &str) -> String {
        let ascii: String = text.nfkd().filter(char::is_ascii).collect();
        let kept: String = ascii
            .chars()
            .filter(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '_' | '-') || c.is_ascii_whitespace()
            })
            .collect();
        let lower = kept.trim().to_ascii_lowercase();
        let mut out = String::new();
        for c in lower.chars() {
            if c == '-' || c.is_ascii_whitespace() {
                if !out.ends_with('-') {
                    out.push('-');
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn the_one_pass_slug_is_the_reference_algorithm() {
        for text in [
            "Étape 1 : paramètres du serveur",
            "  Ｆｕｌｌ－width ＡＢＣ ①  ",
            "ﬁn de l'œuvre — Straße, Ærø, ǅ",
            "a\u{0301}\u{0327}c e\u{0323}\u{0301} -- x__y",
            "Configuration de l’e-mail (POP3/IMAP) — ℌ ㎒ ½",
            "日本語のみ",
            "",
        ] {
            assert_eq!(
                python_markdown_slug(text),
                slug_by_the_book(text),
                "{text:?}"
            );
        }
    }

    /// Headings written for these tests in the guides' languages, with the
    /// ids the site gives them (Pelican's `slugify` with unidecode 1.3, run on
    /// these very strings).
    const SITE_IDS: &[(&str, &str)] = &[
        (
            "Zmiana hasła w Panelu klienta",
            "zmiana-hasla-w-panelu-klienta",
        ),
        (
            "Łączenie konta: krok 1 – źródło, żądanie, gęś, ćma, ńaś, óśmy",
            "laczenie-konta-krok-1-zrodlo-zadanie-ges-cma-nas-osmy",
        ),
        (
            "Cas n°1 : l’œuvre de l’hébergeur « MX Plan »",
            "cas-ndeg1-loeuvre-de-lhebergeur-mx-plan",
        ),
        (
            "Schritt 2: Einrichtung abschließen – Größe, Übersicht, Äpfel, Öl",
            "schritt-2-einrichtung-abschliessen-grosse-ubersicht-apfel-ol",
        ),
        (
            "Configuración del buzón: año, señal, ¿cómo?, ¡listo!",
            "configuracion-del-buzon-ano-senal-como-listo",
        ),
        (
            "Configurazione: perché è già più così",
            "configurazione-perche-e-gia-piu-cosi",
        ),
        (
            "Configuração do serviço: ações, não, você, à, ç",
            "configuracao-do-servico-acoes-nao-voce-a-c",
        ),
        (
            "Ærø, Øre, æble, ø, € 5, 20°C",
            "aero-ore-aeble-o-eur-5-20degc",
        ),
        (
            "Étape 1 : paramétrer l'adresse",
            "etape-1-parametrer-ladresse",
        ),
        (
            "E-mail: what's next? Let’s go — now…",
            "e-mail-whats-next-lets-go-now",
        ),
        ("Configure <domain> & <user>", "configure"),
        ("⚠️ Attention 🎉 Nouveautés", "attention-nouveautes"),
        ("½ pouce, № 5, ℹ info", "12-pouce-no-5-i-info"),
        (
            "Krok 3. Ustawienia serwera (IMAP/POP3) — port 993",
            "krok-3-ustawienia-serwera-imappop3-port-993",
        ),
        ("Straße ẞ", "strasse-ss"),
    ];

    #[test]
    fn site_ids_transliterate_like_unidecode() {
        for (heading, id) in SITE_IDS {
            assert_eq!(site_slug(heading), *id, "{heading:?}");
        }
        // Python-Markdown's own toc extension drops what it cannot decompose.
        assert_eq!(
            python_markdown_slug("Zmiana hasła w Panelu klienta"),
            "zmiana-hasa-w-panelu-klienta"
        );
    }

    #[test]
    fn the_reference_letters() {
        for (c, ascii) in [
            ('ł', "l"),
            ('œ', "oe"),
            ('ß', "ss"),
            ('æ', "ae"),
            ('ø', "o"),
            ('€', "EUR"),
            ('°', "deg"),
            ('É', "E"),
            ('à', "a"),
        ] {
            assert_eq!(transliterate(c), ascii, "{c}");
        }
    }

    #[test]
    fn every_latin_letter_of_the_guides_languages_becomes_ascii_letters() {
        // fr, en, de, es, it, pl, pt: every letter beyond ASCII they write.
        let letters = "àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆßẞáíñóúüÁÍÑÓÚìòÌÒąćęłńóśźżĄĆĘŁŃÓŚŹŻãõÃÕ";
        for c in letters.chars() {
            let ascii = transliterate(c);
            assert!(
                !ascii.is_empty() && ascii.bytes().all(|b| b.is_ascii_alphabetic()),
                "{c} → {ascii:?}"
            );
        }
    }

    fn ids(algorithm: IdAlgorithm, headings: &[&str]) -> Vec<String> {
        let mut page = HeadingIds::new(algorithm);
        headings.iter().map(|h| page.next_id(h)).collect()
    }

    #[test]
    fn reference_examples() {
        assert_eq!(python_markdown_slug("En pratique"), "en-pratique");
        assert_eq!(
            python_markdown_slug("Nouvelle version de l'offre MX Plan"),
            "nouvelle-version-de-loffre-mx-plan"
        );
        assert_eq!(
            python_markdown_slug("Exemple 1 : rediriger des e-mails vers une autre adresse"),
            "exemple-1-rediriger-des-e-mails-vers-une-autre-adresse"
        );
    }

    #[test]
    fn accents_apostrophes_and_colons() {
        assert_eq!(
            python_markdown_slug("Étape 1 : créer l'offre"),
            "etape-1-creer-loffre"
        );
        assert_eq!(
            python_markdown_slug("Paramètres du serveur sortant"),
            "parametres-du-serveur-sortant"
        );
    }

    #[test]
    fn repeats_get_numbered_suffixes() {
        let got = ids(
            IdAlgorithm::PythonMarkdown,
            &[
                "Nouvelle version de l'offre MX Plan",
                "Nouvelle version de l'offre MX Plan",
                "Nouvelle version de l'offre MX Plan",
            ],
        );
        assert_eq!(
            got,
            [
                "nouvelle-version-de-loffre-mx-plan",
                "nouvelle-version-de-loffre-mx-plan_1",
                "nouvelle-version-de-loffre-mx-plan_2"
            ]
        );
    }

    #[test]
    fn empty_and_symbol_only_headings() {
        assert_eq!(
            ids(IdAlgorithm::PythonMarkdown, &["", "🎉", "   "]),
            ["_1", "_2", "_3"]
        );
    }

    #[test]
    fn symbols_and_emoji() {
        assert_eq!(python_markdown_slug("C++ & Rust"), "c-rust");
        assert_eq!(python_markdown_slug("🎉 Nouveautés"), "nouveautes");
        assert_eq!(
            python_markdown_slug("1. Utiliser le webmail RoundCube"),
            "1-utiliser-le-webmail-roundcube"
        );
        assert_eq!(python_markdown_slug("POP - IMAP"), "pop-imap");
        assert_eq!(python_markdown_slug("snake_case"), "snake_case");
    }

    #[test]
    fn many_repeats_and_numbered_headings_interleave_like_python_markdown() {
        // `x_2` written as a heading takes that id; the third `x` then skips it.
        let got = ids(
            IdAlgorithm::PythonMarkdown,
            &["x", "x", "x_2", "x", "x", "x_1"],
        );
        assert_eq!(got, ["x", "x_1", "x_2", "x_3", "x_4", "x_5"]);
        let many = vec!["Étape"; 5000];
        let got = ids(IdAlgorithm::PythonMarkdown, &many);
        assert_eq!(got[4999], "etape_4999");
        let got = ids(IdAlgorithm::Github, &["a", "a", "a-2", "a", "a"]);
        assert_eq!(got, ["a", "a-1", "a-2", "a-3", "a-4"]);
        let got = ids(IdAlgorithm::Github, &["step-2", "step-2", "step-2"]);
        assert_eq!(got, ["step-2", "step-2-1", "step-2-2"]);
    }

    #[test]
    fn a_reserved_id_pushes_the_heading_past_it() {
        let mut page = HeadingIds::new(IdAlgorithm::PythonMarkdown);
        page.reserve("en-pratique");
        assert_eq!(page.next_id("En pratique"), "en-pratique_1");
    }

    #[test]
    fn github_keeps_letters_and_numbers_repeats_with_hyphen() {
        assert_eq!(
            ids(
                IdAlgorithm::Github,
                &[
                    "Étape 1 : créer l'offre",
                    "Étape 1 : créer l'offre",
                    "C++ & Rust"
                ]
            ),
            [
                "étape-1--créer-loffre",
                "étape-1--créer-loffre-1",
                "c--rust"
            ]
        );
    }
}
