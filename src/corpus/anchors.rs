//! The anchors of one page: heading ids (computed with [`crate::anchors`]),
//! explicit `{#id}` attributes and inline HTML anchors; and the closest anchor
//! to a fragment that matches none.

use compact_str::CompactString;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::anchors::{HeadingIds, IdAlgorithm};
use crate::guide::{BlockKind, Guide};

/// Python-Markdown attribute lists left in heading text: `{.external}`,
/// `{: #id .class}`, `{#id}` after an inline element.
static ATTR_LIST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{:?[ \t]*[#.][^{}\n]*\}|\{:[^{}\n]*\}").expect("valid attribute-list regex")
});

/// An `#id` inside an attribute list.
static ATTR_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|\s)#([^\s}]+)").expect("valid attribute id regex"));

/// An anchor a `#fragment` can point at.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Anchor {
    /// The id (held inline when short).
    pub id: CompactString,
    /// Where it is defined (the heading, or the HTML attribute value).
    pub span: Range<usize>,
}

/// A heading's text without attribute lists, and the id of a trailing `{: #id}` if any.
pub fn heading_text(raw: &str) -> (String, Option<String>) {
    if !raw.contains('{') {
        // Every attribute list starts with a brace: most headings have none.
        return (raw.to_string(), None);
    }
    let mut explicit = None;
    for m in ATTR_LIST.find_iter(raw) {
        if m.end() == raw.trim_end().len()
            && let Some(c) = ATTR_ID.captures(m.as_str().trim_matches(['{', '}', ':']))
        {
            explicit = Some(c[1].to_string());
        }
    }
    (ATTR_LIST.replace_all(raw, "").into_owned(), explicit)
}

/// Every anchor of `guide`, sorted by id (first definition kept for repeats).
///
/// The site (pelican-toc) numbers headings in document order, explicit `{#id}`
/// ones included: `## X {#en-pratique}` after `## En pratique` ends as
/// `en-pratique_1`. GitHub has no `{#id}`: there an explicit id is taken as
/// written and reserved before the headings are numbered. Inline HTML anchors
/// are raw HTML to both and take no part.
pub fn page_anchors(guide: &Guide, algorithm: IdAlgorithm) -> Vec<Anchor> {
    let headings: Vec<(String, Option<String>, Range<usize>)> = guide
        .blocks
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::Heading { text, id, .. } => {
                let (clean, attr_id) = heading_text(&text.text);
                Some((clean, id.clone().or(attr_id), b.span.clone()))
            }
            _ => None,
        })
        .collect();
    let mut ids = HeadingIds::new(algorithm);
    if algorithm == IdAlgorithm::Github {
        for (_, explicit, _) in &headings {
            if let Some(id) = explicit {
                ids.reserve(id);
            }
        }
    }
    let mut anchors: Vec<Anchor> = headings
        .into_iter()
        .map(|(text, explicit, span)| Anchor {
            id: match explicit {
                Some(id) => ids.next_explicit(&id),
                None => ids.next_id(&text),
            }
            .into(),
            span,
        })
        .chain(guide.html_anchors.iter().map(|a| Anchor {
            id: a.name.as_str().into(),
            span: a.span.clone(),
        }))
        .collect();
    anchors.sort_by(|a, b| a.id.cmp(&b.id).then(a.span.start.cmp(&b.span.start)));
    anchors.dedup_by(|a, b| a.id == b.id);
    anchors
}

/// Finds `id` among anchors sorted by [`page_anchors`].
pub fn find<'a>(anchors: &'a [Anchor], id: &str) -> Option<&'a Anchor> {
    anchors
        .binary_search_by(|a| a.id.as_str().cmp(id))
        .ok()
        .map(|i| &anchors[i])
}

/// The anchor a writer most plausibly meant by `fragment`: a near spelling
/// (edit distance) or the one sharing most words; `None` when nothing is close.
pub fn closest<'a>(anchors: &'a [Anchor], fragment: &str) -> Option<&'a Anchor> {
    let wanted = fragment.to_lowercase().replace('_', "-");
    let wanted_words = words(&wanted);
    let mut best: Option<(f64, &Anchor)> = None;
    for anchor in anchors {
        let id = anchor.id.to_lowercase();
        let spelling = 1.0
            - levenshtein(&wanted, &id.replace('_', "-")) as f64
                / wanted.chars().count().max(id.chars().count()).max(1) as f64;
        let theirs = words(&id);
        let shared = theirs.intersection(&wanted_words).count();
        let dice = 2.0 * shared as f64 / (theirs.len() + wanted_words.len()).max(1) as f64;
        let score = spelling.max(dice);
        if score >= 0.5 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, anchor));
        }
    }
    best.map(|(_, a)| a)
}

