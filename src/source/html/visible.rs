//! The visible text of a stretch of HTML source (a paragraph span), with a map from that text
//! back to the source. Paragraph spans of an HTML document cover markup (`<span>`, `&nbsp;`…);
//! prose patterns should run on [`VisibleText::text`] and map matches back with
//! [`VisibleText::source_span`].

use super::text::is_blank_char;
use super::token::{tokens, Tok};
use super::{last_end_tags, SKIPPED};
use crate::source::Span;

/// Decoded, whitespace-collapsed text of a source range, with its offset map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisibleText {
    /// Text with tags removed, entities decoded, skipped elements (`script`, `button`…) dropped
    /// and blank runs collapsed into one space (trimmed at both ends).
    pub text: String,
    /// The map from each character of `text` to the source range in the view it came from (a
    /// collapsed space maps to the first blank of its run), as runs of characters that map
    /// alike: a few entries per paragraph rather than one per character. Lookups do not read
    /// `text`, so a caller may take it.
    runs: Vec<Run>,
}

/// Consecutive characters of a [`VisibleText`] of one UTF-8 length whose source ranges are
/// consecutive and of one length: character `k` of the run is at text byte
/// `text + k * text_len` and comes from view bytes `src + k * src_len ..` (`+ src_len`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    /// Text byte offset of the first character.
    text: usize,
    /// View byte offset of the first character's source.
    src: usize,
    /// Length of each character's source range.
    src_len: usize,
    /// Number of characters.
    count: u32,
    /// UTF-8 length of each character.
    text_len: u8,
}

impl Run {
    /// View offset where character `k` of the run starts.
    fn src_at(&self, k: usize) -> usize {
        self.src + k * self.src_len
    }
}

/// A character of the map: run index and index inside the run; `(runs.len(), 0)` is past the
/// end. Ordered as the characters are.
type Pos = (usize, usize);

impl VisibleText {
    /// Appends the map entry of a character of `len` bytes at text offset `at` from `src`.
    #[inline]
    pub(super) fn push(&mut self, at: usize, len: usize, src: Span) {
        let src_len = src.end.saturating_sub(src.start);
        if let Some(r) = self.runs.last_mut() {
            let k = r.count as usize;
            if usize::from(r.text_len) == len
                && r.src_len == src_len
                && r.count < u32::MAX
                && r.text + k * len == at
                && r.src + k * src_len == src.start
            {
                r.count += 1;
                return;
            }
        }
        self.runs.push(Run {
            text: at,
            src: src.start,
            src_len,
            count: 1,
            text_len: u8::try_from(len).unwrap_or(u8::MAX),
        });
    }

    /// Appends `text`, `count` characters of `len` bytes each, whose sources are themselves:
    /// view bytes `src..` onwards (as `count` calls of [`VisibleText::push`] and the text).
    pub(super) fn push_same(&mut self, text: &str, len: usize, src: usize, count: usize) {
        let at = self.text.len();
        self.text.push_str(text);
        if count == 0 {
            return;
        }
        self.push(at, len, src..src + len);
        // The others continue the run the first one ended in.
        let more = u32::try_from(count - 1).ok();
        if let Some(r) = self.runs.last_mut() {
            if let Some(n) = more.and_then(|m| r.count.checked_add(m)) {
                r.count = n;
                return;
            }
        }
        for k in 1..count {
            self.push(at + k * len, len, src + k * len..src + (k + 1) * len);
        }
    }

    /// The first character at text byte `byte` or after it.
    fn pos(&self, byte: usize) -> Pos {
        let i = self.runs.partition_point(|r| r.text <= byte);
        let Some(r) = i.checked_sub(1).and_then(|j| self.runs.get(j)) else {
            return (0, 0);
        };
        let k = (byte - r.text).div_ceil(usize::from(r.text_len.max(1)));
        if k < r.count as usize {
            (i - 1, k)
        } else {
            (i, 0)
        }
    }

    /// The character before `p` (which must not be the first).
    fn before(&self, (i, k): Pos) -> Pos {
        match k.checked_sub(1) {
            Some(k) => (i, k),
            None => {
                let j = i.saturating_sub(1);
                (j, self.runs.get(j).map_or(0, |r| r.count as usize - 1))
            }
        }
    }

    /// The part of the text at bytes `range` (on character boundaries) with its own map.
    pub fn slice(&self, range: std::ops::Range<usize>) -> VisibleText {
        let (from, to) = (self.pos(range.start), self.pos(range.end));
        let mut runs = Vec::new();
        for (i, r) in self.runs.iter().enumerate().take(to.0 + 1).skip(from.0) {
            let k0 = if i == from.0 { from.1 } else { 0 };
            let k1 = if i == to.0 { to.1 } else { r.count as usize };
            if k1 > k0 {
                runs.push(Run {
                    text: r.text + k0 * usize::from(r.text_len) - range.start,
                    src: r.src_at(k0),
                    count: u32::try_from(k1 - k0).unwrap_or(u32::MAX),
                    ..*r
                });
            }
        }
        VisibleText {
            text: self.text.get(range).unwrap_or("").to_string(),
            runs,
        }
    }

