//! GL108 translation-image-mismatch: the translations of one guide are
//! different versions of it, as the screenshots they show tell.
//!
//! Translations often show the same steps with localized screenshots named
//! differently (`images/1107.png` in one locale, `images/img_1107.jpg` or
//! `images/step1-ca.png` in another): two images stand for each other when
//! they have one name, or when the numbers in their names are the same, or
//! when their names are the same once the locale codes in them are removed.
//! Two translations are one version when each image of one stands for an
//! image of the other, or when they show the same number of images used in
//! the same pattern. Translations that show no image are left out. A folder
//! with two versions or more is one finding, on the
//! stale side: the version whose last update (the front matter's `updated`,
//! else the body's "Last updated …" line) is older.

use std::collections::HashSet;
use std::ops::Range;

use super::{Check, Rule};
use crate::corpus::translations::groups;
use crate::corpus::{CorpusContext, GuideSummary, paths};
use crate::diagnostic::{Finding, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL108",
    name: "translation-image-mismatch",
    severity: Severity::Warning,
    summary: "Translations of one guide that are different versions of it: their screenshots differ beyond localized names",
    docs: include_str!("translation_image_mismatch.md"),
    check: Check::Corpus(check),
};

/// Locale codes and language names that localized image names carry.
const LOCALE_TOKENS: &[&str] = &[
    "fr", "en", "de", "es", "it", "pl", "pt", "ca", "gb", "uk", "ie", "us", "qc", "fra", "eng",
    "ger", "deu", "esp", "ita", "pol", "por",
];

/// The images a guide shows, in order of use (repeats kept).
fn image_uses(s: &GuideSummary) -> Vec<String> {
    s.links
        .iter()
        .filter(|l| l.image)
        .map(|l| {
            paths::percent_decode(&l.target)
                .trim_start_matches("./")
                .to_string()
        })
        .collect()
}

/// What an image stands for across translations: the numbers in its name,
/// else its name without locale codes.
fn image_key(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path).to_lowercase();
    let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
    let numbers: Vec<u64> = stem
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|d| d.parse().ok())
        .collect();
    if !numbers.is_empty() {
        let list: Vec<String> = numbers.iter().map(u64::to_string).collect();
        return format!("#{}", list.join("."));
    }
    stem.split(['-', '_', '.', ' '])
        .filter(|t| !t.is_empty() && !LOCALE_TOKENS.contains(t))
        .collect::<Vec<_>>()
        .join("-")
}

/// The distinct images of a sequence, in order of first use.
fn distinct(uses: &[String]) -> Vec<&str> {
    let mut seen = HashSet::new();
    uses.iter()
        .map(String::as_str)
        .filter(|u| seen.insert(*u))
        .collect()
}

/// The pattern in which images are used: each use as the rank of its image's first use.
fn pattern(uses: &[String]) -> Vec<usize> {
    let order = distinct(uses);
    uses.iter()
        .map(|u| order.iter().position(|o| o == u).unwrap_or(0))
        .collect()
}

/// The images of `a` and of `b` that stand for no image of the other.
fn unmatched<'a>(a: &[&'a str], b: &[&'a str]) -> (Vec<&'a str>, Vec<&'a str>) {
    let mut left: Vec<Option<&str>> = a.iter().map(|x| Some(*x)).collect();
    let mut right: Vec<Option<&str>> = b.iter().map(|x| Some(*x)).collect();
    // Same names first, then same keys.
    for pass in 0..2 {
        for l in left.iter_mut() {
            let Some(name) = *l else { continue };
            let found = right.iter_mut().find(|r| {
                r.is_some_and(|r| {
                    if pass == 0 {
                        r == name
                    } else {
                        image_key(r) == image_key(name)
                    }
                })
            });
            if let Some(r) = found {
                *r = None;
                *l = None;
            }
        }
    }
    (
        left.into_iter().flatten().collect(),
        right.into_iter().flatten().collect(),
    )
}

/// True when two translations show one version of the guide: each image
/// of one stands for an image of the other; or, when they share no image
/// name at all (screenshots renamed for the locale), they show as many
/// images in the same pattern.
fn same_version(a: &[String], b: &[String]) -> bool {
    let (da, db) = (distinct(a), distinct(b));
    let (l, r) = unmatched(&da, &db);
    if l.is_empty() && r.is_empty() {
        return true;
    }
    let shared = da.iter().any(|x| db.contains(x));
    !shared && !a.is_empty() && pattern(a) == pattern(b)
}

/// One version of the guide: the translations that show it.
struct Version {
    members: Vec<usize>,
    /// The newest `updated` of its translations.
    updated: Option<String>,
    images: usize,
}

