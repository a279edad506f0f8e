//! XLSX / XLS / ODS reader (through calamine): every sheet → a grid [`Table`].
//!
//! The view renders each sheet as a heading line `[Sheet1]` followed by one line per row of its
//! used range, cells separated by ` | `. Merged regions are expanded: every position of a merged
//! region gets a copy of its top-left cell (same text, span and `origin`); copies are not
//! repeated in the view. Cells are located as `Sheet1!C7` (absolute A1 addresses), tables by
//! the sheet name. Numbers are printed as Excel shows them by default: at most 15 significant
//! digits, shortest form, no float noise (`12.0` → `12`).

mod cfb;
mod ods;
mod scan;
mod value;
mod xls;

use std::collections::HashMap;
use std::io::{Cursor, Read, Seek};

use calamine::{open_workbook_auto_from_rs, Data, Dimensions, Range, Reader, Sheets};

use super::{
    view_text, Block, Cell, Document, InputFormat, Paragraph, ReadError, Row, Span, Table,
};

pub use value::format_number;

/// Largest declared decompressed size of one part of an XLSX/ODS package.
pub(crate) const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// Largest declared decompressed size of all parts together.
const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;
/// Largest number of grid cells built for one workbook.
const MAX_GRID_CELLS: u64 = super::MAX_GRID_CELLS as u64;
/// Separator between cells of a row line.
const SEP: &str = " | ";

fn corrupt(reason: impl Into<String>) -> ReadError {
    corrupt_as("XLSX", reason)
}

fn limit(reason: impl Into<String>) -> ReadError {
    ReadError::Limit {
        format: "XLSX",
        reason: reason.into(),
    }
}

fn corrupt_as(format: &'static str, reason: impl Into<String>) -> ReadError {
    ReadError::Corrupt {
        format,
        reason: reason.into(),
    }
}

/// The workbook format named in messages: `XLS` for a compound file; for a zip package `XLSX`
/// when it has an Excel workbook part, `ODS` when it has OpenDocument content instead.
fn workbook_kind(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return "XLS";
    }
    let Ok(zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return "XLSX";
    };
    let has = |n: &str| zip.index_for_name(n).is_some();
    if !has("xl/workbook.xml") && !has("xl/workbook.bin") && has("content.xml") {
        "ODS"
    } else {
        "XLSX"
    }
}

/// Read a workbook (xlsx, xlsm, xlsb, xls or ods) from its bytes. `name` is the path shown in
/// messages.
pub fn read(name: &str, bytes: &[u8]) -> Result<Document, ReadError> {
    let kind = workbook_kind(bytes);
    if bytes.starts_with(b"PK") {
        check_zip_sizes(bytes).map_err(|e| match e {
            ReadError::Corrupt { reason, .. } => corrupt_as(kind, reason),
            other => other,
        })?;
        // Budgets and references are checked before calamine allocates anything: calamine
        // tries a package as XLSX first, then as ODS, so both are scanned.
        scan::prescan(bytes)?;
        ods::prescan(bytes)?;
    } else {
        xls::prescan(bytes)?;
    }
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        corrupt_as(
            kind,
            format!("not a readable workbook ({e}); the file may be truncated or encrypted"),
        )
    })?;
    let mut view = String::new();
    let mut blocks = Vec::new();
    let mut budget = MAX_GRID_CELLS;
    for sheet in wb.sheet_names() {
        let range = wb
            .worksheet_range(&sheet)
            .map_err(|e| corrupt_as(kind, format!("cannot read sheet {sheet}: {e}")))?;
        let merges: Vec<Dimensions> = merged_regions(&mut wb, &sheet)
            .into_iter()
            .filter(|m| m.start.0 <= m.end.0 && m.start.1 <= m.end.1)
            .collect();
        let start = view.len();
        view.push('[');
        view.push_str(&view_text(&sheet));
        view.push_str("]\n");
        blocks.push(Block::Paragraph(Paragraph {
            span: start..view.len() - 1,
            locator: Some(sheet.clone()),
        }));
        if let Some(table) =
            render_sheet(&sheet, &range, &merges, &mut view, &mut budget).map_err(|e| match e {
                ReadError::Limit { reason, .. } => ReadError::Limit {
                    format: kind,
                    reason,
                },
                other => other,
            })?
        {
            blocks.push(Block::Table(Box::new(table)));
        }
    }
    Ok(Document::new(name, InputFormat::Xlsx, None, view, blocks))
}

/// Refuse packages whose parts declare absurd decompressed sizes (zip bombs). Parts that lie
/// about their size are stopped by the zip layer itself.
fn check_zip_sizes(bytes: &[u8]) -> Result<(), ReadError> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Err(corrupt(
            "not a valid zip archive; the file may be truncated or damaged",
        ));
    };
    let mut total = 0u64;
    for i in 0..archive.len() {
        let Ok(file) = archive.by_index_raw(i) else {
            continue;
        };
        let size = file.size();
        total = total.saturating_add(size);
        if size > MAX_PART_BYTES || total > MAX_TOTAL_BYTES {
            return Err(corrupt(format!(
                "part {} expands to {size} bytes (a zip bomb or not a real report)",
                file.name().unwrap_or_default()
            )));
        }
    }
    Ok(())
}

