//! Running an external converter (pdftotext, LibreOffice) as a child process: its own process
//! group, a wall-clock timeout after which the whole group is killed, and bounded output.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Limits for one run of a tool.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wall-clock time after which the child (and everything it started) is killed.
    pub timeout: Duration,
    /// Largest standard output accepted (bytes).
    pub max_output: usize,
}

impl Default for Limits {
    /// 60 s and 32 MiB: enough for pdftotext on any report within the input cap.
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(60),
            max_output: 32 * 1024 * 1024,
        }
    }
}

/// What the child process produced.
#[derive(Debug)]
pub struct Output {
    /// Exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Standard output (at most `max_output` bytes).
    pub stdout: Vec<u8>,
    /// True when the child wrote more than `max_output` bytes (the rest was discarded).
    pub overflow: bool,
    /// Standard error, truncated to whole lines of at most a few kilobytes.
    pub stderr: String,
}

/// Why a run did not produce an [`Output`].
#[derive(Debug)]
pub enum Failure {
    /// The program could not be started (`NotFound` when it does not exist).
    Spawn(std::io::Error),
    /// The pipes to the child could not be opened.
    Pipes,
    /// The child ran past the timeout (given) and was killed with its process group.
    Timeout(Duration),
    /// Waiting for the child failed.
    Wait(std::io::Error),
}

impl Failure {
    /// Why running `tool` (the program at `binary`) failed, in words a user can act on, with
    /// `install_hint` where installing the program would help.
    pub fn reason(self, tool: &str, binary: &std::path::Path, install_hint: &str) -> String {
        match self {
            Failure::Spawn(e) if e.kind() == std::io::ErrorKind::NotFound => {
                format!("`{}` was not found; {install_hint}", binary.display())
            }
            Failure::Spawn(e) => {
                format!("cannot run `{}`: {e}; {install_hint}", binary.display())
            }
            Failure::Pipes => "cannot open pipes to the child process".into(),
            Failure::Timeout(limit) => format!(
                "{tool} did not finish within {} s and was stopped",
                limit.as_secs()
            ),
            Failure::Wait(e) => format!("cannot wait for {tool}: {e}"),
        }
    }
}

/// Largest amount of standard error kept.
const MAX_STDERR: usize = 16 * 1024;

/// Run `command` with `stdin` written to its standard input (or nothing, standard input
/// closed), within `limits`. The child gets its own process group: at the timeout, and once it
/// has exited, the whole group is killed, so a wrapper script's background child cannot keep the
/// pipes open and the run waiting.
pub fn run(mut command: Command, stdin: Option<&[u8]>, limits: Limits) -> Result<Output, Failure> {
    command
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let mut child = command.spawn().map_err(Failure::Spawn)?;
    let input = child.stdin.take();
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(Failure::Pipes);
    };
    let pid = child.id();
    std::thread::scope(|scope| {
        if let (Some(mut pipe), Some(bytes)) = (input, stdin) {
            scope.spawn(move || {
                // A child that exits early closes its end: a broken pipe is not our error.
                let _ = pipe.write_all(bytes);
            });
        }
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
                    kill_group(pid);
                    let _ = child.kill();
                    let _ = child.wait();
                    break Err(Failure::Timeout(limits.timeout));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => {
                    kill_group(pid);
                    let _ = child.kill();
                    let _ = child.wait();
                    break Err(Failure::Wait(e));
                }
            }
        };
        // The child is gone: stop whatever it left behind in its group, so the pipes close.
        kill_group(pid);
        let (stdout, overflow) = out.join().unwrap_or_default();
        let stderr = err.join().unwrap_or_default();
        let status = status?;
        Ok(Output {
            code: status.code(),
            stdout,
            overflow,
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
