//! Pairs made from real reports (the seeds and corpus reports in `fixtures/`): a report is
//! copied as the same body's report of the next (or previous) year, its carry-over, stock or
//! cumulative figures set the way last year's report says (a consistent pair) or off by a few (a
//! broken pair). Every break is found on the later report pointing at the earlier one; a
//! consistent pair gives no finding across reports; a copy under another body's name is never
//! paired.

use crate::support::fixture;
use assert_cmd::Command;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn gouji() -> Command {
    let mut c = Command::cargo_bin("gouji").unwrap();
    c.env_remove("GOUJI_FORMAT").env("LANG", "C.UTF-8");
    c
}

/// A cell as `gouji extract` read it: 1-based line and character column, printed value.
#[derive(Debug, Clone)]
struct Cell {
    line: usize,
    column: usize,
    value: i64,
}

/// The cells of one table of a report, by fact name (`apply.new[total]`, `apply.total[year]`).
fn cells(path: &Path, table: &str) -> HashMap<String, Cell> {
    let out = gouji()
        .args(["extract", "--no-config", "--format", "json"])
        .arg(path)
        .output()
        .unwrap();
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    rows.iter()
        .filter(|r| r["table_id"] == table && !r["value"].as_str().unwrap().is_empty())
        .map(|r| {
            let (row, col) = (
                r["row_key"].as_str().unwrap(),
                r["column_key"].as_str().unwrap(),
            );
            let name = if col.is_empty() {
                row.to_string()
            } else {
                format!("{row}[{col}]")
            };
            let cell = Cell {
                line: r["line"].as_u64().unwrap() as usize,
                column: r["column"].as_u64().unwrap() as usize,
                value: r["value"].as_str().unwrap().parse().unwrap(),
            };
            (name, cell)
        })
        .collect()
}

/// `text` with each cell (at its line and column) printed as its new value, and `replace`
/// applied to every line (a new year or issuer in the title).
fn rewrite(text: &str, edits: &[(&Cell, i64)], replace: &[(&str, &str)]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut edits: Vec<&(&Cell, i64)> = edits.iter().collect();
    // Right to left on a line, so that a wider figure does not move the next one.
    edits.sort_by_key(|(c, _)| std::cmp::Reverse((c.line, c.column)));
    for (cell, value) in edits {
        let line = &mut lines[cell.line - 1];
        let chars: Vec<char> = line.chars().collect();
        let start = cell.column - 1;
        let old = cell.value.to_string();
        let at: String = chars[start..start + old.chars().count()].iter().collect();
        assert_eq!(at, old, "line {}: {line}", cell.line);
        let mut new: String = chars[..start].iter().collect();
        new.push_str(&value.to_string());
        new.extend(&chars[start + old.chars().count()..]);
        *line = new;
    }
    let mut out = lines.join("\n") + "\n";
    for (from, to) in replace {
        out = out.replace(from, to);
    }
    out
}

/// `gouji check --format json` over files: the findings of rules across reports and the
/// others, by file name.
fn check(files: &[&Path]) -> (Vec<Value>, Vec<Value>) {
    let out = gouji()
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .args(files)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let all = json["findings"].as_array().unwrap().clone();
    all.into_iter()
        .partition(|f| f["rule"].as_str().unwrap().contains("-X-"))
}

fn rules_of(findings: &[Value]) -> Vec<String> {
    let mut r: Vec<String> = findings
        .iter()
        .map(|f| format!("{} {}", f["rule"].as_str().unwrap(), f["scope"]))
        .collect();
    r.sort();
    r
}

/// Assert that `found` is exactly one finding of `rule` per scope in `scopes`, each on `later`
/// with an operand in `earlier`.
fn assert_breaks(found: &[Value], rule: &str, scopes: &[&str], later: &Path, earlier: &Path) {
    for scope in scopes {
        let hits: Vec<&Value> = found
            .iter()
            .filter(|f| f["rule"] == rule && f["scope"] == *scope)
            .collect();
        assert_eq!(hits.len(), 1, "{rule} {scope}: {found:#?}");
        let f = hits[0];
        assert!(
            f["path"]
                .as_str()
                .unwrap()
                .ends_with(&*later.to_string_lossy()),
            "{f:#}"
        );
        let ops = f["operands"].as_array().unwrap();
        assert!(ops.iter().any(|o| o["file"].is_null()), "{f:#}");
        assert!(
            ops.iter().any(|o| o["file"]
                .as_str()
                .is_some_and(|p| p.ends_with(&*earlier.to_string_lossy()))),
            "{f:#}"
        );
    }
}

const APPLICANTS: [&str; 7] = [
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other",
    "total",
];

