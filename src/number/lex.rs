//! Character-level primitives shared by the cell parser and the prose scanner: width folding,
//! Arabic and Chinese numeral cores, scale words, units and approximation words.
//!
//! Everything works on a slice of already width-folded `char`s, so callers keep their own map
//! from char index to byte offset and never normalise the text a user sees.

use rust_decimal::Decimal;
use std::sync::LazyLock;

use super::charset::BmpSet;
use super::Approx;

/// Fold one character to the form the parsers expect: full-width digits and the punctuation that
/// can occur inside a number (`，．％－＋`) become ASCII; the ideographic space becomes a space.
pub(crate) fn fold(c: char) -> char {
    // ASCII, and everything from the CJK punctuation after the ideographic space to the
    // full-width forms (the ideographs among them), stays as it is.
    let u = c as u32;
    if u < 0xA0 || (0x3001..0xFF00).contains(&u) {
        return c;
    }
    fold_any(c)
}

/// [`fold`] without its fast path for the characters it keeps.
fn fold_any(c: char) -> char {
    match c {
        '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
        '．' => '.',
        '，' => ',',
        '％' => '%',
        '－' | '−' => '-',
        '＋' => '+',
        '\u{3000}' | '\u{00a0}' | '\u{2002}' | '\u{2003}' | '\u{2009}' => ' ',
        _ => c,
    }
}

/// A parsed number without its suffixes.
#[derive(Debug, Clone)]
pub(crate) struct Core {
    /// Value as written, including any 万/亿 the Chinese numeral itself contains.
    pub value: Decimal,
    /// Decimals printed.
    pub precision: u32,
    /// Scale of a trailing 万/亿 inside a Chinese numeral (`两千三百万` → 10⁴), else 1.
    pub scale: Decimal,
    /// Char index one past the core.
    pub end: usize,
    /// Chinese digits read one by one (`二〇二四`).
    pub naive: bool,
    /// Only one Chinese character (`一`, `十`).
    pub single: bool,
    /// Whether thousands separators were used.
    pub grouped: bool,
}

/// Maximum digits we accept in one number (Decimal holds 28).
const MAX_DIGITS: usize = 27;

/// Parse an Arabic number starting at `i` (which must be an ASCII digit): digits with optional
/// thousands separators (`,` followed by exactly three digits) and an optional decimal part.
pub(crate) fn arabic(cs: &[char], i: usize) -> Option<Core> {
    let mut digits = String::new();
    let mut j = i;
    let mut grouped = false;
    while j < cs.len() && cs[j].is_ascii_digit() {
        digits.push(cs[j]);
        j += 1;
    }
    if digits.is_empty() {
        return None;
    }
    // Thousands groups: only if the first group has 1–3 digits.
    if digits.len() <= 3 {
        loop {
            let is_group = cs.get(j) == Some(&',')
                && cs[j + 1..]
                    .iter()
                    .take(3)
                    .filter(|c| c.is_ascii_digit())
                    .count()
                    == 3
                && !cs.get(j + 4).is_some_and(|c| c.is_ascii_digit());
            if !is_group {
                break;
            }
            digits.extend(&cs[j + 1..j + 4]);
            grouped = true;
            j += 4;
        }
    }
    let mut precision = 0u32;
    if cs.get(j) == Some(&'.') && cs.get(j + 1).is_some_and(|c| c.is_ascii_digit()) {
        digits.push('.');
        j += 1;
        while j < cs.len() && cs[j].is_ascii_digit() {
            digits.push(cs[j]);
            precision += 1;
            j += 1;
        }
    }
    let significant = digits.trim_start_matches(['0', '.']).len();
    if significant > MAX_DIGITS || precision > 20 {
        return None;
    }
    let value: Decimal = digits.parse().ok()?;
    Some(Core {
        value,
        precision,
        scale: Decimal::ONE,
        end: j,
        naive: false,
        single: false,
        grouped,
    })
}

/// Value of a Chinese digit character (including 两, 〇, and the financial forms).
pub(crate) fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// Power of ten of a Chinese multiplier character.
fn cn_mult(c: char) -> Option<u32> {
    Some(match c {
        '十' | '拾' => 1,
        '百' | '佰' => 2,
        '千' | '仟' => 3,
        '万' => 4,
        '亿' => 8,
        _ => return None,
    })
}

/// True for characters that can be part of a Chinese numeral (a bit of [`CN_NUMERAL_BITS`]).
pub(crate) fn is_cn_numeral(c: char) -> bool {
    CN_NUMERAL_BITS.has(c as u32)
}

/// The characters [`cn_digit`] and [`cn_mult`] read.
const CN_NUMERALS: &[char] = &[
    '零', '〇', '一', '壹', '二', '两', '贰', '三', '叁', '四', '肆', '五', '伍', '六', '陆', '七',
    '柒', '八', '捌', '九', '玖', '十', '拾', '百', '佰', '千', '仟', '万', '亿',
];

