//! Rebuild tables from classified layout lines.
//!
//! A table is a cluster of numeric rows (see [`Kind::Row`]) together with the header lines above
//! its first row and the label fragments between rows. Only layout is used: the x-position of
//! label fragments relative to the row labels around them, item markers (`1.`, `（三）`, `三、`)
//! that start a new label, and the columns of numbers. The reader knows no report labels.

use std::ops::Range;

use super::lines::{Chunk, Kind, Line};
use crate::source::{Cell, Row, Table};

/// A table found in the line list: the lines it covers and the table itself.
#[derive(Debug)]
pub struct Found {
    /// Line indices covered (inclusive start, exclusive end).
    pub lines: Range<usize>,
    /// The table.
    pub table: Table,
}

/// Most text lines allowed in a header block or a gap between two rows of one table.
const MAX_GAP_TEXT: usize = 12;
/// Column tolerance when matching a label fragment to a label column.
const X_TOL: usize = 4;
/// A single-chunk text line at least this many characters wide is prose, not a table fragment.
const PROSE_WIDTH: usize = 26;

/// Is this line running prose (a long line without column gaps)?
fn is_prose(view: &str, line: &Line) -> bool {
    line.single_text()
        .is_some_and(|c| char_len(view, &c.span) >= PROSE_WIDTH)
}

/// Is this line a section heading such as `三、收到和处理政府信息公开申请情况`?
fn is_heading(view: &str, line: &Line) -> bool {
    let Some(c) = line.single_text() else {
        return false;
    };
    let t = view.get(c.span.clone()).unwrap_or("");
    let head: String = t.chars().take_while(|c| is_cn_numeral(*c)).collect();
    !head.is_empty() && t[head.len()..].starts_with('、') && t.chars().count() >= 6
}

fn is_cn_numeral(c: char) -> bool {
    "一二三四五六七八九十".contains(c)
}

fn char_len(view: &str, span: &Range<usize>) -> usize {
    view.get(span.clone()).map_or(0, |s| s.chars().count())
}

/// Does a label fragment start a new item (`1.`, `1、`, `（三）`, `(3)`, `三、`)?
fn starts_item(t: &str) -> bool {
    let t = t.trim_start();
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() {
        let rest = &t[digits.len()..];
        return rest.starts_with(['.', '、', '．', ')', '）']);
    }
    if let Some(rest) = t.strip_prefix(['（', '(']) {
        let inner: String = rest
            .chars()
            .take_while(|c| is_cn_numeral(*c) || c.is_ascii_digit())
            .collect();
        return !inner.is_empty() && rest[inner.len()..].starts_with(['）', ')']);
    }
    let head: String = t.chars().take_while(|c| is_cn_numeral(*c)).collect();
    !head.is_empty() && t[head.len()..].starts_with('、')
}

fn value_count(line: &Line) -> usize {
    match &line.kind {
        Kind::Row { values, .. } => values.len(),
        _ => 0,
    }
}

/// Shape of a numeric row for [`mark_blank_rows`]: label chunk count, column of the last label
/// chunk, column of the first value.
fn row_shape(line: &Line) -> Option<(usize, usize, usize)> {
    match &line.kind {
        Kind::Row { labels, values } if labels.len() >= 2 => {
            Some((labels.len(), labels.last()?.x, values.first()?.x))
        }
        _ => None,
    }
}

/// Turn text lines shaped like the label part of a neighbouring row into rows without values.
///
/// A row whose value cells are all blank prints only its labels (`2.传真申请数   件` between
/// `1.当面申请数   件   1` and `3.网络申请数   件   50`): without this it would be read as a header
/// line, losing its blank facts and letting a later row with the same label take its place. A
/// text line qualifies when the nearest numeric row above or below has as many label chunks
/// (at least two), the same column for the last one, and values right of the whole line.
pub fn mark_blank_rows(lines: &mut [Line]) {
    let fits = |chunks: &[Chunk], j: usize| {
        let Some(last) = chunks.last() else {
            return false;
        };
        row_shape(&lines[j]).is_some_and(|(n, lx, vx)| {
            n == chunks.len() && last.x.abs_diff(lx) <= X_TOL && last.end_x < vx
        })
    };
    let is_row = |j: &usize| matches!(lines[*j].kind, Kind::Row { .. });
    let upgrades: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            let Kind::Text(chunks) = &lines[i].kind else {
                return false;
            };
            if chunks.len() < 2 {
                return false;
            }
            let above = (0..i).rev().take(MAX_GAP_TEXT).find(is_row);
            let below = (i + 1..lines.len()).take(MAX_GAP_TEXT).find(is_row);
            above.is_some_and(|j| fits(chunks, j)) || below.is_some_and(|j| fits(chunks, j))
        })
        .collect();
    for i in upgrades {
        if let Kind::Text(chunks) = &lines[i].kind {
            lines[i].kind = Kind::Row {
                labels: chunks.clone(),
                values: Vec::new(),
            };
        }
    }
}

