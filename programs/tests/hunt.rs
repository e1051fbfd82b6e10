//! `dga-hunt`, run for real: every log format, gzip, stdin as it streams, the real 2018 sample,
//! bad input of every kind and usage errors.

mod support;

use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::process::Output;

const HUNT: &str = env!("CARGO_BIN_EXE_dga-hunt");
/// 2026-07-24T08:00:00Z, in microseconds.
const START: i64 = 1_784_880_000_000_000;

fn run(args: &[&str], stdin: impl AsRef<[u8]>) -> Output {
    support::run_program(HUNT, args, stdin)
}

/// One look-up: time in microseconds, client, query, response code name.
struct Lookup {
    time: i64,
    client: String,
    query: String,
    rcode: &'static str,
}

/// A small network's morning: four healthy clients (popular names, a browser's random probes,
/// a reverse look-up, a search-suffix append, an SRV look-up) and `10.0.0.66` failing on random
/// names, a burst of twelve.
fn morning() -> Vec<Lookup> {
    let mut lookups = Vec::new();
    let mut time = START;
    let popular = [
        "www.google.com",
        "outlook.office365.com",
        "github.com",
        "cdn.jsdelivr.net",
    ];
    let mut seed = 7_u64;
    let mut random_label = |length: usize| -> String {
        (0..length)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                char::from(b'a' + ((seed >> 33) % 26) as u8)
            })
            .collect()
    };
    for round in 0..40 {
        for client in 1..=4 {
            time += 700_000;
            let query = popular[(round + client) % popular.len()].to_owned();
            lookups.push(Lookup {
                time,
                client: format!("10.0.0.{client}"),
                query,
                rcode: "NOERROR",
            });
        }
        if round % 10 == 3 {
            for client in 1..=4 {
                let probe = random_label(10);
                lookups.push(Lookup {
                    time,
                    client: format!("10.0.0.{client}"),
                    query: probe,
                    rcode: "NXDOMAIN",
                });
            }
            let extra = [
                ("10.0.0.2", "4.3.2.10.in-addr.arpa"),
                ("10.0.0.3", "github.com.corp.example.com"),
                ("10.0.0.4", "_ldap._tcp.dc._msdcs.corp.example.com"),
            ];
            for (client, query) in extra {
                lookups.push(Lookup {
                    time,
                    client: client.to_owned(),
                    query: query.to_owned(),
                    rcode: "NXDOMAIN",
                });
            }
        }
        if (20..32).contains(&round) {
            time += 300_000;
            let query = format!("{}.com", random_label(14));
            lookups.push(Lookup {
                time,
                client: String::from("10.0.0.66"),
                query,
                rcode: "NXDOMAIN",
            });
        }
    }
    lookups
}

fn seconds(time: i64) -> String {
    format!("{}.{:06}", time / 1_000_000, time % 1_000_000)
}

fn rcode_number(name: &str) -> &'static str {
    match name {
        "NOERROR" => "0",
        "NXDOMAIN" => "3",
        _ => "-",
    }
}

/// Zeek TSV, its columns in another order than Zeek's and one more than needed.
fn zeek_tsv(lookups: &[Lookup]) -> String {
    let mut log = String::from("#separator \\x09\n#unset_field\t-\n#path\tdns\n#fields\tuid\tquery\tts\trcode_name\tid.orig_h\trcode\n#types\tstring\tstring\ttime\tstring\taddr\tcount\n");
    for (n, l) in lookups.iter().enumerate() {
        log.push_str(&format!(
            "C{n}\t{}\t{}\t{}\t{}\t{}\n",
            l.query,
            seconds(l.time),
            l.rcode,
            l.client,
            rcode_number(l.rcode)
        ));
    }
    log
}

/// Zeek JSON with Unix seconds as numbers.
fn zeek_json(lookups: &[Lookup]) -> String {
    lookups
        .iter()
        .map(|l| {
            format!(
                "{{\"ts\":{},\"uid\":\"C1\",\"id.orig_h\":\"{}\",\"id.orig_p\":5353,\"query\":\"{}\",\"rcode\":{},\"rcode_name\":\"{}\"}}\n",
                seconds(l.time), l.client, l.query, rcode_number(l.rcode), l.rcode
            )
        })
        .collect()
}

