//! Baselines: accept known findings without silencing new ones.
//!
//! A finding's fingerprint ([`crate::finding::fingerprint`]) is FNV-1a 64 over a canonical string of: the file's path (relative to
//! the baseline file's folder when it lies below it), the rule id, the table and scope, and the
//! operands' fact keys and values, sorted. Line numbers are *not* part of it, so editing other
//! parts of a report keeps its fingerprints; changing a figure the finding is about changes it.
//! FNV is implemented here because std's `DefaultHasher` is not stable across Rust releases.
//!
//! File format (JSON, version 1):
//!
//! ```json
//! {"version": 1, "tool": "gouji",
//!  "entries": [{"fingerprint": "9f3a…", "path": "reports/a.txt", "rule": "F2019-T3-BAL",
//!               "scope": "自然人", "line": 37, "message": "…"}]}
//! ```
//!
//! `path`, `rule`, `scope`, `line` and `message` are for people (and for matching entries to
//! checked files); only `fingerprint` decides whether a finding is accepted.

use crate::finding::fingerprint::{fingerprint, path_key};
use crate::pipeline::FileReport;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

pub use crate::finding::fingerprint::fnv1a64;

/// Baseline file format version.
pub const VERSION: u32 = 1;

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Fingerprint (16 hex digits).
    pub fingerprint: String,
    /// File (see [`path_key`]).
    pub path: String,
    /// Rule id.
    pub rule: String,
    /// Scope of the finding, if any.
    #[serde(default)]
    pub scope: Option<String>,
    /// Line when recorded (informational).
    #[serde(default)]
    pub line: usize,
    /// Message when recorded (informational).
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    #[serde(default)]
    tool: String,
    entries: Vec<Entry>,
}

/// A baseline that could not be read or written.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum BaselineError {
    /// I/O failure.
    #[error("cannot {action} baseline {path}: {source}")]
    Io {
        /// `read` or `write`.
        action: &'static str,
        /// Path.
        path: String,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// Not a gouji baseline.
    #[error("baseline {path} is not a gouji baseline: {source}")]
    Format {
        /// Path.
        path: String,
        /// Cause.
        #[source]
        source: serde_json::Error,
    },
    /// Written by a newer gouji.
    #[error("baseline {path} has version {found}; this gouji reads version {VERSION}")]
    Version {
        /// Path.
        path: String,
        /// Version found.
        found: u32,
    },
}

/// A loaded baseline.
#[derive(Debug, Clone)]
pub struct Baseline {
    /// The file it came from.
    pub path: PathBuf,
    /// Recorded entries.
    pub entries: Vec<Entry>,
}

/// What applying a baseline did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BaselineOutcome {
    /// The baseline file.
    pub file: String,
    /// Findings dropped because the baseline accepts them.
    pub suppressed: usize,
    /// Entries for checked files that no longer occur (can be pruned).
    pub stale: Vec<Entry>,
    /// Accepted findings found under another path: (recorded path, path now, entries). A
    /// report renamed or moved keeps its accepted findings when its findings are the same.
    pub moved: Vec<(String, String, usize)>,
}

impl BaselineOutcome {
    /// The outcome of two baselines applied to different files of one run.
    pub fn merge(mut self, other: BaselineOutcome) -> BaselineOutcome {
        if self.file != other.file {
            self.file = format!("{}, {}", self.file, other.file);
        }
        self.suppressed += other.suppressed;
        self.stale.extend(other.stale);
        self.moved.extend(other.moved);
        self
    }
}

fn root_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The entries recording every finding of `reports`, for a baseline file at `path`.
pub fn entries(path: &Path, reports: &[FileReport]) -> Vec<Entry> {
    let root = root_of(path);
    let mut out = Vec::new();
    for r in reports {
        let key = path_key(&root, &r.path);
        for f in &r.findings {
            out.push(Entry {
                fingerprint: fingerprint(&key, f),
                path: key.clone(),
                rule: f.rule.clone(),
                scope: f.scope.clone(),
                line: f.position.line,
                message: f.message_en.clone(),
            });
        }
    }
    out
}

/// Write a baseline of every finding of `reports` to `path`; returns the number of entries.
pub fn write(path: &Path, reports: &[FileReport]) -> Result<usize, BaselineError> {
    let file = BaselineFile {
        version: VERSION,
        tool: "gouji".into(),
        entries: entries(path, reports),
    };
    let n = file.entries.len();
    let mut text = serde_json::to_string_pretty(&file).map_err(|source| BaselineError::Format {
        path: path.display().to_string(),
        source,
    })?;
    text.push('\n');
    std::fs::write(path, text).map_err(|source| BaselineError::Io {
        action: "write",
        path: path.display().to_string(),
        source,
    })?;
    Ok(n)
}

