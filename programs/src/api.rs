//! The JSON API of the programs, one code path for all of them: the Lambda function, the local
//! server and the command-line scorer.
//!
//! Request: `{"domain": "<host name>"}`, optionally with `"fpr": <rate>` to judge at one of the
//! model's operating points instead of its default (the CLI's `--fpr`, the server's `fpr=`).
//! Response: the original application's fields (SPEC §3:
//! `label`, `class0Prob`, `class1Prob` and each term's contribution to the log-odds, from the
//! crate's `serde` feature), plus what the original left out: the label scored, the suffix right
//! of it with its kind and the reason that label was scored (`suffix`, `suffixKind`, `reason`), the feature
//! values, `terms` (the explanation, for clients that show it without knowing the model: a
//! typical legitimate name's log-odds, then each feature's value, its typical value and its
//! contribution against the typical name's, summing to the log-odds), the log-odds, `verdict`,
//! the threshold applied and the false-positive rate it was set for (`falsePositiveRate`, null
//! for a max-F1 threshold), how unusual the name is among legitimate names
//! (`flaggedAtFalsePositiveRate`: the share of legitimate validation names scoring at least as
//! high), and the model's name.
//! Errors: `{"error": "<what>"}`.

use dga_classifier::{classify, Classification, OperatingPoint, Score, Verdict, MODEL};
use serde_json::{json, Value};

pub mod dns_log;

/// A command line read the way Unix tools read theirs: `--name value` and `--name=value`, short
/// flags (`-f value`), `-` alone as an argument (stdin), and `--` ending the options.
pub struct Arguments {
    rest: std::vec::IntoIter<String>,
    only_arguments: bool,
    /// The value given with `=` to the option just read.
    inline: Option<String>,
    /// The option just read, for messages.
    option: String,
}

/// One item of a command line.
pub enum Argument {
    /// An option, by name (`--window`, `-f`); its value, if it takes one, comes from
    /// [`Arguments::value`].
    Option(String),
    /// Anything else: a file, a name.
    Plain(String),
}

impl Arguments {
    /// The process's arguments, its name left out.
    pub fn from_env() -> Arguments {
        Arguments::new(std::env::args().skip(1).collect())
    }

    /// `arguments`, as a command line.
    pub fn new(arguments: Vec<String>) -> Arguments {
        Arguments {
            rest: arguments.into_iter(),
            only_arguments: false,
            inline: None,
            option: String::new(),
        }
    }

