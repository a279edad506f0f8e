//! `word/document.xml` → raw blocks: paragraph texts and tables of source cells with their
//! merge markers, in document order. Grid expansion and the view are built in `render`.

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use super::container::corrupt;
use crate::source::ReadError;

/// WordprocessingML namespaces (transitional and strict).
const W_NS: [&str; 2] = [
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];

/// Markup-compatibility namespace (`mc:Fallback` duplicates `mc:Choice`).
const MC_NS: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";

/// Largest column span accepted for one cell (wider spans are clamped).
pub const MAX_SPAN: usize = 512;

/// Whether a resolved namespace is WordprocessingML.
pub fn is_w(ns: &ResolveResult<'_>) -> bool {
    matches!(ns, ResolveResult::Bound(n) if W_NS.contains(&n.as_ref()))
}

/// Value of the `w:val` attribute (any prefix) of an element.
pub fn val_attr(e: &BytesStart<'_>) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == "val")
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Parse a numeric `w:val` (a span or a count), clamped to `1..=MAX_SPAN` (`0..` for counts).
pub fn count_attr(e: &BytesStart<'_>, min: usize) -> usize {
    val_attr(e)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(min)
        .clamp(min, MAX_SPAN)
}

/// Vertical merge state of a cell (`w:vMerge`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VMerge {
    /// Not vertically merged.
    #[default]
    None,
    /// First cell of a vertical merge.
    Restart,
    /// Continues the merge from the cell above.
    Continue,
}

/// One `w:tc` as written.
#[derive(Debug, Clone, Default)]
pub struct RawCell {
    /// Text of its paragraphs joined with spaces (nested tables excluded).
    pub text: String,
    /// `w:gridSpan`.
    pub span: usize,
    /// `w:vMerge`.
    pub vmerge: VMerge,
    /// Legacy `w:hMerge w:val="continue"`.
    pub hmerge_continue: bool,
}

/// One `w:tr`.
#[derive(Debug, Clone, Default)]
pub struct RawRow {
    /// `w:gridBefore`: empty grid columns before the first cell.
    pub before: usize,
    /// `w:gridAfter`: empty grid columns after the last cell.
    pub after: usize,
    /// The cells.
    pub cells: Vec<RawCell>,
}

/// One `w:tbl`.
#[derive(Debug, Clone, Default)]
pub struct RawTable {
    /// 1-based number in document order (by start tag, nested tables included).
    pub number: usize,
    /// The rows.
    pub rows: Vec<RawRow>,
}

/// A body block.
#[derive(Debug, Clone)]
pub enum RawBlock {
    /// A paragraph's text.
    Paragraph(String),
    /// A table (nested tables follow their outer table as separate blocks).
    Table(RawTable),
}

/// A table being read, plus the finished tables nested inside it.
struct TableFrame {
    table: RawTable,
    nested: Vec<RawTable>,
    /// Element depth of the `w:tbl` start tag.
    depth: usize,
}

/// Parser state.
#[derive(Default)]
struct State {
    blocks: Vec<RawBlock>,
    tables: Vec<TableFrame>,
    /// Open cell: (depth of its `w:tc`) — the cell itself is the last cell of the last row of
    /// the innermost table.
    cell_depths: Vec<usize>,
    /// Paragraph nesting (text boxes put paragraphs inside paragraphs).
    para_depth: usize,
    /// Text of the current body-level paragraph.
    para: String,
    /// Inside `w:r` (run) elements.
    run_depth: usize,
    /// Inside a `w:t`.
    in_text: bool,
    /// Inside `w:tcPr` / `w:trPr`.
    in_tc_pr: bool,
    in_tr_pr: bool,
    /// Depth of a subtree being skipped (`mc:Fallback`, `w:moveFrom`, `w:del`), if any.
    skip_until: Option<usize>,
    table_count: usize,
}

impl State {
    /// Whether the innermost open container is a table cell (rather than the body).
    fn in_cell(&self) -> bool {
        match (self.cell_depths.last(), self.tables.last()) {
            (Some(&c), Some(t)) => c > t.depth,
            _ => false,
        }
    }

    fn current_cell(&mut self) -> Option<&mut RawCell> {
        if !self.in_cell() {
            return None;
        }
        self.tables
            .last_mut()
            .and_then(|t| t.table.rows.last_mut())
            .and_then(|r| r.cells.last_mut())
    }

    /// Append text to the current paragraph (in a cell or in the body).
    fn push_text(&mut self, s: &str) {
        if self.para_depth == 0 {
            return;
        }
        if let Some(cell) = self.current_cell() {
            cell.text.push_str(s);
        } else {
            self.para.push_str(s);
        }
    }

