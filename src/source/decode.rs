//! Decode text bytes (UTF-8 with/without BOM, UTF-16, GBK/GB2312/GB18030) to a UTF-8 `String`.

use super::ReadError;

/// Decoded text and the name of the encoding it was in.
#[derive(Debug)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// Encoding name, e.g. `UTF-8`, `GBK`.
    pub encoding: Option<String>,
}

/// Decode bytes to text. (Placeholder: UTF-8 only.)
pub fn decode(bytes: &[u8]) -> Result<Decoded, ReadError> {
    match std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)) {
        Ok(s) => Ok(Decoded {
            text: s.to_string(),
            encoding: Some("UTF-8".into()),
        }),
        Err(_) => Err(ReadError::Decode {
            encoding: "UTF-8",
            bad: 1,
        }),
    }
}
