//! Zed starts `guidelint server` for Markdown files: the binary is found on
//! the worktree's PATH.

use zed_extension_api::{self as zed, LanguageServerId, Result};

struct Guidelint;

impl zed::Extension for Guidelint {
    fn new() -> Self {
        Guidelint
    }

    fn language_server_command(
        &mut self,
        _id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let command = worktree
            .which("guidelint")
            .ok_or("guidelint is not on PATH: install it with `cargo install --path .`")?;
        Ok(zed::Command {
            command,
            args: vec!["server".into()],
            env: Vec::new(),
        })
    }
}

zed::register_extension!(Guidelint);
