//! Budgets of an OpenDocument spreadsheet (`.ods`), checked before calamine reads it.
//!
//! calamine parses every table of `content.xml` when it opens the file, expanding
//! `table:number-columns-repeated` and `table:number-rows-repeated` into cells (up to a
//! 16,384 × 1,048,576 sheet, 100 million cells), cloning each cell's text for every repeat and
//! `text:s` spaces by their declared count. A file of a kilobyte can ask for gigabytes. This
//! scan reads `content.xml` as calamine does, counting instead of building: the cells of each
//! row as calamine collects them, the cells of each table's range once the repeats are expanded,
//! and the bytes of text those cells copy. A workbook past gouji's budgets is refused, naming
//! the table; XML calamine would loop on or refuse is refused as damaged.

use std::io::{BufRead, BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::MAX_PART_BYTES;
use crate::source::{ReadError, MAX_GRID_CELLS};

const BUDGET: u64 = MAX_GRID_CELLS as u64;
/// Largest amount of cell text (and formulas) the expanded workbook may hold.
const MAX_TEXT: u64 = 64 * 1024 * 1024;
/// calamine's largest sheet.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

fn corrupt(reason: impl Into<String>) -> ReadError {
    ReadError::Corrupt {
        format: "ODS",
        reason: reason.into(),
    }
}

fn limit(reason: impl Into<String>) -> ReadError {
    ReadError::Limit {
        format: "ODS",
        reason: reason.into(),
    }
}

/// Scan `content.xml` of an OpenDocument package, if it has one.
pub fn prescan(bytes: &[u8]) -> Result<(), ReadError> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // calamine reports it
    };
    let Ok(file) = zip.by_name("content.xml") else {
        return Ok(());
    };
    scan(BufReader::new(file.take(MAX_PART_BYTES)))
}

/// Totals over the workbook.
#[derive(Default)]
struct Totals {
    /// Cells of the tables' ranges once repeats are expanded.
    range: u64,
    /// Cells calamine collects row by row before building the ranges.
    collected: u64,
    /// Bytes of cell text and formulas after expansion.
    text: u64,
}

/// One row as calamine collects it.
struct RowScan {
    /// Rows it stands for (`table:number-rows-repeated`, capped as calamine caps it).
    repeats: u64,
    /// Cells collected (up to the last non-empty one).
    collected: u64,
    /// First and last column holding a value.
    used: Option<(u64, u64)>,
    /// Bytes of text and formulas in the row, repeats of columns included.
    text: u64,
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| a.value.to_string())
}

fn xml_error<R: BufRead>(reader: &Reader<R>, e: impl std::fmt::Display) -> ReadError {
    corrupt(format!(
        "content.xml: malformed XML at byte {} ({e})",
        reader.buffer_position()
    ))
}

fn scan<R: BufRead>(input: R) -> Result<(), ReadError> {
    let mut reader = Reader::from_reader(input);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut buf = Vec::new();
    let mut totals = Totals::default();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.name().as_ref() == "table:table" => {
                if let Some(name) = attr(&e, "table:name") {
                    let name: String = name.chars().filter(|c| !c.is_control()).take(40).collect();
                    scan_table(&mut reader, &name, &mut totals)?;
                }
            }
            Ok(Event::Eof) => return Ok(()),
            Err(e) => return Err(xml_error(&reader, e)),
            Ok(_) => {}
        }
        buf.clear();
    }
}

fn count(value: &str, what: &str, table: &str) -> Result<u64, ReadError> {
    value.parse::<u64>().map_err(|_| {
        let shown: String = value.chars().take(40).collect();
        corrupt(format!(
            "table {table}: {what} `{}` is not a count",
            shown.escape_default()
        ))
    })
}

/// One table up to its end, as calamine's `read_table` reads it.
fn scan_table<R: BufRead>(
    reader: &mut Reader<R>,
    table: &str,
    totals: &mut Totals,
) -> Result<(), ReadError> {
    let mut buf = Vec::new();
    let mut rows: Vec<RowScan> = Vec::new();
    let mut total_rows: u64 = 0;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.name().as_ref() == "table:table-row" => {
                let repeats = match attr(&e, "table:number-rows-repeated") {
                    Some(v) => count(&v, "a row repeat", table)?,
                    None => 1,
                };
                let capped = repeats.min(MAX_ROWS.saturating_sub(total_rows));
                total_rows += capped;
                let mut row = scan_row(reader, table)?;
                row.repeats = capped;
                rows.push(row);
            }
            Ok(Event::End(e)) if e.name().as_ref() == "table:table" => break,
            // calamine would wait for the end of the table forever.
            Ok(Event::Eof) => {
                return Err(corrupt(format!(
                    "table {table} is not closed before the end of content.xml"
                )))
            }
            Err(e) => return Err(xml_error(reader, e)),
            Ok(_) => {}
        }
        buf.clear();
    }
    account(&rows, table, totals)
}