    /// The next item; an error for an option given a value with `=` that its reader never took.
    pub fn next_argument(&mut self) -> Result<Option<Argument>, String> {
        if let Some(value) = self.inline.take() {
            return Err(format!("{} takes no value, not {value:?}", self.option));
        }
        let Some(arg) = self.rest.next() else {
            return Ok(None);
        };
        if self.only_arguments || arg == "-" || !arg.starts_with('-') {
            return Ok(Some(Argument::Plain(arg)));
        }
        if arg == "--" {
            self.only_arguments = true;
            return self.next_argument();
        }
        let (option, inline) = match arg.split_once('=') {
            Some((option, value)) if option.starts_with("--") => {
                (option.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        self.inline = inline;
        self.option.clone_from(&option);
        Ok(Some(Argument::Option(option)))
    }

    /// The value of the option just read: after `=`, or the next argument. `what` says what it
    /// should be, for the message when it is missing.
    pub fn value(&mut self, what: &str) -> Result<String, String> {
        self.inline
            .take()
            .or_else(|| self.rest.next())
            .ok_or_else(|| format!("{} needs {what}", self.option))
    }
}

/// A command-line program's `main`: `--help` or `-h` anywhere prints `usage`; otherwise `run`,
/// whose count of bad input lines makes the exit code 0 or 1, and whose error is printed as
/// `<program>: <error>` with exit code 2.
pub fn command_line(
    program: &str,
    usage: &str,
    run: impl FnOnce() -> Result<u64, String>,
) -> std::process::ExitCode {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        print_line(usage);
        return std::process::ExitCode::SUCCESS;
    }
    match run() {
        Ok(0) => std::process::ExitCode::SUCCESS,
        Ok(_) => std::process::ExitCode::from(1),
        Err(message) => {
            eprintln!("{program}: {message} ({program} --help for usage)");
            std::process::ExitCode::from(2)
        }
    }
}

/// Writes a line to standard output, for a person: a reader that has gone (`--help | grep -q`,
/// `dga-serve | head -1`) is no reason to panic, which is what `println!` does.
pub fn print_line(text: impl std::fmt::Display) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

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
    match serde_json::from_slice(body) {
        Ok(request) => classify_request(&request),
        Err(e) => error(400, format!("malformed JSON: {e}")),
    }
}

/// Answers a request already parsed from JSON: `{"domain": "...", "fpr": ...}`.
pub fn classify_request(request: &Value) -> Reply {
    if !request.is_object() {
        return error(
            400,
            format!(
                "the request must be a JSON object {{\"domain\": \"example.com\"}}, not {request}"
            ),
        );
    }
    let point = match request.get("fpr") {
        None | Some(Value::Null) => None,
        Some(Value::Number(rate)) => match operating_point(&rate.to_string()) {
            Ok(point) => Some(point),
            Err(message) => return bad_request(message),
        },
        Some(other) => return error(400, format!("`fpr` must be a number, not {other}")),
    };
    match request.get("domain") {
        Some(Value::String(domain)) => classify_domain(domain, point),
        Some(other) => error(400, format!("`domain` must be a string, not {other}")),
        None => missing_domain(),
    }
}

/// Answers a query string's `domain` and `fpr` parameters (`GET /classify?domain=...`).
pub fn classify_query(domain: Option<&str>, fpr: Option<&str>) -> Reply {
    let point = match fpr.map(operating_point) {
        None => None,
        Some(Ok(point)) => Some(point),
        Some(Err(message)) => return bad_request(message),
    };
    match domain {
        Some(domain) => classify_domain(domain, point),
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

/// The answer to a method other than `allowed` (its `Allow` header is the server's to add).
pub fn method_not_allowed(allowed: &str) -> Reply {
    error(405, format!("method not allowed: use {allowed}"))
}

/// The answer to a path the server does not have.
pub fn not_found() -> Reply {
    error(
        404,
        String::from("not found: the API is POST or GET /classify, and GET /model"),
    )
}

/// The answer to a client address that holds as many connections as one may.
pub fn too_many_connections() -> Reply {
    error(
        503,
        String::from("too many connections from your address: close some, or reuse one"),
    )
}

/// The answer to a client speaking HTTP/2, which the server does not.
pub fn http_version_not_supported() -> Reply {
    error(
        505,
        String::from("HTTP/2 is not served here: send HTTP/1.1 (curl --http1.1)"),
    )
}

/// The answer to a body not sent within `limit`.
pub fn body_timeout(limit: std::time::Duration) -> Reply {
    error(
        408,
        format!("the request body did not arrive within {limit:?}"),
    )
}

/// The model's operating point for the false-positive rate written in `rate` (`0.001`, `1e-3`).
pub fn operating_point(rate: &str) -> Result<OperatingPoint, String> {
    let available = || {
        let rates: Vec<String> = MODEL
            .operating_points
            .iter()
            .map(|p| p.false_positive_rate.to_string())
            .collect();
        match rates.is_empty() {
            true => format!("model {} has no operating points", MODEL.name),
            false => format!("model {} has {}", MODEL.name, rates.join(", ")),
        }
    };
    let parsed: f64 = rate
        .trim()
        .parse()
        .map_err(|_| format!("fpr {rate:?} is not a number ({})", available()))?;
    MODEL.operating_point(parsed).ok_or_else(|| {
        format!(
            "no operating point at a false-positive rate of {rate} ({})",
            available()
        )
    })
}

/// The verdict on `score` at `point`, or at the model's default threshold.
pub fn verdict(score: &Score, point: Option<OperatingPoint>) -> Verdict {
    point.map_or(score.verdict, |p| p.verdict(score))
}

/// The verdict's name in every output: `malicious`, `legitimate`, or `unscored` for a name
/// with no score.
pub fn verdict_name(c: &Classification, point: Option<OperatingPoint>) -> &'static str {
    match c.score().map(|score| verdict(score, point)) {
        Some(Verdict::Malicious) => "malicious",
        Some(Verdict::Legitimate) => "legitimate",
        None => "unscored",
    }
}

/// The compiled-in model's name, default threshold and operating points, for clients that
/// offer a choice (`GET /model`).
pub fn model_info() -> Value {
    let points: Vec<Value> = MODEL
        .operating_points
        .iter()
        .map(|p| json!({ "falsePositiveRate": p.false_positive_rate, "threshold": p.threshold }))
        .collect();
    json!({
        "model": MODEL.name,
        "threshold": MODEL.threshold,
        "falsePositiveRate": MODEL.threshold_false_positive_rate,
        "operatingPoints": points,
        // The least `flaggedAtFalsePositiveRate` can be: a name scoring above every listed
        // legitimate share gets it.
        "rarestLegitimateShare": MODEL.legitimate_log_odds.last().map(|&(share, _)| share),
    })
}

/// Answers for one host name, judged at `point` (the model's default when `None`).
pub fn classify_domain(domain: &str, point: Option<OperatingPoint>) -> Reply {
    match classify(domain) {
        Ok(c) => Reply {
            status: 200,
            body: response(&c, point),
        },
        Err(e) => error(422, e.to_string()),
    }
}

/// The response body for a classification judged at `point` (the model's default when `None`).
/// A name not scored has `verdict` `unscored`, `unscored` (the reason's name) and `reason`, and
/// no score.
pub fn response(c: &Classification, point: Option<OperatingPoint>) -> Value {
    let mut body = serde_json::to_value(c).expect("a Classification always serialises");
    body["verdict"] = json!(verdict_name(c, point));
    body["scoredLabel"] = json!(c.label.as_str());
    body["suffix"] = json!(c.suffix.as_str());
    body["suffixKind"] = json!(c.suffix_kind.name());
    body["model"] = json!(MODEL.name);
    let Some(s) = c.score() else {
        return body;
    };
    let malicious = verdict(s, point) == Verdict::Malicious;
    body["label"] = json!(u8::from(malicious));
    let (threshold, rate) = match point {
        Some(p) => (p.threshold, Some(p.false_positive_rate)),
        None => (MODEL.threshold, MODEL.threshold_false_positive_rate),
    };
    body["reason"] = json!(c.suffix_kind.reason());
    let mut features = serde_json::Map::new();
    // The explanation starts from a typical legitimate name (the intercept, for a model without
    // one) and adds each feature's contribution against it.
    let mut terms = vec![match MODEL.typical {
        Some(_) => json!({
            "term": "typical",
            "description": "a typical legitimate name",
            "value": null,
            "typical": null,
            "contribution": s.typical_log_odds,
        }),
        None => json!({
            "term": "intercept",
            "description": "intercept",
            "value": null,
            "typical": null,
            "contribution": s.intercept,
        }),
    }];
    for (i, term) in s.terms.iter().enumerate() {
        let feature = term.feature;
        let value = count_or_number(term.value);
        let typical = MODEL.typical.map(|t| count_or_number(t.values[i]));
        features.insert(feature.json_name().into(), value.clone());
        terms.push(json!({
            "term": feature.json_name(),
            "description": feature.description(),
            "value": value,
            "typical": typical,
            "contribution": term.versus_typical,
        }));
    }
    body["flaggedAtFalsePositiveRate"] = json!(s.flagged_at_false_positive_rate());
    body["features"] = features.into();
    body["terms"] = terms.into();
    body["logOdds"] = json!(s.log_odds);
    body["threshold"] = json!(threshold);
    body["falsePositiveRate"] = json!(rate);
    body
}

/// A feature's value as JSON: counts print as the integers they are (`"numWords": 11`, not
/// `11.0`).
fn count_or_number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        json!(value as i64)
    } else {
        json!(value)
    }
}

/// A 400 answer saying `message`.
pub fn bad_request(message: String) -> Reply {
    error(400, message)
}

fn error(status: u16, message: String) -> Reply {
    Reply {
        status,
        body: json!({ "error": message }),
    }
}
