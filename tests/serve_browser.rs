//! `gouji serve` in a real browser: Debian's headless Chromium opens the page, a DOCX with one
//! broken cell is put into the file input, and the page draws the table with the suspect cell
//! marked apart from the other cells of the findings and its suggested value in the cell. No
//! console message, no uncaught exception, and no request to anything but the server.
//!
//! Chromium is driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: JSON
//! messages ended by NUL on file descriptors 3 and 4), so nothing but Chromium is needed. The
//! browser also gets a host resolver that resolves no name and a proxy that does not exist, so a
//! request leaving 127.0.0.1 would fail as well as be seen.
//!
//! Without Chromium the test is skipped with a message, unless `GOUJI_REQUIRE_BROWSER` is set
//! (CI sets it, and installs Chromium). `GOUJI_CHROMIUM` overrides the path `/usr/bin/chromium`.

use crate::serve::{broken_docx, Server};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

/// Longest wait for one answer of the browser.
const ANSWER_LIMIT: Duration = Duration::from_secs(60);
/// Longest wait for the page to show the result of an upload.
const RESULT_LIMIT: Duration = Duration::from_secs(60);

/// Chromium's path, or `None` (with a message) when it is not installed and not required.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("GOUJI_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.is_file() {
        return Some(path);
    }
    let required = std::env::var_os("GOUJI_REQUIRE_BROWSER").is_some_and(|v| !v.is_empty());
    assert!(
        !required,
        "Chromium not found at {} and GOUJI_REQUIRE_BROWSER is set: install Debian's chromium \
         (`apt-get install -y chromium`) or set GOUJI_CHROMIUM",
        path.display()
    );
    eprintln!(
        "SKIPPED: the serve browser test needs Chromium at {} (`apt-get install -y chromium`, or \
         set GOUJI_CHROMIUM)",
        path.display()
    );
    None
}

/// Two pipes (close-on-exec); (read end, write end).
fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0i32; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    let rc = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    assert_eq!(rc, 0, "pipe2 failed");
    // SAFETY: both descriptors were just opened and are owned by nobody else.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

/// A headless Chromium and a DevTools session with one page.
struct Browser {
    child: Child,
    to: std::fs::File,
    from: Receiver<Value>,
    next: u64,
    session: String,
    /// Every event seen so far.
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn start(chromium: &Path) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let (cmd_r, cmd_w) = pipe();
        let (res_r, res_w) = pipe();
        let (cmd_fd, res_fd) = (cmd_r.as_raw_fd(), res_w.as_raw_fd());
        let mut cmd = Command::new(chromium);
        cmd.args(crate::support::CHROMIUM_HEADLESS);
        cmd.args([
            "--disable-extensions",
            "--remote-debugging-pipe",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            "--proxy-server=http://127.0.0.1:9",
            "--window-size=1280,2000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
        // SAFETY: only async-signal-safe calls (fcntl, dup2) between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                // Copies above 10 first, so the moves to 3 and 4 cannot clobber each other.
                let a = libc::fcntl(cmd_fd, libc::F_DUPFD, 10);
                let b = libc::fcntl(res_fd, libc::F_DUPFD, 10);
                if a < 0 || b < 0 || libc::dup2(a, 3) < 0 || libc::dup2(b, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("start chromium");
        drop((cmd_r, res_w));
        let (tx, rx) = channel();
        let mut reader = std::fs::File::from(res_r);
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 1 << 16];
            loop {
                let n = match reader.read(&mut chunk) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                buf.extend_from_slice(&chunk[..n]);
                while let Some(end) = buf.iter().position(|&b| b == 0) {
                    let msg: Vec<u8> = buf.drain(..=end).collect();
                    if let Ok(v) = serde_json::from_slice::<Value>(&msg[..msg.len() - 1]) {
                        if tx.send(v).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        let mut b = Browser {
            child,
            to: std::fs::File::from(cmd_w),
            from: rx,
            next: 0,
            session: String::new(),
            events: Vec::new(),
            _profile: profile,
        };
        let target = b.browser_call("Target.createTarget", json!({"url": "about:blank"}));
        let id = target["targetId"].as_str().expect("targetId").to_string();
        let attached = b.browser_call(
            "Target.attachToTarget",
            json!({"targetId": id, "flatten": true}),
        );
        b.session = attached["sessionId"]
            .as_str()
            .expect("sessionId")
            .to_string();
        for domain in ["Runtime", "Log", "Network", "Page"] {
            b.call(&format!("{domain}.enable"), json!({}));
        }
        b
    }

    fn send(&mut self, method: &str, params: Value, session: Option<String>) -> Value {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        self.to.write_all(&bytes).expect("write to chromium");
        let deadline = Instant::now() + ANSWER_LIMIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let v = self
                .from
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no answer from chromium to {method}"));
            if v["id"] == json!(id) {
                assert!(v["error"].is_null(), "{method} failed: {v}");
                return v["result"].clone();
            }
            if v.get("method").is_some() {
                self.events.push(v);
            }
        }
    }

    fn browser_call(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params, None)
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        let s = self.session.clone();
        self.send(method, params, Some(s))
    }

    /// Evaluate `expr` in the page; its value (JSON-able).
    fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
        );
        assert!(
            r["exceptionDetails"].is_null(),
            "the probe threw: {}",
            r["exceptionDetails"]
        );
        r["result"]["value"].clone()
    }

