//! Extract: [`Document`] + packs → [`Facts`].
//!
//! Tables are assigned to the pack tables whose signatures they carry (each table separately:
//! one file may hold several reports in several formats), then every declared row is found by its
//! normalised label and its value cells become facts with full provenance. Nothing here judges
//! whether figures agree; that is `check`.

pub(crate) mod classes;
pub mod label;
pub mod prose;
mod prose_years;
pub mod stream;
pub mod table;

use crate::name::Name;
use crate::number::Quantity;
use crate::rules::Registry;
use crate::source::{Document, Span};

/// The value of a fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactValue {
    /// A printed number.
    Number(Quantity),
    /// An empty cell.
    Blank,
    /// `—`, `/`, `无`: not applicable.
    NotApplicable,
}

/// Where a fact came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// Byte span of the figure in the document view.
    pub span: Span,
    /// Row label as the pack names it.
    pub row_label: Name,
    /// Column label as the pack names it (empty for single-column tables).
    pub column_label: Name,
    /// Locator in the original document (`第2张表 第5行 第3列`), when the view is a rendering
    /// (a boxed string: a table of a page holds one provenance per figure).
    pub locator: Option<Box<str>>,
    /// Cell text as printed when it is not the view's text at `span` (a rendering's own text,
    /// a figure joined across a line break); `None` when it is, so a page of thousands of
    /// reports holds no copy of its figures. Read it with [`Provenance::text`].
    pub own_text: Option<Box<str>>,
    /// Unit printed in the row's own unit cell (`条`, `件`, `万元` in the 2014 table), if any
    /// (shared by the facts of the row).
    pub unit: Option<Name>,
}

impl Provenance {
    /// Cell text as printed (`view` is the document's view).
    pub fn text<'a>(&'a self, view: &'a str) -> &'a str {
        match &self.own_text {
            Some(t) => t,
            None => view.get(self.span.clone()).unwrap_or(""),
        }
    }

    /// What [`Provenance::own_text`] keeps of `text`, printed at `span` of `view`.
    pub fn own_text(view: &str, span: &Span, text: &str) -> Option<Box<str>> {
        (view.get(span.clone()) != Some(text)).then(|| text.into())
    }
}

/// How a table fact was read: straight from a grid cell, or put back by the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reading {
    /// A cell of a table grid (HTML, DOCX, XLSX, Markdown, pipe dump, PDF layout).
    Grid,
    /// A row label followed by as many figures as the table has columns, in a text stream
    /// (crawled text, one cell per line or space-separated).
    Stream,
    /// A row printed short (blank cells dropped): the figure's column follows from the count
    /// and the form (`short_rows` of the pack: first column, 总计 last, or from the left).
    Placed,
    /// A row printed short whose figures between the placed ones are all zero: the figure is
    /// zero and so is every column it could belong to; the column shown is one of them.
    ZeroSomewhere,
    /// A row printed short: the figure's column could not be fixed; the column shown is the
    /// leftmost possible, and `check` reports a failure only if it fails in every placement.
    Undetermined,
    /// A cell the page left blank and the stream dropped: not printed, read as blank.
    Dropped,
    /// Part of a run of digits printed without separators (`120010013`), split the only way
    /// (or one of the ways) that makes the row add up.
    Glued,
    /// A number printed across a line break or markup (`1` / `62`), joined because only the
    /// joined reading makes the row add up.
    Joined,
}

impl Reading {
    /// Name used in output (`grid`, `stream`, `placed`, …).
    pub fn name(self) -> &'static str {
        match self {
            Reading::Grid => "grid",
            Reading::Stream => "stream",
            Reading::Placed => "placed",
            Reading::ZeroSomewhere => "zero-somewhere",
            Reading::Undetermined => "undetermined",
            Reading::Dropped => "dropped",
            Reading::Glued => "glued",
            Reading::Joined => "joined",
        }
    }

    /// Was the figure put back by the form rather than read from a cell of its own?
    pub fn is_recovered(self) -> bool {
        !matches!(self, Reading::Grid | Reading::Stream)
    }
}

/// One figure of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// Row key (`apply.new`; empty for an unlabeled row).
    pub row: Name,
    /// Column key (`total`; empty for a single unnamed column).
    pub column: Name,
    /// The value.
    pub value: FactValue,
    /// Provenance.
    pub provenance: Provenance,
    /// How it was read.
    pub read: Reading,
}

impl Fact {
    /// The fact's name as used in rule expressions and output: `row[column]`, `row` or `column`.
    pub fn name(&self) -> String {
        fact_name(&self.row, &self.column)
    }

