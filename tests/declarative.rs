//! Declarative rules: each kind fires and stays quiet, the shipped packs find
//! the seeds' slips and nothing else, broken rule files point into the YAML.
//!
//! Fixture guides carry their expectations: a line with `expect: CODE, CODE`
//! (in an HTML comment, or in `[[…]]` in plain text) must get exactly those
//! findings, and every other line none.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use guidelint::config::{Config, OneOrMany};
use guidelint::declarative::RuleSet;
use guidelint::discover;
use guidelint::engine::{Engine, Outcome};
use guidelint::guide::GuideKind;
use guidelint::source::LineIndex;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn fixture(rel: &str) -> String {
    format!("{ROOT}/fixtures/declarative/{rel}")
}

fn engine(rule_dirs: &[&str]) -> Engine {
    let config = Config {
        rule_dirs: OneOrMany::Many(rule_dirs.iter().map(|d| fixture(d)).collect()),
        ..Config::default()
    };
    Engine::with_config(None, config).expect("fixture rules load")
}

fn run(engine: &Engine, paths: &[String]) -> Outcome {
    let files = discover::discover(paths).expect("fixtures exist");
    engine.check(&files)
}

/// (file name, line, code) of every finding.
fn found(outcome: &Outcome, keep: impl Fn(&str) -> bool) -> BTreeSet<(String, usize, String)> {
    outcome
        .findings
        .iter()
        .filter(|f| keep(&f.code))
        .map(|f| {
            let file = &outcome.files[f.file];
            let text = std::fs::read_to_string(&file.path).expect("fixture readable");
            let line = LineIndex::new(&text).line_col(f.span.start).line;
            let name = Path::new(&file.path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, line, f.code.to_string())
        })
        .collect()
}

/// (file name, line, code) of every `expect:` marker in `paths`.
fn expected(paths: &[String]) -> BTreeSet<(String, usize, String)> {
    let mut out = BTreeSet::new();
    for file in discover::discover(paths).expect("fixtures exist") {
        let text = std::fs::read_to_string(&file.path).expect("fixture readable");
        let name = file
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            let Some(at) = line.find("expect:") else {
                continue;
            };
            let codes = line[at + 7..]
                .split(['-', ']'])
                .next()
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty());
            for code in codes {
                out.insert((name.clone(), i + 1, code.to_string()));
            }
        }
    }
    out
}

#[test]
fn each_kind_fires_and_stays_quiet() {
    let paths = vec![fixture("guides")];
    let outcome = run(&engine(&["rules"]), &paths);
    let got = found(&outcome, |code| {
        code.starts_with("DOC") || code.starts_with("GL5")
    });
    assert_eq!(got, expected(&paths));
}

#[test]
fn packs_fire_and_stay_quiet_on_their_fixtures() {
    let paths = vec![fixture("packs")];
    let outcome = run(&engine(&[]), &paths);
    let got = found(&outcome, |code| code.starts_with("GL5"));
    assert_eq!(got, expected(&paths));
}

/// Every finding of the packs on the seeds: the slips the issue names, and
/// nothing on the seeds' correct text.
#[test]
fn packs_on_the_seeds() {
    let paths = vec![format!("{ROOT}/fixtures/seeds")];
    let outcome = run(&engine(&[]), &paths);
    let got: Vec<String> = found(&outcome, |code| code.starts_with("GL5"))
        .into_iter()
        .map(|(f, line, code)| format!("{}:{line}:{code}", &f[..3]))
        .collect();
    let want = [
        // tutoriaux → tutoriels
        "000:25:GL510",
        "001:17:GL510",
        // http:// link to the vendor's site, Parametre, e-mail and email mixed
        "002:10:GL503",
        "002:33:GL510",
        "002:63:GL511",
        "002:70:GL511",
        "002:75:GL510",
        // plain text: Tutoriaux, http://webmail.ovh.net/, split words, "a coté" (the
        // client's field "Adresse Email :" and the control panel's "Email" section
        // are quoted, not the guide's spelling)
        "003:66:GL510",
        "003:144:GL503",
        "003:212:GL530",
        "003:217:GL530",
        "003:234:GL510",
        "003:265:GL530",
        "003:283:GL510",
        "003:370:GL531",
        "003:371:GL531",
        "003:372:GL531",
        "003:416:GL530",
        // accept all certificates, http://, Parametres, emails
        "004:10:GL503",
        "004:12:GL511",
        "004:52:GL510",
        "004:61:GL501",
        "004:71:GL510",
        "004:76:GL501",
        "004:97:GL511",
        "004:103:GL511",
        "004:146:GL501",
        "004:154:GL501",
        "004:165:GL510",
    ];
    let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
    want.sort();
    let mut got = got;
    got.sort();
    assert_eq!(got, want);
}

