//! GL106 path-outside-repository: a local path that climbs above the repository root.

use super::{Check, Rule};
use crate::corpus::CorpusContext;
use crate::corpus::links::Resolution;
use crate::diagnostic::{Finding, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL106",
    name: "path-outside-repository",
    severity: Severity::Error,
    summary: "A local image or link path that leaves the repository root (it is never read)",
    docs: include_str!("path_outside_repository.md"),
    check: Check::Corpus(check),
};

fn check(ctx: &CorpusContext<'_>, out: &mut Vec<Finding>) {
    for (i, link, res) in ctx.resolved_links() {
        if *res != Resolution::Outside {
            continue;
        }
        let what = if link.image { "image path" } else { "link" };
        out.push(
            Finding::new(
                RULE.code,
                i,
                link.url_span.clone(),
                format!("{what} `{}` leaves the repository", link.target),
            )
            .label("outside the repository root")
            .help("keep images and linked files inside the repository, e.g. in the guide's `images/` folder; the published site cannot serve files outside it"),
        );
    }
}
