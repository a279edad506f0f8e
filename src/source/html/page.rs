//! The text runs of a page as its one tokenisation read them, kept so that the visible text of a
//! paragraph ([`PageText::visible_text`]) is read from them instead of tokenising the paragraph's
//! source again.
//!
//! The answer is the same as [`visible_text`] over the paragraph's source: that tokenises the
//! source alone, from the data state, so a skipped element counts as closed only when its end
//! tag is inside the span, and every text run in the span counts (table cells inside a span
//! included). The page tokenizer reads the tokens inside a span the same way as long as it is in
//! the data state where the span starts and the span starts and ends at clean points of a text
//! run (after or before blank characters and whole whitespace references). Where that is not
//! sure (a span starting inside a `<title>` whose text holds markup characters, a span cut
//! inside an odd reference, a span not starting and ending inside text runs), the span is
//! tokenised alone as before.

use std::borrow::Cow;

use super::text::is_blank_char;
use super::token::Tok;
use super::visible::{map_chars, take, visible_text, VisibleText};
use super::SKIPPED;
use crate::source::Span;

/// Whitespace character references that the tokenizer decodes to exactly one character.
const ONE_CHAR_BLANKS: [&str; 9] = [
    "&nbsp;", "&#160;", "&#xa0;", "&ensp;", "&emsp;", "&thinsp;", "&#12288;", "&#x3000;", "&#32;",
];

/// What a recorded token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A text run whose decoded text is its source (`view[start..end]`).
    Own,
    /// A text run with decoded text of its own: [`PageText::decoded`] from
    /// `decoded_starts[data]` to `decoded_starts[data + 1]` (or the end of the text).
    Decoded,
    /// A start tag of [`SKIPPED`] element `data` (index) at `start`.
    Open,
    /// An end tag of [`SKIPPED`] element `data` (index) at `start`.
    Close,
}

/// One recorded token: a text run or a tag of a skipped element, its offsets as `u32` (a
/// record is only made of a view shorter than 4 GiB, see [`PageText::new`]).
#[derive(Debug, Clone, Copy)]
struct Event {
    /// Source offset where the token starts.
    start: u32,
    /// Source offset where a text run ends.
    end: u32,
    /// See [`Kind`].
    data: u32,
    kind: Kind,
    /// True for a text run read in a raw-text state (inside `<title>`, `<script>`…) rather
    /// than the data state.
    raw_state: bool,
}

impl Event {
    /// Source offset where the token starts.
    fn at(&self) -> usize {
        self.start as usize
    }

    /// Source range of a text run.
    fn raw(&self) -> Span {
        self.start as usize..self.end as usize
    }

    /// True for a text run.
    fn is_text(&self) -> bool {
        matches!(self.kind, Kind::Own | Kind::Decoded)
    }
}

/// An occurrence of `</name` (ASCII case insensitive) of a skipped element in the page.
#[derive(Debug, Clone, Copy)]
pub(super) struct EndMark {
    /// Byte offset of `<`.
    pub(super) start: usize,
    /// Byte offset just after the name.
    pub(super) end: usize,
    /// True when the name ends there (the next byte is not a name character or there is none).
    pub(super) ends_name: bool,
}

/// The page's text runs and skipped-element tags in source order, with every `</name` of a
/// skipped element.
#[derive(Debug, Clone, Default)]
pub struct PageText {
    /// Decoded text of every text run that is not its own source, concatenated.
    decoded: String,
    /// Where each of those runs starts in [`PageText::decoded`].
    decoded_starts: Vec<u32>,
    /// Recorded tokens in source order.
    events: Vec<Event>,
    /// For each [`SKIPPED`] name, its `</name` occurrences in order.
    marks: Vec<Vec<EndMark>>,
    /// False when the view is too long for `u32` offsets: nothing is recorded and every span
    /// is tokenised alone.
    recording: bool,
}

impl PageText {
    /// An empty record of page `view` with its `</name` occurrences.
    pub(super) fn new(view: &str, marks: Vec<Vec<EndMark>>) -> Self {
        PageText {
            decoded: String::new(),
            decoded_starts: Vec::new(),
            events: Vec::new(),
            marks,
            recording: u32::try_from(view.len()).is_ok(),
        }
    }

    /// The `</name` occurrences of skipped element `name` (index in [`SKIPPED`]).
    pub(super) fn marks(&self, name: usize) -> &[EndMark] {
        self.marks.get(name).map_or(&[], Vec::as_slice)
    }

