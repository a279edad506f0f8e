//! Prose checks on the five corpus seeds and on synthetic fixtures of each pattern's traps
//! (spec templates.md §7, §8): the exact set of prose findings, by rule, line and severity.

use gouji::check::AllRules;
use gouji::pipeline::check_document;
use gouji::rules::{Registry, Severity};
use std::path::Path;

/// (rule, line, severity) of every prose finding of a fixture, sorted.
fn prose_findings(rel: &str) -> Vec<(String, usize, Severity)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let doc = gouji::source::read(&path).expect("fixture readable");
    let registry = Registry::builtin().expect("built-in packs");
    let report = check_document(&doc, &registry, &AllRules);
    let mut out: Vec<(String, usize, Severity)> = report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("PROSE-"))
        .map(|f| (f.rule.clone(), f.position.line, f.severity))
        .collect();
    out.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    out
}

fn set(items: &[(&str, usize, Severity)]) -> Vec<(String, usize, Severity)> {
    let mut v: Vec<(String, usize, Severity)> = items
        .iter()
        .map(|(r, l, s)| (r.to_string(), *l, *s))
        .collect();
    v.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    v
}

use Severity::{Error, Warning};

#[test]
fn seed_000_four_reports() {
    // L53: 回应 88 (prose, 2015) vs table 80 (L100); L263: 其它方式公开 233554 > 104434 (2014).
    assert_eq!(
        prose_findings("fixtures/formats/seed_000.txt"),
        set(&[("PROSE-TABLE", 53, Error), ("PROSE-CHANNELS", 263, Warning)])
    );
}

#[test]
fn seed_001_training_classes() {
    // L9: 开展2期 vs 举办各类培训班数 0; 参训200余人次 vs 210 passes as a lower bound.
    assert_eq!(
        prose_findings("fixtures/formats/seed_001.txt"),
        set(&[("PROSE-TRAINING", 9, Warning)])
    );
}

#[test]
fn seed_002_year_on_year_change() {
    // L7: 18件 较去年同期增长55%: no integer base; 未发生行政复议、行政诉讼 = table 0 passes.
    assert_eq!(
        prose_findings("fixtures/formats/seed_002.txt"),
        set(&[("PROSE-CHANGE", 7, Warning)])
    );
}

#[test]
fn seed_003_prose_only() {
    // L63: 691007 > 约55.4万; L73: 办结率92% vs L83 全部办结; L109: 114 + 358 ≠ 226.
    assert_eq!(
        prose_findings("fixtures/formats/seed_003.txt"),
        set(&[
            ("PROSE-CHANNELS", 63, Warning),
            ("PROSE-STATUS", 73, Warning),
            ("PROSE-SUM", 109, Error),
        ])
    );
}

#[test]
fn seed_004_tender_notices() {
    // L51: 215 vs 213 (parts fall short: warning); 188 vs 203 (parts exceed: error).
    assert_eq!(
        prose_findings("fixtures/formats/seed_004.txt"),
        set(&[("PROSE-SUM", 51, Warning), ("PROSE-SUM", 51, Error)])
    );
}

#[test]
fn status_finding_points_at_both_lines() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/formats/seed_003.txt");
    let doc = gouji::source::read(&path).expect("fixture");
    let registry = Registry::builtin().expect("packs");
    let report = check_document(&doc, &registry, &AllRules);
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "PROSE-STATUS")
        .expect("status finding");
    let lines: Vec<usize> = f.operands.iter().map(|o| o.position.line).collect();
    assert_eq!(lines, vec![73, 83]);
    assert!(f.message_en.contains("uncertain"));
}

#[test]
fn table_finding_labels_prose_and_table() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/formats/seed_000.txt");
    let doc = gouji::source::read(&path).expect("fixture");
    let registry = Registry::builtin().expect("packs");
    let report = check_document(&doc, &registry, &AllRules);
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "PROSE-TABLE")
        .expect("finding");
    let ops: Vec<(usize, String, String)> = f
        .operands
        .iter()
        .map(|o| (o.position.line, o.key.clone(), o.value.to_string()))
        .collect();
    assert_eq!(
        ops,
        vec![
            (53, "prose".to_string(), "88".to_string()),
            (100, "response.total".to_string(), "80".to_string())
        ]
    );
    assert!(f.scope.as_deref().unwrap_or("").contains("2015"));
}

