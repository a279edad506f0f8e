//! The prose scanner: every quantity in a sentence, with its approximation words and unit, and
//! none of the things that only look like quantities (spec §7 N18).

use std::ops::Range;

use rust_decimal::Decimal;

use super::exclude;
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

/// Byte ranges of text that holds no quantity, merged and sorted.
fn exclusion_zones(text: &str) -> Vec<Range<usize>> {
    let mut zones: Vec<Range<usize>> = Vec::new();
    exclude::ranges(text, &mut zones);
    for m in exclude::identifier_runs(text) {
        let s = &text[m.clone()];
        let parts: Vec<&str> = s.split(['/', '-', '_']).collect();
        let identifier = s.bytes().any(|b| b.is_ascii_alphabetic())
            || parts.len() > 2
            || parts.iter().any(|p| p.len() >= 4);
        if identifier {
            zones.push(m);
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
    let mut zones = Zones { text, merged: None };
    let mut offs: Vec<usize> = Vec::with_capacity(text.len() + 1);
    let mut cs: Vec<char> = Vec::with_capacity(text.len());
    for (o, c) in text.char_indices() {
        offs.push(o);
        cs.push(fold(c));
    }
    offs.push(text.len());
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        let next = if c.is_ascii_digit() {
            arabic_token(&cs, &offs, &mut zones, i, &mut out)
        } else if lex::is_cn_numeral(c) {
            chinese_token(&cs, &offs, &mut zones, i, &mut out)
        } else {
            i + 1
        };
        i = next.max(i + 1);
    }
    out
}

/// The exclusion zones of a text, computed when a number first asks for them (a paragraph
/// whose numerals are all words never does).
struct Zones<'a> {
    text: &'a str,
    merged: Option<Vec<Range<usize>>>,
}

impl Zones<'_> {
    /// True if byte range `r` overlaps a zone.
    fn excluded(&mut self, r: &Range<usize>) -> bool {
        let text = self.text;
        excluded(self.merged.get_or_insert_with(|| exclusion_zones(text)), r)
    }
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
    zones: &mut Zones,
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
    if glued_letter || dotted || zones.excluded(&core_bytes) {
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
    zones: &mut Zones,
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
    if zones.excluded(&(offs[i]..offs[core.end])) {
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
    let Some(scale) = core
        .scale
        .checked_mul(suffix.scale)
        .and_then(super::Scale::of)
    else {
        return;
    };
    if negative {
        value = -value;
    }
    let unit = super::Unit::of(unit_override.or(suffix.unit));
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