    /// Records a token of the page (tokens must come in source order).
    pub(super) fn record(&mut self, token: &Tok<'_>) {
        if !self.recording {
            return;
        }
        // The view is shorter than 4 GiB, so its offsets fit.
        let at = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        let tag = |kind: Kind, name: &str, start: usize| {
            SKIPPED.iter().position(|n| *n == name).map(|i| Event {
                start: at(start),
                end: at(start),
                data: at(i),
                kind,
                raw_state: false,
            })
        };
        let event = match token {
            Tok::Start { name, span, .. } => tag(Kind::Open, name, span.start),
            Tok::End { name, span } => tag(Kind::Close, name, span.start),
            Tok::Text { value, span, raw } => {
                // A value is borrowed exactly when it is its source.
                let own = matches!(value, Cow::Borrowed(_));
                let data = if own {
                    0
                } else {
                    self.decoded_starts.push(at(self.decoded.len()));
                    self.decoded.push_str(value);
                    at(self.decoded_starts.len() - 1)
                };
                Some(Event {
                    start: at(span.start),
                    end: at(span.end),
                    data,
                    kind: if own { Kind::Own } else { Kind::Decoded },
                    raw_state: *raw,
                })
            }
            Tok::Other => None,
        };
        if let Some(e) = event {
            self.events.push(e);
        }
    }

    /// Gives back the spare capacity of the record once the page is read.
    pub(super) fn shrink_to_fit(&mut self) {
        self.decoded.shrink_to_fit();
        self.decoded_starts.shrink_to_fit();
        self.events.shrink_to_fit();
    }

    /// The decoded text of text run `e` of page `view`.
    fn value<'v>(&'v self, view: &'v str, e: &Event) -> Option<&'v str> {
        match e.kind {
            Kind::Own => view.get(e.raw()),
            Kind::Decoded => {
                let k = e.data as usize;
                let from = *self.decoded_starts.get(k)? as usize;
                let to = self
                    .decoded_starts
                    .get(k + 1)
                    .map_or(self.decoded.len(), |&t| t as usize);
                self.decoded.get(from..to)
            }
            Kind::Open | Kind::Close => None,
        }
    }

    /// True when a `</name` of skipped element `name` starts after `at` and lies inside `span`,
    /// as [`super::last_end_tags`] over `view[span]` would find it.
    fn closed_inside(&self, name: usize, at: usize, span: &Span) -> bool {
        let marks = self.marks(name);
        // The first `</name` after `at` that ends the name.
        let i = marks.partition_point(|m| m.start <= at);
        if let Some(m) = marks[i..].iter().find(|m| m.ends_name) {
            if m.end <= span.end {
                return true;
            }
        }
        // One cut off by the end of the span also ends the name there.
        let j = marks.partition_point(|m| m.end < span.end);
        marks
            .get(j)
            .is_some_and(|m| m.end == span.end && m.start > at)
    }

    /// The visible text of `view[span]` (as [`visible_text`]); `view` is the page this record
    /// was made from.
    pub fn visible_text(&self, view: &str, span: &Span) -> VisibleText {
        self.read(view, span)
            .unwrap_or_else(|| visible_text(view, span))
    }