#[test]
fn open_lists_may_fall_short() {
    // L1 ends in 等: 30 + 20 < 100 is expected. L2 has no 等: 3 + 4 < 10 is a warning.
    assert_eq!(
        prose_findings("fixtures/prose/open_list.txt"),
        set(&[("PROSE-SUM", 2, Warning)])
    );
}

#[test]
fn nested_parentheticals_are_sub_items() {
    // L1: 19 inside （…） is part of 100, not a sibling. L2: 286个 ≤ 534条 across units.
    // L3: the parenthetical parts 3 + 9 + 4 = 16 exceed 13.
    assert_eq!(
        prose_findings("fixtures/prose/nested.txt"),
        set(&[("PROSE-SUM", 3, Warning)])
    );
}

#[test]
fn mixed_units_are_left_out() {
    // L1: 14 场次 is not an item of 288905条: the 条 parts fall short by 14, not reported.
    // L2: 16 + 12 + 20 = 48 > 42, every figure exact: an error.
    assert_eq!(
        prose_findings("fixtures/prose/mixed_units.txt"),
        set(&[("PROSE-SUM", 2, Error)])
    );
}

#[test]
fn two_partitions_of_one_total_pass() {
    assert_eq!(
        prose_findings("fixtures/prose/two_partitions.txt"),
        set(&[])
    );
}

#[test]
fn approximate_totals_are_intervals() {
    // 约55.4万 is 553500..=554499: 554400 fits, 554600 does not.
    assert_eq!(
        prose_findings("fixtures/prose/approx_total.txt"),
        set(&[("PROSE-CHANNELS", 2, Warning)])
    );
}

#[test]
fn shares_accept_truncation_and_try_every_base() {
    // L1: 35/805 = 4.3478 printed 4.34 (truncated) passes; L2: 199/200 = 99.5 passes;
    // L3: 4.5% fits base 770 alone, but the shares of the partition make 100.15;
    // L4: 8件 较去年同期下降20% (base 10) and 办结率100% pass.
    assert_eq!(
        prose_findings("fixtures/prose/shares.txt"),
        set(&[("PROSE-SHARE-SUM", 3, Warning)])
    );
}

#[test]
fn second_report_in_one_file_is_its_own_scope() {
    // L18 (2015, with the 2015 table): 88 vs 80. The 信箱 figure (L19) is another statistic,
    // and the 2014 paragraph at the end (77, 5) is not compared with the 2015 table.
    assert_eq!(
        prose_findings("fixtures/prose/second_report.txt"),
        set(&[("PROSE-TABLE", 18, Error)])
    );
}

#[test]
fn prose_rules_are_listed_and_explained() {
    let registry = Registry::builtin().expect("packs");
    let ids: Vec<&str> = registry
        .rules()
        .filter(|(p, _)| p.id == "PROSE")
        .map(|(_, r)| r.id.as_str())
        .collect();
    assert_eq!(
        ids,
        vec![
            "PROSE-SUM",
            "PROSE-CHANNELS",
            "PROSE-SHARE",
            "PROSE-SHARE-SUM",
            "PROSE-RATE",
            "PROSE-CHANGE",
            "PROSE-TABLE",
            "PROSE-TRAINING",
            "PROSE-STATUS"
        ]
    );
    for (_, r) in registry.rules().filter(|(p, _)| p.id == "PROSE") {
        assert!(
            r.explain.example.contains("“") || r.explain.example.contains(" 20"),
            "{} needs a real example (a published report, quoted)",
            r.id
        );
        assert!(r.prose.is_some());
    }
}

