//! A minimal DOCX writer: `[Content_Types].xml`, the package relationship and a
//! `word/document.xml` with paragraphs and `w:tbl` tables (gridSpan, vMerge).

use super::model::{Block, Grid, Report, Slot};
use std::fmt::Write as _;
use std::io::{self, Cursor, Write};
use zip::write::SimpleFileOptions;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn para(out: &mut String, text: &str, bold: bool) {
    out.push_str("<w:p>");
    if !text.is_empty() {
        out.push_str("<w:r>");
        if bold {
            out.push_str("<w:rPr><w:b/></w:rPr>");
        }
        let _ = write!(out, "<w:t xml:space=\"preserve\">{}</w:t></w:r>", esc(text));
    }
    out.push_str("</w:p>");
}

fn table(out: &mut String, g: &Grid) {
    out.push_str("<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/><w:jc w:val=\"center\"/></w:tblPr><w:tblGrid>");
    for _ in 0..g.width {
        out.push_str("<w:gridCol w:w=\"900\"/>");
    }
    out.push_str("</w:tblGrid>");
    let slots = g.layout();
    for (r, line) in slots.iter().enumerate() {
        out.push_str("<w:tr>");
        let mut c = 0;
        while c < g.width {
            match line[c] {
                Slot::Empty => {
                    out.push_str("<w:tc><w:p/></w:tc>");
                    c += 1;
                }
                Slot::Origin(or, oi) | Slot::Covered(or, oi) => {
                    let cell = &g.rows[or][oi];
                    let span = cell.colspan.max(1);
                    out.push_str("<w:tc><w:tcPr>");
                    if span > 1 {
                        let _ = write!(out, "<w:gridSpan w:val=\"{span}\"/>");
                    }
                    if cell.rowspan > 1 {
                        out.push_str(if or == r {
                            "<w:vMerge w:val=\"restart\"/>"
                        } else {
                            "<w:vMerge/>"
                        });
                    }
                    out.push_str("</w:tcPr>");
                    para(out, if or == r { &cell.text } else { "" }, false);
                    out.push_str("</w:tc>");
                    c += span;
                }
            }
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}

/// The `word/document.xml` of a report.
pub fn document_xml(report: &Report) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>");
    para(&mut out, &report.title, true);
    for block in &report.blocks {
        match block {
            Block::Heading(t) => para(&mut out, t, true),
            Block::Para(t) => para(&mut out, t, false),
            Block::Table(g) => {
                table(&mut out, g);
                para(&mut out, "", false);
            }
        }
    }
    out.push_str(
        "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr></w:body></w:document>",
    );
    out
}

/// The bytes of a `.docx` file for a report.
pub fn docx(report: &Report) -> io::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", RELS.to_string()),
        ("word/document.xml", document_xml(report)),
    ] {
        zip.start_file(name, opts).map_err(io::Error::other)?;
        zip.write_all(body.as_bytes())?;
    }
    Ok(zip.finish().map_err(io::Error::other)?.into_inner())
}
