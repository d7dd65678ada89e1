//! Markdown guides: one pass of pulldown-cmark's offset iterator into the guide model.

use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use regex::Regex;

use super::frontmatter::{self, Split};
use super::{Block, BlockKind, Guide, GuideKind, HtmlAnchor, Link, ListItem, Table, TextRun};

/// `<a name="x">`, `<a id="x">`, `<span id="x">`: anchors in inline or block HTML.
static HTML_ANCHOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<[a-z][a-z0-9]*\b[^>]*?\b(?:name|id)\s*=\s*["']([^"']+)["']"#)
        .expect("valid anchor regex")
});

/// Where text events currently go.
enum Target {
    None,
    Heading(TextRun),
    Text(TextRun),
    Cell(TextRun),
}

struct Builder<'t> {
    text: &'t str,
    guide: Guide,
    target: Target,
    /// Start offset of the open paragraph or heading.
    block_start: usize,
    strong: u32,
    image: u32,
    code_block: bool,
    quote_depth: u8,
    items: Vec<usize>,
    lists: Vec<usize>,
    next_list: usize,
    section: Option<usize>,
    /// (level, block index) of the open headings.
    heading_stack: Vec<(u8, usize)>,
    heading_meta: (u8, Option<String>),
    table: Option<(Table, Range<usize>, bool)>,
    row: Vec<TextRun>,
}

