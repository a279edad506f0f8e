//! Fill a DOCX template: write text into given grid cells of its tables.
//!
//! Used to build DOCX fixtures and benchmark reports from the official blank 2021 template.
//! Cells are addressed exactly like the reader's locators: `(table, row, column)`, all 1-based,
//! table numbers counting every `w:tbl` in document order (nested ones included), row and column
//! in grid coordinates (a cell spanning columns 3–5 is written by any of 3, 4, 5; the first key
//! in column order wins). Writing into a cell replaces its whole content with one paragraph that
//! keeps the first paragraph's and first run's formatting (a nested table in that cell is dropped;
//! writing into a `w:vMerge` continuation cell is pointless, as readers show the merge's first
//! cell). Only `word/document.xml` is rewritten;
//! every other part of the package is copied byte for byte. The output is deterministic.

use std::collections::HashMap;
use std::io::{Cursor, Write};

use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{NsReader, Writer};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::container;
use super::parse::{count_attr, is_w};

/// Text to write, by `(table, row, column)` (1-based grid coordinates).
pub type CellTexts = HashMap<(usize, usize, usize), String>;

/// Why a template could not be filled.
#[derive(Debug, thiserror::Error)]
pub enum FillError {
    /// The template could not be read.
    #[error("cannot read the template: {0}")]
    Template(#[from] crate::source::ReadError),
    /// The template's XML could not be parsed.
    #[error("template word/document.xml is not well-formed XML: {0}")]
    Xml(String),
    /// Writing the new package failed.
    #[error("cannot write the filled document: {0}")]
    Write(String),
}

/// Fill `template` (the bytes of a .docx) with `cells` and return the bytes of the new .docx.
pub fn fill_template(template: &[u8], cells: &CellTexts) -> Result<Vec<u8>, FillError> {
    let mut archive = container::open(template)?;
    let part = container::main_part_name(&mut archive)?;
    let index = archive
        .index_for_name(&part)
        .ok_or_else(|| container::corrupt(format!("the package has no {part}")))?;
    let raw = container::read_capped(&mut archive, index, container::MAX_PART_BYTES, &part)?;
    let xml = container::xml_text(raw, &part)?;
    let new_xml = rewrite(&xml, cells)?;

    let write_err = |e: zip::result::ZipError| FillError::Write(e.to_string());
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(DateTime::default());
    for i in 0..archive.len() {
        if i == index {
            out.start_file(part.as_str(), options).map_err(write_err)?;
            out.write_all(new_xml.as_bytes())
                .map_err(|e| FillError::Write(e.to_string()))?;
        } else {
            let file = archive.by_index_raw(i).map_err(write_err)?;
            out.raw_copy_file(file).map_err(write_err)?;
        }
    }
    Ok(out.finish().map_err(write_err)?.into_inner())
}

/// A table being walked: its number, the position of the next cell and the open cell.
struct Frame {
    number: usize,
    depth: usize,
    row: usize,
    col: usize,
    cell: Option<CellState>,
}

/// What happens to the content of the current cell.
#[derive(PartialEq, Eq)]
enum Phase {
    /// Still in `w:tcPr` (the span is not known yet).
    Props,
    /// Copy the content unchanged.
    Pass,
    /// Drop the content; write `text` at the end of the cell.
    Replace,
}

/// The `w:tc` being walked.
struct CellState {
    depth: usize,
    col: usize,
    span: usize,
    prefix: String,
    phase: Phase,
    text: String,
    /// Captured formatting of the first paragraph (`w:pPr`) and run (`w:rPr`).
    ppr: Vec<Event<'static>>,
    rpr: Vec<Event<'static>>,
    /// Capture in progress: (depth of the captured element, into rPr?).
    capturing: Option<(usize, bool)>,
    /// Paragraphs and runs seen so far in a replaced cell.
    paras: usize,
    runs: usize,
}

/// One event with what the walk needs to know about it.
struct Ev<'a> {
    event: Event<'a>,
    /// In the WordprocessingML namespace.
    w: bool,
    local: String,
    /// Depth of the element the event opens, closes or is (for an empty element).
    here: usize,
    open: bool,
    close: bool,
    empty: bool,
}

