//! Tables that lost their grid: the form puts the numbers back.
//!
//! Crawlers, "save as text" and converters leave a statistics table as a stream: one cell per
//! line, blank cells dropped, labels split over several lines (`受理` / `政府信息` / `公开`), item
//! numbers on a line of their own, rows run together with their unit (`主动公开文件数条326`),
//! page footers in between (`../spec/degradations.md` D1–D3, D5–D10). What survives is the form:
//! its row labels in order, the figures after each label, the number of columns.
//!
//! This reader turns the document view into tokens (text, unit words, values), groups them into
//! "label, then figures" runs, finds the pack's rows in order by the normalised label at the end
//! of each run, and places each run's figures into the row's columns. Where the figures are as
//! many as the columns, they are read as printed; where they are fewer, the table's
//! [`ShortRows`] policy and, failing that, the set of every placement the order allows decide;
//! a figure whose column cannot be fixed is kept as a fact with an undetermined column and the
//! placements are handed to `check`, which reports only what fails in all of them.

use super::label::{fold, fold_into, normalize, strip_label};
use super::{AmbiguousRow, Fact, FactValue, NotNumber, Provenance, Reading, TableInstance};
use crate::name::Name;
use crate::number::{is_not_applicable, parse_cell, CellValue, Quantity, UNIT_WORDS};
use crate::rules::pack::{RowDef, ShortRows, TableDef};
use crate::source::detect::is_delimiter_row;
use crate::source::{Block, Cell, Document, Span};
use rustc_hash::FxHashSet as HashSet;
use std::ops::Range;

/// Most label tokens joined into one label (`受理` / `政府信息` / `公开` / `申请` / `总数`).
const MAX_LABEL_TOKENS: usize = 24;
/// Most groups between two consecutive rows of one table before the table is taken to end.
const MAX_ROW_GAP: usize = 12;
/// Length in bytes of the longest unit word.
const MAX_UNIT_BYTES: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < UNIT_WORDS.len() {
        if UNIT_WORDS[i].len() > max {
            max = UNIT_WORDS[i].len();
        }
        i += 1;
    }
    max
};
/// What the ends of the unit words are: `one[b]`, a one-byte unit word is `b`; `two`, a bit
/// per pair of bytes that ends a longer one; `empty`, one is empty.
struct UnitEnds {
    one: [bool; 256],
    two: [u64; 1024],
    empty: bool,
}

/// The ends of [`UNIT_WORDS`].
const UNIT_ENDS: UnitEnds = {
    let mut ends = UnitEnds {
        one: [false; 256],
        two: [0; 1024],
        empty: false,
    };
    let mut i = 0;
    while i < UNIT_WORDS.len() {
        let b = UNIT_WORDS[i].as_bytes();
        match b.len() {
            0 => ends.empty = true,
            1 => ends.one[b[0] as usize] = true,
            n => {
                let pair = (b[n - 2] as usize) << 8 | b[n - 1] as usize;
                ends.two[pair / 64] |= 1 << (pair % 64);
            }
        }
        i += 1;
    }
    ends
};

/// Could `s` end with a unit word? (`false` tells it cannot, from its last two bytes.)
fn may_end_with_unit(s: &str) -> bool {
    let ends = &UNIT_ENDS;
    ends.empty
        || match s.as_bytes() {
            [.., x, y] => {
                let pair = (*x as usize) << 8 | *y as usize;
                ends.one[*y as usize] || ends.two[pair / 64] & (1 << (pair % 64)) != 0
            }
            [y] => ends.one[*y as usize],
            [] => false,
        }
}

/// Most placements of one short row (beyond: its figures are read, their columns left open).
const MAX_ROW_PLACEMENTS: usize = 256;

/// What a token of the stream is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Words: a label or a label fragment, prose, page debris.
    Text,
    /// A unit word standing alone (`条`, `件次`).
    Unit,
    /// A figure, or a not-applicable mark.
    Value(Val),
    /// A cell that should be a figure and is not (`1O`, `l2`).
    Bad,
}

/// The value of a value token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Val {
    /// A figure: its index in [`Tokens::numbers`] (kept apart, so that a token is small: a
    /// page holds millions of words and few figures by comparison).
    Number(u32),
    /// A not-applicable mark.
    NotApplicable,
}

/// One token with its byte span in the view.
#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    span: Span,
}

/// Tokens in order, with the quantities of their figures.
#[derive(Debug, Default)]
struct Tokens {
    list: Vec<Token>,
    numbers: Vec<Quantity>,
}

impl Tokens {
    /// Appends a token of a kind without a figure.
    fn push(&mut self, kind: Kind, span: Span) {
        self.list.push(Token { kind, span });
    }

    /// Appends a figure.
    fn push_number(&mut self, q: Quantity, span: Span) {
        let i = u32::try_from(self.numbers.len()).unwrap_or(u32::MAX);
        self.numbers.push(q);
        self.list.push(Token {
            kind: Kind::Value(Val::Number(i)),
            span,
        });
    }

    /// Appends token `t` of `from` (another list) at `span`, with its figure.
    fn push_from(&mut self, from: &Tokens, t: &Token, span: Span) {
        match t.kind {
            Kind::Value(Val::Number(i)) => match from.numbers.get(i as usize) {
                Some(q) => self.push_number(q.clone(), span),
                None => self.push(Kind::Text, span),
            },
            kind => self.push(kind, span),
        }
    }
}

/// A run of text tokens followed by the figures after them: ranges of [`Groups::members`].
#[derive(Debug, Clone)]
struct Group {
    /// Where the indices of its text tokens are, in order.
    text: Range<usize>,
    /// Index of the unit token after the text, if any.
    unit: Option<usize>,
    /// Where the indices of its value (and bad) tokens are.
    values: Range<usize>,
}

