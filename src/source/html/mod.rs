//! HTML reader: html5gum tokens → paragraphs and grid tables.
//!
//! The view is the decoded HTML file itself, so every span points into the file's own lines.
//! html5gum is only a tokenizer; this module builds the structure: `<table>` rows and cells with
//! implied end tags and `rowspan`/`colspan` expanded into a regular grid ([`table`]), and
//! paragraphs of the text outside tables, split at block elements ([`flow`]). Page chrome
//! (`script`, `style`, `nav`, `header`, `footer`, form controls…) is skipped. A layout table whose
//! cells hold data tables (or long prose, or a single column) is not a data table: its nested
//! tables are emitted as tables of their own and its other text as paragraphs.
//!
//! Paragraph spans cover markup between their first and last characters of text; use
//! [`visible_text`] to get a paragraph's text with a map back to the view.

mod flow;
mod page;
mod quiet;
mod table;
mod text;
mod token;
mod visible;

pub use self::page::PageText;
pub use self::visible::{visible_text, VisibleText};

use std::collections::HashMap;

use self::flow::Item;
use self::page::EndMark;
use self::table::RawTable;
use self::token::{tokens, Tok, MAX_TOKENS_PER_BYTE};
use super::{Block, Document, InputFormat, ReadError, MAX_GRID_CELLS};

/// Elements whose content is never report text. They are skipped only when a matching end tag
/// follows, so an unclosed `<nav>` cannot swallow the rest of the page.
pub(super) const SKIPPED: [&str; 12] = [
    "script", "style", "noscript", "template", "nav", "header", "footer", "select", "option",
    "button", "textarea", "iframe",
];

/// For each letter `a`–`z`, the [`SKIPPED`] names starting with it (bit `i` for name `i`).
const SKIPPED_BY_FIRST: [u16; 26] = {
    let mut table = [0u16; 26];
    let mut i = 0;
    while i < SKIPPED.len() {
        let first = SKIPPED[i].as_bytes()[0];
        if first.is_ascii_lowercase() {
            table[(first - b'a') as usize] |= 1 << i;
        }
        i += 1;
    }
    table
};

/// True for elements that start or end a paragraph.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "br"
            | "caption"
            | "center"
            | "dd"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "main"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "title"
            | "ul"
            | "td"
            | "th"
            | "tr"
            | "table"
    )
}

/// Parse decoded HTML into a document. `text` is the decoded file; it becomes the view unchanged.
/// Tables get the locator `第N张表` (N counts the data tables in document order); paragraphs and
/// cells have none, since line and column in the file locate them.
pub fn parse(name: &str, text: String, encoding: Option<String>) -> Document {
    let (blocks, page) = build_blocks(&text).unwrap_or_default();
    Document::new(name, InputFormat::Html, encoding, text, blocks).with_html_text(page)
}

/// [`parse`], refusing pages beyond the reader's budgets (tokens, table cells) instead of
/// building them: memory stays bounded for any input.
pub fn parse_checked(
    name: &str,
    text: String,
    encoding: Option<String>,
) -> Result<Document, ReadError> {
    let (blocks, page) = build_blocks(&text).map_err(|reason| ReadError::Limit {
        format: "HTML",
        reason,
    })?;
    Ok(Document::new(name, InputFormat::Html, encoding, text, blocks).with_html_text(page))
}

/// Largest number of tokens (tags and text runs) read from one page; a real report page has
/// tens of thousands.
pub const MAX_TOKENS: usize = 1_000_000;
/// Deepest nesting of tables built; deeper `<table>` tags are read as plain block boundaries
/// (so nesting costs linear time: every level copies its layout cells up once).
pub const MAX_TABLE_DEPTH: usize = 16;

/// Tokenizes `view` (once) and builds its blocks and the record of its text runs; `Err` names
/// the budget a page exceeds.
fn build_blocks(view: &str) -> Result<(Vec<Block>, PageText), String> {
    let mut builder = Builder::new(view, PageText::new(view, end_marks(view)));
    // Parse errors are tokens only for the budget: a page too short to reach it even with them
    // is read without them (and without html5gum's character checks).
    let errors = view.len().saturating_mul(MAX_TOKENS_PER_BYTE) >= MAX_TOKENS;
    for (n, token) in tokens(view, errors).enumerate() {
        if n >= MAX_TOKENS {
            return Err(format!(
                "the page has more than {MAX_TOKENS} tags and text runs"
            ));
        }
        builder.token(token);
        if let Some(why) = builder.over_budget.take() {
            return Err(why);
        }
    }
    let blocks = builder.finish();
    match builder.over_budget.take() {
        Some(why) => Err(why),
        None => {
            let mut page = builder.page;
            page.shrink_to_fit();
            Ok((blocks, page))
        }
    }
}

