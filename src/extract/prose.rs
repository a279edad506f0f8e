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
use crate::source::html::{visible_text, VisibleText};
use crate::source::{Block, Document, InputFormat, Span};
use regex::Regex;
use std::ops::Range;
use std::sync::{Arc, LazyLock};

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

/// One paragraph of prose, as text the prose rules read.
#[derive(Debug, Clone)]
pub struct ProseParagraph {
    /// Visible text (HTML markup removed).
    pub text: String,
    /// Span of the paragraph in the view.
    pub span: Span,
    /// Segment index.
    pub segment: usize,
    /// Sentences (byte ranges of `text`, split at `。！？!?`).
    pub sentences: Vec<Range<usize>>,
    /// Map back to the view for HTML paragraphs (shared by the pieces of a long paragraph), and
    /// the byte offset of this piece's text in the mapped text.
    map: Option<(Arc<VisibleText>, usize)>,
    /// Byte offset of every parenthesis in `text` with the depth after it (for
    /// [`ProseParagraph::depth_at`] in logarithmic time).
    parens: Vec<(usize, u32)>,
    /// Byte ranges of the clause delimiters in `text`, in order.
    delims: Vec<Range<usize>>,
}

impl ProseParagraph {
    /// View span of a byte range of [`ProseParagraph::text`].
    pub fn view_span(&self, range: Range<usize>) -> Span {
        match &self.map {
            Some((m, base)) => m.source_span(base + range.start..base + range.end),
            None => self.span.start + range.start..self.span.start + range.end,
        }
    }

    /// A paragraph of `text` at `span` in segment `segment`.
    fn new(
        text: String,
        span: Span,
        segment: usize,
        map: Option<(Arc<VisibleText>, usize)>,
    ) -> Self {
        let mut parens = Vec::new();
        let mut delims = Vec::new();
        let mut d: u32 = 0;
        for (i, c) in text.char_indices() {
            match c {
                '（' | '(' => {
                    d += 1;
                    parens.push((i, d));
                }
                '）' | ')' => {
                    d = d.saturating_sub(1);
                    parens.push((i, d));
                }
                _ => {}
            }
            if CLAUSE_DELIMS.contains(&c) {
                delims.push(i..i + c.len_utf8());
            }
        }
        ProseParagraph {
            sentences: sentences(&text),
            text,
            span,
            segment,
            map,
            parens,
            delims,
        }
    }

    /// Index of the sentence holding byte `at` (binary search: sentences are in order).
    pub fn sentence_of(&self, at: usize) -> usize {
        let i = self.sentences.partition_point(|s| s.end <= at);
        i.min(self.sentences.len().saturating_sub(1))
    }

    /// Parenthesis depth at byte `at` (`（…）` and `(…)`): the depth after the last parenthesis
    /// that starts before `at`.
    pub fn depth_at(&self, at: usize) -> u32 {
        let i = self.parens.partition_point(|&(p, _)| p < at);
        if i == 0 {
            0
        } else {
            self.parens[i - 1].1
        }
    }

    /// The clause around a token: back to the previous delimiter, on to the next one.
    pub fn clause_of(&self, tok: Range<usize>) -> Range<usize> {
        // Delimiters wholly before the token start, and the first one at or after its end.
        let before = self.delims.partition_point(|d| d.end <= tok.start);
        let start = if before == 0 {
            0
        } else {
            self.delims[before - 1].end
        };
        let after = self.delims.partition_point(|d| d.start < tok.end);
        let end = self.delims.get(after).map_or(self.text.len(), |d| d.start);
        start..end
    }
}

/// A quantity printed in prose.
#[derive(Debug, Clone)]
pub struct ProseQuantity {
    /// Paragraph index in [`ProseFacts::paragraphs`].
    pub paragraph: usize,
    /// Byte range in the paragraph text (approximation words and unit included).
    pub range: Range<usize>,
    /// Span in the view.
    pub span: Span,
    /// Token as printed.
    pub text: String,
    /// The quantity.
    pub quantity: Quantity,
    /// Label phrase: the words before the number in its clause (trigger words removed).
    pub label: String,
    /// Byte range of its clause in the paragraph text.
    pub clause: Range<usize>,
    /// Sentence index within the paragraph.
    pub sentence: usize,
    /// Parenthesis depth (0 outside parentheses).
    pub depth: u32,
    /// Segment index.
    pub segment: usize,
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
        let start = self.quantities.partition_point(|q| q.paragraph < p);
        let end = start + self.quantities[start..].partition_point(|q| q.paragraph <= p);
        (start..end).map(move |i| (i, &self.quantities[i]))
    }
}