/// [`CN_NUMERALS`] as a bitmap over the Basic Multilingual Plane (where all of them are).
static CN_NUMERAL_BITS: BmpSet = BmpSet::of(CN_NUMERALS);

/// Parse a Chinese numeral starting at `i`: `十四`, `两千三百`, `一百零五`, `三万五`, `千`,
/// `二〇二四` (digit by digit), with an optional decimal part `五点五四`. Stops before a
/// trailing 万/亿 that follows a decimal part (the caller reads it as a scale).
pub(crate) fn chinese(cs: &[char], i: usize) -> Option<Core> {
    let mut j = i;
    while j < cs.len() && is_cn_numeral(cs[j]) && j - i < 40 {
        j += 1;
    }
    if j == i {
        return None;
    }
    let run = &cs[i..j];
    let has_mult = run.iter().any(|c| cn_mult(*c).is_some());
    let (int_value, naive) = if has_mult {
        (cn_with_multipliers(run)?, false)
    } else if run.len() == 1 {
        (i128::from(cn_digit(run[0])?), false)
    } else {
        let mut v: i128 = 0;
        for c in run {
            v = v.checked_mul(10)?.checked_add(i128::from(cn_digit(*c)?))?;
        }
        (v, true)
    };
    let mut scale = Decimal::ONE;
    if has_mult {
        match run.last() {
            Some('亿') => scale = Decimal::from(100_000_000i64),
            Some('万') if run.len() >= 2 && run[run.len() - 2] == '亿' => {
                scale = Decimal::from(1_000_000_000_000i64)
            }
            Some('万') => scale = Decimal::from(10_000i64),
            _ => {}
        }
    }
    let mut value = Decimal::try_from_i128_with_scale(int_value, 0).ok()?;
    let mut precision = 0;
    let mut end = j;
    // Decimal part: 点 followed by digits, only after a numeral without a trailing 万/亿.
    if cs.get(j) == Some(&'点') && scale == Decimal::ONE {
        let mut k = j + 1;
        let mut frac = String::new();
        while k < cs.len() && frac.len() < 20 {
            match cn_digit(cs[k]) {
                Some(d) if cs[k] != '两' => frac.push(char::from(b'0' + d as u8)),
                _ => break,
            }
            k += 1;
        }
        if !frac.is_empty() {
            let text = format!("{int_value}.{frac}");
            value = text.parse().ok()?;
            precision = frac.len() as u32;
            end = k;
        }
    }
    Some(Core {
        value,
        precision,
        scale,
        end,
        naive,
        single: run.len() == 1 && end == j,
        grouped: false,
    })
}

/// Value of a Chinese numeral that contains multipliers.
fn cn_with_multipliers(run: &[char]) -> Option<i128> {
    let mut yi: i128 = 0; // completed 亿 sections
    let mut wan: i128 = 0; // completed 万 section
    let mut small: i128 = 0; // below 万
    let mut digit: Option<i128> = None;
    let mut zero_seen = false;
    let mut last_mult: u32 = 0;
    for &c in run {
        if let Some(d) = cn_digit(c) {
            if d == 0 {
                zero_seen = true;
                if digit.is_some() {
                    return None;
                }
                continue;
            }
            if digit.is_some() {
                return None; // two digits without a multiplier
            }
            digit = Some(i128::from(d));
        } else if let Some(p) = cn_mult(c) {
            let d = digit.take();
            match p {
                1..=3 => {
                    let m = 10i128.pow(p);
                    small = small.checked_add(d.unwrap_or(1).checked_mul(m)?)?;
                }
                4 => {
                    let s = small.checked_add(d.unwrap_or(0))?;
                    let s = if s == 0 && wan == 0 { 1 } else { s };
                    wan = wan.checked_add(s.checked_mul(10_000)?)?;
                    small = 0;
                }
                _ => {
                    let s = wan.checked_add(small)?.checked_add(d.unwrap_or(0))?;
                    let s = if s == 0 && yi == 0 { 1 } else { s };
                    yi = yi.checked_add(s)?.checked_mul(100_000_000)?;
                    wan = 0;
                    small = 0;
                }
            }
            last_mult = p;
            zero_seen = false;
        }
    }
    if let Some(d) = digit {
        // 三万五 = 35000, 一百二 = 120 (colloquial); 一百零五 = 105.
        let tail = if zero_seen || last_mult <= 1 {
            d
        } else {
            d.checked_mul(10i128.pow(last_mult - 1))?
        };
        small = small.checked_add(tail)?;
    }
    yi.checked_add(wan)?.checked_add(small)
}

