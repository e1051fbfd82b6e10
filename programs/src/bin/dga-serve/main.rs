//! The local server: the web page at `/`, the JSON API at `/classify`, and the model's name and
//! operating points at `/model`.
//!
//! ```text
//! cargo run --release --bin dga-serve [-- --addr 127.0.0.1:8080]
//! ```
//!
//! `POST /classify` with `{"domain": "example.com"}`, or `GET /classify?domain=example.com`;
//! `fpr` (`"fpr": 0.01` or `&fpr=0.01`) judges at another of the model's operating points. See
//! `programs/src/api.rs` for the response. Binds loopback unless told otherwise.
//!
//! Hard to lock out: a client has [`HEADER_TIMEOUT`] to send a request's headers (an idle
//! keep-alive connection too) and [`BODY_TIMEOUT`] for its body, and at most three quarters of
//! the process's open-file limit of connections are served at once; further ones wait in the
//! kernel's backlog until a slot frees. On SIGINT or SIGTERM it stops accepting and lets the open
//! connections finish for at most [`SHUTDOWN_GRACE`], whatever the clients hold. Every error is
//! `{"error": ...}` JSON: 404 for an unknown path, 405 with `Allow` for a wrong method, 505 for a
//! client that speaks HTTP/2 from its first bytes, and the 400
//! and 431 (a head over [`MAX_HEAD_BYTES`]) hyper gives by itself for what it cannot parse (see
//! `parse_errors.rs`).

mod parse_errors;
mod write_deadline;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use dga_api as api;

use axum::body::{to_bytes, Body};
use axum::extract::Query;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

const PAGE: &str = include_str!("index.html");

/// How long a client has to send a request's headers, from the moment the connection is ready
/// for one: slowloris clients and idle connections are closed after it.
const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a client has to send a request's body.
const BODY_TIMEOUT: Duration = Duration::from_secs(5);
/// Largest request head read, in bytes: a longer one gets 431, and no idle connection holds
/// more than this (hyper's default is about 400 KB).
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// How long a refused connection is given to take its answer before it is closed.
const REFUSAL_LINGER: Duration = Duration::from_millis(25);
/// How long a shutdown waits for connections to finish before it drops them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

const USAGE: &str = "\
usage: dga-serve [--addr IP:PORT] [--threads N]

