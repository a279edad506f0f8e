//! Check: [`Facts`] + packs → [`Finding`]s. Pure: no I/O, no text re-reading.
//!
//! Each rule is evaluated on every table instance of its table, once per binding (`for_each`).
//! An evaluation has one of four outcomes: it holds, it fails (a finding), it is *not
//! applicable* (a fact it needs is not in the report) or *not checkable* (one side is entirely
//! blank: the report left it unfilled). Only failures become findings.

pub mod eval;
pub mod locate;
pub mod narrow;
pub mod prose;

use crate::extract::{Fact, Facts, Reading, TableInstance};
use crate::finding::{
    Candidate, Finding, FixScope, Operand, Relation, Side, Slip, Stated, Suggestion, Term,
};
use crate::rules::expr::Expr;
use crate::rules::pack::{ColumnDef, ForEach, RowDef, Rule, TableDef};
use crate::rules::Registry;
use crate::source::Document;
use eval::{condition, condition_facts, eval, eval_num, Scope, Value};

/// Counts of rule evaluations for one file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RuleStats {
    /// Evaluations that could be decided (passed or failed).
    pub evaluated: usize,
    /// Evaluations that failed.
    pub failed: usize,
    /// Evaluations skipped because a fact was missing.
    pub not_applicable: usize,
    /// Evaluations skipped because one side was entirely blank.
    pub not_checkable: usize,
}

/// Result of checking one document.
#[derive(Debug, Clone, Default)]
pub struct CheckResult {
    /// Findings, in document order.
    pub findings: Vec<Finding>,
    /// Evaluation counts.
    pub stats: RuleStats,
    /// Evaluation counts of the table rules of each table instance (parallel to
    /// [`Facts::tables`]); prose rules are counted only in [`CheckResult::stats`].
    pub tables: Vec<RuleStats>,
    /// Every decided evaluation (only filled by [`check_traced`]).
    pub trace: Vec<Evaluation>,
}

/// One decided evaluation of a rule, for tests and debugging.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// Rule id (shared by the evaluations of one rule).
    pub rule: crate::name::Name,
    /// Rule severity.
    pub severity: crate::rules::Severity,
    /// The comparison.
    pub op: crate::rules::expr::CmpOp,
    /// Left value.
    pub left: rust_decimal::Decimal,
    /// Right value.
    pub right: rust_decimal::Decimal,
    /// Spans of the left side's facts, with whether the cell held a number.
    pub left_spans: Vec<(crate::source::Span, bool)>,
    /// Spans of the right side's facts, with whether the cell held a number.
    pub right_spans: Vec<(crate::source::Span, bool)>,
    /// Did it hold?
    pub holds: bool,
}

/// Which rules to run.
pub trait RuleFilter: Sync {
    /// Should this rule run?
    fn enabled(&self, rule: &Rule) -> bool;
}

/// Runs every rule.
pub struct AllRules;

impl RuleFilter for AllRules {
    fn enabled(&self, _rule: &Rule) -> bool {
        true
    }
}

/// Check the facts of `doc` with the registry's rules.
pub fn check(
    doc: &Document,
    facts: &Facts,
    registry: &Registry,
    filter: &dyn RuleFilter,
) -> CheckResult {
    check_inner(doc, facts, registry, filter, false)
}

/// Like [`check`], also recording every decided evaluation in [`CheckResult::trace`].
pub fn check_traced(
    doc: &Document,
    facts: &Facts,
    registry: &Registry,
    filter: &dyn RuleFilter,
) -> CheckResult {
    check_inner(doc, facts, registry, filter, true)
}