/// Scale word at `i` (`万亿`, `亿`, `万`): the multiplier and the chars it covers.
pub(crate) fn scale_word(cs: &[char], i: usize) -> Option<(Decimal, usize)> {
    match (cs.get(i), cs.get(i + 1)) {
        (Some('万'), Some('亿')) => Some((Decimal::from(1_000_000_000_000i64), 2)),
        (Some('亿'), _) => Some((Decimal::from(100_000_000i64), 1)),
        (Some('万'), _) => Some((Decimal::from(10_000i64), 1)),
        _ => None,
    }
}

/// Units recognised after a number, longest first within each leading character.
pub(crate) const UNITS: &[&str] = &[
    "个百分点",
    "个工作日",
    "百分点",
    "个月",
    "人次",
    "场次",
    "件次",
    "户次",
    "次",
    "件",
    "条",
    "人",
    "个",
    "篇",
    "元",
    "%",
    "‰",
    "期",
    "名",
    "家",
    "项",
    "份",
    "场",
    "封",
    "页",
    "卷",
    "册",
    "批",
    "户",
    "位",
    "天",
    "小时",
    "分钟",
    "倍",
    "类",
    "种",
    "宗",
    "张",
    "套",
    "辆",
    "座",
    "台",
];

/// Words that start with a unit character but are nouns, not units (`统一名称`, `条例`).
const NOT_UNITS: &[&str] = &[
    "名称", "名单", "名义", "名录", "名字", "名誉", "名牌", "条例", "条件", "条款", "条理", "条线",
    "次性", "次要", "次序", "人民", "人员", "人大", "人事", "人力", "人才", "人口", "人身", "人社",
    "人防", "人居", "人们", "人文", "人工", "个别", "个性", "个体", "期间", "期限", "期刊", "期望",
    "期待", "期盼", "期末", "期初", "家庭", "家长", "家属", "家乡", "家园", "份额", "元素", "元旦",
    "元月", "篇章", "篇幅", "页面", "批示", "批复", "批准", "位置", "位于", "天然", "天气", "类别",
    "类型", "场所", "场景", "场地", "项目", "户籍", "户口", "户外", "倍增", "位一", "种类", "种子",
    "种植", "种养", "张贴", "套餐", "座谈", "台账", "台阶", "台风", "台湾",
];

/// The unit at `i`, if any: returns the unit as we record it and the chars it covers.
pub(crate) fn unit(cs: &[char], i: usize) -> Option<(&'static str, usize)> {
    let c = *cs.get(i)?;
    // Most numbers are followed by a char no unit starts with.
    let k = WORDS_BY_INITIAL
        .binary_search_by_key(&c, |(initial, _)| *initial)
        .ok()?;
    let words = &WORDS_BY_INITIAL[k].1;
    let rest = &cs[i..];
    if words
        .iter()
        .any(|(w, unit)| unit.is_none() && rest.starts_with(w))
    {
        return None;
    }
    words
        .iter()
        .filter_map(|(w, unit)| unit.filter(|_| rest.starts_with(w)).map(|u| (u, w.len())))
        .max_by_key(|&(_, n)| n)
}

