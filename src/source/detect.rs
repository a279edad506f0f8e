//! Detect the input format from content, with the file extension as a hint.
//!
//! Containers are recognised by their magic numbers (ZIP → DOCX/XLSX by the names in the central
//! directory, `%PDF-`, OLE2 → legacy `.xls`/`.doc`), known binary formats are refused, and text is
//! sniffed for HTML and Markdown pipe tables. The extension only decides what content cannot:
//! `.md` is Markdown, `.html` is HTML, `.xls` vs `.doc` inside OLE2. A `.txt` that starts with
//! Chinese text is text, whatever `file(1)` thinks of its first bytes.

use std::borrow::Cow;
use std::io::Cursor;

use super::decode::{bomless_utf16, decode_counting, Input};
use super::{InputFormat, ReadError};

/// How many bytes at the start are sniffed for HTML markers and control characters.
const SNIFF_BYTES: usize = 8192;
/// How many characters of the head [`looks_like_html`] reads.
const HTML_SNIFF_CHARS: usize = 1024;

/// Magic numbers of binary formats that are never reports.
const BINARY_MAGIC: &[(&[u8], &str)] = &[
    (b"\x7FELF", "ELF executable"),
    (b"\x89PNG\r\n\x1A\n", "PNG image"),
    (b"\xFF\xD8\xFF", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\x1F\x8B", "gzip archive"),
    (b"7z\xBC\xAF\x27\x1C", "7z archive"),
    (b"Rar!\x1A\x07", "RAR archive"),
    (b"\xFD7zXZ\x00", "xz archive"),
    (b"\x28\xB5\x2F\xFD", "zstd archive"),
    (b"\xCA\xFE\xBA\xBE", "Java class or Mach-O binary"),
    (b"\xCF\xFA\xED\xFE", "Mach-O binary"),
    (b"\x00asm", "WebAssembly module"),
];

/// Detect the format of `bytes`; `ext` is the lower-case file extension, if any.
pub fn detect(bytes: &[u8], ext: Option<&str>) -> Result<InputFormat, ReadError> {
    detect_input(&Input::new(Cow::Borrowed(bytes)), ext)
}

/// [`detect`] for input already validated as UTF-8 (text is sniffed without decoding again).
pub fn detect_input(input: &Input<'_>, ext: Option<&str>) -> Result<InputFormat, ReadError> {
    let bytes = input.bytes();
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return detect_zip(bytes, ext);
    }
    if bytes.starts_with(b"%PDF-") {
        return Ok(InputFormat::Pdf);
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return detect_ole(bytes, ext);
    }
    if bytes.starts_with(b"{\\rtf") {
        return Err(ReadError::Unsupported {
            format: "RTF",
            hint: "open it in Word or WPS and save it as .docx",
        });
    }
    for (magic, what) in BINARY_MAGIC {
        if bytes.starts_with(magic) {
            return Err(ReadError::Binary { what });
        }
    }
    // DOS/Windows executables start with `MZ` and have NULs in their header; text starting with
    // "MZ" does not.
    if bytes.starts_with(b"MZ") && bytes.iter().take(64).any(|&b| b == 0) {
        return Err(ReadError::Binary {
            what: "DOS/Windows executable",
        });
    }
    let sniff = sniff_text(bytes, input.text())?;
    if looks_like_html(&sniff) {
        return Ok(InputFormat::Html);
    }
    match ext {
        Some("html" | "htm" | "xhtml" | "shtml") => return Ok(InputFormat::Html),
        Some("md" | "markdown") => return Ok(InputFormat::Markdown),
        _ => {}
    }
    if has_markdown_table(&sniff.full(input)) {
        return Ok(InputFormat::Markdown);
    }
    Ok(InputFormat::Text)
}

/// Text prepared for sniffing: the (lossily) decoded start; the whole text is only decoded when
/// a line scan needs it ([`Sniff::full`]).
struct Sniff {
    /// Up to [`HTML_SNIFF_CHARS`] characters of text, BOM and leading whitespace removed,
    /// ASCII lower-cased (what [`looks_like_html`] reads).
    head: String,
    /// The whole text when it is UTF-16 (decoded once); `None` for ASCII-compatible bytes.
    utf16: Option<String>,
}

impl Sniff {
    /// The whole text for line scans: decoded UTF-16, or the bytes read lossily as UTF-8
    /// (borrowed, not copied or validated again, when they are valid).
    fn full<'a>(&'a self, input: &'a Input<'a>) -> Cow<'a, str> {
        match (&self.utf16, input.text()) {
            (Some(decoded), _) => Cow::Borrowed(decoded.as_str()),
            (None, Some(text)) => Cow::Borrowed(text),
            (None, None) => String::from_utf8_lossy(input.bytes()),
        }
    }
}

