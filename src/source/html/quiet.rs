//! The tokenizer's emitter for pages read without parse errors: html5gum calls it directly,
//! where the checked path goes through its callback emitter and [`super::token::Lean`]'s
//! events. It yields the same start tags, end tags and text runs, at the same points of the
//! stream and with the same spans and values, and nothing else: no comment, doctype or error
//! tokens. Those only count against the reader's token budget, and a page read without errors
//! is too short to reach it (see [`super::token::MAX_TOKENS_PER_BYTE`]).
//!
//! Being direct, it keeps only what the reader uses: a tag's name (for the reader and for the
//! tokenizer's end-tag test), the values of its first `rowspan` and `colspan`, and a text run
//! as a range of the source while it is one (copied only once a piece differs from its source,
//! as a decoded character reference does).

use std::borrow::Cow;
use std::collections::VecDeque;

use html5gum::{naive_next_state, Emitter, Error, State};

use super::text::parse_span_attr;
use super::token::{known_name, Tok};

/// Which attribute the value being read belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attr {
    /// Another attribute, a repeated `rowspan`/`colspan`, or none yet.
    Ignored,
    Rowspan,
    Colspan,
}

/// The kind of tag being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TagKind {
    Start,
    End,
}

/// A text run being read. As in html5gum's callback emitter, its start is set only when a run
/// begins, and its bounds outlive it.
#[derive(Debug, Default)]
struct Run {
    /// Where it starts and where the last piece ended in the source.
    start: usize,
    end: usize,
    /// How many bytes its pieces hold (0: no run).
    len: usize,
    /// Its bytes, once a piece was not the source just after the pieces before it; `None`
    /// while they are `source[start..start + len]`.
    copied: Option<Vec<u8>>,
}

/// The emitter (see the module documentation).
#[derive(Debug)]
pub(super) struct Quiet<'a> {
    source: &'a str,
    /// Tokens emitted and not yet taken, oldest first.
    queue: VecDeque<Tok<'a>>,
    /// The tokenizer's position in the source.
    position: usize,
    run: Run,
    /// Where the current tag (or comment, doctype) started.
    tag_start: usize,
    tag_kind: Option<TagKind>,
    /// The current tag's name; emptied once an open start tag was reported.
    tag_name: Vec<u8>,
    /// The name of the last start tag, for the tokenizer's "appropriate end tag" test.
    last_start_tag: Vec<u8>,
    /// The current start tag, once its name ended: its known name and whether it switches the
    /// tokenizer to a raw-text state.
    open_name: &'static str,
    opens_raw: bool,
    /// Where the current start tag started, when its name ended.
    open_start: usize,
    /// The name of the attribute being read, until it is reported.
    attr_name: Vec<u8>,
    attr: Attr,
    rowspan: Option<Vec<u8>>,
    colspan: Option<Vec<u8>>,
    /// True while the tokenizer is in a raw-text state (html5gum's naive state switching).
    raw: bool,
}

impl<'a> Quiet<'a> {
    /// An emitter for tokenising `source`.
    pub(super) fn new(source: &'a str) -> Self {
        Quiet {
            source,
            queue: VecDeque::new(),
            position: 0,
            run: Run::default(),
            tag_start: 0,
            tag_kind: None,
            tag_name: Vec::new(),
            last_start_tag: Vec::new(),
            open_name: "",
            opens_raw: false,
            open_start: 0,
            attr_name: Vec::new(),
            attr: Attr::Ignored,
            rowspan: None,
            colspan: None,
            raw: false,
        }
    }

    /// Emits the text run read so far, if any.
    fn flush_run(&mut self) {
        let run = &mut self.run;
        if run.len == 0 {
            return;
        }
        let (start, end) = (run.start, run.end);
        let copied = run.copied.take();
        let bytes: &[u8] = match &copied {
            Some(bytes) => bytes,
            None => self
                .source
                .as_bytes()
                .get(start..start + run.len)
                .unwrap_or(&[]),
        };
        run.len = 0;
        let value = match self.source.get(start..end) {
            Some(own) if own.as_bytes() == bytes => Cow::Borrowed(own),
            _ => Cow::Owned(
                String::from_utf8(bytes.to_vec())
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            ),
        };
        self.queue.push_back(Tok::Text {
            value,
            span: start..end,
            raw: self.raw,
        });
    }

    /// Reports the open start tag once its name is complete (before its first attribute, or at
    /// its end), after the text before it.
    fn flush_open_start_tag(&mut self) {
        self.flush_run();
        if self.tag_kind == Some(TagKind::Start) && !self.tag_name.is_empty() {
            self.open_name = known_name(&self.tag_name);
            self.opens_raw = naive_next_state(&self.tag_name).is_some();
            self.open_start = self.tag_start;
            std::mem::swap(&mut self.last_start_tag, &mut self.tag_name);
            self.tag_name.clear();
        }
    }

    /// Reports the name of the attribute being read, once.
    fn flush_attribute_name(&mut self) {
        self.flush_open_start_tag();
        if self.attr_name.is_empty() {
            return;
        }
        // A repeated `rowspan` or `colspan` is dropped (its first name set the value).
        self.attr = match self.attr_name.as_slice() {
            b"rowspan" if self.rowspan.is_none() => Attr::Rowspan,
            b"colspan" if self.colspan.is_none() => Attr::Colspan,
            _ => Attr::Ignored,
        };
        match self.attr {
            Attr::Rowspan => self.rowspan = Some(Vec::new()),
            Attr::Colspan => self.colspan = Some(Vec::new()),
            Attr::Ignored => {}
        }
        self.attr_name.clear();
    }

