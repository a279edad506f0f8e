//! Turn the paths a user gives into the list of files to check.
//!
//! Directories are walked with the `ignore` crate, the way ripgrep walks: `.gitignore`,
//! `.ignore`, `.git/info/exclude` and the global git excludes are respected and hidden files are
//! skipped, unless `--no-ignore` (every ignore file) or `--no-ignore-vcs` (the git ones; `.ignore`
//! still counts) says otherwise. Inside directories only files with a report extension are
//! taken. A path named explicitly is always taken, whatever its extension or ignore files say.
//! `-` is standard input. With `explain_skips` (`-v`), every file under a walked directory
//! that is not taken is returned as [`Input::Skipped`] with the reason: the ignore file and
//! pattern that excluded it, a hidden path, or a type that is not a report.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Extensions of files gouji reads when walking directories.
pub const REPORT_EXTENSIONS: &[&str] = &[
    "txt", "text", "md", "markdown", "html", "htm", "shtml", "xhtml", "docx", "xlsx", "xls", "ods",
    "pdf", "doc", "wps",
];

/// How directories are walked.
#[derive(Debug, Clone, Copy, Default)]
pub struct WalkOptions {
    /// Respect no ignore files at all (`--no-ignore`).
    pub no_ignore: bool,
    /// Respect no git ignore files (`.gitignore`, `.git/info/exclude`, global excludes);
    /// `.ignore` still counts (`--no-ignore-vcs`).
    pub no_ignore_vcs: bool,
    /// Also return the files that were skipped, with the reason (`-v`).
    pub explain_skips: bool,
}

/// Why a file under a walked directory was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// Not a report file type (by extension).
    NotReport,
    /// Excluded by an ignore file: (the file, the pattern).
    Ignored(String, String),
    /// Excluded by the global git excludes or another ignore rule that could not be named.
    IgnoredElsewhere,
    /// A hidden file or one inside a hidden directory.
    Hidden,
    /// Not a regular file, or a link that leads to none: a FIFO, a socket, a device, a dangling
    /// or looping symbolic link, a link to a directory (never followed, so no loop can recur).
    NotRegular(String),
    /// The same file as one already taken under another spelling (checked once).
    SameFile(String),
}

impl SkipReason {
    /// The reason as shown by `-v`.
    pub fn text(&self) -> String {
        match self {
            SkipReason::NotReport => "not a report file type".into(),
            SkipReason::Ignored(file, pat) => {
                format!("ignored by {file} (pattern `{pat}`); --no-ignore checks it")
            }
            SkipReason::IgnoredElsewhere => {
                "ignored by the global git excludes; --no-ignore checks it".into()
            }
            SkipReason::Hidden => "hidden; name it explicitly to check it".into(),
            SkipReason::NotRegular(why) => why.clone(),
            SkipReason::SameFile(first) => format!(
                "the same file as {}, checked once",
                crate::report::escape_name(first)
            ),
        }
    }
}

/// A file to check, or a path that could not be walked.
#[derive(Debug, Clone)]
pub enum Input {
    /// A file.
    File(PathBuf),
    /// Bytes read from standard input, with the name shown for them.
    Stdin(String, Arc<Vec<u8>>),
    /// A walk error (named path, cause).
    Error(String, String),
    /// A file inside a walked directory that is not taken, and why; shown with `-v`.
    Skipped(PathBuf, SkipReason),
}

impl Input {
    /// The path shown for the input.
    pub fn name(&self) -> String {
        match self {
            Input::File(p) | Input::Skipped(p, _) => p.display().to_string(),
            Input::Stdin(n, _) | Input::Error(n, _) => n.clone(),
        }
    }

    /// The directory configuration is looked for from (a file's folder; `None` for stdin
    /// without a name and for walk errors).
    pub fn dir(&self) -> Option<PathBuf> {
        let p = match self {
            Input::File(p) | Input::Skipped(p, _) => p.clone(),
            Input::Stdin(n, _) if n != "-" => PathBuf::from(n),
            _ => return None,
        };
        let abs = std::path::absolute(&p).unwrap_or(p);
        abs.parent().map(Path::to_path_buf)
    }
}

