//! The per-file pipeline: read → extract → check, with every failure turned into a result.

use crate::across::{self, SeriesFacts};
use crate::check::{check, RuleFilter, RuleStats};
use crate::coverage::{self, Coverage};
use crate::extract::{extract, Facts};
use crate::finding::Finding;
use crate::rules::Registry;
use crate::source::{self, Block, Document, InputFormat};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::Arc;

/// Everything gouji learned about one file.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// Path as given.
    pub path: String,
    /// Input format, if the file could be read.
    pub input_format: Option<InputFormat>,
    /// Encoding, for text formats.
    pub encoding: Option<String>,
    /// Report formats (pack ids) detected.
    pub formats: Vec<String>,
    /// Number of facts extracted.
    pub facts: usize,
    /// Rule evaluation counts.
    pub stats: RuleStats,
    /// What was read and checked, and why a table was not (see [`crate::coverage`]).
    pub coverage: Coverage,
    /// Findings, in document order.
    pub findings: Vec<Finding>,
    /// Why the file could not be checked.
    pub error: Option<String>,
    /// The document view (kept for renderers that show source text).
    pub view: Option<Arc<String>>,
    /// Issuer, year and the few figures rules across reports read (see [`crate::across`]).
    pub series: Option<Box<SeriesFacts>>,
}

impl FileReport {
    /// The report of a file that could not be checked.
    pub fn failed(path: &str, error: String) -> Self {
        FileReport {
            path: path.to_string(),
            input_format: None,
            encoding: None,
            formats: Vec::new(),
            facts: 0,
            stats: RuleStats::default(),
            coverage: Coverage::unreadable(),
            findings: Vec::new(),
            error: Some(error),
            view: None,
            series: None,
        }
    }
}

impl FileReport {
    /// Why the file could not be checked, in the language asked for.
    pub fn error_text(&self, lang: crate::finding::Lang) -> Option<String> {
        self.error.as_ref().map(|e| match lang {
            crate::finding::Lang::Zh => crate::source::error_zh(e),
            crate::finding::Lang::En => e.clone(),
        })
    }
}

/// Check an already-read document.
pub fn check_document(doc: &Document, registry: &Registry, filter: &dyn RuleFilter) -> FileReport {
    check_document_with(doc, registry, filter, true)
}

/// Check an already-read document; keep a copy of its view only when `keep_view` (renderers that
/// quote source text need it; JSON does not, and dropping it keeps memory flat over large runs).
pub fn check_document_with(
    doc: &Document,
    registry: &Registry,
    filter: &dyn RuleFilter,
    keep_view: bool,
) -> FileReport {
    check_document_facts(doc, registry, filter, keep_view).0
}

/// [`check_document_with`], also giving back the facts read (for views that draw the tables and
/// the prose figures, such as `gouji serve`).
pub fn check_document_facts(
    doc: &Document,
    registry: &Registry,
    filter: &dyn RuleFilter,
    keep_view: bool,
) -> (FileReport, Facts) {
    let facts = extract(doc, registry);
    check_extracted(doc, facts, registry, filter, keep_view)
}

/// [`check_document_with`] of a document read for this check only: the record of an HTML
/// page's text runs and the paragraph blocks are freed once the facts are read (the checks
/// read the prose facts and the tables, not the paragraphs: a page holds hundreds of thousands).
fn check_read_document(
    mut doc: Document,
    registry: &Registry,
    filter: &dyn RuleFilter,
    keep_view: bool,
) -> FileReport {
    let facts = extract(&doc, registry);
    doc.drop_html_text();
    if doc.blocks.iter().any(|b| matches!(b, Block::Paragraph(_))) {
        doc.blocks.retain(|b| matches!(b, Block::Table(_)));
        doc.blocks.shrink_to_fit();
    }
    check_extracted(&doc, facts, registry, filter, keep_view).0
}

/// The checks of a document whose facts are read.
fn check_extracted(
    doc: &Document,
    facts: Facts,
    registry: &Registry,
    filter: &dyn RuleFilter,
    keep_view: bool,
) -> (FileReport, Facts) {
    let mut result = check(doc, &facts, registry, filter);
    let coverage = coverage::account(doc, &facts, &result.tables, registry);
    let mut engine = coverage::findings(doc, &facts, &coverage, registry, filter);
    if !engine.is_empty() {
        result.findings.append(&mut engine);
        result
            .findings
            .sort_by(|a, b| (a.span.start, &a.rule).cmp(&(b.span.start, &b.rule)));
    }
    let mut series = across::keep(doc, &facts, registry);
    series.ties = across::pin::ties(&result.findings);
    let report = FileReport {
        path: doc.path.clone(),
        input_format: Some(doc.format),
        encoding: doc.encoding.clone(),
        formats: facts.formats(registry),
        facts: facts.count(),
        stats: result.stats,
        coverage,
        findings: result.findings,
        error: None,
        view: keep_view.then(|| Arc::clone(&doc.view)),
        series: Some(Box::new(series)),
    };
    (report, facts)
}

/// Why a file could not be checked when checking it panicked.
pub const INTERNAL_ERROR: &str =
    "internal error while checking this file (a bug in gouji; please report it)";

/// Read and check one file. Never panics: a panic inside becomes an error naming the file.
pub fn check_file(path: &Path, registry: &Registry, filter: &dyn RuleFilter) -> FileReport {
    check_file_with(path, registry, filter, true)
}

/// [`check_file`], keeping the document view only when `keep_view` (see [`check_document_with`]).
pub fn check_file_with(
    path: &Path,
    registry: &Registry,
    filter: &dyn RuleFilter,
    keep_view: bool,
) -> FileReport {
    let name = path.display().to_string();
    let outcome = catch_unwind(AssertUnwindSafe(|| match source::read(path) {
        Ok(doc) => check_read_document(doc, registry, filter, keep_view),
        Err(e) => FileReport::failed(&name, e.to_string()),
    }));
    outcome.unwrap_or_else(|_| FileReport::failed(&name, INTERNAL_ERROR.into()))
}

/// Check one input of a run: a file, standard input, or a path that could not be walked.
pub fn check_input(
    input: &crate::walk::Input,
    registry: &Registry,
    filter: &dyn RuleFilter,
    keep_view: bool,
) -> FileReport {
    use crate::walk::Input;
    match input {
        Input::File(p) => check_file_with(p, registry, filter, keep_view),
        Input::Stdin(name, bytes) => {
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                match source::read_bytes(name, bytes, Path::new(name)) {
                    Ok(doc) => check_read_document(doc, registry, filter, keep_view),
                    Err(e) => FileReport::failed(name, e.to_string()),
                }
            }));
            outcome.unwrap_or_else(|_| {
                FileReport::failed(name, "internal error while checking this input".into())
            })
        }
        Input::Error(path, cause) => FileReport::failed(path, cause.clone()),
        Input::Skipped(p, r) => FileReport::failed(&p.display().to_string(), r.text()),
    }
}
