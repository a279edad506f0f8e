//! The pre-2019 local tables (local-forms.md): P2008, FJ2014 and FJ-SIMPLE. Detection per
//! table, the two value columns (identities per column, this year <= cumulative per row), rows
//! some variants leave out, and the prose restating the table.

use crate::support::{check_bytes, check_fixture, registry};
use gouji::rules::Severity;
use std::collections::BTreeMap;

fn evaluated(text: &str) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for e in check_bytes("t.txt", text.as_bytes()).trace {
        *m.entry(String::from(e.rule)).or_insert(0) += 1;
    }
    m
}

fn fixture_text(rel: &str) -> String {
    std::fs::read_to_string(crate::support::fixture(rel)).unwrap()
}

fn formats(text: &str) -> Vec<String> {
    let c = check_bytes("t.txt", text.as_bytes());
    gouji::extract::extract(&c.doc, registry()).formats(registry())
}

/// (rule, line, severity, scope) of every finding.
fn findings(text: &str) -> Vec<(String, usize, Severity, Option<String>)> {
    check_bytes("t.txt", text.as_bytes())
        .findings
        .into_iter()
        .map(|f| (f.rule, f.position.line, f.severity, f.scope))
        .collect()
}

#[test]
fn every_column_and_every_row_is_checked_once() {
    let cases: &[(&str, &[(&str, usize)])] = &[
        (
            // 25 rows with both columns; 其它形式申请数 has no cumulative (not checkable).
            "local/p2008_two_columns.txt",
            &[
                ("P2008-APPLY-SUM", 2),
                ("P2008-REPLY-SUM", 2),
                ("P2008-REFUSED-SUM", 2),
                ("P2008-ACTIVE-CH", 6),
                ("P2008-REPLY-APPLY", 2),
                ("P2008-YEAR-CUM", 25),
            ],
        ),
        (
            // Five ways (no 其他 row): the sum is over the ways printed. No reasons, no
            // cumulative column: not applicable.
            "local/p2008_one_column.txt",
            &[
                ("P2008-APPLY-SUM", 1),
                ("P2008-REPLY-SUM", 1),
                ("P2008-REFUSED-SUM", 0),
                ("P2008-ACTIVE-CH", 3),
                ("P2008-REPLY-APPLY", 1),
                ("P2008-YEAR-CUM", 0),
            ],
        ),
        (
            "local/fj2014_two_columns.txt",
            &[
                ("FJ2014-APPLY-SUM", 2),
                ("FJ2014-REPLY-SUM", 2),
                ("FJ2014-ACTIVE-CH", 4),
                ("FJ2014-REPLY-APPLY", 2),
                ("FJ2014-YEAR-CUM", 15),
            ],
        ),
        (
            "local/fj_simple.txt",
            &[
                ("FJ-SIMPLE-APPLY-SUM", 1),
                ("FJ-SIMPLE-REPLY-SUM", 1),
                ("FJ-SIMPLE-ACTIVE-CH", 2),
                ("FJ-SIMPLE-REPLY-APPLY", 1),
            ],
        ),
    ];
    for (rel, want) in cases {
        let got = evaluated(&fixture_text(rel));
        for (rule, n) in *want {
            assert_eq!(
                got.get(*rule).copied().unwrap_or(0),
                *n,
                "{rel}: evaluations of {rule} (all: {got:?})"
            );
        }
    }
}

#[test]
fn a_broken_cumulative_cell_is_reported_in_its_column_and_its_row() {
    let text = fixture_text("local/fj2014_two_columns.txt");
    // 受理 历年累计 1709 → 1710: the cumulative ways no longer add up; 1710 is still >= 390.
    let got = findings(&text.replace(
        "| 390 | 1709 |\n其中：1.当面",
        "| 390 | 1710 |\n其中：1.当面",
    ));
    assert!(
        got.contains(&(
            "FJ2014-APPLY-SUM".into(),
            15,
            Severity::Error,
            Some("历年累计".into())
        )),
        "{got:?}"
    );
    assert!(!got.iter().any(|f| f.0 == "FJ2014-YEAR-CUM"), "{got:?}");
    // 行政诉讼 cumulative 11 → 9, below this year's 10.
    let got = findings(&text.replace("| 10 | 11 |", "| 10 | 9 |"));
    assert_eq!(
        got,
        vec![(
            "FJ2014-YEAR-CUM".into(),
            27,
            Severity::Error,
            Some("行政诉讼数".into())
        )]
    );
}

