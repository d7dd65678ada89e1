//! GL105 missing-file: a local image or linked file that does not exist.

use super::{Check, Rule};
use crate::corpus::CorpusContext;
use crate::corpus::links::Resolution;
use crate::diagnostic::{Finding, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL105",
    name: "missing-file",
    severity: Severity::Error,
    summary: "A local image or linked file that does not exist",
    docs: include_str!("missing_file.md"),
    check: Check::Corpus(check),
};

fn check(ctx: &CorpusContext<'_>, out: &mut Vec<Finding>) {
    let index = ctx.index();
    for (i, link, res) in ctx.resolved_links() {
        let Resolution::Local(path) = res else {
            continue;
        };
        if index.exists(path) {
            continue;
        }
        let shown = index
            .roots
            .get(i)
            .and_then(|root| path.strip_prefix(root).ok())
            .unwrap_or(path)
            .display()
            .to_string();
        let (what, help) = if link.image {
            (
                "image",
                format!(
                    "add the image at `{shown}` (in the repository), or fix the path; images live in the guide's `images/` folder"
                ),
            )
        } else {
            (
                "linked file",
                format!("no file or folder at `{shown}` (in the repository): fix the path"),
            )
        };
        out.push(
            Finding::new(
                RULE.code,
                i,
                link.url_span.clone(),
                format!("{what} `{}` does not exist", link.target),
            )
            .label("not found")
            .help(help),
        );
    }
}