fn check_inner(
    doc: &Document,
    facts: &Facts,
    registry: &Registry,
    filter: &dyn RuleFilter,
    trace: bool,
) -> CheckResult {
    let mut out = CheckResult::default();
    let mut all_trace = Vec::new();
    let mut pending = Vec::new();
    for inst in &facts.tables {
        let before = out.stats;
        let pack = &registry.packs[inst.pack];
        let def = &pack.tables[inst.table];
        let rules: Vec<&Rule> = registry
            .rules_of(&pack.id, &def.id)
            .filter(|r| r.across.is_none() && filter.enabled(r))
            .collect();
        let mut evals = evaluate(doc, &rules, def, inst);
        if !inst.ambiguous.is_empty() {
            confirm_failures(doc, &rules, def, inst, &mut evals);
        }
        cap_recovered(doc, inst, &mut evals);
        let owner = inst;
        let first_finding = out.findings.len();
        let mut tracing = Vec::new();
        for e in evals {
            match e.outcome {
                Outcome::Holds => out.stats.evaluated += 1,
                Outcome::Fails(f) => {
                    out.stats.evaluated += 1;
                    out.stats.failed += 1;
                    out.findings.push(*f);
                }
                Outcome::NotApplicable => out.stats.not_applicable += 1,
                Outcome::NotCheckable => out.stats.not_checkable += 1,
            }
            tracing.extend(e.trace);
        }
        let located = locate::locate(&tracing, |s| cell_value(owner, s));
        // Suggestions wait for the figures the text states (the prose checks below). A table
        // with nothing located gets none, so its trace is kept only when asked for: a page of
        // thousands of reports would otherwise hold every evaluation of every table.
        if !trace && matches!(located, locate::Located::Nothing) {
            tracing = Vec::new();
        }
        pending.push((
            owner,
            def.short.as_str(),
            first_finding..out.findings.len(),
            tracing,
            located,
        ));
        out.tables.push(RuleStats {
            evaluated: out.stats.evaluated - before.evaluated,
            failed: out.stats.failed - before.failed,
            not_applicable: out.stats.not_applicable - before.not_applicable,
            not_checkable: out.stats.not_checkable - before.not_checkable,
        });
    }
    let (mut prose_findings, prose_stats, statements) =
        prose::check_prose(doc, facts, registry, filter);
    for (inst, short, range, tracing, located) in pending {
        suggest(
            doc,
            short,
            inst,
            &tracing,
            located,
            &statements,
            &mut out.findings[range],
        );
        if trace {
            all_trace.extend(tracing);
        }
    }
    out.trace = all_trace;
    out.findings.append(&mut prose_findings);
    out.stats.evaluated += prose_stats.evaluated;
    out.stats.failed += prose_stats.failed;
    out.findings
        .sort_by(|a, b| (a.span.start, &a.rule).cmp(&(b.span.start, &b.rule)));
    out
}

/// The number a fact holds (`None` for blank and not-applicable cells).
fn number_of(f: &Fact) -> Option<rust_decimal::Decimal> {
    match &f.value {
        crate::extract::FactValue::Number(q) => Some(q.value),
        _ => None,
    }
}

fn cell_value(inst: &TableInstance, span: &crate::source::Span) -> Option<rust_decimal::Decimal> {
    inst.facts
        .iter()
        .find(|f| &f.provenance.span == span)
        .map(|f| match &f.value {
            crate::extract::FactValue::Number(q) => q.value,
            _ => rust_decimal::Decimal::ZERO,
        })
}

/// At most this many cells of a tie set are listed.
const TIE_SET_CAP: usize = 5;

/// Does a relation of the table compare the cells at `a` and `b` directly, one against the
/// other (replies at most the applications received)? Such cells are often equal by nature.
fn compared(tracing: &[Evaluation], a: &crate::source::Span, b: &crate::source::Span) -> bool {
    let only = |v: &[(crate::source::Span, bool)], s: &crate::source::Span| {
        !v.is_empty() && v.iter().all(|(x, _)| x == s)
    };
    tracing.iter().any(|e| {
        (only(&e.left_spans, a) && only(&e.right_spans, b))
            || (only(&e.left_spans, b) && only(&e.right_spans, a))
    })
}

