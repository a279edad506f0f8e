//! The tokens of an HTML page, as much of them as the reader uses. Pages long enough to need
//! their parse errors counted (see [`MAX_TOKENS_PER_BYTE`]) are read with html5gum's callback
//! emitter and a callback of our own ([`Lean`]) instead of its `DefaultEmitter`, which copies
//! every tag name, attribute name and value into a map per tag: a tag keeps its name inline and
//! only the values of `rowspan` and `colspan`; a text run keeps its decoded text. That stream
//! has exactly one token where the default emitter yields one (comments, doctypes and parse
//! errors included, as [`Tok::Other`], and a duplicate attribute as one error), so the reader's
//! token budget counts the same. Other pages are read by [`Quiet`], an emitter of its own that
//! yields the same stream less those tokens.

use std::borrow::Cow;
use std::collections::HashSet;

use html5gum::emitters::callback::{Callback, CallbackEmitter, CallbackEvent};
use html5gum::{naive_next_state, Span as HtmlSpan, StringReader, Tokenizer};

use super::quiet::Quiet;
use super::text::parse_span_attr;
use crate::source::Span;

/// One token.
#[derive(Debug)]
pub(super) enum Tok<'a> {
    /// A start tag with its `rowspan` and `colspan` (parsed as browsers do).
    Start {
        name: &'static str,
        span: Span,
        rowspan: Option<usize>,
        colspan: Option<usize>,
    },
    /// An end tag.
    End { name: &'static str, span: Span },
    /// A text run, character references decoded; `raw` when it was read in a raw-text state
    /// (after a `<title>`, `<script>`, `<style>`… start tag) rather than the data state. The
    /// value is borrowed from the source exactly when it is the source of its span.
    Text {
        value: Cow<'a, str>,
        span: Span,
        raw: bool,
    },
    /// A comment, doctype or parse error.
    Other,
}

/// A tag name (ASCII lower-cased by the tokenizer) when the reader knows it (it is skipped, a
/// block or part of a table); every other name reads as empty, which matches nothing.
pub(super) fn known_name(name: &[u8]) -> &'static str {
    match name {
        b"script" => "script",
        b"style" => "style",
        b"noscript" => "noscript",
        b"template" => "template",
        b"nav" => "nav",
        b"header" => "header",
        b"footer" => "footer",
        b"select" => "select",
        b"option" => "option",
        b"button" => "button",
        b"textarea" => "textarea",
        b"iframe" => "iframe",
        b"address" => "address",
        b"article" => "article",
        b"aside" => "aside",
        b"blockquote" => "blockquote",
        b"body" => "body",
        b"br" => "br",
        b"caption" => "caption",
        b"center" => "center",
        b"dd" => "dd",
        b"div" => "div",
        b"dl" => "dl",
        b"dt" => "dt",
        b"fieldset" => "fieldset",
        b"figcaption" => "figcaption",
        b"figure" => "figure",
        b"form" => "form",
        b"h1" => "h1",
        b"h2" => "h2",
        b"h3" => "h3",
        b"h4" => "h4",
        b"h5" => "h5",
        b"h6" => "h6",
        b"head" => "head",
        b"hr" => "hr",
        b"html" => "html",
        b"legend" => "legend",
        b"li" => "li",
        b"main" => "main",
        b"ol" => "ol",
        b"p" => "p",
        b"pre" => "pre",
        b"section" => "section",
        b"title" => "title",
        b"ul" => "ul",
        b"td" => "td",
        b"th" => "th",
        b"tr" => "tr",
        b"table" => "table",
        b"thead" => "thead",
        b"tbody" => "tbody",
        b"tfoot" => "tfoot",
        _ => "",
    }
}

/// The tokens of `source`. With `errors` false the tokenizer neither checks the input's
/// characters nor reports parse errors, and [`Quiet`] yields only start tags, end tags and text
/// runs: the stream is the same less its [`Tok::Other`]s, at about two thirds of the cost.
pub(super) fn tokens(source: &str, errors: bool) -> impl Iterator<Item = Tok<'_>> + '_ {
    if errors {
        let mut emitter = CallbackEmitter::new(Lean::new(source));
        emitter.naively_switch_states(true);
        Stream::Checked(Tokenizer::new_with_emitter(source, emitter))
    } else {
        Stream::Quiet(Tokenizer::new_with_emitter(source, Quiet::new(source)))
    }
}

