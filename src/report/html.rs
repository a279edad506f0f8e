//! One self-contained HTML page: an overview of the files, then per file with findings a summary
//! table and the report's text with every operand highlighted (`<mark>`; its tooltip shows the
//! arithmetic, a click opens the details). CSS and JS are inline (`html_template.html`); the page
//! loads nothing from the network. Every piece of report text is escaped.

use super::{scope_text, RenderOptions, Summary};
use crate::coverage::Status;
use crate::finding::{Finding, Lang};
use crate::pipeline::FileReport;
use std::fmt::Write as _;
use std::io::{self, Write};

const TEMPLATE: &str = include_str!("html_template.html");
const BODY_MARKER: &str = "<!--GOUJI:BODY-->";

/// Escape text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

struct Words {
    severity: &'static str,
    rule: &'static str,
    location: &'static str,
    message: &'static str,
    arithmetic: &'static str,
    file: &'static str,
    findings: &'static str,
    no_findings: &'static str,
    blank: &'static str,
    formats: &'static str,
    facts: &'static str,
    probably: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::Zh => Words {
            severity: "级别",
            rule: "规则",
            location: "位置",
            message: "说明",
            arithmetic: "算式",
            file: "文件",
            findings: "问题",
            no_findings: "未发现问题",
            blank: "空（按 0 计）",
            formats: "表式",
            facts: "读到的数字",
            probably: "可能应为",
        },
        Lang::En => Words {
            severity: "Severity",
            rule: "Rule",
            location: "Location",
            message: "Message",
            arithmetic: "Arithmetic",
            file: "File",
            findings: "Findings",
            no_findings: "no findings",
            blank: "blank (counted as 0)",
            formats: "Forms",
            facts: "Figures read",
            probably: "probably",
        },
    }
}

fn detail(id: &str, f: &Finding, w: &Words, lang: Lang) -> String {
    let mut s = format!(
        "<div class=\"details\" id=\"{id}\"><div class=\"detail\"><h3>{} <code>{}</code> {}</h3><p>{}</p><p><strong>{}</strong></p><ul>",
        escape(f.severity.label(lang)),
        escape(&f.rule),
        escape(&f.rule_name),
        escape(&message_text(f, lang)),
        escape(&f.arithmetic(lang)),
    );
    for o in &f.operands {
        let value = if o.blank {
            w.blank.to_string()
        } else {
            o.value.to_string()
        };
        // In a rendered document the form's cell and the document's address; in a text view
        // the line and column.
        let at = crate::finding::place(&o.cell, &o.locator)
            .unwrap_or_else(|| format!("{}:{}", o.position.line, o.position.column));
        let _ = write!(
            s,
            "<li>{} = {} <span class=\"muted\">({}{}, <code>{}</code>)</span></li>",
            escape(&o.label),
            escape(&value),
            o.file
                .as_deref()
                .map(|p| format!("{}:", escape(p)))
                .unwrap_or_default(),
            escape(&at),
            // A prose figure has no fact name: say where it is printed.
            match (o.key.as_str(), lang) {
                ("prose", Lang::Zh) => "正文".to_string(),
                ("prose", Lang::En) => "text".to_string(),
                (key, _) => escape(key),
            }
        );
    }
    s.push_str("</ul>");
    if let Some(sg) = &f.suggestion {
        let _ = write!(s, "<p>{}</p>", escape(&sg.text(lang)));
    }
    s.push_str("</div></div>\n");
    s
}

/// A finding's message with its scope (`message (table · scope)`), in the language asked for.
fn message_text(f: &Finding, lang: Lang) -> String {
    let scope = scope_text(f);
    match (scope.is_empty(), lang) {
        (true, _) => f.message(lang).to_string(),
        (false, Lang::Zh) => format!("{}（{scope}）", f.message(lang)),
        (false, Lang::En) => format!("{} ({scope})", f.message(lang)),
    }
}

