//! Tests of the workbook reader on a hand-made xlsx (no xlsx-writing crate is available).

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::{column_name, read};
use crate::source::{Document, ReadError, Table};

const FIXTURE: &[u8] = include_bytes!("../../../fixtures/xlsx/merged.xlsx");

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// One cell of the hand-made sheet: an inline string or a number.
enum V<'a> {
    S(&'a str),
    N(&'a str),
}

fn sheet_xml(cells: &[(&str, V<'_>)], merges: &[&str]) -> String {
    let mut rows: Vec<(u32, String)> = Vec::new();
    for (addr, v) in cells {
        let row: u32 = addr
            .trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .parse()
            .unwrap();
        let c = match v {
            V::S(s) => format!(r#"<c r="{addr}" t="inlineStr"><is><t>{s}</t></is></c>"#),
            V::N(n) => format!(r#"<c r="{addr}"><v>{n}</v></c>"#),
        };
        match rows.last_mut() {
            Some((r, xml)) if *r == row => xml.push_str(&c),
            _ => rows.push((row, c)),
        }
    }
    let data: String = rows
        .iter()
        .map(|(r, xml)| format!(r#"<row r="{r}">{xml}</row>"#))
        .collect();
    let merge_xml = if merges.is_empty() {
        String::new()
    } else {
        let m: String = merges
            .iter()
            .map(|m| format!(r#"<mergeCell ref="{m}"/>"#))
            .collect();
        format!(r#"<mergeCells count="{}">{m}</mergeCells>"#, merges.len())
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>{data}</sheetData>{merge_xml}</worksheet>"#
    )
}

/// A minimal two-sheet workbook, written deterministically.
fn build_xlsx() -> Vec<u8> {
    let sheet1 = sheet_xml(
        &[
            ("A1", V::S("收到和处理政府信息公开申请情况")),
            ("A2", V::S("项目")),
            ("B2", V::S("自然人")),
            ("C2", V::S("总计")),
            ("A3", V::S("本年新收")),
            ("B3", V::N("12.0")),
            ("C3", V::N("78874.110000000001")),
            ("A4", V::S("上年结转")),
            ("B4", V::N("0.30000000000000004")),
            ("C4", V::S("—")),
        ],
        &["A1:C1"],
    );
    // Second sheet: a name that needs quoting, data starting at B2, a vertical merge.
    let sheet2 = sheet_xml(
        &[
            ("B2", V::S("行政复议")),
            ("C2", V::N("3")),
            ("C3", V::N("4")),
        ],
        &["B2:B3"],
    );
    let parts: [(&str, String); 6] = [
        (
            "[Content_Types].xml",
            format!(
                concat!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
                    r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
                    r#"<Default Extension="xml" ContentType="application/xml"/>"#,
                    r#"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
                    r#"<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ws}"/>"#,
                    r#"<Override PartName="/xl/worksheets/sheet2.xml" ContentType="{ws}"/></Types>"#
                ),
                ws = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
            ),
        ),
        (
            "_rels/.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/><sheet name="表 4" sheetId="2" r:id="rId2"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL_NS}/worksheet" Target="worksheets/sheet2.xml"/></Relationships>"#
            ),
        ),
        ("xl/worksheets/sheet1.xml", sheet1),
        ("xl/worksheets/sheet2.xml", sheet2),
    ];
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default());
    for (name, data) in parts {
        w.start_file(name, opts).unwrap();
        w.write_all(data.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn texts(t: &Table) -> Vec<Vec<&str>> {
    t.rows
        .iter()
        .map(|r| r.cells.iter().map(|c| c.text.as_str()).collect())
        .collect()
}

fn fixture() -> Document {
    read("merged.xlsx", FIXTURE).expect("fixture reads")
}

#[test]
fn fixture_matches_builder() {
    // Regenerate with: cargo test --lib source::xlsx::tests::write_fixture -- --ignored
    assert_eq!(build_xlsx(), FIXTURE);
}

#[test]
#[ignore]
fn write_fixture() {
    std::fs::write(
        concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/xlsx/merged.xlsx"),
        build_xlsx(),
    )
    .unwrap();
}

#[test]
fn sheets_become_grids_with_merges_expanded() {
    let doc = fixture();
    let ts: Vec<&Table> = doc.tables().collect();
    assert_eq!(ts.len(), 2);
    let t = ts[0];
    assert!(t.is_grid);
    assert_eq!(t.locator.as_deref(), Some("Sheet1"));
    let title = "收到和处理政府信息公开申请情况";
    assert_eq!(
        texts(t),
        [
            vec![title, title, title],
            vec!["项目", "自然人", "总计"],
            vec!["本年新收", "12", "78874.11"],
            vec!["上年结转", "0.3", "—"],
        ]
    );
    let row1 = &t.rows[0].cells;
    assert!(row1
        .iter()
        .all(|c| c.origin == row1[0].origin && c.span == row1[0].span));
    assert_ne!(t.rows[1].cells[0].origin, row1[0].origin);
    assert_eq!(t.rows[2].cells[1].locator.as_deref(), Some("Sheet1!B3"));
    assert_eq!(t.rows[0].cells[2].locator.as_deref(), Some("Sheet1!C1"));
}

#[test]
fn vertical_merge_and_absolute_locators_on_second_sheet() {
    let doc = fixture();
    let t = doc.tables().nth(1).unwrap();
    assert_eq!(t.locator.as_deref(), Some("表 4"));
    assert_eq!(texts(t), [vec!["行政复议", "3"], vec!["行政复议", "4"]]);
    assert_eq!(t.rows[1].cells[0].origin, t.rows[0].cells[0].origin);
    assert_eq!(t.rows[0].cells[0].locator.as_deref(), Some("'表 4'!B2"));
    assert_eq!(t.rows[1].cells[1].locator.as_deref(), Some("'表 4'!C3"));
}

#[test]
fn view_has_heading_and_row_lines_with_spans() {
    let doc = fixture();
    assert_eq!(
        doc.view.as_str(),
        "[Sheet1]\n收到和处理政府信息公开申请情况\n项目 | 自然人 | 总计\n本年新收 | 12 | 78874.11\n上年结转 | 0.3 | —\n[表 4]\n行政复议 | 3\n4\n"
    );
    for t in doc.tables() {
        for row in &t.rows {
            for c in &row.cells {
                assert_eq!(doc.slice(&c.span), c.text);
            }
        }
    }
    let headings: Vec<&str> = doc.paragraphs().map(|p| doc.slice(&p.span)).collect();
    assert_eq!(headings, ["[Sheet1]", "[表 4]"]);
}

#[test]
fn damaged_workbooks_are_errors() {
    // The message names the workbook's real format (an OLE file is XLS, not XLSX).
    for (bytes, expected) in [
        (&FIXTURE[..FIXTURE.len() / 2], "XLSX"),
        (b"PK\x03\x04 junk", "XLSX"),
        (b"\xd0\xcf\x11\xe0 junk", "XLS"),
    ] {
        match read("bad.xlsx", bytes) {
            Err(ReadError::Corrupt { format, .. }) => assert_eq!(format, expected),
            other => panic!("expected Corrupt, got {other:?}"),
        }
    }
}

#[test]
fn column_names() {
    assert_eq!(column_name(0), "A");
    assert_eq!(column_name(25), "Z");
    assert_eq!(column_name(26), "AA");
    assert_eq!(column_name(701), "ZZ");
    assert_eq!(column_name(702), "AAA");
}

#[test]
fn zip_bomb_is_refused() {
    use crate::source::docx::tests::{deflate_bomb, zip_with_raw_deflate};
    let repeats = 200_000_000 / 258;
    let bomb = zip_with_raw_deflate(
        "xl/worksheets/sheet1.xml",
        &deflate_bomb(repeats),
        (1 + 258 * repeats) as u32,
    );
    match read("bomb.xlsx", &bomb) {
        Err(ReadError::Corrupt { reason, .. }) => assert!(reason.contains("zip bomb"), "{reason}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }
}
