//! What the tests of the programs share: the local server, and a small HTTP/1.1 client.
#![allow(dead_code)] // each test file uses its own part

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

/// Checks a program's response names the model this test was built with: cargo builds the
/// binaries of a test's package with the test, under the same `DGA_*` variables, so any other
/// name means the binary is not the one this test was built beside.
pub fn assert_built_with_this_model(response: &Value) {
    assert_eq!(
        response["model"],
        dga_classifier::MODEL.name,
        "the program answered with another model than this test's"
    );
}

/// Sends one HTTP/1.1 request to `addr`; returns the status, the head (lowercased) and the body.
pub fn http(
    addr: &str,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    // A server may answer (413) before reading a long body, and close.
    let _ = stream.write_all(body);
    // Read to the end of the message, not of the connection: chromedriver keeps it open.
    let mut response = Vec::new();
    let mut buffer = [0u8; 8192];
    let (split, head) = loop {
        if let Some(split) = response.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&response[..split]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map(|v| v.trim().parse::<usize>().unwrap());
            let body = &response[split + 4..];
            let complete = match length {
                Some(length) => body.len() >= length,
                None => {
                    !head.contains("transfer-encoding: chunked") || body.ends_with(b"0\r\n\r\n")
                }
            };
            if complete {
                break (split, head);
            }
        }
        let read = stream.read(&mut buffer).unwrap();
        assert!(
            read > 0,
            "connection closed mid-response: {:?}",
            String::from_utf8_lossy(&response)
        );
        response.extend_from_slice(&buffer[..read]);
    };
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = response[split + 4..].to_vec();
    // Only what the servers under test send: a whole body, or chunks.
    let body = if head.contains("transfer-encoding: chunked") {
        dechunk(&body)
    } else {
        body
    };
    (status, head, body)
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = body
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let size =
            usize::from_str_radix(std::str::from_utf8(&body[..line_end]).unwrap().trim(), 16)
                .unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[line_end + 2..line_end + 2 + size]);
        body = &body[line_end + 4 + size..];
    }
}

/// A JSON request; the reply parsed as JSON.
pub fn http_json(addr: &str, method: &str, path: &str, body: &Value) -> (u16, Value) {
    let bytes = if body.is_null() {
        Vec::new()
    } else {
        serde_json::to_vec(body).unwrap()
    };
    let (status, _, reply) = http(addr, method, path, "application/json", &bytes);
    (
        status,
        serde_json::from_slice(&reply).unwrap_or(Value::Null),
    )
}

/// A running `serve` program, stopped (SIGTERM) when dropped.
pub struct Server {
    pub child: Child,
    pub addr: String,
}

impl Server {
    pub fn start() -> Server {
        Server::start_with(&[])
    }

    /// The server with more command-line arguments than its address.
    pub fn start_with(arguments: &[&str]) -> Server {
        Server::spawn(Command::new(Server::binary()), arguments)
    }

    /// The server under a hard limit of `files` open files, as a shell's `ulimit -n` sets it.
    pub fn start_with_open_files(files: u32) -> Server {
        let mut shell = Command::new("sh");
        shell.args([
            "-c",
            &format!("ulimit -n {files} && exec \"$0\" \"$@\""),
            Server::binary(),
        ]);
        Server::spawn(shell, &[])
    }

    fn binary() -> &'static str {
        // Only the programs' own tests have the server; the Lambda's share the rest of this file.
        let Some(serve) = option_env!("CARGO_BIN_EXE_dga-serve") else {
            panic!("the serve binary is built for the programs' tests only")
        };
        serve
    }

    fn spawn(mut command: Command, arguments: &[&str]) -> Server {
        let mut child = command
            .args(["--addr", "127.0.0.1:0"])
            .args(arguments)
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

    /// Sends the server SIGTERM and waits for it to exit, `within` at most (else panics with
    /// `what`); its exit status and what it wrote to stdout after the listening line.
    pub fn terminate(
        &mut self,
        within: Duration,
        what: &str,
    ) -> (std::process::ExitStatus, String) {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let deadline = std::time::Instant::now() + within;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(std::time::Instant::now() < deadline, "{what}");
            std::thread::sleep(Duration::from_millis(10));
        };
        let mut rest = String::new();
        if let Some(mut stdout) = self.child.stdout.take() {
            stdout.read_to_string(&mut rest).unwrap();
        }
        (status, rest)
    }

    /// One request to the server; the status, the head (lowercased) and the body.
    pub fn request(&self, method: &str, path: &str, body: &[u8]) -> (u16, String, Vec<u8>) {
        http(&self.addr, method, path, "application/json", body)
    }

    pub fn json(&self, method: &str, path: &str, body: &[u8]) -> (u16, Value) {
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

/// A host name the compiled-in model flags at its loosest operating point and not at its
/// strictest, so a test of `fpr` sees the choice change the verdict.
pub fn name_between_operating_points() -> &'static str {
    let points = dga_classifier::MODEL.operating_points;
    assert!(
        points.len() >= 2,
        "the model has fewer than two operating points"
    );
    let (loose, strict) = (points[0], points[points.len() - 1]);
    // Label lengths 5 to 12: short random names sit between the points of every shipped model.
    const CANDIDATES: [&str; 12] = [
        "x7kq2mz.duckdns.org",
        "kzqvbw.com",
        "qwhvjxk.net",
        "tqpwzrbh.org",
        "hjwzw.cn",
        "pmdkqxvlz.com",
        "nawozvat.com",
        "kugkeogu.net",
        "xohuxaoah.me",
        "mesurnotsih.com",
        "zyxgifnjob.ru",
        "bcdfghjklm.com",
    ];
    CANDIDATES
        .into_iter()
        .find(|name| {
            let score = dga_classifier::classify(name)
                .unwrap()
                .score()
                .copied()
                .unwrap();
            loose.verdict(&score) != strict.verdict(&score)
        })
        .expect("no candidate lies between the operating points")
}

/// The program at `path`, started with `args` and every stream piped.
pub fn spawn_program(path: &str, args: &[&str]) -> Child {
    Command::new(path)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Runs the program at `path` with `args` and `stdin` to completion.
pub fn run_program(path: &str, args: &[&str], stdin: impl AsRef<[u8]>) -> Output {
    let mut child = spawn_program(path, args);
    // Written from a thread of its own: the programs write while they still read, and a pipe
    // is only so big.
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.as_ref().to_vec();
    let writer = std::thread::spawn(move || input.write_all(&stdin));
    let output = child.wait_with_output().unwrap();
    // The program may stop reading early (a usage error): a broken pipe is its business.
    let _ = writer.join().unwrap();
    output
}
