//! Budgets of a legacy `.xls` workbook, checked before calamine reads it.
//!
//! calamine parses every sheet when it opens an `.xls`: it reserves room for each sheet's
//! declared `DIMENSIONS`, and builds each sheet as a dense range over the bounding box of its
//! cells. A file of a few kilobytes can declare or place cells far apart (BIFF8 allows rows up to
//! 2³², columns up to 65,535), and such an allocation aborts the process. This scan walks the
//! same records (from [`super::cfb`]'s copy of the workbook stream) and refuses a workbook whose
//! sheets would exceed gouji's cell budget, naming the sheet and its size.

use super::cfb::{self, Stream};
use crate::source::{ReadError, MAX_GRID_CELLS};

const BUDGET: u64 = MAX_GRID_CELLS as u64;

fn corrupt(reason: impl Into<String>) -> ReadError {
    ReadError::Corrupt {
        format: "XLS",
        reason: reason.into(),
    }
}

fn limit(reason: impl Into<String>) -> ReadError {
    ReadError::Limit {
        format: "XLS",
        reason: reason.into(),
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// BIFF records of a stream from `at`: (type, data), stopping where a record runs past the end.
fn records(stream: &[u8], at: usize) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = stream.get(at..).unwrap_or_default();
    std::iter::from_fn(move || {
        let typ = u16_at(rest, 0)?;
        let len = usize::from(u16_at(rest, 2)?);
        let data = rest.get(4..4 + len)?;
        rest = &rest[4 + len..];
        Some((typ, data))
    })
}

/// A sheet's name from its `BoundSheet8` record (for messages only).
fn sheet_name(data: &[u8], index: usize) -> String {
    let fallback = || format!("#{}", index + 1);
    let (Some(&cch), Some(&flags)) = (data.get(6), data.get(7)) else {
        return fallback();
    };
    let chars = data.get(8..).unwrap_or_default();
    let name = if flags & 1 == 1 {
        let units: Vec<u16> = chars
            .chunks_exact(2)
            .take(usize::from(cch))
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        let bytes = chars.get(..usize::from(cch)).unwrap_or(chars);
        if !bytes.is_ascii() {
            return fallback();
        }
        String::from_utf8_lossy(bytes).into_owned()
    };
    let name: String = name.chars().filter(|c| !c.is_control()).take(40).collect();
    if name.is_empty() {
        fallback()
    } else {
        name
    }
}

/// Cells and extent of one sheet, as calamine will build them.
#[derive(Default)]
struct Sheet {
    /// Bounding box of cell positions: (first row, first column, last row, last column).
    bounds: Option<(u64, u64, u64, u64)>,
    /// Cell values and formulas calamine will collect before building the range.
    cells: u64,
}

impl Sheet {
    fn add(&mut self, row: u64, col: u64) {
        self.bounds = Some(match self.bounds {
            None => (row, col, row, col),
            Some((r0, c0, r1, c1)) => (r0.min(row), c0.min(col), r1.max(row), c1.max(col)),
        });
    }

    fn size(&self) -> (u64, u64) {
        self.bounds
            .map_or((0, 0), |(r0, c0, r1, c1)| (r1 - r0 + 1, c1 - c0 + 1))
    }
}

/// calamine's reading of a `DIMENSIONS` record: the rows and columns it reserves room for, or
/// `None` for a record it refuses. Inverted bounds (which overflow its arithmetic) are an error.
fn dimensions(data: &[u8]) -> Result<Option<(u64, u64)>, ()> {
    let (rf, rl, mut cf, cl) = match data.len() {
        10 => (
            u64::from(u16_at(data, 0).ok_or(())?),
            u64::from(u16_at(data, 2).ok_or(())?),
            u64::from(u16_at(data, 4).ok_or(())?),
            u64::from(u16_at(data, 6).ok_or(())?),
        ),
        14 | 16 => (
            u64::from(u32_at(data, 0).ok_or(())?),
            u64::from(u32_at(data, 4).ok_or(())?),
            u64::from(u16_at(data, 8).ok_or(())?),
            u64::from(u16_at(data, 10).ok_or(())?),
        ),
        _ => return Ok(None),
    };
    if cf > 0xFF || cl < cf {
        cf = 0;
    }
    if rl == 0 || cl == 0 {
        return Ok(Some((1, 1)));
    }
    // calamine takes the last row and column as `rl - 1`, `cl - 1`, inclusive.
    if rl - 1 < rf || cl - 1 < cf {
        return Err(());
    }
    Ok(Some((rl - rf, cl - cf)))
}

/// Scan the sheets of an `.xls` workbook (see the module documentation).
pub fn prescan(bytes: &[u8]) -> Result<(), ReadError> {
    let stream = match cfb::workbook_stream(bytes) {
        Ok(Stream::Workbook(s)) => s,
        Ok(Stream::Rejected) => return Ok(()), // calamine reports it
        Err(reason) => return Err(corrupt(reason)),
    };
    // The globals substream: where each sheet starts, up to the first EOF.
    let mut sheets: Vec<(usize, String)> = Vec::new();
    for (typ, data) in records(&stream, 0) {
        match typ {
            0x0085 => {
                let Some(pos) = u32_at(data, 0) else {
                    return Ok(()); // calamine refuses the record
                };
                sheets.push((pos as usize, sheet_name(data, sheets.len())));
            }
            0x000A => break,
            _ => {}
        }
    }
    let (mut total, mut values) = (0u64, 0u64);
    for (pos, name) in &sheets {
        if *pos > stream.len() {
            return Err(corrupt(format!(
                "sheet {name} starts at byte {pos}, past the end of the workbook stream"
            )));
        }
        let sheet = scan_sheet(&stream, *pos, name)?;
        let (rows, cols) = sheet.size();
        let cells = rows * cols;
        if cells > BUDGET {
            return Err(limit(format!(
                "sheet {name} spans {rows} rows × {cols} columns ({cells} cells); gouji reads at most {BUDGET} cells per workbook"
            )));
        }
        total += cells;
        values += sheet.cells;
        if total > BUDGET {
            return Err(limit(format!(
                "the sheets up to {name} span {total} cells together (this one {rows} rows × {cols} columns); gouji reads at most {BUDGET} cells per workbook"
            )));
        }
        if values > 2 * BUDGET {
            return Err(limit(format!(
                "the sheets up to {name} hold {values} cell records; gouji reads at most {BUDGET} cells per workbook"
            )));
        }
    }
    Ok(())
}

/// Walk one sheet's records from its BOF to its EOF, skipping embedded substreams (charts).
fn scan_sheet(stream: &[u8], pos: usize, name: &str) -> Result<Sheet, ReadError> {
    let mut sheet = Sheet::default();
    let (mut seen_bof, mut depth) = (false, 0usize);
    for (typ, data) in records(stream, pos) {
        if depth > 0 {
            match typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let at = |d: &[u8]| (u16_at(d, 0), u16_at(d, 2));
        match typ {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x000A => break,
            0x0200 => match dimensions(data) {
                Ok(Some((rows, cols))) => {
                    let cells = rows.saturating_mul(cols);
                    if cells > BUDGET {
                        return Err(limit(format!(
                            "sheet {name} declares {rows} rows × {cols} columns ({cells} cells) in its DIMENSIONS record; gouji reads at most {BUDGET} cells per workbook"
                        )));
                    }
                }
                Ok(None) => return Ok(sheet), // calamine refuses the record
                Err(()) => {
                    return Err(corrupt(format!(
                        "sheet {name}: the DIMENSIONS record ends before it starts"
                    )))
                }
            },
            // NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST: one value; FORMULA: a value and a
            // formula.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                if let (Some(r), Some(c)) = at(data) {
                    sheet.add(u64::from(r), u64::from(c));
                    sheet.cells += if typ == 0x0006 { 2 } else { 1 };
                }
            }
            // MULRK: one row, consecutive columns from the first, six bytes each.
            0x00BD if data.len() >= 6 => {
                if let (Some(r), Some(c)) = at(data) {
                    let n = (data.len() - 6).div_ceil(6) as u64;
                    if n > 0 {
                        sheet.add(u64::from(r), u64::from(c));
                        sheet.add(u64::from(r), u64::from(c) + n - 1);
                        sheet.cells += n;
                    }
                }
            }
            // MERGEDCELLS: calamine reads `count` regions of 8 bytes without checking the length.
            0x00E5 => {
                let count = usize::from(u16_at(data, 0).unwrap_or(0));
                if data.len() < 2 + 8 * count {
                    return Err(corrupt(format!(
                        "sheet {name}: a MERGEDCELLS record lists {count} regions but holds {} bytes",
                        data.len()
                    )));
                }
            }
            _ => {}
        }
    }
    Ok(sheet)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fuzz::{biff, xls_with_sheet};

    fn number(row: u16, col: u16, v: f64) -> Vec<u8> {
        let mut d = Vec::new();
        d.extend(row.to_le_bytes());
        d.extend(col.to_le_bytes());
        d.extend(0u16.to_le_bytes());
        d.extend(v.to_le_bytes());
        biff(0x0203, &d)
    }

    fn dims(rf: u32, rl: u32, cf: u16, cl: u16) -> Vec<u8> {
        let mut d = Vec::new();
        d.extend(rf.to_le_bytes());
        d.extend(rl.to_le_bytes());
        d.extend(cf.to_le_bytes());
        d.extend(cl.to_le_bytes());
        d.extend(0u16.to_le_bytes());
        biff(0x0200, &d)
    }

    #[test]
    fn a_small_sheet_is_read_and_its_numbers_kept() {
        let x = xls_with_sheet(&[dims(0, 2, 0, 2), number(0, 0, 12.0), number(1, 1, 7.5)].concat());
        prescan(&x).expect("within budget");
        let doc = super::super::read("a.xls", &x).expect("readable");
        assert!(doc.view.contains("12"), "{}", doc.view);
        assert!(doc.view.contains("7.5"), "{}", doc.view);
    }

    #[test]
    fn far_apart_cells_and_huge_dimensions_are_refused_by_name() {
        let far = xls_with_sheet(&[number(0, 0, 1.0), number(65535, 255, 2.0)].concat());
        let e = prescan(&far).unwrap_err().to_string();
        assert!(
            e.starts_with(
                "XLS file is too large to read: sheet Sheet1 spans 65536 rows × 256 columns"
            ),
            "{e}"
        );
        let wide = xls_with_sheet(
            &[number(0, 0, 1.0), number(0, 65535, 2.0), number(20, 0, 1.0)].concat(),
        );
        assert!(prescan(&wide).is_err());
        let declared =
            xls_with_sheet(&[dims(0, 4_000_000_000, 0, 200), number(0, 0, 1.0)].concat());
        let e = prescan(&declared).unwrap_err().to_string();
        assert!(e.contains("DIMENSIONS"), "{e}");
        let inverted = xls_with_sheet(&[dims(9, 3, 0, 2), number(0, 0, 1.0)].concat());
        let e = prescan(&inverted).unwrap_err().to_string();
        assert!(e.starts_with("XLS file is damaged"), "{e}");
        let short_merge = xls_with_sheet(&biff(0x00E5, &[200, 0, 1, 2]));
        assert!(prescan(&short_merge).is_err());
    }

    #[test]
    fn a_looping_sector_chain_is_refused() {
        let mut x = xls_with_sheet(&number(0, 0, 1.0));
        // The directory (sector 1 of this layout) points back at itself in the FAT.
        let fat = 512;
        x[fat + 4..fat + 8].copy_from_slice(&1u32.to_le_bytes());
        let e = prescan(&x).unwrap_err().to_string();
        assert!(e.contains("loops"), "{e}");
    }
}

#[cfg(test)]
mod samples {
    /// The hostile workbooks of `tests/hostile.rs` as files, for measuring a build by hand:
    /// `GOUJI_SAMPLES=DIR cargo test --lib write_hostile_workbooks -- --ignored`.
    #[test]
    #[ignore]
    fn write_hostile_workbooks() {
        let dir = std::path::PathBuf::from(std::env::var("GOUJI_SAMPLES").expect("GOUJI_SAMPLES"));
        std::fs::create_dir_all(&dir).expect("dir");
        for (name, bytes, _) in crate::fuzz::hostile_workbooks() {
            std::fs::write(dir.join(name), bytes).expect("write");
        }
    }
}
