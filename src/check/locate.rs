//! Beyond single rules: when several identities of one table fail, find the one cell that, if
//! changed, would make all of them hold (and break none that holds now).

use super::Evaluation;
use crate::rules::expr::CmpOp;
use crate::rules::Severity;
use crate::source::Span;
use rust_decimal::Decimal;

/// A proposed correction of one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellFix {
    /// The cell.
    pub span: Span,
    /// The value it would need.
    pub proposed: Decimal,
    /// How much it would change.
    pub delta: Decimal,
    /// How many of the table's failed error-severity inequalities the change would repair too
    /// (a part above its total, lowered back).
    pub repairs: usize,
    /// How many of the table's failed heuristics (warning-severity inequalities: a reply total
    /// above the applications it answers) the change would repair too.
    pub heals: usize,
    /// How many of the table's heuristics that hold now the change would make fail (lowering
    /// the applications received below the replies to them).
    pub strains: usize,
}

fn coefficient(e: &Evaluation, span: &Span) -> i64 {
    let count = |v: &[(Span, bool)]| v.iter().filter(|(s, _)| s == span).count() as i64;
    count(&e.left_spans) - count(&e.right_spans)
}

/// Would changing the cell at `span` by `delta` break an error-severity inequality of the
/// table that holds now (a part above its total, a year's figure above the running total)?
/// Every rule side is a sum of cells, so the change moves `left − right` by `c · delta`.
fn breaks_a_bound(evaluations: &[Evaluation], span: &Span, delta: Decimal) -> bool {
    evaluations.iter().any(|e| {
        e.holds
            && e.severity == Severity::Error
            && !matches!(e.op, CmpOp::Eq | CmpOp::Ne)
            && coefficient(e, span) != 0
            && !e.op.holds(
                e.left - e.right + Decimal::from(coefficient(e, span)) * delta,
                Decimal::ZERO,
            )
    })
}

/// How many inequalities of the table of severity `severity` that hold now (`held`) or fail
/// now (`!held`) changing the cell at `span` by `delta` would turn the other way.
fn turned(
    evaluations: &[Evaluation],
    span: &Span,
    delta: Decimal,
    severity: Severity,
    held: bool,
) -> usize {
    evaluations
        .iter()
        .filter(|e| {
            e.holds == held
                && e.severity == severity
                && !matches!(e.op, CmpOp::Eq | CmpOp::Ne)
                && coefficient(e, span) != 0
                && e.op.holds(
                    e.left - e.right + Decimal::from(coefficient(e, span)) * delta,
                    Decimal::ZERO,
                ) != held
        })
        .count()
}

/// What the failed error identities of a table point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Located {
    /// Nothing to say: no identity failed, or the evidence is too thin (a cell that could
    /// explain the failures was not printed, or its value is unknown).
    Nothing,
    /// These cells (one or more, in the order met) could each, changed alone, make every failed
    /// identity hold without breaking one that holds.
    Cells(Vec<CellFix>),
    /// No single cell can: at least two cells are wrong.
    Several,
}

