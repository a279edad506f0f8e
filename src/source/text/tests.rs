use super::*;

const SEED_000: &str = include_str!("../../../fixtures/formats/seed_000.txt");
const SEED_001: &str = include_str!("../../../fixtures/formats/seed_001.txt");
const SEED_002: &str = include_str!("../../../fixtures/formats/seed_002.txt");

fn doc(text: &str) -> Document {
    parse("t", text.to_string(), None, InputFormat::Text)
}

fn texts(row: &Row) -> Vec<&str> {
    row.cells.iter().map(|c| c.text.as_str()).collect()
}

fn tables(d: &Document) -> Vec<&Table> {
    d.tables().collect()
}

/// Every span points at its text, origins are unique, paragraphs are trimmed lines.
fn check_invariants(d: &Document) {
    let mut seen = std::collections::HashSet::new();
    for t in d.tables() {
        assert!(!t.is_grid);
        for c in t.rows.iter().flat_map(|r| &r.cells) {
            assert_eq!(&d.view[c.span.clone()], c.text, "{c:?}");
            assert!(c.span.start >= t.span.start && c.span.end <= t.span.end);
            if c.text.is_empty() {
                assert!(c.span.is_empty());
                assert_eq!(d.view.as_bytes().get(c.span.start), Some(&b'|'));
            }
            assert!(seen.insert(c.origin), "duplicate origin {}", c.origin);
            assert!(c.locator.is_none());
        }
    }
    for p in d.paragraphs() {
        let s = d.slice(&p.span);
        assert!(!s.is_empty() && !s.contains('\n'));
        assert_eq!(s, s.trim_end());
    }
}

/// The table whose first line is 1-based line `line`.
fn table_at(d: &Document, line: usize) -> &Table {
    d.tables()
        .find(|t| d.line_col(t.span.start).line == line)
        .unwrap_or_else(|| panic!("no table at line {line}"))
}

fn row_with<'a>(t: &'a Table, first: &str) -> &'a Row {
    t.rows
        .iter()
        .find(|r| r.cells.iter().any(|c| c.text == first))
        .unwrap_or_else(|| panic!("no row with {first}"))
}

#[test]
fn seed_000_one_cell_per_line_tables() {
    let d = doc(SEED_000);
    check_invariants(&d);
    assert_eq!(tables(&d).len(), 2);
    let f2014 = table_at(&d, 62);
    assert_eq!(d.line_col(f2014.span.end).line, 259);
    assert_eq!(f2014.rows.len(), 66);
    assert!(f2014.rows.iter().all(|r| r.cells.len() == 3));
    assert_eq!(texts(&f2014.rows[0]), ["统 计 指 标", "单位", "统计数"]);
    assert_eq!(
        texts(row_with(f2014, "2.传真申请数")),
        ["2.传真申请数", "件", ""]
    );
    assert_eq!(
        texts(row_with(f2014, "一、主动公开情况")),
        ["一、主动公开情况", "——", ""]
    );
    assert_eq!(
        texts(row_with(
            f2014,
            "(一)回应公众关注热点或重大舆情数 (不同方式回应同一热点或舆情计1次)"
        )),
        [
            "(一)回应公众关注热点或重大舆情数 (不同方式回应同一热点或舆情计1次)",
            "次",
            "80"
        ]
    );
    let blank = &row_with(f2014, "2.传真申请数").cells[2];
    assert_eq!(d.line_col(blank.span.start).line, 136);

    let zj = table_at(&d, 283);
    assert_eq!(d.line_col(zj.span.end).line, 392);
    assert!(zj.rows.iter().all(|r| r.cells.len() == 3));
    assert_eq!(texts(&zj.rows[0]), ["指标名称", "单位", "数据统计"]);
    // `||` on L302 is two empty cells: unit and value of 依申请方式.
    assert_eq!(
        texts(row_with(zj, "(一)依申请方式")),
        ["(一)依申请方式", "", ""]
    );
    assert_eq!(
        texts(zj.rows.last().unwrap()),
        ["七、依申请公开收费情况", "万元", "0"]
    );
    // Prose around the tables stays paragraphs, one per line.
    assert!(d.paragraphs().any(|p| d.line_col(p.span.start).line == 61));
    assert!(d.paragraphs().any(|p| d.line_col(p.span.start).line == 260));
}

