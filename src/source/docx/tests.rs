//! Tests of the DOCX reader and the template filler on the official blank 2021 template.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::fill::{fill_template, CellTexts};
use super::read;
use crate::source::{Document, ReadError, Table};

const TEMPLATE: &[u8] = include_bytes!("../../../fixtures/docx/template-2021-blank.docx");

fn template() -> Document {
    read("template-2021-blank.docx", TEMPLATE).expect("template reads")
}

fn tables(doc: &Document) -> Vec<&Table> {
    doc.tables().collect()
}

/// Text of the cell at 1-based (row, col).
fn cell(t: &Table, row: usize, col: usize) -> &str {
    &t.rows[row - 1].cells[col - 1].text
}

/// The grid cells of the template that hold numbers: (table, row, col), 1-based.
fn number_cells() -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    // Table 1 (report table 2): 规章 / 行政规范性文件 × 3 columns; single-value rows span 2–4.
    for row in [3, 4] {
        for col in 2..=4 {
            out.push((1, row, col));
        }
    }
    for row in [7, 10, 11, 14] {
        out.push((1, row, 2));
    }
    // Table 2 (report table 3): rows 4–28 × the 7 applicant columns 4–10.
    for row in 4..=28 {
        for col in 4..=10 {
            out.push((2, row, col));
        }
    }
    // Table 3 (report table 4): one row of 15 numbers.
    for col in 1..=15 {
        out.push((3, 4, col));
    }
    out
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn corrupt_reason(res: Result<Document, ReadError>) -> String {
    match res {
        Err(ReadError::Corrupt { format, reason }) => {
            assert_eq!(format, "DOCX");
            reason
        }
        Err(other) => panic!("expected Corrupt, got {other:?}"),
        Ok(_) => panic!("expected an error"),
    }
}

#[test]
fn template_has_three_grids_of_consistent_width() {
    let doc = template();
    let ts = tables(&doc);
    let shapes: Vec<(usize, usize)> = ts
        .iter()
        .map(|t| (t.rows.len(), t.rows[0].cells.len()))
        .collect();
    assert_eq!(shapes, [(14, 4), (28, 10), (4, 15)]);
    for t in &ts {
        assert!(t.is_grid);
        let w = t.rows[0].cells.len();
        assert!(t.rows.iter().all(|r| r.cells.len() == w));
    }
    assert_eq!(ts[1].locator.as_deref(), Some("第2张表"));
}

#[test]
fn template_labels_and_merges() {
    let doc = template();
    let ts = tables(&doc);
    let (t2, t3, t4) = (ts[0], ts[1], ts[2]);
    // Report table 2: captions span all 4 columns.
    assert_eq!(cell(t2, 1, 1), "第二十条第（一）项");
    assert_eq!(t2.rows[0].cells[3].origin, t2.rows[0].cells[0].origin);
    assert_eq!(cell(t2, 3, 1), "规章");
    assert_eq!(cell(t2, 13, 2), "本年收费金额（单位：万元）");
    // Report table 3: header block and row labels of spec §2.2.
    let row_with = |t: &Table, label: &str| {
        t.rows
            .iter()
            .position(|r| r.cells.iter().any(|c| c.text.contains(label)))
            .map(|i| i + 1)
    };
    assert_eq!(row_with(t3, "本年新收政府信息公开申请数量"), Some(4));
    assert_eq!(row_with(t3, "申请人无正当理由逾期不补正"), Some(24));
    assert_eq!(row_with(t3, "结转下年度继续办理"), Some(28));
    assert_eq!(cell(t3, 3, 5), "商业 企业"); // two lines in the cell
    assert_eq!(cell(t3, 3, 9), "其他");
    // 自然人 and 总计 are merged down over header rows 2–3.
    assert_eq!(cell(t3, 3, 4), "自然人");
    assert_eq!(t3.rows[2].cells[3].origin, t3.rows[1].cells[3].origin);
    assert_eq!(cell(t3, 3, 10), "总计");
    // 三、本年度办理结果 covers rows 6–27 of column 1; （三）不予公开 rows 8–15 of column 2.
    for r in 6..=27 {
        assert_eq!(cell(t3, r, 1), "三、本年度办理结果", "row {r}");
        assert_eq!(t3.rows[r - 1].cells[0].origin, t3.rows[5].cells[0].origin);
    }
    for r in 8..=15 {
        assert_eq!(cell(t3, r, 2), "（三）不予公开", "row {r}");
    }
    assert_eq!(cell(t3, 8, 3), "1.属于国家秘密");
    assert_eq!(cell(t3, 6, 2), "（一）予以公开");
    assert_eq!(cell(t3, 6, 3), "（一）予以公开");
    // The top-left caption covers 3 columns × 3 rows.
    let caption = t3.rows[0].cells[0].origin;
    for r in 0..3 {
        for c in 0..3 {
            assert_eq!(t3.rows[r].cells[c].origin, caption);
        }
    }
    assert!(cell(t3, 3, 2).contains("勾稽关系"));
    // Report table 4: 行政复议 ×5 | 行政诉讼 ×10, then the leaf headers.
    assert_eq!(cell(t4, 1, 5), "行政复议");
    assert_eq!(cell(t4, 1, 6), "行政诉讼");
    assert_eq!(cell(t4, 2, 6), "未经复议直接起诉");
    assert_eq!(cell(t4, 2, 11), "复议后起诉");
    assert_eq!(cell(t4, 3, 5), "总计");
    assert_eq!(cell(t4, 3, 15), "总计");
}

