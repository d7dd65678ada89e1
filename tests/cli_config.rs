//! The configuration, selection, suppressions and changed-files mode, through
//! the built binary.

use std::path::Path;
use std::process::Command;

mod common;

use common::git;

const BIN: &str = env!("CARGO_BIN_EXE_guidelint");

/// A guide with GL202 (line 11) and GL201 (line 13): POP3 on 993 in an IMAP section.
fn bad() -> String {
    fixture("bad.md")
}

/// The bad guide with its own slug.
fn bad_as(slug: &str) -> String {
    bad().replace("mx-plan-thunderbird", slug)
}

/// [`bad_as`], edited: one more line.
fn bad_edited(slug: &str) -> String {
    format!("{}\nEncore.\n", bad_as(slug))
}

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/pre_commit")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn write(dir: &Path, name: &str, content: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, content).unwrap();
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn codes(&self) -> Vec<String> {
        self.stdout
            .lines()
            .filter_map(|l| l.split(": ").nth(1))
            .filter_map(|rest| rest.split(' ').next())
            .map(str::to_string)
            .collect()
    }
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(BIN)
        .args(["check", "--format", "concise"])
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn the_configuration_is_found_by_walking_up() {
    let dir = tmp();
    write(dir.path(), ".guidelint.yml", "ignore: [GL201]\n");
    write(dir.path(), "guides/a/bad.md", &bad());
    let sub = dir.path().join("guides/a");
    let r = run(&sub, &[]);
    assert_eq!(r.codes(), ["GL202"], "{}", r.stdout);
    let r = run(&sub, &["--no-config"]);
    assert_eq!(r.codes(), ["GL202", "GL201"], "{}", r.stdout);
    assert_eq!(r.code, 1);
}

#[test]
fn an_explicit_configuration_wins_over_discovery() {
    let dir = tmp();
    write(dir.path(), ".guidelint.yaml", "ignore: [GL201]\n");
    write(dir.path(), "other.yaml", "ignore: [GL202]\n");
    write(dir.path(), "bad.md", &bad());
    let r = run(dir.path(), &["--config", "other.yaml"]);
    assert_eq!(r.codes(), ["GL201"], "{}", r.stdout);
}

