//! The pre-commit hook, run by the real `pre-commit` tool (PyPI package
//! `pre-commit`) in a temporary git repository.
//!
//! The hook under test is a `repo: local` hook with `language: system` that
//! runs the built binary with the same `entry`, `files` and `require_serial` as
//! the repository's `.pre-commit-hooks.yaml`: installing the `language: rust`
//! hook from this repository would make pre-commit build guidelint from
//! scratch with `cargo install` (minutes, and crates from the network) in
//! every test run. The manifest itself is checked with `pre-commit
//! validate-manifest`.
//!
//! Each test skips, saying why, only when `pre-commit` is not on PATH.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_guidelint");

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/pre_commit")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn have_pre_commit() -> bool {
    match Command::new("pre-commit").arg("--version").output() {
        Ok(o) if o.status.success() => true,
        // .ci/run installs pre-commit: in CI its absence is a failure, not a skip.
        _ if std::env::var_os("CI").is_some() => panic!("`pre-commit` is not on PATH in CI"),
        _ => {
            println!("SKIPPED: `pre-commit` is not on PATH (pip install pre-commit)");
            false
        }
    }
}

/// A temporary git repository with a pre-commit hook installed.
struct Repo {
    dir: tempfile::TempDir,
    home: PathBuf,
}

impl Repo {
    fn new(hook: &str) -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join(".pre-commit-home");
        let repo = Repo { dir, home };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.name", "Test Writer"]);
        repo.git(&["config", "user.email", "writer@example.com"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo.write(".gitignore", ".pre-commit-home/\n");
        repo.write(".pre-commit-config.yaml", hook);
        let out = repo.run("pre-commit", &["install"]);
        assert!(out.status.success(), "pre-commit install: {}", text(&out));
        repo.git(&["add", ".gitignore", ".pre-commit-config.yaml"]);
        let out = repo.commit("setup", &["--no-verify"]);
        assert!(out.status.success(), "{}", text(&out));
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, name: &str, content: &str) {
        let path = self.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, content).unwrap();
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        Command::new(program)
            .args(args)
            .current_dir(self.path())
            .env("PRE_COMMIT_HOME", &self.home)
            .env("NO_COLOR", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"))
    }

    fn git(&self, args: &[&str]) -> Output {
        let out = self.run("git", args);
        assert!(out.status.success(), "git {args:?}: {}", text(&out));
        out
    }

    fn commit(&self, message: &str, extra: &[&str]) -> Output {
        let mut args = vec!["commit", "-q", "-m", message];
        args.extend_from_slice(extra);
        self.run("git", &args)
    }

    fn commits(&self) -> usize {
        let out = self.git(&["rev-list", "--count", "HEAD"]);
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The local equivalent of the manifest's hook, pointing at the built binary.
fn local_hook(extra: &str) -> String {
    format!(
        "repos:\n  - repo: local\n    hooks:\n      - id: guidelint\n        name: guidelint\n        \
         entry: '{BIN} check'\n        language: system\n        files: '\\.(md|txt)$'\n        \
         require_serial: true\n{extra}"
    )
}

#[test]
fn the_manifest_is_valid() {
    if !have_pre_commit() {
        return;
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    let out = Command::new("pre-commit")
        .arg("validate-manifest")
        .arg(&manifest)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let manifest = std::fs::read_to_string(&manifest).unwrap();
    for line in [
        "- id: guidelint",
        "entry: guidelint check",
        "language: rust",
        r"files: \.(md|txt)$",
    ] {
        assert!(manifest.contains(line), "the manifest lacks `{line}`");
    }
}

#[test]
fn a_bad_guide_blocks_the_commit_until_it_is_fixed() {
    if !have_pre_commit() {
        return;
    }
    let repo = Repo::new(&local_hook(""));
    repo.write("guides/outlook/guide.fr-fr.md", &fixture("good.md"));
    repo.write("guides/thunderbird/guide.fr-fr.md", &fixture("bad.md"));
    repo.git(&["add", "guides"]);
    let out = repo.commit("add guides", &[]);
    let shown = text(&out);
    assert!(
        !out.status.success(),
        "the commit was not blocked:\n{shown}"
    );
    assert!(shown.contains("GL201"), "{shown}");
    assert!(
        shown.contains("guides/thunderbird/guide.fr-fr.md"),
        "{shown}"
    );
    assert!(!shown.contains("guides/outlook"), "{shown}");
    assert_eq!(repo.commits(), 1);

    repo.write("guides/thunderbird/guide.fr-fr.md", &fixture("fixed.md"));
    repo.git(&["add", "guides"]);
    let out = repo.commit("add guides", &[]);
    assert!(
        out.status.success(),
        "the fixed commit was blocked:\n{}",
        text(&out)
    );
    assert_eq!(repo.commits(), 2);
}

#[test]
fn the_staged_mode_hook_reports_only_staged_guides() {
    if !have_pre_commit() {
        return;
    }
    let repo = Repo::new(&local_hook(
        "        pass_filenames: false\n        args: [--staged, .]\n",
    ));
    // A bad guide already in the history (committed without the hook) …
    repo.write("guides/thunderbird/guide.fr-fr.md", &fixture("bad.md"));
    repo.git(&["add", "guides"]);
    let out = repo.commit("legacy", &["--no-verify"]);
    assert!(out.status.success(), "{}", text(&out));
    // … does not block a commit of another, correct guide.
    repo.write("guides/outlook/guide.fr-fr.md", &fixture("good.md"));
    repo.git(&["add", "guides"]);
    let out = repo.commit("add outlook", &[]);
    assert!(
        out.status.success(),
        "blocked by an unchanged guide:\n{}",
        text(&out)
    );
    // Touching the bad guide makes it staged, so it is reported.
    let touched = format!("{}\nUne ligne de plus.\n", fixture("bad.md"));
    repo.write("guides/thunderbird/guide.fr-fr.md", &touched);
    repo.git(&["add", "guides"]);
    let out = repo.commit("edit thunderbird", &[]);
    assert!(!out.status.success(), "not blocked:\n{}", text(&out));
    assert!(text(&out).contains("GL202"), "{}", text(&out));
}
