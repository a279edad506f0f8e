//! Hostile and huge inputs: each runs through the `gouji` binary in a child process under
//! `ulimit -v` and a timeout. Every case must end with exit code ≤ 2 and a one-line error naming
//! the file (or a correct result), with the other file of the run still checked. Inputs are the
//! small files of `fixtures/hostile/` and generated ones (smaller than the measured cases of
//! issue 16, since this runs the debug binary, but past every budget).

#![cfg(unix)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::fixture;

/// Virtual memory limit of the child (KiB). Threads and allocator arenas reserve address space
/// well beyond what is resident, so this is above the 512 MB resident goal; the cases measured
/// before the fixes needed 3 to 13 GB, or 512 GiB in one allocation.
const VMEM_KIB: u64 = 2 * 1024 * 1024;
/// Wall-clock limit of one run.
const TIMEOUT: Duration = Duration::from_secs(120);

/// What a run produced.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// Run `gouji args…` in `dir` under the memory limit and the timeout.
fn gouji_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let bin = env!("CARGO_BIN_EXE_gouji");
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c")
        .arg(format!("ulimit -v {VMEM_KIB} && exec \"$0\" \"$@\""))
        .arg(bin)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GOUJI_FORMAT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn gouji");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let o = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let e = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gouji {args:?} did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = start.elapsed();
    let stdout = String::from_utf8_lossy(&o.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&e.join().unwrap_or_default()).into_owned();
    let code = status.code().unwrap_or_else(|| {
        panic!("gouji {args:?} was killed by a signal ({status:?}); stderr:\n{stderr}")
    });
    Run {
        code,
        stdout,
        stderr,
        elapsed,
    }
}

/// A scratch directory holding a small good report `r.txt`.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("r.txt"),
        "共收到申请426件，其中当面申请355件、传真和信函申请45件、网上申请20件。\n",
    )
    .expect("write r.txt");
    dir
}

/// `gouji check --format plain <input> r.txt`: exit 2, one error line naming the input, r.txt
/// still checked.
fn refused_and_others_checked(dir: &Path, input: &str, extra: &[&str]) -> Run {
    let mut args = vec!["check", "--format", "plain"];
    args.extend_from_slice(extra);
    args.extend([input, "r.txt"]);
    let run = gouji_in(dir, &args, &[]);
    assert_eq!(run.code, 2, "{input}: exit code; stderr:\n{}", run.stderr);
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains(input))
        .unwrap_or_else(|| panic!("{input}: no error line names it:\n{}", run.stderr));
    assert!(line.starts_with("gouji: "), "{line}");
    assert!(
        run.stdout.contains("r.txt"),
        "{input}: the other file was not checked:\n{}",
        run.stdout
    );
    run
}

fn copy_fixture(dir: &Path, name: &str) -> String {
    std::fs::copy(fixture(&format!("hostile/{name}")), dir.join(name)).expect("copy fixture");
    name.to_string()
}

#[test]
fn sparse_and_overflowing_xlsx_are_refused_before_allocation() {
    let dir = scratch();
    for (name, why) in [
        ("xlsx-sparse-A1-XFD1048576-alloc-abort.xlsx", "1048576 rows"),
        (
            "xlsx-sparse-A1-CV1048576-3GB-rss.xlsx",
            "1048576 rows × 100 columns",
        ),
        (
            "xlsx-calamine-cellref-col-mul-overflow.xlsx",
            "ZZZZZZZZZZZZZZ1",
        ),
        (
            "xlsx-calamine-cellref-row-mul-overflow.xlsx",
            "A99999999999",
        ),
    ] {
        let input = copy_fixture(dir.path(), name);
        let run = refused_and_others_checked(dir.path(), &input, &[]);
        assert!(run.stderr.contains(why), "{name}: {}", run.stderr);
        assert!(run.stderr.contains("sheet Sheet1"), "{}", run.stderr);
    }
}

