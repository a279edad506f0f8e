//! Prose facts: every quantity of every paragraph with its label phrase, clause, sentence and
//! parenthesis depth, and the report segment it belongs to.
//!
//! A scraped page can hold several reports (seed 000 holds four). The document is cut into
//! *segments* at report boundaries: a title `…(\d{4})年…政府信息公开(工作)?年度报告` naming a new
//! year (or a short title line), or a paragraph whose leading `(\d{4})年` names another reporting
//! year. A leading year one above the current one in a paragraph that talks about plans
//! (`2016年，我市将…`, `2018年改进措施`) is the next-year plan of the same report, not a new
//! report. Tables belong to the segment they sit in.

use crate::number::{scan, Quantity};
use crate::source::html::VisibleText;
use crate::source::{Block, Document, InputFormat, Span};
use std::fmt;
use std::ops::{Deref, Range};
use std::sync::Arc;

/// One report inside a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// View offset where the segment starts.
    pub start: usize,
    /// Reporting year, when known.
    pub year: Option<i32>,
    /// Title line that opened the segment, if any.
    pub title: Option<String>,
}

/// The text of a paragraph, shared with its quantities: a range of the document's view where
/// the text is the view's own (a page's paragraphs hold no copy of their words), else a string
/// of its own. It reads as a `str`.
#[derive(Clone)]
pub struct ParaText {
    /// The view, or the paragraph's own text.
    store: Arc<String>,
    /// Where the text starts in `store`.
    start: u32,
    /// Its length in bytes.
    len: u32,
}

impl ParaText {
    /// `text`, printed at byte `at` of `view`: a range of the view when the view holds it
    /// there, else a string of its own.
    fn new(view: &Arc<String>, at: usize, text: String) -> Self {
        let end = at.saturating_add(text.len());
        if let (Ok(start), Ok(len)) = (u32::try_from(at), u32::try_from(text.len())) {
            if u32::try_from(end).is_ok() && view.get(at..end) == Some(text.as_str()) {
                return ParaText {
                    store: Arc::clone(view),
                    start,
                    len,
                };
            }
        }
        let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
        ParaText {
            store: Arc::new(text),
            start: 0,
            len,
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        let start = self.start as usize;
        self.store
            .get(start..start + self.len as usize)
            .unwrap_or("")
    }
}

impl Deref for ParaText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for ParaText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// One paragraph of prose, as text the prose rules read.
#[derive(Debug, Clone)]
pub struct ProseParagraph {
    /// Visible text (HTML markup removed), shared with the paragraph's quantities.
    pub text: ParaText,
    /// Span of the paragraph in the view.
    pub span: Span,
    /// Segment index.
    pub segment: usize,
    /// Sentences (byte ranges of `text`, split at `。！？!?`), with the parentheses and clause
    /// delimiters of `text` in the same list.
    pub sentences: Sentences,
    /// How text offsets map back to the view.
    map: ViewMap,
}

/// The sentences of a paragraph (byte ranges of its text, read with [`Sentences::get`]), kept
/// in one list with the paragraph's other indexes as `u32` pairs: `(sentences, parentheses)`,
/// then the sentences (start, end), every parenthesis (byte offset, depth after it, for
/// [`ProseParagraph::depth_at`] in logarithmic time) and the clause delimiters (start, end), in
/// order. A page of hundreds of thousands of paragraphs holds one list each rather than three.
#[derive(Debug, Clone)]
pub struct Sentences(Box<[(u32, u32)]>);

impl Sentences {
    /// The list of `sentences`, `parens` and `delims` (byte offsets as `u32`: a paragraph is
    /// far below 4 GiB).
    fn new(sentences: &[Range<usize>], parens: &[Paren], delims: &[Offsets]) -> Self {
        let mut all = Vec::with_capacity(1 + sentences.len() + parens.len() + delims.len());
        all.push((index_u32(sentences.len()), index_u32(parens.len())));
        all.extend(
            sentences
                .iter()
                .map(|r| (index_u32(r.start), index_u32(r.end))),
        );
        all.extend_from_slice(parens);
        all.extend_from_slice(delims);
        Sentences(all.into_boxed_slice())
    }

    /// How many sentences and parentheses the list holds.
    fn counts(&self) -> (usize, usize) {
        self.0
            .first()
            .map_or((0, 0), |&(s, p)| (s as usize, p as usize))
    }

    /// The sentences, as (start, end).
    fn ranges(&self) -> &[Offsets] {
        let (s, _) = self.counts();
        self.0.get(1..1 + s).unwrap_or(&[])
    }

