//! The HTTP side of `gouji serve`: accepting connections, routing, the limits, and turning every
//! outcome (including a malformed request) into a response.

use super::checker::Checker;
use super::query::file_name;
use super::Options;
use crate::finding::Lang;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const PAGE: &str = include_str!("page.html");

/// What every request shares.
struct State {
    checker: Checker,
    opts: Options,
    /// Whether only loopback `Host` names are accepted (the server listens on loopback).
    local_only: bool,
    /// Checks running.
    busy: AtomicUsize,
    /// Connections open.
    connections: AtomicUsize,
    /// The page, with the language filled in.
    page: Bytes,
}

/// One unit of a counter, given back on drop.
struct Slot(Arc<State>, fn(&State) -> &AtomicUsize);

impl Slot {
    /// Take a unit of `counter` if fewer than `max` are taken.
    fn take(state: &Arc<State>, counter: fn(&State) -> &AtomicUsize, max: usize) -> Option<Self> {
        counter(state)
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(state.clone(), counter))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        (self.1)(&self.0).fetch_sub(1, Ordering::AcqRel);
    }
}

/// Accept connections until the process stops; each is served on its own task.
pub(super) async fn accept_loop(
    listener: tokio::net::TcpListener,
    local: SocketAddr,
    opts: Options,
    checker: Checker,
) -> std::io::Result<()> {
    let lang = opts.lang;
    let page = PAGE
        .replace("__LANG__", lang_code(lang))
        .replace("__MAX_BYTES__", &opts.max_body.to_string());
    let state = Arc::new(State {
        checker,
        local_only: local.ip().is_loopback(),
        opts,
        busy: AtomicUsize::new(0),
        connections: AtomicUsize::new(0),
        page: Bytes::from(page),
    });
    loop {
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            Err(_) => {
                // Out of file descriptors and the like: wait a little instead of spinning.
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let Some(slot) = Slot::take(&state, |s| &s.connections, state.opts.max_connections) else {
            drop(stream);
            continue;
        };
        let state = state.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let service = hyper::service::service_fn(move |req| {
                let state = state.clone();
                async move { Ok::<_, Infallible>(handle(&state, req).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(std::time::Duration::from_secs(30))
                .max_buf_size(64 * 1024)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// A message in the server's language.
fn say(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

fn response(status: StatusCode, content_type: &'static str, body: Bytes) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(body));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    r
}

/// `{"error": message}` with `status`.
fn error(status: StatusCode, message: String) -> Response<Full<Bytes>> {
    let body = serde_json::to_vec(&serde_json::json!({ "error": message })).unwrap_or_default();
    let mut r = response(status, "application/json; charset=utf-8", Bytes::from(body));
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        // The rest of the body is not read: the connection cannot be reused.
        r.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    r
}

/// The page, with a policy that lets it load nothing and talk only to this server.
fn page(state: &State) -> Response<Full<Bytes>> {
    let mut r = response(
        StatusCode::OK,
        "text/html; charset=utf-8",
        state.page.clone(),
    );
    r.headers_mut().insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
             img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
             frame-ancestors 'none'",
        ),
    );
    r
}

/// Whether the request names this machine (`Host`) and, for uploads, comes from this server's
/// own page (`Origin`, when the browser sends one).
fn trusted(state: &State, headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if state.local_only {
        let Some(host) = host else { return true };
        let name = match host.rsplit_once(':') {
            Some((n, port)) if port.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => host,
        };
        let local = name.eq_ignore_ascii_case("localhost")
            || name == "[::1]"
            || name
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback());
        if !local {
            return false;
        }
    }
    match headers.get(header::ORIGIN).map(|o| o.to_str()) {
        None => true,
        Some(Ok(origin)) => host.is_some_and(|h| origin == format!("http://{h}")),
        Some(Err(_)) => false,
    }
}

async fn handle(state: &Arc<State>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let lang = state.opts.lang;
    if !trusted(state, req.headers()) {
        return error(
            StatusCode::FORBIDDEN,
            say(
                lang,
                "只接受本机页面的请求",
                "only requests from this machine's own page are accepted",
            ),
        );
    }
    let path = req.uri().path().to_string();
    match (req.method(), path.as_str()) {
        (&Method::GET, "/") => page(state),
        (&Method::GET, "/favicon.ico") => {
            response(StatusCode::NO_CONTENT, "image/x-icon", Bytes::new())
        }
        (&Method::POST, "/api/check") => api(state, req, Api::Check).await,
        (&Method::POST, "/api/layout") => api(state, req, Api::Layout).await,
        (_, "/" | "/api/check" | "/api/layout") => error(
            StatusCode::METHOD_NOT_ALLOWED,
            say(lang, "不支持的请求方法", "method not allowed"),
        ),
        _ => error(
            StatusCode::NOT_FOUND,
            say(lang, "没有这个地址", "no such page"),
        ),
    }
}

/// The two API calls.
#[derive(Debug, Clone, Copy)]
enum Api {
    Check,
    Layout,
}

fn too_large(lang: Lang, cap: u64) -> Response<Full<Bytes>> {
    let mib = cap / (1024 * 1024);
    error(
        StatusCode::PAYLOAD_TOO_LARGE,
        say(
            lang,
            &format!("文件太大：最多 {mib} MiB"),
            &format!("file too large: the limit is {mib} MiB"),
        ),
    )
}

async fn api(state: &Arc<State>, req: Request<Incoming>, which: Api) -> Response<Full<Bytes>> {
    let lang = state.opts.lang;
    let cap = state.opts.max_body;
    let name = match file_name(req.uri().query()) {
        Ok(n) => n,
        Err(e) => {
            let zh = match e {
                super::QueryError::Missing => "缺少文件名（?name=文件名）",
                super::QueryError::Malformed => "文件名的编码有误",
                super::QueryError::TooLong => "文件名太长",
            };
            return error(StatusCode::BAD_REQUEST, say(lang, zh, &e.to_string()));
        }
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > cap) {
        return too_large(lang, cap);
    }
    // A worker is taken before the body is read, so at most `workers` uploads are in memory.
    let Some(slot) = Slot::take(state, |s| &s.busy, state.opts.workers) else {
        let mut r = error(
            StatusCode::SERVICE_UNAVAILABLE,
            say(
                lang,
                "正在检查其他文件，请稍后再试",
                "busy checking other files; try again in a moment",
            ),
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return r;
    };
    let limit = usize::try_from(cap).unwrap_or(usize::MAX);
    let body = Limited::new(req.into_body(), limit).collect();
    let bytes = match tokio::time::timeout(state.opts.upload_timeout, body).await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => {
            return too_large(lang, cap);
        }
        Ok(Err(_)) => {
            return error(
                StatusCode::BAD_REQUEST,
                say(lang, "上传中断", "the upload was interrupted"),
            );
        }
        Err(_) => {
            return error(
                StatusCode::REQUEST_TIMEOUT,
                say(lang, "上传超时", "the upload took too long"),
            );
        }
    };
    let work_state = state.clone();
    let work = tokio::task::spawn_blocking(move || {
        // The worker stays taken until the check ends, even if the request gave up on it.
        let _slot = slot;
        let checker = &work_state.checker;
        let checked = checker.check(&name, &bytes);
        match which {
            Api::Check => checker.json(&checked),
            Api::Layout => checker.layout(&checked),
        }
    });
    match tokio::time::timeout(state.opts.deadline, work).await {
        Ok(Ok(body)) => response(
            StatusCode::OK,
            "application/json; charset=utf-8",
            Bytes::from(body),
        ),
        Ok(Err(_)) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            say(
                lang,
                "检查时出现内部错误（gouji 的缺陷，请报告）",
                "internal error while checking (a bug in gouji; please report it)",
            ),
        ),
        Err(_) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            say(
                lang,
                &format!("检查超过 {} 秒，已放弃", state.opts.deadline.as_secs()),
                &format!(
                    "the check took longer than {} s and was given up",
                    state.opts.deadline.as_secs()
                ),
            ),
        ),
    }
}