/// The kind of slip a cell's printed value shows against the value the identities imply:
/// a digit slip, or the printed value equals a neighbour's (same row or column) or another row's
/// of the same column — unless a relation of the table compares the two rows directly (a total
/// of replies is naturally equal to the total of applications it answers).
fn slip_of(
    inst: &TableInstance,
    tracing: &[Evaluation],
    fact: &Fact,
    proposed: rust_decimal::Decimal,
) -> Option<Slip> {
    let current = number_of(fact)?;
    if let Some(k) = crate::finding::digit_slip(current, proposed) {
        return Some(k);
    }
    if current == rust_decimal::Decimal::ZERO {
        return None;
    }
    let printed = |f: &Fact| !f.provenance.span.is_empty() && number_of(f) == Some(current);
    let row: Vec<&Fact> = inst.facts.iter().filter(|f| f.row == fact.row).collect();
    let col: Vec<&Fact> = inst
        .facts
        .iter()
        .filter(|f| f.column == fact.column)
        .collect();
    let adjacent = |line: &[&Fact]| {
        let Some(i) = line.iter().position(|f| std::ptr::eq(*f, fact)) else {
            return false;
        };
        (i > 0 && printed(line[i - 1])) || line.get(i + 1).is_some_and(|f| printed(f))
    };
    if adjacent(&row) || adjacent(&col) {
        return Some(Slip::Neighbour);
    }
    if current.abs() >= rust_decimal::Decimal::TEN
        && col.iter().any(|f| {
            !std::ptr::eq(*f, fact)
                && printed(f)
                && !compared(tracing, &f.provenance.span, &fact.provenance.span)
        })
    {
        return Some(Slip::CopiedRow);
    }
    None
}

/// A fact's cell as the form names it (`表三「予以公开」行「自然人」列`).
pub(crate) fn form_cell(short: &str, f: &Fact) -> String {
    crate::finding::form_cell(short, &f.provenance.row_label, &f.provenance.column_label)
}

/// The one figure the report's text states for the cell at `span` (none when it states
/// several different ones).
fn text_says(
    doc: &Document,
    statements: &[prose::Statement],
    span: &crate::source::Span,
) -> Option<Stated> {
    let mut said = statements.iter().filter(|s| &s.cell == span);
    let first = said.next()?;
    if said.any(|s| s.value != first.value) {
        return None;
    }
    Some(Stated {
        value: first.value.normalize(),
        position: doc.line_col(first.span.start),
    })
}

/// Attach what the table's failed identities point at (one cell, a tie set, or "at least two
/// cells") to its error findings.
fn suggest(
    doc: &Document,
    short: &str,
    inst: &TableInstance,
    tracing: &[Evaluation],
    located: locate::Located,
    statements: &[prose::Statement],
    findings: &mut [Finding],
) {
    let fact_at =
        |span: &crate::source::Span| inst.facts.iter().find(|f| &f.provenance.span == span);
    // A recovered reading among the cells of the failed identities.
    let read = tracing
        .iter()
        .filter(|e| !e.holds && e.severity == crate::rules::Severity::Error)
        .flat_map(|e| e.left_spans.iter().chain(e.right_spans.iter()))
        .filter_map(|(s, _)| fact_at(s))
        .map(|f| f.read)
        .find(|r| r.is_recovered())
        .map(Reading::name);
    let (scope, fixes) = match located {
        locate::Located::Nothing => return,
        locate::Located::Several => (FixScope::Several, Vec::new()),
        locate::Located::Cells(v) if v.len() == 1 => (FixScope::Cell, v),
        locate::Located::Cells(v) => (FixScope::Set, v),
    };
    let mut candidates: Vec<Candidate> = fixes
        .iter()
        .filter_map(|fix| {
            let fact = fact_at(&fix.span)?;
            let current = cell_value(inst, &fix.span).unwrap_or_default().normalize();
            Some(Candidate {
                label: fact.label(),
                key: fact.name(),
                span: fix.span.clone(),
                position: doc.line_col(fix.span.start),
                cell: Some(form_cell(short, fact)),
                locator: fact.provenance.locator.as_deref().map(String::from),
                current,
                proposed: fix.proposed.normalize(),
                kind: slip_of(inst, tracing, fact, fix.proposed),
                read: fact.read.is_recovered().then(|| fact.read.name()),
                text_says: text_says(doc, statements, &fix.span),
                aside: None,
            })
        })
        .collect();
    if scope != FixScope::Several && candidates.is_empty() {
        return;
    }
    // Typing slips first, then other slips, then the rest; recovered cells after read ones;
    // then the smaller change; then document order.
    candidates.sort_by_key(|c| {
        let rank = match c.kind {
            Some(k) if k.is_typing() => 0,
            Some(_) => 1,
            None => 2,
        };
        (
            rank,
            c.read.is_some(),
            (c.proposed - c.current).abs(),
            c.span.start,
        )
    });
    let fit = |c: &Candidate| {
        fixes
            .iter()
            .find(|f| f.span == c.span)
            .map_or(narrow::Fit::default(), |f| narrow::Fit {
                repairs: f.repairs,
                heals: f.heals,
                strains: f.strains,
            })
    };
    let (mut candidates, others, basis) = narrow::narrow(candidates, fit);
    let scope = match (scope, candidates.len()) {
        (FixScope::Set, 1) => FixScope::Cell,
        (s, _) => s,
    };
    let more = candidates.len().saturating_sub(TIE_SET_CAP);
    candidates.truncate(TIE_SET_CAP);
    let suggestion = Suggestion {
        scope,
        candidates,
        more,
        read,
        basis,
        others,
    };
    for f in findings.iter_mut() {
        if f.severity != crate::rules::Severity::Error {
            continue;
        }
        let concerned = match scope {
            FixScope::Several => true,
            _ => fixes
                .iter()
                .any(|x| f.operands.iter().any(|o| o.span == x.span)),
        };
        if concerned {
            f.suggestion = Some(suggestion.clone());
        }
    }
}

