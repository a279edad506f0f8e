//! Across reports: the same body year after year.
//!
//! Every file is read and checked on its own (in parallel); from each, only the facts that rules
//! across reports read are kept ([`SeriesFacts`]: a few dozen numbers with their positions),
//! next to the report's issuer and year ([`identity`]). When every file was read, reports are
//! grouped by normalised issuer and year ([`group`]) and the `across` rules of the packs run on
//! each pair of reports they relate ([`cross_check`]): `across = "previous-year"` pairs a report
//! with the same body's report of the year before, `across = "earlier"` with its latest earlier
//! report whatever the gap. A fact of the other report is named with the `prev.` prefix.
//!
//! A finding of such a rule belongs to the later report, and its operands point into both
//! files ([`crate::finding::Operand::file`] names the other one).

pub mod identity;
mod issuer;
pub mod pin;
pub mod stats;
pub mod store;
mod title;

pub use identity::{identify, normalize_issuer, Identity, Source};
pub use store::Store;

use crate::check::eval::{condition, eval, NoValue, Scope};
use crate::check::{RuleFilter, RuleStats};
use crate::extract::{Fact, FactValue, Facts, Provenance, Reading, TableInstance};
use crate::finding::{Finding, Operand, Relation, Side};
use crate::number::{Approx, Quantity};
use crate::rules::expr::Expr;
use crate::rules::pack::{Across, ForEach, Rule, PREV};
use crate::rules::{Registry, Severity};
use crate::source::{Document, LineCol, Span};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The rows rules across reports read, per table id (with the `prev.` prefix removed).
#[derive(Debug, Clone, Default)]
pub struct Needs {
    tables: Vec<(String, Vec<String>)>,
}

impl Needs {
    /// What the `across` rules of `registry` read.
    pub fn of(registry: &Registry) -> Self {
        let mut tables: Vec<(String, Vec<String>)> = Vec::new();
        for (_, rule) in registry.rules() {
            let (Some(_), Some(table)) = (rule.across, &rule.table) else {
                continue;
            };
            let mut names = Vec::new();
            rule.expr.names(&mut names);
            if let Some(w) = &rule.when {
                w.names(&mut names);
            }
            let pos = match tables.iter().position(|(t, _)| t == table) {
                Some(i) => i,
                None => {
                    tables.push((table.clone(), Vec::new()));
                    tables.len() - 1
                }
            };
            let rows = &mut tables[pos].1;
            let pack = registry.packs.iter().find(|p| p.id == rule.table_pack);
            let def = pack.and_then(|p| p.table(table));
            for n in names {
                let name = n.name.strip_prefix(PREV).unwrap_or(&n.name);
                // In a `for_each = "row"` rule a bare name is a column: every row counts.
                let is_row = def.is_none_or(|d| d.rows.iter().any(|r| r.key == name));
                let wanted: Vec<String> = if is_row {
                    vec![name.to_string()]
                } else {
                    def.map(|d| {
                        d.rows
                            .iter()
                            .filter(|r| crate::check::row_selected(rule, &r.key))
                            .map(|r| r.key.to_string())
                            .collect()
                    })
                    .unwrap_or_default()
                };
                for w in wanted {
                    if !rows.contains(&w) {
                        rows.push(w);
                    }
                }
            }
        }
        Needs { tables }
    }

    /// No rule reads across reports.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    fn wants(&self, table: &str, row: &str) -> bool {
        self.tables
            .iter()
            .any(|(t, rows)| t == table && rows.iter().any(|r| r == row))
    }
}

/// One kept figure: which cell, its value and where it is printed (64 bytes: a run keeps a few
/// dozen per report, for every report, until all were read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// Pack index in the registry.
    pub pack: u16,
    /// Table index in the pack.
    pub table: u16,
    /// Row index in the table definition.
    pub row: u16,
    /// Column index in the table definition.
    pub column: u16,
    /// The number (0 for a blank or not-applicable cell: see [`Kept::blank`]).
    pub number: Decimal,
    /// A blank or not-applicable cell.
    pub blank: bool,
    /// Read as printed from a cell of its own, and not approximate.
    pub exact: bool,
    /// Start of the figure in the report's view (bytes).
    pub start: u32,
    /// Length of the figure in the view (bytes).
    pub len: u32,
    /// 1-based line in the view.
    pub line: u32,
    /// 1-based column in the view (characters).
    pub col: u32,
    /// Cell text as printed, when it is not simply the number (`约5`, `1,200`, a blank cell).
    pub printed: Option<Box<String>>,
    /// Locator in the original document, when the view is a rendering.
    pub locator: Option<Box<String>>,
}

