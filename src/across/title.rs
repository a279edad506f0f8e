//! Hand-written matchers for the report-identity patterns that every report runs, with the
//! results of the regular expressions they replace (the expressions are kept in the tests,
//! which compare both): compiling the title pattern alone cost more instructions than reading a
//! whole report. Character classes (`\s`, `\d`, `\p{Han}`) are regex's own (see
//! `extract::classes`).

use crate::extract::classes::{digit as is_digit, han, skip_space, space};

/// `line` without a leading `标题:` (`^\s*(?:标题|题目|文章标题|title)\s*[:：]\s*`).
pub(super) fn strip_title_prefix(line: &str) -> &str {
    let s = skip_space(line);
    let Some(s) = ["标题", "题目", "文章标题", "title"]
        .iter()
        .find_map(|w| s.strip_prefix(w))
    else {
        return line;
    };
    match skip_space(s).strip_prefix([':', '：']) {
        Some(rest) => skip_space(rest),
        None => line,
    }
}

/// A title line (already trimmed): the issuer (when printed) and the year, as captured by
/// `^[《\s]*(?P<issuer>[^\s\d，。,、：:；;（）()《》“”]{2,40}?)?\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*(?:[^\s\d，。,]{0,12}?)政府信息公开(?:工作)?年度?报告[》\s]*$`.
pub(super) fn title(line: &str) -> Option<(Option<&str>, &str)> {
    // Every match ends in `政府信息公开…报告[》\s]*`: a line that does not is refused before the
    // issuer is tried at each length (most lines of a page's head).
    let end = line.trim_end_matches(|c| c == '》' || space(c));
    if !end.ends_with("报告") || !end.contains("政府信息公开") {
        return None;
    }
    let start = line.trim_start_matches(|c| c == '《' || space(c));
    // The shortest issuer of 2 to 40 characters after which the rest matches, else none.
    let mut count = 0;
    for (i, c) in start.char_indices() {
        if !issuer_char(c) || count == 40 {
            break;
        }
        count += 1;
        let end = i + c.len_utf8();
        if count >= 2 {
            if let Some(year) = year_and_rest(&start[end..]) {
                return Some((Some(&start[..end]), year));
            }
        }
    }
    year_and_rest(start).map(|year| (None, year))
}

/// A character of the issuer in a title.
fn issuer_char(c: char) -> bool {
    !space(c) && !is_digit(c) && !"，。,、：:；;（）()《》“”".contains(c)
}

/// The year, when `s` is `\s*(?P<year>(?:19|20)\d{2})` followed by the rest of a title.
fn year_and_rest(s: &str) -> Option<&str> {
    let s = skip_space(s);
    let tail = s.strip_prefix("19").or_else(|| s.strip_prefix("20"))?;
    let mut chars = tail.char_indices();
    for _ in 0..2 {
        let (_, c) = chars.next()?;
        if !is_digit(c) {
            return None;
        }
    }
    let end = s.len() - tail.len() + chars.next().map_or(tail.len(), |(i, _)| i);
    let (year, rest) = s.split_at(end);
    title_rest(rest).then_some(year)
}

/// `\s*年度?\s*(?:[^\s\d，。,]{0,12}?)政府信息公开(?:工作)?年度?报告[》\s]*$`.
fn title_rest(s: &str) -> bool {
    let Some(after) = skip_space(s).strip_prefix('年') else {
        return false;
    };
    [Some(after), after.strip_prefix('度')]
        .into_iter()
        .flatten()
        .any(|s| title_words(skip_space(s)))
}

/// `(?:[^\s\d，。,]{0,12}?)政府信息公开(?:工作)?年度?报告[》\s]*$`.
fn title_words(s: &str) -> bool {
    let mut rest = s;
    for k in 0..=12 {
        if title_end(rest) {
            return true;
        }
        let mut chars = rest.chars();
        match chars.next() {
            Some(c) if k < 12 && !space(c) && !is_digit(c) && !"，。,".contains(c) => {
                rest = chars.as_str();
            }
            _ => return false,
        }
    }
    false
}

/// `政府信息公开(?:工作)?年度?报告[》\s]*$`.
fn title_end(s: &str) -> bool {
    let Some(s) = s.strip_prefix("政府信息公开") else {
        return false;
    };
    [Some(s), s.strip_prefix("工作")]
        .into_iter()
        .flatten()
        .filter_map(|t| t.strip_prefix('年'))
        .flat_map(|t| [Some(t), t.strip_prefix('度')])
        .flatten()
        .any(|t| {
            t.strip_prefix("报告")
                .is_some_and(|t| t.chars().all(|c| c == '》' || space(c)))
        })
}

