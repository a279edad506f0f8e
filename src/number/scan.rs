//! The prose scanner: every quantity in a sentence, with its approximation words and unit, and
//! none of the things that only look like quantities (spec §7 N18).

use std::ops::Range;
use std::sync::{LazyLock, OnceLock};

use regex::{Regex, RegexSet};
use rust_decimal::Decimal;

use super::lex::{self, fold, Core};
use super::{Approx, Quantity};

/// One quantity found in prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberToken {
    /// Byte range in the scanned text, covering approximation words, sign, number and unit.
    pub span: Range<usize>,
    /// The quantity.
    pub quantity: Quantity,
}

/// Patterns of text that contains digits but no quantity. `D` stands for an Arabic digit of
/// either width.
const EXCLUDE_PATTERNS: &[&str] = &[
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

/// [`EXCLUDE_PATTERNS`] as compiled: a set that says in one pass which of them occur, and each
/// pattern on its own (for positions), compiled at its first occurrence only.
struct Exclude {
    set: RegexSet,
    patterns: Vec<String>,
    each: Vec<OnceLock<Option<Regex>>>,
}

impl Exclude {
    /// The compiled pattern `i` (compiled on first use).
    fn get(&self, i: usize) -> Option<&Regex> {
        let pattern = self.patterns.get(i)?;
        self.each
            .get(i)?
            .get_or_init(|| Regex::new(pattern).ok())
            .as_ref()
    }
}

static EXCLUDE: LazyLock<Exclude> = LazyLock::new(|| {
    let all: Vec<String> = EXCLUDE_PATTERNS
        .iter()
        .map(|p| p.replace('D', "[0-9０-９]"))
        .collect();
    // The set compiles only if every pattern does; otherwise keep the ones that compile.
    let (set, patterns) = match RegexSet::new(&all) {
        Ok(set) => (set, all),
        Err(_) => {
            let valid: Vec<String> = all.into_iter().filter(|p| Regex::new(p).is_ok()).collect();
            let set = RegexSet::new(&valid).unwrap_or_else(|_| RegexSet::empty());
            (set, valid)
        }
    };
    let each = patterns.iter().map(|_| OnceLock::new()).collect();
    Exclude {
        set,
        patterns,
        each,
    }
});

/// Runs of letters, digits and `/ - _`; excluded when they look like identifiers.
static IDENT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"[0-9A-Za-z]+(?:[/_\-][0-9A-Za-z]+)+").ok());

/// Byte ranges of text that holds no quantity, merged and sorted.
fn exclusion_zones(text: &str) -> Vec<Range<usize>> {
    let mut zones: Vec<Range<usize>> = Vec::new();
    let exclude = &*EXCLUDE;
    if exclude.set.len() == exclude.patterns.len() {
        // Only the patterns that occur at all are run (and compiled) for their positions.
        for i in exclude.set.matches(text).iter() {
            if let Some(re) = exclude.get(i) {
                zones.extend(re.find_iter(text).map(|m| m.range()));
            }
        }
    } else {
        for re in (0..exclude.patterns.len()).filter_map(|i| exclude.get(i)) {
            zones.extend(re.find_iter(text).map(|m| m.range()));
        }
    }
    if let Some(re) = IDENT.as_ref() {
        for m in re.find_iter(text) {
            let s = m.as_str();
            let parts: Vec<&str> = s.split(['/', '-', '_']).collect();
            let identifier = s.bytes().any(|b| b.is_ascii_alphabetic())
                || parts.len() > 2
                || parts.iter().any(|p| p.len() >= 4);
            if identifier {
                zones.push(m.range());
            }
        }
    }
    zones.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(zones.len());
    for z in zones {
        match merged.last_mut() {
            Some(last) if z.start <= last.end => last.end = last.end.max(z.end),
            _ => merged.push(z),
        }
    }
    merged
}

/// True if `r` overlaps one of the merged, sorted `zones`.
fn excluded(zones: &[Range<usize>], r: &Range<usize>) -> bool {
    let k = zones.partition_point(|z| z.end <= r.start);
    zones.get(k).is_some_and(|z| z.start < r.end)
}

/// Characters before a lone Chinese digit that make it part of a word (`统一`, `之一`, `进一步`).
const WORD_BEFORE_DIGIT: &str = "统唯之同逐万进专单划合归星周初不每其任某第";

/// Find every quantity in `text` (a sentence or paragraph of prose).
///
/// Recognises Arabic numbers (full-width too, thousands separators, decimals, sign), Chinese
/// numerals followed by a unit (`十四个`, `两千三百条`, `一百零五件`, `二〇二四件`, `千余条`),
/// decimal Chinese numerals and scale words (`1.2万`, `五点五四万`), `百分之…`, units after the
/// number (`件`, `人次`, `万元`, `%`, `个百分点`, …) and approximation words before
/// (`约`, `近`, `接近`, `大约`, `超过`, `逾`, `不低于`, `不少于`, `不到`, `不足`) or after
/// (`左右`, `余`, `多`, `以上`, `以下`). Skips dates, years, document numbers, phone numbers,
/// hotlines, postcodes, index numbers, house numbers, ordinals and list markers, URLs and
/// e-mail addresses. Never panics.
pub fn scan(text: &str) -> Vec<NumberToken> {
    let zones = exclusion_zones(text);
    let mut offs: Vec<usize> = text.char_indices().map(|(o, _)| o).collect();
    offs.push(text.len());
    let cs: Vec<char> = text.chars().map(fold).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        let next = if c.is_ascii_digit() {
            arabic_token(&cs, &offs, &zones, i, &mut out)
        } else if lex::is_cn_numeral(c) {
            chinese_token(&cs, &offs, &zones, i, &mut out)
        } else {
            i + 1
        };
        i = next.max(i + 1);
    }
    out
}