/// Find the tables among `lines`.
pub fn find(view: &str, lines: &[Line], origin: &mut usize) -> Vec<Found> {
    let rows: Vec<usize> = (0..lines.len())
        .filter(|&i| matches!(lines[i].kind, Kind::Row { .. }))
        .collect();
    // Cluster rows: a gap with prose, too many text lines, or a heading before a row of another
    // width ends a table.
    let mut clusters: Vec<Vec<usize>> = Vec::new();
    for &r in &rows {
        let joined = clusters.last().and_then(|c| c.last()).is_some_and(|&prev| {
            let gap = &lines[prev + 1..r];
            let texts = gap
                .iter()
                .filter(|l| matches!(l.kind, Kind::Text(_)))
                .count();
            let prose = gap.iter().any(|l| is_prose(view, l));
            let heading = gap.iter().any(|l| is_heading(view, l));
            let widths_differ = value_count(&lines[prev]) != value_count(&lines[r]);
            texts <= MAX_GAP_TEXT && !prose && !(heading && widths_differ)
        });
        match clusters.last_mut() {
            Some(c) if joined => c.push(r),
            _ => clusters.push(vec![r]),
        }
    }
    let mut out = Vec::new();
    let mut floor = 0;
    for cluster in clusters {
        let (Some(&first), Some(&last)) = (cluster.first(), cluster.last()) else {
            continue;
        };
        let head = header_start(view, lines, first, floor);
        floor = last + 1;
        let table = build(view, lines, head, &cluster, origin);
        out.push(Found {
            lines: head..last + 1,
            table,
        });
    }
    out
}

/// Walk up from the first row over header lines; stop at prose, headings, or `floor`.
fn header_start(view: &str, lines: &[Line], first: usize, floor: usize) -> usize {
    let mut start = first;
    let mut texts = 0;
    let mut i = first;
    while i > floor {
        i -= 1;
        let l = &lines[i];
        match l.kind {
            Kind::Text(_) => {
                if is_prose(view, l) || is_heading(view, l) || texts >= MAX_GAP_TEXT {
                    break;
                }
                texts += 1;
                start = i;
            }
            Kind::Row { .. } => break,
            Kind::Blank | Kind::Footer | Kind::Marker => {}
        }
    }
    start
}

/// A row label under construction: fragments and the column where it starts.
#[derive(Debug, Default, Clone)]
struct Label {
    parts: Vec<Range<usize>>,
    x: Option<usize>,
}

impl Label {
    fn push(&mut self, c: &Chunk) {
        if self.x.is_none() {
            self.x = Some(c.x);
        }
        self.parts.push(c.span.clone());
    }
}

/// A data row under construction.
struct DataRow {
    line: usize,
    /// Group-caption fragments printed on the row's own line, left of the row label.
    groups: Vec<Chunk>,
    label: Label,
    values: Vec<Chunk>,
}

/// One piece of the table in document order.
enum Piece {
    Header(usize),
    Data(DataRow),
}

