//! Tests of the HTML reader on hand-written pages and tag soup.

use super::parse;
use crate::source::{Document, Table};

const TABLE3: &str = include_str!("../../../fixtures/html/table3_2021.html");
const LAYOUT: &str = include_str!("../../../fixtures/html/layout_soup.html");

fn doc(html: &str) -> Document {
    parse("t.html", html.to_string(), Some("UTF-8".into()))
}

fn tables(d: &Document) -> Vec<&Table> {
    d.tables().collect()
}

fn texts(t: &Table) -> Vec<Vec<&str>> {
    t.rows
        .iter()
        .map(|r| r.cells.iter().map(|c| c.text.as_str()).collect())
        .collect()
}

fn paragraphs(d: &Document) -> Vec<&str> {
    d.paragraphs().map(|p| d.slice(&p.span)).collect()
}

/// Every cell with text must have a span whose source covers it; simple cells match exactly.
fn assert_spans_cover_text(d: &Document) {
    for t in d.tables() {
        for row in &t.rows {
            for cell in &row.cells {
                let src = d.slice(&cell.span);
                if cell.text.is_empty() {
                    assert!(cell.span.is_empty(), "blank cell with span {:?}", cell.span);
                    assert!(d.view.is_char_boundary(cell.span.start));
                } else {
                    assert!(!src.is_empty(), "cell {:?} has no source", cell.text);
                    let first = cell.text.chars().next().unwrap_or(' ');
                    assert!(
                        src.starts_with(first) || src.starts_with('&'),
                        "cell {:?} span starts at {:?}",
                        cell.text,
                        src
                    );
                }
            }
        }
    }
}

#[test]
fn official_2021_table3_grid() {
    let d = doc(TABLE3);
    let ts = tables(&d);
    assert_eq!(ts.len(), 1);
    let t = ts[0];
    assert!(t.is_grid);
    assert_eq!(t.locator.as_deref(), Some("第1张表"));
    assert_eq!(d.slice(&t.span).get(..6), Some("<table"));
    assert!(d.slice(&t.span).ends_with("</table>"));
    // 3 header rows + 25 numeric rows, all 10 columns wide.
    assert_eq!(t.rows.len(), 28);
    assert!(t.rows.iter().all(|r| r.cells.len() == 10));
    let g = texts(t);
    // Header block.
    assert!(g[0][0].starts_with("（本列数据的勾稽关系为"));
    assert_eq!(g[0][0..3], [g[0][0]; 3]);
    assert_eq!(g[2][0], g[0][0]);
    assert_eq!(g[0][3..10], ["申请人情况"; 7]);
    assert_eq!(g[1][3], "自然人");
    assert_eq!(g[1][4..9], ["法人或其他组织"; 5]);
    assert_eq!(g[1][9], "总计");
    assert_eq!(
        g[2][3..10],
        [
            "自然人",
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他",
            "总计"
        ]
    );
    // Copies of a spanning cell share their origin.
    assert_eq!(t.rows[0].cells[0].origin, t.rows[2].cells[2].origin);
    assert_eq!(t.rows[1].cells[4].origin, t.rows[1].cells[8].origin);
    assert_ne!(t.rows[2].cells[4].origin, t.rows[2].cells[5].origin);
    // Data rows.
    assert_eq!(g[3][0..3], ["一、本年新收政府信息公开申请数量"; 3]);
    assert_eq!(g[3][3..10], ["120", "10", "1", "0", "5", "2", "138"]);
    assert_eq!(g[5][0], "三、本年度办理结果");
    assert_eq!(g[5][1..3], ["（一）予以公开"; 2]);
    assert_eq!(g[5][3..10], ["60", "5", "1", "0", "2", "1", "69"]);
    for row in &g[7..15] {
        assert_eq!(row[0], "三、本年度办理结果");
        assert_eq!(row[1], "（三）不予公开", "{row:?}");
    }
    assert_ne!(g[15][1], "（三）不予公开");
    assert_eq!(g[7][2], "1.属于国家秘密");
    assert_eq!(g[9][2], "3.危及“三安全一稳定”");
    assert_eq!(g[14][2], "8.属于行政查询事项");
    assert_eq!(g[15][1], "（四）无法提供");
    assert_eq!(g[15][3..10], ["20", "2", "0", "0", "1", "1", "24"]);
    assert_eq!(g[23][1], "（六）其他处理");
    assert_eq!(g[26][0], "三、本年度办理结果");
    assert_eq!(g[26][1..3], ["（七）总计"; 2]);
    assert_eq!(g[26][3..10], ["115", "10", "1", "0", "4", "2", "132"]);
    assert_eq!(g[27][0], "四、结转下年度继续办理");
    assert_eq!(g[27][9], "10");
    // Numbers are in every data row's last 7 columns, and they balance per row.
    for row in &g[3..] {
        let nums: Vec<u64> = row[3..].iter().filter_map(|s| s.parse().ok()).collect();
        assert_eq!(nums.len(), 7, "{row:?}");
        assert_eq!(nums[..6].iter().sum::<u64>(), nums[6], "{row:?}");
    }
    // Numeric cells point exactly at their digits.
    for row in &t.rows[3..] {
        for cell in &row.cells[3..] {
            assert_eq!(d.slice(&cell.span), cell.text);
        }
    }
    assert_spans_cover_text(&d);
}

