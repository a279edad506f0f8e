//! Series as data: `gouji extract` puts a concept key next to each figure comparable across
//! forms, and the unit the 2019 and 2021 forms fix.

use crate::support::fixture;
use assert_cmd::Command;
use rust_decimal::Decimal;
use serde_json::Value;
use std::str::FromStr;

/// `gouji extract --format json` rows of one fixture.
fn rows(rel: &str) -> Vec<Value> {
    let out = Command::cargo_bin("gouji")
        .unwrap()
        .args(["extract", "--no-config", "--format", "json"])
        .arg(fixture(rel))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// The rows of `pack` carrying `concept`.
fn with<'a>(rows: &'a [Value], pack: &str, concept: &str) -> Vec<&'a Value> {
    rows.iter()
        .filter(|r| r["pack"] == pack && r["concept"] == concept)
        .collect()
}

fn num(r: &Value) -> Decimal {
    Decimal::from_str(r["value"].as_str().unwrap()).unwrap()
}

#[test]
fn one_concept_key_names_the_same_figure_in_every_form() {
    // (fixture, pack, form-specific row key, column key, value) of applications received.
    let cases = [
        (
            "reports/f2021_huaian_2024.txt",
            "F2021",
            "apply.new",
            "total",
            3119,
        ),
        ("formats/seed_002.txt", "F2019", "apply.new", "total", 18),
        ("formats/seed_000.txt", "F2014", "apply.received", "", 63),
        ("formats/seed_000.txt", "ZJ2013", "apply.total", "", 42),
        (
            "local/fj2014_two_columns.txt",
            "FJ2014",
            "apply.total",
            "year",
            390,
        ),
        (
            "local/fj_simple.txt",
            "FJ-SIMPLE",
            "apply.total",
            "year",
            25,
        ),
        (
            "local/p2008_two_columns.txt",
            "P2008",
            "apply.total",
            "year",
            172,
        ),
    ];
    for (file, pack, row, column, value) in cases {
        let rows = rows(file);
        let got = with(&rows, pack, "applications.received");
        assert_eq!(got.len(), 1, "{file} {pack}: {got:#?}");
        assert_eq!(got[0]["row_key"], row, "{file}");
        assert_eq!(got[0]["column_key"], column, "{file}");
        assert_eq!(num(got[0]), Decimal::from(value), "{file}");
        // Every concept of a table is given once, and only on figures of this year.
        for r in rows.iter().filter(|r| r["pack"] == pack) {
            if r["column_key"] == "cumulative" {
                assert!(r["concept"].is_null(), "{file}: {r}");
            }
        }
        let mut concepts: Vec<&str> = rows
            .iter()
            .filter(|r| r["pack"] == pack)
            .filter_map(|r| r["concept"].as_str())
            .collect();
        let n = concepts.len();
        concepts.sort_unstable();
        concepts.dedup();
        assert_eq!(concepts.len(), n, "{file} {pack}: a concept twice");
    }
}

#[test]
fn concepts_only_where_the_forms_count_the_same_thing() {
    // P2008's 否定公开答复 also counts 信息不存在 and 非本部门掌握: not the 2019/2021 不予公开.
    let p2008 = rows("local/p2008_two_columns.txt");
    assert!(with(&p2008, "P2008", "applications.refused").is_empty());
    assert!(!with(&p2008, "P2008", "applications.granted").is_empty());
    // F2021's 行政事业性收费 is the body's fees overall, not fees for answering applications.
    let f2021 = rows("reports/f2021_huaian_2024.txt");
    let fees = f2021
        .iter()
        .find(|r| r["row_key"] == "disclose.fees.amount_10k_yuan")
        .unwrap();
    assert!(fees["concept"].is_null(), "{fees}");
    assert!(with(&f2021, "F2021", "applications.fees_10k_yuan").is_empty());
    let f2014 = rows("formats/seed_000.txt");
    assert_eq!(with(&f2014, "F2014", "applications.fees_10k_yuan").len(), 1);
}

#[test]
fn sums_the_form_gives_only_in_parts_are_computed_rows() {
    let rows = rows("reports/f2021_huaian_2024.txt");
    let sum = |pred: &dyn Fn(&Value) -> bool| -> Decimal {
        rows.iter().filter(|r| pred(r)).map(num).sum()
    };
    // 不予公开: the eight reasons of 表三, 总计 column.
    let refused = with(&rows, "F2021", "applications.refused");
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0]["read"], "computed");
    assert_eq!(refused[0]["row_key"], "apply.result.denied");
    let parts = sum(&|r| {
        r["row_key"]
            .as_str()
            .unwrap()
            .starts_with("apply.result.denied.")
            && r["column_key"] == "total"
    });
    assert_eq!(num(refused[0]), parts);
    assert_eq!(parts, Decimal::from(178));
    // Lawsuits: 未经复议直接起诉 plus 复议后起诉.
    let lawsuits = with(&rows, "F2021", "lawsuits");
    assert_eq!(lawsuits.len(), 1);
    let parts = sum(&|r| {
        r["column_key"] == "litigation.direct.total"
            || r["column_key"] == "litigation.after_review.total"
    });
    assert_eq!(num(lawsuits[0]), parts);
    assert!(lawsuits[0]["line"].as_u64().unwrap() > 0);
}

#[test]
fn the_2019_and_2021_forms_give_their_units() {
    let f2021 = rows("reports/f2021_huaian_2024.txt");
    for r in &f2021 {
        let want = if r["row_key"] == "disclose.fees.amount_10k_yuan" {
            "万元"
        } else {
            "件"
        };
        assert_eq!(r["unit"], want, "{r}");
    }
    let f2019 = rows("formats/seed_002.txt");
    let unit = |row: &str, col: &str| {
        f2019
            .iter()
            .find(|r| r["row_key"] == row && r["column_key"] == col)
            .map(|r| r["unit"].clone())
            .unwrap()
    };
    assert_eq!(unit("disclose.licensing", "items_prev"), "项");
    assert_eq!(unit("disclose.licensing", "decisions"), "件");
    assert_eq!(unit("apply.new", "total"), "件");
    // The procurement amount prints its own unit.
    assert_eq!(unit("disclose.procurement", "amount"), "万元");
}
