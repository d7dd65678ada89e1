//! Robustness (issue 8): every bad input gets a clear message, nothing panics,
//! nothing is lost. Each test feeds one kind of odd input to the built binary
//! (or to the library) next to a guide with a known mistake, and checks that
//! the odd file gets its own finding and the other guide is still checked.

mod common;

use std::path::Path;
use std::process::Command;

use common::{BAD, guidelint, stderr, stdout};

use guidelint::engine::Engine;
use guidelint::guide::GuideKind;

/// Runs `check <args> --format json` in `dir` and returns the exit code and findings.
fn json(args: &[&str], dir: &Path) -> (Option<i32>, Vec<serde_json::Value>) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let out = guidelint(&all, dir);
    let findings: serde_json::Value = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("JSON output ({e}): {}\n{}", stdout(&out), stderr(&out)));
    let findings = findings.as_array().expect("an array").clone();
    (out.status.code(), findings)
}

/// The findings of `path` as `code line:column message`.
fn of(findings: &[serde_json::Value], path: &str) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f["path"] == path)
        .map(|f| {
            format!(
                "{} {}:{} {}",
                f["code"].as_str().unwrap(),
                f["line"],
                f["column"],
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

/// Asserts that bad.md (a copy of [`BAD`]) was checked: its GL201 is there.
fn assert_bad_checked(findings: &[serde_json::Value], path: &str) {
    let got = of(findings, path);
    assert!(
        got.iter().any(|f| f.starts_with("GL201 4:12 ")),
        "{path} was not checked: {got:?}"
    );
}

fn engine() -> Engine {
    Engine::new(Some(guidelint::spec::Spec::embedded().unwrap())).unwrap()
}

#[test]
fn invalid_utf8_names_the_file_and_byte_and_the_rest_is_linted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("latin1.md"),
        b"# Titre\n\nPort : 993 caf\xe9\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("bad.md"), BAD).unwrap();
    let (code, findings) = json(&["."], dir.path());
    assert_eq!(code, Some(1));
    assert_eq!(
        of(&findings, "latin1.md"),
        ["GL000 3:15 this file is not valid UTF-8 (byte 23)"]
    );
    assert_bad_checked(&findings, "bad.md");
}

#[test]
fn binary_files_are_reported_not_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
    std::fs::write(dir.path().join("image.md"), png).unwrap();
    std::fs::write(dir.path().join("export.txt"), b"Port 993\0\0\x01\x02 IMAP").unwrap();
    std::fs::write(dir.path().join("bad.md"), BAD).unwrap();
    let (code, findings) = json(&["."], dir.path());
    assert_eq!(code, Some(1));
    let image = of(&findings, "image.md");
    assert_eq!(image.len(), 1, "{image:?}");
    assert!(
        image[0].starts_with("GL000") && image[0].contains("looks binary (a NUL byte at byte 8)"),
        "{image:?}"
    );
    let export = of(&findings, "export.txt");
    assert_eq!(
        export,
        ["GL000 1:9 this file looks binary (a NUL byte at byte 8)"]
    );
    assert_bad_checked(&findings, "bad.md");
}

#[test]
fn empty_and_blank_files_are_clean() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.md"), "").unwrap();
    std::fs::write(dir.path().join("empty.txt"), "").unwrap();
    std::fs::write(dir.path().join("blank.md"), "\n\r\n  \n").unwrap();
    std::fs::write(dir.path().join("bom.md"), "\u{feff}").unwrap();
    let out = guidelint(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("No problems found (4 files checked)."),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_file_with_only_front_matter_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.md"),
        "---\ntitle: Seulement\nslug: seul\nexcerpt: Un guide sans corps\nsection: Divers\n---\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.md"),
        "---\ntitle: Sans fin de ligne\n---",
    )
    .unwrap();
    std::fs::write(dir.path().join("c.md"), "---\n---\n").unwrap();
    let out = guidelint(&["check", ".", "--format", "concise"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "");
}

