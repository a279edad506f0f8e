//! Plain text and Markdown reader.
//!
//! The view is the decoded text itself, unchanged. Every non-empty line outside a table is a
//! paragraph. Tables come in three shapes:
//!
//! * Markdown (GFM) tables: a header row, a `|---|` delimiter row (skipped), then body rows;
//! * pipe dumps with **one row per line** (`a | b | c |`, seed 002), where trailing empty cells
//!   are colspan debris and are dropped;
//! * pipe dumps with **one cell per line** (`label |`, `件 |`, `|`, `||`, seeds 000 and 001),
//!   where the row width and alignment are inferred from the content (see [`infer_grid`]).

use super::detect::is_delimiter_row;
use super::{Block, Cell, Document, InputFormat, Paragraph, Row, Span, Table};
use crate::number::UNIT_WORDS;

/// Parse decoded text into a document; `format` is [`InputFormat::Text`] or
/// [`InputFormat::Markdown`] (both are parsed alike; Markdown tables are recognised in either).
pub fn parse(name: &str, text: String, encoding: Option<String>, format: InputFormat) -> Document {
    let blocks = parse_blocks(&text);
    Document::new(name, format, encoding, text, blocks)
}

/// The blocks of a text view, with cell origins numbered from 0 in document order.
pub fn parse_blocks(view: &str) -> Vec<Block> {
    let lines = split_lines(view);
    let mut blocks = Vec::new();
    let mut origin = 0usize;
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        let text = &view[line.clone()];
        let next_is_delimiter = lines
            .get(i + 1)
            .is_some_and(|n| is_delimiter_row(&view[n.clone()]));
        if text.contains('|') && next_is_delimiter && !is_delimiter_row(text) {
            let mut end = i + 2;
            while lines.get(end).is_some_and(|l| {
                view[l.clone()].contains('|') && !view[l.clone()].trim().is_empty()
            }) {
                end += 1;
            }
            let body = std::iter::once(&lines[i]).chain(&lines[i + 2..end]);
            let rows = body
                .map(|l| Row {
                    cells: markdown_cells(view, l.clone(), &mut origin),
                })
                .collect();
            blocks.push(Block::Table(Box::new(table(rows, &lines[i..end]))));
            i = end;
        } else if is_pipe_line(text) {
            let mut end = i + 1;
            while lines.get(end).is_some_and(|l| {
                let t = &view[l.clone()];
                is_pipe_line(t)
                    && !lines
                        .get(end + 1)
                        .is_some_and(|n| is_delimiter_row(&view[n.clone()]))
            }) {
                end += 1;
            }
            let rows = pipe_run_rows(view, &lines[i..end], &mut origin);
            blocks.push(Block::Table(Box::new(table(rows, &lines[i..end]))));
            i = end;
        } else {
            let trimmed = text.trim_end();
            if !trimmed.trim_start().is_empty() {
                blocks.push(Block::Paragraph(Paragraph {
                    span: line.start..line.start + trimmed.len(),
                    locator: None,
                }));
            }
            i += 1;
        }
    }
    blocks
}

/// Byte ranges of the lines of `view`, without their `\n` / `\r\n`.
fn split_lines(view: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in view.split_inclusive('\n') {
        let body = piece.strip_suffix('\n').unwrap_or(piece);
        let body = body.strip_suffix('\r').unwrap_or(body);
        out.push(start..start + body.len());
        start += piece.len();
    }
    out
}

/// A line of a pipe dump: it ends with `|` (and is not a Markdown delimiter row).
fn is_pipe_line(line: &str) -> bool {
    line.trim_end().ends_with('|') && !is_delimiter_row(line)
}

/// A table over `lines` with the given rows.
fn table(rows: Vec<Row>, lines: &[Span]) -> Table {
    let start = lines.first().map_or(0, |l| l.start);
    let end = lines.last().map_or(start, |l| l.end);
    Table {
        rows,
        span: start..end,
        locator: None,
        is_grid: false,
    }
}

/// One raw cell: the byte range between two pipes and the position of the pipe that closes it.
#[derive(Debug, Clone)]
struct Segment {
    range: Span,
    close: usize,
}

