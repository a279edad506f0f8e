//! A necessary condition for a regular expression to match, read off its syntax tree and tested
//! without compiling it: the pattern's top-level pieces that must appear, in order, at most so
//! many bytes apart (`当面(提出)?申请(的)?{num}`: `当面`, then within 6 bytes `申请`, then within
//! 6 bytes a digit or a Chinese numeral). A text that lacks such a chain cannot match; one that
//! has it may. When the test would cost too much it admits the text.

use memchr::memmem::Finder;
use regex_syntax::hir::{Class, Hir, HirKind};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

/// Most literals one step of a chain (or the single required set) holds.
const MAX_LITERALS: usize = 64;
/// Most positions a chain test examines before it gives up and admits the text.
const BUDGET: usize = 1 << 14;

/// One step of a chain: one of `lits` starts within `gap` bytes (any distance when `None`) of
/// the end of the previous step.
#[derive(Debug, Clone)]
struct Step {
    gap: Option<usize>,
    lits: Finders,
    /// The first bytes of `lits`: a position whose byte is not among them starts none.
    first: ByteSet,
}

/// A set of bytes.
#[derive(Debug, Clone, Copy, Default)]
struct ByteSet([u64; 4]);

impl ByteSet {
    fn insert(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }

    fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }
}

/// Most bits of a [`Sketch`] (a text of 1 KB or more).
const TRIPLE_BITS: usize = 4096;
/// Fewest bits of a [`Sketch`].
const MIN_TRIPLE_BITS: usize = 128;

/// Which ASCII bytes and which runs of three bytes (both hashed into one set of bits) start a
/// character of a text: a literal whose first byte (ASCII), or whose first three bytes, the
/// sketch lacks is not in the text. Built in one pass over a text, it answers most literal tests
/// of the many gates tried on that text without a search each (a Chinese literal's first three
/// bytes are its first character). A literal shorter than three bytes that starts with a
/// non-ASCII byte is always "maybe".
///
/// The set has four bits per byte of the text (a power of two, 128 to 4,096 bits): as sparse for
/// a short text as for a long one. A sketch is a view into [`Sketches`].
#[derive(Debug, Clone, Copy)]
pub struct Sketch<'a> {
    words: &'a [u64],
}

/// The sketches of many texts (a document's paragraphs), in one list of words: a page of
/// 200,000 paragraphs, whose sketches are all held while the prose rules run, holds a few
/// bytes for each rather than a block of its own. The words are bounded
/// ([`SKETCH_WORDS_PER_DOCUMENT`]): texts past the bound get no sketch, and their gates search
/// for every literal, with the same answers.
#[derive(Debug, Clone, Default)]
pub struct Sketches {
    words: Vec<u64>,
    /// Where each text's words start; one more entry than texts.
    starts: Vec<u32>,
}

/// Most words the sketches of one document hold (4 MB): far above what a report needs (two
/// bits per byte of its prose), reached only by pages of hundreds of reports.
const SKETCH_WORDS_PER_DOCUMENT: usize = 1 << 19;

/// Bit of a key in a set of `bits` (a power of two) bits: a multiplicative hash, its top bits.
fn key_bit(key: u32, bits: usize) -> usize {
    (key.wrapping_mul(0x9E37_79B1) >> (32 - bits.trailing_zeros())) as usize
}

/// Key of a run of three bytes (below 2^24).
fn triple_key(a: u8, b: u8, c: u8) -> u32 {
    (u32::from(a) << 16) | (u32::from(b) << 8) | u32::from(c)
}

/// Key of a single ASCII byte (apart from every triple's).
fn byte_key(a: u8) -> u32 {
    0xFF00_0000 | u32::from(a)
}

/// Bytes of the character whose first byte is `x`.
fn char_width(x: u8) -> usize {
    match x {
        0..0x80 => 1,
        0x80..0xE0 => 2,
        0xE0..0xF0 => 3,
        _ => 4,
    }
}

