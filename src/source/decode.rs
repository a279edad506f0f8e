//! Decode text bytes (UTF-8 with/without BOM, UTF-16, GBK/GB2312/GB18030) to a UTF-8 `String`.
//!
//! Order of evidence: a byte-order mark; for HTML, a `charset` declaration in the first 1024 bytes;
//! BOM-less UTF-16 (recognised by where its NUL bytes fall); valid UTF-8; finally chardetng's guess
//! with the `.cn` top-level domain as prior. Malformed sequences are counted: a few become U+FFFD,
//! more than a small share of the text is a [`ReadError::Decode`]. Decoding never touches line
//! breaks, so line numbers in the decoded text match the file.

use std::borrow::Cow;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{DecoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8};

use super::ReadError;

/// Decoded text and the name of the encoding it was in.
#[derive(Debug)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// Encoding name, e.g. `UTF-8`, `GBK`.
    pub encoding: Option<String>,
    /// Number of malformed byte sequences replaced by U+FFFD (tolerated because they were few).
    pub malformed: usize,
    /// How the encoding was chosen.
    pub evidence: Evidence,
}

/// What decided the encoding of a [`Decoded`] text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// A byte-order mark.
    Bom,
    /// An HTML `<meta charset>` / `http-equiv` declaration.
    Declared,
    /// NUL-byte pattern of BOM-less UTF-16.
    Utf16Pattern,
    /// The bytes are (almost entirely) valid UTF-8.
    Utf8,
    /// chardetng's statistical guess.
    Guessed,
}

/// How many bytes of an HTML document are searched for a charset declaration.
const PRESCAN_BYTES: usize = 1024;

/// A file's bytes, validated as UTF-8 once: the text when they are valid, else the bytes.
#[derive(Debug)]
pub enum Input<'a> {
    /// Valid UTF-8.
    Text(Cow<'a, str>),
    /// Not valid UTF-8.
    Bytes(Cow<'a, [u8]>),
}

impl<'a> Input<'a> {
    /// Validates `bytes` (owned bytes become the text in place).
    pub fn new(bytes: Cow<'a, [u8]>) -> Input<'a> {
        match bytes {
            Cow::Owned(v) => match String::from_utf8(v) {
                Ok(s) => Input::Text(Cow::Owned(s)),
                Err(e) => Input::Bytes(Cow::Owned(e.into_bytes())),
            },
            Cow::Borrowed(b) => match std::str::from_utf8(b) {
                Ok(s) => Input::Text(Cow::Borrowed(s)),
                Err(_) => Input::Bytes(Cow::Borrowed(b)),
            },
        }
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Input::Text(t) => t.as_bytes(),
            Input::Bytes(b) => b,
        }
    }

    /// The text, when the bytes are valid UTF-8.
    pub fn text(&self) -> Option<&str> {
        match self {
            Input::Text(t) => Some(t),
            Input::Bytes(_) => None,
        }
    }
}

/// Decode plain text (also Markdown) to UTF-8.
pub fn decode(bytes: &[u8]) -> Result<Decoded, ReadError> {
    decode_input(Input::new(Cow::Borrowed(bytes)))
}

/// [`decode`] of validated input: valid owned UTF-8 becomes the text without a copy.
pub fn decode_input(input: Input<'_>) -> Result<Decoded, ReadError> {
    if let Some(d) = decode_bom(input.bytes())? {
        return Ok(d);
    }
    let utf16 = bomless_utf16(input.bytes());
    match utf8_text(input, utf16) {
        Ok(text) => Ok(utf8_decoded(text)),
        Err(bytes) => decode_unlabelled(&bytes, utf16),
    }
}

/// Decode an HTML document: like [`decode`], but a `charset` declared in the first 1024 bytes
/// counts after a BOM. A declaration that contradicts the bytes loses: valid UTF-8 with non-ASCII
/// text stays UTF-8 (scraped pages are often re-saved as UTF-8 with their old `gb2312` meta),
/// and a declared encoding that yields many malformed sequences falls back to detection.
pub fn decode_html(bytes: &[u8]) -> Result<Decoded, ReadError> {
    decode_html_input(Input::new(Cow::Borrowed(bytes)))
}

/// [`decode_html`] of validated input: valid owned UTF-8 becomes the text without a copy.
pub fn decode_html_input(input: Input<'_>) -> Result<Decoded, ReadError> {
    if let Some(d) = decode_bom(input.bytes())? {
        return Ok(d);
    }
    let declared = html_declared_charset(input.bytes());
    let utf16 = bomless_utf16(input.bytes());
    match utf8_text(input, utf16) {
        Ok(text) => {
            // Valid UTF-8: a declaration counts only when the text is ASCII (and so reads the
            // same in the declared encoding).
            if let Some(enc) = declared.filter(|_| text.is_ascii()) {
                if let Some(d) = decode_declared(enc, text.as_bytes()) {
                    return Ok(d);
                }
            }
            Ok(utf8_decoded(text))
        }
        Err(bytes) => {
            if let Some(enc) = declared.filter(|_| utf16.is_none()) {
                if let Some(d) = decode_declared(enc, &bytes) {
                    return Ok(d);
                }
            }
            decode_unlabelled(&bytes, utf16)
        }
    }
}

/// The input as a UTF-8 string when it is valid UTF-8 and not BOM-less UTF-16 (`utf16` is what
/// [`bomless_utf16`] found); otherwise its bytes.
fn utf8_text<'a>(
    input: Input<'a>,
    utf16: Option<&'static Encoding>,
) -> Result<String, Cow<'a, [u8]>> {
    match (input, utf16) {
        (Input::Text(t), None) => Ok(t.into_owned()),
        (Input::Text(Cow::Owned(s)), Some(_)) => Err(Cow::Owned(s.into_bytes())),
        (Input::Text(Cow::Borrowed(s)), Some(_)) => Err(Cow::Borrowed(s.as_bytes())),
        (Input::Bytes(b), _) => Err(b),
    }
}

