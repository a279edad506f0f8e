//! DOCX writer: fill the official template, or write a minimal package by hand.

use std::io::{Cursor, Write};

use gouji::source::docx::fill::{fill_template, CellTexts};
use gouji::source::Document;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::{escape_xml, Block, Report, Table};

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// The report as a DOCX: its template filled in if it has one, else a hand-written package.
pub fn write_docx(report: &Report) -> Vec<u8> {
    match report.template {
        Some(template) => fill(report, template),
        None => minimal(report),
    }
}

/// Fill every table cell whose text differs from the template's.
fn fill(report: &Report, template: &[u8]) -> Vec<u8> {
    let doc = gouji::source::docx::read("template.docx", template).expect("template reads");
    let blank: Vec<&gouji::source::Table> = doc.tables().collect();
    let mut cells = CellTexts::new();
    for (ti, t) in report.tables().enumerate() {
        for cell in &t.cells {
            let current = blank
                .get(ti)
                .and_then(|bt| bt.rows.get(cell.row))
                .and_then(|row| row.cells.get(cell.col))
                .map(|c| c.text.as_str());
            if current != Some(cell.text.as_str()) {
                cells.insert((ti + 1, cell.row + 1, cell.col + 1), cell.text.clone());
            }
        }
    }
    fill_template(template, &cells).expect("template fills")
}

/// A run-split paragraph: the text in two runs (readers must join runs).
fn para(text: &str) -> String {
    if text.is_empty() {
        return "<w:p/>".into();
    }
    let mid = text
        .char_indices()
        .nth(text.chars().count() / 2)
        .map_or(text.len(), |(i, _)| i);
    let (a, b) = text.split_at(mid);
    let run = |s: &str| {
        if s.is_empty() {
            String::new()
        } else {
            format!(
                "<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                escape_xml(s)
            )
        }
    };
    format!("<w:p>{}{}</w:p>", run(a), run(b))
}

fn table_xml(t: &Table) -> String {
    let grid = t.grid();
    let mut out =
        String::from("<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid>");
    for _ in 0..t.width {
        out.push_str("<w:gridCol w:w=\"900\"/>");
    }
    out.push_str("</w:tblGrid>");
    for (r, row) in grid.iter().enumerate() {
        out.push_str("<w:tr>");
        let mut col = 0;
        while col < t.width {
            let Some(i) = row[col] else {
                out.push_str("<w:tc><w:p/></w:tc>");
                col += 1;
                continue;
            };
            let cell = &t.cells[i];
            let mut pr = String::new();
            if cell.colspan > 1 {
                pr.push_str(&format!("<w:gridSpan w:val=\"{}\"/>", cell.colspan));
            }
            let first_row = cell.row == r;
            if cell.rowspan > 1 {
                pr.push_str(if first_row {
                    "<w:vMerge w:val=\"restart\"/>"
                } else {
                    "<w:vMerge/>"
                });
            }
            let body = if first_row {
                para(&cell.text)
            } else {
                "<w:p/>".into()
            };
            out.push_str(&format!("<w:tc><w:tcPr>{pr}</w:tcPr>{body}</w:tc>"));
            col = cell.col + cell.colspan;
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    out
}

/// A minimal package: content types, relationships and `word/document.xml`.
fn minimal(report: &Report) -> Vec<u8> {
    let mut body = para(&report.title);
    for block in &report.blocks {
        match block {
            Block::Para(p) => body.push_str(&para(p)),
            Block::Table(t) => {
                body.push_str(&table_xml(t));
                body.push_str("<w:p/>");
            }
        }
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{W_NS}\"><w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let parts: [(&str, String); 3] = [
        (
            "[Content_Types].xml",
            concat!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">",
                "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>",
                "<Default Extension=\"xml\" ContentType=\"application/xml\"/>",
                "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>"
            )
            .to_string(),
        ),
        (
            "_rels/.rels",
            concat!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
                "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>"
            )
            .to_string(),
        ),
        ("word/document.xml", document),
    ];
    zip_parts(&parts)
}

/// Zip named parts deterministically (fixed timestamps, deflate).
pub fn zip_parts(parts: &[(&str, String)]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default());
    for (name, data) in parts {
        w.start_file(*name, opts).expect("zip entry");
        w.write_all(data.as_bytes()).expect("zip write");
    }
    w.finish().expect("zip finish").into_inner()
}

/// Rebuild the tables of a read document as model tables (spans recovered from cell origins).
pub fn model_tables(doc: &Document) -> Vec<Table> {
    doc.tables()
        .map(|t| {
            let mut cells: Vec<super::Cell> = Vec::new();
            let mut seen: std::collections::HashMap<usize, usize> = Default::default();
            for (r, row) in t.rows.iter().enumerate() {
                for (col, cell) in row.cells.iter().enumerate() {
                    match seen.get(&cell.origin) {
                        Some(&i) => {
                            let c = &mut cells[i];
                            c.rowspan = c.rowspan.max(r - c.row + 1);
                            c.colspan = c.colspan.max(col - c.col + 1);
                        }
                        None => {
                            seen.insert(cell.origin, cells.len());
                            cells.push(super::Cell {
                                row: r,
                                col,
                                rowspan: 1,
                                colspan: 1,
                                text: cell.text.clone(),
                            });
                        }
                    }
                }
            }
            let width = t.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
            let mut table = Table {
                width,
                height: t.rows.len(),
                cells,
            };
            table.fill_holes();
            table
        })
        .collect()
}