/// RFC 3339 for Suricata, with its `+0000` offset.
fn eve_time(time: i64) -> String {
    let seconds = time / 1_000_000 - START / 1_000_000;
    format!(
        "2026-07-24T{:02}:{:02}:{:02}.{:06}+0000",
        8 + seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
        time % 1_000_000
    )
}

/// Suricata EVE JSON of `version`: each look-up's query, its answer (from the server, port 53),
/// and events of other types between them.
fn eve(lookups: &[Lookup], version: u8) -> String {
    let mut log = String::new();
    for l in lookups {
        let ts = eve_time(l.time);
        let flow = format!(
            "\"src_ip\":\"{}\",\"src_port\":40000,\"dest_ip\":\"10.0.0.53\",\"dest_port\":53",
            l.client
        );
        let back = format!(
            "\"src_ip\":\"10.0.0.53\",\"src_port\":53,\"dest_ip\":\"{}\",\"dest_port\":40000",
            l.client
        );
        let (query, answer) = match version {
            1 => (
                format!("{{\"type\":\"query\",\"id\":1,\"rrname\":\"{}\",\"rrtype\":\"A\"}}", l.query),
                format!("{{\"type\":\"answer\",\"id\":1,\"rcode\":\"{}\",\"rrname\":\"{}\"}}", l.rcode, l.query),
            ),
            2 => (
                format!("{{\"type\":\"query\",\"id\":1,\"rrname\":\"{}\",\"rrtype\":\"A\"}}", l.query),
                format!("{{\"version\":2,\"type\":\"answer\",\"id\":1,\"flags\":\"8183\",\"rrname\":\"{}\",\"rrtype\":\"A\",\"rcode\":\"{}\",\"answers\":[]}}", l.query, l.rcode),
            ),
            _ => (
                format!("{{\"version\":3,\"type\":\"request\",\"id\":1,\"queries\":[{{\"rrname\":\"{}\",\"rrtype\":\"A\"}}]}}", l.query),
                format!("{{\"version\":3,\"type\":\"response\",\"id\":1,\"rcode\":\"{}\",\"queries\":[{{\"rrname\":\"{}\",\"rrtype\":\"A\"}}]}}", l.rcode, l.query),
            ),
        };
        log.push_str(&format!("{{\"timestamp\":\"{ts}\",\"event_type\":\"dns\",{flow},\"proto\":\"UDP\",\"dns\":{query}}}\n"));
        log.push_str(&format!(
            "{{\"timestamp\":\"{ts}\",\"event_type\":\"flow\",{flow},\"proto\":\"UDP\"}}\n"
        ));
        log.push_str(&format!("{{\"timestamp\":\"{ts}\",\"event_type\":\"dns\",{back},\"proto\":\"UDP\",\"dns\":{answer}}}\n"));
    }
    log
}

/// CSV with the four columns, in another order, and one more.
fn csv(lookups: &[Lookup]) -> String {
    let mut log = String::from("query,sensor,rcode,ts,client\n");
    for l in lookups {
        log.push_str(&format!(
            "{},s1,{},{},{}\n",
            l.query,
            l.rcode,
            seconds(l.time),
            l.client
        ));
    }
    log
}