/// The groups of a stream, their token indices in one list (a page holds hundreds of thousands
/// of groups: one list each would be as many small blocks, freed among the facts read).
#[derive(Debug, Default)]
struct Groups {
    list: Vec<Group>,
    /// Token indices of every group, in order: its text tokens, then its values.
    members: Vec<usize>,
}

impl Groups {
    /// Indices of the text tokens of group `g`.
    fn text(&self, g: usize) -> &[usize] {
        self.list
            .get(g)
            .and_then(|grp| self.members.get(grp.text.clone()))
            .unwrap_or(&[])
    }

    /// Indices of the value (and bad) tokens of group `g`.
    fn values(&self, g: usize) -> &[usize] {
        self.list
            .get(g)
            .and_then(|grp| self.members.get(grp.values.clone()))
            .unwrap_or(&[])
    }

    /// Number of groups.
    fn len(&self) -> usize {
        self.list.len()
    }
}

/// Strings of a stream kept in one buffer: `ranges[i]` is string `i`, `lists[g]` the strings of
/// group `g` (a few large blocks instead of one small block per string).
#[derive(Debug, Default)]
struct Strings {
    buf: String,
    ranges: Vec<Range<usize>>,
    lists: Vec<Range<usize>>,
}

impl Strings {
    /// Adds a string to the list being built.
    fn push(&mut self, s: &str) {
        let start = self.buf.len();
        self.buf.push_str(s);
        self.ranges.push(start..self.buf.len());
    }

    /// Closes the list being built (the strings pushed since the last one closed).
    fn close(&mut self) {
        let start = self.lists.last().map_or(0, |r| r.end);
        self.lists.push(start..self.ranges.len());
    }

    /// The strings of list `g`.
    fn of(&self, g: usize) -> impl Iterator<Item = &str> {
        let ranges = self
            .lists
            .get(g)
            .and_then(|r| self.ranges.get(r.clone()))
            .unwrap_or(&[]);
        ranges.iter().map(|r| self.buf.get(r.clone()).unwrap_or(""))
    }
}

/// The document as tokens and groups, computed once per document.
pub(crate) struct Stream<'a> {
    view: &'a str,
    tokens: Vec<Token>,
    /// Quantities of the figure tokens ([`Val::Number`] indexes them).
    numbers: Vec<Quantity>,
    groups: Groups,
    /// Normalised label suffixes of each group, shortest first.
    suffixes: Strings,
    /// Folded text of each group's text tokens (one string per group).
    folded: Strings,
}

/// A table found in the stream: which group each pack row was read from.
pub(crate) struct Found {
    /// `(row index in the table definition, group index)`, in row order.
    rows: Vec<(usize, usize)>,
}

impl Found {
    /// Number of rows found.
    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }
}

impl<'a> Stream<'a> {
    /// Tokenise a document in block order: every paragraph line and every table cell (each
    /// cell of an expanded grid once), so that the same reader serves crawled text, Markdown
    /// cut into small tables and grids whose header or rows came apart.
    pub(crate) fn new(doc: &'a Document) -> Self {
        let view = doc.view.as_str();
        let mut tokens = Tokens::default();
        for block in &doc.blocks {
            match block {
                Block::Paragraph(p) => tokenize(view, p.span.clone(), &mut tokens),
                Block::Table(t) => {
                    let mut seen = HashSet::default();
                    for cell in t.rows.iter().flat_map(|r| r.cells.iter()) {
                        if seen.insert(cell.origin) {
                            tokenize_cell(view, cell, &mut tokens);
                        }
                    }
                }
            }
        }
        let Tokens {
            list: mut tokens,
            numbers,
        } = tokens;
        rejoin_item_numbers(view, &mut tokens);
        let groups = group(&tokens);
        let mut suffixes = Strings::default();
        let mut folded = Strings::default();
        // The folds of a group's text tokens, one after the other, and where each ends (with
        // whether it was folded character by character): each token is folded once.
        let mut one = Folds::default();
        for g in 0..groups.len() {
            one.clear();
            for &t in groups.text(g) {
                one.push(&view[tokens[t].span.clone()]);
            }
            label_suffixes(view, &tokens, groups.text(g), &one, &mut suffixes);
            suffixes.close();
            folded.push(&one.text);
            folded.close();
        }
        Stream {
            view,
            tokens,
            numbers,
            groups,
            suffixes,
            folded,
        }
    }

    /// Does group `g` carry the label of `row`?
    fn matches(&self, g: usize, row: &RowDef, def: &TableDef) -> bool {
        if row.unlabeled {
            return def
                .detect
                .any
                .iter()
                .chain(def.detect.all.iter())
                .any(|s| self.folded.of(g).any(|f| f.contains(s.as_str())));
        }
        self.suffixes
            .of(g)
            .any(|s| row.match_labels.iter().any(|m| m == s))
    }

    /// How many text tokens at the end of group `g` make the label that matched `row` (the
    /// shortest such suffix; 0 for an unlabeled row).
    fn label_len(&self, g: usize, row: &RowDef) -> usize {
        let texts = self.groups.text(g);
        let lo = texts.len().saturating_sub(MAX_LABEL_TOKENS);
        let mut joined = String::new();
        for i in (lo..texts.len()).rev() {
            joined.insert_str(0, &self.view[self.tokens[texts[i]].span.clone()]);
            let n = normalize(&joined);
            let stem = strip_unit_suffix(&n);
            if row.match_labels.contains(&n)
                || stem.is_some_and(|s| row.match_labels.iter().any(|m| m == s))
            {
                return texts.len() - i;
            }
        }
        0
    }