/// Rewrite document.xml with the given cell texts.
fn rewrite(xml: &str, cells: &CellTexts) -> Result<String, FillError> {
    let mut reader = NsReader::from_str(xml);
    let mut writer = Writer::new(Vec::new());
    let mut tables: Vec<Frame> = Vec::new();
    let mut table_count = 0usize;
    let mut depth = 0usize;
    let mut in_tr_pr = false;
    let mut in_tc_pr = false;
    loop {
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| FillError::Xml(e.to_string()))?;
        if matches!(event, Event::Eof) {
            break;
        }
        let (open, close, empty) = match &event {
            Event::Start(_) => (true, false, false),
            Event::End(_) => (false, true, false),
            Event::Empty(_) => (false, false, true),
            _ => (false, false, false),
        };
        if open {
            depth += 1;
        }
        let local = match &event {
            Event::Start(e) | Event::Empty(e) => e.local_name().as_ref().to_string(),
            Event::End(e) => e.local_name().as_ref().to_string(),
            _ => String::new(),
        };
        let ev = Ev {
            w: is_w(&ns),
            local,
            here: if empty { depth + 1 } else { depth },
            open,
            close,
            empty,
            event,
        };
        step(
            &mut writer,
            &mut tables,
            &mut table_count,
            &mut in_tr_pr,
            &mut in_tc_pr,
            cells,
            ev,
        )?;
        if close {
            depth = depth.saturating_sub(1);
        }
    }
    String::from_utf8(writer.into_inner()).map_err(|e| FillError::Xml(e.to_string()))
}

/// Handle one event: route it into a replaced cell, or track the table structure and copy it.
fn step(
    writer: &mut Writer<Vec<u8>>,
    tables: &mut Vec<Frame>,
    table_count: &mut usize,
    in_tr_pr: &mut bool,
    in_tc_pr: &mut bool,
    cells: &CellTexts,
    ev: Ev<'_>,
) -> Result<(), FillError> {
    // The open cell of the innermost table: decide its fate once its properties are known.
    if let Some(f) = tables.last_mut() {
        let number = f.number;
        let row = f.row;
        if let Some(c) = f.cell.as_mut() {
            if c.phase == Phase::Props {
                let content_starts = ev.here == c.depth + 1
                    && (ev.open || ev.empty)
                    && !(ev.w && ev.local == "tcPr");
                let cell_ends = ev.close && ev.here == c.depth;
                if content_starts || cell_ends {
                    c.phase = decide(c, number, row, cells);
                }
            }
            if c.phase == Phase::Replace {
                if ev.w && ev.open && ev.local == "tbl" {
                    // Dropped with the cell's content, but keep the template's numbering.
                    *table_count += 1;
                }
                if ev.close && ev.here == c.depth {
                    if let Some(st) = f.cell.take() {
                        write_replacement(writer, &st)?;
                        f.col = st.col + st.span;
                    }
                    return write(writer, ev.event);
                }
                capture(c, &ev);
                return Ok(());
            }
        }
    }

    if ev.w {
        let innermost_free = tables.last().is_some_and(|f| f.cell.is_none());
        match (&ev.event, ev.local.as_str()) {
            (Event::Start(_), "tbl") => {
                *table_count += 1;
                tables.push(Frame {
                    number: *table_count,
                    depth: ev.here,
                    row: 0,
                    col: 0,
                    cell: None,
                });
            }
            (Event::Start(_) | Event::Empty(_), "tr") if innermost_free => {
                if let Some(f) = tables.last_mut() {
                    f.row += 1;
                    f.col = 0;
                }
            }
            (Event::Start(_), "trPr") => *in_tr_pr = true,
            (Event::End(_), "trPr") => *in_tr_pr = false,
            (Event::Start(_), "tcPr") => *in_tc_pr = true,
            (Event::End(_), "tcPr") => *in_tc_pr = false,
            (Event::Empty(e) | Event::Start(e), "gridBefore") if *in_tr_pr => {
                if let Some(f) = tables.last_mut().filter(|f| f.cell.is_none()) {
                    f.col = count_attr(e, 0);
                }
            }
            (Event::Empty(e) | Event::Start(e), "gridSpan") if *in_tc_pr => {
                if let Some(c) = tables
                    .last_mut()
                    .and_then(|f| f.cell.as_mut())
                    .filter(|c| c.phase == Phase::Props)
                {
                    c.span = count_attr(e, 1);
                }
            }
            (Event::Start(e), "tc") if innermost_free => {
                let prefix = e
                    .name()
                    .prefix()
                    .map(|p| format!("{}:", p.as_ref()))
                    .unwrap_or_default();
                if let Some(f) = tables.last_mut() {
                    f.cell = Some(CellState {
                        depth: ev.here,
                        col: f.col,
                        span: 1,
                        prefix,
                        phase: Phase::Props,
                        text: String::new(),
                        ppr: Vec::new(),
                        rpr: Vec::new(),
                        capturing: None,
                        paras: 0,
                        runs: 0,
                    });
                }
            }
            (Event::Empty(_), "tc") if innermost_free => {
                if let Some(f) = tables.last_mut() {
                    f.col += 1;
                }
            }
            (Event::End(_), "tc") => {
                if let Some(f) = tables.last_mut() {
                    if f.cell.as_ref().is_some_and(|c| c.depth == ev.here) {
                        if let Some(st) = f.cell.take() {
                            f.col = st.col + st.span;
                        }
                    }
                }
            }
            (Event::End(_), "tbl") if tables.last().is_some_and(|f| f.depth == ev.here) => {
                tables.pop();
            }
            _ => {}
        }
    }
    write(writer, ev.event)
}

