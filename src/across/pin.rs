//! Last year's report as evidence for a tie set. A report's failed identities sometimes leave
//! several cells that could each be the wrong one (a running total against its parts). When a
//! rule across reports fails too on one of those cells (`cumulative == prev.cumulative + year`,
//! `carried == prev.carried_forward`) and that cell's change to the value the identities imply
//! would make it hold, the two failures have one explanation: the finding across reports names
//! the cell (basis `last-year`), with the other cells of the tie set kept as set aside.
//!
//! The report's own findings are written before the rules across reports run (a streamed run
//! prints each file as soon as it is checked), so the pin is told on the finding across
//! reports, which names the same cell; the report's own tie set stays as it was printed.

use crate::extract::Fact;
use crate::finding::{Basis, Candidate, Finding, FixScope, Slip, Suggestion};
use crate::rules::expr::CmpOp;
use crate::rules::Severity;
use rust_decimal::Decimal;

/// One tie set of a report: the cells its failed identities leave open, as the report's own
/// suggestion listed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tie {
    /// A recovered reading the report's suggestion rests on.
    pub read: Option<&'static str>,
    /// The listed cells (each could explain every failed identity of its table).
    pub cells: Vec<Candidate>,
    /// The cells the report's own evidence set aside (kept with their reason).
    pub others: Vec<Candidate>,
}

/// The tie sets among a report's error findings (each once).
pub fn ties(findings: &[Finding]) -> Vec<Tie> {
    let mut out: Vec<Tie> = Vec::new();
    for f in findings.iter().filter(|f| f.severity == Severity::Error) {
        let Some(s) = &f.suggestion else { continue };
        // A list cut short (`more`) still pins a listed cell: the relation across reports
        // fails on that cell's row by exactly its implied change, whatever the unlisted cells.
        if s.scope != FixScope::Set {
            continue;
        }
        let tie = Tie {
            read: s.read,
            cells: s.candidates.clone(),
            others: s.others.clone(),
        };
        if !out.contains(&tie) {
            out.push(tie);
        }
    }
    out
}

/// The suggestion a failed equality across reports gives, if it pins one cell of a tie set of
/// the later report. `left` and `right` are the sides' values and facts (sums of cells);
/// `prev_of` gives, for a fact of the later report, the same cell of the earlier one.
pub fn pin<'a>(
    ties: &[Tie],
    op: CmpOp,
    (left, left_facts): (Decimal, &[&'a Fact]),
    (right, right_facts): (Decimal, &[&'a Fact]),
    is_mine: impl Fn(&Fact) -> bool,
    prev_of: impl Fn(&Fact) -> Option<Decimal>,
) -> Option<Suggestion> {
    if op != CmpOp::Eq {
        return None;
    }
    let count = |v: &[&Fact], start: usize| {
        v.iter()
            .filter(|f| is_mine(f) && f.provenance.span.start == start)
            .count() as i64
    };
    for tie in ties {
        // The listed cells whose change to the implied value makes this relation hold.
        let fits: Vec<usize> = (0..tie.cells.len())
            .filter(|&i| {
                let c = &tie.cells[i];
                let k = count(left_facts, c.span.start) - count(right_facts, c.span.start);
                k != 0
                    && (right - left).checked_div(Decimal::from(k)) == Some(c.proposed - c.current)
            })
            .collect();
        let [one] = fits[..] else { continue };
        let mut named = tie.cells[one].clone();
        let fact = left_facts
            .iter()
            .chain(right_facts)
            .find(|f| is_mine(f) && f.provenance.span.start == named.span.start);
        // Small figures agree by chance (a 1 carried over two years running), as for a figure
        // copied from another row.
        if named.current.abs() >= Decimal::TEN
            && fact
                .and_then(|f| prev_of(f))
                .is_some_and(|v| v == named.current)
        {
            named.kind = Some(Slip::CopiedLastYear);
        }
        let mut others: Vec<Candidate> = tie
            .cells
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != one)
            .map(|(_, c)| Candidate {
                aside: Some(Basis::LastYear),
                ..c.clone()
            })
            .collect();
        others.extend(tie.others.iter().cloned());
        return Some(Suggestion {
            scope: FixScope::Cell,
            candidates: vec![named],
            more: 0,
            read: tie.read,
            basis: Basis::LastYear,
            others,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{FactValue, Provenance, Reading};
    use crate::source::LineCol;

    fn fact(row: &str, start: usize) -> Fact {
        Fact {
            row: row.into(),
            column: "cumulative".into(),
            value: FactValue::Blank,
            provenance: Provenance {
                span: start..start + 2,
                row_label: row.into(),
                column_label: "历年累计".into(),
                locator: None,
                own_text: Some("".into()),
                unit: None,
            },
            read: Reading::Grid,
        }
    }

    fn cand(start: usize, current: i64, proposed: i64) -> Candidate {
        Candidate {
            label: format!("c{start}"),
            key: format!("k{start}"),
            span: start..start + 2,
            position: LineCol {
                line: start,
                column: 1,
            },
            cell: None,
            locator: None,
            current: current.into(),
            proposed: proposed.into(),
            kind: Some(Slip::OneDigit),
            read: None,
            text_says: None,
            aside: None,
        }
    }

    #[test]
    fn a_failed_relation_across_reports_pins_the_cell_it_fits() {
        // Tie set: total 865 → 866, e-mail 23 → 22, online 190 → 189. The e-mail row across
        // reports: 23 (this year, at 155) == 19 (last year) + 3 fails by one.
        let ties = vec![Tie {
            read: None,
            cells: vec![cand(143, 865, 866), cand(155, 23, 22), cand(159, 190, 189)],
            others: Vec::new(),
        }];
        let mine = fact("apply.email", 155);
        let (prev, year) = (fact("prev.apply.email", 1 << 48), fact("apply.email", 154));
        let mine_only = |f: &Fact| f.provenance.span.start < 1 << 48;
        let pinned = |last: Decimal| {
            pin(
                &ties,
                CmpOp::Eq,
                (Decimal::from(23), &[&mine]),
                (Decimal::from(22), &[&prev, &year]),
                mine_only,
                |_| Some(last),
            )
        };
        let s = pinned(Decimal::from(19)).expect("a pin");
        assert_eq!(s.scope, FixScope::Cell);
        assert_eq!(s.basis, Basis::LastYear);
        assert_eq!(s.candidates[0].span.start, 155);
        assert_eq!(s.candidates[0].kind, Some(Slip::OneDigit));
        assert_eq!(s.others.len(), 2);
        assert!(s.others.iter().all(|c| c.aside == Some(Basis::LastYear)));
        // Printed as last year's figure: copied from last year's report.
        let s = pinned(Decimal::from(23)).expect("a pin");
        assert_eq!(s.candidates[0].kind, Some(Slip::CopiedLastYear));
        // A relation that fails by another amount pins nothing; nor does an inequality.
        assert!(pin(
            &ties,
            CmpOp::Eq,
            (Decimal::from(23), &[&mine]),
            (Decimal::from(20), &[&prev, &year]),
            mine_only,
            |_| None,
        )
        .is_none());
        assert!(pin(
            &ties,
            CmpOp::Ge,
            (Decimal::from(23), &[&mine]),
            (Decimal::from(22), &[&prev, &year]),
            mine_only,
            |_| None,
        )
        .is_none());
    }
}
