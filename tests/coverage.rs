//! Issue 10: a report is never called clean when nothing in it was checked. Every output says,
//! per file, what was read and what was not; `--require tables` makes a gate fail on it.

use crate::support::{check_bytes, fixture, registry, TABLE_REPORTS};
use assert_cmd::Command;
use gouji::check::AllRules;
use gouji::coverage::Status;
use gouji::pipeline::check_document;
use gouji::source::read_bytes;
use serde_json::Value;
use std::path::Path;

/// `gouji <sub>` with no configuration (and `--no-config` where the command takes it).
fn gouji(sub: &str) -> Command {
    let mut c = Command::cargo_bin("gouji").unwrap();
    c.env_remove("GOUJI_FORMAT").env("LANG", "C.UTF-8").arg(sub);
    if sub == "check" || sub == "extract" {
        c.arg("--no-config");
    }
    c
}

/// Files with nothing checkable, with a phrase the plain output must say about each.
const NOTHING_CHECKABLE: &[(&str, &str)] = &[
    ("docx/template-2021-blank.docx", "the form is not filled in"),
    (
        "formats/seed_003.txt",
        "the statistics table is an attachment",
    ),
    (
        "coverage/unplaced_2023.txt",
        "row labels of F2021 表三 found but the numbers could not be placed",
    ),
];

fn status_of(rel: &str) -> gouji::coverage::Coverage {
    let bytes = std::fs::read(fixture(rel)).unwrap();
    let doc = read_bytes(rel, &bytes, Path::new(rel)).unwrap();
    check_document(&doc, registry(), &AllRules).coverage
}

fn run_json(args: &[&str], files: &[&str]) -> Value {
    let mut c = gouji("check");
    c.args(["--format", "json", "--fail-on", "never"])
        .args(args);
    for f in files {
        c.arg(fixture(f));
    }
    let out = c.output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn file_entry<'a>(doc: &'a Value, rel: &str) -> &'a Value {
    doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with(rel))
        .unwrap()
}

#[test]
fn plain_output_names_each_file_not_checked_and_says_what() {
    for (rel, phrase) in NOTHING_CHECKABLE {
        let out = gouji("check")
            .args(["--format", "plain", "--lang", "en", "--fail-on", "never"])
            .arg(fixture(rel))
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let line = text
            .lines()
            .find(|l| l.contains(rel) && l.contains(": no-table "))
            .unwrap_or_else(|| panic!("no coverage line for {rel}:\n{text}"));
        assert!(line.contains(phrase), "{rel}: {line}");
        assert!(
            text.contains("Checked 1 file: 0 fully checked, 1 with no checkable table;"),
            "{text}"
        );
        assert_eq!(out.status.code(), Some(0), "default behaviour unchanged");
    }
}

#[test]
fn the_summary_separates_checked_from_nothing_checkable() {
    let out = gouji("check")
        .args(["--format", "plain", "--lang", "zh", "--fail-on", "never"])
        .arg(fixture("formats/seed_002.txt"))
        .arg(fixture("html/table3_2021.html"))
        .arg(fixture("docx/template-2021-blank.docx"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("检查了 3 个文件：1 个完整检查，1 个部分检查，1 个未找到可检查的统计表；"),
        "{text}"
    );
}

#[test]
fn json_has_the_status_of_every_file() {
    let files = [
        "formats/seed_002.txt",
        "html/table3_2021.html",
        "docx/template-2021-blank.docx",
        "formats/seed_003.txt",
        "coverage/unplaced_2023.txt",
    ];
    let doc = run_json(&["--lang", "en"], &files);
    let kinds = |rel: &str| -> Vec<String> {
        file_entry(&doc, rel)["coverage"]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["kind"].as_str().unwrap().to_string())
            .collect()
    };
    let status = |rel: &str| {
        file_entry(&doc, rel)["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(status("seed_002.txt"), "checked");
    assert!(kinds("seed_002.txt").is_empty());
    assert_eq!(status("table3_2021.html"), "partial");
    assert_eq!(kinds("table3_2021.html"), ["missing"]);
    assert_eq!(
        file_entry(&doc, "table3_2021.html")["coverage"]["reasons"][0]["tables"],
        serde_json::json!(["F2021 表二", "F2021 表四"])
    );
    assert_eq!(status("template-2021-blank.docx"), "no-table");
    assert_eq!(kinds("template-2021-blank.docx"), ["not-filled-in"]);
    assert_eq!(
        file_entry(&doc, "template-2021-blank.docx")["coverage"]["relations"]["evaluated"],
        0
    );
    assert_eq!(status("seed_003.txt"), "no-table");
    assert_eq!(kinds("seed_003.txt"), ["attachment"]);
    assert_eq!(status("unplaced_2023.txt"), "no-table");
    assert_eq!(kinds("unplaced_2023.txt"), ["not-placed"]);
    assert_eq!(doc["summary"]["checked"], 1);
    assert_eq!(doc["summary"]["partial"], 1);
    assert_eq!(doc["summary"]["no_table"], 3);
    let seed2 = file_entry(&doc, "seed_002.txt");
    assert_eq!(seed2["coverage"]["text"], Value::Null);
    let names: Vec<&str> = seed2["coverage"]["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"表三") && names.contains(&"表四"),
        "{names:?}"
    );
}

#[test]
fn require_tables_fails_on_files_with_nothing_checkable() {
    for (rel, _) in NOTHING_CHECKABLE {
        for format in ["plain", "json"] {
            let out = gouji("check")
                .args(["--require", "tables", "--fail-on", "never"])
                .args(["--format", format, "--lang", "en"])
                .arg(fixture(rel))
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1), "{rel} {format}");
            let err = String::from_utf8(out.stderr).unwrap();
            assert!(
                err.contains(rel) && err.contains("--require tables"),
                "{rel}: {err}"
            );
        }
    }
    gouji("check")
        .args(["--require", "tables", "--format", "plain"])
        .arg(fixture("formats/seed_002.txt"))
        .assert()
        .code(0);
    // A partly checked file has something checked: it passes.
    gouji("check")
        .args(["--require", "tables", "--format", "plain"])
        .arg(fixture("html/table3_2021.html"))
        .assert()
        .code(0);
}

