//! Prose checks: the `[[prose.*]]` specs of every pack run over [`ProseFacts`] (and the table
//! facts of the same report segment), producing the same [`Finding`]s as table rules.
//!
//! Severity policy: a rule's declared severity is the most it can say. A finding is downgraded to
//! a warning (and its message says why) unless both numbers are exact, the scope is certain and
//! the relation is an identity.

mod fact;
mod partition;
mod share;

use super::{RuleFilter, RuleStats};
use crate::extract::prose::{ProseFacts, ProseParagraph, ProseQuantity};
use crate::extract::{Fact, FactValue, Facts};
use crate::finding::{Finding, Operand, Relation, Side, Term};
use crate::number::Approx;
use crate::rules::expr::CmpOp;
use crate::rules::gate::Sketches;
use crate::rules::{CompiledPack, Registry, Rule, Severity};
use crate::source::Document;
use rust_decimal::Decimal;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cell::OnceCell;

/// Why a finding is not certain (Chinese, English).
pub(crate) type Reason<'r> = (&'r str, &'r str);

/// A figure the report's text states for one table cell: a `[[prose.fact]]` match with a
/// single reading (an exact figure, one table fact, no alternative sum, the year known),
/// whether it agrees with the table or not. Evidence for naming the wrong cell of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The table cell's span.
    pub cell: crate::source::Span,
    /// The figure the text gives.
    pub value: Decimal,
    /// Where the text gives it.
    pub span: crate::source::Span,
}

/// What the mechanisms share.
pub(crate) struct Ctx<'a> {
    pub doc: &'a Document,
    pub facts: &'a Facts,
    pub pack: &'a CompiledPack,
    pub registry: &'a Registry,
    pub filter: &'a dyn RuleFilter,
    pub findings: Vec<Finding>,
    pub stats: RuleStats,
    pub statements: Vec<Statement>,
    /// The certain table facts of each segment by name, built on first use (see
    /// [`Ctx::table_facts`]).
    pub table_index: &'a OnceCell<TableIndex<'a>>,
    /// The sketch of each prose paragraph's text ([`Sketches`], by paragraph), for the
    /// literal gates of the packs' patterns.
    pub sketches: &'a Sketches,
    /// The prose paragraphs that hold a quantity that is not a percentage, in order: a fact
    /// pattern compares no other, and a partition's total is one (the others are not visited).
    pub counted: &'a [usize],
}

/// Certain table facts by segment, then by name, in table and fact order.
pub(crate) type TableIndex<'a> = Vec<HashMap<String, Vec<&'a Fact>>>;

/// Index every certain fact of every table under its table's segment and its name (one pass:
/// the segment of a table and the name of a fact are computed once, not per lookup). Only the
/// names some prose spec of the registry looks up are indexed: a page of thousands of reports
/// would otherwise hold a name for every figure of every table.
fn index_table_facts<'a>(facts: &'a Facts, registry: &Registry) -> TableIndex<'a> {
    let wanted: HashSet<&str> = registry
        .packs
        .iter()
        .flat_map(|p| {
            let facts = p.prose.facts.iter().flat_map(|s| {
                std::iter::once(&s.key)
                    .chain(s.or_sum.iter())
                    .chain(s.certain_if.iter())
            });
            let statuses = p.prose.statuses.iter().flat_map(|s| s.table_keys.iter());
            facts.chain(statuses)
        })
        .map(String::as_str)
        .collect();
    let prose = &facts.prose;
    let mut index: TableIndex<'a> = Vec::new();
    // Each fact's name is written into one buffer: a name is made only for the facts wanted.
    let mut name = String::new();
    for t in &facts.tables {
        let segment = prose.segment_at(t.span.start);
        if index.len() <= segment {
            index.resize_with(segment + 1, HashMap::default);
        }
        for f in t.facts.iter() {
            write_fact_name(&mut name, &f.row, &f.column);
            if wanted.contains(name.as_str()) && t.is_certain(f) {
                index[segment].entry(name.clone()).or_default().push(f);
            }
        }
    }
    index
}

/// [`crate::extract::fact_name`] written into `buf` (its earlier text replaced).
fn write_fact_name(buf: &mut String, row: &str, column: &str) {
    buf.clear();
    match (row.is_empty(), column.is_empty()) {
        (_, true) => buf.push_str(row),
        (true, false) => buf.push_str(column),
        (false, false) => {
            buf.push_str(row);
            buf.push('[');
            buf.push_str(column);
            buf.push(']');
        }
    }
}

