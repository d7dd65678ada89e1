//! Property tests (issue 8): heading ids, fact extraction and span → line/column
//! hold their promises on arbitrary input, not only on the examples.

use guidelint::anchors::{HeadingIds, IdAlgorithm};
use guidelint::extract::{self, Lexicon, Value};
use guidelint::guide::{Guide, GuideKind};
use guidelint::source::{LineCol, LineIndex};
use guidelint::spec::Protocols;
use guidelint::vocab::Vocabulary;
use proptest::prelude::*;

/// Heading-like text: words, accents, punctuation, emoji, numbered suffixes.
fn heading() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,40}",
        "[a-zA-Zéèà ':_-]{0,20}",
        "[a-z]{1,3}(_[0-9]{1,20})?",
        Just("a_18446744073709551615".to_string()),
        Just(String::new()),
    ]
}

proptest! {
    #[test]
    fn python_markdown_ids_are_safe_unique_and_stable(headings in prop::collection::vec(heading(), 0..30)) {
        let ids = |hs: &[String]| {
            let mut page = HeadingIds::new(IdAlgorithm::PythonMarkdown);
            hs.iter().map(|h| page.next_id(h)).collect::<Vec<_>>()
        };
        let first = ids(&headings);
        for id in &first {
            prop_assert!(!id.is_empty());
            prop_assert!(id.bytes().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-')), "{id:?}");
        }
        let mut unique = first.clone();
        unique.sort();
        unique.dedup();
        prop_assert_eq!(unique.len(), first.len(), "ids repeat: {:?}", first);
        prop_assert_eq!(ids(&headings), first, "the same page gives the same ids");
    }

    #[test]
    fn github_ids_are_unique_and_stable(headings in prop::collection::vec(heading(), 0..30)) {
        let ids = |hs: &[String]| {
            let mut page = HeadingIds::new(IdAlgorithm::Github);
            hs.iter().map(|h| page.next_id(h)).collect::<Vec<_>>()
        };
        let first = ids(&headings);
        let mut unique = first.clone();
        unique.sort();
        unique.dedup();
        prop_assert_eq!(unique.len(), first.len(), "ids repeat: {:?}", first);
        prop_assert_eq!(ids(&headings), first);
    }
}

/// Guide-like text: Markdown markup, settings words, ports, hosts and noise.
fn guide_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("\r\n".to_string()),
        Just("## Paramètres en IMAP\n".to_string()),
        Just("# POP3\n".to_string()),
        Just("- ".to_string()),
        Just("    - ".to_string()),
        Just("> ".to_string()),
        Just("**".to_string()),
        Just("`".to_string()),
        Just("|Type|Port|\n|---|---|\n".to_string()),
        Just("|Entrant|".to_string()),
        Just("Port : ".to_string()),
        Just("Serveur entrant : ".to_string()),
        Just("serveur sortant ".to_string()),
        Just(" en SMTP ".to_string()),
        Just(" SSL ".to_string()),
        Just(" ou ".to_string()),
        Just("ssl0.ovh.net".to_string()),
        Just("&amp;".to_string()),
        Just("\\".to_string()),
        Just("[lien](#ancre)".to_string()),
        Just("<a name=\"x\"></a>".to_string()),
        Just("---\ntitle: T\n---\n".to_string()),
        Just("\u{feff}".to_string()),
        "[0-9]{1,6}",
        "[a-z0-9.-]{1,12}\\.(net|com|fr)",
        "\\PC{0,12}",
        "[ \t.:;,éè’'/-]{1,4}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

/// The embedded vocabulary and protocols, compiled once for every case.
static DATA: std::sync::LazyLock<(Vocabulary, Protocols)> = std::sync::LazyLock::new(|| {
    (
        Vocabulary::embedded().unwrap(),
        Protocols::embedded().unwrap(),
    )
});

fn check_facts(text: &str, kind: GuideKind) -> Result<(), TestCaseError> {
    let (vocab, protocols) = &*DATA;
    let guide = Guide::parse(text, kind, vocab);
    let facts = extract::extract(&guide, Lexicon::new(vocab, protocols));
    for f in &facts {
        prop_assert!(
            f.span.start <= f.span.end && f.span.end <= text.len(),
            "{:?} outside {}",
            f.span,
            text.len()
        );
        prop_assert!(
            text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end),
            "{:?}",
            f.span
        );
        let slice = &text[f.span.clone()];
        match &f.value {
            Value::Port(p) => prop_assert_eq!(
                slice.parse::<u16>().ok(),
                Some(*p),
                "span {:?} of {:?}",
                f.span,
                text
            ),
            Value::Host(h) => prop_assert!(slice.eq_ignore_ascii_case(h), "{slice:?} is not {h:?}"),
            // Protocols and service facts point at words of any shape.
            _ => prop_assert!(!slice.is_empty(), "empty span for {:?}", f.value),
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn extraction_spans_slice_to_the_value(text in guide_text()) {
        check_facts(&text, GuideKind::Markdown)?;
        check_facts(&text, GuideKind::PlainText)?;
    }

    #[test]
    fn extraction_never_panics_on_arbitrary_text(text in "\\PC{0,300}|[\\x00-\\x7f]{0,300}") {
        check_facts(&text, GuideKind::Markdown)?;
        check_facts(&text, GuideKind::PlainText)?;
    }
}

/// Line and column counted the slow, obvious way.
fn naive(text: &str, offset: usize) -> LineCol {
    let mut o = offset.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    let before = &text[..o];
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let mut prefix = &text[line_start..o];
    if line_start == 0 {
        prefix = prefix.strip_prefix('\u{feff}').unwrap_or(prefix);
    }
    LineCol {
        line: before.matches('\n').count() + 1,
        column: prefix.chars().count() + 1,
    }
}

proptest! {
    #[test]
    fn line_col_matches_a_naive_count(
        text in "(\u{feff})?(\\PC|\n|\r\n|é|日|🎉){0,80}",
        mut offsets in prop::collection::vec(0usize..400, 0..20),
    ) {
        // In order (as the reporter asks) and then out of order.
        offsets.sort_unstable();
        let index = LineIndex::new(&text);
        let lines = text.matches('\n').count() + 1;
        for pass in 0..2 {
            for &offset in &offsets {
                let got = index.line_col(offset);
                prop_assert_eq!(got, naive(&text, offset), "offset {} pass {}", offset, pass);
                prop_assert!(got.line <= lines);
                let clamped = index.clamp(offset);
                prop_assert!(clamped <= text.len() && text.is_char_boundary(clamped));
                let span = index.line_span(got.line);
                prop_assert!(span.start <= span.end && span.end <= text.len());
                prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
                // The line's characters, its `\r` included (an offset may sit on it).
                let line_end = text[span.end..].find('\n').map_or(text.len(), |i| span.end + i);
                prop_assert!(got.column <= text[span.start..line_end].chars().count() + 1);
            }
            offsets.reverse();
        }
    }
}