#[test]
fn table3_paragraphs_skip_chrome() {
    let d = doc(TABLE3);
    let ps = paragraphs(&d);
    assert_eq!(
        ps,
        [
            "某某区人民政府2021年政府信息公开工作年度报告",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
        ]
    );
    // Blocks are in document order: title, heading, table, heading.
    assert!(matches!(d.blocks[2], crate::source::Block::Table(_)));
    let title = d.paragraphs().next().map(|p| d.line_col(p.span.start));
    assert_eq!(title.map(|lc| (lc.line, lc.column)), Some((5, 8)));
}

#[test]
fn layout_table_with_nested_data_table() {
    let d = doc(LAYOUT);
    let ts = tables(&d);
    assert_eq!(ts.len(), 1, "only the inner data table is a table");
    let t = ts[0];
    assert_eq!(t.locator.as_deref(), Some("第1张表"));
    assert_eq!(t.rows.len(), 4);
    assert!(t.rows.iter().all(|r| r.cells.len() == 15));
    let g = texts(t);
    assert_eq!(g[0][..5], ["行政复议"; 5]);
    assert_eq!(g[1][..5], ["行政复议"; 5]);
    assert_eq!(g[0][5..], ["行政诉讼"; 10]);
    assert_eq!(g[1][5..10], ["未经复议直接起诉"; 5]);
    assert_eq!(g[1][10..], ["复议后起诉"; 5]);
    assert_eq!(g[2][4], "总计");
    assert_eq!(g[2][14], "总计");
    assert_eq!(
        g[3],
        ["1", "0", "", "0", "1", "2", "1", "0", "0", "3", "0", "0", "0", "0", "0"]
    );
    // The `&nbsp;` cell is blank, with an empty span at its `<TD>` tag.
    let blank = &t.rows[3].cells[2];
    assert!(blank.span.is_empty());
    assert!(d.view[blank.span.start..].starts_with("<TD>&nbsp;"));
    assert_spans_cover_text(&d);

    let ps = paragraphs(&d);
    assert_eq!(ps[0], "某县2020年政府信息公开工作年度报告");
    assert_eq!(ps[1], "当前位置：首页&nbsp;&gt;&nbsp;政府信息公开");
    assert_eq!(ps[2], "本报告根据《中华人民共和国政府信息公开条例》编制。");
    assert_eq!(ps[3], "一、总体情况");
    assert_eq!(
        ps[4],
        "2020年，本县共收到政府信息公开申请&nbsp;12&nbsp;件，&#20840;部按时答复。"
    );
    assert!(ps.contains(&"公开&amp;解读工作仍需加强。"));
    assert_eq!(ps.last().copied(), Some("地址：某县人民路1号"));
    for p in &ps {
        for junk in ["77", "88", "55", "打印", "友情链接", "国务院"] {
            assert!(!p.contains(junk), "{junk} leaked into {p:?}");
        }
    }
    // The table sits between the heading before it and the paragraph after it.
    let order: Vec<&str> = d
        .blocks
        .iter()
        .map(|b| match b {
            crate::source::Block::Paragraph(p) => d.slice(&p.span),
            crate::source::Block::Table(_) => "<table>",
        })
        .collect();
    let at = order.iter().position(|s| *s == "<table>");
    assert_eq!(
        at.map(|i| order[i - 1]),
        Some("五、政府信息公开行政复议、行政诉讼情况")
    );
    assert_eq!(
        at.map(|i| order[i + 1]),
        Some("六、存在的主要问题及改进情况")
    );
}

