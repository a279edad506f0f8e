//! The corpus reports: formats detected, relations evaluated, no table errors.

use crate::support::{check_fixture, registry, TABLE_REPORTS};
use gouji::rules::Severity;
use std::collections::BTreeMap;

/// Decided evaluations per rule id.
fn evaluated(rel: &str) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for e in check_fixture(rel).trace {
        *m.entry(String::from(e.rule)).or_insert(0) += 1;
    }
    m
}

#[test]
fn no_table_rule_reports_an_error_on_the_corpus() {
    for rel in TABLE_REPORTS {
        let c = check_fixture(rel);
        let errors: Vec<_> = c
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error && !f.rule.starts_with("PROSE-"))
            .map(|f| (&f.rule, f.position.line))
            .collect();
        assert!(errors.is_empty(), "{rel}: unexpected errors {errors:?}");
    }
}

#[test]
fn every_relation_checked_in_the_spec_is_evaluated() {
    // Spec §8: which relations are checked on each seed, with their multiplicity.
    let expect: &[(&str, &[(&str, usize)])] = &[
        (
            "formats/seed_000.txt",
            &[
                ("F2014-RECV", 1),
                ("F2014-CLOSED", 1),
                ("F2014-ANSW", 1),
                ("F2014-REFUSED", 1),
                ("F2014-REV", 1),
                ("F2014-LIT", 1),
                ("F2014-STAFF", 1),
                ("F2014-DOCS", 1),
                ("F2014-CH", 5),
                ("F2014-CHSUM", 1),
                ("F2014-LEAD1", 1),
                ("F2014-LEAD2", 1),
                ("F2014-H-ISSUED", 1),
                ("F2014-H-RESP", 1),
                ("F2014-H-CLOSED", 1),
                ("F2014-H-ANSCLOSE", 1),
                ("ZJ2013-APPLY", 1),
                ("ZJ2013-ACCEPTED", 1),
                ("ZJ2013-ANSW", 1),
                ("ZJ2013-REFUSED", 1),
                ("ZJ2013-REV", 1),
                ("ZJ2013-LIT", 1),
                ("ZJ2013-H-ACTIVE", 1),
            ],
        ),
        (
            "formats/seed_001.txt",
            &[
                ("F2014-RECV", 1),
                ("F2014-CLOSED", 1),
                ("F2014-ANSW", 1),
                ("F2014-REFUSED", 1),
                ("F2014-REV", 1),
                ("F2014-LIT", 1),
                ("F2014-STAFF", 1),
                ("F2014-BJ-KEY", 1),
                ("F2014-BJ-KEYTOT", 1),
                ("F2014-DOCS", 1),
                ("F2014-CH", 5),
                ("F2014-CHSUM", 1),
                ("F2014-H-ISSUED", 1),
                ("F2014-H-RESP", 1),
                ("F2014-H-TRAIN", 1),
            ],
        ),
        (
            "formats/seed_002.txt",
            &[
                ("F2019-T3-ROW", 23),
                ("F2019-T3-SUM", 7),
                ("F2019-T3-BAL", 7),
                ("F2019-T4-REV", 1),
                ("F2019-T4-DIR", 1),
                ("F2019-T4-AFT", 1),
                ("F2019-T2-PUB", 2),
            ],
        ),
        (
            "reports/f2021_huaian_2024.txt",
            &[
                ("F2021-T3-ROW", 25),
                ("F2021-T3-SUM", 7),
                ("F2021-T3-BAL", 7),
                ("F2021-T4-REV", 1),
                ("F2021-T4-DIR", 1),
                ("F2021-T4-AFT", 1),
                ("F2021-T2-STOCK", 2),
            ],
        ),
    ];
    for (rel, rules) in expect {
        let got = evaluated(rel);
        for (rule, n) in *rules {
            assert_eq!(
                got.get(*rule).copied().unwrap_or(0),
                *n,
                "{rel}: evaluations of {rule} (all: {got:?})"
            );
        }
    }
}