fn has_report_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .map(|e| REPORT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        .unwrap_or(false)
}

fn builder(root: &Path, opts: &WalkOptions) -> ignore::WalkBuilder {
    let mut b = ignore::WalkBuilder::new(root);
    let vcs = !opts.no_ignore && !opts.no_ignore_vcs;
    b.hidden(true)
        .ignore(!opts.no_ignore)
        .parents(!opts.no_ignore)
        .git_ignore(vcs)
        .git_exclude(vcs)
        .git_global(vcs)
        .require_git(false);
    b
}

/// Expand the given paths into input files, sorted by path. `-` reads standard input once,
/// shown as `stdin_name` (default `-`).
pub fn inputs(paths: &[PathBuf], opts: &WalkOptions, stdin_name: Option<&str>) -> Vec<Input> {
    let mut out = Vec::new();
    let mut stdin: Option<Input> = None;
    for p in paths {
        if p.as_os_str() == "-" {
            if stdin.is_none() {
                let mut bytes = Vec::new();
                let name = stdin_name.unwrap_or("-").to_string();
                stdin = Some(
                    match std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes) {
                        Ok(_) => Input::Stdin(name, Arc::new(bytes)),
                        Err(e) => Input::Error(name, format!("cannot read standard input: {e}")),
                    },
                );
            }
            continue;
        }
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
        let mut taken = HashSet::new();
        for entry in builder(p, opts).build() {
            match entry {
                Ok(e) => {
                    if opts.explain_skips && e.file_type().is_some_and(|t| t.is_dir()) {
                        taken.insert(e.path().to_path_buf());
                    }
                    let ft = e.file_type();
                    if ft.is_some_and(|t| !t.is_file() && !t.is_dir()) {
                        // A link or a special file: never opened here, always accounted for.
                        taken.insert(e.path().to_path_buf());
                        match walked_special(e.into_path()) {
                            Input::Skipped(..) if !opts.explain_skips => {}
                            other => out.push(other),
                        }
                        continue;
                    }
                    if ft.is_some_and(|t| t.is_file()) {
                        if has_report_extension(e.path()) {
                            taken.insert(e.path().to_path_buf());
                            out.push(Input::File(e.into_path()));
                        } else if opts.explain_skips {
                            taken.insert(e.path().to_path_buf());
                            out.push(Input::Skipped(e.into_path(), SkipReason::NotReport));
                        }
                    }
                }
                Err(err) => out.push(Input::Error(p.display().to_string(), err.to_string())),
            }
        }
        if opts.explain_skips {
            out.extend(skipped_by_rules(p, opts, &taken));
        }
    }
    let key = |i: &Input| match i {
        Input::Error(p, _) => (0, PathBuf::from(p)),
        Input::Skipped(p, _) => (1, p.clone()),
        Input::File(p) => (2, p.clone()),
        Input::Stdin(n, _) => (3, PathBuf::from(n)),
    };
    out.sort_by_key(key);
    out.dedup_by(|a, b| matches!((a, b), (Input::File(x), Input::File(y)) if x == y));
    let mut out = dedup_same_files(out, opts.explain_skips);
    out.extend(stdin);
    out
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
        // ELOOP on Linux (40) and the BSDs (62).
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

/// A symbolic link or special file met in a walk: a link to a report file is taken (checked
/// once with its target, see [`dedup_same_files`]); anything else is skipped with its reason.
fn walked_special(path: PathBuf) -> Input {
    let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
    match std::fs::metadata(&path) {
        Ok(m) if is_link && m.is_file() => {
            if has_report_extension(&path) {
                Input::File(path)
            } else {
                Input::Skipped(path, SkipReason::NotReport)
            }
        }
        Ok(m) if m.is_dir() => Input::Skipped(
            path,
            SkipReason::NotRegular(
                "a symbolic link to a directory; links to directories are not followed".into(),
            ),
        ),
        Ok(m) => {
            let kind = special_kind(&m.file_type());
            let why = if is_link {
                format!("a symbolic link to {kind}")
            } else {
                format!("{kind}, not a regular file")
            };
            Input::Skipped(path, SkipReason::NotRegular(why))
        }
        Err(e) => {
            let why = unreachable_reason(&path, &e);
            Input::Skipped(path, SkipReason::NotRegular(why))
        }
    }
}