/// Every `</name` of a skipped element in `source` (ASCII case insensitive), by name (index in
/// [`SKIPPED`]), in order. No name is the start of another and a match holds no other `<`, so
/// every `</` is looked at once and matches never overlap (as an Aho-Corasick search finds them).
fn end_marks(source: &str) -> Vec<Vec<EndMark>> {
    let mut marks = vec![Vec::new(); SKIPPED.len()];
    let bytes = source.as_bytes();
    for at in memchr::memchr_iter(b'<', bytes) {
        if bytes.get(at + 1) != Some(&b'/') {
            continue;
        }
        let rest = bytes.get(at + 2..).unwrap_or(&[]);
        // Most end tags (`</p>`, `</td>`, `</div>`) are told apart by their first letter.
        let Some(first) = rest.first().map(u8::to_ascii_lowercase) else {
            continue;
        };
        let mut candidates = match first {
            b'a'..=b'z' => SKIPPED_BY_FIRST[usize::from(first - b'a')],
            _ => 0,
        };
        let mut found = None;
        while candidates != 0 {
            let i = candidates.trailing_zeros() as usize;
            candidates &= candidates - 1;
            let name = SKIPPED[i].as_bytes();
            if rest
                .get(..name.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(name))
            {
                found = Some(i);
                break;
            }
        }
        if let Some(i) = found {
            let end = at + 2 + SKIPPED[i].len();
            let ends_name = bytes
                .get(end)
                .is_none_or(|b| !b.is_ascii_alphanumeric() && *b != b'-');
            marks[i].push(EndMark {
                start: at,
                end,
                ends_name,
            });
        }
    }
    marks
}

/// For each skipped element name, the byte offset of the last `</name` in `source` (ASCII case
/// insensitive). A skipped element is only skipped when its end tag comes later.
pub(super) fn last_end_tags(source: &str) -> HashMap<&'static str, usize> {
    let mut last = HashMap::new();
    for (i, marks) in end_marks(source).iter().enumerate() {
        if let Some(m) = marks.iter().rev().find(|m| m.ends_name) {
            last.insert(SKIPPED[i], m.start);
        }
    }
    last
}

/// Builds blocks from tokens.
struct Builder<'a> {
    view: &'a str,
    /// Flow of the document outside any table.
    doc: Vec<Item<'a>>,
    /// Open tables, innermost last.
    tables: Vec<RawTable<'a>>,
    /// Open skipped elements, innermost last.
    skipping: Vec<&'static str>,
    /// Byte offset of the last end tag of each skipped element (index in [`SKIPPED`]).
    last_end: Vec<Option<usize>>,
    /// The page's text runs and skipped-element tags, for visible-text lookups.
    page: PageText,
    /// Next cell origin (unique in the document).
    next_origin: usize,
    /// `<table>` tags deeper than [`MAX_TABLE_DEPTH`] still open (read as block boundaries).
    ignored_tables: usize,
    /// Grid cells left to build in this document (raw cells, then expanded positions).
    cells_left: usize,
    /// Why the page was refused, once a budget is exceeded.
    over_budget: Option<String>,
}

impl<'a> Builder<'a> {
    fn new(view: &'a str, page: PageText) -> Self {
        let last_end = (0..SKIPPED.len())
            .map(|i| {
                page.marks(i)
                    .iter()
                    .rev()
                    .find(|m| m.ends_name)
                    .map(|m| m.start)
            })
            .collect();
        Builder {
            view,
            doc: Vec::new(),
            tables: Vec::new(),
            skipping: Vec::new(),
            last_end,
            page,
            next_origin: 0,
            ignored_tables: 0,
            cells_left: MAX_GRID_CELLS,
            over_budget: None,
        }
    }

