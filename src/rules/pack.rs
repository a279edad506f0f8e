//! Rule packs: TOML → [`CompiledPack`].
//!
//! Loading has two phases, as in cargo-deny: the TOML is deserialised into spanned raw structs
//! (unknown keys are errors), then everything is validated and compiled at once (expressions
//! parsed, names resolved, labels normalised), collecting *every* problem with its position in
//! the pack file before giving up.

use super::expr::{self, Expr, NameRef};
use super::pattern::Compile;
use super::prose::{compile_prose, ProseKind, ProseSpecs};
use super::raw::{RawDetect, RawExtend, RawMeta, RawPack, RawRow, RawRule, RawTable};
use crate::extract::label::{fold, normalize};
use crate::name::Name;
use miette::{NamedSource, SourceSpan};
use rustc_hash::{FxHashMap, FxHashSet};
use std::ops::Range;
use std::sync::Arc;
use toml::Spanned;

/// Severity of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational: worth a look, often legitimate.
    Info,
    /// Probably wrong, but legitimate exceptions exist.
    Warning,
    /// Certainly wrong: an identity of the form is broken.
    Error,
}

impl Severity {
    /// Parse `error` / `warning` / `info`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }

    /// Name in the language asked for (`错误`, `警告`, `提示`; `error`… in English).
    pub fn label(self, lang: crate::finding::Lang) -> &'static str {
        match (self, lang) {
            (_, crate::finding::Lang::En) => self.name(),
            (Severity::Error, _) => "错误",
            (Severity::Warning, _) => "警告",
            (Severity::Info, _) => "提示",
        }
    }

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Compiled pack.

/// Substring signatures (already normalised) that decide whether a pack or table applies.
#[derive(Debug, Clone, Default)]
pub struct Detect {
    /// At least one must occur (if the list is not empty).
    pub any: Vec<String>,
    /// All must occur.
    pub all: Vec<String>,
    /// None may occur.
    pub none: Vec<String>,
    /// Vectorised substring searchers of `any`, `all` and `none`, built once with the pack.
    finders: [Vec<memchr::memmem::Finder<'static>>; 3],
}

impl Detect {
    fn compile(raw: &RawDetect) -> Self {
        let norm = |v: &Vec<String>| -> Vec<String> { v.iter().map(|s| fold(s)).collect() };
        let (any, all, none) = (norm(&raw.any), norm(&raw.all), norm(&raw.none));
        let finders = [&any, &all, &none].map(|v| {
            v.iter()
                .map(|s| memchr::memmem::Finder::new(s.as_bytes()).into_owned())
                .collect()
        });
        Detect {
            any,
            all,
            none,
            finders,
        }
    }

    /// Does normalised `text` satisfy the signatures? An empty `Detect` never matches.
    pub fn matches(&self, text: &str) -> bool {
        if self.any.is_empty() && self.all.is_empty() {
            return false;
        }
        // A byte match of UTF-8 is a str match.
        let has = |f: &memchr::memmem::Finder| f.find(text.as_bytes()).is_some();
        let [any, all, none] = &self.finders;
        (any.is_empty() || any.iter().any(has)) && all.iter().all(has) && !none.iter().any(has)
    }
}

/// Substring searches in one text, each signature searched once however many packs and tables
/// list it (the folded text of a whole page is searched by every pack and table signature).
/// It owns the text, so that dropping the search frees it.
#[derive(Debug)]
pub struct TextSearch<'p> {
    text: String,
    found: rustc_hash::FxHashMap<&'p str, bool>,
}

impl<'p> TextSearch<'p> {
    /// Searches in `text` (normalised as [`Detect`] expects).
    pub fn new(text: String) -> Self {
        TextSearch {
            text,
            found: rustc_hash::FxHashMap::default(),
        }
    }

    /// Does the text hold `pattern` (searched with its `finder`)?
    fn has(&mut self, pattern: &'p str, finder: &memchr::memmem::Finder) -> bool {
        let text = &self.text;
        *self
            .found
            .entry(pattern)
            .or_insert_with(|| finder.find(text.as_bytes()).is_some())
    }
}

impl Detect {
    /// [`Detect::matches`] of the text of `search`, answering from its earlier searches.
    pub fn matches_in<'p>(&'p self, search: &mut TextSearch<'p>) -> bool {
        if self.any.is_empty() && self.all.is_empty() {
            return false;
        }
        let [any, all, none] = &self.finders;
        let mut has = |patterns: &'p [String], finders: &[memchr::memmem::Finder], i: usize| match (
            patterns.get(i),
            finders.get(i),
        ) {
            (Some(p), Some(f)) => search.has(p, f),
            _ => false,
        };
        (any.is_empty() || (0..any.len()).any(|i| has(&self.any, any, i)))
            && (0..all.len()).all(|i| has(&self.all, all, i))
            && !(0..none.len()).any(|i| has(&self.none, none, i))
    }
}

/// How value cells map to columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// The first value cell is the first column.
    Left,
    /// The last value cell is the last column.
    Right,
}

/// Where the figures of a row go when it has fewer figures than the table has columns: the
/// page left some cells blank and the reader (a crawl, a converter) dropped them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortRows {
    /// Nothing is known: every order-preserving placement is possible, and a figure is placed
    /// only where all placements that the table's identities allow agree.
    Unknown,
    /// Figures fill the columns from the left (a blank trailing cell, e.g. an empty 历年累计,
    /// disappears).
    Left,
    /// The last figure is the last column (总计) and, with two or more figures, the first figure
    /// is the first column; figures in between belong to the middle columns in order, at places
    /// only the identities can fix.
    FirstTotal,
}

/// A value column of a table.
#[derive(Debug, Clone)]
pub struct ColumnDef {
    /// Key used in fact names (`total`); empty for the single unnamed column.
    pub key: Name,
    /// Label as printed (`总计`).
    pub label: Name,
    /// Unit of the column's figures when the form fixes it (`万元`), for cells that print none.
    pub unit: Option<String>,
}

