//! HTML reader. (Placeholder.)

use super::{Document, InputFormat};

/// Parse decoded HTML into a document.
pub fn parse(name: &str, text: String, encoding: Option<String>) -> Document {
    Document::new(name, InputFormat::Html, encoding, text, vec![])
}
