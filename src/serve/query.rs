//! The query string of a request: `name=FILENAME`, percent-decoded as browsers encode it
//! (`encodeURIComponent`: UTF-8, `%XX`; `+` is taken as a space, as in forms).

/// Longest file name accepted, in bytes (after decoding).
pub const MAX_NAME_BYTES: usize = 1024;

/// Why a query was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// No `name=` (or an empty one).
    #[error("missing `name` (the file name, e.g. ?name=report.docx)")]
    Missing,
    /// A `%` not followed by two hex digits, or bytes that are not UTF-8 once decoded.
    #[error("`name` is not valid percent-encoded UTF-8")]
    Malformed,
    /// Longer than [`MAX_NAME_BYTES`].
    #[error("`name` is longer than {MAX_NAME_BYTES} bytes")]
    TooLong,
}

/// The decoded value of `name` in `query` (the part after `?`, if any).
pub fn file_name(query: Option<&str>) -> Result<String, QueryError> {
    let raw = query
        .unwrap_or("")
        .split('&')
        .find_map(|pair| pair.strip_prefix("name="))
        .ok_or(QueryError::Missing)?;
    if raw.len() > 3 * MAX_NAME_BYTES {
        return Err(QueryError::TooLong);
    }
    let name = decode(raw)?;
    if name.is_empty() {
        return Err(QueryError::Missing);
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(QueryError::TooLong);
    }
    Ok(name)
}

/// Percent-decode `s` (`+` is a space).
pub fn decode(s: &str) -> Result<String, QueryError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = |b: u8| (b as char).to_digit(16);
                let (Some(h), Some(l)) = (
                    bytes.get(i + 1).and_then(|&b| hex(b)),
                    bytes.get(i + 2).and_then(|&b| hex(b)),
                ) else {
                    return Err(QueryError::Malformed);
                };
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| QueryError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_browser_encoded_names() {
        assert_eq!(
            file_name(Some("x=1&name=%E6%8A%A5%E5%91%8A+2024.docx")).as_deref(),
            Ok("报告 2024.docx")
        );
        assert_eq!(file_name(Some("name=a%2Fb.txt")).as_deref(), Ok("a/b.txt"));
    }

    #[test]
    fn refuses_missing_malformed_and_long_names() {
        assert_eq!(file_name(None), Err(QueryError::Missing));
        assert_eq!(file_name(Some("name=")), Err(QueryError::Missing));
        assert_eq!(file_name(Some("other=1")), Err(QueryError::Missing));
        assert_eq!(file_name(Some("name=%E6%8A")), Err(QueryError::Malformed));
        assert_eq!(file_name(Some("name=%zz")), Err(QueryError::Malformed));
        assert_eq!(file_name(Some("name=%4")), Err(QueryError::Malformed));
        let long = format!("name={}", "a".repeat(MAX_NAME_BYTES + 1));
        assert_eq!(file_name(Some(&long)), Err(QueryError::TooLong));
    }
}
