//! Turn the paths a user gives into the list of files to check.
//!
//! Directories are walked with the `ignore` crate (respecting .gitignore and skipping hidden
//! files); inside directories only files with a report extension are taken. A path named
//! explicitly is always taken, whatever its extension.
//!
//! No path is ever dropped without a word: every path given or met in a walk ends up as a file
//! to check, an error naming it, or a skipped entry with its reason (shown with `-v`). Special
//! files (FIFOs, sockets, devices) are never opened, so they cannot block the run. Symbolic links
//! met in a walk are followed to files only (never to directories, so a link loop cannot recur);
//! dangling and looping links are named. The same file reached under two spellings is checked
//! once, under the first spelling in sorted order.

use std::collections::HashMap;
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
    /// A path inside a walked directory that is not checked (not a report by extension, a special
    /// file, a link that leads nowhere, a second spelling of a file), with the reason; shown with
    /// `-v`.
    Skipped(PathBuf, String),
}

fn has_report_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .map(|e| REPORT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        .unwrap_or(false)
}

/// What kind of non-regular, non-directory file this is.
pub fn special_kind(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
    }
    let _ = ft;
    "not a regular file"
}

/// Why `path` (whose metadata could not be read through links) is not readable: a link loop, a
/// dangling link, or the I/O error itself.
pub fn unreachable_reason(path: &Path, err: &std::io::Error) -> String {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link {
        // ELOOP on Linux and the BSDs.
        if err.raw_os_error() == Some(40) || err.raw_os_error() == Some(62) {
            return "symbolic link loop (the link leads back to itself)".into();
        }
        if err.kind() == std::io::ErrorKind::NotFound {
            let target = std::fs::read_link(path)
                .map(|t| crate::report::escape_name(&t.display().to_string()).into_owned())
                .unwrap_or_default();
            return format!("dangling symbolic link (its target {target} does not exist)");
        }
    }
    if err.kind() == std::io::ErrorKind::NotFound {
        return "no such file or directory".into();
    }
    err.to_string()
}

/// Expand the given paths into input files, sorted by path.
pub fn inputs(paths: &[PathBuf]) -> Vec<Input> {
    let mut out = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_file() => {
                out.push(Input::File(p.clone()));
                continue;
            }
            Ok(m) if m.is_dir() => {}
            Ok(m) => {
                out.push(Input::Error(
                    p.display().to_string(),
                    format!(
                        "{}; gouji reads only regular files",
                        special_kind(&m.file_type())
                    ),
                ));
                continue;
            }
            Err(e) => {
                out.push(Input::Error(
                    p.display().to_string(),
                    unreachable_reason(p, &e),
                ));
                continue;
            }
        }
        for entry in ignore::WalkBuilder::new(p)
            .hidden(true)
            .git_ignore(true)
            .require_git(false)
            .build()
        {
            match entry {
                Ok(e) => {
                    let Some(ft) = e.file_type() else { continue };
                    if ft.is_dir() {
                        continue;
                    }
                    let path = e.into_path();
                    out.push(walked(path, ft));
                }
                Err(err) => out.push(Input::Error(p.display().to_string(), err.to_string())),
            }
        }
    }
    let key = |i: &Input| match i {
        Input::Error(p, _) => (0, PathBuf::from(p)),
        Input::Skipped(p, _) => (1, p.clone()),
        Input::File(p) => (2, p.clone()),
    };
    out.sort_by_key(key);
    out.dedup_by(|a, b| matches!((a, b), (Input::File(x), Input::File(y)) if x == y));
    dedup_same_files(out)
}

/// One entry met in a walk (not a directory).
fn walked(path: PathBuf, ft: std::fs::FileType) -> Input {
    if ft.is_symlink() {
        return match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => {
                if has_report_extension(&path) {
                    Input::File(path)
                } else {
                    Input::Skipped(path, "not a report file type".into())
                }
            }
            Ok(m) if m.is_dir() => Input::Skipped(
                path,
                "a symbolic link to a directory; links to directories are not followed".into(),
            ),
            Ok(m) => Input::Skipped(
                path,
                format!("a symbolic link to {}", special_kind(&m.file_type())),
            ),
            Err(e) => {
                let reason = unreachable_reason(&path, &e);
                Input::Skipped(path, reason)
            }
        };
    }
    if !ft.is_file() {
        let kind = special_kind(&ft);
        return Input::Skipped(path, format!("{kind}, not a regular file"));
    }
    if has_report_extension(&path) {
        Input::File(path)
    } else {
        Input::Skipped(path, "not a report file type".into())
    }
}

/// Keep one spelling of each file (the first in sorted order): the others become skipped
/// entries naming it.
fn dedup_same_files(inputs: Vec<Input>) -> Vec<Input> {
    let mut seen: HashMap<PathBuf, PathBuf> = HashMap::new();
    inputs
        .into_iter()
        .map(|i| match i {
            Input::File(p) => {
                let Ok(canon) = std::fs::canonicalize(&p) else {
                    return Input::File(p);
                };
                match seen.get(&canon) {
                    Some(first) => {
                        let reason = format!(
                            "the same file as {}, checked once",
                            crate::report::escape_name(&first.display().to_string())
                        );
                        Input::Skipped(p, reason)
                    }
                    None => {
                        seen.insert(canon, p.clone());
                        Input::File(p)
                    }
                }
            }
            other => other,
        })
        .collect()
}

/// Canonical paths of the files to check (for refusing to overwrite an input).
pub fn canonical_files(inputs: &[Input]) -> Vec<PathBuf> {
    inputs
        .iter()
        .filter_map(|i| match i {
            Input::File(p) => std::fs::canonicalize(p).ok(),
            _ => None,
        })
        .collect()
}

/// Separate the skipped entries from the inputs to check.
pub fn split_skipped(inputs: Vec<Input>) -> (Vec<Input>, Vec<(PathBuf, String)>) {
    let mut keep = Vec::with_capacity(inputs.len());
    let mut skipped = Vec::new();
    for i in inputs {
        match i {
            Input::Skipped(p, why) => skipped.push((p, why)),
            other => keep.push(other),
        }
    }
    (keep, skipped)
}
