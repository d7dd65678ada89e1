//! The command line: argument parsing and the exit status. The only module that prints.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::changed::{self, Changes};
use crate::config::Config;
use crate::data::DataError;
use crate::diagnostic::Severity;
use crate::discover;
use crate::engine::Engine;
use crate::fix;
use crate::report::{self, Format};
use crate::rules;
use crate::select;
use crate::spec::Spec;

/// Exit status: no error-severity finding.
pub const EXIT_OK: i32 = 0;
/// Exit status: at least one error-severity finding.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit status: guidelint could not do its job.
pub const EXIT_FAILURE: i32 = 2;

/// A fast documentation linter: checks the mail-server facts of docs guides against a canonical spec.
#[derive(Debug, Parser)]
#[command(name = "guidelint", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Lint guides (the default command).
    Check(CheckArgs),
    /// List every rule: code, name, default severity and summary (the
    /// configuration's and `--rule-dir`'s declarative rules included).
    Rules(RulesArgs),
    /// Print a rule's documentation.
    Rule {
        /// The rule's code (GL201) or name (port-protocol-mismatch).
        code: String,
        #[command(flatten)]
        rules: RulesArgs,
    },
    /// Print the facts guidelint reads in guides (ports, hosts, protocols,
    /// webmail, MX records, limits) with what it understood of each: to see why
    /// a finding was raised or why a setting is not checked.
    Facts {
        /// Files, directories (walked recursively) and quoted glob patterns. Default: `.`.
        paths: Vec<String>,
    },
    /// Run the language server (Language Server Protocol over standard input
    /// and output), for editors: findings as the writer types, quick fixes,
    /// hover, anchor completion, go to definition and heading rename.
    Server {
        /// Accepted for editors that pass it; standard input and output are the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Spec tools.
    Spec {
        #[command(subcommand)]
        command: SpecCommand,
    },
}

#[derive(Debug, Subcommand)]
enum SpecCommand {
    /// Print a draft spec (YAML) inferred from the guides: for each fact the
    /// value most guides give, with how many guides back it.
    Infer {
        /// Files, directories (walked recursively) and quoted glob patterns. Default: `.`.
        paths: Vec<String>,
        /// The spec whose products' `match` rules attribute guides to products
        /// (default: the embedded spec): one draft product per spec product.
        #[arg(long, value_name = "FILE")]
        spec: Option<PathBuf>,
        /// Every guide votes for one product, whatever its `match` rules say.
        #[arg(long, conflicts_with = "spec")]
        single_product: bool,
    },
}

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Color {
    /// When standard output is a terminal and NO_COLOR is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Where `rules` and `rule` find the declarative rules besides the shipped
/// packs: the configuration's `rule_dirs` and `--rule-dir`, as `check` does.
#[derive(Debug, Args)]
struct RulesArgs {
    /// The configuration file. Default: the one `check` would use.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Ignore configuration files.
    #[arg(long, conflicts_with = "config")]
    no_config: bool,
    /// A folder (or file) of declarative rules (YAML), added to the configuration's `rule_dirs`. Repeatable.
    #[arg(long = "rule-dir", value_name = "DIR")]
    rule_dirs: Vec<PathBuf>,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Files, directories (walked recursively) and quoted glob patterns. Default: `.`.
    paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Pretty)]
    format: Format,
    /// The canonical spec: YAML, or a Thunderbird autoconfig XML (`clientConfig`). Default: rules/spec.yaml.
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// Check without a product spec (only the universal protocol facts).
    #[arg(long, conflicts_with = "spec")]
    no_spec: bool,
    /// Colour in `pretty` output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Apply the safe fixes, then report the findings that remain.
    #[arg(long)]
    fix: bool,
    /// Print a unified diff of what `--fix` would change; write nothing.
    #[arg(long)]
    diff: bool,
    /// The configuration file. Default: `.guidelint.yaml`, `.guidelint.yml` or
    /// `guidelint.yaml` in the current directory or the nearest parent.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Ignore configuration files.
    #[arg(long, conflicts_with = "config")]
    no_config: bool,
    /// Rules to run, replacing the configuration's `select`: codes, prefixes (`GL2`) or names.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    select: Vec<String>,
    /// Rules not to run, added to the configuration's `ignore`.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    ignore: Vec<String>,
    /// Report only guides changed since the git revision REV (working tree and untracked files).
    #[arg(long, value_name = "REV")]
    changed_since: Option<String>,
    /// Report only guides staged for commit (the pre-commit case).
    #[arg(long, conflicts_with = "changed_since")]
    staged: bool,
    /// A folder (or file) of declarative rules (YAML), added to the configuration's `rule_dirs`. Repeatable.
    #[arg(long = "rule-dir", value_name = "DIR")]
    rule_dirs: Vec<PathBuf>,
    /// The summary cache's folder. Default: the configuration's `cache_dir`, else
    /// `.guidelint_cache` in the project root (the configuration file's folder,
    /// else the current directory). Changed-files runs read only the changed guides
    /// and the guides whose cached summary is stale.
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Neither read nor write the summary cache (also when GUIDELINT_NO_CACHE is set and not `0`).
    #[arg(long, conflicts_with = "cache_dir")]
    no_cache: bool,
}