fn words(id: &str) -> HashSet<&str> {
    id.split(['-', '_']).filter(|w| !w.is_empty()).collect()
}

/// Edit distance in characters (inputs are ids and keys, a few dozen characters).
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guide::markdown;

    fn ids(md: &str) -> Vec<String> {
        let guide = markdown::parse(md);
        let mut anchors = page_anchors(&guide, IdAlgorithm::PythonMarkdown);
        anchors.sort_by_key(|a| a.span.start);
        anchors.into_iter().map(|a| a.id.to_string()).collect()
    }

    #[test]
    fn tricky_headings() {
        let md = "## Étape 1 : créer l'offre\n\n\
                  ## Nouvelle version de l'offre MX Plan\n\n\
                  ## Nouvelle version de l'offre MX Plan\n\n\
                  ## **1. Utiliser le webmail RoundCube**\n\n\
                  ## Titre <a name=\"x\"></a>\n\n\
                  ## 🎉\n\n\
                  ## C++ & Rust\n\n\
                  ##\n\n\
                  ## Voir [la FAQ](https://x.example/){.external}\n\n\
                  ## Serveur `SSL0.OVH.NET`\n";
        assert_eq!(
            ids(md),
            [
                "etape-1-creer-loffre",
                "nouvelle-version-de-loffre-mx-plan",
                "nouvelle-version-de-loffre-mx-plan_1",
                "1-utiliser-le-webmail-roundcube",
                "titre",
                "x",
                "_1",
                "c-rust",
                "_2",
                "voir-la-faq",
                "serveur-ssl0ovhnet",
            ]
        );
    }

    #[test]
    fn explicit_ids_are_numbered_in_document_order_like_the_site() {
        let md = "## En pratique\n\n## Autre titre {#en-pratique}\n\n## Fin {: #la-fin .x}\n";
        assert_eq!(ids(md), ["en-pratique", "en-pratique_1", "la-fin"]);
        let md = "## Autre titre {#en-pratique}\n\n## En pratique\n";
        assert_eq!(ids(md), ["en-pratique", "en-pratique_1"]);
    }

    #[test]
    fn github_ids() {
        let guide = markdown::parse("## Étape 1\n\n## Étape 1\n");
        let got: Vec<String> = page_anchors(&guide, IdAlgorithm::Github)
            .into_iter()
            .map(|a| a.id.to_string())
            .collect();
        assert_eq!(got, ["étape-1", "étape-1-1"]);
    }

    #[test]
    fn attribute_lists_are_not_heading_text() {
        assert_eq!(
            heading_text("Voir {.external} la suite").0,
            "Voir  la suite"
        );
        assert_eq!(
            heading_text("Fin {: #la-fin }"),
            ("Fin ".to_string(), Some("la-fin".to_string()))
        );
        assert_eq!(
            heading_text("Des {accolades} restent").0,
            "Des {accolades} restent"
        );
    }

    #[test]
    fn suggestions() {
        let anchors = |ids: &[&str]| -> Vec<Anchor> {
            ids.iter()
                .map(|id| Anchor {
                    id: (*id).into(),
                    span: 0..0,
                })
                .collect()
        };
        let page = anchors(&[
            "configuration-protocole-pop",
            "parametres-du-serveur-entrant",
            "parametres-du-serveur-sortant",
            "en-pratique",
        ]);
        let pick = |f: &str| closest(&page, f).map(|a| a.id.clone());
        assert_eq!(
            pick("configuration_protocole_pop_partie_5_parametres_du_serveur_sortant").as_deref(),
            Some("parametres-du-serveur-sortant")
        );
        assert_eq!(pick("en-partique").as_deref(), Some("en-pratique"));
        assert_eq!(pick("En-Pratique").as_deref(), Some("en-pratique"));
        assert_eq!(pick("tarifs"), None);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }
}
