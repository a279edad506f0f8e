//! Plain output: one line per finding and one per number involved, no drawing characters, for
//! screen readers, logs and pipes. Columns count characters. A file that was not fully checked
//! gets one line first: `path: partial|no-table <what was not checked>` (in Chinese the line
//! starts with the status in words: `path: 部分检查：…`). A finding in a rendered document (DOCX,
//! XLSX, PDF) is addressed by the form's cell and the document's address
//! (`a.docx: 表三「予以公开」行「自然人」列（第2张表 第6行 第4列）: 错误 …`), one in a text view
//! by `path:line:column`. Severities are named in the output language.

use super::RenderOptions;
use crate::finding::{Lang, Side};
use crate::pipeline::FileReport;
use std::io::{self, Write};

/// Render findings as plain lines.
pub fn render(reports: &[FileReport], opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let en = opts.lang == Lang::En;
    for rep in reports {
        let path = super::escape_name(&rep.path);
        // What was not checked, before the findings: one line per file not fully checked.
        if let Some(line) = rep.coverage.line(opts.lang) {
            if en {
                writeln!(out, "{}: {} {}", path, rep.coverage.status.name(), line)?;
            } else {
                // The Chinese line starts with the status in words (部分检查：…).
                writeln!(out, "{path}: {line}")?;
            }
        }
        // One cell that explains several failures is said once, before them.
        let shared = crate::finding::shared_suggestions(&rep.findings);
        for (s, n) in &shared {
            writeln!(out, "{}: {}", path, s.shared_text(*n, opts.lang))?;
        }
        for f in &rep.findings {
            let mut scope = f.table.clone();
            if let Some(s) = &f.scope {
                scope = if scope.is_empty() {
                    s.clone()
                } else {
                    format!("{scope} · {s}")
                };
            }
            // A rendered document (DOCX, XLSX, PDF) is addressed in the form's words, with the
            // document's own address; a text file by line and column.
            let at = match f.place() {
                Some(place) => format!("{path}: {place}"),
                None => format!("{path}:{}:{}", f.position.line, f.position.column),
            };
            writeln!(
                out,
                "{}: {} {}: {}{}",
                at,
                f.severity.label(opts.lang),
                f.rule,
                f.message(opts.lang),
                if scope.is_empty() {
                    String::new()
                } else if en {
                    format!(" ({scope})")
                } else {
                    format!("（{scope}）")
                }
            )?;
            for o in &f.operands {
                let role = match (o.side, en) {
                    (Side::Condition, true) => " (condition)",
                    (Side::Condition, false) => "（条件）",
                    _ => "",
                };
                let value = o.shown(opts.lang);
                let file = o
                    .file
                    .as_ref()
                    .map(|p| format!("{p}: "))
                    .unwrap_or_default();
                match (crate::finding::place(&o.cell, &o.locator), &o.file) {
                    // The form's cell names the row and column already.
                    (Some(place), None) if o.cell.is_some() => {
                        writeln!(out, "    {place} = {value}{role}")?
                    }
                    (Some(place), _) => {
                        writeln!(out, "    {file}{place}: {} = {value}{role}", o.label)?
                    }
                    (None, _) => writeln!(
                        out,
                        "    {}{}:{}: {} = {}{}",
                        o.file.as_ref().map(|p| format!("{p}:")).unwrap_or_default(),
                        o.position.line,
                        o.position.column,
                        o.label,
                        value,
                        role
                    )?,
                }
            }
            writeln!(out, "    {}", f.arithmetic(opts.lang))?;
            if let Some(s) = &f.suggestion {
                if shared.iter().any(|(t, _)| *t == s) {
                    writeln!(out, "    {}", s.see_above(opts.lang))?;
                } else {
                    writeln!(out, "    {}", s.text(opts.lang))?;
                }
            }
        }
    }
    Ok(())
}
