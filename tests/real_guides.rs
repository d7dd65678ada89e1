//! The real repository: `guidelint check` over real guides of OVHcloud's public
//! docs repository (`ovh/docs`), compared with a reviewed snapshot.
//!
//! The guides are not ours (CC BY-NC-SA 4.0) and are not in this repository:
//! the test reads them where the workplace keeps them, `../shared/real-guides/`
//! next to the checkout (or the folder `GUIDELINT_REAL_GUIDES` names), and says
//! it skipped when they are not there.
//!
//! Two things are checked:
//! - the findings (rule, path, line, column, message) equal the snapshot
//!   `snapshots/real_guides__real_guides.snap`, so any change of what guidelint
//!   says on real text shows up in review;
//! - every finding of the snapshot has a verdict in `real_guides.review`
//!   (`right` or `wrong`, read by hand), and no error is `wrong`: an error on
//!   the real repository is a mistake a writer would want to fix.
//!
//! GL105 (missing file) is left out: the folder holds empty files only for the
//! images a repository listing showed, and that listing misses two images in
//! three, so a missing image there is a gap of the listing, not of the guide.
//! Info findings (links to guides outside the run) are left out too.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::{guidelint, stdout};

/// The folder of real guides, if it is there.
fn real_guides() -> Option<PathBuf> {
    let dir = match std::env::var_os("GUIDELINT_REAL_GUIDES") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/real-guides"),
    };
    dir.join("pages").is_dir().then_some(dir)
}

/// The findings of a full check of `dir`, one concise line each, without
/// GL105 and info findings.
fn findings(dir: &std::path::Path) -> Vec<String> {
    let out = guidelint(&["check", "--format", "concise", "."], dir);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "guidelint failed: {}",
        common::stderr(&out)
    );
    stdout(&out)
        .lines()
        .filter(|l| !l.contains(": GL105 ") && !l.contains(" [info] "))
        .map(str::to_string)
        .collect()
}

/// `(code, path:line:column)` of a concise line, and its severity.
fn place(line: &str) -> Option<(String, String, String)> {
    let mut parts = line.splitn(4, ':');
    let path = parts.next()?;
    let row = parts.next()?;
    let column = parts.next()?;
    let rest = line.split(": ").nth(1)?;
    let mut words = rest.split(' ');
    let code = words.next()?;
    let severity = words.next()?.trim_matches(['[', ']']);
    Some((
        code.to_string(),
        format!("{path}:{row}:{column}"),
        severity.to_string(),
    ))
}

/// The hand review: `(code, path:line:column)` → verdict.
fn review() -> BTreeMap<(String, String), String> {
    let text = include_str!("real_guides.review");
    let mut out = BTreeMap::new();
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(verdict), Some(code), Some(at)) = (cols.next(), cols.next(), cols.next()) else {
            panic!("review line without verdict, code and place: {line:?}");
        };
        assert!(
            matches!(verdict, "right" | "wrong"),
            "verdict must be right or wrong: {line:?}"
        );
        out.insert((code.to_string(), at.to_string()), verdict.to_string());
    }
    out
}

#[test]
fn real_guides_findings_are_the_reviewed_ones() {
    let Some(dir) = real_guides() else {
        eprintln!(
            "skipped: no real guides at ../shared/real-guides (set GUIDELINT_REAL_GUIDES to their folder)"
        );
        return;
    };
    let lines = findings(&dir);
    insta::assert_snapshot!("real_guides", lines.join("\n"));

    let review = review();
    let mut unreviewed = Vec::new();
    let mut wrong_errors = Vec::new();
    // Per rule: (right, wrong).
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for line in &lines {
        let Some((code, at, severity)) = place(line) else {
            panic!("unexpected report line: {line}");
        };
        match review.get(&(code.clone(), at)) {
            None => unreviewed.push(line.clone()),
            Some(verdict) => {
                let c = counts.entry(code).or_default();
                if verdict == "right" {
                    c.0 += 1;
                } else {
                    c.1 += 1;
                    if severity == "error" {
                        wrong_errors.push(line.clone());
                    }
                }
            }
        }
    }
    assert!(
        unreviewed.is_empty(),
        "findings without a verdict in tests/real_guides.review:\n{}",
        unreviewed.join("\n")
    );
    assert!(
        wrong_errors.is_empty(),
        "errors the review marks wrong:\n{}",
        wrong_errors.join("\n")
    );
    for (code, (right, wrong)) in &counts {
        eprintln!("{code}: {right} right, {wrong} wrong");
    }
}
