//! Speed of scoring, against the original algorithm in the same run.
//!
//! Run: `cargo bench --bench scoring` (needs `../shared/data` beside the repository); for the
//! previous default model (the original four features), `DGA_MODEL=model/web2-dds.toml cargo
//! bench --bench scoring`.
//! Read: criterion prints the median time per iteration; every iteration scores all
//! 26,593 labels of `h2o-split/valid.csv` (or 10,000 host names), so divide by that count
//! for ns per label. `original_algorithm` is the 2016 feature code's approach (every
//! substring looked up in a hash set of the same words); compare medians as a ratio, the
//! machine is shared and noisy.
//!
//! `dns_events/hunter` feeds the per-client detector the real 2018 sample's 53,615 events
//! (`extra-2026-12/dns-logs`, Zeek JSON) with a burst of 60 random-name failures of one client
//! among them; `dns_events/count_failures_per_client` is a SIEM rule's work on the same events
//! (a hash map counting each client's NXDOMAIN), the baseline. Divide by the event count for ns
//! per event.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use dga_classifier::{classify, features, score, ClientSlot, Event, Hunter, Rcode, Settings};
use std::collections::{HashMap, HashSet};
use std::hint::black_box;
use std::path::Path;

fn shared_data(relative: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(relative)
}

/// The `domain` column of the H2O validation split: labels as the model sees them, in file order.
fn validation_labels() -> Vec<String> {
    let mut reader = csv::Reader::from_path(shared_data("h2o-split/valid.csv"))
        .expect("../shared/data beside the repository");
    reader
        .records()
        .map(|r| r.expect("valid CSV")[1].to_owned())
        .collect()
}

/// Full host names, legitimate and generated, in a fixed shuffled order (seeded).
fn host_names() -> Vec<String> {
    let legit = std::fs::read_to_string(shared_data("more-legit/opendns-top-2014.txt")).unwrap();
    let dga = std::fs::read_to_string(shared_data("more-dga/conficker.txt")).unwrap();
    let mut names: Vec<String> = legit
        .lines()
        .take(5000)
        .chain(dga.lines().take(5000))
        .map(|s| format!("www.{s}"))
        .collect();
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    for i in (1..names.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        names.swap(i, (state % (i as u64 + 1)) as usize);
    }
    names
}

/// The real sample's events (time, client, query, response code), with one client failing on
/// 60 random names, a second apart, among them.
fn dns_events() -> Vec<(i64, String, String, Rcode)> {
    use std::io::BufRead;
    let file = std::fs::File::open(shared_data(
        "extra-2026-12/dns-logs/wrccdc-2018/dns.json.gz",
    ))
    .expect("../shared/data beside the repository");
    let reader = std::io::BufReader::new(flate2::read::MultiGzDecoder::new(file));
    let mut events: Vec<(i64, String, String, Rcode)> = reader
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
            let seconds = event_second(&v);
            let rcode = v["rcode"]
                .as_u64()
                .map_or(Rcode::Unanswered, |c| Rcode::from_code(c as u16));
            let text = |key: &str| v[key].as_str().unwrap_or_default().to_owned();
            (seconds, text("id.orig_h"), text("query"), rcode)
        })
        .collect();
    let start = events.first().map_or(0, |e| e.0);
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    for i in 0..60 {
        let name: String = (0..14)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                char::from(b'a' + (state % 26) as u8)
            })
            .collect();
        let event = (
            start + i * 1_000_000,
            "10.47.99.1".to_owned(),
            format!("{name}.com"),
            Rcode::NxDomain,
        );
        events.insert((i as usize + 1) * events.len() / 61, event);
    }
    events
}

/// A Zeek JSON event's time, `"2018-03-24T17:15:20.865716Z"`, as microseconds within its day:
/// enough for the order and the spacing of events of one capture.
fn event_second(v: &serde_json::Value) -> i64 {
    let ts = v["ts"].as_str().unwrap_or_default();
    let clock = ts
        .split('T')
        .nth(1)
        .unwrap_or("00:00:00.0Z")
        .trim_end_matches('Z');
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
    let seconds = hms
        .split(':')
        .fold(0, |sum, part| sum * 60 + part.parse::<i64>().unwrap_or(0));
    seconds * 1_000_000 + format!("{fraction:0<6}")[..6].parse::<i64>().unwrap_or(0)
}