/// A row of a table definition.
#[derive(Debug, Clone)]
pub struct RowDef {
    /// Row key (`apply.new`); empty for an unlabeled row whose facts are named by column.
    pub key: Name,
    /// Label as printed in the official form.
    pub label: Name,
    /// Normalised label and aliases.
    pub match_labels: Vec<String>,
    /// Index of the row that must be matched above this one.
    pub after: Option<usize>,
    /// Matches the first row without a label.
    pub unlabeled: bool,
    /// A row some variants of the form do not print: when it is not found, `sum(…)` and globs
    /// leave it out instead of making the rule not applicable.
    pub optional: bool,
    /// The columns this row has, as indices into the table's columns, when it has fewer than
    /// the table (第（八）项 行政事业性收费 has no 处理决定数量): its figures go to these, in order,
    /// never to a neighbour's column.
    pub columns: Option<Vec<usize>>,
    /// Unit of the row's figures when the form fixes it, for cells that print none.
    pub unit: Option<String>,
}

/// A figure comparable across forms (`gouji extract`'s `concept` column): one concept key, the
/// same in every pack that has the figure, and the expression giving it in this table.
#[derive(Debug, Clone)]
pub struct ConceptDef {
    /// Concept key (`applications.received`).
    pub key: String,
    /// The figure: a full fact name (`apply.new[total]`), or a sum of them.
    pub expr: Expr,
    /// The expression as written.
    pub source: String,
}

/// A computed fact (per column).
#[derive(Debug, Clone)]
pub struct VirtualDef {
    /// Key, used like a row key.
    pub key: String,
    /// Label for messages.
    pub label: String,
    /// Expression over the table's rows.
    pub expr: Expr,
}

/// A table of a format.
#[derive(Debug, Clone)]
pub struct TableDef {
    /// Table id (`t3`), shared by tables of different packs that compete for the same table.
    pub id: String,
    /// Title for messages.
    pub title: String,
    /// Short name as the form numbers it (`表三`); the title when the pack gives none.
    pub short: String,
    /// Not every report of the format has it (a table the form does not require). A statutory
    /// (non-optional) table missing from a report whose format was detected is reported.
    pub optional: bool,
    /// How to recognise it.
    pub detect: Detect,
    /// Value-cell alignment.
    pub align: Align,
    /// Placement of the figures of a row printed short (blank cells dropped).
    pub short_rows: ShortRows,
    /// Value columns (one unnamed column if the pack declares none).
    pub columns: Vec<ColumnDef>,
    /// Rows.
    pub rows: Vec<RowDef>,
    /// Computed facts.
    pub virtuals: Vec<VirtualDef>,
    /// Unit of the table's figures when the form fixes it (`件`), for cells that print none.
    pub unit: Option<String>,
    /// Figures comparable across forms.
    pub concepts: Vec<ConceptDef>,
    /// 1-based line of the table's `id` in its pack file.
    pub line: usize,
}

impl TableDef {
    /// Column by key.
    pub fn column(&self, key: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.key == key)
    }

    /// The unit the form fixes for a fact of this table (row, then column, then table), when
    /// any.
    pub fn unit_of(&self, row: &str, column: &str) -> Option<&str> {
        self.rows
            .iter()
            .find(|r| r.key == row)
            .and_then(|r| r.unit.as_deref())
            .or_else(|| self.column(column).and_then(|c| c.unit.as_deref()))
            .or(self.unit.as_deref())
    }
}

/// What a rule iterates over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForEach {
    /// Evaluated once per table.
    Once,
    /// Once per column; bare names are row keys.
    Column,
    /// Once per row; bare names are column keys.
    Row,
    /// Once per fact; `value` is the fact.
    Cell,
}

/// Documentation of a rule, printed by `gouji explain`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Explain {
    /// What it checks.
    pub what: String,
    /// Why it matters.
    pub why: String,
    /// A real example.
    pub example: String,
    /// The same in Chinese, when the pack gives it (`explain.zh`).
    pub zh: Option<ExplainText>,
}

/// An explanation in one language.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExplainText {
    /// What it checks.
    pub what: String,
    /// Why it matters.
    pub why: String,
    /// A real example.
    pub example: String,
}

impl Explain {
    /// What, why and example in the language asked for (English when no Chinese is given),
    /// and whether that is the language asked for.
    pub fn text(&self, lang: crate::finding::Lang) -> (&str, &str, &str, bool) {
        match (&self.zh, lang) {
            (Some(z), crate::finding::Lang::Zh) => (&z.what, &z.why, &z.example, true),
            (None, crate::finding::Lang::Zh) => (&self.what, &self.why, &self.example, false),
            _ => (&self.what, &self.why, &self.example, true),
        }
    }
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable id (`F2019-T3-BAL`).
    pub id: String,
    /// Kebab-case name of the inconsistency.
    pub name: String,
    /// Id of the pack defining it.
    pub pack: String,
    /// Table the rule reads (its id in [`Rule::table_pack`]).
    pub table: Option<String>,
    /// Id of the pack whose table the rule reads: its own pack, or another one for a rule
    /// written `table = "F2021.t3"`.
    pub table_pack: String,
    /// Default severity.
    pub severity: Severity,
    /// Iteration mode.
    pub for_each: ForEach,
    /// Column subset for `for_each = "column"`.
    pub columns: Option<Vec<String>>,
    /// Row globs for `row` / `cell`.
    pub rows: Option<Vec<String>>,
    /// Precondition.
    pub when: Option<Expr>,
    /// The relation (a comparison at the top).
    pub expr: Expr,
    /// The expression as written.
    pub expr_text: String,
    /// Message in Chinese.
    pub message_zh: String,
    /// Message in English.
    pub message_en: String,
    /// Where the relation comes from.
    pub reference: String,
    /// Explanation.
    pub explain: Explain,
    /// `stable` or `preview`.
    pub status: String,
    /// 1-based line of the rule's `id` in the pack file.
    pub line: usize,
    /// The prose mechanism, for prose rules (which have no table and no expression).
    pub prose: Option<ProseKind>,
    /// Implemented by the engine itself (`engine = true`: findings about what could be read,
    /// see `crate::coverage`); no table, expression or prose patterns.
    pub engine: bool,
    /// A relation across reports of one body (`across = "previous-year"`): names with the
    /// [`PREV`] prefix are the previous year's report's facts. Such a rule is not run on a
    /// single file, but after every file was read (see `crate::across`).
    pub across: Option<Across>,
}

