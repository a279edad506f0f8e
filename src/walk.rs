//! Turn the paths a user gives into the list of files to check.
//!
//! Directories are walked with the `ignore` crate (respecting .gitignore and skipping hidden
//! files); inside directories only files with a report extension are taken. A path named
//! explicitly is always taken, whatever its extension.

use std::path::{Path, PathBuf};

/// Extensions of files gouji reads when walking directories.
pub const REPORT_EXTENSIONS: &[&str] = &[
    "txt", "text", "md", "markdown", "html", "htm", "shtml", "xhtml", "docx", "xlsx", "xls", "ods",
    "pdf", "doc", "wps",
];

/// A file to check, or a path that could not be walked.
#[derive(Debug)]
pub enum Input {
    /// A file.
    File(PathBuf),
    /// A walk error (named path, cause).
    Error(String, String),
    /// A file inside a walked directory that is not a report (by extension); shown with `-v`.
    Skipped(PathBuf),
}

fn has_report_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .map(|e| REPORT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        .unwrap_or(false)
}

/// Expand the given paths into input files, sorted by path.
pub fn inputs(paths: &[PathBuf]) -> Vec<Input> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_file() {
            out.push(Input::File(p.clone()));
            continue;
        }
        if !p.exists() {
            out.push(Input::Error(
                p.display().to_string(),
                "no such file or directory".into(),
            ));
            continue;
        }
        for entry in ignore::WalkBuilder::new(p)
            .hidden(true)
            .git_ignore(true)
            .require_git(false)
            .build()
        {
            match entry {
                Ok(e) => {
                    if e.file_type().is_some_and(|t| t.is_file()) {
                        if has_report_extension(e.path()) {
                            out.push(Input::File(e.into_path()));
                        } else {
                            out.push(Input::Skipped(e.into_path()));
                        }
                    }
                }
                Err(err) => out.push(Input::Error(p.display().to_string(), err.to_string())),
            }
        }
    }
    let key = |i: &Input| match i {
        Input::Error(p, _) => (0, PathBuf::from(p)),
        Input::Skipped(p) => (1, p.clone()),
        Input::File(p) => (2, p.clone()),
    };
    out.sort_by_key(key);
    out.dedup_by(|a, b| matches!((a, b), (Input::File(x), Input::File(y)) if x == y));
    out
}

/// Separate the skipped files (not reports by extension) from the inputs to check.
pub fn split_skipped(inputs: Vec<Input>) -> (Vec<Input>, Vec<PathBuf>) {
    let mut keep = Vec::with_capacity(inputs.len());
    let mut skipped = Vec::new();
    for i in inputs {
        match i {
            Input::Skipped(p) => skipped.push(p),
            other => keep.push(other),
        }
    }
    (keep, skipped)
}
