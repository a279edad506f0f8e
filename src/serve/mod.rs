//! `gouji serve`: a local web page for report authors. One page (HTML, CSS and JS in the binary,
//! nothing loaded from elsewhere) where a report is dropped; the page sends it to this server,
//! which checks it in memory and answers with the findings and the report as the page draws it.
//!
//! The server listens on 127.0.0.1 unless told otherwise, writes nothing to disk, and keeps
//! every request bounded: the body by the input cap ([`MAX_INPUT_BYTES`], 413 beyond it), the
//! checks running at once by [`Options::workers`] (503 when all are busy; a check's upload is
//! held in memory only while it holds a worker, so memory stays below workers × cap), the time
//! to send headers and body, and the time of a check ([`Options::deadline`]). Requests whose
//! `Host` is not this machine are refused (a web page cannot reach the server through a DNS
//! name that points to 127.0.0.1), and so are cross-origin uploads.
//!
//! API (the page uses it; so can scripts):
//! - `GET /`: the page.
//! - `POST /api/check?name=FILENAME` with the file as the body: exactly the bytes
//!   `gouji check --format json FILENAME` prints for that file (same packs, configuration and
//!   language as a check run where `gouji serve` was started).
//! - `POST /api/layout?name=FILENAME`: the report's tables and prose as the page draws them, with
//!   the findings' cells marked (schema in [`crate::report::layout`]).
//!
//! Errors are JSON objects `{"error": "…"}` with a 4xx/5xx status.

mod checker;
mod http;
mod query;

pub use checker::{Checked, Checker};
pub use query::{file_name, QueryError};

use crate::finding::Lang;
pub use crate::source::MAX_INPUT_BYTES;
use std::net::SocketAddr;
use std::time::Duration;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen (port 0: a free port).
    pub addr: SocketAddr,
    /// Largest request body (bytes).
    pub max_body: u64,
    /// Checks running at once.
    pub workers: usize,
    /// Open connections at once; more are closed on accept.
    pub max_connections: usize,
    /// Longest a check may take before the request is answered with 503.
    pub deadline: Duration,
    /// Longest a client may take to send the request headers, and the body.
    pub upload_timeout: Duration,
    /// Language of the page and the messages.
    pub lang: Lang,
}

impl Options {
    /// Defaults for `addr`: the input cap, a worker per core (at most 4), 64 connections, two
    /// minutes per check (the PDF reader's own timeout is one), two minutes per upload.
    pub fn new(addr: SocketAddr, lang: Lang) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Options {
            addr,
            max_body: MAX_INPUT_BYTES,
            workers: cores.clamp(1, 4),
            max_connections: 64,
            deadline: Duration::from_secs(120),
            upload_timeout: Duration::from_secs(120),
            lang,
        }
    }
}

/// Serve until the process is stopped. `ready` is called once with the address listened on
/// (the port chosen when `opts.addr` has port 0), before the first request is accepted.
pub fn run(opts: Options, checker: Checker, ready: impl FnOnce(SocketAddr)) -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind(opts.addr)?;
    listener.set_nonblocking(true)?;
    let local = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .max_blocking_threads(opts.workers + 1)
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        ready(local);
        http::accept_loop(listener, local, opts, checker).await
    })
}
