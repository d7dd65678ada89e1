//! The corpus pass end to end: `fixtures/corpus/` is a small docs repository
//! (`pages/web/emails/<folder>/guide.<locale>.md`, images, links between
//! guides, a second universe in `pages/web/emails-pro/`). Every line that must
//! produce a finding carries a marker — `<!-- expect: CODE -->` in Markdown,
//! `# expect: CODE` in front matter, `expect-at-line-1: CODE` for findings on
//! the opening `---` — and every other line must stay quiet.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use guidelint::config::{Config, SlugScope};
use guidelint::diagnostic::{Finding, Severity};
use guidelint::discover::discover;
use guidelint::engine::{Engine, Outcome};
use guidelint::source::LineIndex;
use guidelint::spec::Spec;
use regex::Regex;

static MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"expect(-at-line-1)?: ([A-Z0-9, ]+)").unwrap());

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run_on(paths: &[PathBuf], config: Config) -> Outcome {
    let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let files = discover(&paths).unwrap();
    Engine::with_config(Some(Spec::embedded().unwrap()), config)
        .unwrap()
        .check(&files)
}

fn corpus(config: Config) -> Outcome {
    run_on(&[manifest().join("fixtures/corpus")], config)
}

fn seeds() -> Outcome {
    run_on(&[manifest().join("fixtures/seeds")], Config::default())
}

/// (path, line, code) → how many.
type Places = BTreeMap<(String, usize, String), usize>;

fn line_of(outcome: &Outcome, f: &Finding) -> usize {
    let path = &outcome.files[f.file].path;
    let text = std::fs::read_to_string(path).unwrap();
    LineIndex::new(&text).line_col(f.span.start).line
}

fn actual(outcome: &Outcome) -> Places {
    let mut out = Places::new();
    for f in &outcome.findings {
        let key = (
            outcome.files[f.file].path.clone(),
            line_of(outcome, f),
            f.code.to_string(),
        );
        *out.entry(key).or_default() += 1;
    }
    out
}

fn expected(outcome: &Outcome) -> Places {
    let mut out = Places::new();
    for file in &outcome.files {
        let text = std::fs::read_to_string(&file.path).unwrap();
        for (i, line) in text.lines().enumerate() {
            for caps in MARKER.captures_iter(line) {
                let at = if caps.get(1).is_some() { 1 } else { i + 1 };
                for code in caps[2].split(',').map(str::trim).filter(|c| !c.is_empty()) {
                    *out.entry((file.path.clone(), at, code.to_string()))
                        .or_default() += 1;
                }
            }
        }
    }
    out
}

fn short(path: &str) -> &str {
    path.split("fixtures/").nth(1).unwrap_or(path)
}

#[test]
fn every_corpus_fixture_line_gets_exactly_its_expected_findings() {
    let outcome = corpus(Config::default());
    assert!(outcome.files.len() >= 15, "{} files", outcome.files.len());
    let (want, got) = (expected(&outcome), actual(&outcome));
    let missing: Vec<_> = want
        .iter()
        .filter(|(k, n)| got.get(*k) != Some(n))
        .collect();
    let extra: Vec<_> = got
        .iter()
        .filter(|(k, n)| want.get(*k) != Some(n))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "expected but not found: {missing:#?}\nfound but not expected: {extra:#?}"
    );
    // Every corpus rule fires at least once in the fixture.
    for code in [
        "GL001", "GL002", "GL003", "GL004", "GL005", "GL006", "GL007", "GL101", "GL102", "GL103",
        "GL104", "GL105", "GL106", "GL107", "GL108", "GL109", "GL505",
    ] {
        assert!(got.keys().any(|(_, _, c)| c == code), "{code} never fires");
    }
}

fn find<'a>(outcome: &'a Outcome, code: &str, path_part: &str) -> Vec<&'a Finding> {
    outcome
        .findings
        .iter()
        .filter(|f| f.code == code && outcome.files[f.file].path.contains(path_part))
        .collect()
}