/// The report view with every operand span wrapped in a `<mark>` (see [`super::marks`]);
/// identical spans share one mark, overlapping ones are merged into the earlier mark.
///
/// The cell a suggestion names (the one cell whose change repairs every failed identity) gets the
/// class `suspect` and its proposed value written after it (`<ins class="proposed">→ 12</ins>`);
/// each cell of a tie set the class `candidate`.
fn marked_view(view: &str, file_no: usize, rep: &FileReport, lang: Lang, w: &Words) -> String {
    let marks = super::marks::marks(view, rep, lang);
    let mut out = String::with_capacity(view.len() + marks.len() * 120);
    let mut cursor = 0;
    for ((start, end), m) in marks {
        if start < cursor {
            continue;
        }
        let (Some(before), Some(inner)) = (view.get(cursor..start), view.get(start..end)) else {
            continue;
        };
        out.push_str(&escape(before));
        let _ = write!(
            out,
            "<mark class=\"sev-{}{}\" data-f=\"{}\" title=\"{}\" tabindex=\"0\">{}</mark>",
            m.severity.name(),
            m.role.map(|r| format!(" {}", r.name())).unwrap_or_default(),
            m.findings
                .iter()
                .map(|i| format!("d{file_no}-{i}"))
                .collect::<Vec<_>>()
                .join(" "),
            escape(&m.tips.join("\n")),
            escape(inner)
        );
        // The suspect cell carries the value that would repair every failure, inline.
        if let (Some(super::marks::Role::Suspect), Some(proposed)) = (m.role, m.proposed) {
            let _ = write!(
                out,
                "<ins class=\"proposed\" title=\"{}\">→ {}</ins>",
                escape(w.probably),
                escape(&proposed.to_string())
            );
        }
        cursor = end;
    }
    out.push_str(&escape(view.get(cursor..).unwrap_or("")));
    out
}

