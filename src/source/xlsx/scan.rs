//! A pre-scan of an XLSX package's worksheet XML, before calamine reads anything.
//!
//! calamine builds a dense range from the bounding box of a sheet's cells before gouji's grid
//! budget can apply, so two cells `A1` and `XFD1048576` ask for 17 G cells and abort the process
//! (an allocation failure cannot be caught). Its cell-reference parser also overflows on
//! references such as `ZZZZZZZZZZZZZZ1` or `A99999999999`. This scan streams each worksheet part
//! once (linear in its size, constant memory), checks every reference calamine will parse
//! (`<c r>`, `<row r>`, `<dimension ref>`, `<mergeCell ref>`, `<f ref>`) against Excel's own
//! limits with checked arithmetic, and computes each sheet's bounding box and merged area. A
//! workbook whose grid would exceed the budget is refused here, naming the sheet and its size.

use std::collections::HashMap;
use std::io::{BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::{corrupt, limit, MAX_PART_BYTES};
use crate::source::{ReadError, MAX_GRID_CELLS};

/// Largest row number in a sheet (Excel's limit).
pub const MAX_ROW: u64 = 1_048_576;
/// Largest column number in a sheet (Excel's limit, `XFD`).
pub const MAX_COL: u64 = 16_384;

/// Parse an A1 reference (`$` signs allowed) into 1-based (row, column), refusing anything
/// beyond Excel's limits. A reference without a column (`5`) has column `None`.
pub fn parse_ref(s: &str) -> Option<(u64, Option<u64>)> {
    let b = s.as_bytes();
    let mut i = 0;
    if b.get(i) == Some(&b'$') {
        i += 1;
    }
    let mut col: u64 = 0;
    let mut letters = 0;
    while let Some(&c) = b.get(i) {
        if c.is_ascii_lowercase() {
            // calamine's reference parser subtracts `b'A'` from lowercase letters too and
            // overflows (a fuzz input with a merge `Ac1:C1`); Excel writes upper case only.
            return None;
        }
        if !c.is_ascii_uppercase() {
            break;
        }
        col = col * 26 + u64::from(c - b'A') + 1;
        letters += 1;
        if col > MAX_COL {
            return None;
        }
        i += 1;
    }
    if b.get(i) == Some(&b'$') {
        i += 1;
    }
    let digits = &b[i..];
    if digits.is_empty() || digits.len() > 7 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let row: u64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    if row == 0 || row > MAX_ROW {
        return None;
    }
    Some((row, (letters > 0).then_some(col)))
}

/// Parse `A1` or `A1:B2` into its 1-based corners (both with a column).
fn parse_area(s: &str) -> Option<((u64, u64), (u64, u64))> {
    let mut parts = s.split(':');
    let a = parts.next()?;
    let b = parts.next().unwrap_or(a);
    if parts.next().is_some() {
        return None;
    }
    let (r0, c0) = parse_ref(a)?;
    let (r1, c1) = parse_ref(b)?;
    let (c0, c1) = (c0?, c1?);
    // calamine subtracts the first corner from the second: an inverted area (`A2:C1`, found by
    // fuzzing) overflows there. Excel writes the top-left corner first.
    if r1 < r0 || c1 < c0 {
        return None;
    }
    Some(((r0, c0), (r1, c1)))
}

/// Bounding box and merged area of one sheet.
#[derive(Debug, Default)]
struct Extent {
    bounds: Option<((u64, u64), (u64, u64))>,
    merged_cells: u64,
}

impl Extent {
    fn add(&mut self, r: u64, c: u64) {
        self.bounds = Some(match self.bounds {
            None => ((r, c), (r, c)),
            Some(((r0, c0), (r1, c1))) => ((r0.min(r), c0.min(c)), (r1.max(r), c1.max(c))),
        });
    }

    fn size(&self) -> (u64, u64) {
        match self.bounds {
            None => (0, 0),
            Some(((r0, c0), (r1, c1))) => (r1 - r0 + 1, c1 - c0 + 1),
        }
    }
}

/// Sheet names by worksheet part (`xl/worksheets/sheet1.xml` → `Sheet1`), from the workbook
/// and its relationships. Parts missing from the map are named by their path.
fn sheet_names<R: Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>) -> HashMap<String, String> {
    let mut targets: HashMap<String, String> = HashMap::new();
    if let Some(xml) = read_part(zip, "xl/_rels/workbook.xml.rels") {
        for_each_start(&xml, |e| {
            if e.local_name().as_ref() == "Relationship" {
                if let (Some(id), Some(t)) = (attr(e, "Id"), attr(e, "Target")) {
                    let part = match t.strip_prefix('/') {
                        Some(abs) => abs.to_string(),
                        None => format!("xl/{t}"),
                    };
                    targets.insert(id, part);
                }
            }
        });
    }
    let mut names = HashMap::new();
    if let Some(xml) = read_part(zip, "xl/workbook.xml") {
        for_each_start(&xml, |e| {
            if e.local_name().as_ref() == "sheet" {
                let id = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == "id")
                    .map(|a| a.value.to_string());
                if let (Some(name), Some(part)) =
                    (attr(e, "name"), id.and_then(|i| targets.get(&i)))
                {
                    names.insert(part.clone(), name);
                }
            }
        });
    }
    names
}