/// A place name that carries a place level:
/// `^[\p{Han}]{1,20}(?:省|自治区|市|自治州|州|盟|地区|县|自治县|旗|区|镇|乡|街道)$`.
pub(super) fn is_place(s: &str) -> bool {
    const LEVELS: &[&str] = &[
        "省",
        "自治区",
        "市",
        "自治州",
        "州",
        "盟",
        "地区",
        "县",
        "自治县",
        "旗",
        "区",
        "镇",
        "乡",
        "街道",
    ];
    // Every split of `s` into 1–20 Han characters and a level.
    for (count, (i, c)) in s.char_indices().enumerate() {
        if !han(c) || count == 20 {
            return false;
        }
        let rest = &s[i + c.len_utf8()..];
        if LEVELS.contains(&rest) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    const TITLE: &str = r"^[《\s]*(?P<issuer>[^\s\d，。,、：:；;（）()《》“”]{2,40}?)?\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*(?:[^\s\d，。,]{0,12}?)政府信息公开(?:工作)?年度?报告[》\s]*$";
    const PREFIX: &str = r"^\s*(?:标题|题目|文章标题|title)\s*[:：]\s*";
    const PLACE: &str =
        r"^[\p{Han}]{1,20}(?:省|自治区|市|自治州|州|盟|地区|县|自治县|旗|区|镇|乡|街道)$";

    /// Lines like titles, and near misses of every part of the pattern.
    fn lines() -> Vec<String> {
        let mut v: Vec<String> = [
            "莆田市应急管理局2022年度政府信息公开工作年度报告",
            "《莆田市2008年度政府信息公开工作年度报告》",
            "  《 某某县人民政府 2020 年 政府信息公开工作年度报告 》 ",
            "2021年政府信息公开工作年度报告",
            "关于2021年政府信息公开工作年度报告",
            "某2021年政府信息公开年报告",
            "某某局2021年度度政府信息公开报告",
            "某某局2021年度 关于本机关的政府信息公开工作年报告》》 ",
            "某某局2021年度一二三四五六七八九十一二政府信息公开工作年度报告",
            "某某局2021年度一二三四五六七八九十一二三政府信息公开工作年度报告",
            "某某局2021年度一，政府信息公开工作年度报告",
            "某某局20２１年政府信息公开工作年度报告",
            "某某局2021年政府信息公开工作年度报告 附件",
            "某某局2021年政府信息公开工作年度报告\u{3000}",
            "某某局2021 年度\u{3000}政府信息公开工作报告",
            "某某局1999年政府信息公开工作年度报告",
            "某某局2121年政府信息公开工作年度报告",
            "某某局2021政府信息公开工作年度报告",
            "某1某局2021年政府信息公开工作年度报告",
            "某，某局2021年政府信息公开工作年度报告",
            "2021年2022年政府信息公开工作年度报告",
            "某局2020年2021年政府信息公开工作年度报告",
            "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十2021年政府信息公开工作年度报告",
            "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一2021年政府信息公开工作年度报告",
            "某2021年政府信息公开工作年度报告",
            "某县20212022年政府信息公开工作年度报告",
            "标题: 莆田市应急管理局2022年度政府信息公开工作年度报告",
            "标题：某某局2021年政府信息公开工作年度报告",
            "  文章标题 ：  某某局",
            "title:x",
            "题目 x",
            "标题",
            "莆田市",
            "古北口镇",
            "朝阳街道",
            "平潭综合实验区",
            "内蒙古自治区",
            "某某自治县",
            "某 市",
            "市",
            "一二三四五六七八九十一二三四五六七八九十市",
            "一二三四五六七八九十一二三四五六七八九十一市",
            "某某市人民政府",
            "",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every fixture line too, trimmed as `identify` trims it.
        for text in crate::test_fixtures::fixture_texts(&["txt"]) {
            v.extend(text.lines().map(String::from));
        }
        // Cut versions of the first ones, at every character.
        let cuts = crate::test_fixtures::one_character_removed(&v[..30]);
        v.extend(cuts);
        v
    }

    #[test]
    fn title_captures_as_the_regex() {
        let re = Regex::new(TITLE).expect("valid");
        let prefix = Regex::new(PREFIX).expect("valid");
        let mut titles = 0;
        for line in lines() {
            let want = prefix.replace(&line, "").to_string();
            assert_eq!(strip_title_prefix(&line), want, "{line:?}");
            let t = want.trim();
            let want = re.captures(t).map(|c| {
                (
                    c.name("issuer").map(|m| m.as_str()),
                    c.name("year").map_or("", |m| m.as_str()),
                )
            });
            assert_eq!(title(t), want, "{t:?}");
            titles += usize::from(want.is_some());
        }
        assert!(titles > 40, "{titles} titles");
    }

    #[test]
    fn place_as_the_regex() {
        let re = Regex::new(PLACE).expect("valid");
        for line in lines() {
            assert_eq!(is_place(&line), re.is_match(&line), "{line:?}");
        }
    }
}
