//! The command line: argument parsing and the exit status. The only module that prints.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::data::DataError;
use crate::diagnostic::Severity;
use crate::discover;
use crate::engine::Engine;
use crate::report::{self, Format};
use crate::rules;
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
    /// List every rule: code, name, default severity and summary.
    Rules,
    /// Print a rule's documentation.
    Rule {
        /// The rule's code (GL201) or name (port-protocol-mismatch).
        code: String,
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

#[derive(Debug, Args)]
struct CheckArgs {
    /// Files, directories (walked recursively) and quoted glob patterns. Default: `.`.
    paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Pretty)]
    format: Format,
    /// The canonical spec (YAML). Default: the spec shipped in rules/spec.yaml.
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// Check without a product spec (only the universal protocol facts).
    #[arg(long, conflicts_with = "spec")]
    no_spec: bool,
    /// Colour in `pretty` output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

/// Parses the process arguments, runs, and returns the exit status.
pub fn main() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Rules) => list_rules(),
        Some(Command::Rule { code }) => show_rule(&code),
        Some(Command::Check(args)) => check(args),
        None => check(cli.check),
    }
}

fn catalog() -> Vec<rules::RuleInfo> {
    match Engine::new(None) {
        Ok(engine) => engine.catalog(),
        Err(_) => rules::builtin_catalog(),
    }
}

fn list_rules() -> i32 {
    let mut out = String::new();
    for r in catalog() {
        out.push_str(&format!(
            "{}  {:<30} {:<8} {}\n",
            r.code,
            r.name,
            r.severity.as_str(),
            r.summary
        ));
    }
    print(&out)
}

fn show_rule(code: &str) -> i32 {
    let found = catalog()
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

fn load_spec(args: &CheckArgs) -> Result<Option<Spec>, Box<DataError>> {
    if args.no_spec {
        return Ok(None);
    }
    let Some(path) = &args.spec else {
        return Spec::embedded().map(Some).map_err(Box::new);
    };
    let name = path.to_string_lossy();
    if path.is_dir() {
        return Err(Box::new(DataError::new(
            &name,
            "",
            None,
            "cannot read the spec: this is a directory; `--spec` takes a YAML file".to_string(),
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        Box::new(DataError::new(
            &name,
            "",
            None,
            format!("cannot read the spec: {e}"),
        ))
    })?;
    Spec::parse(&name, &text).map(Some).map_err(Box::new)
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

fn check(args: CheckArgs) -> i32 {
    let spec = match load_spec(&args) {
        Ok(spec) => spec,
        Err(e) => return report_data_error(&e),
    };
    let engine = match Engine::new(spec) {
        Ok(engine) => engine,
        Err(e) => return report_data_error(&e),
    };
    let paths = if args.paths.is_empty() {
        vec![".".to_string()]
    } else {
        args.paths.clone()
    };
    let files = match discover::discover(&paths) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("guidelint: {e}");
            return EXIT_FAILURE;
        }
    };
    let outcome = engine.check(&files);
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    };
    print(&report::render(&outcome, args.format, color));
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