/// Where an approximation word before char `start` begins, and the marker.
fn prefix(cs: &[char], start: usize) -> (usize, Option<Approx>) {
    match lex::prefix_approx(cs, start) {
        Some((_, 1)) if start >= 2 && matches!(cs[start - 2], '最' | '附' | '靠' | '邻') => {
            (start, None)
        }
        Some((a, n)) => (start - n, Some(a)),
        None => (start, None),
    }
}

/// Scan an Arabic number at `i`; push a token if it is a quantity. Returns where to go on.
fn arabic_token(
    cs: &[char],
    offs: &[usize],
    zones: &[Range<usize>],
    i: usize,
    out: &mut Vec<NumberToken>,
) -> usize {
    let Some(core) = lex::arabic(cs, i) else {
        return skip_run(cs, i);
    };
    let prev = i.checked_sub(1).map(|k| cs[k]);
    let after = cs.get(core.end).copied();
    let glued_letter = prev.is_some_and(|p| p.is_ascii_alphabetic())
        || after.is_some_and(|a| a.is_ascii_alphabetic() || a == '@');
    let dotted = prev == Some('.') && i >= 2 && cs[i - 2].is_ascii_digit();
    let core_bytes = offs[i]..offs[core.end];
    if glued_letter || dotted || excluded(zones, &core_bytes) {
        return skip_run(cs, core.end);
    }
    let suffix = lex::suffix(cs, core.end, true, true);
    let unitless = suffix.unit.is_none() && suffix.scale == Decimal::ONE;
    if unitless && suffix.approx.is_none() && looks_like_code(cs, i, &core) {
        return skip_run(cs, core.end);
    }
    // A sign directly before the number, if it is not a dash between two figures.
    let mut start = i;
    let mut negative = false;
    if let Some(s @ ('-' | '+')) = prev {
        let before = i.checked_sub(2).map(|k| cs[k]);
        if !before.is_some_and(|b| b.is_alphanumeric() && !is_cjk(b))
            && !before.is_some_and(is_digit_like)
        {
            negative = s == '-';
            start = i - 1;
        }
    }
    let (start, pre) = prefix(cs, start);
    push(
        out, offs, start, suffix.end, core, &suffix, pre, negative, None,
    );
    suffix.end
}

/// Scan a Chinese numeral at `i`; push a token if it is a quantity.
fn chinese_token(
    cs: &[char],
    offs: &[usize],
    zones: &[Range<usize>],
    i: usize,
    out: &mut Vec<NumberToken>,
) -> usize {
    let run_end = skip_cn_run(cs, i);
    let Some(core) = lex::chinese(cs, i) else {
        return run_end;
    };
    let run = &cs[i..run_end];
    let has_digit = run.iter().any(|c| lex::cn_digit(*c).is_some());
    let after = cs.get(core.end).copied();
    if !has_digit && run[0] != '十' && !matches!(after, Some('余' | '多')) {
        return run_end; // 万人, 百姓, 千方百计
    }
    let percent_word = lex::ends_with(cs, i, "百分之");
    let prev = i.checked_sub(1).map(|k| cs[k]);
    if core.single && !percent_word && prev.is_some_and(|p| WORD_BEFORE_DIGIT.contains(p)) {
        return run_end;
    }
    if excluded(zones, &(offs[i]..offs[core.end])) {
        return core.end.max(run_end);
    }
    let suffix = lex::suffix(cs, core.end, false, core.scale == Decimal::ONE);
    let is_number = percent_word
        || suffix.unit.is_some()
        || (!core.naive && (core.precision > 0 || suffix.scale != Decimal::ONE));
    if !is_number {
        return core.end.max(run_end);
    }
    let start = if percent_word { i - 3 } else { i };
    let (start, pre) = prefix(cs, start);
    let unit = percent_word.then_some("%");
    push(
        out, offs, start, suffix.end, core, &suffix, pre, false, unit,
    );
    suffix.end
}

