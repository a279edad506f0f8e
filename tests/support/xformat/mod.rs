//! Cross-format fixture builder: one simple report model written as text, Markdown, HTML
//! (UTF-8 and GBK), DOCX, XLSX and PDF, deterministically.
//!
//! A [`Report`] is a title, paragraphs and tables. A [`Table`] is a grid of placed cells, each
//! with a row/column span (HTML-style placement: [`Table::from_rows`] takes the cells that start
//! in each row, like `<tr>`s). Writers:
//! - [`text::write_text`]: pipe rows, one row per line (`cell | cell | |||`, like seed 002);
//! - [`text::write_markdown`]: `| a | b |` with a `|---|` delimiter after the first row;
//! - [`html::write_html`]: a page with chrome (style, script, nav) and real `<table>`s with
//!   rowspan/colspan, in UTF-8 or GBK;
//! - [`docx::write_docx`]: the official 2021 template filled in when the report was derived from
//!   it ([`Report::template`]), else a minimal hand-written package (gridSpan, vMerge, text split
//!   over runs);
//! - [`xlsx::write_xlsx`]: one sheet per table, numbers as numbers, spans as merged cells;
//! - [`pdf::write_pdf`]: a hand-written PDF (Type0/Identity-H font, ToUnicode CMap), each cell
//!   at the x of its grid column, one line per row.

pub mod docx;
pub mod html;
pub mod pdf;
pub mod reports;
pub mod text;
pub mod xlsx;

/// The formats a report can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Pipe-row text.
    Text,
    /// Markdown pipe tables.
    Markdown,
    /// HTML in UTF-8.
    HtmlUtf8,
    /// HTML in GBK (declared as gb2312).
    HtmlGbk,
    /// DOCX.
    Docx,
    /// XLSX.
    Xlsx,
    /// PDF.
    Pdf,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 7] = [
        Format::Text,
        Format::Markdown,
        Format::HtmlUtf8,
        Format::HtmlGbk,
        Format::Docx,
        Format::Xlsx,
        Format::Pdf,
    ];

    /// File name suffix (the extension is a format hint for the reader).
    pub fn file_suffix(self) -> &'static str {
        match self {
            Format::Text => ".txt",
            Format::Markdown => ".md",
            Format::HtmlUtf8 => ".utf8.html",
            Format::HtmlGbk => ".gbk.html",
            Format::Docx => ".docx",
            Format::Xlsx => ".xlsx",
            Format::Pdf => ".pdf",
        }
    }
}

/// One placed table cell (0-based grid position of its top-left slot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Grid row.
    pub row: usize,
    /// Grid column.
    pub col: usize,
    /// Rows covered (≥ 1).
    pub rowspan: usize,
    /// Columns covered (≥ 1).
    pub colspan: usize,
    /// Text.
    pub text: String,
}

/// A cell as written in a row, before placement.
#[derive(Debug, Clone)]
pub struct C {
    text: String,
    rowspan: usize,
    colspan: usize,
}

/// A cell of one row and one column.
pub fn c(text: impl Into<String>) -> C {
    C {
        text: text.into(),
        rowspan: 1,
        colspan: 1,
    }
}

impl C {
    /// Span `rows` rows and `cols` columns.
    pub fn span(mut self, rows: usize, cols: usize) -> C {
        self.rowspan = rows.max(1);
        self.colspan = cols.max(1);
        self
    }
}

/// A table: placed cells on a `height` × `width` grid.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Grid columns.
    pub width: usize,
    /// Grid rows.
    pub height: usize,
    /// Cells sorted by (row, col).
    pub cells: Vec<Cell>,
}

