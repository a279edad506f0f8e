//! JSON output.
//!
//! # Schema (version 1)
//!
//! One JSON object on stdout:
//!
//! ```json
//! {
//!   "version": 1,
//!   "tool": {"name": "gouji", "version": "0.1.0"},
//!   "summary": {"files": 5, "errors": 0, "warnings": 2, "infos": 0, "unreadable": 0},
//!   "files": [
//!     {"path": "a.txt", "input_format": "text", "encoding": "UTF-8",
//!      "formats": ["F2019"], "facts": 262,
//!      "rules": {"evaluated": 40, "failed": 0, "not_applicable": 0, "not_checkable": 0},
//!      "error": null}
//!   ],
//!   "findings": [
//!     {"rule": "F2019-T3-BAL", "name": "applications-do-not-balance",
//!      "severity": "error", "path": "a.txt", "line": 37, "column": 37,
//!      "locator": null, "message": "…", "message_en": "…", "message_zh": "…",
//!      "table": "收到和处理政府信息公开申请情况", "scope": "自然人",
//!      "arithmetic": "…", "relation": {"left": {...}, "op": "==", "right": {...}},
//!      "operands": [{"key": "apply.new[natural_person]", "label": "…", "value": "17",
//!                    "blank": false, "text": "17", "side": "left",
//!                    "line": 37, "column": 37, "locator": null}],
//!      "suggestion": null}
//!   ]
//! }
//! ```
//!
//! When a baseline was applied (`--baseline`), a `"baseline"` object is added:
//! `{"file": "gouji-baseline.json", "suppressed": 3, "stale": [{"fingerprint", "path", "rule",
//! "scope", "line", "message"}]}`; `stale` lists entries for checked files that no longer occur.
//!
//! Lines and columns are 1-based; columns count Unicode characters (code points), not bytes.
//! Values are decimal strings (exact, never floats). `message` is in the language chosen with
//! `--lang`; `message_zh` and `message_en` are both always present. Fields may be added in later
//! versions of schema 1; none is removed or changes meaning without a new `version`.

use super::RenderOptions;
use crate::finding::{Finding, Lang, Term};
use crate::pipeline::FileReport;
use serde_json::{json, Value};
use std::io::{self, Write};

/// Current schema version.
pub const SCHEMA_VERSION: u32 = 1;

fn term(t: &Term) -> Value {
    json!({"arithmetic": t.arithmetic, "value": t.value.to_string(), "label": t.single})
}

/// One `files[]` entry.
pub fn file_json(r: &FileReport) -> Value {
    json!({
        "path": r.path,
        "input_format": r.input_format.map(|f| f.name()),
        "encoding": r.encoding,
        "formats": r.formats,
        "facts": r.facts,
        "rules": r.stats,
        "error": r.error,
    })
}

/// One finding as JSON.
pub fn finding_json(path: &str, f: &Finding, lang: Lang) -> Value {
    json!({
        "rule": f.rule,
        "name": f.rule_name,
        "severity": f.severity,
        "path": path,
        "line": f.position.line,
        "column": f.position.column,
        "locator": f.locator,
        "message": f.message(lang),
        "message_zh": f.message_zh,
        "message_en": f.message_en,
        "table": f.table,
        "scope": f.scope,
        "arithmetic": f.arithmetic(lang),
        "relation": {"left": term(&f.relation.left), "op": f.relation.op, "right": term(&f.relation.right)},
        "operands": f.operands.iter().map(|o| json!({
            "key": o.key,
            "label": o.label,
            "value": o.value.to_string(),
            "blank": o.blank,
            "text": o.text,
            "side": o.side,
            "line": o.position.line,
            "column": o.position.column,
            "locator": o.locator,
        })).collect::<Vec<_>>(),
        "suggestion": f.suggestion.as_ref().map(|s| json!({
            "key": s.key, "label": s.label, "line": s.position.line, "column": s.position.column,
            "current": s.current.to_string(), "proposed": s.proposed.to_string(),
            "text": s.text(lang),
        })),
    })
}

/// Render the whole run as one JSON document.
pub fn render(reports: &[FileReport], opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let summary = super::Summary::of(reports);
    let files: Vec<Value> = reports.iter().map(file_json).collect();
    let findings: Vec<Value> = reports
        .iter()
        .flat_map(|r| {
            r.findings
                .iter()
                .map(move |f| finding_json(&r.path, f, opts.lang))
        })
        .collect();
    let mut doc = json!({
        "version": SCHEMA_VERSION,
        "tool": {"name": "gouji", "version": env!("CARGO_PKG_VERSION")},
        "summary": {
            "files": summary.files,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "infos": summary.infos,
            "unreadable": summary.unreadable,
        },
        "files": files,
        "findings": findings,
    });
    if let Some(b) = &opts.baseline {
        doc["baseline"] = json!({
            "file": b.file,
            "suppressed": b.suppressed,
            "stale": b.stale.iter().map(|e| json!({
                "fingerprint": e.fingerprint, "path": e.path, "rule": e.rule,
                "scope": e.scope, "line": e.line, "message": e.message,
            })).collect::<Vec<_>>(),
        });
    }
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
