//! Label normalisation: the one place that decides when two printed labels are "the same".
//!
//! Real reports print the same row label in many ways (spec §6): full- or half-width
//! punctuation, spaces between characters, different quotes, item markers such as `（一）` or `1.`,
//! `其中：` prefixes and trailing notes in parentheses. [`normalize`] folds all of them so the rule
//! packs can list each label once.

use unicode_normalization::UnicodeNormalization;

/// Characters removed everywhere: quotes of every style.
const QUOTES: &[char] = &[
    '"', '\'', '“', '”', '‘', '’', '「', '」', '『', '』', '〝', '〞', '″', '′',
];

/// Fold text for substring signatures: NFKC, whitespace and quotes removed. Item markers and
/// notes are kept (use [`normalize`] for whole labels).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// Appends [`fold`] of `text` to `out`; `true` when every character of `text` was folded on its
/// own (the fast path), so that the fold of a concatenation of such texts is the concatenation
/// of their folds. `false` when part of `text` went through the full algorithm.
pub(crate) fn fold_into(text: &str, out: &mut String) -> bool {
    // Most report text is ASCII, CJK ideographs and punctuation whose NFKC form is the
    // character itself or one ASCII character: folded by the fast path.
    let base = out.len();
    match fold_fast(text, out) {
        Ok(()) => true,
        Err(odd) => {
            out.truncate(base);
            fold_stretches(text, odd, out);
            false
        }
    }
}

/// [`fold`] of a text the fast path stopped in at byte `odd`, appended to `out`.
///
/// A character the fast path does not know (`㎡`, `①`, a combining mark) sends the stretch
/// around it through the full algorithm: from the last ASCII character or CJK ideograph before
/// it to the first one after it. NFKC of a text is the NFKC of such stretches one after the
/// other, since those characters (canonical combining class 0, NFKC_QC=Yes) neither compose
/// with what precedes them nor let marks reorder across them.
fn fold_stretches(text: &str, mut odd: usize, out: &mut String) {
    let mut pos = 0;
    loop {
        let rest = text.get(pos..).unwrap_or("");
        let (start, end) = (pos + inert_before(rest, odd), pos + inert_after(rest, odd));
        // The fast fold of the text before the stretch: it has no character the fast path
        // does not know.
        let done = fold_fast(text.get(pos..start).unwrap_or(""), out);
        debug_assert!(done.is_ok());
        out.extend(fold_full_chars(text.get(start..end).unwrap_or("")));
        if end >= text.len() {
            return;
        }
        pos = end;
        let base = out.len();
        match fold_fast(text.get(pos..).unwrap_or(""), out) {
            Ok(()) => return,
            Err(at) => {
                out.truncate(base);
                odd = at;
            }
        }
    }
}

/// Is `c` a character before which NFKC may cut a text (ASCII or a CJK ideograph)?
fn inert(c: char) -> bool {
    c.is_ascii() || ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Start of the last [`inert`] character of `text` before byte `i` (0 when none).
fn inert_before(text: &str, i: usize) -> usize {
    text.get(..i)
        .and_then(|head| head.char_indices().rev().find(|&(_, c)| inert(c)))
        .map_or(0, |(k, _)| k)
}

/// Start of the first [`inert`] character of `text` after the character at byte `i` (the end
/// of `text` when none).
fn inert_after(text: &str, i: usize) -> usize {
    let Some(tail) = text.get(i..) else {
        return text.len();
    };
    tail.char_indices()
        .skip(1)
        .find(|&(_, c)| inert(c))
        .map_or(text.len(), |(k, _)| i + k)
}

/// [`fold`] of `text` appended to `out` by the per-character map; `Err(i)` when the character
/// at byte `i` is not one it knows (`out` then holds part of the fold).
#[inline(always)]
fn fold_fast(text: &str, out: &mut String) -> Result<(), usize> {
    // Characters that are their own fold (ASCII but blanks and quotes, CJK ideographs) are
    // copied in stretches.
    let bytes = text.as_bytes();
    // Start of the stretch of characters that are their own fold, not yet copied.
    let mut run = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii() {
            if dropped_ascii(b) {
                out.push_str(&text[run..i]);
                run = i + 1;
            }
            i += 1;
            continue;
        }
        // U+5000–U+9FFF (lead bytes E5–E9) and U+4E00–U+4FFF (E4 B8–BF): CJK ideographs,
        // their own fold, told without decoding.
        if matches!(b, 0xE5..=0xE9) || (b == 0xE4 && bytes.get(i + 1).is_some_and(|&x| x >= 0xB8)) {
            i += 3;
            continue;
        }
        let Some((c, len)) = decode_at(bytes, i) else {
            return Err(i);
        };
        // CJK ideographs, most of a report: their own NFKC form, never whitespace or quotes.
        if !('\u{4E00}'..='\u{9FFF}').contains(&c) {
            match nfkc_simple(c) {
                Some(m) if m == c && keep(m) => {}
                Some(m) => {
                    out.push_str(&text[run..i]);
                    if keep(m) {
                        out.push(m);
                    }
                    run = i + len;
                }
                None => return Err(i),
            }
        }
        i += len;
    }
    out.push_str(&text[run..]);
    Ok(())
}