#[test]
fn unclosed_front_matter_is_reported_and_the_body_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("open.md"),
        format!("---\ntitle: T\n\n{BAD}"),
    )
    .unwrap();
    let (code, findings) = json(&["open.md"], dir.path());
    assert_eq!(code, Some(1));
    let got = of(&findings, "open.md");
    assert_eq!(
        got[0],
        "GL001 1:1 front matter is opened here but never closed"
    );
    assert!(got.iter().any(|f| f.starts_with("GL201 7:12 ")), "{got:?}");
}

#[test]
fn yaml_syntax_errors_point_inside_the_block() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("---\ntitle: Guide\nslug: [oops\nsection: x\n---\n{BAD}");
    std::fs::write(dir.path().join("yaml.md"), text).unwrap();
    let (code, findings) = json(&["yaml.md"], dir.path());
    assert_eq!(code, Some(1));
    let gl001: Vec<_> = findings.iter().filter(|f| f["code"] == "GL001").collect();
    assert_eq!(gl001.len(), 1, "{findings:?}");
    let line = gl001[0]["line"].as_u64().unwrap();
    assert!(
        (2..=4).contains(&line),
        "the span is inside the YAML block: {:?}",
        gl001[0]
    );
    let message = gl001[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("front matter is not valid YAML: "),
        "{message}"
    );
    assert!(
        !message.contains(" at line "),
        "the position is in the span, not the text: {message}"
    );
    assert!(
        of(&findings, "yaml.md")
            .iter()
            .any(|f| f.starts_with("GL201 9:12 "))
    );
}

/// Front matter that would expand to billions of values, or nest 20,000
/// deep: refused with a GL001 that says why, and the guide's body is checked.
#[test]
fn alias_bombs_and_deep_nesting_in_front_matter_get_a_clear_gl001() {
    let mut laughs = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (prev, name) in ('a'..='k').zip('b'..='l') {
        let refs = vec![format!("*{prev}"); 9].join(", ");
        laughs.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    let wide = format!(
        "a: &a [{}]\nb: [{}]\n",
        vec!["x"; 10_000].join(","),
        vec!["*a"; 10_000].join(",")
    );
    let deep = format!("x: {}{}\n", "[".repeat(20_000), "]".repeat(20_000));
    let indented: String = (0..300)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    for (name, yaml) in [
        ("laughs", &laughs),
        ("wide", &wide),
        ("deep", &deep),
        ("indented", &indented),
    ] {
        std::fs::write(
            dir.path().join(format!("{name}.md")),
            format!("---\n{yaml}---\n{BAD}"),
        )
        .unwrap();
    }
    let (code, findings) = json(&["."], dir.path());
    assert_eq!(code, Some(1));
    for (name, why) in [
        ("laughs", "an alias bomb"),
        ("wide", "an alias bomb"),
        ("deep", "too deeply"),
        ("indented", "too deeply"),
    ] {
        let path = format!("{name}.md");
        let got = of(&findings, &path);
        assert!(
            got.iter()
                .any(|f| f.starts_with("GL001") && f.contains(why)),
            "{path}: {got:?}"
        );
        assert!(
            got.iter().any(|f| f.starts_with("GL201")),
            "{path} body checked: {got:?}"
        );
    }
}

/// The same guide with LF, CRLF, a BOM, or both: the same lines and columns.
#[test]
fn crlf_and_bom_keep_lines_and_columns() {
    let lf = format!("---\ntitle: Fin de ligne\n---\n{BAD}\nUtilisez le port 995 en IMAP.\n");
    let dir = tempfile::tempdir().unwrap();
    let variants = [
        ("lf.md", lf.clone()),
        ("crlf.md", lf.replace('\n', "\r\n")),
        ("bom.md", format!("\u{feff}{lf}")),
        (
            "bom-crlf.md",
            format!("\u{feff}{}", lf.replace('\n', "\r\n")),
        ),
        // A BOM with a finding on the first line.
        (
            "first.md",
            "\u{feff}Utilisez le port 995 en IMAP.\r\n".to_string(),
        ),
    ];
    for (name, text) in &variants {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let (_, findings) = json(&["."], dir.path());
    let positions = |path: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f["path"] == path)
            .map(|f| {
                format!(
                    "{} {}:{}-{}:{}",
                    f["code"], f["line"], f["column"], f["end_line"], f["end_column"]
                )
            })
            .collect()
    };
    let expected = positions("lf.md");
    assert!(
        expected.iter().any(|p| p == "\"GL201\" 7:12-7:15"),
        "{expected:?}"
    );
    assert!(
        expected
            .iter()
            .any(|p| p.starts_with("\"GL201\" 9:18-9:21")),
        "{expected:?}"
    );
    for name in ["crlf.md", "bom.md", "bom-crlf.md"] {
        assert_eq!(positions(name), expected, "{name}");
    }
    assert_eq!(positions("first.md"), ["\"GL201\" 1:18-1:21"]);
}

