//! The AWS Lambda function: the original's `POST {"domain": "..."}` API, rebuilt on the library.
//!
//! Works behind API Gateway REST APIs (payload 1.0), HTTP APIs (2.0) and function URLs (2.0), with
//! plain or base64 bodies (`lambda_http` decodes them). CORS as the original had it: any origin
//! may `POST`, and the `OPTIONS` preflight is answered here. Bad input is a 4xx with
//! `{"error": "..."}`, never a 500: the shared `examples/support/api.rs` decides every answer.
//!
//! Build and deploy: see the README, "Deploying the Lambda function".

#[path = "support/api.rs"]
mod api;

use lambda_http::http::{header, Method, StatusCode};
use lambda_http::{service_fn, Body, Error, Request, Response};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::run(service_fn(|request: Request| async move {
        Ok::<_, Error>(handle(&request))
    }))
    .await
}

/// Answers one request; never fails, so every input gets an HTTP answer.
fn handle(request: &Request) -> Response<Body> {
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
    let builder = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json");
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn request(method: Method, body: &str) -> Request {
        let mut request = Request::new(Body::from(body));
        *request.method_mut() = method;
        request
    }

    fn json(response: &Response<Body>) -> Value {
        serde_json::from_slice(response.body().as_ref()).unwrap()
    }

    #[test]
    fn post_scores_with_the_original_fields_and_cors() {
        let response = handle(&request(
            Method::POST,
            r#"{"domain": "plzdonthackmekthxbye.com"}"#,
        ));
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["access-control-allow-origin"], "*");
        let body = json(&response);
        for field in [
            "label",
            "class0Prob",
            "class1Prob",
            "intercept",
            "length",
            "entropy",
            "proVowels",
            "numWords",
        ] {
            assert!(body.get(field).is_some(), "{field} missing from {body}");
        }
        assert_eq!(body["label"], 1);
    }

    #[test]
    fn preflight_and_other_methods() {
        let preflight = handle(&request(Method::OPTIONS, ""));
        assert_eq!(preflight.status(), 204);
        assert_eq!(
            preflight.headers()["access-control-allow-methods"],
            "POST, OPTIONS"
        );
        let get = handle(&request(Method::GET, ""));
        assert_eq!(get.status(), 405);
        assert!(json(&get)["error"].as_str().unwrap().contains("POST"));
    }

    #[test]
    fn bad_input_is_a_4xx() {
        let long = format!(r#"{{"domain": "{}"}}"#, "a".repeat(5000));
        for (body, status) in [
            ("{", 400),
            ("{}", 400),
            (r#"{"domain": []}"#, 400),
            (r#"{"domain": "a..b"}"#, 422),
            (long.as_str(), 413),
        ] {
            let response = handle(&request(Method::POST, body));
            assert_eq!(response.status(), status, "{body:.40}");
            assert!(json(&response)["error"].is_string());
        }
    }
}
