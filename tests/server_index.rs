//! The language server checks a guide against its *neighbours* in the corpus
//! index (its folder, the guides sharing its slug or legacy number, the
//! folders and slugs its links name, the root's pins), and runs only the
//! consensus over every guide. These tests check that this gives exactly the
//! findings of the corpus pass over every guide, for every guide of
//! `fixtures/corpus/`, the seeds and a generated repository.

use std::path::Path;

use guidelint::discover::{GuideFile, discover};
use guidelint::engine::{CorpusView, Engine};
use guidelint::server::index::CorpusIndex;
use guidelint::spec::Spec;

#[allow(dead_code)]
#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

/// A finding as compared: everything but the order of related places.
fn shown(f: &guidelint::diagnostic::Finding) -> String {
    let mut related: Vec<String> = f
        .related
        .iter()
        .map(|r| format!("{:?}:{:?}:{}", r.file, r.span, r.message))
        .collect();
    related.sort();
    format!(
        "{} {:?} {:?} {} {:?} {:?}",
        f.code, f.span, f.severity, f.message, f.help, related
    )
}

fn same_findings_for_every_guide(engine: &Engine, files: Vec<GuideFile>) -> usize {
    let summaries = engine.summarize(&files);
    let mut index = CorpusIndex::from_summaries(files.clone(), summaries);
    let pattern = engine
        .config
        .corpus
        .url_pattern
        .as_deref()
        .and_then(guidelint::corpus::links::UrlPattern::new);
    let mut compared = 0;
    for (i, f) in files.iter().enumerate() {
        let Ok(text) = std::fs::read_to_string(&f.path) else {
            continue;
        };
        let check = engine.check_guide_text(i, &f.display, &f.path, &text);
        let mut summary = check.summary.clone();
        summary.fs_path = f.path.clone();
        let keys = CorpusIndex::keys(&summary, &CorpusIndex::dir_of(&f.path), pattern.as_ref());
        let neighbours = index.neighbours(&keys, i);
        let (near, whole) = index.with_guide(i, summary, |all| {
            let near = engine.finish_check(
                Some(CorpusView {
                    summaries: all,
                    neighbours: Some(&neighbours),
                }),
                i,
                &f.path,
                check.clone(),
            );
            let whole = engine.finish_check(
                Some(CorpusView {
                    summaries: all,
                    neighbours: None,
                }),
                i,
                &f.path,
                check.clone(),
            );
            (near, whole)
        });
        let near: Vec<String> = near.iter().map(shown).collect();
        let whole: Vec<String> = whole.iter().map(shown).collect();
        assert_eq!(near, whole, "{}: neighbours {neighbours:?}", f.display);
        compared += 1;
    }
    compared
}

#[test]
fn neighbours_give_the_findings_of_the_whole_corpus_on_the_fixtures() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let paths: Vec<String> = ["fixtures/corpus", "fixtures/seeds", "fixtures/consistency"]
        .iter()
        .map(|p| manifest.join(p).display().to_string())
        .collect();
    let files = discover(&paths).unwrap();
    let engine = Engine::new(Some(Spec::embedded().unwrap())).unwrap();
    let n = same_findings_for_every_guide(&engine, files);
    assert!(n > 30, "{n}");
}

#[test]
fn neighbours_give_the_findings_of_the_whole_corpus_on_a_generated_repository() {
    let dir = tempfile::tempdir().unwrap();
    gen_corpus::generate(&gen_corpus::Args {
        guides: 300,
        seed: 11,
        out: dir.path().to_path_buf(),
    })
    .unwrap();
    let files = discover(&[dir.path().display().to_string()]).unwrap();
    let engine = Engine::new(Some(Spec::embedded().unwrap())).unwrap();
    let n = same_findings_for_every_guide(&engine, files);
    assert_eq!(n, 300);
}
