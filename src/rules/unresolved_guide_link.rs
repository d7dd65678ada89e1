//! GL104 unresolved-guide-link: a link to a guide that is not in the run.

use super::{Check, Rule};
use crate::corpus::CorpusContext;
use crate::corpus::links::Resolution;
use crate::diagnostic::{Finding, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL104",
    name: "unresolved-guide-link",
    severity: Severity::Warning,
    summary: "A link to a guide that is not in the run (a warning when `corpus.complete` is set, else info)",
    docs: include_str!("unresolved_guide_link.md"),
    check: Check::Corpus(check),
};

fn check(ctx: &CorpusContext<'_>, out: &mut Vec<Finding>) {
    let index = ctx.index();
    let severity = if ctx.config.corpus.complete {
        Severity::Warning
    } else {
        Severity::Info
    };
    let help = if ctx.config.corpus.complete {
        "the whole repository is checked (`corpus.complete`), so this link is broken: fix its slug or path"
    } else {
        "if the whole repository is checked, this link is broken; set `corpus.complete: true` to report such links as warnings"
    };
    for (i, s) in ctx.summaries.iter().enumerate() {
        let resolved = index.links.get(i).map(Vec::as_slice).unwrap_or(&[]);
        for (link, res) in s.links.iter().zip(resolved) {
            let message = match res {
                Resolution::NotInRun(what) => {
                    format!("this link leads to {what}, which is not in this run")
                }
                Resolution::Local(path)
                    if !link.image && link.fragment.is_some() && index.exists(path) =>
                {
                    format!(
                        "`{}` is not part of this run, so `#{}` could not be checked",
                        link.target,
                        link.fragment.as_deref().unwrap_or_default()
                    )
                }
                _ => continue,
            };
            let mut finding = Finding::new(RULE.code, i, link.url_span.clone(), message)
                .label("target not checked")
                .help(help);
            finding.severity = severity;
            out.push(finding);
        }
    }
}