#[test]
fn template_number_cells_are_blank() {
    let doc = template();
    let ts = tables(&doc);
    for (t, r, c) in number_cells() {
        let text = cell(ts[t - 1], r, c);
        // The template pads some cells with ideographic spaces; they are trimmed away.
        assert_eq!(text, "", "table {t} row {r} col {c}");
    }
}

#[test]
fn spans_and_locators_point_into_the_view() {
    let doc = template();
    for t in doc.tables() {
        for (r, row) in t.rows.iter().enumerate() {
            for (c, cell) in row.cells.iter().enumerate() {
                assert_eq!(doc.slice(&cell.span), cell.text);
                assert!(cell.span.start >= t.span.start && cell.span.end <= t.span.end);
                let loc = cell.locator.as_deref().unwrap_or("");
                assert!(
                    loc.ends_with(&format!("第{}行 第{}列", r + 1, c + 1)),
                    "{loc}"
                );
            }
        }
    }
    let paras: Vec<&str> = doc.paragraphs().map(|p| doc.slice(&p.span)).collect();
    assert_eq!(paras[0], "政府信息公开工作年度报告格式模板");
    assert!(paras.contains(&"三、收到和处理政府信息公开申请情况"));
    let first = doc.paragraphs().next().unwrap();
    assert_eq!(first.locator.as_deref(), Some("第1段"));
    // One view line per row: the row of 自然人 data is its own line.
    let row4 = &tables(&doc)[1].rows[3];
    let line = doc.line_col(row4.cells[0].span.start).line;
    assert!(doc
        .line_text(line)
        .starts_with("一、本年新收政府信息公开申请数量 | "));
    assert_eq!(doc.line_col(row4.cells[9].span.start).line, line);
}