fn build(view: &str, lines: &[Line], head: usize, rows: &[usize], origin: &mut usize) -> Table {
    let mut pieces: Vec<Piece> = Vec::new();
    let first = rows.first().copied().unwrap_or(head);
    for (i, line) in lines.iter().enumerate().take(first).skip(head) {
        if matches!(line.kind, Kind::Text(_)) {
            pieces.push(Piece::Header(i));
        }
    }
    let mut prev: Option<usize> = None; // index into `pieces` of the previous data row
    for (k, &r) in rows.iter().enumerate() {
        let Kind::Row { labels, values } = &lines[r].kind else {
            continue;
        };
        let mut own = labels.clone();
        let own_label = own.pop();
        let mut row = DataRow {
            line: r,
            groups: own,
            label: Label::default(),
            values: values.clone(),
        };
        let gap_start = if k == 0 { r } else { rows[k - 1] + 1 };
        let prev_x = prev.and_then(|p| match &pieces[p] {
            Piece::Data(d) => d.label.x,
            Piece::Header(_) => None,
        });
        let gap = resolve_gap(
            view,
            lines,
            gap_start..r,
            prev_x,
            own_label.as_ref().map(|c| c.x),
        );
        // Continuations of the previous row's label.
        if let Some(Piece::Data(p)) = prev.and_then(|p| pieces.get_mut(p)) {
            if own_label.is_none() && gap.pending.is_empty() {
                // A label-less row takes the unmarked lines above it as its own label.
                for c in &gap.after_prev {
                    row.label.push(c);
                }
            } else {
                for c in &gap.after_prev {
                    p.label.push(c);
                }
            }
        }
        pieces.extend(gap.headers.into_iter().map(Piece::Header));
        for c in &gap.pending {
            row.label.push(c);
        }
        if let Some(c) = &own_label {
            row.label.push(c);
        }
        pieces.push(Piece::Data(row));
        prev = Some(pieces.len() - 1);
    }
    assemble(view, lines, head, rows, pieces, origin)
}

/// How the text lines between two rows are used.
#[derive(Default)]
struct Gap {
    /// Unmarked label lines continuing the previous row's label.
    after_prev: Vec<Chunk>,
    /// Label lines from the last item marker on: the start of the next row's label.
    pending: Vec<Chunk>,
    /// Lines kept as text-only rows (sub-table captions and headers, stray items).
    headers: Vec<usize>,
}

/// Sort the text lines of a gap into label fragments, header lines and dropped group captions.
fn resolve_gap(
    view: &str,
    lines: &[Line],
    gap: Range<usize>,
    prev_x: Option<usize>,
    next_x: Option<usize>,
) -> Gap {
    let mut out = Gap::default();
    let texts: Vec<usize> = gap
        .filter(|&i| matches!(lines[i].kind, Kind::Text(_)))
        .collect();
    // A multi-chunk text line means a header block (e.g. a sub-table's column headers): keep the
    // whole gap as header rows.
    let has_header = texts
        .iter()
        .any(|&i| matches!(&lines[i].kind, Kind::Text(c) if c.len() > 1));
    if has_header {
        out.headers = texts;
        return out;
    }
    let refs: Vec<usize> = prev_x.iter().chain(next_x.iter()).copied().collect();
    let near = |x: usize, r: usize| x.abs_diff(r) <= X_TOL;
    let mut label_lines: Vec<(usize, Chunk)> = Vec::new();
    let mut last_x: Option<usize> = None;
    for &i in &texts {
        let Some(c) = lines[i].single_text() else {
            continue;
        };
        let is_label = refs.iter().any(|&r| near(c.x, r)) || last_x.is_some_and(|r| near(c.x, r));
        if is_label {
            last_x = Some(c.x);
            label_lines.push((i, c.clone()));
        } else if refs.iter().all(|&r| c.x + X_TOL < r) && !refs.is_empty() {
            // Left of the label column: a (vertical) group caption. Not a row.
        } else {
            out.headers.push(i);
        }
    }
    let marks: Vec<usize> = label_lines
        .iter()
        .enumerate()
        .filter(|(_, (_, c))| starts_item(view.get(c.span.clone()).unwrap_or("")))
        .map(|(k, _)| k)
        .collect();
    let first_mark = marks.first().copied().unwrap_or(label_lines.len());
    let last_mark = marks.last().copied().unwrap_or(label_lines.len());
    for (k, (i, c)) in label_lines.into_iter().enumerate() {
        if k < first_mark {
            out.after_prev.push(c);
        } else if k < last_mark {
            // An earlier item with no numbers of its own: keep it as a text-only row.
            out.headers.push(i);
        } else {
            out.pending.push(c);
        }
    }
    out.headers.sort_unstable();
    out
}

