//! Shared helpers: the registry, fixture paths, checking text in memory, mutating a cell.

use gouji::check::{check_traced, AllRules, Evaluation};
use gouji::extract::extract;
use gouji::finding::Finding;
use gouji::rules::Registry;
use gouji::source::{read_bytes, Document, Span};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The built-in packs, compiled once.
pub fn registry() -> &'static Registry {
    static REG: OnceLock<Registry> = OnceLock::new();
    REG.get_or_init(|| Registry::builtin().expect("built-in packs compile"))
}

/// Path of a fixture.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// The text reports that carry tables, used by the table-rule tests.
pub const TABLE_REPORTS: &[&str] = &[
    "formats/seed_000.txt",
    "formats/seed_001.txt",
    "formats/seed_002.txt",
    "reports/f2021_huaian_2024.txt",
    "local/p2008_two_columns.txt",
    "local/p2008_one_column.txt",
    "local/fj2014_two_columns.txt",
    "local/fj_simple.txt",
];

/// A checked document with its evaluation trace.
pub struct Checked {
    pub doc: Document,
    pub findings: Vec<Finding>,
    pub trace: Vec<Evaluation>,
}

/// Read bytes as a file named `name` and check them with every rule.
pub fn check_bytes(name: &str, bytes: &[u8]) -> Checked {
    let doc = read_bytes(name, bytes, Path::new(name)).expect("readable");
    let facts = extract(&doc, registry());
    let result = check_traced(&doc, &facts, registry(), &AllRules);
    Checked {
        doc,
        findings: result.findings,
        trace: result.trace,
    }
}

/// Read and check a fixture.
pub fn check_fixture(rel: &str) -> Checked {
    let bytes = std::fs::read(fixture(rel)).expect("fixture exists");
    check_bytes(rel, &bytes)
}

/// Replace the text at `span` of `text`.
pub fn replace(text: &str, span: &Span, with: &str) -> String {
    format!("{}{}{}", &text[..span.start], with, &text[span.end..])
}
pub mod xformat;

/// The flags every headless Chromium of the browser tests starts with: no sandbox (root in CI),
/// no GPU, and none of Chromium's own background connections (this machine's network is closed).
pub const CHROMIUM_HEADLESS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];