impl Kept {
    /// The value, `None` for a blank cell.
    pub fn value(&self) -> Option<Decimal> {
        (!self.blank).then_some(self.number)
    }

    /// The span in the view.
    pub fn span(&self) -> Span {
        self.start as usize..(self.start + self.len) as usize
    }

    /// Line and column.
    pub fn position(&self) -> LineCol {
        LineCol {
            line: self.line as usize,
            column: self.col as usize,
        }
    }

    /// The cell text as printed.
    pub fn text(&self) -> String {
        match &self.printed {
            Some(t) => t.to_string(),
            None => self.number.normalize().to_string(),
        }
    }
}

/// What one report keeps for rules across reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeriesFacts {
    /// Issuer and year.
    pub identity: Identity,
    /// The kept figures (first instance of each table only).
    pub facts: Vec<Kept>,
    /// The tie sets of the report's own findings ([`pin`]: last year's report may pin one cell).
    pub ties: Vec<pin::Tie>,
}

/// Keep, from one document's facts, what the `across` rules read, with the report's identity.
pub fn keep(doc: &Document, facts: &Facts, registry: &Registry) -> SeriesFacts {
    let mut identity = identify(&doc.view, &doc.path);
    // A year the title did not give: the report segment holding the first table may know it.
    if identity.year_from != Some(Source::Title) {
        if let Some(y) = facts.tables.first().and_then(|t| {
            facts
                .prose
                .segments
                .get(facts.prose.segment_at(t.span.start))
                .and_then(|s| s.year)
        }) {
            if identity.year.is_none() || identity.year_from == Some(Source::Path) {
                identity.year = Some(y);
                identity.year_from = Some(Source::Prose);
            }
        }
    }
    let mut out = SeriesFacts {
        identity,
        facts: Vec::new(),
        ties: Vec::new(),
    };
    let needs = &registry.cross_needs;
    if needs.is_empty() {
        return out;
    }
    let mut seen: Vec<&str> = Vec::new();
    for t in &facts.tables {
        let def = &registry.packs[t.pack].tables[t.table];
        if seen.contains(&def.id.as_str()) {
            continue;
        }
        seen.push(&def.id);
        let undetermined: Vec<&str> = t
            .ambiguous
            .iter()
            .filter(|a| a.variants.len() != 1)
            .map(|a| a.row.as_str())
            .collect();
        for f in &t.facts {
            if !needs.wants(&def.id, &f.row) || f.read == Reading::Undetermined {
                continue;
            }
            if undetermined.contains(&f.row.as_str()) {
                continue;
            }
            let (Some(row), Some(column)) = (
                def.rows.iter().position(|r| r.key == f.row),
                def.columns.iter().position(|c| c.key == f.column),
            ) else {
                continue;
            };
            let (number, blank, approx) = match &f.value {
                FactValue::Number(q) => (q.value, false, q.approx == Approx::Exact),
                _ => (Decimal::ZERO, true, true),
            };
            let span = &f.provenance.span;
            let pos = doc.line_col(span.start);
            let text = f.provenance.text(&doc.view).trim();
            let plain = !blank && text == number.normalize().to_string();
            out.facts.push(Kept {
                pack: t.pack as u16,
                table: t.table as u16,
                row: row as u16,
                column: column as u16,
                number,
                blank,
                exact: approx && !f.read.is_recovered(),
                start: span.start as u32,
                len: span.len() as u32,
                line: pos.line as u32,
                col: pos.column as u32,
                printed: (!plain).then(|| Box::new(text.to_string())),
                locator: f
                    .provenance
                    .locator
                    .as_deref()
                    .map(|l| Box::new(l.to_string())),
            });
        }
    }
    out
}

/// The reports of one body, by year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Normalised issuer.
    pub issuer: String,
    /// Years in order, each with the indices of its reports (in input order).
    pub years: BTreeMap<i32, Vec<usize>>,
}

impl Group {
    /// Years missing between the first and the last (an info line, never a finding).
    pub fn gaps(&self) -> Vec<i32> {
        let (Some(first), Some(last)) = (
            self.years.keys().next().copied(),
            self.years.keys().last().copied(),
        ) else {
            return Vec::new();
        };
        (first..=last)
            .filter(|y| !self.years.contains_key(y))
            .collect()
    }
}