impl<'a> Ctx<'a> {
    pub fn prose(&self) -> &'a ProseFacts {
        &self.facts.prose
    }

    /// The enabled rule of this pack with id `id`.
    pub fn rule(&self, id: &str) -> Option<&'a Rule> {
        self.pack
            .rules
            .iter()
            .find(|r| r.id == id)
            .filter(|r| self.filter.enabled(r))
    }

    /// Count one decided evaluation.
    pub fn evaluated(&mut self, holds: bool) {
        self.stats.evaluated += 1;
        if !holds {
            self.stats.failed += 1;
        }
    }

    /// Table facts named `key` in tables of segment `segment`.
    pub fn table_facts(&self, segment: usize, key: &str) -> Vec<&'a Fact> {
        let facts = self.facts;
        self.table_index
            .get_or_init(|| index_table_facts(facts, self.registry))
            .get(segment)
            .and_then(|by_name| by_name.get(key))
            .cloned()
            .unwrap_or_default()
    }

    /// A short description of a segment (`第2份报告（2015年）`).
    pub fn segment_name(&self, segment: usize) -> String {
        let prose = self.prose();
        let year = prose
            .segments
            .get(segment)
            .and_then(|s| s.year)
            .map(|y| format!("（{y}年）"))
            .unwrap_or_default();
        if prose.segments.len() > 1 {
            format!("第{}份报告{}", segment + 1, year)
        } else {
            format!("报告{year}")
        }
    }

    /// Record a finding.
    #[allow(clippy::too_many_arguments)]
    pub fn emit(
        &mut self,
        rule: &Rule,
        uncertain: Option<Reason>,
        para: &ProseParagraph,
        sentence: usize,
        left: Term,
        op: CmpOp,
        right: Term,
        operands: Vec<Operand>,
    ) {
        let severity = match uncertain {
            Some(_) => rule.severity.min(Severity::Warning),
            None => rule.severity,
        };
        let (zh, en) = match uncertain {
            Some((z, e)) => (
                format!("{}（不确定：{z}）", rule.message_zh),
                format!("{} (uncertain: {e})", rule.message_en),
            ),
            None => (rule.message_zh.clone(), rule.message_en.clone()),
        };
        let primary = operands
            .first()
            .map(|o| o.span.clone())
            .unwrap_or(para.span.clone());
        // The sentence is named by its opening words, not its line, so the scope (and the
        // baseline fingerprint built on it) survives edits elsewhere in the report.
        let sentence_text = para
            .sentences
            .get(sentence)
            .and_then(|r| para.text.get(r.clone()))
            .unwrap_or("");
        let opening: String = sentence_text.trim().chars().take(16).collect();
        let ellipsis = if sentence_text.trim().chars().count() > 16 {
            "…"
        } else {
            ""
        };
        let scope = format!(
            "{} · 「{opening}{ellipsis}」",
            self.segment_name(para.segment)
        );
        self.findings.push(Finding {
            rule: rule.id.clone(),
            rule_name: rule.name.clone(),
            severity,
            message_zh: zh,
            message_en: en,
            table: "正文".into(),
            scope: Some(scope),
            position: self.doc.line_col(primary.start),
            span: primary,
            locator: None,
            cell: None,
            relation: Relation { left, op, right },
            operands,
            suggestion: None,
        });
    }

    /// An operand for a prose quantity.
    pub fn prose_operand(&self, q: &ProseQuantity, side: Side) -> Operand {
        // A percentage keeps its printed precision (8.0, not 8).
        let value = if q.quantity.is_percent() {
            let mut v = q.quantity.value.normalize();
            if v.scale() < q.quantity.precision {
                v.rescale(q.quantity.precision);
            }
            v
        } else {
            q.quantity.value.normalize()
        };
        Operand {
            key: "prose".into(),
            label: if q.label().is_empty() {
                q.text().to_string()
            } else {
                q.label().to_string()
            },
            value,
            blank: false,
            text: q.text().to_string(),
            span: q.span.clone(),
            position: self.doc.line_col(q.span.start),
            locator: None,
            cell: None,
            side,
            file: None,
        }
    }

    /// The short name (`表三`) of the form table a table fact was read from.
    fn table_short(&self, f: &Fact) -> Option<&'a str> {
        let t = self
            .facts
            .tables
            .iter()
            .find(|t| t.facts.iter().any(|g| std::ptr::eq(g, f)))?;
        let def = self.registry.packs.get(t.pack)?.tables.get(t.table)?;
        Some(def.short.as_str())
    }

    /// An operand for a table fact.
    pub fn table_operand(&self, f: &Fact, side: Side) -> Operand {
        Operand {
            key: f.name(),
            label: f.label(),
            value: fact_value(f).unwrap_or_default(),
            blank: !matches!(f.value, FactValue::Number(_)),
            text: f.provenance.text(&self.doc.view).to_string(),
            span: f.provenance.span.clone(),
            position: self.doc.line_col(f.provenance.span.start),
            locator: f.provenance.locator.as_deref().map(String::from),
            cell: self.table_short(f).map(|short| super::form_cell(short, f)),
            side,
            file: None,
        }
    }
}