/// At most [`SNIFF_BYTES`] characters of `text` after leading BOMs, then leading whitespace.
fn head_of(text: &str) -> &str {
    let text = text.trim_start_matches('\u{FEFF}').trim_start();
    &text[..char_start(text, SNIFF_BYTES)]
}

/// Byte offset of character `n` of `text` (as `char_indices().nth(n)`), or its length when it
/// has no more than `n` characters. Counts character starts (bytes that are not continuation
/// bytes) a block at a time.
fn char_start(text: &str, n: usize) -> usize {
    const BLOCK: usize = 64;
    let bytes = text.as_bytes();
    if bytes.len() <= n {
        return bytes.len();
    }
    // At most 64 per block, so a byte holds the count.
    let starts = |b: &[u8]| -> usize {
        usize::from(
            b.iter()
                .map(|&x| u8::from((x as i8) >= -0x40))
                .fold(0u8, u8::wrapping_add),
        )
    };
    let (mut seen, mut at) = (0, 0);
    for block in bytes.chunks_exact(BLOCK) {
        let c = starts(block);
        if seen + c > n {
            break;
        }
        seen += c;
        at += BLOCK;
    }
    for (i, &b) in bytes[at..].iter().enumerate() {
        if (b as i8) >= -0x40 {
            if seen == n {
                return at + i;
            }
            seen += 1;
        }
    }
    bytes.len()
}

/// [`head_of`] the bytes read lossily as UTF-8 (as `String::from_utf8_lossy` reads them), decoding
/// only a prefix: a window that holds the head, doubled while leading blanks fill it.
fn lossy_head(bytes: &[u8]) -> String {
    let mut window = 4 * SNIFF_BYTES + 64;
    loop {
        let cut = sequence_start_at_or_before(bytes, window);
        let prefix = String::from_utf8_lossy(&bytes[..cut]);
        let head = head_of(&prefix);
        if cut == bytes.len() || head.chars().count() >= SNIFF_BYTES {
            return head.to_string();
        }
        window = window.saturating_mul(2);
    }
}

/// A cut of `bytes` at or before `at` that no UTF-8 sequence straddles (a byte that is not a
/// continuation byte), so that the prefix reads lossily as the start of the whole; the whole
/// length when `at` is past the end or no such byte is near.
fn sequence_start_at_or_before(bytes: &[u8], at: usize) -> usize {
    if at >= bytes.len() {
        return bytes.len();
    }
    (at.saturating_sub(8)..=at)
        .rev()
        .find(|&i| bytes.get(i).is_some_and(|&b| b & 0xC0 != 0x80))
        .unwrap_or(bytes.len())
}

/// Check the bytes look like text and return them prepared for sniffing.
fn sniff_text(bytes: &[u8], text: Option<&str>) -> Result<Sniff, ReadError> {
    let utf16 = match encoding_rs::Encoding::for_bom(bytes) {
        Some((enc, _)) if enc != encoding_rs::UTF_8 => Some(enc),
        _ => bomless_utf16(bytes),
    };
    let utf16_text = match utf16 {
        Some(enc) => {
            let body = bytes.strip_prefix(&[0xFF, 0xFE][..]).unwrap_or(bytes);
            let body = body.strip_prefix(&[0xFE, 0xFF][..]).unwrap_or(body);
            Some(decode_counting(enc, body).0)
        }
        None => {
            if memchr::memchr(0, bytes).is_some() {
                return Err(ReadError::Binary { what: "NUL bytes" });
            }
            None
        }
    };
    let head_text = match (&utf16_text, text) {
        (Some(decoded), _) => Cow::Borrowed(head_of(decoded)),
        (None, Some(text)) => Cow::Borrowed(head_of(text)),
        (None, None) => Cow::Owned(lossy_head(bytes)),
    };
    let total = head_text.chars().count();
    let controls = count_controls(&head_text);
    if utf16.is_some() && head_text.contains('\0') {
        return Err(ReadError::Binary { what: "NUL bytes" });
    }
    if total > 0 && controls.saturating_mul(10) > total {
        return Err(ReadError::Binary {
            what: "control characters",
        });
    }
    Ok(Sniff {
        head: head_text[..char_start(&head_text, HTML_SNIFF_CHARS)].to_ascii_lowercase(),
        utf16: utf16_text,
    })
}