#[test]
fn a_blank_cumulative_is_never_a_failure() {
    let text = fixture_text("local/fj2014_two_columns.txt");
    // 行政复议 printed with this year only (the crawl dropped the blank 历年累计).
    let got = findings(&text.replace("| 7 | 8 |", "| 7 |"));
    assert!(got.is_empty(), "{got:?}");
    let got = findings(&text.replace("| 7 | 8 |", "| 7 | |"));
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn an_optional_row_is_summed_when_printed() {
    let text = fixture_text("local/p2008_one_column.txt");
    // A 6th way printed with 1: the total 100 no longer matches 101.
    let with_other = text.replace(
        "5.信函申请数 | 条 | 11 |\n",
        "5.信函申请数 | 条 | 11 |\n6.其他形式申请数 | 条 | 1 |\n",
    );
    let got = findings(&with_other);
    assert!(
        got.iter()
            .any(|f| f.0 == "P2008-APPLY-SUM" && f.2 == Severity::Error),
        "{got:?}"
    );
    // A required way missing (传真 dropped): the sum is not applicable, not a failure.
    let got = evaluated(&text.replace("2.传真申请数 | 条 | 0 |\n", ""));
    assert_eq!(got.get("P2008-APPLY-SUM"), None, "{got:?}");
}

#[test]
fn each_table_gets_its_form() {
    let p2008 = fixture_text("local/p2008_two_columns.txt");
    let fj = fixture_text("local/fj2014_two_columns.txt");
    let simple = fixture_text("local/fj_simple.txt");
    assert_eq!(formats(&p2008), ["P2008"]);
    assert_eq!(formats(&fj), ["FJ2014"]);
    assert_eq!(formats(&simple), ["FJ-SIMPLE"]);
    // FJ rows under a 年末统计 | 历年累计 header keep both columns.
    let fj_two = fj.replace("| 2014年度 | 历年累计 |", "| 年末统计 | 历年累计 |");
    assert_eq!(formats(&fj_two), ["FJ2014"]);
    // One crawl file holding two reports in two forms.
    assert_eq!(formats(&format!("{p2008}\n{fj}")), ["P2008", "FJ2014"]);
    // A mixed table (P2008 labels with the Fujian answer kinds and fee row) is Fujian's, and
    // its P2008 labels are read through the aliases.
    let mixed = "指标名称 | 计量单位 | 2013年度 | 历年累计 |\n\
        主动公开信息数 | 条 | 44 | 198 |\n\
        1.政府网站公开数 | 条 | 44 | 198 |\n\
        受理依申请公开信息总数 | 条 | 3 | 9 |\n\
        1.当面申请数 | 条 | 1 | 4 |\n\
        2.网上申请数 | 条 | 2 | 4 |\n\
        3.信函申请数 | 条 | 0 | 1 |\n\
        对申请的答复总数 | 条 | 3 | 9 |\n\
        1.同意公开答复数 | 条 | 2 | 6 |\n\
        2.同意部分公开答复数 | 条 | 0 | 1 |\n\
        3.不予公开答复总数 | 条 | 1 | 1 |\n\
        4、其他类型答复数 | 条 | 0 | 1 |\n\
        政府信息公开收费减免金额 | 元 | 0 | 0 |\n";
    assert_eq!(formats(mixed), ["FJ2014"]);
    let got = evaluated(mixed);
    assert_eq!(got.get("FJ2014-APPLY-SUM"), Some(&2), "{got:?}");
    assert_eq!(got.get("FJ2014-REPLY-SUM"), Some(&2), "{got:?}");
    // Five ways with 电子邮件 and 否决 but the Fujian 政府网站公开 label: P2008.
    let mixed = "指标名称 | 计量单位 | 2010年度 | 历年累计 |\n\
        主动公开信息数 | 条 | 714 | 1560 |\n\
        1.政府网站公开 | 条 | 710 | 1510 |\n\
        2.政府公报公开 | 条 | 0 |\n\
        受理依申请公开信息总数 | 条 | 6 | 10 |\n\
        1.当面申请数 | 条 | 0 |\n\
        2.传真申请数 | 条 | 0 |\n\
        3.电子邮件申请数 | 条 | 0 |\n\
        4.网上申请数 | 条 | 6 | 10 |\n\
        5.信函申请数 | 条 | 0 |\n\
        对申请的答复总数 | 条 | 6 | 10 |\n\
        1.同意公开答复数 | 条 | 3 | 5 |\n\
        2.同意部分公开答复数 | 条 | 0 |\n\
        3.否决公开答复总数 | 条 | 3 | 5 |\n";
    assert_eq!(formats(mixed), ["P2008"]);
    assert!(findings(mixed).is_empty(), "{:?}", findings(mixed));
    // The national 2014 table and the Zhejiang one keep their packs.
    let seed = check_fixture("formats/seed_000.txt");
    assert_eq!(
        gouji::extract::extract(&seed.doc, registry()).formats(registry()),
        ["F2014", "ZJ2013"]
    );
}

#[test]
fn prose_restating_the_table_is_compared() {
    let fj = fixture_text("local/fj2014_two_columns.txt");
    assert!(findings(&fj).is_empty());
    let broken = fj
        .replace("申请390件。", "申请391件。")
        .replace("网上申请34件", "网上申请33件")
        .replace("行政复议7件", "行政复议6件");
    let got: Vec<_> = findings(&broken)
        .into_iter()
        .map(|f| (f.0, f.1, f.2))
        .collect();
    assert_eq!(
        got,
        vec![
            // The items after 其中, separated by `；`, are one list: 286 + 33 + 70 = 389 ≠ 391.
            ("PROSE-SUM".into(), 6, Severity::Warning),
            ("PROSE-TABLE".into(), 6, Severity::Error),
            // The table has no 电子邮件 row: 网上 may hold it.
            ("PROSE-TABLE".into(), 6, Severity::Warning),
            ("PROSE-TABLE".into(), 9, Severity::Error),
        ]
    );
    // A P2008 table has no 其他 answer row: 同意部分公开 may hold those answers.
    let p = fixture_text("local/p2008_two_columns.txt");
    assert!(findings(&p).is_empty());
    let got = findings(&p.replace("“同意部分公开”的为35件", "“同意部分公开”的为9件"));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].1, got[0].2), (9, Severity::Warning));
}