#[test]
fn require_tables_from_gouji_toml() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("gouji.toml");
    std::fs::write(&cfg, "require = [\"tables\"]\n").unwrap();
    let mut c = Command::cargo_bin("gouji").unwrap();
    c.env_remove("GOUJI_FORMAT")
        .args([
            "check",
            "--format",
            "plain",
            "--fail-on",
            "never",
            "--config",
        ])
        .arg(&cfg)
        .arg(fixture("docx/template-2021-blank.docx"))
        .assert()
        .code(1);
    std::fs::write(&cfg, "require = [\"tablez\"]\n").unwrap();
    let mut c = Command::cargo_bin("gouji").unwrap();
    c.env_remove("GOUJI_FORMAT")
        .args(["check", "--config"])
        .arg(&cfg)
        .arg(fixture("formats/seed_002.txt"))
        .assert()
        .code(2);
}

#[test]
fn reports_fully_checked_today_stay_checked_without_coverage_findings() {
    for rel in TABLE_REPORTS {
        let cov = status_of(rel);
        assert_eq!(cov.status, Status::Checked, "{rel}: {cov:?}");
        let c = check_bytes(rel, &std::fs::read(fixture(rel)).unwrap());
        assert!(c.findings.iter().all(|f| !f.rule.starts_with("GOUJI")));
    }
}

#[test]
fn an_attached_table_gets_exactly_one_finding() {
    for rel in ["formats/seed_003.txt", "formats/seed_004.txt"] {
        let out = gouji("check")
            .args(["--format", "json", "--fail-on", "never"])
            .arg(fixture(rel))
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        let rules: Vec<&str> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap())
            .filter(|r| r.starts_with("GOUJI"))
            .collect();
        assert_eq!(rules, ["GOUJI-TABLE-ATTACHED"], "{rel}");
    }
}

#[test]
fn coverage_findings_for_missing_and_unread_tables() {
    let doc = run_json(
        &[],
        &["html/table3_2021.html", "coverage/unplaced_2023.txt"],
    );
    let rules: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .filter(|(_, r)| r.starts_with("GOUJI"))
        .collect();
    let count = |p: &str, r: &str| rules.iter().filter(|x| x.0 == p && x.1 == r).count();
    assert_eq!(count("table3_2021.html", "GOUJI-TABLE-MISSING"), 2);
    assert_eq!(count("unplaced_2023.txt", "GOUJI-NO-TABLE"), 1);
    // --ignore turns them off like any rule.
    let doc = run_json(&["--ignore", "GOUJI"], &["html/table3_2021.html"]);
    assert!(doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| !f["rule"].as_str().unwrap().starts_with("GOUJI")));
}

#[test]
fn a_table_headed_with_last_year_is_reported() {
    let rel = "reports/f2021_huaian_2024.txt";
    let text = std::fs::read_to_string(fixture(rel)).unwrap();
    let year_rule = |t: &str| {
        check_document(
            &read_bytes(rel, t.as_bytes(), Path::new(rel)).unwrap(),
            registry(),
            &AllRules,
        )
        .findings
        .iter()
        .filter(|f| f.rule == "GOUJI-TABLE-YEAR")
        .count()
    };
    assert_eq!(year_rule(&text), 0);
    let stale = text.replacen("信息内容 | 本年制发件数", "2023年度 | 本年制发件数", 1);
    assert_eq!(year_rule(&stale), 1);
    let own = text.replacen("信息内容 | 本年制发件数", "2024年度 | 本年制发件数", 1);
    assert_eq!(year_rule(&own), 0);
}

