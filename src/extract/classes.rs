//! Regex's own character classes (`\s`, `\d`, `\p{Han}`) as predicates, for hand-written
//! matchers that must give the results of the regular expressions they replace: the ranges are
//! read from regex-syntax's tables (parsing a one-class pattern costs far less than compiling a
//! regex), so the classes are the same code points.

use regex_syntax::hir::{Class, HirKind};
use std::sync::LazyLock;

/// A Unicode character class as sorted ranges, with a summary of each 256-character block of
/// the Basic Multilingual Plane so that most characters are answered without a search (`\d`
/// has no member among the CJK ideographs, `\p{Han}` holds them all).
struct Chars {
    /// Sorted, disjoint ranges.
    ranges: Vec<(char, char)>,
    /// For each block `c >> 8` below U+10000: how much of it the class holds.
    blocks: [Block; 256],
}

/// How much of a 256-character block a class holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    None,
    All,
    Some,
}

impl Chars {
    /// The class a one-class pattern (`\d`) matches, as regex reads it.
    fn of(pattern: &str) -> Self {
        Self::from_ranges(Self::parse(pattern))
    }

    /// A class of these sorted, disjoint ranges.
    fn from_ranges(ranges: Vec<(char, char)>) -> Self {
        let mut blocks = [Block::None; 256];
        for (b, block) in blocks.iter_mut().enumerate() {
            let (lo, hi) = ((b as u32) << 8, ((b as u32) << 8) | 0xFF);
            // Code points of the block the class holds (surrogates are never in a range).
            let held: u32 = ranges
                .iter()
                .map(|&(s, e)| {
                    let (s, e) = ((s as u32).max(lo), (e as u32).min(hi));
                    if s <= e {
                        e - s + 1
                    } else {
                        0
                    }
                })
                .sum();
            *block = match held {
                0 => Block::None,
                256 => Block::All,
                _ => Block::Some,
            };
        }
        Chars { ranges, blocks }
    }

    /// The ranges of a one-class pattern, as regex reads it.
    fn parse(pattern: &str) -> Vec<(char, char)> {
        regex_syntax::Parser::new()
            .parse(pattern)
            .ok()
            .and_then(|hir| match hir.into_kind() {
                HirKind::Class(Class::Unicode(c)) => {
                    Some(c.iter().map(|r| (r.start(), r.end())).collect())
                }
                _ => None,
            })
            .unwrap_or_default()
    }

    /// Is `c` in the class?
    fn has(&self, c: char) -> bool {
        match self.blocks.get(c as usize >> 8) {
            Some(Block::None) => false,
            Some(Block::All) => true,
            _ => self.search(c),
        }
    }

    /// Is `c` in one of the ranges (a binary search)?
    fn search(&self, c: char) -> bool {
        let i = self.ranges.partition_point(|&(_, end)| end < c);
        self.ranges.get(i).is_some_and(|&(start, _)| start <= c)
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
    fn block_summaries_answer_as_the_search_does() {
        for class in [&*SPACE, &*DIGIT, &*HAN] {
            assert!(!class.ranges.is_empty());
            for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
                assert_eq!(class.has(c), class.search(c), "{c:?}");
            }
        }
        // Blocks cut by range ends on both sides, and a range over a whole block.
        let odd = Chars::from_ranges(vec![('\u{1F0}', '\u{310}'), ('\u{400}', '\u{4FF}')]);
        for c in (0..=0x600u32).filter_map(char::from_u32) {
            assert_eq!(odd.has(c), odd.search(c), "{c:?}");
        }
        let kinds = odd.blocks[..6].iter().map(|b| match b {
            Block::None => 'n',
            Block::All => 'a',
            Block::Some => 's',
        });
        assert_eq!(kinds.collect::<String>(), "nsasan");
    }

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
