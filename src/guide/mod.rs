//! The guide model: one parse of a guide into blocks that keep their byte spans.
//!
//! Markdown guides go through pulldown-cmark once ([`markdown`]); plain-text
//! exports are split into paragraphs and flattened tables ([`plaintext`]).
//! Everything downstream (fact extraction, anchors, links) reads this model
//! and never the raw text again.

pub mod frontmatter;
pub mod markdown;
pub mod plaintext;
pub mod text;

use std::ops::Range;

pub use frontmatter::{FrontMatter, KeySpan, YamlError};
pub use text::TextRun;

use crate::vocab::Vocabulary;

/// What kind of file a guide is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuideKind {
    /// Markdown with optional YAML front matter (`*.md`).
    Markdown,
    /// A plain-text export (`*.txt`), e.g. text extracted from a PDF.
    PlainText,
}

/// A parsed guide.
#[derive(Debug, Clone)]
pub struct Guide {
    /// Markdown or plain text.
    pub kind: GuideKind,
    /// The front matter, if the guide has a closed one.
    pub front_matter: Option<FrontMatter>,
    /// The opening fence of front matter that is never closed.
    pub unclosed_front_matter: Option<Range<usize>>,
    /// Blocks in document order.
    pub blocks: Vec<Block>,
    /// List items, referenced by [`Block::item`].
    pub items: Vec<ListItem>,
    /// Links and images, in document order.
    pub links: Vec<Link>,
    /// Anchors defined in inline HTML (`<a name="x">`, `id="x"`).
    pub html_anchors: Vec<HtmlAnchor>,
}

/// One block of a guide.
#[derive(Debug, Clone)]
pub struct Block {
    /// What the block is.
    pub kind: BlockKind,
    /// Byte range of the whole block in the guide.
    pub span: Range<usize>,
    /// Index (in [`Guide::blocks`]) of the heading whose section holds this block.
    pub section: Option<usize>,
    /// The list item this block is the text of, if any.
    pub item: Option<usize>,
    /// How many block quotes (call-outs) enclose the block.
    pub quote_depth: u8,
}

/// The kinds of blocks.
#[derive(Debug, Clone)]
pub enum BlockKind {
    /// A heading.
    Heading {
        /// 1 to 6.
        level: u8,
        /// The heading's text without markup or inline HTML.
        text: TextRun,
        /// An explicit `{#id}`.
        id: Option<String>,
        /// Index of the enclosing heading of a lower level.
        parent: Option<usize>,
    },
    /// A paragraph, or the text of a list item.
    Text(TextRun),
    /// A table.
    Table(Table),
    /// A fenced or indented code block (its text is not extracted).
    Code,
}

impl Block {
    /// The text of a heading or text block.
    pub fn text(&self) -> Option<&TextRun> {
        match &self.kind {
            BlockKind::Heading { text, .. } | BlockKind::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// A table: header cells and body rows.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The header row.
    pub header: Vec<TextRun>,
    /// The body rows (possibly ragged).
    pub rows: Vec<Vec<TextRun>>,
}

/// A list item.
#[derive(Debug, Clone)]
pub struct ListItem {
    /// The enclosing list item, for nested lists.
    pub parent: Option<usize>,
    /// The first text block of this item (its "label" for nested items).
    pub first_block: Option<usize>,
    /// Identifies the list the item belongs to.
    pub list: usize,
}

/// A link or an image.
#[derive(Debug, Clone)]
pub struct Link {
    /// The destination as written.
    pub url: String,
    /// Byte range of the whole link in the guide.
    pub span: Range<usize>,
    /// True for `![alt](src)`.
    pub image: bool,
}

/// An anchor defined by inline HTML.
#[derive(Debug, Clone)]
pub struct HtmlAnchor {
    /// The anchor name.
    pub name: String,
    /// Where it is defined.
    pub span: Range<usize>,
}

impl Guide {
    /// Parses `text` as a guide of `kind`.
    pub fn parse(text: &str, kind: GuideKind, vocab: &Vocabulary) -> Guide {
        match kind {
            GuideKind::Markdown => markdown::parse(text),
            GuideKind::PlainText => plaintext::parse(text, vocab),
        }
    }

    /// The heading block at `index`, with its level, text and parent.
    pub fn heading(&self, index: usize) -> Option<(u8, &TextRun, Option<usize>)> {
        match &self.blocks.get(index)?.kind {
            BlockKind::Heading {
                level,
                text,
                parent,
                ..
            } => Some((*level, text, *parent)),
            _ => None,
        }
    }

    /// A string value of the front matter.
    pub fn front_matter_str(&self, key: &str) -> Option<&str> {
        self.front_matter
            .as_ref()?
            .value
            .as_ref()
            .ok()?
            .get(key)?
            .as_str()
    }
}
