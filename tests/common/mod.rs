//! Helpers shared by the tests that run the built binary.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// A guide with a known mistake: GL202 at 3:70 and GL201 at 4:12 (993 under a POP3 statement).
pub const BAD: &str = "## Paramètres en IMAP\n\n- Mon serveur de messagerie pour courrier entrant est un serveur : **POP3**\n- Port : **993**\n";

/// The same section, right.
pub const GOOD: &str =
    "## Paramètres en IMAP\n\n- Serveur entrant : **ssl0.ovh.net**\n- Port : **993**\n";

/// Runs `guidelint args` in `dir`, without colour.
pub fn guidelint(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guidelint"))
        // No cache folder where the tests run.
        .env("GUIDELINT_NO_CACHE", "1")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// Standard output, lossily decoded.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error, lossily decoded.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `git args` in `dir` as a test user, outside any enclosing repository's
/// environment; panics with git's message when it fails.
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=W", "-c", "user.email=w@example.com"])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
