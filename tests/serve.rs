//! `gouji serve`: the API answers what `gouji check --format json` prints, byte for byte; the
//! limits hold and the server keeps serving after a refused or malformed request; the page's
//! markup and policy load nothing from elsewhere. The page in a browser: `serve_browser.rs`.

use crate::support::registry;
use crate::support::xformat::reports::{broken, f2021};
use crate::support::xformat::Format;
use assert_cmd::cargo::CommandCargoExt;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The input cap (`gouji::source::MAX_INPUT_BYTES`).
const CAP: u64 = gouji::source::MAX_INPUT_BYTES;

/// A running `gouji serve`, stopped on drop.
pub struct Server {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl Server {
    /// Start `gouji serve --port 0 EXTRA…` in `dir` and wait for the address it prints.
    pub fn start(dir: &Path, extra: &[&str]) -> Server {
        let mut child = Command::cargo_bin("gouji")
            .unwrap()
            .env("LANG", "C.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .current_dir(dir)
            .args(["serve", "--port", "0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start gouji serve");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout");
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let addr = line
            .trim()
            .strip_prefix("gouji serve: http://")
            .and_then(|s| s.strip_suffix('/'))
            .and_then(|s| s.parse().ok());
        let Some(addr) = addr else {
            let _ = child.kill();
            let _ = child.wait();
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            panic!("gouji serve printed no address: {line:?}; stderr:\n{err}");
        };
        Server { child, addr }
    }

    /// The page's URL.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Whether the process is still running.
    fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response: status, headers (lower-case names), body.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body[..self.body.len().min(300)])
            )
        })
    }
}

/// Send raw request bytes and read the whole response (the request asks to close).
fn raw(addr: SocketAddr, request: &[u8]) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    // The server may answer (and close) before the whole body is sent: that is fine.
    let _ = s.write_all(request);
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    parse(&buf)
}

fn parse(buf: &[u8]) -> Reply {
    let end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head: {:?}", String::from_utf8_lossy(buf)));
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: buf[end + 4..].to_vec(),
    }
}

/// `METHOD path` with `body` (Content-Length), `Connection: close`.
pub fn request(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> Reply {
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body);
    raw(addr, &req)
}

/// Percent-encode a file name for the query.
fn encode(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// What `gouji check --format json NAME` prints in `dir`.
fn check_json(dir: &Path, name: &str) -> Vec<u8> {
    let out = Command::cargo_bin("gouji")
        .unwrap()
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("GOUJI_FORMAT")
        .current_dir(dir)
        .args(["check", "--format", "json", name])
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0..=2)),
        "check crashed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A DOCX of the 2021 form (the official template filled in) with one broken cell: 予以公开 ·
/// 自然人 changed to 1290. Its name.
pub fn broken_docx(dir: &Path) -> (PathBuf, String) {
    let report = broken(&f2021(registry()), "（一）予以公开", 3, "1290");
    let name = report.file_name(Format::Docx);
    let path = dir.join(&name);
    std::fs::write(&path, report.write(Format::Docx)).unwrap();
    (path, name)
}

fn post_file(server: &Server, api: &str, dir: &Path, name: &str) -> Reply {
    let bytes = std::fs::read(dir.join(name)).unwrap();
    request(
        server.addr,
        "POST",
        &format!("/api/{api}?name={}", encode(name)),
        &bytes,
    )
}

