//! Running `pdftotext -layout` as a child process, with a timeout and bounded output.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::source::ReadError;

/// Tool name used in [`ReadError::Tool`].
pub const TOOL: &str = "pdftotext (poppler-utils)";

/// Environment variable that overrides the path of the `pdftotext` binary.
pub const ENV_BINARY: &str = "GOUJI_PDFTOTEXT";

/// How to install the tool, appended to "not found" errors.
const INSTALL_HINT: &str =
    "install poppler (Debian/Ubuntu: `apt-get install poppler-utils poppler-data`; \
macOS: `brew install poppler`; Windows: unpack a poppler build for Windows and add its bin folder to \
PATH) or point GOUJI_PDFTOTEXT at the pdftotext binary";

/// Limits for one run of the tool.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wall-clock time after which the child is killed.
    pub timeout: Duration,
    /// Largest text output accepted (bytes).
    pub max_output: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(60),
            max_output: 32 * 1024 * 1024,
        }
    }
}

/// The binary to run: `$GOUJI_PDFTOTEXT` when set and non-empty, else `pdftotext` on `PATH`.
pub fn binary(env_value: Option<OsString>) -> PathBuf {
    match env_value {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => PathBuf::from("pdftotext"),
    }
}

/// What the child process produced.
#[derive(Debug)]
pub struct Output {
    /// Exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Standard output (at most `max_output` bytes).
    pub stdout: Vec<u8>,
    /// Standard error, truncated to a few kilobytes.
    pub stderr: String,
}

/// Largest amount of standard error kept.
const MAX_STDERR: usize = 16 * 1024;

/// Run `binary -layout -enc UTF-8 - -` with `pdf` on standard input.
pub fn run(binary: &Path, pdf: &[u8], limits: Limits) -> Result<Output, ReadError> {
    let mut command = Command::new(binary);
    command
        .args(["-layout", "-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own process group, so a timeout (or its end) stops every process it started: a
    // wrapper script's background child would otherwise keep the pipes open and gouji waiting.
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let mut child = command.spawn().map_err(|e| ReadError::Tool {
        tool: TOOL,
        reason: if e.kind() == std::io::ErrorKind::NotFound {
            format!("`{}` was not found; {INSTALL_HINT}", binary.display())
        } else {
            format!("cannot run `{}`: {e}; {INSTALL_HINT}", binary.display())
        },
    })?;
    let (Some(mut stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(ReadError::Tool {
            tool: TOOL,
            reason: "cannot open pipes to the child process".into(),
        });
    };

    let pid = child.id();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            // A child that exits early closes its end: a broken pipe is not our error.
            let _ = stdin.write_all(pdf);
        });
        let out = scope.spawn(move || read_bounded(stdout, limits.max_output));
        let err = scope.spawn(move || {
            let (mut bytes, overflow) = read_bounded(stderr, MAX_STDERR);
            if overflow {
                // Keep whole lines only: a message cut mid-word misleads.
                let end = bytes.iter().rposition(|&b| b == b'\n').unwrap_or(0);
                bytes.truncate(end);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        });

        let start = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) if start.elapsed() >= limits.timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break Err(ReadError::Tool {
                        tool: TOOL,
                        reason: format!(
                            "pdftotext did not finish within {} s and was stopped",
                            limits.timeout.as_secs()
                        ),
                    });
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break Err(ReadError::Tool {
                        tool: TOOL,
                        reason: format!("cannot wait for pdftotext: {e}"),
                    });
                }
            }
        };
        // The child is gone: stop whatever it left behind in its group, so the pipes close.
        kill_group(pid);
        let (stdout, overflow) = out.join().unwrap_or_default();
        let stderr = err.join().unwrap_or_default();
        let status = status?;
        if overflow {
            return Err(ReadError::Corrupt {
                format: "PDF",
                reason: format!(
                    "the extracted text exceeds {} MiB",
                    limits.max_output / (1024 * 1024)
                ),
            });
        }
        Ok(Output {
            code: status.code(),
            stdout,
            stderr,
        })
    })
}

/// Kill the process group led by `pid` (the tool and anything it started).
fn kill_group(pid: u32) {
    #[cfg(unix)]
    if let Ok(pid) = i32::try_from(pid) {
        if pid > 0 {
            // SAFETY: kill(2) has no memory-safety preconditions; a negative pid names a
            // process group, here the one created for the child at spawn.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
    #[cfg(not(unix))]
    let _ = pid;
}

/// Read at most `limit` bytes, then keep draining (so the child never blocks on a full pipe).
/// Returns the bytes and whether more were produced than the limit.
fn read_bounded(mut r: impl Read, limit: usize) -> (Vec<u8>, bool) {
    let mut kept = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    let mut overflow = false;
    loop {
        match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let room = limit.saturating_sub(kept.len());
                if n > room {
                    overflow = true;
                }
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
    }
    (kept, overflow)
}
