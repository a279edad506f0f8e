//! Rule packs: TOML → [`CompiledPack`].
//!
//! Loading has two phases, as in cargo-deny: the TOML is deserialised into spanned raw structs
//! (unknown keys are errors), then everything is validated and compiled at once (expressions
//! parsed, names resolved, labels normalised), collecting *every* problem with its position in
//! the pack file before giving up.

use super::expr::{self, Expr, NameRef};
use super::prose::{compile_prose, ProseKind, ProseSpecs};
use super::raw::{RawDetect, RawPack, RawRule, RawTable};
use crate::extract::label::{fold, normalize};
use miette::{NamedSource, SourceSpan};
use std::collections::{HashMap, HashSet};
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
}

impl Detect {
    fn compile(raw: &RawDetect) -> Self {
        let norm = |v: &Vec<String>| v.iter().map(|s| fold(s)).collect();
        Detect {
            any: norm(&raw.any),
            all: norm(&raw.all),
            none: norm(&raw.none),
        }
    }

    /// Does normalised `text` satisfy the signatures? An empty `Detect` never matches.
    pub fn matches(&self, text: &str) -> bool {
        if self.any.is_empty() && self.all.is_empty() {
            return false;
        }
        (self.any.is_empty() || self.any.iter().any(|s| text.contains(s.as_str())))
            && self.all.iter().all(|s| text.contains(s.as_str()))
            && !self.none.iter().any(|s| text.contains(s.as_str()))
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
    pub key: String,
    /// Label as printed (`总计`).
    pub label: String,
}

/// A row of a table definition.
#[derive(Debug, Clone)]
pub struct RowDef {
    /// Row key (`apply.new`); empty for an unlabeled row whose facts are named by column.
    pub key: String,
    /// Label as printed in the official form.
    pub label: String,
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
}

impl TableDef {
    /// Column by key.
    pub fn column(&self, key: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.key == key)
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
    /// Table the rule reads.
    pub table: Option<String>,
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
        starts.extend(
            src.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
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
    let src = Arc::new(text.to_string());
    let mut p = Problems {
        name: name.to_string(),
        lines: LineStarts::new(&src),
        src: src.clone(),
        list: Vec::new(),
        dropped: 0,
    };
    let raw: RawPack = match toml::from_str(text) {
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
    let pack = validate(&mut p, raw);
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

fn validate(p: &mut Problems, raw: RawPack) -> Option<CompiledPack> {
    let pack_id = raw.pack.id.get_ref().clone();
    if pack_id.is_empty()
        || !pack_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        p.push(
            raw.pack.id.span(),
            "pack id must be non-empty ASCII letters, digits and `-`",
        );
    }
    let mut tables = Vec::new();
    let mut table_ids = HashSet::new();
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
    let mut rule_ids = HashSet::new();
    for r in &raw.rules {
        if !rule_ids.insert(r.id.get_ref().clone()) {
            p.push(
                r.id.span(),
                format!("duplicate rule id `{}`", r.id.get_ref()),
            );
        }
        if let Some(rule) = validate_rule(p, r, &pack_id, &tables) {
            rules.push(rule);
        }
    }
    let kinds: HashMap<String, Option<ProseKind>> = raw
        .rules
        .iter()
        .map(|r| {
            let kind = r.prose.as_ref().and_then(|k| ProseKind::parse(k.get_ref()));
            (r.id.get_ref().clone(), kind)
        })
        .collect();
    let prose = compile_prose(
        &raw.prose,
        &|id| kinds.get(id).copied(),
        &mut |span, msg| p.push(span, msg),
    );
    Some(CompiledPack {
        id: pack_id,
        name: raw.pack.name,
        description: raw.pack.description,
        reference: raw.pack.reference,
        priority: raw.pack.priority,
        detect: Detect::compile(&raw.pack.detect),
        tables,
        rules,
        prose,
        source_name: String::new(),
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
            key: c.key.get_ref().clone(),
            label: c.label.clone(),
        })
        .collect();
    let mut seen = HashSet::new();
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
            key: String::new(),
            label: String::new(),
        });
    }
    let mut rows: Vec<RowDef> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for r in &t.rows {
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
        index.insert(key.clone(), rows.len());
        rows.push(RowDef {
            key,
            label,
            match_labels,
            after,
            unlabeled: r.unlabeled,
            optional: r.optional,
            columns: row_columns(p, r, &columns),
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
        rows,
        virtuals: Vec::new(),
    };
    if def.detect.any.is_empty() && def.detect.all.is_empty() {
        p.push(t.id.span(), "a table needs `detect.any` or `detect.all`");
    }
    for v in &t.virtuals {
        if let Some(e) = parse_expr(p, &v.expr) {
            check_names(p, &v.expr, &e, &def, ForEach::Column);
            def.virtuals.push(VirtualDef {
                key: v.key.get_ref().clone(),
                label: v.label.clone().unwrap_or_else(|| v.key.get_ref().clone()),
                expr: e,
            });
        }
    }
    def
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

fn check_names(p: &mut Problems, value: &Spanned<String>, e: &Expr, def: &TableDef, mode: ForEach) {
    let mut names = Vec::new();
    e.names(&mut names);
    for n in names {
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

fn validate_rule(
    p: &mut Problems,
    r: &RawRule,
    pack_id: &str,
    tables: &[TableDef],
) -> Option<Rule> {
    let id = r.id.get_ref();
    if !id.starts_with(&format!("{pack_id}-")) {
        p.push(
            r.id.span(),
            format!("rule id `{id}` must start with the pack id `{pack_id}-`"),
        );
    }
    let name = r.name.get_ref();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        p.push(r.name.span(), "rule name must be kebab-case (a-z, 0-9, -)");
    }
    let severity = Severity::parse(r.severity.get_ref()).or_else(|| {
        p.push(
            r.severity.span(),
            format!(
                "unknown severity `{}`; expected one of: error, warning, info",
                r.severity.get_ref()
            ),
        );
        None
    });
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
        return validate_prose_rule(p, r, kind, name, severity?).map(|rule| Rule {
            pack: pack_id.to_string(),
            ..rule
        });
    }
    if r.engine {
        return validate_engine_rule(p, r, name, severity?).map(|rule| Rule {
            pack: pack_id.to_string(),
            ..rule
        });
    }
    let table = match &r.table {
        Some(t) => match tables.iter().find(|d| &d.id == t.get_ref()) {
            Some(d) => Some(d),
            None => {
                p.push(t.span(), format!("unknown table `{}`", t.get_ref()));
                return None;
            }
        },
        None => {
            p.push(r.id.span(), "a rule needs `table`");
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
    if let Some(def) = table {
        check_names(p, expr_src, &expr, def, for_each);
        if let (Some(w), Some(we)) = (&r.when, &when) {
            check_names(p, w, we, def, for_each);
        }
        if let Some(cols) = &r.columns {
            for c in cols {
                if def.column(c.get_ref()).is_none() {
                    p.push(c.span(), format!("unknown column `{}`", c.get_ref()));
                }
            }
        }
    }
    let status = rule_status(p, r);
    Some(Rule {
        id: id.clone(),
        name: name.clone(),
        pack: pack_id.to_string(),
        table: table.map(|t| t.id.clone()),
        severity: severity?,
        for_each,
        columns: r
            .columns
            .as_ref()
            .map(|c| c.iter().map(|s| s.get_ref().clone()).collect()),
        rows: r.rows.clone(),
        when,
        expr,
        expr_text: expr_src.get_ref().clone(),
        message_zh: r.message.zh.clone(),
        message_en: r.message.en.clone(),
        reference: r.reference.clone(),
        explain: Explain {
            what: r.explain.what.clone(),
            why: r.explain.why.clone(),
            example: r.explain.example.clone(),
        },
        status,
        line: p.line_of(r.id.span().start),
        prose: None,
        engine: false,
    })
}

/// Check the explanation and status shared by every rule; returns the status.
fn rule_status(p: &mut Problems, r: &RawRule) -> String {
    if r.explain.what.trim().is_empty()
        || r.explain.why.trim().is_empty()
        || r.explain.example.trim().is_empty()
    {
        p.push(
            r.id.span(),
            "explain.what, explain.why and explain.example must not be empty",
        );
    }
    let status = r.status.clone().unwrap_or_else(|| "stable".into());
    if status != "stable" && status != "preview" {
        p.push(r.id.span(), "status must be `stable` or `preview`");
    }
    status
}

/// A prose rule: no table, no expression; its patterns live in `[[prose.*]]`.
fn validate_prose_rule(
    p: &mut Problems,
    r: &RawRule,
    kind: &Spanned<String>,
    name: &str,
    severity: Severity,
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
    let status = rule_status(p, r);
    Some(Rule {
        id: r.id.get_ref().clone(),
        name: name.to_string(),
        pack: String::new(),
        table: None,
        severity,
        for_each: ForEach::Once,
        columns: None,
        rows: None,
        when: None,
        expr: Expr::Num(rust_decimal::Decimal::ZERO),
        expr_text: k.relation().to_string(),
        message_zh: r.message.zh.clone(),
        message_en: r.message.en.clone(),
        reference: r.reference.clone(),
        explain: Explain {
            what: r.explain.what.clone(),
            why: r.explain.why.clone(),
            example: r.explain.example.clone(),
        },
        status,
        line: p.line_of(r.id.span().start),
        prose: Some(k),
        engine: false,
    })
}

/// An engine rule: the engine decides when it applies (what could not be read); the pack gives
/// its id, severity, messages and explanation.
fn validate_engine_rule(
    p: &mut Problems,
    r: &RawRule,
    name: &str,
    severity: Severity,
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
    let status = rule_status(p, r);
    Some(Rule {
        id: r.id.get_ref().clone(),
        name: name.to_string(),
        pack: String::new(),
        table: None,
        severity,
        for_each: ForEach::Once,
        columns: None,
        rows: None,
        when: None,
        expr: Expr::Num(rust_decimal::Decimal::ZERO),
        expr_text: "(engine) what was read from the report".to_string(),
        message_zh: r.message.zh.clone(),
        message_en: r.message.en.clone(),
        reference: r.reference.clone(),
        explain: Explain {
            what: r.explain.what.clone(),
            why: r.explain.why.clone(),
            example: r.explain.example.clone(),
        },
        status,
        line: p.line_of(r.id.span().start),
        prose: None,
        engine: true,
    })
}
