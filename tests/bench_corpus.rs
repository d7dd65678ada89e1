//! The benchmark's corpus generator (`examples/gen_corpus.rs`): deterministic,
//! laid out like a docs repository, links that resolve, and checkable.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

#[allow(dead_code)]
#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

/// Every file under `dir`, by relative path, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .to_string();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

fn generate(guides: usize, seed: u64) -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    let dir = tempfile::tempdir().unwrap();
    gen_corpus::generate(&gen_corpus::Args {
        guides,
        seed,
        out: dir.path().to_path_buf(),
    })
    .unwrap();
    let files = snapshot(dir.path());
    (dir, files)
}

fn guides(files: &BTreeMap<String, Vec<u8>>) -> Vec<(&String, String)> {
    files
        .iter()
        .filter(|(p, _)| p.ends_with(".md") || p.ends_with(".txt"))
        .map(|(p, b)| (p, String::from_utf8(b.clone()).unwrap()))
        .collect()
}

#[test]
fn the_same_seed_gives_the_same_repository_and_another_seed_does_not() {
    let (_a, first) = generate(120, 7);
    let (_b, again) = generate(120, 7);
    let (_c, other) = generate(120, 8);
    assert_eq!(first, again);
    assert_ne!(first, other);
    assert_eq!(guides(&first).len(), 120);
}

#[test]
fn the_layout_is_a_docs_repository() {
    let (_dir, files) = generate(300, 42);
    let guides = guides(&files);
    let layout = regex::Regex::new(
        r"^pages/web/(emails|emails-pro|exchange)/[a-z0-9_]+/guide\.(fr-fr|en-gb|de-de|es-es|it-it|pl-pl|pt-pt)\.(md|txt)$",
    )
    .unwrap();
    for (path, text) in &guides {
        assert!(layout.is_match(path), "{path}");
        if path.ends_with(".md") {
            assert!(text.starts_with("---\ntitle: "), "{path}");
            assert!(
                (2_000..40_000).contains(&text.len()),
                "{path}: {}",
                text.len()
            );
        } else {
            assert!(!text.starts_with("---"), "{path}");
        }
    }
    assert!(guides.iter().any(|(p, _)| p.ends_with(".txt")));
    assert!(guides.iter().any(|(p, _)| p.contains("/emails-pro/")));
    // Every image a guide shows exists, and is a PNG.
    let image = regex::Regex::new(r"!\[[^\]]*\]\((images/[0-9]+\.png)\)\{\.thumbnail\}").unwrap();
    for (path, text) in &guides {
        let folder = Path::new(path.as_str()).parent().unwrap();
        for c in image.captures_iter(text) {
            let png = folder.join(&c[1]).to_string_lossy().to_string();
            assert!(
                files.get(&png).is_some_and(|b| b.starts_with(b"\x89PNG")),
                "{png}"
            );
        }
    }
}

#[test]
fn relative_links_point_at_guides_and_most_anchors_at_their_headings() {
    let (_dir, files) = generate(400, 42);
    let link =
        regex::Regex::new(r"\]\(\.\./([a-z0-9_]+)/(guide\.[a-z-]+\.md)#([^)\s]+)\)").unwrap();
    let (mut total, mut resolved) = (0, 0);
    for (path, text) in guides(&files) {
        let universe = Path::new(path.as_str()).parent().unwrap().parent().unwrap();
        for c in link.captures_iter(&text) {
            total += 1;
            let target = universe
                .join(&c[1])
                .join(&c[2])
                .to_string_lossy()
                .to_string();
            let body = String::from_utf8(files[&target].clone()).unwrap();
            let anchor = &c[3];
            let names = format!("<a name=\"{anchor}\">");
            let custom = format!("{{#{anchor}}}");
            let heading = body.lines().filter(|l| l.starts_with('#')).any(|l| {
                let text = l.trim_start_matches('#').trim();
                let text = text.split(" <a name").next().unwrap_or(text);
                guidelint::anchors::python_markdown_slug(text) == anchor
                    || anchor.rsplit_once('_').is_some_and(|(base, n)| {
                        n.parse::<u32>().is_ok() && python_slug_is(text, base)
                    })
            });
            if body.contains(&names) || body.contains(&custom) || heading {
                resolved += 1;
            }
        }
    }
    assert!(total > 20, "{total} relative links");
    // About 1% of anchors come from the old site on purpose.
    assert!(
        resolved * 100 >= total * 95,
        "{resolved} of {total} anchors resolve"
    );
}