    /// True when every character of the text comes from the view byte at the same offset from
    /// `start` and of the same length (a paragraph printed without markup, entities or
    /// collapsed blanks inside it): then [`VisibleText::source_span`] of a range is that range
    /// moved by `start` (on character boundaries, clamped to the text), and the map can go.
    pub fn is_shift_of(&self, start: usize) -> bool {
        self.runs
            .iter()
            .all(|r| r.src_len == usize::from(r.text_len) && r.src == start + r.text)
    }

    /// The view range of the text bytes `range` (clamped; empty at the end when out of range).
    pub fn source_span(&self, range: std::ops::Range<usize>) -> Span {
        let (first, last) = (self.pos(range.start), self.pos(range.end));
        let start = match self.runs.get(first.0) {
            Some(r) => r.src_at(first.1),
            None => self.runs.last().map_or(0, |r| r.src_at(r.count as usize)),
        };
        let end = if last > first {
            let (i, k) = self.before(last);
            self.runs.get(i).map_or(start, |r| r.src_at(k + 1))
        } else {
            start
        };
        start..end.max(start)
    }
}

/// The visible text of `view[span]` (empty when the span is not a valid range of the view).
pub fn visible_text(view: &str, span: &Span) -> VisibleText {
    let mut out = VisibleText::default();
    let Some(source) = view.get(span.clone()) else {
        return out;
    };
    let last_end = last_end_tags(source);
    let mut skipping: Vec<&str> = Vec::new();
    let mut pending_space: Option<Span> = None;
    // Parse errors are not needed here (no budget).
    for token in tokens(source, false) {
        match token {
            Tok::Start { name, span, .. } => {
                if let Some(&skip) = SKIPPED.iter().find(|n| **n == name) {
                    if last_end.get(skip).is_some_and(|&end| end > span.start) {
                        skipping.push(skip);
                    }
                }
            }
            Tok::End { name, .. } => {
                if let Some(pos) = skipping.iter().rposition(|n| *n == name) {
                    skipping.truncate(pos);
                }
            }
            Tok::Text {
                value, span: raw, ..
            } if skipping.is_empty() => {
                for (c, src) in map_chars(source, raw, &value) {
                    let src = span.start + src.start..span.start + src.end;
                    take(&mut out, &mut pending_space, c, src);
                }
            }
            _ => {}
        }
    }
    out
}

/// Appends character `c` from view range `src` to `out`, as [`visible_text`] reads it: a blank
/// starts a pending space (mapped to the first blank of its run), written before the next
/// character when there is text before it.
#[inline(always)]
pub(super) fn take(out: &mut VisibleText, pending_space: &mut Option<Span>, c: char, src: Span) {
    if is_blank_char(c) {
        pending_space.get_or_insert(src);
        return;
    }
    if let Some(space) = pending_space.take() {
        if !out.text.is_empty() {
            out.push(out.text.len(), 1, space);
            out.text.push(' ');
        }
    }
    out.push(out.text.len(), c.len_utf8(), src);
    out.text.push(c);
}

/// Pairs each decoded character of a text token with its source range in `source[raw]`: a plain
/// character maps to itself, an entity to the whole `&…;` reference, and a CR before LF is
/// absorbed.
pub(super) fn map_chars(source: &str, raw: Span, decoded: &str) -> Vec<(char, Span)> {
    let src = source.get(raw.clone()).unwrap_or("");
    let mut out = Vec::with_capacity(decoded.len());
    let mut at = 0;
    for c in decoded.chars() {
        let rest = src.get(at..).unwrap_or("");
        let len = if rest.starts_with(c) {
            c.len_utf8()
        } else if rest.starts_with("\r\n") && c == '\n' {
            2
        } else if rest.starts_with('&') {
            entity_len(rest)
        } else {
            rest.chars().next().map_or(0, char::len_utf8)
        };
        out.push((c, raw.start + at..raw.start + at + len));
        at += len;
    }
    out
}

