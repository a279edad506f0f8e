//! Output formats, configuration, baseline and extraction, through the built binary.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

const SEEDS: [&str; 3] = ["seed_000.txt", "seed_001.txt", "seed_002.txt"];

fn seed(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/formats")
        .join(name)
}

fn gouji() -> Command {
    let mut c = Command::cargo_bin("gouji").unwrap();
    c.env_remove("GOUJI_FORMAT")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("LANG", "C");
    c
}

/// `gouji check` over the three seeds with extra args; (exit code, stdout, stderr).
fn check_seeds(args: &[&str]) -> (i32, String, String) {
    // These tests are about the output machinery: the table rules' three findings on the seeds
    // are enough, so the prose rules (tested in tests/prose.rs) are left out.
    let mut c = gouji();
    c.arg("check")
        .arg("--no-config")
        .args(["--ignore", "PROSE"]);
    for s in SEEDS {
        c.arg(seed(s));
    }
    let out = c.args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A temporary folder holding copies of the seeds.
fn seed_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for s in SEEDS {
        std::fs::copy(seed(s), dir.path().join(s)).unwrap();
    }
    dir
}

fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut c = gouji();
    c.current_dir(dir).args(args);
    if args.first() == Some(&"check") {
        c.args(["--ignore", "PROSE"]);
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json_findings(stdout: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(stdout).unwrap();
    v["findings"].as_array().unwrap().clone()
}

fn replace_line(path: &Path, line: usize, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    assert_eq!(lines[line - 1], from, "fixture changed");
    lines[line - 1] = to.to_string();
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

fn str_at<'a>(v: &'a Value, what: &str) -> &'a str {
    v.as_str()
        .unwrap_or_else(|| panic!("{what} must be a string: {v}"))
}

fn positive(v: &Value, what: &str) -> u64 {
    let n = v
        .as_u64()
        .unwrap_or_else(|| panic!("{what} must be an integer"));
    assert!(n >= 1, "{what} must be >= 1");
    n
}

fn check_location(loc: &Value) {
    let pl = &loc["physicalLocation"];
    let uri = str_at(&pl["artifactLocation"]["uri"], "artifactLocation.uri");
    assert!(!uri.is_empty() && !uri.contains('\\'));
    let r = &pl["region"];
    let (sl, sc) = (
        positive(&r["startLine"], "startLine"),
        positive(&r["startColumn"], "startColumn"),
    );
    let (el, ec) = (
        positive(&r["endLine"], "endLine"),
        positive(&r["endColumn"], "endColumn"),
    );
    assert!((el, ec) >= (sl, sc), "region ends before it starts: {r}");
}

#[test]
fn sarif_has_the_2_1_0_structure() {
    let (code, out, _) = check_seeds(&["--format", "sarif"]);
    assert_eq!(code, 0);
    let log: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert!(str_at(&log["$schema"], "$schema").contains("sarif-2.1.0"));
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["tool"]["driver"]["name"], "gouji");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() > 40);
    let mut ids = HashSet::new();
    for r in rules {
        assert!(ids.insert(str_at(&r["id"], "rule id").to_string()));
        for k in ["shortDescription", "fullDescription", "help"] {
            assert!(!str_at(&r[k]["text"], k).is_empty());
        }
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for res in results {
        let id = str_at(&res["ruleId"], "ruleId");
        assert!(ids.contains(id));
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], id);
        assert!(["error", "warning", "note", "none"].contains(&str_at(&res["level"], "level")));
        assert!(!str_at(&res["message"]["text"], "message.text").is_empty());
        let locs = res["locations"].as_array().unwrap();
        assert_eq!(locs.len(), 1);
        check_location(&locs[0]);
        let related = res["relatedLocations"].as_array().unwrap();
        assert!(related.len() >= 2);
        for l in related {
            check_location(l);
            assert!(str_at(&l["message"]["text"], "related message").contains(" = "));
        }
    }
    // Operand count per result equals the JSON output's.
    let (_, json, _) = check_seeds(&["--format", "json"]);
    let counts: Vec<usize> = json_findings(&json)
        .iter()
        .map(|f| f["operands"].as_array().unwrap().len())
        .collect();
    let related: Vec<usize> = results
        .iter()
        .map(|r| r["relatedLocations"].as_array().unwrap().len())
        .collect();
    assert_eq!(counts, related);
}

