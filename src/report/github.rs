//! GitHub Actions output: one workflow command per finding, and a Markdown step summary.
//!
//! ```text
//! ::error file=reports/a.txt,line=37,col=5,title=F2019-T3-BAL (applications-do-not-balance)::message%0Aarithmetic
//! ```
//!
//! GitHub shows only ten annotations of each kind per step, so [`summary_markdown`] renders every
//! finding as a table; the CLI appends it to the file named by `$GITHUB_STEP_SUMMARY`.
//! Escaping follows the runner's rules: in data `%`, `\r`, `\n` become `%25`, `%0D`, `%0A`; in
//! properties additionally `:` and `,` become `%3A` and `%2C`. Other control characters (an ESC
//! in a file name) are percent-encoded too, so no name can colour or forge log lines.

use super::{scope_text, RenderOptions, Summary};
use crate::finding::{Finding, Lang};
use crate::pipeline::FileReport;
use crate::rules::Severity;
use std::io::{self, Write};

/// Escape workflow-command data (the message).
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            // Other control characters (ESC sequences in a file name) would reach the log raw:
            // percent-encode them like the runner's own escapes.
            c if c.is_control() && (c as u32) < 0x100 => {
                out.push_str(&format!("%{:02X}", c as u32));
            }
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out
}

/// Escape a workflow-command property value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

fn message(f: &Finding, lang: Lang) -> String {
    let scope = scope_text(f);
    let mut m = f.message(lang).to_string();
    // A rendered document has no lines of its own: the message starts with the cell.
    if let Some(place) = f.place() {
        m = match lang {
            Lang::Zh => format!("{place}：{m}"),
            Lang::En => format!("{place}: {m}"),
        };
    }
    if !scope.is_empty() {
        match lang {
            Lang::Zh => m.push_str(&format!("（{scope}）")),
            Lang::En => m.push_str(&format!(" ({scope})")),
        }
    }
    m.push('\n');
    m.push_str(&f.arithmetic(lang));
    for o in &f.operands {
        let mut place = match (crate::finding::place(&o.cell, &o.locator), lang) {
            (Some(p), _) => p,
            (None, Lang::En) => format!("line {}, column {}", o.position.line, o.position.column),
            (None, Lang::Zh) => format!("第{}行第{}列", o.position.line, o.position.column),
        };
        if let Some(file) = &o.file {
            place = format!("{file}, {place}");
        }
        m.push_str(&format!("\n  {} = {} ({place})", o.label, o.shown(lang),));
    }
    if let Some(s) = &f.suggestion {
        m.push('\n');
        m.push_str(&s.text(lang));
    }
    m
}

/// Render one workflow command per finding (one `::error` per unreadable file, and one
/// `::notice` per file not fully checked, saying what was not).
pub fn render(reports: &[FileReport], opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    for rep in reports {
        let file = escape_property(rep.path.strip_prefix("./").unwrap_or(&rep.path));
        if let Some(e) = &rep.error_text(opts.lang) {
            writeln!(
                out,
                "::error file={file},title={}::{}",
                escape_property("gouji: unreadable file"),
                escape_data(e)
            )?;
        }
        if let Some(line) = rep.coverage.line(opts.lang) {
            writeln!(
                out,
                "::notice file={file},title={}::{}",
                escape_property(&format!("gouji: {}", rep.coverage.status.name())),
                escape_data(&line)
            )?;
        }
        for f in &rep.findings {
            // A rendered document (DOCX, XLSX, PDF) has no lines GitHub could show: the
            // annotation is file-level and its message names the cell.
            let at = match f.place() {
                Some(_) => String::new(),
                None => format!(",line={},col={}", f.position.line, f.position.column),
            };
            writeln!(
                out,
                "::{} file={file}{at},title={}::{}",
                command(f.severity),
                escape_property(&format!("{} ({})", f.rule, f.rule_name)),
                escape_data(&message(f, opts.lang))
            )?;
        }
    }
    Ok(())
}

/// Escape text for a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A Markdown summary of the run: counts, then one table row per finding.
pub fn summary_markdown(reports: &[FileReport], opts: &RenderOptions) -> String {
    let s = Summary::of(reports);
    let en = opts.lang == Lang::En;
    let mut md = String::from("## gouji\n\n");
    md.push_str(&s.sentence(opts.lang, "**"));
    md.push_str(if en { ".\n\n" } else { "。\n\n" });
    if let Some(b) = &opts.baseline {
        md.push_str(&if en {
            format!(
                "Baseline `{}`: {} accepted, {} stale.\n\n",
                cell(&b.file),
                b.suppressed,
                b.stale.len()
            )
        } else {
            format!(
                "基线 `{}`：已接受 {} 条，{} 条已过时。\n\n",
                cell(&b.file),
                b.suppressed,
                b.stale.len()
            )
        });
    }
    let rows: Vec<String> = reports
        .iter()
        .flat_map(|r| {
            r.findings.iter().map(move |f| {
                let at = match f.place() {
                    Some(place) => format!("{} · {place}", r.path),
                    None => format!("{}:{}:{}", r.path, f.position.line, f.position.column),
                };
                format!(
                    "| {} | {} | `{}` | {} | {} |\n",
                    cell(&at),
                    f.severity.label(opts.lang),
                    f.rule,
                    cell(&format!("{} ({})", f.message(opts.lang), scope_text(f))),
                    cell(&f.arithmetic(opts.lang))
                )
            })
        })
        .collect();
    if !rows.is_empty() {
        md.push_str(if en {
            "| Location | Severity | Rule | Message | Arithmetic |\n"
        } else {
            "| 位置 | 级别 | 规则 | 说明 | 算式 |\n"
        });
        md.push_str("|---|---|---|---|---|\n");
        for r in rows {
            md.push_str(&r);
        }
    }
    for r in reports {
        if let Some(e) = &r.error_text(opts.lang) {
            md.push_str(&format!("\n- `{}`: {}", cell(&r.path), cell(e)));
        } else if let Some(line) = r.coverage.line(opts.lang) {
            md.push_str(&format!("\n- `{}`: {}", cell(&r.path), cell(&line)));
        }
    }
    md.push('\n');
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(escape_data("a%b\r\nc"), "a%25b%0D%0Ac");
        assert_eq!(escape_property("F: a,b%"), "F%3A a%2Cb%25");
    }

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\nc<d>"), "a\\|b c&lt;d&gt;");
    }
}