    /// The parentheses, as (byte offset, depth after it).
    fn parens(&self) -> &[Paren] {
        let (s, p) = self.counts();
        self.0.get(1 + s..1 + s + p).unwrap_or(&[])
    }

    /// The clause delimiters, as (start, end).
    fn delims(&self) -> &[Offsets] {
        let (s, p) = self.counts();
        self.0.get(1 + s + p..).unwrap_or(&[])
    }

    /// Number of sentences.
    pub fn len(&self) -> usize {
        self.counts().0
    }

    /// Has the paragraph no sentence?
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Byte range of sentence `i` in the paragraph's text.
    pub fn get(&self, i: usize) -> Option<Range<usize>> {
        self.ranges()
            .get(i)
            .map(|&(start, end)| start as usize..end as usize)
    }
}

/// A byte range of a paragraph's text as `u32` offsets (start, end).
type Offsets = (u32, u32);

/// A parenthesis: its byte offset and the depth after it.
type Paren = (u32, u32);

/// Where each line of text lines joined into one paragraph starts: (text offset, view offset).
type Pieces = Box<[(usize, usize)]>;

/// How the text of a paragraph maps back to the view.
#[derive(Debug, Clone)]
enum ViewMap {
    /// The text is the view at the paragraph's span, line by line (text formats): for text
    /// lines joined into one paragraph, (text offset, view offset) where each line starts, in
    /// order (`None` for a single line; boxed twice, so that a map is two words).
    Lines(Option<Box<Pieces>>),
    /// HTML: the visible text with its map.
    Visible(Box<VisibleText>),
    /// HTML whose visible text maps to the view byte for byte from the span's start (no
    /// markup, entity or collapsed blank inside): the map itself is not kept.
    Shift,
}

impl ViewMap {
    /// The map of an HTML paragraph starting at view offset `start`.
    fn of_html(map: VisibleText, start: usize) -> Self {
        if map.is_shift_of(start) {
            ViewMap::Shift
        } else {
            ViewMap::Visible(Box::new(map))
        }
    }
}

impl ProseParagraph {
    /// View span of a byte range of [`ProseParagraph::text`].
    pub fn view_span(&self, range: Range<usize>) -> Span {
        let pieces = match &self.map {
            ViewMap::Visible(m) => return m.source_span(range),
            ViewMap::Shift => {
                // As the map would answer: on character boundaries (the next one), clamped.
                let ceil = |x: usize| {
                    let mut x = x.min(self.text.len());
                    while !self.text.is_char_boundary(x) {
                        x += 1;
                    }
                    x
                };
                let (start, end) = (ceil(range.start), ceil(range.end));
                return self.span.start + start..self.span.start + end.max(start);
            }
            ViewMap::Lines(pieces) => pieces.as_deref().map_or(&[][..], |p| &p[..]),
        };
        if pieces.is_empty() {
            return self.span.start + range.start..self.span.start + range.end;
        }
        let at = |byte: usize| {
            let i = pieces
                .partition_point(|(t, _)| *t <= byte)
                .saturating_sub(1);
            let (t, v) = pieces.get(i).copied().unwrap_or((0, self.span.start));
            v + (byte - t)
        };
        let start = at(range.start);
        // An end at a line start belongs to the line before.
        let end = if range.end > range.start {
            at(range.end - 1) + 1
        } else {
            start
        };
        start..end.max(start)
    }

    /// Index the parentheses and clause delimiters of `text` (one pass) into `parens` and
    /// `delims` (cleared first): byte offsets as `u32` (a paragraph is far below 4 GiB).
    fn index(text: &str, parens: &mut Vec<Paren>, delims: &mut Vec<Offsets>) {
        parens.clear();
        delims.clear();
        let mut d: u32 = 0;
        let at = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        for (i, c) in non_ideographs(text) {
            match c {
                '（' | '(' => {
                    d += 1;
                    parens.push((at(i), d));
                }
                '）' | ')' => {
                    d = d.saturating_sub(1);
                    parens.push((at(i), d));
                }
                _ => {}
            }
            if is_clause_delim(c) {
                delims.push((at(i), at(i + c.len_utf8())));
            }
        }
    }

    /// Index of the sentence holding byte `at` (binary search: sentences are in order).
    pub fn sentence_of(&self, at: usize) -> usize {
        let sentences = self.sentences.ranges();
        let i = sentences.partition_point(|&(_, end)| (end as usize) <= at);
        i.min(sentences.len().saturating_sub(1))
    }

