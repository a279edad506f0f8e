//! Changing any single number that takes part in an E relation (an `error` rule) of corpus
//! reports 000 (both tables), 001 and 002 must produce an error whose operands include that
//! number's line. Every such cell is tried, not a hand-picked few.

use crate::support::{check_bytes, check_fixture, fixture, replace};
use gouji::check::Evaluation;
use gouji::rules::expr::CmpOp;
use gouji::rules::Severity;
use gouji::source::Span;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A new value for the cell at `span` that breaks `e`, if a single change can.
pub fn breaking_value(e: &Evaluation, span: &Span, current: Decimal) -> Option<Decimal> {
    let on_left = e.left_spans.iter().any(|(s, _)| s == span);
    let gap = e.left - e.right;
    let v = match (e.op, on_left) {
        (CmpOp::Eq, _) => current + Decimal::ONE,
        // left <= right: push left above right, or right below left.
        (CmpOp::Le, true) => current - gap + Decimal::ONE,
        (CmpOp::Le, false) => current + gap - Decimal::ONE,
        (CmpOp::Ge, true) => current - gap - Decimal::ONE,
        (CmpOp::Ge, false) => current + gap + Decimal::ONE,
        (CmpOp::Lt, true) => current - gap,
        (CmpOp::Lt, false) => current + gap,
        (CmpOp::Gt, true) => current - gap,
        (CmpOp::Gt, false) => current + gap,
        (CmpOp::Ne, _) => return None,
    };
    Some(v)
}

/// Cells taking part in decided error relations, with one breaking value each.
fn error_cells(rel: &str) -> BTreeMap<(usize, usize), (Span, Decimal)> {
    let c = check_fixture(rel);
    let mut cells = BTreeMap::new();
    for e in c.trace.iter().filter(|e| e.severity == Severity::Error) {
        for (span, is_number) in e.left_spans.iter().chain(e.right_spans.iter()) {
            if !is_number || cells.contains_key(&(span.start, span.end)) {
                continue;
            }
            let Ok(current) = c.doc.slice(span).trim().parse::<Decimal>() else {
                continue;
            };
            // Prefer an identity: +1 always breaks it.
            let identity = c
                .trace
                .iter()
                .filter(|x| x.severity == Severity::Error && x.op == CmpOp::Eq)
                .any(|x| {
                    x.left_spans
                        .iter()
                        .chain(x.right_spans.iter())
                        .any(|(s, _)| s == span)
                });
            let value = if identity {
                Some(current + Decimal::ONE)
            } else {
                breaking_value(e, span, current)
            };
            if let Some(v) = value {
                cells.insert((span.start, span.end), (span.clone(), v));
            }
        }
    }
    cells
}

fn assert_every_cell_breaks(rel: &str, min_cells: usize) {
    let text = std::fs::read_to_string(fixture(rel)).unwrap();
    let clean = check_fixture(rel);
    let cells = error_cells(rel);
    assert!(
        cells.len() >= min_cells,
        "{rel}: only {} cells in error relations",
        cells.len()
    );
    let mut missed = Vec::new();
    for (span, value) in cells.values() {
        let line = clean.doc.line_col(span.start).line;
        let mutated = replace(&text, span, &value.to_string());
        let c = check_bytes(rel, mutated.as_bytes());
        let hit = c.findings.iter().any(|f| {
            f.severity == Severity::Error && f.operands.iter().any(|o| o.position.line == line)
        });
        if !hit {
            missed.push((line, value.to_string()));
        }
    }
    assert!(
        missed.is_empty(),
        "{rel}: changes not caught at lines {missed:?}"
    );
}

#[test]
fn every_error_relation_cell_of_seed_000_is_guarded() {
    // Both tables: the F2014 table and the 衢州 ZJ2013 table.
    assert_every_cell_breaks("formats/seed_000.txt", 60);
}

#[test]
fn every_error_relation_cell_of_seed_001_is_guarded() {
    assert_every_cell_breaks("formats/seed_001.txt", 40);
}

#[test]
fn every_error_relation_cell_of_seed_002_is_guarded() {
    assert_every_cell_breaks("formats/seed_002.txt", 180);
}

#[test]
fn every_error_relation_cell_of_the_2021_fixture_is_guarded() {
    assert_every_cell_breaks("reports/f2021_huaian_2024.txt", 190);
}
