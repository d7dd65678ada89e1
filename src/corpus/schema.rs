//! The front-matter schema (`rules/frontmatter.yaml`): the keys a guide's front
//! matter may hold, their types, the accepted forms (legacy and current), and
//! the keys whose values the translations of a guide must share.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;
use serde_yaml::{Mapping, Value};

use crate::data::{self, DataError};

/// The type of a front-matter value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
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
            .flat_map(|f| f.detect.iter().chain(&f.required))
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
            .find(|f| f.detect.iter().any(|k| map.contains_key(k.as_str())));
        match detected {
            Some(form) => Some(form),
            None if guide_file => self.forms.iter().find(|f| f.name == self.default_form),
            None => None,
        }
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
        assert_eq!(
            s.agree_keys().collect::<Vec<_>>(),
            ["order", "section", "slug"]
        );
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
    fn undeclared_form_keys_are_errors() {
        let text = "keys: {title: {type: string}}\nforms: [{name: a, required: [title, slug]}]\ndefault_form: a\n";
        assert!(Schema::parse("s.yaml", text).is_err());
        let text = "keys: {title: {type: string}}\nforms: [{name: a, required: [title]}]\ndefault_form: b\n";
        assert!(Schema::parse("s.yaml", text).is_err());
    }
}