/// Add one table to the totals and check the budgets.
fn account(rows: &[RowScan], table: &str, totals: &mut Totals) -> Result<(), ReadError> {
    let used: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].used.is_some())
        .collect();
    totals.collected = totals
        .collected
        .saturating_add(rows.iter().map(|r| r.collected).sum::<u64>());
    if let (Some(&first), Some(&last)) = (used.first(), used.last()) {
        let c0 = used.iter().filter_map(|&i| rows[i].used).map(|u| u.0).min();
        let c1 = used.iter().filter_map(|&i| rows[i].used).map(|u| u.1).max();
        let width = c1.unwrap_or(0) - c0.unwrap_or(0) + 1;
        let height: u64 = rows[first..=last].iter().map(|r| r.repeats).sum();
        let cells = height.saturating_mul(width);
        totals.range = totals.range.saturating_add(cells);
        if cells > BUDGET {
            return Err(limit(format!(
                "table {table} spans {height} rows × {width} columns ({cells} cells) once its repeated rows and columns are expanded; gouji reads at most {BUDGET} cells per workbook"
            )));
        }
        if totals.range > BUDGET {
            return Err(limit(format!(
                "the tables up to {table} span {} cells together once repeats are expanded (this one {height} rows × {width} columns); gouji reads at most {BUDGET} cells per workbook",
                totals.range
            )));
        }
    }
    if totals.collected > BUDGET {
        return Err(limit(format!(
            "the tables up to {table} repeat cells {} times across their rows; gouji reads at most {BUDGET} cells per workbook",
            totals.collected
        )));
    }
    let text = rows
        .iter()
        .map(|r| r.text.saturating_mul(r.repeats.max(1)))
        .fold(0u64, u64::saturating_add);
    totals.text = totals.text.saturating_add(text);
    if totals.text > MAX_TEXT {
        return Err(limit(format!(
            "the cells of the tables up to {table} hold {} bytes of text once repeats are expanded; gouji reads at most {} MiB",
            totals.text,
            MAX_TEXT / (1024 * 1024)
        )));
    }
    Ok(())
}

/// One row up to its end, as calamine's `read_row` reads it.
fn scan_row<R: BufRead>(reader: &mut Reader<R>, table: &str) -> Result<RowScan, ReadError> {
    let mut buf = Vec::new();
    let mut row = RowScan {
        repeats: 1,
        collected: 0,
        used: None,
        text: 0,
    };
    let mut pending_empty: u64 = 0;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e))
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                let e = e.into_owned();
                let repeats = match attr(&e, "table:number-columns-repeated") {
                    Some(v) => count(&v, "a column repeat", table)?,
                    None => 1,
                };
                let (filled, text) = scan_cell(reader, &e, table)?;
                let empties = pending_empty.min(MAX_COLUMNS - row.collected);
                let repeats_now = |collected: u64| repeats.min(MAX_COLUMNS - collected);
                if filled {
                    row.collected += empties;
                    let n = repeats_now(row.collected);
                    if n > 0 {
                        let (first, last) = (row.collected, row.collected + n - 1);
                        row.used = Some(match row.used {
                            None => (first, last),
                            Some((a, b)) => (a.min(first), b.max(last)),
                        });
                    }
                    row.collected += n;
                    row.text = row.text.saturating_add(text.saturating_mul(n));
                    pending_empty = 0;
                } else {
                    // calamine keeps only the latest run of empty cells, capped where it is.
                    pending_empty = repeats_now(row.collected);
                }
            }
            Ok(Event::End(e)) if e.name().as_ref() == "table:table-row" => return Ok(row),
            Ok(Event::Eof) => {
                return Err(corrupt(format!(
                    "table {table}: a row is not closed before the end of content.xml"
                )))
            }
            Err(e) => return Err(xml_error(reader, e)),
            Ok(other) => {
                let what = match other {
                    Event::Start(s) => s.name().as_ref().to_string(),
                    Event::Text(_) => "text".into(),
                    _ => "markup".into(),
                };
                let what: String = what.chars().take(40).collect();
                return Err(corrupt(format!(
                    "table {table}: a row holds {} where only cells may be",
                    what.escape_default()
                )));
            }
        }
        buf.clear();
    }
}

