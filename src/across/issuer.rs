//! Hand-written matchers for the report-identity patterns read when a report has no title line
//! (the year in a sentence, the 落款, `由…编制`, the crawl's `发布机构` line, the path), with the
//! results of the regular expressions they replace (kept in the tests, which compare both).

use crate::extract::classes::{digit, han, skip_space, space};

/// Endings of a body's name (`ORG` of the expressions), in the expressions' order.
const ORG: &[&str] = &[
    "人民政府办公室",
    "人民政府办公厅",
    "人民政府",
    "政府办公室",
    "办公室",
    "办公厅",
    "管理委员会",
    "管委会",
    "委员会",
    "办事处",
    "局",
    "厅",
    "委",
    "署",
    "院",
    "中心",
    "所",
    "站",
    "队",
    "会",
];

/// `(?:19|20)\d{2}` at the start of `s`: the year and the rest.
fn year(s: &str) -> Option<(&str, &str)> {
    let tail = s.strip_prefix("19").or_else(|| s.strip_prefix("20"))?;
    let mut chars = tail.char_indices();
    for _ in 0..2 {
        if !digit(chars.next()?.1) {
            return None;
        }
    }
    Some(s.split_at(s.len() - tail.len() + chars.next().map_or(tail.len(), |(i, _)| i)))
}

/// Suffixes of `s` after 0 to `max` leading characters that pass `class`, shortest first (a
/// lazy `{0,max}?`).
fn lazy(s: &str, max: usize, class: impl Fn(char) -> bool) -> impl Iterator<Item = &str> {
    std::iter::once(s).chain(
        s.char_indices()
            .take(max)
            .take_while(move |&(_, c)| class(c))
            .map(move |(i, c)| &s[i + c.len_utf8()..]),
    )
}

/// Every position of `text` from which `f` finds a match, the first one's result. `f` finds
/// none at a position where no `start` begins: only the positions where one does are tried (a
/// search for them skips the rest of a long text, such as the head of a web page).
fn leftmost<'a, T>(
    text: &'a str,
    start: &[&str],
    mut f: impl FnMut(&'a str) -> Option<T>,
) -> Option<T> {
    let find = |w: &str, from: usize| {
        memchr::memmem::find(&text.as_bytes()[from..], w.as_bytes()).map(|i| from + i)
    };
    // The next place each `start` begins at or after `at` (a literal of valid UTF-8 begins
    // only where a character of the text does), searched again once passed.
    let mut next: Vec<Option<usize>> = start.iter().map(|w| find(w, 0)).collect();
    let mut at = 0;
    loop {
        for (n, w) in next.iter_mut().zip(start) {
            if n.is_some_and(|i| i < at) {
                *n = find(w, at);
            }
        }
        at = next.iter().flatten().copied().min()?;
        if let Some(t) = f(&text[at..]) {
            return Some(t);
        }
        at += text[at..].chars().next()?.len_utf8();
    }
}

/// The year of the first `((?:19|20)\d{2})\s*年度?[^。\n\d]{0,12}?政府信息公开(?:工作)?年度?报告`.
pub(super) fn year_in_title(text: &str) -> Option<&str> {
    leftmost(text, &["19", "20"], |s| {
        let (y, rest) = year(s)?;
        let after = skip_space(rest).strip_prefix('年')?;
        let words = |s: &str| {
            lazy(s, 12, |c| c != '。' && c != '\n' && !digit(c)).any(|t| {
                let Some(t) = t.strip_prefix("政府信息公开") else {
                    return false;
                };
                [Some(t), t.strip_prefix("工作")]
                    .into_iter()
                    .flatten()
                    .filter_map(|t| t.strip_prefix('年'))
                    .any(|t| {
                        t.strip_prefix('度').unwrap_or(t).starts_with("报告")
                            || t.starts_with("报告")
                    })
            })
        };
        [after.strip_prefix('度'), Some(after)]
            .into_iter()
            .flatten()
            .any(words)
            .then_some(y)
    })
}

/// The year of the first `(?:统计期限|统计期)[^。\n]{0,8}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日`.
pub(super) fn year_in_period(text: &str) -> Option<&str> {
    leftmost(text, &["统计期"], |s| {
        [s.strip_prefix("统计期限"), s.strip_prefix("统计期")]
            .into_iter()
            .flatten()
            .find_map(|rest| {
                lazy(rest, 8, |c| c != '。' && c != '\n').find_map(|t| {
                    let (y, t) = year(t)?;
                    let mut t = t;
                    for w in ['年', '1', '月', '1', '日'] {
                        t = skip_space(t).strip_prefix(w)?;
                    }
                    Some(y)
                })
            })
    })
}

/// A character of an issuer named in a sentence (`[^\s\d，。,、：:；;（）()《》“”]`).
fn named_char(c: char) -> bool {
    !space(c) && !digit(c) && !"，。,、：:；;（）()《》“”".contains(c)
}

