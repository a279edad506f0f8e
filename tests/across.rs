//! Rules across reports: one body's reports of consecutive years (carry-overs, stocks,
//! cumulative figures), on generated series and on real crawled pairs.

use crate::support::fixture;
use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn gouji() -> Command {
    let mut c = Command::cargo_bin("gouji").unwrap();
    c.env_remove("GOUJI_FORMAT").env("LANG", "C.UTF-8");
    c
}

/// `gouji check --format json` on `paths` (with extra args): the parsed output and stderr.
fn check_json(paths: &[&Path], extra: &[&str]) -> (Value, String) {
    let out = gouji()
        .args(["check", "--no-config", "--format", "json"])
        .args(extra)
        .args(paths)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (json, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Findings of rules across reports (their id has `-X-`).
fn across(json: &Value) -> Vec<Value> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().contains("-X-"))
        .cloned()
        .collect()
}

/// Copy a fixture into `dir` under `name`, replacing `edits` (line number → new text).
fn copy_edited(from: &str, dir: &Path, name: &str, edits: &[(usize, &str)]) -> PathBuf {
    let text = std::fs::read_to_string(fixture(from)).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for (n, new) in edits {
        lines[n - 1] = new.to_string();
    }
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

/// Write `bodies` generated series of `years` reports into `dir` (as `gouji-gen --series` does)
/// and return the injected breaks.
fn generate(dir: &Path, bodies: u64, years: u32, breaks: f64) -> Vec<Value> {
    gouji::gen::series::write_series(dir, 7, bodies, years, breaks)
        .unwrap()
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn consistent_generated_series_give_no_finding_across_reports() {
    let dir = tempfile::tempdir().unwrap();
    let breaks = generate(dir.path(), 5, 4, 0.0);
    assert!(breaks.is_empty());
    let (json, err) = check_json(&[dir.path()], &["-v"]);
    assert!(across(&json).is_empty(), "{:#?}", across(&json));
    // Every body is one series of four years, and the relations were really evaluated.
    assert_eq!(err.matches("gouji: series ").count(), 5, "{err}");
    assert!(err.contains(": 2021, 2022, 2023, 2024\n"), "{err}");
    let evaluated: usize = err
        .split("across reports: ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    // 5 bodies × 3 later years × (7 carry-over columns + 2 stock rows).
    assert_eq!(evaluated, 5 * 3 * 9, "{err}");
}

#[test]
fn every_break_in_a_generated_series_is_found_pointing_at_both_reports() {
    let dir = tempfile::tempdir().unwrap();
    let breaks = generate(dir.path(), 8, 3, 1.0);
    assert_eq!(breaks.len(), 8);
    let (json, _) = check_json(&[dir.path()], &[]);
    let found = across(&json);
    for b in &breaks {
        let file = b["file"].as_str().unwrap();
        let key = b["key"].as_str().unwrap();
        let col = key.split('[').nth(1).unwrap().trim_end_matches(']');
        let hit = found
            .iter()
            .find(|f| {
                f["path"].as_str().unwrap().ends_with(file)
                    && f["rule"] == "F2021-X-CARRY"
                    && f["operands"][0]["key"] == key
            })
            .unwrap_or_else(|| panic!("break {b} not found in {found:#?}"));
        // The other operand is last year's 结转下年度 of the same column, in last year's file.
        let other = &hit["operands"][1];
        assert_eq!(
            other["key"],
            format!("prev.apply.carried_forward[{col}]"),
            "{hit}"
        );
        let year: u32 = file[file.len() - 8..file.len() - 4].parse().unwrap();
        let prev_name = format!("{}_{}.txt", &file[7..12], year - 1);
        assert!(
            other["file"].as_str().unwrap().ends_with(&prev_name),
            "{hit}"
        );
        assert!(other["line"].as_u64().unwrap() > 0);
    }
    // Nothing else across reports: every finding is in a broken (later) report (a column's
    // carry-over restated moves its 总计 too, which X-CARRY-TOTAL reports).
    for f in &found {
        let path = f["path"].as_str().unwrap();
        assert!(
            breaks
                .iter()
                .any(|b| path.ends_with(b["file"].as_str().unwrap())),
            "{f:#}"
        );
    }
}

#[test]
fn a_broken_stock_is_a_warning_on_the_later_report() {
    let dir = tempfile::tempdir().unwrap();
    let brk = gouji::gen::series::SeriesBreak {
        report: 1,
        key: "disclose.normative_docs[in_force]".into(),
        delta: 5,
    };
    let reports = gouji::gen::series::series(3, 0, Some("某某县测试局"), (2022, 2), Some(&brk));
    for r in &reports {
        let (text, _) = gouji::gen::render::text(r, None);
        std::fs::write(dir.path().join(format!("{}.txt", r.year)), text).unwrap();
    }
    let (json, _) = check_json(&[dir.path()], &[]);
    let found = across(&json);
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(f["rule"], "F2021-X-IN-FORCE");
    assert_eq!(f["severity"], "warning");
    assert!(f["path"].as_str().unwrap().ends_with("2023.txt"));
    let files: Vec<Option<&str>> = f["operands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["file"].as_str())
        .collect();
    assert!(files
        .iter()
        .any(|f| f.is_some_and(|p| p.ends_with("2022.txt"))));
    assert!(files.iter().any(Option::is_none));
}

#[test]
fn the_real_emergency_pair_is_grouped_and_consistent() {
    let (json, err) = check_json(
        &[
            &fixture("across/putian-emergency-2022.txt"),
            &fixture("across/putian-emergency-2023.txt"),
        ],
        &["-v"],
    );
    assert!(
        err.contains("gouji: series 莆田市应急管理局: 2022, 2023\n"),
        "{err}"
    );
    assert!(
        err.contains("莆田市应急管理局 (from the title), 2023 (from the title)"),
        "{err}"
    );
    assert!(across(&json).is_empty(), "{:#?}", across(&json));
    assert!(
        !err.contains("across reports: 0 relations evaluated"),
        "{err}"
    );
    // The JSON output names each file's body and year.
    for (i, year) in [2022, 2023].into_iter().enumerate() {
        assert_eq!(json["files"][i]["issuer"], "莆田市应急管理局");
        assert_eq!(json["files"][i]["year"], year);
    }
}

#[test]
fn a_changed_carry_over_in_the_real_pair_is_found_in_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let prev = copy_edited(
        "across/putian-emergency-2022.txt",
        dir.path(),
        "putian-emergency-2022.txt",
        &[],
    );
    // 2023: 二、上年结转 0 → 2 (line 114).
    let cur = copy_edited(
        "across/putian-emergency-2023.txt",
        dir.path(),
        "putian-emergency-2023.txt",
        &[(114, "2")],
    );
    let (json, _) = check_json(&[&prev, &cur], &[]);
    let found = across(&json);
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(f["rule"], "F2021-X-CARRY-TOTAL");
    // The figures were put back from rows printed short: at most a warning.
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["line"], 114);
    let ops = f["operands"].as_array().unwrap();
    assert_eq!(ops[0]["line"], 114);
    assert!(ops[0]["file"].is_null());
    assert_eq!(ops[1]["line"], 160);
    assert!(ops[1]["file"]
        .as_str()
        .unwrap()
        .ends_with("putian-emergency-2022.txt"));

    // The plain output names both places; SARIF puts the other cell in the other artifact.
    let plain = gouji()
        .args(["check", "--no-config", "--format", "plain"])
        .arg(&prev)
        .arg(&cur)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&plain.stdout);
    assert!(
        text.contains("putian-emergency-2023.txt:114:1: 警告 F2021-X-CARRY-TOTAL"),
        "{text}"
    );
    assert!(
        text.contains("putian-emergency-2022.txt:160:1: 2022年报告：结转下年度继续办理"),
        "{text}"
    );
    let sarif = gouji()
        .args(["check", "--no-config", "--format", "sarif"])
        .arg(&prev)
        .arg(&cur)
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "F2021-X-CARRY-TOTAL")
        .unwrap()
        .clone();
    let uri = |l: &Value| {
        l["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(uri(&result["locations"][0]).ends_with("putian-emergency-2023.txt"));
    let related: Vec<String> = result["relatedLocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(uri)
        .collect();
    assert!(
        related
            .iter()
            .any(|u| u.ends_with("putian-emergency-2022.txt")),
        "{related:?}"
    );

    // `--no-cross` turns the rules off.
    let (json, _) = check_json(&[&prev, &cur], &["--no-cross"]);
    assert!(across(&json).is_empty());
}

#[test]
fn reports_of_different_bodies_are_never_paired() {
    let dir = tempfile::tempdir().unwrap();
    let prev = copy_edited(
        "across/putian-emergency-2022.txt",
        dir.path(),
        "a-2022.txt",
        &[],
    );
    // The same broken 2023 report, but by another body.
    let cur = copy_edited(
        "across/putian-emergency-2023.txt",
        dir.path(),
        "a-2023.txt",
        &[
            (1, "标题: 莆田市统计局2023年度政府信息公开工作年度报告"),
            (114, "2"),
        ],
    );
    let (json, err) = check_json(&[&prev, &cur], &["-v"]);
    assert!(across(&json).is_empty(), "{:#?}", across(&json));
    assert!(err.contains("gouji: series 莆田市统计局: 2023\n"), "{err}");
    assert!(
        err.contains("gouji: series 莆田市应急管理局: 2022\n"),
        "{err}"
    );
}

#[test]
fn gouji_toml_maps_paths_to_issuers() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("yjj");
    std::fs::create_dir(&sub).unwrap();
    // Titles gone: the text no longer says who issued them (nor the year: the path does).
    let prev = copy_edited(
        "across/putian-emergency-2022.txt",
        &sub,
        "2022.txt",
        &[(1, "")],
    );
    let cur = copy_edited(
        "across/putian-emergency-2023.txt",
        &sub,
        "2023.txt",
        &[(1, ""), (5, ""), (114, "2")],
    );
    std::fs::write(
        dir.path().join("gouji.toml"),
        "[issuers]\n\"yjj/**\" = \"莆田市应急局\"\n",
    )
    .unwrap();
    let out = gouji()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "-v", "yjj"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("莆田市应急管理局 (from the config: 莆田市应急局)"),
        "{err}"
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = across(&json);
    assert_eq!(found.len(), 1, "{found:#?}");
    let _ = (prev, cur);
}

#[test]
fn cumulative_figures_connect_and_never_go_down() {
    let dir = tempfile::tempdir().unwrap();
    let y2011 = copy_edited(
        "across/putian-science-2011.txt",
        dir.path(),
        "s-2011.txt",
        &[],
    );
    let title = "标题: 莆田市科技局2012年度政府信息公开工作年度报告";
    // 2012: the 2011 report again, its 历年累计 (179) grown by the year's 40.
    let good = copy_edited(
        "across/putian-science-2011.txt",
        dir.path(),
        "s-2012.txt",
        &[(1, title), (97, "219"), (103, "219")],
    );
    let (json, _) = check_json(&[&y2011, &good], &[]);
    assert!(across(&json).is_empty(), "{:#?}", across(&json));
    // A cumulative figure that did not add the year's.
    let bad = copy_edited(
        "across/putian-science-2011.txt",
        dir.path(),
        "s-2012.txt",
        &[(1, title), (97, "229"), (103, "219")],
    );
    let (json, _) = check_json(&[&y2011, &bad], &[]);
    let rules: Vec<String> = across(&json)
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(rules, ["P2008-X-CUM"], "{json:#}");
    // Years apart (2011 → 2013, P2008 → FJ2014): a 历年累计 lower than before.
    let y2013 = copy_edited(
        "across/putian-science-2013.txt",
        dir.path(),
        "s-2013.txt",
        &[(91, "170")],
    );
    let (json, _) = check_json(&[&y2011, &y2013], &[]);
    let found = across(&json);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["rule"], "FJ2014-X-CUM-DOWN");
    assert_eq!(found[0]["line"], 91);
    assert_eq!(found[0]["operands"][1]["line"], 97);
    // Unchanged, the real pair is consistent.
    let real = fixture("across/putian-science-2013.txt");
    let (json, _) = check_json(&[&y2011, &real], &[]);
    assert!(across(&json).is_empty(), "{:#?}", across(&json));
}

#[test]
fn streamed_and_whole_runs_agree_across_reports() {
    let dir = tempfile::tempdir().unwrap();
    let breaks = generate(dir.path(), 6, 3, 0.5);
    assert!(!breaks.is_empty());
    // An empty baseline sends the run through the whole-run path; without, it is streamed.
    let baseline = dir.path().join("empty-baseline.json");
    gouji()
        .args([
            "check",
            "--no-config",
            "--fail-on",
            "never",
            "--write-baseline",
        ])
        .arg(&baseline)
        .arg(dir.path().join("b00000/00000_2021.txt"))
        .assert()
        .code(0);
    let (streamed, _) = check_json(&[dir.path()], &["-j", "2"]);
    let (whole, _) = check_json(
        &[dir.path()],
        &["-j", "1", "--baseline", baseline.to_str().unwrap()],
    );
    assert!(!across(&streamed).is_empty());
    assert_eq!(streamed["findings"], whole["findings"]);
    assert_eq!(streamed["summary"], whole["summary"]);
}

#[test]
fn extract_carries_the_normalised_issuer_and_can_write_a_bom() {
    let out = gouji()
        .args(["extract", "--no-config", "--bom"])
        .arg(fixture("across/putian-science-2011.txt"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("\u{feff}file,issuer,year,"), "{text}");
    assert!(text.contains(",莆田市科学技术局,2011,P2008,"), "{text}");
}

#[test]
fn statistics_count_findings_per_issuer_and_year() {
    let dir = tempfile::tempdir().unwrap();
    let prev = copy_edited(
        "across/putian-emergency-2022.txt",
        dir.path(),
        "e-2022.txt",
        &[],
    );
    let cur = copy_edited(
        "across/putian-emergency-2023.txt",
        dir.path(),
        "e-2023.txt",
        &[(114, "2")],
    );
    let out = gouji()
        .args(["check", "--no-config", "--format", "json", "--statistics"])
        .arg(&prev)
        .arg(&cur)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let issuers = v["issuers"].as_array().unwrap();
    assert_eq!(issuers.len(), 2, "{v:#}");
    assert_eq!(issuers[0]["issuer"], "莆田市应急管理局");
    assert_eq!(issuers[0]["year"], 2022);
    assert_eq!(issuers[1]["year"], 2023);
    assert!(issuers[1]["findings"].as_u64().unwrap() >= 1);
    assert!(v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["rule"] == "F2021-X-CARRY-TOTAL"));

    // On the terminal: a row per body, a column per year.
    let out = gouji()
        .args(["check", "--no-config", "--format", "plain", "--statistics"])
        .arg(&prev)
        .arg(&cur)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let head = lines
        .iter()
        .position(|l| l.ends_with("total  issuer"))
        .unwrap_or_else(|| panic!("{text}"));
    let years: Vec<&str> = lines[head].split_whitespace().collect();
    assert_eq!(years, ["2022", "2023", "total", "issuer"], "{text}");
    let row: Vec<&str> = lines[head + 1].split_whitespace().collect();
    assert_eq!(row[3], "莆田市应急管理局", "{text}");
    let n = |i: usize| row[i].parse::<u64>().unwrap();
    assert_eq!(n(0), issuers[0]["findings"].as_u64().unwrap());
    assert_eq!(n(1), issuers[1]["findings"].as_u64().unwrap());
    assert_eq!(n(2), n(0) + n(1));
}

/// The crawled 2010 Putian report (P2008 form) and a 2011 report of the same city made from it,
/// its 历年累计 of applications and replies grown by the year's figures. Each 2011 table checks
/// its row total against its parts only, so a changed running total leaves a tie set; last
/// year's report pins the cell (`cumulative == prev.cumulative + year` fails on its row alone).
fn city_pair(dir: &Path, email_cumulative: &str) -> (PathBuf, PathBuf) {
    let y2010 = copy_edited("crawl/putian-city-2010.txt", dir, "city-2010.txt", &[]);
    let y2011 = copy_edited(
        "crawl/putian-city-2010.txt",
        dir,
        "city-2011.txt",
        &[
            (1, "标题: 莆田市2011年度政府信息公开工作年度报告"),
            (143, "865"),
            (147, "596"),
            (151, "1"),
            (155, email_cumulative),
            (159, "190"),
            (163, "56"),
            (170, "865"),
            (174, "752"),
            (178, "88"),
            (182, "25"),
        ],
    );
    (y2010, y2011)
}

/// The suggestion names one cell on last year's report: the running total of line 155, printed
/// `current`, which should be `proposed`.
fn assert_pins_line_155(s: &Value, current: &str, proposed: &str) {
    assert_eq!(s["scope"], "cell", "{s}");
    assert_eq!(s["basis"], "last-year", "{s}");
    assert_eq!(
        (
            s["line"].as_u64(),
            s["current"].as_str(),
            s["proposed"].as_str()
        ),
        (Some(155), Some(current), Some(proposed))
    );
}

/// The finding across reports on line 155 of the 2011 report, and the 2011 report's own
/// suggestions.
fn pinned(json: &Value) -> (Value, Vec<Value>) {
    let on_155: Vec<Value> = across(json)
        .into_iter()
        .filter(|f| f["path"].as_str().unwrap().ends_with("city-2011.txt") && f["line"] == 155)
        .collect();
    assert_eq!(on_155.len(), 1, "{on_155:#?}");
    let own = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error" && !f["suggestion"].is_null())
        .map(|f| f["suggestion"].clone())
        .collect();
    (on_155[0].clone(), own)
}

#[test]
fn last_years_report_pins_the_running_total_a_tie_set_leaves_open() {
    let dir = tempfile::tempdir().unwrap();
    // The 2011 running total of e-mail applications should be 19 + 3 = 22; printed 23.
    let (a, b) = city_pair(dir.path(), "23");
    let (json, _) = check_json(&[&a, &b], &[]);
    let (f, own) = pinned(&json);
    // The report's own finding: a tie set (the running totals of the row), as before.
    assert!(own.iter().any(|s| s["scope"] == "set"), "{own:#?}");
    assert_eq!(f["rule"], "P2008-X-CUM");
    let s = &f["suggestion"];
    assert_pins_line_155(s, "23", "22");
    assert_eq!(s["kind"], "one-digit", "{s}");
    // The other cells of the tie set stay listed, set aside on last year's report.
    let others = s["others"].as_array().unwrap();
    assert!(others.len() >= 4, "{s}");
    assert!(
        others
            .iter()
            .any(|o| o["line"] == 143 && o["aside"] == "last-year"),
        "{s}"
    );
    assert!(
        s["text"].as_str().unwrap().contains("与上年报告相符"),
        "{s}"
    );
    // The same in SARIF and on the terminal, and identical streamed or whole, -j1 or -j2.
    let out = gouji()
        .args(["check", "--no-config", "--format", "sarif"])
        .args([&a, &b])
        .output()
        .unwrap();
    let sarif = String::from_utf8_lossy(&out.stdout);
    assert!(sarif.contains("与上年报告相符"), "{sarif}");
    assert!(sarif.contains("另一可能格"), "{sarif}");
    for format in ["human", "html"] {
        let out = gouji()
            .args(["check", "--no-config", "--format", format])
            .args([&a, &b])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("可能应为 22，而不是 23"), "{format}: {text}");
    }
    let (j1, _) = check_json(&[&a, &b], &["-j", "1"]);
    let (j2, _) = check_json(&[&a, &b], &["-j", "2"]);
    assert_eq!(j1["findings"], j2["findings"]);
    let baseline = dir.path().join("empty-baseline.json");
    gouji()
        .args([
            "check",
            "--no-config",
            "--fail-on",
            "never",
            "--write-baseline",
        ])
        .arg(&baseline)
        .arg(fixture("formats/seed_002.txt"))
        .assert()
        .code(0);
    let (whole, _) = check_json(&[&a, &b], &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(whole["findings"], j1["findings"]);
}

#[test]
fn a_running_total_left_as_last_year_is_called_copied_from_last_year() {
    let dir = tempfile::tempdir().unwrap();
    // 19, last year's running total, left unchanged: the year's 3 was not added.
    let (a, b) = city_pair(dir.path(), "19");
    let (json, _) = check_json(&[&a, &b], &[]);
    let (f, _) = pinned(&json);
    let s = &f["suggestion"];
    assert_pins_line_155(s, "19", "22");
    assert_eq!(s["kind"], "copied-last-year", "{s}");
    assert!(s["text"].as_str().unwrap().contains("照抄上年"), "{s}");
}