/// The tokenizer with parse errors (html5gum's callback emitter and [`Lean`]) or without them
/// ([`Quiet`]). One lives on the stack per page, so the sizes of its variants do not matter.
#[allow(clippy::large_enum_variant)]
enum Stream<'a> {
    Checked(Tokenizer<StringReader<'a>, CallbackEmitter<Lean<'a>, Tok<'a>, usize>>),
    Quiet(Tokenizer<StringReader<'a>, Quiet<'a>>),
}

impl<'a> Iterator for Stream<'a> {
    type Item = Tok<'a>;

    #[inline]
    fn next(&mut self) -> Option<Tok<'a>> {
        match self {
            Stream::Checked(t) => t.find_map(Result::ok),
            Stream::Quiet(t) => t.find_map(Result::ok),
        }
    }
}

/// At most how many tokens (parse errors included) the tokenizer yields per byte of input, with
/// a margin: a tokenizer step consumes a byte and reports it once (a text run, a tag or a
/// comment ends at most there) with at most a character error and a parse error or two; the
/// worst input found yields 2 per byte (`<`: the text `<` and an end-of-file error).
pub(super) const MAX_TOKENS_PER_BYTE: usize = 8;

/// Which attribute of the open tag a value belongs to.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Attr {
    /// A duplicate (its value is dropped) or none yet.
    #[default]
    Ignored,
    Rowspan,
    Colspan,
    /// Another attribute (its value is not needed).
    Other,
}

/// The callback: the state of the tag being read.
#[derive(Debug)]
struct Lean<'a> {
    /// The source tokenised (text runs that are their source borrow it).
    source: &'a str,
    name: &'static str,
    start: usize,
    attr: Attr,
    /// Values of the tag's first `rowspan` and `colspan`, when it has them.
    rowspan: Option<Vec<u8>>,
    colspan: Option<Vec<u8>>,
    /// Attribute names of the tag so far, for duplicates (as the default emitter's map).
    names: Names,
    /// True when the open start tag switches the tokenizer to a raw-text state.
    opens_raw: bool,
    /// True while the tokenizer is in a raw-text state (html5gum's naive state switching).
    raw: bool,
}

impl<'a> Callback<Tok<'a>, usize> for Lean<'a> {
    fn handle_event(&mut self, event: CallbackEvent<'_>, span: HtmlSpan<usize>) -> Option<Tok<'a>> {
        match event {
            CallbackEvent::OpenStartTag { name } => {
                self.name = known_name(name);
                self.opens_raw = naive_next_state(name).is_some();
                self.start = span.start;
                None
            }
            CallbackEvent::AttributeName { name } => {
                self.attr = Attr::Ignored;
                if !self.names.insert(name) {
                    return Some(Tok::Other);
                }
                // A repeated `rowspan` or `colspan` is dropped (its name set the value).
                self.attr = match name {
                    b"rowspan" if self.rowspan.is_none() => Attr::Rowspan,
                    b"colspan" if self.colspan.is_none() => Attr::Colspan,
                    b"rowspan" | b"colspan" => Attr::Ignored,
                    _ => Attr::Other,
                };
                match self.attr {
                    Attr::Rowspan => self.rowspan = Some(Vec::new()),
                    Attr::Colspan => self.colspan = Some(Vec::new()),
                    Attr::Ignored | Attr::Other => {}
                }
                None
            }
            CallbackEvent::AttributeValue { value } => {
                match self.attr {
                    Attr::Rowspan => self.rowspan.get_or_insert_with(Vec::new).extend(value),
                    Attr::Colspan => self.colspan.get_or_insert_with(Vec::new).extend(value),
                    Attr::Ignored | Attr::Other => {}
                }
                None
            }
            CallbackEvent::CloseStartTag { .. } => {
                let number = |v: Option<Vec<u8>>| {
                    v.and_then(|v| parse_span_attr(&String::from_utf8_lossy(&v)))
                };
                let tok = Tok::Start {
                    name: std::mem::take(&mut self.name),
                    span: self.start..span.end,
                    rowspan: number(self.rowspan.take()),
                    colspan: number(self.colspan.take()),
                };
                self.clear_attributes();
                self.raw = std::mem::take(&mut self.opens_raw);
                Some(tok)
            }
            CallbackEvent::EndTag { name } => {
                self.clear_attributes();
                self.raw = false;
                Some(Tok::End {
                    name: known_name(name),
                    span: span.start..span.end,
                })
            }
            CallbackEvent::String { value } => Some(Tok::Text {
                value: match self.source.get(span.start..span.end) {
                    Some(own) if own.as_bytes() == value => Cow::Borrowed(own),
                    _ => Cow::Owned(
                        String::from_utf8(value.to_vec())
                            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
                    ),
                },
                span: span.start..span.end,
                raw: self.raw,
            }),
            CallbackEvent::Comment { .. }
            | CallbackEvent::Doctype { .. }
            | CallbackEvent::Error(_) => Some(Tok::Other),
        }
    }
}