/// Parses the process arguments, runs, and returns the exit status.
pub fn main() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Rules(args)) => list_rules(&args),
        Some(Command::Rule { code, rules }) => show_rule(&code, &rules),
        Some(Command::Check(args)) => check(args),
        Some(Command::Server { .. }) => crate::server::run_stdio(),
        Some(Command::Spec {
            command:
                SpecCommand::Infer {
                    paths,
                    spec,
                    single_product,
                },
        }) => infer(paths, spec, single_product),
        Some(Command::Facts { paths }) => facts(paths),
        None => check(cli.check),
    }
}

/// Every rule of a run with `args`' configuration and rule folders.
fn catalog(args: &RulesArgs) -> Result<Vec<rules::RuleInfo>, Box<DataError>> {
    let config = load_config(args.config.as_ref(), args.no_config)?;
    let (config, sources) = with_rule_dirs(config, &args.rule_dirs)?;
    Ok(Engine::with_rule_sources(None, config, sources)?.catalog())
}

fn list_rules(args: &RulesArgs) -> i32 {
    let catalog = match catalog(args) {
        Ok(catalog) => catalog,
        Err(e) => return report_data_error(&e),
    };
    let mut out = String::new();
    for r in catalog {
        out.push_str(&format!(
            "{}  {:<34} {:<8} {}\n",
            r.code,
            r.name,
            r.severity.as_str(),
            r.summary
        ));
    }
    print(&out)
}

fn show_rule(code: &str, args: &RulesArgs) -> i32 {
    let catalog = match catalog(args) {
        Ok(catalog) => catalog,
        Err(e) => return report_data_error(&e),
    };
    let found = catalog
        .into_iter()
        .find(|r| r.code.eq_ignore_ascii_case(code) || r.name == code);
    match found {
        Some(r) => print(&format!(
            "{}\n\nCode: {}  Name: {}  Default severity: {}\n",
            r.docs.trim_end(),
            r.code,
            r.name,
            r.severity.as_str()
        )),
        None => {
            eprintln!("guidelint: no rule named `{code}`; `guidelint rules` lists them");
            EXIT_FAILURE
        }
    }
}

fn print(text: &str) -> i32 {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`guidelint … | head`) is not an error of ours.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    EXIT_OK
}

fn load_spec(args: &CheckArgs, config: &Config) -> Result<Option<Spec>, Box<DataError>> {
    if args.no_spec {
        return Ok(None);
    }
    let paths = match &args.spec {
        Some(path) => vec![path.clone()],
        None => config.spec_paths()?,
    };
    crate::engine::read_spec(&paths)
}

/// The run's configuration: `--config`, else the discovered file, else the defaults.
fn load_config(config: Option<&PathBuf>, no_config: bool) -> Result<Config, Box<DataError>> {
    let path = if no_config {
        None
    } else if let Some(path) = config {
        Some(path.clone())
    } else {
        std::env::current_dir()
            .ok()
            .and_then(|dir| Config::discover(&dir))
    };
    match path {
        Some(path) => Ok(Config::load(&path)?),
        None => Ok(Config::default()),
    }
}

/// Declarative rule files: (file name, text).
type RuleSources = Vec<(String, String)>;

