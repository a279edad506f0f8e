//! Plain output: one line per finding and one per number involved, no drawing characters, for
//! screen readers, logs and pipes. Columns count characters. A file that was not fully checked
//! gets one line first: `path: partial|no-table <what was not checked>`.

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
            writeln!(out, "{}: {} {}", path, rep.coverage.status.name(), line)?;
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
            writeln!(
                out,
                "{}:{}:{}: {} {}: {}{}",
                path,
                f.position.line,
                f.position.column,
                f.severity.name(),
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
                let locator = o
                    .locator
                    .as_ref()
                    .map(|l| format!(" [{l}]"))
                    .unwrap_or_default();
                let file = o.file.as_ref().map(|p| format!("{p}:")).unwrap_or_default();
                writeln!(
                    out,
                    "    {file}{}:{}: {} = {}{}{}",
                    o.position.line, o.position.column, o.label, value, role, locator
                )?;
            }
            writeln!(out, "    {}", f.arithmetic(opts.lang))?;
            if let Some(s) = &f.suggestion {
                writeln!(out, "    {}", s.text(opts.lang))?;
            }
        }
    }
    Ok(())
}