/// A text that was valid UTF-8.
fn utf8_decoded(text: String) -> Decoded {
    Decoded {
        text,
        encoding: Some(UTF_8.name().to_string()),
        malformed: 0,
        evidence: Evidence::Utf8,
    }
}

/// `bytes` decoded as the declared `enc`, unless that gives too many malformed sequences.
fn decode_declared(enc: &'static Encoding, bytes: &[u8]) -> Option<Decoded> {
    let (text, bad) = decode_counting(enc, bytes);
    (!too_many_malformed(bad, &text)).then(|| Decoded {
        text,
        encoding: Some(enc.name().to_string()),
        malformed: bad,
        evidence: Evidence::Declared,
    })
}

/// Decode with a byte-order mark, if there is one.
fn decode_bom(bytes: &[u8]) -> Result<Option<Decoded>, ReadError> {
    let Some((enc, bom_len)) = Encoding::for_bom(bytes) else {
        return Ok(None);
    };
    let body = bytes.get(bom_len..).unwrap_or_default();
    finish(enc, body, Evidence::Bom).map(Some)
}

/// Decode bytes without a BOM or declaration that are not valid UTF-8 (or are BOM-less UTF-16,
/// `utf16` as [`bomless_utf16`] found it).
fn decode_unlabelled(bytes: &[u8], utf16: Option<&'static Encoding>) -> Result<Decoded, ReadError> {
    if let Some(enc) = utf16 {
        return finish(enc, bytes, Evidence::Utf16Pattern);
    }
    // Mostly UTF-8 with a few damaged sequences (a truncated character, a stray byte): keep UTF-8
    // rather than let the detector pick a legacy encoding that would turn every character into
    // mojibake. GBK text almost never forms valid multi-byte UTF-8 sequences, so requiring many
    // of them per malformed one tells the two apart.
    let (text, bad) = decode_counting(UTF_8, bytes);
    let multibyte = text
        .chars()
        .filter(|&c| !c.is_ascii() && c != '\u{FFFD}')
        .count();
    if !too_many_malformed(bad, &text) && multibyte >= 10 * bad {
        return Ok(Decoded {
            text,
            encoding: Some(UTF_8.name().to_string()),
            malformed: bad,
            evidence: Evidence::Utf8,
        });
    }
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let enc = detector.guess(Some(b"cn"), Utf8Detection::Allow);
    finish(enc, bytes, Evidence::Guessed)
}

/// Decode `bytes` as `enc`, failing when too many sequences are malformed.
fn finish(enc: &'static Encoding, bytes: &[u8], evidence: Evidence) -> Result<Decoded, ReadError> {
    let (text, bad) = decode_counting(enc, bytes);
    if too_many_malformed(bad, &text) {
        return Err(ReadError::Decode {
            encoding: enc.name(),
            bad,
        });
    }
    Ok(Decoded {
        text,
        encoding: Some(enc.name().to_string()),
        malformed: bad,
        evidence,
    })
}

