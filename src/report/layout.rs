//! The report as a page draws it: its blocks in document order, each table as a grid of cells
//! with row and column spans (merged headers drawn once), each paragraph cut into plain text,
//! figures and marked spans. Marks come from [`super::marks`], the model the HTML report uses
//! too; a marked cell carries the findings it takes part in and, for the cell a suggestion names,
//! its part (`suspect`, `candidate`) and the proposed value.
//!
//! # Schema
//!
//! ```json
//! {"path": "a.docx", "input_format": "docx", "error": null, "truncated": false,
//!  "blocks": [
//!    {"kind": "paragraph", "locator": "第3段",
//!     "parts": [{"text": "共收到申请"}, {"text": "26", "figure": true, "mark": null}]},
//!    {"kind": "table", "number": 2, "locator": "第2张表", "grid": true,
//!     "rows": [[{"text": "…", "rowspan": 1, "colspan": 2, "locator": "…", "mark": {
//!        "findings": [0, 1], "severity": "error", "role": "suspect", "proposed": "12",
//!        "tips": ["…"]}}]]}]}
//! ```
//!
//! `number` is the table's 1-based number in the document (the `number` of a table in the
//! check JSON's `coverage.tables`); `findings` index the findings of the file in the order the
//! check JSON lists them. `truncated` is true when the document was too large to draw whole
//! (blocks after the budget are left off).

use super::marks::{marks, Mark};
use crate::extract::Facts;
use crate::finding::Lang;
use crate::pipeline::FileReport;
use crate::source::{Block, Document, Paragraph, Span, Table};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Most characters of report text drawn; a real report has a few tens of thousands.
pub const MAX_DRAWN_BYTES: usize = 4 * 1024 * 1024;

type Marks = BTreeMap<(usize, usize), Mark>;

/// The layout of a report that could not be read: no blocks, the reason.
pub fn unreadable(rep: &FileReport, lang: Lang) -> Value {
    json!({
        "path": rep.path,
        "input_format": rep.input_format.map(|f| f.name()),
        "error": rep.error_text(lang),
        "truncated": false,
        "blocks": [],
    })
}

/// The layout of a checked report (`facts` as read from `doc`, `rep` after the policy).
pub fn layout(doc: &Document, facts: &Facts, rep: &FileReport, lang: Lang) -> Value {
    let marks = marks(&doc.view, rep, lang);
    let mut figures: Vec<Span> = facts
        .prose
        .quantities
        .iter()
        .map(|q| q.span.clone())
        .collect();
    figures.sort_by_key(|f| (f.start, f.end));
    let mut blocks = Vec::new();
    let mut budget = MAX_DRAWN_BYTES;
    let mut truncated = false;
    let mut number = 0;
    for block in &doc.blocks {
        let (cost, value) = match block {
            Block::Table(t) => {
                number += 1;
                (t.span.len(), table(doc, t, number, &marks))
            }
            Block::Paragraph(p) => (p.span.len(), paragraph(doc, p, &figures, &marks)),
        };
        if cost > budget {
            truncated = true;
            break;
        }
        budget -= cost;
        blocks.push(value);
    }
    json!({
        "path": rep.path,
        "input_format": rep.input_format.map(|f| f.name()),
        "error": null,
        "truncated": truncated,
        "blocks": blocks,
    })
}

fn mark_json(m: &Mark) -> Value {
    json!({
        "findings": m.findings,
        "severity": m.severity.name(),
        "role": m.role.map(|r| r.name()),
        "proposed": m.proposed.map(|p| p.to_string()),
        "tips": m.tips,
    })
}

/// The strongest mark inside `span` (a suggested cell first, then the worst severity).
fn strongest<'a>(marks: &'a Marks, span: &Span) -> Option<&'a Mark> {
    if span.start >= span.end {
        return None;
    }
    marks
        .range((span.start, span.start)..(span.end, span.end))
        .filter(|((s, e), _)| *s >= span.start && *e <= span.end)
        .map(|(_, m)| m)
        .max_by_key(|m| (m.role, m.severity))
}

fn table(doc: &Document, t: &Table, number: usize, marks: &Marks) -> Value {
    let rows = &t.rows;
    let origin_at = |r: usize, c: usize| {
        rows.get(r)
            .and_then(|row| row.cells.get(c))
            .map(|x| x.origin)
    };
    let mut out = Vec::with_capacity(rows.len());
    for (r, row) in rows.iter().enumerate() {
        let mut cells = Vec::with_capacity(row.cells.len());
        for (c, cell) in row.cells.iter().enumerate() {
            let (mut rowspan, mut colspan) = (1, 1);
            if t.is_grid {
                let o = Some(cell.origin);
                // A spanning cell is drawn once, at its top-left position.
                if (c > 0 && origin_at(r, c - 1) == o) || (r > 0 && origin_at(r - 1, c) == o) {
                    continue;
                }
                while origin_at(r, c + colspan) == o {
                    colspan += 1;
                }
                while origin_at(r + rowspan, c) == o {
                    rowspan += 1;
                }
            }
            let text = if cell.text.is_empty() {
                doc.slice(&cell.span)
            } else {
                cell.text.as_str()
            };
            cells.push(json!({
                "text": text,
                "rowspan": rowspan,
                "colspan": colspan,
                "locator": cell.locator,
                "mark": strongest(marks, &cell.span).map(mark_json),
            }));
        }
        out.push(Value::Array(cells));
    }
    json!({
        "kind": "table",
        "number": number,
        "locator": t.locator,
        "grid": t.is_grid,
        "rows": out,
    })
}

fn paragraph(doc: &Document, p: &Paragraph, figures: &[Span], marks: &Marks) -> Value {
    // (start, end) → (is a figure, mark)
    let mut spans: BTreeMap<(usize, usize), (bool, Option<&Mark>)> = BTreeMap::new();
    let inside = |s: usize, e: usize| s >= p.span.start && e <= p.span.end && s < e;
    let from = figures.partition_point(|f| f.start < p.span.start);
    for f in figures[from..].iter().take_while(|f| f.start < p.span.end) {
        if inside(f.start, f.end) {
            spans.entry((f.start, f.end)).or_default().0 = true;
        }
    }
    for ((s, e), m) in marks.range((p.span.start, p.span.start)..(p.span.end, p.span.end)) {
        if inside(*s, *e) {
            spans.entry((*s, *e)).or_default().1 = Some(m);
        }
    }
    let mut parts = Vec::new();
    let mut cursor = p.span.start;
    let plain = |from: usize, to: usize, parts: &mut Vec<Value>| {
        if let Some(t) = doc.view.get(from..to).filter(|t| !t.is_empty()) {
            parts.push(json!({"text": t}));
        }
    };
    for ((s, e), (figure, mark)) in spans {
        if s < cursor {
            continue;
        }
        let Some(text) = doc.view.get(s..e) else {
            continue;
        };
        plain(cursor, s, &mut parts);
        parts.push(json!({"text": text, "figure": figure, "mark": mark.map(mark_json)}));
        cursor = e;
    }
    plain(cursor, p.span.end, &mut parts);
    json!({
        "kind": "paragraph",
        "locator": p.locator,
        "parts": parts,
    })
}
