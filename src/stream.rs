//! Streaming `check` for large runs: files are checked in parallel in fixed-size batches, and each
//! batch is rendered in input order while the next is checked, so output is deterministic
//! (identical for any `-j`) and memory is bounded by two batches, not by the number of files.
//!
//! The JSON written here is byte-identical to [`crate::report::json::render`] (a test holds the
//! two together); findings are spooled to a temporary file because the schema prints them after
//! every file entry.

use crate::across::Store;
use crate::check::RuleFilter;
use crate::finding::{Finding, Lang};
use crate::pipeline::{check_input, FileReport};
use crate::report::{json, RenderOptions, Summary};
use crate::rules::Registry;
use crate::rules::Severity;
use crate::walk::Input;
use rayon::prelude::*;
use serde_json::{json as j, Value};
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, Write};

/// Files checked per batch (per thread); bounds the reports held at once.
pub const BATCH_PER_THREAD: usize = 64;

/// Where the rules across reports of a streamed run hand their findings: the number (input
/// order) and path of the report each belongs to, and the finding.
pub type AcrossSink<'a> = dyn FnMut(usize, &str, Finding) -> io::Result<()> + 'a;

/// Outcome of a streamed run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Streamed {
    /// Counts.
    pub summary: Summary,
    /// Highest finding severity seen.
    pub worst: Option<Severity>,
}

/// Check `files` and call `sink` with each report, in input order. Files are checked in batches
/// on the pool while the batch before is handed to `sink` ([`crate::overlap`]).
pub fn for_each_report(
    files: &[Input],
    registry: &Registry,
    filter: &dyn RuleFilter,
    keep_view: bool,
    sink: impl FnMut(FileReport) -> io::Result<()>,
) -> io::Result<()> {
    let batch = BATCH_PER_THREAD * rayon::current_num_threads().max(1);
    crate::overlap::overlapped(
        files.chunks(batch),
        |chunk: &[Input]| {
            chunk
                .par_iter()
                .map(|input| check_input(input, registry, filter, keep_view))
                .collect()
        },
        sink,
    )
}

/// Write `v` pretty-printed as an element of a top-level array (indented by four spaces).
fn write_element(out: &mut dyn Write, first: bool, v: &Value) -> io::Result<()> {
    out.write_all(if first { b"\n" } else { b",\n" })?;
    write_indented(out, v)
}

/// Write `v` pretty-printed, every line indented by four spaces (no separator before it).
fn write_indented(out: &mut dyn Write, v: &Value) -> io::Result<()> {
    let text = serde_json::to_string_pretty(v)?;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
        }
        out.write_all(b"    ")?;
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// Findings across reports as they come (series by series), rendered to a temporary file at
/// once; in memory stay only their sort keys and places in the file, so a run whose series
/// fail often holds a few dozen bytes per finding, not the findings.
struct AcrossSpool {
    file: BufWriter<File>,
    written: u64,
    /// (report number, start of the finding, rule id, offset, length), in arrival order.
    index: Vec<(usize, usize, Box<str>, u64, u64)>,
}

impl AcrossSpool {
    fn new() -> io::Result<Self> {
        Ok(AcrossSpool {
            file: BufWriter::new(spool_file()?),
            written: 0,
            index: Vec::new(),
        })
    }

    fn push(&mut self, report: usize, path: &str, f: &Finding, lang: Lang) -> io::Result<()> {
        let mut text = Vec::new();
        write_indented(&mut text, &json::finding_json(path, f, lang))?;
        self.file.write_all(&text)?;
        self.index.push((
            report,
            f.span.start,
            f.rule.as_str().into(),
            self.written,
            text.len() as u64,
        ));
        self.written += text.len() as u64;
        Ok(())
    }

