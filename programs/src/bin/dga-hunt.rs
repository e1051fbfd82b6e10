//! Finds the machines a DGA infected, in DNS logs.
//!
//! ```text
//! cargo run --release --bin dga-hunt -- [--window SECONDS] [--false-alarms RATE]
//!     [--clients N] [--summary FILE.csv] [FILE]...
//! ```
//!
//! Reads each FILE (`-` or none: stdin), gzip or plain, in any format `dga_api::dns_log` knows
//! (Zeek TSV or JSON, Suricata EVE JSON, CSV with `ts,client,query,rcode`), told from the
//! content. Every event goes to the library's per-client detector ([`Hunter`]); each alert is
//! written to stdout as one JSON object the moment the event that raised it is read: `client`,
//! `ts` (that event's time, RFC 3339), `log_odds`, `threshold`, `terms` (what the log-odds is the
//! sum of) and `names` (the failed look-ups that carried it). At the end, stderr gets a table of
//! the alerted clients and the totals, and `--summary FILE` a CSV row for every client held.
//!
//! A line that is not an event is reported on stderr (the first ten of each file with their
//! number and what is wrong, then a count) and the reading goes on. Exit code: 0 when every line
//! was read, 1 when some were not, 2 on a usage error or a file that cannot be opened.

use dga_api::dns_log::{format_time, BadLine, LogReader};
use dga_api::{Argument, Arguments};
use dga_classifier::{ClientReport, ClientSlot, Hunter, Settings, HUNT_MODEL};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: dga-hunt [--window SECONDS] [--false-alarms RATE] [--clients N] [--summary FILE] [FILE]...

Finds DGA-infected clients in DNS logs: Zeek dns.log (TSV or JSON), Suricata EVE JSON, or CSV
with ts,client,query,rcode; gzip or plain; each FILE, or stdin (-). Writes one JSON object per
alert to stdout as it happens, and a table of alerted clients to stderr at the end.
  --window SECONDS      how long a failed look-up counts as evidence (default: the model's)
  --false-alarms RATE   the alert threshold set for this many false alarms per healthy
                        client-day: one of the model's operating points (default: the model's)
  --clients N           clients held at once (default 65536, about 2 KB each); beyond, the
                        longest idle of a set of 8 gives way
  --summary FILE        also write a CSV row for every client held at the end
  --help, -h            this text
Exit code: 0 every line read, 1 some lines were not events (reported on stderr), 2 usage or
a file that cannot be opened.";

/// Bad lines of one file reported one by one; the rest are counted.
const REPORTED_BAD_LINES: u64 = 10;

struct Options {
    settings: Settings,
    false_alarms: f64,
    clients: usize,
    summary: Option<String>,
    files: Vec<String>,
}