/// Decode all of `bytes` as `enc` (no BOM sniffing), replacing each malformed sequence with
/// U+FFFD and counting them.
pub fn decode_counting(enc: &'static Encoding, bytes: &[u8]) -> (String, usize) {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len().saturating_mul(2)),
    );
    let mut input = bytes;
    let mut bad = 0usize;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(input, &mut out, true);
        input = input.get(read..).unwrap_or_default();
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::Malformed(_, _) => {
                bad += 1;
                out.push('\u{FFFD}');
            }
            DecoderResult::OutputFull => {
                out.reserve(input.len().saturating_mul(3).saturating_add(16));
            }
        }
    }
    (out, bad)
}

/// True when `bad` malformed sequences are more than a small share of `text`: more than two, and
/// more than 1% of its characters.
fn too_many_malformed(bad: usize, text: &str) -> bool {
    bad > 2 && bad.saturating_mul(100) > text.chars().count()
}

/// The encoding an HTML document declares in its first 1024 bytes (`<meta charset=…>` or
/// `<meta http-equiv=… content="…; charset=…">`), as encoding_rs resolves the label (`gb2312` →
/// GBK). A declared UTF-16 means UTF-8, as in browsers (the bytes were ASCII-compatible to be read).
pub fn html_declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes
        .get(..PRESCAN_BYTES)
        .unwrap_or(bytes)
        .to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = find(&head[from..], b"<meta") {
        let tag_start = from + pos + 5;
        let tag_end = find(&head[tag_start..], b">").map_or(head.len(), |e| tag_start + e);
        let tag = &head[tag_start..tag_end];
        if let Some(enc) = charset_in(tag) {
            return Some(if enc == UTF_16LE || enc == UTF_16BE {
                UTF_8
            } else {
                enc
            });
        }
        from = tag_end;
    }
    None
}

/// The encoding named by the first `charset=` inside a tag's bytes.
fn charset_in(tag: &[u8]) -> Option<&'static Encoding> {
    let mut from = 0;
    while let Some(pos) = find(&tag[from..], b"charset") {
        let mut i = from + pos + 7;
        from = i;
        while tag.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        if tag.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while tag
            .get(i)
            .is_some_and(|&b| b.is_ascii_whitespace() || b == b'"' || b == b'\'')
        {
            i += 1;
        }
        let start = i;
        while tag
            .get(i)
            .is_some_and(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
        {
            i += 1;
        }
        if let Some(enc) = tag.get(start..i).and_then(Encoding::for_label) {
            return Some(enc);
        }
    }
    None
}

