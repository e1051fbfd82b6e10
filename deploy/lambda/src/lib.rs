//! The Lambda function's event handling, shared by the function (`src/main.rs`) and its tests.
//!
//! The event is taken as raw JSON and never refused, so that every input gets an answer rather
//! than an invocation error (a 502 at the gateway):
//!
//! - **API Gateway REST (payload 1.0), HTTP API and function URL (2.0), and ALB events:** an HTTP
//!   response in the event's own format. `POST` takes `{"domain": "..."}` (plain or base64 body),
//!   `GET` takes `?domain=...&fpr=...` as the local server does, `OPTIONS` is the CORS preflight;
//!   other methods get a 405 with `Allow`. A body that is not valid base64 is a 400.
//! - **A direct invocation** (`aws lambda invoke`, Step Functions): the payload is the request
//!   itself, `{"domain": "...", "fpr": ...}`, and the answer is the JSON answer itself, or
//!   `{"error": "..."}` (with `"status"`, the HTTP status it would have had) for anything else,
//!   `{}` and `null` among them.
//!
//! What the Runtime API delivers is read here, raw ([`handle_raw`]): a lone surrogate escape
//! (`"\ud800"`), which JSON allows and Rust strings cannot hold, is read as U+FFFD, and an event
//! nested deeper than the JSON reader goes is answered as a direct invocation with a 400. An
//! ALB's query parameters arrive percent-encoded, as the client sent them, and are decoded here.

use base64::Engine as _;
use dga_api as api;
use serde_json::{json, Map, Value};
use std::borrow::Cow;

/// What kind of event arrived, which decides the shape of the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// API Gateway REST API, payload format 1.0.
    RestApi,
    /// API Gateway HTTP API or Lambda function URL, payload format 2.0.
    HttpApi,
    /// Application Load Balancer; `multi_value` when its target group sends multi-value headers,
    /// and so expects them back.
    LoadBalancer {
        /// Whether the event carries `multiValueHeaders`.
        multi_value: bool,
    },
    /// Anything else: the payload is the request.
    Direct,
}

impl Source {
    /// Recognises an event by the fields each source always sends.
    pub fn of(event: &Value) -> Source {
        let context = &event["requestContext"];
        if context.get("elb").is_some() {
            Source::LoadBalancer {
                multi_value: event.get("multiValueHeaders").is_some_and(Value::is_object),
            }
        } else if context["http"]["method"].is_string() {
            Source::HttpApi
        } else if context.is_object() && event["httpMethod"].is_string() {
            Source::RestApi
        } else {
            Source::Direct
        }
    }
}

/// Answers one event given as the JSON text the Runtime API delivered; never fails.
pub fn handle_raw(raw: &str) -> Value {
    match serde_json::from_str::<Value>(&without_lone_surrogates(raw)) {
        Ok(event) => handle(&event),
        // What is left is nesting past the reader's 128 levels: no gateway sends that (their
        // events nest a few levels, the request in a string), so it was invoked directly.
        Err(e) => json!({
            "error": format!("the event is not JSON this function reads: {e}"),
            "status": 400,
        }),
    }
}

/// `raw` JSON with every escape of a lone UTF-16 surrogate (`\ud800` without its pair, or a
/// trailing half alone) written as `\ufffd`, the replacement character: JSON allows them, a Rust
/// string cannot hold them.
fn without_lone_surrogates(raw: &str) -> Cow<'_, str> {
    /// The UTF-16 unit of the `\uXXXX` escape at `bytes[at..]`, if there is one.
    fn unit(bytes: &[u8], at: usize) -> Option<u16> {
        let hex = bytes.get(at..at + 6)?;
        let digits = hex.strip_prefix(b"\\u")?;
        u16::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    }
    let bytes = raw.as_bytes();
    let is_high = |u: u16| (0xd800..0xdc00).contains(&u);
    let is_low = |u: u16| (0xdc00..0xe000).contains(&u);
    let mut lone = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'\\' {
            at += 1;
            continue;
        }
        match unit(bytes, at) {
            Some(high) if is_high(high) && unit(bytes, at + 6).is_some_and(is_low) => at += 12,
            Some(u) if is_high(u) || is_low(u) => {
                lone.push(at);
                at += 6;
            }
            Some(_) => at += 6,
            // Any other escape is two bytes: `\\` among them, so its second backslash never
            // starts an escape.
            None => at += 2,
        }
    }
    if lone.is_empty() {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut copied = 0;
    for at in lone {
        out.push_str(&raw[copied..at]);
        out.push_str("\\ufffd");
        copied = at + 6;
    }
    out.push_str(&raw[copied..]);
    Cow::Owned(out)
}