#[test]
fn configuration_errors_point_into_the_file_and_exit_2() {
    let dir = tmp();
    write(dir.path(), "bad.md", &bad());
    let cases = [
        ("select: [GL2]\nbogus: 1\n", "bogus", "2 │ bogus: 1"),
        (
            "ignore: [GL201, nonsense-rule]\n",
            "nonsense-rule",
            "ignore: [GL201",
        ),
        ("severity: {GL201: fatal}\n", "fatal", "severity"),
        ("select: [GL4]\n", "GL4", "select"),
        ("exclude: ['[x']\n", "glob", "exclude"),
        ("spec: missing.yaml\n", "missing.yaml", "spec: missing.yaml"),
        ("overrides:\n  - ignore: [GL2]\n", "paths", "overrides"),
    ];
    for (config, message, snippet) in cases {
        write(dir.path(), "c.yaml", config);
        let r = run(dir.path(), &["--config", "c.yaml"]);
        assert_eq!(r.code, 2, "{config}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains(message), "{config}: {}", r.stderr);
        assert!(r.stderr.contains(snippet), "{config}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{config}: {}", r.stdout);
    }
    let r = run(dir.path(), &["--config", "no-such.yaml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no-such.yaml"), "{}", r.stderr);
    let r = run(dir.path(), &["--select", "GL9x"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--select"), "{}", r.stderr);
}

#[test]
fn select_ignore_and_severity() {
    let dir = tmp();
    write(dir.path(), "bad.md", &bad());
    let r = run(dir.path(), &["--select", "GL201"]);
    assert_eq!(r.codes(), ["GL201"]);
    let r = run(dir.path(), &["--ignore", "port-protocol-mismatch,GL202"]);
    assert_eq!((r.code, r.codes().len()), (0, 0), "{}", r.stdout);
    let r = run(dir.path(), &["--select", "GL2", "--ignore", "GL202"]);
    assert_eq!(r.codes(), ["GL201"]);

    write(
        dir.path(),
        ".guidelint.yaml",
        "select: [GL2]\nignore: [GL202]\nseverity:\n  port-protocol-mismatch: warning\n",
    );
    let r = run(dir.path(), &[]);
    assert_eq!(r.code, 0, "a warning does not fail the run");
    assert!(r.stdout.contains("GL201 [warning]"), "{}", r.stdout);
    // `--select` replaces the configuration's `select`; `--ignore` adds to its `ignore`.
    let r = run(dir.path(), &["--select", "GL202"]);
    assert_eq!(r.codes(), Vec::<String>::new(), "{}", r.stdout);
}

#[test]
fn overrides_apply_per_path() {
    let dir = tmp();
    write(
        dir.path(),
        ".guidelint.yaml",
        "overrides:\n  - paths: ['legacy/**']\n    ignore: [GL2]\n  - paths: ['*.fr-fr.md']\n    severity: {GL202: info}\n",
    );
    write(dir.path(), "legacy/old/bad.md", &bad());
    write(dir.path(), "new/guide.fr-fr.md", &bad());
    let r = run(dir.path(), &["."]);
    assert!(!r.stdout.contains("legacy"), "{}", r.stdout);
    assert!(
        r.stdout.contains("new/guide.fr-fr.md:11:27: GL202 [info]"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("GL201 [error]"), "{}", r.stdout);
}

#[test]
fn include_and_exclude_filter_the_discovered_guides() {
    let dir = tmp();
    write(dir.path(), "guides/bad.md", &bad());
    write(dir.path(), "drafts/bad.md", &bad());
    write(dir.path(), "other/bad.md", &bad());
    write(
        dir.path(),
        ".guidelint.yaml",
        "include: ['guides/**', 'drafts']\nexclude: [drafts]\n",
    );
    let r = run(dir.path(), &[]);
    assert!(r.stdout.contains("guides/bad.md"), "{}", r.stdout);
    assert!(!r.stdout.contains("drafts/"), "{}", r.stdout);
    assert!(!r.stdout.contains("other/"), "{}", r.stdout);
}

#[test]
fn the_spec_comes_from_the_configuration_relative_to_it() {
    let dir = tmp();
    let spec =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/spec.yaml"))
            .unwrap()
            .replace("ssl0.ovh.net", "mail.example.net");
    write(dir.path(), "conf/my-spec.yaml", &spec);
    write(
        dir.path(),
        "conf/guidelint.yaml",
        "spec: my-spec.yaml\nselect: [GL203]\n",
    );
    write(
        dir.path(),
        "imap.md",
        "---\ntitle: MX Plan IMAP\n---\n\n## IMAP\n\n- Serveur entrant : **ssl0.ovh.net**\n- Port : **993**\n",
    );
    let r = run(dir.path(), &["--config", "conf/guidelint.yaml"]);
    assert!(r.stdout.contains("GL203"), "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("imap.md:7:23: GL203"), "{}", r.stdout);
    // `--spec` overrides the configuration's spec.
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/spec.yaml");
    let r = run(
        dir.path(),
        &[
            "--config",
            "conf/guidelint.yaml",
            "--spec",
            shipped.to_str().unwrap(),
        ],
    );
    assert_eq!(r.codes(), Vec::<String>::new(), "{}", r.stdout);
}

#[test]
fn corpus_settings_are_accepted() {
    let dir = tmp();
    write(dir.path(), "bad.md", &bad());
    write(
        dir.path(),
        ".guidelint.yaml",
        "corpus:\n  slug_scope: global\n  url_pattern: 'https://docs.example.com/{lang}/{slug}/'\n  complete: true\n  heading_ids: github\n",
    );
    let r = run(dir.path(), &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
}

fn suppressed(guide: &str) -> Run {
    let dir = tmp();
    write(dir.path(), "g.md", guide);
    run(dir.path(), &["--no-config"])
}

#[test]
fn suppressions_silence_findings() {
    let next_line = bad().replace(
        "    - Port : **993**",
        "    <!-- guidelint-disable-next-line GL201 -->\n    - Port : **993**",
    );
    let r = suppressed(&next_line);
    assert_eq!(r.codes(), ["GL202"], "{}", r.stdout);

    let region = bad().replace(
        "- Serveur entrant :",
        "<!-- guidelint-disable port-protocol-mismatch, GL202 -->\n\n- Serveur entrant :",
    ) + "\n<!-- guidelint-enable -->\n";
    let r = suppressed(&region);
    assert_eq!((r.code, r.codes().len()), (0, 0), "{}", r.stdout);

    let file = format!("{}\n<!-- guidelint-disable-file -->\n", bad());
    let r = suppressed(&file);
    assert_eq!((r.code, r.codes().len()), (0, 0), "{}", r.stdout);
}

#[test]
fn unused_suppressions_are_reported() {
    let good = fixture("good.md");
    let guide = good.replace(
        "    - Port : **993**",
        "    <!-- guidelint-disable-next-line GL201, no-such-rule -->\n    - Port : **993**",
    );
    let r = suppressed(&guide);
    assert_eq!(r.code, 0, "infos do not fail the run");
    assert_eq!(r.codes(), ["GL901", "GL901"], "{}", r.stdout);
    assert!(r.stdout.contains("[info]"), "{}", r.stdout);
    assert!(
        r.stdout.contains("`no-such-rule` is not a rule"),
        "{}",
        r.stdout
    );
    // The rule can be turned off like any other.
    let dir = tmp();
    write(dir.path(), "g.md", &guide);
    let r = run(dir.path(), &["--ignore", "unused-suppression"]);
    assert_eq!(r.codes().len(), 0, "{}", r.stdout);
}

#[test]
fn a_directive_in_a_code_block_is_text() {
    let guide = format!(
        "{}\n```markdown\n<!-- guidelint-disable-file -->\n```\n",
        bad()
    );
    let r = suppressed(&guide);
    assert_eq!(r.codes(), ["GL202", "GL201"], "{}", r.stdout);
}

#[test]
fn changed_files_mode_reports_only_changed_guides() {
    let dir = tmp();
    let root = dir.path();
    // Each copy gets its own slug: duplicates are not what this test is about.
    write(root, "guides/a.md", &bad_as("a"));
    write(root, "guides/b.md", &bad_as("b"));
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "init"]);

    let r = run(root, &["--changed-since", "HEAD", "guides"]);
    assert_eq!(
        (r.code, r.codes().len()),
        (0, 0),
        "{}{}",
        r.stdout,
        r.stderr
    );

    write(root, "guides/b.md", &bad_edited("b"));
    write(root, "guides/new.md", &bad_as("new"));
    // A new guide git ignores is not a changed guide.
    write(root, "guides/scratch/ignored.md", &bad_as("ignored"));
    write(root, ".git/info/exclude", "scratch/\n");
    let r = run(root, &["--changed-since", "HEAD", "guides"]);
    assert_eq!(r.code, 1);
    assert!(!r.stdout.contains("guides/a.md"), "{}", r.stdout);
    assert!(!r.stdout.contains("ignored.md"), "{}", r.stdout);
    assert!(r.stdout.contains("guides/b.md"), "{}", r.stdout);
    assert!(
        r.stdout.contains("guides/new.md"),
        "untracked guides are changed: {}",
        r.stdout
    );

    let r = run(root, &["--staged", "guides"]);
    assert_eq!(r.codes().len(), 0, "nothing staged: {}", r.stdout);
    git(root, &["add", "guides/b.md"]);
    let r = run(root, &["--staged", "."]);
    assert!(r.stdout.contains("guides/b.md"), "{}", r.stdout);
    assert!(!r.stdout.contains("guides/new.md"), "{}", r.stdout);

    // Run from a sub-folder: git's paths are resolved from the repository root.
    let r = run(&root.join("guides"), &["--staged", "."]);
    assert!(r.stdout.contains("b.md"), "{}", r.stdout);
}

/// A guide is changed when its working-tree content differs from the
/// revision's, whatever the index holds: guidelint reads git's index itself
/// and must agree with `git diff REV`.
#[test]
fn changed_means_different_from_the_revision_in_the_working_tree() {
    let dir = tmp();
    let root = dir.path();
    for name in ["kept", "reverted", "staged", "committed"] {
        write(root, &format!("{name}.md"), &bad_as(name));
    }
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "one"]);
    // Changed and committed: changed since the first commit, not since HEAD.
    write(root, "committed.md", &bad_edited("committed"));
    git(root, &["commit", "-q", "-am", "two"]);
    // Staged, then put back as it was in the working tree.
    write(root, "reverted.md", &bad_edited("reverted"));
    git(root, &["add", "reverted.md"]);
    write(root, "reverted.md", &bad_as("reverted"));
    // Changed and staged.
    write(root, "staged.md", &bad_edited("staged"));
    git(root, &["add", "staged.md"]);
    for cache in [&[][..], &["--no-cache"][..]] {
        let reported = |rev: &str| {
            let mut args = vec!["--changed-since", rev, "."];
            args.extend(cache);
            let r = run(root, &args);
            let mut names: Vec<String> = ["kept", "reverted", "staged", "committed"]
                .iter()
                .filter(|n| r.stdout.contains(&format!("{n}.md")))
                .map(|n| n.to_string())
                .collect();
            names.sort();
            names
        };
        assert_eq!(reported("HEAD"), ["staged"], "{cache:?}");
        assert_eq!(reported("HEAD~1"), ["committed", "staged"], "{cache:?}");
    }
}

/// git is asked about the files with a guide name; a guide that changes
/// under another name (a link's target, a file named on the command line)
/// is still a changed guide.
#[test]
fn guides_changed_under_another_name_are_changed() {
    let dir = tmp();
    let root = dir.path();
    write(root, "guides/UPPER.MD", &bad_as("upper"));
    write(root, "guides/same.md", &bad_as("same"));
    write(root, "notes.rst", &bad_as("notes"));
    write(root, "content/page", &bad_as("linked"));
    #[cfg(unix)]
    std::os::unix::fs::symlink("../content/page", root.join("guides/linked.md")).unwrap();
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "init"]);
    let args = ["--changed-since", "HEAD", "guides", "notes.rst"];
    let r = run(root, &args);
    assert_eq!(r.codes().len(), 0, "nothing changed: {}", r.stdout);

    write(root, "guides/UPPER.MD", &bad_edited("upper"));
    let r = run(root, &args);
    assert!(r.stdout.contains("UPPER.MD"), "{}", r.stdout);
    assert!(!r.stdout.contains("same.md"), "{}", r.stdout);
    assert!(!r.stdout.contains("notes.rst"), "{}", r.stdout);

    write(root, "notes.rst", &bad_edited("notes"));
    let r = run(root, &args);
    assert!(r.stdout.contains("notes.rst"), "{}", r.stdout);
    assert!(!r.stdout.contains("same.md"), "{}", r.stdout);

    #[cfg(unix)]
    {
        // A folder reached through a link: its guides are tracked where they are.
        std::os::unix::fs::symlink("guides", root.join("shortcut")).unwrap();
        git(root, &["add", "shortcut"]);
        let r = run(root, &["--changed-since", "HEAD", "shortcut"]);
        assert!(r.stdout.contains("UPPER.MD"), "{}", r.stdout);
        assert!(!r.stdout.contains("same.md"), "{}", r.stdout);

        write(root, "content/page", &bad_edited("linked"));
        let r = run(root, &["--changed-since", "HEAD", "guides"]);
        assert!(r.stdout.contains("linked.md"), "{}", r.stdout);
        assert!(!r.stdout.contains("same.md"), "{}", r.stdout);
    }
}