/// `config` with `dirs` added to its `rule_dirs`, and the declarative rule
/// files of them all.
fn with_rule_dirs(
    mut config: Config,
    dirs: &[PathBuf],
) -> Result<(Config, RuleSources), Box<DataError>> {
    let mut rule_dirs = config.rule_dirs.to_vec();
    // Absolute, so that they stay relative to the current folder, not the configuration's.
    rule_dirs.extend(dirs.iter().map(|d| {
        std::path::absolute(d)
            .unwrap_or_else(|_| d.clone())
            .to_string_lossy()
            .into_owned()
    }));
    config.rule_dirs = crate::config::OneOrMany::Many(rule_dirs);
    let sources = crate::declarative::RuleSet::sources(&config)?;
    Ok((config, sources))
}

/// `--select`/`--ignore` values that name no rule (the file's are checked by [`Config::validate`]).
fn check_cli_selectors(args: &CheckArgs, catalog: &[rules::RuleInfo]) -> Result<(), String> {
    for (flag, values) in [("--select", &args.select), ("--ignore", &args.ignore)] {
        for v in values {
            select::check_selector(v, catalog).map_err(|e| format!("{flag}: {e}"))?;
        }
    }
    Ok(())
}

/// The changed files git lists, being computed on another thread
/// (`None` outside changed-files mode).
type PendingChanges = Option<std::thread::JoinHandle<Result<changed::Changed, String>>>;

/// Starts asking git which files changed, when `--changed-since` or `--staged` is given.
fn start_changed_files(args: &CheckArgs) -> PendingChanges {
    let changes = match (&args.changed_since, args.staged) {
        (Some(rev), _) => Changes::Since(rev.clone()),
        (None, true) => Changes::Staged,
        (None, false) => return None,
    };
    Some(std::thread::spawn(move || {
        let dir = std::env::current_dir().map_err(|e| e.to_string())?;
        changed::changed_files(&dir, &changes).map_err(|e| e.to_string())
    }))
}

/// Each guide's cache stamp and its status as git's index records it.
type Statuses = (
    Vec<Option<crate::cache::Stamp>>,
    Option<Vec<Option<crate::git_index::StatData>>>,
);

/// Each guide's stamp for the summary cache (when `stamps`) and its status
/// for git's index (when `git`, in changed-files mode): one `stat` each, in
/// parallel.
fn statuses(files: &[discover::GuideFile], stamps: bool, git: bool) -> Statuses {
    use rayon::prelude::*;
    if !git {
        let stamps = if stamps {
            crate::cache::stamps(files)
        } else {
            Vec::new()
        };
        return (stamps, None);
    }
    let (cache, index): (Vec<_>, Vec<_>) = files
        .par_iter()
        .map(|f| match std::fs::metadata(&f.path) {
            Ok(meta) => (
                crate::cache::Stamp::of(&meta),
                crate::git_index::StatData::of(&meta),
            ),
            Err(_) => (None, None),
        })
        .unzip();
    (if stamps { cache } else { Vec::new() }, Some(index))
}

/// Which guides to report in changed-files mode (`None`: all).
fn changed_mask(
    changes: PendingChanges,
    files: &[discover::GuideFile],
    stats: Option<&[Option<crate::git_index::StatData>]>,
) -> Result<Option<Vec<bool>>, String> {
    let Some(changes) = changes else {
        return Ok(None);
    };
    let changed = changes
        .join()
        .map_err(|_| "the thread asking git failed".to_string())??;
    let mask = changed::mask(files, &changed, stats);
    // Git's twenty thousand paths are not needed again before the exit.
    std::mem::forget(changed);
    mask.map(Some).map_err(|e| e.to_string())
}

fn report_data_error(e: &DataError) -> i32 {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
    let mut out = String::new();
    if handler.render_report(&mut out, e).is_err() {
        out = e.to_string();
    }
    eprintln!("{out}");
    EXIT_FAILURE
}

fn infer(paths: Vec<String>, spec: Option<PathBuf>, single_product: bool) -> i32 {
    let spec = if single_product {
        None
    } else {
        let loaded = match &spec {
            Some(path) => {
                let name = path.to_string_lossy();
                std::fs::read_to_string(path)
                    .map_err(|e| {
                        DataError::new(&name, "", None, format!("cannot read the spec: {e}"))
                    })
                    .and_then(|text| Spec::load(&name, &text))
            }
            None => Spec::embedded(),
        };
        match loaded {
            Ok(spec) => Some(spec),
            Err(e) => return report_data_error(&e),
        }
    };
    let engine = match Engine::new(spec.clone()) {
        Ok(engine) => engine,
        Err(e) => return report_data_error(&e),
    };
    let paths = if paths.is_empty() {
        vec![".".to_string()]
    } else {
        paths
    };
    let files = match discover::discover(&paths) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("guidelint: {e}");
            return EXIT_FAILURE;
        }
    };
    let summaries = engine.summarize(&files);
    print(&crate::corpus::infer::infer_spec(&summaries, spec.as_ref()))
}

