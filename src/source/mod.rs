//! Read: file bytes → [`Document`].
//!
//! This stage detects the input format from content (the extension is only a hint), decodes any
//! Chinese encoding to UTF-8 and produces a [`Document`]: the *view* text a user reads in
//! diagnostics, plus its blocks (paragraphs and tables) whose cells carry byte spans into the
//! view. It never interprets numbers or labels: that is `number` and `extract`.

pub mod decode;
pub mod detect;
pub mod docx;
pub mod html;
pub mod pdf;
pub mod text;
pub mod xlsx;

use std::ops::Range;
use std::path::Path;

/// Largest input file gouji reads; bigger files are refused with [`ReadError::TooLarge`].
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

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
    /// rendering of the document.
    pub view: String,
    /// Paragraphs and tables in document order.
    pub blocks: Vec<Block>,
    /// Offsets of line starts in `view` (computed once, used for line/column lookups).
    line_starts: Vec<usize>,
}

/// One block of a document.
#[derive(Debug, Clone)]
pub enum Block {
    /// A paragraph of prose (or a heading).
    Paragraph(Paragraph),
    /// A table.
    Table(Table),
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
        line_starts.extend(
            view.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Document {
            path: path.into(),
            format,
            encoding,
            view,
            blocks,
            line_starts,
        }
    }

    /// Line and character column of a byte offset in the view (clamped to the view).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.view.len());
        let line_idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_idx];
        let prefix = self.view.get(start..offset).unwrap_or("");
        LineCol {
            line: line_idx + 1,
            column: prefix.chars().count() + 1,
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
            Block::Table(t) => Some(t),
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
    let meta = std::fs::metadata(path).map_err(|source| ReadError::Io { source })?;
    if meta.len() > MAX_INPUT_BYTES {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(|source| ReadError::Io { source })?;
    read_bytes(&path.display().to_string(), &bytes, path)
}

/// Read a document from bytes; `hint` supplies the extension used as a format hint.
pub fn read_bytes(name: &str, bytes: &[u8], hint: &Path) -> Result<Document, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    let ext = hint
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    match detect::detect(bytes, ext.as_deref())? {
        InputFormat::Docx => docx::read(name, bytes),
        InputFormat::Xlsx => xlsx::read(name, bytes),
        InputFormat::Pdf => pdf::read(name, bytes),
        fmt @ (InputFormat::Text | InputFormat::Markdown | InputFormat::Html) => {
            let decoded = if fmt == InputFormat::Html {
                decode::decode_html(bytes)?
            } else {
                decode::decode(bytes)?
            };
            match fmt {
                InputFormat::Html => Ok(html::parse(name, decoded.text, decoded.encoding)),
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
}