/// Every cell whose change alone repairs every failed error identity of a table. `current`
/// gives a cell's printed value. A cell with an empty span (a blank the page left out) is never
/// proposed; when such a cell is the only explanation, nothing is said.
pub fn locate(evaluations: &[Evaluation], current: impl Fn(&Span) -> Option<Decimal>) -> Located {
    let identities: Vec<&Evaluation> = evaluations
        .iter()
        .filter(|e| e.severity == Severity::Error && e.op == CmpOp::Eq)
        .collect();
    let failing: Vec<&&Evaluation> = identities.iter().filter(|e| !e.holds).collect();
    let Some(first) = failing.first() else {
        return Located::Nothing;
    };
    let mut fixes = Vec::new();
    let mut unsure = false;
    let mut seen: Vec<&Span> = Vec::new();
    for (span, _) in first.left_spans.iter().chain(first.right_spans.iter()) {
        if seen.contains(&span) {
            continue;
        }
        seen.push(span);
        let mut delta: Option<Decimal> = None;
        let explains_all = failing.iter().all(|e| {
            let c = coefficient(e, span);
            if c == 0 {
                return false;
            }
            // c · delta = right − left
            let Some(d) = (e.right - e.left).checked_div(Decimal::from(c)) else {
                return false;
            };
            match delta {
                None => {
                    delta = Some(d);
                    true
                }
                Some(x) => x == d,
            }
        });
        let Some(delta) = delta.filter(|_| explains_all) else {
            continue;
        };
        let breaks_a_holding_one = identities
            .iter()
            .any(|e| e.holds && coefficient(e, span) != 0);
        if breaks_a_holding_one || breaks_a_bound(evaluations, span, delta) {
            continue;
        }
        // A cell the page left blank and a crawl dropped has no place to propose a figure at;
        // a fractional change or an unknown value leaves the question open.
        if span.is_empty() || delta.fract() != Decimal::ZERO {
            unsure = true;
            continue;
        }
        let Some(value) = current(span) else {
            unsure = true;
            continue;
        };
        let proposed = value + delta;
        if proposed < Decimal::ZERO {
            continue;
        }
        fixes.push(CellFix {
            span: span.clone(),
            proposed,
            delta,
            repairs: turned(evaluations, span, delta, Severity::Error, false),
            heals: turned(evaluations, span, delta, Severity::Warning, false),
            strains: turned(evaluations, span, delta, Severity::Warning, true),
        });
    }
    match (fixes.is_empty(), unsure) {
        (false, _) => Located::Cells(fixes),
        (true, true) => Located::Nothing,
        (true, false) => Located::Several,
    }
}