impl Table {
    /// Place rows of cells like HTML does: each cell goes to the first free slot of its row.
    pub fn from_rows(rows: Vec<Vec<C>>) -> Table {
        let mut taken: Vec<Vec<bool>> = Vec::new();
        let mut cells = Vec::new();
        for (r, row) in rows.into_iter().enumerate() {
            let mut col = 0;
            for cell in row {
                while taken
                    .get(r)
                    .and_then(|t| t.get(col))
                    .copied()
                    .unwrap_or(false)
                {
                    col += 1;
                }
                for rr in r..r + cell.rowspan {
                    if taken.len() <= rr {
                        taken.resize(rr + 1, Vec::new());
                    }
                    let t = &mut taken[rr];
                    if t.len() < col + cell.colspan {
                        t.resize(col + cell.colspan, false);
                    }
                    for slot in &mut t[col..col + cell.colspan] {
                        *slot = true;
                    }
                }
                cells.push(Cell {
                    row: r,
                    col,
                    rowspan: cell.rowspan,
                    colspan: cell.colspan,
                    text: cell.text,
                });
                col += cell.colspan;
            }
        }
        let width = cells.iter().map(|c| c.col + c.colspan).max().unwrap_or(0);
        let height = cells.iter().map(|c| c.row + c.rowspan).max().unwrap_or(0);
        let mut t = Table {
            width,
            height,
            cells,
        };
        t.fill_holes();
        t
    }

    /// Put an empty cell into every slot no cell covers, and sort the cells.
    pub fn fill_holes(&mut self) {
        let grid = self.grid();
        for (r, row) in grid.iter().enumerate() {
            for (col, slot) in row.iter().enumerate() {
                if slot.is_none() {
                    self.cells.push(Cell {
                        row: r,
                        col,
                        rowspan: 1,
                        colspan: 1,
                        text: String::new(),
                    });
                }
            }
        }
        self.cells.sort_by_key(|c| (c.row, c.col));
    }

    /// For every grid slot, the index of the cell covering it.
    pub fn grid(&self) -> Vec<Vec<Option<usize>>> {
        let mut g = vec![vec![None; self.width]; self.height];
        for (i, cell) in self.cells.iter().enumerate() {
            for row in g.iter_mut().skip(cell.row).take(cell.rowspan) {
                for slot in row.iter_mut().skip(cell.col).take(cell.colspan) {
                    *slot = Some(i);
                }
            }
        }
        g
    }

    /// Cells whose top-left slot is in row `r`, in column order.
    pub fn starting_in(&self, r: usize) -> impl Iterator<Item = &Cell> {
        self.cells.iter().filter(move |c| c.row == r)
    }

    /// The cell covering grid slot `(r, col)`, mutably.
    pub fn cell_at_mut(&mut self, r: usize, col: usize) -> Option<&mut Cell> {
        self.cells.iter_mut().find(|c| {
            (c.row..c.row + c.rowspan).contains(&r) && (c.col..c.col + c.colspan).contains(&col)
        })
    }
}

/// A block of a report.
#[derive(Debug, Clone)]
pub enum Block {
    /// A paragraph (or heading).
    Para(String),
    /// A table.
    Table(Table),
}

/// A report: title, paragraphs and tables.
#[derive(Debug, Clone)]
pub struct Report {
    /// Short name used in file names (`f2021`).
    pub name: String,
    /// Title (first line / `<h1>`).
    pub title: String,
    /// Body in order.
    pub blocks: Vec<Block>,
    /// A DOCX template whose tables have exactly this report's grids (table by table): the DOCX
    /// writer fills it instead of writing a package from scratch.
    pub template: Option<&'static [u8]>,
}

impl Report {
    /// The tables in order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            Block::Para(_) => None,
        })
    }

    /// The tables in order, mutably.
    pub fn tables_mut(&mut self) -> impl Iterator<Item = &mut Table> {
        self.blocks.iter_mut().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            Block::Para(_) => None,
        })
    }

    /// Write the report in `format`.
    pub fn write(&self, format: Format) -> Vec<u8> {
        match format {
            Format::Text => text::write_text(self).into_bytes(),
            Format::Markdown => text::write_markdown(self).into_bytes(),
            Format::HtmlUtf8 => html::write_html(self, false),
            Format::HtmlGbk => html::write_html(self, true),
            Format::Docx => docx::write_docx(self),
            Format::Xlsx => xlsx::write_xlsx(self),
            Format::Pdf => pdf::write_pdf(self),
        }
    }

    /// File name for `format` (`f2021.docx`).
    pub fn file_name(&self, format: Format) -> String {
        format!("{}{}", self.name, format.file_suffix())
    }
}

/// Escape text for XML/HTML.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(ch),
        }
    }
    out
}
