//! Every table rule, ruff-style: it stays quiet on reports where its relation holds, and it
//! fires when one of its operands is changed so the relation breaks.

use crate::mutation::breaking_value;
use crate::support::{check_bytes, check_fixture, fixture, registry, replace, TABLE_REPORTS};
use rust_decimal::Decimal;

/// Findings that the corpus really contains (spec §8), by (fixture, rule).
const KNOWN: &[(&str, &str)] = &[
    ("formats/seed_001.txt", "F2014-H-ISSUED"),
    ("formats/seed_001.txt", "F2014-H-RESP"),
    ("formats/seed_001.txt", "F2014-H-TRAIN"),
];

#[test]
fn every_table_rule_is_quiet_where_it_holds_and_fires_when_broken() {
    let checked: Vec<_> = TABLE_REPORTS
        .iter()
        .map(|r| (*r, check_fixture(r)))
        .collect();
    let mut uncovered = Vec::new();
    for (_, rule) in registry().rules() {
        // Rules across reports need two reports: tests/across.rs makes each fire.
        if rule.table.is_none() || rule.across.is_some() {
            continue;
        }
        // Quiet: no finding of this rule where none is known.
        for (rel, c) in &checked {
            if KNOWN.contains(&(*rel, rule.id.as_str())) {
                continue;
            }
            let noisy: Vec<_> = c
                .findings
                .iter()
                .filter(|f| f.rule == rule.id)
                .map(|f| f.position.line)
                .collect();
            assert!(noisy.is_empty(), "{} fires on {rel} at {noisy:?}", rule.id);
        }
        // Fires: break one holding evaluation through one of its cells.
        let mut fired = false;
        'search: for (rel, c) in &checked {
            let text = std::fs::read_to_string(fixture(rel)).unwrap();
            for e in c.trace.iter().filter(|e| e.rule == rule.id && e.holds) {
                for (span, is_number) in e.left_spans.iter().chain(e.right_spans.iter()) {
                    let current = c.doc.slice(span).trim().parse::<Decimal>();
                    let value = match (is_number, current) {
                        (true, Ok(v)) => breaking_value(e, span, v),
                        // A NONNEG-style rule: any cell may turn negative.
                        _ => None,
                    };
                    let Some(v) = value else { continue };
                    let mutated = replace(&text, span, &v.to_string());
                    if check_bytes(rel, mutated.as_bytes())
                        .findings
                        .iter()
                        .any(|f| f.rule == rule.id)
                    {
                        fired = true;
                        break 'search;
                    }
                }
            }
        }
        if !fired {
            uncovered.push(rule.id.clone());
        }
    }
    assert!(
        uncovered.is_empty(),
        "rules never made to fire on the fixtures: {uncovered:?}"
    );
}