/// One cell: whether calamine gives it a value or formula, and the bytes of text it copies.
/// Consumes the cell's content as calamine does.
fn scan_cell<R: BufRead>(
    reader: &mut Reader<R>,
    e: &BytesStart<'_>,
    table: &str,
) -> Result<(bool, u64), ReadError> {
    let (mut value_set, mut is_string, mut is_error) = (false, false, false);
    let mut empty_string_value = false;
    let mut text: u64 = 0;
    let mut formula = false;
    for a in e.attributes().flatten() {
        let len = a.value.len() as u64;
        match a.key.as_ref() {
            "office:value" | "office:boolean-value" if !value_set => value_set = true,
            "office:string-value" | "office:date-value" | "office:time-value" if !value_set => {
                value_set = true;
                empty_string_value = a.key.as_ref() == "office:string-value" && len == 0;
                text = text.saturating_add(len);
            }
            "office:value-type" if !value_set => is_string = a.value.as_ref() == "string",
            "calcext:value-type" => is_error = a.value.as_ref() == "error",
            "table:formula" => {
                formula = !a.value.is_empty();
                text = text.saturating_add(len);
            }
            _ => {}
        }
    }
    let mut buf = Vec::new();
    if (!value_set && is_string) || (is_error && empty_string_value) {
        // calamine reads the content up to the first end of a cell, adding `text:c` spaces.
        loop {
            match reader.read_event_into(&mut buf) {
                Ok(Event::Text(t)) => text = text.saturating_add(t.len() as u64),
                Ok(Event::GeneralRef(_)) => text = text.saturating_add(4),
                Ok(Event::End(end))
                    if matches!(
                        end.name().as_ref(),
                        "table:table-cell" | "table:covered-table-cell"
                    ) =>
                {
                    return Ok((true, text));
                }
                // calamine skips an annotation whole, up to its end (and waits for one forever).
                Ok(Event::Start(s)) if s.name().as_ref() == "office:annotation" => loop {
                    match reader.read_event_into(&mut buf) {
                        Ok(Event::End(end)) if end.name().as_ref() == "office:annotation" => break,
                        Ok(Event::Eof) => {
                            return Err(corrupt(format!(
                            "table {table}: a comment is not closed before the end of content.xml"
                        )))
                        }
                        Err(err) => return Err(xml_error(reader, err)),
                        Ok(_) => {}
                    }
                    buf.clear();
                },
                Ok(Event::Start(s)) if s.name().as_ref() == "text:s" => {
                    let spaces = match attr(&s, "text:c") {
                        Some(v) => count(&v, "a space count", table)?,
                        None => 1,
                    };
                    text = text.saturating_add(spaces);
                }
                Ok(Event::Start(_)) => text = text.saturating_add(1),
                Ok(Event::Eof) => {
                    return Err(corrupt(format!(
                        "table {table}: a cell is not closed before the end of content.xml"
                    )))
                }
                Err(err) => return Err(xml_error(reader, err)),
                Ok(_) => {}
            }
            buf.clear();
        }
    }
    reader
        .read_to_end_into(e.name(), &mut buf)
        .map_err(|err| xml_error(reader, err))?;
    Ok((value_set || is_string || formula, text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fuzz::ods_with_content;

    fn content(table: &str) -> Vec<u8> {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{table}</office:spreadsheet></office:body></office:document-content>"#
        )
        .into_bytes()
    }

    const CELL: &str = r#"<table:table-cell office:value-type="float" office:value="12"><text:p>12</text:p></table:table-cell>"#;

    #[test]
    fn a_real_looking_table_with_trailing_repeats_is_read() {
        // The shape LibreOffice writes: styled empty cells and rows repeated to the sheet's end.
        let x = ods_with_content(&content(&format!(
            r#"<table:table table:name="表三"><table:table-column table:number-columns-repeated="1024"/><table:table-row>{CELL}<table:table-cell office:value-type="string"><text:p>合计</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1022"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>"#
        )));
        prescan(&x).expect("within budget");
        let doc = super::super::read("a.ods", &x).expect("readable");
        assert!(doc.view.contains("12 | 合计"), "{}", doc.view);
    }

    #[test]
    fn repeats_past_the_budget_are_refused_by_table() {
        let rows = ods_with_content(&content(
            r#"<table:table table:name="T1"><table:table-row table:number-rows-repeated="1048576"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row></table:table>"#,
        ));
        let e = prescan(&rows).unwrap_err().to_string();
        assert!(
            e.starts_with("ODS file is too large to read: table T1"),
            "{e}"
        );
        let spaces = ods_with_content(&content(
            r#"<table:table table:name="T2"><table:table-row><table:table-cell office:value-type="string"><text:p><text:s text:c="999999999999"/></text:p></table:table-cell></table:table-row></table:table>"#,
        ));
        let e = prescan(&spaces).unwrap_err().to_string();
        assert!(e.contains("bytes of text"), "{e}");
        let unclosed = ods_with_content(&content(&format!(
            r#"<table:table table:name="T3"><table:table-row>{CELL}</table:table-row>"#
        )));
        let e = prescan(&unclosed).unwrap_err().to_string();
        assert!(e.starts_with("ODS file is damaged"), "{e}");
    }
}