/// Build and push a token.
#[allow(clippy::too_many_arguments)]
fn push(
    out: &mut Vec<NumberToken>,
    offs: &[usize],
    start: usize,
    end: usize,
    core: Core,
    suffix: &lex::Suffix,
    pre: Option<Approx>,
    negative: bool,
    unit_override: Option<&'static str>,
) {
    let Some(mut value) = core.value.checked_mul(suffix.scale) else {
        return;
    };
    let Some(scale) = core.scale.checked_mul(suffix.scale) else {
        return;
    };
    if negative {
        value = -value;
    }
    let unit = unit_override.or(suffix.unit).map(str::to_owned);
    out.push(NumberToken {
        span: offs[start]..offs[end],
        quantity: Quantity {
            value,
            precision: core.precision,
            scale,
            unit,
            approx: lex::combine(pre, suffix.approx),
        },
    });
}

/// Unitless integers that are codes, not counts: leading zeros (`017010`), mobile numbers,
/// bare years (`2014中国政府网站绩效评估`, 1949–2050) and dates with their separators lost
/// (`20183` = 2018年3月, `20171231`).
fn looks_like_code(cs: &[char], i: usize, core: &Core) -> bool {
    if core.precision > 0 || core.grouped {
        return false;
    }
    let digits: String = cs[i..core.end].iter().collect();
    let n = digits.len();
    if n > 1 && digits.starts_with('0') {
        return true;
    }
    if n == 11 && digits.starts_with('1') {
        return true;
    }
    if n == 4
        && digits
            .parse::<u32>()
            .is_ok_and(|y| (1949..=2050).contains(&y))
    {
        return true;
    }
    (5..=8).contains(&n) && glued_date(&digits)
}

/// `yyyym`, `yyyymm`, `yyyymdd`, `yyyymmdd` with a plausible year, month and day.
fn glued_date(d: &str) -> bool {
    let Ok(year) = d[..4].parse::<u32>() else {
        return false;
    };
    if !(1950..=2049).contains(&year) {
        return false;
    }
    let rest = &d[4..];
    let month_ok = |m: &str| m.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m));
    let day_ok = |x: &str| x.parse::<u32>().is_ok_and(|x| (1..=31).contains(&x));
    match rest.len() {
        1 | 2 => month_ok(rest),
        3 => {
            (month_ok(&rest[..1]) && day_ok(&rest[1..]))
                || (month_ok(&rest[..2]) && day_ok(&rest[2..]))
        }
        4 => month_ok(&rest[..2]) && day_ok(&rest[2..]),
        _ => false,
    }
}

/// Index past a run of ASCII digits, letters and digit punctuation starting at `i`.
fn skip_run(cs: &[char], i: usize) -> usize {
    let mut j = i;
    while j < cs.len()
        && (cs[j].is_ascii_alphanumeric()
            || (matches!(cs[j], '.' | ',') && cs.get(j + 1).is_some_and(|c| c.is_ascii_digit())))
    {
        j += 1;
    }
    j.max(i + 1)
}

/// Index past a run of Chinese numeral characters starting at `i`.
fn skip_cn_run(cs: &[char], i: usize) -> usize {
    let mut j = i;
    while j < cs.len() && lex::is_cn_numeral(cs[j]) {
        j += 1;
    }
    j.max(i + 1)
}

/// CJK ideographs (treated as word characters that can precede a sign).
fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

/// Digits and closing brackets: a `-` after them is a dash, not a sign.
fn is_digit_like(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, ')' | '）' | '%')
}

/// Parse a whole string as a Chinese numeral (`十四`, `两千三百`, `一百零五`, `五点五四万`,
/// `二〇二四`, `千`): the value (scale applied), the decimals printed and the scale (10⁴ when it
/// ends in 万, 10⁸ for 亿). `None` if the string is not exactly one numeral.
pub fn parse_chinese_numeral(text: &str) -> Option<(Decimal, u32, Decimal)> {
    let cs: Vec<char> = text.trim().chars().collect();
    let core = lex::chinese(&cs, 0)?;
    let mut end = core.end;
    let mut scale = Decimal::ONE;
    if core.scale == Decimal::ONE {
        if let Some((s, n)) = lex::scale_word(&cs, end) {
            scale = s;
            end += n;
        }
    }
    if end != cs.len() {
        return None;
    }
    Some((
        core.value.checked_mul(scale)?,
        core.precision,
        core.scale.checked_mul(scale)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exclusion_pattern_compiles() {
        assert_eq!(EXCLUDE.patterns.len(), EXCLUDE_PATTERNS.len());
        assert_eq!(EXCLUDE.set.len(), EXCLUDE_PATTERNS.len());
        assert!((0..EXCLUDE_PATTERNS.len()).all(|i| EXCLUDE.get(i).is_some()));
        assert!(IDENT.is_some());
    }

    #[test]
    fn zones_merge_and_lookup() {
        let zones = exclusion_zones("2017年1月1日和3件");
        assert_eq!(zones.len(), 1);
        assert!(excluded(&zones, &(0..4)));
        assert!(!excluded(&zones, &(zones[0].end..zones[0].end + 1)));
    }

    #[test]
    fn glued_dates() {
        for s in ["20183", "201711", "20171231", "2017111", "201712"] {
            assert!(glued_date(s), "{s}");
        }
        for s in [
            "62095", "31623", "45195", "20190", "201713", "20171232", "99999",
        ] {
            assert!(!glued_date(s), "{s}");
        }
    }
}