/// Group reports by normalised issuer and year; reports with no issuer or no year are left out.
/// Groups are sorted by issuer.
pub fn group<'a>(series: impl IntoIterator<Item = (usize, &'a SeriesFacts)>) -> Vec<Group> {
    let mut by: BTreeMap<String, BTreeMap<i32, Vec<usize>>> = BTreeMap::new();
    for (i, s) in series {
        if let (Some(issuer), Some(year)) = (&s.identity.issuer, s.identity.year) {
            by.entry(issuer.clone())
                .or_default()
                .entry(year)
                .or_default()
                .push(i);
        }
    }
    by.into_iter()
        .map(|(issuer, years)| Group { issuer, years })
        .collect()
}

/// Offset added to the spans of the other report's facts, to tell them apart.
const OTHER: usize = 1 << 48;

/// Run every `across` rule on the reports of every group. `series[i]` is the path and kept facts
/// of report `i`; the findings come with the index of the report they belong to (the later one),
/// sorted by report, then position.
pub fn cross_check(
    series: &[(&str, &SeriesFacts)],
    groups: &[Group],
    registry: &Registry,
    filter: &dyn RuleFilter,
) -> (Vec<(usize, Finding)>, RuleStats) {
    let mut out = Vec::new();
    let mut stats = RuleStats::default();
    // Each rule with the index of the pack whose table it reads (`table = "F2021.t3"` in
    // another pack reads F2021's).
    let rules: Vec<(usize, &Rule)> = registry
        .rules()
        .map(|(_, r)| r)
        .filter(|r| r.across.is_some() && filter.enabled(r))
        .filter_map(|r| {
            registry
                .packs
                .iter()
                .position(|p| p.id == r.table_pack)
                .map(|pi| (pi, r))
        })
        .collect();
    if rules.is_empty() {
        return (out, stats);
    }
    for g in groups {
        let years: Vec<i32> = g.years.keys().copied().collect();
        for (yi, year) in years.iter().enumerate() {
            for &cur in &g.years[year] {
                for &(pi, rule) in &rules {
                    let other_year = match rule.across {
                        Some(Across::PreviousYear) => Some(year - 1),
                        Some(Across::Earlier) => yi.checked_sub(1).map(|p| years[p]),
                        None => None,
                    };
                    let Some(prev) = other_year
                        .and_then(|y| g.years.get(&y))
                        .and_then(|v| v.first().copied())
                    else {
                        continue;
                    };
                    run_rule(
                        registry,
                        pi,
                        rule,
                        series[cur].1,
                        (series[prev].0, series[prev].1),
                        &mut stats,
                        &mut |f| out.push((cur, f)),
                    );
                }
            }
        }
    }
    out.sort_by(|a, b| (a.0, a.1.span.start, &a.1.rule).cmp(&(b.0, b.1.span.start, &b.1.rule)));
    (out, stats)
}

fn fact_of(registry: &Registry, k: &Kept, other: Option<i32>) -> Fact {
    let def = &registry.packs[k.pack as usize].tables[k.table as usize];
    let row = &def.rows[k.row as usize];
    let col = &def.columns[k.column as usize];
    let (prefix, offset) = match other {
        Some(_) => (PREV, OTHER),
        None => ("", 0),
    };
    let row_label: crate::name::Name = match other {
        Some(y) => format!("{y}年报告：{}", row.label).into(),
        None => row.label.clone(),
    };
    Fact {
        row: format!("{prefix}{}", row.key).into(),
        column: col.key.clone(),
        value: match k.value() {
            Some(v) => FactValue::Number(Quantity {
                value: v,
                precision: v.scale(),
                scale: crate::number::Scale::ONE,
                unit: crate::number::Unit::NONE,
                approx: Approx::Exact,
            }),
            None => FactValue::Blank,
        },
        provenance: Provenance {
            span: k.start as usize + offset..(k.start + k.len) as usize + offset,
            row_label,
            column_label: col.label.clone(),
            locator: k.locator.as_deref().map(|l| l.as_str().into()),
            own_text: Some(k.text().into()),
            unit: None,
        },
        read: Reading::Grid,
    }
}