fn read_part<R: Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>, name: &str) -> Option<Vec<u8>> {
    let file = zip.by_name(name).ok()?;
    let mut out = Vec::new();
    file.take(MAX_PART_BYTES).read_to_end(&mut out).ok()?;
    Some(out)
}

fn for_each_start(xml: &[u8], mut f: impl FnMut(&BytesStart<'_>)) {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => f(&e),
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| a.value.to_string())
}

/// Scan every worksheet part of an XLSX package (see the module documentation).
pub fn prescan(bytes: &[u8]) -> Result<(), ReadError> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // not a zip: calamine reports it
    };
    let names = sheet_names(&mut zip);
    let parts: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.into_owned())
        .filter(|n| {
            names.contains_key(n) || (n.starts_with("xl/worksheets/") && n.ends_with(".xml"))
        })
        .collect();
    let mut total: u64 = 0;
    for part in parts {
        let sheet = names.get(&part).cloned().unwrap_or_else(|| part.clone());
        let Ok(file) = zip.by_name(&part) else {
            continue;
        };
        let extent = scan_sheet(BufReader::new(file.take(MAX_PART_BYTES)), &sheet)?;
        let (rows, cols) = extent.size();
        let cells = rows * cols;
        if cells > MAX_GRID_CELLS as u64 {
            return Err(limit(format!(
                "sheet {sheet} spans {rows} rows × {cols} columns ({cells} cells); gouji reads at most {MAX_GRID_CELLS} cells per workbook"
            )));
        }
        total += cells;
        if total > MAX_GRID_CELLS as u64 {
            return Err(limit(format!(
                "the sheets up to {sheet} span {total} cells together (this one {rows} rows × {cols} columns); gouji reads at most {MAX_GRID_CELLS} cells per workbook"
            )));
        }
        if extent.merged_cells > MAX_GRID_CELLS as u64 {
            return Err(limit(format!(
                "the merged regions of sheet {sheet} cover {} cells together (they overlap); gouji reads at most {MAX_GRID_CELLS}",
                extent.merged_cells
            )));
        }
    }
    Ok(())
}

fn bad_ref(sheet: &str, what: &str, value: &str) -> ReadError {
    let shown: String = value.chars().take(40).collect();
    corrupt(format!(
        "sheet {sheet}: {what} `{}` is not a cell reference inside A1:XFD1048576",
        shown.escape_default()
    ))
}

