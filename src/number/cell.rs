//! Table cells: one number (with sign, scale word, unit and approximation words), a blank, a
//! not-applicable mark, or text.

use super::lex::{self, fold};
use super::{CellValue, Quantity};

/// Characters that mean "nothing printed" besides Unicode white space.
fn is_blank_char(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200b}' | '\u{feff}' | '\u{200c}' | '\u{200d}')
}

/// `text` without the blank characters at its ends.
fn trim_blank(text: &str) -> &str {
    // Most cells start and end with a printed ASCII character: nothing to trim.
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => text,
        _ => text.trim_matches(is_blank_char),
    }
}

/// Dash-like characters; a cell made only of them means "not applicable".
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '－' | '—' | '–' | '―' | '─' | '‐' | '‑' | '−' | '━'
    )
}

/// Sign words printed before a number in a cell (`增加8`, `减21`, `-21`).
const SIGNS: &[(&str, bool)] = &[
    ("增加", false),
    ("增长", false),
    ("减少", true),
    ("下降", true),
    ("增", false),
    ("减", true),
    ("+", false),
    ("-", true),
];

/// Interpret the text of a table cell.
///
/// * blank (empty, or only white space including U+00A0, U+2002, U+3000, zero-width spaces)
///   → [`CellValue::Blank`];
/// * `—`, `——`, `-`, `－`, `/`, `／`, `无`, `不适用` → [`CellValue::NotApplicable`];
/// * a number → [`CellValue::Number`]: full-width digits and punctuation (`１２，３４５．６７`),
///   thousands separators, a sign (`+8`, `-21`, `增加8`, `减少21`, `增8`, `减21`), a scale word
///   (`78874.11万元` → 788741100 元, scale 10⁴), a unit (`件`, `人次`, `%`, …), approximation
///   words (`约100`, `200余`), spaces between number and unit;
/// * anything else → [`CellValue::Text`].
pub fn parse_cell(text: &str) -> CellValue {
    let t = trim_blank(text);
    if t.is_empty() {
        return CellValue::Blank;
    }
    // Most cells are plain integers: read them without the general machinery.
    if t.len() <= 18 && t.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(v) = t.parse::<i64>() {
            return CellValue::Number(Quantity::integer(v));
        }
    }
    if is_na_mark(t) {
        return CellValue::NotApplicable;
    }
    // A number needs a digit (ASCII or full-width): label cells are text without the parser.
    if !has_digit(t) {
        return CellValue::Text;
    }
    match number(t) {
        Some(q) => CellValue::Number(q),
        None => CellValue::Text,
    }
}

/// Is `text` a not-applicable mark (what [`parse_cell`] reads as
/// [`CellValue::NotApplicable`]), told without reading it as a number?
pub(crate) fn is_not_applicable(text: &str) -> bool {
    // A mark is never blank and never a plain integer: the cases `parse_cell` tells first.
    let t = trim_blank(text);
    !t.is_empty() && is_na_mark(t)
}

/// A not-applicable mark, `t` trimmed: dashes (at most six) or one of the words.
fn is_na_mark(t: &str) -> bool {
    (t.chars().all(is_dash) && t.chars().count() <= 6)
        || matches!(t, "/" | "／" | "\\" | "无" | "不适用" | "N/A" | "n/a")
}

/// Does `t` hold an ASCII or a full-width digit (`０`–`９`: bytes `EF BC 90`–`99`)?
pub(crate) fn has_digit(t: &str) -> bool {
    let b = t.as_bytes();
    // ASCII digits in blocks (no early exit inside a block, so it runs on vector registers).
    if b.chunks(32)
        .any(|block| block.iter().fold(false, |any, x| any | x.is_ascii_digit()))
    {
        return true;
    }
    memchr::memchr_iter(0xEF, b).any(|i| {
        b.get(i + 1) == Some(&0xBC) && b.get(i + 2).is_some_and(|y| (0x90..=0x99).contains(y))
    })
}