/// Look up the text for the cell's grid columns.
fn decide(c: &mut CellState, table: usize, row: usize, cells: &CellTexts) -> Phase {
    for col in c.col..c.col + c.span {
        if let Some(text) = cells.get(&(table, row, col + 1)) {
            c.text = text.clone();
            return Phase::Replace;
        }
    }
    Phase::Pass
}

/// In a replaced cell, keep the first paragraph's `w:pPr` and the first run's `w:rPr`.
fn capture(c: &mut CellState, ev: &Ev<'_>) {
    let (w, local, here, open, close, event) = (
        ev.w,
        ev.local.as_str(),
        ev.here,
        ev.open,
        ev.close,
        &ev.event,
    );
    if let Some((cap_depth, into_rpr)) = c.capturing {
        let dest = if into_rpr { &mut c.rpr } else { &mut c.ppr };
        dest.push(event.clone().into_owned());
        if close && here == cap_depth {
            c.capturing = None;
        }
        return;
    }
    if !w {
        return;
    }
    let starts = open || ev.empty;
    match local {
        "p" if starts && here == c.depth + 1 => c.paras += 1,
        "r" if starts && c.paras == 1 => c.runs += 1,
        "pPr" if starts && c.paras == 1 && here == c.depth + 2 && c.ppr.is_empty() => {
            c.ppr.push(event.clone().into_owned());
            if open {
                c.capturing = Some((here, false));
            }
        }
        "rPr"
            if starts && c.paras == 1 && c.runs == 1 && here == c.depth + 3 && c.rpr.is_empty() =>
        {
            c.rpr.push(event.clone().into_owned());
            if open {
                c.capturing = Some((here, true));
            }
        }
        _ => {}
    }
}

/// Write `<w:p>[pPr]<w:r>[rPr]<w:t xml:space="preserve">text</w:t></w:r></w:p>`.
fn write_replacement(writer: &mut Writer<Vec<u8>>, c: &CellState) -> Result<(), FillError> {
    let name = |local: &str| format!("{}{local}", c.prefix);
    write(writer, Event::Start(BytesStart::new(name("p"))))?;
    for e in &c.ppr {
        write(writer, e.clone())?;
    }
    write(writer, Event::Start(BytesStart::new(name("r"))))?;
    for e in &c.rpr {
        write(writer, e.clone())?;
    }
    let mut t = BytesStart::new(name("t"));
    t.push_attribute(("xml:space", "preserve"));
    write(writer, Event::Start(t))?;
    write(writer, Event::Text(BytesText::new(&c.text)))?;
    write(writer, Event::End(BytesEnd::new(name("t"))))?;
    write(writer, Event::End(BytesEnd::new(name("r"))))?;
    write(writer, Event::End(BytesEnd::new(name("p"))))?;
    Ok(())
}

fn write(writer: &mut Writer<Vec<u8>>, event: Event<'_>) -> Result<(), FillError> {
    writer
        .write_event(event)
        .map_err(|e| FillError::Write(e.to_string()))
}
