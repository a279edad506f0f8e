//! The visible text of a stretch of HTML source (a paragraph span), with a map from that text
//! back to the source. Paragraph spans of an HTML document cover markup (`<span>`, `&nbsp;`…);
//! prose patterns should run on [`VisibleText::text`] and map matches back with
//! [`VisibleText::source_span`].

use html5gum::{DefaultEmitter, Token, Tokenizer};

use super::text::is_blank_char;
use super::{last_end_tags, SKIPPED};
use crate::source::Span;

/// Decoded, whitespace-collapsed text of a source range, with its offset map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisibleText {
    /// Text with tags removed, entities decoded, skipped elements (`script`, `button`…) dropped
    /// and blank runs collapsed into one space (trimmed at both ends).
    pub text: String,
    /// For each character of `text`: its byte offset in `text` and the source range in the view
    /// it came from (a collapsed space maps to the first blank of its run).
    chars: Vec<(usize, Span)>,
}

impl VisibleText {
    /// The part of the text at bytes `range` (on character boundaries) with its own map.
    pub fn slice(&self, range: std::ops::Range<usize>) -> VisibleText {
        let from = self.chars.partition_point(|(b, _)| *b < range.start);
        let to = self.chars.partition_point(|(b, _)| *b < range.end);
        VisibleText {
            text: self.text.get(range.clone()).unwrap_or("").to_string(),
            chars: self.chars[from..to]
                .iter()
                .map(|(b, s)| (b - range.start, s.clone()))
                .collect(),
        }
    }

    /// The view range of the text bytes `range` (clamped; empty at the end when out of range).
    pub fn source_span(&self, range: std::ops::Range<usize>) -> Span {
        let at = |byte: usize| self.chars.partition_point(|(b, _)| *b < byte);
        let first = at(range.start);
        let last = at(range.end);
        let start = match self.chars.get(first) {
            Some((_, s)) => s.start,
            None => self.chars.last().map_or(0, |(_, s)| s.end),
        };
        let end = match last.checked_sub(1).and_then(|i| self.chars.get(i)) {
            Some((_, s)) if last > first => s.end,
            _ => start,
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
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    emitter.naively_switch_states(true);
    let last_end = last_end_tags(source);
    let mut skipping: Vec<&str> = Vec::new();
    let mut pending_space: Option<Span> = None;
    for token in Tokenizer::new_with_emitter(source, emitter).filter_map(Result::ok) {
        match token {
            Token::StartTag(tag) => {
                if let Some(&skip) = SKIPPED.iter().find(|n| n.as_bytes() == &tag.name[..]) {
                    if last_end.get(skip).is_some_and(|&end| end > tag.span.start) {
                        skipping.push(skip);
                    }
                }
            }
            Token::EndTag(tag) => {
                if let Some(pos) = skipping.iter().rposition(|n| n.as_bytes() == &tag.name[..]) {
                    skipping.truncate(pos);
                }
            }
            Token::String(s) if skipping.is_empty() => {
                let decoded = String::from_utf8_lossy(&s.value);
                let raw = s.span.start..s.span.end;
                for (c, src) in map_chars(source, raw, &decoded) {
                    let src = span.start + src.start..span.start + src.end;
                    if is_blank_char(c) {
                        pending_space.get_or_insert(src);
                        continue;
                    }
                    if let Some(space) = pending_space.take() {
                        if !out.text.is_empty() {
                            out.chars.push((out.text.len(), space));
                            out.text.push(' ');
                        }
                    }
                    out.chars.push((out.text.len(), src));
                    out.text.push(c);
                }
            }
            _ => {}
        }
    }
    out
}

/// Pairs each decoded character of a text token with its source range in `source[raw]`: a plain
/// character maps to itself, an entity to the whole `&…;` reference, and a CR before LF is
/// absorbed.
fn map_chars(source: &str, raw: Span, decoded: &str) -> Vec<(char, Span)> {
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

    #[test]
    fn strips_tags_decodes_and_maps_back() {
        let view = "xx<p>共收到申请&nbsp;<span>12</span>&nbsp;件，&#20840;部\r\n  答复<script>var a='99件';</script>。</p>";
        let start = view.find("共").unwrap_or(0);
        let end = view.find("。").map_or(0, |i| i + "。".len());
        let v = visible_text(view, &(start..end));
        assert_eq!(v.text, "共收到申请 12 件，全部 答复。");
        let m = v.text.find("12").unwrap_or(0);
        assert_eq!(&view[v.source_span(m..m + 2)], "12");
        let m = v.text.find("全部").unwrap_or(0);
        assert_eq!(&view[v.source_span(m..m + "全部".len())], "&#20840;部");
        let all = v.source_span(0..v.text.len());
        assert_eq!(all, start..end);
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