/// The character starting at byte `i` of UTF-8 `bytes` (a character boundary) and its length.
fn decode_at(bytes: &[u8], i: usize) -> Option<(char, usize)> {
    let b = u32::from(*bytes.get(i)?);
    let next = |k: usize| bytes.get(i + k).map(|&x| u32::from(x) & 0x3F);
    let (code, len) = match b {
        0x00..=0x7F => (b, 1),
        0xC0..=0xDF => ((b & 0x1F) << 6 | next(1)?, 2),
        0xE0..=0xEF => ((b & 0x0F) << 12 | next(1)? << 6 | next(2)?, 3),
        _ => (
            (b & 0x07) << 18 | next(1)? << 12 | next(2)? << 6 | next(3)?,
            4,
        ),
    };
    Some((char::from_u32(code)?, len))
}

/// ASCII bytes [`fold`] drops (whitespace and quotes): `!keep(b as char)`.
fn dropped_ascii(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | b'"' | b'\'')
}

/// Characters kept by [`fold`] after NFKC.
fn keep(c: char) -> bool {
    !c.is_whitespace() && !QUOTES.contains(&c) && c != '\u{200b}'
}

/// [`fold`] through the full NFKC algorithm (what the fast path must agree with).
#[cfg(test)]
fn fold_full(text: &str) -> String {
    fold_full_chars(text).collect()
}

/// The characters of [`fold_full`].
fn fold_full_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    text.nfkc().filter(|&c| keep(c))
}

/// NFKC of `c` when it is a single character that never composes with its neighbours (verified
/// against Unicode data for these ranges); `None` for anything else.
fn nfkc_simple(c: char) -> Option<char> {
    match c as u32 {
        0x00..=0x7F | 0x4E00..=0x9FFF | 0xB7 | 0xD7 | 0xF7 => Some(c),
        0x3001..=0x3029 | 0x3030..=0x3035 | 0x3037 | 0x303B..=0x303F => Some(c),
        0x2010 | 0x2012..=0x2016 | 0x2018..=0x2023 | 0x2027 => Some(c),
        0x3000 => Some(' '),
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0),
        _ => None,
    }
}

/// Normalise a label for matching: [`fold`], then leading item markers and `其中：` removed and a
/// trailing parenthetical note removed.
pub fn normalize(label: &str) -> String {
    let folded = fold(label);
    let label = strip_label(&folded);
    if label.len() == folded.len() {
        return folded;
    }
    label.to_string()
}

/// [`normalize`] of a text whose [`fold`] is `folded`: what is left of `folded` once its
/// leading item markers and `其中：` and its trailing parenthetical note are removed.
pub(crate) fn strip_label(folded: &str) -> &str {
    let mut s = folded;
    // Leading markers may stack: "（三）1.其中：".
    loop {
        let before = s.len();
        s = strip_item_marker(s);
        for prefix in ["其中:", "其中,", "其中", "包括:"] {
            if let Some(rest) = s.strip_prefix(prefix) {
                if !rest.is_empty() {
                    s = rest;
                }
            }
        }
        if s.len() == before {
            break;
        }
    }
    strip_trailing_note(s)
}

/// Chinese numerals used in item markers.
fn is_cn_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '百' | '零' | '〇'
    )
}

/// Remove one leading item marker: `一、` `一.` `(一)` `1.` `1、` `(1)` `①`.
fn strip_item_marker(s: &str) -> &str {
    let mut chars = s.char_indices().peekable();
    // Parenthesised marker: (一) or (1).
    if let Some(rest) = s.strip_prefix('(') {
        if let Some(close) = rest.find(')') {
            let inner = &rest[..close];
            if !inner.is_empty()
                && inner.chars().count() <= 3
                && inner
                    .chars()
                    .all(|c| c.is_ascii_digit() || is_cn_numeral(c))
            {
                let after = &rest[close + 1..];
                if !after.is_empty() {
                    return after;
                }
            }
        }
        return s;
    }
    // Circled numbers.
    if let Some((_, c)) = chars.peek() {
        if ('①'..='⑳').contains(c) {
            let n = c.len_utf8();
            return &s[n..];
        }
    }
    // Numeral run followed by a separator.
    let mut end = 0;
    for (i, c) in s.char_indices() {
        if c.is_ascii_digit() || is_cn_numeral(c) {
            end = i + c.len_utf8();
        } else {
            break;
        }
    }
    if end == 0 || end > 9 {
        return s;
    }
    let rest = &s[end..];
    for sep in ['、', '.', '．', ':'] {
        if let Some(after) = rest.strip_prefix(sep) {
            if !after.is_empty() && !after.starts_with(|c: char| c.is_ascii_digit()) {
                return after;
            }
        }
    }
    s
}