#[test]
fn github_lines_are_workflow_commands() {
    let summary = tempfile::NamedTempFile::new().unwrap();
    let mut c = gouji();
    c.arg("check")
        .arg("--no-config")
        .args(["--ignore", "PROSE"])
        .args(["--format", "github"]);
    for s in SEEDS {
        c.arg(seed(s));
    }
    let out = c
        .env("GITHUB_STEP_SUMMARY", summary.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let prop = r"(?:[^,:%\r\n]|%(?:25|0D|0A|3A|2C))*";
    let data = r"(?:[^%\r\n]|%(?:25|0D|0A))*";
    let re = regex::Regex::new(&format!(
        r"^::(error|warning|notice) file={prop},line=[1-9][0-9]*,col=[1-9][0-9]*,title={prop}::{data}$"
    ))
    .unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3);
    for l in &lines {
        assert!(re.is_match(l), "not a workflow command: {l}");
        assert!(l.starts_with("::warning "));
    }
    let md = std::fs::read_to_string(summary.path()).unwrap();
    assert!(md.starts_with("## gouji"));
    assert_eq!(
        md.lines().filter(|l| l.contains("seed_001.txt:")).count(),
        3
    );
}

/// (testsuites, testcases, failures, declared (tests, failures)) of a JUnit document.
fn junit_counts(out: &str) -> (usize, usize, usize, Option<(usize, usize)>) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(out);
    let (mut cases, mut failures, mut suites) = (0, 0, 0);
    let mut declared = None;
    loop {
        match reader.read_event().unwrap() {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "testsuites" => {
                    let attr = |k: &str| -> usize {
                        let a = e.try_get_attribute(k).unwrap().unwrap();
                        a.value.parse().unwrap()
                    };
                    declared = Some((attr("tests"), attr("failures")));
                }
                "testsuite" => suites += 1,
                "testcase" => cases += 1,
                "failure" => failures += 1,
                _ => {}
            },
            _ => {}
        }
    }
    (suites, cases, failures, declared)
}

#[test]
fn junit_is_well_formed_and_counts_match() {
    // Failures are what fails the run: errors by default, warnings too with --fail-on warning.
    let (code, out, _) = check_seeds(&["--format", "junit"]);
    let (_, json, _) = check_seeds(&["--format", "json"]);
    let findings = json_findings(&json);
    let failing = |sevs: &[&str]| {
        findings
            .iter()
            .filter(|f| sevs.contains(&f["severity"].as_str().unwrap()))
            .map(|f| (f["path"].to_string(), f["rule"].to_string()))
            .collect::<HashSet<_>>()
            .len()
    };
    let (suites, cases, failures, declared) = junit_counts(&out);
    assert_eq!(suites, 3);
    assert_eq!(failures, failing(&["error"]));
    assert!(failures < 3, "warnings are not failures by default");
    assert_eq!(declared, Some((cases, failures)));
    assert_eq!(
        code == 1,
        failures > 0,
        "the exit code agrees with the report"
    );
    assert!(
        out.contains("<system-out>"),
        "non-failing findings are listed"
    );
    let (code, out, _) = check_seeds(&["--format", "junit", "--fail-on", "warning"]);
    let (_, cases, failures, declared) = junit_counts(&out);
    assert_eq!(failures, 3);
    assert_eq!(failures, failing(&["error", "warning"]));
    assert_eq!(declared, Some((cases, failures)));
    assert_eq!(code, 1);
}