#[test]
fn api_check_is_check_format_json_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    for i in 0..5 {
        let name = format!("seed_00{i}.txt");
        std::fs::copy(
            crate::support::fixture(&format!("formats/{name}")),
            dir.path().join(&name),
        )
        .unwrap();
        names.push(name);
    }
    std::fs::copy(
        crate::support::fixture("docx/template-2021-blank.docx"),
        dir.path().join("空白模板.docx"),
    )
    .unwrap();
    names.push("空白模板.docx".into());
    names.push(broken_docx(dir.path()).1);
    // Not a report at all: the JSON names the error, as check does.
    std::fs::write(dir.path().join("broken.docx"), b"PK\x03\x04garbage").unwrap();
    names.push("broken.docx".into());
    let server = Server::start(dir.path(), &[]);
    for name in &names {
        let reply = post_file(&server, "check", dir.path(), name);
        assert_eq!(reply.status, 200, "{name}");
        assert_eq!(
            reply.header("content-type"),
            Some("application/json; charset=utf-8")
        );
        let expected = check_json(dir.path(), name);
        assert!(
            reply.body == expected,
            "{name}: the API differs from check --format json:\n--- api\n{}\n--- check\n{}",
            String::from_utf8_lossy(&reply.body),
            String::from_utf8_lossy(&expected)
        );
    }
    // The broken DOCX has findings and a suggested cell: the comparison above is not of empties.
    let docx = post_file(&server, "check", dir.path(), names.last().unwrap()).json();
    assert!(docx["files"][0]["error"].is_string(), "{docx}");
    let name = &names[names.len() - 2];
    let docx = post_file(&server, "check", dir.path(), name).json();
    assert!(docx["summary"]["errors"].as_u64().unwrap() >= 2, "{docx}");
    assert!(docx["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["suggestion"]["scope"] == "cell"));
}

#[test]
fn api_follows_the_configuration_like_check() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("gouji.toml"),
        "lang = \"en\"\nignore = [\"F2021-T3-ROW\"]\n",
    )
    .unwrap();
    let (_, name) = broken_docx(dir.path());
    let server = Server::start(dir.path(), &[]);
    let reply = post_file(&server, "check", dir.path(), &name);
    assert_eq!(reply.status, 200);
    assert!(reply.body == check_json(dir.path(), &name));
    let json = reply.json();
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(!rules.is_empty(), "{json}");
    assert!(
        rules.iter().all(|r| !r.starts_with("F2021-T3-ROW")),
        "{rules:?}"
    );
    assert_eq!(
        json["findings"][0]["message"], json["findings"][0]["message_en"],
        "lang = en from gouji.toml"
    );
}

