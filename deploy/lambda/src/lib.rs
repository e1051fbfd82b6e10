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

use base64::Engine as _;
use dga_api as api;
use serde_json::{json, Map, Value};

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
        "GET" => api::classify_query(
            query_parameter(event, "domain"),
            query_parameter(event, "fpr"),
        ),
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

/// A query parameter, from `queryStringParameters` (every source has it, ALB percent-encoded) or
/// the first of `multiValueQueryStringParameters`.
fn query_parameter<'a>(event: &'a Value, name: &str) -> Option<&'a str> {
    event["queryStringParameters"][name]
        .as_str()
        .or_else(|| event["multiValueQueryStringParameters"][name][0].as_str())
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