    /// Parenthesis depth at byte `at` (`（…）` and `(…)`): the depth after the last parenthesis
    /// that starts before `at`.
    pub fn depth_at(&self, at: usize) -> u32 {
        let parens = self.sentences.parens();
        let i = parens.partition_point(|&(p, _)| (p as usize) < at);
        if i == 0 {
            0
        } else {
            parens[i - 1].1
        }
    }

    /// The clause around a token: back to the previous delimiter, on to the next one.
    pub fn clause_of(&self, tok: Range<usize>) -> Range<usize> {
        let delims = self.sentences.delims();
        let before = delims.partition_point(|&(_, end)| (end as usize) <= tok.start);
        let start = if before == 0 {
            0
        } else {
            delims[before - 1].1 as usize
        };
        let after = delims.partition_point(|&(start, _)| (start as usize) < tok.end);
        let end = delims
            .get(after)
            .map_or(self.text.len(), |&(start, _)| start as usize);
        start..end
    }
}

/// A quantity printed in prose.
#[derive(Debug, Clone)]
pub struct ProseQuantity {
    /// Paragraph index in [`ProseFacts::paragraphs`].
    pub paragraph: u32,
    /// Byte range in the paragraph text (approximation words and unit included), as `u32`
    /// offsets (see [`ProseQuantity::range`]).
    range: Range<u32>,
    /// Span in the view.
    pub span: Span,
    /// The quantity.
    pub quantity: Quantity,
    /// Sentence index within the paragraph (see [`ProseQuantity::sentence`]).
    sentence: u32,
    /// Parenthesis depth (0 outside parentheses).
    pub depth: u32,
    /// Segment index (see [`ProseQuantity::segment`]).
    segment: u32,
    /// The paragraph's text, shared: the token and its label are ranges of it, so a page of a
    /// million figures does not hold a million copies of their words.
    source: ParaText,
    /// Byte range of the label phrase in `source`.
    label: Range<u32>,
    /// Byte range of its clause in the paragraph text.
    clause: Range<u32>,
}

impl ProseQuantity {
    /// Token as printed.
    pub fn text(&self) -> &str {
        self.source.get(self.range()).unwrap_or("")
    }

    /// Byte range in the paragraph text (approximation words and unit included).
    pub fn range(&self) -> Range<usize> {
        self.range.start as usize..self.range.end as usize
    }

    /// Sentence index within the paragraph.
    pub fn sentence(&self) -> usize {
        self.sentence as usize
    }

    /// Segment index.
    pub fn segment(&self) -> usize {
        self.segment as usize
    }

    /// Byte range of its clause in the paragraph text.
    pub fn clause(&self) -> Range<usize> {
        self.clause.start as usize..self.clause.end as usize
    }

    /// Label phrase: the words before the number in its clause (trigger words removed).
    pub fn label(&self) -> &str {
        self.source
            .get(self.label.start as usize..self.label.end as usize)
            .unwrap_or("")
    }