    /// Evaluate `expr` until it gives something other than null, or panic after `limit`.
    fn wait_for(&mut self, expr: &str, limit: Duration, what: &str) -> Value {
        let start = Instant::now();
        loop {
            let v = self.eval(expr);
            if !v.is_null() {
                return v;
            }
            assert!(start.elapsed() < limit, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Open the page at `url`, wait for it to load, and put `files` into its file input (as a
    /// user choosing them in the picker).
    fn upload(&mut self, url: &str, files: &[&Path]) {
        self.call("Page.navigate", json!({ "url": url }));
        self.wait_for(
            "document.readyState === 'complete' && document.getElementById('file') ? true : null",
            RESULT_LIMIT,
            "the page to load",
        );
        let doc = self.call("DOM.getDocument", json!({}));
        let input = self.call(
            "DOM.querySelector",
            json!({"nodeId": doc["root"]["nodeId"], "selector": "input[type=file]"}),
        );
        let files: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        self.call(
            "DOM.setFileInputFiles",
            json!({"nodeId": input["nodeId"], "files": files}),
        );
    }

    /// Console messages, uncaught exceptions and log entries at warning or error level.
    fn complaints(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| match e["method"].as_str().unwrap_or("") {
                "Runtime.consoleAPICalled" | "Runtime.exceptionThrown" => true,
                "Log.entryAdded" => matches!(
                    e["params"]["entry"]["level"].as_str(),
                    Some("error" | "warning")
                ),
                _ => false,
            })
            .map(|e| e.to_string())
            .collect()
    }

    /// The URLs of every request the page made.
    fn requests(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .filter_map(|e| e["params"]["request"]["url"].as_str())
            .map(str::to_string)
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Chromium's whole process group (it has the group id of its pid).
        // SAFETY: sending a signal to a process group we started.
        unsafe {
            libc::kill(-(self.child.id() as i32), libc::SIGKILL);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the page shows of the upload, read in the page.
const PROBE: &str = r#"(function () {
  var sec = document.querySelector("section.file");
  var suspects = sec.querySelectorAll("td.suspect");
  var s = suspects[0];
  var plain = Array.prototype.filter.call(sec.querySelectorAll("td.m"), function (c) {
    return !c.classList.contains("suspect");
  })[0];
  var unmarked = sec.querySelector("table.report td:not(.m)");
  var proposed = s ? s.querySelector(".proposed") : null;
  var box = s ? s.getBoundingClientRect() : null;
  var bg = function (x) { return x ? getComputedStyle(x).backgroundColor : ""; };
  return {
    state: sec.getAttribute("data-state"),
    title: sec.querySelector("h2").textContent,
    suspects: suspects.length,
    text: s ? s.firstChild.textContent : "",
    proposed: proposed ? proposed.textContent : "",
    proposedVisible: !!(proposed && proposed.getBoundingClientRect().height > 0
      && getComputedStyle(proposed).visibility === "visible"),
    suspectBg: bg(s), markedBg: bg(plain), plainBg: bg(unmarked),
    marked: sec.querySelectorAll("td.m").length,
    width: box ? box.width : 0,
    findings: sec.querySelectorAll("ol.findings li").length,
    coverage: sec.querySelectorAll("table.cov tr").length,
    merged: sec.querySelectorAll("table.report td[colspan], table.report td[rowspan]").length
  };
})()"#;

#[test]
fn upload_through_the_file_input_marks_the_suspect_cell() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (docx, name) = broken_docx(dir.path());
    let server = Server::start(dir.path(), &[]);
    let check: Value = {
        let bytes = std::fs::read(&docx).unwrap();
        let r = crate::serve::request(
            server.addr,
            "POST",
            &format!("/api/check?name={name}"),
            &bytes,
        );
        serde_json::from_slice(&r.body).unwrap()
    };
    let proposed = check["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|f| f["suggestion"]["proposed"].as_str())
        .expect("the API suggests a value")
        .to_string();
    let mut b = Browser::start(&chromium);
    b.upload(&server.url(), &[&docx]);
    let state = b.wait_for(
        "(function(){var s=document.querySelector('section.file');\
          var st=s&&s.getAttribute('data-state');return st==='checking'||!st?null:st;})()",
        RESULT_LIMIT,
        "the result of the upload",
    );
    let r = b.eval(PROBE);
    assert_eq!(state, "done", "{r}");
    assert_eq!(r["title"], json!(name), "{r}");
    assert_eq!(r["suspects"], 1, "exactly one suspect cell: {r}");
    assert_eq!(r["text"], "1290", "the suspect is the broken cell: {r}");
    assert!(
        r["proposed"].as_str().unwrap().contains(&proposed),
        "the suggested value {proposed} is shown in the cell: {r}"
    );
    assert_eq!(r["proposedVisible"], true, "{r}");
    assert!(
        r["marked"].as_u64().unwrap() >= 3,
        "the findings' cells: {r}"
    );
    assert_ne!(r["suspectBg"], r["markedBg"], "suspect drawn apart: {r}");
    assert_ne!(r["markedBg"], r["plainBg"], "marked cells drawn apart: {r}");
    assert!(r["width"].as_f64().unwrap() > 0.0, "{r}");
    assert!(r["findings"].as_u64().unwrap() >= 2, "{r}");
    assert!(r["coverage"].as_u64().unwrap() >= 2, "coverage table: {r}");
    assert!(r["merged"].as_u64().unwrap() > 0, "merged headers: {r}");
    // For a look by hand: `GOUJI_SERVE_SCREENSHOT=/tmp/serve.png cargo test … upload_through`.
    if let Some(path) = std::env::var_os("GOUJI_SERVE_SCREENSHOT") {
        b.eval("document.querySelector('td.suspect').scrollIntoView({block:'center'})");
        let shot = b.call("Page.captureScreenshot", json!({"format": "png"}));
        let png = base64_decode(shot["data"].as_str().unwrap_or_default());
        std::fs::write(path, png).unwrap();
    }
    let complaints = b.complaints();
    assert!(
        complaints.is_empty(),
        "console messages:\n{}",
        complaints.join("\n")
    );
    let origin = server.url();
    let requests = b.requests();
    assert!(
        requests
            .iter()
            .any(|u| u.starts_with(&format!("{origin}api/check?"))),
        "the page used the API: {requests:?}"
    );
    let away: Vec<&String> = requests
        .iter()
        .filter(|u| !u.starts_with(&origin) && !u.starts_with("data:"))
        .collect();
    assert!(away.is_empty(), "requests leaving the server: {away:?}");
}

#[test]
fn a_bad_upload_shows_a_message_and_the_page_goes_on() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.docx");
    std::fs::write(&bad, b"PK\x03\x04 not a document").unwrap();
    let (good, _) = broken_docx(dir.path());
    let server = Server::start(dir.path(), &[]);
    let mut b = Browser::start(&chromium);
    b.upload(&server.url(), &[&bad, &good]);
    let states = b.wait_for(
        "(function(){var s=document.querySelectorAll('section.file');\
          var st=Array.prototype.map.call(s,function(x){return x.getAttribute('data-state')});\
          return st.length===2&&st.indexOf('checking')<0?st:null;})()",
        RESULT_LIMIT,
        "both uploads",
    );
    // Newest first: the good file, then the bad one, which shows why it could not be read.
    assert_eq!(states, json!(["done", "done"]));
    let alert =
        b.eval("document.querySelectorAll('section.file')[1].querySelector('.alert').textContent");
    let alert = alert.as_str().unwrap_or_default();
    assert!(alert.contains("无法读取"), "{alert}");
    assert_eq!(b.eval("document.querySelectorAll('td.suspect').length"), 1);
    let complaints = b.complaints();
    assert!(complaints.is_empty(), "{}", complaints.join("\n"));
}

/// Standard base64 (the screenshot's encoding).
fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0);
    for v in s.bytes().filter_map(value) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}