/// Clause delimiters (also the boundaries of label phrases).
pub const CLAUSE_DELIMS: &[char] = &[
    '，', ',', '；', ';', '：', ':', '、', '。', '！', '？', '!', '?', '（', '(', '）', ')', '\n',
];

/// Sentence delimiters.
const SENTENCE_DELIMS: &[char] = &['。', '！', '？', '!', '?', '\n'];

/// Words removed from the start of a label phrase.
const LABEL_TRIGGERS: &[&str] = &["其中", "分别为", "分别", "包括"];

static TITLE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(\d{4})\s*年(?:度)?.{0,30}?政府信息公开(?:工作)?(?:年度)?报告").ok()
});
static LEADING_YEAR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.．、])?\s*(\d{4})\s*年",
    )
    .ok()
});
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

/// Extract the prose facts of a document.
pub fn extract_prose(doc: &Document) -> ProseFacts {
    let mut out = ProseFacts::default();
    let mut current: Option<Segment> = None;
    for block in &doc.blocks {
        let Block::Paragraph(p) = block else { continue };
        let (whole, map) = if doc.format == InputFormat::Html {
            let v = visible_text(&doc.view, &p.span);
            (v.text.clone(), Some(Arc::new(v)))
        } else {
            (doc.slice(&p.span).to_string(), None)
        };
        let pieces = pieces(&whole);
        let single = pieces.len() == 1;
        for piece in pieces {
            let text = whole[piece.clone()].to_string();
            let (span, map) = match &map {
                Some(m) => (
                    if single {
                        p.span.clone()
                    } else {
                        m.source_span(piece.clone())
                    },
                    Some((m.clone(), piece.start)),
                ),
                None => (p.span.start + piece.start..p.span.start + piece.end, None),
            };
            add_paragraph(&mut out, &mut current, text, span, map);
        }
    }
    if out.segments.is_empty() {
        out.segments.push(Segment {
            start: 0,
            year: None,
            title: None,
        });
    }
    out
}

/// Longest paragraph piece read as one (bytes). A report written on one line would otherwise
/// be one paragraph of megabytes, and the prose rules look around each number within its
/// paragraph; longer paragraphs are cut at sentence ends into pieces of at most this size, so
/// the work stays linear in the document. A real paragraph is a few hundred bytes.
pub const MAX_PARAGRAPH_BYTES: usize = 16 * 1024;

