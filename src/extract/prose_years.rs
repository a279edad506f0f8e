//! Hand-written matchers for the prose scanner's year and heading patterns, run on every
//! report, with the results of the regular expressions they replace (kept in the tests, which
//! compare both): compiling them cost more instructions than reading a report.

use super::classes::{digit, skip_space};

/// Chinese numerals of list markers (`一、`, `（三）`): `[一二三四五六七八九十]`.
fn numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

/// Could a list marker or a leading `\d` open `s` (no leading white space)? Every reading of
/// [`after_marker`] and a year at the very start need one of these first.
fn may_open_marker(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| matches!(c, '（' | '(') || numeral(c) || digit(c))
}

/// The byte offset of the first `\d` of `text` at or after byte `from` (a character boundary).
/// The three-byte characters led by `E4`–`E9` (U+4000–U+9FFF, CJK ideographs: no digit among
/// them) are passed without decoding.
fn next_digit(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii_digit() {
            return Some(i);
        }
        if b < 0x80 {
            i += 1;
        } else if (0xE4..=0xE9).contains(&b) {
            i += 3;
        } else {
            let c = text.get(i..).and_then(|r| r.chars().next())?;
            if digit(c) {
                return Some(i);
            }
            i += c.len_utf8();
        }
    }
    None
}

/// The run of `\d` starting at byte `i`: where its last four digits start (the only place in
/// it where `(\d{4})\s*年` can match, as a digit is neither white space nor `年`), if it has
/// four, and where it ends.
fn last_four(text: &str, i: usize) -> (Option<usize>, usize) {
    let mut starts = [0usize; 4];
    let mut n = 0;
    let mut end = text.len();
    for (k, c) in text.get(i..).unwrap_or("").char_indices() {
        if !digit(c) {
            end = i + k;
            break;
        }
        starts[n % 4] = i + k;
        n += 1;
    }
    ((n >= 4).then(|| starts[(n - 4) % 4]), end)
}

/// `\d{4}` at the start of `s`: the digits and the rest.
fn four_digits(s: &str) -> Option<(&str, &str)> {
    let mut chars = s.char_indices();
    for _ in 0..4 {
        let (_, c) = chars.next()?;
        if !digit(c) {
            return None;
        }
    }
    Some(s.split_at(chars.next().map_or(s.len(), |(i, _)| i)))
}

/// What follows 1 to `max` leading characters of `class`, longest first (a greedy `{1,max}`).
fn counted(s: &str, max: usize, class: impl Fn(char) -> bool) -> Vec<&str> {
    let mut out: Vec<&str> = s
        .char_indices()
        .take(max)
        .take_while(|&(_, c)| class(c))
        .map(|(i, c)| &s[i + c.len_utf8()..])
        .collect();
    out.reverse();
    out
}

/// What follows a list marker at the start of `s`, for each way the marker can be read, in the
/// order regex tries them: `[（(][一二三四五六七八九十\d]{1,3}[)）]`, then
/// `[一二三四五六七八九十]{1,3}` + one of `seps`, then `\d{1,2}[.．、]` (`digit_ok` says what may
/// follow that one).
fn after_marker<'a>(s: &'a str, seps: &[char], digit_ok: impl Fn(&str) -> bool) -> Vec<&'a str> {
    let mut out = Vec::new();
    if let Some(inner) = s.strip_prefix(['（', '(']) {
        let numeral = |c: char| numeral(c) || digit(c);
        out.extend(
            counted(inner, 3, numeral)
                .into_iter()
                .filter_map(|r| r.strip_prefix([')', '）'])),
        );
    }
    out.extend(
        counted(s, 3, numeral)
            .into_iter()
            .filter_map(|r| r.strip_prefix(seps)),
    );
    out.extend(
        counted(s, 2, digit)
            .into_iter()
            .filter_map(|r| r.strip_prefix(['.', '．', '、']))
            .filter(|r| digit_ok(r)),
    );
    out
}

/// The year digits of every match of `(\d{4})\s*年`, left to right.
pub(super) fn year_mentions(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        // Only a run of digits can hold a match, at its last four.
        while let Some(i) = next_digit(text, at) {
            let (year_at, end) = last_four(text, i);
            if let Some((digits, rest)) = year_at.and_then(|y| four_digits(&text[y..])) {
                if let Some(after) = skip_space(rest).strip_prefix('年') {
                    at = text.len() - after.len();
                    return Some(digits);
                }
            }
            at = end;
        }
        at = text.len();
        None
    })
}

/// The year of `^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.．、])?\s*(\d{4})\s*年`.
pub(super) fn leading_year(text: &str) -> Option<&str> {
    let s = skip_space(text);
    if !may_open_marker(s) {
        return None;
    }
    after_marker(s, &['、'], |_| true)
        .into_iter()
        .chain([s])
        .find_map(|rest| {
            let (digits, after) = four_digits(skip_space(rest))?;
            skip_space(after).starts_with('年').then_some(digits)
        })
}