/// Does a row key pass a rule's `rows` globs (`x.*`, `*`, `!x.*` excludes)?
pub(crate) fn row_selected(rule: &Rule, key: &str) -> bool {
    let Some(globs) = &rule.rows else { return true };
    let hit = |g: &str| {
        g == "*"
            || g == key
            || g.strip_suffix(".*")
                .is_some_and(|p| key.starts_with(p) && key[p.len()..].starts_with('.'))
    };
    // Selected when no positive glob is given or one hits, and no negative one hits.
    let (mut positive, mut hit_positive) = (false, false);
    for g in globs {
        match g.strip_prefix('!') {
            Some(neg) if hit(neg) => return false,
            Some(_) => {}
            None => {
                positive = true;
                hit_positive = hit_positive || hit(g);
            }
        }
    }
    !positive || hit_positive
}

/// What one evaluation of a rule came to.
enum Outcome {
    Holds,
    Fails(Box<Finding>),
    NotApplicable,
    NotCheckable,
}

/// One evaluation: the rule, what it was bound to, the outcome, and (when decided) the trace.
struct Eval<'a> {
    rule: &'a str,
    binding: Binding<'a>,
    outcome: Outcome,
    trace: Option<Evaluation>,
}

/// What one evaluation of a rule is bound to (its column, row or cell); named only when a
/// finding or a comparison needs the name.
#[derive(Clone, Copy)]
enum Binding<'a> {
    /// A rule evaluated once per table.
    Once,
    /// A column (`for_each = "column"`).
    Column(&'a ColumnDef),
    /// A row (`for_each = "row"`).
    Row(&'a RowDef),
    /// A cell (`for_each = "cell"`).
    Cell(&'a Fact),
}

impl Binding<'_> {
    /// The binding's name as findings print it (`scope`).
    fn name(self) -> Option<String> {
        match self {
            Binding::Once => None,
            Binding::Column(c) => Some(c.label.to_string()),
            Binding::Row(r) => Some(r.label.to_string()),
            Binding::Cell(f) => Some(f.label()),
        }
    }
}

/// Evaluate `rules` on one table instance.
fn evaluate<'a>(
    doc: &Document,
    rules: &[&'a Rule],
    def: &'a TableDef,
    inst: &'a TableInstance,
) -> Vec<Eval<'a>> {
    // At most one evaluation per binding: room for them all at once (an evaluation is large,
    // and growing the list copied it again and again).
    let most = rules
        .iter()
        .map(|r| match r.for_each {
            ForEach::Once => 1,
            ForEach::Column => def.columns.len(),
            ForEach::Row => def.rows.len(),
            ForEach::Cell => inst.facts.len(),
        })
        .sum();
    let mut out = Vec::with_capacity(most);
    let index = eval::FactIndex::of(inst);
    for rule in rules {
        check_rule(doc, rule, def, inst, Some(&index), &mut out);
    }
    out
}