/// Control characters (`char::is_control`: U+0000–U+001F, U+007F–U+009F) in `text` other than
/// line breaks, tabs and form feeds, counted on the bytes: C0 controls and DEL are single bytes,
/// C1 controls are `C2 80`–`C2 9F`.
fn count_controls(text: &str) -> usize {
    let bytes = text.as_bytes();
    let is_c0 = |b: u8| (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)) || b == 0x7f;
    // Counted in blocks of 255 bytes, so that a byte holds a block's count.
    let c0: usize = bytes
        .chunks(255)
        .map(|block| {
            usize::from(
                block
                    .iter()
                    .map(|&b| u8::from(is_c0(b)))
                    .fold(0u8, u8::wrapping_add),
            )
        })
        .sum();
    let c1 = memchr::memchr_iter(0xc2, bytes)
        .filter(|&i| bytes.get(i + 1).is_some_and(|b| (0x80..=0x9f).contains(b)))
        .count();
    c0 + c1
}

/// True when the text starts like an HTML document or fragment.
fn looks_like_html(sniff: &Sniff) -> bool {
    let head = sniff.head.as_str();
    if !head.starts_with('<') {
        return false;
    }
    const STARTS: &[&str] = &[
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<table",
        "<meta",
        "<title",
        "<div",
        "<p>",
        "<p ",
    ];
    if STARTS.iter().any(|s| head.starts_with(s)) {
        return true;
    }
    // Comments or an XML declaration first: look a little further for a document marker.
    ["<!doctype html", "<html", "<body", "<table"]
        .iter()
        .any(|m| head.contains(m))
}

/// True when some line is a Markdown table delimiter row (`|---|:--:|`) under a line with a pipe.
pub fn has_markdown_table(text: &str) -> bool {
    let mut prev_has_pipe = false;
    for line in text.lines() {
        if prev_has_pipe && is_delimiter_row(line) {
            return true;
        }
        prev_has_pipe = line.contains('|');
    }
    false
}

/// A Markdown table delimiter row: cells of `-` (at least three, or one with colons) with optional
/// alignment colons, separated by `|`, with at least one pipe.
pub fn is_delimiter_row(line: &str) -> bool {
    let t = line.trim();
    if !t.contains('|') || !t.contains('-') {
        return false;
    }
    let inner = t.strip_prefix('|').unwrap_or(t);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let cells: Vec<&str> = inner.split('|').map(str::trim).collect();
    !cells.is_empty()
        && cells.iter().all(|c| {
            let body = c.strip_prefix(':').unwrap_or(c);
            let body = body.strip_suffix(':').unwrap_or(body);
            !body.is_empty() && body.bytes().all(|b| b == b'-')
        })
        && (cells.len() > 1 || t.starts_with('|') || t.ends_with('|'))
}

/// A ZIP container: DOCX or XLSX by the part names in its central directory.
fn detect_zip(bytes: &[u8], ext: Option<&str>) -> Result<InputFormat, ReadError> {
    let format = match ext {
        Some("docx") => "DOCX",
        Some("xlsx") => "XLSX",
        _ => "ZIP",
    };
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::Corrupt {
        format,
        reason: e.to_string(),
    })?;
    let names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.into_owned())
        .collect();
    let has = |n: &str| names.iter().any(|x| x == n);
    let has_prefix = |p: &str| names.iter().any(|x| x.starts_with(p));
    if has("word/document.xml") {
        return Ok(InputFormat::Docx);
    }
    if has("xl/workbook.xml") || has("xl/workbook.bin") {
        return Ok(InputFormat::Xlsx);
    }
    if has("content.xml") && has("mimetype") {
        return match ext {
            Some("ods") => Ok(InputFormat::Xlsx),
            _ => Err(ReadError::Unsupported {
                format: "OpenDocument",
                hint: "save it as .docx (text) or .xlsx (spreadsheet)",
            }),
        };
    }
    if has_prefix("word/") {
        return Err(ReadError::Corrupt {
            format: "DOCX",
            reason: "word/document.xml is missing".into(),
        });
    }
    if has_prefix("xl/") {
        return Err(ReadError::Corrupt {
            format: "XLSX",
            reason: "xl/workbook.xml is missing".into(),
        });
    }
    Err(ReadError::Unsupported {
        format: "ZIP",
        hint: "unpack the archive and check the reports inside it",
    })
}