/// The arithmetic a prose finding writes out, in English, for one rule of a text.
fn arithmetic_of(text: &str, rule: &str) -> Vec<String> {
    let doc = gouji::source::read_bytes("t.txt", text.as_bytes(), Path::new("t.txt")).unwrap();
    let registry = Registry::builtin().expect("built-in packs");
    check_document(&doc, &registry, &AllRules)
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.arithmetic_en())
        .collect()
}

#[test]
fn prose_arithmetic_names_the_figures_tried() {
    let seed_002 = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/formats/seed_002.txt"),
    )
    .unwrap();
    // No integer base gives 55%: the two bases around it are shown.
    assert_eq!(
        arithmetic_of(&seed_002, "PROSE-CHANGE"),
        vec![
            "(18 − 12) / 12 × 100 = 50; (18 − 11) / 11 × 100 = 63.64, but 较去年同期增长 says 55%"
        ]
    );
    // A share with no fitting base shows the closest base it tried.
    let share = "申请方式中，当面申请6件，占总数的4.98%；通过网络提交申请104件，占总数的84.55%；以信函形式申请13件，占总数的10.57%。\n";
    assert_eq!(
        arithmetic_of(share, "PROSE-SHARE"),
        vec!["6 / 123 = 4.878%, but 占总数的 says 4.98%"]
    );
}

#[test]
fn prose_application_counts_are_compared_with_the_2019_table() {
    let seed_002 = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/formats/seed_002.txt"),
    )
    .unwrap();
    let say = |sentence: &str| seed_002.replace("全年共受理并办结政府信息依申请公开18件", sentence);
    // 本年新收 is certain: 19 against the table's 18 is an error.
    let got = arithmetic_of(&say("本年新收政府信息公开申请19件"), "PROSE-TABLE");
    assert_eq!(got.len(), 1, "{got:?}");
    // 收到 may count carried-over applications too: a warning, and 18 (= 18 + 0) agrees.
    assert_eq!(
        arithmetic_of(&say("全年共收到政府信息公开申请19件"), "PROSE-TABLE").len(),
        1
    );
    assert!(arithmetic_of(&say("全年共收到政府信息公开申请18件"), "PROSE-TABLE").is_empty());
    // 受理 is another count (the 受理 vs 收到 trap): never compared.
    assert!(arithmetic_of(&say("全年共受理政府信息公开申请19件"), "PROSE-TABLE").is_empty());
}

#[test]
fn a_list_opened_by_qizhong_after_a_total_goes_on_past_the_sentence() {
    // L1: 其中 opens the sentence after the total and every item carries its share: 1650 + 668
    // = 2318 ≠ 2300 (a warning: the list runs past 。). L2 adds up. L3: the sentence after the
    // list is no item of it. L4/L5: items separated by `；` are one list (391 ≠ 390). L6: one
    // item, then another count after `；`: not read as one list.
    assert_eq!(
        prose_findings("fixtures/prose/cross_sentence.txt"),
        set(&[("PROSE-SUM", 1, Warning), ("PROSE-SUM", 5, Warning)])
    );
}

#[test]
fn a_list_ending_with_a_catch_all_must_sum_exactly() {
    // L1: in parentheses, ending with 其他…: 1833 ≠ 1840 is an error. L2 adds up. L3: a
    // parenthetical list without catch-all may fall short. L4: a top-level list ending with
    // 其他 falls short: an error; L5: the same without catch-all: a warning.
    assert_eq!(
        prose_findings("fixtures/prose/catch_all.txt"),
        set(&[
            ("PROSE-SUM", 1, Error),
            ("PROSE-SUM", 4, Error),
            ("PROSE-SUM", 5, Warning)
        ])
    );
}

