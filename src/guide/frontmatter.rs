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

/// Finds and parses the front matter at the top of `text`.
pub fn split(text: &str) -> Split {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[bom..];
    let first_end = rest.find('\n').map(|i| i + 1).unwrap_or(rest.len());
    if rest[..first_end].trim_end() != "---" {
        return Split::None { body_start: bom };
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
            let yaml_span = yaml_start..pos;
            let value = parse_yaml(&text[yaml_span.clone()], yaml_start);
            let keys = top_level_keys(text, yaml_span.clone());
            return Split::Some {
                front_matter: FrontMatter {
                    yaml_span,
                    span: bom..end,
                    value,
                    keys,
                },
                body_start: end,
            };
        }
        pos = end;
    }
    Split::Unclosed {
        fence: bom..bom + first_end.min(3),
    }
}

fn parse_yaml(yaml: &str, base: usize) -> Result<serde_yaml::Mapping, YamlError> {
    if yaml.len() > MAX_YAML_BYTES {
        return Err(YamlError {
            message: format!(
                "front matter is {} bytes; guidelint reads at most {MAX_YAML_BYTES}",
                yaml.len()
            ),
            offset: base,
        });
    }
    if yaml.trim().is_empty() {
        return Ok(serde_yaml::Mapping::new());
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
            message: e.to_string(),
        }),
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
}