#[test]
fn a_one_megabyte_line_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = "x".repeat(1 << 20);
    text.push_str(" Utilisez le port 995 en IMAP.\n");
    // Many findings on one long line: positions are computed in one pass.
    text.push_str(&"Utilisez le port 995 en IMAP. ".repeat(40_000));
    text.push('\n');
    std::fs::write(dir.path().join("long.md"), &text).unwrap();
    let (code, findings) = json(&["long.md"], dir.path());
    assert_eq!(code, Some(1));
    assert_eq!(findings.len(), 40_001);
    assert_eq!(
        (&findings[0]["line"], &findings[0]["column"]),
        (&1.into(), &((1 << 20) + 19).into())
    );
    let last = &findings[40_000];
    assert_eq!(
        (&last["line"], &last["column"]),
        (&2.into(), &(39_999 * 30 + 18).into())
    );
}

/// A 50 MB guide is checked, not refused: a mistake at its very end is found.
#[test]
fn a_fifty_megabyte_guide_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    // English filler: the debug build of `cargo test` matches ASCII text
    // fastest; French text takes the same path at a third of the speed.
    let section = "## Configure the mail client\n\nOpen the account settings and check each field.\n\n\
                   | Field | Value |\n|---|---|\n| Name | Your name |\n\n- A step\n  - A sub-step\n\n";
    let mut text = String::with_capacity(51 << 20);
    text.push_str("---\ntitle: A very long guide\n---\n");
    while text.len() < 50 << 20 {
        text.push_str(section);
    }
    let lines = text.matches('\n').count();
    text.push_str(BAD);
    std::fs::write(dir.path().join("huge.md"), &text).unwrap();
    drop(text);
    let (code, findings) = json(&["huge.md"], dir.path());
    assert_eq!(code, Some(1));
    let got = of(&findings, "huge.md");
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got[1].starts_with(&format!("GL201 {}:12 ", lines + 4)),
        "{got:?}"
    );
}

#[test]
fn ten_thousand_nested_lists_and_quotes() {
    let lists: String = (0..10_000)
        .map(|i| format!("{}- niveau {i}\n", "  ".repeat(i)))
        .collect();
    let bullets = format!("{}port 993\n", "- ".repeat(10_000));
    let quotes = format!("{} Le port 995 en IMAP.\n", ">".repeat(10_000));
    let mixed: String = (0..10_000)
        .map(|i| if i % 2 == 0 { "> " } else { "- " })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in [
        ("lists", lists),
        ("bullets", bullets),
        ("quotes", quotes),
        ("mixed", format!("{mixed}x\n")),
    ] {
        std::fs::write(
            dir.path().join(format!("{name}.md")),
            format!("{body}\n{BAD}"),
        )
        .unwrap();
    }
    let (code, findings) = json(&["."], dir.path());
    assert_eq!(code, Some(1));
    for name in ["lists", "bullets", "quotes", "mixed"] {
        let path = format!("{name}.md");
        assert!(
            findings
                .iter()
                .any(|f| f["path"] == path.as_str() && f["code"] == "GL201"),
            "{path}: {:?}",
            of(&findings, &path)
        );
    }
}