/// An OLE2 compound file: legacy Excel is read (calamine); legacy Word/WPS is refused here and
/// converted by [`super::legacy`] when LibreOffice is installed.
fn detect_ole(bytes: &[u8], ext: Option<&str>) -> Result<InputFormat, ReadError> {
    match ext {
        Some("xls" | "xlt" | "et") => return Ok(InputFormat::Xlsx),
        Some("doc" | "dot" | "wps" | "wpt") => {
            return Err(ReadError::Unsupported {
                format: super::legacy::FORMAT,
                hint: super::legacy::HINT,
            })
        }
        _ => {}
    }
    // No telling extension: the directory entry names are UTF-16LE.
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    if contains(&utf16("Workbook")) || contains(&utf16("Book\0")) {
        return Ok(InputFormat::Xlsx);
    }
    if contains(&utf16("WordDocument")) {
        return Err(ReadError::Unsupported {
            format: super::legacy::FORMAT,
            hint: super::legacy::HINT,
        });
    }
    Err(ReadError::Unsupported {
        format: "OLE2 compound file",
        hint: "save it as .docx or .xlsx",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_start_is_the_nth_char_index() {
        let text: String = "a中é𝄞 b\u{80}".repeat(40);
        for cut in [0, 1, 5, 63, 64, 65, 100, 150] {
            let text = &text[..text.char_indices().nth(cut).map_or(text.len(), |(i, _)| i)];
            for n in 0..=text.len() + 1 {
                let want = text.char_indices().nth(n).map_or(text.len(), |(i, _)| i);
                assert_eq!(char_start(text, n), want, "{n} of {text:?}");
            }
        }
    }

    #[test]
    fn controls_are_counted_as_chars_are() {
        let text = "a\u{0}\n\r\t\u{c}\u{7f}\u{80}\u{85}\u{9f}\u{a0}é中\u{1b}\u{1f}¢\u{2028}";
        let by_chars = text
            .chars()
            .filter(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
            .count();
        assert_eq!(count_controls(text), by_chars);
        assert_eq!(by_chars, 7);
    }

    #[test]
    fn the_head_is_read_from_a_prefix_as_from_the_whole() {
        let whole = |b: &[u8]| head_of(&String::from_utf8_lossy(b)).to_string();
        let mut inputs: Vec<Vec<u8>> = vec![
            "中".repeat(20_000).into_bytes(),
            format!("{}<p>正文", " ".repeat(100_000)).into_bytes(),
            b"\xEF\xBB\xBF\xEF\xBB\xBF  \xE4\xB8 x".to_vec(),
            [b"\x80".repeat(50_000), "表".repeat(9000).into_bytes()].concat(),
        ];
        // Cut points inside sequences, at every offset around the window edge.
        for shift in 0..4 {
            let mut v = b"a".repeat(shift);
            v.extend("文😀é".repeat(12_000).bytes());
            inputs.push(v);
        }
        for bytes in &inputs {
            assert_eq!(lossy_head(bytes), whole(bytes));
        }
    }
    use std::io::Write;

    const SEED_000: &[u8] = include_bytes!("../../fixtures/formats/seed_000.txt");
    const SEED_002: &[u8] = include_bytes!("../../fixtures/formats/seed_002.txt");

    fn zip_with(names: &[&str]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for n in names {
            w.start_file(*n, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(b"<x/>").unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn seed_000_is_text_not_an_executable() {
        // `file(1)` calls it a DOS COM program (it starts with E9, a jump opcode).
        assert_eq!(SEED_000[0], 0xE9);
        assert_eq!(detect(SEED_000, Some("txt")).unwrap(), InputFormat::Text);
        assert_eq!(detect(SEED_000, None).unwrap(), InputFormat::Text);
        assert_eq!(detect(SEED_002, Some("txt")).unwrap(), InputFormat::Text);
    }

    #[test]
    fn utf16_and_gbk_seed_text_is_text() {
        let text = std::str::from_utf8(SEED_002).unwrap();
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(detect(&le, None).unwrap(), InputFormat::Text);
        let bomless: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(detect(&bomless, Some("txt")).unwrap(), InputFormat::Text);
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(detect(&gbk, None).unwrap(), InputFormat::Text);
    }

    #[test]
    fn html_by_content_and_by_extension() {
        for page in [
            "<!DOCTYPE html><html><body>x</body></html>",
            "\u{FEFF}  \n<html lang=zh>",
            "<TABLE border=1><tr><td>统计数</td></tr></TABLE>",
            "<!-- saved from url -->\n<html>",
        ] {
            assert_eq!(
                detect(page.as_bytes(), Some("txt")).unwrap(),
                InputFormat::Html,
                "{page}"
            );
        }
        assert_eq!(
            detect("统计数 |\n".as_bytes(), Some("htm")).unwrap(),
            InputFormat::Html
        );
        // A `<table>` deep inside prose does not make a text file HTML.
        assert_eq!(
            detect("正文说明 <table> 不是网页\n".as_bytes(), None).unwrap(),
            InputFormat::Text
        );
        // An `.xls` that is really an HTML table (web exports) is HTML.
        assert_eq!(
            detect(b"<html><table></table></html>", Some("xls")).unwrap(),
            InputFormat::Html
        );
    }

    #[test]
    fn markdown_by_extension_or_delimiter_row() {
        assert_eq!(
            detect("# 标题\n".as_bytes(), Some("md")).unwrap(),
            InputFormat::Markdown
        );
        let md = "说明\n\n| 项目 | 数量 |\n|---|:---:|\n| 新收 | 18 |\n";
        assert_eq!(detect(md.as_bytes(), None).unwrap(), InputFormat::Markdown);
        assert!(is_delimiter_row("|---|---|"));
        assert!(is_delimiter_row(" :--- | ---: "));
        assert!(!is_delimiter_row("—— |"));
        assert!(!is_delimiter_row("| -5 | 3 |"));
        assert!(!is_delimiter_row("---"));
        // The corpus's one-row-per-line dumps are text, not Markdown.
        assert!(!has_markdown_table(std::str::from_utf8(SEED_002).unwrap()));
    }

    #[test]
    fn zip_containers() {
        let docx = zip_with(&["[Content_Types].xml", "word/document.xml"]);
        assert_eq!(detect(&docx, Some("docx")).unwrap(), InputFormat::Docx);
        assert_eq!(detect(&docx, None).unwrap(), InputFormat::Docx);
        let xlsx = zip_with(&["xl/workbook.xml", "xl/worksheets/sheet1.xml"]);
        assert_eq!(detect(&xlsx, Some("zip")).unwrap(), InputFormat::Xlsx);
        let other = zip_with(&["readme.txt"]);
        assert!(matches!(
            detect(&other, None),
            Err(ReadError::Unsupported { format: "ZIP", .. })
        ));
        let mut broken = docx.clone();
        broken.truncate(30);
        assert!(matches!(
            detect(&broken, Some("docx")),
            Err(ReadError::Corrupt { format: "DOCX", .. })
        ));
    }

    #[test]
    fn pdf_and_ole() {
        assert_eq!(
            detect(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", None).unwrap(),
            InputFormat::Pdf
        );
        let mut ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
        ole.extend(std::iter::repeat_n(0u8, 600));
        assert_eq!(detect(&ole, Some("xls")).unwrap(), InputFormat::Xlsx);
        for ext in ["doc", "wps"] {
            match detect(&ole, Some(ext)) {
                Err(ReadError::Unsupported { hint, .. }) => assert!(hint.contains(".docx")),
                other => panic!("{ext}: {other:?}"),
            }
        }
        let mut word = ole.clone();
        word.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(matches!(
            detect(&word, None),
            Err(ReadError::Unsupported { .. })
        ));
        let mut book = ole.clone();
        book.extend("Workbook".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(detect(&book, None).unwrap(), InputFormat::Xlsx);
    }

    #[test]
    fn binary_inputs_are_refused() {
        let cases: &[(&[u8], &str)] = &[
            (b"\x7FELF\x02\x01\x01\x00", "ELF executable"),
            (b"\x89PNG\r\n\x1A\n\x00\x00", "PNG image"),
            (b"\xFF\xD8\xFF\xE0\x00\x10JFIF", "JPEG image"),
            (b"GIF89a\x01\x00", "GIF image"),
            (b"\x1F\x8B\x08\x00", "gzip archive"),
            (b"7z\xBC\xAF\x27\x1C\x00\x04", "7z archive"),
            (b"Rar!\x1A\x07\x01\x00", "RAR archive"),
            (b"MZ\x90\x00\x03\x00\x00\x00", "DOS/Windows executable"),
            (b"abc\x00def ghi", "NUL bytes"),
            (b"\x01\x02\x03\x04\x05\x06\x07\x08abc", "control characters"),
        ];
        for (bytes, what) in cases {
            match detect(bytes, Some("txt")) {
                Err(ReadError::Binary { what: w }) => assert_eq!(w, *what),
                other => panic!("{what}: {other:?}"),
            }
        }
        // Text that happens to start with "MZ" is still text.
        assert_eq!(detect(b"MZ is a name\n", None).unwrap(), InputFormat::Text);
        assert!(matches!(detect(b"", None), Err(ReadError::Empty)));
    }

    #[test]
    fn pseudo_random_bytes_never_panic() {
        let mut x: u32 = 0x1234_5678;
        for len in [1usize, 2, 3, 7, 64, 513, 4096] {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    (x >> 24) as u8
                })
                .collect();
            let _ = detect(&bytes, None);
            let _ = detect(&bytes, Some("md"));
        }
    }
}
