//! Scores many domains from the command line.
//!
//! ```text
//! cargo run --release --bin dga-classify -- [--format csv|jsonl] [--fpr RATE] [--file PATH]... [DOMAIN]...
//! ```
//!
//! `--fpr RATE` judges every name at the model's operating point for that false-positive rate
//! (one the model file names, e.g. `0.01`) instead of its default threshold.
//!
//! Domains come from the arguments, from `--file` (one per line; `-` is stdin), or, with neither,
//! from stdin. Output on stdout, one row per input line in input order, so that it lines up with
//! the input: CSV with a header (default: the domain, the label picked, the suffix right of it
//! and its kind, the verdict, why a name was not scored, the probability, the log-odds, the
//! intercept, then each feature's value and contribution in columns of their own) or JSON lines,
//! one object of the same fields a line. The verdict is `malicious`, `legitimate`, `unscored` (an
//! IP address, a reverse look-up, a local name...: see `dga_classifier::Unscored`), `error` or
//! `skipped` (a blank line or a `#` comment). An error row is a line that is no name at all: it
//! is also reported on stderr with its source and line number, and counted; the exit code is 0
//! when there were none, 1 when there were some, 2 on a usage or I/O error. A line that is not
//! UTF-8 or longer than any name is one (at most 100 bytes of it shown, escaped), and the run
//! goes on.
//!
//! Input is read in blocks of 64 KiB cut at line ends: one thread reads, one per core scores and
//! the main thread writes, in input order, so memory stays constant whatever the input size and
//! a slow pipe's names come out as they arrive. When stderr is a terminal, a progress line
//! shows the count and rate.

use dga_api as api;

use dga_classifier::{classify, OperatingPoint, Outcome, MODEL};
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError};
use std::sync::Mutex;
use std::time::{Duration, Instant};

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
usage: dga-classify [--format csv|jsonl] [--fpr RATE] [--file PATH]... [DOMAIN]...

Scores host names: from the arguments, from each --file (one per line; - is stdin), or from
stdin. One row per line, in input order; blank lines and lines starting with # are `skipped`,
names no DGA can have made (addresses, reverse look-ups, local names) `unscored`, with the reason.
  --format csv|jsonl  CSV with a header (default) or JSON lines
  --fpr RATE          judge at the model's operating point for this false-positive rate
  --file PATH, -f     read names from PATH
  --help, -h          this text
Exit code: 0 all lines valid, 1 some were no names (error rows, also on stderr), 2 usage or I/O
error.";

