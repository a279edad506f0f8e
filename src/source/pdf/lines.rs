//! Classify the lines of pdftotext's layout text: blank, page marker, page footer, text, or a
//! numeric row (label chunks followed by value cells).

use std::ops::Range;

/// A run of text on one line, separated from its neighbours by two or more spaces (or a single
/// number token).
#[derive(Debug, Clone)]
pub struct Chunk {
    /// Character column of the first character (pdftotext's layout grid).
    pub x: usize,
    /// Character column just past the last character.
    pub end_x: usize,
    /// Byte span in the view.
    pub span: Range<usize>,
}

/// What a line holds.
#[derive(Debug, Clone)]
pub enum Kind {
    /// Only whitespace.
    Blank,
    /// The page marker line the reader inserts at each page start.
    Marker,
    /// A page number such as `-3-` or `第3页`.
    Footer,
    /// Text without trailing numbers.
    Text(Vec<Chunk>),
    /// Text chunks (possibly none) followed by one or more value cells.
    Row {
        /// Label chunks, left to right.
        labels: Vec<Chunk>,
        /// Value cells (numbers or not-applicable marks), left to right.
        values: Vec<Chunk>,
    },
}

/// One line of the view.
#[derive(Debug, Clone)]
pub struct Line {
    /// Byte span of the line (without its line break).
    pub span: Range<usize>,
    /// 1-based page.
    pub page: usize,
    /// Classification.
    pub kind: Kind,
}

impl Line {
    /// Column of the first non-space character.
    pub fn indent(&self) -> usize {
        match &self.kind {
            Kind::Text(c) => c.first().map_or(0, |c| c.x),
            Kind::Row { labels, values } => labels.first().or(values.first()).map_or(0, |c| c.x),
            _ => 0,
        }
    }

    /// Column just past the last non-space character.
    pub fn right(&self) -> usize {
        match &self.kind {
            Kind::Text(c) => c.last().map_or(0, |c| c.end_x),
            Kind::Row { values, .. } => values.last().map_or(0, |c| c.end_x),
            _ => 0,
        }
    }

    /// The single chunk of a one-chunk text line.
    pub fn single_text(&self) -> Option<&Chunk> {
        match &self.kind {
            Kind::Text(c) if c.len() == 1 => c.first(),
            _ => None,
        }
    }
}

/// A whitespace-separated token: column, end column, byte span.
#[derive(Debug, Clone)]
struct Token {
    x: usize,
    end_x: usize,
    span: Range<usize>,
}

/// Is `s` a number as printed in a table cell (`12`, `1,234`, `96171.6`, `5%`)?
pub fn is_number(s: &str) -> bool {
    let s = s.strip_suffix('%').unwrap_or(s);
    let s = s.strip_prefix(['-', '+', '−']).unwrap_or(s);
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let int_ok = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit() || b == b',')
        && int.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && !int.ends_with(',');
    let frac_ok = frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    int_ok && frac_ok
}

/// Units printed glued to an amount inside a value cell (`78874.11万元`).
const AMOUNT_UNITS: &[&str] = &["万元", "亿元", "千元", "元", "万", "亿"];

/// Is `s` a number, possibly with an amount unit glued to it (`78874.11万元`, `3.5亿`)?
pub fn is_amount(s: &str) -> bool {
    is_number(s)
        || AMOUNT_UNITS
            .iter()
            .any(|u| s.strip_suffix(u).is_some_and(is_number))
}

/// Is `s` a not-applicable mark that stands in a number cell (`—`, `-`, `/`)?
fn is_na_mark(s: &str) -> bool {
    matches!(s, "—" | "——" | "-" | "－" | "/" | "／" | "–")
}

/// Is `s` a page number line (`-3-`, `— 3 —`, `第3页`, `第 3 页 共 5 页`, `3/5`)?
fn is_footer(s: &str) -> bool {
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return false;
    }
    let dashes = ['-', '—', '–', '－'];
    if let Some(inner) = t.strip_prefix(dashes).and_then(|r| r.strip_suffix(dashes)) {
        let inner = inner.trim_matches(dashes);
        return !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit());
    }
    if let Some(inner) = t.strip_prefix('第') {
        let digits: String = inner.chars().take_while(char::is_ascii_digit).collect();
        let rest = &inner[digits.len()..];
        return !digits.is_empty() && (rest == "页" || rest.starts_with("页共"));
    }
    if let Some((a, b)) = t.split_once('/') {
        return !a.is_empty()
            && !b.is_empty()
            && a.bytes().all(|c| c.is_ascii_digit())
            && b.bytes().all(|c| c.is_ascii_digit());
    }
    false
}

/// Split a line into tokens at whitespace, with character columns.
fn tokens(line: &str, base: usize) -> Vec<Token> {
    let mut out = Vec::new();
    let mut cur: Option<Token> = None;
    for (col, (i, c)) in line.char_indices().enumerate() {
        if c.is_whitespace() {
            if let Some(t) = cur.take() {
                out.push(t);
            }
        } else {
            match cur.as_mut() {
                Some(t) => {
                    t.end_x = col + 1;
                    t.span.end = base + i + c.len_utf8();
                }
                None => {
                    cur = Some(Token {
                        x: col,
                        end_x: col + 1,
                        span: base + i..base + i + c.len_utf8(),
                    })
                }
            }
        }
    }
    out.extend(cur);
    out
}