#[test]
fn findings_carry_the_rule_and_a_fix() {
    let engine = engine(&[]);
    let text = "# Nos tutoriaux\n\nVous trouverez dans ce guide les paramètres de votre adresse et le port.\n";
    let findings = engine.check_text(0, "guide.fr-fr.md", text, GuideKind::Markdown);
    let f = findings
        .iter()
        .find(|f| f.code == "GL510")
        .expect("tutoriaux is reported");
    assert_eq!(f.name, "fr-misspelling");
    assert_eq!(&text[f.span.clone()], "tutoriaux");
    assert!(f.message.contains("`tutoriels`"), "{}", f.message);
    let fix = f.fix.as_ref().expect("a substitution carries its fix");
    assert_eq!(fix.replacement, "tutoriels");
    let mut fixed = text.to_string();
    fixed.replace_range(fix.span.clone(), &fix.replacement);
    assert!(fixed.starts_with("# Nos tutoriels\n"));
}

/// A link whose text is its own URL is one plain-`http://` finding, on the URL,
/// and the attribute list after it is no part of the address.
#[test]
fn a_link_naming_its_own_url_is_one_finding() {
    let engine = engine(&[]);
    let text = "Le webmail : [http://webmail.ovh.net/](http://webmail.ovh.net/){.external}.\n\n\
                Autre lien : [http://www.ovh.com/fr/](http://www.ovh.com/fr/mail/).\n\n\
                En clair : http://webmail.ovh.net/{.external}, puis (http://ovh.com/fr).\n";
    let findings = engine.check_text(0, "guide.fr-fr.md", text, GuideKind::Markdown);
    let got: Vec<(&str, usize)> = findings
        .iter()
        .filter(|f| f.code == "GL503")
        .map(|f| (&text[f.span.clone()], f.span.start))
        .collect();
    let url = text.find("(http://webmail").expect("fixture text") + 1;
    let other_text = text.find("[http://www.ovh.com/fr/]").expect("fixture text") + 1;
    let other_url = text
        .find("(http://www.ovh.com/fr/mail/)")
        .expect("fixture text")
        + 1;
    let bare = text.find(" http://webmail").expect("fixture text") + 1;
    let paren = text.find("(http://ovh.com").expect("fixture text") + 1;
    assert_eq!(
        got,
        [
            ("http://webmail.ovh.net/", url),
            // The text names another address than the URL: both are shown to readers.
            ("http://www.ovh.com/fr/", other_text),
            ("http://www.ovh.com/fr/mail/", other_url),
            ("http://webmail.ovh.net/", bare),
            ("http://ovh.com/fr", paren),
        ]
    );
    for f in findings.iter().filter(|f| f.code == "GL503") {
        assert!(!f.message.contains('{'), "{}", f.message);
    }
}

#[test]
fn split_words_are_fixed_by_joining() {
    let engine = engine(&[]);
    let text = "Un guide est disponib le pour vous et il s 'agit de la sauvegarde.\n";
    let findings = engine.check_text(0, "export.txt", text, GuideKind::PlainText);
    let fixes: Vec<(&str, &str)> = findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .map(|x| (&text[x.span.clone()], x.replacement.as_str()))
        .collect();
    assert_eq!(
        fixes,
        [("disponib le", "disponible"), ("s 'agit", "s'agit")]
    );
}

#[test]
fn language_filters_apply() {
    let engine = engine(&[]);
    // An English guide does not get the French rules, nor a French one the English rules.
    let en = "Our tutoriaux explain how to set up the parametres of your account.\n";
    let findings = engine.check_text(0, "guide.en-gb.md", en, GuideKind::Markdown);
    assert!(findings.iter().all(|f| f.code != "GL510"), "{findings:?}");
    let fr = "Login to votre espace client.\n";
    let findings = engine.check_text(0, "guide.fr-fr.md", fr, GuideKind::Markdown);
    assert!(findings.iter().all(|f| f.code != "GL520"), "{findings:?}");
}

#[test]
fn catalog_documents_declarative_rules() {
    let engine = engine(&["rules"]);
    let catalog = engine.catalog();
    for code in ["GL501", "GL510", "GL520", "GL530", "DOC001", "DOC006"] {
        let info = catalog
            .iter()
            .find(|r| r.code == code)
            .unwrap_or_else(|| panic!("{code} is in the catalog"));
        for section in [
            "## What it does",
            "## Why it matters",
            "## Example",
            "## Fix",
        ] {
            assert!(info.docs.contains(section), "{code} lacks {section}");
        }
        assert!(!info.summary.ends_with('.'), "{code}");
    }
    let codes: BTreeSet<&str> = catalog.iter().map(|r| r.code.as_ref()).collect();
    assert_eq!(codes.len(), catalog.len(), "codes are unique");
}

#[test]
fn shipped_packs_compile() {
    let set = RuleSet::embedded().expect("the packs compile");
    assert!(set.rules().iter().all(|r| r.code.starts_with("GL5")));
    assert!(set.rules().len() >= 10);
}

#[test]
fn malformed_rule_file_points_into_the_yaml() {
    let config = Config {
        rule_dirs: OneOrMany::One(fixture("broken/malformed")),
        ..Config::default()
    };
    let err = Engine::with_config(None, config).expect_err("a malformed file is refused");
    assert!(err.file.ends_with("rules.yaml"), "{}", err.file);
    let text = std::fs::read_to_string(fixture("broken/malformed/rules.yaml")).unwrap();
    let offset = err.offset.expect("the error points into the file");
    assert!(offset >= text.find("pattern").unwrap(), "{err}");
}