/// Prefix of a name that reads the previous year's report in an `across` rule.
pub const PREV: &str = "prev.";

/// Which other report an `across` rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Across {
    /// The same body's report for the year before.
    PreviousYear,
    /// The same body's latest earlier report, whatever the gap (for figures that never go down).
    Earlier,
}

impl Across {
    /// Name as written in packs.
    pub fn name(self) -> &'static str {
        match self {
            Across::PreviousYear => "previous-year",
            Across::Earlier => "earlier",
        }
    }
}

impl Rule {
    /// Does the rule read table `table` of pack `pack`?
    pub fn reads(&self, pack: &str, table: &str) -> bool {
        self.table.as_deref() == Some(table) && self.table_pack == pack
    }
}

/// Rows and aliases a pack adds to a table of another pack (`[[extend]]`).
#[derive(Debug, Clone)]
pub struct Extension {
    /// The pack whose table is extended.
    pub pack: String,
    /// The table id in that pack.
    pub table: String,
    /// The table with the additions (replaces the original when the pack is added).
    pub def: TableDef,
    /// Number of rows added.
    pub rows_added: usize,
}

/// A validated, compiled rule pack, shared read-only across threads.
#[derive(Debug, Clone)]
pub struct CompiledPack {
    /// Pack id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Legal/document reference.
    pub reference: String,
    /// Tie-break priority.
    pub priority: i32,
    /// Document-level signatures.
    pub detect: Detect,
    /// Tables.
    pub tables: Vec<TableDef>,
    /// Rules.
    pub rules: Vec<Rule>,
    /// Prose patterns (`[[prose.*]]`).
    pub prose: ProseSpecs,
    /// Tables of other packs this pack extends (`[[extend]]`).
    pub extends: Vec<Extension>,
    /// File name the pack came from (`rules/f2019.toml` or a user path).
    pub source_name: String,
}

impl CompiledPack {
    /// Table definition by id.
    pub fn table(&self, id: &str) -> Option<&TableDef> {
        self.tables.iter().find(|t| t.id == id)
    }
}

// ---------------------------------------------------------------------------------------------
// Errors.

/// One problem in a TOML file (a rule pack or `gouji.toml`), pointing at its position.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{location}: {message}")]
pub struct PackProblem {
    /// What is wrong.
    pub message: String,
    /// `file:line:column` (column in characters).
    pub location: String,
    /// The pack file.
    #[source_code]
    pub src: NamedSource<Arc<String>>,
    /// Where.
    #[label("here")]
    pub span: SourceSpan,
}

/// A pack that could not be loaded.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum PackError {
    /// The file could not be read.
    #[error("cannot read rule pack {path}: {source}")]
    Io {
        /// Path.
        path: String,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// The pack has problems (all of them are listed).
    #[error("rule pack {path} is invalid ({} problem{}; each is shown below)", .problems.len(), if .problems.len() == 1 { "" } else { "s" })]
    #[diagnostic(help("see rules/README.md for the pack format"))]
    Invalid {
        /// Path.
        path: String,
        /// Every problem found.
        #[related]
        problems: Vec<PackProblem>,
    },
}

struct Problems {
    name: String,
    src: Arc<String>,
    lines: LineStarts,
    list: Vec<PackProblem>,
    dropped: usize,
}

/// Byte offsets of the line starts of a file, for line numbers in logarithmic time (a pack with
/// a hundred thousand rules must not count newlines once per rule).
#[derive(Debug, Clone)]
pub struct LineStarts(Vec<usize>);

impl LineStarts {
    /// Index the lines of `src`.
    pub fn new(src: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', src.as_bytes()).map(|i| i + 1));
        LineStarts(starts)
    }

    /// 1-based line of byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&s| s <= offset).max(1)
    }

    /// Byte offset where line `line` (1-based) starts.
    fn start(&self, line: usize) -> usize {
        self.0.get(line.saturating_sub(1)).copied().unwrap_or(0)
    }
}

/// Most problems listed for one file; the rest are counted in a last problem.
pub const MAX_PROBLEMS: usize = 100;
/// Widest piece of a long line quoted around a problem (bytes on each side).
const SNIPPET_WINDOW: usize = 200;

impl PackProblem {
    /// A problem at byte `span` of the TOML file `name` with text `src`; the location names the
    /// 1-based line and the 1-based column in characters. Shared by packs and `gouji.toml`.
    pub fn at(
        name: &str,
        src: &Arc<String>,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self::at_indexed(name, src, &LineStarts::new(src), span, message)
    }

