//! Detect the input format from content, with the file extension as a hint.

use super::{InputFormat, ReadError};

/// Detect the format of `bytes`. (Placeholder.)
pub fn detect(_bytes: &[u8], ext: Option<&str>) -> Result<InputFormat, ReadError> {
    Ok(match ext {
        Some("md") | Some("markdown") => InputFormat::Markdown,
        Some("html") | Some("htm") => InputFormat::Html,
        _ => InputFormat::Text,
    })
}
