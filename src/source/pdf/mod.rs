//! PDF reader, through poppler's `pdftotext -layout`.
//!
//! The view is pdftotext's layout text with each page introduced by a marker line `〔第N页〕`
//! (form feeds are replaced, so line numbers are stable and terminals stay clean). Paragraphs are
//! rebuilt from the prose lines and tables from column alignment; every block and cell carries
//! the locator `第N页`.
//!
//! Table rows: a data row's cells are `[group caption fragments…, row label, values…]`; the row
//! label is always the last label cell (a label wrapped over several lines is joined), the group
//! fragments are only those printed on the row's own line left of the label (they may be pieces
//! of a vertical caption, e.g. `本`). Values are the numbers in column order; a blank cell is
//! inserted where a neighbouring row shows a column that this row leaves empty. Header lines are
//! rows of text cells without values.

mod lines;
mod prose;
mod table;
mod tool;

use super::{Block, Document, InputFormat, ReadError};
pub use tool::{Limits, ENV_BINARY};

/// Read a PDF file: run `pdftotext` (`$GOUJI_PDFTOTEXT` or `pdftotext` on `PATH`) and rebuild
/// paragraphs and tables from its layout text.
pub fn read(name: &str, bytes: &[u8]) -> Result<Document, ReadError> {
    let binary = tool::binary(std::env::var_os(ENV_BINARY));
    read_with(name, bytes, &binary, Limits::default())
}

/// [`read`] with an explicit `pdftotext` binary and limits.
pub fn read_with(
    name: &str,
    bytes: &[u8],
    binary: &std::path::Path,
    limits: Limits,
) -> Result<Document, ReadError> {
    if !bytes.starts_with(b"%PDF-") && !bytes.get(..1024).is_some_and(|h| contains(h, b"%PDF-")) {
        return Err(corrupt("no `%PDF-` header: this is not a PDF file"));
    }
    let out = tool::run(binary, bytes, limits)?;
    if out.code != Some(0) {
        return Err(tool_failure(out.code, &out.stderr));
    }
    let raw = String::from_utf8_lossy(&out.stdout);
    if raw.chars().all(|c| c.is_whitespace()) {
        // No text and errors on stderr (a page-tree loop, broken objects): the PDF is damaged,
        // which is not the same as a scan without a text layer.
        if let Some(first) = out
            .stderr
            .lines()
            .map(str::trim)
            .find(|l| l.to_ascii_lowercase().contains("error"))
        {
            return Err(corrupt(format!(
                "pdftotext found no text and reported errors (the PDF is damaged): {first}"
            )));
        }
        return Err(corrupt(
            "the PDF has no text layer (a scanned PDF, pages are images only); \
             run OCR first (e.g. `ocrmypdf`) or use the report's HTML or DOCX version",
        ));
    }
    Ok(parse(name, &raw))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn corrupt(reason: impl Into<String>) -> ReadError {
    ReadError::Corrupt {
        format: "PDF",
        reason: reason.into(),
    }
}

/// Turn a failed pdftotext run into an error.
fn tool_failure(code: Option<i32>, stderr: &str) -> ReadError {
    let lower = stderr.to_ascii_lowercase();
    if lower.contains("incorrect password") || lower.contains("encrypted") {
        return corrupt(
            "the PDF is encrypted (password-protected); save an unprotected copy and check that",
        );
    }
    // Last meaningful stderr line, for the user.
    let detail = stderr
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or("no error message");
    match code {
        Some(1) => corrupt(format!("pdftotext cannot open it: {detail}")),
        Some(3) => corrupt(format!(
            "copying text is not permitted by the PDF: {detail}"
        )),
        Some(c) => ReadError::Tool {
            tool: tool::TOOL,
            reason: format!("pdftotext failed (exit code {c}): {detail}"),
        },
        None => ReadError::Tool {
            tool: tool::TOOL,
            reason: format!("pdftotext was killed by a signal: {detail}"),
        },
    }
}

/// Marker line that opens page `n` in the view.
fn page_marker(n: usize) -> String {
    format!("〔第{n}页〕")
}

/// Build the view from pdftotext's output: pages (split at form feeds) each opened by a marker.
fn build_view(raw: &str) -> (String, Vec<(usize, usize)>) {
    let mut pages: Vec<&str> = raw.split('\x0c').collect();
    // pdftotext ends every page with a form feed: drop the empty piece after the last one.
    if pages.len() > 1 && pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    let mut view = String::with_capacity(raw.len() + pages.len() * 16);
    let mut markers = Vec::new(); // (byte offset of marker line, page)
    for (i, page) in pages.iter().enumerate() {
        markers.push((view.len(), i + 1));
        view.push_str(&page_marker(i + 1));
        view.push('\n');
        let page = page.replace('\r', "");
        view.push_str(&page);
        if !page.is_empty() && !page.ends_with('\n') {
            view.push('\n');
        }
    }
    (view, markers)
}

/// Build the document from pdftotext's layout text.
fn parse(name: &str, raw: &str) -> Document {
    let (view, markers) = build_view(raw);
    let mut lines = Vec::new();
    let mut offset = 0;
    let mut page = 0;
    let mut next_marker = markers.iter().peekable();
    for text in view.split_inclusive('\n') {
        let body = text.strip_suffix('\n').unwrap_or(text);
        let is_marker = next_marker.peek().is_some_and(|&&(at, _)| at == offset);
        if is_marker {
            if let Some(&(_, p)) = next_marker.next() {
                page = p;
            }
        }
        lines.push(lines::classify(&view, body, offset, page, is_marker));
        offset += text.len();
    }
    let mut origin = 0;
    table::mark_blank_rows(&mut lines);
    let found = table::find(&view, &lines, &mut origin);
    let mut in_table = vec![false; lines.len()];
    for f in &found {
        for flag in in_table.iter_mut().take(f.lines.end).skip(f.lines.start) {
            *flag = true;
        }
    }
    let mut blocks: Vec<Block> = prose::paragraphs(&view, &lines, &in_table)
        .into_iter()
        .map(Block::Paragraph)
        .collect();
    blocks.extend(found.into_iter().map(|f| Block::Table(Box::new(f.table))));
    blocks.sort_by_key(|b| match b {
        Block::Paragraph(p) => p.span.start,
        Block::Table(t) => t.span.start,
    });
    Document::new(name, InputFormat::Pdf, None, view, blocks)
}

#[cfg(test)]
mod tests;
