//! Where text holds digits but no quantity (dates, document numbers, phone numbers, ordinals,
//! list markers, URLs, …): the byte ranges of every match of the scanner's exclusion patterns.
//!
//! [`EXCLUDE_PATTERNS`] is the definition. Most patterns are matched by hand in one pass over the
//! text (the same ranges as each regex's `find_iter`, which the tests compare over every fixture
//! line and random texts); the rest, which need a keyword to match, are compiled only when a
//! text holds the keyword. No regex is compiled for a text without such a keyword.

use super::charset::BmpSet;
use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

/// Patterns of text that contains digits but no quantity. `D` stands for an Arabic digit of
/// either width.
pub(super) const EXCLUDE_PATTERNS: &[&str] = &[
    // URLs and e-mail addresses.
    r#"(?i)(?:https?|ftp)://[^\s"'<>“”‘’（）()，。；、]+"#,
    r#"(?i)www\.[A-Za-z0-9.\-]+(?:/[^\s"'<>“”‘’（）()，。；、]*)?"#,
    r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+",
    // Dates: 2017年1月1日, 2020年02月17日, 12月31日, 2017年, 2017年度, 1月, 31日, 2017-01-01.
    r"D{2,4}\s*年\s*D{1,2}\s*月(?:\s*D{1,2}\s*[日号])?",
    r"D{1,2}\s*月\s*D{1,2}\s*[日号]",
    r"D+\s*年",
    r"D+\s*月",
    // Date ranges 1—7月, 4-5月份, 1至15日.
    r"D{1,2}\s*[—\-–~～至到]\s*D{1,2}\s*[月日号]",
    // Days and every `N号` (document numbers 18号, house numbers 606号, 国令第711号).
    r"D+\s*[日号]",
    r"D{4}[./\-]D{1,2}[./\-]D{1,2}",
    // Document-number years: 〔2015〕18号, (2015)18号, glitched 〔201128号.
    r"[〔［\[【(（]\s*D{4}\s*[〕］\]】)）]\s*(?:第\s*)?D*\s*号?",
    r"[〔［\[【]\s*D{5,}\s*号?",
    // Phone numbers, hotlines, postcodes.
    r"(?:电话|热线|传真|手机|联系方式)\s*(?:号码)?\s*[:：]?\s*[0-9０-９\-－—()（）\s]{5,}",
    r"0D{2,3}\s*[-－—]\s*D{6,}",
    r"D{3,}\s*[”\x22’」』]?\s*(?:政务|服务|便民|市民|公共|服务)*热线",
    r"(?:邮编|邮政编码)\s*[:：]?\s*D{6}",
    // Quoted numbers are names (“12345”, “96158”).
    r"[“\x22‘「『]\s*D+\s*[”\x22’」』]",
    // Index numbers and identifiers: 索引号: 15253908T/2020-01119.
    r"(?:索引号|文号|编号|统一社会信用代码)\s*[:：]?\s*[0-9A-Za-z０-９/\-_.〔〕\[\]()（）]+",
    // Ordinals: 第3, 第二十条; list markers 1. 1、 （1） （一） at the start of a line or clause.
    r"第\s*(?:D+|[零〇一二两三四五六七八九十百千]+)",
    r"(?m)(?:^|[。；;：:!！?？])[ \t\x{3000}]*(?:D{1,2}|[一二三四五六七八九十]{1,3})\s*[、．.](?:[^0-9０-９]|$)",
    r"[（(]\s*(?:D{1,3}|[一二三四五六七八九十]{1,3})\s*[)）]",
    // Page markers `- 1 -`.
    r"[-—–－][ \t]+D{1,4}[ \t]+[-—–－]",
    // Copyright years.
    r"(?i)(?:copyright\s*(?:\(c\)|©)?|©)\s*D{4}(?:\s*[-–]\s*D{4})?",
    // Section numbers 1.2.3 and clock times 8:30.
    r"D+(?:[.．]D+){2,}",
    r"D{1,2}\s*[:：]\s*D{2}",
];

/// Pattern `i` of [`EXCLUDE_PATTERNS`] as a regular expression (`D` spelled out).
pub(super) fn regex_text(i: usize) -> Option<String> {
    EXCLUDE_PATTERNS
        .get(i)
        .map(|p| p.replace('D', "[0-9０-９]"))
}

/// Where a match of a hand-matched pattern starting at a byte offset ends, if one does.
pub(super) type At = fn(&str, usize) -> Option<usize>;