    fn start(&mut self, name: &str, e: &BytesStart<'_>, depth: usize, empty: bool) {
        match name {
            "p" => {
                if self.para_depth > 0 || (self.in_cell() && !empty) {
                    // A new paragraph in a cell, or a paragraph inside a text box: separate
                    // its text from what came before.
                    self.push_text_separator();
                }
                if !empty {
                    self.para_depth += 1;
                }
            }
            "r" if !empty => self.run_depth += 1,
            "t" if !empty && self.run_depth > 0 => self.in_text = true,
            "tab" | "br" | "cr" if self.run_depth > 0 => self.push_text(" "),
            "noBreakHyphen" if self.run_depth > 0 => self.push_text("-"),
            "tbl" if !empty => {
                self.table_count += 1;
                self.tables.push(TableFrame {
                    table: RawTable {
                        number: self.table_count,
                        rows: Vec::new(),
                    },
                    nested: Vec::new(),
                    depth,
                });
            }
            "tr" => {
                if let Some(t) = self.tables.last_mut() {
                    t.table.rows.push(RawRow::default());
                }
                self.in_tr_pr = false;
            }
            "trPr" if !empty => self.in_tr_pr = true,
            "gridBefore" | "gridAfter" if self.in_tr_pr => {
                let n = count_attr(e, 0);
                if let Some(row) = self.tables.last_mut().and_then(|t| t.table.rows.last_mut()) {
                    if name == "gridBefore" {
                        row.before = n;
                    } else {
                        row.after = n;
                    }
                }
            }
            "tc" => {
                if let Some(row) = self.tables.last_mut().and_then(|t| t.table.rows.last_mut()) {
                    row.cells.push(RawCell {
                        span: 1,
                        ..RawCell::default()
                    });
                    if !empty {
                        self.cell_depths.push(depth);
                    }
                }
            }
            "tcPr" if !empty => self.in_tc_pr = true,
            "gridSpan" if self.in_tc_pr => {
                let n = count_attr(e, 1);
                if let Some(cell) = self.current_cell() {
                    cell.span = n;
                }
            }
            "vMerge" if self.in_tc_pr => {
                let restart = val_attr(e).is_some_and(|v| v == "restart");
                if let Some(cell) = self.current_cell() {
                    cell.vmerge = if restart {
                        VMerge::Restart
                    } else {
                        VMerge::Continue
                    };
                }
            }
            "hMerge" if self.in_tc_pr => {
                let cont = val_attr(e).is_none_or(|v| v == "continue");
                if let Some(cell) = self.current_cell() {
                    cell.hmerge_continue = cont;
                }
            }
            _ => {}
        }
    }

    /// In a cell, separate paragraphs with a space; in a body paragraph (text box) likewise.
    fn push_text_separator(&mut self) {
        let needs = if let Some(cell) = self.current_cell() {
            !cell.text.is_empty() && !cell.text.ends_with(' ')
        } else {
            self.para_depth > 0 && !self.para.is_empty() && !self.para.ends_with(' ')
        };
        if needs {
            if let Some(cell) = self.current_cell() {
                cell.text.push(' ');
            } else {
                self.para.push(' ');
            }
        }
    }

    fn end(&mut self, name: &str, depth: usize) {
        match name {
            "p" if self.para_depth > 0 => {
                self.para_depth -= 1;
                if self.para_depth == 0 && !self.in_cell() {
                    let text = std::mem::take(&mut self.para);
                    self.blocks.push(RawBlock::Paragraph(text));
                }
            }
            "r" => self.run_depth = self.run_depth.saturating_sub(1),
            "t" => self.in_text = false,
            "trPr" => self.in_tr_pr = false,
            "tcPr" => self.in_tc_pr = false,
            "tc" if self.cell_depths.last() == Some(&depth) => {
                self.cell_depths.pop();
            }
            "tbl" if self.tables.last().is_some_and(|t| t.depth == depth) => {
                if let Some(frame) = self.tables.pop() {
                    self.finish_table(frame);
                }
            }
            _ => {}
        }
    }

    fn finish_table(&mut self, frame: TableFrame) {
        if let Some(outer) = self.tables.last_mut() {
            outer.nested.push(frame.table);
            outer.nested.extend(frame.nested);
        } else {
            self.blocks.push(RawBlock::Table(frame.table));
            let mut nested = frame.nested;
            nested.sort_by_key(|t| t.number);
            self.blocks.extend(nested.into_iter().map(RawBlock::Table));
        }
    }
}

