//! Human output through miette: every operand labelled at its own position, the arithmetic
//! written out in the help line.
//!
//! miette's snippet header counts columns in bytes; [`CharColumns`] wraps the source so the
//! header shows character columns like every other gouji output.

use super::RenderOptions;
use crate::finding::{Finding, Lang};
use crate::pipeline::FileReport;
use crate::rules::Severity;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

/// Widest piece of a long line quoted on each side of a span (bytes).
const SNIPPET_WINDOW: usize = 160;

/// A document view whose spans report character columns.
#[derive(Debug)]
pub struct CharColumns {
    name: String,
    text: Arc<String>,
}

impl CharColumns {
    /// Wrap a view with the name to show.
    pub fn new(name: impl Into<String>, text: Arc<String>) -> Self {
        CharColumns {
            name: name.into(),
            text,
        }
    }
}

impl SourceCode for CharColumns {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text = self.text.as_str();
        let inner = text.read_span(span, context_lines_before, context_lines_after)?;
        let mut start = inner.span().offset();
        let mut end = start + inner.span().len();
        let mut line = inner.line();
        // A long line (a whole report on one line) is quoted only around the span: each snippet
        // stays a few hundred bytes whatever the line's length.
        if end - start > 2 * SNIPPET_WINDOW + span.len() {
            let floor = |mut i: usize| {
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                i
            };
            let lo = floor(span.offset().saturating_sub(SNIPPET_WINDOW).max(start));
            let hi = floor((span.offset() + span.len() + SNIPPET_WINDOW).min(end));
            // Keep whole context lines when they are short; cut only the long ones.
            let lo = text[lo..span.offset().max(lo)]
                .rfind('\n')
                .map_or(lo, |i| lo + i + 1);
            line += text[start..lo].bytes().filter(|&b| b == b'\n').count();
            start = lo;
            end = hi.max(lo);
        }
        let line_start = text[..start.min(text.len())]
            .rfind('\n')
            .map(|i| i + 1)
            .unwrap_or(0);
        let column = text
            .get(line_start..start)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        let data = &text.as_bytes()[start..end];
        let line_count = data.iter().filter(|&&b| b == b'\n').count() + 1;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            (start, end - start).into(),
            line,
            column,
            line_count,
        )))
    }
}