/// The original's features: entropy from a character histogram, words by looking up every
/// substring of 2+ characters in a hash set.
struct OriginalAlgorithm {
    words: HashSet<String>,
}

impl OriginalAlgorithm {
    fn new() -> OriginalAlgorithm {
        let text = std::fs::read_to_string(env!("DGA_WORDS_PATH")).unwrap();
        OriginalAlgorithm {
            words: text.lines().map(str::to_ascii_lowercase).collect(),
        }
    }

    fn features(&self, label: &str) -> (usize, f64, f64, usize) {
        let n = label.len();
        let mut counts: HashMap<char, usize> = HashMap::new();
        for c in label.chars() {
            *counts.entry(c).or_default() += 1;
        }
        let entropy = -counts
            .values()
            .map(|&c| (c as f64 / n as f64) * (c as f64 / n as f64).log2())
            .sum::<f64>();
        let vowels = label.chars().filter(|c| "aeiou".contains(*c)).count() as f64 / n as f64;
        let mut words = 0;
        for i in 0..n {
            for j in i + 2..=n {
                if label.get(i..j).is_some_and(|s| self.words.contains(s)) {
                    words += 1;
                }
            }
        }
        (n, entropy, vowels, words)
    }
}

fn bench(c: &mut Criterion) {
    let labels = validation_labels();
    let original = OriginalAlgorithm::new();
    let mut group = c.benchmark_group("valid_labels");
    group.throughput(Throughput::Elements(labels.len() as u64));
    group.bench_function("features_and_score", |b| {
        b.iter(|| {
            let mut sum = 0.0;
            for label in &labels {
                sum += score(&features(black_box(label))).p_malicious;
            }
            sum
        })
    });
    group.bench_function("features", |b| {
        b.iter(|| {
            let mut sum = 0.0;
            for label in &labels {
                let f = features(black_box(label));
                sum += f.length as f64 + f.entropy + f.p_vowels + f.num_words as f64;
            }
            sum
        })
    });
    group.sample_size(10);
    group.bench_function("original_algorithm", |b| {
        b.iter(|| {
            labels
                .iter()
                .map(|l| original.features(black_box(l)).3)
                .sum::<usize>()
        })
    });
    group.finish();

    let hosts = host_names();
    let mut group = c.benchmark_group("host_names");
    group.throughput(Throughput::Elements(hosts.len() as u64));
    group.bench_function("classify", |b| {
        b.iter(|| {
            hosts
                .iter()
                .filter_map(|h| classify(black_box(h)).ok())
                .filter_map(|c| c.score().map(|s| s.p_malicious))
                .sum::<f64>()
        })
    });
    group.finish();

    let events = dns_events();
    let mut group = c.benchmark_group("dns_events");
    group.throughput(Throughput::Elements(events.len() as u64));
    group.bench_function("hunter", |b| {
        // Each pass starts from empty slots, made outside the timing.
        let empty = || vec![ClientSlot::EMPTY; 4096];
        b.iter_batched_ref(
            empty,
            |slots| {
                let mut hunter = Hunter::new(&mut slots[..], Settings::default());
                let mut alerts = 0;
                for (time, client, query, rcode) in &events {
                    let event = Event {
                        time: *time,
                        client,
                        query,
                        rcode: *rcode,
                    };
                    alerts += usize::from(hunter.observe(black_box(&event)).is_ok_and(|o| o.alert));
                }
                assert_eq!(alerts, 1, "the burst alerts once, nothing else does");
                alerts
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("count_failures_per_client", |b| {
        b.iter(|| {
            let mut failures: HashMap<&str, u32> = HashMap::new();
            for (_, client, _, rcode) in &events {
                if *black_box(rcode) == Rcode::NxDomain {
                    *failures.entry(client.as_str()).or_default() += 1;
                }
            }
            failures.len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
