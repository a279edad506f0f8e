//! Paragraphs from the layout lines outside tables.

use super::lines::{Kind, Line};
use crate::source::Paragraph;

/// Sentence-final punctuation: a line ending in one closes its paragraph.
const CLOSERS: [char; 6] = ['。', '！', '？', '：', '；', '!'];

/// Group the text lines not covered by a table (`in_table[i]`) into paragraphs. A paragraph is a
/// run of text lines on one page; it ends at a blank line, a page break, a short line (a heading or
/// the last line of a paragraph), a line ending a sentence, or before a line indented further
/// than the previous one (a first-line indent).
pub fn paragraphs(view: &str, lines: &[Line], in_table: &[bool]) -> Vec<Paragraph> {
    // Typical (median) right end of the prose lines of each page, to tell short lines. Columns
    // are pdftotext's grid, where digits and CJK both take one column, so the median of many lines
    // is steadier than the widest one.
    let mut rights: Vec<Vec<usize>> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if matches!(l.kind, Kind::Text(_) | Kind::Row { .. })
            && !in_table.get(i).copied().unwrap_or(false)
        {
            if rights.len() <= l.page {
                rights.resize(l.page + 1, Vec::new());
            }
            rights[l.page].push(l.right());
        }
    }
    let median = |mut r: Vec<usize>| {
        r.sort_unstable();
        r.get(r.len() / 2).copied().unwrap_or(0)
    };
    // Pages with few prose lines use the document's median.
    let overall = median(rights.iter().flatten().copied().collect());
    let typical: Vec<usize> = rights
        .into_iter()
        .map(|r| if r.len() < 6 { overall } else { median(r) })
        .collect();
    let mut out = Vec::new();
    let mut cur: Option<(usize, usize, usize)> = None; // (start byte, end byte, page)
    let mut prev: Option<&Line> = None;
    let flush = |cur: &mut Option<(usize, usize, usize)>, out: &mut Vec<Paragraph>| {
        if let Some((s, e, page)) = cur.take() {
            out.push(Paragraph {
                span: s..e,
                locator: Some(format!("第{page}页")),
            });
        }
    };
    for (i, l) in lines.iter().enumerate() {
        let is_text = matches!(l.kind, Kind::Text(_) | Kind::Row { .. });
        if !is_text || in_table.get(i).copied().unwrap_or(false) {
            flush(&mut cur, &mut out);
            prev = None;
            continue;
        }
        let text = view.get(l.span.clone()).unwrap_or("");
        let start = l.span.start + (text.len() - text.trim_start().len());
        let end = l.span.start + text.trim_end().len();
        let breaks = prev.is_some_and(|p| {
            let p_text = view.get(p.span.clone()).unwrap_or("").trim_end();
            let wide = typical.get(p.page).copied().unwrap_or(0);
            p.page != l.page
                || p_text.ends_with(CLOSERS)
                || p.right() * 10 < wide * 8
                || l.indent() > p.indent() + 1
        });
        if breaks {
            flush(&mut cur, &mut out);
        }
        match cur.as_mut() {
            Some(c) => c.1 = end,
            None => cur = Some((start, end, l.page)),
        }
        prev = Some(l);
    }
    flush(&mut cur, &mut out);
    out
}