/// Join label fragments: no space between CJK fragments, one space otherwise.
fn join_parts(view: &str, parts: &[Range<usize>]) -> String {
    let mut s = String::new();
    for p in parts {
        let t = view.get(p.clone()).unwrap_or("").trim();
        if let (Some(a), Some(b)) = (s.chars().last(), t.chars().next()) {
            if a.is_ascii() || b.is_ascii() {
                s.push(' ');
            }
        }
        s.push_str(t);
    }
    s
}

fn page_locator(page: usize) -> String {
    format!("第{page}页")
}

fn assemble(
    view: &str,
    lines: &[Line],
    head: usize,
    rows: &[usize],
    pieces: Vec<Piece>,
    origin: &mut usize,
) -> Table {
    let mut cell = |text: String, span: Range<usize>, page: usize| {
        *origin += 1;
        Cell {
            text,
            span,
            origin: *origin,
            locator: Some(page_locator(page)),
        }
    };
    let templates = column_templates(lines, rows);
    let mut out_rows = Vec::new();
    for p in pieces {
        match p {
            Piece::Header(i) => {
                let Kind::Text(chunks) = &lines[i].kind else {
                    continue;
                };
                let cells = chunks
                    .iter()
                    .map(|c| {
                        let t = view.get(c.span.clone()).unwrap_or("").to_string();
                        cell(t, c.span.clone(), lines[i].page)
                    })
                    .collect();
                out_rows.push(Row { cells });
            }
            Piece::Data(d) => {
                let page = lines[d.line].page;
                let mut cells: Vec<Cell> = d
                    .groups
                    .iter()
                    .map(|c| {
                        let t = view.get(c.span.clone()).unwrap_or("").to_string();
                        cell(t, c.span.clone(), page)
                    })
                    .collect();
                if let (Some(a), Some(b)) = (d.label.parts.first(), d.label.parts.last()) {
                    let span = a.start.min(b.start)..a.end.max(b.end);
                    cells.push(cell(join_parts(view, &d.label.parts), span, page));
                }
                let template = templates.get(&d.line).map(Vec::as_slice).unwrap_or(&[]);
                let slots = if d.values.is_empty() {
                    // Every value blank: one blank cell per column, at the end of the line.
                    let at = lines[d.line].span.end;
                    template.iter().map(|_| Slot::Blank(at)).collect()
                } else {
                    place_values(&d.values, template)
                };
                for slot in slots {
                    cells.push(match slot {
                        Slot::Value(c) => {
                            let t = view.get(c.span.clone()).unwrap_or("").to_string();
                            cell(t, c.span.clone(), page)
                        }
                        Slot::Blank(at) => cell(String::new(), at..at, page),
                    });
                }
                out_rows.push(Row { cells });
            }
        }
    }
    let start = lines.get(head).map_or(0, |l| l.span.start);
    let end = rows
        .last()
        .and_then(|&r| lines.get(r))
        .map_or(start, |l| l.span.end);
    let pages: Vec<usize> = rows.iter().map(|&r| lines[r].page).collect();
    let (p0, p1) = (
        pages.iter().min().copied().unwrap_or(1),
        pages.iter().max().copied().unwrap_or(1),
    );
    Table {
        rows: out_rows,
        span: start..end,
        locator: Some(if p0 == p1 {
            page_locator(p0)
        } else {
            format!("第{p0}–{p1}页")
        }),
        is_grid: false,
    }
}

/// A value position in a row: a printed value or a blank cell (at a byte offset).
enum Slot<'a> {
    Value(&'a Chunk),
    Blank(usize),
}