fn main() -> ExitCode {
    dga_api::command_line("dga-hunt", USAGE, run)
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        settings: Settings::default(),
        false_alarms: HUNT_MODEL.threshold_false_alarm_rate,
        clients: 65_536,
        summary: None,
        files: Vec::new(),
    };
    let mut args = Arguments::from_env();
    while let Some(arg) = args.next_argument()? {
        let flag = match arg {
            Argument::Plain(file) => {
                options.files.push(file);
                continue;
            }
            Argument::Option(flag) => flag,
        };
        let mut value = |what: &str| args.value(what);
        match flag.as_str() {
            "--window" => {
                let text = value("a number of seconds")?;
                options.settings.window_seconds =
                    text.parse().ok().filter(|&s| s > 0).ok_or_else(|| {
                        format!("--window takes a whole number of seconds above 0, not {text:?}")
                    })?;
            }
            "--false-alarms" => {
                let text = value("a rate")?;
                let point = text
                    .parse()
                    .ok()
                    .and_then(|rate| HUNT_MODEL.operating_point(rate))
                    .ok_or_else(|| {
                        let known: Vec<String> = HUNT_MODEL
                            .operating_points
                            .iter()
                            .map(|p| p.false_alarms_per_client_day.to_string())
                            .collect();
                        format!(
                            "--false-alarms takes one of the model's rates ({}), not {text:?}",
                            known.join(", ")
                        )
                    })?;
                options.settings.threshold = point.threshold;
                options.false_alarms = point.false_alarms_per_client_day;
            }
            "--clients" => {
                let text = value("a count")?;
                options.clients = text
                    .parse()
                    .ok()
                    .filter(|&n| n >= dga_classifier::SET_SIZE)
                    .ok_or_else(|| {
                        format!(
                            "--clients takes a whole number of at least {}, not {text:?}",
                            dga_classifier::SET_SIZE
                        )
                    })?;
            }
            "--summary" => options.summary = Some(value("a file")?),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    if options.files.is_empty() {
        options.files.push(String::from("-"));
    }
    Ok(options)
}

/// One input, opened.
struct Input {
    name: String,
    reader: LogReader,
}

fn open(name: &str) -> Result<Input, String> {
    let reader = if name == "-" {
        LogReader::new(std::io::stdin())
    } else {
        let file = std::fs::File::open(name).map_err(|e| format!("cannot open {name}: {e}"))?;
        if file.metadata().is_ok_and(|m| m.is_dir()) {
            return Err(format!("cannot read {name}: it is a directory"));
        }
        LogReader::new(file)
    }
    .map_err(|e| format!("cannot read {name}: {e}"))?;
    let name = if name == "-" { "stdin" } else { name }.to_owned();
    Ok(Input { name, reader })
}

/// What the run counted.
#[derive(Default)]
struct Totals {
    events: u64,
    bad_lines: u64,
}

fn run() -> Result<u64, String> {
    let options = parse_args()?;
    // Every file is opened before anything is read: one that cannot be is a usage error.
    let inputs: Vec<Input> = options
        .files
        .iter()
        .map(|f| open(f))
        .collect::<Result<_, _>>()?;
    let mut slots = vec![ClientSlot::EMPTY; options.clients];
    let mut hunter = Hunter::new(&mut slots[..], options.settings);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let progress = std::io::stderr().is_terminal();
    let started = Instant::now();
    let mut last_progress = started;
    let mut totals = Totals::default();
    for mut input in inputs {
        let mut bad_here = 0;
        loop {
            let next = match input.reader.next_event() {
                Ok(Some(next)) => next,
                Ok(None) => break,
                Err(e) => {
                    // A truncated gzip stream or a failing disk: what was read stands.
                    report_bad(&input.name, &mut bad_here, &format!("read error: {e}"));
                    break;
                }
            };
            let observed = match next {
                Ok(event) => hunter
                    .observe(&event)
                    // The client is copied only for an alert, not for every event.
                    .map(|observation| observation.alert.then(|| event.client.to_owned()))
                    .map_err(|e| format!("line {}: {e}", input.reader.line_number())),
                Err(BadLine { line, reason }) => Err(format!("line {line}: {reason}")),
            };
            match observed {
                Ok(alerted) => {
                    totals.events += 1;
                    if let Some(client) = alerted {
                        let written = hunter
                            .client(&client)
                            .map_or(Ok(()), |report| write_alert(&mut out, &report, &options));
                        match written {
                            Ok(()) => {}
                            // Whoever read the alerts has gone (`| head`): end quietly, as tools do.
                            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                                return Ok(totals.bad_lines + bad_here)
                            }
                            Err(e) => return Err(format!("stdout: {e}")),
                        }
                    }
                }
                Err(message) => report_bad(&input.name, &mut bad_here, &message),
            }
            if progress
                && totals.events % 65_536 == 0
                && last_progress.elapsed() > Duration::from_millis(500)
            {
                last_progress = Instant::now();
                let rate = totals.events as f64 / started.elapsed().as_secs_f64();
                eprint!(
                    "\r\x1b[K{} events, {:.0} events/s, {} alerts",
                    totals.events,
                    rate,
                    hunter.stats().alerts
                );
            }
        }
        if bad_here > REPORTED_BAD_LINES {
            eprintln!(
                "dga-hunt: {}: {} lines were not events in all",
                input.name, bad_here
            );
        }
        totals.bad_lines += bad_here;
    }
    out.flush().map_err(|e| format!("stdout: {e}"))?;
    if progress {
        eprint!("\r\x1b[K");
    }
    summarise(&hunter, &totals, started.elapsed(), &options)?;
    Ok(totals.bad_lines)
}

fn report_bad(input: &str, count: &mut u64, message: &str) {
    *count += 1;
    if *count <= REPORTED_BAD_LINES {
        eprintln!("dga-hunt: {input}: {message}");
    }
    if *count == REPORTED_BAD_LINES + 1 {
        eprintln!("dga-hunt: {input}: further lines that are not events are counted, not shown");
    }
}

