//! GL301 translation-drift: the locales of one guide state different server settings.

use std::collections::BTreeSet;

use super::{Check, Rule};
use crate::corpus::CorpusContext;
use crate::corpus::consistency::{FactSummary, Slot, translatable, translation_groups};
use crate::diagnostic::{Finding, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL301",
    name: "translation-drift",
    severity: Severity::Error,
    summary: "A translation misses, changes or adds a server setting that the other locales of the guide state",
    docs: include_str!("translation_drift.md"),
    check: Check::Corpus(check),
};

/// The facts of one locale, first occurrence of each value.
struct Locale<'a> {
    name: &'a str,
    file: usize,
    facts: Vec<&'a FactSummary>,
}

impl Locale<'_> {
    fn keys(&self) -> BTreeSet<(Slot, &str)> {
        self.facts
            .iter()
            .map(|f| (f.slot(), f.value.as_str()))
            .collect()
    }

    /// The same setting in this locale: same slot and value, or the same
    /// value where one locale states the security and the other does not
    /// ("993 with SSL" and a bare "993" do not contradict each other).
    fn find(&self, f: &FactSummary) -> Option<&FactSummary> {
        self.facts
            .iter()
            .find(|g| g.slot() == f.slot() && g.value == f.value)
            .or_else(|| {
                self.facts
                    .iter()
                    .find(|g| g.value == f.value && same_but_unstated_security(g.slot(), f.slot()))
            })
            .copied()
    }
}

/// True when `a` and `b` are one slot except that one of them does not say
/// whether SSL is used.
fn same_but_unstated_security(a: Slot, b: Slot) -> bool {
    (a.ssl.is_none() || b.ssl.is_none()) && Slot { ssl: None, ..a } == Slot { ssl: None, ..b }
}

/// Source locales first when nothing else decides: French, then English.
fn preference(locale: &str) -> usize {
    match locale {
        "fr-fr" => 0,
        "en-gb" => 1,
        _ => 2,
    }
}

fn check(ctx: &CorpusContext<'_>, out: &mut Vec<Finding>) {
    for group in translation_groups(ctx.summaries, |i| ctx.focused(i)) {
        let locales: Vec<Locale<'_>> = group
            .iter()
            .filter_map(|(name, file)| {
                let s = ctx.summaries.get(*file)?;
                let mut seen = BTreeSet::new();
                let facts = s
                    .facts
                    .items
                    .iter()
                    .filter(|f| translatable(f))
                    .filter(|f| seen.insert((f.slot(), f.value.clone())))
                    .collect();
                Some(Locale {
                    name: name.as_str(),
                    file: *file,
                    facts,
                })
            })
            .collect();
        // The reference: the locale most others agree with, then fr-fr, en-gb.
        let keys: Vec<_> = locales.iter().map(Locale::keys).collect();
        let Some((reference, _)) = locales.iter().zip(&keys).min_by_key(|(l, k)| {
            let agree = locales
                .iter()
                .zip(&keys)
                .filter(|(o, ok)| o.file != l.file && ok == k)
                .count();
            (std::cmp::Reverse(agree), preference(l.name), l.name)
        }) else {
            continue;
        };
        for locale in locales.iter().filter(|l| l.file != reference.file) {
            compare(ctx, reference, locale, out);
        }
    }
}

fn compare(
    ctx: &CorpusContext<'_>,
    reference: &Locale<'_>,
    locale: &Locale<'_>,
    out: &mut Vec<Finding>,
) {
    let path = |file: usize| {
        ctx.summaries
            .get(file)
            .map(|s| {
                s.path
                    .rsplit(['/', '\\'])
                    .next()
                    .unwrap_or(&s.path)
                    .to_string()
            })
            .unwrap_or_default()
    };
    let ref_name = path(reference.file);
    let mut extra: Vec<&FactSummary> = locale
        .facts
        .iter()
        .filter(|f| reference.find(f).is_none())
        .copied()
        .collect();
    let mut last_shared: Option<&FactSummary> = None;
    for f in &reference.facts {
        if let Some(here) = locale.find(f) {
            last_shared = Some(here);
            continue;
        }
        if let Some(i) = extra.iter().position(|e| e.slot() == f.slot()) {
            let here = extra.remove(i);
            out.push(
                Finding::new(
                    RULE.code,
                    locale.file,
                    here.span.clone(),
                    format!(
                        "this translation ({}) gives {}; {ref_name} gives {}",
                        locale.name,
                        here.describe(),
                        f.shown()
                    ),
                )
                .label(format!(
                    "{} here, {} in {}",
                    here.shown(),
                    f.shown(),
                    reference.name
                ))
                .help(format!(
                    "state {} as every locale does, or fix {ref_name}",
                    f.describe()
                ))
                .related_in(
                    reference.file,
                    f.span.clone(),
                    format!("{} in {}", f.shown(), reference.name),
                ),
            );
            continue;
        }
        let (span, label) = match last_shared {
            Some(prev) => (
                prev.span.clone(),
                format!("{} is missing after this", f.shown()),
            ),
            None => (0..0, format!("{} is missing", f.shown())),
        };
        out.push(
            Finding::new(
                RULE.code,
                locale.file,
                span,
                format!(
                    "this translation ({}) does not give {}, which {ref_name} gives",
                    locale.name,
                    f.describe()
                ),
            )
            .label(label)
            .help(format!("translate the missing setting from {ref_name}"))
            .related_in(
                reference.file,
                f.span.clone(),
                format!("given in {}", reference.name),
            ),
        );
    }
    for here in extra {
        let anchor = reference
            .facts
            .iter()
            .find(|f| f.kind == here.kind)
            .map(|f| f.span.clone())
            .unwrap_or(0..0);
        out.push(
            Finding::new(
                RULE.code,
                locale.file,
                here.span.clone(),
                format!(
                    "this translation ({}) gives {}, which {ref_name} does not give",
                    locale.name,
                    here.describe()
                ),
            )
            .label("only in this locale")
            .help(format!(
                "remove it, or add it to {ref_name} and the other locales"
            ))
            .related_in(
                reference.file,
                anchor,
                format!("{} states no such setting", reference.name),
            ),
        );
    }
}
