//! Entry points shared by the cargo-fuzz targets in `fuzz/` and the bounded smoke test that
//! `cargo test` runs on stable Rust (`tests/fuzz_smoke.rs`).
//!
//! Each function takes arbitrary bytes, runs one reader (and, for documents, the whole check)
//! directly through the library, and returns normally whatever the input: every failure must be a
//! `Result` error, never a panic, an abort, a hang or unbounded memory. Nothing here catches
//! panics, so a fuzzer sees every one.
//!
//! Container formats are fuzzed through their inner XML (a mutated zip rarely gets past its
//! checksums): for XLSX and DOCX, byte 0 of the input selects the mode (even: the bytes are the
//! whole file; odd: the rest is `xl/worksheets/sheet1.xml` or `word/document.xml`, wrapped in a
//! minimal package).

use std::io::{Cursor, Write};
use std::path::Path;
use std::sync::OnceLock;

use crate::check::AllRules;
use crate::rules::Registry;

fn registry() -> &'static Registry {
    static REG: OnceLock<Option<Registry>> = OnceLock::new();
    REG.get_or_init(|| Registry::builtin().ok())
        .as_ref()
        .expect("the built-in packs compile")
}

/// Read `data` as a file with extension `ext`, then extract and check it with every rule.
pub fn document(data: &[u8], ext: &str) {
    let name = format!("fuzz.{ext}");
    if let Ok(doc) = crate::source::read_bytes(&name, data, Path::new(&name)) {
        let report = crate::pipeline::check_document(&doc, registry(), &AllRules);
        // Render it as a user would see it (snippets, columns) into memory.
        let opts = crate::report::RenderOptions::new(crate::finding::Lang::Zh);
        let mut out = Vec::new();
        let _ = crate::report::render(
            crate::report::OutputFormat::Human,
            std::slice::from_ref(&report),
            &opts,
            &mut out,
        );
    }
}

/// Plain text (any encoding).
pub fn text(data: &[u8]) {
    document(data, "txt");
}

/// An HTML page.
pub fn html(data: &[u8]) {
    document(data, "html");
}

/// An XLSX workbook (see the module documentation for the modes).
pub fn xlsx(data: &[u8]) {
    match data.split_first() {
        Some((mode, rest)) if mode % 2 == 1 => document(&xlsx_with_sheet(rest), "xlsx"),
        Some((_, rest)) => document(rest, "xlsx"),
        None => {}
    }
}

/// A DOCX document (see the module documentation for the modes).
pub fn docx(data: &[u8]) {
    match data.split_first() {
        Some((mode, rest)) if mode % 2 == 1 => document(&docx_with_body(rest), "docx"),
        Some((_, rest)) => document(rest, "docx"),
        None => {}
    }
}

/// A rule pack.
pub fn pack(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::rules::pack::compile("fuzz.toml", text);
    }
}

/// A `gouji.toml`.
pub fn config(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(config) = crate::config::Config::parse("gouji.toml", text, Path::new(".")) {
            let _ = config.rule_patterns().count();
        }
    }
}

/// A baseline file.
pub fn baseline(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::baseline::Baseline::parse(Path::new("gouji-baseline.json"), text);
    }
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in entries {
        if w.start_file(*name, opts).is_err() || w.write_all(data).is_err() {
            return Vec::new();
        }
    }
    w.finish().map(|c| c.into_inner()).unwrap_or_default()
}

/// A minimal XLSX package whose only sheet is `sheet_xml`.
pub fn xlsx_with_sheet(sheet_xml: &[u8]) -> Vec<u8> {
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const PKG: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
    let types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
    let rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let workbook = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let wb_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
    );
    zip_of(&[
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", wb_rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet_xml),
    ])
}

/// A minimal DOCX package whose main part is `document_xml`.
pub fn docx_with_body(document_xml: &[u8]) -> Vec<u8> {
    let types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
    zip_of(&[
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("word/document.xml", document_xml),
    ])
}