/// Which characters a hand-matched pattern's match may start at. The one pass
/// ([`hand_ranges`]) spells these out per character; the tests match each pattern from its
/// own starts.
#[derive(Clone, Copy)]
#[cfg_attr(not(test), allow(dead_code))]
pub(super) enum Start {
    /// Any Arabic digit.
    Digit,
    /// A digit that begins a run of digits (the pattern begins with `D+`: a match inside the run
    /// exists exactly when one at its start does).
    RunOfDigits,
    /// One of these characters.
    Char(fn(char) -> bool),
    /// The start of a line, or one of these characters.
    LineOr(fn(char) -> bool),
}

impl Start {
    #[cfg(test)]
    fn admits(self, prev: Option<char>, c: char) -> bool {
        match self {
            Start::Digit => digit(c),
            Start::RunOfDigits => digit(c) && !prev.is_some_and(digit),
            Start::Char(f) => f(c),
            Start::LineOr(f) => prev.is_none_or(|p| p == '\n') || f(c),
        }
    }
}

/// The hand-matched patterns: (index in [`EXCLUDE_PATTERNS`], where a match starts, matcher).
const HAND: &[(usize, Start, At)] = &[
    (3, Start::Digit, year_month_day),
    (4, Start::Digit, month_day),
    (5, Start::RunOfDigits, |t, s| {
        digits_then(t, s, |c| c == '年')
    }),
    (6, Start::RunOfDigits, |t, s| {
        digits_then(t, s, |c| c == '月')
    }),
    (7, Start::Digit, date_range),
    (8, Start::RunOfDigits, |t, s| {
        digits_then(t, s, |c| matches!(c, '日' | '号'))
    }),
    (9, Start::Digit, dashed_date),
    (10, Start::Char(doc_open), doc_year),
    (11, Start::Char(glitch_open), doc_glitch),
    (13, Start::Char(|c| c == '0'), area_phone),
    (16, Start::Char(quote_open), quoted),
    (18, Start::Char(|c| c == '第'), ordinal),
    (19, Start::LineOr(clause_end), list_marker),
    (20, Start::Char(|c| matches!(c, '（' | '(')), paren_marker),
    (21, Start::Char(dash), page_marker),
    (23, Start::RunOfDigits, section_number),
    (24, Start::Digit, clock),
];

/// A test that every text holding a match of a pattern passes.
type Gate = fn(&str) -> bool;

/// The patterns left to regexes: (index in [`EXCLUDE_PATTERNS`], the [`key`] bit of a character
/// every match holds, a test every text with a match passes).
const GATED: &[(usize, u8, Gate)] = &[
    (0, KEY_COLON, |t| t.contains("://")),
    (1, KEY_W, |t| has_ascii_ci(t, b"www.")),
    (2, KEY_AT, |t| t.contains('@')),
    (12, KEY_PHONE, phone_gate),
    (14, KEY_HOT, |t| t.contains("热线")),
    (15, KEY_POST, |t| {
        t.contains("邮编") || t.contains("邮政编码")
    }),
    (17, KEY_INDEX, index_gate),
    (22, KEY_COPY, |t| {
        t.contains('©') || has_ascii_ci(t, b"copyright")
    }),
];

const KEY_COLON: u8 = 1;
const KEY_W: u8 = 1 << 1;
const KEY_AT: u8 = 1 << 2;
const KEY_PHONE: u8 = 1 << 3;
const KEY_HOT: u8 = 1 << 4;
const KEY_POST: u8 = 1 << 5;
const KEY_INDEX: u8 = 1 << 6;
const KEY_COPY: u8 = 1 << 7;

/// The gates a character may open: the first characters of their keywords.
fn key(c: char) -> u8 {
    match c {
        ':' => KEY_COLON,
        'w' | 'W' => KEY_W,
        '@' => KEY_AT,
        '热' => KEY_PHONE | KEY_HOT,
        '电' | '传' | '手' | '联' => KEY_PHONE,
        '邮' => KEY_POST,
        '索' | '文' | '编' | '统' => KEY_INDEX,
        'c' | 'C' | '©' => KEY_COPY,
        _ => 0,
    }
}