/// Parses a Markdown guide (front matter included).
pub fn parse(text: &str) -> Guide {
    let mut guide = Guide {
        kind: GuideKind::Markdown,
        front_matter: None,
        unclosed_front_matter: None,
        // About one block per 100 bytes of a guide: grown once or twice, not ten times.
        blocks: Vec::with_capacity(text.len() / 100),
        items: Vec::new(),
        links: Vec::new(),
        html_anchors: Vec::new(),
    };
    let body_start = match frontmatter::split(text) {
        Split::None { body_start } => body_start,
        Split::Some {
            front_matter,
            body_start,
        } => {
            guide.front_matter = Some(front_matter);
            body_start
        }
        Split::Unclosed { fence } => {
            // Lint the rest as Markdown: the finding about the fence is enough.
            let start = fence.start;
            guide.unclosed_front_matter = Some(fence);
            start
        }
    };
    let mut b = Builder {
        text,
        guide,
        target: Target::None,
        block_start: 0,
        strong: 0,
        image: 0,
        code_block: false,
        quote_depth: 0,
        items: Vec::new(),
        lists: Vec::new(),
        next_list: 0,
        section: None,
        heading_stack: Vec::new(),
        heading_meta: (0, None),
        table: None,
        row: Vec::new(),
    };
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES;
    let body = &text[body_start..];
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        let range = range.start + body_start..range.end + body_start;
        b.event(event, range);
    }
    b.flush_implicit();
    b.guide
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Text(s) if !self.code_block && self.image == 0 => self.push_text(&s, range),
            Event::Code(s) => self.push_code(&s, range),
            Event::SoftBreak => {
                // A line that starts with `|` is a table row the parser did
                // not take for a table (no separator row): a line of its own.
                let next = self.text.get(range.end..).unwrap_or_default().trim_start();
                let brk = if next.starts_with('|') { "\n" } else { " " };
                self.push_text(brk, range)
            }
            Event::HardBreak => self.push_text("\n", range),
            Event::Html(s) | Event::InlineHtml(s) => {
                // `<br>` breaks a line (lists inside table cells are written
                // `- a <br>- b`): the parts are never glued together.
                if is_line_break(&s) {
                    self.push_text("\n", range.clone());
                }
                self.html(&s, range)
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        match tag {
            Tag::Paragraph => {
                self.flush_implicit();
                if matches!(self.target, Target::None) {
                    self.target = Target::Text(TextRun::default());
                    self.block_start = range.start;
                }
            }
            Tag::Heading { level, id, .. } => {
                self.flush_implicit();
                self.target = Target::Heading(TextRun::default());
                self.block_start = range.start;
                self.heading_meta = (level as u8, id.map(|s| s.to_string()));
            }
            Tag::BlockQuote(_) => {
                self.flush_implicit();
                self.quote_depth = self.quote_depth.saturating_add(1);
            }
            Tag::CodeBlock(_) => {
                self.flush_implicit();
                self.code_block = true;
                self.push_block(BlockKind::Code, range);
            }
            Tag::List(_) => {
                self.flush_implicit();
                self.lists.push(self.next_list);
                self.next_list += 1;
            }
            Tag::Item => {
                self.flush_implicit();
                let index = self.guide.items.len();
                self.guide.items.push(ListItem {
                    parent: self.items.last().copied(),
                    first_block: None,
                    list: self.lists.last().copied().unwrap_or(0),
                });
                self.items.push(index);
            }
            Tag::Table(_) => {
                self.flush_implicit();
                self.table = Some((Table::default(), range, false));
            }
            Tag::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.2 = true;
                }
                self.row.clear();
            }
            Tag::TableRow => self.row.clear(),
            Tag::TableCell => self.target = Target::Cell(TextRun::default()),
            Tag::Strong => self.strong += 1,
            Tag::Link { dest_url, .. } => self.guide.links.push(Link {
                url: dest_url.to_string(),
                span: range,
                image: false,
            }),
            Tag::Image { dest_url, .. } => {
                self.image += 1;
                self.guide.links.push(Link {
                    url: dest_url.to_string(),
                    span: range,
                    image: true,
                })
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd, range: Range<usize>) {
        match tag {
            TagEnd::Paragraph => {
                if let Target::Text(run) = std::mem::replace(&mut self.target, Target::None) {
                    let span = self.block_start..range.end;
                    self.push_text_block(run, span);
                }
            }
            TagEnd::Heading(_) => {
                if let Target::Heading(text) = std::mem::replace(&mut self.target, Target::None) {
                    let (level, id) = std::mem::take(&mut self.heading_meta);
                    while self.heading_stack.last().is_some_and(|(l, _)| *l >= level) {
                        self.heading_stack.pop();
                    }
                    let parent = self.heading_stack.last().map(|(_, i)| *i);
                    let index = self.guide.blocks.len();
                    self.push_block(
                        BlockKind::Heading {
                            level,
                            text,
                            id,
                            parent,
                        },
                        self.block_start..range.end,
                    );
                    self.heading_stack.push((level, index));
                    self.section = Some(index);
                }
            }
            TagEnd::BlockQuote(_) => {
                self.flush_implicit();
                self.quote_depth = self.quote_depth.saturating_sub(1);
            }
            TagEnd::CodeBlock => self.code_block = false,
            TagEnd::List(_) => {
                self.flush_implicit();
                self.lists.pop();
            }
            TagEnd::Item => {
                self.flush_implicit();
                self.items.pop();
            }
            TagEnd::TableCell => {
                if let Target::Cell(run) = std::mem::replace(&mut self.target, Target::None) {
                    self.row.push(run);
                }
            }
            TagEnd::TableHead => {
                if let Some((table, _, _)) = self.table.as_mut() {
                    table.header = std::mem::take(&mut self.row);
                }
            }
            TagEnd::TableRow => {
                if let Some((table, _, _)) = self.table.as_mut() {
                    table.rows.push(std::mem::take(&mut self.row));
                }
            }
            TagEnd::Table => {
                if let Some((table, span, _)) = self.table.take() {
                    self.push_block(BlockKind::Table(table), span);
                }
            }
            TagEnd::Strong => self.strong = self.strong.saturating_sub(1),
            TagEnd::Image => self.image = self.image.saturating_sub(1),
            _ => {}
        }
    }

    fn push_text(&mut self, s: &str, range: Range<usize>) {
        self.push_piece(s, range, false)
    }

    /// Pushes text (or, with `code`, the text of an inline code span) to the open block.
    fn push_piece(&mut self, s: &str, range: Range<usize>, code: bool) {
        let strong = self.strong > 0;
        let push = |run: &mut TextRun, range: Range<usize>| {
            if code {
                run.push_code(s, range, strong)
            } else {
                run.push(s, range, strong)
            }
        };
        match &mut self.target {
            Target::Heading(run) | Target::Text(run) | Target::Cell(run) => push(run, range),
            Target::None => {
                // Text directly in a tight list item: an implicit paragraph.
                if !self.items.is_empty() {
                    let mut run = TextRun::default();
                    push(&mut run, range.clone());
                    self.block_start = range.start;
                    self.target = Target::Text(run);
                }
            }
        }
    }

    /// Pushes inline code, each word mapped to its own bytes between the
    /// backticks: a code span that wraps lines (in a list or a quote) has
    /// spaces where the source has line endings and container markers.
    fn push_code(&mut self, code: &str, range: Range<usize>) {
        let src = &self.text[range.clone()];
        let mut pos = 0;
        let mut rest = code;
        while !rest.is_empty() {
            let blank = rest.len() - rest.trim_start().len();
            let (piece, is_word) = if blank > 0 {
                (&rest[..blank], false)
            } else {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                (&rest[..end], true)
            };
            let found = if is_word {
                src[pos..].find(piece).map(|i| pos + i)
            } else {
                Some(pos)
            };
            match found {
                Some(at) => {
                    let end = if is_word { at + piece.len() } else { at };
                    self.push_piece(piece, range.start + at..range.start + end, true);
                    pos = end;
                }
                None => {
                    self.push_piece(rest, range.start + pos..range.end, true);
                    return;
                }
            }
            rest = &rest[piece.len()..];
        }
    }

    /// Ends the implicit paragraph of a tight list item, if one is open.
    fn flush_implicit(&mut self) {
        if matches!(self.target, Target::Text(_))
            && !self.items.is_empty()
            && let Target::Text(run) = std::mem::replace(&mut self.target, Target::None)
        {
            let span = self.block_start..run.src_range().end.max(self.block_start);
            self.push_text_block(run, span);
        }
    }

    fn push_text_block(&mut self, run: TextRun, span: Range<usize>) {
        if run.text.trim().is_empty() {
            return;
        }
        let index = self.guide.blocks.len();
        if let Some(&item) = self.items.last() {
            let info = &mut self.guide.items[item];
            info.first_block.get_or_insert(index);
        }
        self.push_block(BlockKind::Text(run), span);
    }

    fn push_block(&mut self, kind: BlockKind, span: Range<usize>) {
        let section = if matches!(kind, BlockKind::Heading { .. }) {
            self.heading_stack.last().map(|(_, i)| *i)
        } else {
            self.section
        };
        self.guide.blocks.push(Block {
            kind,
            span,
            section,
            item: self.items.last().copied(),
            quote_depth: self.quote_depth,
        });
    }

    fn html(&mut self, html: &str, range: Range<usize>) {
        for caps in HTML_ANCHOR.captures_iter(html) {
            let Some(m) = caps.get(1) else { continue };
            let src = &self.text[range.clone()];
            let start = src
                .find(m.as_str())
                .map(|i| range.start + i)
                .unwrap_or(range.start);
            self.guide.html_anchors.push(HtmlAnchor {
                name: m.as_str().to_string(),
                span: start..start + m.len(),
            });
        }
    }
}

