//! Read: file bytes → [`Document`].
//!
//! This stage detects the input format from content (the extension is only a hint), decodes any
//! Chinese encoding to UTF-8 and produces a [`Document`]: the *view* text a user reads in
//! diagnostics, plus its blocks (paragraphs and tables) whose cells carry byte spans into the
//! view. It never interprets numbers or labels: that is `number` and `extract`.

pub mod child;
pub mod decode;
pub mod detect;
pub mod docx;
pub mod html;
pub mod legacy;
pub mod pdf;
pub mod text;
pub mod xlsx;

use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// Largest input file gouji reads; bigger files are refused with [`ReadError::TooLarge`].
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Largest number of table cells one document may expand into (HTML, DOCX and XLSX grids, text
/// table dumps). Every reader checks it before building its grid, so memory stays bounded for
/// any input up to [`MAX_INPUT_BYTES`]; a real report has a few thousand cells.
pub const MAX_GRID_CELLS: usize = 1_000_000;

/// The input formats gouji understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    /// Plain text, including pipe-delimited table dumps.
    Text,
    /// Markdown (pipe tables).
    Markdown,
    /// HTML page.
    Html,
    /// Word 2007+ document.
    Docx,
    /// Excel workbook (xlsx/xls/ods).
    Xlsx,
    /// PDF (through poppler's `pdftotext -layout`).
    Pdf,
}

impl InputFormat {
    /// Lower-case name used in output.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Text => "text",
            InputFormat::Markdown => "markdown",
            InputFormat::Html => "html",
            InputFormat::Docx => "docx",
            InputFormat::Xlsx => "xlsx",
            InputFormat::Pdf => "pdf",
        }
    }
}

/// A byte range into [`Document::view`].
pub type Span = Range<usize>;

/// A report after reading: the text a user sees plus its structure.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path as given by the user (used in every message).
    pub path: String,
    /// Detected input format.
    pub format: InputFormat,
    /// Name of the decoded encoding (`UTF-8`, `GBK`, `UTF-16LE`, …), where the format has one.
    pub encoding: Option<String>,
    /// The text shown in diagnostics. For text, Markdown and HTML this is the decoded file itself
    /// (so line numbers match the user's editor); for DOCX, XLSX and PDF it is a faithful text
    /// rendering of the document. Shared: the prose facts read from it keep their paragraphs'
    /// text as ranges of it where the text is the view's own.
    pub view: Arc<String>,
    /// Paragraphs and tables in document order.
    pub blocks: Vec<Block>,
    /// Offsets of line starts in `view` (computed once, used for line/column lookups).
    line_starts: Vec<usize>,
    /// Column marks inside long lines: (byte offset, characters from its line start to it),
    /// every [`COLUMN_MARK_BYTES`] bytes or so, in order, so that a column is counted from the
    /// nearest mark rather than from the start of a line that may be megabytes long.
    column_marks: Vec<(usize, usize)>,
    /// For HTML, the page's text runs as its one tokenisation read them (see
    /// [`Document::visible_text`]).
    html_text: Option<html::PageText>,
}

/// Spacing of [`Document`] column marks (bytes); lines shorter than this have none.
const COLUMN_MARK_BYTES: usize = 4096;

/// Column marks of `view` (see [`Document::column_marks`]): one pass over its long lines only.
fn column_marks(view: &str, line_starts: &[usize]) -> Vec<(usize, usize)> {
    let mut marks = Vec::new();
    for (i, &start) in line_starts.iter().enumerate() {
        let end = line_starts.get(i + 1).copied().unwrap_or(view.len());
        if end - start <= COLUMN_MARK_BYTES {
            continue;
        }
        let (mut at, mut chars) = (start, 0);
        while end - at > COLUMN_MARK_BYTES {
            let mut next = at + COLUMN_MARK_BYTES;
            while !view.is_char_boundary(next) {
                next += 1;
            }
            chars += view.get(at..next).map_or(0, |s| s.chars().count());
            marks.push((next, chars));
            at = next;
        }
    }
    marks
}

/// One block of a document.
#[derive(Debug, Clone)]
pub enum Block {
    /// A paragraph of prose (or a heading).
    Paragraph(Paragraph),
    /// A table (boxed: a page holds many more paragraphs than tables, and a block is as large
    /// as its largest kind).
    Table(Box<Table>),
}

/// A paragraph of prose.
#[derive(Debug, Clone)]
pub struct Paragraph {
    /// Byte span of the paragraph in the view.
    pub span: Span,
    /// Where a user finds it in the original file when the view is a rendering (e.g. `第3段`,
    /// `page 2`); `None` when the view is the file itself.
    pub locator: Option<String>,
}

