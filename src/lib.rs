//! guidelint: a fast documentation linter for docs repositories of mail guides.
//!
//! Data flows one way: [`discover`] the guides → [`guide`] parses each once →
//! [`extract`] its mail-server facts → [`rules`] check them (per guide, in
//! parallel, in [`engine`]) → [`report`] renders the findings.
//!
//! Two top layers use the stages and no stage uses them: [`cli`], the command
//! line, and [`server`], the language server (`guidelint server`, which the
//! command line starts).

pub mod anchors;
pub mod atomic;
pub mod autoconfig;
pub mod cache;
pub mod changed;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod data;
pub mod declarative;
pub mod diagnostic;
pub mod discover;
pub mod engine;
pub mod extract;
pub mod fix;
pub mod git_index;
pub mod guide;
pub mod listings;
pub mod report;
pub mod rules;
pub mod select;
pub mod server;
pub mod source;
pub mod spec;
pub mod suppress;
pub mod vocab;