/// Does `line` open with a heading marker:
/// `^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[.．、](?:\D|$))`?
pub(super) fn heading_marker(line: &str) -> bool {
    let not_digit = |r: &str| r.chars().next().is_none_or(|c| !digit(c));
    let s = skip_space(line);
    may_open_marker(s) && !after_marker(s, &['、', '.', '．'], not_digit).is_empty()
}

/// The year digits of the first match of
/// `(\d{4})\s*年(?:度)?.{0,30}?政府信息公开(?:工作)?(?:年度)?报告`.
pub(super) fn title_year(text: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(i) = next_digit(text, from) {
        let (year_at, end) = last_four(text, i);
        from = end;
        if let Some((digits, rest)) = year_at.and_then(|y| four_digits(&text[y..])) {
            if let Some(after) = skip_space(rest).strip_prefix('年') {
                let found = [after.strip_prefix('度'), Some(after)]
                    .into_iter()
                    .flatten()
                    .any(title_words);
                if found {
                    return Some(digits);
                }
            }
        }
    }
    None
}

/// `.{0,30}?政府信息公开(?:工作)?(?:年度)?报告` at the start of `s`.
fn title_words(s: &str) -> bool {
    let mut rest = s;
    for k in 0..=30 {
        if let Some(t) = rest.strip_prefix("政府信息公开") {
            let found = [Some(t), t.strip_prefix("工作")]
                .into_iter()
                .flatten()
                .flat_map(|t| [Some(t), t.strip_prefix("年度")])
                .flatten()
                .any(|t| t.starts_with("报告"));
            if found {
                return true;
            }
        }
        let mut chars = rest.chars();
        match chars.next() {
            Some(c) if k < 30 && c != '\n' => rest = chars.as_str(),
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    const TITLE: &str = r"(\d{4})\s*年(?:度)?.{0,30}?政府信息公开(?:工作)?(?:年度)?报告";
    const LEADING_YEAR: &str = r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.．、])?\s*(\d{4})\s*年";
    const HEADING: &str = r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[.．、](?:\D|$))";
    const YEAR_MENTION: &str = r"(\d{4})\s*年";

    /// Lines and near misses, every fixture line, every fixture text, and cut versions.
    fn texts() -> Vec<String> {
        let mut v: Vec<String> = [
            "2021年政府信息公开工作年度报告",
            "2021 年度本机关政府信息公开工作报告",
            "2021年度一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十政府信息公开报告",
            "2021年度一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一政府信息公开报告",
            "关于20212022年政府信息公开年度报告的说明",
            "2021年\n政府信息公开工作年度报告",
            "12345年，2020 年和2020年",
            "２０２１年",
            "（一）2021年",
            "(12)2021年",
            "（一二三四）2021年",
            "一、 2021年",
            "一二三四、2021年",
            "1.2021年",
            "12、 2021 年",
            "123.2021年",
            "一.",
            "1.",
            "1.2",
            "1.a",
            "12．x",
            "  （三）主要类别",
            "（三主要类别",
            "",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for text in crate::test_fixtures::fixture_texts(&["txt"]) {
            v.extend(text.lines().map(String::from));
            v.push(text);
        }
        let cuts = crate::test_fixtures::one_character_removed(&v[..24]);
        v.extend(cuts);
        v
    }

    #[test]
    fn no_digit_among_the_ideographs_next_digit_passes() {
        assert!(!('\u{4000}'..='\u{9FFF}').any(digit));
        assert_eq!(next_digit("年月٣2", 0), Some(6));
        assert_eq!(next_digit("年月", 0), None);
    }

    #[test]
    fn the_matchers_give_the_regexes_results() {
        let title = Regex::new(TITLE).expect("valid");
        let leading = Regex::new(LEADING_YEAR).expect("valid");
        let heading = Regex::new(HEADING).expect("valid");
        let mention = Regex::new(YEAR_MENTION).expect("valid");
        let (mut titles, mut leads, mut heads) = (0, 0, 0);
        for t in texts() {
            let want = title
                .captures(&t)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str());
            assert_eq!(title_year(&t), want, "title {t:?}");
            titles += usize::from(want.is_some());
            let want = leading
                .captures(&t)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str());
            assert_eq!(leading_year(&t), want, "leading {t:?}");
            leads += usize::from(want.is_some());
            assert_eq!(heading_marker(&t), heading.is_match(&t), "heading {t:?}");
            heads += usize::from(heading.is_match(&t));
            let want: Vec<&str> = mention
                .captures_iter(&t)
                .filter_map(|c| c.get(1))
                .map(|m| m.as_str())
                .collect();
            assert_eq!(
                year_mentions(&t).collect::<Vec<_>>(),
                want,
                "mentions {t:?}"
            );
        }
        assert!(
            titles > 20 && leads > 10 && heads > 50,
            "{titles} {leads} {heads}"
        );
    }
}