/// A failure that reads a figure split out of glued digits depends on that split: it is at most
/// a warning, and its message names the reading it assumed.
fn cap_recovered(doc: &Document, inst: &TableInstance, evals: &mut [Eval]) {
    for e in evals.iter_mut() {
        let Outcome::Fails(f) = &mut e.outcome else {
            continue;
        };
        let glued: Vec<&Fact> = inst
            .facts
            .iter()
            .filter(|x| {
                matches!(
                    x.read,
                    crate::extract::Reading::Glued | crate::extract::Reading::Joined
                ) && f.operands.iter().any(|o| o.span == x.provenance.span)
            })
            .collect();
        if glued.is_empty() {
            continue;
        }
        let mut rows: Vec<&str> = glued.iter().map(|x| x.row.as_str()).collect();
        rows.dedup();
        let reading: Vec<String> = rows
            .iter()
            .map(|row| {
                let parts: Vec<&str> = inst
                    .facts
                    .iter()
                    .filter(|x| {
                        x.row == *row && x.read.is_recovered() && !x.provenance.span.is_empty()
                    })
                    .map(|x| x.provenance.text(&doc.view))
                    .collect();
                parts.join("|")
            })
            .collect();
        if f.severity == crate::rules::Severity::Error {
            f.severity = crate::rules::Severity::Warning;
        }
        f.message_zh.push_str(&format!(
            "（按连在一起的数字拆分为 {} 读出）",
            reading.join("；")
        ));
        f.message_en.push_str(&format!(
            " (reading glued digits as {})",
            reading.join("; ")
        ));
    }
}

/// Most placements tried to confirm one failure.
const MAX_PLACEMENTS: usize = 4096;

/// A failure found in the first reading of a table with rows printed short is kept only if it
/// fails in every placement of the open figures of the rows it involves (it then does not
/// depend on where they sit); otherwise the relation is not checkable.
fn confirm_failures(
    doc: &Document,
    rules: &[&Rule],
    def: &TableDef,
    inst: &TableInstance,
    evals: &mut [Eval],
) {
    for e in evals.iter_mut() {
        let Outcome::Fails(f) = &e.outcome else {
            continue;
        };
        // For each row printed short, its placements as this failure sees them: only the
        // facts among its operands matter, so placements that agree on them count once.
        let keys: Vec<&str> = f.operands.iter().map(|o| o.key.as_str()).collect();
        let involved: Vec<(&str, Vec<&Vec<Fact>>)> = inst
            .ambiguous
            .iter()
            .filter_map(|a| {
                let mut seen: Vec<Vec<(String, Option<rust_decimal::Decimal>)>> = Vec::new();
                let mut distinct = Vec::new();
                for v in &a.variants {
                    let projection: Vec<(String, Option<rust_decimal::Decimal>)> = v
                        .iter()
                        .filter(|x| keys.contains(&x.name().as_str()))
                        .map(|x| (x.name(), number_of(x)))
                        .collect();
                    if !seen.contains(&projection) {
                        seen.push(projection);
                        distinct.push(v);
                    }
                }
                (distinct.len() > 1).then_some((a.row.as_str(), distinct))
            })
            .collect();
        // A row with too many placements to try: a failure that reads it cannot be confirmed.
        let untried = inst.ambiguous.iter().any(|a| {
            a.variants.is_empty()
                && inst
                    .facts
                    .iter()
                    .any(|x| x.row == a.row && keys.contains(&x.name().as_str()))
        });
        if involved.is_empty() && !untried {
            continue;
        }
        let Some(rule) = rules.iter().find(|r| r.id == e.rule) else {
            continue;
        };
        let total = involved
            .iter()
            .try_fold(1usize, |acc, (_, vs)| acc.checked_mul(vs.len()))
            .filter(|&t| t > 0 && t <= MAX_PLACEMENTS);
        let confirmed = !untried
            && total.is_some_and(|total| {
                (0..total).all(|mut k| {
                    let mut v = inst.clone();
                    v.ambiguous.clear();
                    v.facts
                        .retain(|x| !involved.iter().any(|(row, _)| *row == x.row));
                    for (_, vs) in &involved {
                        let choice = k % vs.len();
                        k /= vs.len();
                        v.facts.extend(vs[choice].iter().cloned());
                    }
                    let mut again = Vec::new();
                    check_rule(doc, rule, def, &v, None, &mut again);
                    again
                        .iter()
                        .find(|x| x.binding.name() == e.binding.name())
                        .is_some_and(|x| matches!(x.outcome, Outcome::Fails(_)))
                })
            });
        if !confirmed {
            e.outcome = Outcome::NotCheckable;
            e.trace = None;
        }
    }
}

