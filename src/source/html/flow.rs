//! The content flow of a container (the document body or one table cell): text pieces, block
//! breaks and finished tables, in source order. A flow becomes paragraphs (document level) or a
//! cell text (inside a data table).

use std::borrow::Cow;

use super::text::{finish, is_blank, push_collapsed, trimmed_span};
use crate::source::{Block, Paragraph, Span};

/// One piece of a content flow.
#[derive(Debug, Clone)]
pub(super) enum Item<'a> {
    /// Text with entities decoded; `span` is the trimmed source range, `None` when blank.
    Text {
        text: Cow<'a, str>,
        span: Option<Span>,
    },
    /// A block boundary (`<p>`, `<br>`, `<div>`, a cell edge…).
    Break,
    /// A finished block (a nested data table).
    Block(Block),
}

impl<'a> Item<'a> {
    /// A text item from a decoded token and its raw source range in `view`.
    pub(super) fn text(view: &str, text: Cow<'a, str>, raw: Span) -> Item<'a> {
        let span = if is_blank(&text) {
            None
        } else {
            // Entities may make the decoded text differ from the source; if trimming the source
            // leaves nothing (odd markup), keep the raw range when it is valid.
            trimmed_span(view, raw.clone()).or_else(|| view.get(raw.clone()).map(|_| raw))
        };
        Item::Text { text, span }
    }
}

/// Collapsed text and covering span of a run of items (breaks become spaces).
pub(super) fn joined_text(items: &[Item<'_>]) -> (String, Option<Span>) {
    let mut out = String::new();
    let mut span: Option<Span> = None;
    for item in items {
        match item {
            Item::Text { text, span: s } => {
                push_collapsed(&mut out, text);
                if let Some(s) = s {
                    span = Some(match span {
                        None => s.clone(),
                        Some(acc) => acc.start.min(s.start)..acc.end.max(s.end),
                    });
                }
            }
            Item::Break | Item::Block(_) => push_collapsed(&mut out, " "),
        }
    }
    (finish(out), span)
}

/// Turns a flow into blocks: paragraphs split at breaks and blocks, blocks passed through.
pub(super) fn into_blocks(items: Vec<Item<'_>>, out: &mut Vec<Block>) {
    let mut para: Option<Span> = None;
    let flush = |para: &mut Option<Span>, out: &mut Vec<Block>| {
        if let Some(span) = para.take() {
            out.push(Block::Paragraph(Paragraph {
                span,
                locator: None,
            }));
        }
    };
    for item in items {
        match item {
            Item::Text { span: Some(s), .. } => {
                para = Some(match para {
                    None => s,
                    Some(acc) => acc.start.min(s.start)..acc.end.max(s.end),
                });
            }
            Item::Text { span: None, .. } => {}
            Item::Break => flush(&mut para, out),
            Item::Block(b) => {
                flush(&mut para, out);
                out.push(b);
            }
        }
    }
    flush(&mut para, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_with_spaces_at_breaks() {
        let view = "<td> 项目 <br>数量&nbsp;</td>";
        let items = vec![
            Item::text(view, " 项目 ".into(), 4..12),
            Item::Break,
            Item::text(view, "数量\u{a0}".into(), 16..28),
        ];
        let (text, span) = joined_text(&items);
        assert_eq!(text, "项目 数量");
        let span = span.unwrap();
        assert_eq!(&view[span], "项目 <br>数量");
    }

    #[test]
    fn paragraphs_split_at_breaks() {
        let view = "<p>一</p><p> </p><p>二<b>三</b></p>";
        let items = vec![
            Item::Break,
            Item::text(view, "一".into(), 3..6),
            Item::Break,
            Item::text(view, " ".into(), 13..14),
            Item::Break,
            Item::text(view, "二".into(), 21..24),
            Item::text(view, "三".into(), 27..30),
            Item::Break,
        ];
        let mut blocks = Vec::new();
        into_blocks(items, &mut blocks);
        let spans: Vec<&str> = blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(p) => &view[p.span.clone()],
                Block::Table(_) => "table",
            })
            .collect();
        assert_eq!(spans, ["一", "二<b>三"]);
    }
}