    /// Forgets the attributes read.
    fn clear_attributes(&mut self) {
        self.attr = Attr::Ignored;
        self.rowspan = None;
        self.colspan = None;
    }
}

impl<'a> Emitter for Quiet<'a> {
    type Token = Tok<'a>;

    #[inline]
    fn move_position(&mut self, offset: isize) {
        self.position = self.position.saturating_add_signed(offset);
    }

    fn set_last_start_tag(&mut self, last_start_tag: Option<&[u8]>) {
        self.last_start_tag.clear();
        self.last_start_tag
            .extend_from_slice(last_start_tag.unwrap_or_default());
    }

    fn emit_eof(&mut self) {
        self.flush_run();
    }

    #[inline]
    fn emit_error(&mut self, _error: Error) {}

    #[inline]
    fn should_emit_errors(&mut self) -> bool {
        false
    }

    #[inline]
    fn pop_token(&mut self) -> Option<Tok<'a>> {
        self.queue.pop_front()
    }

    fn init_string(&mut self) {
        if self.run.len == 0 {
            self.run.start = self.position;
        }
    }

    fn emit_string(&mut self, piece: &[u8]) {
        let run = &mut self.run;
        run.end = self.position;
        if piece.is_empty() {
            return;
        }
        let next = run.start + run.len;
        let in_place = run.copied.is_none()
            && self.position.checked_sub(piece.len()) == Some(next)
            && self.source.as_bytes().get(next..self.position) == Some(piece);
        if !in_place {
            let source = self.source.as_bytes();
            run.copied
                .get_or_insert_with(|| source.get(run.start..next).unwrap_or(&[]).to_vec())
                .extend_from_slice(piece);
        }
        run.len += piece.len();
    }

    fn init_start_tag(&mut self) {
        self.tag_name.clear();
        self.tag_kind = Some(TagKind::Start);
    }

    fn init_end_tag(&mut self) {
        self.tag_name.clear();
        self.tag_kind = Some(TagKind::End);
    }

    fn init_comment(&mut self) {
        self.flush_run();
    }

    fn emit_current_tag(&mut self) -> Option<State> {
        self.flush_attribute_name();
        match self.tag_kind {
            Some(TagKind::Start) => {
                self.flush_open_start_tag();
                let number = |v: Option<Vec<u8>>| {
                    v.and_then(|v| parse_span_attr(&String::from_utf8_lossy(&v)))
                };
                let token = Tok::Start {
                    name: std::mem::take(&mut self.open_name),
                    span: self.open_start..self.position,
                    rowspan: number(self.rowspan.take()),
                    colspan: number(self.colspan.take()),
                };
                self.clear_attributes();
                self.raw = std::mem::take(&mut self.opens_raw);
                self.queue.push_back(token);
            }
            Some(TagKind::End) => {
                self.last_start_tag.clear();
                self.clear_attributes();
                self.raw = false;
                self.queue.push_back(Tok::End {
                    name: known_name(&self.tag_name),
                    span: self.tag_start..self.position,
                });
            }
            None => {}
        }
        let next = naive_next_state(&self.last_start_tag);
        if next.is_some() {
            self.init_string();
        }
        next
    }

    fn emit_current_comment(&mut self) {}

    fn emit_current_doctype(&mut self) {}

    fn set_self_closing(&mut self) {}

    fn set_force_quirks(&mut self) {}

    fn push_tag_name(&mut self, s: &[u8]) {
        self.tag_name.extend_from_slice(s);
    }

    fn push_comment(&mut self, _s: &[u8]) {}

    fn push_doctype_name(&mut self, _s: &[u8]) {}

    fn init_doctype(&mut self) {
        self.flush_run();
    }

    fn init_attribute(&mut self) {
        self.flush_attribute_name();
    }

    fn push_attribute_name(&mut self, s: &[u8]) {
        self.attr_name.extend_from_slice(s);
    }

    fn push_attribute_value(&mut self, s: &[u8]) {
        self.flush_attribute_name();
        match self.attr {
            Attr::Rowspan => self
                .rowspan
                .get_or_insert_with(Vec::new)
                .extend_from_slice(s),
            Attr::Colspan => self
                .colspan
                .get_or_insert_with(Vec::new)
                .extend_from_slice(s),
            Attr::Ignored => {}
        }
    }

    fn set_doctype_public_identifier(&mut self, _value: &[u8]) {}

    fn set_doctype_system_identifier(&mut self, _value: &[u8]) {}

    fn push_doctype_public_identifier(&mut self, _s: &[u8]) {}

    fn push_doctype_system_identifier(&mut self, _s: &[u8]) {}

    fn start_open_tag(&mut self) {
        self.tag_start = self.position.saturating_sub(1);
    }

    fn current_is_appropriate_end_tag_token(&mut self) -> bool {
        !self.last_start_tag.is_empty()
            && self.tag_kind == Some(TagKind::End)
            && self.last_start_tag == self.tag_name
    }
}
