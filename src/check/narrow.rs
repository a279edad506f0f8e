//! Narrowing a tie set by evidence beyond the identities, the way an editor would: first the
//! report's own text (it states the implied figure of one cell, or repeats the printed figure
//! of others), then the table's inequalities (a bound or a heuristic that fails too and only
//! some cells' change repairs; a heuristic that holds and some cells' change would break), then
//! the shape of the slip (only one cell's printed value looks like a typing slip of the value
//! the identities imply). A cell set aside stays in the suggestion with the reason, so the
//! output is never more certain than the evidence.

use crate::finding::{Basis, Candidate, Slip};

/// How a candidate's change fits the table's inequalities beyond its identities.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fit {
    /// Failed error-severity bounds it would repair too.
    pub repairs: usize,
    /// Failed heuristics (warning severity) it would repair too.
    pub heals: usize,
    /// Heuristics that hold now and it would make fail.
    pub strains: usize,
}

/// The cells still in question, the cells set aside (each with its [`Candidate::aside`]), and
/// what narrowed them. `cands` are the cells the identities allow, ranked; `fit` tells how a
/// candidate's change fits the table's inequalities.
pub fn narrow(
    cands: Vec<Candidate>,
    fit: impl Fn(&Candidate) -> Fit,
) -> (Vec<Candidate>, Vec<Candidate>, Basis) {
    if cands.len() < 2 {
        return (cands, Vec::new(), Basis::Identities);
    }
    let mut basis = Basis::Identities;
    let mut others = Vec::new();
    let mut kept = cands;
    // The text states the implied figure of exactly one cell: that cell.
    let stated = |c: &Candidate| c.text_says.is_some_and(|t| t.value == c.proposed);
    if kept.iter().filter(|c| stated(c)).count() == 1 {
        let (one, rest): (Vec<Candidate>, Vec<Candidate>) = kept.into_iter().partition(stated);
        basis = Basis::Text;
        others.extend(rest.into_iter().map(|c| aside(c, Basis::Text)));
        kept = one;
    }
    // The text repeats the printed figure of some cells, not of others: the others.
    let repeated = |c: &Candidate| c.text_says.is_some_and(|t| t.value == c.current);
    let n = kept.iter().filter(|c| repeated(c)).count();
    if n > 0 && n < kept.len() {
        let (rep, open): (Vec<Candidate>, Vec<Candidate>) = kept.into_iter().partition(repeated);
        basis = Basis::Text;
        others.extend(rep.into_iter().map(|c| aside(c, Basis::Text)));
        kept = open;
    }
    // Some cells would repair a failed bound too, others not: the ones that do. Then the same
    // for a failed heuristic: two failures one change explains.
    for (measure, why) in [
        (
            &(|f: Fit| f.repairs) as &dyn Fn(Fit) -> usize,
            Basis::Bounds,
        ),
        (&|f: Fit| f.heals, Basis::Heuristics),
    ] {
        let score = |c: &Candidate| measure(fit(c));
        let best = kept.iter().map(score).max().unwrap_or(0);
        if best > 0 && kept.iter().any(|c| score(c) < best) {
            let (fits, rest): (Vec<Candidate>, Vec<Candidate>) =
                kept.into_iter().partition(|c| score(c) == best);
            basis = why;
            others.extend(rest.into_iter().map(|c| aside(c, why)));
            kept = fits;
        }
    }
    // Some cells' change would make a heuristic that holds fail (applications received lowered
    // below the replies to them), others' not: the others, as long as at least two stay. A
    // heuristic has legitimate exceptions, so breaking one is no ground to name a single cell.
    let fewest = kept.iter().map(|c| fit(c).strains).min().unwrap_or(0);
    let calm = kept.iter().filter(|c| fit(c).strains == fewest).count();
    if calm >= 2 && calm < kept.len() {
        let (fits, rest): (Vec<Candidate>, Vec<Candidate>) =
            kept.into_iter().partition(|c| fit(c).strains == fewest);
        basis = Basis::Heuristics;
        others.extend(rest.into_iter().map(|c| aside(c, Basis::Heuristics)));
        kept = fits;
    }
    // Only one cell's printed value looks like a typing slip of its implied value, and a telling
    // one: a one-digit change fits most small corrections by chance (the others could be one
    // too, given another carry), so it never sets other cells aside; two digits swapped, a digit
    // dropped or doubled, or a sign rarely do. A figure equal to a neighbour's or another row's
    // proves little here (related totals are often equal), so it neither picks nor blocks.
    let typing = |c: &Candidate| c.kind.is_some_and(Slip::is_typing);
    let telling = |c: &Candidate| typing(c) && c.kind != Some(Slip::OneDigit);
    if kept.len() > 1 && kept.iter().filter(|c| typing(c)).count() == 1 && kept.iter().any(telling)
    {
        let (slip, rest): (Vec<Candidate>, Vec<Candidate>) = kept.into_iter().partition(telling);
        basis = Basis::SlipShape;
        others.extend(rest.into_iter().map(|c| aside(c, Basis::SlipShape)));
        kept = slip;
    }
    (kept, others, basis)
}