#[test]
fn seed_001_title_block_then_three_columns() {
    let d = doc(SEED_001);
    check_invariants(&d);
    let t = table_at(&d, 24);
    assert_eq!(tables(&d).len(), 1);
    assert_eq!(d.line_col(t.span.end).line, 271);
    let header = t
        .rows
        .iter()
        .position(|r| texts(r) == ["统 计 指 标", "单位", "统计数"])
        .expect("header row");
    assert!(t.rows[header..].iter().all(|r| r.cells.len() == 3));
    assert_eq!(t.rows.len() - header, 79);
    assert_eq!(
        texts(row_with(t, "(三)接受培训人员数")),
        ["(三)接受培训人员数", "人次", "210"]
    );
    assert_eq!(
        texts(row_with(t, "三、依申请公开情况")),
        ["三、依申请公开情况", "", ""]
    );
    // The title block's cells are kept (in rows before the header), not lost.
    let before: usize = t.rows[..header].iter().map(|r| r.cells.len()).sum();
    assert_eq!(before, 11);
    // 23 prose lines before the table, and the attachment name after it (L272).
    assert_eq!(d.paragraphs().count(), 24);
    let last = d.paragraphs().last().unwrap();
    assert_eq!(d.slice(&last.span), "古北口2017年度工作报告.doc");
}

#[test]
fn seed_002_one_row_per_line_tables() {
    let d = doc(SEED_002);
    check_invariants(&d);
    let ts = tables(&d);
    assert_eq!(ts.len(), 3);

    let t2 = table_at(&d, 15);
    assert_eq!(t2.rows.len(), 18);
    assert_eq!(texts(&t2.rows[0]), ["第二十条第(一)项"]);
    assert_eq!(
        texts(&t2.rows[1]),
        [
            "信息内容",
            "本年新制作数量",
            "本年新公开数量",
            "对外公开总数量"
        ]
    );
    assert_eq!(
        texts(row_with(t2, "行政许可")),
        ["行政许可", "172", "+8", "22990"]
    );
    // Rows of this run that end with a filled cell are 4 wide, so the trailing blank of
    // `行政事业性收费 | 19 | -1 | |` is a (blank) cell, as HTML or Markdown would show it.
    assert_eq!(
        texts(row_with(t2, "行政事业性收费")),
        ["行政事业性收费", "19", "-1", ""]
    );
    assert_eq!(
        texts(row_with(t2, "政府集中采购")),
        ["政府集中采购", "518", "78874.11万元"]
    );

    let t3 = table_at(&d, 34);
    assert_eq!(d.line_col(t3.span.end).line, 59);
    assert_eq!(t3.rows.len(), 26);
    let new = row_with(t3, "一、本年新收政府信息公开申请数量");
    assert_eq!(
        texts(new),
        [
            "一、本年新收政府信息公开申请数量",
            "17",
            "1",
            "0",
            "0",
            "0",
            "0",
            "18"
        ]
    );
    let caption = row_with(t3, "三、本年度办理结果");
    assert_eq!(
        texts(caption),
        [
            "三、本年度办理结果",
            "(一)予以公开",
            "5",
            "1",
            "0",
            "0",
            "0",
            "0",
            "6"
        ]
    );
    assert_eq!(row_with(t3, "(三)不予公开").cells.len(), 9);
    assert_eq!(row_with(t3, "5.属于三类内部事务信息").cells.len(), 8);
    assert_eq!(texts(&t3.rows[1]), ["自然人", "法人或其他组织", "总计"]);

    let t4 = table_at(&d, 61);
    assert_eq!(t4.rows.len(), 4);
    assert_eq!(t4.rows[3].cells.len(), 15);
    assert!(t4.rows[3].cells.iter().all(|c| c.text == "0"));
    assert_eq!(t4.rows[2].cells.len(), 10);
    // The data row's cells sit on line 64 at their own columns.
    let c = &t4.rows[3].cells[14];
    assert_eq!(
        d.line_col(c.span.start),
        crate::source::LineCol {
            line: 64,
            column: 57
        }
    );
}

