//! The parse-only baseline the benchmark compares `guidelint check` with, and
//! the stages between the two.
//!
//! ```text
//! cargo run --release --example parse_only -- [--stage STAGE] DIR...
//! ```
//!
//! Discovers the same files as `guidelint check` (with [`guidelint::discover`]),
//! then, in parallel on rayon's default pool (the pool `guidelint` uses, sized
//! by `RAYON_NUM_THREADS` or the number of cores), does to each file what
//! `STAGE` names:
//!
//! - `baseline` (the default): reads it, splits off its front matter (finds
//!   the fences; the YAML is not parsed) and runs pulldown-cmark over the body,
//!   visiting every event. Nothing else. This is the issue's parse-only baseline.
//! - `model`: reads it and builds guidelint's guide model (`Guide::parse`: the
//!   YAML parsed, pulldown-cmark, blocks, text runs, headings, links).
//! - `extract`: `model`, then extracts the guide's facts (`extract::extract`).
//!
//! The last two are not baselines: they show where the full check's time goes
//! (`bench/run.sh` reports them next to the baseline and the check). Prints one
//! line: stage, files, bytes, seconds.

use std::process::ExitCode;
use std::time::Instant;

use guidelint::discover::discover;
use guidelint::engine::{Engine, kind_of};
use guidelint::extract;
use guidelint::guide::Guide;
use guidelint::guide::frontmatter::{Fences, fences};
use guidelint::spec::Spec;
use pulldown_cmark::{Options, Parser};
use rayon::prelude::*;

/// How far each file is taken.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Baseline,
    Model,
    Extract,
}

impl Stage {
    const ALL: [(&'static str, Stage); 3] = [
        ("baseline", Stage::Baseline),
        ("model", Stage::Model),
        ("extract", Stage::Extract),
    ];

    fn name(self) -> &'static str {
        Stage::ALL
            .iter()
            .find(|(_, s)| *s == self)
            .map_or("", |(n, _)| n)
    }
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut stage = Stage::Baseline;
    if let Some(i) = args.iter().position(|a| a == "--stage") {
        let given = args.get(i + 1).map(String::as_str);
        stage = match Stage::ALL.iter().find(|(name, _)| Some(*name) == given) {
            Some((_, stage)) => *stage,
            None => {
                eprintln!("parse_only: --stage takes baseline, model or extract, not {given:?}");
                return ExitCode::from(2);
            }
        };
        args.drain(i..(i + 2).min(args.len()));
    }
    if args.is_empty() {
        eprintln!("usage: parse_only [--stage baseline|model|extract] DIR...");
        return ExitCode::from(2);
    }
    let started = Instant::now();
    // Timed, as guidelint's start-up is; only the stages that use it build it.
    let engine = if stage == Stage::Baseline {
        None
    } else {
        match Spec::embedded().and_then(|spec| Engine::new(Some(spec))) {
            Ok(engine) => Some(engine),
            Err(e) => {
                eprintln!("parse_only: {e}");
                return ExitCode::from(2);
            }
        }
    };
    let files = match discover(&args) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("parse_only: {e}");
            return ExitCode::from(2);
        }
    };
    let (bytes, items) = files
        .par_iter()
        .map(|f| {
            let Ok(text) = std::fs::read_to_string(&f.path) else {
                return (0, 0);
            };
            let items = match &engine {
                None => baseline(&text),
                Some(engine) => {
                    let guide = Guide::parse(&text, kind_of(&f.path), &engine.vocab);
                    if stage == Stage::Extract {
                        extract::extract(&guide, engine.lexicon()).len()
                    } else {
                        guide.blocks.len()
                    }
                }
            };
            (text.len(), items)
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let secs = started.elapsed().as_secs_f64();
    println!(
        "parse_only: stage={} files={} bytes={bytes} items={items} seconds={secs:.3} threads={}",
        stage.name(),
        files.len(),
        rayon::current_num_threads()
    );
    ExitCode::SUCCESS
}

/// The baseline's work on one file: the front-matter fences found, the body
/// parsed by pulldown-cmark, every event visited. Returns the event count.
fn baseline(text: &str) -> usize {
    let body_start = match fences(text) {
        Fences::None { body_start } | Fences::Closed { body_start, .. } => body_start,
        Fences::Unclosed { .. } => 0,
    };
    Parser::new_ext(&text[body_start..], options()).count()
}

/// The Markdown extensions guidelint's parser enables (`src/guide/markdown.rs`).
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
}