fn run_rule(
    registry: &Registry,
    pack: usize,
    rule: &Rule,
    cur: &SeriesFacts,
    (prev_path, prev): (&str, &SeriesFacts),
    stats: &mut RuleStats,
    emit: &mut dyn FnMut(Finding),
) {
    let Some(table_id) = &rule.table else { return };
    let Some(ti) = registry.packs[pack]
        .tables
        .iter()
        .position(|t| &t.id == table_id)
    else {
        return;
    };
    let def = &registry.packs[pack].tables[ti];
    let mine: Vec<&Kept> = cur
        .facts
        .iter()
        .filter(|k| k.pack as usize == pack && k.table as usize == ti)
        .collect();
    if mine.is_empty() {
        return;
    }
    // The other report's table of the same id, in whatever form it was filled in.
    let theirs: Vec<&Kept> = prev
        .facts
        .iter()
        .filter(|k| registry.packs[k.pack as usize].tables[k.table as usize].id == *table_id)
        .collect();
    if theirs.is_empty() {
        return;
    }
    let prev_year = prev.identity.year.unwrap_or_default();
    let mut facts: Vec<Fact> = mine.iter().map(|k| fact_of(registry, k, None)).collect();
    facts.extend(theirs.iter().map(|k| fact_of(registry, k, Some(prev_year))));
    let inst = TableInstance {
        pack,
        table: ti,
        table_number: 0,
        span: 0..0,
        facts,
        ambiguous: Vec::new(),
        not_numbers: Vec::new(),
    };
    let kept = |f: &Fact| -> Option<&Kept> {
        if f.provenance.span.start >= OTHER {
            let start = f.provenance.span.start - OTHER;
            theirs.iter().copied().find(|k| k.start as usize == start)
        } else {
            mine.iter()
                .copied()
                .find(|k| k.start as usize == f.provenance.span.start)
        }
    };
    let base = Scope {
        def,
        table: &inst,
        mode: rule.for_each,
        column: None,
        row: None,
        cell: None,
        explain: false,
        index: None,
    };
    let mut bindings: Vec<(Scope, Option<String>)> = Vec::new();
    match rule.for_each {
        ForEach::Once => bindings.push((base, None)),
        ForEach::Column => {
            for col in &def.columns {
                if rule
                    .columns
                    .as_ref()
                    .is_some_and(|c| !c.iter().any(|k| *k == col.key))
                {
                    continue;
                }
                let s = Scope {
                    column: Some(&col.key),
                    ..base
                };
                bindings.push((s, Some(col.label.to_string())));
            }
        }
        ForEach::Row => {
            for row in &def.rows {
                if !crate::check::row_selected(rule, &row.key)
                    || !inst.facts.iter().any(|f| f.row == row.key)
                {
                    continue;
                }
                let s = Scope {
                    row: Some(&row.key),
                    ..base
                };
                bindings.push((s, Some(row.label.to_string())));
            }
        }
        ForEach::Cell => {
            for f in inst.facts.iter().filter(|f| {
                f.provenance.span.start < OTHER
                    && crate::check::row_selected(rule, &f.row)
                    && rule
                        .columns
                        .as_ref()
                        .is_none_or(|c| c.iter().any(|k| *k == f.column))
            }) {
                let s = Scope {
                    cell: Some(f),
                    ..base
                };
                bindings.push((s, Some(f.label())));
            }
        }
    }
    for (scope, binding) in bindings {
        if let Some(w) = &rule.when {
            if !matches!(condition(&scope, w), Ok(true)) {
                stats.not_applicable += 1;
                continue;
            }
        }
        let Expr::Cmp(op, l, r) = &rule.expr else {
            continue;
        };
        let (left, right) = match (eval(&scope, l, 0), eval(&scope, r, 0)) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(NoValue::Missing(_)), _) | (_, Err(_)) | (Err(_), _) => {
                stats.not_applicable += 1;
                continue;
            }
        };
        if left.all_blank() || right.all_blank() {
            stats.not_checkable += 1;
            continue;
        }
        stats.evaluated += 1;
        if op.holds(left.num, right.num) {
            continue;
        }
        stats.failed += 1;
        let scope = Scope {
            explain: true,
            ..scope
        };
        let (Ok(left), Ok(right)) = (eval(&scope, l, 0), eval(&scope, r, 0)) else {
            continue;
        };
        let exact = left
            .facts
            .iter()
            .chain(right.facts.iter())
            .all(|f| kept(f).is_some_and(|k| k.exact));
        let mut operands: Vec<Operand> = Vec::new();
        for (side, v) in [(Side::Left, &left), (Side::Right, &right)] {
            for f in &v.facts {
                let Some(k) = kept(f) else { continue };
                let other = f.provenance.span.start >= OTHER;
                if operands
                    .iter()
                    .any(|o| o.span == k.span() && o.file.is_some() == other)
                {
                    continue;
                }
                operands.push(Operand {
                    key: f.name(),
                    label: f.label(),
                    value: k.number.normalize(),
                    blank: k.blank,
                    text: k.text(),
                    span: k.span(),
                    position: k.position(),
                    locator: k.locator.as_deref().map(|l| l.as_str().into()),
                    cell: Some(crate::check::form_cell(&def.short, f)),
                    side,
                    file: other.then(|| prev_path.to_string()),
                });
            }
        }
        // The primary location: the first figure of this (the later) report.
        let primary = operands
            .iter()
            .find(|o| o.file.is_none())
            .map(|o| {
                (
                    o.span.clone(),
                    o.position,
                    o.locator.clone(),
                    o.cell.clone(),
                )
            })
            .unwrap_or((0..0, LineCol { line: 1, column: 1 }, None, None));
        let severity = if exact {
            rule.severity
        } else {
            rule.severity.min(Severity::Warning)
        };
        // The same cell of the earlier report, for a fact of this one.
        let prev_of = |f: &Fact| {
            inst.facts
                .iter()
                .find(|p| {
                    p.provenance.span.start >= OTHER
                        && p.row.strip_prefix(PREV) == Some(f.row.as_str())
                        && p.column == f.column
                })
                .and_then(|p| match &p.value {
                    FactValue::Number(q) => Some(q.value),
                    _ => None,
                })
        };
        let suggestion = pin::pin(
            &cur.ties,
            *op,
            (left.num, &left.facts),
            (right.num, &right.facts),
            |f| f.provenance.span.start < OTHER,
            prev_of,
        );
        emit(Finding {
            rule: rule.id.clone(),
            rule_name: rule.name.clone(),
            severity,
            message_zh: rule.message_zh.clone(),
            message_en: rule.message_en.clone(),
            table: def.title.clone(),
            scope: binding.filter(|b| !b.is_empty()),
            span: primary.0,
            position: primary.1,
            locator: primary.2,
            cell: primary.3,
            relation: Relation {
                left: crate::check::term(&left),
                op: *op,
                right: crate::check::term(&right),
            },
            operands,
            suggestion,
        });
    }
}

