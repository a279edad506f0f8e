//! Raw blocks → [`Document`]: expand merged cells into a regular grid and render the view.
//!
//! The view has one line per non-empty paragraph and one line per table row. A row line lists
//! the cells that *start* in that row, separated by ` | `; cells continued from a merge above
//! (`w:vMerge`) are not repeated, and a cell spanning several grid columns is printed once. Every
//! grid position of the table still gets a [`Cell`], copies sharing the origin's text, span and
//! `origin`.

use super::container::corrupt;
use super::parse::{RawBlock, RawTable, VMerge};
use crate::source::{
    view_text, Block, Cell, Document, InputFormat, Paragraph, ReadError, Row, Table,
};

/// Largest number of grid cells (rows × columns, all tables) gouji builds for one document.
pub const MAX_GRID_CELLS: usize = crate::source::MAX_GRID_CELLS;

/// Separator between cells of a row line.
const SEP: &str = " | ";

/// Build the document.
pub fn render(name: &str, raw: Vec<RawBlock>) -> Result<Document, ReadError> {
    let mut view = String::new();
    let mut blocks = Vec::new();
    let mut para_no = 0usize;
    let mut budget = MAX_GRID_CELLS;
    for block in raw {
        match block {
            RawBlock::Paragraph(text) => {
                let text = view_text(&text);
                if text.is_empty() {
                    continue;
                }
                para_no += 1;
                let start = view.len();
                view.push_str(&text);
                blocks.push(Block::Paragraph(Paragraph {
                    span: start..view.len(),
                    locator: Some(format!("第{para_no}段")),
                }));
                view.push('\n');
            }
            RawBlock::Table(t) => {
                if t.rows.is_empty() {
                    continue;
                }
                blocks.push(Block::Table(Box::new(render_table(
                    &t,
                    &mut view,
                    &mut budget,
                )?)));
            }
        }
    }
    Ok(Document::new(name, InputFormat::Docx, None, view, blocks))
}

/// A grid slot filled by a source cell (or a copy of one).
#[derive(Clone)]
struct Slot {
    text: String,
    span: std::ops::Range<usize>,
    origin: usize,
}

fn render_table(t: &RawTable, view: &mut String, budget: &mut usize) -> Result<Table, ReadError> {
    let width = t
        .rows
        .iter()
        .map(|r| r.before + r.after + r.cells.iter().map(|c| c.span).sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let needed = width.saturating_mul(t.rows.len());
    if needed > *budget {
        return Err(corrupt(format!(
            "table {} is too large to read ({} rows × {width} columns)",
            t.number,
            t.rows.len()
        )));
    }
    *budget -= needed;

    let table_start = view.len();
    let mut next_origin = 0usize;
    let mut new_origin = || {
        next_origin += 1;
        next_origin - 1
    };
    let mut grid: Vec<Vec<Slot>> = Vec::with_capacity(t.rows.len());
    for (r, raw_row) in t.rows.iter().enumerate() {
        let line_start = view.len();
        let mut slots: Vec<Option<Slot>> = vec![None; width];
        let mut printed = 0usize;
        let mut col = raw_row.before.min(width);
        for cell in &raw_row.cells {
            let end = (col + cell.span).min(width);
            if col >= end {
                break;
            }
            let above = if r > 0 { grid.get(r - 1) } else { None };
            let copy_from_above = cell.vmerge == VMerge::Continue && above.is_some();
            let copy_from_left = cell.hmerge_continue && col > 0 && slots[col - 1].is_some();
            if copy_from_above {
                if let Some(above) = above {
                    for (c, slot) in slots.iter_mut().enumerate().take(end).skip(col) {
                        *slot = above.get(c).cloned();
                    }
                }
            } else if copy_from_left {
                let left = slots[col - 1].clone();
                for slot in &mut slots[col..end] {
                    *slot = left.clone();
                }
            } else {
                if printed > 0 {
                    view.push_str(SEP);
                }
                printed += 1;
                let text = view_text(&cell.text);
                let start = view.len();
                view.push_str(&text);
                let slot = Slot {
                    text,
                    span: start..view.len(),
                    origin: new_origin(),
                };
                for s in &mut slots[col..end] {
                    *s = Some(slot.clone());
                }
            }
            col = end;
        }
        let line_end = view.len();
        let row: Vec<Slot> = slots
            .into_iter()
            .enumerate()
            .map(|(c, s)| {
                s.unwrap_or_else(|| Slot {
                    text: String::new(),
                    span: if c < raw_row.before {
                        line_start..line_start
                    } else {
                        line_end..line_end
                    },
                    origin: new_origin(),
                })
            })
            .collect();
        grid.push(row);
        view.push('\n');
    }
    let table_end = view.len().saturating_sub(1).max(table_start);

    let table_loc = format!("第{}张表", t.number);
    let rows = grid
        .into_iter()
        .enumerate()
        .map(|(r, slots)| Row {
            cells: slots
                .into_iter()
                .enumerate()
                .map(|(c, s)| Cell {
                    text: s.text,
                    span: s.span,
                    origin: s.origin,
                    locator: Some(cell_locator(&table_loc, r + 1, c + 1)),
                })
                .collect(),
        })
        .collect();
    Ok(Table {
        rows,
        span: table_start..table_end,
        locator: Some(table_loc),
        is_grid: true,
    })
}

/// `{table} 第{row}行 第{column}列`, built without the formatting machinery (one per grid cell).
fn cell_locator(table: &str, row: usize, column: usize) -> String {
    let mut out = String::with_capacity(table.len() + 24);
    out.push_str(table);
    out.push_str(" 第");
    push_number(&mut out, row);
    out.push_str("行 第");
    push_number(&mut out, column);
    out.push('列');
    out
}

/// Appends the decimal digits of `n`.
fn push_number(out: &mut String, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[i..].iter().map(|&d| char::from(d)));
}

#[cfg(test)]
mod tests {
    #[test]
    fn cell_locators_read_as_formatted() {
        for (r, c) in [(1, 1), (9, 10), (123, 4567), (usize::MAX, 0)] {
            assert_eq!(
                super::cell_locator("第12张表", r, c),
                format!("第12张表 第{r}行 第{c}列")
            );
        }
    }
}