    /// Words of paragraph `index` standing for a figure (status words such as `全部公开`):
    /// token and label are the words at `range`, the quantity is zero.
    pub fn words(index: usize, para: &ProseParagraph, range: Range<usize>) -> Self {
        ProseQuantity {
            paragraph: u32::try_from(index).unwrap_or(u32::MAX),
            span: para.view_span(range.clone()),
            quantity: Quantity::integer(0),
            clause: to_u32(&range),
            sentence: index_u32(para.sentence_of(range.start)),
            depth: 0,
            segment: index_u32(para.segment),
            source: para.text.clone(),
            label: to_u32(&range),
            range: to_u32(&range),
        }
    }
}

/// A byte range of a paragraph as `u32` offsets (a paragraph is far below 4 GiB: files are
/// limited to [`crate::source::MAX_INPUT_BYTES`]).
fn to_u32(r: &Range<usize>) -> Range<u32> {
    index_u32(r.start)..index_u32(r.end)
}

/// A sentence, segment or byte index of a paragraph as `u32` (see [`to_u32`]).
fn index_u32(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

/// All prose facts of a document.
#[derive(Debug, Clone, Default)]
pub struct ProseFacts {
    /// Paragraphs in document order.
    pub paragraphs: Vec<ProseParagraph>,
    /// Quantities in document order.
    pub quantities: Vec<ProseQuantity>,
    /// Report segments in document order (at least one when the document has text).
    pub segments: Vec<Segment>,
}

impl ProseFacts {
    /// Segment holding view offset `at`.
    pub fn segment_at(&self, at: usize) -> usize {
        self.segments
            .iter()
            .rposition(|s| s.start <= at)
            .unwrap_or(0)
    }

    /// Quantities of one paragraph.
    pub fn in_paragraph(&self, p: usize) -> impl Iterator<Item = (usize, &ProseQuantity)> {
        // Quantities are stored in paragraph order: find the run by binary search, so checking
        // every paragraph stays linear in the size of the document.
        let start = self
            .quantities
            .partition_point(|q| (q.paragraph as usize) < p);
        let end = start + self.quantities[start..].partition_point(|q| q.paragraph as usize <= p);
        (start..end).map(move |i| (i, &self.quantities[i]))
    }
}

/// Clause delimiters (also the boundaries of label phrases).
pub const CLAUSE_DELIMS: &[char] = &[
    '，', ',', '；', ';', '：', ':', '、', '。', '！', '？', '!', '?', '（', '(', '）', ')', '\n',
];

/// Is `c` one of [`CLAUSE_DELIMS`]?
fn is_clause_delim(c: char) -> bool {
    matches!(
        c,
        '，' | ','
            | '；'
            | ';'
            | '：'
            | ':'
            | '、'
            | '。'
            | '！'
            | '？'
            | '!'
            | '?'
            | '（'
            | '('
            | '）'
            | ')'
            | '\n'
    )
}

/// Sentence delimiters.
const SENTENCE_DELIMS: &[char] = &['。', '！', '？', '!', '?', '\n'];

/// Is `c` one of [`SENTENCE_DELIMS`]?
fn is_sentence_delim(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '\n')
}

/// Words removed from the start of a label phrase.
const LABEL_TRIGGERS: &[&str] = &["其中", "分别为", "分别", "包括"];

/// Words of a next-year plan paragraph.
const PLAN_WORDS: &[&str] = &[
    "将",
    "计划",
    "改进",
    "打算",
    "工作思路",
    "工作要点",
    "重点做好",
];

/// A paragraph before its facts are read: text, view span, and the map back to the view.
struct RawParagraph {
    text: String,
    span: Span,
    map: ViewMap,
    pieces: Vec<(usize, usize)>,
}

/// Extract the prose facts of a document.
pub fn extract_prose(doc: &Document) -> ProseFacts {
    extract_prose_outside(doc, &[])
}

/// Extract the prose facts of a document whose tables cover `tables` (view spans): lines of a
/// plain-text paragraph broken inside a sentence (a crawler's one figure per line) are joined,
/// except inside a table.
pub fn extract_prose_outside(doc: &Document, tables: &[Span]) -> ProseFacts {
    // Paragraphs are read as soon as no later line can join them: only the last one waits.
    let mut reader = Reader {
        view: Arc::clone(&doc.view),
        out: ProseFacts::default(),
        current: None,
        scratch: Scratch::default(),
    };
    let mut last: Option<RawParagraph> = None;
    let joins = matches!(doc.format, InputFormat::Text | InputFormat::Markdown);
    let mut prev_block_was_paragraph = false;
    for block in &doc.blocks {
        let Block::Paragraph(p) = block else {
            prev_block_was_paragraph = false;
            continue;
        };
        let (text, map) = if doc.format == InputFormat::Html {
            // The map answers without its text: keep the text once.
            let mut v = doc.visible_text(&p.span);
            let text = std::mem::take(&mut v.text);
            (text, ViewMap::of_html(v, p.span.start))
        } else {
            (doc.slice(&p.span).to_string(), ViewMap::Lines(None))
        };
        if text.trim().is_empty() {
            prev_block_was_paragraph = false;
            continue;
        }
        let in_table = |s: &Span| tables.iter().any(|t| t.start <= s.start && s.end <= t.end);
        let adjacent = prev_block_was_paragraph
            && last.as_ref().is_some_and(|last| {
                doc.view
                    .get(last.span.end..p.span.start)
                    .is_some_and(|gap| gap.chars().filter(|c| *c == '\n').count() == 1)
            });
        prev_block_was_paragraph = true;
        if let Some(last) = last.as_mut().filter(|last| {
            joins
                && adjacent
                && !in_table(&last.span)
                && !in_table(&p.span)
                && breaks_inside_sentence(
                    last.text
                        .get(last.pieces.last().map_or(0, |(t, _)| *t)..)
                        .unwrap_or(""),
                    &text,
                )
        }) {
            if last.pieces.is_empty() {
                last.pieces.push((0, last.span.start));
            }
            last.pieces.push((last.text.len(), p.span.start));
            last.text.push_str(&text);
            last.span.end = p.span.end;
            continue;
        }
        let next = RawParagraph {
            text,
            span: p.span.clone(),
            map,
            pieces: Vec::new(),
        };
        if let Some(done) = last.replace(next) {
            reader.read(done);
        }
    }
    if let Some(done) = last {
        reader.read(done);
    }
    let mut out = reader.out;
    if out.segments.is_empty() {
        out.segments.push(Segment {
            start: 0,
            year: None,
            title: None,
        });
    }
    out
}

/// Reads paragraphs in document order into prose facts.
struct Reader {
    /// The document's view (paragraph texts are ranges of it where they can be).
    view: Arc<String>,
    out: ProseFacts,
    /// The report segment read so far.
    current: Option<Segment>,
    /// Lists of one paragraph's sentences, parentheses and delimiters, kept from one paragraph
    /// to the next (each paragraph keeps them as one [`Sentences`] list of its own).
    scratch: Scratch,
}

/// Lists a paragraph's indexes are built in.
#[derive(Default)]
struct Scratch {
    sentences: Vec<Range<usize>>,
    parens: Vec<Paren>,
    delims: Vec<Offsets>,
}

impl Reader {
    /// Read one paragraph (cut into parts when it is long): its segment, its quantities.
    fn read(&mut self, raw: RawParagraph) {
        if raw.text.len() <= MAX_PARAGRAPH_BYTES {
            return self.read_part(raw);
        }
        for part in split_long(raw) {
            self.read_part(part);
        }
    }