    /// Human label: `row label · column label`, or whichever of the two exists.
    pub fn label(&self) -> String {
        let p = &self.provenance;
        match (p.row_label.is_empty(), p.column_label.is_empty()) {
            (false, false) => format!("{} · {}", p.row_label, p.column_label),
            (false, true) => p.row_label.to_string(),
            _ => p.column_label.to_string(),
        }
    }
}

/// Name of a fact from its row and column keys.
pub fn fact_name(row: &str, column: &str) -> String {
    match (row.is_empty(), column.is_empty()) {
        (_, true) => row.to_string(),
        (true, false) => column.to_string(),
        (false, false) => {
            let mut name = String::with_capacity(row.len() + column.len() + 2);
            name.push_str(row);
            name.push('[');
            name.push_str(column);
            name.push(']');
            name
        }
    }
}

/// One table of the document read with one pack table definition.
#[derive(Debug, Clone)]
pub struct TableInstance {
    /// Index of the pack in the registry.
    pub pack: usize,
    /// Index of the table definition in the pack.
    pub table: usize,
    /// 1-based number of the table in the document.
    pub table_number: usize,
    /// Span of the table in the view.
    pub span: Span,
    /// Facts found (figures whose column is known, and blanks).
    pub facts: Vec<Fact>,
    /// Rows printed short whose figures' columns the form alone cannot fix.
    pub ambiguous: Vec<AmbiguousRow>,
    /// Cells where a figure should be and something else is printed (`1O`, `l2`): they keep
    /// their column (no neighbour moves into it) and give no fact.
    pub not_numbers: Vec<NotNumber>,
}

/// A cell that should hold a figure and does not.
#[derive(Debug, Clone)]
pub struct NotNumber {
    /// Where it is.
    pub span: Span,
    /// Row label as the pack names it.
    pub row_label: Name,
    /// The text printed.
    pub text: String,
    /// A run of glued digits that no split turns into a row that adds up.
    pub glued: bool,
}

/// A row printed short (blank cells dropped) whose figures could sit in several columns.
#[derive(Debug, Clone)]
pub struct AmbiguousRow {
    /// Row key.
    pub row: Name,
    /// Every placement the order of the figures allows: all facts of the row (figures and
    /// dropped blanks) under that placement. Empty when there are too many. The table's facts
    /// hold the first of them (figures in the leftmost open columns).
    pub variants: Vec<Vec<Fact>>,
}

impl TableInstance {
    /// Is the fact's value the same in every reading of its row, and not split out of glued
    /// digits? (Prose is compared only with such facts.)
    pub fn is_certain(&self, fact: &Fact) -> bool {
        if matches!(fact.read, Reading::Glued | Reading::Joined) {
            return false;
        }
        // Most tables have no row printed short: no name to make.
        if !self.ambiguous.iter().any(|a| a.row == fact.row) {
            return true;
        }
        let name = fact.name();
        self.ambiguous
            .iter()
            .filter(|a| a.row == fact.row)
            .all(|a| {
                !a.variants.is_empty()
                    && a.variants.iter().all(|v| {
                        v.iter()
                            .find(|x| x.name() == name)
                            .is_some_and(|x| x.value == fact.value)
                    })
            })
    }

    /// Find a fact by row and column key.
    pub fn fact(&self, row: &str, column: &str) -> Option<&Fact> {
        self.facts
            .iter()
            .find(|f| f.row == row && f.column == column)
    }
}

/// Everything extracted from one document.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Table instances, in document order.
    pub tables: Vec<TableInstance>,
    /// Quantities in prose, paragraphs and report segments.
    pub prose: prose::ProseFacts,
}

impl Facts {
    /// Total number of facts.
    pub fn count(&self) -> usize {
        self.tables
            .iter()
            .map(|t| {
                t.facts
                    .iter()
                    .filter(|f| f.read != Reading::Dropped)
                    .count()
            })
            .sum()
    }

    /// Ids of the packs (formats) that matched at least one table, in first-seen order.
    pub fn formats(&self, registry: &Registry) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for t in &self.tables {
            let id = &registry.packs[t.pack].id;
            if !out.contains(id) {
                out.push(id.clone());
            }
        }
        out
    }
}

/// Extract the facts of a document with every pack of the registry.
pub fn extract(doc: &Document, registry: &Registry) -> Facts {
    let mut facts = table::extract_tables(doc, registry);
    let spans: Vec<Span> = facts.tables.iter().map(|t| t.span.clone()).collect();
    facts.prose = prose::extract_prose_outside(doc, &spans);
    facts
}
