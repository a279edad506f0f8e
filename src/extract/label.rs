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
    // Fast path: most report text is ASCII, CJK ideographs and punctuation whose NFKC form is
    // the character itself or (full-width forms) one ASCII character, so NFKC is a per-character
    // map. Any other character sends the whole text through the full algorithm.
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        // CJK ideographs, most of a report: their own NFKC form, never whitespace or quotes.
        if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            out.push(c);
            continue;
        }
        match nfkc_simple(c) {
            Some(m) => {
                if keep(m) {
                    out.push(m);
                }
            }
            None => return fold_full(text),
        }
    }
    out
}

/// Characters kept by [`fold`] after NFKC.
fn keep(c: char) -> bool {
    !c.is_whitespace() && !QUOTES.contains(&c) && c != '\u{200b}'
}

/// [`fold`] through the full NFKC algorithm.
fn fold_full(text: &str) -> String {
    text.nfkc().filter(|&c| keep(c)).collect()
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
    let mut s = fold(label);
    // Leading markers may stack: "（三）1.其中：".
    loop {
        let before = s.len();
        s = strip_item_marker(&s).to_string();
        for prefix in ["其中:", "其中,", "其中", "包括:"] {
            if let Some(rest) = s.strip_prefix(prefix) {
                if !rest.is_empty() {
                    s = rest.to_string();
                }
            }
        }
        if s.len() == before {
            break;
        }
    }
    strip_trailing_note(&s).to_string()
}

/// Chinese numerals used in item markers.
fn is_cn_numeral(c: char) -> bool {
    "一二三四五六七八九十百零〇".contains(c)
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
    use super::{fold, fold_full, normalize};

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