#[test]
fn word_exported_table() {
    let html = "<table class=MsoNormalTable border=1>\n\
        <tr style='height:20.0pt'>\n\
         <td width=120 rowspan=2 style='border:solid windowtext 1.0pt'>\n\
          <p class=MsoNormal><span style='font-family:宋体'>行政许可<o:p></o:p></span></p>\n\
         </td>\n\
         <td><p class=MsoNormal><span lang=EN-US>1</span><span lang=EN-US>2<o:p></o:p></span></p></td>\n\
        </tr>\n\
        <tr><td><p class=MsoNormal><span lang=EN-US>&nbsp;<o:p></o:p></span></p></td></tr>\n\
        <![if !supportMisalignedColumns]>\n\
        <tr height=0><td width=120 style='border:none'></td><td width=60 style='border:none'></td></tr>\n\
        <![endif]>\n\
        </table>";
    let d = doc(html);
    let t = tables(&d)[0];
    assert_eq!(texts(t), [["行政许可", "12"], ["行政许可", ""]]);
    assert_eq!(
        d.slice(&t.rows[0].cells[1].span),
        "1</span><span lang=EN-US>2"
    );
    assert_spans_cover_text(&d);
}

#[test]
fn tag_soup_implied_end_tags() {
    let html = "<table><tr><th>项目<th>数量<tr><td>申请<td>12<tr><td>答复<td>10</table>";
    let d = doc(html);
    let ts = tables(&d);
    assert_eq!(ts.len(), 1);
    assert_eq!(
        texts(ts[0]),
        [["项目", "数量"], ["申请", "12"], ["答复", "10"]]
    );
    for row in &ts[0].rows {
        for cell in &row.cells {
            assert_eq!(d.slice(&cell.span), cell.text);
        }
    }
}

#[test]
fn missing_table_end_and_implied_row() {
    let d = doc("<p>前言</p><table><td>a</td><td>b</td><tr><td>c<td>d");
    let ts = tables(&d);
    assert_eq!(ts.len(), 1);
    assert_eq!(texts(ts[0]), [["a", "b"], ["c", "d"]]);
    assert_eq!(ts[0].span.end, d.view.len());
    assert_eq!(paragraphs(&d), ["前言"]);
}

#[test]
fn entities_and_breaks_in_cells() {
    let html = "<table><tr><td> 法人&amp;其他&nbsp;&nbsp;组织<br/>（个）</td>\
                <td><p>1</p><p>2</p></td><td>&#x4E2D;&#25991;&lt;</td></tr></table>";
    let d = doc(html);
    let t = tables(&d)[0];
    assert_eq!(texts(t), [["法人&其他 组织 （个）", "1 2", "中文<"]]);
    assert_eq!(
        d.slice(&t.rows[0].cells[0].span),
        "法人&amp;其他&nbsp;&nbsp;组织<br/>（个）"
    );
    assert_eq!(d.slice(&t.rows[0].cells[1].span), "1</p><p>2");
    assert_eq!(d.slice(&t.rows[0].cells[2].span), "&#x4E2D;&#25991;&lt;");
}

#[test]
fn absurd_spans_are_clamped() {
    let d = doc("<table><tr><td colspan=1000>x<td rowspan=99999>y<tr><td>z</table>");
    let t = tables(&d)[0];
    let width = t.rows[0].cells.len();
    assert!(width <= super::table::MAX_COLSPAN + 1);
    assert!(t.rows.iter().all(|r| r.cells.len() == width));
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[1].cells[0].text, "z");
    assert_eq!(t.rows[1].cells[width - 1].text, "y");
}

#[test]
fn script_and_style_never_reach_paragraphs() {
    let html = "<style>p{}.a 12</style><p>正文一</p><script>if (a<b) { x = '</p>正文'; }</script>\
                <p>正文二</p><noscript>请开启</noscript><header><p>导航 3</p></header>";
    let d = doc(html);
    assert_eq!(paragraphs(&d), ["正文一", "正文二"]);
}

#[test]
fn unclosed_chrome_does_not_swallow_the_page() {
    let d = doc("<nav>首页<p>正文 12 件</p>");
    assert_eq!(paragraphs(&d), ["首页", "正文 12 件"]);
}

#[test]
fn sibling_table_without_end_tag() {
    // `<table>` inside a table but outside a cell closes the first table.
    let d = doc("<table><tr><td>1<td>2</tr><table><tr><td>3<td>4</table>");
    let ts = tables(&d);
    assert_eq!(ts.len(), 2);
    assert_eq!(texts(ts[0]), [["1", "2"]]);
    assert_eq!(texts(ts[1]), [["3", "4"]]);
    assert_eq!(ts[1].locator.as_deref(), Some("第2张表"));
}

