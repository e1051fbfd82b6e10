//! The JSON API of the examples, one code path for all of them: the Lambda function, the local
//! server and the command-line scorer.
//!
//! Request: `{"domain": "<host name>"}`. Response: the original application's fields (SPEC §3:
//! `label`, `class0Prob`, `class1Prob` and each term's contribution to the log-odds, from the
//! crate's `serde` feature), plus what the original left out: the label scored, the feature
//! values, `terms` (one entry per term of the model, in its order, for clients that show them
//! all without knowing the model), the log-odds, the threshold and the model's name.
//! Errors: `{"error": "<what>"}`.

// Each example uses the part it needs.
#![allow(dead_code)]

use dga_classifier::{classify, Classification, MODEL};
use serde_json::{json, Value};

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 4096;

/// An HTTP status and a JSON body.
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

/// Answers a request body `{"domain": "..."}`.
pub fn classify_body(body: &[u8]) -> Reply {
    if body.len() > MAX_BODY_BYTES {
        return body_too_large();
    }
    let request: Value = match serde_json::from_slice(body) {
        Ok(request) => request,
        Err(e) => return error(400, format!("malformed JSON: {e}")),
    };
    match request.get("domain") {
        Some(Value::String(domain)) => classify_domain(domain),
        Some(other) => error(400, format!("`domain` must be a string, not {other}")),
        None => missing_domain(),
    }
}

/// The answer to a request that names no domain.
pub fn missing_domain() -> Reply {
    error(
        400,
        String::from("missing field `domain`: send {\"domain\": \"example.com\"}"),
    )
}

/// The answer to a body longer than [`MAX_BODY_BYTES`], for servers that stop reading there.
pub fn body_too_large() -> Reply {
    error(
        413,
        format!("request body over the limit of {MAX_BODY_BYTES} bytes"),
    )
}

/// The answer to a method other than `allowed`.
pub fn method_not_allowed(allowed: &str) -> Reply {
    error(405, format!("method not allowed: use {allowed}"))
}

/// Answers for one host name.
pub fn classify_domain(domain: &str) -> Reply {
    match classify(domain) {
        Ok(c) => Reply {
            status: 200,
            body: response(&c),
        },
        Err(e) => error(422, e.to_string()),
    }
}

/// The response body for a classification.
pub fn response(c: &Classification) -> Value {
    let mut body = serde_json::to_value(c).expect("a Classification always serialises");
    let s = &c.score;
    body["scoredLabel"] = json!(c.label.as_str());
    let mut features = serde_json::Map::new();
    let mut terms = vec![json!({
        "term": "intercept",
        "description": "intercept",
        "value": null,
        "contribution": s.intercept,
    })];
    for term in &s.terms {
        let (feature, value) = (term.feature, term.value);
        // Counts print as the integers they are (`"numWords": 11`, not `11.0`).
        let value = if value.fract() == 0.0 && value.abs() < 1e15 {
            json!(value as i64)
        } else {
            json!(value)
        };
        features.insert(feature.json_name().into(), value.clone());
        terms.push(json!({
            "term": feature.json_name(),
            "description": feature.description(),
            "value": value,
            "contribution": term.contribution,
        }));
    }
    body["features"] = features.into();
    body["terms"] = terms.into();
    body["logOdds"] = json!(c.score.log_odds);
    body["threshold"] = json!(MODEL.threshold);
    body["model"] = json!(MODEL.name);
    body
}

fn error(status: u16, message: String) -> Reply {
    Reply {
        status,
        body: json!({ "error": message }),
    }
}