#[test]
fn middle_empty_cells_are_kept_trailing_dropped() {
    let d = doc("甲 | | 3 | ||\n乙 | 1 | 2 |\n");
    check_invariants(&d);
    let t = tables(&d)[0];
    assert_eq!(texts(&t.rows[0]), ["甲", "", "3"]);
    // An empty cell is an empty span at the pipe that closes it.
    assert_eq!(t.rows[0].cells[1].span, 6..6);
    assert_eq!(texts(&t.rows[1]), ["乙", "1", "2"]);
}

#[test]
fn one_cell_per_line_width_is_inferred_not_fixed() {
    // Two columns: label, value.
    let two = "项目 |\n数量 |\n收到申请 |\n12 |\n办结 |\n|\n答复 |\n——|\n";
    let d = doc(two);
    check_invariants(&d);
    let t = tables(&d)[0];
    assert!(t.rows.iter().all(|r| r.cells.len() == 2));
    assert_eq!(texts(&t.rows[2]), ["办结", ""]);
    // Four columns with a one-cell caption before the header.
    let four = "表一 |\n指标 |\n单位 |\n上年 |\n本年 |\n甲类 |\n件 |\n3 |\n4 |\n乙类 |\n条 |\n|\n5 |\n丙类 |\n个 |\n1,200 |\n8.5 |\n";
    let d = doc(four);
    check_invariants(&d);
    let t = tables(&d)[0];
    assert_eq!(texts(&t.rows[0]), ["表一"]);
    assert_eq!(texts(&t.rows[1]), ["指标", "单位", "上年", "本年"]);
    assert_eq!(texts(&t.rows[3]), ["乙类", "条", "", "5"]);
    assert_eq!(texts(&t.rows[4]), ["丙类", "个", "1,200", "8.5"]);
}

#[test]
fn cell_lines_without_row_structure_become_one_row_each() {
    let d = doc("说明一 |\n说明二 |\n说明三 |\n");
    check_invariants(&d);
    let t = tables(&d)[0];
    assert_eq!(t.rows.len(), 3);
    assert!(t.rows.iter().all(|r| r.cells.len() == 1));
}

#[test]
fn markdown_tables() {
    let md = "# 年报\n\n| 项目 | 自然人 | 总计 |\n|:---|---:|---|\n| 新收 | 17 | 18 |\n| 结转 |  | 0 |\n\n说明文字\n";
    let d = parse("r.md", md.to_string(), None, InputFormat::Markdown);
    check_invariants(&d);
    assert_eq!(d.format, InputFormat::Markdown);
    let t = tables(&d)[0];
    assert_eq!(t.rows.len(), 3);
    assert_eq!(texts(&t.rows[0]), ["项目", "自然人", "总计"]);
    assert_eq!(texts(&t.rows[1]), ["新收", "17", "18"]);
    assert_eq!(texts(&t.rows[2]), ["结转", "", "0"]);
    assert_eq!(d.line_col(t.span.start).line, 3);
    assert_eq!(d.line_col(t.span.end).line, 6);
    let paras: Vec<&str> = d.paragraphs().map(|p| d.slice(&p.span)).collect();
    assert_eq!(paras, ["# 年报", "说明文字"]);
    // Without outer pipes, and with an escaped pipe inside a cell.
    let d = doc("a | b\n--- | ---\nx \\| y | 2\n");
    let t = tables(&d)[0];
    assert_eq!(texts(&t.rows[0]), ["a", "b"]);
    assert_eq!(texts(&t.rows[1]), ["x \\| y", "2"]);
}

#[test]
fn paragraphs_keep_line_positions() {
    let text = "第一段  \r\n\n   \n第二段\u{3000}\n最后一行";
    let d = doc(text);
    check_invariants(&d);
    let paras: Vec<(usize, &str)> = d
        .paragraphs()
        .map(|p| (d.line_col(p.span.start).line, d.slice(&p.span)))
        .collect();
    assert_eq!(paras, [(1, "第一段"), (4, "第二段"), (5, "最后一行")]);
    assert_eq!(d.view.as_str(), text);
}

