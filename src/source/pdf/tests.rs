//! Tests of the PDF reader on the two corpus PDFs (2021 format) and on error paths.

use super::*;
use crate::source::{Row, Table};
use std::path::Path;

fn read_fixture(file: &str) -> Document {
    let path = format!("{}/fixtures/pdf/{file}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).expect("fixture present");
    match read(file, &bytes) {
        Ok(doc) => doc,
        Err(e) => panic!("{file}: {e} (is poppler-utils installed?)"),
    }
}

/// Value cells of a row: the trailing cells that are numbers (or blank).
fn values(row: &Row) -> Vec<&str> {
    let n = row
        .cells
        .iter()
        .rev()
        .take_while(|c| c.text.is_empty() || lines::is_number(&c.text))
        .count();
    row.cells[row.cells.len() - n..]
        .iter()
        .map(|c| c.text.as_str())
        .collect()
}

/// The row label: the last cell before the values.
fn label(row: &Row) -> &str {
    let n = values(row).len();
    row.cells
        .len()
        .checked_sub(n + 1)
        .map_or("", |i| row.cells[i].text.as_str())
}

/// Data rows (rows with at least one value) of a table.
fn data_rows(t: &Table) -> Vec<&Row> {
    t.rows.iter().filter(|r| !values(r).is_empty()).collect()
}

/// The table whose data rows all have `width` values, with at least `min_rows` rows.
fn table_with(doc: &Document, width: usize, min_rows: usize) -> &Table {
    doc.tables()
        .find(|t| {
            let rows = data_rows(t);
            rows.len() >= min_rows && rows.iter().all(|r| values(r).len() == width)
        })
        .expect("table present")
}

fn row_by_label<'a>(t: &'a Table, prefix: &str) -> &'a Row {
    let rows: Vec<&Row> = data_rows(t)
        .into_iter()
        .filter(|r| label(r).starts_with(prefix))
        .collect();
    assert_eq!(rows.len(), 1, "exactly one row labelled {prefix}…");
    rows[0]
}