#[test]
fn html_is_self_contained_with_a_mark_per_operand() {
    let (_, html, _) = check_seeds(&["--format", "html"]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(!html.contains("<script src") && !html.contains("<link"));
    let (_, json, _) = check_seeds(&["--format", "json"]);
    let spans: HashSet<(String, u64, u64)> = json_findings(&json)
        .iter()
        .flat_map(|f| {
            let path = f["path"].as_str().unwrap().to_string();
            f["operands"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |o| {
                    (
                        path.clone(),
                        o["line"].as_u64().unwrap(),
                        o["column"].as_u64().unwrap(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(html.matches("<mark ").count(), spans.len());
    assert_eq!(html.matches("class=\"finding ").count(), 3);
}

#[test]
fn plain_is_the_default_off_a_terminal() {
    // Plain: a `path:line:column: severity RULE: message` line, then one line per number with
    // its character column, no drawing characters.
    let (_, out, _) = check_seeds(&[]);
    assert!(out.contains(": 警告 F2014-H-TRAIN: "), "{out}");
    assert!(out.contains("    271:1: 接受培训人员数 = 210"), "{out}");
    assert!(!out.contains('╭'), "{out}");
    let (_, out, _) = check_seeds(&["--format", "human"]);
    assert!(out.contains('╭'), "{out}");
}

#[test]
fn unknown_config_key_is_an_error_with_its_position() {
    let dir = seed_dir();
    std::fs::write(
        dir.path().join("gouji.toml"),
        "fail-on = \"error\"\n\n  selcet = [\"F2019\"]\n",
    )
    .unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let (code, _, err) = run_in(&sub, &["check", ".."]);
    assert_eq!(code, 2);
    assert!(err.contains("gouji.toml:3:3"), "{err}");
    // --no-config ignores it.
    let (code, _, _) = run_in(&sub, &["check", "--no-config", ".."]);
    assert_eq!(code, 0);
}

#[test]
fn severity_override_and_per_path_ignore() {
    let dir = seed_dir();
    std::fs::write(
        dir.path().join("gouji.toml"),
        r#"fail-on = "warning"
[severity]
"F2014-H-TRAIN" = "info"

[[per-path-ignores]]
path = "seed_00[1]*"
rules = ["F2014-H-RESP"]
"#,
    )
    .unwrap();
    let (code, out, err) = run_in(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(code, 1, "{err}");
    let found: Vec<(String, String)> = json_findings(&out)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("F2014-H-ISSUED".to_string(), "warning".to_string()),
            ("F2014-H-TRAIN".to_string(), "info".to_string()),
        ]
    );
    // --fail-on on the command line overrides the file.
    let (code, _, _) = run_in(dir.path(), &["check", "--fail-on", "error", "."]);
    assert_eq!(code, 0);
}

#[test]
fn baseline_round_trip() {
    let dir = seed_dir();
    let d = dir.path();
    let (code, _, err) = run_in(
        d,
        &["check", ".", "--write-baseline", "gouji-baseline.json"],
    );
    assert_eq!(code, 0, "{err}");
    let base: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("gouji-baseline.json")).unwrap())
            .unwrap();
    assert_eq!(base["entries"].as_array().unwrap().len(), 3);

    let args = [
        "check",
        ".",
        "--baseline",
        "gouji-baseline.json",
        "--fail-on",
        "warning",
        "--format",
        "json",
    ];
    let (code, out, _) = run_in(d, &args);
    assert_eq!(code, 0);
    assert!(json_findings(&out).is_empty());

    // Unrelated edit (lines shift): still accepted.
    let s1 = d.join("seed_001.txt");
    let text = std::fs::read_to_string(&s1).unwrap();
    std::fs::write(&s1, format!("前言一行。\n{text}")).unwrap();
    let (code, out, _) = run_in(d, &args);
    assert_eq!((code, json_findings(&out).len()), (0, 0));

    // One more broken cell: exactly the new finding.
    replace_line(&s1, 59, "1 |", "2 |");
    let (code, out, _) = run_in(d, &args);
    assert_eq!(code, 1);
    let f = json_findings(&out);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["rule"], "F2014-BJ-KEY");

    // Fix an old problem: its entry is stale.
    replace_line(&s1, 269, "0 |", "5 |");
    let (_, out, err) = run_in(d, &args);
    let v: Value = serde_json::from_str(&out).unwrap();
    let stale = v["baseline"]["stale"].as_array().unwrap();
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0]["rule"], "F2014-H-TRAIN");
    assert!(
        err.contains("stale entry seed_001.txt F2014-H-TRAIN"),
        "{err}"
    );
}

#[test]
fn extract_csv_and_json() {
    let out = gouji()
        .args(["extract", "--no-config"])
        .arg(seed("seed_002.txt"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "file,issuer,year,pack,table_id,table_number,row_key,row_label,column_key,column_label,value,unit,line,column,locator,read,input_format,concept"
    );
    let rows: Vec<&str> = lines.collect();
    assert!(rows.len() >= 190, "{} rows", rows.len());
    assert!(rows[0].contains(",淮阴区人民政府办公室,2020,F2019,"));

    let out = gouji()
        .args(["extract", "--no-config", "--format", "json"])
        .arg(seed("seed_002.txt"))
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), rows.len());
}