/// Split a line at `|` (unescaped when `markdown`), returning every piece including the one
/// after the last pipe (whose `close` is the line end).
fn segments(view: &str, line: Span, markdown: bool) -> Vec<Segment> {
    let text = &view[line.clone()];
    let mut out = Vec::new();
    let mut seg_start = 0;
    let mut prev = '\0';
    for (i, c) in text.char_indices() {
        if c == '|' && !(markdown && prev == '\\') {
            out.push(Segment {
                range: line.start + seg_start..line.start + i,
                close: line.start + i,
            });
            seg_start = i + 1;
        }
        prev = c;
    }
    out.push(Segment {
        range: line.start + seg_start..line.end,
        close: line.end,
    });
    out
}

/// True when a segment holds only whitespace.
fn blank(view: &str, seg: &Segment) -> bool {
    view[seg.range.clone()].trim().is_empty()
}

/// Make a cell from a segment: the trimmed text, or an empty span at the closing pipe.
fn make_cell(view: &str, seg: &Segment, origin: &mut usize) -> Cell {
    let raw = &view[seg.range.clone()];
    let lead = raw.len() - raw.trim_start().len();
    let trimmed = raw.trim();
    let span = if trimmed.is_empty() {
        seg.close..seg.close
    } else {
        let s = seg.range.start + lead;
        s..s + trimmed.len()
    };
    let cell = Cell::new(trimmed, span, *origin);
    *origin += 1;
    cell
}

/// The cells of a Markdown table row (outer pipes optional, inner empty cells kept).
fn markdown_cells(view: &str, line: Span, origin: &mut usize) -> Vec<Cell> {
    let mut segs = segments(view, line.clone(), true);
    let text = view[line].trim();
    if text.starts_with('|') && segs.first().is_some_and(|s| blank(view, s)) {
        segs.remove(0);
    }
    if text.ends_with('|') && segs.last().is_some_and(|s| blank(view, s)) {
        segs.pop();
    }
    segs.iter().map(|s| make_cell(view, s, origin)).collect()
}

/// The cell segments of one pipe-dump line: the piece after the final `|` is dropped, and so is
/// an empty first piece when the line opens with `|` and holds text (`| a | b |` style).
fn pipe_line_segments(view: &str, line: Span) -> Vec<Segment> {
    let mut segs = segments(view, line.clone(), false);
    segs.pop();
    let starts_with_pipe = view[line].trim_start().starts_with('|');
    if starts_with_pipe
        && segs.len() > 1
        && segs.iter().any(|s| !blank(view, s))
        && segs.first().is_some_and(|s| blank(view, s))
    {
        segs.remove(0);
    }
    segs
}

/// Rows of a run of pipe-dump lines, in whichever layout the run uses.
fn pipe_run_rows(view: &str, lines: &[Span], origin: &mut usize) -> Vec<Row> {
    let per_line: Vec<Vec<Segment>> = lines
        .iter()
        .map(|l| pipe_line_segments(view, l.clone()))
        .collect();
    let multi = per_line
        .iter()
        .filter(|segs| segs.iter().filter(|s| !blank(view, s)).count() >= 2)
        .count();
    if multi * 3 >= per_line.len() {
        // Trailing blank cells are padding (`X | |||`, a merged cell dumped once) unless the run
        // shows its width in rows that end with a filled cell: then a row keeps its blanks up
        // to that width (`2.传真申请数 | 件 | |` is a blank value cell, as in Markdown/HTML). Rows
        // without any value (captions, header rows of merged cells) are always trimmed.
        let width = per_line
            .iter()
            .filter(|segs| segs.last().is_some_and(|s| !blank(view, s)))
            .map(Vec::len)
            .max()
            .unwrap_or(0);
        return per_line
            .iter()
            .filter_map(|segs| {
                let filled = segs.iter().rposition(|s| !blank(view, s))? + 1;
                let has_value = segs
                    .iter()
                    .any(|s| Kind::of(view[s.range.clone()].trim()) == Kind::Value);
                let keep = if has_value {
                    filled.max(width.min(segs.len()))
                } else {
                    filled
                };
                Some(Row {
                    cells: segs[..keep]
                        .iter()
                        .map(|s| make_cell(view, s, origin))
                        .collect(),
                })
            })
            .collect();
    }
    let flat: Vec<&Segment> = per_line.iter().flatten().collect();
    let kinds: Vec<Kind> = flat
        .iter()
        .map(|s| Kind::of(view[s.range.clone()].trim()))
        .collect();
    match infer_grid(&kinds) {
        Some((width, offset)) => {
            let mut rows = Vec::new();
            let mut cells = flat.iter().map(|s| make_cell(view, s, origin));
            if offset > 0 {
                rows.push(Row {
                    cells: cells.by_ref().take(offset).collect(),
                });
            }
            loop {
                let row: Vec<Cell> = cells.by_ref().take(width).collect();
                if row.is_empty() {
                    break;
                }
                rows.push(Row { cells: row });
            }
            rows
        }
        None => per_line
            .iter()
            .filter(|segs| !segs.is_empty())
            .map(|segs| Row {
                cells: segs.iter().map(|s| make_cell(view, s, origin)).collect(),
            })
            .collect(),
    }
}

