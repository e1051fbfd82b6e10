//! The Lambda function, in process (its handler) and for real: the built `lambda` binary against
//! a Lambda Runtime API served on 127.0.0.1 by this test, with only the `AWS_LAMBDA_*` variables
//! set. Events: API Gateway REST (1.0), HTTP API (2.0), function URL (2.0), ALB and direct
//! invocations; plain, base64 and broken base64 bodies, GET with a query, CORS, bad input. Every
//! event must get an answer: the runtime seeing an invocation error fails the test.

#[path = "../../../programs/tests/support/mod.rs"]
mod support;

use dga_lambda::Source;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn rest_v1(method: &str, body: &str, base64: bool) -> Value {
    json!({
        "resource": "/classify", "path": "/classify", "httpMethod": method,
        "headers": {"content-type": "application/json", "origin": "https://example.org"},
        "multiValueHeaders": {"content-type": ["application/json"], "origin": ["https://example.org"]},
        "queryStringParameters": null, "multiValueQueryStringParameters": null,
        "pathParameters": null, "stageVariables": null,
        "requestContext": {"accountId": "123456789012", "resourceId": "r", "stage": "prod", "requestId": "q",
                           "identity": {"sourceIp": "127.0.0.1"}, "resourcePath": "/classify",
                           "httpMethod": method, "apiId": "api"},
        "body": body, "isBase64Encoded": base64,
    })
}

fn http_v2(method: &str, body: &str, base64: bool, domain_name: &str) -> Value {
    json!({
        "version": "2.0", "routeKey": "$default", "rawPath": "/classify", "rawQueryString": "",
        "headers": {"content-type": "application/json", "origin": "https://example.org"},
        "requestContext": {"accountId": "123456789012", "apiId": "api", "domainName": domain_name,
                           "domainPrefix": "api", "http": {"method": method, "path": "/classify",
                           "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "test"},
                           "requestId": "q", "routeKey": "$default", "stage": "$default",
                           "time": "21/Nov/2026:10:00:00 +0000", "timeEpoch": 1_795_000_000_000u64},
        "body": body, "isBase64Encoded": base64,
    })
}

fn alb(method: &str, body: &str, query: Value, multi_value: bool) -> Value {
    let mut event = json!({
        "requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/dga/0123456789abcdef"}},
        "httpMethod": method, "path": "/classify", "body": body, "isBase64Encoded": false,
    });
    let headers = json!({"content-type": "application/json"});
    if multi_value {
        event["multiValueHeaders"] = json!({"content-type": ["application/json"]});
        event["multiValueQueryStringParameters"] = Value::Object(
            query
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), json!([v])))
                .collect(),
        );
    } else {
        event["headers"] = headers;
        event["queryStringParameters"] = query;
    }
    event
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}

/// What the runtime saw: each invocation's response (status, headers, body) in order.
#[derive(Default)]
struct Runtime {
    /// The events as the Runtime API delivers them: JSON text.
    events: VecDeque<String>,
    responses: Vec<Value>,
    errors: Vec<String>,
    first_next: Option<Instant>,
}

fn serve_connection(stream: TcpStream, runtime: Arc<Mutex<Runtime>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let path = request_line.split_whitespace().nth(1).unwrap().to_owned();
        let (headers, reply) = if path.ends_with("/invocation/next") {
            let event = loop {
                let mut state = runtime.lock().unwrap();
                state.first_next.get_or_insert_with(Instant::now);
                if let Some(event) = state.events.pop_front() {
                    break event;
                }
                drop(state);
                std::thread::sleep(Duration::from_millis(20)); // no more events: the test ends it
            };
            let deadline = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis()
                + 60_000;
            let headers = format!(
                "Lambda-Runtime-Aws-Request-Id: request-{}\r\nLambda-Runtime-Deadline-Ms: {deadline}\r\n\
                 Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:123456789012:function:malicious-domain-classifier\r\n\
                 Lambda-Runtime-Trace-Id: Root=1-00000000-000000000000000000000000\r\n",
                runtime.lock().unwrap().responses.len()
            );
            (headers, event)
        } else if path.ends_with("/response") {
            runtime
                .lock()
                .unwrap()
                .responses
                .push(serde_json::from_slice(&body).unwrap());
            (String::new(), String::from("{}"))
        } else {
            runtime
                .lock()
                .unwrap()
                .errors
                .push(format!("{path}: {}", String::from_utf8_lossy(&body)));
            (String::new(), String::from("{}"))
        };
        let status = if path.ends_with("/next") {
            "200 OK"
        } else {
            "202 Accepted"
        };
        write!(stream, "HTTP/1.1 {status}\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{reply}", reply.len()).unwrap();
    }
}