#[test]
fn ragged_tables_do_not_break_extraction() {
    let text = "## Paramètres en IMAP\n\n\
                | Serveur | Port | Sécurité |\n|---|---|---|\n\
                | ssl0.ovh.net |\n\
                | ssl0.ovh.net | 995 | SSL | en trop | encore |\n\
                | | | | |\n\
                |\n\n\
                | Seul |\n|---|\n| 993 | 995 | 110 |\n";
    let engine = engine();
    for kind in [GuideKind::Markdown, GuideKind::PlainText] {
        let findings = engine.check_text(0, "ragged.md", text, kind);
        for f in &findings {
            assert!(f.span.end <= text.len() && text.is_char_boundary(f.span.start));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ragged.md"), text).unwrap();
    let out = guidelint(&["check", "ragged.md"], dir.path());
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_dangling_links_are_reported_and_the_run_goes_on() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("docs")).unwrap();
    std::fs::write(root.join("docs/bad.md"), BAD).unwrap();
    symlink("b.md", root.join("docs/a.md")).unwrap();
    symlink("a.md", root.join("docs/b.md")).unwrap();
    symlink("self.md", root.join("docs/self.md")).unwrap();
    symlink("missing.md", root.join("docs/dangling.md")).unwrap();
    symlink("..", root.join("docs/parent")).unwrap();
    let (code, findings) = json(&["docs"], root);
    assert_eq!(code, Some(1));
    for name in ["a", "b", "self"] {
        assert_eq!(
            of(&findings, &format!("docs/{name}.md")),
            ["GL000 1:1 this symbolic link never reaches a file (a loop of links)"]
        );
    }
    assert_eq!(
        of(&findings, "docs/dangling.md"),
        ["GL000 1:1 this is a symbolic link to a file that does not exist"]
    );
    assert_bad_checked(&findings, "docs/bad.md");
    // Given by name, a broken link is a finding too, not the end of the run.
    let (code, findings) = json(&["docs/self.md", "docs/bad.md"], root);
    assert_eq!(code, Some(1));
    assert_eq!(of(&findings, "docs/self.md").len(), 1);
    assert_bad_checked(&findings, "docs/bad.md");
}

/// Permission denied. Tests often run as root, where `chmod 000` does not deny
/// reads: then that part is skipped (the other unreadable kinds still run).
#[cfg(unix)]
#[test]
fn unreadable_files_are_reported_and_the_run_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("bad.md"), BAD).unwrap();
    let locked = root.join("locked.md");
    std::fs::write(&locked, BAD).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let denied = std::fs::read(&locked).is_err();
    // A FIFO given by name would block a naive reader forever.
    let fifo = Command::new("mkfifo")
        .arg(root.join("pipe.md"))
        .status()
        .is_ok_and(|s| s.success());
    let mut args = vec!["."];
    if fifo {
        args.push("pipe.md");
    }
    let (code, findings) = json(&args, root);
    assert_eq!(code, Some(1));
    if denied {
        let got = of(&findings, "locked.md");
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].starts_with("GL000 1:1 could not read this file: permission denied"),
            "{got:?}"
        );
    } else {
        eprintln!(
            "running as root: chmod 000 does not deny reads; permission denied is not tested"
        );
    }
    if fifo {
        assert_eq!(
            of(&findings, "pipe.md"),
            ["GL000 1:1 this is not a regular file (a pipe, socket or device)"]
        );
    }
    assert_bad_checked(&findings, "bad.md");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn paths_with_spaces_and_non_ascii_names() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("dossier avec espaces/été");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(sub.join("guide d'été.fr-fr.md"), BAD).unwrap();
    std::fs::write(sub.join("日本語.md"), BAD).unwrap();
    let (code, findings) = json(&["dossier avec espaces"], dir.path());
    assert_eq!(code, Some(1));
    assert_bad_checked(&findings, "dossier avec espaces/été/guide d'été.fr-fr.md");
    assert_bad_checked(&findings, "dossier avec espaces/été/日本語.md");
    let out = guidelint(
        &[
            "check",
            "dossier avec espaces/été/日本語.md",
            "--format",
            "concise",
        ],
        dir.path(),
    );
    assert!(
        stdout(&out).contains("\ndossier avec espaces/été/日本語.md:4:12: GL201"),
        "{}",
        stdout(&out)
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_name_that_is_not_utf8_is_still_checked() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    std::fs::write(dir.path().join(name), BAD).unwrap();
    let (code, findings) = json(&["."], dir.path());
    assert_eq!(code, Some(1));
    assert_bad_checked(&findings, "caf\u{fffd}.md");
}