/// Classify one line. `text` is the line without its break, `base` its byte offset in `view`.
pub fn classify(view: &str, text: &str, base: usize, page: usize, is_marker: bool) -> Line {
    let span = base..base + text.len();
    let kind = if is_marker {
        Kind::Marker
    } else if text.trim().is_empty() {
        Kind::Blank
    } else if is_footer(text) {
        Kind::Footer
    } else {
        classify_tokens(view, tokens(text, base))
    };
    Line { span, page, kind }
}

/// Group tokens into chunks and decide between text and numeric row.
fn classify_tokens(view: &str, toks: Vec<Token>) -> Kind {
    let word = |t: &Token| view.get(t.span.clone()).unwrap_or("");
    let valueish = |t: &Token| is_amount(word(t)) || is_na_mark(word(t));
    // Group tokens separated by a single space.
    let mut groups: Vec<Vec<Token>> = Vec::new();
    for t in toks {
        match groups.last_mut() {
            Some(g) if g.last().is_some_and(|p| t.x <= p.end_x + 1) => g.push(t),
            _ => groups.push(vec![t]),
        }
    }
    // Values: the trailing groups made only of value tokens, plus trailing value tokens glued to
    // the last label group by a single space.
    let mut values: Vec<Token> = Vec::new();
    while let Some(g) = groups.last() {
        if g.iter().all(valueish) {
            let g = groups.pop().unwrap_or_default();
            values.splice(0..0, g);
        } else {
            break;
        }
    }
    if !values.is_empty() {
        if let Some(g) = groups.last_mut() {
            while g.len() > 1 && g.last().is_some_and(|t| is_number(word(t))) {
                if let Some(t) = g.pop() {
                    values.insert(0, t);
                }
            }
        }
    }
    let to_chunk = |g: &[Token]| -> Option<Chunk> {
        let (first, last) = (g.first()?, g.last()?);
        Some(Chunk {
            x: first.x,
            end_x: last.end_x,
            span: first.span.start..last.span.end,
        })
    };
    let labels: Vec<Chunk> = groups.iter().filter_map(|g| to_chunk(g)).collect();
    let has_number = values.iter().any(|t| is_amount(word(t)));
    if !has_number {
        // Put the value-looking groups back as text.
        let mut chunks = labels;
        if !values.is_empty() {
            chunks.extend(to_chunk(&values));
        }
        return Kind::Text(chunks);
    }
    let values = values
        .iter()
        .filter_map(|t| to_chunk(std::slice::from_ref(t)))
        .collect();
    Kind::Row { labels, values }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> Kind {
        classify(s, s, 0, 1, false).kind
    }

    fn texts(s: &str, c: &[Chunk]) -> Vec<String> {
        c.iter().map(|c| s[c.span.clone()].to_string()).collect()
    }

    #[test]
    fn numbers_and_marks() {
        assert!(is_number("96171.6"));
        assert!(is_number("1,234"));
        assert!(is_number("0"));
        assert!(!is_number("1."));
        assert!(!is_number("1.属于国家秘密"));
        assert!(!is_number(",1"));
        assert!(is_na_mark("—"));
    }

    #[test]
    fn footers() {
        for f in [
            "-3-",
            "  - 12 -",
            "— 4 —",
            "第3页",
            "第 2 页 共 5 页",
            "3/5",
        ] {
            assert!(is_footer(f), "{f}");
        }
        for f in ["-", "第二十条", "3", "a/b", "1.属于"] {
            assert!(!is_footer(f), "{f}");
        }
    }

    #[test]
    fn row_with_label_and_values() {
        let s = "  （四）无法提供   1.本机关不掌握相关政府信息   31    0  0 1";
        let Kind::Row { labels, values } = kind(s) else {
            panic!("not a row")
        };
        assert_eq!(
            texts(s, &labels),
            ["（四）无法提供", "1.本机关不掌握相关政府信息"]
        );
        assert_eq!(texts(s, &values), ["31", "0", "0", "1"]);
        assert_eq!(labels[0].x, 2);
    }

    #[test]
    fn prose_with_numbers_is_text() {
        let s = "府信息 5500 余条，全年新增公开市政府规章 1 件、市政府及市";
        assert!(matches!(kind(s), Kind::Text(c) if c.len() == 1));
        let s = "  2024 年，全区政府信息公开工作";
        assert!(matches!(kind(s), Kind::Text(_)));
    }

    #[test]
    fn amount_with_unit_is_a_value() {
        assert!(is_amount("78874.11万元"));
        assert!(!is_amount("万元"));
        assert!(!is_amount("5500余条"));
        let s = "政府集中采购        518        78874.11万元";
        let Kind::Row { labels, values } = kind(s) else {
            panic!("not a row")
        };
        assert_eq!(texts(s, &labels), ["政府集中采购"]);
        assert_eq!(texts(s, &values), ["518", "78874.11万元"]);
    }

    #[test]
    fn glued_trailing_number_is_a_value() {
        let s = "规章 1   0   11";
        let Kind::Row { labels, values } = kind(s) else {
            panic!("not a row")
        };
        assert_eq!(texts(s, &labels), ["规章"]);
        assert_eq!(texts(s, &values), ["1", "0", "11"]);
    }
}
