//! Plain text and Markdown reader. (Placeholder.)

use super::{Document, InputFormat};

/// Parse decoded text into a document.
pub fn parse(name: &str, text: String, encoding: Option<String>, format: InputFormat) -> Document {
    Document::new(name, format, encoding, text, vec![])
}
