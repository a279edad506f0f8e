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
//!   "summary": {"files": 5, "errors": 0, "warnings": 2, "infos": 0, "unreadable": 0,
//!               "checked": 3, "partial": 1, "no_table": 1},
//!   "files": [
//!     {"path": "a.txt", "input_format": "text", "encoding": "UTF-8",
//!      "formats": ["F2019"], "facts": 262, "issuer": "淮阴区人民政府办公室", "year": 2020,
//!      "rules": {"evaluated": 40, "failed": 0, "not_applicable": 0, "not_checkable": 0},
//!      "status": "partial",
//!      "coverage": {
//!        "tables": [{"pack": "F2019", "table": "t3", "name": "表三", "title": "…", "number": 2,
//!                    "cells": 175, "numbers": 175, "recovered": 0,
//!                    "rules": {"evaluated": 214, "failed": 0, "not_applicable": 0,
//!                              "not_checkable": 0}}],
//!        "cells": 175, "numbers": 175, "recovered": 0,
//!        "relations": {"evaluated": 214, "failed": 0, "not_applicable": 0, "not_checkable": 0},
//!        "reasons": [{"kind": "missing", "tables": ["F2019 表二", "F2019 表四"]}],
//!        "year": 2020,
//!        "text": "partly checked: F2019 表二, F2019 表四 not found (…)"},
//!      "error": null}
//!   ],
//!   "findings": [
//!     {"rule": "F2019-T3-BAL", "name": "applications-do-not-balance",
//!      "severity": "error", "path": "a.txt", "line": 37, "column": 37,
//!      "locator": null, "cell": "表三「本年新收政府信息公开申请数量」行「自然人」列",
//!      "place": null, "message": "…", "message_en": "…", "message_zh": "…",
//!      "table": "收到和处理政府信息公开申请情况", "scope": "自然人",
//!      "arithmetic": "…", "relation": {"left": {...}, "op": "==", "right": {...}},
//!      "operands": [{"key": "apply.new[natural_person]", "label": "…", "value": "17",
//!                    "blank": false, "text": "17", "side": "left",
//!                    "line": 37, "column": 37, "locator": null, "cell": "…", "file": null}],
//!      "suggestion": null}
//!   ]
//! }
//! ```
//!
//! `status` says how much of the file was checked: `checked` (tables read and their relations
//! evaluated), `partial` (a table was checked, but a statutory table of the detected form is
//! missing, or none of a found table's relations could be evaluated), `no-table` (no table
//! relation could be evaluated: no table, a table that could not be read, or a form not filled
//! in) or `unreadable` (see `error`). `coverage` is the account behind it: the tables read (pack,
//! table id, short name, title, 1-based number in the document, cells read, cells holding a
//! number, cells recovered rather than read as printed, and the counts of the table's rules),
//! the same counts over all tables (`rules` above also counts the prose rules), the reporting
//! year when known, and `reasons` (each with a `kind`: `no-table`, `attachment` (with `text`,
//! the line pointing to it), `not-placed` (with `tables` whose row labels were found; empty for
//! a bare run of numbers), `unknown-table`, `not-filled-in`, `missing` (with `tables`),
//! `not-checked` (with `tables`)). `text` is the one-line account printed by the plain output (in the `--lang` language), or
//! null for a fully checked file. The summary counts files by status (`unreadable` counts the
//! rest).
//!
//! `suggestion` (on error findings of a table, else null) says where the table's failed
//! identities point:
//!
//! ```json
//! {"scope": "cell", "key": "apply.new[natural_person]", "label": "…", "line": 37, "column": 37,
//!  "cell": "表三「…」行「自然人」列", "locator": null, "place": null,
//!  "current": "21", "proposed": "12", "kind": "transposed-digits", "read": null,
//!  "candidates": [{"key": "…", "label": "…", "line": 37, "column": 37, "cell": "…",
//!                  "locator": null, "place": null, "current": "21",
//!                  "proposed": "12", "kind": "transposed-digits", "read": null}],
//!  "more": 0, "text": "…"}
//! ```
//!
//! `scope` is `cell` (exactly one cell, changed alone, makes every failed identity of the table
//! hold without breaking one that holds: its `key`, `label`, `line`, `column`, `current` and
//! `proposed` are given at the top level and it is the one candidate), `set` (several cells
//! could each do it — a tie set: the top-level cell fields are null and `candidates` lists them,
//! ranked with typing-slip-looking ones first, at most 5; `more` counts those left off) or
//! `several` (no single cell can: at least two cells are wrong; no candidates). `kind` is the
//! slip the printed and the implied value show, or null: `transposed-digits`, `one-digit`,
//! `dropped-digit`, `extra-digit`, `sign`, `neighbour` (the printed value is that of the
//! neighbouring cell in its row or column) or `copied-row` (it is that of another row of its
//! column). A candidate's `read` names its reading when the cell was recovered rather than read
//! as printed (`placed`, `zero-somewhere`, `undetermined`, `glued`); the suggestion's `read`
//! names a recovered reading among the cells of the failed identities — the suggestion depends
//! on it. A cell the page left blank and a crawl dropped is never a candidate.
//!
//! `basis` says what narrowed the cells the identities allow to the `candidates`: `identities`
//! (nothing else: the candidates are every cell that could explain the failures), `text` (the
//! report's own text gives the implied figure of the one candidate, or repeats the printed
//! figure of cells set aside), `bounds` (a failed error-severity inequality of the table is
//! repaired only by changing the candidates), `heuristics` (a failed warning-severity one, such
//! as replies above applications, is repaired only by them; or one that holds would fail if the
//! cells set aside were changed, which never alone leaves a single cell) or `slip-shape` (only
//! the candidate's printed value looks like a slip of its implied value: the pick rests on that
//! shape, not on proof). `others` lists the cells set aside, each with `aside` (`text`,
//! `bounds`, `heuristics` or `slip-shape`). A candidate's `text_says` (`{"value": "146",
//! "line": 76}` or null) is the figure the text states for that cell.
//!
//! When a baseline was applied (`--baseline`), a `"baseline"` object is added:
//! `{"file": "gouji-baseline.json", "suppressed": 3, "stale": [{"fingerprint", "path", "rule",
//! "scope", "line", "message"}], "moved": [{"from", "to", "entries"}]}`; `stale` lists entries
//! for checked files that no longer occur, `moved` the reports whose accepted findings were found
//! under a new path (renamed or moved; they stay accepted).
//!
//! `cell` names a table figure as the form does (`表三「予以公开」行「自然人」列`; null for a
//! prose figure); `locator` is the document's own address of the figure in a rendered document
//! (`第2张表 第6行 第4列` in DOCX, `Sheet1!D6` in XLSX, `第3页` in PDF; null in a text view);
//! `place` is the headline location in a rendered document: the cell followed by that address
//! (`表三「予以公开」行「自然人」列（第2张表 第6行 第4列）`), null in a text view (txt, md,
//! html), whose address is `line` and `column`. In a rendered document `line` and `column` are
//! those of gouji's text rendering of it.
//!
//! A finding of a rule across reports (`across` in a pack: the same body's report of another
//! year) belongs to the later report (`path`); its operands read from the other report carry
//! that report's path in `file` (null for a figure of `path` itself), and their `line` and
//! `column` are in that file. Such findings are listed after every file's own findings.
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
pub fn file_json(r: &FileReport, lang: Lang) -> Value {
    json!({
        "path": r.path,
        "input_format": r.input_format.map(|f| f.name()),
        "encoding": r.encoding,
        "formats": r.formats,
        "facts": r.facts,
        // The normalised issuer and year the rules across reports group the report by.
        "issuer": r.series.as_deref().and_then(|s| s.identity.issuer.as_deref()),
        "year": r.series.as_deref().and_then(|s| s.identity.year),
        "rules": r.stats,
        "status": r.coverage.status.name(),
        "coverage": coverage_json(r, lang),
        "error": r.error,
    })
}