/// Remove a parenthetical note at the end (`…(区分处理的,只计这一情形)`), keeping the label before it.
fn strip_trailing_note(s: &str) -> &str {
    if !s.ends_with(')') {
        return s;
    }
    // Find the '(' that opens the final group, respecting nesting.
    let mut depth = 0usize;
    for (i, c) in s.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return if i == 0 { s } else { &s[..i] };
                }
            }
            _ => {}
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::{dropped_ascii, fold, fold_full, keep, normalize};

    #[test]
    fn ascii_dropped_as_kept_says() {
        for b in 0..0x80u8 {
            assert_eq!(dropped_ascii(b), !keep(char::from(b)), "{b:#x}");
        }
        let all: String = (0..0x80u8).map(char::from).collect();
        assert_eq!(fold(&all), fold_full(&all));
        assert_eq!(fold("a \"b\" <p>项目 1</p>\u{3000}ｘ"), "ab<p>项目1</p>x");
        let mixed = "é€😀中\u{7f}\u{80}\u{7ff}\u{800}\u{ffff}\u{10000}\u{10ffff}";
        for (i, c) in mixed.char_indices() {
            assert_eq!(
                super::decode_at(mixed.as_bytes(), i),
                Some((c, c.len_utf8()))
            );
        }
    }

    #[test]
    fn fast_fold_equals_full_nfkc() {
        let seed = concat!(
            include_str!("../../fixtures/formats/seed_000.txt"),
            include_str!("../../fixtures/formats/seed_002.txt")
        );
        for line in seed.lines() {
            assert_eq!(fold(line), fold_full(line), "{line}");
        }
        for s in [
            "（一）主动公开政府信息数　（不同渠道）",
            "第二十条第（五）项：１２３，ＡＢＣ",
            "危及“三安全一稳定”—…",
            "ｶﾀｶﾅ ㈠ ① ﬁ e\u{301} 가",
            "〔2021〕30号、「其他」",
        ] {
            assert_eq!(fold(s), fold_full(s), "{s}");
        }
        assert_eq!(fold("（一）１ ２"), "(一)12");
    }

    #[test]
    fn stretches_around_unknown_characters_fold_as_the_whole_text() {
        // Pieces that compose across their ends (e + U+0301, Hangul LV + T, half-width ｶ + ﾞ),
        // expand (㎡, ﬁ, ①), reorder (marks of different classes) or are plain.
        let pieces = [
            "e", "\u{301}", "\u{323}", "가", "\u{11A8}", "ｶ", "ﾞ", "㎡", "ﬁ", "①", "中", "，", "　",
            "１", "“", "Å", " ", "(", "\u{200b}", "〇", "…", "\u{1100}", "\u{1161}",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..4000 {
            let mut s = String::new();
            for _ in 0..(seed % 9) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            assert_eq!(fold(&s), fold_full(&s), "{s:?}");
        }
    }

    #[test]
    fn folds_width_markers_and_notes() {
        let cases = [
            (
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                "部分公开",
            ),
            ("(二)部分公开", "部分公开"),
            ("3.危及“三安全一稳定”", "危及三安全一稳定"),
            ("3．危及「三安全一稳定」", "危及三安全一稳定"),
            ("统 计 指 标", "统计指标"),
            ("其中:主动公开规范性文件数", "主动公开规范性文件数"),
            (
                "(一)主动公开政府信息数 (不同渠道和方式公开相同信息计1条)",
                "主动公开政府信息数",
            ),
            (
                "一、本年新收政府信息公开申请数量",
                "本年新收政府信息公开申请数量",
            ),
            ("四、结转下年度继续办理", "结转下年度继续办理"),
            ("(七)总计", "总计"),
            (
                "1.专职人员数(不包括政府公报及政府网站工作人员数)",
                "专职人员数",
            ),
            ("（1）当面申请数", "当面申请数"),
            ("(三)不予公开", "不予公开"),
            ("2019年", "2019年"),
            ("12345热线", "12345热线"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input), want, "input {input}");
        }
    }

    #[test]
    fn never_empties_a_label() {
        assert_eq!(normalize("(一)"), "(一)");
        assert_eq!(normalize("一、"), "一、");
        assert_eq!(normalize("其中"), "其中");
        assert_eq!(normalize(""), "");
    }
}