/// Runs `events` through the built function; its responses, in order.
fn invoke(events: Vec<String>) -> (Vec<Value>, Duration) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let expected = events.len();
    let runtime = Arc::new(Mutex::new(Runtime {
        events: events.into(),
        ..Runtime::default()
    }));
    let shared = Arc::clone(&runtime);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || serve_connection(stream.unwrap(), shared));
        }
    });
    let started = Instant::now();
    let mut function = Command::new(env!("CARGO_BIN_EXE_lambda"))
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", addr.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "malicious-domain-classifier")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "test")
        .env(
            "AWS_LAMBDA_LOG_GROUP_NAME",
            "/aws/lambda/malicious-domain-classifier",
        )
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let state = runtime.lock().unwrap();
        if state.responses.len() == expected {
            break;
        }
        assert!(
            state.errors.is_empty(),
            "the function reported errors: {:?}",
            state.errors
        );
        assert!(
            Instant::now() < deadline,
            "only {} of {expected} responses",
            state.responses.len()
        );
        drop(state);
        assert!(
            function.try_wait().unwrap().is_none(),
            "the function exited"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    function.kill().unwrap();
    function.wait().unwrap();
    let state = runtime.lock().unwrap();
    let cold_start = state.first_next.unwrap() - started;
    (state.responses.clone(), cold_start)
}

/// A response header: payload 2.0 responses carry `headers`, 1.0 ones `multiValueHeaders`.
fn header<'a>(response: &'a Value, name: &str) -> &'a str {
    let single = response["headers"][name].as_str();
    single
        .or_else(|| response["multiValueHeaders"][name][0].as_str())
        .unwrap_or_default()
}

fn body(response: &Value) -> Value {
    serde_json::from_str(response["body"].as_str().unwrap()).unwrap()
}

