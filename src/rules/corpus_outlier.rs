//! GL302 corpus-outlier: a value most guides give differently, where no spec decides.

use super::{Check, Rule};
use crate::corpus::CorpusContext;
use crate::corpus::consistency::{Votes, product_of, uncovered};
use crate::diagnostic::{Finding, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL302",
    name: "corpus-outlier",
    severity: Severity::Warning,
    summary: "A fact that differs from the value a clear majority of guides give, where the spec says nothing",
    docs: include_str!("corpus_outlier.md"),
    check: Check::Corpus(check),
};

fn check(ctx: &CorpusContext<'_>, out: &mut Vec<Finding>) {
    let votes = Votes::count(ctx.summaries, ctx.spec);
    for s in ctx
        .summaries
        .iter()
        .filter(|s| s.readable && ctx.focused(s.file))
    {
        let product = product_of(ctx.spec, s);
        let id = product.map(|p| p.id.as_str()).unwrap_or("");
        for f in &s.facts.items {
            let slot = f.slot();
            if !uncovered(product, &slot) {
                continue;
            }
            let Some((shown, value, count)) = votes.consensus(id, &slot) else {
                continue;
            };
            if value == f.value {
                continue;
            }
            let what = slot.describe();
            out.push(
                Finding::new(
                    RULE.code,
                    s.file,
                    f.span.clone(),
                    format!(
                        "{count} guides give {shown}{what}; this one gives {}",
                        f.shown()
                    ),
                )
                .label(format!("{count} guides give {shown}"))
                .help(format!(
                    "use {shown} as the other guides do, or add the right value to the spec"
                )),
            );
        }
    }
}
