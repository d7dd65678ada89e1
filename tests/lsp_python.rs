//! The end-to-end tests of `guidelint server` written with pytest-lsp
//! (`tests/lsp/`, Python): a real LSP client (pygls) with the capabilities of
//! VS Code and Neovim drives the built binary. `cargo test` runs them when
//! pytest-lsp is installed (`python3 -m pip install pytest-lsp pytest
//! pytest-asyncio`) and says it skipped them otherwise; in CI (`CI` set) a
//! missing pytest-lsp is a failure.

use std::path::Path;
use std::process::Command;

#[test]
fn pytest_lsp_end_to_end() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let ready = Command::new(&python)
        .args(["-c", "import pytest, pytest_lsp, pytest_asyncio"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ready {
        let install = "python3 -m pip install pytest-lsp pytest pytest-asyncio";
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false");
        assert!(
            !ci,
            "pytest-lsp is not installed; CI must run these tests: {install}"
        );
        eprintln!("skipped: the pytest-lsp end-to-end tests need `{install}`");
        return;
    }
    let output = Command::new(&python)
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/lsp"])
        .current_dir(manifest)
        .env("GUIDELINT_BIN", env!("CARGO_BIN_EXE_guidelint"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "pytest-lsp tests failed:\n{stdout}\n{stderr}"
    );
    // The summary line, for the log.
    eprintln!("{}", stdout.lines().last().unwrap_or(""));
}