#[test]
fn seeds_duplicate_slug_and_legacy_number_point_at_each_other() {
    let outcome = seeds();
    for code in ["GL101", "GL102"] {
        let found: Vec<&Finding> = outcome.findings.iter().filter(|f| f.code == code).collect();
        assert_eq!(found.len(), 2, "{code}: {found:#?}");
        let files: Vec<&str> = found
            .iter()
            .map(|f| short(&outcome.files[f.file].path))
            .collect();
        assert_eq!(
            files,
            [
                "seeds/000_a6fca5253bfe941f.md",
                "seeds/001_3d88180237004e69.md"
            ]
        );
        for (f, other) in found.iter().zip(found.iter().rev()) {
            assert_eq!(f.related.len(), 1);
            assert_eq!(f.related[0].file, Some(other.file));
            assert_eq!(f.related[0].span, other.span);
            assert_eq!(line_of(&outcome, f), if code == "GL101" { 3 } else { 4 });
        }
    }
}

#[test]
fn seeds_broken_anchors_missing_images_and_resolving_slug_links() {
    let outcome = seeds();
    let anchors: Vec<String> = outcome
        .findings
        .iter()
        .filter(|f| f.code == "GL103")
        .map(|f| {
            format!(
                "{}:{}",
                short(&outcome.files[f.file].path),
                line_of(&outcome, f)
            )
        })
        .collect();
    assert_eq!(
        anchors,
        [
            "seeds/002_d5e685b3326c1bd0.md:89",
            "seeds/002_d5e685b3326c1bd0.md:109",
            "seeds/004_a4f18f021f84c7c2.md:176",
            "seeds/004_a4f18f021f84c7c2.md:193",
        ]
    );
    let suggestion = &find(&outcome, "GL103", "004_")[0];
    assert_eq!(
        suggestion.help.as_deref(),
        Some("did you mean `#parametres-du-serveur-sortant`?")
    );
    let images: Vec<String> = outcome
        .findings
        .iter()
        .filter(|f| f.code == "GL105")
        .map(|f| f.message.clone())
        .collect();
    assert_eq!(images.len(), 10, "{images:#?}");
    assert!(images[0].contains("images/1268.png"), "{images:#?}");
    // 000 and 001 link to 002 and 004 by their slugs: those links resolve.
    for f in outcome.findings.iter().filter(|f| f.code == "GL104") {
        assert_eq!(f.severity, Severity::Info);
        assert!(
            !f.message.contains("windows-mail/") && !f.message.contains("android-412/"),
            "{}",
            f.message
        );
    }
    assert!(!find(&outcome, "GL104", "000_").is_empty());
    // The seeds' front matter is valid, and nothing else is said of their links.
    let codes: Vec<&str> = outcome.findings.iter().map(|f| f.code.as_ref()).collect();
    for quiet in [
        "GL001", "GL002", "GL003", "GL004", "GL106", "GL107", "GL108",
    ] {
        assert!(!codes.contains(&quiet), "{quiet} fired on the seeds");
    }
}

#[test]
fn broken_anchor_in_another_guide_suggests_and_points_there() {
    let outcome = corpus(Config::default());
    let f = find(&outcome, "GL103", "email_roundcube/guide.fr-fr.md")
        .into_iter()
        .find(|f| f.message.contains("se-conecter-a-owa"))
        .unwrap();
    assert_eq!(
        f.help.as_deref(),
        Some("did you mean `#se-connecter-a-owa`?")
    );
    let related = f.related[0].file.unwrap();
    assert!(
        outcome.files[related]
            .path
            .ends_with("email_owa/guide.fr-fr.md")
    );
}

#[test]
fn missing_targets_are_warnings_in_a_complete_corpus() {
    let quiet = corpus(Config::default());
    assert!(
        find(&quiet, "GL104", "")
            .iter()
            .all(|f| f.severity == Severity::Info)
    );
    let mut config = Config::default();
    config.corpus.complete = true;
    let complete = corpus(config);
    let found = find(&complete, "GL104", "");
    assert_eq!(found.len(), 3);
    assert!(found.iter().all(|f| f.severity == Severity::Warning));
}

#[test]
fn slug_scope_is_configurable() {
    // By default the Email Pro guide's slug is no duplicate of the MX Plan ones.
    let outcome = corpus(Config::default());
    assert!(find(&outcome, "GL101", "emails-pro").is_empty());
    for scope in [SlugScope::Locale, SlugScope::Global] {
        let mut config = Config::default();
        config.corpus.slug_scope = scope;
        let outcome = corpus(config);
        let pro = find(&outcome, "GL101", "emails-pro");
        assert_eq!(pro.len(), 1, "{scope:?}");
        // Per locale: the two MX Plan guides; globally, dup_a's English translation too.
        let others = if scope == SlugScope::Locale { 2 } else { 3 };
        assert_eq!(pro[0].related.len(), others, "{scope:?}");
    }
    let mut config = Config::default();
    config.corpus.slug_scope = SlugScope::Global;
    let global = corpus(config);
    // Globally, the translations' shared slugs collide too.
    assert!(!find(&global, "GL101", "email_roundcube/guide.en-gb.md").is_empty());
}