#[test]
fn odd_inputs_do_not_panic() {
    for s in [
        "",
        "|",
        "||",
        "|||\n|",
        "\n\n",
        "| |\n|-|\n",
        "|---|\n|---|",
        "a|\n|\n",
        "—— |",
        "\r\n|\r\n",
        "| a |\n|---|\n| b | c | d |\n",
    ] {
        let d = doc(s);
        check_invariants(&d);
    }
}

#[test]
fn kinds() {
    for v in [
        "12",
        "+8",
        "-21",
        "78874.11万元",
        "1,200",
        "——",
        "件",
        "人次",
        "/",
        "３５",
        "98.4%",
    ] {
        assert_eq!(Kind::of(v), Kind::Value, "{v}");
    }
    for l in [
        "统 计 指 标",
        "单位",
        "(一)予以公开",
        "2.传真申请数",
        "(2017年度)",
    ] {
        assert_eq!(Kind::of(l), Kind::Label, "{l}");
    }
    assert_eq!(Kind::of(""), Kind::Blank);
}

#[test]
fn encodings_of_an_excerpt_read_alike() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/formats");
    let reference = crate::source::read(&dir.join("excerpt_002.utf8.txt")).unwrap();
    assert_eq!(reference.encoding.as_deref(), Some("UTF-8"));
    let shape = |d: &Document| -> Vec<Vec<String>> {
        d.tables()
            .flat_map(|t| &t.rows)
            .map(|r| r.cells.iter().map(|c| c.text.clone()).collect())
            .collect()
    };
    assert_eq!(shape(&reference).len(), 18 + 26 + 4);
    for (file, encoding) in [
        ("excerpt_002.utf8bom.txt", "UTF-8"),
        ("excerpt_002.gbk.txt", "GBK"),
        ("excerpt_002.utf16le.txt", "UTF-16LE"),
    ] {
        let d = crate::source::read(&dir.join(file)).unwrap();
        assert_eq!(d.format, InputFormat::Text, "{file}");
        assert_eq!(d.encoding.as_deref(), Some(encoding), "{file}");
        assert_eq!(d.view, reference.view, "{file}");
        assert_eq!(d.line_count(), reference.line_count(), "{file}");
        assert_eq!(shape(&d), shape(&reference), "{file}");
        check_invariants(&d);
    }
}

#[test]
fn read_errors_through_the_pipeline() {
    use crate::source::{read_bytes, ReadError};
    let hint = std::path::Path::new("report.txt");
    assert!(matches!(read_bytes("e", b"", hint), Err(ReadError::Empty)));
    assert!(matches!(
        read_bytes("b", b"\x7FELF\x02\x01\x01\x00\x00\x00", hint),
        Err(ReadError::Binary { .. })
    ));
    assert!(matches!(
        read_bytes("n", "统计数 |\n\0\0\0\0".as_bytes(), hint),
        Err(ReadError::Binary { what: "NUL bytes" })
    ));
    let mut bad = b"\xEF\xBB\xBF".to_vec();
    bad.extend(std::iter::repeat_n(0xFEu8, 40));
    assert!(matches!(
        read_bytes("d", &bad, hint),
        Err(ReadError::Decode {
            encoding: "UTF-8",
            ..
        })
    ));
    let d = read_bytes("s", SEED_000.as_bytes(), hint).unwrap();
    assert_eq!(d.format, InputFormat::Text);
    assert_eq!(d.tables().count(), 2);
}

#[test]
fn trailing_blank_value_cell_is_kept_but_padding_is_not() {
    let d = doc("统计指标 | 单位 | 统计数 |\n1.当面申请数 | 件 | 1 |\n2.传真申请数 | 件 | |\n三、依申请公开情况 | |||\n");
    let t = tables(&d)[0];
    assert_eq!(texts(&t.rows[2]), ["2.传真申请数", "件", ""]);
    // The blank cell sits at its closing pipe.
    let blank = &t.rows[2].cells[2];
    assert_eq!(&d.view[blank.span.start..blank.span.start + 1], "|");
    // A lone caption followed by blanks stays one cell.
    assert_eq!(texts(&t.rows[3]), ["三、依申请公开情况"]);
    // Without rows ending in a filled cell, trailing blanks are padding.
    let d = doc("a | 1 | 2 | ||\nb | 3 | 4 | ||\n");
    assert_eq!(texts(&tables(&d)[0].rows[0]), ["a", "1", "2"]);
}
