//! Fixture-driven rule tests: every guide in `fixtures/rules/` carries
//! `<!-- expect: CODE -->` markers on the lines that must produce findings;
//! every other line must stay quiet (see fixtures/rules/README.md).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use guidelint::engine::{Engine, kind_of};
use guidelint::source::LineIndex;
use guidelint::spec::Spec;
use regex::Regex;

static MARKER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s*<!-- expect: ([A-Z0-9, ]+) -->").unwrap());

/// (line, code) → how many findings.
type Expectations = BTreeMap<(usize, String), usize>;

fn expected(text: &str) -> Expectations {
    let mut out = Expectations::new();
    for (i, line) in text.lines().enumerate() {
        for caps in MARKER.captures_iter(line) {
            for code in caps[1].split(',').map(str::trim).filter(|c| !c.is_empty()) {
                *out.entry((i + 1, code.to_string())).or_default() += 1;
            }
        }
    }
    out
}

fn actual(engine: &Engine, path: &Path, text: &str) -> Expectations {
    let index = LineIndex::new(text);
    let mut out = Expectations::new();
    for f in engine.check_text(0, &path.display().to_string(), text, kind_of(path)) {
        *out.entry((index.line_col(f.span.start).line, f.code.to_string())).or_default() += 1;
    }
    out
}

#[test]
fn every_fixture_gets_exactly_its_expected_findings() {
    let engine = Engine::new(Some(Spec::embedded().unwrap())).unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut checked = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name == "README.md" || !matches!(path.extension().and_then(|e| e.to_str()), Some("md" | "txt")) {
            continue;
        }
        let raw = std::fs::read_to_string(&path).unwrap();
        let want = expected(&raw);
        // Markers are removed before linting so they cannot change what is parsed.
        let text = MARKER.replace_all(&raw, "").into_owned();
        let got = actual(&engine, &path, &text);
        if got != want {
            failures.push(format!("{name}:\n  expected {want:?}\n  got      {got:?}"));
        }
        checked += 1;
    }
    assert!(checked >= 6, "fixtures not found in {}", dir.display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