/// Answers one event; never fails.
pub fn handle(event: &Value) -> Value {
    let source = Source::of(event);
    if source == Source::Direct {
        let reply = api::classify_request(event);
        return match reply.status {
            200 => reply.body,
            status => {
                let mut body = reply.body;
                body["status"] = json!(status);
                body
            }
        };
    }
    let method = match source {
        Source::HttpApi => event["requestContext"]["http"]["method"].as_str(),
        _ => event["httpMethod"].as_str(),
    };
    let reply = match method.unwrap_or_default().to_ascii_uppercase().as_str() {
        "OPTIONS" => return http_response(source, 204, None),
        "POST" => match body_bytes(event) {
            Ok(body) => api::classify_body(&body),
            Err(message) => api::bad_request(message),
        },
        "GET" => match (
            query_parameter(event, source, "domain"),
            query_parameter(event, source, "fpr"),
        ) {
            (Ok(domain), Ok(fpr)) => api::classify_query(domain.as_deref(), fpr.as_deref()),
            (Err(message), _) | (_, Err(message)) => api::bad_request(message),
        },
        _ => api::method_not_allowed("GET, POST"),
    };
    http_response(source, reply.status, Some(reply.body))
}

/// The request body: `body` as text, or decoded when `isBase64Encoded`. A body that is not a
/// string (a hand-written event's JSON object) is read as the JSON it is.
fn body_bytes(event: &Value) -> Result<Vec<u8>, String> {
    let text = match &event["body"] {
        Value::Null => return Ok(Vec::new()),
        Value::String(text) => text,
        other => return Ok(other.to_string().into_bytes()),
    };
    if event["isBase64Encoded"] == json!(true) {
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|e| format!("the body is marked base64 but is not: {e}"))
    } else {
        Ok(text.clone().into_bytes())
    }
}

/// A query parameter, from `queryStringParameters` or the first of
/// `multiValueQueryStringParameters`; an ALB's percent-decoded, as the gateways' arrive.
fn query_parameter<'a>(
    event: &'a Value,
    source: Source,
    name: &str,
) -> Result<Option<Cow<'a, str>>, String> {
    let value = event["queryStringParameters"][name]
        .as_str()
        .or_else(|| event["multiValueQueryStringParameters"][name][0].as_str());
    match (value, source) {
        (Some(text), Source::LoadBalancer { .. }) => percent_decoded(text).map(Some),
        (value, _) => Ok(value.map(Cow::Borrowed)),
    }
}

/// `text` with each `%XX` decoded and `+` read as a space, as a query string writes them; an
/// error when the bytes that makes are not UTF-8.
fn percent_decoded(text: &str) -> Result<Cow<'_, str>, String> {
    if !text.contains(['%', '+']) {
        return Ok(Cow::Borrowed(text));
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes
            .get(at + 1..at + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[at], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                at += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                at += 1;
            }
            (byte, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| format!("the query parameter {text:?} is not UTF-8 once percent-decoded"))
}

/// The HTTP answer in `source`'s response format, with CORS for any origin.
fn http_response(source: Source, status: u16, body: Option<Value>) -> Value {
    let mut headers = Map::new();
    let mut header = |name: &str, value: &str| {
        headers.insert(name.to_owned(), json!(value));
    };
    header("access-control-allow-origin", "*");
    header("access-control-allow-methods", "GET, POST, OPTIONS");
    header("access-control-allow-headers", "Content-Type");
    if body.is_some() {
        header("content-type", "application/json");
        header("cache-control", "no-store");
    }
    if status == 405 {
        header("allow", "GET, POST, OPTIONS");
    }
    let mut response = json!({
        "statusCode": status,
        "body": body.map_or_else(String::new, |b| b.to_string()),
        "isBase64Encoded": false,
    });
    if let Source::LoadBalancer { multi_value } = source {
        let reason = http::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or_default();
        response["statusDescription"] = json!(format!("{status} {reason}"));
        if multi_value {
            let multi: Map<String, Value> = headers
                .into_iter()
                .map(|(name, value)| (name, json!([value])))
                .collect();
            response["multiValueHeaders"] = Value::Object(multi);
            return response;
        }
    }
    response["headers"] = Value::Object(headers);
    response
}