/// Does [`eval`] give `num` and exactly `facts` (the same facts, in order) for `e`? The check of
/// the numbers-only pass ([`eval_num`]) in debug builds.
fn eval_agrees(scope: &Scope<'_>, e: &Expr, num: rust_decimal::Decimal, facts: &[&Fact]) -> bool {
    eval(scope, e, 0).is_ok_and(|v| {
        v.num == num
            && v.facts.len() == facts.len()
            && v.facts.iter().zip(facts).all(|(a, b)| std::ptr::eq(*a, *b))
    })
}

fn check_rule<'a>(
    doc: &Document,
    rule: &'a Rule,
    def: &'a TableDef,
    inst: &'a TableInstance,
    index: Option<&eval::FactIndex<'a>>,
    out: &mut Vec<Eval<'a>>,
) {
    let base = Scope {
        def,
        table: inst,
        mode: rule.for_each,
        column: None,
        row: None,
        cell: None,
        explain: false,
        index,
    };
    let id = crate::name::Name::from(rule.id.as_str());
    // The facts of one evaluation's two sides, the list reused from one to the next.
    let mut facts: Vec<&Fact> = Vec::new();
    match rule.for_each {
        ForEach::Once => out.push(run(doc, rule, &id, base, Binding::Once, &mut facts)),
        ForEach::Column => {
            for col in &def.columns {
                if rule
                    .columns
                    .as_ref()
                    .is_some_and(|c| !c.iter().any(|k| *k == col.key))
                {
                    continue;
                }
                let scope = Scope {
                    column: Some(&col.key),
                    ..base
                };
                out.push(run(doc, rule, &id, scope, Binding::Column(col), &mut facts));
            }
        }
        ForEach::Row => {
            for row in &def.rows {
                if !row_selected(rule, &row.key) || !inst.facts.iter().any(|f| f.row == row.key) {
                    continue;
                }
                let scope = Scope {
                    row: Some(&row.key),
                    ..base
                };
                out.push(run(doc, rule, &id, scope, Binding::Row(row), &mut facts));
            }
        }
        ForEach::Cell => {
            let cells = inst.facts.iter().filter(|f| {
                row_selected(rule, &f.row)
                    && rule
                        .columns
                        .as_ref()
                        .is_none_or(|c| c.iter().any(|k| *k == f.column))
            });
            for fact in cells {
                let scope = Scope {
                    cell: Some(fact),
                    ..base
                };
                out.push(run(doc, rule, &id, scope, Binding::Cell(fact), &mut facts));
            }
        }
    }
}