#[test]
fn layout_draws_the_broken_cell_as_suspect_with_its_value() {
    let dir = tempfile::tempdir().unwrap();
    let (_, name) = broken_docx(dir.path());
    let server = Server::start(dir.path(), &[]);
    let check = post_file(&server, "check", dir.path(), &name).json();
    let layout = post_file(&server, "layout", dir.path(), &name);
    assert_eq!(layout.status, 200);
    let layout = layout.json();
    let cells: Vec<&serde_json::Value> = layout["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["kind"] == "table")
        .flat_map(|b| b["rows"].as_array().unwrap())
        .flat_map(|r| r.as_array().unwrap())
        .collect();
    let suspects: Vec<_> = cells
        .iter()
        .filter(|c| c["mark"]["role"] == "suspect")
        .collect();
    assert_eq!(suspects.len(), 1, "one suspect cell: {suspects:?}");
    let s = suspects[0];
    assert_eq!(s["text"], "1290");
    let suggestion = check["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|f| (f["suggestion"]["scope"] == "cell").then(|| &f["suggestion"]))
        .expect("a cell suggestion");
    assert_eq!(s["mark"]["proposed"], suggestion["proposed"]);
    // Every finding index points into the check JSON's findings.
    let n = check["findings"].as_array().unwrap().len() as u64;
    for c in cells.iter().filter(|c| !c["mark"].is_null()) {
        for i in c["mark"]["findings"].as_array().unwrap() {
            assert!(i.as_u64().unwrap() < n);
        }
    }
    assert!(
        cells
            .iter()
            .filter(|c| c["mark"]["role"].is_null() && !c["mark"].is_null())
            .count()
            >= 2
    );
    // Merged headers are drawn once with their span.
    assert!(cells.iter().any(|c| c["colspan"].as_u64().unwrap() > 1));
    assert!(cells.iter().any(|c| c["rowspan"].as_u64().unwrap() > 1));
    // The prose's figures are marked (the template has none: a text report).
    let seed = std::fs::read(crate::support::fixture("formats/seed_002.txt")).unwrap();
    let layout = request(server.addr, "POST", "/api/layout?name=seed_002.txt", &seed).json();
    let figures = layout["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["kind"] == "paragraph")
        .flat_map(|b| b["parts"].as_array().unwrap())
        .filter(|p| p["figure"] == true)
        .count();
    assert!(figures > 0, "no prose figure marked");
}

#[test]
fn refuses_a_body_over_the_cap_and_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    // Declared too large: refused before the body is read.
    let head = format!(
        "POST /api/check?name=big.txt HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n\r\n",
        server.addr,
        CAP + 1
    );
    let reply = raw(server.addr, head.as_bytes());
    assert_eq!(reply.status, 413);
    let msg = reply.json()["error"].as_str().unwrap().to_string();
    assert!(msg.contains("64 MiB"), "{msg}");
    // Sent chunked, without a length: refused once the cap is passed.
    let mut req = format!(
        "POST /api/check?name=big.txt HTTP/1.1\r\nHost: {}\r\nTransfer-Encoding: chunked\r\n\r\n",
        server.addr
    )
    .into_bytes();
    let chunk = vec![b'1'; 1 << 20];
    for _ in 0..=(CAP >> 20) {
        req.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        req.extend_from_slice(&chunk);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"0\r\n\r\n");
    assert_eq!(raw(server.addr, &req).status, 413);
    // Still serving.
    let seed = std::fs::read(crate::support::fixture("formats/seed_002.txt")).unwrap();
    let ok = request(server.addr, "POST", "/api/check?name=seed_002.txt", &seed);
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json()["summary"]["files"], 1);
}

#[test]
fn malformed_requests_get_errors_and_the_server_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), &[]);
    let addr = server.addr;
    // Not HTTP at all: the connection is answered or closed, nothing more.
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let _ = s.write_all(b"\x00\x01GARBAGE \xff\r\n\r\n");
    let _ = s.read_to_end(&mut Vec::new());
    // A request cut short.
    let mut s = TcpStream::connect(addr).unwrap();
    let _ = s.write_all(
        b"POST /api/check?name=a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc",
    );
    drop(s);
    let cases: [(&str, &str, &[u8], u16); 7] = [
        ("POST", "/api/check", b"x", 400),
        ("POST", "/api/check?name=%E6%8A", b"x", 400),
        ("GET", "/api/check?name=a.txt", b"", 405),
        ("GET", "/nothing", b"", 404),
        ("POST", "/api/check?name=empty.txt", b"", 200),
        (
            "POST",
            "/api/layout?name=bin.txt",
            b"\x00\x01\x02\x03\xff\xfe",
            200,
        ),
        ("GET", "/", b"", 200),
    ];
    for (method, path, body, status) in cases {
        let r = request(addr, method, path, body);
        assert_eq!(r.status, status, "{method} {path}");
        if status != 200 {
            assert!(r.json()["error"].as_str().is_some_and(|e| !e.is_empty()));
        }
    }
    // An unreadable upload is a report with an error (check's own words), not a failed request.
    let r = request(addr, "POST", "/api/check?name=empty.txt", b"");
    assert_eq!(r.json()["files"][0]["error"], "file is empty");
    // A page elsewhere cannot reach the server through a name of its own (DNS rebinding), nor
    // upload from its origin.
    let r = raw(
        addr,
        b"GET / HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(r.status, 403);
    let r = raw(
        addr,
        format!("POST /api/check?name=a.txt HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://evil.example\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx").as_bytes(),
    );
    assert_eq!(r.status, 403);
    assert!(server.running(), "the server stopped");
    assert_eq!(request(addr, "GET", "/", b"").status, 200);
}

