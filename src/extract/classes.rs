//! Regex's own character classes (`\s`, `\d`, `\p{Han}`) as predicates, for hand-written
//! matchers that must give the results of the regular expressions they replace: the ranges are
//! read from regex-syntax's tables (parsing a one-class pattern costs far less than compiling a
//! regex), so the classes are the same code points.

use regex_syntax::hir::{Class, HirKind};
use std::sync::LazyLock;

/// A Unicode character class as sorted ranges.
struct Chars(Vec<(char, char)>);

impl Chars {
    /// The class a one-class pattern (`\d`) matches, as regex reads it.
    fn of(pattern: &str) -> Self {
        let ranges = regex_syntax::Parser::new()
            .parse(pattern)
            .ok()
            .and_then(|hir| match hir.into_kind() {
                HirKind::Class(Class::Unicode(c)) => {
                    Some(c.iter().map(|r| (r.start(), r.end())).collect())
                }
                _ => None,
            })
            .unwrap_or_default();
        Chars(ranges)
    }

    /// Is `c` in the class?
    fn has(&self, c: char) -> bool {
        let i = self.0.partition_point(|&(_, end)| end < c);
        self.0.get(i).is_some_and(|&(start, _)| start <= c)
    }
}

static SPACE: LazyLock<Chars> = LazyLock::new(|| Chars::of(r"\s"));
static DIGIT: LazyLock<Chars> = LazyLock::new(|| Chars::of(r"\d"));
static HAN: LazyLock<Chars> = LazyLock::new(|| Chars::of(r"\p{Han}"));

/// `\s`.
pub(crate) fn space(c: char) -> bool {
    SPACE.has(c)
}

/// `\d` (any Unicode decimal digit, as regex's `\d`).
pub(crate) fn digit(c: char) -> bool {
    c.is_ascii_digit() || DIGIT.has(c)
}

/// `\p{Han}`.
pub(crate) fn han(c: char) -> bool {
    HAN.has(c)
}

/// `s` after its leading `\s*`.
pub(crate) fn skip_space(s: &str) -> &str {
    s.trim_start_matches(space)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_classes_are_regex_own() {
        let sample = "a1１٣ \t\u{3000}\n年〇二,，\u{a0}\u{2028}中\u{20000}";
        for (re, f) in [
            (r"\s", space as fn(char) -> bool),
            (r"\d", digit),
            (r"\p{Han}", han),
        ] {
            let re = regex::Regex::new(&format!("^{re}$")).expect("valid");
            for c in sample.chars() {
                assert_eq!(f(c), re.is_match(&c.to_string()), "{re} {c:?}");
            }
        }
    }
}
