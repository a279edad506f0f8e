//! Render: findings → bytes. One file per format; the format is chosen in one `match`.

pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod layout;
pub mod marks;
pub mod plain;
pub mod sarif;

use crate::baseline::BaselineOutcome;
use crate::coverage::Status;
use crate::finding::{Finding, Lang};
use crate::pipeline::FileReport;
use crate::rules::{Registry, Severity};
use crate::source::LineCol;
use std::io::{self, Write};
use std::sync::Arc;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Rich diagnostics for people (miette).
    Human,
    /// Screen-reader friendly plain diagnostics.
    Plain,
    /// Machine-readable JSON (documented schema).
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// GitHub Actions workflow commands (annotations), plus a step summary.
    Github,
    /// JUnit XML, for CI test reports.
    Junit,
    /// One self-contained HTML page with the findings highlighted in the report text.
    Html,
}

/// Options shared by renderers.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Language of messages.
    pub lang: Lang,
    /// Use colour.
    pub color: bool,
    /// Wrap width for human output.
    pub width: usize,
    /// The rules that were loaded (SARIF lists them with their help text).
    pub registry: Option<Arc<Registry>>,
    /// What the baseline did, when one was applied.
    pub baseline: Option<BaselineOutcome>,
    /// The lowest severity that fails the run (`--fail-on`; `None` for `never`): JUnit marks
    /// findings from it up as `<failure>`, and lists the others in passing testcases.
    pub fail_at: Option<Severity>,
}

impl RenderOptions {
    /// Options with the given language and everything else off.
    pub fn new(lang: Lang) -> Self {
        RenderOptions {
            lang,
            color: false,
            width: 100,
            registry: None,
            baseline: None,
            fail_at: Some(Severity::Error),
        }
    }
}

/// `1 file`, `2 files`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Counts over a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files checked (including unreadable ones).
    pub files: usize,
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Info findings.
    pub infos: usize,
    /// Files that could not be read.
    pub unreadable: usize,
    /// Files fully checked (status `checked`).
    pub checked: usize,
    /// Files partly checked (status `partial`).
    pub partial: usize,
    /// Readable files with nothing checkable (status `no-table`).
    pub no_table: usize,
}

impl Summary {
    /// One sentence with the counts (`emphasis` wraps the error count, e.g. `**` in Markdown):
    /// how many files were fully, partly and not checked, then the findings. It never says "0
    /// problems" without saying how much was checked.
    pub fn sentence(&self, lang: Lang, emphasis: &str) -> String {
        let e = emphasis;
        match lang {
            Lang::Zh => {
                let mut parts = vec![format!("{} 个完整检查", self.checked)];
                if self.partial > 0 {
                    parts.push(format!("{} 个部分检查", self.partial));
                }
                if self.no_table > 0 {
                    parts.push(format!("{} 个未找到可检查的统计表", self.no_table));
                }
                if self.unreadable > 0 {
                    parts.push(format!("{} 个无法读取", self.unreadable));
                }
                format!(
                    "检查了 {} 个文件：{}；{e}{} 个错误{e}，{} 个警告，{} 个提示",
                    self.files,
                    parts.join("，"),
                    self.errors,
                    self.warnings,
                    self.infos,
                )
            }
            Lang::En => {
                let mut parts = vec![format!("{} fully checked", self.checked)];
                if self.partial > 0 {
                    parts.push(format!("{} partly checked", self.partial));
                }
                if self.no_table > 0 {
                    parts.push(format!("{} with no checkable table", self.no_table));
                }
                if self.unreadable > 0 {
                    parts.push(format!("{} unreadable", self.unreadable));
                }
                format!(
                    "Checked {}: {}; {e}{}{e}, {}, {}",
                    plural(self.files, "file"),
                    parts.join(", "),
                    plural(self.errors, "error"),
                    plural(self.warnings, "warning"),
                    plural(self.infos, "info"),
                )
            }
        }
    }

    /// Count a run.
    pub fn of(reports: &[FileReport]) -> Self {
        let mut s = Summary::default();
        for r in reports {
            s.add(r);
        }
        s
    }

    /// Count one more file.
    pub fn add(&mut self, r: &FileReport) {
        self.files += 1;
        if r.error.is_some() {
            self.unreadable += 1;
        } else {
            match r.coverage.status {
                Status::Checked => self.checked += 1,
                Status::Partial => self.partial += 1,
                Status::NoTable | Status::Unreadable => self.no_table += 1,
            }
        }
        for f in &r.findings {
            self.add_finding(f);
        }
    }

    /// Count one more finding.
    pub fn add_finding(&mut self, f: &crate::finding::Finding) {
        match f.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }
}

/// Render a run in the chosen format.
pub fn render(
    format: OutputFormat,
    reports: &[FileReport],
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Human => human::render(reports, opts, out),
        OutputFormat::Plain => plain::render(reports, opts, out),
        OutputFormat::Json => json::render(reports, opts, out),
        OutputFormat::Sarif => sarif::render(reports, opts, out),
        OutputFormat::Github => github::render(reports, opts, out),
        OutputFormat::Junit => junit::render(reports, opts, out),
        OutputFormat::Html => html::render(reports, opts, out),
    }
}

/// Line starts of a view, to turn byte offsets into 1-based lines and character columns.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Index a view.
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// Line and character column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let idx = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts.get(idx).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        LineCol {
            line: idx + 1,
            column,
        }
    }
}

/// The end position of a span (exclusive column, as SARIF's `endColumn`), via `index` when the
/// view is known; otherwise the start position advanced over `text`.
pub fn end_of(index: Option<&LineIndex>, span_end: usize, start: LineCol, text: &str) -> LineCol {
    match index {
        Some(ix) => ix.line_col(span_end),
        None => LineCol {
            line: start.line,
            column: start.column + text.chars().count(),
        },
    }
}

/// The text of a finding's scope: `table · scope`. Where the figure is in a rendered document
/// (the form's cell and the document's address) is [`Finding::place`], which each renderer puts
/// where a location goes.
pub fn scope_text(f: &Finding) -> String {
    match (&f.scope, f.table.is_empty()) {
        (Some(s), false) => format!("{} · {}", f.table, s),
        (Some(s), true) => s.clone(),
        (None, _) => f.table.clone(),
    }
}

/// Where a finding is, as a location column shows it: the form's cell with the document's
/// address in a rendered document (DOCX, XLSX, PDF), `line:column` in a text view.
pub fn location_text(f: &Finding) -> String {
    f.place()
        .unwrap_or_else(|| format!("{}:{}", f.position.line, f.position.column))
}

/// A file name as shown in text output: control characters (newlines, ESC, …) are written as
/// escapes (`\n`, `\u{1b}`), so a hostile name cannot forge output lines or colours. Names
/// without control characters are returned unchanged.
pub fn escape_name(name: &str) -> std::borrow::Cow<'_, str> {
    if !name.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() + 8);
    for c in name.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}