    fn read_part(&mut self, raw: RawParagraph) {
        let RawParagraph {
            text,
            span,
            map,
            pieces,
        } = raw;
        let out = &mut self.out;
        let p = Paragraph { span };
        if let Some(seg) = segment_start(&text, self.current.as_ref(), p.span.start) {
            match out.segments.last_mut() {
                // The first segment had no year yet (page chrome before the report): it is this one.
                Some(last) if last.year.is_none() => {
                    last.year = seg.year;
                    last.title = seg.title.clone();
                    self.current = Some(last.clone());
                }
                _ => {
                    out.segments.push(seg.clone());
                    self.current = Some(seg);
                }
            }
        } else if self.current.is_none() {
            let seg = Segment {
                start: 0,
                year: None,
                title: None,
            };
            out.segments.push(seg.clone());
            self.current = Some(seg);
        }
        let segment = out.segments.len().saturating_sub(1);
        let Scratch {
            sentences: sentence_list,
            parens,
            delims,
        } = &mut self.scratch;
        ProseParagraph::index(&text, parens, delims);
        sentences(&text, sentence_list);
        let para = ProseParagraph {
            sentences: Sentences::new(sentence_list, parens, delims),
            text: ParaText::new(&self.view, p.span.start, text),
            span: p.span.clone(),
            segment,
            map: match map {
                ViewMap::Lines(_) if pieces.is_empty() => ViewMap::Lines(None),
                ViewMap::Lines(_) => ViewMap::Lines(Some(Box::new(pieces.into_boxed_slice()))),
                map => map,
            },
        };
        let pi = out.paragraphs.len();
        for tok in scan(&para.text) {
            let clause = para.clause_of(tok.span.clone());
            let label = label_of(&para.text, clause.start, tok.span.start);
            out.quantities.push(ProseQuantity {
                paragraph: u32::try_from(pi).unwrap_or(u32::MAX),
                span: para.view_span(tok.span.clone()),
                quantity: tok.quantity,
                sentence: index_u32(para.sentence_of(tok.span.start)),
                depth: para.depth_at(tok.span.start),
                clause: to_u32(&clause),
                range: to_u32(&tok.span),
                segment: index_u32(segment),
                source: para.text.clone(),
                label: to_u32(&label),
            });
        }
        out.paragraphs.push(para);
    }
}

/// The span of a paragraph being read.
struct Paragraph {
    span: Span,
}

/// Characters that end a sentence at a line end.
const LINE_FINAL: &[char] = &['。', '！', '？', '!', '?'];

/// Characters that continue a clause when they open a line (`，占`, `%`, `）`).
const CONTINUES: &[char] = &[
    '，', ',', '；', ';', '、', '：', ':', '。', '）', ')', '%', '％', '〕', ']', '】', '”', '—',
];

/// Characters that leave a clause open when they end a line.
const OPENS: &[char] = &[
    '，', ',', '；', ';', '、', '：', ':', '（', '(', '〔', '[', '【', '“',
];

/// Is a heading line (`（二）主要类别`, `2.政府公报`, `一、`) with no clause punctuation.
fn is_heading(line: &str) -> bool {
    super::prose_years::heading_marker(line) && !line.contains(['，', ',', '；', ';', '。'])
}

/// Does the break between line `a` and the next line `b` fall inside a sentence (a figure, its
/// unit or its share printed on a line of its own)?
fn breaks_inside_sentence(a: &str, b: &str) -> bool {
    let a = a.trim_end();
    let b = b.trim_start();
    let (Some(last), Some(first)) = (a.chars().last(), b.chars().next()) else {
        return false;
    };
    if LINE_FINAL.contains(&last) || is_heading(a) || is_heading(b) {
        return false;
    }
    let digit = |c: char| c.is_ascii_digit();
    // Never glue two figures (`483` / `5217`: two table cells) or a decimal point to a figure.
    if digit(last) && (digit(first) || first == '.' || first == '．') {
        return false;
    }
    if (last == '.' || last == '．') && digit(first) {
        return false;
    }
    if CONTINUES.contains(&first) || OPENS.contains(&last) {
        return true;
    }
    if digit(last) || last == '%' {
        let starts_with_unit = crate::number::UNIT_WORDS
            .iter()
            .chain(
                [
                    "年", "月", "日", "号", "期", "份", "万", "亿", "余", "多", "家",
                ]
                .iter(),
            )
            .any(|u| b.starts_with(u));
        // A figure on a line of its own is followed by the rest of its sentence, whatever the
        // next line starts with (`16` / `务；科教…`, a glyph lost in the crawl).
        return starts_with_unit || CONTINUES.contains(&first) || a.chars().count() <= 16;
    }
    // A figure on a line of its own after words (`…权责事项` / `346`): joined when the figure
    // is followed by its unit, or ends the line.
    if digit(first) && b.chars().count() <= 16 {
        let is_cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
        return is_cjk(last) || last == '）' || last == ')';
    }
    false
}

/// Does this paragraph open a new report segment?
fn segment_start(text: &str, current: Option<&Segment>, at: usize) -> Option<Segment> {
    let cur_year = current.and_then(|c| c.year);
    let first_end = non_ideographs(text)
        .find(|&(_, c)| is_sentence_delim(c))
        .map_or(text.len(), |(i, _)| i);
    let first_sentence = text[..first_end].trim();
    if let Some(digits) = super::prose_years::title_year(first_sentence) {
        let year = digits.parse::<i32>().ok();
        let short = text.trim().chars().count() <= 60;
        if current.is_none() || (year.is_some() && year != cur_year) || short {
            return Some(Segment {
                start: at,
                year,
                title: Some(first_sentence.to_string()),
            });
        }
    }
    let leading = super::prose_years::leading_year(text)
        .and_then(|m| m.parse::<i32>().ok())
        .filter(|y| (1990..=2100).contains(y));
    let year = match leading {
        Some(y) => y,
        None => only_year(text)?,
    };
    match cur_year {
        Some(y) if y == year => None,
        Some(y) if year == y + 1 && PLAN_WORDS.iter().any(|w| text.contains(w)) => None,
        _ => Some(Segment {
            start: at,
            year: Some(year),
            title: None,
        }),
    }
}

/// The one year a paragraph talks about, when it names it at least twice and no other.
fn only_year(text: &str) -> Option<i32> {
    let mut years = super::prose_years::year_mentions(text)
        .filter_map(|y| y.parse::<i32>().ok())
        .filter(|y| (1990..=2100).contains(y));
    let first = years.next()?;
    let mut count = 1;
    for y in years {
        if y != first {
            return None;
        }
        count += 1;
    }
    (count >= 2).then_some(first)
}

/// The characters of `text` with their byte offsets, but for those in U+4000–U+9FFF (CJK
/// ideographs, led by the bytes `E4`–`E9`), which are passed without decoding: no delimiter,
/// parenthesis or digit is among them.
fn non_ideographs(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while let Some(&b) = bytes.get(i) {
            if (0xE4..=0xE9).contains(&b) {
                i += 3;
                continue;
            }
            let c = text.get(i..)?.chars().next()?;
            let at = i;
            i += c.len_utf8();
            return Some((at, c));
        }
        None
    })
}