    /// Every instance of `def` in the stream: its rows found in the form's order, a new
    /// instance starting when a row repeats or the rows stop for a while.
    pub(crate) fn find(&self, def: &TableDef) -> Vec<Found> {
        let min_rows = def.rows.len().min(2);
        let mut out = Vec::new();
        let mut matched: Vec<Option<usize>> = vec![None; def.rows.len()];
        let mut rows: Vec<(usize, usize)> = Vec::new();
        let mut next = 0usize;
        let mut last_group: Option<usize> = None;
        let mut g = 0usize;
        while g < self.groups.len() {
            if self.groups.values(g).is_empty() {
                g += 1;
                continue;
            }
            let candidate = (0..def.rows.len()).find(|&r| {
                let row = &def.rows[r];
                let after_ok = row
                    .after
                    .is_none_or(|a| matched[a].is_some_and(|ga| ga < g));
                after_ok && self.matches(g, row, def)
            });
            let Some(r0) = candidate else {
                g += 1;
                continue;
            };
            // Prefer the first matching row at or after the form position reached so far.
            let r = (next..def.rows.len())
                .find(|&r| {
                    let row = &def.rows[r];
                    matched[r].is_none()
                        && row
                            .after
                            .is_none_or(|a| matched[a].is_some_and(|ga| ga < g))
                        && self.matches(g, row, def)
                })
                .unwrap_or(r0);
            let gap_too_long = last_group.is_some_and(|lg| g - lg > MAX_ROW_GAP);
            if matched[r].is_some() || gap_too_long {
                // The table is over: a row repeats (the next report of a scrape) or the rows
                // stopped. Start again at this group.
                if rows.len() >= min_rows {
                    out.push(Found {
                        rows: std::mem::take(&mut rows),
                    });
                }
                rows.clear();
                matched.iter_mut().for_each(|m| *m = None);
                next = 0;
                last_group = None;
                continue;
            }
            matched[r] = Some(g);
            rows.push((r, g));
            if r >= next {
                next = r + 1;
            }
            last_group = Some(g);
            g += 1;
        }
        if rows.len() >= min_rows {
            out.push(Found { rows });
        }
        for f in &mut out {
            f.rows.sort_unstable();
        }
        out
    }

    /// The byte span a found table covers.
    pub(crate) fn span_of(&self, def: &TableDef, found: &Found) -> Span {
        let mut start = usize::MAX;
        let mut end = 0;
        for &(r, g) in &found.rows {
            let (text, values) = (self.groups.text(g), self.groups.values(g));
            // Only the text tokens that make the row's label: a group also holds the prose
            // before the table, which must not pull the table's start (and so its report
            // segment) back to the top of the page.
            let k = self.label_len(g, &def.rows[r]);
            let label = &text[text.len() - k..];
            for &t in label.iter().chain(values.iter()) {
                start = start.min(self.tokens[t].span.start);
                end = end.max(self.tokens[t].span.end);
            }
        }
        if start > end {
            return 0..0;
        }
        start..end
    }

    /// Read the facts of a found table.
    pub(crate) fn instance(
        &self,
        def: &TableDef,
        found: &Found,
        pack: usize,
        table: usize,
        table_number: usize,
    ) -> TableInstance {
        let mut facts = Vec::new();
        let mut ambiguous = Vec::new();
        let mut not_numbers = Vec::new();
        for &(r, g) in &found.rows {
            let row = &def.rows[r];
            if let Some(bad) = self.read_row(def, row, g, &mut facts, &mut ambiguous) {
                not_numbers.push(bad);
            }
            not_numbers.extend(
                self.groups
                    .values(g)
                    .iter()
                    .filter(|&&t| self.tokens[t].kind == Kind::Bad)
                    .map(|&t| NotNumber {
                        span: self.tokens[t].span.clone(),
                        row_label: row.label.clone(),
                        text: self.view[self.tokens[t].span.clone()].to_string(),
                        glued: false,
                    }),
            );
        }
        // Kept through the checks, one list per table of every report of a page.
        facts.shrink_to_fit();
        TableInstance {
            pack,
            table,
            table_number,
            span: self.span_of(def, found),
            facts,
            ambiguous,
            not_numbers,
        }
    }

