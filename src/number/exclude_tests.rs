//! The hand-matched exclusion patterns give what their regexes give; the gates of the others
//! never refuse a text their regex matches.

use super::exclude::{
    gate_admits, gated, hand_find_iter, hand_matcher, identifier_runs, regex_text,
    slots_name_their_patterns, starts_are_complete, EXCLUDE_PATTERNS,
};
use regex::Regex;
use std::ops::Range;

/// Every pattern compiled as a regex.
fn regexes() -> Vec<Regex> {
    (0..EXCLUDE_PATTERNS.len())
        .map(|i| {
            let p = regex_text(i).expect("pattern");
            Regex::new(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
        })
        .collect()
}

/// Every fixture text (text, Markdown and HTML files, read as text), and those below the
/// directories in `GOUJI_EXCLUDE_DIRS` (colon-separated) when set.
fn texts() -> Vec<String> {
    crate::test_fixtures::fixture_texts(&["txt", "md", "html"])
}

/// A deterministic stream of pseudo-random numbers (xorshift).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Keywords of the patterns matched by regexes.
const KEYWORDS: &[&str] = &[
    "电话",
    "热线",
    "传真",
    "手机",
    "联系方式：",
    "邮编",
    "邮政编码",
    "索引号",
    "文号",
    "编号",
    "http://",
    "HTTPS://a",
    "ftp://",
    "www.",
    "WwW.a",
    "copyright ",
    "(c)",
    "©",
    "@",
    "a@b.cn",
    "政务",
    "号码",
];

/// Random strings over the characters the patterns name, and a few others.
fn random_texts(n: usize) -> Vec<String> {
    let alphabet: Vec<char> = "0123456789０１９ \t\n\u{3000}\u{a0}年月日号份第一二十百零两〇条、．.。；;：:!！?？（）()〔〕［］[]【】“”\"‘’「」『』—-–－~～至到/_xaT@件人"
        .chars()
        .collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..n)
        .map(|_| {
            let len = rng.below(24);
            let mut text = String::new();
            for _ in 0..len {
                // Digits half the time: the patterns are about them; now and then a keyword.
                match rng.below(16) {
                    0..=7 => text.push(alphabet[rng.below(10)]),
                    8 => text.push_str(KEYWORDS[rng.below(KEYWORDS.len())]),
                    _ => text.push(alphabet[rng.below(alphabet.len())]),
                }
            }
            text
        })
        .collect()
}

/// Hand-written cases around each pattern's edges.
const CASES: &[&str] = &[
    "2017年1月1日",
    "2020年02月17日和12月31日",
    "12345年6月",
    "2017 年 1 月 1 号",
    "2017年123月",
    "1月123日",
    "1—7月, 4-5月份, 1至15日, 123-5月",
    "2017-01-01, 12024-01-01, 2017/1/123, 2017.12.3",
    "〔2015〕18号, (2015)18号, 〔201128号, 【 20112 号",
    "（2015）第 3 号 （12015）",
    "010-12345678, 0571 － 1234567, 01-123456, 0123-12345",
    "“12345” \"96158\" 「 1 」 ‘12’",
    "第3, 第 二十条, 第 , 第x",
    "1. 一、 2、\n3．x\n12.5\n。 1、\n123、 一二三四、；十、",
    "1、",
    "1、\n",
    "。1.",
    "\n\n1.\n2.",
    "（1） (一) （1234） （一二三四） ( 12 )",
    "- 1 -  — 12 —  -1-  -\t1234\t-",
    "1.2.3 1.2 1..2.3.4 1.2.3.",
    "8:30 8：3 123:45 1 : 23",
];

/// The ranges a regex's `find_iter` gives.
fn found(re: &Regex, text: &str) -> Vec<Range<usize>> {
    re.find_iter(text).map(|m| m.range()).collect()
}

#[test]
fn every_pattern_is_hand_matched_or_gated_once() {
    let regexes = regexes();
    for i in 0..regexes.len() {
        let hand = hand_matcher(i).is_some();
        let gates = gated().filter(|k| *k == i).count();
        assert!(
            hand as usize + gates == 1,
            "pattern {i}: hand {hand}, gates {gates}"
        );
    }
    assert!(gated().all(|i| i < regexes.len()));
}

