//! GL103 broken-anchor: a `#fragment` that matches no anchor of its target guide.

use super::{Check, Rule};
use crate::corpus::CorpusContext;
use crate::corpus::anchors::{closest, find};
use crate::corpus::links::Resolution;
use crate::diagnostic::{Finding, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL103",
    name: "broken-anchor",
    severity: Severity::Error,
    summary: "A `#fragment` link that matches no heading id, `{#id}` or HTML anchor of its guide",
    docs: include_str!("broken_anchor.md"),
    check: Check::Corpus(check),
};

fn check(ctx: &CorpusContext<'_>, out: &mut Vec<Finding>) {
    for (i, link, res) in ctx.resolved_links() {
        let (Some(fragment), Resolution::Guide(t)) = (&link.fragment, res) else {
            continue;
        };
        let Some(target) = ctx.summaries.get(*t) else {
            continue;
        };
        if !target.readable || !target.markdown || find(&target.anchors, fragment).is_some() {
            continue;
        }
        let page = if *t == i {
            "this guide".to_string()
        } else {
            format!("`{}`", target.path)
        };
        let mut finding = Finding::new(
            RULE.code,
            i,
            link.fragment_span.clone(),
            format!("`#{fragment}` matches no heading or anchor of {page}"),
        )
        .label("no such anchor");
        match closest(&target.anchors, fragment) {
            Some(near) => {
                finding = finding.help(format!("did you mean `#{}`?", near.id));
                let what = format!("`#{}` is defined here", near.id);
                finding = if *t == i {
                    finding.related_here(near.span.clone(), what)
                } else {
                    finding.related_in(*t, near.span.clone(), what)
                };
            }
            None => {
                finding = finding.help(
                    "link to the id of an existing heading (accents dropped, lowercase, hyphens), or give the heading an explicit `{#id}`",
                );
                if *t != i {
                    finding = finding.related_in(*t, target.head.clone(), "the linked guide");
                }
            }
        }
        out.push(finding);
    }
}
