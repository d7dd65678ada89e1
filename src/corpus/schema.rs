//! The front-matter schema (`rules/frontmatter.yaml`): the keys a guide's front
//! matter may hold, their types, the accepted forms (legacy and current), and
//! the keys whose values the translations of a guide must share.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;
use serde_yaml::{Mapping, Value};

use crate::data::{self, DataError};

/// The type of a front-matter value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ValueType {
    /// Any text.
    String,
    /// Text made of lowercase ASCII letters, digits, `-` and `_` (part of a URL).
    Slug,
    /// A whole number, unquoted.
    Integer,
    /// `true` or `false`, unquoted.
    Boolean,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// The number of a guide on the old site: a number (`1474`, quoted or
    /// not), or `g` and digits (`g1474`).
    LegacyNumber,
    /// A mapping whose keys are declared under `fields`.
    Mapping,
}

/// What the schema says of one key.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeySpec {
    /// The value's type.
    #[serde(rename = "type")]
    pub kind: ValueType,
    /// Whether the translations of one guide must hold the same value.
    #[serde(default)]
    pub agree: bool,
    /// The key's name translated, as writers mistype it (`titel`, `titre`);
    /// lowercase.
    #[serde(default)]
    pub translated: Vec<String>,
    /// For a mapping, the keys it may hold.
    #[serde(default)]
    pub fields: BTreeMap<String, KeySpec>,
}

/// One accepted shape of front matter.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Form {
    /// Its name, for messages (`legacy`, `current`).
    pub name: String,
    /// Keys that show a guide follows this form.
    #[serde(default)]
    pub detect: Vec<String>,
    /// Keys a guide of this form must hold.
    pub required: Vec<String>,
    /// Keys the site does without, but readers and search engines use.
    #[serde(default)]
    pub recommended: Vec<String>,
    /// Keys a hidden guide (`hidden: true`) needs neither way.
    #[serde(default)]
    pub not_if_hidden: Vec<String>,
}

/// The whole schema.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// Every known key, by name.
    pub keys: BTreeMap<String, KeySpec>,
    /// The accepted forms, tried in order.
    pub forms: Vec<Form>,
    /// The form of a guide file (`guide.<locale>.md`) that holds no detecting key.
    pub default_form: String,
    /// How guides write the "Last updated …" line of their body.
    #[serde(default)]
    pub updated_line: UpdatedLine,
}

/// How guides write the line that tells readers when they were last updated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdatedLine {
    /// How the line starts, in each language.
    pub phrases: Vec<String>,
    /// Month names by month number.
    pub months: BTreeMap<u32, Vec<String>>,
}

static EMBEDDED: LazyLock<Result<Schema, DataError>> =
    LazyLock::new(|| Schema::parse("rules/frontmatter.yaml", data::FRONT_MATTER_YAML));

impl Schema {
    /// Parses schema text; `file` names it in errors. Every key a form names must be declared.
    pub fn parse(file: &str, text: &str) -> Result<Schema, DataError> {
        let schema: Schema = data::from_yaml(file, text)?;
        let undeclared = schema
            .forms
            .iter()
            .flat_map(|f| {
                f.detect
                    .iter()
                    .chain(&f.required)
                    .chain(&f.recommended)
                    .chain(&f.not_if_hidden)
            })
            .find(|k| !schema.keys.contains_key(*k));
        if let Some(key) = undeclared {
            return Err(DataError::new(
                file,
                text,
                text.find(key.as_str()),
                format!("the key `{key}` is used by a form but not declared under `keys`"),
            ));
        }
        if !schema.forms.iter().any(|f| f.name == schema.default_form) {
            return Err(DataError::new(
                file,
                text,
                text.find("default_form"),
                format!("no form is named `{}`", schema.default_form),
            ));
        }
        Ok(schema)
    }