/// Stream one worksheet part: check every reference, compute the extent.
fn scan_sheet<R: std::io::BufRead>(input: R, sheet: &str) -> Result<Extent, ReadError> {
    let mut reader = Reader::from_reader(input);
    let mut buf = Vec::new();
    let mut extent = Extent::default();
    let mut row: u64 = 0;
    let mut col: u64 = 0;
    // Malformed XML is refused here: calamine may read past an error this scan cannot see
    // beyond (a fuzz input hid XFD3048576 after one and aborted the process).
    reader.config_mut().check_end_names = false;
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => {
                return Err(corrupt(format!(
                    "sheet {sheet}: malformed XML at byte {} ({e})",
                    reader.buffer_position()
                )))
            }
        };
        match event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "row" => {
                    match attr(&e, "r") {
                        Some(r) => {
                            let n = r
                                .trim()
                                .parse::<u64>()
                                .ok()
                                .filter(|n| (1..=MAX_ROW).contains(n))
                                .ok_or_else(|| bad_ref(sheet, "row number", &r))?;
                            row = n;
                        }
                        None => row += 1,
                    }
                    col = 0;
                }
                "c" => {
                    match attr(&e, "r") {
                        Some(r) => {
                            let (rr, cc) = parse_ref(&r)
                                .and_then(|(rr, cc)| Some((rr, cc?)))
                                .ok_or_else(|| bad_ref(sheet, "cell reference", &r))?;
                            row = rr;
                            col = cc;
                        }
                        None => col += 1,
                    }
                    if row > MAX_ROW || col > MAX_COL {
                        return Err(corrupt(format!(
                            "sheet {sheet}: cells run past the last row or column Excel allows"
                        )));
                    }
                    extent.add(row.max(1), col.max(1));
                }
                "dimension" => {
                    if let Some(r) = attr(&e, "ref") {
                        let ((r0, c0), (r1, c1)) =
                            parse_area(&r).ok_or_else(|| bad_ref(sheet, "dimension", &r))?;
                        if r1 < r0 || c1 < c0 {
                            return Err(bad_ref(sheet, "dimension", &r));
                        }
                    }
                }
                "mergeCell" => {
                    if let Some(r) = attr(&e, "ref") {
                        let ((r0, c0), (r1, c1)) =
                            parse_area(&r).ok_or_else(|| bad_ref(sheet, "merged region", &r))?;
                        if r0 <= r1 && c0 <= c1 {
                            extent.add(r0, c0);
                            extent.add(r1, c1);
                            extent.merged_cells = extent
                                .merged_cells
                                .saturating_add((r1 - r0 + 1) * (c1 - c0 + 1));
                        }
                    }
                }
                "f" => {
                    if let Some(r) = attr(&e, "ref") {
                        let ((r0, c0), (r1, c1)) =
                            parse_area(&r).ok_or_else(|| bad_ref(sheet, "formula range", &r))?;
                        if r1 < r0 || c1 < c0 {
                            return Err(bad_ref(sheet, "formula range", &r));
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(extent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_checked_against_excel_limits() {
        assert_eq!(parse_ref("A1"), Some((1, Some(1))));
        assert_eq!(parse_ref("$C$107"), Some((107, Some(3))));
        assert_eq!(parse_ref("XFD1048576"), Some((1_048_576, Some(16_384))));
        assert_eq!(parse_ref("XFE1"), None);
        assert_eq!(
            parse_ref("Ac1"),
            None,
            "lower case letters overflow calamine"
        );
        assert_eq!(parse_ref("A1048577"), None);
        assert_eq!(parse_ref("ZZZZZZZZZZZZZZ1"), None);
        assert_eq!(parse_ref("A99999999999"), None);
        assert_eq!(parse_ref("A0"), None);
        assert_eq!(parse_ref("1A"), None);
        assert_eq!(parse_ref("5"), Some((5, None)));
        assert_eq!(parse_area("A1:B2"), Some(((1, 1), (2, 2))));
        assert_eq!(
            parse_area("B2:A1"),
            None,
            "inverted areas overflow calamine"
        );
        assert_eq!(parse_area("A2:C1"), None);
    }

    fn sheet(body: &str) -> Vec<u8> {
        crate::fuzz::xlsx_with_sheet(
            format!(
                r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{body}</worksheet>"#
            )
            .as_bytes(),
        )
    }

    #[test]
    fn sparse_sheets_and_bad_references_are_refused_by_name() {
        let far = sheet(
            r#"<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row></sheetData>"#,
        );
        let e = prescan(&far).unwrap_err().to_string();
        assert!(
            e.contains("sheet Sheet1 spans 1048576 rows × 16384 columns"),
            "{e}"
        );
        for bad in ["ZZZZZZZZZZZZZZ1", "A99999999999", "A0"] {
            let x = sheet(&format!(
                r#"<sheetData><row r="1"><c r="{bad}"><v>1</v></c></row></sheetData>"#
            ));
            let e = prescan(&x).unwrap_err().to_string();
            assert!(e.contains(bad), "{e}");
        }
        let dim = sheet(r#"<dimension ref="B2:A1"/><sheetData/>"#);
        assert!(prescan(&dim).is_err());
        let ok = sheet(
            r#"<dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1"><v>1</v></c><c><v>2</v></c></row></sheetData><mergeCells><mergeCell ref="A2:B2"/></mergeCells>"#,
        );
        assert!(prescan(&ok).is_ok());
    }

    #[test]
    fn fuzz_crashes_are_refused_by_the_scan() {
        // Raw fuzz inputs: byte 0 is the mode, the rest is xl/worksheets/sheet1.xml.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hostile");
        for name in [
            "xlsx-fuzz-crash-43890789-sheet1-input.bin",
            "xlsx-fuzz-crash-d6e80c2f-malformed-then-far-cell.bin",
        ] {
            let raw = std::fs::read(dir.join(name)).expect("fixture");
            let x = crate::fuzz::xlsx_with_sheet(&raw[1..]);
            assert!(prescan(&x).is_err(), "{name}");
            crate::fuzz::xlsx(&raw); // returns: no abort, no panic
        }
    }

    #[test]
    fn many_merges_are_expanded_in_linear_time() {
        // 40,000 merged 2×2 blocks fill a 400×400 grid: one pass per region, not per cell.
        let mut merges = String::new();
        for r in (1..=400).step_by(2) {
            for c in (0..400).step_by(2) {
                let (a, b) = (
                    super::super::column_name(c),
                    super::super::column_name(c + 1),
                );
                merges.push_str(&format!(r#"<mergeCell ref="{a}{r}:{b}{}"/>"#, r + 1));
            }
        }
        let x = sheet(&format!(
            r#"<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="400"><c r="OJ400"><v>2</v></c></row></sheetData><mergeCells>{merges}</mergeCells>"#
        ));
        let start = std::time::Instant::now();
        let doc = super::super::read("m.xlsx", &x).expect("readable");
        assert!(start.elapsed().as_secs() < 60);
        let crate::source::Block::Table(t) = &doc.blocks[1] else {
            panic!("no table");
        };
        assert_eq!(t.rows.len(), 400);
        assert_eq!(t.rows[0].cells[0].origin, t.rows[1].cells[1].origin);
    }
}
