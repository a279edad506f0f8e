//! Crawled reports as found (one cell per line, blank cells dropped, labels split over lines,
//! page chrome): every table cell is read at its own line and column with its printed value, a
//! report whose figures agree gets no error, and a changed figure is caught at that cell.

use crate::support::{fixture, registry};
use gouji::check::AllRules;
use gouji::pipeline::check_document;
use gouji::rules::Severity;
use gouji::source::read_bytes;
use std::collections::HashSet;
use std::path::Path;

/// The five crawled reports of `fixtures/crawl/` (2021, 2019, pre-2014 and Fujian forms) with
/// their true cells.
const CRAWLED: &[&str] = &[
    "putian-stats-2025",
    "putian-emergency-2023",
    "putian-city-2010",
    "putian-science-2013",
    "putian-culture-2020",
];

/// `(line, column, value)` of every true cell (with `identities`: only cells that take part in
/// an identity of their form).
fn truth_cells(name: &str, identities: bool) -> Vec<(usize, usize, String)> {
    let text = std::fs::read_to_string(fixture(&format!("crawl/{name}.truth.json"))).unwrap();
    let cells: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    cells
        .iter()
        .filter(|c| !identities || c["identity"].as_bool() == Some(true))
        .map(|c| {
            (
                c["line"].as_u64().unwrap() as usize,
                c["column"].as_u64().unwrap() as usize,
                c["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn read(name: &str, text: &str) -> gouji::source::Document {
    read_bytes(name, text.as_bytes(), Path::new("r.txt")).unwrap()
}

#[test]
fn every_cell_is_read_where_it_is_printed() {
    for name in CRAWLED {
        let path = fixture(&format!("crawl/{name}.txt"));
        let text = std::fs::read_to_string(&path).unwrap();
        let doc = read(name, &text);
        let rows = gouji::export::rows(&doc, registry());
        let got: HashSet<(usize, usize, String)> = rows
            .iter()
            .map(|r| (r.line, r.column, r.value.clone()))
            .collect();
        let cells = truth_cells(name, false);
        let missed: Vec<_> = cells.iter().filter(|c| !got.contains(c)).collect();
        assert!(missed.is_empty(), "{name}: {missed:?}");
    }
}

#[test]
fn consistent_crawls_have_no_error_and_a_changed_total_is_caught_at_its_cell() {
    for name in [
        "putian-stats-2025",
        "putian-emergency-2023",
        "putian-science-2013",
    ] {
        let text = std::fs::read_to_string(fixture(&format!("crawl/{name}.txt"))).unwrap();
        let r = check_document(&read(name, &text), registry(), &AllRules);
        let errors: Vec<&str> = r
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.rule.as_str())
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        // Change each cell that takes part in an identity by one (the first twelve): each
        // change is an error whose operands include that cell.
        let lines: Vec<&str> = text.split('\n').collect();
        for (line, column, value) in truth_cells(name, true).into_iter().take(12) {
            let Ok(v) = value.parse::<i64>() else {
                continue;
            };
            let l = lines[line - 1];
            let start: usize = l.chars().take(column - 1).map(char::len_utf8).sum();
            if !l[start..].starts_with(&value) {
                continue;
            }
            let changed = format!("{}{}{}", &l[..start], v + 1, &l[start + value.len()..]);
            let mut m = lines.clone();
            m[line - 1] = &changed;
            let r = check_document(&read(name, &m.join("\n")), registry(), &AllRules);
            let caught = r.findings.iter().any(|f| {
                f.severity == Severity::Error
                    && f.operands
                        .iter()
                        .any(|o| o.position.line == line && o.position.column == column)
            });
            assert!(caught, "{name}:{line}:{column} {value} -> {}", v + 1);
        }
    }
}

#[test]
fn a_cell_that_is_not_a_number_keeps_its_column() {
    let text = "2021年度政府信息公开工作年度报告\n申请人无正当理由逾期不补正\n\
        一、本年新收政府信息公开申请数量\n5\n0\n0\n0\n0\n0\n5\n二、上年结转政府信息公开申请数量\n0\n\
        （一）予以公开\n4\n0\n0\n1O\n0\n0\n5\n（七）总计\n5\n0\n0\n0\n0\n0\n5\n\
        四、结转下年度继续办理\n0\n";
    let r = check_document(&read("bad.txt", text), registry(), &AllRules);
    let bad: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "GOUJI-CELL-NOT-NUMBER")
        .collect();
    assert_eq!(bad.len(), 1);
    assert_eq!((bad[0].position.line, bad[0].position.column), (17, 1));
    // 1O sits in 社会公益组织: the 总计 5 after it is still the 总计, so nothing is misread.
    assert!(
        r.findings.iter().all(|f| f.severity != Severity::Error),
        "{:?}",
        r.findings.iter().map(|f| &f.rule).collect::<Vec<_>>()
    );
}

/// A converter's Markdown: generic headers (`| 类别 | 数据1 | … | 总计 |`) and table 3 cut into
/// one small table per row group, most pieces without any signature of their form.
#[test]
fn markdown_cut_into_pieces_with_generic_headers_is_read_whole() {
    let path = fixture("formats/markdown_cut_f2021.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let r = check_document(&read("cut.md", &text), registry(), &AllRules);
    assert_eq!(r.formats, vec!["F2021".to_string()]);
    assert!(
        r.findings.is_empty(),
        "{:?}",
        r.findings.first().map(|f| &f.rule)
    );
    let doc = read("cut.md", &text);
    let t3 = gouji::export::rows(&doc, registry())
        .into_iter()
        // The cells, not the concepts computed from them.
        .filter(|row| row.table_id == "t3" && row.read != "computed")
        .count();
    assert_eq!(t3, 25 * 7);
    // One figure of the third piece changed: the row no longer adds up.
    let changed = text.replacen(
        "| 2.其他法律行政法规禁止公开 | 2 |",
        "| 2.其他法律行政法规禁止公开 | 3 |",
        1,
    );
    assert_ne!(changed, text);
    let r = check_document(&read("cut.md", &changed), registry(), &AllRules);
    assert!(r
        .findings
        .iter()
        .any(|f| f.rule == "F2021-T3-ROW" && f.severity == Severity::Error));
}

/// 第二十条第（八）项 (行政事业性收费) has only 上一年项目数量 and 本年增/减: a page whose
/// 本年增/减 cell spans the missing 处理决定数量 column gives one figure, never a negative
/// decision count.
#[test]
fn a_row_never_fills_a_column_its_sub_table_lacks() {
    let path = fixture("html/f2019_fee_colspan.html");
    let bytes = std::fs::read(&path).unwrap();
    let doc = read_bytes("fee.html", &bytes, &path).unwrap();
    let rows = gouji::export::rows(&doc, registry());
    let fees: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r.row_key == "disclose.fees")
        .map(|r| (r.column_key.as_str(), r.value.as_str()))
        .collect();
    assert_eq!(fees, vec![("items_prev", "11"), ("items_delta", "-6")]);
    let r = check_document(&doc, registry(), &AllRules);
    assert!(
        r.findings.is_empty(),
        "{:?}",
        r.findings.first().map(|f| &f.rule)
    );
}

/// In a grid too, a mistyped figure keeps its column: `1O` in 商业企业 is reported at its
/// cell and the figures after it stay where they are (no wrong error in their columns).
#[test]
fn a_mistyped_figure_in_a_grid_does_not_shift_its_row() {
    let text = std::fs::read_to_string(fixture("formats/seed_002.txt")).unwrap();
    let line = "三、本年度办理结果 | (一)予以公开 | 5 | 1 | 0 | 0 | 0 | 0 | 6 | |";
    assert!(text.contains(line));
    let changed = text.replace(line, &line.replace("| 5 | 1 |", "| 5 | 1O |"));
    let r = check_document(&read("s.txt", &changed), registry(), &AllRules);
    let rules: Vec<(&str, Severity)> = r
        .findings
        .iter()
        .map(|f| (f.rule.as_str(), f.severity))
        .collect();
    assert!(
        rules.contains(&("GOUJI-CELL-NOT-NUMBER", Severity::Warning)),
        "{rules:?}"
    );
    assert!(
        rules.iter().all(|(_, s)| *s != Severity::Error),
        "{rules:?}"
    );
}

/// Digits glued to their label (D4) and a number split over two lines (D5) are put back only
/// where the row's identity fixes them, and say how they were read.
#[test]
fn glued_and_split_numbers_are_put_back_by_the_row_identity() {
    let head = "2021年度政府信息公开工作年度报告\n申请人无正当理由逾期不补正\n";
    let facts = |body: &str| {
        let doc = read(
            "g.txt",
            &format!("{head}{body}二、上年结转政府信息公开申请数量\n0\n"),
        );
        gouji::export::rows(&doc, registry())
            .into_iter()
            .filter(|r| r.row_key == "apply.new")
            .map(|r| (r.column_key, r.value, r.read))
            .collect::<Vec<_>>()
    };
    // 1 / 62 is 162: only the joined reading adds up (162 = 162).
    let joined = facts("一、本年新收政府信息公开申请数量\n1\n62\n0\n0\n0\n0\n0\n162\n");
    assert_eq!(joined[0], ("natural_person".into(), "162".into(), "joined"));
    assert_eq!(joined[6], ("total".into(), "162".into(), "stream"));
    // 160000016: the only split into seven cells whose parts add up to the last.
    let glued = facts("一、本年新收政府信息公开申请数量160000016\n");
    let values: Vec<&str> = glued.iter().map(|(_, v, _)| v.as_str()).collect();
    assert_eq!(values, ["16", "0", "0", "0", "0", "0", "16"]);
    assert!(glued.iter().all(|(_, _, read)| *read == "glued"));
    // No split of 160000017 adds up: a warning, and no figures invented.
    let text = format!(
        "{head}一、本年新收政府信息公开申请数量160000017\n二、上年结转政府信息公开申请数量\n0\n"
    );
    let r = check_document(&read("g.txt", &text), registry(), &AllRules);
    assert!(r
        .findings
        .iter()
        .any(|f| f.rule == "GOUJI-CELL-NOT-NUMBER" && f.severity == Severity::Warning));
    assert!(facts("一、本年新收政府信息公开申请数量160000017\n").is_empty());
}