/// The issuer of the first
/// `由\s*(?P<issuer>[^\s\d，。,、：:；;（）()《》“”]{2,30}?ORG)\s*(?:根据[^。]{0,40})?(?:编制|编写|制作|汇总|起草|负责)`.
pub(super) fn issuer_by(text: &str) -> Option<&str> {
    const VERBS: &[&str] = &["编制", "编写", "制作", "汇总", "起草", "负责"];
    let verb = |t: &str| VERBS.iter().any(|v| t.starts_with(v));
    leftmost(text, &["由"], |s| {
        let name = skip_space(s.strip_prefix('由')?);
        // Lazy: the shortest name (2 to 30 characters and an ending) the rest allows.
        name.char_indices()
            .take(30)
            .take_while(|&(_, c)| named_char(c))
            .skip(1)
            .find_map(|(i, c)| {
                let stem = i + c.len_utf8();
                ORG.iter().find_map(|org| {
                    let rest = skip_space(name[stem..].strip_prefix(org)?);
                    let by = rest
                        .strip_prefix("根据")
                        .is_some_and(|r| lazy(r, 40, |c| c != '。').any(verb));
                    (by || verb(rest)).then(|| &name[..stem + org.len()])
                })
            })
    })
}

/// The issuer of `^\s*(?:发布机构|发布单位|发文机关|来源)\s*[:：]\s*(?P<issuer>\S{2,40})\s*$`.
pub(super) fn publisher(line: &str) -> Option<&str> {
    let s = skip_space(line);
    let s = ["发布机构", "发布单位", "发文机关", "来源"]
        .iter()
        .find_map(|w| s.strip_prefix(w))?;
    let s = skip_space(skip_space(s).strip_prefix([':', '：'])?);
    let name = s.trim_end_matches(space);
    let n = name.chars().count();
    ((2..=40).contains(&n) && !name.contains(space)).then_some(name)
}

/// `[\p{Han}（）()]{2,40}ORG`: is `name` a body's name?
fn org_name(name: &str) -> bool {
    let class = |c: char| han(c) || "（）()".contains(c);
    ORG.iter().any(|org| {
        name.strip_suffix(org).is_some_and(|stem| {
            let n = stem.chars().count();
            (2..=40).contains(&n) && stem.chars().all(class)
        })
    })
}

/// The issuer of `^\s*(?P<issuer>[\p{Han}（）()]{2,40}ORG)\s*$` (a 落款 line).
pub(super) fn sign_org(line: &str) -> Option<&str> {
    let name = skip_space(line).trim_end_matches(space);
    org_name(name).then_some(name)
}

/// `^[\p{Han}（）()]{2,40}ORG$` (a folder named after a body).
pub(super) fn path_org(name: &str) -> bool {
    org_name(name)
}

/// Is `line` a date
/// (`^\s*(?:(?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日\s*$`)?
pub(super) fn sign_date(line: &str) -> bool {
    let s = skip_space(line);
    let numeral_year = || {
        let mut chars = s.char_indices();
        for _ in 0..4 {
            if !"〇○零一二三四五六七八九".contains(chars.next()?.1) {
                return None;
            }
        }
        Some(&s[chars.next().map_or(s.len(), |(i, _)| i)..])
    };
    let Some(rest) = year(s).map(|(_, r)| r).or_else(numeral_year) else {
        return false;
    };
    let date = || {
        let t = skip_space(rest).strip_prefix('年')?;
        let t = date_part(t, '月')?;
        let t = date_part(t, '日')?;
        skip_space(t).is_empty().then_some(())
    };
    date().is_some()
}

/// `\s*[\d一二三四五六七八九十]{1,3}\s*` and `unit` at the start of `t`: the rest.
fn date_part(t: &str, unit: char) -> Option<&str> {
    let t = skip_space(t);
    let class = |c: char| digit(c) || "一二三四五六七八九十".contains(c);
    let n = t.chars().take_while(|&c| class(c)).count();
    if !(1..=3).contains(&n) {
        return None;
    }
    let i = t.char_indices().nth(n).map_or(t.len(), |(i, _)| i);
    skip_space(&t[i..]).strip_prefix(unit)
}