/// The whole of `t` read as one quantity, or `None`.
fn number(t: &str) -> Option<Quantity> {
    // What may start a number: an approximation word, a sign, a space or a digit. Text cells
    // (labels with a figure inside) are told by their first character, before any copy.
    let first = fold(t.chars().next()?);
    if !(first.is_ascii_digit()
        || first.is_whitespace()
        || lex::PREFIX_APPROX.iter().any(|(w, _)| w.starts_with(first))
        || SIGNS.iter().any(|(w, _)| w.starts_with(first)))
    {
        return None;
    }
    let cs: Vec<char> = t.chars().map(fold).collect();
    let mut i = 0;
    let prefix = lex::approx_at(&cs, i, lex::PREFIX_APPROX).map(|(a, n)| {
        i += n;
        a
    });
    let mut negative = false;
    if let Some((neg, n)) = SIGNS
        .iter()
        .find(|(w, _)| lex::starts_with(&cs, i, w))
        .map(|(w, neg)| (*neg, w.chars().count()))
    {
        negative = neg;
        i += n;
    }
    while cs.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    if !cs.get(i).is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let core = lex::arabic(&cs, i)?;
    let suffix = lex::suffix(&cs, core.end, true, true);
    let mut end = suffix.end;
    while cs.get(end).is_some_and(|c| c.is_whitespace()) {
        end += 1;
    }
    if end != cs.len() {
        return None;
    }
    let mut value = core.value.checked_mul(suffix.scale)?;
    if negative {
        value = -value;
    }
    Some(Quantity {
        value,
        precision: core.precision,
        scale: super::Scale::of(suffix.scale)?,
        unit: super::Unit::of(suffix.unit),
        approx: lex::combine(prefix, suffix.approx),
    })
}