#[test]
fn nested_subsets_are_not_siblings() {
    // L1: 17950 is a subset of 18200 (其中 inside a part): 18200 + 7600 + 4700 = 30500.
    // L2: the same list against 30600 (a 主动公开 total split by department: a warning).
    // L3: 全文电子化主动公开文件 may be a subset of 主动公开文件: one reading adds up.
    // L4: 包含 opens sub-lists of a part. L5: no reading adds up: a warning.
    assert_eq!(
        prose_findings("fixtures/prose/nested_subsets.txt"),
        set(&[("PROSE-SUM", 2, Warning), ("PROSE-SUM", 5, Warning)])
    );
}

#[test]
fn two_series_of_one_list_are_judged_apart() {
    // L1: 6 + 128 = 134 and 141 + 1205 = 1346. L2: 1346 against 1366 (falls short: a
    // warning). L3: 历年累计 after this year's parts is another measure, not a channel.
    assert_eq!(
        prose_findings("fixtures/prose/series.txt"),
        set(&[("PROSE-SUM", 2, Warning)])
    );
}

#[test]
fn rates_need_two_figures() {
    // L1: no 办结 count: not checkable. L2: 办结 > 受理, and 126/162 ≠ 100%. L3: 124/126 = 98.4.
    assert_eq!(
        prose_findings("fixtures/prose/rates.txt"),
        set(&[("PROSE-RATE", 2, Warning)])
    );
}

#[test]
fn shares_after_their_unit_and_other_measures() {
    // L1: `2.0%占` belongs to 50人次: 1200 + 1250 + 50 = 2500 and every share fits. L2: 粉丝
    // and 阅读量 are no parts of 3个. L3: 3072 / 38954 = 7.886% printed 8.0% (one unit off).
    // L4: 1250 / 16400 = 7.62% printed 7.6% passes.
    assert_eq!(
        prose_findings("fixtures/prose/other_measures.txt"),
        set(&[("PROSE-SHARE", 3, Warning)])
    );
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/prose/other_measures.txt"),
    )
    .unwrap();
    assert_eq!(
        arithmetic_of(&text, "PROSE-SHARE"),
        vec!["3072 / 38954 = 7.886%（应为 7.9%，末位差一）, but 占 says 8.0%"]
    );
}

#[test]
fn lines_broken_inside_a_sentence_are_read_as_one() {
    // L1–L9 are one sentence printed one figure per line: 28 + 195 + 78 = 301 ≠ 346 (the list
    // ends with 其他权责事项: an error); every figure keeps its own line and column. The
    // heading (L10) starts a new paragraph; the second list adds up; two figures on
    // consecutive lines (L21, L22) are never glued.
    assert_eq!(
        prose_findings("fixtures/prose/broken_lines.txt"),
        set(&[("PROSE-SUM", 2, Error)])
    );
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/prose/broken_lines.txt");
    let doc = gouji::source::read(&path).expect("fixture");
    let registry = Registry::builtin().expect("packs");
    let report = check_document(&doc, &registry, &AllRules);
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "PROSE-SUM")
        .expect("finding");
    let at: Vec<(usize, usize, String)> = f
        .operands
        .iter()
        .map(|o| (o.position.line, o.position.column, o.value.to_string()))
        .collect();
    assert_eq!(
        at,
        vec![
            (2, 1, "346".to_string()),
            (4, 1, "28".to_string()),
            (6, 1, "195".to_string()),
            (8, 1, "78".to_string())
        ]
    );
}

#[test]
fn prose_wordings_are_compared_with_the_table() {
    let seed_002 = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/formats/seed_002.txt"),
    )
    .unwrap();
    let say = |sentence: &str| seed_002.replace("全年共受理并办结政府信息依申请公开18件", sentence);
    // 收到 without 共: 新收 or 新收 + 结转, a warning when neither is 2; 18 agrees.
    assert_eq!(
        arithmetic_of(&say("我局收到申请2件"), "PROSE-TABLE").len(),
        1
    );
    assert!(arithmetic_of(&say("我局收到申请18件"), "PROSE-TABLE").is_empty());
    // A part (其中…收到) is not the report's count.
    assert!(arithmetic_of(&say("其中市本级收到申请2件"), "PROSE-TABLE").is_empty());
    // 因依申请公开引发行政复议2起 against table 4's review total 0.
    assert_eq!(
        arithmetic_of(&say("因依申请公开引发行政复议2起"), "PROSE-TABLE").len(),
        1
    );
    // A zero statement against a table that says 18.
    assert_eq!(
        arithmetic_of(&say("本年度未收到政府信息公开申请"), "PROSE-STATUS").len(),
        1
    );
    assert!(arithmetic_of(
        &say("本年度未收到因政府信息公开申请提起的行政复议"),
        "PROSE-STATUS"
    )
    .is_empty());
}