fn nums(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

fn ints(row: &Row) -> Vec<i64> {
    values(row)
        .iter()
        .map(|v| v.parse::<i64>().expect("integer"))
        .collect()
}

#[test]
fn view_has_page_markers_and_no_form_feeds() {
    let doc = read_fixture("hongze-2024.pdf");
    assert!(!doc.view.contains('\x0c'));
    assert_eq!(doc.line_text(1), "〔第1页〕");
    for p in 1..=5 {
        assert!(doc.view.contains(&format!("〔第{p}页〕\n")), "page {p}");
    }
    assert!(!doc.view.contains("〔第6页〕"));
    assert_eq!(doc.format, InputFormat::Pdf);
    // Every cell span points at its own text in the view, with a page locator.
    for t in doc.tables() {
        assert!(t.locator.as_deref().is_some_and(|l| l.starts_with('第')));
        for r in &t.rows {
            for c in &r.cells {
                assert!(c.locator.as_deref().is_some_and(|l| l.ends_with('页')));
                if lines::is_number(&c.text) {
                    assert_eq!(doc.slice(&c.span), c.text);
                }
            }
        }
    }
}

#[test]
fn table3_hongze() {
    let doc = read_fixture("hongze-2024.pdf");
    let t = table_with(&doc, 7, 20);
    let rows = data_rows(t);
    // This report prints （六）其他处理 as one row, without the three 2021 sub-rows (checked on the
    // rendered page): 23 rows, not 25.
    assert_eq!(rows.len(), 23);
    assert!(rows.iter().all(|r| !label(r).is_empty()));
    assert_eq!(
        values(row_by_label(t, "（六）其他处理")),
        nums("0 0 0 0 0 0 0")
    );
    assert_eq!(
        values(row_by_label(t, "一、本年新收")),
        nums("95 0 0 0 0 0 95")
    );
    assert_eq!(
        values(row_by_label(t, "（七）总计")),
        nums("95 0 0 0 0 0 95")
    );
    assert_eq!(
        values(row_by_label(t, "（一）予以公开")),
        nums("50 0 0 0 0 0 50")
    );
    assert_eq!(
        values(row_by_label(t, "1.本机关不掌握")),
        nums("31 0 0 0 0 0 31")
    );
    // Wrapped label, numbers on a later line of their own.
    let partial = row_by_label(t, "（二）部分公开");
    assert!(
        label(partial).ends_with("不计其他情形）"),
        "{}",
        label(partial)
    );
    assert_eq!(values(partial), nums("9 0 0 0 0 0 9"));
    let reissue = row_by_label(t, "5.要求行政机关确认");
    assert!(label(reissue).ends_with("已获取信息"));
    // Rows split across pages 3 and 4.
    let page = |prefix: &str| row_by_label(t, prefix).cells[0].locator.clone();
    assert_eq!(page("1.本机关不掌握").as_deref(), Some("第3页"));
    assert_eq!(page("2.没有现成信息").as_deref(), Some("第4页"));
    check_table3_sums(&rows);
}

#[test]
fn table3_huaian() {
    let doc = read_fixture("huaian-2024.pdf");
    let t = table_with(&doc, 7, 20);
    let rows = data_rows(t);
    assert_eq!(rows.len(), 25);
    assert!(rows.iter().all(|r| !label(r).is_empty()));
    assert_eq!(
        values(row_by_label(t, "一、本年新收")),
        nums("3001 53 0 0 61 4 3119")
    );
    assert_eq!(
        values(row_by_label(t, "（七）总计")),
        nums("2932 53 0 0 61 4 3050")
    );
    assert_eq!(
        values(row_by_label(t, "四、结转下年度")),
        nums("103 0 0 0 0 0 103")
    );
    // A label wrapped above and below its numbers.
    let partial = row_by_label(t, "（二）部分公开");
    assert_eq!(
        label(partial),
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    );
    assert_eq!(values(partial), nums("447 7 0 0 0 0 454"));
    // Three-line labels with numbers on the middle line, a group caption beside them.
    let no_fix = row_by_label(t, "1、申请人无正当理由");
    assert_eq!(
        label(no_fix),
        "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    );
    assert_eq!(values(no_fix), nums("67 3 0 0 1 0 71"));
    let unpaid = row_by_label(t, "2、申请人逾期未按");
    assert!(label(unpaid).ends_with("其政府信息公开申请"));
    assert_eq!(values(unpaid), nums("6 0 0 0 0 0 6"));
    // The vertical caption 三、本年度办理结果 does not become rows nor take numbers.
    assert!(rows.iter().all(|r| label(r).chars().count() > 3));
    assert_eq!(
        values(row_by_label(t, "2.其他法律行政法规禁止公开")),
        nums("30 1 0 0 0 0 31")
    );
    // Split across pages 4 and 5 (footer `-4-` between rows).
    assert_eq!(
        row_by_label(t, "2.没有现成信息").cells[0]
            .locator
            .as_deref(),
        Some("第5页")
    );
    check_table3_sums(&rows);
}

/// Row totals and the column identities of the 2021 table 3 hold on what was read: a strong
/// check that every value landed in its row and column.
fn check_table3_sums(rows: &[&Row]) {
    let v: Vec<Vec<i64>> = rows.iter().map(|r| ints(r)).collect();
    let n = v.len();
    for (r, row) in v.iter().enumerate() {
        assert_eq!(row[..6].iter().sum::<i64>(), row[6], "row {r}");
    }
    for c in 0..7 {
        // Rows: new, carried over, the result rows, total, carried forward.
        let leaves: i64 = v[2..n - 2].iter().map(|r| r[c]).sum();
        assert_eq!(leaves, v[n - 2][c], "column {c}: results");
        assert_eq!(
            v[0][c] + v[1][c],
            v[n - 2][c] + v[n - 1][c],
            "column {c}: balance"
        );
    }
}

#[test]
fn table4_one_row_of_15() {
    for (file, expect) in [
        ("hongze-2024.pdf", "1 1 0 0 2 1 0 0 0 1 2 0 1 0 3"),
        (
            "huaian-2024.pdf",
            "72 64 178 37 351 13 4 8 1 26 12 1 1 6 20",
        ),
    ] {
        let doc = read_fixture(file);
        let t = table_with(&doc, 15, 1);
        let rows = data_rows(t);
        assert_eq!(rows.len(), 1, "{file}");
        assert_eq!(rows[0].cells.len(), 15, "{file}: no label cell");
        assert_eq!(values(rows[0]), nums(expect), "{file}");
        // The header lines are kept as text rows (signature words for detection).
        let header: Vec<&str> = t
            .rows
            .iter()
            .flat_map(|r| &r.cells)
            .map(|c| c.text.as_str())
            .collect();
        assert!(header.contains(&"行政复议"), "{file}");
    }
}

#[test]
fn table2_rows() {
    for (file, expect) in [
        (
            "hongze-2024.pdf",
            [
                ("规章", "0 0 0"),
                ("行政规范性文件", "3 0 8"),
                ("行政许可", "9487"),
                ("行政处罚", "2776"),
                ("行政强制", "84"),
                ("行政事业性收费", "7545"),
            ],
        ),
        (
            "huaian-2024.pdf",
            [
                ("规章", "1 0 11"),
                ("行政规范性文件", "8 26 66"),
                ("行政许可", "447228"),
                ("行政处罚", "3985758"),
                ("行政强制", "88283"),
                ("行政事业性收费", "96171.6"),
            ],
        ),
    ] {
        let doc = read_fixture(file);
        let t = doc
            .tables()
            .find(|t| data_rows(t).iter().any(|r| label(r) == "规章"))
            .expect("table 2");
        let rows = data_rows(t);
        assert_eq!(rows.len(), 6, "{file}");
        for (row, (lab, vals)) in rows.iter().zip(expect) {
            assert_eq!(label(row), lab, "{file}");
            assert_eq!(values(row), nums(vals), "{file} {lab}");
        }
        // Sub-table captions and headers stay as text rows.
        let texts: Vec<&str> = t
            .rows
            .iter()
            .flat_map(|r| &r.cells)
            .map(|c| c.text.as_str())
            .collect();
        assert!(texts.contains(&"本年制发件数"), "{file}");
        assert!(texts.contains(&"本年收费金额（单位：万元）"), "{file}");
    }
}

#[test]
fn paragraphs_join_wrapped_lines() {
    let doc = read_fixture("hongze-2024.pdf");
    let paras: Vec<(&str, Option<&str>)> = doc
        .paragraphs()
        .map(|p| (doc.slice(&p.span), p.locator.as_deref()))
        .collect();
    assert!(paras.contains(&("六、其他需要报告的事项", Some("第5页"))));
    assert!(paras.contains(&("一、总体情况", Some("第1页"))));
    let apply = paras
        .iter()
        .find(|(t, _)| t.starts_with("（二）依申请公开情况"))
        .expect("paragraph");
    assert!(apply
        .0
        .contains("信息公开申请 17 件，均已在法定期限内予以答复。"));
    assert_eq!(apply.1, Some("第1页"));
    // No paragraph holds table numbers or a page footer.
    assert!(paras
        .iter()
        .all(|(t, _)| !t.contains("-2-") && !t.contains("9487")));
    // Blocks are in document order.
    let starts: Vec<usize> = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Paragraph(p) => p.span.start,
            Block::Table(t) => t.span.start,
        })
        .collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn blank_cell_kept_by_column_position() {
    let raw = "表\n\
               甲类           1      2      3\n\
               乙类           4             6\n\
               丙类           7      8      9\n";
    let doc = parse("x.pdf", raw);
    let t = doc.tables().next().expect("table");
    let rows = data_rows(t);
    assert_eq!(values(rows[1]), ["4", "", "6"]);
    assert_eq!(rows[1].cells[2].span.len(), 0);
    // A narrower sub-table after a header line is not padded.
    let raw = "名称    甲    乙    丙\n\
               规章    1     0     11\n\
               名称    数量\n\
               许可    447228\n";
    let doc = parse("x.pdf", raw);
    let t = doc.tables().next().expect("table");
    assert_eq!(values(data_rows(t)[1]), ["447228"]);
}

#[test]
fn label_without_marker_above_labelless_row() {
    let raw = "一、甲项        1     2\n\
               二、乙项很长的名称\n\
               续行\n\
                               3     4\n\
               三、丙项        5     6\n";
    let doc = parse("x.pdf", raw);
    let t = doc.tables().next().expect("table");
    let rows = data_rows(t);
    assert_eq!(rows.len(), 3);
    assert_eq!(label(rows[0]), "一、甲项");
    assert_eq!(label(rows[1]), "二、乙项很长的名称续行");
    assert_eq!(values(rows[1]), ["3", "4"]);
}

#[test]
fn missing_tool_is_reported_with_install_hint() {
    let bytes = std::fs::read(format!(
        "{}/fixtures/pdf/hongze-2024.pdf",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    let err = read_with(
        "x.pdf",
        &bytes,
        Path::new("/nonexistent/gouji-test/pdftotext"),
        Limits::default(),
    )
    .expect_err("must fail");
    match err {
        ReadError::Tool { tool, reason } => {
            assert_eq!(tool, "pdftotext (poppler-utils)");
            assert!(reason.contains("apt-get install poppler-utils"), "{reason}");
        }
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn binary_override() {
    use std::ffi::OsString;
    assert_eq!(tool::binary(None), Path::new("pdftotext"));
    assert_eq!(tool::binary(Some(OsString::new())), Path::new("pdftotext"));
    assert_eq!(
        tool::binary(Some(OsString::from("/opt/poppler/bin/pdftotext"))),
        Path::new("/opt/poppler/bin/pdftotext")
    );
}

#[test]
fn non_pdf_and_truncated_pdf_are_errors() {
    assert!(matches!(
        read("x.pdf", b"hello, not a pdf"),
        Err(ReadError::Corrupt { format: "PDF", .. })
    ));
    assert!(matches!(
        read("x.pdf", b"%PDF-1.7\ngarbage garbage\n"),
        Err(ReadError::Corrupt { format: "PDF", .. })
    ));
    let bytes = std::fs::read(format!(
        "{}/fixtures/pdf/huaian-2024.pdf",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    let err = read("x.pdf", &bytes[..20_000]).expect_err("truncated");
    assert!(matches!(err, ReadError::Corrupt { .. }), "{err}");
    // Other cuts: an error or a partial document, never a panic.
    for cut in [1_000, 100_000, bytes.len() - 1_000] {
        let _ = read("x.pdf", &bytes[..cut]);
    }
}

/// A valid one-page PDF with an empty content stream (xref offsets computed).
fn empty_page_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        "<< /Length 0 >>\nstream\n\nendstream",
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        pdf.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

#[test]
fn pdf_without_text_layer_is_a_clear_error() {
    match read("scan.pdf", &empty_page_pdf()) {
        Err(ReadError::Corrupt { reason, .. }) => {
            assert!(reason.contains("no text layer"), "{reason}")
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn encrypted_and_other_failures_are_classified() {
    let e = tool_failure(Some(1), "Command Line Error: Incorrect password\n");
    assert!(e.to_string().contains("encrypted"), "{e}");
    let e = tool_failure(Some(3), "Permission Error: copying not allowed\n");
    assert!(e.to_string().contains("not permitted"), "{e}");
    let e = tool_failure(Some(99), "");
    assert!(matches!(e, ReadError::Tool { .. }));
    let e = tool_failure(None, "");
    assert!(matches!(e, ReadError::Tool { .. }));
}

#[cfg(unix)]
fn fake_tool(dir: &Path, script: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("fake-pdftotext");
    std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).expect("write script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

#[cfg(unix)]
#[test]
fn slow_tool_is_killed_and_big_output_refused() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().expect("tempdir");
    let slow = fake_tool(dir.path(), "exec sleep 30");
    let limits = Limits {
        timeout: Duration::from_millis(300),
        max_output: 1 << 20,
    };
    let t0 = Instant::now();
    let err = read_with("x.pdf", b"%PDF-1.4\n", &slow, limits).expect_err("timeout");
    assert!(err.to_string().contains("did not finish"), "{err}");
    assert!(t0.elapsed() < Duration::from_secs(10));

    let dir = tempfile::tempdir().expect("tempdir");
    let chatty = fake_tool(
        dir.path(),
        "cat >/dev/null; head -c 300000 /dev/zero | tr '\\0' 'x'",
    );
    let limits = Limits {
        timeout: Duration::from_secs(20),
        max_output: 1000,
    };
    let err = read_with("x.pdf", b"%PDF-1.4\n", &chatty, limits).expect_err("too big");
    assert!(err.to_string().contains("exceeds"), "{err}");
}

#[test]
fn rows_with_every_value_blank_are_rows() {
    // F2014 statistics table: a unit column and one value column; two rows print no value.
    let raw = "统计指标                 单位   统计数\n\
               1.当面申请数              件     1\n\
               2.传真申请数              件\n\
               3.网络申请数              件     50\n\
               (三)其他情形数            件\n\
               五、行政诉讼数量          件     11\n\
               (三)其他情形数            件     8\n";
    let doc = parse("x.pdf", raw);
    let t = doc.tables().next().expect("a table");
    let all: Vec<Vec<&str>> = t
        .rows
        .iter()
        .map(|r| r.cells.iter().map(|c| c.text.as_str()).collect())
        .collect();
    assert!(all.contains(&vec!["2.传真申请数", "件", ""]), "{all:?}");
    // Both 其他情形数 rows are kept, in order, the first blank and the second 8.
    let other: Vec<&Vec<&str>> = all.iter().filter(|r| r[0] == "(三)其他情形数").collect();
    assert_eq!(
        other,
        [
            &vec!["(三)其他情形数", "件", ""],
            &vec!["(三)其他情形数", "件", "8"]
        ]
    );
    // The blank cell carries the page locator.
    let blank = &t
        .rows
        .iter()
        .find(|r| r.cells[0].text == "2.传真申请数")
        .unwrap()
        .cells[2];
    assert_eq!(blank.locator.as_deref(), Some("第1页"));
}
