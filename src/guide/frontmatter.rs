//! Front matter: the YAML block between `---` lines at the top of a Markdown guide.

use std::ops::Range;

/// Where a guide's front matter is, and what it holds.
#[derive(Debug, Clone)]
pub struct FrontMatter {
    /// Byte range of the YAML text (between the fences).
    pub yaml_span: Range<usize>,
    /// Byte range of the whole block, fences included.
    pub span: Range<usize>,
    /// The parsed mapping, or why it could not be parsed.
    pub value: Result<serde_yaml::Mapping, YamlError>,
    /// Each top-level key with the span of the key and of its value, in order.
    pub keys: Vec<KeySpan>,
}

/// A top-level key of the front matter and where it stands.
#[derive(Debug, Clone)]
pub struct KeySpan {
    /// The key.
    pub key: String,
    /// Byte range of the key.
    pub key_span: Range<usize>,
    /// Byte range of the value on the key's line (may be empty).
    pub value_span: Range<usize>,
}

/// A YAML error with the byte offset it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// serde_yaml's message.
    pub message: String,
    /// Absolute byte offset in the guide.
    pub offset: usize,
}

/// The result of looking for front matter.
#[derive(Debug)]
pub enum Split {
    /// No front matter: the body starts at this offset (after a BOM, if any).
    None { body_start: usize },
    /// Front matter, and the body offset after its closing fence.
    Some {
        /// The front matter.
        front_matter: FrontMatter,
        /// Where the Markdown body starts.
        body_start: usize,
    },
    /// An opening `---` with no closing fence.
    Unclosed {
        /// The opening fence.
        fence: Range<usize>,
    },
}

/// Most YAML bytes guidelint will parse in one front matter (alias bombs and
/// huge blocks are refused, not expanded).
const MAX_YAML_BYTES: usize = 64 * 1024;

/// Where the front matter's fences put it, before any YAML is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fences {
    /// No front matter: the body starts at this offset (after a BOM, if any).
    None { body_start: usize },
    /// A closed block: the YAML between the fences, the whole block, and the
    /// body offset after the closing fence.
    Closed {
        /// Byte range of the YAML text.
        yaml_span: Range<usize>,
        /// Byte range of the block, fences included.
        span: Range<usize>,
        /// Where the Markdown body starts.
        body_start: usize,
    },
    /// An opening `---` with no closing fence.
    Unclosed {
        /// The opening fence.
        fence: Range<usize>,
    },
}

/// Finds the front matter's fences at the top of `text` (reads no YAML).
pub fn fences(text: &str) -> Fences {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[bom..];
    let first_end = rest.find('\n').map(|i| i + 1).unwrap_or(rest.len());
    if rest[..first_end].trim_end() != "---" {
        return Fences::None { body_start: bom };
    }
    let yaml_start = bom + first_end;
    let mut pos = yaml_start;
    while pos < text.len() {
        let end = text[pos..]
            .find('\n')
            .map(|i| pos + i + 1)
            .unwrap_or(text.len());
        let line = text[pos..end].trim_end();
        if line == "---" || line == "..." {
            return Fences::Closed {
                yaml_span: yaml_start..pos,
                span: bom..end,
                body_start: end,
            };
        }
        pos = end;
    }
    Fences::Unclosed {
        fence: bom..bom + first_end.min(3),
    }
}

/// Finds and parses the front matter at the top of `text`.
pub fn split(text: &str) -> Split {
    match fences(text) {
        Fences::None { body_start } => Split::None { body_start },
        Fences::Unclosed { fence } => Split::Unclosed { fence },
        Fences::Closed {
            yaml_span,
            span,
            body_start,
        } => {
            let value = parse_yaml(&text[yaml_span.clone()], yaml_span.start);
            let keys = top_level_keys(text, yaml_span.clone());
            Split::Some {
                front_matter: FrontMatter {
                    yaml_span,
                    span,
                    value,
                    keys,
                },
                body_start,
            }
        }
    }
}