#[test]
fn filled_template_round_trips() {
    let mut cells = CellTexts::new();
    // Every number cell gets a distinct value derived from its position.
    for (i, &(t, r, c)) in number_cells().iter().enumerate() {
        cells.insert((t, r, c), format!("{}", 1000 + i));
    }
    cells.insert((1, 14, 3), "78874.11".into()); // inside the span of cell (14, 2..=4)
    cells.remove(&(1, 14, 2));
    let filled = fill_template(TEMPLATE, &cells).expect("fill");
    // Deterministic output.
    assert_eq!(filled, fill_template(TEMPLATE, &cells).unwrap());
    let doc = read("filled.docx", &filled).expect("filled reads");
    let ts = tables(&doc);
    assert_eq!(ts.len(), 3);
    for (&(t, r, c), text) in &cells {
        let got = &ts[t - 1].rows[r - 1].cells[c - 1];
        assert_eq!(&got.text, text, "table {t} row {r} col {c}");
        assert_eq!(
            got.locator.as_deref(),
            Some(format!("第{t}张表 第{r}行 第{c}列").as_str())
        );
        assert_eq!(doc.slice(&got.span), text);
    }
    // The spanning cell shows its value in all three grid columns.
    assert_eq!(cell(ts[0], 14, 2), "78874.11");
    assert_eq!(cell(ts[0], 14, 4), "78874.11");
    // Labels and merges are untouched.
    assert_eq!(cell(ts[1], 24, 1), "三、本年度办理结果");
    assert!(cell(ts[1], 24, 3).starts_with("1.申请人无正当理由逾期不补正"));
    let shapes: Vec<(usize, usize)> = ts
        .iter()
        .map(|t| (t.rows.len(), t.rows[0].cells.len()))
        .collect();
    assert_eq!(shapes, [(14, 4), (28, 10), (4, 15)]);
    // Other parts are copied unchanged.
    let mut a = zip::ZipArchive::new(Cursor::new(TEMPLATE)).unwrap();
    let mut b = zip::ZipArchive::new(Cursor::new(&filled[..])).unwrap();
    assert_eq!(a.len(), b.len());
    let read_part = |z: &mut zip::ZipArchive<Cursor<&[u8]>>, n: &str| {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut z.by_name(n).unwrap(), &mut s).unwrap();
        s
    };
    assert_eq!(
        read_part(&mut a, "word/styles.xml"),
        read_part(&mut b, "word/styles.xml")
    );
}

#[test]
fn filled_cell_keeps_formatting_and_escapes_text() {
    let mut cells = CellTexts::new();
    cells.insert((2, 4, 4), "<5 & 6>".into());
    let filled = fill_template(TEMPLATE, &cells).unwrap();
    let doc = read("f.docx", &filled).unwrap();
    assert_eq!(cell(tables(&doc)[1], 4, 4), "<5 & 6>");
    assert_eq!(cell(tables(&doc)[1], 4, 5), "");
}

#[test]
fn fill_rejects_a_broken_template() {
    assert!(fill_template(b"PK\x03\x04 nonsense", &CellTexts::new()).is_err());
}

#[test]
fn truncated_and_garbage_zips_are_corrupt() {
    let reason = corrupt_reason(read("t.docx", &TEMPLATE[..TEMPLATE.len() / 2]));
    assert!(reason.contains("zip"), "{reason}");
    corrupt_reason(read("g.docx", b"PK\x03\x04\x14\x00garbage garbage garbage"));
    corrupt_reason(read("e.docx", b""));
    // Damage the compressed bytes of document.xml but keep the directory.
    let mut damaged = TEMPLATE.to_vec();
    let at = damaged
        .windows(17)
        .position(|w| w == b"word/document.xml")
        .unwrap();
    for b in &mut damaged[at + 40..at + 4000] {
        *b = b.wrapping_mul(31).wrapping_add(7);
    }
    let res = read("d.docx", &damaged);
    assert!(res.is_err(), "damaged deflate data must not read cleanly");
}

#[test]
fn missing_document_xml_is_corrupt() {
    let bytes = zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/styles.xml", b"<x/>"),
    ]);
    let reason = corrupt_reason(read("m.docx", &bytes));
    assert!(reason.contains("word/document.xml"), "{reason}");
}

#[test]
fn document_named_by_package_relationships_is_found() {
    let rels = br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document2.xml"/></Relationships>"#;
    let body = br#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>hi</w:t></w:r></w:p></w:body></w:document>"#;
    let bytes = zip_of(&[("_rels/.rels", rels), ("word/document2.xml", body)]);
    let doc = read("r.docx", &bytes).unwrap();
    assert_eq!(doc.view.as_str(), "hi\n");
}

#[test]
fn malformed_xml_is_corrupt() {
    let body = br#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>hi</w:r></w:p></w:body></w:document>"#;
    let reason = corrupt_reason(read("x.docx", &zip_of(&[("word/document.xml", body)])));
    assert!(reason.contains("not well-formed"), "{reason}");
    let reason = corrupt_reason(read(
        "x.docx",
        &zip_of(&[("word/document.xml", b"\xff\xfe\xfd")]),
    ));
    assert!(reason.contains("UTF"), "{reason}");
}