    /// The flow that text goes to now: the innermost open cell, else the document (text inside
    /// a table but outside its cells is put before the table, as browsers do).
    fn flow(&mut self) -> &mut Vec<Item<'a>> {
        match self.tables.iter().rposition(RawTable::has_open_cell) {
            Some(i) => match self.tables[i].cell_flow() {
                Some(flow) => flow,
                None => &mut self.doc,
            },
            None => &mut self.doc,
        }
    }

    fn token(&mut self, token: Tok<'a>) {
        self.page.record(&token);
        match token {
            Tok::Start {
                name,
                span,
                rowspan,
                colspan,
            } => {
                if let Some(i) = SKIPPED.iter().position(|n| *n == name) {
                    if self
                        .last_end
                        .get(i)
                        .copied()
                        .flatten()
                        .is_some_and(|end| end > span.start)
                    {
                        self.skipping.push(SKIPPED[i]);
                    }
                    return;
                }
                if !self.skipping.is_empty() {
                    return;
                }
                let start = span.start;
                match name {
                    "table" if self.tables.len() >= MAX_TABLE_DEPTH => {
                        self.ignored_tables += 1;
                        self.flow().push(Item::Break);
                    }
                    "table" => {
                        let nested = self.tables.last().is_some_and(RawTable::has_open_cell);
                        if !nested {
                            // `<table>` directly inside a table (no open cell) closes it.
                            self.close_table(start);
                        }
                        self.flow().push(Item::Break);
                        self.tables.push(RawTable::new(start));
                    }
                    "td" | "th" => match self.tables.last_mut() {
                        Some(t) => {
                            if self.cells_left == 0 {
                                self.over_budget = Some(format!(
                                    "the page's tables have more than {MAX_GRID_CELLS} cells"
                                ));
                                return;
                            }
                            self.cells_left -= 1;
                            t.open_cell(start, rowspan.unwrap_or(1), colspan.unwrap_or(1))
                        }
                        None => self.doc.push(Item::Break),
                    },
                    "tr" => match self.tables.last_mut() {
                        Some(t) => t.open_row(start),
                        None => self.doc.push(Item::Break),
                    },
                    "thead" | "tbody" | "tfoot" | "caption" => {
                        if let Some(t) = self.tables.last_mut() {
                            t.close_row();
                        }
                        self.flow().push(Item::Break);
                    }
                    _ if is_block(name) => self.flow().push(Item::Break),
                    _ => {}
                }
            }
            Tok::End { name, span } => {
                if !self.skipping.is_empty() {
                    if let Some(pos) = self.skipping.iter().rposition(|n| *n == name) {
                        self.skipping.truncate(pos);
                    }
                    return;
                }
                match name {
                    "table" if self.ignored_tables > 0 => {
                        self.ignored_tables -= 1;
                        self.flow().push(Item::Break);
                    }
                    "table" => self.close_table(span.end),
                    "td" | "th" => {
                        if let Some(t) = self.tables.last_mut() {
                            t.close_cell();
                        }
                    }
                    "tr" | "thead" | "tbody" | "tfoot" => {
                        if let Some(t) = self.tables.last_mut() {
                            t.close_row();
                        }
                    }
                    _ if is_block(name) => self.flow().push(Item::Break),
                    _ => {}
                }
            }
            Tok::Text { value, span, .. } => {
                if self.skipping.is_empty() {
                    let item = Item::text(self.view, value, span);
                    self.flow().push(item);
                }
            }
            Tok::Other => {}
        }
    }

    /// Closes the innermost open table at byte offset `end`, if there is one.
    fn close_table(&mut self, end: usize) {
        if let Some(table) = self.tables.pop() {
            match table.finish(end, &mut self.next_origin, MAX_GRID_CELLS) {
                Some(items) => self.flow().extend(items),
                None => {
                    self.over_budget = Some(format!(
                        "a table expands (through rowspan/colspan) to more than {MAX_GRID_CELLS} cells"
                    ));
                    self.flow().push(Item::Break);
                }
            }
        }
    }

    /// Closes what is still open and returns the blocks, tables numbered in order.
    fn finish(&mut self) -> Vec<Block> {
        while !self.tables.is_empty() {
            self.close_table(self.view.len());
        }
        let mut blocks = Vec::new();
        flow::into_blocks(std::mem::take(&mut self.doc), &mut blocks);
        let mut n = 0;
        for block in &mut blocks {
            if let Block::Table(t) = block {
                n += 1;
                t.locator = Some(format!("第{n}张表"));
            }
        }
        blocks
    }
}

#[cfg(test)]
mod tests;
