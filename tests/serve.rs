//! The local server, for real: the built `serve` example on a loopback port, spoken to over TCP.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `serve` example, stopped (SIGTERM) when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start() -> Server {
        // `cargo test` builds the examples next to the test binaries' directory.
        let exe = std::env::current_exe().unwrap();
        let binary = exe
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .join("examples/serve");
        assert!(
            binary.exists(),
            "{} is missing: run `cargo test`, which builds the examples",
            binary.display()
        );
        let mut child = Command::new(binary)
            .args(["--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Server {
            addr: addr.to_owned(),
            child,
        }
    }

    /// Sends one HTTP/1.1 request; returns the status, the headers (lowercased) and the body.
    fn request(&self, method: &str, path: &str, body: &[u8]) -> (u16, String, Vec<u8>) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.addr,
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        // A server may answer (413) before reading a long body, and close.
        let _ = stream.write_all(body);
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let split = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete response");
        let head = String::from_utf8_lossy(&response[..split]).to_ascii_lowercase();
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        (status, head, response[split + 4..].to_vec())
    }

    fn json(&self, method: &str, path: &str, body: &[u8]) -> (u16, Value) {
        let (status, head, body) = self.request(method, path, body);
        assert!(head.contains("content-type: application/json"), "{head}");
        (status, serde_json::from_slice(&body).unwrap())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if !matches!(self.child.try_wait(), Ok(None)) {
            return; // already stopped, by the test itself
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

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
    let c = dga_classifier::classify("plzdonthackmekthxbye").unwrap();
    assert_eq!(post["label"], 1);
    assert_eq!(post["class1Prob"], c.score.p_malicious);
    assert_eq!(post["scoredLabel"], "plzdonthackmekthxbye");
    assert_eq!(post["features"]["numWords"], c.features.num_words);
    let sum: f64 = ["intercept", "length", "entropy", "proVowels", "numWords"]
        .iter()
        .map(|k| post[k].as_f64().unwrap())
        .sum();
    assert_eq!(sum, post["logOdds"].as_f64().unwrap());
    assert_eq!(post["model"], dga_classifier::MODEL.name);

    let (status, get) = server.json("GET", "/classify?domain=wikipedia.org", b"");
    assert_eq!(status, 200, "{get}");
    assert_eq!(get["label"], 0);
    assert_eq!(get["scoredLabel"], "wikipedia");
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
            br#"{"domain": "exa_mple.com"}"#,
            422,
            "invalid character '_'",
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
    Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    let status = server.child.wait().unwrap();
    assert!(status.success(), "exit status {status}");
    let mut rest = String::new();
    server
        .child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut rest)
        .unwrap();
    assert!(rest.contains("stopped"), "{rest:?}");
}
