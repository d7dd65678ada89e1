//! Finding where a rule or a field stands in a rule file, so that errors found
//! after serde (a bad regex, a duplicate code) still point into the YAML.
//!
//! Rule files are block-style YAML (`rules:` then `- code: …` items); the
//! locator reads their layout line by line. Anything it cannot place falls back
//! to the rule's first line, then to the top of the file.

use std::ops::Range;

/// The items of a rule file's top-level `rules:` sequence, by line.
pub struct Locator<'t> {
    text: &'t str,
    /// Byte range of each item of `rules:`, in order.
    items: Vec<Range<usize>>,
}

impl<'t> Locator<'t> {
    /// Reads the layout of `text`.
    pub fn new(text: &'t str) -> Self {
        let mut items: Vec<Range<usize>> = Vec::new();
        let mut in_rules = false;
        let mut indent: Option<usize> = None;
        let mut pos = 0;
        for line in text.split_inclusive('\n') {
            let start = pos;
            pos += line.len();
            let body = line.trim_end_matches(['\n', '\r']);
            let trimmed = body.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let lead = body.len() - trimmed.len();
            if lead == 0 && !trimmed.starts_with('-') {
                in_rules = trimmed.starts_with("rules:");
                if let Some(last) = items.last_mut() {
                    last.end = last.end.max(start);
                }
                continue;
            }
            if !in_rules {
                continue;
            }
            if trimmed.starts_with("- ") || trimmed == "-" {
                let level = *indent.get_or_insert(lead);
                if lead == level {
                    items.push(start + lead..pos);
                    continue;
                }
            }
            if let Some(last) = items.last_mut() {
                last.end = pos;
            }
        }
        Locator { text, items }
    }

    /// Where rule `index` starts.
    pub fn rule(&self, index: usize) -> Option<usize> {
        self.items.get(index).map(|r| r.start)
    }

    /// Where the value of `field` of rule `index` starts (the rule's start if
    /// the field is not found).
    pub fn field(&self, index: usize, field: &str) -> Option<usize> {
        let item = self.items.get(index)?;
        let mut pos = item.start;
        for line in self.text[item.clone()].split_inclusive('\n') {
            let start = pos;
            pos += line.len();
            let body = line.trim_start();
            let body = body.strip_prefix("- ").map(str::trim_start).unwrap_or(body);
            if let Some(rest) = body.strip_prefix(field)
                && rest.trim_start().starts_with(':')
            {
                let key = start + (line.len() - body.len());
                let after = &rest[rest.find(':').map(|i| i + 1).unwrap_or(0)..];
                let value = after.len() - after.trim_start().len();
                let value_at = key + field.len() + (rest.len() - after.len()) + value;
                return Some(value_at.min(pos));
            }
        }
        Some(item.start)
    }

    /// Where `needle` is written in rule `index`, at or after its `field`
    /// (the field's value if the needle is not written verbatim).
    pub fn needle(&self, index: usize, field: &str, needle: &str) -> Option<usize> {
        let item = self.items.get(index)?;
        let from = self.field(index, field)?;
        if !needle.is_empty()
            && let Some(i) = self.text[from..item.end].find(needle)
        {
            return Some(from + i);
        }
        Some(from)
    }

    /// Where the top-level `key` stands.
    pub fn top_level(&self, key: &str) -> Option<usize> {
        let mut pos = 0;
        for line in self.text.split_inclusive('\n') {
            let start = pos;
            pos += line.len();
            if let Some(rest) = line.strip_prefix(key)
                && rest.trim_start().starts_with(':')
            {
                return Some(start);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "pack: p\nlists:\n  hosts: [a]\nrules:\n  - code: A1\n    name: a\n    pattern: 'x('\n  # comment\n  - code: B2\n    name: b\n    swap:\n      foo: bar\n";

    #[test]
    fn finds_rules_and_fields() {
        let l = Locator::new(TEXT);
        assert_eq!(&TEXT[l.rule(1).unwrap()..][..10], "- code: B2");
        assert_eq!(&TEXT[l.field(0, "pattern").unwrap()..][..4], "'x('");
        assert_eq!(&TEXT[l.field(1, "code").unwrap()..][..2], "B2");
        assert_eq!(&TEXT[l.needle(1, "swap", "foo").unwrap()..][..3], "foo");
        assert_eq!(&TEXT[l.top_level("lists").unwrap()..][..5], "lists");
    }

    #[test]
    fn missing_fields_fall_back_to_the_rule() {
        let l = Locator::new(TEXT);
        assert_eq!(l.field(0, "message"), l.rule(0));
        assert_eq!(l.rule(5), None);
    }
}
