//! Scores many domains from the command line.
//!
//! ```text
//! cargo run --release --example classify -- [--format csv|jsonl] [--fpr RATE] [--file PATH]... [DOMAIN]...
//! ```
//!
//! `--fpr RATE` judges every name at the model's operating point for that false-positive rate
//! (one the model file names, e.g. `0.01`) instead of its default threshold.
//!
//! Domains come from the arguments, from `--file` (one per line; `-` is stdin), or, with neither,
//! from stdin. Output on stdout, in input order: CSV with a header (default: the domain, the label
//! scored, the suffix right of it and its kind, the verdict, the probability, the log-odds, the
//! intercept, then each feature's value and contribution in columns of their own) or JSON lines, the
//! same JSON as the servers' (`examples/support/api.rs`) with the input `domain` added. Every
//! invalid line is reported on stderr with its source and line number, and counted; the exit code
//! is 0 when all lines were valid, 1 when some were not, 2 on a usage or I/O error.
//!
//! Input is read in batches of a fixed number of lines, each batch scored on every core, so
//! memory stays constant whatever the input size. When stderr is a terminal, a progress line
//! shows the count and rate.

#[path = "support/api.rs"]
mod api;

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

fn main() -> ExitCode {
    match run() {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(message) => {
            eprintln!("classify: {message}");
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
            "-h" | "--help" => return Err(String::from("see the header of examples/classify.rs")),
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
    for source in sources {
        match source {
            Source::Arguments(domains) => {
                score_batch("argument", 1, &domains, job, &mut out, &mut tally)?
            }
            Source::File(path) => score_file(&path, job, &mut out, &mut tally)?,
        }
    }
    out.flush().map_err(|e| format!("stdout: {e}"))?;
    if tally.show_progress {
        eprint!("\r\x1b[K");
    }
    let seconds = tally.started.elapsed().as_secs_f64();
    eprintln!(
        "classify: {} domains, {} invalid, {:.1} s ({:.0} domains/s)",
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

fn score_file(path: &str, job: Job, out: &mut impl Write, tally: &mut Tally) -> Result<(), String> {
    let reader: Box<dyn BufRead> = if path == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
        Box::new(std::io::BufReader::with_capacity(1 << 20, file))
    };
    let name = if path == "-" { "stdin" } else { path };
    let mut lines = reader.lines();
    let mut first_line = 1;
    loop {
        let batch: Vec<String> = lines
            .by_ref()
            .take(BATCH_LINES)
            .collect::<Result<_, _>>()
            .map_err(|e| format!("{name}: {e}"))?;
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
    lines: &[String],
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
            "\r\x1b[K{} domains, {} invalid, {:.0} domains/s",
            tally.domains, tally.invalid, rate
        );
    }
    Ok(())
}

/// The output of one part of a batch, its error lines and how many lines were invalid.
fn render(source: &str, first_line: usize, lines: &[String], job: Job) -> (String, String, u64) {
    let mut out = String::with_capacity(lines.len() * 160);
    let mut errors = String::new();
    let mut invalid = 0;
    // The same on every row: formatted once.
    let mut intercept = ryu::Buffer::new();
    let intercept = intercept.format(MODEL.intercept);
    for (offset, line) in lines.iter().enumerate() {
        let domain = line.trim();
        let result = match job.format {
            Format::Csv => {
                classify(domain).map(|c| csv_row(&mut out, domain, &c, job.point, intercept))
            }
            Format::JsonLines => json_line(&mut out, domain, job.point),
        };
        if let Err(e) = result {
            invalid += 1;
            let _ = writeln!(
                errors,
                "classify: {source}:{}: {e}: {domain:?}",
                first_line + offset
            );
        }
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
    // `ryu`: the same shortest round-trip digits as `Display`, several times faster, and
    // formatting was most of this program's time.
    let mut digits = ryu::Buffer::new();
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
