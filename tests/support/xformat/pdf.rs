//! PDF writer: a minimal hand-written PDF whose text `pdftotext -layout` extracts.
//!
//! The font is a non-embedded Type0 font (`Identity-H`) whose CIDs are the UTF-16 code units of
//! the text, with a ToUnicode CMap mapping each CID to itself: no glyphs are needed to extract
//! text. Widths: 1 em for every CID, ½ em for ASCII. Each table cell is placed at the x of its
//! grid column on the line of its first row; paragraphs wrap at a fixed width.

use super::{Block, Report, Table};

/// Font size in points.
const SIZE: f64 = 9.0;
/// Distance between lines.
const LEADING: f64 = 14.0;
/// Page margins.
const MARGIN: f64 = 50.0;
/// Page height (A4).
const PAGE_H: f64 = 842.0;
/// Gap after the widest text of a column, in points.
const GAP: f64 = 2.0 * SIZE;
/// Characters per line of a wrapped paragraph.
const WRAP: usize = 40;

/// Width of text in points.
fn width(t: &str) -> f64 {
    t.chars()
        .map(|c| if c.is_ascii() { SIZE / 2.0 } else { SIZE })
        .sum()
}

/// One printed line: pieces at x positions (empty for a blank line).
type Line = Vec<(f64, String)>;

/// x of every grid column (and the right edge as the last entry).
fn column_x(t: &Table) -> Vec<f64> {
    let mut w = vec![0.0f64; t.width];
    for cell in t.cells.iter().filter(|c| c.colspan == 1) {
        w[cell.col] = w[cell.col].max(width(&cell.text) + GAP);
    }
    for cell in t.cells.iter().filter(|c| c.colspan > 1) {
        let have: f64 = w[cell.col..cell.col + cell.colspan].iter().sum();
        let need = width(&cell.text) + GAP;
        if need > have {
            w[cell.col + cell.colspan - 1] += need - have;
        }
    }
    let mut xs = vec![MARGIN];
    for wi in w {
        let last = *xs.last().expect("non-empty");
        xs.push(last + wi.max(GAP));
    }
    xs
}

fn table_lines(t: &Table, lines: &mut Vec<Line>) -> f64 {
    let xs = column_x(t);
    for r in 0..t.height {
        let line: Line = t
            .starting_in(r)
            .filter(|c| !c.text.is_empty())
            .map(|c| (xs[c.col], c.text.clone()))
            .collect();
        lines.push(line);
    }
    *xs.last().expect("non-empty")
}

/// Hex string of the UTF-16 code units of `t` (the CIDs).
fn hex(t: &str) -> String {
    t.encode_utf16().map(|u| format!("{u:04X}")).collect()
}

fn to_unicode_cmap() -> String {
    let mut ranges = String::new();
    let blocks: Vec<u32> = (0u32..=0xFF)
        .filter(|b| !(0xD8..=0xDF).contains(b))
        .collect();
    for chunk in blocks.chunks(100) {
        ranges.push_str(&format!("{} beginbfrange\n", chunk.len()));
        for b in chunk {
            ranges.push_str(&format!("<{b:02X}00> <{b:02X}FF> <{b:02X}00>\n"));
        }
        ranges.push_str("endbfrange\n");
    }
    format!(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n{ranges}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )
}

/// The report as PDF bytes (deterministic).
pub fn write_pdf(report: &Report) -> Vec<u8> {
    let mut lines: Vec<Line> = vec![vec![(MARGIN, report.title.clone())], Vec::new()];
    let mut page_w: f64 = 595.0;
    for block in &report.blocks {
        match block {
            Block::Para(p) => {
                let chars: Vec<char> = p.chars().collect();
                for piece in chars.chunks(WRAP) {
                    lines.push(vec![(MARGIN, piece.iter().collect())]);
                }
            }
            Block::Table(t) => {
                let right = table_lines(t, &mut lines);
                page_w = page_w.max(right + MARGIN);
                lines.push(Vec::new());
            }
        }
    }
    let per_page = ((PAGE_H - 2.0 * MARGIN) / LEADING).floor() as usize;
    let pages: Vec<&[Line]> = lines.chunks(per_page).collect();

    // Objects: 1 catalog, 2 pages, 3 Type0 font, 4 CID font, 5 descriptor, 6 ToUnicode,
    // then a page and its content stream per page.
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let page_ids: Vec<usize> = (0..pages.len()).map(|i| 7 + 2 * i).collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    let kids: Vec<String> = page_ids.iter().map(|id| format!("{id} 0 R")).collect();
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        )
        .into_bytes(),
    );
    objects.push(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 6 0 R >>"
            .to_vec(),
    );
    objects.push(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 5 0 R /DW 1000 /W [32 [500] 33 126 500] /CIDToGIDMap /Identity >>"
            .to_vec(),
    );
    objects.push(
        b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -141 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 700 /StemV 80 >>"
            .to_vec(),
    );
    let cmap = to_unicode_cmap();
    objects.push(stream(cmap.as_bytes()));
    for (pi, page) in pages.iter().enumerate() {
        let mut content = String::new();
        for (li, line) in page.iter().enumerate() {
            let y = PAGE_H - MARGIN - LEADING * li as f64;
            for (x, text) in line {
                content.push_str(&format!(
                    "BT /F1 {SIZE} Tf 1 0 0 1 {x:.2} {y:.2} Tm <{}> Tj ET\n",
                    hex(text)
                ));
            }
        }
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {page_w:.0} {PAGE_H:.0}] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                page_ids[pi] + 1
            )
            .into_bytes(),
        );
        objects.push(stream(content.as_bytes()));
    }

    let mut out: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, obj) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(obj);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn stream(data: &[u8]) -> Vec<u8> {
    let mut s = format!("<< /Length {} >>\nstream\n", data.len()).into_bytes();
    s.extend_from_slice(data);
    s.extend_from_slice(b"\nendstream");
    s
}