/// The sentences of `text` into `out` (cleared first).
fn sentences(text: &str, out: &mut Vec<Range<usize>>) {
    out.clear();
    let mut start = 0;
    for (i, c) in non_ideographs(text) {
        if is_sentence_delim(c) {
            let end = i + c.len_utf8();
            out.push(start..end);
            start = end;
        }
    }
    if start < text.len() || out.is_empty() {
        out.push(start..text.len());
    }
}

/// Longest label phrase kept (characters before the number); a clause without delimiters can
/// be a whole megabyte-long line, and copying it for every number would be quadratic.
const MAX_LABEL_CHARS: usize = 120;

/// Longest paragraph read as one (bytes). A report written on one line would otherwise be one
/// paragraph of megabytes, and the prose rules look around each number within its paragraph;
/// longer paragraphs are cut at sentence ends into parts of at most this size, so the work stays
/// linear in the document. A real paragraph is a few hundred bytes.
pub const MAX_PARAGRAPH_BYTES: usize = 16 * 1024;

/// Byte ranges of `text` cut at sentence ends into parts of at most [`MAX_PARAGRAPH_BYTES`] (a
/// sentence longer than that is cut at a character boundary).
fn parts(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    while text.len() - start > MAX_PARAGRAPH_BYTES {
        let mut limit = start + MAX_PARAGRAPH_BYTES;
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let cut = text[start..limit]
            .char_indices()
            .rev()
            .find(|(_, c)| SENTENCE_DELIMS.contains(c))
            .map(|(i, c)| start + i + c.len_utf8())
            .filter(|&e| e > start)
            .unwrap_or(limit);
        out.push(start..cut);
        start = cut;
    }
    if start < text.len() || out.is_empty() {
        out.push(start..text.len());
    }
    out
}