    /// The schema shipped in `rules/frontmatter.yaml` (`None` only if it were broken; a test guards it).
    pub fn embedded() -> Option<&'static Schema> {
        EMBEDDED.as_ref().ok()
    }

    /// The form `map` follows: the first form one of whose detecting keys it
    /// holds; else, for a guide file, the default form; else none (a fragment).
    pub fn form_for(&self, map: &Mapping, guide_file: bool) -> Option<&Form> {
        let detected = self
            .forms
            .iter()
            .find(|f| f.detect.iter().any(|k| lookup(map, k).is_some()));
        match detected {
            Some(form) => Some(form),
            None if guide_file => self.forms.iter().find(|f| f.name == self.default_form),
            None => None,
        }
    }

    /// The declared key `key` stands for: itself, or the declared key it
    /// spells with capitals (`Section`), which the site reads as that key.
    pub fn canonical<'s>(&'s self, key: &str) -> Option<&'s str> {
        if let Some((k, _)) = self.keys.get_key_value(key) {
            return Some(k.as_str());
        }
        let lower = key.to_lowercase();
        self.keys.get_key_value(&lower).map(|(k, _)| k.as_str())
    }

    /// The declared key whose name `key` is a translation of (`Titel` → `title`).
    pub fn translation_of(&self, key: &str) -> Option<&str> {
        let lower = key.trim_end_matches(':').to_lowercase();
        self.keys
            .iter()
            .find(|(_, spec)| spec.translated.contains(&lower))
            .map(|(k, _)| k.as_str())
    }

    /// The keys `form` asks of a guide: (required, recommended), leaving out
    /// what a hidden guide needs neither way.
    pub fn expected<'s>(&'s self, form: &'s Form, hidden: bool) -> (Vec<&'s str>, Vec<&'s str>) {
        let keep = |k: &&String| !(hidden && form.not_if_hidden.contains(k));
        (
            form.required
                .iter()
                .filter(keep)
                .map(String::as_str)
                .collect(),
            form.recommended
                .iter()
                .filter(keep)
                .map(String::as_str)
                .collect(),
        )
    }

    /// The keys translations must agree on, in name order.
    pub fn agree_keys(&self) -> impl Iterator<Item = &str> {
        self.keys
            .iter()
            .filter(|(_, spec)| spec.agree)
            .map(|(k, _)| k.as_str())
    }
}

impl ValueType {
    /// How the expected value is named in messages.
    pub fn describe(self) -> &'static str {
        match self {
            ValueType::String => "text",
            ValueType::Slug => "a slug (lowercase letters, digits and hyphens)",
            ValueType::Integer => "a whole number",
            ValueType::Boolean => "`true` or `false`",
            ValueType::Date => "a date written YYYY-MM-DD",
            ValueType::LegacyNumber => "a guide number such as `1474` or `g1474`",
            ValueType::Mapping => "a mapping of keys to values",
        }
    }

    /// Whether `value` is of this type.
    pub fn accepts(self, value: &Value) -> bool {
        match (self, value) {
            (ValueType::String, Value::String(s)) => !s.trim().is_empty(),
            (ValueType::Slug, Value::String(s)) => is_slug(s),
            (ValueType::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
            (ValueType::Boolean, Value::Bool(_)) => true,
            (ValueType::Date, Value::String(s)) => is_date(s),
            (ValueType::LegacyNumber, Value::Number(n)) => n.is_u64(),
            (ValueType::LegacyNumber, Value::String(s)) => is_legacy_number(s),
            (ValueType::Mapping, Value::Mapping(_)) => true,
            _ => false,
        }
    }
}

/// How a YAML value is named in messages ("a list", "text `Foo`").
pub fn describe_value(value: &Value) -> String {
    match value {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.trim().is_empty() => "empty text".into(),
        Value::String(s) => format!("the text `{}`", shorten(s)),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a mapping".into(),
        Value::Tagged(t) => format!("a `{}` value", t.tag),
    }
}

/// The value `key` holds in `map`, found as the site finds it (key names
/// lowercased).
pub fn lookup<'m>(map: &'m Mapping, key: &str) -> Option<&'m Value> {
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.as_str().is_some_and(|k| k.to_lowercase() == key))
            .map(|(_, v)| v)
    })
}

/// How the site's YAML reader (Python, YAML 1.1) types a value that serde_yaml
/// (YAML 1.2) read as `value`; `raw` is the value as written on its line, when
/// known. Only plain (unquoted) scalars differ: `03` is the octal number 3,
/// `0x1F` and `1_000` are numbers, `yes`, `no`, `on`, `off` are booleans.
pub fn site_value<'v>(value: &'v Value, raw: Option<&str>) -> Cow<'v, Value> {
    let Value::String(text) = value else {
        return Cow::Borrowed(value);
    };
    let plain = match raw {
        Some(raw) => {
            // A comment after the value is no part of it.
            let raw = raw.split(" #").next().unwrap_or(raw).trim();
            !raw.starts_with(['\'', '"', '|', '>', '!', '&', '*', '[', '{']) && raw == text.trim()
        }
        None => false,
    };
    if !plain {
        return Cow::Borrowed(value);
    }
    yaml11_scalar(text.trim()).map_or(Cow::Borrowed(value), Cow::Owned)
}