/// A table: rows of cells. Grid formats (HTML, DOCX, XLSX) expand row and column spans, so every
/// row has one cell per grid column and a spanning cell appears in every position it covers (with
/// the same `origin`).
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Rows in order.
    pub rows: Vec<Row>,
    /// Byte span of the whole table in the view.
    pub span: Span,
    /// Human locator of the table (`第2张表`, `Sheet1`), if the format has one.
    pub locator: Option<String>,
    /// True when row/column spans were expanded into a regular grid (HTML, DOCX, XLSX); false for
    /// text dumps where cells are just listed in order.
    pub is_grid: bool,
}

/// One table row.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// Cells in column order.
    pub cells: Vec<Cell>,
}

/// One table cell.
#[derive(Debug, Clone)]
pub struct Cell {
    /// The cell's text as printed, with inner line breaks replaced by spaces (not otherwise
    /// normalised).
    pub text: String,
    /// Byte span of the cell text in the view (empty range at the cell position when blank).
    pub span: Span,
    /// Identity of the source cell: copies made by expanding row/column spans share it.
    pub origin: usize,
    /// Where a user finds the cell in the original (`第2张表 第5行 第3列`, `Sheet1!C7`,
    /// `第3页`); `None` for text formats, where line and column say it all.
    pub locator: Option<String>,
}

impl Cell {
    /// A cell with no locator.
    pub fn new(text: impl Into<String>, span: Span, origin: usize) -> Self {
        Cell {
            text: text.into(),
            span,
            origin,
            locator: None,
        }
    }
}

/// A 1-based line and column (columns count Unicode characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct LineCol {
    /// 1-based line.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
}

impl Document {
    /// Build a document, indexing line starts of `view`.
    pub fn new(
        path: impl Into<String>,
        format: InputFormat,
        encoding: Option<String>,
        view: String,
        blocks: Vec<Block>,
    ) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', view.as_bytes()).map(|i| i + 1));
        let column_marks = column_marks(&view, &line_starts);
        Document {
            path: path.into(),
            format,
            encoding,
            view: Arc::new(view),
            blocks,
            line_starts,
            column_marks,
            html_text: None,
        }
    }

    /// The document with the record of its HTML page's text runs.
    pub(crate) fn with_html_text(mut self, page: html::PageText) -> Self {
        self.html_text = Some(page);
        self
    }

    /// Frees the record of the HTML page's text runs (once every paragraph is read): later
    /// [`Document::visible_text`] calls tokenise their span alone, with the same answer.
    pub(crate) fn drop_html_text(&mut self) {
        self.html_text = None;
    }

    /// The visible text of a span of an HTML view (tags removed, references decoded, blank runs
    /// collapsed) with its map back to the view, read from the page's one tokenisation where it
    /// can be (see [`html::visible_text`]).
    pub fn visible_text(&self, span: &Span) -> html::VisibleText {
        match &self.html_text {
            Some(page) => page.visible_text(&self.view, span),
            None => html::visible_text(&self.view, span),
        }
    }

    /// Line and character column of a byte offset in the view (clamped to the view).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.view.len());
        let line_idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let line_start = self.line_starts[line_idx];
        // Count from the last column mark of this line at or before the offset, if any.
        let k = self.column_marks.partition_point(|&(at, _)| at <= offset);
        let (start, before) = match k.checked_sub(1).map(|i| self.column_marks[i]) {
            Some((at, chars)) if at > line_start => (at, chars),
            _ => (line_start, 0),
        };
        // An offset inside a character counts as the line start (as a direct count would).
        let column = match self.view.get(start..offset) {
            Some(prefix) => before + prefix.chars().count() + 1,
            None => 1,
        };
        LineCol {
            line: line_idx + 1,
            column,
        }
    }

    /// The text of one 1-based line (without its line break).
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .map(|&e| e.saturating_sub(1))
            .unwrap_or(self.view.len());
        self.view
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches('\r')
    }

    /// Number of lines in the view.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// All tables of the document in order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(&**t),
            Block::Paragraph(_) => None,
        })
    }

    /// All paragraphs of the document in order.
    pub fn paragraphs(&self) -> impl Iterator<Item = &Paragraph> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Paragraph(p) => Some(p),
            Block::Table(_) => None,
        })
    }

    /// Text of a span of the view (empty if the span is out of range).
    pub fn slice(&self, span: &Span) -> &str {
        self.view.get(span.clone()).unwrap_or("")
    }
}

