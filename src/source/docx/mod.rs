//! DOCX reader: `word/document.xml` → [`Document`].
//!
//! Paragraphs become one view line each (located as `第N段`, counting non-empty paragraphs);
//! tables (`w:tbl`) become grids with `w:gridSpan` and `w:vMerge` expanded, one view line per
//! row, located as `第N张表 第R行 第C列` (1-based; N counts every table in document order,
//! nested ones included, which come out as separate tables after their outer table).
//!
//! [`fill`] writes text into the grid cells of a DOCX template (fixtures and benchmarks).

mod container;
pub mod fill;
mod parse;
mod render;

pub use container::MAX_PART_BYTES;

use super::{Document, ReadError};

/// Read a DOCX file from its bytes. `name` is the path shown in messages.
pub fn read(name: &str, bytes: &[u8]) -> Result<Document, ReadError> {
    let mut archive = container::open(bytes)?;
    let part = container::main_part_name(&mut archive)?;
    let index = archive
        .index_for_name(&part)
        .ok_or_else(|| container::corrupt(format!("the package has no {part}")))?;
    let raw = container::read_capped(&mut archive, index, MAX_PART_BYTES, &part)?;
    let xml = container::xml_text(raw, &part)?;
    let blocks = parse::parse(&xml)?;
    render::render(name, blocks)
}

#[cfg(test)]
pub(crate) mod tests;