    /// Place the figures of one row.
    fn read_row(
        &self,
        def: &TableDef,
        row: &RowDef,
        g: usize,
        facts: &mut Vec<Fact>,
        ambiguous: &mut Vec<AmbiguousRow>,
    ) -> Option<NotNumber> {
        // The row's own columns (a row may have fewer than its table).
        let own: Vec<usize> = match &row.columns {
            Some(subset) => subset.clone(),
            None => (0..def.columns.len()).collect(),
        };
        let n = own.len();
        let values: Vec<&Token> = self
            .groups
            .values(g)
            .iter()
            .map(|&t| &self.tokens[t])
            .collect();
        let m = values.len();
        if m == n + 1 && n >= 3 && def.short_rows == ShortRows::FirstTotal {
            // One figure too many: a number split over two lines (`1` / `62` for 162) is joined
            // when exactly one join makes the row add up to its 总计.
            if let Some(joined) = self.join_split_number(&values, n) {
                self.push_joined(def, row, &values, joined, &own, facts);
                return None;
            }
        }
        if m == 0 || m > n {
            // More figures than the form has columns: which is which is unknown, so the row
            // gives no facts rather than misplaced ones.
            return None;
        }
        if m == 1
            && n >= 3
            && def.short_rows == ShortRows::FirstTotal
            && self.glued_to_label(values[0])
        {
            return self.read_glued(def, row, values[0], &own, facts, ambiguous);
        }
        let unit = self
            .groups
            .list
            .get(g)
            .and_then(|grp| grp.unit)
            .map(|t| Name::from(&self.view[self.tokens[t].span.clone()]));
        // Where a dropped cell "is": just after the row's last figure.
        let dropped_at = values.last().map_or(0, |t| t.span.end);
        let fact = |ci: usize, tok: Option<&Token>, read: Reading| -> Option<Fact> {
            let col = &def.columns[own[ci]];
            // The text is the view's at the span (empty for a dropped cell): none kept.
            let (value, span) = match tok {
                Some(t) => {
                    let value = match t.kind {
                        Kind::Value(Val::Number(i)) => {
                            FactValue::Number(self.numbers.get(i as usize)?.clone())
                        }
                        Kind::Value(Val::NotApplicable) => FactValue::NotApplicable,
                        _ => return None,
                    };
                    (value, t.span.clone())
                }
                None => (FactValue::Blank, dropped_at..dropped_at),
            };
            Some(Fact {
                row: row.key.clone(),
                column: col.key.clone(),
                value,
                provenance: Provenance {
                    span,
                    row_label: row.label.clone(),
                    column_label: col.label.clone(),
                    locator: None,
                    own_text: None,
                    unit: unit.clone(),
                },
                read,
            })
        };
        if m == n {
            facts.extend(
                values
                    .iter()
                    .enumerate()
                    .filter_map(|(ci, t)| fact(ci, Some(t), Reading::Stream)),
            );
            return None;
        }
        // Fewer figures than columns: the page's blank cells were dropped. Fixed: what the
        // form's convention fixes (the last figure is the 总计; from the left); open: figures
        // that could sit in several columns, in order.
        let (fixed, free_cols, free_vals): (Vec<(usize, usize)>, Vec<usize>, Vec<usize>) =
            match def.short_rows {
                ShortRows::Left => ((0..m).map(|i| (i, i)).collect(), Vec::new(), Vec::new()),
                ShortRows::FirstTotal => (
                    vec![(n - 1, m - 1)],
                    (0..n - 1).collect(),
                    (0..m - 1).collect(),
                ),
                ShortRows::Unknown => (Vec::new(), (0..n).collect(), (0..m).collect()),
            };
        let all_zero = free_vals.iter().all(|&vi| match values[vi].kind {
            Kind::Value(Val::Number(i)) => self
                .numbers
                .get(i as usize)
                .is_none_or(|q| q.value.is_zero()),
            Kind::Value(_) => true,
            _ => false,
        });
        // The row's facts when the open figures take the open columns `chosen` (in order).
        let row_facts = |chosen: &[usize], open_read: Reading| -> Vec<Fact> {
            let mut out = Vec::new();
            for &(ci, vi) in &fixed {
                out.extend(fact(ci, Some(values[vi]), Reading::Placed));
            }
            for (k, &ci) in free_cols.iter().enumerate() {
                match chosen.iter().position(|&c| c == k) {
                    Some(p) => out.extend(fact(ci, Some(values[free_vals[p]]), open_read)),
                    None => out.extend(fact(ci, None, Reading::Dropped)),
                }
            }
            for ci in 0..n {
                let placed = fixed.iter().any(|&(c, _)| c == ci) || free_cols.contains(&ci);
                if !placed {
                    out.extend(fact(ci, None, Reading::Dropped));
                }
            }
            out
        };
        // The first reading: open figures in the leftmost open columns (a first figure is
        // usually the first column, 自然人).
        let leftmost: Vec<usize> = (0..free_vals.len()).collect();
        if free_vals.is_empty() || all_zero {
            // Zero wherever they sit: every open column is zero or blank in every placement.
            facts.extend(row_facts(&leftmost, Reading::ZeroSomewhere));
            return None;
        }
        facts.extend(row_facts(&leftmost, Reading::Undetermined));
        let variants = placements(free_cols.len(), free_vals.len(), MAX_ROW_PLACEMENTS)
            .iter()
            .map(|chosen| row_facts(chosen, Reading::Undetermined))
            .collect();
        ambiguous.push(AmbiguousRow {
            row: row.key.clone(),
            variants,
        });
        None
    }