/// The gates a character `c` opens when its keyword goes on at byte `next` (after `c`): a gate
/// opened by a character whose keyword does not follow would refuse the text anyway.
fn keyword_at(t: &str, next: usize, c: char) -> u8 {
    let rest = t.get(next..).unwrap_or("");
    let ci = |w: &str| {
        rest.as_bytes()
            .get(..w.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(w.as_bytes()))
    };
    let on = |found: bool, bits: u8| if found { bits } else { 0 };
    match c {
        ':' => on(rest.starts_with("//"), KEY_COLON),
        'w' | 'W' => on(ci("ww."), KEY_W),
        'c' | 'C' => on(ci("opyright"), KEY_COPY),
        '热' => on(rest.starts_with('线'), KEY_PHONE | KEY_HOT),
        '电' => on(rest.starts_with('话'), KEY_PHONE),
        '传' => on(rest.starts_with('真'), KEY_PHONE),
        '手' => on(rest.starts_with('机'), KEY_PHONE),
        '联' => on(rest.starts_with("系方式"), KEY_PHONE),
        '邮' => on(
            rest.starts_with('编') || rest.starts_with("政编码"),
            KEY_POST,
        ),
        '索' => on(rest.starts_with("引号"), KEY_INDEX),
        '文' | '编' => on(rest.starts_with('号'), KEY_INDEX),
        '统' => on(rest.starts_with("一社会信用代码"), KEY_INDEX),
        c => key(c),
    }
}

/// The gated patterns' regexes, each compiled at its first use.
static GATED_REGEX: [OnceLock<Option<Regex>>; GATED.len()] = [const { OnceLock::new() }; 8];

/// Push the byte range of every match of every exclusion pattern in `text` (unsorted; matches of
/// different patterns may overlap).
pub(super) fn ranges(text: &str, out: &mut Vec<Range<usize>>) {
    let keys = hand_ranges(text, out);
    for (k, (i, bit, gate)) in GATED.iter().enumerate() {
        if keys & bit == 0 || !gate(text) {
            continue;
        }
        let re = GATED_REGEX[k].get_or_init(|| regex_text(*i).and_then(|p| Regex::new(&p).ok()));
        if let Some(re) = re {
            out.extend(re.find_iter(text).map(|m| m.range()));
        }
    }
}

/// Slots of the hand-matched patterns in [`HAND`], as the one pass tries them.
mod slot {
    pub const YEAR_MONTH_DAY: usize = 0;
    pub const MONTH_DAY: usize = 1;
    pub const YEAR: usize = 2;
    pub const MONTH: usize = 3;
    pub const DATE_RANGE: usize = 4;
    pub const DAY: usize = 5;
    pub const DASHED_DATE: usize = 6;
    pub const DOC_YEAR: usize = 7;
    pub const DOC_GLITCH: usize = 8;
    pub const AREA_PHONE: usize = 9;
    pub const QUOTED: usize = 10;
    pub const ORDINAL: usize = 11;
    pub const LIST_MARKER: usize = 12;
    pub const PAREN_MARKER: usize = 13;
    pub const PAGE_MARKER: usize = 14;
    pub const SECTION_NUMBER: usize = 15;
    pub const CLOCK: usize = 16;
}

/// The run of digits around a position: how many digits are left from it (itself included),
/// the character after the run, and the first one after the run and the white space after it.
/// A pattern starting with `D` matches only where these fit it, so its matcher runs only there.
#[derive(Clone, Copy)]
struct DigitRun {
    left: usize,
    after: Option<char>,
    after_ws: Option<char>,
}

impl DigitRun {
    /// The run of digits starting at byte `s`.
    fn at(t: &str, s: usize) -> Self {
        let mut left = 0;
        let mut end = t.len();
        for (i, c) in t[s..].char_indices() {
            if !digit(c) {
                end = s + i;
                break;
            }
            left += 1;
        }
        DigitRun {
            left,
            after: at_char(t, end),
            after_ws: at_char(t, ws(t, end)),
        }
    }
}