/// Render the run as one HTML page.
pub fn render(reports: &[FileReport], opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let w = words(opts.lang);
    let summary = Summary::of(reports);
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<header><h1>gouji {}</h1><p class=\"muted\">{}</p></header>\n<main>",
        env!("CARGO_PKG_VERSION"),
        escape(&summary.sentence(opts.lang, ""))
    );
    // The banner: which files were not (fully) checked, so an empty page is never read as
    // "everything is consistent".
    let unchecked: Vec<(usize, &FileReport, String)> = reports
        .iter()
        .enumerate()
        .filter_map(|(n, r)| r.coverage.line(opts.lang).map(|l| (n, r, l)))
        .collect();
    if !unchecked.is_empty() {
        let _ = writeln!(
            body,
            "<div class=\"banner\" role=\"status\"><strong>{}</strong><ul>",
            escape(&match opts.lang {
                Lang::Zh => format!(
                    "{} 个文件未完整检查：未报告问题不等于数字一致",
                    unchecked.len()
                ),
                Lang::En => format!(
                    "{} not fully checked: no finding does not mean the figures agree",
                    super::plural(unchecked.len(), "file")
                ),
            })
        );
        for (n, r, line) in &unchecked {
            let _ = writeln!(
                body,
                "<li><a href=\"#file-{n}\">{}</a>: {}</li>",
                escape(&r.path),
                escape(line)
            );
        }
        body.push_str("</ul></div>\n");
    }
    if let Some(b) = &opts.baseline {
        let line = match opts.lang {
            Lang::Zh => format!(
                "基线 {}：已接受 {} 条，{} 条已过时",
                b.file,
                b.suppressed,
                b.stale.len()
            ),
            Lang::En => format!(
                "baseline {}: {} accepted, {} stale",
                b.file,
                b.suppressed,
                b.stale.len()
            ),
        };
        let _ = writeln!(body, "<p class=\"muted\">{}</p>", escape(&line));
    }
    let _ = writeln!(
        body,
        "<table class=\"overview\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        w.file, w.formats, w.facts, w.findings
    );
    for (n, rep) in reports.iter().enumerate() {
        let shown = |r: &FileReport| {
            !r.findings.is_empty() || r.error.is_some() || r.coverage.line(opts.lang).is_some()
        };
        let link = if !shown(rep) {
            escape(&rep.path)
        } else {
            format!("<a href=\"#file-{n}\">{}</a>", escape(&rep.path))
        };
        let _ = writeln!(
            body,
            "<tr><td>{link}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&rep.formats.join(", ")),
            rep.facts,
            match &rep.error_text(opts.lang) {
                Some(e) => escape(e),
                None if rep.findings.is_empty() && rep.coverage.status == Status::Checked => {
                    w.no_findings.to_string()
                }
                None if rep.findings.is_empty() => escape(rep.coverage.status.label(opts.lang)),
                None => rep.findings.len().to_string(),
            }
        );
    }
    body.push_str("</tbody></table>\n");
    for (n, rep) in reports.iter().enumerate() {
        let coverage = rep.coverage.line(opts.lang);
        if rep.findings.is_empty() && rep.error.is_none() && coverage.is_none() {
            continue;
        }
        let _ = writeln!(
            body,
            "<section class=\"file\" id=\"file-{n}\"><h2>{}</h2>",
            escape(&rep.path)
        );
        if let Some(line) = &coverage {
            let _ = writeln!(body, "<p class=\"coverage\">{}</p>", escape(line));
        }
        if let Some(e) = &rep.error_text(opts.lang) {
            let _ = writeln!(
                body,
                "<p class=\"sev-error\"><span class=\"sev\">{}</span> {}</p>",
                crate::rules::Severity::Error.label(opts.lang),
                escape(e)
            );
        }
        if !rep.findings.is_empty() {
            let _ = writeln!(
                body,
                "<table class=\"summary\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
                w.severity, w.rule, w.location, w.message, w.arithmetic
            );
            for (i, f) in rep.findings.iter().enumerate() {
                let _ = writeln!(
                    body,
                    "<tr class=\"finding sev-{sev}\" data-f=\"d{n}-{i}\"><td class=\"sev\">{}</td><td><code>{}</code><br><span class=\"muted\">{}</span></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    f.severity.label(opts.lang),
                    escape(&f.rule),
                    escape(&f.rule_name),
                    escape(&super::location_text(f)),
                    escape(&message_text(f, opts.lang)),
                    escape(&f.arithmetic(opts.lang)),
                    sev = f.severity.name(),
                );
            }
            body.push_str("</tbody></table>\n");
            for (i, f) in rep.findings.iter().enumerate() {
                body.push_str(&detail(&format!("d{n}-{i}"), f, &w, opts.lang));
            }
        }
        if let Some(view) = &rep.view {
            if !rep.findings.is_empty() {
                let _ = writeln!(
                    body,
                    "<pre class=\"view\">{}</pre>",
                    marked_view(view, n, rep, opts.lang, &w)
                );
            }
        }
        body.push_str("</section>\n");
    }
    body.push_str("</main>\n");
    let (head, tail) = TEMPLATE.split_once(BODY_MARKER).unwrap_or((TEMPLATE, ""));
    // The template is written in Chinese; an English page says so and is titled in English.
    let head = match opts.lang {
        Lang::Zh => head.to_string(),
        Lang::En => head
            .replace("<html lang=\"zh\">", "<html lang=\"en\">")
            .replace(
                "<title>gouji 检查报告</title>",
                "<title>gouji report</title>",
            ),
    };
    out.write_all(head.as_bytes())?;
    out.write_all(body.as_bytes())?;
    out.write_all(tail.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href='x'>&\""),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;"
        );
    }

    #[test]
    fn template_is_titled_for_each_language() {
        assert!(TEMPLATE.contains("<html lang=\"zh\">"));
        assert!(TEMPLATE.contains("<title>gouji 检查报告</title>"));
    }

    #[test]
    fn template_has_the_body_marker_and_no_network_resources() {
        assert!(TEMPLATE.contains(BODY_MARKER));
        assert!(!TEMPLATE.contains("http://") && !TEMPLATE.contains("https://"));
    }
}