/// A raw deflate stream of `1 + 258 * repeats` bytes `b'0'`, written with fixed Huffman codes
/// (one literal, then "repeat 258 bytes at distance 1"): about 13 bits per 258 bytes, built
/// without running a compressor.
pub(crate) fn deflate_bomb(repeats: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u32,
        n: u32,
    }
    impl Bits {
        fn push(&mut self, value: u32, count: u32) {
            self.acc |= value << self.n;
            self.n += count;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// Huffman codes go most significant bit first.
        fn code(&mut self, code: u32, len: u32) {
            let rev = code.reverse_bits() >> (32 - len);
            self.push(rev, len);
        }
    }
    let mut b = Bits {
        out: Vec::new(),
        acc: 0,
        n: 0,
    };
    b.push(1, 1); // BFINAL
    b.push(1, 2); // fixed Huffman
    b.code(0x30 + u32::from(b'0'), 8); // literal '0'
    for _ in 0..repeats {
        b.code(0b1100_0101, 8); // length code 285 = 258 bytes
        b.code(0, 5); // distance code 0 = distance 1
    }
    b.code(0, 7); // end of block
    b.push(0, 7); // flush
    b.out
}

/// A zip with one deflated entry whose headers declare `declared` uncompressed bytes.
pub(crate) fn zip_with_raw_deflate(name: &str, data: &[u8], declared: u32) -> Vec<u8> {
    let mut z = Vec::new();
    let le16 = |z: &mut Vec<u8>, v: u16| z.extend_from_slice(&v.to_le_bytes());
    let le32 = |z: &mut Vec<u8>, v: u32| z.extend_from_slice(&v.to_le_bytes());
    let common = |z: &mut Vec<u8>| {
        le16(z, 20); // version needed
        le16(z, 0); // flags
        le16(z, 8); // deflate
        le16(z, 0); // time
        le16(z, 0x21); // date 1980-01-01
        le32(z, 0); // crc (never reached: the reader stops at its cap)
        le32(z, data.len() as u32);
        le32(z, declared);
        le16(z, name.len() as u16);
        le16(z, 0); // extra
    };
    le32(&mut z, 0x0403_4b50);
    common(&mut z);
    z.extend_from_slice(name.as_bytes());
    z.extend_from_slice(data);
    let cd_start = z.len();
    le32(&mut z, 0x0201_4b50);
    le16(&mut z, 20); // version made by
    common(&mut z);
    le16(&mut z, 0); // comment
    le16(&mut z, 0); // disk
    le16(&mut z, 0); // internal attrs
    le32(&mut z, 0); // external attrs
    le32(&mut z, 0); // local header offset
    z.extend_from_slice(name.as_bytes());
    let cd_len = z.len() - cd_start;
    le32(&mut z, 0x0605_4b50);
    le16(&mut z, 0);
    le16(&mut z, 0);
    le16(&mut z, 1);
    le16(&mut z, 1);
    le32(&mut z, cd_len as u32);
    le32(&mut z, cd_start as u32);
    le16(&mut z, 0);
    z
}

#[test]
fn zip_bomb_is_refused() {
    // 200 MB of document.xml in about 1.3 MB of zip.
    let repeats = 200_000_000 / 258;
    let data = deflate_bomb(repeats);
    let size = (1 + 258 * repeats) as u32;
    assert!(data.len() < 2 * 1024 * 1024);
    // Honest headers: refused from the declared size.
    let honest = zip_with_raw_deflate("word/document.xml", &data, size);
    let reason = corrupt_reason(read("bomb.docx", &honest));
    assert!(reason.contains("zip bomb"), "{reason}");
    // Lying headers (declared 1 KB): whatever the zip layer does, never more than the cap is
    // inflated and the read fails cleanly.
    let liar = zip_with_raw_deflate("word/document.xml", &data, 1024);
    let reason = corrupt_reason(read("liar.docx", &liar));
    assert!(reason.contains("word/document.xml"), "{reason}");
}

