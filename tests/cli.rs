//! The command line: exit codes, output streams, formats, bad input.

use crate::support::fixture;
use assert_cmd::Command;
use predicates::prelude::*;
use std::io::Write;

fn gouji() -> Command {
    let mut c = Command::cargo_bin("gouji").unwrap();
    c.env_remove("GOUJI_FORMAT").env("LANG", "C.UTF-8");
    c
}

fn temp_with(name: &str, bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    (dir, path)
}

#[test]
fn clean_report_exits_zero() {
    gouji()
        .arg("check")
        .arg(fixture("formats/seed_002.txt"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 个错误"));
}

#[test]
fn warnings_fail_only_with_fail_on_warning() {
    let f = fixture("formats/seed_001.txt");
    gouji()
        .args(["check", "--format", "json"])
        .arg(&f)
        .assert()
        .code(0);
    gouji()
        .args(["check", "--fail-on", "warning", "--format", "json"])
        .arg(&f)
        .assert()
        .code(1);
}

#[test]
fn a_broken_cell_exits_one_with_the_arithmetic() {
    let text = std::fs::read_to_string(fixture("formats/seed_002.txt")).unwrap();
    // 新收 自然人 17 → 16: the row total 18 and the balance both break.
    let broken = text.replacen(
        "一、本年新收政府信息公开申请数量 | 17 |",
        "一、本年新收政府信息公开申请数量 | 16 |",
        1,
    );
    let (_d, path) = temp_with("draft.txt", broken.as_bytes());
    let out = gouji()
        .args(["check", "--lang", "en", "--color", "never"])
        .arg(&path)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("F2019-T3-ROW"), "{out}");
    assert!(out.contains("16 + 1 + 0 + 0 + 0 + 0 = 17, but"), "{out}");
    assert!(out.contains("draft.txt:37:"), "{out}");
}

#[test]
fn json_output_has_the_documented_keys() {
    let text = std::fs::read_to_string(fixture("formats/seed_002.txt")).unwrap();
    let broken = text.replacen("(七)总计 | 17 |", "(七)总计 | 19 |", 1);
    let (_d, path) = temp_with("r.txt", broken.as_bytes());
    let out = gouji()
        .args(["check", "--format", "json"])
        .arg(&path)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["version"], 1);
    let file = &v["files"][0];
    assert_eq!(file["formats"][0], "F2019");
    assert!(file["facts"].as_u64().unwrap() > 150);
    for k in ["evaluated", "failed", "not_applicable"] {
        assert!(file["rules"][k].is_u64(), "{k}");
    }
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "F2019-T3-ROW")
        .unwrap();
    for k in ["rule", "severity", "path", "line", "column", "message"] {
        assert!(!f[k].is_null(), "{k}");
    }
    let op = &f["operands"][0];
    for k in ["key", "value", "line", "column"] {
        assert!(!op[k].is_null(), "{k}");
    }
    // Columns count characters: `(七)总计 | ` is 8 characters before the value.
    let cell = f["operands"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["value"] == "19")
        .unwrap();
    assert_eq!(cell["line"], 58);
    assert_eq!(cell["column"], 9);
}

#[test]
fn unreadable_files_are_named_and_the_rest_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.txt"), b"").unwrap();
    std::fs::write(
        dir.path().join("binary.txt"),
        b"\x7fELF\x02\x01\x01\0\0\0\0\0",
    )
    .unwrap();
    std::fs::write(dir.path().join("broken.docx"), b"PK\x03\x04garbage").unwrap();
    std::fs::copy(fixture("formats/seed_002.txt"), dir.path().join("good.txt")).unwrap();
    let out = gouji()
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("empty.txt"))
        .stderr(predicate::str::contains("binary.txt"))
        .stderr(predicate::str::contains("broken.docx"))
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let good = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("good.txt"))
        .unwrap();
    assert!(good["rules"]["evaluated"].as_u64().unwrap() > 30);
}