/// Position of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// BOM-less UTF-16, recognised by its NUL bytes: ASCII characters (line breaks, digits, `|`)
/// put a NUL in the high byte, so NULs cluster on odd offsets (little-endian) or even offsets
/// (big-endian). Han text puts NULs on the other parity only for a few code points (U+4E00 一),
/// so one parity must clearly dominate, and a sample must then decode to text without control
/// characters.
pub fn bomless_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = bytes.get(..8192).unwrap_or(bytes);
    let sample = &sample[..sample.len() & !1];
    let (mut even, mut odd) = (0usize, 0usize);
    for i in memchr::memchr_iter(0, sample) {
        if i % 2 == 0 {
            even += 1;
        } else {
            odd += 1;
        }
    }
    let enc = if odd >= 2 && odd >= 4 * even {
        UTF_16LE
    } else if even >= 2 && even >= 4 * odd {
        UTF_16BE
    } else {
        return None;
    };
    let (text, bad) = decode_counting(enc, sample);
    let chars = text.chars().count();
    let controls = text
        .chars()
        .filter(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    (bad <= 1 && controls.saturating_mul(50) <= chars).then_some(enc)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXCERPT: &str = "统 计 指 标 |\n单位 |\n统计数 |\n2.传真申请数 |\n件 |\n|\n一、本年新收政府信息公开申请数量 | 17 | 1 | 0 | 0 | 0 | 0 | 18 | ||\r\n回应公众关注热点88次。\n";

    fn utf16le_bytes(s: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { vec![] };
        for u in s.encode_utf16() {
            out.extend_from_slice(&u.to_le_bytes());
        }
        out
    }

    fn utf16be_bytes(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect()
    }

    #[test]
    fn utf8_plain_and_with_bom() {
        let d = decode(EXCERPT.as_bytes()).unwrap();
        assert_eq!(d.text, EXCERPT);
        assert_eq!(d.encoding.as_deref(), Some("UTF-8"));
        assert_eq!(d.evidence, Evidence::Utf8);

        let mut b = b"\xEF\xBB\xBF".to_vec();
        b.extend_from_slice(EXCERPT.as_bytes());
        let d = decode(&b).unwrap();
        assert_eq!(d.text, EXCERPT);
        assert_eq!(d.evidence, Evidence::Bom);
    }

    #[test]
    fn gbk_decodes_to_same_text() {
        let (gbk, _, unmappable) = encoding_rs::GBK.encode(EXCERPT);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&gbk).is_err());
        let d = decode(&gbk).unwrap();
        assert_eq!(d.text, EXCERPT);
        assert_eq!(d.encoding.as_deref(), Some("GBK"));
        assert_eq!(d.malformed, 0);
    }

    #[test]
    fn gb18030_four_byte_sequences_decode() {
        // U+20000 (𠀀) and U+00E9 need GB18030 four-byte sequences; GBK labels share the decoder.
        let text = "统计数 𠀀 é 件 |\n".repeat(20);
        let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
        assert!(!unmappable);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, text);
        assert_eq!(d.malformed, 0);
    }

    #[test]
    fn utf16_with_and_without_bom() {
        for bytes in [
            utf16le_bytes(EXCERPT, true),
            utf16le_bytes(EXCERPT, false),
            utf16be_bytes(EXCERPT),
        ] {
            let d = decode(&bytes).unwrap();
            assert_eq!(d.text, EXCERPT);
        }
        assert_eq!(
            bomless_utf16(&utf16le_bytes(EXCERPT, false)),
            Some(UTF_16LE)
        );
        assert_eq!(bomless_utf16(&utf16be_bytes(EXCERPT)), Some(UTF_16BE));
        assert_eq!(bomless_utf16(EXCERPT.as_bytes()), None);
    }

    #[test]
    fn newlines_survive() {
        let (gbk, _, _) = encoding_rs::GBK.encode(EXCERPT);
        let d = decode(&gbk).unwrap();
        assert_eq!(d.text.matches('\n').count(), EXCERPT.matches('\n').count());
        assert!(d.text.contains("\r\n"));
    }

    #[test]
    fn few_bad_bytes_in_utf8_are_tolerated() {
        let mut b = EXCERPT.repeat(5).into_bytes();
        b.push(0xE4); // truncated character at the end
        let d = decode(&b).unwrap();
        assert_eq!(d.encoding.as_deref(), Some("UTF-8"));
        assert_eq!(d.malformed, 1);
        assert!(d.text.ends_with('\u{FFFD}'));
    }

    #[test]
    fn many_bad_bytes_after_utf8_bom_is_an_error() {
        let mut b = b"\xEF\xBB\xBF".to_vec();
        b.extend(std::iter::repeat_n(0xFFu8, 50));
        b.extend_from_slice(b"abc\n");
        match decode(&b) {
            Err(ReadError::Decode { encoding, bad }) => {
                assert_eq!(encoding, "UTF-8");
                assert_eq!(bad, 50);
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[test]
    fn lone_surrogates_in_utf16_are_an_error() {
        let mut b = vec![0xFF, 0xFE];
        for _ in 0..20 {
            b.extend_from_slice(&0xDC00u16.to_le_bytes());
            b.extend_from_slice(&u16::from(b'a').to_le_bytes());
        }
        assert!(matches!(
            decode(&b),
            Err(ReadError::Decode {
                encoding: "UTF-16LE",
                ..
            })
        ));
    }

    #[test]
    fn html_meta_charset_prescan() {
        let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body><table><tr><td>统计数</td></tr></table></body></html>\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(page);
        assert_eq!(html_declared_charset(&gbk), Some(encoding_rs::GBK));
        let d = decode_html(&gbk).unwrap();
        assert_eq!(d.text, page);
        assert_eq!(d.evidence, Evidence::Declared);
        assert_eq!(d.encoding.as_deref(), Some("GBK"));

        let short = b"<!doctype html><meta charset='GB18030'><p>x</p>";
        assert_eq!(html_declared_charset(short), Some(encoding_rs::GB18030));
        assert_eq!(
            html_declared_charset(b"<meta charset=\"utf-16\">"),
            Some(UTF_8)
        );
        assert_eq!(html_declared_charset(b"<p>charset=gbk</p>"), None);
    }

    #[test]
    fn html_declaration_contradicted_by_valid_utf8_loses() {
        let page = "<html><head><meta charset=\"gb2312\"></head><body>统计数 件</body></html>";
        let d = decode_html(page.as_bytes()).unwrap();
        assert_eq!(d.text, page);
        assert_eq!(d.encoding.as_deref(), Some("UTF-8"));
    }

    #[test]
    fn empty_input_decodes_to_empty_text() {
        let d = decode(b"").unwrap();
        assert_eq!(d.text, "");
    }
}