#[test]
fn formats_are_detected_per_table() {
    let cases: &[(&str, &[&str])] = &[
        ("formats/seed_000.txt", &["F2014", "ZJ2013"]),
        ("formats/seed_001.txt", &["F2014"]),
        ("formats/seed_002.txt", &["F2019"]),
        ("reports/f2021_huaian_2024.txt", &["F2021"]),
        ("local/p2008_two_columns.txt", &["P2008"]),
        ("local/p2008_one_column.txt", &["P2008"]),
        ("local/fj2014_two_columns.txt", &["FJ2014"]),
        ("local/fj_simple.txt", &["FJ-SIMPLE"]),
    ];
    for (rel, want) in cases {
        let c = check_fixture(rel);
        let facts = gouji::extract::extract(&c.doc, registry());
        assert_eq!(facts.formats(registry()), *want, "{rel}");
    }
}

#[test]
fn seed_001_table_heuristics_fire_as_warnings() {
    let c = check_fixture("formats/seed_001.txt");
    let got: Vec<_> = c
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("F2014-"))
        .map(|f| (f.rule.as_str(), f.severity, f.position.line))
        .collect();
    assert_eq!(
        got,
        vec![
            ("F2014-H-ISSUED", Severity::Warning, 46),
            ("F2014-H-RESP", Severity::Warning, 112),
            ("F2014-H-TRAIN", Severity::Warning, 268),
        ]
    );
    // The trainee count that triggers H-TRAIN is shown with it.
    let train = c
        .findings
        .iter()
        .find(|f| f.rule == "F2014-H-TRAIN")
        .unwrap();
    assert!(train.operands.iter().any(|o| o.position.line == 271));
}

#[test]
fn blank_template_is_recognised_and_not_checkable() {
    let bytes = std::fs::read(crate::support::fixture("docx/template-2021-blank.docx")).unwrap();
    let doc = gouji::source::read_bytes(
        "template.docx",
        &bytes,
        std::path::Path::new("template.docx"),
    )
    .unwrap();
    let rep = gouji::pipeline::check_document(&doc, registry(), &gouji::check::AllRules);
    assert_eq!(rep.formats, vec!["F2021"]);
    assert!(rep.findings.is_empty());
    assert_eq!(rep.stats.evaluated, 0);
    // Every identity of tables 3 and 4 is seen but not checkable; none is missing.
    assert_eq!(rep.stats.not_applicable, 0, "{:?}", rep.stats);
    assert!(rep.stats.not_checkable >= 25 + 7 + 7 + 3, "{:?}", rep.stats);
}

#[test]
fn corpus_pdfs_yield_every_table_fact_and_evaluate_every_identity() {
    // (fixture, facts: table 2 (6 + 4) + table 3 (rows × 7) + table 4 (15), table-3 rows)
    let cases = [
        ("pdf/hongze-2024.pdf", 6 + 4 + 23 * 7 + 15, 23),
        ("pdf/huaian-2024.pdf", 6 + 4 + 25 * 7 + 15, 25),
    ];
    for (rel, facts_expected, t3_rows) in cases {
        let c = check_fixture(rel);
        let facts = gouji::extract::extract(&c.doc, registry());
        assert_eq!(facts.count(), facts_expected, "{rel}");
        let rows = evaluated(rel)
            .iter()
            .filter(|(k, _)| k.ends_with("-T3-ROW"))
            .map(|(_, n)| *n)
            .sum::<usize>();
        assert_eq!(rows, t3_rows, "{rel}: T3 row identities");
        let rep = gouji::pipeline::check_document(&c.doc, registry(), &gouji::check::AllRules);
        assert_eq!(rep.stats.not_applicable, 0, "{rel}: {:?}", rep.stats);
        assert_eq!(rep.stats.failed, 0, "{rel}");
        // Sum identities per column and the balance, table 4's three totals.
        for fam in ["-T3-SUM", "-T3-BAL"] {
            let n: usize = evaluated(rel)
                .iter()
                .filter(|(k, _)| k.ends_with(fam))
                .map(|(_, n)| *n)
                .sum();
            assert_eq!(n, 7, "{rel} {fam}");
        }
    }
}