#[test]
fn hostile_xls_and_ods_are_refused_before_calamine_allocates() {
    let dir = scratch();
    let mut cases: Vec<(String, Vec<u8>, String)> = gouji::fuzz::hostile_workbooks()
        .into_iter()
        .map(|(n, b, w)| (n.to_string(), b, w.to_string()))
        .collect();
    // Damaged workbooks that calamine itself refuses are named by their own format.
    let good = gouji::fuzz::xls_with_sheet(&gouji::fuzz::biff(0x000A, &[]));
    cases.push((
        "truncated.xls".into(),
        good[..1200].to_vec(),
        "XLS file is damaged or unsupported: not a readable workbook".into(),
    ));
    cases.push((
        "bad-number.ods".into(),
        gouji::fuzz::ods_with_content(
            br#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet><table:table table:name="T"><table:table-row><table:table-cell office:value-type="float" office:value="x1"/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#,
        ),
        "ODS file is damaged or unsupported: not a readable workbook".into(),
    ));
    for (name, bytes, why) in &cases {
        std::fs::write(dir.path().join(name), bytes).expect("write");
        let run = refused_and_others_checked(dir.path(), name, &["--lang", "en"]);
        let line = run
            .stderr
            .lines()
            .find(|l| l.contains(name.as_str()))
            .unwrap_or_default();
        assert!(line.contains(why.as_str()), "{name}: {line}");
        assert!(!line.contains("XLSX"), "{name}: {line}");
        assert!(
            run.elapsed < Duration::from_secs(30),
            "{name}: {:?}",
            run.elapsed
        );
    }
}

