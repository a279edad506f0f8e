//! Table building for the HTML reader: collects rows and cells from tags (closing implied end
//! tags), then expands `rowspan`/`colspan` into a regular grid, or flattens a layout table back
//! into the surrounding flow.

use super::flow::{joined_text, Item};
use crate::source::{Block, Cell, Row, Table};

/// Largest `colspan` honoured (the HTML limit is 1000; reports never need more than a few dozen).
pub(super) const MAX_COLSPAN: usize = 64;
/// Widest grid built; cells beyond it are dropped.
pub(super) const MAX_COLUMNS: usize = 256;
/// A cell with more characters than this and several block breaks is page layout, not data.
const LAYOUT_CELL_CHARS: usize = 500;

/// A cell as written in the source.
#[derive(Debug)]
struct RawCell<'a> {
    items: Vec<Item<'a>>,
    /// Byte offset of the `<td>`/`<th>` tag.
    tag_start: usize,
    rowspan: usize,
    colspan: usize,
}

/// A row as written in the source.
#[derive(Debug, Default)]
struct RawRow<'a> {
    cells: Vec<RawCell<'a>>,
    /// Byte offset of the `<tr>` tag (or of the first cell when the tag was implied).
    tag_start: usize,
}

/// An open `<table>` being collected.
#[derive(Debug)]
pub(super) struct RawTable<'a> {
    rows: Vec<RawRow<'a>>,
    row: Option<RawRow<'a>>,
    cell: Option<RawCell<'a>>,
    start: usize,
}

impl<'a> RawTable<'a> {
    /// A new table whose `<table>` tag starts at `start`.
    pub(super) fn new(start: usize) -> Self {
        RawTable {
            rows: Vec::new(),
            row: None,
            cell: None,
            start,
        }
    }

    /// The flow of the open cell, if a cell is open.
    pub(super) fn cell_flow(&mut self) -> Option<&mut Vec<Item<'a>>> {
        self.cell.as_mut().map(|c| &mut c.items)
    }

    /// True when a cell is open.
    pub(super) fn has_open_cell(&self) -> bool {
        self.cell.is_some()
    }

    /// Opens a cell (`<td>`/`<th>`), closing the previous one and opening a row if needed.
    pub(super) fn open_cell(&mut self, tag_start: usize, rowspan: usize, colspan: usize) {
        self.close_cell();
        if self.row.is_none() {
            self.open_row(tag_start);
        }
        self.cell = Some(RawCell {
            items: Vec::new(),
            tag_start,
            rowspan,
            colspan: colspan.clamp(1, MAX_COLSPAN),
        });
    }

    /// Closes the open cell, if any.
    pub(super) fn close_cell(&mut self) {
        if let Some(cell) = self.cell.take() {
            self.row
                .get_or_insert_with(|| RawRow {
                    cells: Vec::new(),
                    tag_start: cell.tag_start,
                })
                .cells
                .push(cell);
        }
    }

    /// Opens a row (`<tr>`), closing the open cell and row.
    pub(super) fn open_row(&mut self, tag_start: usize) {
        self.close_row();
        self.row = Some(RawRow {
            cells: Vec::new(),
            tag_start,
        });
    }

    /// Closes the open cell and row, if any.
    pub(super) fn close_row(&mut self) {
        self.close_cell();
        if let Some(row) = self.row.take() {
            self.rows.push(row);
        }
    }

    /// True when this table is page layout rather than data: a cell holds a nested table, the
    /// table is a single column, or a cell holds a long multi-paragraph text.
    fn is_layout(&self) -> bool {
        let nested = self
            .rows
            .iter()
            .flat_map(|r| &r.cells)
            .any(|c| c.items.iter().any(|i| matches!(i, Item::Block(_))));
        let width = self
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.colspan).sum::<usize>())
            .max()
            .unwrap_or(0);
        let long_prose = self.rows.iter().flat_map(|r| &r.cells).any(|c| {
            let breaks = c.items.iter().filter(|i| matches!(i, Item::Break)).count();
            // Characters are counted only for a cell with enough breaks.
            breaks >= 3
                && c.items
                    .iter()
                    .map(|i| match i {
                        Item::Text { text, .. } => text.chars().count(),
                        _ => 0,
                    })
                    .sum::<usize>()
                    > LAYOUT_CELL_CHARS
        });
        nested || width <= 1 || long_prose
    }

    /// Finishes the table at byte offset `end` (just after `</table>`, or the end of input).
    /// Returns the items to put into the enclosing flow: the data table as a block, or the
    /// contents of a layout table's cells (its nested tables included) as flow.
    /// `None` when the grid would have more than `budget` positions.
    pub(super) fn finish(
        mut self,
        end: usize,
        next_origin: &mut usize,
        budget: usize,
    ) -> Option<Vec<Item<'a>>> {
        self.close_row();
        if self.is_layout() {
            let mut out = vec![Item::Break];
            for cell in self.rows.into_iter().flat_map(|r| r.cells) {
                out.extend(cell.items);
                out.push(Item::Break);
            }
            return Some(out);
        }
        Some(match build_grid(self.rows, next_origin, budget)? {
            Some(rows) => vec![
                Item::Break,
                Item::Block(Block::Table(Box::new(Table {
                    rows,
                    span: self.start..end.max(self.start),
                    locator: None,
                    is_grid: true,
                }))),
                Item::Break,
            ],
            None => vec![Item::Break],
        })
    }
}

