//! The language server's benchmark: `guidelint server` driven over stdio
//! like an editor, on a generated docs repository.
//!
//! ```text
//! cargo build --release && cargo run --release --example gen_corpus -- --guides 20000 --seed 42 --out /tmp/corpus20k
//! cargo run --release --example server_bench -- --corpus /tmp/corpus20k [--changes 200] [--binary target/release/guidelint]
//! ```
//!
//! It measures, with the whole repository indexed:
//! 1. indexing with a warm cache: a first server fills the cache (its time
//!    is shown too), a second one is timed from `initialized` to the end of
//!    its indexing progress;
//! 2. from a `didChange` on a guide of about 10 KB to the `publishDiagnostics`
//!    of that version: each change waits for the previous diagnostics, then
//!    100 ms (a fast typist), so the debounce delay (50 ms) does not apply;
//!    median, p95 and maximum;
//! 3. the server's memory (peak and current resident set, from `/proc`);
//! 4. the same latency while a 3 MB guide is being checked in another document.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde_json::json;

#[path = "../tests/common/lsp.rs"]
mod lsp;

use lsp::Client;

struct Args {
    corpus: PathBuf,
    changes: usize,
    binary: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let mut corpus = None;
    let mut changes = 200;
    let mut binary = PathBuf::from("target/release/guidelint");
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--corpus" => corpus = Some(PathBuf::from(value("--corpus")?)),
            "--changes" => {
                changes = value("--changes")?
                    .parse()
                    .map_err(|e| format!("--changes: {e}"))?
            }
            "--binary" => binary = PathBuf::from(value("--binary")?),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let corpus = corpus.ok_or("--corpus DIR is required")?;
    let corpus = corpus
        .canonicalize()
        .map_err(|e| format!("{}: {e}", corpus.display()))?;
    let binary = binary.canonicalize().map_err(|e| {
        format!(
            "{}: {e} (build with `cargo build --release`)",
            binary.display()
        )
    })?;
    Ok(Args {
        corpus,
        changes,
        binary,
    })
}

fn options() -> serde_json::Value {
    json!({"pollSeconds": 0})
}

/// Starts a server and waits for its index; returns it and the indexing time.
fn indexed_server(args: &Args) -> (Client, Duration) {
    let started = Instant::now();
    let (mut client, _) = Client::start(&args.binary, &args.corpus, options());
    let ready = Instant::now();
    client.wait(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end");
    let _ = started;
    (client, ready.elapsed())
}

/// Peak and current resident memory of process `pid`, in MB.
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// A guide of 9–11 KB (the first in path order).
fn ten_kb_guide(root: &Path) -> Option<PathBuf> {
    let mut stack = vec![root.join("pages")];
    let mut found = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).ok()?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md")
                && entry
                    .metadata()
                    .is_ok_and(|m| (9_500..10_500).contains(&m.len()))
            {
                found.push(path);
            }
        }
        if found.len() > 20 {
            break;
        }
    }
    found.sort();
    found.into_iter().next()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Types `changes` edits into `path` (opened as version 1 with `text`) and
/// returns each change's latency to its diagnostics, in ms.
fn type_into(client: &mut Client, path: &Path, text: &str, changes: usize, first: i64) -> Vec<f64> {
    // The end of the first paragraph after the front matter: a place in prose.
    let line = text
        .lines()
        .enumerate()
        .skip(3)
        .find(|(_, l)| l.len() > 40 && !l.starts_with(['#', '-', '|', '!', '>', ' ']))
        .map_or(0, |(i, _)| i as u32);
    let mut latencies = Vec::with_capacity(changes);
    for k in 0..changes {
        let version = first + k as i64;
        // Type a character, then delete it: the text stays about the same.
        let (range, insert) = if k % 2 == 0 {
            ([(line, 0), (line, 0)], "x")
        } else {
            ([(line, 0), (line, 1)], "")
        };
        let sent = Instant::now();
        client.change(path, version, range, insert);
        client.diagnostics(path, Some(version));
        latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
        std::thread::sleep(Duration::from_millis(100));
    }
    latencies
}

fn summary(name: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    println!(
        "{name}: {} changes, median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        ms.len(),
        percentile(&ms, 50.0),
        percentile(&ms, 95.0),
        ms.last().copied().unwrap_or(f64::NAN)
    );
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("server_bench: {e}");
            return ExitCode::from(2);
        }
    };
    // 1. Indexing: a first server fills the cache, a second one reads it.
    let (first, cold) = indexed_server(&args);
    first.stop();
    println!(
        "first indexing (fills the cache when it is cold): {:.2} s",
        cold.as_secs_f64()
    );
    let (mut client, warm) = indexed_server(&args);
    println!("indexing with a warm cache: {:.2} s", warm.as_secs_f64());

    // 2. didChange → publishDiagnostics on a 10 KB guide.
    let Some(path) = ten_kb_guide(&args.corpus) else {
        eprintln!(
            "server_bench: no guide of about 10 KB in {}",
            args.corpus.display()
        );
        return ExitCode::from(2);
    };
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    println!("guide: {} ({} bytes)", path.display(), text.len());
    client.open(&path, &text, 1);
    client.diagnostics(&path, Some(1));
    // A few to warm up.
    let _ = type_into(&mut client, &path, &text, 6, 2);
    let latencies = type_into(&mut client, &path, &text, args.changes, 8);
    summary("didChange → publishDiagnostics (10 KB guide)", latencies);

    // 3. Memory.
    let (peak, now) = memory(client.pid());
    println!("server memory: peak {peak:.0} MB, now {now:.0} MB");

    // 4. The same while a 3 MB guide is being checked.
    let big_path = args
        .corpus
        .join("pages/web/emails/bench-large/guide.fr-fr.md");
    let mut big = String::new();
    while big.len() < 3 * 1024 * 1024 {
        big.push_str(&text);
        big.push_str("\n\n");
    }
    let mut during = Vec::new();
    let mut version = 8 + args.changes as i64;
    for round in 0..5 {
        let big_version = 1 + round * 2;
        if round == 0 {
            client.open(&big_path, &big, big_version);
        } else {
            client.change(&big_path, big_version, [(0, 0), (0, 0)], "x");
        }
        // Type in the small guide while the large one is checked.
        std::thread::sleep(Duration::from_millis(20));
        during.extend(type_into(&mut client, &path, &text, 2, version));
        version += 2;
        client.diagnostics(&big_path, Some(big_version));
    }
    summary("the same while a 3 MB guide is checked", during);
    let (peak, _) = memory(client.pid());
    println!("server memory with the 3 MB guide open: peak {peak:.0} MB");
    client.stop();
    ExitCode::SUCCESS
}
