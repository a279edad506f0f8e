//! The HTML report in a real browser: Debian's headless Chromium opens the report of corpus
//! report 002 with one broken cell, takes a screenshot, shows no console messages, and renders the
//! broken cell as a visible, coloured, clickable highlight.
//!
//! Chromium must be installed (`apt-get install chromium`; CI does so). Without it these tests
//! FAIL, they never pass silently. `GOUJI_CHROMIUM` overrides the path `/usr/bin/chromium`.
//!
//! How console messages are seen: with `--enable-logging=stderr --v=0` Chromium writes every
//! console message of the page (console.log/warn/error, uncaught exceptions, failed loads) to
//! stderr as `[pid:tid:time:INFO:CONSOLE:LINE] "text", source: URL (LINE)`. All of them are logged
//! at INFO whatever their level, so the level cannot be told apart: the report logs nothing on
//! purpose, hence any `:CONSOLE` line counts as an error. `console_errors_are_detected` proves the
//! detection on a deliberately broken copy of the page.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// The fixture's line with the cell this test breaks, and the same line broken (自然人 2 → 3).
const GOOD_LINE: &str = "5.属于三类内部事务信息 | 2 | 0 | 0 | 0 | 0 | 0 | 2 | ||";
const BROKEN_LINE: &str = "5.属于三类内部事务信息 | 3 | 0 | 0 | 0 | 0 | 0 | 2 | ||";
/// The start of the broken line in the report's view, up to the broken cell.
const LINE_PREFIX: &str = "5.属于三类内部事务信息 | ";
/// Longest a single Chromium run may take before it is killed.
const CHROMIUM_LIMIT: Duration = Duration::from_secs(60);

/// Chromium's path; panics with a clear message when it is not installed.
fn chromium() -> PathBuf {
    let path = std::env::var_os("GOUJI_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        path.is_file(),
        "Chromium not found at {} — install Debian's chromium (`apt-get install -y chromium`) \
         or set GOUJI_CHROMIUM; the browser tests must not be skipped",
        path.display()
    );
    path
}

/// The HTML report of seed 002 with the 自然人 cell of `5.属于三类内部事务信息` changed from 2 to 3,
/// written by the built binary into `dir/report.html`.
fn broken_report(dir: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/formats/seed_002.txt");
    let text = std::fs::read_to_string(src).unwrap();
    assert_eq!(
        text.matches(GOOD_LINE).count(),
        1,
        "fixture changed: the line to break is gone"
    );
    let input = dir.join("seed_002_broken.txt");
    std::fs::write(&input, text.replace(GOOD_LINE, BROKEN_LINE)).unwrap();
    let out = dir.join("report.html");
    let run = Command::cargo_bin("gouji")
        .unwrap()
        .env_remove("GOUJI_FORMAT")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("LANG", "C")
        .current_dir(dir)
        .args(["check", "--no-config", "--format", "html"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(1),
        "the broken cell must be found; stderr: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let html = String::from_utf8(run.stdout).unwrap();
    std::fs::write(&out, &html).unwrap();
    assert!(html.contains("<mark class=\"sev-error\""), "no error mark");
    out
}

/// What one Chromium run left: its stdout and stderr.
struct Run {
    stdout: String,
    stderr: String,
}

impl Run {
    /// The console messages Chromium logged for the page.
    fn console_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.contains(":CONSOLE"))
            .collect()
    }
}