fn parse_yaml(yaml: &str, base: usize) -> Result<serde_yaml::Mapping, YamlError> {
    if yaml.len() > MAX_YAML_BYTES {
        return Err(YamlError {
            message: format!(
                "it is {} bytes long, more than the {MAX_YAML_BYTES} bytes guidelint reads",
                yaml.len()
            ),
            offset: base,
        });
    }
    if yaml.trim().is_empty() {
        return Ok(serde_yaml::Mapping::new());
    }
    if let Some(mapping) = flat::parse(yaml) {
        return Ok(mapping);
    }
    // Aliases are expanded by replaying their events: count the values first,
    // so an alias bomb is refused before it is built in memory.
    let nodes = std::cell::Cell::new(0);
    if let Err(e) = serde::de::DeserializeSeed::deserialize(
        NodeBudget(&nodes),
        serde_yaml::Deserializer::from_str(yaml),
    ) {
        return Err(YamlError {
            offset: base + e.location().map(|l| l.index()).unwrap_or(0).min(yaml.len()),
            message: explain_limit(e.to_string()),
        });
    }
    match serde_yaml::from_str::<serde_yaml::Value>(yaml) {
        Ok(serde_yaml::Value::Mapping(m)) => Ok(m),
        Ok(serde_yaml::Value::Null) => Ok(serde_yaml::Mapping::new()),
        Ok(_) => Err(YamlError {
            message: "front matter must be a mapping of keys to values".into(),
            offset: base,
        }),
        Err(e) => Err(YamlError {
            offset: base + e.location().map(|l| l.index()).unwrap_or(0).min(yaml.len()),
            message: explain_limit(e.to_string()),
        }),
    }
}

/// The front matter nearly every guide has, read without serde_yaml: one
/// `key: value` per line, with plain or simply quoted one-line values.
///
/// [`parse`](flat::parse) answers only for text it reads exactly as serde_yaml
/// would (the same mapping: keys, values and their types, in order); for
/// anything else (comments, nesting, escapes, colons, duplicate keys, numbers
/// other than plain integers and dates, …) it returns `None` and serde_yaml
/// reads the text, errors included.
mod flat {
    use serde_yaml::{Mapping, Value};

    /// The mapping `yaml` holds, when it is flat and simple enough.
    pub(super) fn parse(yaml: &str) -> Option<Mapping> {
        let mut mapping = Mapping::new();
        for line in yaml.split('\n') {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.is_empty() {
                continue;
            }
            let colon = line.find(':')?;
            let key = word(&line[..colon])?;
            let rest = &line[colon + 1..];
            let value = if rest.is_empty() {
                Value::Null
            } else {
                value(rest.strip_prefix(' ')?)?
            };
            if mapping
                .insert(Value::String(key.to_string()), value)
                .is_some()
            {
                // serde_yaml refuses duplicate keys.
                return None;
            }
        }
        Some(mapping)
    }

    /// A key: ASCII letters, digits, `_` and `-`, starting with a letter,
    /// and not a word YAML reads as null or a boolean.
    fn word(key: &str) -> Option<&str> {
        let ok = key.starts_with(|c: char| c.is_ascii_alphabetic())
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            && special(key).is_none();
        ok.then_some(key)
    }

    /// Null and booleans, as serde_yaml reads plain scalars.
    fn special(word: &str) -> Option<Value> {
        match word {
            "null" | "Null" | "NULL" | "~" => Some(Value::Null),
            "true" | "True" | "TRUE" => Some(Value::Bool(true)),
            "false" | "False" | "FALSE" => Some(Value::Bool(false)),
            _ => None,
        }
    }

    /// True for characters a one-line scalar may hold without question: no
    /// controls, no tab, no line or paragraph separator, no BOM or noncharacter.
    fn plain_char(c: char) -> bool {
        !(c.is_control()
            || matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            ))
    }

    /// The value after `key: `.
    fn value(raw: &str) -> Option<Value> {
        let text = raw.trim_end_matches(' ');
        if !text.chars().all(plain_char) {
            return None;
        }
        let first = text.chars().next()?;
        if first == '"' || first == '\'' {
            // A quoted string without escapes (nothing after the closing quote).
            let inner = text.strip_prefix(first)?.strip_suffix(first)?;
            if inner.is_empty() || inner.contains([first, '\\']) {
                return None;
            }
            return Some(Value::String(inner.to_string()));
        }
        // A plain scalar: no comment, no mapping indicator.
        if text.contains([':', '#']) {
            return None;
        }
        if first.is_ascii_digit() {
            return number_or_date(text);
        }
        if !first.is_alphanumeric() {
            return None;
        }
        // A word starting with a letter is a string unless it is null or a
        // boolean (`inf`, `nan` and the like are not finite: strings too).
        Some(special(text).unwrap_or_else(|| Value::String(text.to_string())))
    }

    /// `123` (an integer) or `2024-01-31` (a string), as serde_yaml reads them.
    fn number_or_date(text: &str) -> Option<Value> {
        if text.bytes().all(|b| b.is_ascii_digit()) {
            if text.len() > 1 && text.starts_with('0') {
                // Leading zeros: a string in YAML 1.2.
                return Some(Value::String(text.to_string()));
            }
            return text.parse::<u64>().ok().map(|n| Value::Number(n.into()));
        }
        // Digits and dashes, starting with a digit: neither an integer nor a
        // float, so a string.
        text.bytes()
            .all(|b| b.is_ascii_digit() || b == b'-')
            .then(|| Value::String(text.to_string()))
    }
}