    /// The one pair of neighbouring figures, on different lines, whose joining makes the row's
    /// parts add up to its last figure; `None` when no join or several do.
    fn join_split_number(&self, values: &[&Token], n: usize) -> Option<usize> {
        let digits = |t: &Token| {
            let s = &self.view[t.span.clone()];
            (!s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
        };
        let mut hit = None;
        for i in 0..values.len() - 1 {
            let (Some(a), Some(b)) = (digits(values[i]), digits(values[i + 1])) else {
                continue;
            };
            let between = &self.view[values[i].span.end..values[i + 1].span.start];
            if a.starts_with('0') || !between.contains(['\n', '\r', '<']) {
                continue;
            }
            let mut row: Vec<u64> = Vec::with_capacity(n);
            for (k, t) in values.iter().enumerate() {
                if k == i + 1 {
                    continue;
                }
                let text = if k == i {
                    format!("{a}{b}")
                } else {
                    digits(t)?.to_string()
                };
                row.push(text.parse().ok()?);
            }
            let total = row[n - 1];
            if row[..n - 1].iter().sum::<u64>() == total {
                if hit.is_some() {
                    return None;
                }
                hit = Some(i);
            }
        }
        hit
    }

    /// The facts of a row whose figures `joined` and `joined + 1` are one number.
    fn push_joined(
        &self,
        def: &TableDef,
        row: &RowDef,
        values: &[&Token],
        joined: usize,
        own: &[usize],
        facts: &mut Vec<Fact>,
    ) {
        let mut ci = 0;
        for (k, t) in values.iter().enumerate() {
            if k == joined + 1 {
                continue;
            }
            let text = if k == joined {
                format!(
                    "{}{}",
                    &self.view[t.span.clone()],
                    &self.view[values[k + 1].span.clone()]
                )
            } else {
                self.view[t.span.clone()].to_string()
            };
            let read = if k == joined {
                Reading::Joined
            } else {
                Reading::Stream
            };
            facts.extend(number_fact(
                self.view,
                def,
                row,
                own[ci],
                t.span.clone(),
                text,
                read,
            ));
            ci += 1;
        }
    }

    /// Is this figure a run of digits glued to the label before it (`予以公开120010013`)?
    fn glued_to_label(&self, tok: &Token) -> bool {
        let text = &self.view[tok.span.clone()];
        text.len() >= 3
            && text.bytes().all(|b| b.is_ascii_digit())
            && self
                .tokens
                .iter()
                .any(|t| t.kind == Kind::Text && t.span.end == tok.span.start)
    }

    /// A row printed as one run of digits: the splits into the row's cells (no leading zeros)
    /// whose parts add up to the last (the 总计). One: read it; several: every one is a
    /// placement for `check`; none: the digits cannot be a consistent row.
    fn read_glued(
        &self,
        def: &TableDef,
        row: &RowDef,
        tok: &Token,
        own: &[usize],
        facts: &mut Vec<Fact>,
        ambiguous: &mut Vec<AmbiguousRow>,
    ) -> Option<NotNumber> {
        let digits = &self.view[tok.span.clone()];
        let n = own.len();
        let consistent: Vec<Vec<usize>> = if digits.len() <= MAX_GLUED_DIGITS {
            digit_splits(digits, n)
                .into_iter()
                .filter(|cuts| {
                    let parts = split_at(digits, cuts);
                    let total: u128 = parts[n - 1].parse().unwrap_or(u128::MAX);
                    let sum: u128 = parts[..n - 1]
                        .iter()
                        .filter_map(|p| p.parse::<u128>().ok())
                        .sum();
                    sum == total
                })
                .take(MAX_ROW_PLACEMENTS)
                .collect()
        } else {
            Vec::new()
        };
        let row_facts = |cuts: &[usize]| -> Vec<Fact> {
            let mut start = 0;
            let mut out = Vec::new();
            for (k, &end) in cuts
                .iter()
                .chain(std::iter::once(&digits.len()))
                .enumerate()
            {
                let text = digits[start..end].to_string();
                let span = tok.span.start + start..tok.span.start + end;
                out.extend(number_fact(
                    self.view,
                    def,
                    row,
                    own[k],
                    span,
                    text,
                    Reading::Glued,
                ));
                start = end;
            }
            out
        };
        match consistent.len() {
            0 => Some(NotNumber {
                span: tok.span.clone(),
                row_label: row.label.clone(),
                text: digits.to_string(),
                glued: true,
            }),
            1 => {
                facts.extend(row_facts(&consistent[0]));
                None
            }
            _ => {
                facts.extend(row_facts(&consistent[0]));
                ambiguous.push(AmbiguousRow {
                    row: row.key.clone(),
                    variants: consistent.iter().map(|c| row_facts(c)).collect(),
                });
                None
            }
        }
    }
}

/// The fact of a figure put back by the form (joined or split out of glued digits): `text` is
/// the figure as it is read, `span` where its first digit is printed.
#[allow(clippy::too_many_arguments)]
fn number_fact(
    view: &str,
    def: &TableDef,
    row: &RowDef,
    column: usize,
    span: Span,
    text: String,
    read: Reading,
) -> Option<Fact> {
    let CellValue::Number(q) = parse_cell(&text) else {
        return None;
    };
    let col = &def.columns[column];
    let own_text = Provenance::own_text(view, &span, &text);
    Some(Fact {
        row: row.key.clone(),
        column: col.key.clone(),
        value: FactValue::Number(q),
        provenance: Provenance {
            span,
            row_label: row.label.clone(),
            column_label: col.label.clone(),
            locator: None,
            own_text,
            unit: None,
        },
        read,
    })
}

/// Longest run of glued digits split (beyond: the run is left unread).
const MAX_GLUED_DIGITS: usize = 20;

/// The cut positions that split `digits` into `n` numbers without leading zeros.
fn digit_splits(digits: &str, n: usize) -> Vec<Vec<usize>> {
    fn go(d: &[u8], start: usize, left: usize, cur: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if out.len() > 100_000 {
            return;
        }
        if left == 1 {
            let last = &d[start..];
            if !last.is_empty() && (last.len() == 1 || last[0] != b'0') {
                out.push(cur.clone());
            }
            return;
        }
        let max_len = if d.get(start) == Some(&b'0') {
            1
        } else {
            d.len() - start
        };
        for len in 1..=max_len {
            let end = start + len;
            if d.len() - end < left - 1 {
                break;
            }
            cur.push(end);
            go(d, end, left - 1, cur, out);
            cur.pop();
        }
    }
    let mut out = Vec::new();
    if n > 0 && digits.len() >= n {
        go(digits.as_bytes(), 0, n, &mut Vec::new(), &mut out);
    }
    out
}

/// The pieces of `digits` at `cuts`.
fn split_at<'d>(digits: &'d str, cuts: &[usize]) -> Vec<&'d str> {
    let mut out = Vec::new();
    let mut start = 0;
    for &c in cuts.iter().chain(std::iter::once(&digits.len())) {
        out.push(&digits[start..c]);
        start = c;
    }
    out
}

/// Every way to put `k` figures, in order, into `n` slots (each a strictly increasing list of
/// slot indices); empty when there are more than `cap`.
fn placements(n: usize, k: usize, cap: usize) -> Vec<Vec<usize>> {
    fn go(start: usize, n: usize, k: usize, cur: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if cur.len() == k {
            out.push(cur.clone());
            return;
        }
        for s in start..n {
            if n - s < k - cur.len() {
                break;
            }
            cur.push(s);
            go(s + 1, n, k, cur, out);
            cur.pop();
        }
    }
    if k > n || binomial(n, k) > cap {
        return Vec::new();
    }
    let mut out = Vec::new();
    go(0, n, k, &mut Vec::new(), &mut out);
    out
}