#[test]
fn init_completions_and_man() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, _) = run_in(dir.path(), &["init"]);
    assert_eq!(code, 0);
    assert!(dir.path().join("gouji.toml").is_file());
    let (code, _, err) = run_in(dir.path(), &["init"]);
    assert_eq!(code, 2);
    assert!(err.contains("already exists"));
    // The starter file is accepted as is.
    std::fs::copy(seed("seed_001.txt"), dir.path().join("a.txt")).unwrap();
    let (code, _, err) = run_in(dir.path(), &["check", "a.txt"]);
    assert_eq!(code, 0, "{err}");

    let (code, out, _) = run_in(dir.path(), &["completions", "bash"]);
    assert_eq!(code, 0);
    assert!(out.contains("gouji"));
    let (code, out, _) = run_in(dir.path(), &["man"]);
    assert_eq!(code, 0);
    assert!(out.contains(".TH"));
}

#[test]
fn docx_findings_carry_their_table_locator_in_machine_formats() {
    // The official 2021 template with one row of table 3 filled so that its total is wrong.
    let template = std::fs::read(crate::support::fixture("docx/template-2021-blank.docx")).unwrap();
    let mut cells = gouji::source::docx::fill::CellTexts::new();
    for (col, value) in (4..=10).zip(["1", "0", "0", "0", "0", "0", "2"]) {
        cells.insert((2, 4, col), value.to_string());
    }
    let bytes = gouji::source::docx::fill::fill_template(&template, &cells).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("draft.docx");
    std::fs::write(&path, bytes).unwrap();
    let out = gouji()
        .args([
            "check",
            "--no-config",
            "--format",
            "sarif",
            "--select",
            "F2021-T3-ROW",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let result = &log["runs"][0]["results"][0];
    let loc = &result["locations"][0];
    // Lines of gouji's rendering mean nothing in a .docx: a logical location instead.
    assert!(loc["physicalLocation"]["region"].is_null(), "{loc}");
    // The form's own words first, then the document's address.
    let name = loc["logicalLocations"][0]["name"].as_str().unwrap();
    assert!(name.starts_with("表三「"), "{name}");
    assert!(name.contains("行「总计」列"), "{name}");
    assert!(name.ends_with("（第2张表 第4行 第10列）"), "{name}");
    assert!(result["message"]["text"]
        .as_str()
        .unwrap()
        .contains("第2张表 第4行 第10列"));
}

#[test]
fn extract_names_each_table_by_its_own_report() {
    // Seed 000 is a scrape of several reports: the 2014-format table belongs to the 2015 report,
    // the Zhejiang table to 衢州市人民政府 2013; units come from the table's unit column.
    let out = gouji()
        .args(["extract", "--format", "csv"])
        .arg(seed("seed_000.txt"))
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.contains(",2015,F2014,stats,1,active.total,"), "{csv}");
    assert!(csv.contains(",135509,条,70,"), "{csv}");
    assert!(csv.contains("衢州市人民政府,2013,ZJ2013,"), "{csv}");
}