/// The matches of the hand-matched patterns: one pass over the text; each pattern, like
/// `find_iter`, looks for its next match from the end of its previous one. A pattern's matcher
/// runs only where its [`Start`] admits the character and, for those starting with digits,
/// where the run of digits and what follows it fit the pattern. Returns the [`key`] bits of the
/// text's characters.
fn hand_ranges(text: &str, out: &mut Vec<Range<usize>>) -> u8 {
    use slot::*;
    let bytes = text.as_bytes();
    let mut keys = 0;
    let mut from = [0usize; HAND.len()];
    let mut run = DigitRun {
        left: 0,
        after: None,
        after_ws: None,
    };
    // Where the current line starts: a list marker may start there, whatever the character.
    let mut line_at = 0;
    let mut s = 0;
    while let Some(&b) = bytes.get(s) {
        let c = if b < 0x80 {
            char::from(b)
        } else if (0xE0..0xF0).contains(&b) {
            // Three bytes (most of a Chinese text): passed on their code point when it starts
            // nothing (the text is valid UTF-8, so the bytes are a character's).
            let (Some(&b1), Some(&b2)) = (bytes.get(s + 1), bytes.get(s + 2)) else {
                break;
            };
            let u = u32::from(b & 0x0F) << 12 | u32::from(b1 & 0x3F) << 6 | u32::from(b2 & 0x3F);
            if s != line_at && !may_start_at(u) {
                s += 3;
                continue;
            }
            match char::from_u32(u) {
                Some(c) => c,
                None => break,
            }
        } else {
            match text.get(s..).and_then(|r| r.chars().next()) {
                Some(c) => c,
                None => break,
            }
        };
        let next = s + c.len_utf8();
        let line_start = s == line_at;
        if c == '\n' {
            line_at = next;
        }
        if !line_start && !may_start(c) {
            s = next;
            continue;
        }
        let mut try_at = |k: usize| {
            if s >= from[k] {
                if let Some(e) = (HAND[k].2)(text, s) {
                    out.push(s..e);
                    from[k] = e;
                }
            }
        };
        if digit(c) {
            let run_start = !digit_before(bytes, s);
            if run_start {
                run = DigitRun::at(text, s);
            }
            let DigitRun {
                left,
                after,
                after_ws,
            } = run;
            let next_is = |f: fn(char) -> bool| after_ws.is_some_and(f);
            if run_start {
                if next_is(|c| c == '年') {
                    try_at(YEAR);
                }
                if next_is(|c| c == '月') {
                    try_at(MONTH);
                }
                if next_is(|c| matches!(c, '日' | '号')) {
                    try_at(DAY);
                }
                if after.is_some_and(|c| matches!(c, '.' | '．')) {
                    try_at(SECTION_NUMBER);
                }
            }
            if (2..=4).contains(&left) && next_is(|c| c == '年') {
                try_at(YEAR_MONTH_DAY);
            }
            if left <= 2 {
                if next_is(|c| c == '月') {
                    try_at(MONTH_DAY);
                }
                if next_is(|c| matches!(c, '—' | '-' | '–' | '~' | '～' | '至' | '到')) {
                    try_at(DATE_RANGE);
                }
                if next_is(|c| matches!(c, ':' | '：')) {
                    try_at(CLOCK);
                }
            }
            if left == 4 && after.is_some_and(|c| matches!(c, '.' | '/' | '-')) {
                try_at(DASHED_DATE);
            }
            if c == '0' && (3..=4).contains(&left) && next_is(|c| matches!(c, '-' | '－' | '—'))
            {
                try_at(AREA_PHONE);
            }
            if line_start {
                try_at(LIST_MARKER);
            }
            run.left = left.saturating_sub(1);
        } else {
            match c {
                '〔' | '［' | '[' | '【' => {
                    try_at(DOC_YEAR);
                    try_at(DOC_GLITCH);
                }
                '(' | '（' => {
                    try_at(DOC_YEAR);
                    try_at(PAREN_MARKER);
                }
                '“' | '"' | '‘' | '「' | '『' => try_at(QUOTED),
                '第' => try_at(ORDINAL),
                '-' | '—' | '–' | '－' => try_at(PAGE_MARKER),
                _ => {}
            }
            if line_start || clause_end(c) {
                try_at(LIST_MARKER);
            }
            if key(c) != 0 {
                keys |= keyword_at(text, next, c);
            }
        }
        s = next;
    }
    keys
}

/// Does a digit end just before byte `s` (a character boundary)? An ASCII digit is one byte,
/// a full-width one the three bytes `EF BC 90`–`EF BC 99`.
fn digit_before(bytes: &[u8], s: usize) -> bool {
    let Some(last) = s.checked_sub(1).and_then(|i| bytes.get(i)) else {
        return false;
    };
    last.is_ascii_digit()
        || ((0x90..=0x99).contains(last)
            && s >= 3
            && bytes.get(s - 3..s - 1) == Some(&[0xEF, 0xBC][..]))
}

/// The characters [`hand_ranges`] looks at (anywhere but at a line start): digits, the first
/// characters of hand-matched patterns, the [`key`] characters and the line break.
const STARTS: &[char] = &[
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '０', '１', '２', '３', '４', '５', '６',
    '７', '８', '９', '\n', '〔', '［', '[', '【', '(', '（', '“', '"', '‘', '「', '『', '第', '-',
    '—', '–', '－', '。', '；', ';', '：', ':', '!', '！', '?', '？', 'w', 'W', '@', 'c', 'C', '©',
    '热', '电', '传', '手', '联', '邮', '索', '文', '编', '统',
];

