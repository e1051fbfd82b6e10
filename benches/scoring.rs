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

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dga_classifier::{classify, features, score};
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
                .map(|c| c.score.p_malicious)
                .sum::<f64>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
