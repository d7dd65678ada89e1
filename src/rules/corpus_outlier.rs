//! GL302 corpus-outlier: a value most guides give differently, where no spec decides.

use super::{Check, Rule};
use crate::corpus::CorpusContext;
use std::collections::HashSet;

use crate::corpus::consistency::{Slot, product_of, uncovered};
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
    // In changed-files mode only the slots the changed guides state are counted.
    let wanted: Option<HashSet<(&str, Slot)>> = ctx.is_focused().then(|| {
        ctx.summaries
            .iter()
            .filter(|s| s.readable && ctx.focused(s.file))
            .flat_map(|s| {
                let id = product_of(ctx.spec, s).map(|p| p.id.as_str()).unwrap_or("");
                s.facts.items.iter().map(move |f| (id, f.slot()))
            })
            .collect()
    });
    let votes = ctx.votes(wanted.as_ref());
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