#[test]
fn a_breakdown_in_the_next_paragraph_stays_within_its_total() {
    // L1–L3: the categories after the heading make 1877 > 1840, and the breakdown names the
    // total's measure (主动公开): an error. L4–L6: falling short with no catch-all is nothing.
    // L7–L8: a list ending with 其他 falls short: a warning (the total is a guess). L9–L10:
    // 12条 is no total of the next paragraph's figures.
    assert_eq!(
        prose_findings("fixtures/prose/later_paragraph.txt"),
        set(&[("PROSE-SUM", 1, Error), ("PROSE-SUM", 7, Warning)])
    );
}

#[test]
fn a_sibling_the_table_has_no_row_for_is_a_second_reading() {
    // The FJ2014 table has no 已主动公开 row: its 同意公开答复数 (280) may hold those answers.
    let fj = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/local/fj2014_two_columns.txt"),
    )
    .unwrap();
    let say = |s: &str| fj.replace("“同意公开”280件", s);
    assert!(arithmetic_of(&say("已主动公开30件、“同意公开”250件"), "PROSE-TABLE").is_empty());
    assert_eq!(
        arithmetic_of(&say("已主动公开30件、“同意公开”240件"), "PROSE-TABLE").len(),
        1
    );
}

#[test]
fn whole_report_totals_are_compared_with_the_table_of_their_report() {
    let seed_000 = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/formats/seed_000.txt"),
    )
    .unwrap();
    let say = |s: &str| seed_000.replace("全市各级各部门累计主动公开信息135509条", s);
    let table = |text: &str| -> Vec<String> {
        arithmetic_of(text, "PROSE-TABLE")
            .into_iter()
            .filter(|a| a.contains("135509"))
            .collect()
    };
    assert_eq!(
        table(&say("全市各级各部门共主动公开政府信息135510条")).len(),
        1
    );
    assert!(table(&say("全市各级各部门共主动公开政府信息135509条")).is_empty());
    // A part (其中…) or a running total is not the report's count.
    assert!(table(&say("其中全市各级各部门共主动公开政府信息135510条")).is_empty());
}

#[test]
fn outcomes_in_the_prose_are_compared_with_the_2019_table() {
    let seed_002 = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/formats/seed_002.txt"),
    )
    .unwrap();
    let say = |s: &str| seed_002.replace("全年共受理并办结政府信息依申请公开18件", s);
    let table = |text: &str| -> Vec<(Severity, String)> {
        let doc = gouji::source::read_bytes("t.txt", text.as_bytes(), Path::new("t.txt")).unwrap();
        let registry = Registry::builtin().expect("built-in packs");
        check_document(&doc, &registry, &AllRules)
            .findings
            .iter()
            .filter(|f| f.rule == "PROSE-TABLE")
            .map(|f| (f.severity, f.arithmetic_en()))
            .collect()
    };
    // Table: 予以公开 6, 部分公开 1.
    assert!(table(&say("予以公开6件，部分公开1件")).is_empty());
    // 予以公开 may count 部分公开 too: 7 = 6 + 1 agrees; 8 is a warning.
    assert!(table(&say("予以公开7件")).is_empty());
    assert_eq!(table(&say("予以公开8件")).len(), 1);
    assert_eq!(table(&say("予以公开8件"))[0].0, Warning);
    // 部分公开 is the table's own label: 2 against 1 is an error.
    assert_eq!(table(&say("部分公开2件"))[0].0, Error);
}