    /// [`PackProblem::at`] with the file's lines already indexed. A problem on a long line
    /// quotes only a window of it around the span (the line number shown stays right).
    pub fn at_indexed(
        name: &str,
        src: &Arc<String>,
        lines: &LineStarts,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let start = span.start.min(src.len());
        let end = span.end.clamp(start, src.len());
        let line = lines.line_of(start);
        let line_start = lines.start(line);
        let col = src.get(line_start..start).unwrap_or("").chars().count() + 1;
        let line_end = src[start..].find('\n').map_or(src.len(), |i| start + i);
        let (source, span) = if line_end - line_start <= 2 * SNIPPET_WINDOW {
            (src.clone(), (start, end - start))
        } else {
            let floor = |mut i: usize| {
                while !src.is_char_boundary(i) {
                    i -= 1;
                }
                i
            };
            let lo = floor(start.saturating_sub(SNIPPET_WINDOW).max(line_start));
            let hi = floor((end + SNIPPET_WINDOW).min(line_end).max(start));
            let end = end.min(hi);
            // Blank lines before the window keep miette's line numbers right.
            let mut text = "\n".repeat(line - 1);
            let offset = text.len();
            text.push_str(&src[lo..hi]);
            (Arc::new(text), (offset + start - lo, end - start))
        };
        PackProblem {
            message: message.into(),
            location: format!("{name}:{line}:{col}"),
            src: NamedSource::new(name, source),
            span: span.into(),
        }
    }
}

impl Problems {
    fn push(&mut self, span: Range<usize>, message: impl Into<String>) {
        if self.list.len() >= MAX_PROBLEMS {
            self.dropped += 1;
            return;
        }
        self.list.push(PackProblem::at_indexed(
            &self.name,
            &self.src,
            &self.lines,
            span,
            message,
        ));
    }

    fn line_of(&self, offset: usize) -> usize {
        self.lines.line_of(offset)
    }

    /// The problems, the last one counting those not listed.
    fn into_list(mut self) -> Vec<PackProblem> {
        if self.dropped > 0 {
            let message = format!(
                "{} more problems are not listed (only the first {MAX_PROBLEMS} are)",
                self.dropped
            );
            let end = self.src.len();
            self.list.push(PackProblem::at_indexed(
                &self.name,
                &self.src,
                &self.lines,
                end..end,
                message,
            ));
        }
        self.list
    }
}

/// Map an offset inside a string value's text back to the pack file (basic or literal strings
/// without escapes: the text starts one byte after the opening quote).
fn inner_span(value: &Spanned<String>, inner: Range<usize>) -> Range<usize> {
    let base = value.span().start + 1;
    base + inner.start..base + inner.end.max(inner.start + 1)
}

fn parse_expr(p: &mut Problems, value: &Spanned<String>) -> Option<Expr> {
    match expr::parse(value.get_ref()).and_then(|e| expr::check_globs(&e).map(|_| e)) {
        Ok(e) => Some(e),
        Err(err) => {
            p.push(
                inner_span(value, err.span.clone()),
                format!("invalid expression: {}", err.message),
            );
            None
        }
    }
}

/// Load and compile a pack from TOML text. `name` is used in every message.
pub fn compile(name: &str, text: &str) -> Result<CompiledPack, PackError> {
    compile_in(name, text, &[])
}

/// Compile a pack whose rules and `[[extend]]` sections may name tables of the packs in
/// `others` (`table = "F2021.t3"`).
pub fn compile_in(
    name: &str,
    text: &str,
    others: &[CompiledPack],
) -> Result<CompiledPack, PackError> {
    compile_with(name, text, None, others, Compile::Now)
}

/// Compile a built-in pack: as [`compile_in`], but its prose patterns are only checked for
/// syntax at load and compiled on first use (a test compiles every one of them), and its text
/// is read from the tree `build.rs` parsed it into (`file` is its file name in `rules/`) when
/// there is one.
pub(crate) fn compile_builtin(
    name: &str,
    file: &str,
    text: &str,
    others: &[CompiledPack],
) -> Result<CompiledPack, PackError> {
    compile_with(
        name,
        text,
        super::builtin::tree(file),
        others,
        Compile::Deferred,
    )
}

/// Compile the pack `name` with TOML text `text`, deserialised from `tree` (its text parsed at
/// build time) when given and that succeeds, else parsed now.
fn compile_with(
    name: &str,
    text: &str,
    tree: Option<&'static super::builtin::Item>,
    others: &[CompiledPack],
    when: Compile,
) -> Result<CompiledPack, PackError> {
    let src = Arc::new(text.to_string());
    let mut p = Problems {
        name: name.to_string(),
        lines: LineStarts::new(&src),
        src: src.clone(),
        list: Vec::new(),
        dropped: 0,
    };
    let parsed = match tree.and_then(|t| super::builtin::from_tree::<RawPack>(t).ok()) {
        Some(raw) => Ok(raw),
        None => toml::from_str(text),
    };
    let raw: RawPack = match parsed {
        Ok(r) => r,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            p.push(span, e.message().to_string());
            return Err(PackError::Invalid {
                path: name.to_string(),
                problems: p.into_list(),
            });
        }
    };
    let pack = validate(&mut p, raw, others, when);
    if p.list.is_empty() {
        if let Some(pack) = pack {
            return Ok(CompiledPack {
                source_name: name.to_string(),
                ..pack
            });
        }
    }
    Err(PackError::Invalid {
        path: name.to_string(),
        problems: p.into_list(),
    })
}

