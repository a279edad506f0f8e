//! DOCX reader. (Placeholder.)

use super::{Document, ReadError};

/// Read a DOCX file.
pub fn read(_name: &str, _bytes: &[u8]) -> Result<Document, ReadError> {
    Err(ReadError::Unsupported {
        format: "DOCX",
        hint: "not implemented yet",
    })
}