/// n choose k (saturating).
fn binomial(n: usize, k: usize) -> usize {
    let k = k.min(n - k.min(n));
    (0..k).fold(1usize, |acc, i| acc.saturating_mul(n - i) / (i + 1))
}

/// The folds of a run of texts, concatenated, and where each one's fold ends.
#[derive(Debug, Default)]
struct Folds {
    /// [`fold`] of each text, one after the other.
    text: String,
    /// End of each text's fold in `text`, and whether it was folded character by character.
    ends: Vec<(usize, bool)>,
}

impl Folds {
    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// Appends the fold of `text`.
    fn push(&mut self, text: &str) {
        let simple = fold_into(text, &mut self.text);
        self.ends.push((self.text.len(), simple));
    }

    /// Where the fold of text `i` starts.
    fn start(&self, i: usize) -> usize {
        i.checked_sub(1)
            .and_then(|p| self.ends.get(p))
            .map_or(0, |&(end, _)| end)
    }
}

/// The normalised labels a group can carry: its last text token, its last two, … (shortest
/// first), each also without a trailing unit word (`主动公开文件数条`). `folds` holds the folds
/// of the group's text tokens.
fn label_suffixes(view: &str, tokens: &[Token], texts: &[usize], folds: &Folds, out: &mut Strings) {
    let lo = texts.len().saturating_sub(MAX_LABEL_TOKENS);
    let mut chars = 0;
    // Every token of the suffix was folded character by character: the suffix's fold is the
    // tail of `folds` (else it is folded as one text).
    let mut simple = true;
    let mut joined = String::new();
    for i in (lo..texts.len()).rev() {
        let token = &view[tokens[texts[i]].span.clone()];
        chars += token.chars().count();
        if chars > 120 {
            break;
        }
        simple &= folds.ends.get(i).is_some_and(|&(_, s)| s);
        let whole;
        let folded = if simple {
            folds.text.get(folds.start(i)..).unwrap_or("")
        } else {
            joined.clear();
            for &t in &texts[i..] {
                joined.push_str(&view[tokens[t].span.clone()]);
            }
            whole = fold(&joined);
            &whole
        };
        let n = strip_label(folded);
        if n.is_empty() {
            continue;
        }
        if let Some(stem) = strip_unit_suffix(n) {
            out.push(stem);
        }
        out.push(n);
    }
}

/// Does `s` end with `word`? (The last bytes compared first: most words end otherwise.)
fn ends_with_word(s: &str, word: &str) -> bool {
    match (s.as_bytes().last(), word.as_bytes().last()) {
        (Some(a), Some(b)) if a != b => false,
        _ => s.ends_with(word),
    }
}

/// `主动公开文件数条` → `主动公开文件数`.
fn strip_unit_suffix(label: &str) -> Option<&str> {
    if !may_end_with_unit(label) {
        return None;
    }
    UNIT_WORDS
        .iter()
        .filter(|u| label.len() > u.len() + 3 && ends_with_word(label, u))
        .filter_map(|u| label.strip_suffix(u))
        .max_by_key(|s| std::cmp::Reverse(s.len()))
}

/// Group tokens into "text, then figures" runs.
fn group(tokens: &[Token]) -> Groups {
    let mut out = Groups::default();
    // The group being built: its text tokens are `members[start..mid]`, its values
    // `members[mid..]` (every text token of a group comes before its first value).
    let (mut start, mut mid, mut unit) = (0, 0, None);
    for (i, t) in tokens.iter().enumerate() {
        match t.kind {
            Kind::Text => {
                let len = out.members.len();
                if len > mid {
                    out.list.push(Group {
                        text: start..mid,
                        unit,
                        values: mid..len,
                    });
                    start = len;
                }
                unit = None;
                out.members.push(i);
                mid = out.members.len();
            }
            Kind::Unit => {
                if out.members.len() == mid {
                    unit = Some(i);
                }
            }
            Kind::Value(_) | Kind::Bad => out.members.push(i),
        }
    }
    if out.members.len() > start {
        out.list.push(Group {
            text: start..mid,
            unit,
            values: mid..out.members.len(),
        });
    }
    out
}

/// Is `c` white space as reports print it (including U+3000, U+00A0, zero-width spaces)?
fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200b}' | '\u{feff}')
}

/// Full-width digits ０–９.
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('\u{FF10}'..='\u{FF19}').contains(&c)
}

/// A page footer or page number line (`— 3 —`, `- 12 -`, `第3页`, `第 3 页 共 10 页`, `3/10`):
/// debris between cells.
fn is_page_debris(line: &str) -> bool {
    // Digits are never spaces: most lines are told apart before a copy is made.
    if !crate::number::has_digit(line) {
        return false;
    }
    // Each of the three forms is made only of digits, dashes, `第页共,，` and `/`: a line with
    // any other character (prose, a label) is none of them, told without a copy.
    let debris_char = |c: char| {
        is_space(c)
            || is_digit(c)
            || matches!(
                c,
                '-' | '—' | '–' | '－' | '─' | '第' | '页' | '共' | ',' | '，' | '/'
            )
    };
    if !line.chars().all(debris_char) {
        return false;
    }
    let t: String = line.chars().filter(|&c| !is_space(c)).collect();
    let dashed = t.starts_with(['-', '—', '–', '－', '─'])
        && t.ends_with(['-', '—', '–', '－', '─'])
        && t.chars()
            .all(|c| is_digit(c) || matches!(c, '-' | '—' | '–' | '－' | '─'));
    let paged = t.starts_with('第')
        && t.contains('页')
        && t.chars()
            .all(|c| is_digit(c) || matches!(c, '第' | '页' | '共' | ',' | '，'));
    let slash = t.split_once('/').is_some_and(|(a, b)| {
        !a.is_empty() && !b.is_empty() && a.chars().all(is_digit) && b.chars().all(is_digit)
    });
    dashed || paged || slash
}

