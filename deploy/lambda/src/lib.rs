//! The Lambda function's request handling, shared by the function (`src/main.rs`) and its tests.

use dga_api as api;

use lambda_http::http::{header, Method, StatusCode};
use lambda_http::{Body, Request, Response};

/// Answers one request; never fails, so every input gets an HTTP answer.
pub fn handle(request: &Request) -> Response<Body> {
    let reply = match *request.method() {
        Method::OPTIONS => {
            return cors(
                Response::builder().status(StatusCode::NO_CONTENT),
                Body::Empty,
            )
        }
        Method::POST => api::classify_body(request.body().as_ref()),
        _ => api::method_not_allowed("POST"),
    };
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json");
    if status == StatusCode::METHOD_NOT_ALLOWED {
        builder = builder.header(header::ALLOW, "POST, OPTIONS");
    }
    cors(builder, Body::Text(reply.body.to_string()))
}

fn cors(builder: lambda_http::http::response::Builder, body: Body) -> Response<Body> {
    builder
        .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .header(header::ACCESS_CONTROL_ALLOW_METHODS, "POST, OPTIONS")
        .header(header::ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type")
        .body(body)
        .expect("static headers are valid")
}
