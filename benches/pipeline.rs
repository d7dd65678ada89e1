//! Per-guide stages, on a few generated guides and the seeds:
//! parse-only (front matter fences found + pulldown-cmark, the baseline), parse
//! (`Guide::parse`), extract (`extract::extract` on a parsed guide) and the
//! full per-guide check (`Engine::check_text`).
//!
//! ```text
//! cargo bench --bench pipeline
//! ```
//!
//! The whole CLI on a 20,000-guide corpus is measured by `bench/run.sh`.

use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use guidelint::engine::{Engine, kind_of};
use guidelint::extract;
use guidelint::guide::Guide;
use guidelint::guide::frontmatter::{Fences, fences};
use guidelint::spec::Spec;
use pulldown_cmark::{Options, Parser};

#[allow(dead_code)]
#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

/// (name, path) of the guides to measure: generated representatives, then the seeds.
fn inputs(generated: &Path) -> Vec<(String, PathBuf)> {
    let mut all = Vec::new();
    let mut stack = vec![generated.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable corpus").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if guidelint::discover::is_guide_name(&path) {
                all.push(path);
            }
        }
    }
    all.sort();
    let size = |p: &PathBuf| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let named = |suffix: &str| {
        all.iter()
            .find(|p| p.to_string_lossy().ends_with(suffix))
            .cloned()
    };
    let mut out = Vec::new();
    if let Some(p) = named("guide.fr-fr.md") {
        out.push(("gen-fr-fr".to_string(), p));
    }
    if let Some(p) = named("guide.en-gb.md") {
        out.push(("gen-en-gb".to_string(), p));
    }
    if let Some(p) = all
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .max_by_key(|p| size(p))
    {
        out.push(("gen-largest".to_string(), p.clone()));
    }
    if let Some(p) = all
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "txt"))
    {
        out.push(("gen-export-txt".to_string(), p.clone()));
    }
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seeds");
    let mut seed_files: Vec<PathBuf> = std::fs::read_dir(&seeds)
        .expect("fixtures/seeds")
        .flatten()
        .map(|e| e.path())
        .collect();
    seed_files.sort();
    for p in seed_files {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        out.push((format!("seed-{}", &name[..3.min(name.len())]), p));
    }
    out
}

/// The baseline: what `examples/parse_only.rs` does to one file after reading it.
fn parse_only(text: &str) -> usize {
    let body_start = match fences(text) {
        Fences::None { body_start } | Fences::Closed { body_start, .. } => body_start,
        Fences::Unclosed { .. } => 0,
    };
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES;
    Parser::new_ext(&text[body_start..], options).count()
}

fn stages(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    gen_corpus::generate(&gen_corpus::Args {
        guides: 200,
        seed: 42,
        out: dir.path().to_path_buf(),
    })
    .expect("generated corpus");
    let engine = Engine::new(Some(Spec::embedded().expect("embedded spec"))).expect("engine");
    for (name, path) in inputs(dir.path()) {
        let text = std::fs::read_to_string(&path).expect("readable guide");
        let kind = kind_of(&path);
        let display = path.to_string_lossy().to_string();
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function("parse-only", |b| {
            b.iter(|| parse_only(std::hint::black_box(&text)))
        });
        group.bench_function("parse", |b| {
            b.iter(|| Guide::parse(std::hint::black_box(&text), kind, &engine.vocab))
        });
        let guide = Guide::parse(&text, kind, &engine.vocab);
        group.bench_function("extract", |b| {
            b.iter(|| extract::extract(std::hint::black_box(&guide), engine.lexicon()))
        });
        group.bench_function("check", |b| {
            b.iter(|| engine.check_text(0, &display, std::hint::black_box(&text), kind))
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_millis(300))
        .measurement_time(std::time::Duration::from_secs(1));
    targets = stages
}
criterion_main!(benches);
