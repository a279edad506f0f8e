//! PDF reader. (Placeholder.)

use super::{Document, ReadError};

/// Read a PDF file.
pub fn read(_name: &str, _bytes: &[u8]) -> Result<Document, ReadError> {
    Err(ReadError::Unsupported {
        format: "PDF",
        hint: "not implemented yet",
    })
}
