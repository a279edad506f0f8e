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

/// A legacy `.xls` workbook: the bytes are the whole file (a compound file).
pub fn xls(data: &[u8]) {
    document(data, "xls");
}

/// An OpenDocument spreadsheet: byte 0 odd: the rest is `content.xml`, wrapped in a minimal
/// package; even: the rest is the whole file.
pub fn ods(data: &[u8]) {
    match data.split_first() {
        Some((mode, rest)) if mode % 2 == 1 => document(&ods_with_content(rest), "ods"),
        Some((_, rest)) => document(rest, "ods"),
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

/// One BIFF record: type, length, data.
pub fn biff(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + data.len());
    out.extend(typ.to_le_bytes());
    out.extend((data.len().min(usize::from(u16::MAX)) as u16).to_le_bytes());
    out.extend(data);
    out
}

/// A minimal legacy `.xls` (BIFF8 in a compound file, 512-byte sectors) with one sheet named
/// `Sheet1` whose records between its BOF and EOF are `sheet_records`. Sector 0 (and on) holds
/// the allocation table, then one sector the directory, then the workbook stream, padded to the
/// 4096 bytes above which it is not in the mini stream.
pub fn xls_with_sheet(sheet_records: &[u8]) -> Vec<u8> {
    let bof = |dt: u16| {
        let mut d = vec![0u8; 16];
        d[0..2].copy_from_slice(&0x0600u16.to_le_bytes());
        d[2..4].copy_from_slice(&dt.to_le_bytes());
        biff(0x0809, &d)
    };
    let globals_len = 20 + 4 + 14 + 4;
    let mut bound = (globals_len as u32).to_le_bytes().to_vec();
    bound.extend([0, 0, 6, 0]);
    bound.extend(b"Sheet1");
    let mut stream = [bof(0x0005), biff(0x0085, &bound), biff(0x000A, &[])].concat();
    stream.extend(bof(0x0010));
    stream.extend(sheet_records);
    stream.extend(biff(0x000A, &[]));
    let len = stream.len().max(4096);
    stream.resize(len.div_ceil(512) * 512, 0);
    let data_sectors = stream.len() / 512;
    // Allocation table sectors, the directory sector, the stream.
    let mut fat_sectors = 1;
    while fat_sectors * 128 < fat_sectors + 1 + data_sectors {
        fat_sectors += 1;
    }
    let dir = fat_sectors as u32;
    let first = dir + 1;
    let mut fat = vec![0xFFFF_FFFFu32; fat_sectors * 128];
    for e in fat.iter_mut().take(fat_sectors) {
        *e = 0xFFFF_FFFD;
    }
    fat[dir as usize] = 0xFFFF_FFFE;
    for i in 0..data_sectors {
        let id = first as usize + i;
        fat[id] = if i + 1 == data_sectors {
            0xFFFF_FFFE
        } else {
            id as u32 + 1
        };
    }
    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    header[24..26].copy_from_slice(&0x003Eu16.to_le_bytes());
    header[26..28].copy_from_slice(&3u16.to_le_bytes());
    header[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
    header[30..32].copy_from_slice(&9u16.to_le_bytes());
    header[32..34].copy_from_slice(&6u16.to_le_bytes());
    header[44..48].copy_from_slice(&(fat_sectors as u32).to_le_bytes());
    header[48..52].copy_from_slice(&dir.to_le_bytes());
    header[56..60].copy_from_slice(&4096u32.to_le_bytes());
    header[60..64].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    header[68..72].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    for (i, slot) in header[76..512].chunks_mut(4).enumerate() {
        let v = if i < fat_sectors {
            i as u32
        } else {
            0xFFFF_FFFF
        };
        slot.copy_from_slice(&v.to_le_bytes());
    }
    let entry = |name: &str, kind: u8, child: u32, start: u32, size: u32| {
        let mut e = vec![0u8; 128];
        let units: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        e[..units.len()].copy_from_slice(&units);
        e[64..66].copy_from_slice(&((units.len() + 2) as u16).to_le_bytes());
        e[66] = kind;
        e[67] = 1;
        e[68..72].copy_from_slice(&u32::MAX.to_le_bytes());
        e[72..76].copy_from_slice(&u32::MAX.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&size.to_le_bytes());
        e
    };
    let mut directory = entry("Root Entry", 5, 1, 0xFFFF_FFFE, 0);
    directory.extend(entry("Workbook", 2, u32::MAX, first, stream.len() as u32));
    directory.resize(512, 0);
    let mut out = header;
    out.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
    out.extend(directory);
    out.extend(stream);
    out
}

/// A minimal OpenDocument spreadsheet whose `content.xml` is `content_xml`.
pub fn ods_with_content(content_xml: &[u8]) -> Vec<u8> {
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    zip_of(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet".as_slice(),
        ),
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("content.xml", content_xml),
    ])
}

/// Small `.xls` and `.ods` files that ask calamine for far more memory or time than gouji
/// allows, each with the words its refusal must contain: (file name, bytes, expected words).
pub fn hostile_workbooks() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let number = |row: u16, col: u16| {
        let mut d = Vec::new();
        d.extend(row.to_le_bytes());
        d.extend(col.to_le_bytes());
        d.extend(0u16.to_le_bytes());
        d.extend(1.0f64.to_le_bytes());
        biff(0x0203, &d)
    };
    let mut dims = Vec::new();
    dims.extend(0u32.to_le_bytes());
    dims.extend(4_000_000_000u32.to_le_bytes());
    dims.extend(0u16.to_le_bytes());
    dims.extend(200u16.to_le_bytes());
    dims.extend(0u16.to_le_bytes());
    let mut looping = xls_with_sheet(&number(0, 0));
    // The directory sector (1) follows itself in the allocation table (sector 0).
    looping[516..520].copy_from_slice(&1u32.to_le_bytes());
    let content = |table: &str| {
        ods_with_content(
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{table}</office:spreadsheet></office:body></office:document-content>"#
            )
            .as_bytes(),
        )
    };
    vec![
        (
            "xls-far-cells.xls",
            xls_with_sheet(&[number(0, 0), number(65535, 65535)].concat()),
            "XLS file is too large to read: sheet Sheet1 spans 65536 rows × 65536 columns",
        ),
        (
            "xls-declared-4e9-rows.xls",
            xls_with_sheet(&[biff(0x0200, &dims), number(0, 0)].concat()),
            "XLS file is too large to read: sheet Sheet1 declares 4000000000 rows × 200 columns",
        ),
        (
            "xls-looping-sector-chain.xls",
            looping,
            "XLS file is damaged or unsupported: a sector chain loops",
        ),
        (
            "ods-repeated-6000x16384.ods",
            content(
                r#"<table:table table:name="T"><table:table-row table:number-rows-repeated="6000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row></table:table>"#,
            ),
            "ODS file is too large to read: table T spans 6000 rows × 16384 columns",
        ),
        (
            "ods-2e9-spaces.ods",
            content(
                r#"<table:table table:name="T"><table:table-row><table:table-cell office:value-type="string"><text:p><text:s text:c="2000000000"/></text:p></table:table-cell></table:table-row></table:table>"#,
            ),
            "ODS file is too large to read: the cells of the tables up to T hold 2000000001 bytes",
        ),
        (
            "ods-unclosed-table.ods",
            content(
                r#"<table:table table:name="T"><table:table-row><table:table-cell/></table:table-row>"#,
            ),
            "ODS file is damaged or unsupported: table T is not closed",
        ),
    ]
}
