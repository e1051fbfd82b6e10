//! The compiled-in model's operating points hold on the labels they were set on: each flags at
//! most its stated share of the legitimate validation labels, as the library scores them.

#[path = "../examples/train/trainer.rs"]
#[allow(dead_code)]
mod trainer;

#[path = "../examples/train/protocol.rs"]
#[allow(dead_code)]
mod protocol;

#[path = "../examples/train/ngram_model.rs"]
#[allow(dead_code)]
mod ngram_model;

use dga_classifier::{features, score, Verdict, MODEL};
use std::path::PathBuf;

const SEED: u64 = 20160101;

fn shared_data(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(relative)
}

/// The legitimate validation labels the trainer set the model's operating points on: with
/// `--extra` (a model whose default is an operating point), the protocol's; otherwise DDS's.
fn legit_validation_labels() -> Vec<String> {
    let rows = trainer::read_rows(&shared_data("legit-dga_domains.csv")).unwrap();
    let (train, valid) = trainer::split_by_domain(rows, SEED);
    if MODEL.threshold_false_positive_rate.is_none() {
        return valid
            .into_iter()
            .filter(|r| !r.malicious)
            .map(|r| r.domain)
            .collect();
    }
    protocol_data(train, &valid)
        .legit_validation_rows()
        .iter()
        .map(|r| r.domain.clone())
        .collect()
}

/// The protocol's labels, as the trainer gathers them with `--extra` on both folders.
fn protocol_data(train: Vec<trainer::Row>, valid: &[trainer::Row]) -> protocol::Data {
    protocol::Data::load(train, valid, &extra_dirs(), &[], &[], SEED).unwrap()
}

/// The `--extra` folders the default model is trained with.
fn extra_dirs() -> [PathBuf; 2] {
    [shared_data(""), shared_data("extra-2026")]
}

#[test]
fn the_protocol_file_for_peers_holds_its_labels() {
    let rows = trainer::read_rows(&shared_data("legit-dga_domains.csv")).unwrap();
    let (train, valid) = trainer::split_by_domain(rows, SEED);
    let data = protocol_data(train, &valid);
    let file = data.labels_file();
    let mut sets: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for line in file.lines().skip(1) {
        let (set, label) = line.split_once('\t').unwrap();
        sets.entry(set).or_default().push(label);
    }
    let mut legit: Vec<&str> = data
        .legit_validation_rows()
        .iter()
        .map(|r| r.domain.as_str())
        .collect();
    legit.sort_unstable();
    legit.dedup();
    let mut written = sets.remove("legit").unwrap();
    written.sort_unstable();
    assert_eq!(written, legit, "the thresholds' labels, each once");
    // DDS's cryptolocker and more-dga's are one family.
    assert_eq!(sets.len(), 34, "{:?}", sets.keys());
    assert!(sets.values().all(|labels| !labels.is_empty()));
}

#[test]
fn each_operating_point_flags_at_most_its_rate() {
    assert!(
        !MODEL.operating_points.is_empty(),
        "{} has no operating points",
        MODEL.name
    );
    let labels = legit_validation_labels();
    assert!(labels.len() > 10_000, "{} labels", labels.len());
    let scores: Vec<_> = labels.iter().map(|l| score(&features(l))).collect();
    let mut previous_threshold = 0.0;
    for point in MODEL.operating_points {
        let flagged = scores
            .iter()
            .filter(|s| point.verdict(s) == Verdict::Malicious)
            .count();
        let share = flagged as f64 / labels.len() as f64;
        // The trainer's probabilities and the library's may differ in the last bit: one label
        // at the threshold may fall either way.
        let allowed = point.false_positive_rate + 1.0 / labels.len() as f64;
        assert!(share <= allowed, "{point:?} flags {share}");
        // A point that flags far less than its rate would be a threshold set on other data.
        assert!(
            share >= 0.8 * point.false_positive_rate,
            "{point:?} flags only {share}"
        );
        assert!(
            point.threshold > previous_threshold,
            "points run from loosest to strictest"
        );
        previous_threshold = point.threshold;
    }
    if let Some(rate) = MODEL.threshold_false_positive_rate {
        assert_eq!(
            MODEL.operating_point(rate).map(|p| p.threshold),
            Some(MODEL.threshold)
        );
    }
}

#[test]
fn a_resolver_list_sets_the_points_only_when_asked_and_is_never_trained_on() {
    let rows = trainer::read_rows(&shared_data("legit-dga_domains.csv")).unwrap();
    let (train, valid) = trainer::split_by_domain(rows, SEED);
    let curated = protocol_data(train.clone(), &valid);
    let resolver = [shared_data("extra-2026-12")];
    let set_on =
        protocol::Data::load(train, &valid, &extra_dirs(), &resolver, &resolver, SEED).unwrap();
    assert_eq!(
        curated.legit_training_labels(),
        set_on.legit_training_labels(),
        "the resolver list is never trained on"
    );
    let list = set_on
        .legit_lists()
        .iter()
        .find(|l| l.name == "umbrella-2026-07-even.txt")
        .unwrap();
    assert!(list.sets_thresholds);
    let pool: std::collections::HashSet<&str> = set_on
        .legit_validation_rows()
        .iter()
        .map(|r| r.domain.as_str())
        .collect();
    let labels: std::collections::HashSet<&str> =
        list.labels.iter().map(|r| r.domain.as_str()).collect();
    assert_eq!(pool, labels, "the points are set on its labels alone");
    let trained: std::collections::HashSet<&str> =
        curated.legit_training_labels().into_iter().collect();
    assert!(labels.iter().all(|l| !trained.contains(l)));
    // Each label stands for the host names that reduce to it: more names than labels.
    assert_eq!(list.names.len(), list.labels.len());
    assert!(list.names.iter().all(|&n| n >= 1));
    assert!(list.names.iter().sum::<usize>() > 2 * list.labels.len());
    // Without being asked, the curated lists set them and the resolver list is only reported.
    assert!(curated
        .legit_lists()
        .iter()
        .all(|l| l.sets_thresholds != protocol::RESOLVER_LISTS.contains(&l.name.as_str())));
}

#[test]
fn a_threshold_folder_without_legitimate_lists_is_an_error() {
    let rows = trainer::read_rows(&shared_data("legit-dga_domains.csv")).unwrap();
    let (train, valid) = trainer::split_by_domain(rows, SEED);
    // A families folder: it has `more-dga/` but no `more-legit/`.
    let families_only = [shared_data("extra-2026-12/more-dga")];
    let error = protocol::Data::load(train, &valid, &extra_dirs(), &[], &families_only, SEED)
        .err()
        .expect("thresholds set on no labels");
    assert!(error.starts_with("--threshold-lists: "), "{error}");
    assert!(error.contains("more-legit"), "{error}");
}
