//! The parse-only baseline the benchmark compares `guidelint check` with.
//!
//! ```text
//! cargo run --release --example parse_only -- DIR...
//! ```
//!
//! Discovers the same files as `guidelint check` (with [`guidelint::discover`]),
//! then, in parallel on rayon's default pool (the pool `guidelint` uses, sized
//! by `RAYON_NUM_THREADS` or the number of cores): reads each file, splits off
//! its front matter (finds the fences; the YAML is not parsed) and runs
//! pulldown-cmark over the body, visiting every event. Nothing else. Prints
//! one line: files, bytes, seconds.

use std::process::ExitCode;
use std::time::Instant;

use guidelint::discover::discover;
use guidelint::guide::frontmatter::{Fences, fences};
use pulldown_cmark::{Options, Parser};
use rayon::prelude::*;

fn main() -> ExitCode {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: parse_only DIR...");
        return ExitCode::from(2);
    }
    let started = Instant::now();
    let files = match discover(&paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("parse_only: {e}");
            return ExitCode::from(2);
        }
    };
    let (bytes, events) = files
        .par_iter()
        .map(|f| {
            let Ok(text) = std::fs::read_to_string(&f.path) else {
                return (0, 0);
            };
            let body_start = match fences(&text) {
                Fences::None { body_start } | Fences::Closed { body_start, .. } => body_start,
                Fences::Unclosed { .. } => 0,
            };
            let events = Parser::new_ext(&text[body_start..], options()).count();
            (text.len(), events)
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let secs = started.elapsed().as_secs_f64();
    println!(
        "parse_only: files={} bytes={bytes} events={events} seconds={secs:.3} threads={}",
        files.len(),
        rayon::current_num_threads()
    );
    ExitCode::SUCCESS
}

/// The Markdown extensions guidelint's parser enables (`src/guide/markdown.rs`).
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
}