/// Keep one spelling of each file (the first in sorted order); the others become skipped
/// entries naming it (listed with `-v`).
fn dedup_same_files(inputs: Vec<Input>, explain: bool) -> Vec<Input> {
    let mut seen: std::collections::HashMap<PathBuf, PathBuf> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(inputs.len());
    for i in inputs {
        match i {
            Input::File(p) => {
                let Ok(canon) = std::fs::canonicalize(&p) else {
                    out.push(Input::File(p));
                    continue;
                };
                match seen.get(&canon) {
                    Some(first) => {
                        if explain {
                            let first = first.display().to_string();
                            out.push(Input::Skipped(p, SkipReason::SameFile(first)));
                        }
                    }
                    None => {
                        seen.insert(canon, p.clone());
                        out.push(Input::File(p));
                    }
                }
            }
            other => out.push(other),
        }
    }
    out
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

/// Files and folders under `root` that the walk did not visit (hidden or ignored), with the
/// reason; a folder skipped as a whole is named once (`build/`), not file by file. Only for
/// `-v`: it lists the folders the walk entered again (never `.git`).
fn skipped_by_rules(root: &Path, opts: &WalkOptions, visited: &HashSet<PathBuf>) -> Vec<Input> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            let Ok(ft) = e.file_type() else { continue };
            if e.file_name() == ".git" || visited.contains(&path) {
                if ft.is_dir() && e.file_name() != ".git" {
                    stack.push(path);
                }
                continue;
            }
            if !ft.is_dir() && !ft.is_file() {
                continue;
            }
            let reason = if e.file_name().to_string_lossy().starts_with('.') {
                SkipReason::Hidden
            } else {
                ignored_by(&path, ft.is_dir(), opts)
            };
            let shown = if ft.is_dir() {
                PathBuf::from(format!("{}/", path.display()))
            } else {
                path
            };
            out.push(Input::Skipped(shown, reason));
        }
    }
    out
}

/// The ignore file (nearest first) and pattern that exclude `path`.
fn ignored_by(path: &Path, is_dir: bool, opts: &WalkOptions) -> SkipReason {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut names: Vec<&str> = Vec::new();
    if !opts.no_ignore {
        names.push(".ignore");
        if !opts.no_ignore_vcs {
            names.extend([".gitignore", ".git/info/exclude"]);
        }
    }
    for dir in abs.ancestors().skip(1) {
        for name in &names {
            let file = dir.join(name);
            if !file.is_file() {
                continue;
            }
            let mut b = ignore::gitignore::GitignoreBuilder::new(dir);
            b.add(&file);
            let Ok(gi) = b.build() else { continue };
            if let ignore::Match::Ignore(glob) = gi.matched_path_or_any_parents(&abs, is_dir) {
                let cwd = std::env::current_dir().unwrap_or_default();
                let shown = file
                    .strip_prefix(&cwd)
                    .unwrap_or(&file)
                    .display()
                    .to_string();
                return SkipReason::Ignored(shown, glob.original().into());
            }
        }
    }
    SkipReason::IgnoredElsewhere
}

/// Separate the skipped files from the inputs to check.
pub fn split_skipped(inputs: Vec<Input>) -> (Vec<Input>, Vec<(PathBuf, SkipReason)>) {
    let mut keep = Vec::with_capacity(inputs.len());
    let mut skipped = Vec::new();
    for i in inputs {
        match i {
            Input::Skipped(p, r) => skipped.push((p, r)),
            other => keep.push(other),
        }
    }
    (keep, skipped)
}