fn python_slug_is(text: &str, base: &str) -> bool {
    guidelint::anchors::python_markdown_slug(text) == base
}

#[test]
fn guidelint_checks_the_generated_repository_and_finds_the_planted_mistakes() {
    let (dir, _files) = generate(1500, 42);
    let out = Command::new(env!("CARGO_BIN_EXE_guidelint"))
        // No cache folder where the tests run.
        .env("GUIDELINT_NO_CACHE", "1")
        .args([
            "check",
            &dir.path().to_string_lossy(),
            "--format",
            "concise",
        ])
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("GL000"), "unreadable guides:\n{stdout}");
    // The seeds' mistakes are a sprinkling: each kind in a few per mille of the folders.
    for code in [
        "GL103", "GL201", "GL202", "GL205", "GL303", "GL304", "GL503",
    ] {
        assert!(stdout.contains(code), "{code} missing");
    }
}

/// Per-code finding counts of `guidelint check` on `dir`.
fn finding_counts(dir: &Path) -> BTreeMap<String, usize> {
    let out = Command::new(env!("CARGO_BIN_EXE_guidelint"))
        .args(["check", &dir.to_string_lossy(), "--format", "json"])
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mut counts = BTreeMap::new();
    for f in findings {
        *counts
            .entry(f["code"].as_str().unwrap_or("?").to_string())
            .or_default() += 1;
    }
    counts
}

/// The front-matter value of `key` in a guide, if any.
fn front_matter_value<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let body = text.strip_prefix("---\n")?;
    let end = body.find("\n---\n")?;
    body[..end].lines().find_map(|l| {
        l.strip_prefix(key)
            .and_then(|rest| rest.strip_prefix(": "))
            .map(str::trim)
    })
}

#[test]
fn the_translations_of_a_folder_agree_except_where_a_mistake_is_planted() {
    let (dir, files) = generate(1500, 42);
    let image = regex::Regex::new(r"!\[[^\]]*\]\((images/[0-9]+\.png)\)").unwrap();
    // Folder → [(front matter agreed on, images)] of its Markdown translations.
    type Translation = (Vec<Option<String>>, std::collections::BTreeSet<String>);
    let mut folders: BTreeMap<String, Vec<Translation>> = BTreeMap::new();
    for (path, text) in guides(&files) {
        if !path.ends_with(".md") {
            continue;
        }
        let folder = path.rsplit_once('/').unwrap().0.to_string();
        let keys = ["slug", "section", "order", "legacy_guide_number"]
            .iter()
            .map(|k| front_matter_value(&text, k).map(str::to_string))
            .collect();
        let images = image
            .captures_iter(&text)
            .map(|c| c[1].to_string())
            .collect();
        folders.entry(folder).or_default().push((keys, images));
    }
    let groups: Vec<_> = folders.values().filter(|t| t.len() > 1).collect();
    assert!(groups.len() > 300, "{} translated folders", groups.len());
    for (folder, translations) in folders.iter().filter(|(_, t)| t.len() > 1) {
        // Front matter is planned per folder: no mistake makes it differ.
        assert!(
            translations.iter().all(|t| t.0 == translations[0].0),
            "{folder}: translations disagree on slug/section/order"
        );
    }
    // Images differ only where a translation lost one: a few folders in a thousand.
    let differing = groups
        .iter()
        .filter(|t| t.iter().any(|x| x.1 != t[0].1))
        .count();
    assert!(
        differing * 100 <= groups.len(),
        "{differing} of {} folders have translations with different images",
        groups.len()
    );

    // guidelint agrees: a few findings per code, not one per translation.
    let counts = finding_counts(dir.path());
    let total: usize = counts.values().sum();
    assert_eq!(counts.get("GL107"), None, "{counts:?}");
    for code in ["GL108", "GL301", "GL511", "GL521"] {
        let n = counts.get(code).copied().unwrap_or(0);
        assert!(n <= 15, "{code}: {n} findings in 1500 guides ({counts:?})");
    }
    for (code, n) in &counts {
        assert!(*n <= 75, "{code}: {n} findings in 1500 guides ({counts:?})");
    }
    assert!(total <= 300, "{total} findings in 1500 guides ({counts:?})");
}