fn alerts(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// Each alert's terms sum to its log-odds, and it reaches its threshold.
fn assert_explained(alert: &Value) {
    let terms = alert["terms"].as_array().unwrap();
    let sum = terms
        .iter()
        .fold(0.0, |sum, t| sum + t["contribution"].as_f64().unwrap());
    assert_eq!(sum, alert["log_odds"].as_f64().unwrap(), "{alert}");
    assert!(alert["log_odds"].as_f64().unwrap() >= alert["threshold"].as_f64().unwrap());
    assert!(!alert["names"].as_array().unwrap().is_empty(), "{alert}");
    assert_eq!(alert["model"], dga_classifier::HUNT_MODEL.name);
}

#[test]
fn every_format_gives_the_same_alerts() {
    let lookups = morning();
    let expected = run(&[], csv(&lookups));
    assert!(expected.status.success(), "{expected:?}");
    let reference = alerts(&expected);
    assert_eq!(reference.len(), 1, "{reference:?}");
    let alert = &reference[0];
    assert_eq!(alert["client"], "10.0.0.66");
    assert_explained(alert);
    let ts = alert["ts"].as_str().unwrap();
    assert!(
        ts.starts_with("2026-07-24T08:") && ts.ends_with('Z'),
        "{ts}"
    );
    let names: Vec<&str> = alert["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    let burst: Vec<&str> = lookups
        .iter()
        .filter(|l| l.client == "10.0.0.66")
        .map(|l| l.query.as_str())
        .collect();
    assert!(names.iter().all(|n| burst.contains(n)), "{names:?}");

    for (format, log) in [
        ("Zeek TSV", zeek_tsv(&lookups)),
        ("Zeek JSON", zeek_json(&lookups)),
        ("EVE v1", eve(&lookups, 1)),
        ("EVE v2", eve(&lookups, 2)),
        ("EVE v3", eve(&lookups, 3)),
    ] {
        let output = run(&[], &log);
        assert!(output.status.success(), "{format}: {output:?}");
        assert_eq!(alerts(&output), reference, "{format}");
    }
}

#[test]
fn gzip_files_and_a_csv_summary() {
    let dir = std::env::temp_dir().join(format!("dga-hunt-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("dns.log.gz");
    let mut gzip = flate2::write::GzEncoder::new(
        std::fs::File::create(&log).unwrap(),
        flate2::Compression::default(),
    );
    gzip.write_all(zeek_tsv(&morning()).as_bytes()).unwrap();
    gzip.finish().unwrap();
    let summary = dir.join("summary.csv");
    let output = run(
        &[
            "--summary",
            summary.to_str().unwrap(),
            log.to_str().unwrap(),
        ],
        "",
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(alerts(&output).len(), 1);
    let summary = std::fs::read_to_string(&summary).unwrap();
    let mut rows: Vec<&str> = summary.lines().collect();
    assert_eq!(
        rows.remove(0),
        "client,events,failed,alerts,first_alert,max_log_odds,log_odds,names"
    );
    assert_eq!(rows.len(), 5, "{summary}");
    let infected = rows.iter().find(|r| r.starts_with("10.0.0.66,")).unwrap();
    assert!(
        infected.starts_with("10.0.0.66,12,12,1,2026-07-24T08:"),
        "{infected}"
    );
    for healthy in rows.iter().filter(|r| !r.starts_with("10.0.0.66,")) {
        assert_eq!(healthy.split(',').nth(3), Some("0"), "{healthy}");
    }
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("10.0.0.66"),
        "the table of alerted clients: {stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_alert_is_written_as_its_event_is_read() {
    let mut child = support::spawn_program(HUNT, &[]);
    let mut input = child.stdin.take().unwrap();
    let mut output = BufReader::new(child.stdout.take().unwrap());
    let log = csv(&morning());
    input.write_all(log.as_bytes()).unwrap();
    input.flush().unwrap();
    // stdin stays open: the alert must come without its end.
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        output.read_line(&mut line).unwrap();
        sender.send(line).unwrap();
    });
    let line = receiver
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("no alert before the end of stdin");
    let alert: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(alert["client"], "10.0.0.66");
    drop(input);
    assert!(child.wait().unwrap().success());
}

#[test]
fn the_real_2018_sample_reads_alike_as_tsv_and_json() {
    let dir = "../../shared/data/extra-2026-12/dns-logs/wrccdc-2018";
    let tsv = run(&[&format!("{dir}/dns.log.gz")], "");
    let json = run(&[&format!("{dir}/dns.json.gz")], "");
    for output in [&tsv, &json] {
        assert!(output.status.success(), "{output:?}");
        let stderr = String::from_utf8(output.stderr.clone()).unwrap();
        assert!(
            stderr.contains("53615 events") && stderr.contains("from 77 clients"),
            "{stderr}"
        );
        assert!(stderr.contains("0 lines were not events"), "{stderr}");
        alerts(output).iter().for_each(assert_explained);
    }
    assert_eq!(tsv.stdout, json.stdout);
}

#[test]
fn bad_lines_are_reported_and_no_good_event_is_lost() {
    let lookups = morning();
    let mut log = csv(&lookups).into_bytes();
    let good = lookups.len();
    let bad: [&[u8]; 6] = [
        b"1784880000.5,s1,NXDOMAIN\n",                      // truncated
        b"x.com,s1,NXDOMAIN,1784880000.5,10.0.0.9,extra\n", // a column too many
        b"\x00\xff\xfe garbage \x80\x81\n",                 // binary
        b"x.com,s1,NXDOMAIN,yesterday,10.0.0.9\n",          // no time
        b"x.com,s1,MAYBE,1784880000.5,10.0.0.9\n",          // no response code
        b"x.com,s1,NXDOMAIN,1784880000.5,\n",               // no client
    ];
    // Bad lines between good ones, a 10 MB line, and one good line going back in time.
    let insert_at = log.iter().position(|&b| b == b'\n').unwrap() + 1;
    let mut middle: Vec<u8> = bad.concat();
    middle.extend(std::iter::repeat_n(b'a', 10 << 20));
    middle.push(b'\n');
    log.splice(insert_at..insert_at, middle);
    log.extend_from_slice(b"old.example.com,s1,NOERROR,1500000000.0,10.0.0.1\n");
    let output = run(&[], &log);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    for expected in [
        "stdin: line 2: 3 fields where the header names 5",
        "stdin: line 3: 6 fields where the header names 5",
        "stdin: line 4: not UTF-8",
        "stdin: line 5: time \"yesterday\" is neither Unix seconds nor RFC 3339",
        "stdin: line 6: unknown response code \"MAYBE\"",
        "stdin: line 7: the client is empty",
        "stdin: line 8: line longer than",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in {stderr}"
        );
    }
    assert!(stderr.contains(&format!("{} events", good + 1)), "{stderr}");
    assert!(
        stderr.contains("7 lines were not events") && stderr.contains("1 events out of time order"),
        "{stderr}"
    );
    let alerts = alerts(&output);
    assert_eq!(
        alerts.len(),
        1,
        "the infected client is still found: {alerts:?}"
    );
    assert_eq!(alerts[0]["client"], "10.0.0.66");
}

#[test]
fn a_truncated_gzip_stream_keeps_what_was_read() {
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(csv(&morning()).as_bytes()).unwrap();
    let whole = gzip.finish().unwrap();
    let output = run(&[], &whole[..whole.len() - 20]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    assert!(stderr.contains("stdin: read error"), "{stderr}");
    assert!(
        !alerts(&output).is_empty(),
        "the events before the cut still count"
    );
}

#[test]
fn usage_errors_exit_2_with_a_sentence() {
    for (args, expected) in [
        (&["--bogus"][..], "unknown option --bogus"),
        (
            &["--window", "0"],
            "--window takes a whole number of seconds above 0, not \"0\"",
        ),
        (
            &["--false-alarms=0.5"],
            "--false-alarms takes one of the model's rates",
        ),
        (
            &["--clients", "3"],
            "--clients takes a whole number of at least 8, not \"3\"",
        ),
        (&["--summary"], "--summary needs a file"),
        (&["/no/such/dns.log"], "cannot open /no/such/dns.log"),
        (&["/"], "cannot read /: it is a directory"),
    ] {
        let output = run(args, "");
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(
            stderr.starts_with("dga-hunt: ") && stderr.contains(expected),
            "{args:?}: {stderr}"
        );
        assert!(output.stdout.is_empty());
    }
    let help = run(&["--help"], "");
    assert!(help.status.success());
    assert!(String::from_utf8(help.stdout)
        .unwrap()
        .starts_with("usage: dga-hunt"));
}

#[test]
fn options_change_the_judgement() {
    let log = csv(&morning());
    // A window shorter than the burst's spread keeps too little evidence to alert.
    let narrow = run(&["--window", "1"], &log);
    assert!(narrow.status.success());
    assert!(alerts(&narrow).is_empty(), "{:?}", alerts(&narrow));
    let loose = dga_classifier::HUNT_MODEL.operating_points[0];
    let output = run(
        &[
            &format!("--false-alarms={}", loose.false_alarms_per_client_day),
            "--",
            "-",
        ],
        &log,
    );
    assert!(output.status.success(), "{output:?}");
    let alerts = alerts(&output);
    assert_eq!(alerts[0]["threshold"].as_f64(), Some(loose.threshold));
}

#[test]
fn a_reader_that_goes_away_ends_the_run_quietly() {
    let mut child = support::spawn_program(HUNT, &[]);
    // Nobody reads the alerts (`dga-hunt log | head -0`).
    drop(child.stdout.take());
    let mut input = child.stdin.take().unwrap();
    let log = csv(&morning());
    let writer = std::thread::spawn(move || input.write_all(log.as_bytes()));
    let output = child.wait_with_output().unwrap();
    let _ = writer.join().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}