impl Sketches {
    /// The sketches of `texts`, in order.
    pub fn of<'t>(texts: impl IntoIterator<Item = &'t str>) -> Self {
        let mut s = Sketches {
            words: Vec::new(),
            starts: vec![0],
        };
        for text in texts {
            s.push(text);
        }
        s
    }

    fn push(&mut self, text: &str) {
        let bits = text
            .len()
            .saturating_mul(4)
            .next_power_of_two()
            .clamp(MIN_TRIPLE_BITS, TRIPLE_BITS);
        let at = self.words.len();
        if at + bits / 64 > SKETCH_WORDS_PER_DOCUMENT {
            // No sketch: an empty range.
            self.starts.push(at as u32);
            return;
        }
        self.words.resize(at + bits / 64, 0);
        let set = &mut self.words[at..];
        let shift = 32 - bits.trailing_zeros();
        let mut insert = |key: u32| {
            // `key_bit`, the shift computed once per text.
            let bit = (key.wrapping_mul(0x9E37_79B1) >> shift) as usize;
            set[bit / 64] |= 1 << (bit % 64);
        };
        // A literal (valid UTF-8) starts where a character of the text does: only the bytes
        // and triples that start a character are recorded.
        let b = text.as_bytes();
        let mut i = 0;
        // Where three bytes remain: the triple (and an ASCII byte) of each character.
        while let Some(&[x, y, z, ..]) = b.get(i..) {
            if x < 0x80 {
                insert(byte_key(x));
            }
            insert(triple_key(x, y, z));
            i += char_width(x);
        }
        // The last one or two bytes: an ASCII byte starts no triple.
        while let Some(&x) = b.get(i) {
            if x < 0x80 {
                insert(byte_key(x));
            }
            i += char_width(x);
        }
        self.starts.push(self.words.len() as u32);
    }

    /// The sketch of text `i`; `None` past the last text or past the bound on words.
    pub fn get(&self, i: usize) -> Option<Sketch<'_>> {
        let (start, end) = (*self.starts.get(i)?, *self.starts.get(i + 1)?);
        let words = &self.words[start as usize..end as usize];
        (!words.is_empty()).then_some(Sketch { words })
    }
}

impl Sketch<'_> {
    /// Could the sketched text hold `needle`? False only when it cannot.
    pub fn may_hold(&self, needle: &[u8]) -> bool {
        let key = match needle {
            [a, b, c, ..] => triple_key(*a, *b, *c),
            [a, ..] if *a < 0x80 => byte_key(*a),
            _ => return true,
        };
        let bit = key_bit(key, self.words.len() * 64);
        self.words[bit / 64] & (1 << (bit % 64)) != 0
    }
}

/// Literals a text must hold for a pattern to match.
#[derive(Debug, Clone, Default)]
pub struct Gate {
    /// One of these occurs in every match (tested first: one substring search each).
    any: Finders,
    /// Steps every match contains in order (the first one's gap is unused).
    chain: Vec<Step>,
}

impl Gate {
    /// The gate of a parsed pattern.
    pub fn of(hir: &Hir) -> Self {
        let any = required(hir)
            .filter(|v| !v.is_empty() && v.iter().all(|l| !l.is_empty()))
            .map(Vec::into_boxed_slice);
        Gate {
            any: any.as_deref().map(finders).unwrap_or_default(),
            chain: chain_of(hir),
        }
    }

    /// Could `text` hold a match? False only when it cannot.
    pub fn admits(&self, text: &str) -> bool {
        self.admits_sketched(text, None)
    }

    /// [`Gate::admits`] for a text whose [`Sketch`] is known: literals the sketch rules out
    /// are not searched for.
    pub fn admits_in(&self, text: &str, sketch: &Sketch<'_>) -> bool {
        self.admits_sketched(text, Some(sketch))
    }

    fn admits_sketched(&self, text: &str, sketch: Option<&Sketch<'_>>) -> bool {
        let may_hold = |f: &Finder| sketch.is_none_or(|s| s.may_hold(f.needle()));
        if !self.any.is_empty()
            && !self
                .any
                .iter()
                .any(|f| may_hold(f) && f.find(text.as_bytes()).is_some())
        {
            return false;
        }
        if self.chain.len() < 2 {
            return true;
        }
        let mut budget = BUDGET;
        let first = &self.chain[0];
        if self.chain[1].gap.is_none() {
            // The second step may be any distance after the first: a chain that follows one
            // occurrence of the first step follows every occurrence that ends sooner, so only
            // the earliest end is tried (not each numeral of a text before `办结`).
            return match earliest_end(text, first, may_hold) {
                Some(end) => follows(text, &self.chain[1..], end, &mut budget) != Some(false),
                None => false,
            };
        }
        for lit in first.lits.iter().filter(|l| may_hold(l)) {
            // Every occurrence, overlapping ones too.
            let mut from = 0;
            while let Some(i) = lit.find(&text.as_bytes()[from..]) {
                let at = from + i;
                match follows(text, &self.chain[1..], at + lit.needle().len(), &mut budget) {
                    Some(false) => {}
                    // Found, or too costly to tell.
                    _ => return true,
                }
                from = at + text[at..].chars().next().map_or(1, char::len_utf8);
            }
        }
        false
    }
}