impl<'a> Lean<'a> {
    fn new(source: &'a str) -> Self {
        Lean {
            source,
            name: "",
            start: 0,
            attr: Attr::Ignored,
            rowspan: None,
            colspan: None,
            names: Names::default(),
            opens_raw: false,
            raw: false,
        }
    }

    /// Forgets the attributes read (the default emitter empties its map at the same points).
    fn clear_attributes(&mut self) {
        self.attr = Attr::Ignored;
        self.rowspan = None;
        self.colspan = None;
        self.names.clear();
    }
}

/// A set of attribute names: a few in a reused buffer (no allocation), many in a hash set (so a
/// tag with thousands of attributes stays linear).
#[derive(Debug, Default)]
struct Names {
    /// The first names, concatenated.
    pool: Vec<u8>,
    /// Their ranges in `pool`.
    ranges: Vec<Span>,
    /// Names past the first [`Names::FEW`].
    many: HashSet<Vec<u8>>,
}

impl Names {
    /// How many names are searched linearly.
    const FEW: usize = 16;

    /// Adds `name`; false when it was there already.
    fn insert(&mut self, name: &[u8]) -> bool {
        if self.ranges.iter().any(|r| &self.pool[r.clone()] == name) || self.many.contains(name) {
            return false;
        }
        if self.ranges.len() < Names::FEW {
            let start = self.pool.len();
            self.pool.extend_from_slice(name);
            self.ranges.push(start..self.pool.len());
        } else {
            self.many.insert(name.to_vec());
        }
        true
    }