    /// [`PageText::visible_text`] from the recorded tokens, `None` where the span must be
    /// tokenised alone.
    fn read(&self, view: &str, span: &Span) -> Option<VisibleText> {
        if !self.recording {
            return None;
        }
        let source = view.get(span.clone())?;
        if source.is_empty() {
            return None;
        }
        let first = self
            .events
            .partition_point(|e| e.at() <= span.start)
            .checked_sub(1)?;
        let last = self
            .events
            .partition_point(|e| e.at() < span.end)
            .checked_sub(1)?;
        // The span must start and end inside text runs.
        let (head, tail) = (self.events.get(first)?, self.events.get(last)?);
        if !(head.is_text() && head.raw().end > span.start) {
            return None;
        }
        if !(tail.is_text() && tail.raw().end >= span.end) {
            return None;
        }
        let mut out = VisibleText::default();
        out.text.reserve(source.len());
        let mut skipping: Vec<usize> = Vec::new();
        let mut pending_space: Option<Span> = None;
        for (n, event) in self.events.get(first..=last)?.iter().enumerate() {
            match event.kind {
                Kind::Open => {
                    let name = event.data as usize;
                    if self.closed_inside(name, event.at(), span) {
                        skipping.push(name);
                    }
                }
                Kind::Close => {
                    let name = event.data as usize;
                    if let Some(pos) = skipping.iter().rposition(|s| *s == name) {
                        skipping.truncate(pos);
                    }
                }
                Kind::Own | Kind::Decoded => {
                    let raw = &event.raw();
                    let raw_state = &event.raw_state;
                    let value = self.value(view, event)?;
                    let cut_start = n == 0 && raw.start < span.start;
                    let cut_end = first + n == last && raw.end > span.end;
                    if *raw_state && n == 0 {
                        // Read alone from the data state, the text would have to read the same.
                        let text = view.get(raw.clone())?;
                        if text.contains(['<', '&', '\0']) {
                            return None;
                        }
                    }
                    if !skipping.is_empty() {
                        continue;
                    }
                    let from = if cut_start {
                        blank_chars(view.get(raw.start..span.start)?, !raw_state)?
                    } else {
                        0
                    };
                    let to = if cut_end {
                        let tail = blank_chars(view.get(span.end..raw.end)?, !raw_state)?;
                        value
                            .chars()
                            .count()
                            .checked_sub(tail)
                            .filter(|&to| to > from)?
                    } else {
                        usize::MAX
                    };
                    let mut reached = from == 0;
                    let source = view.get(raw.clone())?;
                    if event.kind == Kind::Own {
                        // Every character is its own source: the part inside the span, as is
                        // (the blanks cut off each side are one character per byte run).
                        let lo = raw.start.max(span.start);
                        let hi = raw.end.min(span.end);
                        take_plain(&mut out, &mut pending_space, view.get(lo..hi)?, lo);
                        continue;
                    }
                    for (k, (c, src)) in map_chars(source, 0..source.len(), value)
                        .into_iter()
                        .enumerate()
                    {
                        let src = raw.start + src.start..raw.start + src.end;
                        if k < from {
                            // The character before the span must end where it starts.
                            if k + 1 == from {
                                if src.end != span.start {
                                    return None;
                                }
                                reached = true;
                            }
                            continue;
                        }
                        if k >= to {
                            break;
                        }
                        if cut_end && k + 1 == to && src.end != span.end {
                            return None;
                        }
                        take(&mut out, &mut pending_space, c, src);
                    }
                    if !reached {
                        return None;
                    }
                }
            }
        }
        Some(out)
    }
}

/// [`take`] of every character of `part`, view bytes `start..` that are their own source, in
/// stretches of non-blank characters of one length.
fn take_plain(out: &mut VisibleText, pending_space: &mut Option<Span>, part: &str, start: usize) {
    // The stretch not yet written: (byte offset in `part`, character length, count).
    let mut stretch: Option<(usize, usize, usize)> = None;
    let flush = |out: &mut VisibleText, stretch: &mut Option<(usize, usize, usize)>| {
        if let Some((from, len, count)) = stretch.take() {
            let text = part.get(from..from + len * count).unwrap_or("");
            out.push_same(text, len, start + from, count);
        }
    };
    for (i, c) in part.char_indices() {
        let len = c.len_utf8();
        if is_blank_char(c) {
            flush(out, &mut stretch);
            pending_space.get_or_insert(start + i..start + i + len);
            continue;
        }
        if let Some(space) = pending_space.take() {
            // A blank was seen since the last stretch, so it is written already.
            if !out.text.is_empty() {
                out.push(out.text.len(), 1, space);
                out.text.push(' ');
            }
        }
        match &mut stretch {
            Some((_, l, count)) if *l == len => *count += 1,
            _ => {
                flush(out, &mut stretch);
                stretch = Some((i, len, 1));
            }
        }
    }
    flush(out, &mut stretch);
}

