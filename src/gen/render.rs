//! Text and HTML renderings of a generated report.

use super::model::{Block, Format, Grid, Report};
use std::fmt::Write as _;

/// How a table is printed in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextLayout {
    /// One row per line, cells separated by ` | ` (web scrapes of F2019/F2021 reports).
    RowPerLine,
    /// One cell per line, each ending in ` |` (web scrapes of F2014 statistics tables).
    CellPerLine,
}

fn text_table(
    g: &Grid,
    layout: TextLayout,
    out: &mut String,
    line: &mut usize,
    want: Option<&str>,
    found: &mut Option<usize>,
) {
    for row in &g.rows {
        match layout {
            TextLayout::RowPerLine => {
                let mut s = String::new();
                for cell in row {
                    if cell.key.is_some() && cell.key.as_deref() == want {
                        *found = Some(*line);
                    }
                    if cell.text.is_empty() {
                        s.push('|');
                    } else {
                        s.push_str(&cell.text);
                        s.push_str(" | ");
                    }
                }
                for _ in row.len()..g.width {
                    s.push('|');
                }
                out.push_str(s.trim_end());
                out.push('\n');
                *line += 1;
            }
            TextLayout::CellPerLine => {
                for cell in row {
                    if cell.key.is_some() && cell.key.as_deref() == want {
                        *found = Some(*line);
                    }
                    if cell.text.is_empty() {
                        out.push_str("|\n");
                    } else {
                        let _ = writeln!(out, "{} |", cell.text);
                    }
                    *line += 1;
                }
            }
        }
    }
}

/// Render as a scraped text page; returns the text and the 1-based line of the cell printing
/// fact `want`, if any.
pub fn text(report: &Report, want: Option<&str>) -> (String, Option<usize>) {
    let layout = match report.format {
        Format::F2014 => TextLayout::CellPerLine,
        _ => TextLayout::RowPerLine,
    };
    let mut out = String::with_capacity(12 * 1024);
    let mut line = 1;
    let mut found = None;
    for chrome in [
        "首页 > 政务公开 > 政府信息公开年报",
        "【字体：大 中 小】 打印本页 关闭窗口",
    ] {
        out.push_str(chrome);
        out.push('\n');
        line += 1;
    }
    let _ = writeln!(out, "{}", report.title);
    line += 1;
    for block in &report.blocks {
        match block {
            Block::Heading(t) | Block::Para(t) => {
                out.push_str(t);
                out.push('\n');
                line += 1;
            }
            Block::Table(g) => text_table(g, layout, &mut out, &mut line, want, &mut found),
        }
    }
    out.push_str("扫一扫在手机打开当前页\n");
    (out, found)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

const STYLE: &str = "body{font-family:\"Microsoft YaHei\",SimSun,sans-serif;margin:0;background:#f5f5f5}\
.header{background:#b5001f;color:#fff;height:120px}.nav ul{list-style:none;margin:0;padding:0}\
.nav li{display:inline-block;padding:0 18px;line-height:44px}.main{width:1200px;margin:0 auto;background:#fff}\
.article h1{font-size:26px;text-align:center;color:#333}.content p{text-indent:2em;line-height:2}\
table.MsoNormalTable{border-collapse:collapse;margin:0 auto}table.MsoNormalTable td{border:1px solid #000;padding:4px}";

const SCRIPT: &str = "var _hmt=_hmt||[];(function(){var hm=document.createElement('script');\
hm.src='https://hm.example.invalid/hm.js?abc';var s=document.getElementsByTagName('script')[0];\
s.parentNode.insertBefore(hm,s);})();function setFont(size){document.getElementById('zoom').style.fontSize=size+'px';}";

/// Render as a government web page with navigation, scripts and styles around the article.
pub fn html(report: &Report) -> String {
    let mut out = String::with_capacity(24 * 1024);
    let title = escape(&report.title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}_{body}</title>\n\
<meta name=\"ArticleTitle\" content=\"{title}\">\n<style>{STYLE}</style>\n<script>{SCRIPT}</script>\n</head>\n<body>\n\
<div class=\"header\"><div class=\"logo\"><img src=\"/images/logo.png\" alt=\"{body}\"></div>\
<div class=\"search\"><input type=\"text\" placeholder=\"请输入搜索内容\"><button>搜索</button></div></div>\n\
<div class=\"nav\"><ul><li><a href=\"/\">首页</a></li><li><a href=\"/zwgk/\">政务公开</a></li>\
<li><a href=\"/zwfw/\">政务服务</a></li><li><a href=\"/hdjl/\">互动交流</a></li><li><a href=\"/zjbd/\">走进本地</a></li></ul></div>\n\
<div class=\"main\"><div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"/zwgk/\">政务公开</a> &gt; 政府信息公开年报</div>\n\
<div class=\"article\"><h1>{title}</h1>\n<div class=\"info\">发布时间：{y}-01-{d:02} 来源：{body} 【字体：<a href=\"javascript:setFont(18)\">大</a> <a href=\"javascript:setFont(16)\">中</a> <a href=\"javascript:setFont(14)\">小</a>】</div>\n\
<div class=\"content\" id=\"zoom\">\n",
        body = escape(&report.body),
        y = report.year + 1,
        d = 10 + report.year % 18,
    );
    for block in &report.blocks {
        match block {
            Block::Heading(t) => {
                let _ = writeln!(
                    out,
                    "<p style=\"text-indent:2em\"><strong>{}</strong></p>",
                    escape(t)
                );
            }
            Block::Para(t) => {
                let _ = writeln!(out, "<p style=\"text-indent:2em\"><span style=\"font-family:仿宋_GB2312\">{}</span></p>", escape(t));
            }
            Block::Table(g) => {
                out.push_str("<div align=\"center\"><table class=\"MsoNormalTable\" border=\"1\" cellspacing=\"0\" cellpadding=\"0\">\n<tbody>\n");
                for row in &g.rows {
                    out.push_str("<tr>");
                    for cell in row {
                        out.push_str("<td");
                        if cell.rowspan > 1 {
                            let _ = write!(out, " rowspan=\"{}\"", cell.rowspan);
                        }
                        if cell.colspan > 1 {
                            let _ = write!(out, " colspan=\"{}\"", cell.colspan);
                        }
                        let _ = write!(
                            out,
                            " valign=\"center\"><p align=\"center\"><span>{}</span></p></td>",
                            escape(&cell.text)
                        );
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table></div>\n");
            }
        }
    }
    out.push_str(
        "</div></div>\n<div class=\"share\">分享到：<a class=\"wx\">微信</a> <a class=\"wb\">微博</a> \
<a href=\"javascript:window.print()\">打印本页</a> <a href=\"javascript:window.close()\">关闭窗口</a></div>\n</div>\n\
<div class=\"footer\"><p>主办单位：本级人民政府办公室 网站标识码：0000000000 备案号：X ICP备00000000号</p>\
<p>建议使用1366×768分辨率浏览本网站</p></div>\n",
    );
    let _ = write!(out, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    out
}