    /// Copy the findings to `out` by report, then position, then rule (arrival order among
    /// equals, as a stable sort of them all would give); `first` as in [`write_element`].
    fn drain(mut self, out: &mut dyn Write, mut first: bool) -> io::Result<bool> {
        self.index
            .sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
        let mut file = self.file.into_inner().map_err(|e| e.into_error())?;
        let mut text = Vec::new();
        for (_, _, _, offset, len) in &self.index {
            file.seek(io::SeekFrom::Start(*offset))?;
            text.resize(*len as usize, 0);
            file.read_exact(&mut text)?;
            out.write_all(if first { b"\n" } else { b",\n" })?;
            out.write_all(&text)?;
            first = false;
        }
        Ok(first)
    }
}

fn count(s: &mut Streamed, r: &FileReport) {
    s.summary.add(r);
    s.worst = s.worst.max(r.findings.iter().map(|f| f.severity).max());
}

/// Check `files` and write the run as JSON (schema of [`json`]) to `out`, streaming.
/// `on_report` sees every report (for messages on stderr) before it is rendered. When every file
/// was read, `across` gets what each report kept (spilled to disk: [`Store`]) and returns the
/// findings across reports, each with the path of the report it belongs to; they are printed
/// after the files' own findings. `across` hands each of them, with the number (input order)
/// and path of its report, to the sink it is given, in any order: they are printed sorted by
/// report, then position, then rule (ties in the order given).
pub fn run_json(
    files: &[Input],
    registry: &Registry,
    filter: &dyn RuleFilter,
    opts: &RenderOptions,
    out: &mut dyn Write,
    mut on_report: impl FnMut(&mut FileReport),
    across: impl FnOnce(Store, &mut AcrossSink) -> io::Result<()>,
) -> io::Result<Streamed> {
    let mut kept = Store::new()?;
    let mut spool = BufWriter::new(spool_file()?);
    let mut state = Streamed::default();
    let mut any_finding = false;
    out.write_all(b"{\n  \"files\": [")?;
    for_each_report(files, registry, filter, false, |mut r| {
        on_report(&mut r);
        // Rendered before its kept figures go to the store: the entry names the issuer and year.
        write_element(
            out,
            state.summary.files == 0,
            &json::file_json(&r, opts.lang),
        )?;
        if let Some(s) = r.series.take() {
            kept.push(&r.path, &s)?;
        }
        for f in &r.findings {
            write_element(
                &mut spool,
                !any_finding,
                &json::finding_json(&r.path, f, opts.lang),
            )?;
            any_finding = true;
        }
        count(&mut state, &r);
        Ok(())
    })?;
    out.write_all(if state.summary.files == 0 {
        b"]"
    } else {
        b"\n  ]"
    })?;
    let mut later = AcrossSpool::new()?;
    across(kept, &mut |report, path, f| {
        state.summary.add_finding(&f);
        state.worst = state.worst.max(Some(f.severity));
        later.push(report, path, &f, opts.lang)
    })?;
    any_finding = !later.drain(&mut spool, !any_finding)?;
    out.write_all(b",\n  \"findings\": [")?;
    let mut spool = spool.into_inner().map_err(|e| e.into_error())?;
    spool.rewind()?;
    io::copy(&mut (&mut spool).take(u64::MAX), out)?;
    out.write_all(if any_finding { b"\n  ]" } else { b"]" })?;
    let s = state.summary;
    let tail = j!({
        "summary": {
            "files": s.files, "errors": s.errors, "warnings": s.warnings,
            "infos": s.infos, "unreadable": s.unreadable,
            "checked": s.checked, "partial": s.partial, "no_table": s.no_table,
        },
        "tool": {"name": "gouji", "version": env!("CARGO_PKG_VERSION")},
        "version": json::SCHEMA_VERSION,
    });
    // Print the remaining keys (already in the sorted order serde_json uses) inside the object.
    let text = serde_json::to_string_pretty(&tail)?;
    let inner = text
        .strip_prefix("{\n")
        .and_then(|t| t.strip_suffix("\n}"))
        .unwrap_or_default();
    out.write_all(b",\n")?;
    out.write_all(inner.as_bytes())?;
    out.write_all(b"\n}\n")?;
    Ok(state)
}