    fn clear(&mut self) {
        self.pool.clear();
        self.ranges.clear();
        if !self.many.is_empty() {
            self.many.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use html5gum::{DefaultEmitter, Token};

    /// The default emitter's tokens in the same shape, for comparison.
    fn default_tokens(source: &str) -> Vec<String> {
        let mut emitter = DefaultEmitter::<usize>::new_with_span();
        emitter.naively_switch_states(true);
        Tokenizer::new_with_emitter(source, emitter)
            .filter_map(Result::ok)
            .map(|t| match t {
                Token::StartTag(tag) => {
                    let attr = |key: &str| {
                        tag.attributes
                            .get(key.as_bytes())
                            .and_then(|v| parse_span_attr(&String::from_utf8_lossy(&v.value)))
                    };
                    let name = known_name(&tag.name);
                    format!(
                        "start {name} {:?} {:?} {:?}",
                        tag.span.start..tag.span.end,
                        attr("rowspan"),
                        attr("colspan")
                    )
                }
                Token::EndTag(tag) => {
                    let name = known_name(&tag.name);
                    format!("end {name} {:?}", tag.span.start..tag.span.end)
                }
                Token::String(s) => format!(
                    "text {:?} {:?}",
                    String::from_utf8_lossy(&s.value),
                    s.span.start..s.span.end
                ),
                Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => "other".to_string(),
            })
            .collect()
    }

    fn lean_tokens(source: &str) -> Vec<String> {
        tokens(source, true)
            .map(|t| match t {
                Tok::Start {
                    name,
                    span,
                    rowspan,
                    colspan,
                } => format!("start {name} {span:?} {rowspan:?} {colspan:?}"),
                Tok::End { name, span } => format!("end {name} {span:?}"),
                Tok::Text { value, span, .. } => format!("text {value:?} {span:?}"),
                Tok::Other => "other".to_string(),
            })
            .collect()
    }

    /// Pseudo-random pages of HTML-significant pieces (tags, references, comments, control
    /// and non-characters).
    fn soup(count: usize) -> Vec<String> {
        // Pieces separated by `|`.
        const PARTS: &str =
            "<|>|/|!|-|?|&|#|x|;|=|\"|'| |a|\0|\u{1}|\r|\n|\u{FDD0}|\u{80}|\u{FFFF}|amp|\
            <!DOCTYPE|PUBLIC|SYSTEM|<script>|<!--|-->|</|&#0;|&#x110000;|&#128;|<a|\t|<p |\
            =\"|<title>|</title>|<![CDATA[|]]>|&#|&#x|\u{10FFFF}|<style>|</script|<!-|--!|\
            <textarea>|&ampx|&amp|&#xD800;|<plaintext>|\u{1F}|<td| rowspan=2| colspan=\"3\"|\
            \x20ROWSPAN=x";
        let parts: Vec<&str> = PARTS.split('|').collect();
        let mut rng = crate::gen::rng::Rng::new(0x1234_5678);
        (0..count)
            .map(|_| {
                let len = rng.range(1, 24);
                (0..len).map(|_| *rng.pick(&parts)).collect::<String>()
            })
            .collect()
    }

    #[test]
    fn parse_errors_are_within_the_bound_per_byte() {
        for page in soup(20_000) {
            let n = tokens(&page, true).count();
            assert!(n <= 2 * page.len(), "{n} tokens for {page:?}");
            assert!(n <= MAX_TOKENS_PER_BYTE * page.len());
        }
    }

    #[test]
    fn without_errors_the_same_tokens_less_errors() {
        // Whether a text run is borrowed counts too: the page text keeps only decoded runs.
        let shown = |page: &str, errors: bool| -> Vec<String> {
            tokens(page, errors)
                .filter(|t| !matches!(t, Tok::Other))
                .map(|t| match &t {
                    Tok::Text {
                        value: Cow::Borrowed(_),
                        ..
                    } => format!("own {t:?}"),
                    _ => format!("{t:?}"),
                })
                .collect()
        };
        let fixtures = [
            "html/layout_soup.html",
            "html/f2019_fee_colspan.html",
            "html/table3_2021.html",
        ]
        .map(|f| {
            let path = format!("{}/fixtures/{f}", env!("CARGO_MANIFEST_DIR"));
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
        });
        for page in soup(5_000).iter().chain(&fixtures) {
            assert_eq!(shown(page, false), shown(page, true), "{page:?}");
        }
        // Runs that are not their source: references, a NUL, CR LF, pieces around them.
        for page in [
            "a&amp;b<p>x&#20214;y</p>&nbsp;&nbsp;z",
            "a\r\nb\0c<td rowspan=2 colspan=3 rowspan=4>&lt;1&gt;",
            "<title>&amp;x</title><script>a&amp;</script>q&ampr",
        ] {
            assert_eq!(shown(page, false), shown(page, true), "{page:?}");
        }
    }

    #[test]
    fn every_name_the_reader_matches_is_known() {
        const ELEMENTS: &str = "a abbr address area article aside audio b base bdi bdo blockquote \
            body br button canvas caption center cite code col colgroup data datalist dd del \
            details dfn dialog div dl dt em embed fieldset figcaption figure font footer form h1 \
            h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li \
            link main map mark menu meta meter nav noscript object ol optgroup option output p \
            param picture pre progress q rp rt ruby s samp script search section select slot \
            small source span strong style sub summary sup table tbody td template textarea \
            tfoot th thead time title tr track u ul var video wbr";
        let table = [
            "table", "td", "th", "tr", "thead", "tbody", "tfoot", "caption",
        ];
        for name in ELEMENTS.split_whitespace() {
            let used = super::super::is_block(name)
                || super::super::SKIPPED.contains(&name)
                || table.contains(&name);
            let want = if used { name } else { "" };
            assert_eq!(known_name(name.as_bytes()), want, "{name}");
        }
        assert_eq!(known_name(b"P"), "");
    }

    #[test]
    fn same_tokens_as_the_default_emitter() {
        let many: String = (0..40).map(|i| format!(" a{i}=x")).collect();
        let pages = [
            "<!DOCTYPE html><html><head><title>标题 &amp; 1</title></head><body>".to_string(),
            "<table><tr><td rowspan=\"2\" colspan='3x'>a<td ROWSPAN=4 rowspan=9>b</td></tr></table>"
                .to_string(),
            "<p class=a class=b style=\"x\">共&nbsp;12&#20214;</p><!-- c --><br/>".to_string(),
            "<td colspan>x</td><td colspan=\" 7\"></td foo=bar foo=baz><p\u{0}>".to_string(),
            format!("<td{many} a3=y rowspan=2 colspan=5>z"),
            "<script>if (a<b) { '</p>' }</script><style>p{}</style><textarea><b></textarea>"
                .to_string(),
            "<verylongtagnamehere>t</verylongtagnamehere>&#x110000;&#0;&amp<<<>>></></>".to_string(),
            "\u{feff}<p>\u{0}\u{fffd}</p><td rowspan=\"\" colspan=\"&#51;\">".to_string(),
        ];
        for page in &pages {
            assert_eq!(lean_tokens(page), default_tokens(page), "{page}");
        }
    }
}