/// Byte ranges of `text` cut at sentence ends into pieces of at most [`MAX_PARAGRAPH_BYTES`]
/// (one piece when it is shorter; a sentence longer than that is cut at a character boundary).
fn pieces(text: &str) -> Vec<Range<usize>> {
    if text.len() <= MAX_PARAGRAPH_BYTES {
        return std::iter::once(0..text.len()).collect();
    }
    let mut out = Vec::new();
    let mut start = 0;
    while text.len() - start > MAX_PARAGRAPH_BYTES {
        let mut limit = start + MAX_PARAGRAPH_BYTES;
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let window = &text[start..limit];
        let cut = window
            .char_indices()
            .rev()
            .find(|(_, c)| SENTENCE_DELIMS.contains(c))
            .map(|(i, c)| start + i + c.len_utf8())
            .filter(|&e| e > start)
            .unwrap_or(limit);
        out.push(start..cut);
        start = cut;
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

/// Add one paragraph (or piece of one) to the facts.
fn add_paragraph(
    out: &mut ProseFacts,
    current: &mut Option<Segment>,
    text: String,
    span: Span,
    map: Option<(Arc<VisibleText>, usize)>,
) {
    {
        if text.trim().is_empty() {
            return;
        }
        let p_span = span;
        if let Some(seg) = segment_start(&text, current.as_ref(), p_span.start) {
            match out.segments.last_mut() {
                // The first segment had no year yet (page chrome before the report): it is this one.
                Some(last) if last.year.is_none() => {
                    last.year = seg.year;
                    last.title = seg.title.clone();
                    *current = Some(last.clone());
                }
                _ => {
                    out.segments.push(seg.clone());
                    *current = Some(seg);
                }
            }
        } else if current.is_none() {
            let seg = Segment {
                start: 0,
                year: None,
                title: None,
            };
            out.segments.push(seg.clone());
            *current = Some(seg);
        }
        let segment = out.segments.len().saturating_sub(1);
        let para = ProseParagraph::new(text, p_span, segment, map);
        let pi = out.paragraphs.len();
        for tok in scan(&para.text) {
            let clause = para.clause_of(tok.span.clone());
            let label = label_of(&para.text, clause.start, tok.span.start);
            out.quantities.push(ProseQuantity {
                paragraph: pi,
                span: para.view_span(tok.span.clone()),
                text: para.text.get(tok.span.clone()).unwrap_or("").to_string(),
                quantity: tok.quantity,
                label,
                sentence: para.sentence_of(tok.span.start),
                depth: para.depth_at(tok.span.start),
                clause,
                range: tok.span,
                segment,
            });
        }
        out.paragraphs.push(para);
    }
}

/// Does this paragraph open a new report segment?
fn segment_start(text: &str, current: Option<&Segment>, at: usize) -> Option<Segment> {
    let cur_year = current.and_then(|c| c.year);
    let first_sentence = text.split(SENTENCE_DELIMS).next().unwrap_or(text).trim();
    if let Some(c) = TITLE.as_ref().and_then(|re| re.captures(first_sentence)) {
        let year = c.get(1).and_then(|m| m.as_str().parse::<i32>().ok());
        let short = text.trim().chars().count() <= 60;
        if current.is_none() || (year.is_some() && year != cur_year) || short {
            return Some(Segment {
                start: at,
                year,
                title: Some(first_sentence.to_string()),
            });
        }
    }
    let leading = LEADING_YEAR
        .as_ref()
        .and_then(|re| re.captures(text))
        .and_then(|c| c.get(1))
        .and_then(|m| m.as_str().parse::<i32>().ok())
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

static YEAR_MENTION: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"(\d{4})\s*年").ok());

/// The one year a paragraph talks about, when it names it at least twice and no other.
fn only_year(text: &str) -> Option<i32> {
    let re = YEAR_MENTION.as_ref()?;
    let years: Vec<i32> = re
        .captures_iter(text)
        .filter_map(|c| c.get(1)?.as_str().parse::<i32>().ok())
        .filter(|y| (1990..=2100).contains(y))
        .collect();
    let first = *years.first()?;
    (years.len() >= 2 && years.iter().all(|&y| y == first)).then_some(first)
}

fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if SENTENCE_DELIMS.contains(&c) {
            let end = i + c.len_utf8();
            out.push(start..end);
            start = end;
        }
    }
    if start < text.len() || out.is_empty() {
        out.push(start..text.len());
    }
    out
}

/// Longest label phrase kept (characters before the number); a clause without delimiters can
/// be a whole megabyte-long line, and copying it for every number would be quadratic.
const MAX_LABEL_CHARS: usize = 120;

fn label_of(text: &str, clause_start: usize, tok_start: usize) -> String {
    let mut s = text.get(clause_start..tok_start).unwrap_or("");
    if s.len() > MAX_LABEL_CHARS * 4 {
        // Keep the last MAX_LABEL_CHARS characters: the words nearest the number.
        let cut = s
            .char_indices()
            .rev()
            .nth(MAX_LABEL_CHARS - 1)
            .map_or(0, |(i, _)| i);
        s = &s[cut..];
    }
    let mut s = s.trim();
    for t in LABEL_TRIGGERS {
        if let Some(rest) = s.strip_prefix(t) {
            s = rest.trim_start_matches([':', '：', ',', '，']).trim();
        }
    }
    s.to_string()
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
    fn labels_clauses_and_depth() {
        let d = doc("2017年，全市共受理依申请公开123件，其中，旗区受理23件，部门受理100件（市人民政府办公厅19件），办结率92%。\n");
        let p = extract_prose(&d);
        let labels: Vec<(&str, u32)> = p
            .quantities
            .iter()
            .map(|q| (q.label.as_str(), q.depth))
            .collect();
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