Serves the web page at /, the JSON API at /classify (POST {\"domain\": ...} or
GET ?domain=..., with an optional fpr) and the model's operating points at /model.
  --addr IP:PORT  where to listen (default 127.0.0.1:8080)
  --threads N     threads serving requests (default: one per core); fewer leave cores to
                  what shares the machine
  --help, -h      this text";

fn main() -> std::process::ExitCode {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        api::print_line(USAGE);
        return std::process::ExitCode::SUCCESS;
    }
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("dga-serve: {message}\n{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = options.threads {
        runtime.worker_threads(threads);
    }
    match runtime.enable_all().build() {
        Ok(runtime) => runtime.block_on(run(options.addr)),
        Err(e) => {
            eprintln!("dga-serve: cannot start the runtime: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(addr: SocketAddr) -> std::process::ExitCode {
    let listener = match listen(addr) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("dga-serve: cannot listen on {addr}: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let local = listener
        .local_addr()
        .expect("a bound socket has an address");
    // Before the server says it listens, so that a signal sent from then on is never missed.
    let signal = shutdown_signal();
    api::print_line(format_args!(
        "dga-classifier: listening on http://{local}/ (model {})",
        dga_classifier::MODEL.name
    ));
    let app = Router::new()
        .route(
            "/",
            get(|| async { Html(PAGE) })
                .fallback(|| async { reply(api::method_not_allowed("GET")) }),
        )
        .route(
            "/model",
            get(|| async { Json(api::model_info()) })
                .fallback(|| async { reply(api::method_not_allowed("GET")) }),
        )
        .route(
            "/classify",
            get(classify_query)
                .post(classify_post)
                .fallback(|| async { reply(api::method_not_allowed("GET, POST")) }),
        )
        .fallback(|| async { reply(api::not_found()) })
        .layer(axum::middleware::from_fn(require_host));
    serve(listener, app, signal).await;
    api::print_line("dga-classifier: stopped");
    std::process::ExitCode::SUCCESS
}

/// Connections the kernel queues for `accept`, at most: the usual 128 overflows when clients that
/// were refused reconnect in a burst, and the kernel then drops the next client's SYN, which
/// retries a second later. Linux caps it at `net.core.somaxconn` (4,096 by default).
const LISTEN_BACKLOG: u32 = 4096;

/// A socket listening on `addr` with [`LISTEN_BACKLOG`].
fn listen(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    // As `TcpListener::bind` does: a restarted server may take its port back at once.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Accepts connections until a signal, each under the timeouts and the connection limit, then
/// lets those open finish for at most [`SHUTDOWN_GRACE`].
async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    signal: impl std::future::Future<Output = ()>,
) {
    let limit = connection_limit();
    let slots = Arc::new(Semaphore::new(limit));
    let per_client = PerClient::new((limit / 8).max(MIN_CONNECTIONS_PER_CLIENT));
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(MAX_HEAD_BYTES);
    tokio::pin!(signal);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut signal => break,
        };
        let (stream, client) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors, or a connection reset before it was accepted: go on.
                Err(e) => {
                    eprintln!("dga-serve: accept: {e}");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            () = &mut signal => break,
        };
        let Some(held) = per_client.take(client.ip()) else {
            // One address may not hold more than its share: told so, and closed.
            tokio::spawn(async move {
                refuse(stream, api::too_many_connections()).await;
                drop(slot);
            });
            continue;
        };
        let service = TowerToHyperService::new(app.clone());
        let (http, watcher) = (http.clone(), graceful.watcher());
        tokio::spawn(async move {
            let _held = held;
            match first_bytes(&stream).await {
                Some(Protocol::Http1) => {
                    let stream = write_deadline::WriteDeadline::new(stream);
                    let io = TokioIo::new(parse_errors::JsonParseErrors::new(stream));
                    // A client that goes away or times out ends its connection: nothing to report.
                    let _ = watcher.watch(http.serve_connection(io, service)).await;
                }
                Some(Protocol::Http2) => {
                    refuse(stream, api::http_version_not_supported()).await;
                }
                // Nothing within the time a request's headers have, or gone: closed.
                None => {}
            }
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        eprintln!("dga-serve: connections still open after {SHUTDOWN_GRACE:?}, dropped");
    }
}

/// Connections one client address may hold at least, whatever the limit: a browser opens six.
const MIN_CONNECTIONS_PER_CLIENT: usize = 16;

/// How many connections each client address holds, each at most `cap`: so that one address
/// (a slowloris, a client that never reads) cannot take every connection from the others.
#[derive(Clone)]
struct PerClient {
    held: Arc<std::sync::Mutex<HashMap<std::net::IpAddr, usize>>>,
    cap: usize,
}

/// A connection counted against its client address, until it is dropped.
struct Held {
    counts: PerClient,
    client: std::net::IpAddr,
}

impl PerClient {
    fn new(cap: usize) -> PerClient {
        PerClient {
            held: Arc::default(),
            cap,
        }
    }

    /// A connection for `client`, unless it holds `cap` already.
    fn take(&self, client: std::net::IpAddr) -> Option<Held> {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        let count = held.entry(client).or_default();
        if *count >= self.cap {
            return None;
        }
        *count += 1;
        Some(Held {
            counts: self.clone(),
            client,
        })
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut held = self.counts.held.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = held.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                held.remove(&self.client);
            }
        }
    }
}

/// HTTP/2's connection preface, `PRI * HTTP/2.0`..., which a client that assumes HTTP/2 (prior
/// knowledge) sends first. No HTTP/1 request starts with `PRI`.
const HTTP2_PREFACE_START: &[u8] = b"PRI ";

/// What a client's first bytes say it speaks.
enum Protocol {
    Http1,
    Http2,
}

/// What the client speaks, by its first bytes, looked at without taking them; `None` when it
/// sends nothing within [`HEADER_TIMEOUT`] (the time it has for a request's headers) or goes.
async fn first_bytes(stream: &tokio::net::TcpStream) -> Option<Protocol> {
    let mut first = [0; HTTP2_PREFACE_START.len()];
    match tokio::time::timeout(HEADER_TIMEOUT, stream.peek(&mut first)).await {
        Ok(Ok(n)) if n == first.len() && first == *HTTP2_PREFACE_START => Some(Protocol::Http2),
        Ok(Ok(n)) if n > 0 => Some(Protocol::Http1),
        _ => None,
    }
}

/// Answers a connection refused with `reply`, its status and JSON, then closes it the way that
/// lets the client read the answer: the write side first, then what it sent is read and
/// dropped (closing with it unread would reset the connection, and the answer with it), all
/// within [`REFUSAL_LINGER`]: a refused client must not hold a connection's place for long.
/// HTTP/2 clients get this too: an HTTP/1.1 505 is the one answer both speak.
async fn refuse(mut stream: tokio::net::TcpStream, reply: api::Reply) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let body = reply.body.to_string();
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let answer = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(REFUSAL_LINGER, async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await?;
        let mut sink = [0; 4096];
        while stream.read(&mut sink).await? > 0 {}
        Ok::<_, std::io::Error>(())
    })
    .await;
}

