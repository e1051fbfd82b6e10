//! Scores many domains from the command line.
//!
//! ```text
//! cargo run --release --bin classify -- [--format csv|jsonl] [--fpr RATE] [--file PATH]... [DOMAIN]...
//! ```
//!
//! `--fpr RATE` judges every name at the model's operating point for that false-positive rate
//! (one the model file names, e.g. `0.01`) instead of its default threshold.
//!
//! Domains come from the arguments, from `--file` (one per line; `-` is stdin), or, with neither,
//! from stdin. Output on stdout, in input order: CSV with a header (default: the domain, the label
//! scored, the suffix right of it and its kind, the verdict, the probability, the log-odds, the
//! intercept, then each feature's value and contribution in columns of their own) or JSON lines, the
//! same JSON as the servers' (`programs/src/api.rs`) with the input `domain` added. Every
//! invalid line is reported on stderr with its source and line number, and counted; the exit code
//! is 0 when all lines were valid, 1 when some were not, 2 on a usage or I/O error. Blank lines
//! and `#` comments are skipped; a line that is not UTF-8 or longer than any host name is reported
//! (at most 100 bytes of it, escaped) and the run goes on.
//!
//! Input is read in batches of a fixed number of lines, each batch scored on every core, so
//! memory stays constant whatever the input size. When stderr is a terminal, a progress line
//! shows the count and rate.

use dga_api as api;

use dga_classifier::{classify, Classification, OperatingPoint, Verdict, MODEL};
use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Lines read, scored and written at a time: what bounds memory.
const BATCH_LINES: usize = 1 << 16;

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Csv,
    JsonLines,
}

enum Source {
    Arguments(Vec<String>),
    File(String),
}

/// Longest input line read as a whole: far more than a host name (253 bytes) with a trailing dot
/// and the spaces around it. A longer line is reported without being held in memory.
const MAX_LINE_BYTES: usize = 1024;
/// How much of a bad line an error message shows.
const ECHO_BYTES: usize = 100;

const USAGE: &str = "\
usage: classify [--format csv|jsonl] [--fpr RATE] [--file PATH]... [DOMAIN]...

Scores host names: from the arguments, from each --file (one per line; - is stdin), or from
stdin. Blank lines and lines starting with # are skipped.
  --format csv|jsonl  CSV with a header (default) or JSON lines, in input order
  --fpr RATE          judge at the model's operating point for this false-positive rate
  --file PATH, -f     read names from PATH
  --help, -h          this text
Exit code: 0 all lines valid, 1 some invalid (reported on stderr), 2 usage or I/O error.";

fn main() -> ExitCode {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(message) => {
            eprintln!("classify: {message} (classify --help for usage)");
            ExitCode::from(2)
        }
    }
}

/// What the command line asks for.
struct Options {
    format: Format,
    /// The operating point to judge at; the model's default threshold when `None`.
    point: Option<OperatingPoint>,
    sources: Vec<Source>,
}

fn parse_args() -> Result<Options, String> {
    let mut format = Format::Csv;
    let mut point = None;
    let mut sources = Vec::new();
    let mut domains = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--format" => {
                format = match args.next().as_deref() {
                    Some("csv") => Format::Csv,
                    Some("jsonl") => Format::JsonLines,
                    other => return Err(format!("--format takes csv or jsonl, not {other:?}")),
                }
            }
            "--fpr" => {
                let rate = args.next().ok_or("--fpr needs a false-positive rate")?;
                point = Some(api::operating_point(&rate)?);
            }
            "--file" | "-f" => {
                sources.push(Source::File(args.next().ok_or("--file needs a path")?))
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            domain => domains.push(domain.to_owned()),
        }
    }
    if !domains.is_empty() {
        sources.insert(0, Source::Arguments(domains));
    }
    if sources.is_empty() {
        sources.push(Source::File(String::from("-")));
    }
    Ok(Options {
        format,
        point,
        sources,
    })
}

/// Counts across all sources, and the progress line.
struct Tally {
    domains: u64,
    invalid: u64,
    started: Instant,
    last_shown: Instant,
    show_progress: bool,
}