/// [`STARTS`] as a bitmap over the Basic Multilingual Plane (where all of them are).
static START_BITS: BmpSet = BmpSet::of(STARTS);

/// Is `c` one of [`STARTS`]?
fn may_start(c: char) -> bool {
    may_start_at(c as u32)
}

/// Is the character of code point `c` one of [`STARTS`]?
fn may_start_at(c: u32) -> bool {
    START_BITS.has(c)
}

/// Does [`may_start`] admit every character the one pass acts on, and only those? (For the
/// tests.)
#[cfg(test)]
pub(super) fn starts_are_complete() -> Option<char> {
    (0..=0x10FFFFu32).filter_map(char::from_u32).find(|&c| {
        let acts = digit(c)
            || key(c) != 0
            || clause_end(c)
            || doc_open(c)
            || glitch_open(c)
            || quote_open(c)
            || dash(c)
            || c == '第'
            || c == '\n';
        may_start(c) != acts
    })
}

/// The slots of [`slot`] name the patterns of [`HAND`] they stand for (for the tests).
#[cfg(test)]
pub(super) fn slots_name_their_patterns() -> bool {
    use slot::*;
    let want = [
        (YEAR_MONTH_DAY, 3),
        (MONTH_DAY, 4),
        (YEAR, 5),
        (MONTH, 6),
        (DATE_RANGE, 7),
        (DAY, 8),
        (DASHED_DATE, 9),
        (DOC_YEAR, 10),
        (DOC_GLITCH, 11),
        (AREA_PHONE, 13),
        (QUOTED, 16),
        (ORDINAL, 18),
        (LIST_MARKER, 19),
        (PAREN_MARKER, 20),
        (PAGE_MARKER, 21),
        (SECTION_NUMBER, 23),
        (CLOCK, 24),
    ];
    want.len() == HAND.len() && want.iter().all(|&(k, i)| HAND[k].0 == i)
}

/// Hand-matched patterns by their index in [`EXCLUDE_PATTERNS`] (for the tests).
#[cfg(test)]
pub(super) fn hand_matcher(i: usize) -> Option<(Start, At)> {
    HAND.iter()
        .find(|(k, _, _)| *k == i)
        .map(|(_, start, at)| (*start, *at))
}

/// Every match of one hand-matched pattern, as its regex's `find_iter` would give (for the tests).
#[cfg(test)]
pub(super) fn hand_find_iter(text: &str, start: Start, at: At) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    let mut prev = None;
    for (s, c) in text.char_indices() {
        if s >= from && start.admits(prev, c) {
            if let Some(e) = at(text, s) {
                out.push(s..e);
                from = e;
            }
        }
        prev = Some(c);
    }
    out
}

/// Indices of the patterns matched by regexes (for the tests).
#[cfg(test)]
pub(super) fn gated() -> impl Iterator<Item = usize> {
    GATED.iter().map(|(i, _, _)| *i)
}

/// Does the gate of pattern `i` (matched by a regex) let `text` through? (For the tests.)
#[cfg(test)]
pub(super) fn gate_admits(i: usize, text: &str) -> bool {
    let keys = hand_ranges(text, &mut Vec::new());
    GATED
        .iter()
        .any(|(k, bit, gate)| *k == i && keys & bit != 0 && gate(text))
}

// ---- Pieces ----

/// `D`: an Arabic digit of either width.
fn digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// `[零〇一二两三四五六七八九十百千]`
fn ordinal_numeral(c: char) -> bool {
    matches!(
        c,
        '零' | '〇'
            | '一'
            | '二'
            | '两'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
    )
}

/// `[一二三四五六七八九十]`
fn list_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

/// `[〔［\[【(（]`
fn doc_open(c: char) -> bool {
    matches!(c, '〔' | '［' | '[' | '【' | '(' | '（')
}

/// `[〔［\[【]`
fn glitch_open(c: char) -> bool {
    matches!(c, '〔' | '［' | '[' | '【')
}

/// `[“\x22‘「『]`
fn quote_open(c: char) -> bool {
    matches!(c, '“' | '"' | '‘' | '「' | '『')
}

/// `[。；;：:!！?？]`
fn clause_end(c: char) -> bool {
    matches!(c, '。' | '；' | ';' | '：' | ':' | '!' | '！' | '?' | '？')
}

