//! Render: findings → bytes. One file per format; the format is chosen in one `match`.

pub mod human;
pub mod json;

use crate::finding::Lang;
use crate::pipeline::FileReport;
use crate::rules::Severity;
use std::io::{self, Write};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Rich diagnostics for people (miette).
    Human,
    /// Screen-reader friendly plain diagnostics.
    Plain,
    /// Machine-readable JSON (documented schema).
    Json,
}

/// Options shared by renderers.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Language of messages.
    pub lang: Lang,
    /// Use colour.
    pub color: bool,
    /// Plain (narrated) human output.
    pub plain: bool,
    /// Wrap width for human output.
    pub width: usize,
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
}

impl Summary {
    /// Count a run.
    pub fn of(reports: &[FileReport]) -> Self {
        let mut s = Summary {
            files: reports.len(),
            ..Summary::default()
        };
        for r in reports {
            if r.error.is_some() {
                s.unreadable += 1;
            }
            for f in &r.findings {
                match f.severity {
                    Severity::Error => s.errors += 1,
                    Severity::Warning => s.warnings += 1,
                    Severity::Info => s.infos += 1,
                }
            }
        }
        s
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
        OutputFormat::Plain => human::render(
            reports,
            &RenderOptions {
                plain: true,
                color: false,
                ..opts.clone()
            },
            out,
        ),
        OutputFormat::Json => json::render(reports, opts, out),
    }
}