/// Merged regions of a sheet (xlsx and xls; other formats have none through calamine).
fn merged_regions<RS: Read + Seek>(wb: &mut Sheets<RS>, sheet: &str) -> Vec<Dimensions> {
    match wb {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(sheet).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(sheet).unwrap_or_default(),
        Sheets::Xlsb(_) | Sheets::Ods(_) => Vec::new(),
    }
}

/// Column letters of a 0-based column (`0` → `A`, `26` → `AA`).
pub fn column_name(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    out.iter().rev().map(|&b| char::from(b)).collect()
}

/// Sheet name as written in a reference: quoted when it holds anything but letters and digits.
fn sheet_ref(sheet: &str) -> String {
    if !sheet.is_empty() && sheet.chars().all(|c| c.is_alphanumeric() || c == '_') {
        sheet.to_string()
    } else {
        format!("'{}'", sheet.replace('\'', "''"))
    }
}

/// Render one sheet into the view and build its grid.
fn render_sheet(
    sheet: &str,
    range: &Range<Data>,
    merges: &[Dimensions],
    view: &mut String,
    budget: &mut u64,
) -> Result<Option<Table>, ReadError> {
    // Bounding box of the used range and the merged regions (absolute, inclusive).
    let mut bounds = match (range.start(), range.end()) {
        (Some(s), Some(e)) => Some((s, e)),
        _ => None,
    };
    for m in merges {
        let (s, e) = (m.start, m.end);
        bounds = Some(match bounds {
            None => (s, e),
            Some((bs, be)) => (
                (bs.0.min(s.0), bs.1.min(s.1)),
                (be.0.max(e.0), be.1.max(e.1)),
            ),
        });
    }
    let Some(((r0, c0), (r1, c1))) = bounds else {
        return Ok(None);
    };
    let (rows, cols) = (u64::from(r1 - r0) + 1, u64::from(c1 - c0) + 1);
    let cells = rows.saturating_mul(cols);
    if cells > *budget {
        let used = MAX_GRID_CELLS - *budget;
        return Err(limit(if used == 0 {
            format!(
                "sheet {sheet} spans {rows} rows × {cols} columns ({cells} cells); gouji reads at most {MAX_GRID_CELLS} cells per workbook"
            )
        } else {
            format!(
                "sheet {sheet} spans {rows} rows × {cols} columns ({cells} cells), more than the {} cells left after the sheets before it (gouji reads at most {MAX_GRID_CELLS} cells per workbook)",
                *budget
            )
        }));
    }
    *budget -= cells;

    // Which merged region covers each position: one index per grid position, filled region by
    // region (the first region wins where they overlap), so the lookup is constant time. The
    // regions' total area is bounded like the grid.
    let merged_area: u64 = merges
        .iter()
        .map(|m| (u64::from(m.end.0 - m.start.0) + 1) * (u64::from(m.end.1 - m.start.1) + 1))
        .fold(0u64, u64::saturating_add);
    if merged_area > MAX_GRID_CELLS {
        return Err(limit(format!(
            "the merged regions of sheet {sheet} cover {merged_area} cells together (they overlap); gouji reads at most {MAX_GRID_CELLS}"
        )));
    }
    let width = cols as usize;
    let mut cover: Vec<u32> = vec![0; if merges.is_empty() { 0 } else { cells as usize }];
    for (i, m) in merges.iter().enumerate() {
        for r in m.start.0..=m.end.0 {
            let base = (r - r0) as usize * width;
            for c in m.start.1..=m.end.1 {
                let slot = &mut cover[base + (c - c0) as usize];
                if *slot == 0 {
                    *slot = i as u32 + 1;
                }
            }
        }
    }
    let merge_at = |r: u32, c: u32| -> Option<&Dimensions> {
        let i = *cover.get((r - r0) as usize * width + (c - c0) as usize)?;
        (i > 0).then(|| &merges[i as usize - 1])
    };
    let sheet_loc = sheet_ref(sheet);
    let table_start = view.len();
    let mut grid: Vec<Row> = Vec::with_capacity(rows as usize);
    // Text, span and origin of the top-left cell of each merged region seen so far.
    let mut origins: HashMap<(u32, u32), (String, Span, usize)> = HashMap::new();
    let mut next_origin = 0usize;
    for r in r0..=r1 {
        let mut printed = 0usize;
        let mut row = Row::default();
        for c in c0..=c1 {
            let corner = match merge_at(r, c) {
                Some(m) => m.start,
                None => (r, c),
            };
            let (text, span, origin) = if let Some(o) = origins.get(&corner) {
                o.clone()
            } else {
                if printed > 0 {
                    view.push_str(SEP);
                }
                printed += 1;
                let text = range
                    .get_value(corner)
                    .map(value::format_cell)
                    .map(|t| view_text(&t))
                    .unwrap_or_default();
                let start = view.len();
                view.push_str(&text);
                let entry = (text, start..view.len(), next_origin);
                next_origin += 1;
                if merge_at(r, c).is_some() {
                    origins.insert(corner, entry.clone());
                }
                entry
            };
            row.cells.push(Cell {
                text,
                span,
                origin,
                locator: Some(format!("{sheet_loc}!{}{}", column_name(c), r + 1)),
            });
        }
        grid.push(row);
        view.push('\n');
    }
    Ok(Some(Table {
        rows: grid,
        span: table_start..view.len().saturating_sub(1).max(table_start),
        locator: Some(sheet.to_string()),
        is_grid: true,
    }))
}

#[cfg(test)]
mod tests;