/// Text of a cell or paragraph in a rendered view (DOCX, XLSX): control characters such as line
/// breaks and tabs become spaces, ends trimmed, so every cell stays on its line of the view.
pub(crate) fn view_text(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.trim().to_string();
    }
    let replaced: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    replaced.trim().to_string()
}

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be opened or read.
    #[error("cannot read file: {source}")]
    Io {
        /// Underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is empty.
    #[error("file is empty")]
    Empty,
    /// The file exceeds [`MAX_INPUT_BYTES`].
    #[error("file is too large ({size} bytes; limit {limit} bytes)")]
    TooLarge {
        /// Size of the file.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The bytes are not text in any supported encoding nor a supported document format.
    #[error("not a report: looks like binary data ({what})")]
    Binary {
        /// What the content looked like.
        what: &'static str,
    },
    /// The text could not be decoded cleanly.
    #[error("cannot decode text as {encoding}: {bad} malformed byte sequences")]
    Decode {
        /// Encoding tried.
        encoding: &'static str,
        /// Count of malformed sequences.
        bad: usize,
    },
    /// A container format (DOCX/XLSX zip, PDF) is damaged or unsupported.
    #[error("{format} file is damaged or unsupported: {reason}")]
    Corrupt {
        /// Format name.
        format: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// The file is larger than a reader's budget (lines, table cells, tags): refused before it
    /// is built, so memory stays bounded.
    #[error("{format} file is too large to read: {reason}")]
    Limit {
        /// Format name.
        format: &'static str,
        /// Which budget and by how much.
        reason: String,
    },
    /// The format is recognised but gouji does not read it directly.
    #[error("{format} files are not supported: {hint}")]
    Unsupported {
        /// Format name.
        format: &'static str,
        /// What to do instead.
        hint: &'static str,
    },
    /// An external tool needed for this format is missing or failed.
    #[error("{tool} is needed to read this file: {reason}")]
    Tool {
        /// Tool name.
        tool: &'static str,
        /// What went wrong.
        reason: String,
    },
}

/// Read a file from disk into a [`Document`].
pub fn read(path: &Path) -> Result<Document, ReadError> {
    let (file, len) = open_regular(path).map_err(|source| ReadError::Io { source })?;
    if len > MAX_INPUT_BYTES {
        return Err(ReadError::TooLarge {
            size: len,
            limit: MAX_INPUT_BYTES,
        });
    }
    let bytes = read_at_most(file, MAX_INPUT_BYTES).map_err(|source| ReadError::Io { source })?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit: MAX_INPUT_BYTES,
        });
    }
    read_cow(&path.display().to_string(), Cow::Owned(bytes), path)
}

/// Largest number of lines of a text or Markdown report (a real one has a few thousand).
pub const MAX_TEXT_LINES: usize = 1_000_000;

/// Refuse text whose lines or table separators would expand past the readers' budgets, before
/// any block is built: every line becomes a block and every `|` may start a cell.
fn check_text_budget(text: &str) -> Result<(), ReadError> {
    let (mut lines, mut pipes) = (0usize, 0usize);
    for b in text.bytes() {
        match b {
            b'\n' => lines += 1,
            b'|' => pipes += 1,
            _ => {}
        }
    }
    if lines > MAX_TEXT_LINES {
        return Err(ReadError::Limit {
            format: "text",
            reason: format!("more than {MAX_TEXT_LINES} lines ({lines}); not a report"),
        });
    }
    if pipes > MAX_GRID_CELLS {
        return Err(ReadError::Limit {
            format: "text",
            reason: format!(
                "more than {MAX_GRID_CELLS} table cells ({pipes} `|` separators); not a report"
            ),
        });
    }
    Ok(())
}

/// Open `path` for reading only when it is a regular file (after following links). FIFOs,
/// sockets and devices are refused before they are opened, so a FIFO cannot block the run and
/// `/dev/zero` cannot fill memory; the file is opened non-blocking and checked again through its
/// handle. Returns the file and its size.
pub fn open_regular(path: &Path) -> std::io::Result<(std::fs::File, u64)> {
    let not_regular = |ft: &std::fs::FileType| {
        std::io::Error::other(format!(
            "{}; gouji reads only regular files",
            crate::walk::special_kind(ft)
        ))
    };
    let meta = std::fs::metadata(path).map_err(|e| {
        let why = crate::walk::unreachable_reason(path, &e);
        std::io::Error::new(e.kind(), why)
    })?;
    if meta.is_dir() {
        return Err(std::io::Error::other("is a directory"));
    }
    if !meta.is_file() {
        return Err(not_regular(&meta.file_type()));
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&meta.file_type()));
    }
    Ok((file, meta.len()))
}