#[test]
fn long_operator_chain_in_a_pack_is_an_error_not_a_stack_overflow() {
    let dir = scratch();
    let pack = copy_fixture(dir.path(), "pack-expr-chain-stack-overflow.toml");
    let run = gouji_in(
        dir.path(),
        &["check", "--format", "plain", "--pack", &pack, "r.txt"],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        flat(&run.stderr).contains("expression is too long"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(&pack), "{}", run.stderr);
    // The same pack through gouji.toml.
    std::fs::write(
        dir.path().join("gouji.toml"),
        format!("packs = [\"{pack}\"]\n"),
    )
    .expect("write config");
    let run = gouji_in(
        dir.path(),
        &[
            "check",
            "--format",
            "plain",
            "--config",
            "gouji.toml",
            "r.txt",
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        flat(&run.stderr).contains("expression is too long"),
        "{}",
        run.stderr
    );
}

/// miette's wrapped text as one line (wrap points and box drawing removed).
fn flat(s: &str) -> String {
    s.replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn html_past_its_budgets_is_refused_with_bounded_memory() {
    let dir = scratch();
    // One row of 256 rowspan="0" cells, then short rows: the grid would be 256 × rows.
    let mut rowspan = String::from("<table><tr>");
    rowspan.push_str(&"<td rowspan=\"0\">2".repeat(256));
    rowspan.push_str(&"<tr><td>2".repeat(5_000));
    std::fs::write(dir.path().join("rowspan.html"), rowspan).expect("write");
    let run = refused_and_others_checked(dir.path(), "rowspan.html", &[]);
    assert!(run.stderr.contains("rowspan"), "{}", run.stderr);
    // Ten million cells' worth of tags: refused at the token budget.
    let cells = format!("<table>{}</table>", "<tr><td>2<td>3".repeat(400_000));
    std::fs::write(dir.path().join("cells.html"), cells).expect("write");
    refused_and_others_checked(dir.path(), "cells.html", &[]);
}

#[test]
fn deeply_nested_tables_and_long_lines_are_read_in_linear_time() {
    let dir = scratch();
    std::fs::write(
        dir.path().join("nested.html"),
        "<table><tr><td>x".repeat(5_000),
    )
    .expect("write");
    std::fs::write(
        dir.path().join("line.txt"),
        "本年新收政府信息公开申请数量12件，".repeat(10_000),
    )
    .expect("write");
    for input in ["nested.html", "line.txt"] {
        let run = gouji_in(
            dir.path(),
            &["check", "--format", "plain", input, "r.txt"],
            &[],
        );
        assert!(run.code <= 1, "{input}: {}", run.stderr);
        assert!(run.stdout.contains("r.txt"), "{}", run.stdout);
        assert!(
            run.elapsed < Duration::from_secs(60),
            "{input}: {:?}",
            run.elapsed
        );
    }
}

#[test]
fn text_past_its_budgets_is_refused() {
    let dir = scratch();
    std::fs::write(
        dir.path().join("pipes.txt"),
        "| 2 | 3 |\n".repeat(1_100_000),
    )
    .expect("write");
    let run = refused_and_others_checked(dir.path(), "pipes.txt", &[]);
    // In the user's language (Chinese unless LANG says English).
    assert!(
        run.stderr.contains("too large to read") || run.stderr.contains("文件过大，无法读取"),
        "{}",
        run.stderr
    );
}

#[test]
fn one_long_line_gives_short_snippets() {
    let dir = scratch();
    let line = "共收到申请426件，其中当面申请355件、传真和信函申请45件、网上申请20件。".repeat(200);
    std::fs::write(dir.path().join("long.txt"), &line).expect("write");
    let run = gouji_in(dir.path(), &["check", "--format", "human", "long.txt"], &[]);
    assert!(run.code <= 1, "{}", run.stderr);
    let findings = run.stdout.matches("PROSE-SUM").count();
    assert!(findings >= 100, "{findings}");
    // Each snippet quotes a window of the line, not the line (20 KB) itself.
    assert!(
        run.stdout.len() < findings * 4_000,
        "{} bytes for {findings} findings",
        run.stdout.len()
    );
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

#[test]
fn special_files_are_named_and_never_block() {
    let dir = scratch();
    mkfifo(&dir.path().join("fifo.txt"));
    mkfifo(&dir.path().join("fifo.toml"));
    let run = refused_and_others_checked(dir.path(), "fifo.txt", &[]);
    assert!(run.stderr.contains("FIFO"), "{}", run.stderr);
    let run = refused_and_others_checked(dir.path(), "/dev/zero", &[]);
    assert!(run.stderr.contains("character device"), "{}", run.stderr);
    for flag in ["--pack", "--config", "--baseline"] {
        let run = gouji_in(
            dir.path(),
            &["check", "--format", "plain", flag, "fifo.toml", "r.txt"],
            &[],
        );
        assert_eq!(run.code, 2, "{flag}: {}", run.stderr);
        assert!(
            run.stderr.contains("fifo.toml") && run.stderr.contains("FIFO"),
            "{flag}: {}",
            run.stderr
        );
    }
}

/// The promise: every path given or met in a walk is checked, or named in an error, or named
/// in a `-v` skip line.
#[test]
fn every_input_path_is_checked_or_named() {
    let dir = scratch();
    let d = dir.path();
    let tree = d.join("tree");
    std::fs::create_dir_all(tree.join("sub")).expect("mkdir");
    let report = "共收到申请426件，其中当面申请355件、传真和信函申请45件、网上申请20件。\n";
    std::fs::write(tree.join("a.txt"), report).expect("write");
    std::fs::write(tree.join("sub/b.html"), format!("<p>{report}")).expect("write");
    std::fs::write(tree.join("notes.dat"), "not a report").expect("write");
    std::fs::write(tree.join("empty.txt"), "").expect("write");
    mkfifo(&tree.join("fifo.txt"));
    let link = |target: &str, name: &str| {
        std::os::unix::fs::symlink(target, tree.join(name)).expect("symlink");
    };
    link("a.txt", "link.txt");
    link("nowhere.txt", "dangling.txt");
    link("loop.txt", "loop.txt");
    link("..", "sub/up");
    link("/dev/null", "null.txt");
    let evil = "evil\n\u{1b}[31mRED\u{1b}[0m.txt";
    std::fs::write(tree.join(evil), report).expect("write");
    // Named on the command line as well: a second spelling, a missing file, a device.
    let run = gouji_in(
        d,
        &[
            "check",
            "-v",
            "--format",
            "json",
            "tree",
            "./tree/a.txt",
            "missing.txt",
            "/dev/zero",
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let reports = json["files"]
        .as_array()
        .or_else(|| json.as_array())
        .cloned()
        .unwrap_or_default();
    let checked: Vec<String> = reports
        .iter()
        .filter_map(|r| r["path"].as_str().map(str::to_string))
        .collect();
    let named = |p: &str| {
        let shown = gouji::report::escape_name(p).into_owned();
        checked.iter().any(|c| c == p) || run.stderr.lines().any(|l| l.contains(shown.as_str()))
    };
    let mut all: Vec<PathBuf> = Vec::new();
    collect(&tree, &mut all);
    let mut expected: Vec<String> = all
        .iter()
        .map(|p| p.strip_prefix(d).unwrap_or(p).display().to_string())
        .collect();
    expected.extend(["./tree/a.txt", "missing.txt", "/dev/zero"].map(String::from));
    for p in &expected {
        assert!(
            named(p),
            "{p:?} is neither checked nor named:\nchecked {checked:?}\nstderr:\n{}",
            run.stderr
        );
    }
    // a.txt is checked once, under one spelling.
    let a = checked.iter().filter(|c| c.ends_with("/a.txt")).count();
    assert_eq!(a, 1, "{checked:?}");
    // No raw control character reaches the terminal.
    assert!(!run.stderr.contains('\u{1b}'), "{}", run.stderr);
}

/// Every entry under `dir` (not following links), directories excluded.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let ft = e.file_type().expect("file type");
        if ft.is_dir() {
            collect(&e.path(), out);
        } else {
            out.push(e.path());
        }
    }
}

#[test]
fn control_characters_in_names_are_escaped_in_text_formats() {
    let dir = scratch();
    let evil = "evil\n\u{1b}[31mRED\u{1b}[0m.txt";
    std::fs::copy(dir.path().join("r.txt"), dir.path().join(evil)).expect("copy");
    for format in ["plain", "human", "github"] {
        let run = gouji_in(dir.path(), &["check", "--format", format, evil], &[]);
        assert!(run.code <= 1, "{format}: {}", run.stderr);
        assert!(!run.stdout.contains('\u{1b}'), "{format}: {}", run.stdout);
        assert!(
            !run.stdout
                .lines()
                .any(|l| l.starts_with("\u{1b}[31mRED") || l.starts_with("[31mRED")),
            "{format}: a forged line:\n{}",
            run.stdout
        );
    }
}

#[test]
fn write_baseline_never_overwrites_an_input() {
    let dir = scratch();
    let before = std::fs::read(dir.path().join("r.txt")).expect("read");
    let run = gouji_in(
        dir.path(),
        &["check", "--write-baseline", "./r.txt", "r.txt"],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("refusing"), "{}", run.stderr);
    assert_eq!(
        std::fs::read(dir.path().join("r.txt")).expect("read"),
        before
    );
}

#[test]
fn pdftotext_grandchild_cannot_hold_the_run() {
    let dir = scratch();
    let script = dir.path().join("pdftotext.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nsleep 300 &\ncat >/dev/null\necho '2024年政府信息公开工作年度报告'\n",
    )
    .expect("write");
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    std::fs::write(dir.path().join("a.pdf"), b"%PDF-1.4\n%%EOF\n").expect("write");
    let run = gouji_in(
        dir.path(),
        &["check", "--format", "plain", "a.pdf", "r.txt"],
        &[("GOUJI_PDFTOTEXT", script.to_str().expect("utf-8 path"))],
    );
    assert!(run.code <= 2, "{}", run.stderr);
    assert!(run.elapsed < Duration::from_secs(30), "{:?}", run.elapsed);
    assert!(run.stdout.contains("r.txt"), "{}", run.stdout);
}

#[test]
fn a_pdf_page_tree_loop_is_called_damaged_not_a_scan() {
    let dir = scratch();
    // Catalog → Pages whose only kid is itself.
    let objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{o}\nendobj\n", i + 1));
    }
    let xref = pdf.len();
    pdf.push_str("xref\n0 3\n0000000000 65535 f \n");
    for o in offsets {
        pdf.push_str(&format!("{o:010} 00000 n \n"));
    }
    pdf.push_str(&format!(
        "trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ));
    std::fs::write(dir.path().join("loop.pdf"), pdf).expect("write");
    let run = refused_and_others_checked(dir.path(), "loop.pdf", &[]);
    assert!(run.stderr.contains("damaged"), "{}", run.stderr);
    assert!(!run.stderr.contains("no text layer"), "{}", run.stderr);
}
