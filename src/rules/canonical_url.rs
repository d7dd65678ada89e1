//! GL109 bad-canonical-url: a front matter's `routes: canonical:` that is no
//! working address of the docs site, or that sends a guide to another
//! locale's page.

use super::{Check, GuideContext, Rule};
use crate::corpus::layout::locale_of_file_name;
use crate::corpus::schema::lookup;
use crate::corpus::summary::host_of;
use crate::diagnostic::{Finding, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL109",
    name: "bad-canonical-url",
    severity: Severity::Error,
    summary: "A canonical URL (`routes: canonical:`) that is malformed (a doubled scheme) or that points a guide at another locale's page",
    docs: include_str!("canonical_url.md"),
    check: Check::Guide(check),
};

/// The path prefix of a locale's pages on the docs site: `/fr/` for `fr-fr`,
/// `/ca/fr/` for `fr-ca` (the country first, unless it is the language).
pub fn locale_prefix(locale: &str) -> Option<String> {
    let (lang, country) = locale.split_once('-')?;
    Some(if lang == country {
        format!("/{lang}/")
    } else {
        format!("/{country}/{lang}/")
    })
}

/// The locale a docs-site path starts with (`/ca/fr/emails/x/` → `fr-ca`),
/// among the shapes [`locale_prefix`] gives.
fn path_locale(path: &str) -> Option<String> {
    let mut parts = path.trim_start_matches('/').split('/');
    let first = parts
        .next()
        .filter(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_lowercase()))?;
    match parts.next() {
        Some(second) if second.len() == 2 && second.bytes().all(|b| b.is_ascii_lowercase()) => {
            Some(format!("{second}-{first}"))
        }
        _ => Some(format!("{first}-{first}")),
    }
}

fn check(ctx: &GuideContext<'_>, out: &mut Vec<Finding>) {
    let Some(fm) = &ctx.guide.front_matter else {
        return;
    };
    let Ok(map) = &fm.value else { return };
    let Some(canonical) = lookup(map, "routes")
        .and_then(|r| r.as_mapping())
        .and_then(|r| lookup(r, "canonical"))
        .and_then(|c| c.as_str())
    else {
        return;
    };
    let url = canonical.trim();
    // Where it is written: the `canonical:` line under `routes:`.
    let span = fm
        .keys
        .iter()
        .find(|k| k.key.eq_ignore_ascii_case("routes"))
        .and_then(|k| {
            let from = k.key_span.start;
            let block = ctx.text.get(from..fm.yaml_span.end)?;
            let at = block.find(url)?;
            Some(from + at..from + at + url.len())
        })
        .unwrap_or_else(|| fm.span.start..fm.span.start + 3);
    let mut report = |message: String, help: String| {
        out.push(
            Finding::new(RULE.code, ctx.file, span.clone(), message)
                .label("canonical URL")
                .help(help),
        );
    };
    let lower = url.to_ascii_lowercase();
    let scheme_end = lower.find("://").map(|i| i + 3);
    if let Some(end) = scheme_end
        && (lower[end..].starts_with("http:") || lower[end..].starts_with("https:"))
    {
        report(
            format!("canonical URL `{url}` has its scheme twice"),
            format!("write it once: `{}`", &url[end..]),
        );
        return;
    }
    if url.contains(char::is_whitespace) || (scheme_end.is_none() && !url.starts_with('/')) {
        report(
            format!("canonical URL `{url}` is not an address"),
            "write a full address of the docs site (`https://docs.ovh.com/…/`) or a site path (`/pages/web/emails/<folder>`)".to_string(),
        );
        return;
    }
    // A published URL of the docs site must be one of this guide's locale.
    let site_host = ctx
        .config
        .corpus
        .url_pattern
        .as_deref()
        .and_then(host_of)
        .map(str::to_ascii_lowercase);
    let name = std::path::Path::new(ctx.path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("");
    let (Some(host), Some(site_host), Some(locale)) =
        (host_of(url), site_host, locale_of_file_name(name))
    else {
        return;
    };
    if !host.eq_ignore_ascii_case(&site_host) {
        return;
    }
    let path = &url[url.find("://").map_or(0, |i| i + 3) + host.len()..];
    let Some(theirs) = path_locale(path) else {
        return;
    };
    if theirs != locale
        && let Some(prefix) = locale_prefix(&locale)
    {
        report(
            format!(
                "canonical URL `{url}` is a page of the {theirs} site, but this guide is {locale}"
            ),
            format!(
                "point it at the {locale} page (its path starts with `{prefix}`), or at the guide's site path `/pages/…`, which the site resolves in each locale"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_prefixes() {
        assert_eq!(locale_prefix("fr-fr").as_deref(), Some("/fr/"));
        assert_eq!(locale_prefix("fr-ca").as_deref(), Some("/ca/fr/"));
        assert_eq!(locale_prefix("en-gb").as_deref(), Some("/gb/en/"));
        assert_eq!(path_locale("/ca/fr/emails/x/").as_deref(), Some("fr-ca"));
        assert_eq!(path_locale("/fr/emails/x/").as_deref(), Some("fr-fr"));
        assert_eq!(path_locale("/pl/emails/x/").as_deref(), Some("pl-pl"));
        assert_eq!(path_locale("/emails/x/"), None);
    }
}
