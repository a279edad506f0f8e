//! Text helpers for the HTML reader: source-span trimming, whitespace collapsing and attribute
//! number parsing.

use crate::source::Span;

/// Character references that decode to whitespace; trimmed off the ends of a text span so that
/// spans start and end at visible text. Matched case-insensitively.
const WHITESPACE_ENTITIES: [&str; 10] = [
    "&nbsp;", "&#160;", "&#xa0;", "&ensp;", "&emsp;", "&thinsp;", "&#12288;", "&#x3000;", "&#32;",
    "&nbsp",
];

/// True for characters that count as blank in cell and paragraph text.
#[inline]
pub(super) fn is_blank_char(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}')
}

/// True for the bytes that can start a blank character ([`is_blank_char`]): ASCII
/// whitespace and the lead bytes of U+0085, U+00A0 (`C2`), U+1680 (`E1`), U+2000–U+205F
/// (`E2`), U+3000 (`E3`) and U+FEFF (`EF`). Continuation bytes never do.
const MAY_START_BLANK: [bool; 256] = {
    let mut table = [false; 256];
    let starts = [
        b'\t', b'\n', 0x0b, 0x0c, b'\r', b' ', 0xc2, 0xe1, 0xe2, 0xe3, 0xef,
    ];
    let mut i = 0;
    while i < starts.len() {
        table[starts[i] as usize] = true;
        i += 1;
    }
    table
};

/// Byte offsets and characters of `text` that may be blank (every blank character is among
/// them), skipping the bytes that cannot start one.
fn blank_candidates(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let at = i;
            if MAY_START_BLANK[usize::from(bytes[at])] {
                // A candidate byte starts a character, so `at` is a boundary.
                let c = text.get(at..).and_then(|rest| rest.chars().next())?;
                i += c.len_utf8();
                return Some((at, c));
            }
            i += 1;
        }
        None
    })
}

/// True when the decoded text holds nothing visible.
pub(super) fn is_blank(text: &str) -> bool {
    text.chars().all(is_blank_char)
}

/// Length of a whitespace entity at the start of `s`, if any.
fn entity_prefix(s: &str) -> Option<usize> {
    if !s.starts_with('&') {
        return None;
    }
    WHITESPACE_ENTITIES.iter().find_map(|e| {
        s.get(..e.len())
            .filter(|head| head.eq_ignore_ascii_case(e))
            .map(|_| e.len())
    })
}

/// Length of a whitespace entity at the end of `s`, if any.
fn entity_suffix(s: &str) -> Option<usize> {
    // Every entity ends with `;` but `&nbsp`.
    if !s.ends_with([';', 'p', 'P']) {
        return None;
    }
    WHITESPACE_ENTITIES.iter().find_map(|e| {
        let cut = s.len().checked_sub(e.len())?;
        s.get(cut..)
            .filter(|tail| tail.eq_ignore_ascii_case(e))
            .map(|_| e.len())
    })
}

/// The part of `raw` (a byte range of `view`) left after trimming blank characters and
/// whitespace entities from both ends. `None` when the range is invalid or nothing is left.
pub(super) fn trimmed_span(view: &str, raw: Span) -> Option<Span> {
    let s = view.get(raw.clone())?;
    let mut a = 0;
    let mut b = s.len();
    while a < b {
        let rest = &s[a..b];
        if let Some(c) = rest.chars().next().filter(|&c| is_blank_char(c)) {
            a += c.len_utf8();
        } else if let Some(n) = entity_prefix(rest) {
            a += n;
        } else {
            break;
        }
    }
    while a < b {
        let rest = &s[a..b];
        if let Some(c) = rest.chars().next_back().filter(|&c| is_blank_char(c)) {
            b -= c.len_utf8();
        } else if let Some(n) = entity_suffix(rest) {
            b -= n;
        } else {
            break;
        }
    }
    (a < b).then(|| raw.start + a..raw.start + b)
}

/// Appends `text` to `out`, collapsing every run of blank characters into one space and never
/// starting `out` with a space. Call [`finish`] at the end to drop a trailing space.
pub(super) fn push_collapsed(out: &mut String, text: &str) {
    // Start of the stretch of non-blank characters not yet copied.
    let mut run = 0;
    for (i, c) in blank_candidates(text) {
        if is_blank_char(c) {
            out.push_str(&text[run..i]);
            run = i + c.len_utf8();
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        }
    }
    out.push_str(&text[run..]);
}

/// Drops the trailing space [`push_collapsed`] may leave.
pub(super) fn finish(mut out: String) -> String {
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Parses a `rowspan`/`colspan` value the way browsers do: leading whitespace, then digits
/// (anything after them is ignored). `None` when there are no digits.
pub(super) fn parse_span_attr(value: &str) -> Option<usize> {
    let digits: String = value
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .take(9)
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_blank_character_is_a_candidate() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let mut buf = [0; 4];
            let first = c.encode_utf8(&mut buf).as_bytes()[0];
            if is_blank_char(c) {
                assert!(MAY_START_BLANK[usize::from(first)], "{c:?}");
            }
        }
        let text = "a 中\u{3000}é\u{a0}\u{feff}x\t";
        let want: Vec<(usize, char)> = text
            .char_indices()
            .filter(|&(_, c)| is_blank_char(c))
            .collect();
        let got: Vec<(usize, char)> = blank_candidates(text)
            .filter(|&(_, c)| is_blank_char(c))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn trims_whitespace_and_entities() {
        let view = "x \n&nbsp;&#160;项目 8&NBSP;\t y";
        let start = 1;
        let end = view.len() - 2;
        let span = trimmed_span(view, start..end).unwrap();
        assert_eq!(&view[span], "项目 8");
    }

    #[test]
    fn blank_ranges_have_no_span() {
        assert_eq!(trimmed_span(" &nbsp; \u{3000}", 0..13), None);
        assert_eq!(trimmed_span("abc", 2..9), None);
        assert_eq!(trimmed_span("项目", 1..3), None);
    }

    #[test]
    fn collapses_runs() {
        let mut s = String::new();
        push_collapsed(&mut s, "  a \n\u{a0} b");
        push_collapsed(&mut s, " ");
        push_collapsed(&mut s, "c\u{200b} ");
        assert_eq!(finish(s), "a b c");
    }

    #[test]
    fn span_attributes() {
        assert_eq!(parse_span_attr(" 3px"), Some(3));
        assert_eq!(parse_span_attr("2"), Some(2));
        assert_eq!(parse_span_attr("x"), None);
        assert_eq!(parse_span_attr(""), None);
        assert_eq!(parse_span_attr("99999999999999999999"), Some(999_999_999));
    }
}