/// The `coverage` object of a `files[]` entry.
fn coverage_json(r: &FileReport, lang: Lang) -> Value {
    let mut v = serde_json::to_value(&r.coverage).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.remove("status");
        m.insert("text".into(), json!(r.coverage.line(lang)));
    }
    v
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
        "cell": f.cell,
        "place": f.place(),
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
            "cell": o.cell,
            "file": o.file,
        })).collect::<Vec<_>>(),
        "suggestion": f.suggestion.as_ref().map(|s| suggestion_json(s, lang)),
    })
}

fn candidate_json(c: &crate::finding::Candidate) -> Value {
    json!({
        "key": c.key, "label": c.label, "line": c.position.line, "column": c.position.column,
        "cell": c.cell, "locator": c.locator,
        "place": crate::finding::place(&c.cell, &c.locator),
        "current": c.current.to_string(), "proposed": c.proposed.to_string(),
        "kind": c.kind.map(|k| k.name()), "read": c.read,
        "text_says": c.text_says.map(|t| json!({"value": t.value.to_string(), "line": t.position.line})),
        "aside": c.aside.map(|b| b.name()),
    })
}

fn suggestion_json(s: &crate::finding::Suggestion, lang: Lang) -> Value {
    let one = s.cell();
    json!({
        "scope": s.scope.name(),
        "key": one.map(|c| &c.key), "label": one.map(|c| &c.label),
        "line": one.map(|c| c.position.line), "column": one.map(|c| c.position.column),
        "cell": one.and_then(|c| c.cell.as_ref()), "locator": one.and_then(|c| c.locator.as_ref()),
        "place": one.and_then(|c| crate::finding::place(&c.cell, &c.locator)),
        "current": one.map(|c| c.current.to_string()),
        "proposed": one.map(|c| c.proposed.to_string()),
        "kind": one.and_then(|c| c.kind).map(|k| k.name()),
        "read": s.read,
        "candidates": s.candidates.iter().map(candidate_json).collect::<Vec<_>>(),
        "more": s.more,
        "basis": s.basis.name(),
        "others": s.others.iter().map(candidate_json).collect::<Vec<_>>(),
        "text": s.text(lang),
    })
}

/// Render the whole run as one JSON document.
pub fn render(reports: &[FileReport], opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let summary = super::Summary::of(reports);
    let files: Vec<Value> = reports.iter().map(|r| file_json(r, opts.lang)).collect();
    // Each file's own findings first, then those across reports (known only once every file
    // was read: the streamed output prints them last too).
    let findings: Vec<Value> = [false, true]
        .into_iter()
        .flat_map(|across| {
            reports.iter().flat_map(move |r| {
                r.findings
                    .iter()
                    .filter(move |f| f.is_across() == across)
                    .map(move |f| finding_json(&r.path, f, opts.lang))
            })
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
            "checked": summary.checked,
            "partial": summary.partial,
            "no_table": summary.no_table,
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
            "moved": b.moved.iter().map(|(from, to, n)| json!({
                "from": from, "to": to, "entries": n,
            })).collect::<Vec<_>>(),
        });
    }
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
