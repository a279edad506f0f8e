//! XLSX reader. (Placeholder.)

use super::{Document, ReadError};

/// Read a XLSX file.
pub fn read(_name: &str, _bytes: &[u8]) -> Result<Document, ReadError> {
    Err(ReadError::Unsupported {
        format: "XLSX",
        hint: "not implemented yet",
    })
}