fn validate(
    p: &mut Problems,
    raw: RawPack,
    others: &[CompiledPack],
    when: Compile,
) -> Option<CompiledPack> {
    let meta = match raw.pack {
        Some(m) => m,
        None => {
            p.push(
                0..0,
                "a pack needs a `[pack]` table with `id` and `name` (see rules/README.md)",
            );
            RawMeta::default()
        }
    };
    let pack_id = match &meta.id {
        Some(id) => {
            let pack_id = id.get_ref().clone();
            if pack_id.is_empty()
                || pack_id.contains('.')
                || !pack_id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-')
            {
                p.push(
                    id.span(),
                    "pack id must be non-empty ASCII letters, digits and `-`",
                );
            }
            if let Some(o) = others.iter().find(|o| o.id == pack_id) {
                p.push(
                    id.span(),
                    format!("pack id `{pack_id}` is already used by {}", o.source_name),
                );
            }
            pack_id
        }
        None => {
            p.push(0..0, "`[pack]` needs `id` (e.g. `id = \"LOCAL\"`)");
            String::new()
        }
    };
    if meta.name.trim().is_empty() {
        p.push(
            meta.id.as_ref().map(|i| i.span()).unwrap_or(0..0),
            "`[pack]` needs `name`",
        );
    }
    let mut extends = Vec::new();
    for e in &raw.extend {
        if let Some(x) = validate_extend(p, e, others) {
            extends.push(x);
        }
    }
    // Rules read extended tables as extended.
    let mut visible: Vec<CompiledPack> = others.to_vec();
    for x in &extends {
        if let Some(t) = visible
            .iter_mut()
            .rev()
            .find(|o| o.id == x.pack)
            .and_then(|o| o.tables.iter_mut().find(|t| t.id == x.table))
        {
            *t = x.def.clone();
        }
    }
    let mut tables = Vec::new();
    let mut table_ids = FxHashSet::default();
    for t in &raw.tables {
        if !table_ids.insert(t.id.get_ref().clone()) {
            p.push(
                t.id.span(),
                format!("duplicate table id `{}`", t.id.get_ref()),
            );
        }
        tables.push(validate_table(p, t));
    }
    let mut rules = Vec::new();
    let mut rule_ids = FxHashSet::default();
    for r in &raw.rules {
        if !rule_ids.insert(r.id.get_ref().clone()) {
            p.push(
                r.id.span(),
                format!("duplicate rule id `{}`", r.id.get_ref()),
            );
        }
        if let Some(rule) = validate_rule(p, r, &pack_id, &tables, &visible) {
            rules.push(rule);
        }
    }
    let kinds: FxHashMap<String, Option<ProseKind>> = raw
        .rules
        .iter()
        .map(|r| {
            let kind = r.prose.as_ref().and_then(|k| ProseKind::parse(k.get_ref()));
            (r.id.get_ref().clone(), kind)
        })
        .collect();
    let prose = compile_prose(
        &raw.prose,
        when,
        &|id| kinds.get(id).copied(),
        &mut |span, msg| p.push(span, msg),
    );
    Some(CompiledPack {
        id: pack_id,
        name: meta.name,
        description: meta.description,
        reference: meta.reference,
        priority: meta.priority,
        detect: Detect::compile(&meta.detect),
        tables,
        rules,
        prose,
        extends,
        source_name: String::new(),
    })
}

/// `[[extend]]`: a copy of another pack's table with rows and aliases added.
fn validate_extend(p: &mut Problems, e: &RawExtend, others: &[CompiledPack]) -> Option<Extension> {
    let text = e.table.get_ref();
    let Some((pack, id)) = text.split_once('.') else {
        p.push(
            e.table.span(),
            format!("`[[extend]] table` names a table of another pack as `PACK.table` (e.g. `F2021.t3`), not `{text}`"),
        );
        return None;
    };
    let Some(def) = others
        .iter()
        .rev()
        .find(|o| o.id == pack)
        .and_then(|o| o.table(id))
    else {
        let known: Vec<String> = others
            .iter()
            .flat_map(|o| o.tables.iter().map(move |t| format!("{}.{}", o.id, t.id)))
            .collect();
        p.push(
            e.table.span(),
            format!("unknown table `{text}`; known: {}", known.join(", ")),
        );
        return None;
    };
    let mut def = def.clone();
    for (key, aliases) in &e.aliases {
        match def.rows.iter_mut().find(|r| &r.key == key.get_ref()) {
            Some(row) => {
                for a in aliases {
                    let n = normalize(a);
                    if !n.is_empty() && !row.match_labels.contains(&n) {
                        row.match_labels.push(n);
                    }
                }
            }
            None => p.push(
                key.span(),
                format!("table `{text}` has no row `{}`", key.get_ref()),
            ),
        }
    }
    let before = def.rows.len();
    add_rows(p, &mut def, &e.rows);
    Some(Extension {
        pack: pack.to_string(),
        table: id.to_string(),
        rows_added: def.rows.len() - before,
        def,
    })
}

fn validate_table(p: &mut Problems, t: &RawTable) -> TableDef {
    let align = match t.align.as_ref().map(|a| a.get_ref().as_str()) {
        None | Some("left") => Align::Left,
        Some("right") => Align::Right,
        Some(other) => {
            if let Some(a) = &t.align {
                p.push(
                    a.span(),
                    format!("unknown align `{other}`; expected one of: left, right"),
                );
            }
            Align::Left
        }
    };
    let short_rows = match t.short_rows.as_ref().map(|a| a.get_ref().as_str()) {
        None | Some("unknown") => ShortRows::Unknown,
        Some("left") => ShortRows::Left,
        Some("first-total") => ShortRows::FirstTotal,
        Some(other) => {
            if let Some(a) = &t.short_rows {
                p.push(
                    a.span(),
                    format!(
                        "unknown short_rows `{other}`; expected one of: unknown, left, first-total"
                    ),
                );
            }
            ShortRows::Unknown
        }
    };
    let mut columns: Vec<ColumnDef> = t
        .columns
        .iter()
        .map(|c| ColumnDef {
            key: c.key.get_ref().as_str().into(),
            label: c.label.as_str().into(),
            unit: c.unit.clone(),
        })
        .collect();
    let mut seen = FxHashSet::default();
    for c in &t.columns {
        if !seen.insert(c.key.get_ref().clone()) {
            p.push(
                c.key.span(),
                format!("duplicate column `{}`", c.key.get_ref()),
            );
        }
    }
    if columns.is_empty() {
        columns.push(ColumnDef {
            key: Name::default(),
            label: Name::default(),
            unit: None,
        });
    }
    let mut def = TableDef {
        id: t.id.get_ref().clone(),
        title: t.title.clone(),
        short: t.short.clone().unwrap_or_else(|| t.title.clone()),
        optional: t.optional,
        detect: Detect::compile(&t.detect),
        align,
        short_rows,
        columns,
        rows: Vec::new(),
        virtuals: Vec::new(),
        unit: t.unit.clone(),
        concepts: Vec::new(),
        line: p.line_of(t.id.span().start),
    };
    add_rows(p, &mut def, &t.rows);
    if def.title.trim().is_empty() {
        p.push(t.id.span(), format!("table `{}` needs `title`", def.id));
    }
    if def.detect.any.is_empty() && def.detect.all.is_empty() {
        p.push(t.id.span(), "a table needs `detect.any` or `detect.all`");
    }
    for v in &t.virtuals {
        if let Some(e) = parse_expr(p, &v.expr) {
            check_names(p, &v.expr, &e, &def, ForEach::Column, false);
            def.virtuals.push(VirtualDef {
                key: v.key.get_ref().clone(),
                label: v.label.clone().unwrap_or_else(|| v.key.get_ref().clone()),
                expr: e,
            });
        }
    }
    add_concepts(p, &mut def, &t.concepts);
    def
}