#[test]
fn a_prose_only_report_of_a_table_year_gets_no_table() {
    let text =
        "某县2018年政府信息公开工作年度报告\n一、总体情况\n2018年，我县主动公开政府信息1200条。\n";
    let doc = read_bytes("r.txt", text.as_bytes(), Path::new("r.txt")).unwrap();
    let rep = check_document(&doc, registry(), &AllRules);
    assert_eq!(rep.coverage.status, Status::NoTable);
    assert!(rep.findings.iter().any(|f| f.rule == "GOUJI-NO-TABLE"));
    // Before 2008 a report need not have a table.
    let old = text.replace("2018", "2006");
    let doc = read_bytes("r.txt", old.as_bytes(), Path::new("r.txt")).unwrap();
    let rep = check_document(&doc, registry(), &AllRules);
    assert_eq!(rep.coverage.status, Status::NoTable);
    assert!(rep.findings.iter().all(|f| f.rule != "GOUJI-NO-TABLE"));
}

#[test]
fn every_machine_format_reports_the_file_not_checked() {
    let rel = "formats/seed_003.txt";
    let run = |format: &str| {
        let out = gouji("check")
            .args(["--fail-on", "never", "--lang", "en", "--format", format])
            .arg(fixture(rel))
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    let notes = &sarif["runs"][0]["invocations"][0];
    assert_eq!(notes["executionSuccessful"], true);
    let n = &notes["toolExecutionNotifications"][0];
    assert_eq!(n["level"], "note");
    assert_eq!(n["descriptor"]["id"], "gouji/no-table");
    assert!(n["message"]["text"]
        .as_str()
        .unwrap()
        .contains("attachment"));
    let github = run("github");
    assert!(
        github.lines().any(|l| l.starts_with("::notice file=")
            && l.contains("no-table")
            && l.contains("attachment")),
        "{github}"
    );
    let junit = run("junit");
    assert!(
        junit.contains("name=\"tables\">\n      <skipped message=\""),
        "{junit}"
    );
    assert!(junit.contains("skipped=\"1\""), "{junit}");
    let html = run("html");
    let banner = html.find("class=\"banner\"").expect("banner");
    assert!(banner < html.find("class=\"overview\"").unwrap());
    assert!(html.contains("1 file not fully checked"));
    let human = run("human");
    assert!(human.contains("table not checked"), "{human}");
}

#[test]
fn a_clean_fully_checked_report_has_no_coverage_notes() {
    let rel = "reports/f2021_huaian_2024.txt";
    let run = |format: &str| {
        let out = gouji("check")
            .args(["--format", format])
            .arg(fixture(rel))
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(!run("github").contains("::notice"));
    assert!(!run("junit").contains("<skipped"));
    assert!(!run("html").contains("class=\"banner\""));
    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    assert!(sarif["runs"][0].get("invocations").is_none());
}

#[test]
fn extract_writes_a_manifest_and_the_input_format() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("m.csv");
    let json = dir.path().join("m.json");
    for m in [&csv, &json] {
        let out = gouji("extract")
            .args(["--manifest"])
            .arg(m)
            .arg(fixture("formats/seed_002.txt"))
            .arg(fixture("formats/seed_003.txt"))
            .arg(fixture("docx/template-2021-blank.docx"))
            .arg(dir.path().join("missing.txt"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "a missing file is an error");
        let facts = String::from_utf8(out.stdout).unwrap();
        let header = facts.lines().next().unwrap();
        assert!(
            header.ends_with(",locator,read,input_format,concept"),
            "{header}"
        );
        // input_format, then the concept (empty for most facts).
        assert!(facts.lines().any(|l| l.ends_with(",docx,")));
        assert!(facts
            .lines()
            .any(|l| l.contains("seed_002") && l.ends_with(",text,")));
    }
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("path,input_format,forms,tables,facts,status,reasons,error\n"));
    let row = |name: &str| text.lines().find(|l| l.contains(name)).unwrap().to_string();
    assert!(row("seed_002").contains(",text,F2019,") && row("seed_002").contains(",checked,"));
    assert!(row("seed_003").contains(",no-table,") && row("seed_003").contains("attachment"));
    assert!(row("template-2021-blank").contains(",docx,F2021,"));
    assert!(row("template-2021-blank").contains("not filled in"));
    assert!(row("missing.txt").contains(",unreadable,"));
    let rows: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let by = |name: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["path"].as_str().unwrap().contains(name))
            .unwrap()
            .clone()
    };
    assert_eq!(by("seed_002")["status"], "checked");
    assert_eq!(by("seed_002")["facts"], 198); // 行政事业性收费 has two columns
    assert_eq!(by("template-2021-blank")["status"], "no-table");
    assert_eq!(by("missing.txt")["status"], "unreadable");
    assert!(by("missing.txt")["error"].is_string());
}

#[test]
fn coverage_rules_are_listed_and_explained() {
    let out = gouji("rules").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for id in [
        "GOUJI-NO-TABLE",
        "GOUJI-TABLE-ATTACHED",
        "GOUJI-TABLE-MISSING",
        "GOUJI-TABLE-YEAR",
    ] {
        assert!(text.contains(id), "{id} not listed");
        gouji("explain")
            .args([id, "--lang", "en"])
            .assert()
            .code(0)
            .stdout(predicates::str::contains("Why it matters"));
    }
}