/// The 2024 report of 淮安市人民政府 (F2021) copied as the next year's report of `issuer`
/// following `prev` (a report whose 表三 says what it carried forward): 上年结转 := last year's
/// 结转下年度 per column, 本年新收 moved by the difference (so that 表三 still balances), and
/// 现行有效件数 := last year's + 制发 − 废止 when last year's report has them. `off` adds to
/// 上年结转 (and takes from 本年新收) of these columns.
fn next_year(
    (dir, name): (&Path, &str),
    prev: &Path,
    issuer: &str,
    year: u32,
    off: &[(&str, i64)],
) -> PathBuf {
    let src = fixture("reports/f2021_huaian_2024.txt");
    let mine = cells(&src, "t3");
    let theirs = cells(prev, "t3");
    let mut edits: Vec<(&Cell, i64)> = Vec::new();
    for col in APPLICANTS {
        let co = &mine[&format!("apply.carried_over[{col}]")];
        let new = &mine[&format!("apply.new[{col}]")];
        let delta = off
            .iter()
            .filter(|(c, _)| *c == col)
            .map(|(_, d)| d)
            .sum::<i64>();
        let carried = theirs[&format!("apply.carried_forward[{col}]")].value + delta;
        let received = new.value + co.value - carried;
        assert!(received >= 0, "{col}");
        edits.push((co, carried));
        edits.push((new, received));
    }
    let t2 = cells(&src, "t2");
    let prev_t2 = cells(prev, "t2");
    for row in ["disclose.rules", "disclose.normative_docs"] {
        if let Some(p) = prev_t2.get(&format!("{row}[in_force]")) {
            let v = |c: &str| t2[&format!("{row}[{c}]")].value;
            edits.push((
                &t2[&format!("{row}[in_force]")],
                p.value + v("issued") - v("repealed"),
            ));
        }
    }
    let text = std::fs::read_to_string(&src).unwrap();
    let out = rewrite(
        &text,
        &edits,
        &[("淮安市人民政府2024年", &format!("{issuer}{year}年"))],
    );
    let path = dir.join(name);
    std::fs::write(&path, out).unwrap();
    path
}

#[test]
fn a_real_2021_report_and_its_next_year_connect_and_breaks_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let prev = fixture("reports/f2021_huaian_2024.txt");
    let good = next_year((dir.path(), "good.txt"), &prev, "淮安市人民政府", 2025, &[]);
    let (across, others) = check(&[&prev, &good]);
    assert!(across.is_empty(), "{across:#?}");
    // The copy is as consistent in itself as the report it was made from.
    let (_, alone) = check(&[&prev]);
    let copy: Vec<Value> = others
        .iter()
        .filter(|f| f["path"].as_str().unwrap().ends_with("good.txt"))
        .cloned()
        .collect();
    assert_eq!(rules_of(&copy), rules_of(&alone));

    let bad = next_year(
        (dir.path(), "bad.txt"),
        &prev,
        "淮安市人民政府",
        2025,
        &[("natural_person", 2), ("total", 2)],
    );
    let (across, _) = check(&[&prev, &bad]);
    assert_breaks(&across, "F2021-X-CARRY", &["自然人"], &bad, &prev);
    assert_breaks(&across, "F2021-X-CARRY-TOTAL", &["总计"], &bad, &prev);
    assert_eq!(across.len(), 2, "{across:#?}");
    // Both figures printed in cells of their own: the total is an error.
    let total = across
        .iter()
        .find(|f| f["rule"] == "F2021-X-CARRY-TOTAL")
        .unwrap();
    assert_eq!(total["severity"], "error");

    // The same broken copy under another body's name is not paired with 淮安市人民政府.
    let other = next_year(
        (dir.path(), "other-body.txt"),
        &prev,
        "淮安市淮阴区人民政府",
        2025,
        &[("natural_person", 2), ("total", 2)],
    );
    let (across, _) = check(&[&prev, &other]);
    assert!(across.is_empty(), "{across:#?}");
}

#[test]
fn a_broken_stock_in_a_real_pair_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let prev = fixture("reports/f2021_huaian_2024.txt");
    let good = next_year((dir.path(), "good.txt"), &prev, "淮安市人民政府", 2025, &[]);
    // 行政规范性文件 现行有效件数 three more than last year's stock + 制发 − 废止.
    let t2 = cells(&good, "t2");
    let cell = &t2["disclose.normative_docs[in_force]"];
    let text = std::fs::read_to_string(&good).unwrap();
    let bad = dir.path().join("stock-2025.txt");
    std::fs::write(&bad, rewrite(&text, &[(cell, cell.value + 3)], &[])).unwrap();
    let (across, _) = check(&[&prev, &bad]);
    assert_breaks(
        &across,
        "F2021-X-IN-FORCE",
        &["行政规范性文件"],
        &bad,
        &prev,
    );
    assert_eq!(across.len(), 1, "{across:#?}");
    assert_eq!(across[0]["severity"], "warning");
}