/// A finding bound to its source, for miette.
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: &'a CharColumns,
    lang: Lang,
    /// The suggestion was said once before the findings (it explains several of them).
    shared: bool,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FindingDiagnostic")
            .field("rule", &self.finding.rule)
            .finish()
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fd = self.finding;
        write!(f, "{}", fd.message(self.lang))?;
        let mut scope = fd.table.clone();
        if let Some(s) = &fd.scope {
            if !scope.is_empty() {
                scope.push_str(" · ");
            }
            scope.push_str(s);
        }
        if !scope.is_empty() {
            match self.lang {
                Lang::Zh => write!(f, "（{scope}）")?,
                Lang::En => write!(f, " ({scope})")?,
            }
        }
        if let Some(s) = &fd.suggestion {
            match self.lang {
                Lang::Zh => write!(f, "：{}", s.headline(self.lang))?,
                Lang::En => write!(f, ": {}", s.headline(self.lang))?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!(
            "{}({})",
            self.finding.rule, self.finding.rule_name
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let mut text = self.finding.arithmetic(self.lang);
        // Figures of the other report (a rule across reports) cannot be labelled in this
        // report's source: name their file and place.
        for o in self.finding.operands.iter().filter(|o| o.file.is_some()) {
            text.push_str(&format!(
                "\n{}:{}:{}: {} = {}",
                o.file.as_deref().unwrap_or_default(),
                o.position.line,
                o.position.column,
                o.label,
                o.shown(self.lang)
            ));
        }
        if let Some(s) = &self.finding.suggestion {
            // A suggestion said once before the findings is in the headline already.
            if !self.shared {
                text.push('\n');
                text.push_str(&s.text(self.lang));
            }
        }
        Some(Box::new(text))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let fd = self.finding;
        let scope = fd.scope.clone().unwrap_or_default();
        let labels = fd
            .operands
            .iter()
            .filter(|o| o.file.is_none())
            .enumerate()
            .map(move |(i, o)| {
                let mut label = o.label.clone();
                if !scope.is_empty() {
                    label = label
                        .replace(&format!(" · {scope}"), "")
                        .replace(&format!("{scope} · "), "");
                }
                let value = o.shown(self.lang);
                let mut text = format!("{label} = {value}");
                // The headline names the first cell already; the others get the document's
                // own address.
                if let Some(loc) = o.locator.as_ref().filter(|_| i > 0 || fd.place().is_none()) {
                    text.push_str(&format!(" [{loc}]"));
                }
                if let Some(sg) = &fd.suggestion {
                    if let Some(c) = sg.candidates.iter().find(|c| c.span == o.span) {
                        text.push_str(&match (sg.scope, self.lang) {
                            (crate::finding::FixScope::Cell, Lang::Zh) => {
                                format!(" ← 可能应为 {}", c.proposed)
                            }
                            (crate::finding::FixScope::Cell, Lang::En) => {
                                format!(" ← probably {}", c.proposed)
                            }
                            (_, Lang::Zh) => format!(" ← 候选：{}", c.proposed),
                            (_, Lang::En) => format!(" ← candidate: {}", c.proposed),
                        });
                    }
                }
                let len = o.span.end.saturating_sub(o.span.start);
                if i == 0 {
                    LabeledSpan::new_primary_with_span(Some(text), (o.span.start, len))
                } else {
                    LabeledSpan::new_with_span(Some(text), (o.span.start, len))
                }
            });
        Some(Box::new(labels))
    }
}

/// miette labels the help text `help: `; in Chinese it is `说明：`, which takes the same six
/// columns, so the help's continuation lines stay aligned. Only a label at the start of a line
/// (after indentation and colour codes) is replaced, never report text.
fn help_in_chinese(buf: &str) -> String {
    let mut out = String::with_capacity(buf.len());
    for line in buf.split_inclusive('\n') {
        let mut i = 0;
        let bytes = line.as_bytes();
        loop {
            match bytes.get(i) {
                Some(b' ') => i += 1,
                Some(0x1b) => {
                    // Skip one colour code: ESC [ … m.
                    match line[i..].find('m') {
                        Some(end) => i += end + 1,
                        None => break,
                    }
                }
                _ => break,
            }
        }
        match line[i..].strip_prefix("help: ") {
            Some(rest) => {
                out.push_str(&line[..i]);
                out.push_str("说明：");
                out.push_str(rest);
            }
            None => out.push_str(line),
        }
    }
    out
}

fn handler(opts: &RenderOptions) -> GraphicalReportHandler {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_context_lines(1)
        .with_links(false)
}

/// Render findings of every file.
pub fn render(reports: &[FileReport], opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let graphical = handler(opts);
    // A finding in a rendered document (DOCX, XLSX, PDF) is headed by the form's table, row and
    // column with the document's own address, not by a line of gouji's text rendering.
    let placed = handler(opts).without_primary_span_start();
    for rep in reports {
        if let Some(line) = rep.coverage.line(opts.lang) {
            writeln!(out, "{}: {}\n", super::escape_name(&rep.path), line)?;
        }
        let Some(view) = &rep.view else { continue };
        if rep.findings.is_empty() {
            continue;
        }
        let path = super::escape_name(&rep.path);
        // One cell that explains several failures is said once, before them.
        let shared = crate::finding::shared_suggestions(&rep.findings);
        for (s, n) in &shared {
            writeln!(out, "{path}: {}\n", s.shared_text(*n, opts.lang))?;
        }
        let source = CharColumns::new(path.clone(), view.clone());
        for finding in &rep.findings {
            let named;
            let (handler, src) = match finding.place() {
                Some(place) => {
                    named = CharColumns::new(format!("{path} · {place}"), view.clone());
                    (&placed, &named)
                }
                None => (&graphical, &source),
            };
            let diag = FindingDiagnostic {
                finding,
                source: src,
                lang: opts.lang,
                shared: finding
                    .suggestion
                    .as_ref()
                    .is_some_and(|s| shared.iter().any(|(t, _)| *t == s)),
            };
            let mut buf = String::new();
            let res = handler.render_report(&mut buf, &diag);
            if res.is_err() {
                buf = format!(
                    "{}: {}: {}\n",
                    super::escape_name(&rep.path),
                    finding.rule,
                    finding.message(opts.lang)
                );
            }
            if opts.lang == Lang::Zh {
                buf = help_in_chinese(&buf);
            }
            out.write_all(buf.as_bytes())?;
            writeln!(out)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::help_in_chinese;

    #[test]
    fn the_help_label_is_chinese_and_keeps_its_width() {
        let plain = "  × 不等\n  help: 1 + 2 = 3，但总计为 4\n        见上\n";
        assert_eq!(
            help_in_chinese(plain),
            "  × 不等\n  说明：1 + 2 = 3，但总计为 4\n        见上\n"
        );
        let coloured = "\u{1b}[36m  help: \u{1b}[0m7 > 0\n";
        assert_eq!(
            help_in_chinese(coloured),
            "\u{1b}[36m  说明：\u{1b}[0m7 > 0\n"
        );
        // Report text quoted in a snippet is left alone.
        let quoted = " 25 │ help: 12\n";
        assert_eq!(help_in_chinese(quoted), quoted);
    }
}