fn run() -> Result<u64, String> {
    let Options {
        format,
        point,
        sources,
    } = parse_args()?;
    let job = Job { format, point };
    // Every file is opened before anything is written: one that cannot be is a usage error
    // with no output at all.
    let inputs: Vec<Input> = sources
        .into_iter()
        .map(Input::open)
        .collect::<Result<_, _>>()?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    if format == Format::Csv {
        let features: String = MODEL
            .coefficients
            .iter()
            .map(|(f, _)| format!(",{0},{0}_contribution", f.name()))
            .collect();
        writeln!(
            out,
            "domain,scored_label,suffix,suffix_kind,verdict,p_malicious,log_odds,intercept{features}"
        )
        .map_err(|e| format!("stdout: {e}"))?;
    }
    let now = Instant::now();
    let mut tally = Tally {
        domains: 0,
        invalid: 0,
        started: now,
        last_shown: now,
        show_progress: std::io::stderr().is_terminal(),
    };
    for input in inputs {
        match input {
            Input::Arguments(domains) => {
                let lines: Vec<Line> = domains.into_iter().map(Ok).collect();
                score_batch("argument", 1, &lines, job, &mut out, &mut tally)?
            }
            Input::Reader(name, reader) => score_file(&name, reader, job, &mut out, &mut tally)?,
        }
    }
    out.flush().map_err(|e| format!("stdout: {e}"))?;
    if tally.show_progress {
        eprint!("\r\x1b[K");
    }
    let seconds = tally.started.elapsed().as_secs_f64();
    eprintln!(
        "classify: {} lines, {} invalid, {:.1} s ({:.0} lines/s)",
        tally.domains,
        tally.invalid,
        seconds,
        tally.domains as f64 / seconds.max(1e-9)
    );
    Ok(tally.invalid)
}

/// How every line is scored and written.
#[derive(Clone, Copy)]
struct Job {
    format: Format,
    point: Option<OperatingPoint>,
}

/// A source, opened.
enum Input {
    Arguments(Vec<String>),
    Reader(String, Box<dyn BufRead>),
}

impl Input {
    fn open(source: Source) -> Result<Input, String> {
        Ok(match source {
            Source::Arguments(domains) => Input::Arguments(domains),
            Source::File(path) if path == "-" => {
                Input::Reader(String::from("stdin"), Box::new(std::io::stdin().lock()))
            }
            Source::File(path) => {
                let file = std::fs::File::open(&path).map_err(|e| format!("{path}: {e}"))?;
                Input::Reader(
                    path,
                    Box::new(std::io::BufReader::with_capacity(1 << 20, file)),
                )
            }
        })
    }
}

/// One input line: its text, or why it cannot be a host name (with the start of it, escaped).
type Line = Result<String, String>;

/// Reads the next line of at most [`MAX_LINE_BYTES`]; a longer one is skipped to its end without
/// being kept. `None` at the end of the input.
fn read_line(reader: &mut dyn BufRead, buffer: &mut Vec<u8>) -> std::io::Result<Option<Line>> {
    buffer.clear();
    let limit = MAX_LINE_BYTES as u64 + 1;
    if std::io::Read::take(&mut *reader, limit).read_until(b'\n', buffer)? == 0 {
        return Ok(None);
    }
    if buffer.last() != Some(&b'\n') && buffer.len() > MAX_LINE_BYTES {
        let mut length = buffer.len();
        loop {
            let available = reader.fill_buf()?;
            if available.is_empty() {
                break;
            }
            match available.iter().position(|&b| b == b'\n') {
                Some(end) => {
                    reader.consume(end + 1);
                    length += end;
                    break;
                }
                None => {
                    let used = available.len();
                    reader.consume(used);
                    length += used;
                }
            }
        }
        return Ok(Some(Err(format!(
            "a line of {length} bytes, longer than any host name: \"{}\"",
            echo(buffer)
        ))));
    }
    let line = buffer.strip_suffix(b"\n").unwrap_or(buffer);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Ok(Some(match std::str::from_utf8(line) {
        Ok(text) => Ok(text.to_owned()),
        Err(_) => Err(format!("not UTF-8: \"{}\"", echo(line))),
    }))
}

/// The first [`ECHO_BYTES`] of `bytes`, with anything but printable ASCII escaped.
fn echo(bytes: &[u8]) -> String {
    let shown = &bytes[..bytes.len().min(ECHO_BYTES)];
    let ellipsis = if bytes.len() > ECHO_BYTES { "..." } else { "" };
    format!("{}{ellipsis}", shown.escape_ascii())
}