/// The number of a table fact (blank and not-applicable cells have none).
pub(crate) fn fact_value(f: &Fact) -> Option<Decimal> {
    match &f.value {
        FactValue::Number(q) => Some(q.value),
        _ => None,
    }
}

/// A term for one prose quantity.
pub(crate) fn single(q: &ProseQuantity) -> Term {
    Term {
        arithmetic: q.text().to_string(),
        value: q.quantity.value.normalize(),
        single: Some(if q.label().is_empty() {
            q.text().to_string()
        } else {
            q.label().to_string()
        }),
    }
}

/// A term for a sum of prose quantities.
pub(crate) fn sum_term(parts: &[&ProseQuantity]) -> Term {
    let value: Decimal = parts.iter().map(|q| q.quantity.value).sum();
    Term {
        arithmetic: parts
            .iter()
            .map(|q| q.quantity.value.normalize().to_string())
            .collect::<Vec<_>>()
            .join(" + "),
        value: value.normalize(),
        single: None,
    }
}

/// True for an exact figure (no approximation word, not a rounded decimal).
pub(crate) fn exact(q: &ProseQuantity) -> bool {
    q.quantity.approx == Approx::Exact && !q.quantity.is_rounded()
}

/// Run the prose specs of every pack: the findings, the evaluation counts, and the figures the
/// text states for table cells.
pub fn check_prose(
    doc: &Document,
    facts: &Facts,
    registry: &Registry,
    filter: &dyn RuleFilter,
) -> (Vec<Finding>, RuleStats, Vec<Statement>) {
    let mut findings = Vec::new();
    let mut stats = RuleStats::default();
    let mut statements = Vec::new();
    let table_index = OnceCell::new();
    let sketches = Sketches::of(facts.prose.paragraphs.iter().map(|p| &*p.text));
    let mut counted = vec![false; facts.prose.paragraphs.len()];
    for q in facts
        .prose
        .quantities
        .iter()
        .filter(|q| !q.quantity.is_percent())
    {
        if let Some(c) = counted.get_mut(q.paragraph as usize) {
            *c = true;
        }
    }
    let counted: Vec<usize> = (0..counted.len()).filter(|&i| counted[i]).collect();
    for pack in registry.packs.iter().filter(|p| !p.prose.is_empty()) {
        let mut ctx = Ctx {
            doc,
            facts,
            pack,
            registry,
            filter,
            findings: Vec::new(),
            stats: RuleStats::default(),
            statements: Vec::new(),
            table_index: &table_index,
            sketches: &sketches,
            counted: &counted,
        };
        for spec in &pack.prose.partitions {
            partition::run(&mut ctx, spec);
            partition::later(&mut ctx, spec);
        }
        for spec in &pack.prose.statuses {
            fact::status(&mut ctx, spec);
        }
        // A percentage already contradicted by status words is not reported again as a rate.
        let claimed: Vec<crate::source::Span> = ctx
            .findings
            .iter()
            .flat_map(|f| f.operands.iter().map(|o| o.span.clone()))
            .collect();
        for spec in &pack.prose.shares {
            share::run(&mut ctx, spec, &claimed);
        }
        for spec in &pack.prose.changes {
            share::change(&mut ctx, spec);
        }
        for spec in &pack.prose.facts {
            fact::run(&mut ctx, spec);
        }
        findings.append(&mut ctx.findings);
        statements.append(&mut ctx.statements);
        stats.evaluated += ctx.stats.evaluated;
        stats.failed += ctx.stats.failed;
    }
    (findings, stats, statements)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fact_name_written_into_a_buffer_is_fact_name() {
        let mut buf = String::from("left over");
        for (row, column) in [
            ("", ""),
            ("a", ""),
            ("", "b"),
            ("申请", "自然人"),
            ("x[y]", "z"),
        ] {
            write_fact_name(&mut buf, row, column);
            assert_eq!(buf, crate::extract::fact_name(row, column));
        }
    }
}