#[test]
fn bad_regex_points_at_the_pattern() {
    let config = Config {
        rule_dirs: OneOrMany::One(fixture("broken/bad-regex")),
        ..Config::default()
    };
    let err = Engine::with_config(None, config).expect_err("a bad regex is refused");
    assert!(err.message.contains("invalid regular expression"), "{err}");
    let text = std::fs::read_to_string(fixture("broken/bad-regex/rules.yaml")).unwrap();
    assert_eq!(&text[err.offset.unwrap()..][..12], "port (99[35]");
}

#[test]
fn duplicate_code_is_refused() {
    let config = Config {
        rule_dirs: OneOrMany::One(fixture("broken/duplicate")),
        ..Config::default()
    };
    let err = Engine::with_config(None, config).expect_err("a reused code is refused");
    assert!(err.message.contains("`GL501` is already used"), "{err}");
}

fn cli(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_guidelint"))
        // No cache folder where the tests run.
        .env("GUIDELINT_NO_CACHE", "1")
        .args(args)
        .current_dir(ROOT)
        .output()
        .expect("the binary runs")
}

#[test]
fn cli_exits_2_on_a_bad_regex_with_the_yaml_line() {
    let out = cli(&[
        "check",
        "fixtures/declarative/guides",
        "--rule-dir",
        "fixtures/declarative/broken/bad-regex",
        "--color",
        "never",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("invalid regular expression"), "{stderr}");
    assert!(stderr.contains("pattern: 'port (99[35]'"), "{stderr}");
    assert!(stderr.contains("rules.yaml"), "{stderr}");
}

#[test]
fn cli_exits_2_on_a_malformed_rule_file() {
    let out = cli(&[
        "check",
        "fixtures/declarative/guides",
        "--rule-dir",
        "fixtures/declarative/broken/malformed",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rules.yaml"), "{stderr}");
}

#[test]
fn cli_runs_a_repository_rule_folder() {
    let out = cli(&[
        "check",
        "fixtures/declarative/guides/fires.md",
        "--rule-dir",
        "fixtures/declarative/rules",
        "--format",
        "concise",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("DOC001"), "{stdout}");
    // DOC008 is an error.
    assert_eq!(out.status.code(), Some(1), "{stdout}");
}

#[test]
fn cli_lists_and_documents_pack_rules() {
    let out = cli(&["rules"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("GL501") && stdout.contains("accept-all-certificates"));
    let out = cli(&["rule", "pdf-split-word"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("## Fix") && stdout.contains("GL530"),
        "{stdout}"
    );
}

/// A repository whose configuration `config` names the folder `docs-rules`,
/// holding the house rules.
fn house_repository(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("docs-rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::copy(fixture("rules/house.yaml"), rules.join("house.yaml")).unwrap();
    std::fs::write(dir.path().join(".guidelint.yaml"), config).unwrap();
    dir
}

/// Runs `guidelint args` in `dir`.
fn cli_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_guidelint"))
        // No cache folder where the tests run.
        .env("GUIDELINT_NO_CACHE", "1")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn cli_reads_rule_dirs_from_the_configuration() {
    let dir = house_repository("rule_dirs: [docs-rules]\nignore: [DOC004]\n");
    std::fs::write(dir.path().join("guide.md"), "# Mail\n\nClick here.\n").unwrap();
    let out = cli_in(dir.path(), &["check", "--format", "concise", "guide.md"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.trim(),
        "guide.md:3:1: DOC001 [warning] `Click here` says nothing about where the link goes",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));
}

/// `guidelint rules` and `guidelint rule` see the rules a check would run: the
/// configuration's `rule_dirs` and `--rule-dir` folders, besides the packs.
#[test]
fn cli_lists_and_documents_the_configured_rules() {
    let dir = house_repository("rule_dirs: [docs-rules]\n");
    let run = |args: &[&str]| cli_in(dir.path(), args);
    let listed = |args: &[&str]| {
        let out = run(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // From the discovered configuration.
    let all = listed(&["rules"]);
    assert!(all.contains("DOC001") && all.contains("DOC008"), "{all}");
    assert!(all.contains("GL201") && all.contains("GL501"), "{all}");
    let doc = listed(&["rule", "DOC001"]);
    assert!(doc.contains("Code: DOC001"), "{doc}");
    // Without it, the house rules are gone, unless a --rule-dir names them.
    let plain = listed(&["rules", "--no-config"]);
    assert!(
        !plain.contains("DOC001") && plain.contains("GL201"),
        "{plain}"
    );
    assert_eq!(
        run(&["rule", "DOC001", "--no-config"]).status.code(),
        Some(2)
    );
    let named = listed(&["rules", "--no-config", "--rule-dir", "docs-rules"]);
    assert!(named.contains("DOC001"), "{named}");
    // A rule file guidelint cannot use stops the listing too, with its diagnostic.
    let broken = run(&["rules", "--rule-dir", &fixture("broken/bad-regex")]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&broken.stderr).contains("rules.yaml"));
}