/// The earliest end of an occurrence in `text` of one of `step`'s literals that `may_hold`
/// (the first occurrence of each, searched for only where it would end sooner).
fn earliest_end(text: &str, step: &Step, may_hold: impl Fn(&Finder) -> bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut best: Option<usize> = None;
    for lit in step.lits.iter().filter(|l| may_hold(l)) {
        let within = best.map_or(bytes, |b| &bytes[..b]);
        if let Some(i) = lit.find(within) {
            let end = i + lit.needle().len();
            best = Some(best.map_or(end, |b| b.min(end)));
        }
    }
    best
}

/// Does the chain `steps` follow from byte `end` of `text`? `None` when the budget ran out.
fn follows(text: &str, steps: &[Step], end: usize, budget: &mut usize) -> Option<bool> {
    let Some((step, rest)) = steps.split_first() else {
        return Some(true);
    };
    let tail = &text[end..];
    let greedy = rest.first().is_none_or(|s| s.gap.is_none());
    if step.gap.is_none() && greedy {
        // Any distance, and what follows may be anywhere after: the earliest end is best.
        let next = step
            .lits
            .iter()
            .filter_map(|l| l.find(tail.as_bytes()).map(|i| end + i + l.needle().len()))
            .min();
        return match next {
            Some(e) => follows(text, rest, e, budget),
            None => Some(false),
        };
    }
    let last = step
        .gap
        .map_or(text.len(), |gap| end.saturating_add(gap).min(text.len()));
    for (i, _) in tail.char_indices() {
        let at = end + i;
        if at > last {
            break;
        }
        let byte = text.as_bytes()[at];
        if !step.first.contains(byte) {
            continue;
        }
        for lit in step.lits.iter() {
            *budget = budget.checked_sub(1)?;
            if lit.needle().first() == Some(&byte)
                && text.as_bytes()[at..].starts_with(lit.needle())
                && follows(text, rest, at + lit.needle().len(), budget)?
            {
                return Some(true);
            }
        }
    }
    Some(false)
}

/// Searchers for literals, shared.
type Finders = Arc<[Finder<'static>]>;

/// Searchers for `lits`, built once per set of literals: most prose patterns end with the same
/// `{num}` (a step of some 40 one-character literals).
fn finders(lits: &[String]) -> Finders {
    static BUILT: LazyLock<Mutex<HashMap<Vec<String>, Finders>>> = LazyLock::new(Default::default);
    let build = || -> Finders {
        lits.iter()
            .map(|l| Finder::new(l.as_bytes()).into_owned())
            .collect()
    };
    let Ok(mut built) = BUILT.lock() else {
        return build();
    };
    if let Some(f) = built.get(lits) {
        return f.clone();
    }
    let f = build();
    built.insert(lits.to_vec(), f.clone());
    f
}

/// The chain of a pattern's top-level pieces (empty when none is known).
fn chain_of(hir: &Hir) -> Vec<Step> {
    let pieces: &[Hir] = match hir.kind() {
        HirKind::Concat(subs) => subs,
        _ => std::slice::from_ref(hir),
    };
    let mut steps: Vec<Step> = Vec::new();
    // Bytes since the end of the last step (`None`: unbounded).
    let mut gap: Option<usize> = Some(0);
    let add = |gap: Option<usize>, more: Option<usize>| gap.zip(more).map(|(a, b)| a + b);
    for piece in pieces {
        if let Some(lits) = exact(piece) {
            steps.push(step(gap, &lits));
            gap = Some(0);
            continue;
        }
        let props = piece.properties();
        if props.minimum_len().unwrap_or(0) > 0 {
            if let Some(first) = first_chars(piece) {
                // The piece starts with one of these; the rest of it is at most its length.
                let lits: Vec<String> = first.into_iter().map(String::from).collect();
                steps.push(step(gap, &lits));
                gap = props.maximum_len();
                continue;
            }
        }
        gap = add(gap, props.maximum_len());
    }
    steps
}

/// The step of `lits`, `gap` bytes at most after the previous one.
fn step(gap: Option<usize>, lits: &[String]) -> Step {
    let mut first = ByteSet::default();
    for l in lits {
        if let Some(&b) = l.as_bytes().first() {
            first.insert(b);
        }
    }
    Step {
        gap,
        lits: finders(lits),
        first,
    }
}

/// The strings a piece matches, when it matches only a few literal strings.
fn exact(hir: &Hir) -> Option<Vec<String>> {
    match hir.kind() {
        HirKind::Literal(l) => Some(vec![String::from_utf8(l.0.to_vec()).ok()?]),
        HirKind::Capture(c) => exact(&c.sub),
        HirKind::Class(_) => Some(first_chars(hir)?.into_iter().map(String::from).collect()),
        HirKind::Alternation(subs) => {
            let mut all = Vec::new();
            for s in subs {
                all.extend(exact(s)?);
                if all.len() > MAX_LITERALS {
                    return None;
                }
            }
            Some(all)
        }
        _ => None,
    }
    .filter(|v: &Vec<String>| v.iter().all(|l| !l.is_empty()))
}

/// The characters every non-empty match of `hir` starts with, when there are few.
fn first_chars(hir: &Hir) -> Option<Vec<char>> {
    let out = match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Vec::new(),
        HirKind::Literal(l) => vec![std::str::from_utf8(&l.0).ok()?.chars().next()?],
        HirKind::Class(Class::Unicode(c)) => {
            let mut v = Vec::new();
            for r in c.iter() {
                let n = (r.end() as u32).checked_sub(r.start() as u32)? as usize + 1;
                if v.len() + n > MAX_LITERALS {
                    return None;
                }
                v.extend(r.start()..=r.end());
            }
            v
        }
        HirKind::Class(Class::Bytes(_)) => return None,
        HirKind::Capture(c) => first_chars(&c.sub)?,
        HirKind::Repetition(r) => first_chars(&r.sub)?,
        HirKind::Alternation(subs) => {
            let mut v = Vec::new();
            for s in subs {
                v.extend(first_chars(s)?);
            }
            v
        }
        HirKind::Concat(subs) => {
            let mut v = Vec::new();
            for s in subs {
                v.extend(first_chars(s)?);
                if s.properties().minimum_len().unwrap_or(0) > 0 {
                    break;
                }
            }
            v
        }
    };
    (out.len() <= MAX_LITERALS).then_some(out)
}