#[test]
fn text_inside_table_outside_cells_becomes_a_paragraph() {
    let d = doc("<table><caption>表三 申请情况</caption><tr><td>a<td>1</table>");
    assert_eq!(paragraphs(&d), ["表三 申请情况"]);
    assert_eq!(texts(tables(&d)[0]), [["a", "1"]]);
}

#[test]
fn empty_and_garbage_input_never_panic() {
    let inputs = [
        "",
        "<",
        "<table",
        "<table><tr><td rowspan=",
        "<table><tr><td rowspan=\"",
        "<table><tr><td>",
        "</td></tr></table></table>",
        "<td>孤立单元格<tr>",
        "<table><table><table><td>x",
        "<!-- <table><td>注释 -->",
        "&#x110000;&#0;&amp",
        "\u{feff}<p>\u{0}\u{fffd}</p>",
        "<script>",
        "<table><tr><td colspan=-3 rowspan=abc>x</td></tr></table>",
        "<<<>>></></>\"'=&&&;;",
    ];
    for input in inputs {
        let d = doc(input);
        assert_spans_cover_text(&d);
        for p in d.paragraphs() {
            assert!(d.view.get(p.span.clone()).is_some(), "{input:?}");
        }
        for t in d.tables() {
            let w = t.rows.first().map_or(0, |r| r.cells.len());
            assert!(t.rows.iter().all(|r| r.cells.len() == w), "{input:?}");
        }
    }
}

#[test]
fn truncated_table3_never_panics() {
    // Cut the fixture at many points (on character boundaries).
    let cuts: Vec<usize> = (0..TABLE3.len())
        .step_by(97)
        .filter(|&i| TABLE3.is_char_boundary(i))
        .collect();
    for cut in cuts {
        let d = doc(&TABLE3[..cut]);
        assert_spans_cover_text(&d);
        for t in d.tables() {
            let w = t.rows.first().map_or(0, |r| r.cells.len());
            assert!(t.rows.iter().all(|r| r.cells.len() == w), "cut {cut}");
        }
    }
}

#[test]
fn paragraph_visible_text_maps_back() {
    let d = doc(LAYOUT);
    let p = d
        .paragraphs()
        .find(|p| d.slice(&p.span).starts_with("2020年"))
        .map(|p| super::visible_text(&d.view, &p.span));
    let Some(v) = p else {
        panic!("paragraph not found");
    };
    assert_eq!(
        v.text,
        "2020年，本县共收到政府信息公开申请 12 件，全部按时答复。"
    );
    let at = v.text.find("12").unwrap_or(0);
    let span = v.source_span(at..at + 2);
    assert_eq!(d.slice(&span), "12");
    assert_eq!(d.line_col(span.start).line, 9);
}

/// `</name` occurrences as an Aho-Corasick search finds them (the reader's former way).
fn end_marks_by_automaton(source: &str) -> Vec<(usize, usize, usize, bool)> {
    let patterns = super::SKIPPED.map(|n| format!("</{n}"));
    let Ok(finder) = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(patterns)
    else {
        return Vec::new();
    };
    let bytes = source.as_bytes();
    let mut out: Vec<_> = finder
        .find_iter(source)
        .map(|m| {
            let ends_name = bytes
                .get(m.end())
                .is_none_or(|b| !b.is_ascii_alphanumeric() && *b != b'-');
            (m.pattern().as_usize(), m.start(), m.end(), ends_name)
        })
        .collect();
    out.sort_unstable();
    out
}

#[test]
fn end_marks_as_an_automaton_finds_them() {
    let mut pages = vec![
        "</NAV></nav-x></navx></nav></</script</SCRIPT></sTyLe>x</noscript></nos</".to_string(),
        "a</</nav>b</template</textarea></iframe></option></select></button></header></footer>"
            .to_string(),
    ];
    pages.extend(crate::test_fixtures::fixture_texts(&["html", "htm"]));
    for page in &pages {
        let mut ours: Vec<_> = super::end_marks(page)
            .iter()
            .enumerate()
            .flat_map(|(i, ms)| ms.iter().map(move |m| (i, m.start, m.end, m.ends_name)))
            .collect();
        ours.sort_unstable();
        assert_eq!(ours, end_marks_by_automaton(page));
    }
}