/// `[-—–－]`
fn dash(c: char) -> bool {
    matches!(c, '-' | '—' | '–' | '－')
}

/// The gate of the phone pattern
/// `(?:电话|热线|传真|手机|联系方式)\s*(?:号码)?\s*[:：]?\s*[0-9０-９\-－—()（）\s]{5,}`: after a
/// keyword and what may separate it from the number (`号码`, a colon, white space), a run of
/// at least five number characters starts (`扫一扫在手机打开当前页` has none).
fn phone_gate(t: &str) -> bool {
    let number = |c: char| digit(c) || c.is_whitespace() || "-－—()（）".contains(c);
    let between = |c: char| c.is_whitespace() || matches!(c, '号' | '码' | ':' | '：');
    after_keywords(
        t,
        &["电话", "热线", "传真", "手机", "联系方式"],
        |rest| {
            // The number starts where the separators end, or within them (white space is both).
            let sep_end = rest.find(|c: char| !between(c)).unwrap_or(rest.len());
            let mut run = 0;
            for (i, c) in rest.char_indices() {
                if number(c) {
                    run += 1;
                    if run >= 5 {
                        return true;
                    }
                } else {
                    run = 0;
                    if i >= sep_end {
                        return false;
                    }
                }
            }
            false
        },
    )
}

/// The gate of the index-number pattern
/// `(?:索引号|文号|编号|统一社会信用代码)\s*[:：]?\s*[0-9A-Za-z０-９/\-_.〔〕\[\]()（）]+`: after a
/// keyword, white space and a colon, one character of an identifier.
fn index_gate(t: &str) -> bool {
    after_keywords(
        t,
        &["索引号", "文号", "编号", "统一社会信用代码"],
        |rest| {
            rest.chars()
                .find(|&c| !(c.is_whitespace() || c == ':' || c == '：'))
                .is_some_and(|c| {
                    c.is_ascii_alphanumeric() || digit(c) || "/-_.〔〕[]()（）".contains(c)
                })
        },
    )
}

/// Does `then` hold for the text after some occurrence of one of `keywords`?
fn after_keywords(t: &str, keywords: &[&str], then: impl Fn(&str) -> bool) -> bool {
    keywords
        .iter()
        .any(|k| t.match_indices(k).any(|(i, _)| then(&t[i + k.len()..])))
}

/// Does `text` hold `needle` (ASCII, lower case) in any ASCII case?
fn has_ascii_ci(text: &str, needle: &[u8]) -> bool {
    let bytes = text.as_bytes();
    let Some(&first) = needle.first() else {
        return true;
    };
    // Tried only where its first letter is, in either case.
    memchr::memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        bytes,
    )
    .any(|i| {
        bytes
            .get(i..i + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    })
}

/// The character at byte `i`, if any.
fn at_char(t: &str, i: usize) -> Option<char> {
    t.get(i..).and_then(|r| r.chars().next())
}

/// The end of the run of characters from `i` that satisfy `f` (`i` when there is none).
fn run(t: &str, i: usize, f: impl Fn(char) -> bool) -> usize {
    let rest = &t[i..];
    i + rest.find(|c: char| !f(c)).unwrap_or(rest.len())
}

/// `\s*` from `i`.
fn ws(t: &str, i: usize) -> usize {
    run(t, i, char::is_whitespace)
}

/// One character satisfying `f` at `i`: the offset after it.
fn one(t: &str, i: usize, f: impl Fn(char) -> bool) -> Option<usize> {
    at_char(t, i).filter(|&c| f(c)).map(|c| i + c.len_utf8())
}

/// `f{lo,hi}` followed by something that `f` refuses: the run from `i` holds `lo` to `hi`
/// characters (a longer run cannot match, as the next piece of the pattern needs another
/// character). Stops looking after `hi + 1` characters.
fn exactly(t: &str, i: usize, lo: usize, hi: usize, f: impl Fn(char) -> bool) -> Option<usize> {
    let mut end = i;
    let mut n = 0;
    for c in t[i..].chars() {
        if !f(c) {
            break;
        }
        n += 1;
        if n > hi {
            return None;
        }
        end += c.len_utf8();
    }
    (n >= lo).then_some(end)
}

/// `f{lo,hi}` at the end of a pattern (greedy, whatever follows).
fn up_to(t: &str, i: usize, lo: usize, hi: usize, f: impl Fn(char) -> bool) -> Option<usize> {
    let mut end = i;
    let mut n = 0;
    for c in t[i..].chars().take(hi) {
        if !f(c) {
            break;
        }
        n += 1;
        end += c.len_utf8();
    }
    (n >= lo).then_some(end)
}