/// Literals one of which every match of `hir` contains (`None`: no such set of at most
/// [`MAX_LITERALS`] literals was found).
fn required(hir: &Hir) -> Option<Vec<String>> {
    match hir.kind() {
        HirKind::Literal(l) => Some(vec![String::from_utf8(l.0.to_vec()).ok()?]),
        HirKind::Capture(c) => required(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => required(&r.sub),
        HirKind::Concat(subs) => subs.iter().filter_map(required).max_by(|a, b| {
            // The most selective: the longest shortest literal, then the fewest literals.
            shortest(a).cmp(&shortest(b)).then(b.len().cmp(&a.len()))
        }),
        HirKind::Alternation(subs) => {
            let mut all = Vec::new();
            for s in subs {
                all.extend(required(s)?);
                if all.len() > MAX_LITERALS {
                    return None;
                }
            }
            Some(all)
        }
        _ => None,
    }
}

/// Length of the shortest literal of a set.
fn shortest(lits: &[String]) -> usize {
    lits.iter().map(String::len).min().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    fn gate(p: &str) -> Gate {
        Gate::of(&regex_syntax::Parser::new().parse(p).expect("valid"))
    }

    #[test]
    fn the_required_set_is_the_most_selective() {
        let any = |p: &str| {
            let g = gate(p);
            (!g.any.is_empty()).then(|| {
                g.any
                    .iter()
                    .map(|f| String::from_utf8_lossy(f.needle()).into_owned())
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            any("(^|[^共])(收到|接到)(的)?申请(共)?[0-9]+"),
            Some(vec!["申请".to_string()])
        );
        assert_eq!(
            any("其[它他]方式回应(事件)?[0-9]+"),
            Some(vec!["方式回应".to_string()])
        );
        assert_eq!(
            any("(未收到|没有收到)[^。]{0,10}"),
            Some(vec!["未收到".to_string(), "没有收到".to_string()])
        );
        assert_eq!(any("(共)?[0-9]+"), None);
    }

    /// A sketch never rules out a literal its text holds, and rules out most others.
    #[test]
    fn a_sketch_rules_out_only_absent_literals() {
        let text = "全年共收到政府信息公开申请12件，a";
        let all = Sketches::of([text]);
        let s = all.get(0).expect("one sketch");
        for (i, _) in text.char_indices() {
            for j in (i + 1..=text.len()).filter(|&j| text.is_char_boundary(j)) {
                assert!(s.may_hold(&text.as_bytes()[i..j]), "{}", &text[i..j]);
            }
        }
        assert!(!s.may_hold("b".as_bytes()));
        let absent = ["行政复议", "诉讼", "办结", "培训", "答复"];
        assert!(absent.iter().filter(|l| s.may_hold(l.as_bytes())).count() <= 1);
    }

    /// A sketch's set of triples grows with its text, up to 4,096 bits, and still never rules
    /// out a literal the text holds.
    #[test]
    fn a_sketch_is_sized_by_its_text() {
        let long = "本机关全年共收到政府信息公开申请12件，办结11件，结转下年度1件。".repeat(30);
        let short = "申请".repeat(40);
        let all = Sketches::of(["", short.as_str(), long.as_str()]);
        let triples = |i| all.get(i).expect("a sketch").words.len();
        assert_eq!(triples(0), MIN_TRIPLE_BITS / 64);
        assert_eq!(triples(1), 1024 / 64, "240 bytes: 960 bits, rounded up");
        assert_eq!(triples(2), TRIPLE_BITS / 64);
        assert!(all.get(3).is_none());
        // Past the bound on words, texts get no sketch.
        let many = Sketches::of(std::iter::repeat_n(
            long.as_str(),
            SKETCH_WORDS_PER_DOCUMENT / 64 + 2,
        ));
        assert!(many.get(SKETCH_WORDS_PER_DOCUMENT / 64 - 1).is_some());
        assert!(many.get(SKETCH_WORDS_PER_DOCUMENT / 64).is_none());
        assert!(many.words.len() <= SKETCH_WORDS_PER_DOCUMENT);
        for (i, text) in [short.as_str(), long.as_str()].into_iter().enumerate() {
            let s = all.get(i + 1).expect("a sketch");
            for lit in ["申请", "结转下年度", "办结", "12件", "1"] {
                assert!(s.may_hold(lit.as_bytes()) || !text.contains(lit), "{lit}");
            }
            assert!(s.may_hold("申请".as_bytes()));
        }
        // Non-ASCII literals of fewer than three bytes are never ruled out.
        assert!(all.get(0).expect("a sketch").may_hold("·".as_bytes()));
    }

    #[test]
    fn the_chain_needs_its_pieces_close_enough() {
        let g = gate("当面(提出)?申请(的)?[0-9]+");
        assert!(g.admits("当面提出申请的3件"));
        assert!(g.admits("当面申请3件"));
        // Both words, but not close, or no figure after them.
        assert!(!g.admits("当面答复，另有申请3件"));
        assert!(!g.admits("当面提出申请的"));
        assert!(!g.admits("当面提出申请的件3"));
        // An unbounded gap.
        // Overlapping occurrences of the first piece count.
        assert!(gate("aa[bc]").admits("aaab"));
        let g = gate("累计[^。]*诉讼[0-9]");
        assert!(g.admits("累计发生行政诉讼5"));
        assert!(!g.admits("诉讼5，累计"));
    }

    /// The gate never refuses a text the regex matches (texts and patterns from the packs).
    #[test]
    fn the_gate_never_refuses_a_match() {
        let num = r"(?P<num>[约近逾超过余多]*[0-9０-９][0-9０-９,，.．]*|[零〇一二两三四五六七八九十百千万]+)";
        let patterns = [
            "(^|[^共])(收到|接到)(的)?(政府信息公开|依申请公开|信息公开)?(的)?申请(共)?{num}",
            "{num}件?[^，。；,;]{0,6}(全部|均已|均)(按时)?办结",
            "(未(发生|受理)|没有|无)[^。；;]{0,24}行政复议",
            "(开展|举办|组织)(了)?{num}(期|次|个|场)[^，。；,;]{0,8}培训",
            "^占[^，。；]{0,10}$",
            "较(去年|上年|上一年|2\\d{3}年)(同期)?(?P<dir>增长|增加|上升|提高|下降|减少|降低)(了)?$",
            "[“\"]?其[他它](类型)?(的)?答复[”\"]?(的)?(为|有)?(共)?{num}",
        ];
        let texts = [
            "全年共收到政府信息公开申请12件，接到申请三件",
            "收到的信息公开的申请共5件，其中12件均已按时办结",
            "全年未发生因政府信息公开引起的行政复议",
            "开展了3期政务公开培训，组织二场业务培训",
            "占",
            "占总数的",
            "较上年同期增长了",
            "较2020年下降",
            "\"其他答复\"的为7件",
            "其它类型的答复共8件",
            "申请12件",
            "",
        ];
        for p in patterns {
            let p = p.replace("{num}", num);
            let g = gate(&p);
            let re = Regex::new(&p).expect("valid");
            for t in texts {
                if re.is_match(t) {
                    assert!(g.admits(t), "{p} refused {t}");
                }
                let sketch = Sketches::of([t]);
                let sketch = sketch.get(0).expect("one sketch");
                assert_eq!(g.admits_in(t, &sketch), g.admits(t), "{p} on {t}");
            }
        }
    }
}
