//! Conformance with the original application (SPEC §2, §3): its word list and model compiled in.
//!
//! These tests need the original word list, which is not shipped, so `cargo test` ignores them.
//! `.ci/run` runs them as
//! `DGA_WORDS=../shared/data/seed-words.txt DGA_MODEL=model/original.toml cargo test --test conformance -- --include-ignored`;
//! built with anything else compiled in, they fail.

use dga_classifier::{classify, features, Feature, Verdict, MODEL, WORDS_SHA256};
use std::path::Path;

const NEEDS: &str =
    "needs DGA_WORDS=../shared/data/seed-words.txt DGA_MODEL=model/original.toml (.ci/run)";
const SEED_WORDS_SHA256: &str = "8da134e06e1df413c50c6b1b5bd6ece1d22aa06b3868df88cf703d04412625d0";

fn assert_original_compiled_in() {
    assert_eq!(
        WORDS_SHA256, SEED_WORDS_SHA256,
        "the original word list is not compiled in: {NEEDS}"
    );
    assert_eq!(
        MODEL.name, "original-2016",
        "the original model is not compiled in: {NEEDS}"
    );
}

fn shared_data(relative: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(relative)
}

fn assert_close(what: &str, got: f64, want: f64, tolerance: f64) {
    assert!(
        (got - want).abs() <= tolerance,
        "{what}: got {got:?}, want {want:?} (±{tolerance:e})"
    );
}

#[test]
#[ignore = "needs DGA_WORDS=../shared/data/seed-words.txt DGA_MODEL=model/original.toml (.ci/run)"]
fn golden_features() {
    assert_original_compiled_in();
    let golden: [(&str, usize, f64, f64, usize); 7] = [
        ("plzdonthackmekthxbye", 20, 3.9219280948873623, 0.2, 23),
        (
            "fedoraforum",
            11,
            2.9139770731827523,
            0.45454545454545453,
            17,
        ),
        ("zen-cart", 8, 3.0, 0.25, 8),
        ("h2o", 3, 1.584962500721156, 0.3333333333333333, 0),
        (
            "zyxgifnjobqhzptuodmzov",
            22,
            4.027169118440617,
            0.22727272727272727,
            14,
        ),
        (
            "c3p4j7zdxexg1f2tuzk117wyzn",
            26,
            4.18083298720544,
            0.07692307692307693,
            5,
        ),
        (
            "batdtrbtrikw",
            12,
            2.8553885422075336,
            0.16666666666666666,
            10,
        ),
    ];
    for (label, length, entropy, p_vowels, num_words) in golden {
        let f = features(label);
        assert_eq!((f.length, f.num_words), (length, num_words), "{label}");
        assert_close(&format!("{label} entropy"), f.entropy, entropy, 1e-12);
        assert_close(&format!("{label} p_vowels"), f.p_vowels, p_vowels, 1e-12);
    }
}

#[test]
#[ignore = "needs DGA_WORDS=../shared/data/seed-words.txt DGA_MODEL=model/original.toml (.ci/run)"]
fn every_h2o_row() {
    assert_original_compiled_in();
    let mut rows = 0;
    for file in ["h2o-split/train.csv", "h2o-split/valid.csv"] {
        let mut reader = csv::Reader::from_path(shared_data(file))
            .expect("../shared/data is beside the repository");
        for record in reader.records() {
            let record = record.expect("well-formed CSV");
            let domain = &record[1];
            let f = features(domain);
            let want_len: usize = record[4].parse().unwrap();
            let want_words: usize = record[7].parse().unwrap();
            assert_eq!(
                (f.length, f.num_words),
                (want_len, want_words),
                "{file}: {domain:?}"
            );
            assert_close(
                &format!("{domain:?} entropy"),
                f.entropy,
                record[5].parse().unwrap(),
                1e-12,
            );
            assert_close(
                &format!("{domain:?} p_vowels"),
                f.p_vowels,
                record[6].parse().unwrap(),
                1e-12,
            );
            rows += 1;
        }
    }
    assert_eq!(rows, 133_926);
}

#[test]
#[ignore = "needs DGA_WORDS=../shared/data/seed-words.txt DGA_MODEL=model/original.toml (.ci/run)"]
fn original_published_response() {
    assert_original_compiled_in();
    let c = classify("plzdonthackmekthxbye").unwrap();
    let s = *c.score().expect("a host name is scored");
    assert_eq!(s.verdict, Verdict::Malicious);
    assert_close("class0Prob", s.p_legitimate, 0.002564083122440164, 1e-15);
    assert_close("class1Prob", s.p_malicious, 0.9974359168775598, 1e-15);
    assert_close("intercept", s.intercept, -14.94132841574946, 1e-12);
    let published = [
        (Feature::Length, 29.841565204329598),
        (Feature::Entropy, 11.178560649883826),
        (Feature::PVowels, -1.7679609134401084),
        (Feature::NumWords, -18.347249579636706),
    ];
    for (term, (want_feature, want)) in s.terms.into_iter().zip(published) {
        assert_eq!(term.feature, want_feature);
        assert_close(term.feature.name(), term.contribution, want, 1e-12);
    }
}

#[path = "../examples/train/trainer.rs"]
#[allow(dead_code)]
mod trainer;

#[test]
#[ignore = "needs DGA_WORDS=../shared/data/seed-words.txt DGA_MODEL=model/original.toml (.ci/run)"]
fn trainer_reaches_the_optimum_on_the_h2o_split() {
    assert_original_compiled_in();
    let train = trainer::read_rows(&shared_data("h2o-split/train.csv")).unwrap();
    let valid = trainer::read_rows(&shared_data("h2o-split/valid.csv")).unwrap();
    let fit = trainer::fit_ridge_logistic(&train, &trainer::ORIGINAL_FEATURES, 1e-5);
    // SPEC §3: the exact optimum of H2O's objective, to relative 1e-3.
    let optimum = [-14.96637, 1.49286, 2.85972, -8.79131, -0.80005];
    for (got, want) in fit.beta.iter().zip(optimum) {
        assert!(
            ((got - want) / want).abs() < 1e-3,
            "coefficients {:?}, optimum {optimum:?}",
            fit.beta
        );
    }
    assert!(
        (fit.train_logloss - 0.071046).abs() / 0.071046 < 1e-3,
        "train log-loss {}",
        fit.train_logloss
    );
    let eval = trainer::evaluate(&valid, |row| fit.probability(row));
    assert_eq!(eval.confusion.rows(), 26_593);
    assert!(
        (eval.auc - 0.996585).abs() < 1e-3 * 0.996585,
        "valid AUC {}",
        eval.auc
    );
    assert!(
        (eval.confusion.error_rate() - 0.0250).abs() < 5e-4,
        "valid error {}",
        eval.confusion.error_rate()
    );
}

#[test]
fn dds_file_reads_with_its_quoted_newline_record() {
    let rows = trainer::read_rows(&shared_data("legit-dga_domains.csv")).unwrap();
    assert_eq!(rows.len(), 133_926);
    assert!(
        rows.iter().any(|r| r.domain.contains('\n')),
        "the goz record with a newline inside quotes"
    );
}