/// Convenience for tests and callers: the value of a cell if it is a number.
#[cfg(test)]
fn value(text: &str) -> Option<rust_decimal::Decimal> {
    match parse_cell(text) {
        CellValue::Number(q) => Some(q.value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::number::test_util::{d, q};
    use crate::number::Approx;

    #[test]
    fn blanks() {
        for t in [
            "",
            " ",
            "\t",
            "\u{00a0}",
            "\u{2002}",
            "\u{3000}",
            " \u{3000}\n",
            "\u{200b}",
        ] {
            assert_eq!(parse_cell(t), CellValue::Blank, "{t:?}");
        }
    }

    #[test]
    fn not_applicable() {
        for t in [
            "—",
            "——",
            "-",
            "/",
            "无",
            "－",
            "／",
            " — ",
            "\u{3000}——\u{3000}",
            "--",
            "不适用",
        ] {
            assert_eq!(parse_cell(t), CellValue::NotApplicable, "{t:?}");
        }
    }

    #[test]
    fn text_cells() {
        for t in [
            "件",
            "自然人",
            "(一)予以公开",
            "1.属于国家秘密",
            "三、本年度办理结果",
            "12件3",
            "1,2345",
            "abc",
            "十四",
            "1.2.3",
            "+",
            "增加",
            "5件件",
            "第3",
        ] {
            assert_eq!(parse_cell(t), CellValue::Text, "{t:?}");
        }
    }

    #[test]
    fn numbers_table() {
        // (cell, value, precision, scale, unit, approx)
        type Case<'a> = (&'a str, &'a str, u32, &'a str, Option<&'a str>, Approx);
        let cases: &[Case] = &[
            ("0", "0", 0, "1", None, Approx::Exact),
            ("805", "805", 0, "1", None, Approx::Exact),
            (" 63 ", "63", 0, "1", None, Approx::Exact),
            ("1.50", "1.5", 2, "1", None, Approx::Exact),
            ("12,345", "12345", 0, "1", None, Approx::Exact),
            (
                "１２，３４５．６７",
                "12345.67",
                2,
                "1",
                None,
                Approx::Exact,
            ),
            ("１２３", "123", 0, "1", None, Approx::Exact),
            ("+8", "8", 0, "1", None, Approx::Exact),
            ("-21", "-21", 0, "1", None, Approx::Exact),
            ("－21", "-21", 0, "1", None, Approx::Exact),
            ("增加8", "8", 0, "1", None, Approx::Exact),
            ("减少21", "-21", 0, "1", None, Approx::Exact),
            ("增8", "8", 0, "1", None, Approx::Exact),
            ("减21", "-21", 0, "1", None, Approx::Exact),
            (
                "78874.11万元",
                "788741100",
                2,
                "10000",
                Some("元"),
                Approx::Exact,
            ),
            (
                "1.2亿元",
                "120000000",
                1,
                "100000000",
                Some("元"),
                Approx::Exact,
            ),
            ("3万", "30000", 0, "10000", None, Approx::Exact),
            (
                "50万人次",
                "500000",
                0,
                "10000",
                Some("人次"),
                Approx::Exact,
            ),
            ("98.40%", "98.4", 2, "1", Some("%"), Approx::Exact),
            ("98.4％", "98.4", 1, "1", Some("%"), Approx::Exact),
            ("100%", "100", 0, "1", Some("%"), Approx::Exact),
            ("12件", "12", 0, "1", Some("件"), Approx::Exact),
            ("12 件", "12", 0, "1", Some("件"), Approx::Exact),
            ("3条", "3", 0, "1", Some("条"), Approx::Exact),
            ("4次", "4", 0, "1", Some("次"), Approx::Exact),
            ("365人", "365", 0, "1", Some("人"), Approx::Exact),
            ("86个", "86", 0, "1", Some("个"), Approx::Exact),
            ("5篇", "5", 0, "1", Some("篇"), Approx::Exact),
            ("2223人次", "2223", 0, "1", Some("人次"), Approx::Exact),
            ("100元", "100", 0, "1", Some("元"), Approx::Exact),
            ("6期", "6", 0, "1", Some("期"), Approx::Exact),
            ("3名", "3", 0, "1", Some("名"), Approx::Exact),
            ("2家", "2", 0, "1", Some("家"), Approx::Exact),
            ("7项", "7", 0, "1", Some("项"), Approx::Exact),
            ("3156份", "3156", 0, "1", Some("份"), Approx::Exact),
            ("约100", "100", 0, "1", None, Approx::About),
            ("200余人次", "200", 0, "1", Some("人次"), Approx::AtLeast),
            (
                "增加2.5个百分点",
                "2.5",
                1,
                "1",
                Some("个百分点"),
                Approx::Exact,
            ),
        ];
        for (text, v, p, s, u, a) in cases {
            let got = q(text);
            assert_eq!(got.value, d(v), "value of {text:?}");
            assert_eq!(got.precision, *p, "precision of {text:?}");
            assert_eq!(got.scale.get(), d(s), "scale of {text:?}");
            assert_eq!(got.unit.get(), *u, "unit of {text:?}");
            assert_eq!(got.approx, *a, "approx of {text:?}");
        }
    }

    #[test]
    fn printed_unit_is_kept() {
        assert_eq!(q("78874.11万元").printed_unit().as_deref(), Some("万元"));
        assert_eq!(q("3万").printed_unit().as_deref(), Some("万"));
        assert_eq!(q("3件").printed_unit().as_deref(), Some("件"));
        assert_eq!(q("3").printed_unit(), None);
        assert_eq!(q("78874.11万元").printed_value(), d("78874.11"));
    }

    #[test]
    fn huge_and_odd_numbers_do_not_panic() {
        assert_eq!(value("99999999999999999999999999999999999"), None);
        assert_eq!(value("9999999999999999999999999万亿"), None);
        assert_eq!(value("0.0000000000000000000000000001"), None);
        assert!(value("79228162514264337593543950335").is_none());
        assert_eq!(value("1,000,000"), Some(d("1000000")));
    }
}