/// Compile a table's `[[table.concept]]` entries: a key of lowercase ASCII words joined by `.`
/// or `_`, unique in the table, and an expression over full fact names of this report.
fn add_concepts(p: &mut Problems, def: &mut TableDef, raw: &[super::raw::RawConcept]) {
    for c in raw {
        let key = c.key.get_ref();
        let well_formed = !key.is_empty()
            && key.split('.').all(|w| {
                !w.is_empty()
                    && w.chars()
                        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
            });
        if !well_formed {
            p.push(
                c.key.span(),
                format!("concept key `{key}`: lowercase ASCII words joined by `.`"),
            );
        }
        if def.concepts.iter().any(|d| &d.key == key) {
            p.push(c.key.span(), format!("duplicate concept `{key}`"));
        }
        let Some(e) = parse_expr(p, &c.expr) else {
            continue;
        };
        if uses_prev(&e) {
            p.push(
                c.expr.span(),
                "a concept reads this report only (no `prev.`)",
            );
            continue;
        }
        check_names(p, &c.expr, &e, def, ForEach::Once, false);
        def.concepts.push(ConceptDef {
            key: key.clone(),
            expr: e,
            source: c.expr.get_ref().trim().to_string(),
        });
    }
}

/// Append `raw` rows to `def` (row keys unique, `after` naming a row above).
fn add_rows(p: &mut Problems, def: &mut TableDef, raw: &[RawRow]) {
    let mut index: FxHashMap<String, usize> = def
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.key.to_string(), i))
        .collect();
    for r in raw {
        let key = r.key.get_ref().clone();
        if index.contains_key(&key) {
            p.push(r.key.span(), format!("duplicate row key `{key}`"));
        }
        let after = match &r.after {
            Some(a) => match index.get(a.get_ref()) {
                Some(&i) => Some(i),
                None => {
                    p.push(
                        a.span(),
                        format!(
                            "`after` must name a row declared above, not `{}`",
                            a.get_ref()
                        ),
                    );
                    None
                }
            },
            None => None,
        };
        let label = r.label.clone().unwrap_or_default();
        if label.is_empty() && !r.unlabeled {
            p.push(
                r.key.span(),
                "a row needs a `label` (or `unlabeled = true`)",
            );
        }
        let mut match_labels: Vec<String> = std::iter::once(&label)
            .chain(r.aliases.iter())
            .filter(|l| !l.is_empty())
            .map(|l| normalize(l))
            .collect();
        match_labels.dedup();
        index.insert(key.clone(), def.rows.len());
        let columns = row_columns(p, r, &def.columns);
        def.rows.push(RowDef {
            key: key.into(),
            label: label.into(),
            match_labels,
            after,
            unlabeled: r.unlabeled,
            optional: r.optional,
            columns,
            unit: r.unit.clone(),
        });
    }
}