/// A plain scalar's value under YAML 1.1's core types, when it is not text.
fn yaml11_scalar(t: &str) -> Option<Value> {
    match t {
        "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Some(Value::Bool(true));
        }
        "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Some(Value::Bool(false));
        }
        "~" | "null" | "Null" | "NULL" | "" => return Some(Value::Null),
        _ => {}
    }
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    // Every integer form starts with a digit (most values are text).
    if !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    let parsed = if let Some(hex) = clean.strip_prefix("0x") {
        (!hex.is_empty())
            .then(|| i64::from_str_radix(hex, 16).ok())
            .flatten()
    } else if let Some(bin) = clean.strip_prefix("0b") {
        (!bin.is_empty())
            .then(|| i64::from_str_radix(bin, 2).ok())
            .flatten()
    } else if clean.len() > 1 && clean.starts_with('0') {
        // `0[0-7_]+`: octal; `08` matches no integer form and stays text.
        i64::from_str_radix(&clean[1..], 8).ok()
    } else if !clean.is_empty()
        && clean.bytes().all(|b| b.is_ascii_digit())
        && digits.starts_with(|c: char| c.is_ascii_digit())
    {
        clean.parse::<i64>().ok()
    } else {
        None
    };
    parsed.map(|n| Value::Number(if negative { -n } else { n }.into()))
}

/// True when the site hides the guide: its `hidden` value (written `raw`)
/// is true as the site reads it.
pub fn is_hidden(map: &Mapping, raw: Option<&str>) -> bool {
    lookup(map, "hidden").is_some_and(|v| truthy(&site_value(v, raw)))
}

/// True when the site takes `value` for true (Python's truth: any non-empty text is).
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Null => false,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Sequence(s) => !s.is_empty(),
        Value::Mapping(m) => !m.is_empty(),
        Value::Tagged(_) => true,
    }
}

/// `1474`, `'1474'` or `g1474`: the number of a guide on the old site.
pub fn is_legacy_number(s: &str) -> bool {
    let s = s.trim();
    let digits = s.strip_prefix(['g', 'G']).unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A legacy number without its `g`, for comparing translations (`g1474` and
/// `1474` name one guide).
pub fn legacy_number_key(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix(['g', 'G']).unwrap_or(s)
}

/// A front-matter value as text, for comparing translations.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Null => String::new(),
        other => serde_yaml::to_string(other)
            .map(|s| s.trim().to_string())
            .unwrap_or_default(),
    }
}