#[test]
fn a_directory_where_a_file_is_expected() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("somedir/sub")).unwrap();
    std::fs::write(dir.path().join("somedir/sub/bad.md"), BAD).unwrap();
    let out = guidelint(&["check", "somedir", "--spec", "somedir/"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("somedir/")
            && err.contains("this is a directory; `--spec` takes a YAML or XML file"),
        "{err}"
    );
    assert_eq!(stdout(&out), "", "nothing is checked without the spec");
    // A directory given as a guide path is walked.
    let (code, findings) = json(&["somedir"], dir.path());
    assert_eq!(code, Some(1));
    assert_bad_checked(&findings, "somedir/sub/bad.md");
}

/// Everything odd at once: each file gets its own finding, the good one none,
/// the bad one its GL201, and the exit status is 1 (findings), never 2.
#[test]
fn one_bad_file_never_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("a-latin1.md"), b"caf\xe9").unwrap();
    std::fs::write(root.join("b-binary.md"), b"\0").unwrap();
    std::fs::write(root.join("c-unclosed.md"), "---\ntitle: x\n").unwrap();
    std::fs::write(root.join("d-yaml.md"), "---\n: : :\n---\n").unwrap();
    std::fs::write(root.join("e-empty.md"), "").unwrap();
    std::fs::write(
        root.join("f-good.md"),
        "## IMAP\n\n- Serveur : **ssl0.ovh.net**\n- Port : **993**\n",
    )
    .unwrap();
    std::fs::write(root.join("z-bad.md"), BAD).unwrap();
    let (code, findings) = json(&["."], root);
    assert_eq!(code, Some(1));
    for (path, code) in [
        ("a-latin1.md", "GL000"),
        ("b-binary.md", "GL000"),
        ("c-unclosed.md", "GL001"),
        ("d-yaml.md", "GL001"),
    ] {
        let got = of(&findings, path);
        assert!(
            got.len() == 1 && got[0].starts_with(code),
            "{path}: {got:?}"
        );
    }
    assert!(of(&findings, "e-empty.md").is_empty());
    assert!(of(&findings, "f-good.md").is_empty());
    assert_bad_checked(&findings, "z-bad.md");
}

/// Every input in `fuzz/regressions/` goes through the per-guide pipeline,
/// as Markdown and as plain text: no panic, and every span of every finding
/// (and every fact) lies inside the text and slices to the value.
#[test]
fn regressions_pass_through_the_pipeline() {
    use guidelint::extract::{self, Value};
    use guidelint::guide::Guide;
    let engine = engine();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            seen += 1;
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            for kind in [GuideKind::Markdown, GuideKind::PlainText] {
                for f in engine.check_text(0, "regression.md", &text, kind) {
                    for span in std::iter::once(&f.span).chain(f.related.iter().map(|r| &r.span)) {
                        assert!(span.start <= span.end && span.end <= text.len(), "{path:?}");
                        assert!(
                            text.is_char_boundary(span.start) && text.is_char_boundary(span.end)
                        );
                    }
                }
                let guide = Guide::parse(&text, kind, &engine.vocab);
                for fact in extract::extract(&guide, engine.lexicon()) {
                    let slice = &text[fact.span.clone()];
                    match fact.value {
                        Value::Port(p) => {
                            assert_eq!(slice.parse::<u16>().ok(), Some(p), "{path:?}")
                        }
                        Value::Host(h) => {
                            assert!(slice.eq_ignore_ascii_case(&h), "{path:?}: {slice:?}")
                        }
                        // Protocols and service facts point at words of any shape.
                        _ => assert!(!slice.is_empty(), "{path:?}"),
                    }
                }
            }
        }
    }
    assert!(seen >= 3, "the regression inputs are there");
}

/// A code span that wraps onto the next line maps its words to their own bytes.
#[test]
fn a_wrapped_code_span_maps_to_its_digits() {
    let text = "## Paramètres en IMAP\n\nLe port `\n995` est celui de POP3.\n";
    let findings = engine().check_text(0, "g.md", text, GuideKind::Markdown);
    for f in &findings {
        assert_eq!(&text[f.span.clone()], "995", "{f:?}");
    }
}
