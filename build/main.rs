//! Build script: compiles the word list and the model into `OUT_DIR`.
//!
//! All the work lives in `codegen`; this file only resolves the inputs.

mod codegen;

use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    let words = input_path("DGA_WORDS").unwrap_or_else(|| manifest_dir.join("words/words.txt"));
    let model = match input_path("DGA_MODEL") {
        Some(path) if path.as_os_str() == codegen::UNTRAINED => None,
        path => Some(path.unwrap_or_else(|| manifest_dir.join("model/default.toml"))),
    };
    let words = manifest_dir.join(words);
    println!("cargo:rerun-if-changed={}", words.display());
    // The library's tests re-read the list to check the generated table against it.
    println!("cargo:rustc-env=DGA_WORDS_PATH={}", words.display());
    if let Some(model) = &model {
        println!("cargo:rerun-if-changed={}", model.display());
    }
    if let Err(message) = codegen::generate(&words, model.as_deref(), &out_dir) {
        eprintln!("error: dga-classifier build failed: {message}");
        std::process::exit(1);
    }
}

/// The path named by environment variable `var`, if set; cargo reruns the build when it changes.
fn input_path(var: &str) -> Option<PathBuf> {
    println!("cargo:rerun-if-env-changed={var}");
    std::env::var_os(var).map(PathBuf::from)
}