/// A paragraph longer than [`MAX_PARAGRAPH_BYTES`] as several, each with its own view map.
fn split_long(p: RawParagraph) -> Vec<RawParagraph> {
    if p.text.len() <= MAX_PARAGRAPH_BYTES {
        return vec![p];
    }
    let mut out = Vec::new();
    for r in parts(&p.text) {
        let text = p.text[r.clone()].to_string();
        let (span, map, pieces) = match &p.map {
            ViewMap::Visible(m) => {
                let span = m.source_span(r.clone());
                let sub = ViewMap::of_html(m.slice(r.clone()), span.start);
                (span, sub, Vec::new())
            }
            // The part of a shifted text is shifted alike (parts end on character boundaries).
            ViewMap::Shift => (
                p.span.start + r.start..p.span.start + r.end,
                ViewMap::Shift,
                Vec::new(),
            ),
            ViewMap::Lines(_) if p.pieces.is_empty() => (
                p.span.start + r.start..p.span.start + r.end,
                ViewMap::Lines(None),
                Vec::new(),
            ),
            ViewMap::Lines(_) => {
                // Line starts inside the part, rebased; the part's own start first.
                let view_at = |byte: usize| {
                    let i = p
                        .pieces
                        .partition_point(|(t, _)| *t <= byte)
                        .saturating_sub(1);
                    let (t, v) = p.pieces.get(i).copied().unwrap_or((0, p.span.start));
                    v + (byte - t)
                };
                let mut pieces = vec![(0, view_at(r.start))];
                let from = p.pieces.partition_point(|(t, _)| *t <= r.start);
                let to = p.pieces.partition_point(|(t, _)| *t < r.end);
                pieces.extend(p.pieces[from..to].iter().map(|&(t, v)| (t - r.start, v)));
                let end = if r.end > r.start {
                    view_at(r.end - 1) + 1
                } else {
                    view_at(r.start)
                };
                (view_at(r.start)..end, ViewMap::Lines(None), pieces)
            }
        };
        out.push(RawParagraph {
            text,
            span,
            map,
            pieces,
        });
    }
    out
}

