//! CLI tests for the output formats, `--output`, colour and exit codes, run
//! against the built binary. The SARIF test validates the log with Microsoft's
//! SARIF validator (`@microsoft/sarif-multitool`, from npm).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const SEEDS: &str = "fixtures/seeds";
const BROKEN: &str = "fixtures/fix/broken.md";
const CLEAN: &str = "fixtures/fix/fixed.md";

fn guidelint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guidelint"))
        // No cache folder where the tests run.
        .env("GUIDELINT_NO_CACHE", "1")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("run guidelint")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

#[test]
fn exit_codes() {
    assert_eq!(guidelint(&["check", CLEAN]).status.code(), Some(0));
    assert_eq!(guidelint(&["check", SEEDS]).status.code(), Some(1));
    assert_eq!(
        guidelint(&["check", SEEDS, "--format", "nope"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        guidelint(&["check", "fixtures/no/such/path"]).status.code(),
        Some(2)
    );
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, "products: [ {").unwrap();
    assert_eq!(
        guidelint(&["check", SEEDS, "--spec", spec.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
    // Every format exits the same way.
    for format in ["pretty", "concise", "json", "sarif", "github", "junit"] {
        assert_eq!(
            guidelint(&["check", SEEDS, "--format", format])
                .status
                .code(),
            Some(1),
            "{format}"
        );
        assert_eq!(
            guidelint(&["check", CLEAN, "--format", format])
                .status
                .code(),
            Some(0),
            "{format}"
        );
    }
}

#[test]
fn concise_and_json() {
    let out = stdout(&guidelint(&[
        "check", SEEDS, "--select", "GL2", "--format", "concise",
    ]));
    let codes: Vec<&str> = out
        .lines()
        .map(|l| l.split(": ").nth(1).unwrap_or(""))
        .filter(|c| !c.starts_with("GL5"))
        .collect();
    assert_eq!(
        codes,
        [
            "GL202 [error] this section is about IMAP, but its incoming server is set to POP3",
            "GL201 [error] port 993 is IMAP over SSL; POP3 over SSL uses 995",
            "GL205 [warning] port 587 contradicts port 465 over SSL given for SMTP (outgoing) earlier in this section"
        ]
    );
    let json: Value = serde_json::from_str(&stdout(&guidelint(&[
        "check", SEEDS, "--select", "GL2", "--format", "json",
    ])))
    .unwrap();
    assert_eq!(json.as_array().map(Vec::len), Some(3));
}

fn sarif_of(args: &[&str]) -> Value {
    let mut all = vec!["check", "--format", "sarif"];
    all.extend_from_slice(args);
    serde_json::from_str(&stdout(&guidelint(&all))).expect("SARIF is JSON")
}

#[test]
fn sarif_structure() {
    let log = sarif_of(&[BROKEN]);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "guidelint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let rules = driver["rules"].as_array().unwrap();
    // Built-in rules and the shipped declarative packs.
    let catalog = guidelint::engine::Engine::new(None).unwrap().catalog();
    assert_eq!(rules.len(), catalog.len());
    assert!(rules.iter().any(|r| r["id"] == "GL501"));
    let gl201 = rules.iter().find(|r| r["id"] == "GL201").unwrap();
    assert_eq!(gl201["name"], "port-protocol-mismatch");
    assert_eq!(gl201["defaultConfiguration"]["level"], "error");
    assert!(
        gl201["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## Fix")
    );
    assert!(
        gl201["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Reports a port")
    );
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "fixtures/fix/broken.md");
    }
    // GL201 on line 10: `    - Port : **993**`, the port at columns 16..19.
    let r = results.iter().find(|r| r["ruleId"] == "GL201").unwrap();
    let region = &r["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 10);
    assert_eq!(region["startColumn"], 16);
    assert_eq!(region["endLine"], 10);
    assert_eq!(region["endColumn"], 19);
    assert_eq!(r["level"], "error");
    let fix = &r["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(fix["insertedContent"]["text"], "995");
    assert_eq!(fix["deletedRegion"]["startColumn"], 16);
    assert!(r["relatedLocations"][0]["message"]["text"].is_string());
}

#[test]
fn sarif_paths_are_relative_uris_with_forward_slashes() {
    let log = sarif_of(&["./fixtures//seeds"]);
    for r in log["runs"][0]["results"].as_array().unwrap() {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.starts_with("fixtures/"), "{uri}");
        assert!(!uri.contains('\\'));
    }
}

/// Finds Microsoft's SARIF validator: `$SARIF_MULTITOOL`, `sarif-multitool` on
/// the PATH, or an npm install into the build's temporary directory.
fn sarif_multitool() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("SARIF_MULTITOOL") {
        return Ok(PathBuf::from(p));
    }
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let candidate = dir.join("sarif-multitool");
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    let prefix = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sarif-multitool");
    let bin = prefix.join("node_modules/.bin/sarif-multitool");
    if !bin.exists() {
        let status = Command::new("npm")
            .args([
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--prefix",
            ])
            .arg(&prefix)
            .arg("@microsoft/sarif-multitool")
            .output()
            .map_err(|e| format!("npm is not available ({e})"))?;
        if !status.status.success() || !bin.exists() {
            return Err(format!(
                "`npm install @microsoft/sarif-multitool` failed: {}",
                String::from_utf8_lossy(&status.stderr)
            ));
        }
    }
    // npm may skip the package's postinstall `chmod u+x`.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let native = prefix.join("node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
        if let Ok(meta) = std::fs::metadata(&native) {
            let mut p = meta.permissions();
            p.set_mode(p.mode() | 0o100);
            let _ = std::fs::set_permissions(&native, p);
        }
    }
    Ok(bin)
}

#[test]
fn sarif_is_valid_for_the_official_validator() {
    let tool = match sarif_multitool() {
        Ok(t) => t,
        // CI installs the validator: there, its absence is a failure, not a skip.
        Err(reason) if std::env::var_os("CI").is_some() => {
            panic!("the SARIF validator is not available in CI: {reason}")
        }
        Err(reason) => {
            println!("SKIPPED: the SARIF validator is not available: {reason}");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    // Findings with fixes and related places, the seeds, a clean run, and a
    // path that needs percent-encoding.
    let odd = dir.path().join("guide with space é.md");
    std::fs::copy(BROKEN, &odd).unwrap();
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("broken", vec![BROKEN.into()]),
        ("seeds", vec![SEEDS.into()]),
        ("clean", vec![CLEAN.into()]),
        ("odd", vec![odd.to_string_lossy().into_owned()]),
    ];
    for (name, paths) in cases {
        let file = dir.path().join(format!("{name}.sarif"));
        let mut args = vec!["check", "--format", "sarif", "--output"];
        let file_arg = file.to_string_lossy().into_owned();
        args.push(&file_arg);
        args.extend(paths.iter().map(String::as_str));
        let run = guidelint(&args);
        assert!(run.status.code().is_some_and(|c| c < 2), "{name}: {run:?}");
        let out = Command::new(&tool)
            .arg("validate")
            .arg(&file)
            .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
            .output()
            .expect("run sarif-multitool");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{name}: validator failed:\n{text}");
        assert!(
            text.contains("Analysis completed successfully"),
            "{name}: validator did not finish:\n{text}"
        );
        let problems: Vec<&str> = text
            .lines()
            .filter(|l| l.contains(": error ") || l.contains(": warning "))
            .collect();
        assert!(problems.is_empty(), "{name}: SARIF problems:\n{text}");
    }
}

#[test]
fn github_annotations_escape_properties_and_data() {
    let dir = tempfile::tempdir().unwrap();
    let guide = dir.path().join("a,b:c%.md");
    std::fs::copy(BROKEN, &guide).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_guidelint"))
        // No cache folder where the tests run.
        .env("GUIDELINT_NO_CACHE", "1")
        .args(["check", "--format", "github", "a,b:c%.md"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    // Four annotations and the summary: no raw line break inside a command.
    assert_eq!(lines.len(), 5, "{text}");
    assert_eq!(
        lines[1],
        "::error file=a%2Cb%3Ac%25.md,line=10,col=16,endLine=10,endColumn=19,\
         title=GL201 port-protocol-mismatch::port 993 is IMAP over SSL; POP3 over SSL uses 995\
         %0Ahelp: use 995 for POP3 over SSL; if IMAP is meant, name IMAP instead of POP3"
    );
    assert!(lines[..4].iter().all(|l| l.starts_with("::error file=")));
    // Warnings and infos use their own commands.
    let seeds = stdout(&guidelint(&[
        "check", SEEDS, "--select", "GL2", "--format", "github",
    ]));
    assert!(seeds.lines().any(|l| l.starts_with("::warning file=")));
}

/// A small XML well-formedness check: balanced tags, quoted attributes,
/// known entities, one root element.
fn check_xml(xml: &str) -> Result<usize, String> {
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .ok_or("no XML declaration")?;
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut rest = body;
    let check_text = |t: &str| -> Result<(), String> {
        let mut s = t;
        while let Some(i) = s.find('&') {
            let end = s[i..].find(';').ok_or("unterminated entity")?;
            let ent = &s[i + 1..i + end];
            let ok = matches!(ent, "amp" | "lt" | "gt" | "quot" | "apos")
                || ent
                    .strip_prefix('#')
                    .is_some_and(|d| d.parse::<u32>().is_ok());
            if !ok {
                return Err(format!("bad entity &{ent};"));
            }
            s = &s[i + end + 1..];
        }
        if t.contains('<') || t.contains('>') {
            return Err(format!("raw markup character in {t:?}"));
        }
        Ok(())
    };
    while let Some(open) = rest.find('<') {
        check_text(&rest[..open])?;
        let close = rest[open..].find('>').ok_or("unclosed tag")? + open;
        let tag = &rest[open + 1..close];
        if let Some(name) = tag.strip_prefix('/') {
            if stack.pop().as_deref() != Some(name) {
                return Err(format!("mismatched </{name}>"));
            }
        } else {
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let name = tag
                .split_whitespace()
                .next()
                .ok_or("empty tag")?
                .to_string();
            // Attributes: name="value" pairs, values without raw `<` or `"`.
            let mut attrs = tag[name.len()..].trim();
            while !attrs.is_empty() {
                let eq = attrs
                    .find("=\"")
                    .ok_or(format!("bad attribute in <{name}>"))?;
                let end = attrs[eq + 2..].find('"').ok_or("unterminated attribute")? + eq + 2;
                check_text(&attrs[eq + 2..end])?;
                attrs = attrs[end + 1..].trim_start();
            }
            if stack.is_empty() {
                roots += 1;
            }
            if !self_closing {
                stack.push(name);
            }
        }
        rest = &rest[close + 1..];
    }
    check_text(rest.trim())?;
    if !stack.is_empty() || roots != 1 {
        return Err(format!("unbalanced: {stack:?}, {roots} roots"));
    }
    Ok(body.matches("<failure ").count())
}

#[test]
fn junit_is_well_formed() {
    let dir = tempfile::tempdir().unwrap();
    let guide = dir.path().join("<&\"'>.md");
    std::fs::copy(BROKEN, &guide).unwrap();
    std::fs::copy(CLEAN, dir.path().join("clean.md")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_guidelint"))
        // No cache folder where the tests run.
        .env("GUIDELINT_NO_CACHE", "1")
        .args(["check", "--format", "junit", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let xml = stdout(&out);
    assert_eq!(check_xml(&xml), Ok(4), "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 2);
    assert!(
        xml.contains("name=\"&lt;&amp;&quot;&apos;&gt;.md\""),
        "{xml}"
    );
    assert!(xml.contains("<testsuite name=\"guidelint\" tests=\"2\" failures=\"1\""));
    assert!(
        xml.contains("<testcase name=\"clean.md\" classname=\"guidelint\" file=\"clean.md\"/>")
    );
    // The seeds: five files, one failing.
    let seeds = stdout(&guidelint(&[
        "check", SEEDS, "--select", "GL2", "--format", "junit",
    ]));
    assert_eq!(check_xml(&seeds), Ok(3));
    assert_eq!(seeds.matches("<testcase ").count(), 5);
}

#[test]
fn output_writes_the_report_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let out = guidelint(&[
        "check",
        SEEDS,
        "--format",
        "json",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        written,
        stdout(&guidelint(&["check", SEEDS, "--format", "json"]))
    );
    // Replacing an existing report leaves no temporary file behind.
    let again = guidelint(&[
        "check",
        CLEAN,
        "--format",
        "json",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "[]\n");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    // A directory that does not exist is guidelint's failure.
    let bad = dir.path().join("no/such/dir/report.json");
    let out = guidelint(&["check", SEEDS, "--output", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    // Colour is off in a file unless forced.
    let pretty = dir.path().join("report.txt");
    guidelint(&["check", SEEDS, "-o", pretty.to_str().unwrap()]);
    assert!(!std::fs::read_to_string(&pretty).unwrap().contains('\u{1b}'));
}

fn pretty_with(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_guidelint"));
    // No cache folder where the tests run.
    cmd.env("GUIDELINT_NO_CACHE", "1");
    cmd.args(["check", SEEDS])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    stdout(&cmd.output().unwrap())
}

#[test]
fn colour_follows_flags_and_environment() {
    let has_colour = |s: &str| s.contains("\u{1b}[");
    // Not a terminal: no colour by default.
    assert!(!has_colour(&pretty_with(&[], &[])));
    assert!(has_colour(&pretty_with(&["--color", "always"], &[])));
    assert!(has_colour(&pretty_with(&[], &[("CLICOLOR_FORCE", "1")])));
    assert!(!has_colour(&pretty_with(&[], &[("CLICOLOR_FORCE", "0")])));
    assert!(!has_colour(&pretty_with(
        &[],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    )));
    assert!(!has_colour(&pretty_with(
        &["--color", "never"],
        &[("CLICOLOR_FORCE", "1")]
    )));
    assert!(has_colour(&pretty_with(
        &["--color", "always"],
        &[("NO_COLOR", "1")]
    )));
}

/// Every place a pretty report names (`path:line:column`) is the place the
/// JSON report gives: lines counted in the whole guide, however far into a
/// long one; columns in characters, after accents, a byte-order mark and
/// `\r\n` line ends.
#[test]
fn pretty_report_places_are_the_json_places() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(
        "\u{feff}---\ntitle: Long\nslug: long\n---\n# Réception\n\nUn retour\rseul.\n\n",
    );
    for i in 0..400 {
        text.push_str(&format!(
            "Sécurité à la réception, ligne {i} : le serveur POP3 utilise le port 993.\r\n\r\n"
        ));
    }
    let guide = dir.path().join("guide.fr-fr.md");
    std::fs::write(&guide, &text).unwrap();
    for target in [guide.to_str().unwrap(), SEEDS] {
        let pretty = stdout(&guidelint(&["check", target, "--color", "never"]));
        let headers: std::collections::HashSet<&str> = pretty
            .lines()
            .filter_map(|l| {
                l.split_once("─[")
                    .map(|(_, place)| place.trim_end_matches(']'))
            })
            .collect();
        let json: Value =
            serde_json::from_str(&stdout(&guidelint(&["check", target, "--format", "json"])))
                .unwrap();
        let findings = json.as_array().unwrap();
        assert!(findings.len() >= if target == SEEDS { 50 } else { 400 });
        for f in findings {
            let place = format!(
                "{}:{}:{}",
                f["path"].as_str().unwrap(),
                f["line"],
                f["column"]
            );
            assert!(
                headers.contains(place.as_str()),
                "{place} is not a pretty header"
            );
        }
    }
}