#[test]
fn page_is_self_contained_and_locked_to_this_server() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    let r = request(server.addr, "GET", "/", b"");
    assert_eq!(r.status, 200);
    let csp = r.header("content-security-policy").expect("a CSP");
    assert!(csp.contains("default-src 'none'") && csp.contains("connect-src 'self'"));
    let page = String::from_utf8(r.body).unwrap();
    assert!(page.contains("<html lang=\"zh\""), "Chinese by default");
    assert!(!page.contains("http://") && !page.contains("https://") && !page.contains("//cdn"));
    assert!(page.contains("type=\"file\""));
    let en = Server::start(dir.path(), &["--lang", "en"]);
    let page = String::from_utf8(request(en.addr, "GET", "/", b"").body).unwrap();
    assert!(page.contains("<html lang=\"en\""));
}

#[test]
fn listens_on_loopback_and_warns_for_another_address() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    assert!(server.addr.ip().is_loopback(), "{}", server.addr);
    let out = Command::cargo_bin("gouji")
        .unwrap()
        .current_dir(dir.path())
        .args(["serve", "--port", "0", "--bind", "0.0.0.0", "--lang", "en"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = ChildGuard(out);
    let mut err = String::new();
    BufReader::new(child.0.stderr.take().unwrap())
        .read_line(&mut err)
        .unwrap();
    assert!(err.contains("warning") && err.contains("0.0.0.0"), "{err}");
}

/// A child process killed on drop.
struct ChildGuard(Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn busy_workers_answer_503_then_serve_again() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    let seed = std::fs::read(crate::support::fixture("formats/seed_002.txt")).unwrap();
    // Uploads that never finish each hold a worker (taken before the body is read).
    let mut held = Vec::new();
    let mut refused = None;
    for _ in 0..8 {
        let mut s = TcpStream::connect(server.addr).unwrap();
        let head = format!(
            "POST /api/check?name=slow.txt HTTP/1.1\r\nHost: {}\r\nContent-Length: 1000\r\n\r\nabc",
            server.addr
        );
        s.write_all(head.as_bytes()).unwrap();
        held.push(s);
        // Give the server a moment to take the worker.
        std::thread::sleep(Duration::from_millis(200));
        let r = request(server.addr, "POST", "/api/check?name=seed_002.txt", &seed);
        if r.status == 503 {
            refused = Some(r);
            break;
        }
        assert_eq!(r.status, 200);
    }
    let r = refused.expect("no 503 with 8 uploads in progress");
    assert_eq!(r.header("retry-after"), Some("1"));
    assert!(r.json()["error"].is_string());
    // The unfinished uploads give their workers back when they go away.
    drop(held);
    let start = std::time::Instant::now();
    loop {
        let r = request(server.addr, "POST", "/api/check?name=seed_002.txt", &seed);
        if r.status == 200 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "still busy");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn layout_marks_the_suspect_cell_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    let report = broken(&f2021(registry()), "（一）予以公开", 3, "1290");
    for format in Format::ALL {
        let name = report.file_name(format);
        let reply = request(
            server.addr,
            "POST",
            &format!("/api/layout?name={}", encode(&name)),
            &report.write(format),
        );
        assert_eq!(reply.status, 200, "{name}");
        let layout = reply.json();
        assert!(layout["error"].is_null(), "{name}: {}", layout["error"]);
        let suspects: Vec<serde_json::Value> = layout["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["kind"] == "table")
            .flat_map(|b| b["rows"].as_array().unwrap().iter())
            .flat_map(|r| r.as_array().unwrap().iter())
            .filter(|c| c["mark"]["role"] == "suspect")
            .cloned()
            .collect();
        assert_eq!(suspects.len(), 1, "{name}: {suspects:?}");
        assert_eq!(suspects[0]["text"], "1290", "{name}");
        assert_eq!(suspects[0]["mark"]["proposed"], "1288", "{name}");
    }
}