#[test]
fn github_heading_ids_are_a_setting() {
    let mut config = Config::default();
    config.corpus.heading_ids = guidelint::anchors::IdAlgorithm::Github;
    let outcome = corpus(config);
    let broken: Vec<&str> = find(&outcome, "GL103", "email_roundcube/guide.fr-fr.md")
        .iter()
        .map(|f| f.message.as_str())
        .collect();
    assert!(
        broken
            .iter()
            .any(|m| m.contains("#nouvelle-version-de-loffre-mx-plan_1")),
        "{broken:#?}"
    );
    assert!(
        broken.iter().any(|m| m.contains("#etape-1-se-connecter")),
        "{broken:#?}"
    );
}

#[test]
fn paths_leaving_a_git_repository_are_reported_and_not_checked() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let folder = repo.join("pages/web/emails/a");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(folder.join("images")).unwrap();
    // This file exists, but outside the repository: it must not be looked at.
    std::fs::write(dir.path().join("secret.png"), "x").unwrap();
    std::fs::write(folder.join("images/ok.png"), "x").unwrap();
    let guide = "---\ntitle: T\nexcerpt: E\nupdated: 2021-07-19\n---\n\n\
                 ![ok](images/ok.png) ![up](../../../../../secret.png) ![in](../../../../x.png)\n";
    std::fs::write(folder.join("guide.fr-fr.md"), guide).unwrap();
    let outcome = run_on(&[folder.join("guide.fr-fr.md")], Config::default());
    let codes: Vec<(&str, &str)> = outcome
        .findings
        .iter()
        .map(|f| (f.code.as_ref(), f.message.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            (
                "GL106",
                "image path `../../../../../secret.png` leaves the repository"
            ),
            ("GL105", "image `../../../../x.png` does not exist"),
        ]
    );
}

#[test]
fn without_git_the_root_is_the_common_folder_of_the_guides() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a", "b"] {
        std::fs::create_dir_all(dir.path().join(name)).unwrap();
    }
    std::fs::write(
        dir.path().join("a/g.md"),
        "[b](../b/g.md#x) [b](../b/g.md#y) ![i](../../i.png)\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("b/g.md"), "## X\n").unwrap();
    let outcome = run_on(&[dir.path().to_path_buf()], Config::default());
    let codes: Vec<&str> = outcome.findings.iter().map(|f| f.code.as_ref()).collect();
    assert_eq!(codes, ["GL103", "GL106"], "{:#?}", outcome.findings);
}

#[test]
fn summaries_hold_no_text() {
    use guidelint::corpus::summarize;
    use guidelint::guide::markdown;
    let mut text = String::from("---\ntitle: T\nslug: s\nexcerpt: E\nsection: S\n---\n");
    for i in 0..500 {
        text.push_str(&format!(
            "## Section {i}\n\n{}\n\n",
            "Une longue phrase qui ne sert à rien d'autre qu'à remplir le guide. ".repeat(20)
        ));
    }
    let guide = markdown::parse(&text);
    let s = summarize(
        0,
        "g.md",
        PathBuf::from("g.md"),
        &text,
        &guide,
        guidelint::corpus::Findings {
            facts: &[],
            product: None,
            mentions: 0,
        },
        &Config::default(),
    );
    let held: usize = s.anchors.iter().map(|a| a.id.len()).sum::<usize>()
        + s.links.iter().map(|l| l.target.len()).sum::<usize>();
    assert_eq!(s.anchors.len(), 500);
    assert!(
        held * 50 < text.len(),
        "{held} bytes held for {} bytes of text",
        text.len()
    );
}

#[test]
fn the_cli_reports_corpus_findings() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_guidelint"))
        // No cache folder where the tests run.
        .env("GUIDELINT_NO_CACHE", "1")
        .args(["check", "fixtures/corpus", "--format", "concise"])
        .current_dir(manifest())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("dup_a/guide.fr-fr.md:3:7: GL101 [error] slug `configuration-outlook-2016`"),
        "{text}"
    );
}