/// Byte length of the character reference at the start of `s` (which starts with `&`).
fn entity_len(s: &str) -> usize {
    let body = s
        .char_indices()
        .skip(1)
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '#')
        .last()
        .map_or(1, |(i, c)| i + c.len_utf8());
    if s[body..].starts_with(';') {
        body + 1
    } else {
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Byte bounds of the test sentence of `view`: from its 共 to the end of its 。.
    fn sentence_bounds(view: &str) -> (usize, usize) {
        let start = view.find("共").unwrap_or(0);
        let end = view.find("。").map_or(0, |i| i + "。".len());
        (start, end)
    }

    #[test]
    fn strips_tags_decodes_and_maps_back() {
        let view = "xx<p>共收到申请&nbsp;<span>12</span>&nbsp;件，&#20840;部\r\n  答复<script>var a='99件';</script>。</p>";
        let (start, end) = sentence_bounds(view);
        let v = visible_text(view, &(start..end));
        assert_eq!(v.text, "共收到申请 12 件，全部 答复。");
        let m = v.text.find("12").unwrap_or(0);
        assert_eq!(&view[v.source_span(m..m + 2)], "12");
        let m = v.text.find("全部").unwrap_or(0);
        assert_eq!(&view[v.source_span(m..m + "全部".len())], "&#20840;部");
        let all = v.source_span(0..v.text.len());
        assert_eq!(all, start..end);
    }

    /// The per-character map the runs stand for: (text offset, source range) of each character.
    fn expand(v: &VisibleText) -> Vec<(usize, Span)> {
        let mut out = Vec::new();
        for r in &v.runs {
            for k in 0..r.count as usize {
                let at = r.text + k * usize::from(r.text_len);
                out.push((at, r.src_at(k)..r.src_at(k + 1)));
            }
        }
        out
    }

    /// The lookup over a per-character map (the map before it was stored as runs).
    fn span_by_chars(chars: &[(usize, Span)], range: std::ops::Range<usize>) -> Span {
        let at = |byte: usize| chars.partition_point(|(b, _)| *b < byte);
        let (first, last) = (at(range.start), at(range.end));
        let start = match chars.get(first) {
            Some((_, s)) => s.start,
            None => chars.last().map_or(0, |(_, s)| s.end),
        };
        let end = match last.checked_sub(1).and_then(|i| chars.get(i)) {
            Some((_, s)) if last > first => s.end,
            _ => start,
        };
        start..end.max(start)
    }

    #[test]
    fn runs_answer_as_a_map_per_character() {
        let views = [
            "<p>共收到申请&nbsp;<span>12</span>&nbsp;件，&#20840;部\r\n  答复。</p>",
            "<p>a  b\r\nc&amp;d&lt;&gt;&#x4E2D;文 \u{3000}é 12 件&nbsp;&nbsp;x</p>",
            "<td>项目<br>数量 &#0; \u{0} 😀 &unknown; &amp</td>",
        ];
        for view in views {
            let v = visible_text(view, &(0..view.len()));
            let chars = expand(&v);
            let starts: Vec<usize> = v.text.char_indices().map(|(i, _)| i).collect();
            assert_eq!(chars.iter().map(|(b, _)| *b).collect::<Vec<_>>(), starts);
            assert!(
                v.runs.len() < chars.len(),
                "{view}: no run holds two characters"
            );
            for a in 0..=v.text.len() + 2 {
                for b in 0..=v.text.len() + 2 {
                    assert_eq!(
                        v.source_span(a..b),
                        span_by_chars(&chars, a..b),
                        "{view} {a}..{b}"
                    );
                }
            }
            for &a in &starts {
                for &b in starts.iter().filter(|&&b| b >= a) {
                    let sub = v.slice(a..b);
                    let want: Vec<(usize, Span)> = chars
                        .iter()
                        .filter(|(c, _)| (a..b).contains(c))
                        .map(|(c, s)| (c - a, s.clone()))
                        .collect();
                    assert_eq!(expand(&sub), want, "{view} {a}..{b}");
                    assert_eq!(sub.text, v.text[a..b]);
                }
            }
        }
    }

    #[test]
    fn a_shift_answers_as_its_map() {
        let view = "<p>共收到申请12件，全部 答复。</p><p>a<i>b</i>c</p>";
        let (start, end) = sentence_bounds(view);
        let v = visible_text(view, &(start..end));
        assert!(v.is_shift_of(start));
        assert!(!v.is_shift_of(start + 1));
        for a in 0..=v.text.len() + 2 {
            for b in 0..=v.text.len() + 2 {
                let ceil = |x: usize| {
                    let mut x = x.min(v.text.len());
                    while !v.text.is_char_boundary(x) {
                        x += 1;
                    }
                    x
                };
                let want = start + ceil(a)..start + ceil(b).max(ceil(a));
                assert_eq!(v.source_span(a..b), want, "{a}..{b}");
            }
        }
        let at = view.find("a<i>").unwrap_or(0);
        let v = visible_text(view, &(at..at + "a<i>b</i>c".len()));
        assert_eq!(v.text, "abc");
        assert!(!v.is_shift_of(at));
    }

    #[test]
    fn bad_ranges_are_empty() {
        let v = visible_text("项目", &(1..2));
        assert!(v.text.is_empty());
        assert_eq!(v.source_span(0..5), 0..0);
        let v = visible_text("ab", &(0..2));
        assert_eq!(v.source_span(1..9), 1..2);
        assert_eq!(v.source_span(7..9), 2..2);
    }
}