fn facts(paths: Vec<String>) -> i32 {
    let engine = match Engine::new(Spec::embedded().ok()) {
        Ok(engine) => engine,
        Err(e) => return report_data_error(&e),
    };
    let paths = if paths.is_empty() {
        vec![".".to_string()]
    } else {
        paths
    };
    let files = match discover::discover(&paths) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("guidelint: {e}");
            return EXIT_FAILURE;
        }
    };
    let mut out = String::new();
    for file in &files {
        let Ok(text) = std::fs::read_to_string(&file.path) else {
            continue;
        };
        let (facts, product) =
            engine.facts_of(&file.display, &text, crate::engine::kind_of(&file.path));
        out.push_str(&format!(
            "{} ({})\n",
            file.display,
            product.unwrap_or("no product")
        ));
        let lines = crate::source::LineIndex::new(&text);
        for fact in facts {
            out.push_str(&format!(
                "  {}\n",
                crate::extract::describe(&fact, lines.line_col(fact.span.start))
            ));
        }
    }
    print(&out)
}

fn check(args: CheckArgs) -> i32 {
    let config = match load_config(args.config.as_ref(), args.no_config) {
        Ok(config) => config,
        Err(e) => return report_data_error(&e),
    };
    let spec = match load_spec(&args, &config) {
        Ok(spec) => spec,
        Err(e) => return report_data_error(&e),
    };
    let (config, rules) = match with_rule_dirs(config, &args.rule_dirs) {
        Ok(loaded) => loaded,
        Err(e) => return report_data_error(&e),
    };
    let paths = if args.paths.is_empty() {
        vec![".".to_string()]
    } else {
        args.paths.clone()
    };
    // Building the engine, git, the walk (then a stat of every guide) and the
    // cache's decoding run at once: in a pre-commit hook they are most of the run.
    let changes = start_changed_files(&args);
    let changed_mode = changes.is_some();
    let fingerprint = crate::cache::fingerprint_of(
        &config,
        spec.as_ref(),
        crate::declarative::RuleSet::sources_fingerprint(&rules),
    );
    let ((engine, mut cache), walked) = rayon::join(
        || {
            rayon::join(
                || Engine::with_rule_sources(spec.clone(), config.clone(), rules),
                || open_cache(&args, &config, fingerprint),
            )
        },
        || {
            // Folders unchanged since the last run are stat'ed, not read.
            let listings = cache_dir(&args, &config);
            discover::discover_cached(&paths, listings.as_deref()).map(|mut files| {
                let root = config.root();
                files.retain(|f| config.includes(root.as_deref(), &f.path));
                let stamps = statuses(&files, cache_wanted(&args), changed_mode);
                (files, stamps)
            })
        },
    );
    let mut engine = match engine {
        Ok(engine) => engine,
        Err(e) => return report_data_error(&e),
    };
    let catalog = engine.catalog();
    if let Err(e) = engine.config.validate(&catalog) {
        return report_data_error(&e);
    }
    if let Err(e) = check_cli_selectors(&args, &catalog) {
        eprintln!("guidelint: {e}");
        return EXIT_FAILURE;
    }
    if !args.select.is_empty() {
        engine.config.select = args.select.clone();
    }
    engine.config.ignore.extend(args.ignore.iter().cloned());
    let (files, stats) = match walked {
        Ok((files, (stamps, stats))) => {
            if let Some(cache) = &mut cache {
                cache.prefetch(stamps);
            }
            (files, stats)
        }
        Err(e) => {
            eprintln!("guidelint: {e}");
            return EXIT_FAILURE;
        }
    };
    let report = match changed_mask(changes, &files, stats.as_deref()) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("guidelint: changed-files mode: {e}");
            return EXIT_FAILURE;
        }
    };
    let outcome = engine.check_cached(&files, report.as_deref(), cache.as_mut());
    if args.diff {
        return show_diff(&outcome, &files);
    }
    let mut fix_failed = false;
    let (outcome, fixed) = if args.fix {
        let (n, m, failed) = apply_fixes(&outcome, &files);
        fix_failed = failed;
        // Report what remains: the fixed files are checked again.
        let remaining = if m > 0 {
            engine.check_cached(&files, report.as_deref(), cache.as_mut())
        } else {
            outcome
        };
        (remaining, Some((n, m)))
    } else {
        (outcome, None)
    };
    if let Some(cache) = &mut cache
        && let Err(e) = cache.save()
    {
        // A cache that cannot be written costs time, not correctness.
        eprintln!(
            "guidelint: warning: cannot write the cache {}: {e}",
            cache.file().display()
        );
    }
    // Freeing tens of thousands of summaries one by one is wasted work at exit.
    std::mem::forget(cache);
    let to_file = args.output.is_some();
    let catalog = engine.catalog();
    let options = report::RenderOptions {
        color: use_color(args.color, to_file),
        catalog: &catalog,
    };
    let mut text = report::render_with(&outcome, args.format, &options);
    if let Some((n, m)) = fixed {
        let line = format!("Fixed {} in {}.\n", plural(n, "problem"), plural(m, "file"));
        if args.format.is_for_people() && !to_file {
            text.push_str(&line);
        } else {
            eprint!("{line}");
        }
    }
    if let Some(path) = &args.output {
        if let Err(e) = crate::atomic::write(path, text.as_bytes()) {
            eprintln!("guidelint: cannot write {}: {e}", path.display());
            return EXIT_FAILURE;
        }
    } else {
        print(&text);
    }
    if fix_failed {
        return EXIT_FAILURE;
    }
    let status = exit_status(&outcome);
    // The process ends here: freeing the engine's automata and every file's
    // name one by one would only delay the exit.
    std::mem::forget((engine, files, outcome));
    status
}

