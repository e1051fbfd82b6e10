//! Build script: compiles the word list, the 4-gram counts, the n-gram weights, the model and the
//! per-client
//! detector's model into `OUT_DIR`.
//!
//! All the work lives in `codegen`; this file only resolves the inputs.

mod codegen;

use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    let words = input_path("DGA_WORDS").unwrap_or_else(|| manifest_dir.join("words/words.txt"));
    let ngrams = input_path("DGA_NGRAMS").unwrap_or_else(|| manifest_dir.join("model/ngrams.txt"));
    let ngram_weights = input_path("DGA_NGRAM_WEIGHTS")
        .unwrap_or_else(|| manifest_dir.join("model/ngram-weights.txt"));
    let model = match input_path("DGA_MODEL") {
        Some(path) if path.as_os_str() == codegen::UNTRAINED => None,
        path => Some(path.unwrap_or_else(|| manifest_dir.join("model/default.toml"))),
    };
    let hunt_model = match input_path("DGA_HUNT_MODEL") {
        Some(path) if path.as_os_str() == codegen::UNTRAINED => None,
        path => Some(path.unwrap_or_else(|| manifest_dir.join("model/hunt.toml"))),
    };
    let words = manifest_dir.join(words);
    let ngrams = manifest_dir.join(ngrams);
    let ngram_weights = manifest_dir.join(ngram_weights);
    // The library's tests re-read each to check the generated tables against them.
    for (input, var) in [
        (&words, "DGA_WORDS_PATH"),
        (&ngrams, "DGA_NGRAMS_PATH"),
        (&ngram_weights, "DGA_NGRAM_WEIGHTS_PATH"),
    ] {
        println!("cargo:rerun-if-changed={}", input.display());
        println!("cargo:rustc-env={var}={}", input.display());
    }
    for model in model.iter().chain(&hunt_model) {
        println!("cargo:rerun-if-changed={}", model.display());
    }
    let inputs = codegen::Inputs {
        words: &words,
        ngrams: &ngrams,
        ngram_weights: &ngram_weights,
        model: model.as_deref(),
        hunt_model: hunt_model.as_deref(),
    };
    if let Err(message) = codegen::generate(&inputs, &out_dir) {
        eprintln!("error: dga-classifier build failed: {message}");
        std::process::exit(1);
    }
}

/// The path named by environment variable `var`, if set; cargo reruns the build when it changes.
fn input_path(var: &str) -> Option<PathBuf> {
    println!("cargo:rerun-if-env-changed={var}");
    std::env::var_os(var).map(PathBuf::from)
}