fn score_file(
    name: &str,
    mut reader: Box<dyn BufRead>,
    job: Job,
    out: &mut impl Write,
    tally: &mut Tally,
) -> Result<(), String> {
    let mut buffer = Vec::new();
    let mut first_line = 1;
    loop {
        let mut batch = Vec::with_capacity(BATCH_LINES);
        while batch.len() < BATCH_LINES {
            match read_line(&mut reader, &mut buffer).map_err(|e| format!("{name}: {e}"))? {
                Some(line) => batch.push(line),
                None => break,
            }
        }
        if batch.is_empty() {
            return Ok(());
        }
        score_batch(name, first_line, &batch, job, out, tally)?;
        first_line += batch.len();
    }
}

/// Scores `lines` (numbered from `first_line` in `source`) on every core and writes them in order.
fn score_batch(
    source: &str,
    first_line: usize,
    lines: &[Line],
    job: Job,
    out: &mut impl Write,
    tally: &mut Tally,
) -> Result<(), String> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = lines.len().div_ceil(cores).max(1);
    let results: Vec<(String, String, u64)> = std::thread::scope(|scope| {
        let workers: Vec<_> = lines
            .chunks(chunk)
            .enumerate()
            .map(|(i, part)| scope.spawn(move || render(source, first_line + i * chunk, part, job)))
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a scoring thread panicked"))
            .collect()
    });
    for (rendered, errors, invalid) in results {
        out.write_all(rendered.as_bytes())
            .map_err(|e| format!("stdout: {e}"))?;
        if tally.show_progress && !errors.is_empty() {
            eprint!("\r\x1b[K"); // the progress line gives way to the reports
        }
        eprint!("{errors}");
        tally.invalid += invalid;
    }
    tally.domains += lines.len() as u64;
    if tally.show_progress && tally.last_shown.elapsed() > Duration::from_millis(250) {
        tally.last_shown = Instant::now();
        let rate = tally.domains as f64 / tally.started.elapsed().as_secs_f64();
        eprint!(
            "\r\x1b[K{} lines, {} invalid, {:.0} lines/s",
            tally.domains, tally.invalid, rate
        );
    }
    Ok(())
}

/// The output of one part of a batch, its error lines and how many lines were invalid.
fn render(source: &str, first_line: usize, lines: &[Line], job: Job) -> (String, String, u64) {
    // Rows of the default model average 228 bytes: no reallocation for most parts.
    let mut out = String::with_capacity(lines.len() * 256);
    let mut errors = String::new();
    let mut invalid = 0;
    // The same on every row: formatted once.
    let mut intercept = zmij::Buffer::new();
    let intercept = intercept.format(MODEL.intercept);
    for (offset, line) in lines.iter().enumerate() {
        let problem = match line {
            Err(problem) => problem.clone(),
            Ok(text) => {
                let domain = text.trim();
                if domain.is_empty() || domain.starts_with('#') {
                    continue;
                }
                let result = match job.format {
                    Format::Csv => classify(domain)
                        .map(|c| csv_row(&mut out, domain, &c, job.point, intercept)),
                    Format::JsonLines => json_line(&mut out, domain, job.point),
                };
                match result {
                    Ok(()) => continue,
                    Err(e) => format!("{e}: \"{}\"", echo(domain.as_bytes())),
                }
            }
        };
        invalid += 1;
        let _ = writeln!(
            errors,
            "classify: {source}:{}: {problem}",
            first_line + offset
        );
    }
    (out, errors, invalid)
}

fn csv_row(
    out: &mut String,
    domain: &str,
    c: &Classification,
    point: Option<OperatingPoint>,
    intercept: &str,
) {
    let s = &c.score;
    // A valid host name has only letters, digits, '-' and '.': nothing to quote.
    for field in [domain, &c.label, &c.suffix, c.suffix_kind.name()] {
        out.push_str(field);
        out.push(',');
    }
    out.push_str(if api::verdict(c, point) == Verdict::Malicious {
        "malicious"
    } else {
        "legitimate"
    });
    // `zmij`: shortest round-trip digits, as `Display` gives, several times faster; and
    // formatting was most of this program's time.
    let mut digits = zmij::Buffer::new();
    for value in [s.p_malicious, s.log_odds] {
        out.push(',');
        out.push_str(digits.format(value));
    }
    out.push(',');
    out.push_str(intercept);
    for term in &s.terms {
        for value in [term.value, term.contribution] {
            out.push(',');
            out.push_str(digits.format(value));
        }
    }
    out.push('\n');
}

fn json_line(
    out: &mut String,
    domain: &str,
    point: Option<OperatingPoint>,
) -> Result<(), dga_classifier::DomainError> {
    let mut reply = api::response(&classify(domain)?, point);
    reply["domain"] = serde_json::Value::from(domain);
    let _ = writeln!(out, "{reply}");
    Ok(())
}