#[test]
fn hand_matchers_give_the_regex_matches() {
    let regexes = regexes();
    let texts = texts();
    assert!(texts.len() > 20, "{} texts", texts.len());
    let random = random_texts(30_000);
    let mut pieces: Vec<&str> = CASES.to_vec();
    for t in &texts {
        pieces.push(t);
        pieces.extend(t.lines());
    }
    pieces.extend(random.iter().map(String::as_str));
    let mut matched = vec![0usize; regexes.len()];
    for (i, re) in regexes.iter().enumerate() {
        let Some((start, at)) = hand_matcher(i) else {
            continue;
        };
        for piece in &pieces {
            let want = found(re, piece);
            matched[i] += want.len();
            assert_eq!(
                hand_find_iter(piece, start, at),
                want,
                "pattern {i} {} on {piece:?}",
                EXCLUDE_PATTERNS[i]
            );
        }
    }
    for (i, matched) in matched.iter().enumerate() {
        if hand_matcher(i).is_some() {
            assert!(*matched >= 5, "pattern {i} matched {matched} times");
        }
    }
}

#[test]
fn the_one_pass_tries_each_pattern_by_its_slot() {
    assert!(slots_name_their_patterns());
    assert_eq!(starts_are_complete(), None);
}

#[test]
fn the_one_pass_gives_every_pattern_its_matches() {
    let regexes = regexes();
    let texts = texts();
    let random = random_texts(5_000);
    for text in texts
        .iter()
        .map(String::as_str)
        .chain(CASES.iter().copied())
        .chain(random.iter().map(String::as_str))
    {
        let mut want: Vec<Range<usize>> = regexes.iter().flat_map(|re| found(re, text)).collect();
        let mut got = Vec::new();
        super::exclude::ranges(text, &mut got);
        want.sort_by_key(|r| (r.start, r.end));
        got.sort_by_key(|r| (r.start, r.end));
        assert_eq!(got, want, "{text:?}");
    }
}

#[test]
fn gates_admit_every_text_their_regex_matches() {
    let regexes = regexes();
    let texts = texts();
    let mut pieces: Vec<&str> = Vec::new();
    for t in &texts {
        pieces.push(t);
        pieces.extend(t.lines());
    }
    let mut matched = 0;
    for i in gated() {
        for piece in &pieces {
            if regexes[i].is_match(piece) {
                matched += 1;
                assert!(gate_admits(i, piece), "gate of {i} refused {piece:?}");
            }
        }
    }
    assert!(matched > 10, "{matched} matches");
}

/// The ASCII gates of the case-insensitive patterns (`www.`, `copyright`) are exact: no
/// character outside ASCII is a case variant of their letters.
#[test]
fn case_insensitive_keywords_have_only_ascii_variants() {
    for word in ["www", "copyright"] {
        let hir = regex_syntax::parse(&format!("(?i)[{word}]")).expect("class");
        let regex_syntax::hir::HirKind::Class(regex_syntax::hir::Class::Unicode(class)) =
            hir.kind()
        else {
            panic!("not a Unicode class: {hir:?}");
        };
        for r in class.ranges() {
            assert!(r.end().is_ascii(), "{word}: {r:?}");
        }
    }
}

#[test]
fn identifier_runs_are_the_regex_matches() {
    let re = Regex::new(r"[0-9A-Za-z]+(?:[/_\-][0-9A-Za-z]+)+").expect("regex");
    let texts = texts();
    let random = random_texts(10_000);
    let mut n = 0;
    for text in texts
        .iter()
        .chain(&random)
        .map(String::as_str)
        .chain(["15253908T/2020-01119 a-b-c a- -b x/1/", "a_"])
    {
        let want = found(&re, text);
        n += want.len();
        assert_eq!(identifier_runs(text), want, "{text:?}");
    }
    assert!(n > 10, "{n}");
}
