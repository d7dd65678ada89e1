//! GL901 unused-suppression: an inline suppression that silences nothing.
//!
//! Reported by the engine after applying the suppressions (see [`crate::suppress`]).

use super::{Check, Rule};
use crate::diagnostic::Severity;

/// The rule.
pub const RULE: Rule = Rule {
    code: "GL901",
    name: "unused-suppression",
    severity: Severity::Info,
    summary: "A `guidelint-disable` comment that suppresses no finding, or names no rule",
    docs: include_str!("unused_suppression.md"),
    check: Check::Engine,
};
