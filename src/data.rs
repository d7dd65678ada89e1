//! Data files: the defaults embedded from `rules/`, and errors that point into a YAML file.

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::de::DeserializeOwned;

/// The universal protocol facts (`rules/protocols.yaml`).
pub const PROTOCOLS_YAML: &str = include_str!("../rules/protocols.yaml");
/// The shipped canonical spec (`rules/spec.yaml`).
pub const SPEC_YAML: &str = include_str!("../rules/spec.yaml");
/// The front-matter schema of guides (`rules/frontmatter.yaml`).
pub const FRONT_MATTER_YAML: &str = include_str!("../rules/frontmatter.yaml");
/// The shipped vocabularies (`rules/vocab/*.yaml`), as (file name, text).
pub const VOCABULARIES: &[(&str, &str)] = &[
    (
        "rules/vocab/fr.yaml",
        include_str!("../rules/vocab/fr.yaml"),
    ),
    (
        "rules/vocab/en.yaml",
        include_str!("../rules/vocab/en.yaml"),
    ),
    (
        "rules/vocab/de.yaml",
        include_str!("../rules/vocab/de.yaml"),
    ),
    (
        "rules/vocab/es.yaml",
        include_str!("../rules/vocab/es.yaml"),
    ),
    (
        "rules/vocab/it.yaml",
        include_str!("../rules/vocab/it.yaml"),
    ),
    (
        "rules/vocab/pl.yaml",
        include_str!("../rules/vocab/pl.yaml"),
    ),
    (
        "rules/vocab/pt.yaml",
        include_str!("../rules/vocab/pt.yaml"),
    ),
];
/// The shipped declarative rule packs (`rules/packs/*.yaml`), as (file name, text).
pub const RULE_PACKS: &[(&str, &str)] = &[
    (
        "rules/packs/security.yaml",
        include_str!("../rules/packs/security.yaml"),
    ),
    (
        "rules/packs/fr-terminology.yaml",
        include_str!("../rules/packs/fr-terminology.yaml"),
    ),
    (
        "rules/packs/en-terminology.yaml",
        include_str!("../rules/packs/en-terminology.yaml"),
    ),
    (
        "rules/packs/pdf-export.yaml",
        include_str!("../rules/packs/pdf-export.yaml"),
    ),
];

/// A data file (spec, vocabulary, configuration) that guidelint could not use.
#[derive(Debug)]
pub struct DataError {
    /// The file's name as the user gave it.
    pub file: String,
    /// Where the problem is, if known.
    pub offset: Option<usize>,
    /// What is wrong.
    pub message: String,
    source: Box<NamedSource<String>>,
}

impl DataError {
    /// A problem at `offset` in `file`, whose text is `text`.
    pub fn new(file: &str, text: &str, offset: Option<usize>, message: impl Into<String>) -> Self {
        DataError {
            file: file.to_string(),
            offset: offset.map(|o| o.min(text.len())),
            message: message.into(),
            source: Box::new(NamedSource::new(file, text.to_string())),
        }
    }
}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for DataError {}

impl Diagnostic for DataError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new("guidelint::data"))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.offset
            .map(|_| self.source.as_ref() as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let offset = self.offset?;
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(
                Some("here".into()),
                SourceSpan::from(offset..offset),
            ),
        )))
    }
}

/// Deserializes YAML `text` of `file`, turning serde_yaml's location into a [`DataError`] offset.
pub fn from_yaml<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, DataError> {
    serde_yaml::from_str(text).map_err(|e| {
        let offset = e.location().map(|l| l.index());
        DataError::new(file, text, offset, e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Small {
        a: u16,
    }

    #[test]
    fn yaml_errors_carry_an_offset() {
        let err = from_yaml::<Small>("x.yaml", "a: 1\nb: 2\n").unwrap_err();
        assert!(err.offset.is_some(), "{err:?}");
        assert!(err.message.contains("unknown field"), "{}", err.message);
    }

    #[test]
    fn embedded_defaults_parse() {
        let v: serde_yaml::Value = serde_yaml::from_str(SPEC_YAML).unwrap();
        assert!(v.get("products").is_some());
    }
}