/// An anonymous temporary file (removed as soon as it is opened).
pub(crate) fn spool_file() -> io::Result<File> {
    let dir = std::env::temp_dir();
    for attempt in 0..100u32 {
        let path = dir.join(format!(
            "gouji-findings-{}-{attempt}.json",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => {
                let _ = std::fs::remove_file(&path);
                return Ok(f);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("cannot create a temporary file"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::AllRules;
    use crate::walk::inputs;
    use std::path::PathBuf;

    fn opts() -> RenderOptions {
        RenderOptions::new(Lang::En)
    }

    fn both(files: &[Input]) -> (Vec<u8>, Vec<u8>) {
        let reg = Registry::builtin().expect("builtin packs");
        let mut streamed = Vec::new();
        run_json(
            files,
            &reg,
            &AllRules,
            &opts(),
            &mut streamed,
            |_| {},
            |_, _| Ok(()),
        )
        .expect("stream");
        let mut reports = Vec::new();
        for_each_report(files, &reg, &AllRules, false, |r| {
            reports.push(r);
            Ok(())
        })
        .expect("check");
        let mut whole = Vec::new();
        json::render(&reports, &opts(), &mut whole).expect("render");
        (streamed, whole)
    }

    #[test]
    fn streamed_json_is_byte_identical_to_the_renderer() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = crate::gen::Config {
            out: dir.path().to_path_buf(),
            count: 40,
            seed: 3,
            outputs: vec![crate::gen::Output::Text, crate::gen::Output::Html],
            formats: vec![],
            inconsistency: 0.5,
            degrade: Vec::new(),
        };
        crate::gen::generate(&cfg).expect("generate");
        let mut files = inputs(&[dir.path().to_path_buf()], &Default::default(), None);
        files.push(Input::Error("missing.txt".into(), "not found".into()));
        let (s, w) = both(&files);
        assert!(String::from_utf8_lossy(&s).contains("\"rule\""));
        assert_eq!(String::from_utf8_lossy(&s), String::from_utf8_lossy(&w));
    }

    #[test]
    fn empty_and_clean_runs_match_too() {
        let (s, w) = both(&[]);
        assert_eq!(s, w);
        let seed = PathBuf::from("fixtures/formats/seed_002.txt");
        let (s, w) = both(&[Input::File(seed)]);
        assert_eq!(s, w);
    }

    #[test]
    fn findings_across_reports_come_out_sorted_whatever_their_order() {
        let seed = PathBuf::from("fixtures/formats/seed_002.txt");
        let reg = Registry::builtin().expect("builtin packs");
        let mut report = None;
        for_each_report(&[Input::File(seed)], &reg, &AllRules, false, |r| {
            report = Some(r);
            Ok(())
        })
        .expect("check");
        let mut some = report.expect("one report").findings;
        assert!(!some.is_empty(), "the seed has findings to reuse");
        for (k, f) in some.iter_mut().enumerate() {
            f.span = (10 - k % 3)..(11 - k % 3);
            f.rule = format!("R{}", k % 2);
        }
        // (report, finding) pairs: sorted by report, then position, then rule.
        let given: Vec<(usize, Finding)> = (0..6)
            .flat_map(|i| some.iter().map(move |f| (5 - i, f.clone())))
            .collect();
        let mut sorted = given.clone();
        sorted.sort_by(|a, b| {
            (a.0, a.1.span.start, &a.1.rule).cmp(&(b.0, b.1.span.start, &b.1.rule))
        });
        let run = |pairs: &[(usize, Finding)]| {
            let mut out = Vec::new();
            run_json(
                &[],
                &reg,
                &AllRules,
                &opts(),
                &mut out,
                |_| {},
                |_, sink| {
                    for (i, f) in pairs {
                        sink(*i, &format!("r{i}.txt"), f.clone())?;
                    }
                    Ok(())
                },
            )
            .expect("stream");
            String::from_utf8(out).expect("utf-8")
        };
        let (a, b) = (run(&given), run(&sorted));
        assert_eq!(a, b);
        let first = a.find("r0.txt").expect("report 0 printed");
        assert!(first < a.find("r5.txt").expect("report 5 printed"));
        assert_eq!(a.matches("\"rule\"").count(), given.len());
    }
}