impl Baseline {
    /// Read a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let name = path.display().to_string();
        let text = crate::source::read_regular_to_string(path, crate::source::MAX_INPUT_BYTES)
            .map_err(|source| BaselineError::Io {
                action: "read",
                path: name.clone(),
                source,
            })?;
        Self::parse(path, &text)
    }

    /// Parse a baseline from its text; `path` names it and anchors its relative paths.
    pub fn parse(path: &Path, text: &str) -> Result<Baseline, BaselineError> {
        let name = path.display().to_string();
        let file: BaselineFile =
            serde_json::from_str(text).map_err(|source| BaselineError::Format {
                path: name.clone(),
                source,
            })?;
        if file.version != VERSION {
            return Err(BaselineError::Version {
                path: name,
                found: file.version,
            });
        }
        Ok(Baseline {
            path: path.to_path_buf(),
            entries: file.entries,
        })
    }

    /// Drop the accepted findings from `reports`; report entries of checked files that matched
    /// nothing. Each entry accepts one finding (duplicates are counted).
    pub fn apply(&self, reports: &mut [FileReport]) -> BaselineOutcome {
        let root = root_of(&self.path);
        let mut left: HashMap<&str, usize> = HashMap::new();
        for e in &self.entries {
            *left.entry(e.fingerprint.as_str()).or_default() += 1;
        }
        let mut checked = HashSet::new();
        let mut suppressed = 0;
        for r in reports.iter_mut() {
            let key = path_key(&root, &r.path);
            r.findings.retain(|f| {
                let fp = fingerprint(&key, f);
                match left.get_mut(fp.as_str()) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        suppressed += 1;
                        false
                    }
                    _ => true,
                }
            });
            checked.insert(key);
        }
        // A report under a path the baseline does not know, whose findings the baseline
        // accepts under a path that was not checked: renamed or moved. Its findings stay
        // accepted, and the move is reported.
        let recorded: HashSet<&str> = self.entries.iter().map(|e| e.path.as_str()).collect();
        let mut missing: Vec<&str> = recorded
            .iter()
            .copied()
            .filter(|p| !checked.contains(*p))
            .collect();
        missing.sort_unstable();
        let mut moved = Vec::new();
        for r in reports.iter_mut() {
            let key = path_key(&root, &r.path);
            if recorded.contains(key.as_str()) || r.findings.is_empty() {
                continue;
            }
            let best = missing
                .iter()
                .map(|old| {
                    let n = r
                        .findings
                        .iter()
                        .filter(|f| {
                            left.get(fingerprint(old, f).as_str())
                                .is_some_and(|n| *n > 0)
                        })
                        .count();
                    (n, *old)
                })
                .filter(|(n, _)| *n > 0)
                .max_by_key(|(n, old)| (*n, std::cmp::Reverse(*old)));
            let Some((_, old)) = best else { continue };
            let mut n_moved = 0;
            r.findings.retain(|f| {
                let fp = fingerprint(old, f);
                match left.get_mut(fp.as_str()) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        n_moved += 1;
                        false
                    }
                    _ => true,
                }
            });
            suppressed += n_moved;
            moved.push((old.to_string(), key, n_moved));
        }
        let mut stale = Vec::new();
        for e in &self.entries {
            if !checked.contains(&e.path) {
                continue;
            }
            if let Some(n) = left.get_mut(e.fingerprint.as_str()) {
                if *n > 0 {
                    *n -= 1;
                    stale.push(e.clone());
                }
            }
        }
        BaselineOutcome {
            file: self.path.display().to_string(),
            suppressed,
            stale,
            moved,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, Operand, Relation, Side, Term};
    use crate::rules::expr::CmpOp;
    use crate::rules::Severity;
    use crate::source::LineCol;
    use rust_decimal::Decimal;

    fn finding(line: usize, values: &[i64]) -> Finding {
        let term = |v: i64| Term {
            arithmetic: v.to_string(),
            value: Decimal::from(v),
            single: None,
        };
        Finding {
            rule: "F2019-T3-BAL".into(),
            rule_name: "applications-do-not-balance".into(),
            severity: Severity::Error,
            message_zh: "z".into(),
            message_en: "e".into(),
            table: "表".into(),
            scope: Some("自然人".into()),
            span: 0..1,
            position: LineCol { line, column: 1 },
            locator: None,
            cell: None,
            relation: Relation {
                left: term(1),
                op: CmpOp::Eq,
                right: term(2),
            },
            operands: values
                .iter()
                .enumerate()
                .map(|(i, v)| Operand {
                    key: format!("k{i}"),
                    label: "l".into(),
                    value: Decimal::from(*v),
                    blank: false,
                    text: v.to_string(),
                    span: 0..1,
                    position: LineCol { line, column: 1 },
                    locator: None,
                    cell: None,
                    side: Side::Left,
                    file: None,
                })
                .collect(),
            suggestion: None,
        }
    }

    #[test]
    fn fnv_matches_reference_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn fingerprint_ignores_lines_but_not_values() {
        let a = fingerprint("a.txt", &finding(10, &[1, 2]));
        assert_eq!(a, fingerprint("a.txt", &finding(99, &[1, 2])));
        assert_ne!(a, fingerprint("a.txt", &finding(10, &[1, 3])));
        assert_ne!(a, fingerprint("b.txt", &finding(10, &[1, 2])));
        assert_eq!(a.len(), 16);
    }

    #[test]
    fn path_keys_are_relative_to_the_baseline_folder() {
        let root = std::env::current_dir().unwrap();
        assert_eq!(path_key(&root, "./x/a.txt"), "x/a.txt");
        assert_eq!(path_key(Path::new("."), "x/a.txt"), "x/a.txt");
    }
}
