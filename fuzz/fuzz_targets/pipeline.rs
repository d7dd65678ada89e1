//! Feeds arbitrary bytes through the per-guide pipeline (parse → extract →
//! rules → report), as Markdown and as plain text, and checks that every span
//! of every finding lies inside the text on character boundaries. Invalid
//! UTF-8 is decoded lossily: the engine refuses such files with GL000 before
//! parsing, so the parser only ever sees valid text.
#![no_main]

use std::ops::Range;
use std::sync::{Arc, LazyLock};

use guidelint::engine::{Engine, Outcome, SourceFile};
use guidelint::guide::GuideKind;
use guidelint::report::{self, Format};
use guidelint::spec::Spec;
use libfuzzer_sys::fuzz_target;

static ENGINE: LazyLock<Engine> = LazyLock::new(|| {
    let spec = Spec::embedded().expect("the embedded spec loads");
    Engine::new(Some(spec)).expect("the embedded data loads")
});

fn check_span(text: &str, span: &Range<usize>) {
    assert!(span.start <= span.end, "reversed span {span:?}");
    assert!(span.end <= text.len(), "span {span:?} past the end ({})", text.len());
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "span {span:?} inside a character"
    );
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for (kind, path) in [
        (GuideKind::Markdown, "pages/fuzz/guide.fr-fr.md"),
        (GuideKind::PlainText, "pages/fuzz/export.txt"),
    ] {
        let findings = ENGINE.check_text(0, path, &text, kind);
        for f in &findings {
            check_span(&text, &f.span);
            for r in &f.related {
                check_span(&text, &r.span);
            }
            if let Some(fix) = &f.fix {
                check_span(&text, &fix.span);
            }
        }
        let outcome = Outcome {
            files: vec![SourceFile {
                path: path.to_string(),
                text: Some(Arc::from(text.as_ref())),
            }],
            findings,
        };
        for format in [Format::Pretty, Format::Concise, Format::Json] {
            let _ = report::render(&outcome, format, false);
        }
    }
});