fn shorten(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Lowercase ASCII letters, digits, `-` and `_`, starting with a letter or digit.
pub fn is_slug(s: &str) -> bool {
    s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// `YYYY-MM-DD` with a month from 1 to 12 and a day from 1 to 31.
pub fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.trim().split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return false;
    }
    let (m, d): (u32, u32) = (m.parse().unwrap_or(0), d.parse().unwrap_or(0));
    (1..=12).contains(&m) && (1..=31).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(yaml: &str) -> Mapping {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn the_embedded_schema_parses() {
        let s = Schema::embedded().expect("rules/frontmatter.yaml is valid");
        assert_eq!(s.agree_keys().collect::<Vec<_>>(), ["legacy_guide_number"]);
    }

    #[test]
    fn forms_are_detected_by_their_keys() {
        let s = Schema::embedded().unwrap();
        let legacy = map("title: T\nslug: s\n");
        assert_eq!(
            s.form_for(&legacy, false).map(|f| f.name.as_str()),
            Some("legacy")
        );
        let current = map("title: T\nupdated: 2021-07-19\n");
        assert_eq!(
            s.form_for(&current, false).map(|f| f.name.as_str()),
            Some("current")
        );
        let fragment = map("title: T\n");
        assert!(s.form_for(&fragment, false).is_none());
        assert_eq!(
            s.form_for(&fragment, true).map(|f| f.name.as_str()),
            Some("current")
        );
    }

    #[test]
    fn types() {
        let v = |y: &str| serde_yaml::from_str::<Value>(y).unwrap();
        assert!(ValueType::Date.accepts(&v("2021-07-19")));
        assert!(!ValueType::Date.accepts(&v("2021-13-19")));
        assert!(!ValueType::Date.accepts(&v("19/07/2021")));
        assert!(ValueType::Integer.accepts(&v("1474")));
        assert!(!ValueType::Integer.accepts(&v("'1474'")));
        assert!(ValueType::Boolean.accepts(&v("true")));
        assert!(!ValueType::Boolean.accepts(&v("yes")));
        assert!(ValueType::Slug.accepts(&v("configuration-outlook-2016")));
        assert!(!ValueType::Slug.accepts(&v("Configuration Outlook")));
        assert!(!ValueType::String.accepts(&v("~")));
        assert!(!ValueType::String.accepts(&v("[a, b]")));
    }

    #[test]
    fn values_are_typed_like_the_sites_yaml_reader() {
        let site = |raw: &str| {
            let v: Value = serde_yaml::from_str(raw).unwrap();
            site_value(&v, Some(raw)).into_owned()
        };
        assert_eq!(site("03"), Value::Number(3.into()));
        assert_eq!(site("010"), Value::Number(8.into()));
        assert_eq!(site("08"), Value::String("08".into()));
        assert_eq!(site("1_000"), Value::Number(1000.into()));
        assert_eq!(site("0x1F"), Value::Number(31.into()));
        assert_eq!(site("yes"), Value::Bool(true));
        assert_eq!(site("Off"), Value::Bool(false));
        assert_eq!(site("'03'"), Value::String("03".into()));
        assert_eq!(site("\"yes\""), Value::String("yes".into()));
        assert_eq!(site("g1918"), Value::String("g1918".into()));
        assert_eq!(site("2021-07-19"), Value::String("2021-07-19".into()));
        let integer = |raw: &str| ValueType::Integer.accepts(&site(raw));
        assert!(integer("03") && integer("5") && !integer("'3'") && !integer("08"));
        let boolean = |raw: &str| ValueType::Boolean.accepts(&site(raw));
        assert!(boolean("yes") && boolean("false") && !boolean("'false'"));
    }

    #[test]
    fn legacy_numbers() {
        let v = |y: &str| serde_yaml::from_str::<Value>(y).unwrap();
        for ok in ["1474", "'1474'", "g1918", "g1297 ", "G12"] {
            assert!(ValueType::LegacyNumber.accepts(&v(ok)), "{ok}");
        }
        for bad in ["g", "'g 12'", "12a", "-3", "''"] {
            assert!(!ValueType::LegacyNumber.accepts(&v(bad)), "{bad}");
        }
        assert_eq!(legacy_number_key("g1474"), legacy_number_key("1474"));
    }

    #[test]
    fn keys_with_capitals_and_translated_keys() {
        let s = Schema::embedded().unwrap();
        assert_eq!(s.canonical("Section"), Some("section"));
        assert_eq!(s.canonical("sektion"), None);
        assert_eq!(s.translation_of("Titel"), Some("title"));
        assert_eq!(s.translation_of("Titel:"), Some("title"));
        assert_eq!(s.translation_of("Tytuł"), Some("title"));
        assert_eq!(s.translation_of("Rubrique"), Some("section"));
        assert_eq!(s.translation_of("routes"), None);
    }

    #[test]
    fn hidden_guides_need_no_section_or_excerpt() {
        let s = Schema::embedded().unwrap();
        let legacy = s.forms.iter().find(|f| f.name == "legacy").unwrap();
        assert_eq!(
            s.expected(legacy, false),
            (vec!["title", "slug", "section"], vec!["excerpt"])
        );
        assert_eq!(s.expected(legacy, true), (vec!["title", "slug"], vec![]));
        let m = map("hidden: no\n");
        assert!(!is_hidden(&m, Some("no")));
        assert!(is_hidden(&m, Some("'no'")));
        assert!(is_hidden(&map("hidden: yes\n"), Some("yes")));
        assert!(!is_hidden(&map("title: T\n"), None));
    }

    #[test]
    fn undeclared_form_keys_are_errors() {
        let text = "keys: {title: {type: string}}\nforms: [{name: a, required: [title, slug]}]\ndefault_form: a\n";
        assert!(Schema::parse("s.yaml", text).is_err());
        let text = "keys: {title: {type: string}}\nforms: [{name: a, required: [title]}]\ndefault_form: b\n";
        assert!(Schema::parse("s.yaml", text).is_err());
    }
}