/// Three quarters of the limit of open files (the rest for the listener, logs and the runtime),
/// once the soft limit is raised to the hard one, as far as the system lets it: a default soft
/// limit of 1,024 (or 256) would let a few hundred idle clients take every connection.
fn connection_limit() -> usize {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let limit = getrlimit(Resource::Nofile);
    let raised = Rlimit {
        current: limit.maximum,
        maximum: limit.maximum,
    };
    let soft = match setrlimit(Resource::Nofile, raised) {
        Ok(()) => raised.current,
        Err(_) => limit.current,
    };
    // An unlimited limit (`None`) is planned for as the most this server plans for.
    let files = soft.map_or(MAX_OPEN_FILES, |files| {
        usize::try_from(files).map_or(MAX_OPEN_FILES, |f| f.min(MAX_OPEN_FILES))
    });
    (files / 4 * 3).max(1)
}

/// Open files the server plans for when its hard limit is higher or unlimited.
const MAX_OPEN_FILES: usize = 1 << 20;

/// What the command line asks for.
struct Options {
    addr: SocketAddr,
    /// Worker threads; one per core when `None`.
    threads: Option<usize>,
}

fn parse_args() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let mut options = Options {
        addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
        threads: None,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--addr" => {
                let value = args.next().ok_or("--addr needs a value")?;
                options.addr = value.parse().map_err(|e| format!("--addr {value}: {e}"))?;
            }
            "--threads" => {
                let value = args.next().ok_or("--threads needs a value")?;
                match value.parse() {
                    Ok(threads @ 1..=1024) => options.threads = Some(threads),
                    _ => return Err(format!("--threads takes 1 to 1024, not {value:?}")),
                }
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(options)
}

/// An HTTP/1.1 request without `Host` is malformed (RFC 9112 §3.2: a server must answer it
/// with 400), whatever it asks for.
async fn require_host(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    if request.version() == axum::http::Version::HTTP_11
        && !request.headers().contains_key(header::HOST)
    {
        return reply(api::bad_request(String::from(
            "an HTTP/1.1 request needs a Host header (RFC 9112, section 3.2)",
        )));
    }
    next.run(request).await
}

async fn classify_post(body: Body) -> Response {
    // One byte over the limit is enough to know the body is too long.
    let read = tokio::time::timeout(BODY_TIMEOUT, to_bytes(body, api::MAX_BODY_BYTES + 1));
    match read.await {
        Ok(Ok(bytes)) => reply(api::classify_body(&bytes)),
        Ok(Err(e)) if over_limit(&e) => reply(api::body_too_large()),
        Ok(Err(e)) => reply(api::bad_request(format!("malformed request body: {e}"))),
        Err(_) => reply(api::body_timeout(BODY_TIMEOUT)),
    }
}

/// Whether reading a body failed because it was longer than the limit, not malformed.
fn over_limit(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}

async fn classify_query(Query(query): Query<HashMap<String, String>>) -> Response {
    let parameter = |name| query.get(name).map(String::as_str);
    reply(api::classify_query(parameter("domain"), parameter("fpr")))
}

fn reply(reply: api::Reply) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        Json(reply.body),
    )
        .into_response()
}

/// SIGINT or SIGTERM, listened for from the call on: the handlers are registered here, not when
/// the future is first polled, when a signal sent before would kill the server or be lost.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt()).expect("SIGINT handler");
    let mut terminate = signal(SignalKind::terminate()).expect("SIGTERM handler");
    async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    }
}
