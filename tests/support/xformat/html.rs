//! HTML writer: a government-site page with chrome around real tables.

use super::{escape_xml, Block, Report, Table};

/// Cell text as HTML: a break after the first full-width closing parenthesis of a long label,
/// and `&nbsp;` for an empty cell (as web forms print them).
fn cell_html(text: &str) -> String {
    if text.is_empty() {
        return "&nbsp;".into();
    }
    let esc = escape_xml(text);
    if text.chars().count() > 12 {
        if let Some(i) = esc.find('）') {
            let cut = i + '）'.len_utf8();
            if cut < esc.len() {
                return format!("{}<br>{}", &esc[..cut], &esc[cut..]);
            }
        }
    }
    esc
}

fn table_html(t: &Table, out: &mut String) {
    out.push_str("<table class=\"MsoNormalTable\" border=\"1\" cellspacing=\"0\" cellpadding=\"0\">\n<tbody>\n");
    for r in 0..t.height {
        out.push_str("<tr>");
        for cell in t.starting_in(r) {
            out.push_str("<td");
            if cell.rowspan > 1 {
                out.push_str(&format!(" rowspan=\"{}\"", cell.rowspan));
            }
            if cell.colspan > 1 {
                out.push_str(&format!(" colspan=\"{}\"", cell.colspan));
            }
            out.push_str("><p align=\"center\"><span style=\"font-size:12px\">");
            out.push_str(&cell_html(&cell.text));
            out.push_str("</span></p></td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The report as an HTML page, encoded as UTF-8 or GBK (declared `gb2312`, as many sites do).
pub fn write_html(report: &Report, gbk: bool) -> Vec<u8> {
    let charset = if gbk { "gb2312" } else { "utf-8" };
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html>\n<head>\n");
    if gbk {
        out.push_str("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">\n");
    } else {
        out.push_str(&format!("<meta charset=\"{charset}\">\n"));
    }
    out.push_str(&format!("<title>{}</title>\n", escape_xml(&report.title)));
    out.push_str("<style>td { border: 1px solid #000; } .nav li { display: inline; }</style>\n");
    out.push_str("<script>var menu = \"首页 | 政务公开 | 1 | 2 | 3\"; if (1 < 2) { document.title = menu; }</script>\n");
    out.push_str("</head>\n<body>\n");
    out.push_str("<div class=\"nav\"><ul><li><a href=\"/\">首页</a></li><li><a href=\"/zwgk/\">政务公开</a></li><li><a href=\"/hdjl/\">互动交流</a></li></ul></div>\n");
    out.push_str("<div class=\"content\">\n");
    out.push_str(&format!("<h1>{}</h1>\n", escape_xml(&report.title)));
    for block in &report.blocks {
        match block {
            Block::Para(p) => out.push_str(&format!("<p>{}</p>\n", escape_xml(p))),
            Block::Table(t) => table_html(t, &mut out),
        }
    }
    out.push_str("</div>\n<div class=\"footer\">主办单位：某某人民政府办公室　网站标识码：0000000000</div>\n");
    out.push_str("<script>window.onload = function () { var x = 3 > 1; };</script>\n");
    out.push_str("</body>\n</html>\n");
    if gbk {
        let (bytes, _, _) = encoding_rs::GBK.encode(&out);
        bytes.into_owned()
    } else {
        out.into_bytes()
    }
}