/// Bytes kept for one report's figures (for memory accounting).
pub fn kept_bytes(s: &SeriesFacts) -> usize {
    s.facts.len() * std::mem::size_of::<Kept>()
        + s.facts
            .iter()
            .map(|k| {
                k.printed.as_ref().map_or(0, |t| t.len())
                    + k.locator.as_ref().map_or(0, |l| l.len())
            })
            .sum::<usize>()
        + s.ties
            .iter()
            .map(|t| {
                (t.cells.len() + t.others.len()) * std::mem::size_of::<crate::finding::Candidate>()
            })
            .sum::<usize>()
}

/// For `-v`: the groups, one line each with its years, and the years missing in between.
pub fn describe_groups(groups: &[Group]) -> Vec<String> {
    let mut out = Vec::new();
    for g in groups {
        let years: Vec<String> = g
            .years
            .iter()
            .map(|(y, v)| {
                if v.len() > 1 {
                    format!("{y}×{}", v.len())
                } else {
                    y.to_string()
                }
            })
            .collect();
        let mut line = format!("{}: {}", g.issuer, years.join(", "));
        let gaps = g.gaps();
        if !gaps.is_empty() && g.years.len() > 1 {
            let gaps: Vec<String> = gaps.iter().map(|y| y.to_string()).collect();
            line.push_str(&format!(" (no report for {})", gaps.join(", ")));
        }
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_figure_is_small() {
        assert!(
            std::mem::size_of::<Kept>() <= 64,
            "{}",
            std::mem::size_of::<Kept>()
        );
    }

    #[test]
    fn the_rules_across_reports_name_what_is_kept() {
        let reg = Registry::builtin().expect("builtin packs");
        assert!(reg.cross_needs.wants("t3", "apply.carried_over"));
        assert!(reg.cross_needs.wants("t3", "apply.carried_forward"));
        assert!(reg.cross_needs.wants("t2", "disclose.normative_docs"));
        assert!(reg.cross_needs.wants("stats", "active.total"));
        assert!(!reg.cross_needs.wants("t3", "apply.new"));
    }

    #[test]
    fn groups_and_their_gaps() {
        let mk = |issuer: &str, year: i32| SeriesFacts {
            identity: Identity {
                issuer: Some(issuer.into()),
                year: Some(year),
                ..Identity::default()
            },
            facts: Vec::new(),
            ties: Vec::new(),
        };
        let s = [
            mk("乙局", 2020),
            mk("甲局", 2019),
            mk("甲局", 2022),
            mk("甲局", 2019),
        ];
        let g = group(s.iter().enumerate());
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].issuer, "乙局");
        assert_eq!(g[1].years[&2019], vec![1, 3]);
        assert_eq!(g[1].gaps(), vec![2020, 2021]);
        let lines = describe_groups(&g);
        assert_eq!(lines[1], "甲局: 2019×2, 2022 (no report for 2020, 2021)");
    }
}
