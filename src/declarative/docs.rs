//! The documentation of a declarative rule, generated from its definition: what
//! `guidelint rule CODE` prints and what SARIF carries, in the same sections as
//! the built-in rules' docs.

use std::fmt::Write;

use super::compile::CompiledRule;
use super::model::{RuleKind, SpellingDef, Within};

/// The Markdown documentation of `rule`.
pub fn render(rule: &CompiledRule) -> String {
    let def = &rule.def;
    let mut s = String::new();
    let _ = writeln!(s, "# {} {}\n", rule.code, rule.name);
    let _ = writeln!(s, "{}.\n", rule.summary);
    let _ = writeln!(s, "## What it does\n");
    let _ = writeln!(s, "{}\n", what(rule));
    let applies = applies(rule);
    let _ = writeln!(s, "{applies}\n");
    let _ = writeln!(s, "## Why it matters\n");
    let _ = writeln!(
        s,
        "{}\n",
        def.why.as_deref().map(str::trim).unwrap_or(&rule.summary)
    );
    let _ = writeln!(s, "## Example\n");
    match &def.example {
        Some(example) => {
            let _ = writeln!(s, "Reported:\n\n```text\n{}\n```\n", example.bad.trim_end());
            if let Some(good) = &example.good {
                let _ = writeln!(s, "Right:\n\n```text\n{}\n```\n", good.trim_end());
            }
        }
        None => {
            let _ = writeln!(s, "The rule's message: {}\n", rule.message);
        }
    }
    let _ = writeln!(s, "## Fix\n");
    let _ = writeln!(s, "{}\n", fix(rule));
    let _ = writeln!(
        s,
        "Defined in `{}` (pack `{}`); a declarative rule of kind `{}`.",
        rule.file,
        rule.pack,
        rule.kind.as_str()
    );
    s
}

fn what(rule: &CompiledRule) -> String {
    let def = &rule.def;
    let case = if def.ignore_case {
        " (ignoring case)"
    } else {
        ""
    };
    let matches = match (&def.pattern, def.words.is_empty()) {
        (Some(p), _) => format!("the pattern `{p}`{case}"),
        (None, false) => format!("the words {}{case}", quoted(def.words.iter())),
        (None, true) => String::new(),
    };
    match rule.kind {
        RuleKind::Existence => format!("Reports each match of {matches}."),
        RuleKind::Occurrence => {
            let limits = match (def.min, def.max) {
                (Some(min), Some(max)) => format!("fewer than {min} or more than {max} times"),
                (Some(min), None) => format!("fewer than {min} times"),
                (None, Some(max)) => format!("more than {max} times"),
                (None, None) => String::new(),
            };
            format!("Reports a guide that holds {matches} {limits}.")
        }
        RuleKind::Substitution => {
            let pairs: Vec<String> = def
                .swap
                .iter()
                .map(|(w, r)| format!("- `{w}` → `{r}`"))
                .collect();
            format!(
                "Reports each wrong form{case} and names the right one:\n\n{}",
                pairs.join("\n")
            )
        }
        RuleKind::Consistency => {
            let labels = quoted(def.spellings.iter().map(SpellingDef::label));
            let within = match def.within {
                Within::Guide => "the same guide",
                Within::Corpus => "the guides of one run",
            };
            format!(
                "Reports spellings of one word that are mixed in {within}: {labels}. The spelling used most is taken as the right one; each use of another is reported."
            )
        }
    }
}

fn applies(rule: &CompiledRule) -> String {
    let scope: Vec<&str> = rule.scope.iter().map(|s| s.as_str()).collect();
    let mut s = format!("It reads: {}.", scope.join(", "));
    if !rule.scope.contains(&super::model::Scope::Code) {
        s.push_str(" Code blocks and inline code are skipped.");
    }
    if !rule.languages.is_empty() {
        let _ = write!(
            s,
            " It applies to guides in {} (a guide whose language is unknown is checked too).",
            rule.languages.join(", ")
        );
    }
    if !rule.kinds.is_empty() {
        let kinds: Vec<&str> = rule
            .kinds
            .iter()
            .map(|k| match k {
                super::model::KindName::Markdown => "Markdown guides",
                super::model::KindName::Plaintext => "plain-text exports",
            })
            .collect();
        let _ = write!(s, " Only {}.", kinds.join(" and "));
    }
    s
}

fn fix(rule: &CompiledRule) -> String {
    let help = rule.help.as_deref().unwrap_or("");
    match rule.kind {
        RuleKind::Substitution => {
            "Write the right form. The finding carries the replacement (for `--fix`), keeping the capitalisation of the text."
                .to_string()
        }
        RuleKind::Existence if rule.replace.is_some() => {
            format!("{help} The finding carries the rewrite (for `--fix`).")
                .trim()
                .to_string()
        }
        RuleKind::Consistency => {
            "Use one spelling throughout; the finding names the one the text uses most.".into()
        }
        _ if !help.is_empty() => help.to_string(),
        _ => "Rewrite the text the finding points at.".to_string(),
    }
}

fn quoted<'a>(items: impl Iterator<Item = impl AsRef<str> + 'a>) -> String {
    items
        .map(|w| format!("`{}`", w.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}