/// A page footer or a Markdown delimiter row (which holds a `|`: most lines are told apart by
/// one search).
fn is_debris_or_delimiter(line: &str) -> bool {
    is_page_debris(line) || (line.contains('|') && is_delimiter_row(line))
}

/// Tokenise `range` of the view line by line (`\n`, `\r\n` or a bare `\r`), word by word,
/// leaving out page footers and Markdown delimiter rows.
fn tokenize(view: &str, range: Span, out: &mut Tokens) {
    let text = &view[range.clone()];
    let mut start = 0;
    loop {
        let end = memchr::memchr2(b'\n', b'\r', &text.as_bytes()[start..])
            .map_or(text.len(), |at| start + at);
        let line = &text[start..end];
        if !line.trim().is_empty() && !is_debris_or_delimiter(line) {
            tokenize_line(view, range.start + start..range.start + end, out);
        }
        if end >= text.len() {
            break;
        }
        start = end + 1;
    }
}

/// The tokens of one table cell. When the cell's text is not the view's text at its span (a
/// rendering joined text nodes or replaced line breaks), each token is looked up in the view in
/// order from where the previous one ended, so it keeps its own span; tokens that cannot be
/// found there point at the whole cell, and of those only the first text token is kept (the
/// whole cell's text once, never once per word — that would make the reader quadratic).
fn tokenize_cell(view: &str, cell: &Cell, out: &mut Tokens) {
    if view.get(cell.span.clone()) == Some(cell.text.as_str()) {
        tokenize(view, cell.span.clone(), out);
        return;
    }
    let mut own = Tokens::default();
    tokenize(&cell.text, 0..cell.text.len(), &mut own);
    let Some(cell_view) = view.get(cell.span.clone()) else {
        return;
    };
    let mut cursor = 0usize;
    let mut whole_text_kept = false;
    for t in &own.list {
        let word = &cell.text[t.span.clone()];
        match cell_view[cursor..].find(word) {
            Some(at) => {
                let start = cell.span.start + cursor + at;
                cursor += at + word.len();
                out.push_from(&own, t, start..start + word.len());
            }
            None if t.kind == Kind::Text => {
                if !whole_text_kept {
                    whole_text_kept = true;
                    out.push(Kind::Text, cell.span.clone());
                }
            }
            None => out.push_from(&own, t, cell.span.clone()),
        }
    }
}

/// An item number whose separator went to the next line (`4` / `、其他类型答复数`) is part of
/// the label, not a figure.
fn rejoin_item_numbers(view: &str, out: &mut [Token]) {
    for i in 1..out.len() {
        let (head, tail) = out.split_at_mut(i);
        let (num, next) = (&mut head[i - 1], &tail[0]);
        let digits = &view[num.span.clone()];
        if matches!(num.kind, Kind::Value(_))
            && next.kind == Kind::Text
            && digits.len() <= 2
            && digits.chars().all(|c| c.is_ascii_digit())
            && view[next.span.clone()].starts_with(['、', '．', '.'])
        {
            num.kind = Kind::Text;
        }
    }
}

/// The tokens of one line.
fn tokenize_line(view: &str, line: Span, out: &mut Tokens) {
    let text = &view[line.clone()];
    let bytes = text.as_bytes();
    let mut word_start: Option<usize> = None;
    let mut i = 0;
    while i <= bytes.len() {
        // The character at `i` (a space past the end) and its length: ASCII and CJK
        // ideographs (lead bytes E4–E9, never spaces) without decoding.
        let (space, len) = match bytes.get(i) {
            None => (true, 1),
            Some(&b) if b.is_ascii() => (b.is_ascii_whitespace() || b == 0x0b || b == b'|', 1),
            Some(0xE4..=0xE9) => (false, 3),
            Some(_) => match text.get(i..).and_then(|t| t.chars().next()) {
                Some(c) => (is_space(c), c.len_utf8()),
                None => (false, 1),
            },
        };
        if space {
            if let Some(ws) = word_start.take() {
                tokenize_word(view, line.start + ws..line.start + i, out);
            }
        } else if word_start.is_none() {
            word_start = Some(i);
        }
        i += len;
    }
}

/// A bad figure: digits mixed with letters that look like digits (`1O`, `l2`).
fn is_bad_figure(w: &str) -> bool {
    // Every character ASCII: at most six characters is at most six bytes.
    let b = w.as_bytes();
    b.len() <= 6
        && b.iter()
            .all(|c| c.is_ascii_digit() || matches!(c, b'O' | b'o' | b'l' | b'I'))
        && b.iter().any(|c| c.is_ascii_digit())
        && b.iter().any(|c| matches!(c, b'O' | b'o' | b'l' | b'I'))
}

/// A cell printed where a figure belongs that is not one but looks like a typing slip for one:
/// digits mixed with look-alike letters (`1O`, `l2`), a lone Chinese numeral (`一`) or a lone
/// Latin letter.
pub(crate) fn is_mistyped_figure(t: &str) -> bool {
    let mut chars = t.chars();
    let lone = match (chars.next(), chars.next()) {
        (Some(c), None) => "一二三四五六七八九十〇".contains(c) || c.is_ascii_alphabetic(),
        _ => false,
    };
    lone || is_bad_figure(t)
}