/// The summary cache of this run: `--cache-dir`, else the configuration's
/// `cache_dir`, else `.guidelint_cache` in the project root; `None` with
/// `--no-cache` or `GUIDELINT_NO_CACHE`.
/// False with `--no-cache`, or `GUIDELINT_NO_CACHE` set without `--cache-dir`.
fn cache_wanted(args: &CheckArgs) -> bool {
    let off = std::env::var_os("GUIDELINT_NO_CACHE").is_some_and(|v| !v.is_empty() && v != "0");
    !(args.no_cache || (off && args.cache_dir.is_none()))
}

fn open_cache(args: &CheckArgs, config: &Config, fingerprint: u64) -> Option<crate::cache::Cache> {
    let root = config.root()?;
    let dir = cache_dir(args, config)?;
    Some(crate::cache::Cache::open(&dir, &root, fingerprint))
}

/// The cache folder of this run (`None` without a cache).
fn cache_dir(args: &CheckArgs, config: &Config) -> Option<PathBuf> {
    if !cache_wanted(args) {
        return None;
    }
    let root = config.root()?;
    match &args.cache_dir {
        Some(dir) => Some(dir.clone()),
        None => Some(crate::cache::configured_dir(config, &root)),
    }
}

fn exit_status(outcome: &crate::engine::Outcome) -> i32 {
    if outcome
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error)
    {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Whether to colour: `--color always`/`never` decide; otherwise `NO_COLOR`
/// turns colour off, `CLICOLOR_FORCE` turns it on, and else it follows whether
/// the report goes to a terminal.
fn use_color(choice: Color, to_file: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto if set("NO_COLOR") => false,
        Color::Auto if set("CLICOLOR_FORCE") => true,
        Color::Auto => !to_file && std::io::stdout().is_terminal(),
    }
}

/// `--diff`: the unified diff of every file `--fix` would change.
fn show_diff(outcome: &crate::engine::Outcome, files: &[discover::GuideFile]) -> i32 {
    let plans = fix::plan(outcome, files);
    let text: String = plans.iter().map(fix::diff).collect();
    print(&text);
    exit_status(outcome)
}

/// `--fix`: writes the fixes; returns how many findings and files were fixed,
/// and whether a file could not be written.
fn apply_fixes(
    outcome: &crate::engine::Outcome,
    files: &[discover::GuideFile],
) -> (usize, usize, bool) {
    let mut fixed = (0, 0);
    let mut failed = false;
    for plan in fix::plan(outcome, files) {
        match fix::write(&plan) {
            Ok(()) => {
                fixed.0 += plan.fixed_findings;
                fixed.1 += 1;
            }
            Err(e) => {
                eprintln!("guidelint: {e}");
                failed = true;
            }
        }
    }
    (fixed.0, fixed.1, failed)
}