/// `f+` (greedy, the whole run).
fn some(t: &str, i: usize, f: impl Fn(char) -> bool) -> Option<usize> {
    let e = run(t, i, f);
    (e > i).then_some(e)
}

// ---- Matchers: where the leftmost-first match starting at `s` ends ----

/// `D+\s*X` with `X` one character satisfying `last`.
fn digits_then(t: &str, s: usize, last: fn(char) -> bool) -> Option<usize> {
    let e = some(t, s, digit)?;
    one(t, ws(t, e), last)
}

/// `D{2,4}\s*年\s*D{1,2}\s*月(?:\s*D{1,2}\s*[日号])?`
fn year_month_day(t: &str, s: usize) -> Option<usize> {
    let e = exactly(t, s, 2, 4, digit)?;
    let e = one(t, ws(t, e), |c| c == '年')?;
    let e = exactly(t, ws(t, e), 1, 2, digit)?;
    let e = one(t, ws(t, e), |c| c == '月')?;
    let day = exactly(t, ws(t, e), 1, 2, digit)
        .and_then(|d| one(t, ws(t, d), |c| matches!(c, '日' | '号')));
    Some(day.unwrap_or(e))
}

/// `D{1,2}\s*月\s*D{1,2}\s*[日号]`
fn month_day(t: &str, s: usize) -> Option<usize> {
    let e = exactly(t, s, 1, 2, digit)?;
    let e = one(t, ws(t, e), |c| c == '月')?;
    let e = exactly(t, ws(t, e), 1, 2, digit)?;
    one(t, ws(t, e), |c| matches!(c, '日' | '号'))
}

/// `D{1,2}\s*[—\-–~～至到]\s*D{1,2}\s*[月日号]`
fn date_range(t: &str, s: usize) -> Option<usize> {
    let e = exactly(t, s, 1, 2, digit)?;
    let e = one(t, ws(t, e), |c| {
        matches!(c, '—' | '-' | '–' | '~' | '～' | '至' | '到')
    })?;
    let e = exactly(t, ws(t, e), 1, 2, digit)?;
    one(t, ws(t, e), |c| matches!(c, '月' | '日' | '号'))
}

/// `D{4}[./\-]D{1,2}[./\-]D{1,2}`
fn dashed_date(t: &str, s: usize) -> Option<usize> {
    let sep = |c| matches!(c, '.' | '/' | '-');
    let e = exactly(t, s, 4, 4, digit)?;
    let e = one(t, e, sep)?;
    let e = exactly(t, e, 1, 2, digit)?;
    let e = one(t, e, sep)?;
    up_to(t, e, 1, 2, digit)
}

/// `[〔［\[【(（]\s*D{4}\s*[〕］\]】)）]\s*(?:第\s*)?D*\s*号?`
fn doc_year(t: &str, s: usize) -> Option<usize> {
    let e = one(t, s, doc_open)?;
    let e = exactly(t, ws(t, e), 4, 4, digit)?;
    let e = one(t, ws(t, e), |c| {
        matches!(c, '〕' | '］' | ']' | '】' | ')' | '）')
    })?;
    let mut e = ws(t, e);
    if let Some(x) = one(t, e, |c| c == '第') {
        e = ws(t, x);
    }
    let e = ws(t, run(t, e, digit));
    Some(one(t, e, |c| c == '号').unwrap_or(e))
}

/// `[〔［\[【]\s*D{5,}\s*号?`
fn doc_glitch(t: &str, s: usize) -> Option<usize> {
    let e = one(t, s, glitch_open)?;
    let d = ws(t, e);
    let e = run(t, d, digit);
    if t[d..e].chars().count() < 5 {
        return None;
    }
    let e = ws(t, e);
    Some(one(t, e, |c| c == '号').unwrap_or(e))
}

/// `0D{2,3}\s*[-－—]\s*D{6,}`
fn area_phone(t: &str, s: usize) -> Option<usize> {
    let e = one(t, s, |c| c == '0')?;
    let e = exactly(t, e, 2, 3, digit)?;
    let e = one(t, ws(t, e), |c| matches!(c, '-' | '－' | '—'))?;
    let d = ws(t, e);
    let e = run(t, d, digit);
    (t[d..e].chars().count() >= 6).then_some(e)
}