/// The column subset a row declares (`columns = ["items_prev", "items_delta"]`), as indices.
fn row_columns(
    p: &mut Problems,
    r: &super::raw::RawRow,
    columns: &[ColumnDef],
) -> Option<Vec<usize>> {
    let keys = r.columns.as_ref()?;
    let mut out = Vec::new();
    for k in keys {
        match columns.iter().position(|c| c.key == *k.get_ref()) {
            Some(i) if !out.contains(&i) => out.push(i),
            Some(_) => p.push(k.span(), format!("column `{}` listed twice", k.get_ref())),
            None => p.push(
                k.span(),
                format!(
                    "unknown column `{}` (this table's columns: {})",
                    k.get_ref(),
                    columns
                        .iter()
                        .map(|c| c.key.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        }
    }
    out.sort_unstable();
    Some(out)
}

/// Is `key` a row key or virtual of `table`, or a prefix of row keys (for globs)?
fn row_known(def: &TableDef, n: &NameRef) -> bool {
    if n.glob {
        let prefix = format!("{}.", n.name);
        def.rows.iter().any(|r| r.key.starts_with(&prefix))
            || def.virtuals.iter().any(|v| v.key.starts_with(&prefix))
    } else {
        def.rows.iter().any(|r| r.key == n.name) || def.virtuals.iter().any(|v| v.key == n.name)
    }
}

/// Does the expression name a fact of the other report?
fn uses_prev(e: &Expr) -> bool {
    let mut names = Vec::new();
    e.names(&mut names);
    names.iter().any(|n| n.name.starts_with(PREV))
}

fn check_names(
    p: &mut Problems,
    value: &Spanned<String>,
    e: &Expr,
    def: &TableDef,
    mode: ForEach,
    prev: bool,
) {
    let mut names = Vec::new();
    e.names(&mut names);
    for n in names {
        let stripped;
        let n = match n.name.strip_prefix(PREV) {
            Some(rest) if prev => {
                stripped = NameRef {
                    name: rest.to_string(),
                    ..n.clone()
                };
                &stripped
            }
            _ => n,
        };
        let col_ok = |c: &str| def.column(c).is_some();
        let ok = match (mode, &n.column) {
            (_, Some(c)) => col_ok(c) && row_known(def, n),
            (ForEach::Column, None) => row_known(def, n),
            (ForEach::Row, None) => col_ok(&n.name),
            (ForEach::Cell | ForEach::Once, None) if n.name == "value" => mode == ForEach::Cell,
            (ForEach::Cell | ForEach::Once, None) => {
                row_known(def, n)
                    && (def.columns.len() == 1 || mode == ForEach::Cell)
                    // A column-only name of an unlabeled row.
                    || col_ok(&n.name) && def.rows.iter().any(|r| r.key.is_empty())
            }
        };
        if !ok {
            p.push(
                inner_span(value, n.span.clone()),
                format!(
                    "unknown name `{}{}` for table `{}` in this context",
                    n.name,
                    n.column
                        .as_ref()
                        .map(|c| format!("[{c}]"))
                        .unwrap_or_default(),
                    def.id
                ),
            );
        }
    }
}

/// What every rule has, whatever kind it is: checked for presence all at once, so a rule missing
/// several required fields gets one problem per field in one run.
struct Common {
    name: String,
    severity: Option<Severity>,
    message_zh: String,
    message_en: String,
    reference: String,
    explain: Explain,
    status: String,
    line: usize,
}

impl Common {
    fn rule(self, id: &str, pack: &str) -> Rule {
        Rule {
            id: id.to_string(),
            name: self.name,
            pack: pack.to_string(),
            table: None,
            table_pack: pack.to_string(),
            severity: self.severity.unwrap_or(Severity::Error),
            for_each: ForEach::Once,
            columns: None,
            rows: None,
            when: None,
            expr: Expr::Num(rust_decimal::Decimal::ZERO),
            expr_text: String::new(),
            message_zh: self.message_zh,
            message_en: self.message_en,
            reference: self.reference,
            explain: self.explain,
            status: self.status,
            line: self.line,
            prose: None,
            engine: false,
            across: None,
        }
    }
}

fn validate_common(p: &mut Problems, r: &RawRule, pack_id: &str) -> Common {
    let id = r.id.get_ref();
    let at = r.id.span();
    if !pack_id.is_empty() && !id.starts_with(&format!("{pack_id}-")) {
        p.push(
            at.clone(),
            format!("rule id `{id}` must start with the pack id `{pack_id}-`"),
        );
    }
    let name = match &r.name {
        Some(n) => {
            let name = n.get_ref();
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                p.push(n.span(), "rule name must be kebab-case (a-z, 0-9, -)");
            }
            name.clone()
        }
        None => {
            p.push(
                at.clone(),
                format!("rule `{id}` needs `name` (a kebab-case name of the inconsistency)"),
            );
            String::new()
        }
    };
    let severity = match &r.severity {
        Some(s) => Severity::parse(s.get_ref()).or_else(|| {
            p.push(
                s.span(),
                format!(
                    "unknown severity `{}`; expected one of: error, warning, info",
                    s.get_ref()
                ),
            );
            None
        }),
        None => {
            p.push(
                at.clone(),
                format!("rule `{id}` needs `severity` (error, warning or info)"),
            );
            None
        }
    };
    let message = r.message.clone().unwrap_or_default();
    if r.message.is_none() {
        p.push(
            at.clone(),
            format!("rule `{id}` needs `message.zh` and `message.en`"),
        );
    } else {
        for (text, lang) in [(&message.zh, "zh"), (&message.en, "en")] {
            if text.trim().is_empty() {
                p.push(at.clone(), format!("rule `{id}` needs `message.{lang}`"));
            }
        }
    }
    let reference = match &r.reference {
        Some(s) => s.clone(),
        None => {
            p.push(
                at.clone(),
                format!("rule `{id}` needs `reference` (where the relation comes from)"),
            );
            String::new()
        }
    };
    let explain = match &r.explain {
        Some(e) => {
            for (text, what) in [(&e.what, "what"), (&e.why, "why"), (&e.example, "example")] {
                if text.trim().is_empty() {
                    p.push(at.clone(), format!("rule `{id}` needs `explain.{what}`"));
                }
            }
            Explain {
                what: e.what.clone(),
                why: e.why.clone(),
                example: e.example.clone(),
                zh: e.zh.as_ref().map(|z| ExplainText {
                    what: z.what.clone(),
                    why: z.why.clone(),
                    example: z.example.clone(),
                }),
            }
        }
        None => {
            p.push(
                at.clone(),
                format!("rule `{id}` needs `explain.what`, `explain.why` and `explain.example`"),
            );
            Explain {
                what: String::new(),
                why: String::new(),
                example: String::new(),
                zh: None,
            }
        }
    };
    let status = r.status.clone().unwrap_or_else(|| "stable".into());
    if status != "stable" && status != "preview" {
        p.push(at.clone(), "status must be `stable` or `preview`");
    }
    Common {
        name,
        severity,
        message_zh: message.zh,
        message_en: message.en,
        reference,
        explain,
        status,
        line: p.line_of(at.start),
    }
}

/// The table a rule names: `t3` (this pack's) or `F2021.t3` (another pack's, already loaded).
fn resolve_table<'a>(
    p: &mut Problems,
    t: &Spanned<String>,
    pack_id: &str,
    tables: &'a [TableDef],
    others: &'a [CompiledPack],
) -> Option<(String, &'a TableDef)> {
    let text = t.get_ref();
    let (pack, id) = match text.split_once('.') {
        Some((pk, id)) => (pk, id),
        None => (pack_id, text.as_str()),
    };
    let found = if pack == pack_id {
        tables.iter().find(|d| d.id == id)
    } else {
        others
            .iter()
            .rev()
            .find(|pk| pk.id == pack)
            .and_then(|pk| pk.table(id))
    };
    if let Some(d) = found {
        return Some((pack.to_string(), d));
    }
    let elsewhere: Vec<String> = others
        .iter()
        .filter(|pk| pk.id != pack_id)
        .flat_map(|pk| {
            pk.tables
                .iter()
                .filter(|d| d.id == id)
                .map(move |d| format!("`{}.{}` ({})", pk.id, d.id, d.short))
        })
        .collect();
    let hint = if !elsewhere.is_empty() {
        format!(
            "; to read a table of another pack, qualify it with the pack id: {}",
            elsewhere.join(", ")
        )
    } else if others.iter().all(|pk| pk.id != pack) && pack != pack_id {
        let ids: Vec<&str> = others.iter().map(|pk| pk.id.as_str()).collect();
        format!("; no pack `{pack}` is loaded (loaded: {})", ids.join(", "))
    } else {
        String::new()
    };
    p.push(t.span(), format!("unknown table `{text}`{hint}"));
    None
}

fn validate_rule(
    p: &mut Problems,
    r: &RawRule,
    pack_id: &str,
    tables: &[TableDef],
    others: &[CompiledPack],
) -> Option<Rule> {
    let common = validate_common(p, r, pack_id);
    let for_each = match r.for_each.as_ref().map(|f| f.get_ref().as_str()) {
        None => ForEach::Once,
        Some("column") => ForEach::Column,
        Some("row") => ForEach::Row,
        Some("cell") => ForEach::Cell,
        Some(other) => {
            if let Some(f) = &r.for_each {
                p.push(
                    f.span(),
                    format!("unknown for_each `{other}`; expected one of: column, row, cell"),
                );
            }
            ForEach::Once
        }
    };
    if let Some(kind) = &r.prose {
        return validate_prose_rule(p, r, kind, common, pack_id);
    }
    if r.engine {
        return validate_engine_rule(p, r, common, pack_id);
    }
    let across = match &r.across {
        None => None,
        Some(a) => match a.get_ref().as_str() {
            "previous-year" => Some(Across::PreviousYear),
            "earlier" => Some(Across::Earlier),
            other => {
                p.push(
                    a.span(),
                    format!("unknown across `{other}`; expected one of: previous-year, earlier"),
                );
                None
            }
        },
    };
    let (table_pack, def) = match &r.table {
        Some(t) => resolve_table(p, t, pack_id, tables, others)?,
        None => {
            p.push(
                r.id.span(),
                "a rule needs `table` (a table of this pack, or `PACK.table` of another: `F2021.t3`)",
            );
            return None;
        }
    };
    let Some(expr_src) = &r.expr else {
        p.push(r.id.span(), "a rule needs `expr` (or `prose`)");
        return None;
    };
    let expr = parse_expr(p, expr_src)?;
    if !matches!(expr, Expr::Cmp(..)) {
        p.push(
            expr_src.span(),
            "a rule's expression must be a comparison (==, <=, >=, <, >, !=)",
        );
    }
    let when = r.when.as_ref().and_then(|w| parse_expr(p, w));
    let prev = r.across.is_some();
    check_names(p, expr_src, &expr, def, for_each, prev);
    if let (Some(w), Some(we)) = (&r.when, &when) {
        check_names(p, w, we, def, for_each, prev);
    }
    if prev && !uses_prev(&expr) {
        p.push(
            expr_src.span(),
            format!("an `across` rule must read the other report: name a fact with `{PREV}`"),
        );
    }
    if let Some(cols) = &r.columns {
        for c in cols {
            if def.column(c.get_ref()).is_none() {
                p.push(c.span(), format!("unknown column `{}`", c.get_ref()));
            }
        }
    }
    common.severity?;
    Some(Rule {
        table: Some(def.id.clone()),
        table_pack,
        for_each,
        columns: r
            .columns
            .as_ref()
            .map(|c| c.iter().map(|s| s.get_ref().clone()).collect()),
        rows: r.rows.clone(),
        when,
        expr,
        expr_text: expr_src.get_ref().clone(),
        across,
        ..common.rule(r.id.get_ref(), pack_id)
    })
}

/// A prose rule: no table, no expression; its patterns live in `[[prose.*]]`.
fn validate_prose_rule(
    p: &mut Problems,
    r: &RawRule,
    kind: &Spanned<String>,
    common: Common,
    pack_id: &str,
) -> Option<Rule> {
    let Some(k) = ProseKind::parse(kind.get_ref()) else {
        p.push(
            kind.span(),
            format!(
                "unknown prose mechanism `{}`; expected one of: partition, share, share-sum, change, fact, status",
                kind.get_ref()
            ),
        );
        return None;
    };
    for (present, what) in [
        (r.table.is_some(), "table"),
        (r.expr.is_some(), "expr"),
        (r.for_each.is_some(), "for_each"),
        (r.when.is_some(), "when"),
    ] {
        if present {
            p.push(r.id.span(), format!("a prose rule takes no `{what}`"));
        }
    }
    common.severity?;
    Some(Rule {
        expr_text: k.relation().to_string(),
        prose: Some(k),
        ..common.rule(r.id.get_ref(), pack_id)
    })
}

/// An engine rule: the engine decides when it applies (what could not be read); the pack gives
/// its id, severity, messages and explanation.
fn validate_engine_rule(
    p: &mut Problems,
    r: &RawRule,
    common: Common,
    pack_id: &str,
) -> Option<Rule> {
    for (present, what) in [
        (r.table.is_some(), "table"),
        (r.expr.is_some(), "expr"),
        (r.for_each.is_some(), "for_each"),
        (r.when.is_some(), "when"),
        (r.prose.is_some(), "prose"),
    ] {
        if present {
            p.push(r.id.span(), format!("an engine rule takes no `{what}`"));
        }
    }
    common.severity?;
    Some(Rule {
        expr_text: "(engine) what was read from the report".to_string(),
        engine: true,
        ..common.rule(r.id.get_ref(), pack_id)
    })
}