#[test]
fn every_event_source_and_bad_input() {
    let good = r#"{"domain": "plzdonthackmekthxbye.com"}"#;
    let long = format!(r#"{{"domain": "{}"}}"#, "a".repeat(5000));
    let url = "abcdefg.lambda-url.us-east-1.on.aws";
    let gateway = "api.execute-api.us-east-1.amazonaws.com";
    let events = vec![
        rest_v1("POST", good, false),
        http_v2("POST", good, false, gateway),
        http_v2("POST", &base64(good.as_bytes()), true, url),
        rest_v1("POST", &base64(good.as_bytes()), true),
        rest_v1("OPTIONS", "", false),
        http_v2("OPTIONS", "", false, url),
        rest_v1("POST", "{not json", false),
        http_v2("POST", r#"{"host": "example.com"}"#, false, gateway),
        rest_v1("POST", r#"{"domain": 7}"#, false),
        http_v2("POST", r#"{"domain": "exa\tmple.com"}"#, false, url),
        rest_v1("POST", &long, false),
        rest_v1("POST", "%%% not base64", true),
        http_v2("POST", "7", false, gateway),
        rest_v1("PATCH", "", false),
        // Each of these was an invocation error, a 502 at the gateway, before.
        json!({"domain": "plzdonthackmekthxbye.com"}),
        json!({}),
        Value::Null,
        alb("POST", good, json!({}), false),
        alb(
            "GET",
            "",
            json!({"domain": "plzdonthackmekthxbye.com"}),
            true,
        ),
        {
            let mut event = rest_v1("POST", "", false);
            event["body"] = json!({"domain": "plzdonthackmekthxbye.com"});
            event
        },
    ];
    let (responses, cold_start) = invoke(events.iter().map(Value::to_string).collect());
    eprintln!("cold start (exec to first /next): {cold_start:?}");

    let want = dga_classifier::classify("plzdonthackmekthxbye.com").unwrap();
    for (i, response) in responses[..4].iter().enumerate() {
        assert_eq!(response["statusCode"], 200, "event {i}: {response}");
        let b = body(response);
        support::assert_built_with_this_model(&b);
        assert_eq!(b["label"], 1, "event {i}");
        assert_eq!(
            b["class1Prob"],
            want.score().unwrap().p_malicious,
            "event {i}"
        );
        assert_eq!(b["logOdds"], want.score().unwrap().log_odds, "event {i}");
    }
    for (i, response) in responses[4..6].iter().enumerate() {
        assert_eq!(response["statusCode"], 204, "preflight {i}: {response}");
    }
    for response in &responses[..6] {
        assert_eq!(
            header(response, "access-control-allow-origin"),
            "*",
            "{response}"
        );
    }
    assert_eq!(
        header(&responses[4], "access-control-allow-methods"),
        "GET, POST, OPTIONS"
    );
    let bad = [
        (400, "malformed JSON"),
        (400, "missing field `domain`"),
        (400, "must be a string"),
        (422, "invalid character '\\t'"),
        (413, "over the limit"),
    ];
    let bad = bad.into_iter().chain([
        (400, "marked base64 but is not"),
        (400, "must be a JSON object"),
        (405, "use GET, POST"),
    ]);
    for (response, (status, message)) in responses[6..14].iter().zip(bad) {
        assert_eq!(response["statusCode"], status, "{response}");
        let error = body(response)["error"].as_str().unwrap().to_owned();
        assert!(error.contains(message), "{error}");
    }
    assert_eq!(header(&responses[13], "allow"), "GET, POST, OPTIONS");

    assert_eq!(
        responses[14]["class1Prob"],
        want.score().unwrap().p_malicious,
        "direct: {}",
        responses[14]
    );
    assert_eq!(responses[15]["status"], 400, "{}", responses[15]);
    assert_eq!(responses[16]["status"], 400, "{}", responses[16]);
    for (i, response) in responses[17..].iter().enumerate() {
        assert_eq!(response["statusCode"], 200, "event {}: {response}", 17 + i);
        assert_eq!(
            body(response)["class1Prob"],
            want.score().unwrap().p_malicious
        );
    }
    assert_eq!(responses[17]["statusDescription"], "200 OK");
    assert_eq!(
        responses[18]["multiValueHeaders"]["content-type"][0],
        "application/json"
    );
}

// In-process tests of the handler, without a runtime.

fn post(body: &str) -> Value {
    dga_lambda::handle(&rest_v1("POST", body, false))
}

fn json_body(response: &Value) -> Value {
    serde_json::from_str(response["body"].as_str().unwrap()).unwrap()
}

#[test]
fn events_are_told_apart() {
    let gateway = "api.execute-api.us-east-1.amazonaws.com";
    assert_eq!(Source::of(&rest_v1("POST", "", false)), Source::RestApi);
    assert_eq!(
        Source::of(&http_v2("POST", "", false, gateway)),
        Source::HttpApi
    );
    assert_eq!(
        Source::of(&alb("POST", "", json!({}), true)),
        Source::LoadBalancer { multi_value: true }
    );
    assert_eq!(
        Source::of(&alb("POST", "", json!({}), false)),
        Source::LoadBalancer { multi_value: false }
    );
    for direct in [
        json!({"domain": "a.com"}),
        json!({}),
        Value::Null,
        json!(7),
        json!("a.com"),
    ] {
        assert_eq!(Source::of(&direct), Source::Direct, "{direct}");
    }
}

#[test]
fn post_scores_with_the_original_fields_and_cors() {
    let response = post(r#"{"domain": "plzdonthackmekthxbye.com"}"#);
    assert_eq!(response["statusCode"], 200);
    assert_eq!(response["headers"]["access-control-allow-origin"], "*");
    let body = json_body(&response);
    let features = dga_classifier::MODEL
        .coefficients
        .map(|(f, _)| f.json_name());
    for field in ["label", "class0Prob", "class1Prob", "intercept"]
        .into_iter()
        .chain(features)
    {
        assert!(body.get(field).is_some(), "{field} missing from {body}");
    }
    assert_eq!(body["label"], 1);
}

#[test]
fn preflight_get_and_other_methods() {
    let preflight = dga_lambda::handle(&rest_v1("OPTIONS", "", false));
    assert_eq!(preflight["statusCode"], 204);
    assert_eq!(
        preflight["headers"]["access-control-allow-methods"],
        "GET, POST, OPTIONS"
    );
    let mut get = rest_v1("GET", "", false);
    get["queryStringParameters"] = json!({"domain": "zyxgifnjobqhzptuodmzov.ru"});
    let answer = dga_lambda::handle(&get);
    assert_eq!(answer["statusCode"], 200, "{answer}");
    let want = dga_classifier::classify("zyxgifnjobqhzptuodmzov.ru").unwrap();
    assert_eq!(
        json_body(&answer)["class1Prob"],
        want.score().unwrap().p_malicious
    );
    get["queryStringParameters"] = Value::Null;
    assert_eq!(dga_lambda::handle(&get)["statusCode"], 400);
    let delete = dga_lambda::handle(&rest_v1("DELETE", "", false));
    assert_eq!(delete["statusCode"], 405);
    assert_eq!(delete["headers"]["allow"], "GET, POST, OPTIONS");
    assert!(json_body(&delete)["error"]
        .as_str()
        .unwrap()
        .contains("POST"));
}

#[test]
fn bad_input_is_a_4xx() {
    let long = format!(r#"{{"domain": "{}"}}"#, "a".repeat(5000));
    for (body, status) in [
        ("{", 400),
        ("{}", 400),
        ("7", 400),
        ("[]", 400),
        (r#"{"domain": []}"#, 400),
        (r#"{"domain": "a..b"}"#, 422),
        (long.as_str(), 413),
    ] {
        let response = post(body);
        assert_eq!(response["statusCode"], status, "{body:.40}");
        assert!(json_body(&response)["error"].is_string());
    }
    let broken = dga_lambda::handle(&rest_v1("POST", "not base64!", true));
    assert_eq!(broken["statusCode"], 400);
    assert!(json_body(&broken)["error"]
        .as_str()
        .unwrap()
        .contains("base64"));
}

#[test]
fn a_direct_invocation_is_answered_with_the_json_itself() {
    let answer = dga_lambda::handle(&json!({"domain": "mail.google.com"}));
    let want = dga_classifier::classify("mail.google.com").unwrap();
    assert_eq!(
        answer["class1Prob"],
        want.score().unwrap().p_malicious,
        "{answer}"
    );
    assert!(answer.get("statusCode").is_none());
    // A name no DGA can have made is an answer, with the reason, not an error.
    let answer = dga_lambda::handle(&json!({"domain": "1.0.0.127.in-addr.arpa"}));
    assert_eq!(
        (
            &answer["verdict"],
            &answer["unscored"],
            &answer["class1Prob"]
        ),
        (&json!("unscored"), &json!("reverse-lookup"), &Value::Null),
        "{answer}"
    );
    for (event, status, message) in [
        (json!({}), 400, "missing field `domain`"),
        (Value::Null, 400, "must be a JSON object"),
        (json!(7), 400, "must be a JSON object"),
        (json!({"domain": "exa\tmple.com"}), 422, "invalid character"),
    ] {
        let answer = dga_lambda::handle(&event);
        assert_eq!(answer["status"], status, "{event}: {answer}");
        assert!(
            answer["error"].as_str().unwrap().contains(message),
            "{answer}"
        );
    }
}

#[test]
fn fpr_in_the_body_picks_the_operating_point() {
    let name = support::name_between_operating_points();
    let score = dga_classifier::classify(name)
        .unwrap()
        .score()
        .copied()
        .unwrap();
    let mut labels = Vec::new();
    for point in dga_classifier::MODEL.operating_points {
        let body = format!(
            r#"{{"domain": "{name}", "fpr": {}}}"#,
            point.false_positive_rate
        );
        let response = post(&body);
        assert_eq!(response["statusCode"], 200);
        let reply = json_body(&response);
        let malicious = point.verdict(&score) == dga_classifier::Verdict::Malicious;
        assert_eq!(reply["label"], u8::from(malicious), "{body}: {reply}");
        assert_eq!(reply["falsePositiveRate"], point.false_positive_rate);
        labels.push(malicious);
    }
    assert!(
        labels.contains(&true) && labels.contains(&false),
        "{labels:?}"
    );
    let unknown = format!(r#"{{"domain": "{name}", "fpr": 0.37}}"#);
    let response = post(&unknown);
    assert_eq!(response["statusCode"], 400);
    assert!(json_body(&response)["error"]
        .as_str()
        .unwrap()
        .contains("no operating point"));
}

/// JSON that the Runtime API delivers but a Rust string or the JSON reader's depth cannot hold,
/// and an ALB's percent-encoded query: each was an invocation error or a wrong answer before.
#[test]
fn what_aws_delivers_is_always_answered() {
    let mut gateway_with_a_lone_surrogate =
        http_v2("POST", r#"{"domain": "google.com"}"#, false, "x");
    gateway_with_a_lone_surrogate["headers"]["x-odd"] = json!("PLACEHOLDER");
    let deep = format!(
        r#"{{"domain": "google.com", "x": {}{}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    let events = vec![
        String::from(r#"{"domain": "\ud800"}"#),
        String::from(r#"{"domain": "google.com", "note": "\udc00\ud83d\ude00\\ud800"}"#),
        gateway_with_a_lone_surrogate
            .to_string()
            .replace("PLACEHOLDER", "\\ud800"),
        deep,
        alb("GET", "", json!({"domain": "google%2Ecom"}), false).to_string(),
        alb(
            "GET",
            "",
            json!({"domain": "google%2Ecom", "fpr": "0%2E01"}),
            true,
        )
        .to_string(),
        alb("GET", "", json!({"domain": "%ff.com"}), false).to_string(),
    ];
    let (responses, _) = invoke(events);
    // A lone surrogate is read as U+FFFD: a name, answered without a score.
    assert_eq!(responses[0]["verdict"], "unscored", "{}", responses[0]);
    assert_eq!(
        responses[0]["unscored"], "internationalised",
        "{}",
        responses[0]
    );
    // A pair stays a pair, an escaped backslash stays one, and the domain is scored.
    assert_eq!(responses[1]["scoredLabel"], "google", "{}", responses[1]);
    assert_eq!(responses[2]["statusCode"], 200, "{}", responses[2]);
    assert_eq!(body(&responses[2])["scoredLabel"], "google");
    assert_eq!(responses[3]["status"], 400, "{}", responses[3]);
    assert!(responses[3]["error"]
        .as_str()
        .unwrap()
        .contains("recursion limit"));
    for response in &responses[4..6] {
        assert_eq!(response["statusCode"], 200, "{response}");
        assert_eq!(body(response)["scoredLabel"], "google", "{response}");
    }
    assert_eq!(body(&responses[5])["falsePositiveRate"], 0.01);
    assert_eq!(responses[6]["statusCode"], 400, "{}", responses[6]);
    assert!(body(&responses[6])["error"]
        .as_str()
        .unwrap()
        .contains("not UTF-8 once percent-decoded"));
}
