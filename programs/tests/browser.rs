//! The web page, driven in a real headless Chromium through chromedriver (WebDriver protocol,
//! spoken directly): type a domain, read the verdict and contributions; type junk, read the error.
//!
//! Needs Debian's `chromium` and `chromium-driver`, which `.ci/run` installs; `cargo test` lists
//! the test as ignored and `.ci/run` runs it with `--include-ignored`.

mod support;

use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{http_json, Server};

/// The key of a web element reference (W3C WebDriver §12.1).
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A chromedriver process and one browser session, both ended when dropped.
struct Browser {
    driver: Child,
    addr: String,
    session: String,
}

impl Browser {
    fn start() -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .spawn()
            .expect("chromedriver: install Debian's chromium and chromium-driver (.ci/run does)");
        let addr = format!("127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(&addr).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = std::env::temp_dir().join(format!("dga-browser-test-{}", std::process::id()));
        let capabilities = json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     format!("--user-data-dir={}", profile.display())],
        }}}});
        let mut browser = Browser {
            driver,
            addr,
            session: String::new(),
        };
        let reply = browser.command("POST", "/session", capabilities);
        browser.session = reply["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {reply}"))
            .to_owned();
        browser
    }

    fn command(&self, method: &str, path: &str, body: Value) -> Value {
        let (status, reply) = http_json(&self.addr, method, path, &body);
        assert_eq!(status, 200, "{method} {path}: {reply}");
        reply["value"].clone()
    }

    fn session(&self, method: &str, path: &str, body: Value) -> Value {
        self.command(method, &format!("/session/{}{path}", self.session), body)
    }

    fn find_all(&self, css: &str) -> Vec<String> {
        let found = self.session(
            "POST",
            "/elements",
            json!({"using": "css selector", "value": css}),
        );
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                e[ELEMENT]
                    .as_str()
                    .unwrap_or_else(|| panic!("element reference: {e}"))
                    .to_owned()
            })
            .collect()
    }

    fn find(&self, css: &str) -> String {
        self.find_all(css)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no element {css}"))
    }

    fn text(&self, element: &str) -> String {
        self.session("GET", &format!("/element/{element}/text"), Value::Null)
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The text of `css` once it satisfies `done` (the page answers after a 250 ms debounce).
    fn wait_for_text(&self, css: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = self
                .find_all(css)
                .first()
                .map(|e| self.text(e))
                .unwrap_or_default();
            if done(&text) {
                return text;
            }
            assert!(Instant::now() < deadline, "{css} stayed {text:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn type_into(&self, element: &str, text: &str) {
        self.session("POST", &format!("/element/{element}/clear"), json!({}));
        self.session(
            "POST",
            &format!("/element/{element}/value"),
            json!({"text": text}),
        );
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http_json(
                &self.addr,
                "DELETE",
                &format!("/session/{}", self.session),
                &Value::Null,
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[test]
#[ignore = "needs chromium and chromium-driver (apt); run by .ci/run"]
fn page_shows_verdict_contributions_and_errors() {
    let server = Server::start();
    let browser = Browser::start();
    browser.session(
        "POST",
        "/url",
        json!({"url": format!("http://{}/", server.addr)}),
    );
    let input = browser.find("#domain");

    browser.type_into(&input, "plzdonthackmekthxbye.com");
    assert_eq!(
        browser.wait_for_text("#verdict", |t| !t.is_empty()),
        "Malicious"
    );
    let (_, api) = server.json(
        "POST",
        "/classify",
        br#"{"domain": "plzdonthackmekthxbye.com"}"#,
    );
    let terms = api["terms"].as_array().unwrap();
    assert_eq!(terms.len(), 1 + dga_classifier::MODEL.coefficients.len());
    let score = dga_classifier::classify("plzdonthackmekthxbye.com")
        .unwrap()
        .score()
        .copied()
        .unwrap();
    // The explanation starts from a typical legitimate name, and its terms add up to the
    // log-odds.
    let sum: f64 = terms
        .iter()
        .map(|t| t["contribution"].as_f64().unwrap())
        .sum();
    assert!(
        (sum - score.log_odds).abs() < 1e-9,
        "{sum} {}",
        score.log_odds
    );
    assert_eq!(terms[0]["contribution"], score.typical_log_odds);
    for (term, library) in terms[1..].iter().zip(score.terms) {
        let name = term["term"].as_str().unwrap();
        // Measured against the typical label's value; the original's field keeps its own.
        assert_eq!(term["contribution"], library.versus_typical, "{name}");
        assert_eq!(api[name], library.contribution, "{name}");
    }
    for term in terms {
        let name = term["term"].as_str().unwrap();
        let row = format!("tr[data-term={name}]");
        let shown = browser.text(&browser.find(&format!("{row} td.contribution")));
        assert_eq!(
            shown,
            format!("{:.3}", term["contribution"].as_f64().unwrap()),
            "{name}"
        );
        if let Some(typical) = term["typical"].as_f64() {
            let shown = browser.text(&browser.find(&format!("{row} td.typical")));
            assert!(!shown.is_empty() && typical.is_finite(), "{name}");
        }
        if let Some(value) = term["value"].as_f64() {
            let shown = browser.text(&browser.find(&format!("{row} td.value")));
            let want = if value.fract() == 0.0 {
                format!("{value}")
            } else {
                format!("{value:.4}")
            };
            assert_eq!(shown, want, "{name}");
        }
    }
    assert_eq!(
        browser.text(&browser.find("#logodds")),
        format!("{:.3}", api["logOdds"].as_f64().unwrap())
    );
    // How unusual the name is among legitimate names, beside the probability.
    let rarity = browser.text(&browser.find("#rarity"));
    assert!(
        rarity.contains("of legitimate names score this high"),
        "{rarity}"
    );

    // The page says which label was scored and why.
    browser.type_into(&input, "my-lb-1234567890.us-east-1.elb.amazonaws.com");
    let reason = browser.wait_for_text("#reason", |t| t.contains("provider"));
    assert!(reason.contains("(com)"), "{reason}");

    browser.type_into(&input, "wikipedia.org");
    assert_eq!(
        browser.wait_for_text("#verdict", |t| t == "Legitimate"),
        "Legitimate"
    );

    // Each operating point of the model is offered; choosing one changes the verdict and the
    // page says which applies.
    let name = support::name_between_operating_points();
    let score = dga_classifier::classify(name)
        .unwrap()
        .score()
        .copied()
        .unwrap();
    browser.type_into(&input, name);
    browser.wait_for_text("#model", |t| t.contains("P ≥"));
    for point in dga_classifier::MODEL.operating_points {
        let option = browser.find(&format!(
            "#fpr option[value='{}']",
            point.false_positive_rate
        ));
        browser.session("POST", &format!("/element/{option}/click"), json!({}));
        // Judged legitimate but outscoring all but 1 % of legitimate names, it is unusual.
        let unusual = score.flagged_at_false_positive_rate().unwrap() < 0.01;
        let want = match point.verdict(&score) {
            dga_classifier::Verdict::Malicious => "Malicious",
            dga_classifier::Verdict::Legitimate if unusual => "Legitimate, but unusual",
            dga_classifier::Verdict::Legitimate => "Legitimate",
        };
        let percent = format!("flags {} %", 100.0 * point.false_positive_rate);
        browser.wait_for_text("#model", |t| t.contains(&percent));
        assert_eq!(
            browser.wait_for_text("#verdict", |t| t == want),
            want,
            "{point:?}"
        );
    }

    // A name no DGA can have made is answered with the reason, and no score.
    browser.type_into(&input, "printer.home.arpa");
    assert_eq!(
        browser.wait_for_text("#verdict", |t| t == "Not scored"),
        "Not scored"
    );
    let reason = browser.wait_for_text("#reason", |t| !t.is_empty());
    assert!(reason.contains("special-use domain home.arpa"), "{reason}");

    browser.type_into(&input, "a..com");
    assert_eq!(
        browser.wait_for_text("#verdict", |t| t.starts_with('(')),
        "(Invalid input)"
    );
    let error = browser.wait_for_text("#error", |t| !t.is_empty());
    assert!(error.contains("empty label at byte 2"), "{error}");
}