/// `[“\x22‘「『]\s*D+\s*[”\x22’」』]`
fn quoted(t: &str, s: usize) -> Option<usize> {
    let e = one(t, s, quote_open)?;
    let e = some(t, ws(t, e), digit)?;
    one(t, ws(t, e), |c| matches!(c, '”' | '"' | '’' | '」' | '』'))
}

/// `第\s*(?:D+|[零〇一二两三四五六七八九十百千]+)`
fn ordinal(t: &str, s: usize) -> Option<usize> {
    let e = ws(t, one(t, s, |c| c == '第')?);
    some(t, e, digit).or_else(|| some(t, e, ordinal_numeral))
}

/// `(?m)(?:^|[。；;：:!！?？])[ \t\x{3000}]*(?:D{1,2}|[一二三四五六七八九十]{1,3})\s*[、．.](?:[^0-9０-９]|$)`
fn list_marker(t: &str, s: usize) -> Option<usize> {
    let line_start = s == 0 || t.as_bytes().get(s - 1) == Some(&b'\n');
    let rest = |e: usize| -> Option<usize> {
        let e = run(t, e, |c| matches!(c, ' ' | '\t' | '\u{3000}'));
        let e = exactly(t, e, 1, 2, digit).or_else(|| exactly(t, e, 1, 3, list_numeral))?;
        let e = one(t, ws(t, e), |c| matches!(c, '、' | '．' | '.'))?;
        match at_char(t, e) {
            None => Some(e),
            Some(c) if !digit(c) => Some(e + c.len_utf8()),
            Some(_) => None,
        }
    };
    let from_line = if line_start { rest(s) } else { None };
    from_line.or_else(|| rest(one(t, s, clause_end)?))
}

/// `[（(]\s*(?:D{1,3}|[一二三四五六七八九十]{1,3})\s*[)）]`
fn paren_marker(t: &str, s: usize) -> Option<usize> {
    let e = ws(t, one(t, s, |c| matches!(c, '（' | '('))?);
    let e = exactly(t, e, 1, 3, digit).or_else(|| exactly(t, e, 1, 3, list_numeral))?;
    one(t, ws(t, e), |c| matches!(c, ')' | '）'))
}

/// `[-—–－][ \t]+D{1,4}[ \t]+[-—–－]`
fn page_marker(t: &str, s: usize) -> Option<usize> {
    let blank = |c| matches!(c, ' ' | '\t');
    let e = some(t, one(t, s, dash)?, blank)?;
    let e = exactly(t, e, 1, 4, digit)?;
    one(t, some(t, e, blank)?, dash)
}

/// `D+(?:[.．]D+){2,}`
fn section_number(t: &str, s: usize) -> Option<usize> {
    let mut e = some(t, s, digit)?;
    let mut parts = 0;
    while let Some(x) = one(t, e, |c| matches!(c, '.' | '．')).and_then(|x| some(t, x, digit)) {
        e = x;
        parts += 1;
    }
    (parts >= 2).then_some(e)
}

/// `D{1,2}\s*[:：]\s*D{2}`
fn clock(t: &str, s: usize) -> Option<usize> {
    let e = exactly(t, s, 1, 2, digit)?;
    let e = one(t, ws(t, e), |c| matches!(c, ':' | '：'))?;
    up_to(t, ws(t, e), 2, 2, digit)
}

/// The identifier-like runs the scanner examines: every match of
/// `[0-9A-Za-z]+(?:[/_\-][0-9A-Za-z]+)+`, as that regex's `find_iter` gives them.
pub(super) fn identifier_runs(text: &str) -> Vec<Range<usize>> {
    let alnum = |c: char| c.is_ascii_alphanumeric();
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    // Every match holds a separator between two letters or digits: without one, none.
    let joins = |&s: &usize| {
        s.checked_sub(1)
            .and_then(|p| bytes.get(p))
            .is_some_and(u8::is_ascii_alphanumeric)
            && bytes.get(s + 1).is_some_and(u8::is_ascii_alphanumeric)
    };
    if !memchr::memchr3_iter(b'/', b'_', b'-', bytes).any(|s| joins(&s)) {
        return out;
    }
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        // A run of letters and digits starts here (ASCII: byte offsets are char offsets).
        let mut e = run(text, i, alnum);
        let mut parts = 0;
        while let Some(x) =
            one(text, e, |c| matches!(c, '/' | '_' | '-')).and_then(|x| some(text, x, alnum))
        {
            e = x;
            parts += 1;
        }
        if parts >= 1 {
            out.push(i..e);
        }
        // No match starts inside the run (it would end where this one does), nor after it
        // before the next run.
        i = e.max(i + 1);
    }
    out
}
