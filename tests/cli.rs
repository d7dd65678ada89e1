//! Command-line tests against the built binary: exit codes, formats, paths, spec errors.

mod common;

use std::path::Path;

use common::{BAD, GOOD, guidelint, stderr, stdout};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn seeds_exit_one_with_json_findings() {
    let out = guidelint(&["check", "fixtures/seeds", "--format", "json"], root());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    let findings = json.as_array().expect("an array");
    assert!(!findings.is_empty());
    for f in findings {
        for key in [
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "code",
            "severity",
            "message",
            "related",
        ] {
            assert!(f.get(key).is_some(), "missing {key} in {f}");
        }
        assert!(
            f["path"].as_str().unwrap().starts_with("fixtures/seeds/"),
            "paths stay relative as given"
        );
        assert!(["error", "warning", "info"].contains(&f["severity"].as_str().unwrap()));
    }
    let gl201 = findings.iter().find(|f| f["code"] == "GL201").unwrap();
    assert_eq!(
        (gl201["line"].as_u64(), gl201["column"].as_u64()),
        (Some(39), Some(16))
    );
    assert_eq!(
        (gl201["end_line"].as_u64(), gl201["end_column"].as_u64()),
        (Some(39), Some(19))
    );
    assert_eq!(gl201["related"][0]["line"].as_u64(), Some(37));
}

#[test]
fn bare_guidelint_checks_the_current_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("guides")).unwrap();
    std::fs::write(dir.path().join("guides/bad.md"), BAD).unwrap();
    let out = guidelint(&[], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("GL201"), "{text}");
    assert!(text.contains("guides/bad.md"), "{text}");
    assert!(
        text.contains("2 errors, 0 warnings in 1 file (1 file checked)."),
        "{text}"
    );
}

#[test]
fn clean_guides_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.md"), GOOD).unwrap();
    let out = guidelint(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("No problems found (1 file checked)."));
}

#[test]
fn warnings_alone_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    let text = "## Serveur sortant\n\n- Serveur sortant : **ssl0.ovh.net**\n- Port : **465**\n\nVous devez utiliser le port 587 en SMTP.\n";
    std::fs::write(dir.path().join("w.md"), text).unwrap();
    let out = guidelint(&["check", "w.md", "--format", "concise"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("GL205 [warning]"), "{}", stdout(&out));
}

#[test]
fn glob_patterns_select_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    std::fs::write(dir.path().join("a/b/guide.fr-fr.md"), BAD).unwrap();
    std::fs::write(dir.path().join("a/other.md"), BAD).unwrap();
    let out = guidelint(
        &["check", "a/**/guide.*.md", "--format", "concise"],
        dir.path(),
    );
    let text = stdout(&out);
    assert!(text.contains("a/b/guide.fr-fr.md"), "{text}");
    assert!(!text.contains("other.md"), "{text}");
}

#[test]
fn missing_path_exits_two() {
    let out = guidelint(&["check", "no/such/dir"], root());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no/such/dir: no such file or directory"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_arguments_exit_two() {
    let out = guidelint(&["check", "--format", "xml"], root());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn broken_spec_exits_two_and_points_into_the_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let spec = "products:\n  - id: x\n    name: X\n    protocols:\n      imap:\n        ports: [{port: 993, security: sometimes}]\n";
    std::fs::write(dir.path().join("spec.yaml"), spec).unwrap();
    std::fs::write(dir.path().join("g.md"), GOOD).unwrap();
    let out = guidelint(&["check", "g.md", "--spec", "spec.yaml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("spec.yaml"), "{err}");
    assert!(err.contains("unknown variant `sometimes`"), "{err}");
    assert!(
        err.contains("6 │"),
        "the snippet shows the YAML line: {err}"
    );
}

#[test]
fn unreadable_spec_exits_two() {
    let out = guidelint(
        &["check", "fixtures/seeds", "--spec", "no-such-spec.yaml"],
        root(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read the spec"));
}

#[test]
fn a_custom_spec_changes_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let spec = guidelint::data::SPEC_YAML.replace("[ssl0.ovh.net]", "[mail.example.net]");
    std::fs::write(dir.path().join("spec.yaml"), spec).unwrap();
    std::fs::write(dir.path().join("g.md"), GOOD).unwrap();
    let with_default = guidelint(&["check", "g.md"], dir.path());
    assert_eq!(with_default.status.code(), Some(0));
    let with_custom = guidelint(
        &[
            "check",
            "g.md",
            "--spec",
            "spec.yaml",
            "--format",
            "concise",
        ],
        dir.path(),
    );
    assert_eq!(with_custom.status.code(), Some(1));
    assert!(
        stdout(&with_custom).contains("GL203"),
        "{}",
        stdout(&with_custom)
    );
}

#[test]
fn rules_listing_and_rule_docs() {
    let out = guidelint(&["rules"], root());
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for code in [
        "GL000", "GL001", "GL201", "GL202", "GL203", "GL204", "GL205",
    ] {
        assert!(text.contains(code), "{code} missing from\n{text}");
    }
    let doc = guidelint(&["rule", "port-protocol-mismatch"], root());
    assert_eq!(doc.status.code(), Some(0));
    assert!(stdout(&doc).contains("## Example"));
    assert!(stdout(&doc).contains("Code: GL201"));
    let unknown = guidelint(&["rule", "GL999"], root());
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn unreadable_guides_are_reported_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("latin1.md"), b"Port : 993 caf\xe9\n").unwrap();
    std::fs::write(dir.path().join("bin.md"), b"\x00\x01\x02").unwrap();
    std::fs::write(dir.path().join("bad.md"), BAD).unwrap();
    let out = guidelint(&["check", ".", "--format", "concise"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("latin1.md:1:15: GL000"), "{text}");
    assert!(text.contains("not valid UTF-8 (byte 14)"), "{text}");
    assert!(text.contains("bin.md:1:1: GL000"), "{text}");
    assert!(text.contains("bad.md:4:12: GL201"), "{text}");
}

#[test]
fn the_readme_lists_every_rule() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let out = guidelint(&["rules"], root());
    for line in stdout(&out).lines() {
        let code = line.split_whitespace().next().unwrap();
        assert!(
            readme.contains(&format!("| {code} |")),
            "README.md's rules table lacks {code}"
        );
    }
}
