//! The zip container of a DOCX file: finding and reading the main document part safely.

use std::io::{Cursor, Read};

use zip::result::ZipError;
use zip::ZipArchive;

use crate::source::ReadError;

/// Largest decompressed size of `word/document.xml` gouji accepts (guards against zip bombs).
pub const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;

/// Largest decompressed size of the small package-relationship part.
const MAX_RELS_BYTES: u64 = 1024 * 1024;

/// The usual name of the main document part.
pub const DOCUMENT_PART: &str = "word/document.xml";

/// A `Corrupt` error for DOCX files.
pub fn corrupt(reason: impl Into<String>) -> ReadError {
    ReadError::Corrupt {
        format: "DOCX",
        reason: reason.into(),
    }
}

/// Describe a zip error in words a report author understands.
pub fn zip_reason(err: &ZipError) -> String {
    match err {
        ZipError::InvalidArchive(_) => {
            format!("not a valid zip archive ({err}); the file may be truncated")
        }
        ZipError::UnsupportedArchive(_) => format!("unsupported zip feature ({err})"),
        ZipError::FileNotFound => "a part of the package is missing".to_string(),
        other => format!("cannot read the zip container ({other})"),
    }
}

/// Open the zip container.
pub fn open(bytes: &[u8]) -> Result<ZipArchive<Cursor<&[u8]>>, ReadError> {
    ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(zip_reason(&e)))
}

/// Name of the main document part: `word/document.xml`, or whatever `_rels/.rels` names as the
/// office document when a producer used another name.
pub fn main_part_name<R: Read + std::io::Seek>(
    archive: &mut ZipArchive<R>,
) -> Result<String, ReadError> {
    if archive.index_for_name(DOCUMENT_PART).is_some() {
        return Ok(DOCUMENT_PART.to_string());
    }
    let missing = || {
        corrupt(format!(
            "the package has no {DOCUMENT_PART} (is it really a Word document?)"
        ))
    };
    let Some(idx) = archive.index_for_name("_rels/.rels") else {
        return Err(missing());
    };
    let rels = read_capped(archive, idx, MAX_RELS_BYTES, "_rels/.rels")?;
    let rels = String::from_utf8_lossy(&rels);
    let target = office_document_target(&rels).ok_or_else(missing)?;
    if archive.index_for_name(&target).is_some() {
        Ok(target)
    } else {
        Err(missing())
    }
}

/// Find the `Target` of the `officeDocument` relationship in `_rels/.rels`.
fn office_document_target(rels: &str) -> Option<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(rels);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "Relationship" => {
                let mut ty = None;
                let mut target = None;
                for attr in e.attributes().flatten() {
                    let value = attr
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .ok()?
                        .into_owned();
                    match attr.key.local_name().as_ref() {
                        "Type" => ty = Some(value),
                        "Target" => target = Some(value),
                        _ => {}
                    }
                }
                if ty.is_some_and(|t| t.ends_with("/officeDocument")) {
                    return target.map(|t| t.trim_start_matches('/').to_string());
                }
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// Read one part fully, refusing anything that expands beyond `cap` bytes.
pub fn read_capped<R: Read + std::io::Seek>(
    archive: &mut ZipArchive<R>,
    index: usize,
    cap: u64,
    what: &str,
) -> Result<Vec<u8>, ReadError> {
    let file = archive
        .by_index(index)
        .map_err(|e| corrupt(format!("cannot open {what}: {}", zip_reason(&e))))?;
    let too_big = || {
        corrupt(format!(
            "{what} expands to more than {} MiB (a zip bomb or not a real report)",
            cap / (1024 * 1024)
        ))
    };
    if file.size() > cap {
        return Err(too_big());
    }
    let mut buf = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut buf)
        .map_err(|e| corrupt(format!("cannot decompress {what}: {e}")))?;
    if buf.len() as u64 > cap {
        return Err(too_big());
    }
    Ok(buf)
}

/// Decode the bytes of an XML part to text (UTF-8, or UTF-16 with a byte-order mark).
pub fn xml_text(bytes: Vec<u8>, what: &str) -> Result<String, ReadError> {
    let bom_utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if bom_utf16 {
        let (text, _, bad) = encoding_rs::UTF_16LE.decode(&bytes);
        if bad {
            return Err(corrupt(format!("{what} is not valid UTF-16")));
        }
        return Ok(text.into_owned());
    }
    let mut text = String::from_utf8(bytes).map_err(|e| {
        corrupt(format!(
            "{what} is not valid UTF-8 (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Ok(text)
}