/// The year of the first `(?:^|\D)((?:19|20)\d{2})(?:\D|$)`.
pub(super) fn path_year(name: &str) -> Option<&str> {
    let mut prev: Option<char> = None;
    for (i, c) in name.char_indices() {
        if prev.is_none_or(|p| !digit(p)) {
            if let Some((y, rest)) = year(&name[i..]) {
                if rest.chars().next().is_none_or(|n| !digit(n)) {
                    return Some(y);
                }
            }
        }
        prev = Some(c);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    const ORG_RE: &str = r"(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|办公室|办公厅|管理委员会|管委会|委员会|办事处|局|厅|委|署|院|中心|所|站|队|会)";

    /// Lines, near misses, every fixture line, head and tail, and cut versions.
    fn texts() -> Vec<String> {
        let mut v: Vec<String> = [
            "莆田市应急管理局2022年度政府信息公开工作年度报告",
            "2021 年度本机关政府信息公开工作年报告",
            "2021年\n度一二三四五六七八九十一二政府信息公开年度报告",
            "2021年一二三四五六七八九十一二三政府信息公开年报告",
            "2021年政府信息公开工作报告",
            "202021年政府信息公开年报告",
            "统计期限自2020年1月1日起至2020年12月31日止",
            "统计期限为 2020 年 1 月 1 日",
            "统计期一二三四五六七八2019年1月1日",
            "统计期一二三四五六七八九2019年1月1日",
            "统计期2019年11月1日",
            "本报告由莆田市人民政府办公室编制",
            "本报告由 某某县统计局 根据有关规定编制",
            "由某某县交通局负责",
            "由某局根据一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十编制",
            "由某局根据一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一编制",
            "由某某县人民政府办公室编写，由某局汇总",
            "由本会编制",
            "由某某中心中心制作",
            "由某某委员会根据。编制",
            "发布机构: 莆田市应急管理局",
            "发布机构：莆田 应急局",
            "来源：x",
            "  发文机关 ：  某某县人民政府  ",
            "某某县交通局",
            "  某某县（区）人民政府办公室 ",
            "某局",
            "某某 县局",
            "2022年1月20日",
            " 二〇二二年一月二十日 ",
            "2022年1月2000日",
            "2022 年 12 月 31 日 ",
            "二〇二二年十一月三十一日",
            "report-2019",
            "2019",
            "x20190",
            "a2019b2020",
            "12019-2020",
            "",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for text in crate::test_fixtures::fixture_texts(&["txt"]) {
            v.extend(text.lines().map(String::from));
            v.push(text.lines().take(40).collect::<Vec<_>>().join("\n"));
        }
        let cuts = crate::test_fixtures::one_character_removed(&v[..39]);
        v.extend(cuts);
        v
    }

    #[test]
    fn the_matchers_give_the_regexes_results() {
        let re = |p: &str| Regex::new(&p.replace("ORG", ORG_RE)).expect("valid");
        let title = re(r"((?:19|20)\d{2})\s*年度?[^。\n\d]{0,12}?政府信息公开(?:工作)?年度?报告");
        let period = re(r"(?:统计期限|统计期)[^。\n]{0,8}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日");
        let by = re(
            r"由\s*(?P<issuer>[^\s\d，。,、：:；;（）()《》“”]{2,30}?ORG)\s*(?:根据[^。]{0,40})?(?:编制|编写|制作|汇总|起草|负责)",
        );
        let publisher_re =
            re(r"^\s*(?:发布机构|发布单位|发文机关|来源)\s*[:：]\s*(?P<issuer>\S{2,40})\s*$");
        let sign_org_re = re(r"^\s*(?P<issuer>[\p{Han}（）()]{2,40}ORG)\s*$");
        let sign_date_re = re(
            r"^\s*(?:(?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日\s*$",
        );
        let path_year_re = re(r"(?:^|\D)((?:19|20)\d{2})(?:\D|$)");
        let path_org_re = re(r"^[\p{Han}（）()]{2,40}ORG$");
        let group = |r: &Regex, t: &'static str| {
            let r = r.clone();
            move |s: &str| -> Option<String> {
                r.captures(s)
                    .and_then(|c| c.name(t).or_else(|| c.get(1)))
                    .map(|m| m.as_str().to_string())
            }
        };
        let mut hits = [0usize; 8];
        for t in texts() {
            let own = |x: Option<&str>| x.map(String::from);
            let checks: [(Option<String>, Option<String>); 8] = [
                (own(year_in_title(&t)), group(&title, "")(&t)),
                (own(year_in_period(&t)), group(&period, "")(&t)),
                (own(issuer_by(&t)), group(&by, "issuer")(&t)),
                (own(publisher(&t)), group(&publisher_re, "issuer")(&t)),
                (own(sign_org(&t)), group(&sign_org_re, "issuer")(&t)),
                (
                    sign_date(&t).then(String::new),
                    sign_date_re.is_match(&t).then(String::new),
                ),
                (own(path_year(&t)), group(&path_year_re, "")(&t)),
                (
                    path_org(&t).then(String::new),
                    path_org_re.is_match(&t).then(String::new),
                ),
            ];
            for (k, (got, want)) in checks.into_iter().enumerate() {
                assert_eq!(got, want, "matcher {k} on {t:?}");
                hits[k] += usize::from(want.is_some());
            }
        }
        assert!(hits.iter().all(|&h| h >= 3), "{hits:?}");
    }
}