/// Column centres (in half characters) for each row that has fewer values than its neighbours:
/// the centres of the nearest neighbouring row with the most values.
fn column_templates(
    lines: &[Line],
    rows: &[usize],
) -> std::collections::HashMap<usize, Vec<usize>> {
    let mut out = std::collections::HashMap::new();
    for (k, &r) in rows.iter().enumerate() {
        let n = value_count(&lines[r]);
        // Neighbours separated by a header line (a sub-table) do not count.
        let neighbours: Vec<usize> = [k.checked_sub(1), Some(k + 1)]
            .into_iter()
            .flatten()
            .filter_map(|j| rows.get(j).copied())
            .filter(|&j| {
                let (a, b) = (j.min(r), j.max(r));
                !lines[a + 1..b]
                    .iter()
                    .any(|l| matches!(&l.kind, Kind::Text(c) if c.len() > 1))
            })
            .collect();
        let neighbours = if n == 0 {
            // A row with every value blank: the nearest rows with values above and below.
            nearest_with_values(lines, rows, k)
        } else {
            neighbours
        };
        let best = neighbours
            .iter()
            .filter(|&&j| value_count(&lines[j]) > n)
            .max_by_key(|&&j| value_count(&lines[j]));
        // Only fill blanks when both neighbours (where present) agree on the wider width (a row
        // with no value at all takes the widest).
        let agree = n == 0
            || neighbours
                .iter()
                .all(|&j| best.is_some_and(|&b| value_count(&lines[j]) == value_count(&lines[b])));
        if let (Some(&b), true) = (best, agree) {
            if let Kind::Row { values, .. } = &lines[b].kind {
                out.insert(r, values.iter().map(|c| c.x + c.end_x).collect());
            }
        }
    }
    out
}

/// For the value-less row `rows[k]`: the nearest rows above and below that have values, not
/// separated from it by a header line.
fn nearest_with_values(lines: &[Line], rows: &[usize], k: usize) -> Vec<usize> {
    let r = rows[k];
    let separated = |j: usize| {
        let (a, b) = (j.min(r), j.max(r));
        lines[a + 1..b]
            .iter()
            .any(|l| matches!(&l.kind, Kind::Text(c) if c.len() > 1))
    };
    let up = rows[..k]
        .iter()
        .rev()
        .copied()
        .take_while(|&j| !separated(j))
        .find(|&j| value_count(&lines[j]) > 0);
    let down = rows[k + 1..]
        .iter()
        .copied()
        .take_while(|&j| !separated(j))
        .find(|&j| value_count(&lines[j]) > 0);
    up.into_iter().chain(down).collect()
}

/// Place a row's values into the template's columns, inserting blank cells where a column has no
/// value. Without a template, or when no consistent placement exists, values are kept as printed.
fn place_values<'a>(values: &'a [Chunk], template: &[usize]) -> Vec<Slot<'a>> {
    let plain = || values.iter().map(Slot::Value).collect();
    if template.len() <= values.len() || values.is_empty() {
        return plain();
    }
    let centre = |c: &Chunk| (c.x + c.end_x) as i64;
    let tol = 2 * X_TOL as i64;
    let mut best: Option<(i64, Vec<usize>)> = None;
    // Try every shift that puts some value exactly on some column.
    for v in values {
        for &t in template {
            let shift = t as i64 - centre(v);
            let mut assign = Vec::with_capacity(values.len());
            let mut cost = 0;
            let mut next_col = 0;
            let mut ok = true;
            for w in values {
                let pos = centre(w) + shift;
                let found = (next_col..template.len())
                    .map(|j| (j, (template[j] as i64 - pos).abs()))
                    .min_by_key(|&(_, d)| d);
                match found {
                    Some((j, d)) if d <= tol => {
                        assign.push(j);
                        cost += d;
                        next_col = j + 1;
                    }
                    _ => {
                        ok = false;
                        break;
                    }
                }
            }
            if ok && best.as_ref().is_none_or(|(c, _)| cost < *c) {
                best = Some((cost, assign));
            }
        }
    }
    let Some((_, assign)) = best else {
        return plain();
    };
    let mut out = Vec::with_capacity(template.len());
    let mut vi = 0;
    for j in 0..template.len() {
        if assign.get(vi) == Some(&j) {
            out.push(Slot::Value(&values[vi]));
            vi += 1;
        } else {
            // Blank: an empty span where the previous value ends (or the first value starts).
            let at = if vi == 0 {
                values[0].span.start
            } else {
                values[vi - 1].span.end
            };
            out.push(Slot::Blank(at));
        }
    }
    out
}