/// Most values (aliases expanded) one front matter may hold.
const MAX_YAML_NODES: usize = 100_000;

/// The message of the error [`NodeBudget`] raises.
const OVER_BUDGET: &str = "guidelint: too many YAML values";

/// Visits a YAML document without building it, counting its values and
/// failing once there are more than [`MAX_YAML_NODES`].
#[derive(Clone, Copy)]
struct NodeBudget<'a>(&'a std::cell::Cell<usize>);

impl NodeBudget<'_> {
    fn spend<E: serde::de::Error>(self) -> Result<(), E> {
        let n = self.0.get() + 1;
        self.0.set(n);
        if n > MAX_YAML_NODES {
            Err(E::custom(OVER_BUDGET))
        } else {
            Ok(())
        }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for NodeBudget<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for NodeBudget<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        self.spend()
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        self.spend()
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        self.spend()
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        self.spend()
    }

    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
        self.spend()
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.spend()
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        self.spend()
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.spend()?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.spend()?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        // A tagged value (`!tag value`): count the tag, then the value.
        use serde::de::VariantAccess;
        let ((), variant) = data.variant_seed(self)?;
        variant.newtype_variant_seed(self)
    }
}

/// serde_yaml refuses alias bombs ("billion laughs") and deep nesting with
/// terse messages; say what they mean for a writer.
fn explain_limit(message: String) -> String {
    if message.starts_with("repetition limit exceeded") || message.contains(OVER_BUDGET) {
        "its aliases (`*name`) expand to too many values (an alias bomb)".into()
    } else if message.starts_with("recursion limit exceeded") {
        "it nests lists or mappings too deeply".into()
    } else {
        message
    }
}

