//! GL306 limit-mismatch: a stated limit that differs from the spec's.
//!
//! A limit is compared only with the same limit of the product it is about:
//! the guide's product, unless the sentence (or, in a table, the cell, its
//! row's first cell or its column's header) names another product of the spec
//! — "Exchange's 50 GB" in an MX Plan guide is Exchange's, compared with
//! Exchange's limits if the spec has them, else left alone.

use super::{Check, GuideContext, Rule};
use crate::diagnostic::{Finding, Severity};
use crate::extract::{Fact, Value};
use crate::guide::BlockKind;
use crate::spec::Product;

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL306",
    name: "limit-mismatch",
    severity: Severity::Error,
    summary: "A sending rate, quota, attachment size or recipient count that differs from the spec",
    docs: include_str!("limit_mismatch.md"),
    check: Check::Guide(check),
};

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    let Some(own) = ctx.product else { return };
    for fact in ctx.facts {
        let Value::Limit(limit, stated) = fact.value else {
            continue;
        };
        let Some(product) = product_of(ctx, own, fact) else {
            continue;
        };
        let Some(spec) = product.limits.get(limit.key()).and_then(|v| v.as_u64()) else {
            continue;
        };
        if spec == stated {
            continue;
        }
        let about = if product.id == own.id {
            "this guide gives".to_string()
        } else {
            format!("this guide gives {}'s limit as", product.name)
        };
        out.push(
            Finding::new(
                RULE.code,
                ctx.file,
                fact.span.clone(),
                format!(
                    "{about} {stated} {}, but the {} spec gives {spec}",
                    limit.describe(),
                    product.name
                ),
            )
            .label(format!("{} is {spec}", limit.key()))
            .help(format!("write {spec} {}", limit.describe()))
            .fix(fact.span.clone(), spec.to_string()),
        );
    }
}

/// The product a limit is about: the guide's `own`, unless the text around
/// it names other products of the spec — one other product and not `own`:
/// that one; several, or `own` too: none (the numbers cannot be told apart).
fn product_of<'a>(ctx: &GuideContext<'a>, own: &'a Product, fact: &Fact) -> Option<&'a Product> {
    let Some(spec) = ctx.spec else {
        return Some(own);
    };
    let scopes: Vec<String> = scopes(ctx, fact)
        .into_iter()
        .map(str::to_lowercase)
        .collect();
    let named = |p: &Product| {
        p.names()
            .map(str::to_lowercase)
            .any(|n| scopes.iter().any(|s| names_word(s, &n)))
    };
    let others: Vec<&Product> = spec
        .products
        .iter()
        .filter(|p| p.id != own.id && named(p))
        .collect();
    match others.as_slice() {
        [] => Some(own),
        [one] if !named(own) => Some(*one),
        _ => None,
    }
}

/// The texts that say which product a fact is about: in a table, its cell,
/// the row's first cell and the column's header; in text, its sentence.
fn scopes<'t>(ctx: &GuideContext<'t>, fact: &Fact) -> Vec<&'t str> {
    let Some(block) = ctx.guide.blocks.get(fact.block) else {
        return Vec::new();
    };
    match &block.kind {
        BlockKind::Table(t) => {
            let at = fact.span.start;
            let within = |r: &crate::guide::TextRun| r.src_range().contains(&at);
            if let Some(cell) = t.header.iter().find(|c| within(c)) {
                return vec![cell.text.as_str()];
            }
            for row in &t.rows {
                if let Some(col) = row.iter().position(within) {
                    let mut out = vec![row[col].text.as_str()];
                    out.extend(row.first().map(|c| c.text.as_str()));
                    out.extend(t.header.get(col).map(|c| c.text.as_str()));
                    return out;
                }
            }
            Vec::new()
        }
        _ => ctx
            .text
            .get(block.span.clone())
            .map(|b| {
                vec![sentence_at(
                    b,
                    fact.span.start.saturating_sub(block.span.start),
                )]
            })
            .unwrap_or_default(),
    }
}

/// The sentence of `text` around byte `at`: from the end of the previous
/// sentence (`. `, `! `, `? `, a blank line) to the end of this one.
fn sentence_at(text: &str, at: usize) -> &str {
    let at = (0..=at.min(text.len()))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let is_end = |w: &[u8]| matches!(w, [b'.' | b'!' | b'?', b' ' | b'\n'] | [b'\n', b'\n']);
    let bytes = text.as_bytes();
    let start = bytes[..at]
        .windows(2)
        .rposition(is_end)
        .map_or(0, |i| i + 2);
    let end = bytes[at..]
        .windows(2)
        .position(is_end)
        .map_or(text.len(), |i| at + i + 1);
    text.get(start..end).unwrap_or(text)
}

/// True when `lower` holds `name` as whole words (both lowercase).
fn names_word(lower: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    lower.match_indices(name).any(|(i, m)| {
        let before = lower[..i].chars().next_back();
        let after = lower[i + m.len()..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_around_a_place() {
        let text = "Votre compte MX Plan a 5 Go. Un compte Exchange a 50 Go! Fin";
        let at = text.find("50").unwrap();
        assert_eq!(sentence_at(text, at), "Un compte Exchange a 50 Go!");
        assert_eq!(sentence_at(text, 2), "Votre compte MX Plan a 5 Go.");
        assert_eq!(sentence_at("a\n\nb 5 c", 4), "b 5 c");
    }

    #[test]
    fn product_names_are_whole_words() {
        assert!(names_word("un compte exchange de 50 go", "exchange"));
        assert!(!names_word("exchanges", "exchange"));
        assert!(names_word("offre e-mail pro", "e-mail pro"));
    }
}