/// Run headless Chromium on `page` with `extra` flags, a fresh profile in `dir`, console logging
/// to stderr and a hard time limit (the whole process group is killed on overrun).
fn run_chromium(dir: &Path, page: &Path, extra: &[&str]) -> Run {
    use std::os::unix::process::CommandExt;
    let profile = tempfile::tempdir_in(dir).unwrap();
    let out_path = dir.join("chromium.stdout");
    let err_path = dir.join("chromium.stderr");
    let url = format!("file://{}", page.display());
    let mut cmd = std::process::Command::new(chromium());
    cmd.args(crate::support::CHROMIUM_HEADLESS);
    cmd.args([
        "--enable-logging=stderr",
        "--v=0",
        "--hide-scrollbars",
        "--window-size=1280,2000",
        "--virtual-time-budget=5000",
        "--timeout=10000",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(extra)
    .arg(&url)
    .stdin(Stdio::null())
    .stdout(std::fs::File::create(&out_path).unwrap())
    .stderr(std::fs::File::create(&err_path).unwrap())
    .process_group(0);
    let mut child = cmd.spawn().expect("start chromium");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > CHROMIUM_LIMIT {
            // Kill Chromium's own process group (it has the group id of its pid).
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium hung for {CHROMIUM_LIMIT:?} on {url}; stderr:\n{}",
                std::fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let run = Run {
        stdout: String::from_utf8_lossy(&std::fs::read(&out_path).unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&std::fs::read(&err_path).unwrap()).into_owned(),
    };
    assert!(
        status.success(),
        "chromium failed ({status}) on {url}; stderr:\n{}",
        run.stderr
    );
    run
}

/// A copy of `page` named `name` with `script` added just before `</body>`.
fn copy_with_script(page: &Path, name: &str, script: &str) -> PathBuf {
    let html = std::fs::read_to_string(page).unwrap();
    let at = html.rfind("</body>").expect("page has </body>");
    let copy = page.with_file_name(name);
    std::fs::write(
        &copy,
        format!("{}<script>{script}</script>\n{}", &html[..at], &html[at..]),
    )
    .unwrap();
    copy
}

/// Script run in a copy of the report: finds the first mark on the broken line, scrolls it into
/// view, reads its computed colours and whether it is the element drawn at its centre, clicks it,
/// and writes `key=value` pairs separated by `;` into `<html data-probe>`.
const PROBE: &str = r#"
(function () {
  var r = {};
  try {
    var pre = document.querySelector("pre.view");
    var target = null;
    Array.prototype.forEach.call(document.querySelectorAll("pre.view mark"), function (m) {
      if (target) { return; }
      var range = document.createRange();
      range.setStart(pre, 0);
      range.setEndBefore(m);
      var before = range.toString();
      if (before.slice(before.lastIndexOf("\n") + 1) === "__PREFIX__") { target = m; }
    });
    if (!target) { throw new Error("no mark on the broken line"); }
    target.scrollIntoView({ block: "center" });
    var box = target.getBoundingClientRect();
    var hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    var style = getComputedStyle(target);
    r.text = target.textContent;
    r.cls = target.className;
    r.bg = style.backgroundColor;
    r.prebg = getComputedStyle(pre).backgroundColor;
    r.display = style.display;
    r.visibility = style.visibility;
    r.w = Math.round(box.width);
    r.h = Math.round(box.height);
    r.hit = String(hit === target || (hit !== null && target.contains(hit)));
    target.click();
    var panel = document.getElementById("panel");
    r.panel = String(!panel.hidden);
    r.active = String(target.classList.contains("active"));
    r.detail = String(/F2019-T3-/.test(document.getElementById("panel-body").textContent));
  } catch (e) {
    r.error = String(e && e.message || e).replace(/[;=]/g, " ");
  }
  document.documentElement.setAttribute("data-probe",
    Object.keys(r).map(function (k) { return k + "=" + r[k]; }).join(";"));
})();
"#;

/// The probe's results from the dumped DOM.
fn probe_results(dom: &str) -> std::collections::HashMap<String, String> {
    let start = dom.find("data-probe=\"").unwrap_or_else(|| {
        panic!(
            "the probe wrote nothing; DOM starts:\n{}",
            &dom[..dom.len().min(500)]
        )
    }) + "data-probe=\"".len();
    let end = start + dom[start..].find('"').expect("closing quote");
    dom[start..end]
        .split(';')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Whether a CSS colour as computed by the browser is fully transparent.
fn transparent(css: &str) -> bool {
    css == "transparent" || css.replace(' ', "").ends_with(",0)")
}

#[test]
fn report_screenshot_has_no_console_messages() {
    let dir = tempfile::tempdir().unwrap();
    let page = broken_report(dir.path());
    let shot = dir.path().join("report.png");
    let run = run_chromium(
        dir.path(),
        &page,
        &[&format!("--screenshot={}", shot.display())],
    );
    let png = std::fs::read(&shot).unwrap_or_else(|e| {
        panic!(
            "no screenshot at {}: {e}; stderr:\n{}",
            shot.display(),
            run.stderr
        )
    });
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "screenshot is not a PNG"
    );
    assert!(
        png.len() > 20_000,
        "screenshot suspiciously small: {} bytes",
        png.len()
    );
    // The IHDR chunk: width and height as requested.
    let be = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
    assert_eq!(&png[12..16], b"IHDR");
    assert_eq!((be(16), be(20)), (1280, 2000), "screenshot size");
    let console = run.console_lines();
    assert!(
        console.is_empty(),
        "the report wrote to the console:\n{}",
        console.join("\n")
    );
}

#[test]
fn broken_cell_is_highlighted_and_clickable() {
    let dir = tempfile::tempdir().unwrap();
    let page = broken_report(dir.path());
    let probe = PROBE.replace("__PREFIX__", LINE_PREFIX);
    let copy = copy_with_script(&page, "probed.html", &probe);
    let run = run_chromium(dir.path(), &copy, &["--dump-dom"]);
    let console = run.console_lines();
    assert!(
        console.is_empty(),
        "console messages:\n{}",
        console.join("\n")
    );
    assert!(
        run.stdout.contains("<pre class=\"view\">"),
        "no report view in the DOM"
    );
    let r = probe_results(&run.stdout);
    let get = |k: &str| r.get(k).map(String::as_str).unwrap_or("");
    assert_eq!(get("error"), "", "probe failed: {r:?}");
    assert_eq!(
        get("text"),
        "3",
        "the mark on the broken line shows the broken value: {r:?}"
    );
    assert!(get("cls").split(' ').any(|c| c == "sev-error"), "{r:?}");
    assert!(
        !transparent(get("bg")),
        "mark has no background colour: {r:?}"
    );
    assert_ne!(
        get("bg"),
        get("prebg"),
        "mark's colour is the text's background: {r:?}"
    );
    assert_ne!(get("display"), "none", "{r:?}");
    assert_eq!(get("visibility"), "visible", "{r:?}");
    assert!(get("w").parse::<u32>().unwrap_or(0) > 0, "{r:?}");
    assert!(get("h").parse::<u32>().unwrap_or(0) > 0, "{r:?}");
    assert_eq!(
        get("hit"),
        "true",
        "mark is covered by something else: {r:?}"
    );
    assert_eq!(get("panel"), "true", "click opened no details panel: {r:?}");
    assert_eq!(get("active"), "true", "{r:?}");
    assert_eq!(
        get("detail"),
        "true",
        "panel lacks the finding's details: {r:?}"
    );
}

#[test]
fn console_errors_are_detected() {
    let dir = tempfile::tempdir().unwrap();
    let page = broken_report(dir.path());
    let bad = copy_with_script(
        &page,
        "bad.html",
        r#"console.error("gouji-probe-error");
           window.addEventListener("load", function () { throw new Error("gouji-probe-throw"); });"#,
    );
    let run = run_chromium(dir.path(), &bad, &["--dump-dom"]);
    let console = run.console_lines();
    assert!(
        console.iter().any(|l| l.contains("gouji-probe-error")),
        "console.error not seen; stderr:\n{}",
        run.stderr
    );
    assert!(
        console
            .iter()
            .any(|l| l.contains("Uncaught Error: gouji-probe-throw")),
        "uncaught exception not seen; stderr:\n{}",
        run.stderr
    );
}