/// The top-level `key: value` lines of a YAML block (for spans; the values come from serde_yaml).
fn top_level_keys(text: &str, span: Range<usize>) -> Vec<KeySpan> {
    let mut keys = Vec::new();
    let mut pos = span.start;
    for line in text[span.clone()].split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        if body.starts_with([' ', '\t', '#', '-']) || body.is_empty() {
            continue;
        }
        let Some(colon) = body.find(':') else {
            continue;
        };
        let key = body[..colon].trim().trim_matches(['"', '\'']);
        if key.is_empty() {
            continue;
        }
        let after = &body[colon + 1..];
        let lead = after.len() - after.trim_start().len();
        let value_start = start + colon + 1 + lead;
        keys.push(KeySpan {
            key: key.to_string(),
            key_span: start..start + colon,
            value_span: value_start..start + body.trim_end().len().max(colon + 1),
        });
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let text = "---\ntitle: T\nslug: s\n---\n\n# Body\n";
        let Split::Some {
            front_matter,
            body_start,
        } = split(text)
        else {
            panic!("expected front matter")
        };
        assert_eq!(&text[body_start..], "\n# Body\n");
        let map = front_matter.value.unwrap();
        assert_eq!(map.get("slug").and_then(|v| v.as_str()), Some("s"));
        assert_eq!(front_matter.keys[1].key, "slug");
        assert_eq!(&text[front_matter.keys[1].value_span.clone()], "s");
    }

    #[test]
    fn no_front_matter() {
        assert!(matches!(split("# Title\n"), Split::None { body_start: 0 }));
        assert!(matches!(
            split("\u{feff}# T"),
            Split::None { body_start: 3 }
        ));
    }

    #[test]
    fn unclosed_front_matter() {
        assert!(matches!(
            split("---\ntitle: x\n# no end\n"),
            Split::Unclosed { .. }
        ));
    }

    #[test]
    fn yaml_error_points_inside_the_block() {
        let text = "---\ntitle: [oops\n---\n";
        let Split::Some { front_matter, .. } = split(text) else {
            panic!()
        };
        let err = front_matter.value.unwrap_err();
        assert!(err.offset >= 4 && err.offset <= text.len(), "{err:?}");
    }

    fn yaml_error(yaml: &str) -> YamlError {
        let text = format!("---\n{yaml}---\n");
        let Split::Some { front_matter, .. } = split(&text) else {
            panic!("expected front matter")
        };
        let err = front_matter.value.unwrap_err();
        assert!(err.offset >= 4 && err.offset <= 4 + yaml.len(), "{err:?}");
        err
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut yaml = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (prev, name) in ('a'..='k').zip('b'..='l') {
            let refs = vec![format!("*{prev}"); 9].join(", ");
            yaml.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        let err = yaml_error(&yaml);
        assert!(err.message.contains("alias bomb"), "{err:?}");
    }

    #[test]
    fn one_wide_alias_repeated_is_refused() {
        // Under serde_yaml's own repetition limit, yet 10^8 values once expanded.
        let wide = vec!["x"; 10_000].join(",");
        let refs = vec!["*a"; 10_000].join(",");
        let yaml = format!("a: &a [{wide}]\nb: [{refs}]\n");
        let err = yaml_error(&yaml);
        assert!(err.message.contains("alias bomb"), "{err:?}");
    }

    #[test]
    fn a_few_aliases_are_fine() {
        let text = "---\nbase: &b {x: 1}\nother: *b\ntag: !custom value\n---\n";
        let Split::Some { front_matter, .. } = split(text) else {
            panic!()
        };
        let map = front_matter.value.unwrap();
        assert!(map.get("other").is_some_and(|v| v.is_mapping()));
    }

    #[test]
    fn deep_nesting_is_refused() {
        for yaml in [
            format!("x: {}{}\n", "[".repeat(20_000), "]".repeat(20_000)),
            format!("x: {}1{}\n", "{a: ".repeat(5_000), "}".repeat(5_000)),
            (0..300)
                .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
                .collect(),
        ] {
            assert!(
                yaml_error(&yaml).message.contains("too deeply"),
                "{yaml:.40}"
            );
        }
    }

    #[test]
    fn huge_front_matter_is_refused() {
        let yaml = format!("x: \"{}\"\n", "a".repeat(MAX_YAML_BYTES));
        assert!(yaml_error(&yaml).message.contains("bytes long"));
    }

    #[test]
    fn crlf_and_bom() {
        let text = "\u{feff}---\r\ntitle: T\r\n---\r\nbody";
        let Split::Some {
            body_start,
            front_matter,
        } = split(text)
        else {
            panic!()
        };
        assert_eq!(&text[body_start..], "body");
        assert!(front_matter.value.is_ok());
    }

    /// What serde_yaml alone makes of `yaml` (the path before the flat reader).
    fn by_serde(yaml: &str) -> Option<serde_yaml::Mapping> {
        match serde_yaml::from_str::<serde_yaml::Value>(yaml) {
            Ok(serde_yaml::Value::Mapping(m)) => Some(m),
            _ => None,
        }
    }

    #[test]
    fn the_flat_reader_agrees_with_serde_yaml_or_abstains() {
        let cases = [
            "title: Configure your e-mail\nslug: configure-email\n",
            "order: 3\nlegacy_guide_number: 2072\nupdated: 2024-01-31\n",
            "a: 007\nb: 0\nc: 99999999999999999999\nd: 1-2\ne: 12 monkeys\n",
            "t: true\nf: False\nn: null\nm: ~\ne:\nyes: no\non: off\n",
            "x: inf\ny: NaN\nz: .inf\nw: -1\nv: +1\nu: 1.5\nh: 0x1F\n",
            "title: \"Guide: set up\"\nq: 'single'\ne: \"\"\ns: 'it''s'\nb: \"a\\tb\"\n",
            "title: a: b\nu: http://x\nc: x # comment\nh: a#b\n",
            "k: v\nk: w\n",
            "key:value\n  indented: 1\n- item\n# comment\n",
            "title:  two spaces\nt:\tx\ncrlf: yes\r\nv: trailing   \n",
            "list:\n- a\n- b\n",
            "m: [a, b]\nn: {a: 1}\no: &x y\np: *x\nq: !tag v\nr: |\n  block\n",
            "true: 1\nnull: 2\n123: 3\nÉté: 4\n",
            "title: Été «chaud» — l'e-mail, [x] {y} 100%\n",
            "a: b\n\n\nc: d",
            "e1: E5\ninfinity: Infinity\n",
        ];
        for yaml in cases {
            let serde = by_serde(yaml);
            if let Some(flat) = flat::parse(yaml) {
                assert_eq!(Some(flat), serde, "{yaml:?}");
            }
        }
        // The common shapes do take the fast path.
        assert!(flat::parse(cases[0]).is_some());
        assert!(flat::parse(cases[1]).is_some());
    }

    /// Compares the flat reader with serde_yaml on every front matter under
    /// `GUIDELINT_FLAT_CORPUS` (a folder of guides); skipped when unset.
    #[test]
    fn the_flat_reader_agrees_on_a_corpus() {
        let Some(root) = std::env::var_os("GUIDELINT_FLAT_CORPUS") else {
            return;
        };
        let roots = [root.to_string_lossy().into_owned()];
        let (mut fast, mut all) = (0, 0);
        for file in crate::discover::discover(&roots).unwrap() {
            let path = file.path;
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let Split::Some { front_matter, .. } = split(&text) else {
                continue;
            };
            let yaml = &text[front_matter.yaml_span.clone()];
            all += 1;
            if let Some(flat) = flat::parse(yaml) {
                fast += 1;
                assert_eq!(Some(flat), by_serde(yaml), "{}", path.display());
            }
        }
        eprintln!("flat reader: {fast} of {all} front matters");
    }
}