/// The single cell whose change repairs every failed error identity of a table, if exactly one
/// such cell exists. `current` gives a cell's printed value.
pub fn single_cell_fix(
    evaluations: &[Evaluation],
    current: impl Fn(&Span) -> Option<Decimal>,
) -> Option<CellFix> {
    match locate(evaluations, current) {
        Located::Cells(mut v) if v.len() == 1 => Some(v.remove(0)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(left: i64, right: i64, l: &[usize], r: &[usize]) -> Evaluation {
        let spans = |v: &[usize]| v.iter().map(|&s| (s..s + 1, true)).collect();
        Evaluation {
            rule: "X".into(),
            severity: Severity::Error,
            op: CmpOp::Eq,
            left: left.into(),
            right: right.into(),
            left_spans: spans(l),
            right_spans: spans(r),
            holds: left == right,
        }
    }

    #[test]
    fn finds_the_cell_shared_by_a_row_and_a_column_failure() {
        // Row: total(10) = a(20) + b(30); column: total(40) = a(20) + c(50).
        // a was printed 3 instead of 2: both fail by one.
        let evals = vec![
            eval(2, 3, &[10], &[20, 30]),
            eval(17, 18, &[40], &[20, 50]),
            eval(5, 5, &[60], &[30, 70]),
        ];
        let value = |s: &Span| Some(Decimal::from(if s.start == 20 { 3 } else { 0 }));
        let fix = single_cell_fix(&evals, value).unwrap();
        assert_eq!(fix.span, 20..21);
        assert_eq!(fix.proposed, Decimal::from(2));
    }

    #[test]
    fn no_fix_when_the_cell_also_sits_in_a_holding_identity() {
        let evals = vec![
            eval(2, 3, &[10], &[20, 30]),
            eval(5, 5, &[60], &[20, 30, 70]),
        ];
        let fix = single_cell_fix(&evals, |_| Some(Decimal::from(3)));
        // 20 and 30 would break the holding one; only 10 (the total) is left.
        assert_eq!(fix.map(|f| f.span), Some(10..11));
        // Without the holding identity, 10, 20 and 30 all explain it: no suggestion.
        assert!(single_cell_fix(&evals[..1], |_| Some(Decimal::from(3))).is_none());
    }

    #[test]
    fn no_fix_when_failures_disagree() {
        let evals = vec![eval(2, 3, &[10], &[20]), eval(2, 5, &[40], &[20])];
        assert!(single_cell_fix(&evals, |_| Some(Decimal::ONE)).is_none());
        // 20 is in both but needs −1 for one and −3 for the other; 10 and 40 are in one each.
        assert_eq!(locate(&evals, |_| Some(Decimal::ONE)), Located::Several);
    }

    #[test]
    fn a_row_total_against_its_parts_gives_the_tie_set() {
        let evals = vec![eval(2, 3, &[10], &[20, 30])];
        let Located::Cells(v) = locate(&evals, |_| Some(Decimal::from(3))) else {
            panic!("a tie set")
        };
        let spans: Vec<_> = v.iter().map(|f| f.span.start).collect();
        assert_eq!(spans, [10, 20, 30]);
    }

    #[test]
    fn a_cell_whose_change_would_break_a_bound_is_no_candidate() {
        // total(10) = a(20) + b(30) fails by one (2 against 3); a holding bound says
        // c(40) <= a(20), with a = 1 and c = 1: lowering a to 0 would break it.
        let mut bound = eval(1, 1, &[40], &[20]);
        bound.op = CmpOp::Le;
        let evals = vec![eval(2, 3, &[10], &[20, 30]), bound];
        let value = |s: &Span| Some(Decimal::from(if s.start == 30 { 2 } else { 1 }));
        let Located::Cells(v) = locate(&evals, value) else {
            panic!("a tie set")
        };
        let spans: Vec<_> = v.iter().map(|f| f.span.start).collect();
        assert_eq!(spans, [10, 30]);
    }

    #[test]
    fn warning_inequalities_are_counted_as_healed_or_strained() {
        // total(10) = a(20) + b(30) fails: 5 against 6. Heuristic r(40) <= total(10) holds at
        // 5 <= 5; heuristic a(20) <= c(50) fails at 4 against 3.
        let mut held = eval(5, 5, &[40], &[10]);
        held.op = CmpOp::Le;
        held.severity = Severity::Warning;
        let mut failed = eval(4, 3, &[20], &[50]);
        failed.op = CmpOp::Le;
        failed.severity = Severity::Warning;
        failed.holds = false;
        let evals = vec![eval(5, 6, &[10], &[20, 30]), held, failed];
        let Located::Cells(v) = locate(&evals, |_| Some(Decimal::from(4))) else {
            panic!("a tie set")
        };
        let of = |s: usize| v.iter().find(|f| f.span.start == s).unwrap();
        // Raising the total to 6 keeps r <= total; lowering a repairs a <= c.
        assert_eq!((of(10).heals, of(10).strains), (0, 0));
        assert_eq!((of(20).heals, of(20).strains), (1, 0));
        assert_eq!((of(30).heals, of(30).strains), (0, 0));
        // The same with the total printed one too high: lowering it breaks r <= total.
        let mut held = eval(7, 7, &[40], &[10]);
        held.op = CmpOp::Le;
        held.severity = Severity::Warning;
        let evals = vec![eval(7, 6, &[10], &[20, 30]), held];
        let Located::Cells(v) = locate(&evals, |_| Some(Decimal::from(3))) else {
            panic!("a tie set")
        };
        let strains: Vec<_> = v.iter().map(|f| (f.span.start, f.strains)).collect();
        assert_eq!(strains, [(10, 1), (20, 0), (30, 0)]);
    }

    #[test]
    fn a_dropped_blank_is_never_proposed_and_silences_several() {
        let e = Evaluation {
            rule: "X".into(),
            severity: Severity::Error,
            op: CmpOp::Eq,
            left: 2.into(),
            right: 3.into(),
            left_spans: vec![(10..11, true)],
            right_spans: vec![(20..20, true)],
            holds: false,
        };
        let holding = eval(5, 5, &[60], &[10, 70]);
        // 10 would break the holding identity; the only other cell is the dropped blank.
        assert_eq!(
            locate(&[e, holding], |_| Some(Decimal::ZERO)),
            Located::Nothing
        );
    }
}