/// True for a `<br>` tag (`<br>`, `<br/>`, `<br />`, any case).
fn is_line_break(html: &str) -> bool {
    let t = html.trim();
    let Some(inner) = t.strip_prefix('<').and_then(|t| t.strip_suffix('>')) else {
        return false;
    };
    let inner = inner.trim_end_matches('/').trim();
    inner.eq_ignore_ascii_case("br")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(guide: &Guide) -> Vec<String> {
        guide
            .blocks
            .iter()
            .filter_map(|b| b.text().map(|t| t.text.clone()))
            .collect()
    }

    #[test]
    fn headings_paragraphs_and_sections() {
        let g = parse("---\ntitle: T\n---\n# A\n\nHello **993** world\n\n## B {#bee}\n\ntext\n");
        assert!(g.front_matter.is_some());
        assert_eq!(texts(&g), ["A", "Hello 993 world", "B", "text"]);
        let BlockKind::Heading { id, parent, .. } = &g.blocks[2].kind else {
            panic!()
        };
        assert_eq!(id.as_deref(), Some("bee"));
        assert_eq!(*parent, Some(0));
        assert_eq!(g.blocks[3].section, Some(2));
    }

    #[test]
    fn spans_point_at_source_bytes() {
        let src = "Port : **993**\n";
        let g = parse(src);
        let run = g.blocks[0].text().unwrap();
        let at = run.text.find("993").unwrap();
        assert_eq!(&src[run.src_span(at..at + 3)], "993");
    }

    #[test]
    fn nested_tight_lists() {
        let src = "- Serveur entrant :\n    - Port : **993**\n- Serveur sortant :\n    - Port : **465**\n";
        let g = parse(src);
        assert_eq!(
            texts(&g),
            [
                "Serveur entrant :",
                "Port : 993",
                "Serveur sortant :",
                "Port : 465"
            ]
        );
        let port = &g.blocks[1];
        let item = &g.items[port.item.unwrap()];
        let parent = &g.items[item.parent.unwrap()];
        assert_eq!(parent.first_block, Some(0));
    }

    #[test]
    fn tables_links_images_and_html_anchors() {
        let src = "|Type|Port (avec SSL)|\n|---|---|\n|Entrant|993|\n\n[x](#a){.external} ![i](images/a.png)\n\n### T <a name=\"newmx\"></a>\n";
        let g = parse(src);
        let BlockKind::Table(t) = &g.blocks[0].kind else {
            panic!()
        };
        assert_eq!(t.header[1].text, "Port (avec SSL)");
        assert_eq!(t.rows[0][1].text, "993");
        assert_eq!(g.links.len(), 2);
        assert!(g.links[1].image);
        assert_eq!(g.html_anchors[0].name, "newmx");
        assert_eq!(g.blocks.last().unwrap().text().unwrap().text.trim(), "T");
    }

    #[test]
    fn inline_code_is_marked_in_runs() {
        let g = parse("Run `ls -l` now\n");
        let run = g.blocks[0].text().unwrap();
        let code: Vec<_> = run.code_ranges();
        assert_eq!(code.len(), 1);
        assert_eq!(&run.text[code[0].clone()], "ls -l");
    }

    #[test]
    fn code_blocks_are_not_text() {
        let g = parse("```\nport 993\n```\n");
        assert!(matches!(g.blocks[0].kind, BlockKind::Code));
        assert!(texts(&g).is_empty());
    }
}