#[test]
fn guides_outside_the_repository_are_indexed_but_never_changed() {
    let dir = tmp();
    let repo = dir.path().join("repo");
    write(&repo, "a.md", &bad().replace("mx-plan-thunderbird", "a"));
    write(
        dir.path(),
        "elsewhere/b.md",
        &bad().replace("mx-plan-thunderbird", "b"),
    );
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "init"]);
    write(&repo, "a.md", &bad_edited("a"));
    let r = run(&repo, &["--changed-since", "HEAD", ".", "../elsewhere"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("a.md"), "{}", r.stdout);
    assert!(!r.stdout.contains("b.md"), "{}", r.stdout);
}

#[test]
fn changed_files_mode_fails_clearly_without_git_answers() {
    let dir = tmp();
    write(dir.path(), "bad.md", &bad());
    let r = run(dir.path(), &["--staged"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("git rev-parse"), "{}", r.stderr);
    git(dir.path(), &["init", "-q"]);
    let r = run(dir.path(), &["--changed-since", "no-such-rev"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("no-such-rev"), "{}", r.stderr);
    let r = run(dir.path(), &["--changed-since", "HEAD", "--staged"]);
    assert_eq!(r.code, 2);
}

/// The README's `.guidelint.yaml` example is a valid configuration.
#[test]
fn the_readme_example_configuration_is_valid() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("## Configuration and workflows")
        .nth(1)
        .expect("the README has the section");
    let example = section
        .split("```yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the section has a YAML example");
    let dir = tmp();
    let spec =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/spec.yaml"))
            .unwrap();
    write(dir.path(), "specs/mx-plan.yaml", &spec);
    write(dir.path(), ".guidelint.yaml", example);
    write(
        dir.path(),
        "pages/web/emails/windows/guide.fr-fr.md",
        &bad(),
    );
    write(dir.path(), "drafts/guide.fr-fr.md", &bad());
    let r = run(dir.path(), &[]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.codes(), ["GL202", "GL201"], "{}", r.stdout);
    assert!(!r.stdout.contains("drafts"), "{}", r.stdout);
}