#[test]
fn hand_made_deflate_stream_is_valid() {
    // Guard for the bomb builder: a small stream inflates to exactly the bytes it claims.
    let data = deflate_bomb(3);
    let z = zip_with_raw_deflate("x.txt", &data, 1 + 258 * 3);
    let mut a = zip::ZipArchive::new(Cursor::new(&z[..])).unwrap();
    let mut out = Vec::new();
    let _ = std::io::Read::read_to_end(&mut a.by_name("x.txt").unwrap(), &mut out);
    assert_eq!(out.len(), 1 + 258 * 3);
    assert!(out.iter().all(|&b| b == b'0'));
}

#[test]
fn grid_expansion_of_synthetic_table() {
    // Row 1: A spans 2 columns, B restarts a vertical merge; row 2: gridBefore 1, C, B continues;
    // row 3 is short and gets padded.
    let body = concat!(
        r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#,
        r#"<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>A</w:t></w:r></w:p></w:tc>"#,
        r#"<w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>B</w:t></w:r></w:p></w:tc></w:tr>"#,
        r#"<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:p><w:r><w:t>C</w:t></w:r></w:p></w:tc>"#,
        r#"<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>"#,
        r#"<w:tr><w:tc><w:p><w:r><w:t>D</w:t></w:r></w:p><w:p><w:r><w:t>E</w:t></w:r></w:p></w:tc></w:tr>"#,
        r#"</w:tbl></w:body></w:document>"#
    );
    let doc = read("s.docx", &zip_of(&[("word/document.xml", body.as_bytes())])).unwrap();
    let t = tables(&doc)[0];
    let texts: Vec<Vec<&str>> = t
        .rows
        .iter()
        .map(|r| r.cells.iter().map(|c| c.text.as_str()).collect())
        .collect();
    assert_eq!(
        texts,
        [vec!["A", "A", "B"], vec!["", "C", "B"], vec!["D E", "", ""]]
    );
    assert_eq!(t.rows[1].cells[2].origin, t.rows[0].cells[2].origin);
    assert_eq!(t.rows[1].cells[2].span, t.rows[0].cells[2].span);
    assert_ne!(t.rows[1].cells[0].origin, t.rows[2].cells[1].origin);
    assert_eq!(doc.view.as_str(), "A | B\nC\nD E\n");
}

#[test]
fn huge_grid_span_is_clamped_not_exploded() {
    let body = concat!(
        r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#,
        r#"<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="4000000000"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>"#,
        r#"</w:body></w:document>"#
    );
    let doc = read("s.docx", &zip_of(&[("word/document.xml", body.as_bytes())])).unwrap();
    assert_eq!(tables(&doc)[0].rows[0].cells.len(), super::parse::MAX_SPAN);
}

#[test]
#[ignore]
fn dump_template_view() {
    print!("{}", template().view);
}

/// Deterministic pseudo-random numbers for mutation tests.
fn lcg(seed: &mut u64) -> usize {
    *seed = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    (*seed >> 33) as usize
}

#[test]
fn mutated_and_truncated_documents_never_panic() {
    // Byte damage anywhere in the container.
    let mut seed = 7u64;
    for _ in 0..50 {
        let mut bytes = TEMPLATE.to_vec();
        for _ in 0..1 + lcg(&mut seed) % 8 {
            let at = lcg(&mut seed) % bytes.len();
            bytes[at] = lcg(&mut seed) as u8;
        }
        let _ = read("m.docx", &bytes);
    }
    // Damage inside a well-formed container: document.xml cut or spliced at random points.
    let mut archive = zip::ZipArchive::new(Cursor::new(TEMPLATE)).unwrap();
    let mut xml = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    for _ in 0..8 {
        let cut = lcg(&mut seed) % xml.len();
        let mut damaged = xml[..cut].to_vec();
        let from = lcg(&mut seed) % xml.len();
        damaged.extend_from_slice(&xml[from..]);
        let bytes = zip_of(&[("word/document.xml", &damaged)]);
        let _ = read("x.docx", &bytes);
        let _ = fill_template(&bytes, &CellTexts::new());
        let res = read("t.docx", &zip_of(&[("word/document.xml", &xml[..cut])]));
        assert!(res.is_err(), "document.xml cut at {cut} read without error");
    }
}