/// An alert as written: the client, when, its log-odds against the threshold, and why.
#[derive(Serialize)]
struct Alert<'a> {
    client: &'a str,
    ts: String,
    log_odds: f64,
    threshold: f64,
    false_alarms_per_client_day: f64,
    window_seconds: u32,
    model: &'a str,
    terms: Vec<AlertTerm>,
    names: Vec<AlertName<'a>>,
}

#[derive(Serialize)]
struct AlertTerm {
    term: &'static str,
    description: &'static str,
    value: f64,
    contribution: f64,
}

#[derive(Serialize)]
struct AlertName<'a> {
    name: &'a str,
    /// Whether the name was longer than the detector keeps, and `name` its start.
    cut: bool,
    ts: String,
    contribution: f64,
}

/// One alert as a JSON line, flushed at once: alerts are rare and wanted as they happen.
fn write_alert(
    out: &mut impl Write,
    report: &ClientReport,
    options: &Options,
) -> std::io::Result<()> {
    let alert = Alert {
        client: report.client(),
        ts: format_time(report.last_seen()),
        log_odds: report.log_odds(),
        threshold: options.settings.threshold,
        false_alarms_per_client_day: options.false_alarms,
        window_seconds: options.settings.window_seconds,
        model: options.settings.model.name,
        terms: report
            .terms()
            .iter()
            .map(|t| AlertTerm {
                term: t.kind.name(),
                description: t.kind.description(),
                value: t.value,
                contribution: t.contribution,
            })
            .collect(),
        names: report
            .names()
            .map(|n| AlertName {
                name: n.name,
                cut: n.cut,
                ts: format_time(n.time),
                contribution: n.contribution,
            })
            .collect(),
    };
    serde_json::to_writer(&mut *out, &alert)?;
    writeln!(out)?;
    out.flush()
}

fn summarise<S: AsRef<[ClientSlot]> + AsMut<[ClientSlot]>>(
    hunter: &Hunter<S>,
    totals: &Totals,
    elapsed: Duration,
    options: &Options,
) -> Result<(), String> {
    let mut alerted: Vec<ClientReport> = hunter.clients().filter(|c| c.alerts() > 0).collect();
    alerted.sort_by(|a, b| b.max_log_odds().total_cmp(&a.max_log_odds()));
    let stats = hunter.stats();
    let clients = hunter.clients().count();
    if !alerted.is_empty() {
        eprintln!(
            "{:<40} {:>6} {:>27} {:>9}  names",
            "client", "alerts", "first alert", "log-odds"
        );
        for c in &alerted {
            let names: Vec<&str> = c.names().map(|n| n.name).take(3).collect();
            eprintln!(
                "{:<40} {:>6} {:>27} {:>9.1}  {}",
                c.client(),
                c.alerts(),
                c.first_alert().map(format_time).unwrap_or_default(),
                c.max_log_odds(),
                names.join(" ")
            );
        }
    }
    eprintln!(
        "dga-hunt: {} events ({} NXDOMAIN, {} of them addresses or names no DGA registers) from {clients} clients in {:.2} s ({:.0} events/s); \
         {} clients alerted at {} false alarms per client-day (log-odds >= {:.2}); {} lines were not events; \
         {} events out of time order; {} clients gave way to others",
        totals.events,
        stats.failed,
        stats.unscored,
        elapsed.as_secs_f64(),
        totals.events as f64 / elapsed.as_secs_f64().max(1e-9),
        alerted.len(),
        options.false_alarms,
        options.settings.threshold,
        totals.bad_lines,
        stats.out_of_order,
        stats.evicted,
    );
    if let Some(path) = &options.summary {
        let mut csv =
            String::from("client,events,failed,alerts,first_alert,max_log_odds,log_odds,names\n");
        for c in hunter.clients() {
            let names: Vec<&str> = c.names().map(|n| n.name).collect();
            csv.push_str(&format!(
                "{},{},{},{},{},{},{},{}\n",
                csv_field(c.client()),
                c.events(),
                c.failed(),
                c.alerts(),
                c.first_alert().map(format_time).unwrap_or_default(),
                c.max_log_odds(),
                c.log_odds(),
                names.join(" ")
            ));
        }
        std::fs::write(path, csv).map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    Ok(())
}

/// `text` as one CSV field: quoted when it holds a comma, a quote or a line end.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}