/// The number of characters the tokenizer decodes from `raw`, a run of blank characters and
/// (when `entities`) whitespace references, each read as one character (`\r\n` as one `\n`).
/// `None` when `raw` holds anything else.
fn blank_chars(raw: &str, entities: bool) -> Option<usize> {
    let mut n = 0;
    let mut s = raw;
    while !s.is_empty() {
        if let Some(rest) = s.strip_prefix("\r\n") {
            s = rest;
        } else if let Some(c) = s.chars().next().filter(|&c| is_blank_char(c)) {
            s = &s[c.len_utf8()..];
        } else if let Some(e) = ONE_CHAR_BLANKS
            .iter()
            .find(|e| entities && s.starts_with(**e))
        {
            s = &s[e.len()..];
        } else {
            return None;
        }
        n += 1;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Document;

    fn doc(html: &str) -> Document {
        super::super::parse("t.html", html.to_string(), Some("UTF-8".into()))
    }

    /// Paragraph spans of a page.
    fn paragraph_spans(d: &Document) -> Vec<Span> {
        d.paragraphs().map(|p| p.span.clone()).collect()
    }

    /// Other spans to compare on a page: between clean points of its text runs (their ends and
    /// the places before and after blanks and `;`), a sample of pairs.
    fn other_spans(d: &Document) -> Vec<Span> {
        let mut out = Vec::new();
        let Some(page) = &d.html_text else {
            return out;
        };
        let mut points = Vec::new();
        for raw in page.events.iter().filter(|e| e.is_text()).map(Event::raw) {
            points.push(raw.start);
            points.push(raw.end);
            if let Some(text) = d.view.get(raw.clone()) {
                for (i, c) in text.char_indices() {
                    if c == ' ' || c == ';' || c == '\n' {
                        points.push(raw.start + i + c.len_utf8());
                        points.push(raw.start + i);
                    }
                }
            }
        }
        points.sort_unstable();
        points.dedup();
        let step = (points.len() / 30).max(1);
        for (n, &a) in points.iter().enumerate().step_by(step) {
            for &b in points.iter().skip(n).take(step * 4).step_by(step / 4 + 1) {
                out.push(a..b);
            }
            for &b in points.iter().skip(n).step_by(step) {
                out.push(a..b);
            }
        }
        out
    }

    /// Compares the recorded reading with tokenising each span alone; returns how many
    /// paragraphs were read from the record, and how many there are.
    fn compare(html: &str) -> (usize, usize) {
        let d = doc(html);
        let Some(page) = &d.html_text else {
            return (0, 0);
        };
        let paragraphs = paragraph_spans(&d);
        let mut fast = 0;
        for (n, span) in paragraphs.iter().chain(&other_spans(&d)).enumerate() {
            let alone = visible_text(&d.view, span);
            if let Some(v) = page.read(&d.view, span) {
                fast += usize::from(n < paragraphs.len());
                assert_eq!(v, alone, "{span:?} of {:?}", d.view.get(span.clone()));
            }
        }
        (fast, paragraphs.len())
    }

    #[test]
    fn same_as_tokenising_each_span_alone() {
        let pages = [
            "<p>  共收到申请&nbsp;<span>12</span>&nbsp;件，&#20840;部\r\n  答复<script>var a='99件';</script>。 </p>",
            "<p>&nbsp;&nbsp;&#160;一、概述&nbsp;</p><p>\r\n\t二<nav>菜单</nav>三 &NBSP;</p>",
            "<title>标题 &amp; <b>1</b></title><p>a &nbspx b&nbsp</p><p>&Nbsp;c &emsp13; d</p>",
            "<table><tr><td>甲</td></tr> 夹 <tr><td>乙</td><td>丙</td></tr> 带 </table>",
            "<p>x<nav>y</p><p>z</nav>w <textarea>t</textarea> v</p><p>u</navx> </nav",
            "<p>a<script>if (a<b) {}</script>b</p><p>c<style>&amp;</style>d<script>e",
            "<div>\u{feff} 一 \u{3000} 二 \u{200b}</div><p>&#x3000;三&#12288;</p><p>&#32;四&#32;</p>",
            "<p>a <3 b</p><p>c < d &amp e &notin; f&not g</p><!-- c --><p>h</p>",
            "<p>\r 一\r</p><p>二\r\n\r\n</p><xmp>三 <b> </xmp><p>四</p><plaintext>五 <p> 六",
            "<iframe>七</iframe><noscript>八 &amp;</noscript><p>九<br>十</p>",
        ];
        for page in pages {
            compare(page);
        }
        let (mut read, mut all) = (0, 0);
        for page in crate::test_fixtures::fixture_texts(&["html", "htm"]) {
            let (r, a) = compare(&page);
            read += r;
            all += a;
        }
        eprintln!("{read} of {all} paragraphs read from the record");
        assert!(
            read * 2 > all,
            "{read} of {all} paragraphs read from the record"
        );
    }

    #[test]
    fn clean_blank_runs() {
        assert_eq!(blank_chars(" \r\n\t&nbsp;&#x3000;", true), Some(5));
        assert_eq!(blank_chars("&nbsp;", false), None);
        assert_eq!(blank_chars("&nbsp", true), None);
        assert_eq!(blank_chars("&NBSP;", true), None);
        assert_eq!(blank_chars("", true), Some(0));
    }
}