fn check(ctx: &CorpusContext<'_>, out: &mut Vec<Finding>) {
    for members in groups(ctx) {
        // A translation that shows no image has no screenshots to compare
        // (a text-only page, or a stub that sends readers to another guide).
        let (members, uses): (Vec<usize>, Vec<Vec<String>>) = members
            .iter()
            .map(|&i| (i, image_uses(&ctx.summaries[i])))
            .filter(|(_, u)| !u.is_empty())
            .unzip();
        if members.len() < 2 {
            continue;
        }
        // Versions: translations joined when they show one version.
        let mut version_of: Vec<usize> = (0..members.len()).collect();
        for a in 0..members.len() {
            for b in 0..a {
                if version_of[a] == a && same_version(&uses[a], &uses[b]) {
                    version_of[a] = version_of[b];
                }
            }
        }
        let mut versions: Vec<Version> = Vec::new();
        for m in 0..members.len() {
            if version_of[m] != m {
                continue;
            }
            let ms: Vec<usize> = (0..members.len()).filter(|&x| version_of[x] == m).collect();
            versions.push(Version {
                members: ms.iter().map(|&x| members[x]).collect(),
                updated: ms
                    .iter()
                    .filter_map(|&x| ctx.summaries[members[x]].updated.as_deref())
                    .max()
                    .map(str::to_string),
                images: distinct(&uses[m]).len(),
            });
        }
        if versions.len() < 2 {
            continue;
        }
        // The current version: the newest update, then the most translations,
        // then the most images.
        let newest = (0..versions.len())
            .max_by(|&x, &y| {
                let (a, b) = (&versions[x], &versions[y]);
                a.updated
                    .cmp(&b.updated)
                    .then(a.members.len().cmp(&b.members.len()))
                    .then(a.images.cmp(&b.images))
                    .then(y.cmp(&x))
            })
            .unwrap_or(0);
        let current = &versions[newest];
        // The stale side, oldest first; the finding goes on its first translation.
        let mut stale: Vec<&Version> = versions
            .iter()
            .enumerate()
            .filter(|(v, _)| *v != newest)
            .map(|(_, v)| v)
            .collect();
        stale.sort_by(|a, b| a.updated.cmp(&b.updated));
        let Some(first) = stale.first().and_then(|v| v.members.first()) else {
            continue;
        };
        let here = &ctx.summaries[*first];
        let describe = |v: &Version| -> String {
            let names: Vec<&str> = v
                .members
                .iter()
                .map(|&i| ctx.summaries[i].label())
                .collect();
            let verb = if names.len() == 1 { "shows" } else { "show" };
            let date = match &v.updated {
                Some(d) => format!(", updated {d}"),
                None => String::new(),
            };
            let plural = if v.images == 1 { "" } else { "s" };
            format!(
                "{} {verb} {} image{plural}{date}",
                crate::spec::join_and(&names.iter().map(|n| n.to_string()).collect::<Vec<_>>()),
                v.images
            )
        };
        let ref_file = current.members[0];
        let ref_label = ctx.summaries[ref_file].label();
        let (cur_uses, here_uses) = (
            &uses[members.iter().position(|&x| x == ref_file).unwrap_or(0)],
            &uses[members.iter().position(|&x| x == *first).unwrap_or(0)],
        );
        let (only_current, only_here) = unmatched(&distinct(cur_uses), &distinct(here_uses));
        let dated = stale.iter().all(|v| v.updated.is_some()) && current.updated.is_some();
        let mut message = format!(
            "the translations of this guide are different versions: {}; {}",
            stale
                .iter()
                .map(|v| describe(v))
                .collect::<Vec<_>>()
                .join("; "),
            describe(current)
        );
        if let Some(img) = only_here.first() {
            let (more, verb) = match only_here.len() {
                1 => (String::new(), "stands"),
                n => (format!(" and {} more", n - 1), "stand"),
            };
            message.push_str(&format!(
                "; `{img}`{more} of this translation {verb} for no image of the {ref_label} one"
            ));
        }
        if !dated {
            message.push_str(" (not every translation says when it was updated)");
        }
        let mut finding = Finding::new(RULE.code, *first, here.head.clone(), message)
            .label(if dated { "an older version" } else { "another version" })
            .help(match only_current.first() {
                Some(img) => format!(
                    "bring the older translations up to date with the {ref_label} one, whose steps they lack or show otherwise (its `{img}`, for one); if they are current, update their `updated` dates"
                ),
                None => format!(
                    "bring the older translations up to date with the {ref_label} one; if they are current, update their `updated` dates"
                ),
            });
        for v in &stale {
            for &i in v.members.iter().filter(|&&i| i != *first) {
                finding = finding.related_in(i, ctx.summaries[i].head.clone(), "also this version");
            }
        }
        let ref_span: Range<usize> = ctx.summaries[ref_file].head.clone();
        finding = finding.related_in(
            ref_file,
            ref_span,
            format!("the {ref_label} translation, the current version"),
        );
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn localized_names_stand_for_each_other() {
        assert!(same_version(
            &v(&["images/1107.png", "images/1108.png"]),
            &v(&["images/img_1107.jpg", "images/img_1108.jpg"])
        ));
        assert!(same_version(
            &v(&["images/mxplan02-ca.png", "images/mxplan03-ca.png"]),
            &v(&["images/mxplan02.png", "images/mxplan03.png"])
        ));
        assert!(same_version(
            &v(&["images/login-fr.png", "images/block.png"]),
            &v(&["images/login_en.png", "images/block.png"])
        ));
        // Renamed altogether, but shown in the same pattern.
        assert!(same_version(
            &v(&["images/a.png", "images/b.png", "images/a.png"]),
            &v(&["images/x.png", "images/y.png", "images/x.png"])
        ));
    }

    #[test]
    fn other_steps_are_another_version() {
        assert!(!same_version(
            &v(&["images/step1.png", "images/step2.png", "images/step3.png"]),
            &v(&["images/step1.png", "images/step2.png"])
        ));
        assert!(!same_version(&v(&["images/a.png"]), &v(&[])));
        // One image shared, the other replaced: not a renaming.
        assert!(!same_version(
            &v(&["images/a.png", "images/b.png"]),
            &v(&["images/a.png", "images/c.png"])
        ));
        assert!(!same_version(
            &v(&["images/old-login.png", "images/old-menu.png"]),
            &v(&[
                "images/new-login.png",
                "images/new-menu.png",
                "images/new-menu.png"
            ])
        ));
    }
}