fn aside(mut c: Candidate, why: Basis) -> Candidate {
    c.aside = Some(why);
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Stated;
    use crate::source::LineCol;
    use rust_decimal::Decimal;

    fn cand(at: usize, current: i64, proposed: i64, kind: Option<Slip>) -> Candidate {
        Candidate {
            label: format!("c{at}"),
            key: format!("k{at}"),
            span: at..at + 1,
            position: LineCol {
                line: at,
                column: 1,
            },
            current: current.into(),
            proposed: proposed.into(),
            kind,
            read: None,
            text_says: None,
            aside: None,
            cell: None,
            locator: None,
        }
    }

    fn says(mut c: Candidate, v: i64) -> Candidate {
        c.text_says = Some(Stated {
            value: Decimal::from(v),
            position: LineCol { line: 1, column: 1 },
        });
        c
    }

    fn starts(v: &[Candidate]) -> Vec<usize> {
        v.iter().map(|c| c.span.start).collect()
    }

    #[test]
    fn the_text_stating_the_implied_figure_picks_the_cell() {
        let one = Some(Slip::OneDigit);
        let cands = vec![
            cand(1, 172, 173, one),
            says(cand(2, 147, 146, one), 146),
            cand(3, 15, 14, one),
        ];
        let (kept, others, basis) = narrow(cands, |_| Fit::default());
        assert_eq!(starts(&kept), [2]);
        assert_eq!(starts(&others), [1, 3]);
        assert!(others.iter().all(|c| c.aside == Some(Basis::Text)));
        assert_eq!(basis, Basis::Text);
    }

    #[test]
    fn cells_whose_printed_figure_the_text_repeats_are_set_aside() {
        let one = Some(Slip::OneDigit);
        let cands = vec![
            says(cand(1, 172, 173, one), 172),
            cand(2, 147, 146, one),
            cand(3, 15, 14, one),
            says(cand(4, 8, 7, one), 8),
        ];
        let (kept, others, basis) = narrow(cands, |_| Fit::default());
        assert_eq!(starts(&kept), [2, 3]);
        assert_eq!(starts(&others), [1, 4]);
        assert_eq!(basis, Basis::Text);
    }

    #[test]
    fn a_single_slip_shaped_cell_is_picked_on_its_shape() {
        let cands = vec![
            cand(1, 100, 91, None),
            cand(2, 21, 12, Some(Slip::Transposed)),
            cand(3, 40, 31, None),
        ];
        let (kept, others, basis) = narrow(cands, |_| Fit::default());
        assert_eq!(starts(&kept), [2]);
        assert_eq!(others.len(), 2);
        assert_eq!(basis, Basis::SlipShape);
        // A figure equal to another row's neither picks nor blocks.
        let cands = vec![
            cand(1, 63, 72, Some(Slip::CopiedRow)),
            cand(2, 21, 12, Some(Slip::Transposed)),
            cand(3, 50, 41, None),
        ];
        let (kept, others, basis) = narrow(cands, |_| Fit::default());
        assert_eq!(starts(&kept), [2]);
        assert_eq!(others.len(), 2);
        assert_eq!(basis, Basis::SlipShape);
        // A lone one-digit change is no reason to set the others aside.
        let cands = vec![
            cand(1, 100, 97, None),
            cand(2, 15, 12, Some(Slip::OneDigit)),
        ];
        let (kept, _, basis) = narrow(cands, |_| Fit::default());
        assert_eq!(kept.len(), 2);
        assert_eq!(basis, Basis::Identities);
    }

    /// Three candidates, each a one-digit slip of its implied value (cells 1, 2, 3).
    fn three_one_digit_slips() -> Vec<Candidate> {
        let one = Some(Slip::OneDigit);
        vec![
            cand(1, 694, 693, one),
            cand(2, 619, 620, one),
            cand(3, 53, 54, one),
        ]
    }

    #[test]
    fn a_cell_that_also_repairs_a_failed_bound_is_preferred() {
        let cands = three_one_digit_slips();
        let (kept, others, basis) = narrow(cands, |c| Fit {
            repairs: usize::from(c.span.start == 1),
            ..Fit::default()
        });
        assert_eq!(starts(&kept), [1]);
        assert_eq!(others.len(), 2);
        assert!(others.iter().all(|c| c.aside == Some(Basis::Bounds)));
        assert_eq!(basis, Basis::Bounds);
    }

    #[test]
    fn a_cell_that_also_repairs_a_failed_heuristic_is_preferred() {
        let cands = three_one_digit_slips();
        let (kept, others, basis) = narrow(cands, |c| Fit {
            heals: usize::from(c.span.start == 1),
            ..Fit::default()
        });
        assert_eq!(starts(&kept), [1]);
        assert!(others.iter().all(|c| c.aside == Some(Basis::Heuristics)));
        assert_eq!(basis, Basis::Heuristics);
    }

    #[test]
    fn a_cell_whose_change_breaks_a_holding_heuristic_is_set_aside_but_never_alone_decides() {
        let one = Some(Slip::OneDigit);
        let cands = vec![
            cand(1, 693, 692, one),
            cand(2, 450, 451, one),
            cand(3, 18, 19, one),
        ];
        let strains = |c: &Candidate| Fit {
            strains: usize::from(c.span.start == 1),
            ..Fit::default()
        };
        let (kept, others, basis) = narrow(cands.clone(), strains);
        assert_eq!(starts(&kept), [2, 3]);
        assert_eq!(starts(&others), [1]);
        assert_eq!(others[0].aside, Some(Basis::Heuristics));
        assert_eq!(basis, Basis::Heuristics);
        // Of two cells, breaking a heuristic leaves one: no ground to name it.
        let (kept, others, basis) = narrow(cands[..2].to_vec(), strains);
        assert_eq!(starts(&kept), [1, 2]);
        assert!(others.is_empty());
        assert_eq!(basis, Basis::Identities);
    }

    #[test]
    fn equal_evidence_leaves_the_set_as_it_is() {
        let one = Some(Slip::OneDigit);
        let cands = vec![cand(1, 12, 13, one), cand(2, 5, 4, one)];
        let (kept, others, basis) = narrow(cands, |_| Fit::default());
        assert_eq!(starts(&kept), [1, 2]);
        assert!(others.is_empty());
        assert_eq!(basis, Basis::Identities);
        // Every printed figure repeated by the text: no reason to prefer one.
        let cands = vec![says(cand(1, 12, 13, one), 12), says(cand(2, 5, 4, one), 5)];
        let (kept, _, basis) = narrow(cands, |_| Fit::default());
        assert_eq!(kept.len(), 2);
        assert_eq!(basis, Basis::Identities);
    }
}