/// Resolve an entity or character reference inside text.
fn resolve_ref(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// Parse the main document part into raw blocks in document order.
pub fn parse(xml: &str) -> Result<Vec<RawBlock>, ReadError> {
    let mut reader = NsReader::from_str(xml);
    let mut st = State::default();
    let mut depth = 0usize;
    let mut in_body = false;
    let mut body_depth = 0usize;
    loop {
        let pos = reader.buffer_position();
        let (ns, event) = reader.read_resolved_event().map_err(|e| {
            corrupt(format!(
                "word/document.xml is not well-formed XML (byte {pos}): {e}"
            ))
        })?;
        let w = is_w(&ns);
        let mc = matches!(&ns, ResolveResult::Bound(n) if n.as_ref() == MC_NS);
        match event {
            Event::Start(e) => {
                depth += 1;
                if st.skip_until.is_some() {
                    continue;
                }
                let local = e.local_name();
                let name = local.as_ref();
                if mc && name == "Fallback" || w && matches!(name, "moveFrom" | "del") {
                    st.skip_until = Some(depth);
                    continue;
                }
                if w && name == "body" && !in_body {
                    in_body = true;
                    body_depth = depth;
                } else if w && in_body {
                    st.start(name, &e, depth, false);
                }
            }
            Event::Empty(e) => {
                if st.skip_until.is_some() || !in_body || !w {
                    continue;
                }
                let local = e.local_name();
                st.start(local.as_ref(), &e, depth + 1, true);
            }
            Event::End(e) => {
                if let Some(skip) = st.skip_until {
                    if skip == depth {
                        st.skip_until = None;
                    }
                } else if in_body && w {
                    let local = e.local_name();
                    if local.as_ref() == "body" && depth == body_depth {
                        in_body = false;
                    } else {
                        st.end(local.as_ref(), depth);
                    }
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(t) if st.in_text && st.skip_until.is_none() => {
                st.push_text(&t.xml10_content());
            }
            Event::CData(t) if st.in_text && st.skip_until.is_none() => {
                st.push_text(&t.xml10_content());
            }
            Event::GeneralRef(r) if st.in_text && st.skip_until.is_none() => {
                let name = r.xml10_content();
                let c = resolve_ref(&name).ok_or_else(|| {
                    corrupt(format!("word/document.xml uses an unknown entity &{name};"))
                })?;
                st.push_text(c.encode_utf8(&mut [0; 4]));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if depth != 0 {
        return Err(corrupt(
            "word/document.xml ends in the middle of an element (truncated XML)",
        ));
    }
    // Unclosed tables cannot happen in well-formed XML, but never lose content.
    while let Some(frame) = st.tables.pop() {
        st.finish_table(frame);
    }
    Ok(st.blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{}" xmlns:mc="{MC_NS}"><w:body>{body}</w:body></w:document>"#,
            W_NS[0]
        )
    }

    #[test]
    fn paragraph_runs_tabs_breaks_and_entities() {
        let xml = doc(
            r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="100"/></w:tabs></w:pPr><w:r><w:t>A&amp;B</w:t><w:tab/><w:t>C</w:t><w:br/><w:t xml:space="preserve">D&#x4E00;</w:t></w:r><w:del><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>"#,
        );
        let blocks = parse(&xml).unwrap();
        match &blocks[..] {
            [RawBlock::Paragraph(p)] => assert_eq!(p, "A&B C D一"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn mc_fallback_is_not_duplicated() {
        let xml = doc(
            r#"<w:p><w:r><mc:AlternateContent><mc:Choice><w:t>x</w:t></mc:Choice><mc:Fallback><w:t>x</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>"#,
        );
        match &parse(&xml).unwrap()[..] {
            [RawBlock::Paragraph(p)] => assert_eq!(p, "x"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn other_prefix_is_accepted() {
        let xml = format!(
            r#"<x:document xmlns:x="{}"><x:body><x:p><x:r><x:t>ok</x:t></x:r></x:p></x:body></x:document>"#,
            W_NS[0]
        );
        match &parse(&xml).unwrap()[..] {
            [RawBlock::Paragraph(p)] => assert_eq!(p, "ok"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn nested_tables_are_numbered_in_start_order() {
        let xml = doc(concat!(
            r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p>"#,
            r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>inner</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
            r#"<w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
            r#"<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>"#
        ));
        let blocks = parse(&xml).unwrap();
        let tables: Vec<&RawTable> = blocks
            .iter()
            .filter_map(|b| match b {
                RawBlock::Table(t) => Some(t),
                RawBlock::Paragraph(_) => None,
            })
            .collect();
        assert_eq!(
            tables.iter().map(|t| t.number).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        assert_eq!(tables[0].rows[0].cells[0].text, "a b");
        assert_eq!(tables[1].rows[0].cells[0].text, "inner");
    }

    #[test]
    fn malformed_xml_is_an_error() {
        let err = parse(&doc("<w:p><w:r></w:p>")).unwrap_err();
        assert!(err.to_string().contains("not well-formed"), "{err}");
        let err = parse(r#"<w:document xmlns:w="x"><w:body>"#).unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
    }
}