#[test]
fn a_2019_form_report_and_a_2021_form_report_connect_across_the_form_change() {
    // 淮阴区 2020 (seed 002, the 2019 form) and a 2021 report of the same office in the 2021
    // form: only 表三's carry-over connects (the 2019 form has no 现行有效件数).
    let dir = tempfile::tempdir().unwrap();
    let prev = fixture("formats/seed_002.txt");
    let good = next_year(
        (dir.path(), "good.txt"),
        &prev,
        "淮阴区人民政府办公室",
        2021,
        &[],
    );
    let (across, _) = check(&[&prev, &good]);
    assert!(across.is_empty(), "{across:#?}");
    let bad = next_year(
        (dir.path(), "bad.txt"),
        &prev,
        "淮阴区人民政府办公室",
        2021,
        &[("commercial", 1), ("total", 1)],
    );
    let (across, _) = check(&[&prev, &bad]);
    assert_breaks(&across, "F2021-X-CARRY", &["商业企业"], &bad, &prev);
    assert_breaks(&across, "F2021-X-CARRY-TOTAL", &["总计"], &bad, &prev);
    assert_eq!(across.len(), 2, "{across:#?}");
}

#[test]
fn a_real_2019_form_report_and_its_previous_year_connect() {
    // seed 002 (淮阴区 2020) copied as the office's 2019 report: it carried forward what 2020
    // carried over (consistent), or one application more (broken, found on 2020).
    let dir = tempfile::tempdir().unwrap();
    let later = fixture("formats/seed_002.txt");
    let text = std::fs::read_to_string(&later).unwrap();
    let t3 = cells(&later, "t3");
    let make = |name: &str, off: i64| {
        let mut edits = Vec::new();
        for col in ["research", "total"] {
            let cf = &t3[&format!("apply.carried_forward[{col}]")];
            let new = &t3[&format!("apply.new[{col}]")];
            let co = &t3[&format!("apply.carried_over[{col}]")];
            // 2019 carried forward what 2020 carried over; 本年新收 keeps 表三 balanced.
            edits.push((cf, co.value + off));
            edits.push((new, new.value + co.value + off - cf.value));
        }
        let path = dir.path().join(name);
        std::fs::write(&path, rewrite(&text, &edits, &[("2020年", "2019年")])).unwrap();
        path
    };
    let good = make("seed-2019.txt", 0);
    let (across, _) = check(&[&good, &later]);
    assert!(across.is_empty(), "{across:#?}");
    let bad = make("seed-2019-bad.txt", 1);
    let (across, _) = check(&[&bad, &later]);
    assert_breaks(&across, "F2019-X-CARRY", &["科研机构"], &later, &bad);
    assert_breaks(&across, "F2019-X-CARRY-TOTAL", &["总计"], &later, &bad);
    assert_eq!(across.len(), 2, "{across:#?}");
}

#[test]
fn a_real_fujian_table_and_its_next_year_accumulate() {
    // 莆田市 2014 (FJ2014, 本年度 and 历年累计) copied as 2015: 历年累计 := 2014's + 2015's
    // 本年度 (consistent), or two rows short by 5 (broken: the cumulative does not follow).
    let dir = tempfile::tempdir().unwrap();
    let prev = fixture("local/fj2014_two_columns.txt");
    let stats = cells(&prev, "stats");
    let text = std::fs::read_to_string(&prev).unwrap();
    let make = |name: &str, short: &[&str]| {
        let mut edits = Vec::new();
        for (fact, cell) in &stats {
            let Some(row) = fact.strip_suffix("[cumulative]") else {
                continue;
            };
            let year = stats[&format!("{row}[year]")].value;
            let off = if short.contains(&row) { 5 } else { 0 };
            edits.push((cell, cell.value + year - off));
        }
        let path = dir.path().join(name);
        std::fs::write(&path, rewrite(&text, &edits, &[("2014", "2015")])).unwrap();
        path
    };
    let good = make("fj-2015.txt", &[]);
    let (across, _) = check(&[&prev, &good]);
    assert!(across.is_empty(), "{across:#?}");
    let bad = make("fj-2015-bad.txt", &["apply.total", "apply.way.in_person"]);
    let (across, _) = check(&[&prev, &bad]);
    assert_breaks(
        &across,
        "FJ2014-X-CUM",
        &["受理政府信息公开申请总数", "当面申请数"],
        &bad,
        &prev,
    );
    assert_eq!(across.len(), 2, "{across:#?}");
}
