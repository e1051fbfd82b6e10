//! The local server: the web page at `/`, the JSON API at `/classify`, and the model's name and
//! operating points at `/model`.
//!
//! ```text
//! cargo run --release --example serve [-- --addr 127.0.0.1:8080]
//! ```
//!
//! `POST /classify` with `{"domain": "example.com"}`, or `GET /classify?domain=example.com`;
//! `fpr` (`"fpr": 0.01` or `&fpr=0.01`) judges at another of the model's operating points. See `examples/support/api.rs` for the response. Binds loopback unless told otherwise; stops
//! gracefully, finishing requests in flight, on SIGINT or SIGTERM.

#[path = "../support/api.rs"]
mod api;

use axum::body::{to_bytes, Body};
use axum::extract::Query;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::collections::HashMap;
use std::net::SocketAddr;

const PAGE: &str = include_str!("index.html");

const USAGE: &str = "\
usage: serve [--addr IP:PORT]

Serves the web page at /, the JSON API at /classify (POST {\"domain\": ...} or
GET ?domain=..., with an optional fpr) and the model's operating points at /model.
  --addr IP:PORT  where to listen (default 127.0.0.1:8080)
  --help, -h      this text";

#[tokio::main]
async fn main() -> std::process::ExitCode {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return std::process::ExitCode::SUCCESS;
    }
    let addr = match parse_addr() {
        Ok(addr) => addr,
        Err(message) => {
            eprintln!("serve: {message}\n{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("serve: cannot listen on {addr}: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let local = listener
        .local_addr()
        .expect("a bound socket has an address");
    println!(
        "dga-classifier: listening on http://{local}/ (model {})",
        dga_classifier::MODEL.name
    );
    let app = Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route("/model", get(|| async { Json(api::model_info()) }))
        .route("/classify", get(classify_query).post(classify_post));
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
    {
        eprintln!("serve: {e}");
        return std::process::ExitCode::FAILURE;
    }
    println!("dga-classifier: stopped");
    std::process::ExitCode::SUCCESS
}

fn parse_addr() -> Result<SocketAddr, String> {
    let mut args = std::env::args().skip(1);
    let mut addr = SocketAddr::from(([127, 0, 0, 1], 8080));
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--addr" => {
                let value = args.next().ok_or("--addr needs a value")?;
                addr = value.parse().map_err(|e| format!("--addr {value}: {e}"))?;
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(addr)
}

async fn classify_post(body: Body) -> Response {
    // One byte over the limit is enough to know the body is too long.
    match to_bytes(body, api::MAX_BODY_BYTES + 1).await {
        Ok(bytes) => reply(api::classify_body(&bytes)),
        Err(_) => reply(api::body_too_large()),
    }
}

async fn classify_query(Query(query): Query<HashMap<String, String>>) -> Response {
    let point = match query.get("fpr").map(|rate| api::operating_point(rate)) {
        None => None,
        Some(Ok(point)) => Some(point),
        Some(Err(message)) => return reply(api::bad_request(message)),
    };
    match query.get("domain") {
        Some(domain) => reply(api::classify_domain(domain, point)),
        None => reply(api::missing_domain()),
    }
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

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM handler");
    tokio::select! {
        _ = interrupt => {}
        _ = terminate.recv() => {}
    }
}