/// What a cell's text looks like, for inferring the rows of a one-cell-per-line dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Nothing.
    Blank,
    /// A number, a unit word or a not-applicable mark (`——`, `/`, `无`).
    Value,
    /// Text that names something (has Han characters or letters).
    Label,
    /// Anything else (punctuation, symbols).
    Other,
}

impl Kind {
    /// Classify a trimmed cell text.
    fn of(t: &str) -> Kind {
        if t.is_empty() {
            return Kind::Blank;
        }
        if is_value(t) {
            return Kind::Value;
        }
        if t.chars().any(|c| is_han(c) || c.is_alphabetic()) {
            Kind::Label
        } else {
            Kind::Other
        }
    }
}

/// A number (optionally signed, with separators, decimals, a short unit suffix), a unit word, or
/// a not-applicable mark.
fn is_value(t: &str) -> bool {
    if UNIT_WORDS.contains(&t) {
        return true;
    }
    if t.chars()
        .all(|c| matches!(c, '—' | '–' | '-' | '―' | '－' | '/' | '／' | '\\'))
        || matches!(t, "无" | "不适用" | "N/A" | "n/a")
    {
        return true;
    }
    let body = t.trim_start_matches(['+', '-', '±', '＋', '－']);
    let num_end = body
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || is_fullwidth_digit(c) || ",.，．%％".contains(c)))
        .map_or(body.len(), |(i, _)| i);
    let (num, rest) = body.split_at(num_end);
    num.chars()
        .any(|c| c.is_ascii_digit() || is_fullwidth_digit(c))
        && (rest.is_empty() || UNIT_WORDS.contains(&rest.trim()) || rest.chars().count() <= 2)
}

/// Full-width digits ０–９.
fn is_fullwidth_digit(c: char) -> bool {
    ('\u{FF10}'..='\u{FF19}').contains(&c)
}

/// CJK unified ideographs (basic block and extension A) and compatibility ideographs.
fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// Choose the row width (2..=6) and the size of a leading partial row for a one-cell-per-line
/// dump. A chunk of cells "looks like a row" when its first cell is a label and the others are
/// values or blanks; the layout covering most cells with such rows wins (ties: the narrower).
/// `None` when no layout makes at least half the cells such rows.
fn infer_grid(kinds: &[Kind]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize, usize)> = None;
    for width in 2..=6usize {
        if kinds.len() < width {
            break;
        }
        for offset in 0..width {
            let covered = kinds
                .get(offset..)
                .unwrap_or_default()
                .chunks_exact(width)
                .filter(|c| {
                    c[0] == Kind::Label
                        && c[1..]
                            .iter()
                            .all(|k| matches!(k, Kind::Value | Kind::Blank))
                })
                .count()
                * width;
            if best.is_none_or(|(b, _, _)| covered > b) {
                best = Some((covered, width, offset));
            }
        }
    }
    let (covered, width, offset) = best?;
    (covered > 0 && covered * 2 >= kinds.len()).then_some((width, offset))
}

#[cfg(test)]
mod tests;
