//! The local server, for real: the built `serve` program on a loopback port, spoken to over TCP.

mod support;

use std::io::Read;
use std::process::Command;
use std::time::Duration;
use support::Server;

#[test]
fn serves_the_page() {
    let server = Server::start();
    let (status, head, body) = server.request("GET", "/", b"");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html"), "{head}");
    let page = String::from_utf8(body).unwrap();
    assert!(page.contains(r#"<input id="domain""#));
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "the page loads nothing from elsewhere"
    );
}

#[test]
fn classifies_by_post_and_by_get() {
    let server = Server::start();
    let (status, post) = server.json(
        "POST",
        "/classify",
        br#"{"domain": "WWW.plzdonthackmekthxbye.com."}"#,
    );
    assert_eq!(status, 200, "{post}");
    support::assert_built_with_this_model(&post);
    let c = dga_classifier::classify("plzdonthackmekthxbye").unwrap();
    assert_eq!(post["label"], 1);
    assert_eq!(post["class1Prob"], c.score().unwrap().p_malicious);
    assert_eq!(post["scoredLabel"], "plzdonthackmekthxbye");
    for (feature, _) in dga_classifier::MODEL.coefficients {
        let value = post["features"][feature.json_name()].as_f64();
        assert_eq!(
            value,
            Some(feature.value(&dga_classifier::features(&c.label))),
            "{feature:?}"
        );
    }
    // The explanation: a typical legitimate name's log-odds, then one term per model term
    // measured against it, adding up to the log-odds; each term's own field keeps the original's
    // contribution, coefficient × value.
    let score = c.score().unwrap();
    let terms = post["terms"].as_array().unwrap();
    assert_eq!(terms.len(), 1 + score.terms.len());
    assert_eq!(terms[0]["contribution"], score.typical_log_odds);
    let mut sum = 0.0;
    for term in terms {
        sum += term["contribution"].as_f64().unwrap();
    }
    for (term, library) in terms[1..].iter().zip(score.terms) {
        assert_eq!(term["contribution"], library.versus_typical);
        assert_eq!(
            post[term["term"].as_str().unwrap()],
            library.contribution,
            "{term}"
        );
    }
    assert!(
        (sum - score.log_odds).abs() < 1e-9,
        "{sum} {}",
        score.log_odds
    );
    assert_eq!(post["logOdds"], score.log_odds);
    assert_eq!(
        post["flaggedAtFalsePositiveRate"].as_f64(),
        score.flagged_at_false_positive_rate()
    );
    assert_eq!(post["model"], dga_classifier::MODEL.name);

    let (status, get) = server.json("GET", "/classify?domain=wikipedia.org", b"");
    assert_eq!(status, 200, "{get}");
    assert_eq!(get["label"], 0);
    assert_eq!(get["scoredLabel"], "wikipedia");
}

#[test]
fn judges_at_the_operating_point_asked_for() {
    let server = Server::start();
    let (status, model) = server.json("GET", "/model", b"");
    assert_eq!(status, 200, "{model}");
    let points = dga_classifier::MODEL.operating_points;
    assert_eq!(
        model["operatingPoints"].as_array().unwrap().len(),
        points.len()
    );
    assert_eq!(model["threshold"], dga_classifier::MODEL.threshold);
    let name = support::name_between_operating_points();
    let score = dga_classifier::classify(name)
        .unwrap()
        .score()
        .copied()
        .unwrap();
    let mut verdicts = Vec::new();
    for point in points {
        let rate = point.false_positive_rate;
        let body = format!(r#"{{"domain": "{name}", "fpr": {rate}}}"#);
        let (status, post) = server.json("POST", "/classify", body.as_bytes());
        assert_eq!(status, 200, "{post}");
        let (status, get) = server.json("GET", &format!("/classify?domain={name}&fpr={rate}"), b"");
        assert_eq!(status, 200, "{get}");
        let malicious = point.verdict(&score) == dga_classifier::Verdict::Malicious;
        for reply in [&post, &get] {
            assert_eq!(reply["label"], u8::from(malicious), "{rate}: {reply}");
            assert_eq!(
                reply["verdict"],
                if malicious { "malicious" } else { "legitimate" }
            );
            assert_eq!(reply["threshold"], point.threshold);
            assert_eq!(reply["falsePositiveRate"], rate);
        }
        verdicts.push(malicious);
    }
    assert!(
        verdicts.contains(&true) && verdicts.contains(&false),
        "{verdicts:?}"
    );
    let (status, default) = server.json("GET", &format!("/classify?domain={name}"), b"");
    assert_eq!(status, 200);
    assert_eq!(default["threshold"], dga_classifier::MODEL.threshold);
    for (path, body) in [
        (format!("/classify?domain={name}&fpr=0.37"), String::new()),
        (format!("/classify?domain={name}&fpr=often"), String::new()),
        (
            String::from("/classify"),
            format!(r#"{{"domain": "{name}", "fpr": 0.37}}"#),
        ),
        (
            String::from("/classify"),
            format!(r#"{{"domain": "{name}", "fpr": "0.01"}}"#),
        ),
    ] {
        let method = if body.is_empty() { "GET" } else { "POST" };
        let (status, reply) = server.json(method, &path, body.as_bytes());
        assert_eq!(status, 400, "{path} {body}: {reply}");
        assert!(
            reply["error"].as_str().unwrap().contains("fpr")
                || reply["error"].as_str().unwrap().contains("operating point"),
            "{reply}"
        );
    }
}

#[test]
fn bad_input_is_a_4xx_with_an_error() {
    let server = Server::start();
    let too_long = format!(r#"{{"domain": "{}"}}"#, "a".repeat(5000));
    let cases: [(&str, &str, &[u8], u16, &str); 7] = [
        ("POST", "/classify", b"{not json", 400, "malformed JSON"),
        (
            "POST",
            "/classify",
            br#"{"name": "example.com"}"#,
            400,
            "missing field `domain`",
        ),
        (
            "POST",
            "/classify",
            br#"{"domain": 42}"#,
            400,
            "must be a string",
        ),
        (
            "POST",
            "/classify",
            br#"{"domain": "exa\tmple.com"}"#,
            422,
            "invalid character '\\t'",
        ),
        (
            "POST",
            "/classify",
            br#"{"domain": ""}"#,
            422,
            "empty domain name",
        ),
        (
            "POST",
            "/classify",
            too_long.as_bytes(),
            413,
            "over the limit of 4096 bytes",
        ),
        ("GET", "/classify", b"", 400, "missing field `domain`"),
    ];
    for (method, path, body, want_status, want_error) in cases {
        let (status, reply) = server.json(method, path, body);
        let shown = String::from_utf8_lossy(&body[..body.len().min(40)]);
        assert_eq!(status, want_status, "{method} {path} {shown}: {reply}");
        let error = reply["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no error field: {reply}"));
        assert!(error.contains(want_error), "{shown}: {error}");
    }
}

#[test]
fn stops_gracefully_on_sigterm() {
    let mut server = Server::start();
    assert_eq!(server.request("GET", "/", b"").0, 200);
    let (status, rest) = server.terminate(Duration::from_secs(30), "still running after SIGTERM");
    assert!(status.success(), "exit status {status}");
    assert!(rest.contains("stopped"), "{rest:?}");
}

/// A supervisor may stop the server the moment it says it listens: the signal must not be lost
/// (the server once registered its handler only when its accept loop first looked, so a SIGTERM
/// that came first killed it, or, inside tokio's registration, was never seen).
#[test]
fn a_sigterm_right_after_the_listening_line_stops_it_gracefully() {
    for _ in 0..20 {
        let mut server = Server::start();
        let (status, rest) =
            server.terminate(Duration::from_secs(20), "still running 20 s after SIGTERM");
        assert!(status.success(), "exit status {status}");
        assert!(rest.contains("stopped"), "{rest:?}");
    }
}

#[test]
fn help_prints_usage_and_bad_arguments_exit_2() {
    let help = Command::new(env!("CARGO_BIN_EXE_dga-serve"))
        .arg("--help")
        .output()
        .unwrap();
    assert_eq!(help.status.code(), Some(0));
    let usage = String::from_utf8(help.stdout).unwrap();
    assert!(
        usage.starts_with("usage: dga-serve [--addr IP:PORT]"),
        "{usage}"
    );
    let bad = Command::new(env!("CARGO_BIN_EXE_dga-serve"))
        .arg("--port")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8(bad.stderr)
        .unwrap()
        .contains("unknown argument"));
    for threads in ["0", "many"] {
        let bad = Command::new(env!("CARGO_BIN_EXE_dga-serve"))
            .args(["--threads", threads])
            .output()
            .unwrap();
        assert_eq!(bad.status.code(), Some(2), "--threads {threads}");
        assert!(String::from_utf8(bad.stderr)
            .unwrap()
            .contains("--threads takes 1 to 1024"));
    }
}

#[test]
fn threads_sets_how_many_serve_requests() {
    for threads in [1, 3] {
        let server = Server::start_with(&["--threads", &threads.to_string()]);
        let (status, _) = server.json("POST", "/classify", br#"{"domain": "google.com"}"#);
        assert_eq!(status, 200);
        // How tokio names its workers. They start with the runtime, but on a loaded machine a
        // worker may not have named itself yet: wait for it, for at most 10 s.
        let tasks = format!("/proc/{}/task", server.child.id());
        let count = || {
            std::fs::read_dir(&tasks)
                .unwrap()
                .filter(|task| {
                    let comm = task.as_ref().unwrap().path().join("comm");
                    std::fs::read_to_string(comm).is_ok_and(|c| c.trim() == "tokio-rt-worker")
                })
                .count()
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let mut workers = count();
        while workers < threads && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
            workers = count();
        }
        assert_eq!(workers, threads);
    }
}

/// Sends `raw` on a new connection and reads until the server closes it, for at most `limit`:
/// what came back, and whether the server closed the connection.
fn exchange(addr: &str, raw: &[u8], limit: std::time::Duration) -> (String, bool) {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.write_all(raw).unwrap();
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut received = Vec::new();
    let closed = stream.read_to_end(&mut received).is_ok();
    (String::from_utf8_lossy(&received).into_owned(), closed)
}

#[test]
fn unknown_paths_wrong_methods_and_bad_bodies_get_json_errors() {
    let server = Server::start();
    let (status, head, body) = server.request("DELETE", "/classify", b"");
    assert_eq!(status, 405);
    let allow = head
        .lines()
        .find(|l| l.starts_with("allow:"))
        .unwrap_or_default();
    assert!(allow.contains("get") && allow.contains("post"), "{head}");
    let error: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(error["error"]
        .as_str()
        .unwrap()
        .contains("method not allowed"));
    let (status, not_found) = server.json("GET", "/nowhere", b"");
    assert_eq!(status, 404);
    assert!(not_found["error"].as_str().unwrap().contains("not found"));
    let (status, head, _) = server.request("POST", "/", b"");
    assert_eq!(status, 405, "{head}");
    // A malformed chunked body is malformed, not too large.
    let chunked = b"POST /classify HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\
                    Connection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n";
    let (reply, _) = exchange(&server.addr, chunked, std::time::Duration::from_secs(10));
    assert!(reply.starts_with("HTTP/1.1 400"), "{reply}");
    assert!(
        reply.contains(r#"{"error":"malformed request body"#),
        "{reply}"
    );
}

#[test]
fn an_http_1_1_request_without_host_is_a_400() {
    let server = Server::start();
    let limit = std::time::Duration::from_secs(10);
    let bare = b"GET /classify?domain=google.com HTTP/1.1\r\nConnection: close\r\n\r\n";
    let (reply, _) = exchange(&server.addr, bare, limit);
    assert!(reply.starts_with("HTTP/1.1 400"), "{reply}");
    assert!(reply.contains("needs a Host header"), "{reply}");
    let with_host =
        b"GET /classify?domain=google.com HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let (reply, _) = exchange(&server.addr, with_host, limit);
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    // HTTP/1.0 had no Host.
    let old = b"GET /classify?domain=google.com HTTP/1.0\r\n\r\n";
    let (reply, _) = exchange(&server.addr, old, limit);
    assert!(reply.starts_with("HTTP/1.0 200"), "{reply}");
}

#[test]
fn what_hyper_cannot_parse_gets_a_json_error_too() {
    let server = Server::start();
    let long_uri = format!(
        "GET /classify?domain={}.com HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(70_000)
    );
    let many_headers = format!(
        "GET /classify?domain=a.com HTTP/1.1\r\nHost: x\r\n{}\r\n",
        (0..150)
            .map(|i| format!("X-{i}: y\r\n"))
            .collect::<String>()
    );
    // A head of 64 KiB, in one header: no connection holds more than 16 KiB of head.
    let big_head = format!(
        "GET /classify?domain=a.com HTTP/1.1\r\nHost: x\r\nCookie: {}\r\n\r\n",
        "c".repeat(64 * 1024)
    );
    let too_large = "request head too large";
    for (raw, status, message) in [
        (String::from("GARBAGE\r\n\r\n"), 400, "malformed request"),
        (long_uri, 431, too_large),
        (many_headers, 431, too_large),
        (big_head, 431, too_large),
        // A client assuming HTTP/2 (prior knowledge) is told, not dropped.
        (
            String::from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
            505,
            "HTTP/2 is not served",
        ),
    ] {
        let (reply, _) = exchange(
            &server.addr,
            raw.as_bytes(),
            std::time::Duration::from_secs(10),
        );
        assert!(
            reply.starts_with(&format!("HTTP/1.1 {status} ")),
            "{reply:.200}"
        );
        let (head, body) = reply.split_once("\r\n\r\n").unwrap();
        assert!(head.contains("content-type: application/json"), "{head}");
        assert!(
            head.contains(&format!("content-length: {}", body.len())),
            "{head}"
        );
        let error: serde_json::Value = serde_json::from_str(body).unwrap();
        assert!(error["error"].as_str().unwrap().contains(message), "{body}");
    }
    // The connections hyper gave up on did not take the server with them, and a head just under
    // the limit is served.
    let (status, _) = server.json("GET", "/classify?domain=a.com", b"");
    assert_eq!(status, 200);
    let under = format!(
        "GET /classify?domain=a.com HTTP/1.1\r\nHost: x\r\nCookie: {}\r\nConnection: close\r\n\r\n",
        "c".repeat(15 * 1024)
    );
    let (reply, _) = exchange(
        &server.addr,
        under.as_bytes(),
        std::time::Duration::from_secs(10),
    );
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply:.200}");
}

#[test]
fn slow_and_idle_clients_are_closed() {
    let server = Server::start();
    let wait = std::time::Duration::from_secs(20);
    // Headers that never end, and a connection that never sends anything: closed, unanswered.
    for raw in [
        &b"GET /classify?domain=a.com HTTP/1.1\r\nHost: x\r\nX-Slow: "[..],
        b"",
    ] {
        let (reply, closed) = exchange(&server.addr, raw, wait);
        assert!(
            closed && reply.is_empty(),
            "{raw:?}: closed {closed}, {reply:?}"
        );
    }
    // A body that never ends: a 408 with a JSON error.
    let stalled = b"POST /classify HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"dom";
    let (reply, _) = exchange(&server.addr, stalled, wait);
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(
        reply.contains(r#"{"error":"the request body did not arrive"#),
        "{reply}"
    );
    // The server still answers.
    assert_eq!(server.request("GET", "/classify?domain=a.com", b"").0, 200);
}

#[test]
fn shutdown_ends_whatever_the_clients_hold() {
    use std::io::Write;
    let mut server = Server::start();
    // One client half-way through its headers, one half-way through its body.
    let mut held = Vec::new();
    for raw in [
        &b"GET /classify?domain=a.com HTTP/1.1\r\nHost: x\r\n"[..],
        b"POST /classify HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{",
    ] {
        let mut stream = std::net::TcpStream::connect(&server.addr).unwrap();
        stream.write_all(raw).unwrap();
        held.push(stream);
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let (status, _) = server.terminate(
        Duration::from_secs(30),
        "the server did not stop while clients held half-sent requests",
    );
    assert!(status.success(), "exit status {status}");
    drop(held);
}

/// A client that sends requests and never reads the answers is closed once the server's writes
/// have waited the write timeout (10 s), instead of holding its connection for ever.
#[test]
fn a_client_that_never_reads_is_closed() {
    use std::io::{Read, Write};
    let server = Server::start();
    let mut stream = std::net::TcpStream::connect(&server.addr).unwrap();
    // Far more answers (about 1.5 KB each) than the two sockets' buffers hold.
    let requests = "GET /classify?domain=google.com HTTP/1.1\r\nHost: x\r\n\r\n".repeat(4_000);
    let mut writer = stream.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        let _ = writer.write_all(requests.as_bytes());
    });
    std::thread::sleep(std::time::Duration::from_secs(14));
    // Reading now: a server that had waited would go on answering all 4,000.
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    let mut received = Vec::new();
    let _ = stream.read_to_end(&mut received);
    let answers = received
        .windows(15)
        .filter(|w| *w == b"HTTP/1.1 200 OK")
        .count();
    assert!(
        answers > 0 && answers < 4_000,
        "{answers} answers of 4,000: the connection was not closed at the write timeout"
    );
    sender.join().unwrap();
    // The server serves others as before.
    assert_eq!(server.json("GET", "/model", b"").0, 200);
}

/// One client address may hold an eighth of the connections (at least 16): past that it is
/// told so and closed, and a connection it gives back is its to take again.
#[test]
fn one_address_cannot_take_every_connection() {
    // 128 open files: 96 connections, 16 for one address.
    let server = Server::start_with_open_files(128);
    let idle: Vec<std::net::TcpStream> = (0..16)
        .map(|_| std::net::TcpStream::connect(&server.addr).unwrap())
        .collect();
    let limit = std::time::Duration::from_secs(10);
    let request = b"GET /model HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let (reply, closed) = exchange(&server.addr, request, limit);
    assert!(reply.starts_with("HTTP/1.1 503"), "{reply}");
    assert!(
        reply.contains("too many connections from your address"),
        "{reply}"
    );
    assert!(closed);
    drop(idle);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let (reply, _) = exchange(&server.addr, request, limit);
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
}