fn run<'a, 's>(
    doc: &Document,
    rule: &'a Rule,
    id: &crate::name::Name,
    scope: Scope<'s>,
    binding: Binding<'a>,
    facts: &mut Vec<&'s Fact>,
) -> Eval<'a> {
    let done = |outcome: Outcome, trace: Option<Evaluation>| Eval {
        rule: &rule.id,
        binding,
        outcome,
        trace,
    };
    if let Some(w) = &rule.when {
        match condition(&scope, w) {
            Ok(true) => {}
            Ok(false) | Err(_) => return done(Outcome::NotApplicable, None),
        }
    }
    let Expr::Cmp(op, l, r) = &rule.expr else {
        return done(Outcome::NotApplicable, None);
    };
    // First pass: the numbers and the facts of both sides (in one list), no text.
    facts.clear();
    let left = eval_num(&scope, l, 0, facts);
    let split = facts.len();
    let (left, right) = match (left, eval_num(&scope, r, 0, facts)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(_), _) | (_, Err(_)) => return done(Outcome::NotApplicable, None),
    };
    let (left_facts, right_facts) = facts.split_at(split);
    // The numbers-only pass mirrors `eval`: in test and debug builds every rule checked says so.
    debug_assert!(
        eval_agrees(&scope, l, left, left_facts) && eval_agrees(&scope, r, right, right_facts),
        "eval_num and eval disagree on {}",
        rule.id
    );
    // True if the side rests on facts and every one of them is blank (`Value::all_blank`).
    let all_blank = |side: &[&Fact]| {
        !side.is_empty()
            && side
                .iter()
                .all(|f| !matches!(f.value, crate::extract::FactValue::Number(_)))
    };
    if all_blank(left_facts) || all_blank(right_facts) {
        return done(Outcome::NotCheckable, None);
    }
    let holds = op.holds(left, right);
    let spans = |side: &[&Fact]| {
        side.iter()
            .map(|f| {
                (
                    f.provenance.span.clone(),
                    matches!(f.value, crate::extract::FactValue::Number(_)),
                )
            })
            .collect()
    };
    let trace = Evaluation {
        rule: id.clone(),
        severity: rule.severity,
        op: *op,
        left,
        right,
        left_spans: spans(left_facts),
        right_spans: spans(right_facts),
        holds,
    };
    if holds {
        return done(Outcome::Holds, Some(trace));
    }
    // Second pass, only for a failure: write the arithmetic out.
    let scope = Scope {
        explain: true,
        ..scope
    };
    let (Ok(left), Ok(right)) = (eval(&scope, l, 0), eval(&scope, r, 0)) else {
        return done(Outcome::NotApplicable, None);
    };
    let context = rule
        .when
        .as_ref()
        .map(|w| condition_facts(&scope, w))
        .unwrap_or_default();
    let f = finding(
        doc,
        rule,
        scope.def,
        binding.name(),
        *op,
        (&left, &right),
        &context,
    );
    done(Outcome::Fails(Box::new(f)), Some(trace))
}

pub(crate) fn term(v: &Value) -> Term {
    Term {
        arithmetic: v.text.clone(),
        value: v.num.normalize(),
        single: v.is_single_fact().then(|| v.facts[0].label()),
    }
}

fn finding(
    doc: &Document,
    rule: &Rule,
    def: &TableDef,
    binding: Option<String>,
    op: crate::rules::expr::CmpOp,
    (left, right): (&Value, &Value),
    context: &[&Fact],
) -> Finding {
    let mut operands: Vec<Operand> = Vec::new();
    let sides = [
        (Side::Left, left.facts.as_slice()),
        (Side::Right, right.facts.as_slice()),
        (Side::Condition, context),
    ];
    for (side, facts) in sides {
        for f in facts {
            if operands
                .iter()
                .any(|o| o.span == f.provenance.span && o.key == f.name())
            {
                continue;
            }
            operands.push(Operand {
                key: f.name(),
                label: f.label(),
                value: match &f.value {
                    crate::extract::FactValue::Number(q) => q.value.normalize(),
                    _ => rust_decimal::Decimal::ZERO,
                },
                blank: !matches!(f.value, crate::extract::FactValue::Number(_)),
                text: f.provenance.text(&doc.view).to_string(),
                span: f.provenance.span.clone(),
                position: doc.line_col(f.provenance.span.start),
                locator: f.provenance.locator.as_deref().map(String::from),
                cell: Some(form_cell(&def.short, f)),
                side,
                file: None,
            });
        }
    }
    let primary = operands
        .first()
        .map(|o| (o.span.clone(), o.locator.clone(), o.cell.clone()))
        .unwrap_or((0..0, None, None));
    Finding {
        rule: rule.id.clone(),
        rule_name: rule.name.clone(),
        severity: rule.severity,
        message_zh: rule.message_zh.clone(),
        message_en: rule.message_en.clone(),
        table: def.title.clone(),
        scope: binding.filter(|b| !b.is_empty()),
        position: doc.line_col(primary.0.start),
        span: primary.0,
        locator: primary.1,
        cell: primary.2,
        relation: Relation {
            left: term(left),
            op,
            right: term(right),
        },
        operands,
        suggestion: None,
    }
}