#[test]
fn missing_path_is_an_error() {
    gouji()
        .args(["check", "/nonexistent/report.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/report.txt"));
}

#[test]
fn malformed_pack_names_file_line_and_column() {
    let (_d, path) = temp_with(
        "bad.toml",
        b"[pack]\nid = \"X\"\nname = \"x\"\n\n[[table]]\nid = \"t\"\ntitle = \"t\"\ndetect = { any = [\"a\"] }\nbogus = 1\n",
    );
    gouji()
        .args(["check", "--pack"])
        .arg(&path)
        .arg(fixture("formats/seed_002.txt"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml:9:1"));
}

#[test]
fn select_and_ignore_choose_rules() {
    let f = fixture("formats/seed_001.txt");
    let json = |args: &[&str]| -> serde_json::Value {
        let out = gouji()
            .args(["check", "--format", "json"])
            .args(args)
            .arg(&f)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let only = json(&["--select", "F2014-H-TRAIN"]);
    assert_eq!(only["findings"].as_array().unwrap().len(), 1);
    let none = json(&["--ignore", "F2014-H,PROSE"]);
    assert_eq!(none["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn thread_count_does_not_change_output() {
    let run = |j: &str| {
        gouji()
            .args(["check", "--format", "json", "-j", j])
            .arg(fixture("formats"))
            .arg(fixture("reports"))
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run("1"), run("4"));
}

#[test]
fn rules_and_explain() {
    gouji()
        .arg("rules")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("F2019-T3-BAL"));
    gouji()
        .args(["explain", "f2019-t3-bal", "--lang", "en"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("## What it checks"))
        .stdout(predicate::str::contains("## Example"));
    gouji().args(["explain", "NOPE-1"]).assert().code(2);
}

#[test]
fn the_local_form_packs_are_listed_and_every_rule_explained() {
    let listed = gouji()
        .arg("rules")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let listed = String::from_utf8(listed).unwrap();
    let reg = crate::support::registry();
    let mut n = 0;
    for (pack, rule) in reg.rules() {
        if !["P2008", "FJ2014", "FJ-SIMPLE"].contains(&pack.id.as_str()) {
            continue;
        }
        n += 1;
        assert!(listed.contains(&rule.id), "{} not listed", rule.id);
        gouji()
            .args(["explain", &rule.id, "--lang", "en"])
            .assert()
            .code(0)
            .stdout(predicate::str::contains(rule.explain.what.as_str()))
            .stdout(predicate::str::contains("## Example"));
    }
    // 15 within a report, and 4 across reports (X-CUM, X-CUM-DOWN of P2008 and FJ2014).
    assert_eq!(n, 19);
}

#[test]
fn the_one_wrong_cell_is_named() {
    let out = gouji()
        .args(["check", "--format", "json"])
        .arg(fixture("examples/huaiyin-2020-draft.txt"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let findings: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert_eq!(findings.len(), 2, "a row and a column identity fail");
    for f in findings {
        let s = &f["suggestion"];
        assert_eq!(s["line"], 45);
        assert_eq!(s["current"], "3");
        assert_eq!(s["proposed"], "2");
        assert_eq!(
            s["key"],
            "apply.result.denied.internal_affairs[natural_person]"
        );
    }
}

#[test]
fn approximate_figures_are_shown_as_printed() {
    let out = gouji()
        .args(["check", "--format", "plain", "--select", "PROSE-CHANNELS"])
        .arg(fixture("formats/seed_003.txt"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("= 约55.4万条 (554000)"), "{text}");
    assert!(text.contains("691007 > 约55.4万条"), "{text}");
}

/// The error findings' suggestions of seed_002 with `old` replaced by `new` on line `line`.
fn suggestions_with(line: usize, old: &str, new: &str) -> Vec<serde_json::Value> {
    suggestions_in("formats/seed_002.txt", line, old, new)
}

/// A fixture with `old` replaced by `new` on line `line`, checked in `format` (`--no-config`).
fn checked_with(fixture_path: &str, line: usize, old: &str, new: &str, format: &str) -> String {
    let text = std::fs::read_to_string(fixture(fixture_path)).unwrap();
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    assert!(lines[line - 1].contains(old), "{}", lines[line - 1]);
    lines[line - 1] = lines[line - 1].replacen(old, new, 1);
    let mut file = tempfile::Builder::new().suffix(".txt").tempfile().unwrap();
    file.write_all(lines.join("\n").as_bytes()).unwrap();
    let out = gouji()
        .args(["check", "--format", format, "--no-config"])
        .arg(file.path())
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// The suggestions among them (error findings of other failed identities have none).
fn suggested(v: Vec<serde_json::Value>) -> Vec<serde_json::Value> {
    v.into_iter().filter(|s| !s.is_null()).collect()
}

/// The error findings' suggestions of a fixture with `old` replaced by `new` on line `line`.
fn suggestions_in(fixture_path: &str, line: usize, old: &str, new: &str) -> Vec<serde_json::Value> {
    let out = checked_with(fixture_path, line, old, new, "json");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["suggestion"].clone())
        .collect()
}

/// One changed cell of the 2020 Huaiyin table 3 (line 37, 自然人 17): the suggestion names it,
/// the published value, and the kind of slip.
#[test]
fn each_slip_kind_is_named_on_a_real_table() {
    for (old, new, kind) in [
        ("| 17 |", "| 71 |", "transposed-digits"),
        ("| 17 |", "| 16 |", "one-digit"),
        ("| 17 |", "| 7 |", "dropped-digit"),
        ("| 17 |", "| 117 |", "extra-digit"),
        ("| 0 | 18 |", "| 18 | 18 |", "neighbour"),
        ("| 17 |", "| -17 |", "sign"),
    ] {
        let sgs = suggestions_with(37, old, new);
        assert!(!sgs.is_empty(), "{new}: caught");
        for s in sgs {
            assert_eq!(s["scope"], "cell", "{new}: {s}");
            assert_eq!(s["kind"], kind, "{new}: {s}");
            assert_eq!(s["line"], 37);
            assert_eq!(s["candidates"].as_array().unwrap().len(), 1);
        }
    }
    // 2 typed as 17 (the 总计 row's figure of the same column, eleven rows down).
    for s in suggestions_with(45, "| 2 | 0", "| 17 | 0") {
        assert_eq!(s["scope"], "cell", "{s}");
        assert_eq!(s["proposed"], "2");
        assert_eq!(s["kind"], "copied-row", "{s}");
    }
}

/// The crawled 2010 Putian report (P2008 form) checks each row total against its parts only;
/// its text restates the year's applications (line 76). 当面申请 146 typed as 147.
#[test]
fn the_reports_text_names_the_cell_a_row_total_leaves_open() {
    // Error findings on other identities of the report carry no suggestion.
    let sgs = suggested(suggestions_in(
        "crawl/putian-city-2010.txt",
        146,
        "146",
        "147",
    ));
    assert!(!sgs.is_empty());
    for s in sgs {
        assert_eq!(s["scope"], "cell", "{s}");
        assert_eq!(s["basis"], "text", "{s}");
        assert_eq!(
            (s["line"].as_u64(), s["proposed"].as_str()),
            (Some(146), Some("146"))
        );
        assert_eq!(s["candidates"][0]["text_says"]["line"], 76, "{s}");
        // The total and the other parts stay listed, with the reason they were set aside.
        let others = s["others"].as_array().unwrap();
        assert_eq!(others.len(), 4, "{s}");
        assert!(others.iter().all(|o| o["aside"] == "text"), "{s}");
        let text = s["text"].as_str().unwrap();
        assert!(text.contains("正文第76行写的正是 146"), "{text}");
        assert!(text.contains("正文重复了它们印出的数字"), "{text}");
    }
}

/// The same report: the running total of replies 693 typed as 694 also puts replies above
/// applications (a heuristic that failed too); only the total repairs both.
#[test]
fn a_failed_heuristic_names_the_cell_that_repairs_it_too() {
    // Error findings on other identities of the report carry no suggestion.
    let sgs = suggested(suggestions_in(
        "crawl/putian-city-2010.txt",
        170,
        "693",
        "694",
    ));
    assert!(!sgs.is_empty());
    for s in sgs {
        assert_eq!(s["scope"], "cell", "{s}");
        assert_eq!(s["basis"], "heuristics", "{s}");
        assert_eq!(
            (s["line"].as_u64(), s["proposed"].as_str()),
            (Some(170), Some("693"))
        );
        let others = s["others"].as_array().unwrap();
        assert_eq!(others.len(), 3, "{s}");
        assert!(others.iter().all(|o| o["aside"] == "heuristics"), "{s}");
        assert!(s["text"].as_str().unwrap().contains("经验关系"), "{s}");
    }
}

/// The same report: the running total of e-mail applications 19 typed as 18. Lowering the
/// total of applications (693) instead would put it below the 693 replies: that cell is set
/// aside on the heuristic, stays listed, and the parts remain a set (a heuristic that holds
/// never alone names a cell).
#[test]
fn a_holding_heuristic_sets_aside_the_cell_whose_change_would_break_it() {
    let sgs = suggested(suggestions_in(
        "crawl/putian-city-2010.txt",
        155,
        "19",
        "18",
    ));
    assert!(!sgs.is_empty());
    for s in &sgs {
        assert_eq!(s["scope"], "set", "{s}");
        assert_eq!(s["basis"], "heuristics", "{s}");
        let lines: Vec<_> = s["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["line"].as_u64().unwrap())
            .collect();
        assert!(lines.contains(&155), "{s}");
        assert!(!lines.contains(&143), "{s}");
        let others = s["others"].as_array().unwrap();
        assert_eq!(others.len(), 1, "{s}");
        assert_eq!(
            (others[0]["line"].as_u64(), others[0]["proposed"].as_str()),
            (Some(143), Some("692"))
        );
        assert_eq!(others[0]["aside"], "heuristics", "{s}");
        assert!(s["text"].as_str().unwrap().contains("经验关系"), "{s}");
    }
    let plain = checked_with("crawl/putian-city-2010.txt", 155, "19", "18", "plain");
    assert!(plain.contains("经验关系有例外"), "{plain}");
    let sarif = checked_with("crawl/putian-city-2010.txt", 155, "19", "18", "sarif");
    assert!(sarif.contains("另一可能格"), "{sarif}");
    let html = checked_with("crawl/putian-city-2010.txt", 155, "19", "18", "html");
    assert!(html.contains("经验关系"), "{html}");
}

/// The same report: the running total of replies granted 619 typed as 629. The total of
/// replies (693) would need to be 703; it equals the total of applications, but the pack
/// compares those two rows directly (replies at most the applications), so their equality is
/// no sign of a copied figure.
#[test]
fn a_total_equal_to_the_row_it_is_compared_with_is_not_called_copied() {
    let sgs = suggested(suggestions_in(
        "crawl/putian-city-2010.txt",
        174,
        "619",
        "629",
    ));
    assert!(!sgs.is_empty());
    for s in &sgs {
        let total = s["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .chain(s["others"].as_array().unwrap())
            .find(|c| c["line"] == 170)
            .unwrap_or_else(|| panic!("the total is listed: {s}"));
        assert_eq!(
            (total["current"].as_str(), total["proposed"].as_str()),
            (Some("693"), Some("703"))
        );
        assert!(total["kind"].is_null(), "{s}");
        assert!(!s["text"].as_str().unwrap().contains("照抄"), "{s}");
    }
}

/// A 2015 F2014 report: 信函申请数 12 typed as 21. Of the cells 收到申请数 = its parts leaves
/// open, the text repeats the total and only 信函 shows a telling slip; the suggestion says the
/// pick rests on that shape, and every output carries the cells set aside.
#[test]
fn a_telling_slip_picks_the_cell_and_says_it_rests_on_the_shape() {
    // Error findings on other identities of the report carry no suggestion.
    let sgs = suggested(suggestions_in("formats/seed_000.txt", 142, "12 |", "21 |"));
    assert!(!sgs.is_empty());
    for s in &sgs {
        assert_eq!(s["scope"], "cell", "{s}");
        assert_eq!(s["basis"], "slip-shape", "{s}");
        assert_eq!(s["kind"], "transposed-digits", "{s}");
        assert_eq!(
            (s["line"].as_u64(), s["proposed"].as_str()),
            (Some(142), Some("12"))
        );
        assert!(s["others"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["aside"] == "slip-shape"));
        assert!(s["text"].as_str().unwrap().contains("仅依据录入错误的形态"));
    }
    let plain = checked_with("formats/seed_000.txt", 142, "12 |", "21 |", "plain");
    assert!(plain.contains("仅依据录入错误的形态"), "{plain}");
    let sarif = checked_with("formats/seed_000.txt", 142, "12 |", "21 |", "sarif");
    assert!(
        sarif.contains("疑误格: 政府信息公开情况统计表「信函申请数」 21 → 12"),
        "{sarif}"
    );
    assert!(sarif.contains("另一可能格"), "{sarif}");
}

#[test]
fn a_row_total_against_its_parts_gives_a_ranked_tie_set() {
    // Table 4 is one row: 行政复议 结果纠正 printed 1 instead of 0; its 总计 or it could be wrong.
    let sgs = suggestions_with(64, "0 | 0 |", "1 | 0 |");
    assert!(!sgs.is_empty());
    for s in sgs {
        assert_eq!(s["scope"], "set", "{s}");
        assert!(s["line"].is_null());
        let c = s["candidates"].as_array().unwrap();
        assert_eq!(c.len(), 2, "{s}");
        assert_eq!(c[0]["current"], "1");
        assert_eq!(c[0]["proposed"], "0");
        assert!(s["text"].as_str().unwrap().contains("无法确定是哪一格"));
    }
}

#[test]
fn two_wrong_cells_are_said_to_be_two() {
    // 17 and 1 printed 16 and 2: the row still adds up, the balance fails in two columns.
    let sgs = suggestions_with(37, "| 17 | 1 |", "| 16 | 2 |");
    assert!(!sgs.is_empty());
    for s in sgs {
        assert_eq!(s["scope"], "several", "{s}");
        assert!(s["candidates"].as_array().unwrap().is_empty());
        assert!(s["text"].as_str().unwrap().contains("至少有两格有误"));
    }
}

#[test]
fn a_suggestion_on_a_recovered_cell_says_so() {
    // The crawled 2023 emergency-management report prints table 3 one figure a line with its
    // blank cells dropped: the 总计 column is placed by the form. 予以公开 · 总计 3 typed as 4.
    let text = std::fs::read_to_string(fixture("crawl/putian-emergency-2023.txt")).unwrap();
    let mut lines: Vec<&str> = text.split('\n').collect();
    assert_eq!(lines[119], "3");
    lines[119] = "4";
    let mut file = tempfile::Builder::new().suffix(".txt").tempfile().unwrap();
    file.write_all(lines.join("\n").as_bytes()).unwrap();
    let out = gouji()
        .args(["check", "--format", "json", "--no-config"])
        .arg(file.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sgs: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| &f["suggestion"])
        .collect();
    assert!(!sgs.is_empty());
    for s in sgs {
        assert_eq!(s["scope"], "cell", "{s}");
        assert_eq!(s["line"], 120);
        assert_eq!(s["proposed"], "3");
        assert_eq!(s["read"], "placed");
        assert_eq!(s["candidates"][0]["read"], "placed");
        assert!(s["text"].as_str().unwrap().contains("推断读数"), "{s}");
    }
}

/// Does the text hold an English sentence (three Latin words in a row)? Rule ids, file names,
/// format names and numbers are single tokens and do not count.
fn english_run(text: &str) -> Option<String> {
    text.lines()
        .find(|line| {
            let words: Vec<&str> = line
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| !w.is_empty())
                .collect();
            let mut run = 0;
            let mut prev_end = 0;
            for w in words {
                let start = line[prev_end..].find(w).map(|i| i + prev_end).unwrap();
                let gap = &line[prev_end..start];
                run = if run > 0 && gap.chars().all(|c| c == ' ') {
                    run + 1
                } else {
                    1
                };
                prev_end = start + w.len();
                if run >= 3 && w.len() > 1 {
                    return true;
                }
            }
            false
        })
        .map(str::to_string)
}

#[test]
fn explain_and_rules_speak_chinese_in_chinese_mode() {
    for id in [
        "F2021-T3-ROW",
        "F2021-T3-SUM",
        "F2021-T3-BAL",
        "F2021-T4-REV",
        "F2021-T2-STOCK",
        "F2021-NONNEG-T3",
        "GOUJI-NO-TABLE",
        "GOUJI-TABLE-ATTACHED",
        "GOUJI-TABLE-MISSING",
        "GOUJI-TABLE-YEAR",
        "GOUJI-CELL-NOT-NUMBER",
        "F2019-T3-ROW",
        "F2019-T3-SUM",
        "F2019-T3-BAL",
        "F2019-T2-PUB",
        "F2019-NONNEG-ITEMS",
        "F2019-NONNEG-T2C",
    ] {
        let out = gouji()
            .env("LANG", "zh_CN.UTF-8")
            .args(["explain", id])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("## 检查什么"), "{text}");
        assert!(!text.contains("暂无中文版"), "{text}");
        assert_eq!(english_run(&text), None, "{id}: {text}");
    }
    // English stays English.
    let out = gouji()
        .args(["explain", "F2021-T3-BAL", "--lang", "en"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("The form prints this relation"), "{text}");
    assert!(text.contains("\nerror · "), "{text}");
    // `gouji rules` in Chinese: severities and messages in Chinese.
    let out = gouji().args(["rules", "--lang", "zh"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("条规则"), "{text}");
    let line = text.lines().find(|l| l.contains("F2021-T3-BAL")).unwrap();
    assert!(
        line.contains("错误") && line.contains("表三本年新收"),
        "{line}"
    );
    let out = gouji().args(["rules", "--lang", "en"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.lines().find(|l| l.contains("F2021-T3-BAL")).unwrap();
    assert!(line.contains("error") && line.contains("table 3"), "{line}");
}

#[test]
fn explain_cites_no_internal_material() {
    let out = gouji().args(["rules", "--json"]).output().unwrap();
    let packs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for p in packs.as_array().unwrap() {
        for r in p["rules"].as_array().unwrap() {
            let id = r["id"].as_str().unwrap();
            for lang in ["zh", "en"] {
                let out = gouji()
                    .args(["explain", id, "--lang", lang])
                    .output()
                    .unwrap();
                let text = String::from_utf8(out.stdout).unwrap().to_lowercase();
                for internal in ["templates.md", "seed", "§", "spec "] {
                    assert!(!text.contains(internal), "{id} cites {internal}: {text}");
                }
            }
        }
    }
}

#[test]
fn file_errors_are_in_the_users_language() {
    let (_d1, empty) = temp_with("empty.txt", b"");
    let (_d2, rtf) = temp_with("draft.rtf", b"{\\rtf1 x}");
    let out = gouji()
        .env("LANG", "zh_CN.UTF-8")
        .arg("check")
        .arg(&empty)
        .arg(&rtf)
        .arg("missing.docx")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("文件为空"), "{err}");
    assert!(err.contains("请用 Word 或 WPS 打开并另存为 .docx"), "{err}");
    assert!(err.contains("文件或目录不存在"), "{err}");
    assert_eq!(english_run(&err), None, "{err}");
    let out = gouji()
        .args(["check", "--lang", "en", "missing.docx"])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no such file or directory"), "{err}");
}