/// Byte range of the label phrase of a number at `tok_start` whose clause starts at
/// `clause_start`: the words between them, trimmed, trigger words removed (at most
/// [`MAX_LABEL_CHARS`] characters, the nearest the number).
fn label_of(text: &str, clause_start: usize, tok_start: usize) -> Range<usize> {
    let Some(mut s) = text.get(clause_start..tok_start) else {
        return tok_start..tok_start;
    };
    // `start` follows the start of `s` in `text` as words are cut off its front.
    let mut start = clause_start;
    if s.len() > MAX_LABEL_CHARS * 4 {
        // Keep the last MAX_LABEL_CHARS characters: the words nearest the number.
        let cut = s
            .char_indices()
            .rev()
            .nth(MAX_LABEL_CHARS - 1)
            .map_or(0, |(i, _)| i);
        s = &s[cut..];
        start += cut;
    }
    let trim = |s: &str, start: &mut usize| -> usize {
        let t = s.trim_start();
        *start += s.len() - t.len();
        t.trim_end().len()
    };
    let len = trim(s, &mut start);
    s = &text[start..start + len];
    for t in LABEL_TRIGGERS {
        if let Some(rest) = s.strip_prefix(t) {
            start += t.len();
            let r = rest.trim_start_matches([':', '：', ',', '，']);
            start += rest.len() - r.len();
            let len = trim(r, &mut start);
            s = &text[start..start + len];
        }
    }
    start..start + s.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::read_bytes;
    use std::path::Path;

    fn doc(text: &str) -> Document {
        read_bytes("t.txt", text.as_bytes(), Path::new("t.txt")).expect("readable")
    }

    #[test]
    fn non_ideographs_are_the_other_characters() {
        let text = "（一）2021年，全市“公开”信息\u{3fff}\u{a000}😀10条；\n";
        let want: Vec<(usize, char)> = text
            .char_indices()
            .filter(|&(_, c)| !('\u{4000}'..='\u{9fff}').contains(&c))
            .collect();
        assert_eq!(non_ideographs(text).collect::<Vec<_>>(), want);
    }

    #[test]
    fn delimiter_tests_agree_with_their_lists() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(is_clause_delim(c), CLAUSE_DELIMS.contains(&c), "{c:?}");
            assert_eq!(is_sentence_delim(c), SENTENCE_DELIMS.contains(&c), "{c:?}");
        }
    }

    #[test]
    fn labels_clauses_and_depth() {
        let d = doc("2017年，全市共受理依申请公开123件，其中，旗区受理23件，部门受理100件（市人民政府办公厅19件），办结率92%。\n");
        let p = extract_prose(&d);
        let labels: Vec<(&str, u32)> = p.quantities.iter().map(|q| (q.label(), q.depth)).collect();
        assert_eq!(
            labels,
            vec![
                ("全市共受理依申请公开", 0),
                ("旗区受理", 0),
                ("部门受理", 0),
                ("市人民政府办公厅", 1),
                ("办结率", 0)
            ]
        );
        assert_eq!(p.segments[0].year, Some(2017));
    }

    #[test]
    fn segments_at_new_years_and_titles_but_not_plans() {
        let d = doc("2013年度，全市公开信息10条。\n2015年，全市公开信息20条。\n2016年，我市将继续努力。\n衢州市人民政府2013年政府信息公开工作年度报告。\n2013年，衢州市政府公开30条。\n(二)2014年改进措施\n");
        let p = extract_prose(&d);
        let years: Vec<Option<i32>> = p.segments.iter().map(|s| s.year).collect();
        assert_eq!(years, vec![Some(2013), Some(2015), Some(2013)]);
        let segs: Vec<usize> = p.paragraphs.iter().map(|x| x.segment).collect();
        assert_eq!(segs, vec![0, 1, 1, 2, 2, 2]);
    }

    #[test]
    fn lines_broken_inside_a_sentence_are_joined_with_their_positions() {
        let text = "截至\n2018\n年底，累计公开\n22.88\n万条。\n（二）主要类别\n机构职能类\n1774\n条，占 \n10.2%\n；\n条\n483\n5217\n";
        let d = doc(text);
        let p = extract_prose(&d);
        let texts: Vec<&str> = p.paragraphs.iter().map(|x| &*x.text).collect();
        assert_eq!(
            texts,
            vec![
                "截至2018年底，累计公开22.88万条。",
                "（二）主要类别",
                "机构职能类1774条，占10.2%；条483",
                "5217"
            ]
        );
        // Every quantity keeps the line and column of its first digit.
        let at: Vec<(String, usize, usize)> = p
            .quantities
            .iter()
            .map(|q| {
                let lc = d.line_col(q.span.start);
                (q.text().to_string(), lc.line, lc.column)
            })
            .filter(|(t, _, _)| !t.starts_with("2018"))
            .collect();
        assert_eq!(
            at,
            vec![
                ("22.88万条".to_string(), 4, 1),
                ("1774条".to_string(), 8, 1),
                ("10.2%".to_string(), 10, 1),
                ("483".to_string(), 13, 1),
                ("5217".to_string(), 14, 1)
            ]
        );
    }

    #[test]
    fn seed_000_has_four_reports() {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/formats/seed_000.txt"),
        )
        .expect("fixture");
        let p = extract_prose(&doc(&text));
        let years: Vec<Option<i32>> = p.segments.iter().map(|s| s.year).collect();
        assert_eq!(years, vec![Some(2013), Some(2015), Some(2014), Some(2013)]);
    }
}