/// A word read after a number, as chars: a unit of [`UNITS`], or a noun of [`NOT_UNITS`]
/// (`None`).
type Word = (Vec<char>, Option<&'static str>);

/// The words of [`UNITS`] and [`NOT_UNITS`] by their first char, sorted by it.
static WORDS_BY_INITIAL: LazyLock<Vec<(char, Vec<Word>)>> = LazyLock::new(|| {
    let mut by: Vec<(char, Vec<Word>)> = Vec::new();
    let words = NOT_UNITS
        .iter()
        .map(|w| (*w, None))
        .chain(UNITS.iter().map(|u| (*u, Some(*u))));
    for (w, unit) in words {
        let chars: Vec<char> = w.chars().collect();
        let Some(&initial) = chars.first() else {
            continue;
        };
        match by.iter_mut().find(|(c, _)| *c == initial) {
            Some((_, list)) => list.push((chars, unit)),
            None => by.push((initial, vec![(chars, unit)])),
        }
    }
    by.sort_by_key(|(c, _)| *c);
    by
});

/// True if the chars at `i` spell `w`.
pub(crate) fn starts_with(cs: &[char], i: usize, w: &str) -> bool {
    (i..).zip(w.chars()).all(|(k, c)| cs.get(k) == Some(&c))
}

/// True if the chars ending just before `end` spell `w`.
pub(crate) fn ends_with(cs: &[char], end: usize, w: &str) -> bool {
    let n = w.chars().count();
    end >= n && starts_with(cs, end - n, w)
}

/// Approximation words printed before a number.
pub(crate) const PREFIX_APPROX: &[(&str, Approx)] = &[
    ("不低于", Approx::AtLeast),
    ("不少于", Approx::AtLeast),
    ("大约", Approx::About),
    ("接近", Approx::About),
    ("将近", Approx::About),
    ("超过", Approx::AtLeast),
    ("不到", Approx::AtMost),
    ("不足", Approx::AtMost),
    ("约", Approx::About),
    ("近", Approx::About),
    ("逾", Approx::AtLeast),
];

/// Approximation words printed after a number (or after its unit).
pub(crate) const SUFFIX_APPROX: &[(&str, Approx)] = &[
    ("左右", Approx::About),
    ("上下", Approx::About),
    ("以上", Approx::AtLeast),
    ("以下", Approx::AtMost),
    ("以内", Approx::AtMost),
    ("余", Approx::AtLeast),
    ("多", Approx::AtLeast),
];

/// The approximation word printed just before char index `start`, with its length in chars.
pub(crate) fn prefix_approx(cs: &[char], start: usize) -> Option<(Approx, usize)> {
    // Every word is checked by its last char first: most numbers follow none of them.
    let last = *cs.get(start.checked_sub(1)?)?;
    PREFIX_APPROX
        .iter()
        .find(|(w, _)| w.chars().next_back().is_some_and(|l| l == last) && ends_with(cs, start, w))
        .map(|(w, a)| (*a, w.chars().count()))
}

/// The approximation word at `i`, among `words`.
pub(crate) fn approx_at(
    cs: &[char],
    i: usize,
    words: &[(&str, Approx)],
) -> Option<(Approx, usize)> {
    let c = *cs.get(i)?;
    words
        .iter()
        .find(|(w, _)| w.chars().next().is_some_and(|f| f == c) && starts_with(cs, i, w))
        .map(|(w, a)| (*a, w.chars().count()))
}

/// Combine a prefix and a suffix marker: agreeing markers stay, conflicting ones (`近千余`)
/// become [`Approx::About`].
pub(crate) fn combine(a: Option<Approx>, b: Option<Approx>) -> Approx {
    match (a, b) {
        (None, None) => Approx::Exact,
        (Some(x), None) | (None, Some(x)) => x,
        (Some(x), Some(y)) if x == y => x,
        _ => Approx::About,
    }
}

/// Number suffixes: `[余|多] [万|亿] [余|多] [unit] [左右|以上|…]`.
#[derive(Debug, Clone)]
pub(crate) struct Suffix {
    /// Scale word multiplier (1 if none).
    pub scale: Decimal,
    /// Unit as recorded (without the scale word).
    pub unit: Option<&'static str>,
    /// Approximation marker found after the number.
    pub approx: Option<Approx>,
    /// Char index one past the suffix.
    pub end: usize,
}

/// Read the suffixes after a number core ending at `i`. `spaces` allows blanks (not line
/// breaks) before the unit (`12 件`). `scale_ok` is false when the core already has a trailing 万.
pub(crate) fn suffix(cs: &[char], i: usize, spaces: bool, scale_ok: bool) -> Suffix {
    let mut j = i;
    let mut approx = None;
    let mut scale = Decimal::ONE;
    let mut unit_found = None;
    let skip_spaces = |j: &mut usize| {
        if spaces {
            while cs.get(*j).is_some_and(|c| *c == ' ' || *c == '\t') {
                *j += 1;
            }
        }
    };
    let after_core = j;
    skip_spaces(&mut j);
    let tail = |j: &mut usize, approx: &mut Option<Approx>| {
        if let Some((a, n)) = approx_at(cs, *j, &SUFFIX_APPROX[5..]) {
            *approx = Some(a);
            *j += n;
        }
    };
    tail(&mut j, &mut approx);
    if scale_ok {
        if let Some((s, n)) = scale_word(cs, j) {
            scale = s;
            j += n;
            tail(&mut j, &mut approx);
        }
    }
    skip_spaces(&mut j);
    if let Some((u, n)) = unit(cs, j) {
        unit_found = Some(u);
        j += n;
    }
    let before_tail = j;
    skip_spaces(&mut j);
    if let Some((a, n)) = approx_at(cs, j, SUFFIX_APPROX) {
        approx = Some(combine(approx, Some(a)));
        j += n;
    } else {
        j = before_tail;
    }
    if unit_found.is_none() && approx.is_none() && scale == Decimal::ONE {
        j = after_core;
    }
    Suffix {
        scale,
        unit: unit_found,
        approx,
        end: j,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bitmap_and_the_fast_path_agree_with_the_matches() {
        let slow_fold = fold_any;
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(
                is_cn_numeral(c),
                cn_digit(c).is_some() || cn_mult(c).is_some(),
                "{c:?}"
            );
            assert_eq!(fold(c), slow_fold(c), "{c:?}");
        }
    }
}