fn main() -> ExitCode {
    dga_api::command_line("dga-classify", USAGE, run)
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
    let mut args = api::Arguments::from_env();
    while let Some(arg) = args.next_argument()? {
        let flag = match arg {
            api::Argument::Plain(domain) => {
                domains.push(domain);
                continue;
            }
            api::Argument::Option(flag) => flag,
        };
        match flag.as_str() {
            "--format" => {
                format = match args.value("csv or jsonl")?.as_str() {
                    "csv" => Format::Csv,
                    "jsonl" => Format::JsonLines,
                    other => return Err(format!("--format takes csv or jsonl, not {other:?}")),
                }
            }
            "--fpr" => point = Some(api::operating_point(&args.value("a false-positive rate")?)?),
            "--file" | "-f" => sources.push(Source::File(args.value("a path")?)),
            _ => return Err(format!("unknown option {flag}")),
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

/// Bytes read at a time, cut back to the last whole line: one core's unit of work (about
/// 3,600 host names).
const BLOCK_BYTES: usize = 1 << 16;
/// Blocks read ahead of what has been written: with [`BLOCK_BYTES`], what bounds memory.
const BLOCKS_IN_FLIGHT: usize = 8;

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
    let names: Vec<String> = inputs.iter().map(|i| i.name().to_owned()).collect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    if format == Format::Csv {
        let features: String = MODEL
            .coefficients
            .iter()
            .map(|(f, _)| format!(",{0},{0}_contribution", f.name()))
            .collect();
        let header = writeln!(
            out,
            "domain,scored_label,suffix,suffix_kind,verdict,unscored,reason,p_malicious,flagged_at_false_positive_rate,log_odds,intercept{features}"
        );
        match header {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(0),
            written => written.map_err(|e| format!("stdout: {e}"))?,
        }
    }
    // Three stages at once: a reader cuts the input into blocks of lines, one worker per core
    // scores them, and this thread writes the results in input order. Each block comes with a
    // channel of its own for its result; the writer takes those channels in reading order.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (work, queue) = std::sync::mpsc::sync_channel::<(Block, SyncSender<Rendered>)>(cores);
    let queue = Mutex::new(queue);
    let (in_order, pending) = std::sync::mpsc::sync_channel(BLOCKS_IN_FLIGHT);
    std::thread::scope(|scope| {
        for _ in 0..cores {
            scope.spawn(|| loop {
                // The lock is held only to take the next block.
                let next = queue
                    .lock()
                    .map_err(|_| ())
                    .and_then(|q| q.recv().map_err(|_| ()));
                let Ok((block, reply)) = next else { break };
                // The writer gone (stdout failed) is seen and said by the writer.
                let _ = reply.send(render(block, job));
            });
        }
        let reader = scope.spawn(move || {
            read_blocks(inputs, |source, block| {
                let (reply, result) = std::sync::mpsc::sync_channel(1);
                // Either send fails only when the writer has stopped, on an error it reports.
                work.send((block, reply)).is_ok() && in_order.send((source, result)).is_ok()
            })
        });
        let written = write_in_order(pending, &names, &mut out);
        // The writer gone, the reader stops at its next block.
        let read = reader
            .join()
            .map_err(|_| "the reader panicked".to_owned())?;
        let tally = written?;
        read?;
        Ok(tally)
    })
    .map(|tally: Tally| {
        if tally.show_progress {
            eprint!("\r\x1b[K");
        }
        if tally.reader_gone {
            return tally.invalid;
        }
        let seconds = tally.started.elapsed().as_secs_f64();
        eprintln!(
            "dga-classify: {} lines, {} invalid, {:.1} s ({:.0} lines/s)",
            tally.lines,
            tally.invalid,
            seconds,
            tally.lines as f64 / seconds.max(1e-9)
        );
        tally.invalid
    })
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
    Reader(String, Box<dyn Read + Send>),
}

impl Input {
    fn open(source: Source) -> Result<Input, String> {
        Ok(match source {
            Source::Arguments(domains) => Input::Arguments(domains),
            Source::File(path) if path == "-" => {
                Input::Reader(String::from("stdin"), Box::new(std::io::stdin()))
            }
            Source::File(path) => {
                let file = std::fs::File::open(&path).map_err(|e| format!("{path}: {e}"))?;
                // Opening a directory works; reading it does not: say so before any output.
                if file.metadata().is_ok_and(|m| m.is_dir()) {
                    return Err(format!("{path}: is a directory"));
                }
                Input::Reader(path, Box::new(file))
            }
        })
    }

    /// What error reports call it.
    fn name(&self) -> &str {
        match self {
            Input::Arguments(_) => "argument",
            Input::Reader(name, _) => name,
        }
    }
}

/// Lines read at once.
enum Block {
    /// Whole lines, each ending in `\n` but for the input's last.
    Lines(Vec<u8>),
    /// One line longer than a block, skipped as it was read: its length and first bytes.
    Overlong { length: usize, start: Vec<u8> },
}

/// Reads every input in blocks, handing each to `dispatch` with its input's index, until
/// `dispatch` says to stop.
fn read_blocks(
    inputs: Vec<Input>,
    mut dispatch: impl FnMut(usize, Block) -> bool,
) -> Result<(), String> {
    for (index, input) in inputs.into_iter().enumerate() {
        let (name, mut reader) = match input {
            Input::Arguments(domains) => {
                if !dispatch(index, Block::Lines(domains.join("\n").into_bytes())) {
                    return Ok(());
                }
                continue;
            }
            Input::Reader(name, reader) => (name, reader),
        };
        let failed = |e: std::io::Error| format!("{name}: {e}");
        let mut carried = Vec::new();
        loop {
            let mut block = std::mem::take(&mut carried);
            let end_of_input = fill(&mut reader, &mut block).map_err(failed)?;
            let block = if end_of_input {
                if block.is_empty() {
                    break;
                }
                Block::Lines(block)
            } else if let Some(last) = block.iter().rposition(|&b| b == b'\n') {
                carried = block.split_off(last + 1);
                Block::Lines(block)
            } else {
                let (length, rest) = skip_line(&mut reader, block.len()).map_err(failed)?;
                carried = rest;
                block.truncate(ECHO_BYTES + 1);
                Block::Overlong {
                    length,
                    start: block,
                }
            };
            if !dispatch(index, block) {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// Reads into `block` until it holds [`BLOCK_BYTES`], or holds a whole line and the input has
/// nothing more ready (a pipe fed slowly is scored as it comes). True at the end of the input.
fn fill(reader: &mut dyn Read, block: &mut Vec<u8>) -> std::io::Result<bool> {
    let mut filled = block.len();
    block.resize(BLOCK_BYTES, 0);
    let end_of_input = loop {
        if filled == BLOCK_BYTES {
            break false;
        }
        match reader.read(&mut block[filled..]) {
            Ok(0) => break true,
            Ok(read) => {
                filled += read;
                // A short read is all the input has for now.
                if filled < BLOCK_BYTES && block[filled - read..filled].contains(&b'\n') {
                    break false;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    };
    block.truncate(filled);
    Ok(end_of_input)
}

/// Reads to the end of a line too long to hold, `length` bytes of which were read: its whole
/// length, and what followed its newline in the last read.
fn skip_line(reader: &mut dyn Read, mut length: usize) -> std::io::Result<(usize, Vec<u8>)> {
    loop {
        let mut chunk = Vec::new();
        let end_of_input = fill(reader, &mut chunk)?;
        match chunk.iter().position(|&b| b == b'\n') {
            Some(end) => return Ok((length + end, chunk.split_off(end + 1))),
            None if end_of_input => return Ok((length + chunk.len(), Vec::new())),
            None => length += chunk.len(),
        }
    }
}

/// One block, scored: its output, each invalid line's offset in the block and what is wrong
/// with it, and how many lines it had.
struct Rendered {
    out: String,
    errors: Vec<(usize, String)>,
    lines: usize,
}

/// Counts across all inputs, and the progress line.
struct Tally {
    lines: u64,
    invalid: u64,
    started: Instant,
    last_shown: Instant,
    show_progress: bool,
    /// Whoever read stdout went away (`| head`): the run ends quietly, as tools do.
    reader_gone: bool,
}

/// Writes each block's result as it comes, in reading order, with its errors on stderr
/// numbered by line within its input; flushes whenever no result is waiting, so a slow pipe's
/// names come out as they are scored.
fn write_in_order(
    pending: Receiver<(usize, Receiver<Rendered>)>,
    names: &[String],
    out: &mut impl Write,
) -> Result<Tally, String> {
    let now = Instant::now();
    let mut tally = Tally {
        lines: 0,
        invalid: 0,
        started: now,
        last_shown: now,
        show_progress: std::io::stderr().is_terminal(),
        reader_gone: false,
    };
    // A reader gone ends the writing, not the run; any other failure is the run's.
    let failed = |e: std::io::Error| format!("stdout: {e}");
    let gone = |e: &std::io::Error| e.kind() == std::io::ErrorKind::BrokenPipe;
    let (mut input, mut first_line) = (usize::MAX, 1);
    loop {
        let (source, result) = match pending.try_recv() {
            Ok(next) => next,
            Err(TryRecvError::Disconnected) => break,
            Err(TryRecvError::Empty) => {
                match out.flush() {
                    Err(e) if gone(&e) => {
                        tally.reader_gone = true;
                        return Ok(tally);
                    }
                    flushed => flushed.map_err(failed)?,
                }
                match pending.recv() {
                    Ok(next) => next,
                    Err(_) => break,
                }
            }
        };
        let Ok(rendered) = result.recv() else { break };
        if source != input {
            (input, first_line) = (source, 1);
        }
        match out.write_all(rendered.out.as_bytes()) {
            Err(e) if gone(&e) => {
                tally.reader_gone = true;
                return Ok(tally);
            }
            written => written.map_err(failed)?,
        }
        if tally.show_progress && !rendered.errors.is_empty() {
            eprint!("\r\x1b[K"); // the progress line gives way to the reports
        }
        for (offset, problem) in &rendered.errors {
            eprintln!(
                "dga-classify: {}:{}: {problem}",
                names[source],
                first_line + offset
            );
        }
        first_line += rendered.lines;
        tally.lines += rendered.lines as u64;
        tally.invalid += rendered.errors.len() as u64;
        if tally.show_progress && tally.last_shown.elapsed() > Duration::from_millis(250) {
            tally.last_shown = Instant::now();
            let rate = tally.lines as f64 / tally.started.elapsed().as_secs_f64();
            eprint!(
                "\r\x1b[K{} lines, {} invalid, {:.0} lines/s",
                tally.lines, tally.invalid, rate
            );
        }
    }
    match out.flush() {
        Err(e) if gone(&e) => tally.reader_gone = true,
        flushed => flushed.map_err(failed)?,
    }
    Ok(tally)
}

/// The first [`ECHO_BYTES`] of `bytes`, with anything but printable ASCII escaped.
fn echo(bytes: &[u8]) -> String {
    let shown = &bytes[..bytes.len().min(ECHO_BYTES)];
    let ellipsis = if bytes.len() > ECHO_BYTES { "..." } else { "" };
    format!("{}{ellipsis}", shown.escape_ascii())
}

/// What is wrong with a line of `length` bytes that begins with `start`.
fn overlong(length: usize, start: &[u8]) -> String {
    format!(
        "a line of {length} bytes, longer than any host name: \"{}\"",
        echo(start)
    )
}

/// Scores one block: a row for every line, so that the output lines up with the input.
fn render(block: Block, job: Job) -> Rendered {
    let mut rows = Rows::new(job);
    let text = match block {
        Block::Lines(text) => text,
        Block::Overlong { length, start } => {
            let problem = overlong(length, &start);
            rows.write(&echo(&start), Answer::Error(&problem));
            return Rendered {
                out: rows.out,
                errors: vec![(0, problem)],
                lines: 1,
            };
        }
    };
    // Rows of the default model average 228 bytes, names 18: no reallocation for most blocks.
    rows.out.reserve(text.len() * 16);
    let mut errors = Vec::new();
    let body = text.strip_suffix(b"\n").unwrap_or(&text);
    let mut lines = 0;
    for (offset, line) in body.split(|&b| b == b'\n').enumerate() {
        lines += 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let problem = if line.len() > MAX_LINE_BYTES {
            overlong(line.len(), line)
        } else if let Ok(line) = std::str::from_utf8(line) {
            let domain = line.trim();
            if domain.is_empty() {
                rows.write(domain, Answer::Skipped("blank line"));
            } else if domain.starts_with('#') {
                rows.write(domain, Answer::Skipped("comment"));
            } else {
                match classify(domain) {
                    Ok(c) => rows.write(domain, Answer::Classified(&c)),
                    Err(e) => {
                        let shown = echo(domain.as_bytes());
                        rows.write(&shown, Answer::Error(&e.to_string()));
                        errors.push((offset, format!("{e}: \"{shown}\"")));
                    }
                }
            }
            continue;
        } else {
            format!("not UTF-8: \"{}\"", echo(line))
        };
        rows.write(&echo(line), Answer::Error(&problem));
        errors.push((offset, problem));
    }
    Rendered {
        out: rows.out,
        errors,
        lines,
    }
}

/// What a line of input got.
enum Answer<'a> {
    /// A name, scored or not.
    Classified(&'a dga_classifier::Classification),
    /// Not a name: what is wrong with it.
    Error(&'a str),
    /// A blank line or a comment, and which.
    Skipped(&'static str),
}

/// Output rows, as CSV or JSON lines.
struct Rows {
    out: String,
    job: Job,
    /// The intercept, the same on every scored row: formatted once.
    intercept: String,
}

impl Rows {
    fn new(job: Job) -> Rows {
        Rows {
            out: String::new(),
            job,
            intercept: zmij::Buffer::new().format(MODEL.intercept).to_owned(),
        }
    }

    /// One line's row: see [`row`].
    fn write(&mut self, domain: &str, answer: Answer) {
        let intercept = &self.intercept;
        match self.job.format {
            Format::Csv => row::<false>(&mut self.out, domain, &answer, self.job.point, intercept),
            Format::JsonLines => {
                row::<true>(&mut self.out, domain, &answer, self.job.point, intercept)
            }
        }
    }
}

/// One line's answer as a CSV row, or with `JSON` a JSON object of the same fields: the domain,
/// the label picked, its suffix and kind, the verdict (`malicious`, `legitimate`, `unscored`,
/// `error` or `skipped`), for a row with no score why (`unscored`: the reason's name for a name
/// not scored; `reason`: in a sentence, or what is wrong), then for a scored one the
/// probability, how unusual the score is among legitimate names (the false-positive rate at
/// which it would be flagged), the log-odds, the intercept and each feature's value and
/// contribution (empty in CSV and null in JSON for the others). One function for both, so the
/// two formats cannot drift apart; a constant parameter, so neither pays for the other's
/// branches.
fn row<const JSON: bool>(
    out: &mut String,
    domain: &str,
    answer: &Answer,
    point: Option<OperatingPoint>,
    intercept: &str,
) {
    // `name` comes in two parts, so that `<feature>_contribution` needs no allocation.
    let key = |out: &mut String, name: [&str; 2]| {
        if JSON {
            out.push_str(",\"");
            out.push_str(name[0]);
            out.push_str(name[1]);
            out.push_str("\":");
        } else {
            out.push(',');
        }
    };
    let text = |out: &mut String, name: [&str; 2], value: &str| {
        key(out, name);
        quoted::<JSON>(out, value);
    };
    let number = |out: &mut String, name: [&str; 2], value: Option<&str>| {
        key(out, name);
        out.push_str(value.unwrap_or(if JSON { "null" } else { "" }));
    };
    if JSON {
        out.push_str("{\"domain\":");
    }
    quoted::<JSON>(out, domain);
    let (c, verdict, unscored, reason) = match answer {
        Answer::Classified(c) => match c.outcome {
            Outcome::Unscored(why) => (Some(c), "unscored", why.name(), why.to_string()),
            Outcome::Scored(_) => (Some(c), api::verdict_name(c, point), "", String::new()),
        },
        Answer::Error(problem) => (None, "error", "", (*problem).to_owned()),
        Answer::Skipped(why) => (None, "skipped", "", (*why).to_owned()),
    };
    text(out, ["scored_label", ""], c.map_or("", |c| &c.label));
    text(out, ["suffix", ""], c.map_or("", |c| &c.suffix));
    text(
        out,
        ["suffix_kind", ""],
        c.map_or("", |c| c.suffix_kind.name()),
    );
    text(out, ["verdict", ""], verdict);
    text(out, ["unscored", ""], unscored);
    text(out, ["reason", ""], &reason);
    let score = c.and_then(|c| c.score());
    // `zmij`: shortest round-trip digits, as `Display` gives, several times faster; and
    // formatting was most of this program's time.
    let mut digits = zmij::Buffer::new();
    let Some(score) = score else {
        number(out, ["p_malicious", ""], None);
        number(out, ["flagged_at_false_positive_rate", ""], None);
        number(out, ["log_odds", ""], None);
        number(out, ["intercept", ""], None);
        for (feature, _) in &MODEL.coefficients {
            number(out, [feature.name(), ""], None);
            number(out, [feature.name(), "_contribution"], None);
        }
        out.push_str(if JSON { "}\n" } else { "\n" });
        return;
    };
    number(
        out,
        ["p_malicious", ""],
        Some(digits.format(score.p_malicious)),
    );
    let rarity = score.flagged_at_false_positive_rate();
    number(
        out,
        ["flagged_at_false_positive_rate", ""],
        rarity.map(|share| digits.format(share)),
    );
    number(out, ["log_odds", ""], Some(digits.format(score.log_odds)));
    number(out, ["intercept", ""], Some(intercept));
    for term in &score.terms {
        let name = term.feature.name();
        number(out, [name, ""], Some(digits.format(term.value)));
        let contribution = digits.format(term.contribution);
        number(out, [name, "_contribution"], Some(contribution));
    }
    out.push_str(if JSON { "}\n" } else { "\n" });
}

/// `value` as a CSV field (quoted when it holds a comma, a quote or a line break) or a JSON
/// string. Host names need neither; only the odd name, the reasons and bad lines do.
fn quoted<const JSON: bool>(out: &mut String, value: &str) {
    let plain = if JSON {
        !value.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\')
    } else {
        !value
            .bytes()
            .any(|b| matches!(b, b'"' | b',' | b'\n' | b'\r'))
    };
    if JSON {
        if plain {
            out.push('"');
            out.push_str(value);
            out.push('"');
        } else {
            out.push_str(&serde_json::Value::from(value).to_string());
        }
    } else if plain {
        out.push_str(value);
    } else {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    }
}