/// Read at most `limit + 1` bytes (so a caller can tell that a file grew past its limit).
pub fn read_at_most(file: std::fs::File, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    // Room for the whole file (as its size says) and the byte that tells it grew: the buffer
    // does not double past the file while it is read, and it becomes a text's view as it is.
    let size = file.metadata().map_or(0, |m| m.len()).min(limit);
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Largest rule pack or `gouji.toml` read (the built-in packs are under 100 KB; parsing TOML
/// takes many times its size in memory).
pub const MAX_PACK_BYTES: u64 = 4 * 1024 * 1024;

/// Read a small text file (a rule pack, `gouji.toml`, a baseline) the same guarded way: regular
/// files only, at most `limit` bytes, valid UTF-8.
pub fn read_regular_to_string(path: &Path, limit: u64) -> std::io::Result<String> {
    let (file, len) = open_regular(path)?;
    let too_large = |size: u64| {
        std::io::Error::other(format!(
            "file is too large ({size} bytes; limit {limit} bytes)"
        ))
    };
    if len > limit {
        return Err(too_large(len));
    }
    let bytes = read_at_most(file, limit)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

/// Read a document from bytes; `hint` supplies the extension used as a format hint.
pub fn read_bytes(name: &str, bytes: &[u8], hint: &Path) -> Result<Document, ReadError> {
    read_cow(name, Cow::Borrowed(bytes), hint)
}

/// [`read_bytes`] for bytes that may be owned: a text file's bytes become its view in place
/// when they are valid UTF-8, so the file is held once.
fn read_cow(name: &str, bytes: Cow<'_, [u8]>, hint: &Path) -> Result<Document, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    let ext = hint
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    // The one UTF-8 validation: detection sniffs the text and decoding takes it.
    let input = decode::Input::new(bytes);
    let format = match detect::detect_input(&input, ext.as_deref()) {
        // Legacy Word: converted by LibreOffice when it is installed.
        Err(ReadError::Unsupported {
            format: legacy::FORMAT,
            ..
        }) => return legacy::read(name, input.bytes()),
        other => other?,
    };
    match format {
        InputFormat::Docx => docx::read(name, input.bytes()),
        InputFormat::Xlsx => xlsx::read(name, input.bytes()),
        InputFormat::Pdf => pdf::read(name, input.bytes()),
        fmt @ (InputFormat::Text | InputFormat::Markdown | InputFormat::Html) => {
            let decoded = if fmt == InputFormat::Html {
                decode::decode_html_input(input)?
            } else {
                decode::decode_input(input)?
            };
            if fmt != InputFormat::Html {
                check_text_budget(&decoded.text)?;
            }
            match fmt {
                InputFormat::Html => html::parse_checked(name, decoded.text, decoded.encoding),
                InputFormat::Markdown => Ok(text::parse(
                    name,
                    decoded.text,
                    decoded.encoding,
                    InputFormat::Markdown,
                )),
                _ => Ok(text::parse(
                    name,
                    decoded.text,
                    decoded.encoding,
                    InputFormat::Text,
                )),
            }
        }
    }
}

mod errors_zh;
pub use errors_zh::error_zh;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let doc = Document::new(
            "x",
            InputFormat::Text,
            None,
            "第一行\n回应88次\n".into(),
            vec![],
        );
        let off = doc.view.find("88").unwrap();
        assert_eq!(doc.line_col(off), LineCol { line: 2, column: 3 });
        assert_eq!(doc.line_text(2), "回应88次");
    }

    #[test]
    fn line_col_in_long_lines_matches_a_direct_count() {
        // Lines longer than the mark spacing, mixing 1-, 2- and 3-byte characters.
        let line: String = "受理申请12件，é办结率100%；".repeat(900);
        let view = format!("短行\n{line}\n{line}{line}\n尾");
        let doc = Document::new("x", InputFormat::Text, None, view.clone(), vec![]);
        for off in (0..=view.len()).step_by(97).chain([view.len()]) {
            let line_start = view.as_bytes()[..off]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let want = view
                .get(line_start..off)
                .map_or(1, |p| p.chars().count() + 1);
            assert_eq!(doc.line_col(off).column, want, "offset {off}");
        }
    }
}