/// Expands spans into a grid: every row gets one cell per grid column; copies of a spanning cell
/// share `origin`. Short rows are padded with blank cells; rows without any text are dropped.
/// `None` when no row is left.
/// The outer `None` when the grid would have more than `budget` positions (checked before each
/// span is expanded, so nothing beyond the budget is ever allocated).
fn build_grid(
    rows: Vec<RawRow<'_>>,
    next_origin: &mut usize,
    budget: usize,
) -> Option<Option<Vec<Row>>> {
    let nrows = rows.len();
    let mut positions: usize = 0;
    let mut slots: Vec<Vec<Option<usize>>> = vec![Vec::new(); nrows];
    let mut cells: Vec<Cell> = Vec::new();
    let mut row_starts = Vec::with_capacity(nrows);
    for (r, row) in rows.into_iter().enumerate() {
        row_starts.push(row.tag_start);
        let mut c = 0;
        for raw in row.cells {
            while slots[r].get(c).is_some_and(Option::is_some) {
                c += 1;
            }
            if c >= MAX_COLUMNS {
                break;
            }
            let (text, span) = joined_text(&raw.items);
            let span = span.unwrap_or(raw.tag_start..raw.tag_start);
            let origin = *next_origin;
            *next_origin += 1;
            let index = cells.len();
            cells.push(Cell::new(text, span, origin));
            let remaining = nrows - r;
            let rowspan = if raw.rowspan == 0 {
                remaining
            } else {
                raw.rowspan.min(remaining)
            };
            let col_end = (c + raw.colspan).min(MAX_COLUMNS);
            positions = positions.saturating_add(rowspan.saturating_mul(col_end - c));
            if positions > budget {
                return None;
            }
            for line in &mut slots[r..r + rowspan] {
                if line.len() < col_end {
                    line.resize(col_end, None);
                }
                for slot in &mut line[c..col_end] {
                    slot.get_or_insert(index);
                }
            }
            c = col_end;
        }
    }
    let width = slots.iter().map(Vec::len).max().unwrap_or(0);
    if width == 0 {
        return Some(None);
    }
    if nrows.saturating_mul(width) > budget {
        return None;
    }
    // How many grid positions each cell still fills: the last one takes the cell itself.
    let mut uses = vec![0usize; cells.len()];
    for i in slots.iter().flatten().flatten() {
        if let Some(n) = uses.get_mut(*i) {
            *n += 1;
        }
    }
    let mut out = Vec::new();
    for (line, row_start) in slots.into_iter().zip(row_starts) {
        let mut row = Row::default();
        for col in 0..width {
            let index = line.get(col).copied().flatten();
            let cell = index.and_then(|i| {
                let n = uses.get_mut(i)?;
                *n = n.saturating_sub(1);
                let last = *n == 0;
                let cell = cells.get_mut(i)?;
                Some(if last {
                    std::mem::replace(cell, Cell::new("", 0..0, 0))
                } else {
                    cell.clone()
                })
            });
            match cell {
                Some(cell) => row.cells.push(cell),
                None => {
                    let at = row.cells.last().map_or(row_start, |c| c.span.end);
                    row.cells.push(Cell::new("", at..at, *next_origin));
                    *next_origin += 1;
                }
            }
        }
        // Rows with no text at all (Word's `<tr height=0>` ghost rows, spacer rows) carry nothing.
        if row.cells.iter().any(|c| !c.text.is_empty()) {
            out.push(row);
        }
    }
    Some((!out.is_empty()).then_some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell<'a>(t: &mut RawTable<'a>, view: &str, text: &'a str, rowspan: usize, colspan: usize) {
        let at = view.find(text).unwrap_or(0);
        t.open_cell(at, rowspan, colspan);
        if let Some(flow) = t.cell_flow() {
            flow.push(Item::text(view, text.into(), at..at + text.len()));
        }
    }

    fn texts(rows: &[Row]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.cells.iter().map(|c| c.text.clone()).collect())
            .collect()
    }

    #[test]
    fn expands_spans_and_pads() {
        let view = "A B C D E F";
        let mut t = RawTable::new(0);
        t.open_row(0);
        cell(&mut t, view, "A", 2, 1);
        cell(&mut t, view, "B", 1, 2);
        t.open_row(0);
        cell(&mut t, view, "C", 1, 1);
        t.open_row(0);
        cell(&mut t, view, "D", 1, 1);
        let mut origin = 0;
        let items = t
            .finish(view.len(), &mut origin, usize::MAX)
            .unwrap_or_default();
        let Some(Item::Block(Block::Table(table))) = items.get(1) else {
            panic!("no table: {items:?}");
        };
        assert_eq!(
            texts(&table.rows),
            [["A", "B", "B"], ["A", "C", ""], ["D", "", ""]]
        );
        let r = &table.rows;
        assert_eq!(r[0].cells[0].origin, r[1].cells[0].origin);
        assert_eq!(r[0].cells[1].origin, r[0].cells[2].origin);
        assert_ne!(r[1].cells[1].origin, r[1].cells[2].origin);
        assert_ne!(r[1].cells[2].origin, r[2].cells[2].origin);
    }

    #[test]
    fn rowspan_zero_and_overflow_stop_at_last_row() {
        let view = "A B C";
        let mut t = RawTable::new(0);
        cell(&mut t, view, "A", 0, 1);
        cell(&mut t, view, "B", 1000, 1);
        t.open_row(0);
        cell(&mut t, view, "C", 1, 1);
        let mut origin = 0;
        let items = t
            .finish(view.len(), &mut origin, usize::MAX)
            .unwrap_or_default();
        let Some(Item::Block(Block::Table(table))) = items.get(1) else {
            panic!("no table");
        };
        assert_eq!(texts(&table.rows), [["A", "B", ""], ["A", "B", "C"]]);
    }

    #[test]
    fn single_column_table_is_layout() {
        let view = "正文";
        let mut t = RawTable::new(0);
        cell(&mut t, view, "正文", 1, 1);
        let mut origin = 0;
        let items = t
            .finish(view.len(), &mut origin, usize::MAX)
            .unwrap_or_default();
        assert!(items.iter().all(|i| !matches!(i, Item::Block(_))));
        assert!(items
            .iter()
            .any(|i| matches!(i, Item::Text { text, .. } if text == "正文")));
    }
}