/// One word: a unit, a value, a bad figure, text, or text run together with a trailing figure.
fn tokenize_word(view: &str, span: Span, out: &mut Tokens) {
    let w = &view[span.clone()];
    if w.len() <= MAX_UNIT_BYTES && UNIT_WORDS.contains(&w) {
        out.push(Kind::Unit, span);
        return;
    }
    if is_bad_figure(w) {
        out.push(Kind::Bad, span);
        return;
    }
    // A word that does not start like a figure is a value only as a not-applicable mark: the
    // number parser is not run on it (a line of prose is one word).
    if !starts_like_figure(w) {
        if is_not_applicable(w) {
            out.push(Kind::Value(Val::NotApplicable), span);
            return;
        }
    } else {
        match parse_cell(w) {
            CellValue::NotApplicable => {
                out.push(Kind::Value(Val::NotApplicable), span);
                return;
            }
            CellValue::Number(q) if !w.ends_with(['.', '、', '．']) => {
                out.push_number(q, span);
                return;
            }
            _ => {}
        }
    }
    // Text run together with a trailing figure and optional unit: `主动公开文件数条326`.
    if let Some(at) = trailing_figure(w) {
        let figure = &w[at..];
        if let CellValue::Number(q) = parse_cell(figure) {
            out.push(Kind::Text, span.start..span.start + at);
            out.push_number(q, span.start + at..span.end);
            return;
        }
    }
    out.push(Kind::Text, span);
}

/// A cell figure starts with a digit or a sign (not with a word such as `约` or `增加`, which
/// make it prose when they stand in a stream).
fn starts_like_figure(w: &str) -> bool {
    w.chars()
        .next()
        .is_some_and(|c| is_digit(c) || matches!(c, '+' | '-' | '＋' | '－'))
}

/// Byte offset of a figure (with an optional unit word) that ends a word after at least two
/// Han characters, the last of them a unit word or a label character: `公开数条326`.
fn trailing_figure(w: &str) -> Option<usize> {
    let mut body = w;
    let unit = may_end_with_unit(w)
        .then(|| {
            UNIT_WORDS
                .iter()
                .filter(|u| w.len() > u.len() && ends_with_word(w, u))
                .max_by_key(|u| u.len())
        })
        .flatten();
    if let Some(u) = unit {
        body = &w[..w.len() - u.len()];
    }
    let mut start = body.len();
    for (i, c) in body.char_indices().rev() {
        if is_digit(c) || matches!(c, ',' | '.' | '．') {
            start = i;
        } else {
            break;
        }
    }
    let digits = &body[start..];
    let first = digits.chars().next()?;
    if !is_digit(first) {
        return None;
    }
    let prefix = &body[..start];
    let han = prefix
        .chars()
        .filter(|&c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
        .count();
    let last = prefix.chars().last()?;
    // A label ends with a Han character or a closing bracket or quote (`…其他情形）`).
    let ok_last = (('\u{4E00}'..='\u{9FFF}').contains(&last)
        && !matches!(last, '第' | '共' | '约'))
        || matches!(last, '）' | ')' | '”' | '」' | '』');
    let after_unit =
        may_end_with_unit(prefix) && UNIT_WORDS.iter().any(|u| ends_with_word(prefix, u));
    (ok_last && (after_unit && han >= 3 || han >= 4)).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(String, &'static str)> {
        let mut out = Tokens::default();
        tokenize(text, 0..text.len(), &mut out);
        out.list
            .into_iter()
            .map(|t| {
                let k = match t.kind {
                    Kind::Text => "text",
                    Kind::Unit => "unit",
                    Kind::Value(_) => "value",
                    Kind::Bad => "bad",
                };
                (text[t.span].to_string(), k)
            })
            .collect()
    }

    #[test]
    fn cell_tokens_keep_their_own_spans_when_the_cell_text_was_rewritten() {
        // The cell's text joins two view lines with a space: each word is found in the view.
        let view = "head\n本年新收\n政府信息公开申请数量 12\ntail";
        let start = view.find("本年").unwrap();
        let end = view.find(" 12").unwrap() + 3;
        let cell = Cell::new("本年新收 政府信息公开申请数量 12", start..end, 0);
        let mut out = Tokens::default();
        tokenize_cell(view, &cell, &mut out);
        let words: Vec<&str> = out.list.iter().map(|t| &view[t.span.clone()]).collect();
        assert_eq!(words, vec!["本年新收", "政府信息公开申请数量", "12"]);
    }

    #[test]
    fn unlocatable_cell_words_make_one_whole_cell_token() {
        // Text that is not in the view at all (a rendering's own words): one text token for
        // the cell, however many words it has, so long cells stay linear.
        let view = "x".repeat(50);
        let text = vec!["词"; 400].join(" ");
        let cell = Cell::new(text, 0..50, 0);
        let mut out = Tokens::default();
        tokenize_cell(&view, &cell, &mut out);
        assert_eq!(out.list.len(), 1);
        assert_eq!(out.list[0].span, 0..50);
    }

    #[test]
    fn one_cell_per_line() {
        let k = kinds("予以公开\r\n12\r\n0\r13\n— 3 —\n1O\n/\n");
        assert_eq!(
            k,
            vec![
                ("予以公开".into(), "text"),
                ("12".into(), "value"),
                ("0".into(), "value"),
                ("13".into(), "value"),
                ("1O".into(), "bad"),
                ("/".into(), "value"),
            ]
        );
    }

    #[test]
    fn label_unit_value_run_together() {
        let k = kinds("主动公开文件数条326 其中：1.政府网站公开数条300");
        assert_eq!(k[0], ("主动公开文件数条".into(), "text"));
        assert_eq!(k[1], ("326".into(), "value"));
        assert_eq!(k[2], ("其中：1.政府网站公开数条".into(), "text"));
        assert_eq!(k[3], ("300".into(), "value"));
    }

    #[test]
    fn item_numbers_and_prose_stay_text() {
        let k = kinds("1.\n2025年，本局收到申请\n第3页");
        assert!(k.iter().all(|(_, kind)| *kind == "text"), "{k:?}");
    }

    #[test]
    fn placements_keep_order() {
        assert_eq!(
            placements(3, 2, 100),
            vec![vec![0, 1], vec![0, 2], vec![1, 2]]
        );
        assert!(placements(20, 10, 100).is_empty());
        assert_eq!(binomial(5, 2), 10);
    }
}