/// An FJ2014 report as crawls give it: page chrome with years before the title, the table one
/// cell per line with its header split into characters, item numbers on their own line (one
/// with its `、` on the next line), blank cumulative cells dropped.
fn crawled_fj2014() -> String {
    let mut s =
        String::from("网站首页\n2019年\n2018年以前\n某市科技局2015年度政府信息公开工作年度报告\n");
    s.push_str("一、概述\n本局2015年度共受理依申请公开2件，其中“同意公开”1件，“不予公开”1件。\n");
    s.push_str("七、附表：\n指\n标\n名\n称\n计量单位\n2015\n年度\n历年累计\n");
    let rows: &[(&str, &str, &[&str])] = &[
        ("主动公开信息数", "条", &["36", "320"]),
        ("其中：\n1.\n政府网站公开数", "条", &["36", "320"]),
        ("2.\n政府公报公开数", "条", &["0"]),
        ("受理依申请公开信息总数", "条", &["2", "5"]),
        ("其中：\n1.\n当面申请数", "条", &["0"]),
        ("2.\n网上申请数", "条", &["2", "4"]),
        ("3.\n信函申请数", "条", &["0", "1"]),
        ("对申请的答复总数", "条", &["2", "5"]),
        ("其中：\n1.\n同意公开答复数", "条", &["1", "3"]),
        ("2.\n同意部分公开答复数", "条", &["0"]),
        ("3.\n不予公开答复总数", "条", &["1", "1"]),
        ("4\n、其他类型答复数", "条", &["0", "1"]),
        ("政府信息公开收费减免金额", "元", &["0"]),
        ("行政复议数", "件", &["0"]),
        ("行政诉讼数", "件", &["0"]),
    ];
    for (label, unit, values) in rows {
        s.push_str(&format!("{label}\n{unit}\n"));
        for v in *values {
            s.push_str(v);
            s.push('\n');
        }
    }
    s
}

#[test]
fn a_crawled_table_is_read_in_its_own_report() {
    let text = crawled_fj2014();
    assert_eq!(formats(&text), ["FJ2014"]);
    let c = check_bytes("t.txt", text.as_bytes());
    let facts = gouji::extract::extract(&c.doc, registry());
    // Figures printed; the dropped blank cumulative cells are blank facts.
    let names: Vec<String> = facts.tables[0]
        .facts
        .iter()
        .filter(|f| matches!(f.value, gouji::extract::FactValue::Number(_)))
        .map(|f| f.name())
        .collect();
    // The item number 4 is not a figure: 其他类型答复数 is read, 不予公开 keeps its own cells.
    assert!(
        names.contains(&"reply.other[cumulative]".to_string()),
        "{names:?}"
    );
    assert_eq!(names.len(), 24, "{names:?}");
    assert!(findings(&text).is_empty(), "{:?}", findings(&text));
    let got = evaluated(&text);
    assert_eq!(got.get("FJ2014-REPLY-SUM"), Some(&2), "{got:?}");
    assert_eq!(got.get("FJ2014-YEAR-CUM"), Some(&9), "{got:?}");
    // The prose and the table are one report although the chrome names other years: a changed
    // table figure is compared with the prose.
    let broken = text.replace(
        "3.\n不予公开答复总数\n条\n1\n",
        "3.\n不予公开答复总数\n条\n2\n",
    );
    let got: Vec<_> = findings(&broken).into_iter().map(|f| f.0).collect();
    assert!(got.contains(&"PROSE-TABLE".to_string()), "{got:?}");
    assert!(got.contains(&"FJ2014-REPLY-SUM".to_string()), "{got:?}");
}
