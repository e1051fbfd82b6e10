//! The code generator behind `build.rs`: word list -> packed DAFSA table, 4-gram counts ->
//! log-ratio table, n-gram weights -> folded table, model file and hunt model file -> constants.
//!
//! Everything here runs at build time with `std`; its output, `OUT_DIR/{words,ngrams,
//! ngram_weights,model,hunt_model,log2,exp2}.rs` and the 4-gram tables' `.bin`, is what the `no_std`
//! library includes.

mod dafsa;
mod hunt;
mod model;
mod model_file;
mod ngram_weights;
mod ngrams;
mod sha256;

use std::fmt::Write as _;
use std::path::Path;

/// `DGA_MODEL=untrained` builds with an all-zero model, for training a model on a new word list.
pub const UNTRAINED: &str = "untrained";

/// The build's inputs.
pub struct Inputs<'a> {
    /// The word list.
    pub words: &'a Path,
    /// The 4-gram counts of legitimate labels.
    pub ngrams: &'a Path,
    /// The discriminative character n-gram weights.
    pub ngram_weights: &'a Path,
    /// The model file; `None` for the untrained model.
    pub model: Option<&'a Path>,
    /// The per-client detector's model file; `None` for the untrained one.
    pub hunt_model: Option<&'a Path>,
}

/// Reads the inputs, checks they belong together and writes the generated modules.
pub fn generate(inputs: &Inputs, out_dir: &Path) -> Result<(), String> {
    let Inputs {
        words: words_path,
        ngrams: ngrams_path,
        ngram_weights: weights_path,
        model: model_path,
        hunt_model: hunt_path,
    } = *inputs;
    let raw_words = std::fs::read(words_path)
        .map_err(|e| format!("cannot read word list {}: {e}", words_path.display()))?;
    let words_sha256 = sha256::hex_digest(&raw_words);
    let words = dafsa::normalise_word_list(&raw_words);
    let automaton = dafsa::Dafsa::build(&words);
    let table = automaton.pack();
    let raw_ngrams = std::fs::read_to_string(ngrams_path)
        .map_err(|e| format!("cannot read 4-gram counts {}: {e}", ngrams_path.display()))?;
    let ngrams_sha256 = sha256::hex_digest(raw_ngrams.as_bytes());
    let ngram_counts =
        ngrams::parse(&raw_ngrams).map_err(|e| format!("{}: {e}", ngrams_path.display()))?;
    let raw_weights = std::fs::read_to_string(weights_path)
        .map_err(|e| format!("cannot read n-gram weights {}: {e}", weights_path.display()))?;
    let weights_sha256 = sha256::hex_digest(raw_weights.as_bytes());
    let weights = ngram_weights::parse(&raw_weights)
        .map_err(|e| format!("{}: {e}", weights_path.display()))?;

    let model = match model_path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read model {}: {e}", path.display()))?;
            let model =
                model::ModelFile::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            if model.words_sha256 != words_sha256 {
                return Err(format!(
                    "model {} was trained on the word list with sha256 {}, but the word list compiled in, {}, \
                     has sha256 {words_sha256}. Set DGA_MODEL to a model trained on this list, or train one \
                     (README: \"Retraining\") with DGA_MODEL={UNTRAINED}.",
                    path.display(),
                    model.words_sha256,
                    words_path.display(),
                ));
            }
            match &model.ngrams_sha256 {
                Some(sha) if model.uses_ngrams() && *sha != ngrams_sha256 => {
                    return Err(format!(
                        "model {} was trained with the 4-gram counts with sha256 {sha}, but the counts compiled in, {}, \
                         have sha256 {ngrams_sha256}. Set DGA_NGRAMS to the counts it was trained with, or retrain \
                         (README: \"Retraining\").",
                        path.display(),
                        ngrams_path.display(),
                    ));
                }
                _ => {}
            }
            match &model.ngram_weights_sha256 {
                Some(sha) if model.uses_ngram_weights() && *sha != weights_sha256 => {
                    return Err(format!(
                        "model {} was trained with the n-gram weights with sha256 {sha}, but the weights compiled in, {}, \
                         have sha256 {weights_sha256}. Set DGA_NGRAM_WEIGHTS to the weights it was trained with, or \
                         retrain (README: \"Retraining\").",
                        path.display(),
                        weights_path.display(),
                    ));
                }
                _ => {}
            }
            model
        }
        None => model::ModelFile::untrained(&words_sha256),
    };
    let hunt_model = match hunt_path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read hunt model {}: {e}", path.display()))?;
            let hunt =
                hunt::HuntFile::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            if hunt.name_model != model.name {
                return Err(format!(
                    "hunt model {} was trained with the name model `{}`, but the model compiled in is `{}`. \
                     Set DGA_HUNT_MODEL to a hunt model trained with it (README: \"Retraining\"), or to \
                     {UNTRAINED} for a detector that alerts on nothing.",
                    path.display(),
                    hunt.name_model,
                    model.name,
                ));
            }
            hunt
        }
        None => hunt::HuntFile::untrained(&model.name),
    };

    let header = format!(
        "// @generated by dga-classifier's build script (build/codegen.rs) from {} (sha256 {words_sha256}),\n\
         // {} (sha256 {ngrams_sha256}), {} (sha256 {weights_sha256}), {} and {}.\n\
         // Do not edit: change the inputs (DGA_WORDS, DGA_NGRAMS, DGA_NGRAM_WEIGHTS, DGA_MODEL,\n\
         // DGA_HUNT_MODEL) and rebuild.\n\n",
        words_path.display(),
        ngrams_path.display(),
        weights_path.display(),
        model_path.map_or_else(|| String::from("the untrained model"), |p| p.display().to_string()),
        hunt_path.map_or_else(|| String::from("the untrained hunt model"), |p| p.display().to_string()),
    );
    let mut words_rs = header.clone();
    dafsa::emit(&mut words_rs, &table, words.len(), &words_sha256);
    write(out_dir, "words.rs", &words_rs)?;

    const NGRAM_TABLES: &str = "ngram_tables.bin";
    let table_path = out_dir.join(NGRAM_TABLES);
    let tables = ngrams::interleave(
        &ngrams::table(&ngram_counts),
        &ngram_weights::table(&weights),
    );
    std::fs::write(&table_path, tables)
        .map_err(|e| format!("cannot write {}: {e}", table_path.display()))?;
    let mut ngrams_rs = header.clone();
    ngrams::emit(&mut ngrams_rs, &ngrams_sha256, NGRAM_TABLES);
    write(out_dir, "ngrams.rs", &ngrams_rs)?;
    let mut weights_rs = header.clone();
    ngram_weights::emit(&mut weights_rs, &weights_sha256);
    write(out_dir, "ngram_weights.rs", &weights_rs)?;

    let mut model_rs = header.clone();
    model.emit(&mut model_rs);
    write(out_dir, "model.rs", &model_rs)?;

    let mut hunt_rs = header.clone();
    hunt_model.emit(&mut hunt_rs);
    write(out_dir, "hunt_model.rs", &hunt_rs)?;

    let mut log2_rs = header.clone();
    emit_log2_tables(&mut log2_rs);
    write(out_dir, "log2.rs", &log2_rs)?;

    let mut exp2_rs = header;
    emit_exp2_table(&mut exp2_rs);
    write(out_dir, "exp2.rs", &exp2_rs)
}

/// Largest count the entropy tables cover: a DNS label's maximum length.
const LOG2_TABLE_MAX: u32 = 63;

/// `log2(n)` and `n * log2(n)` for small `n`, so entropy needs no logarithm at run time.
fn emit_log2_tables(out: &mut String) {
    let n = || (0..=LOG2_TABLE_MAX).map(f64::from);
    let log2: Vec<String> = n()
        .map(|n| format!("{:?}", if n == 0.0 { 0.0 } else { n.log2() }))
        .collect();
    let n_log2_n: Vec<String> = n()
        .map(|n| format!("{:?}", if n == 0.0 { 0.0 } else { n * n.log2() }))
        .collect();
    let len = LOG2_TABLE_MAX + 1;
    writeln!(
        out,
        "/// `log2(n)`, 0 for 0.\npub(crate) static LOG2: [f64; {len}] = ["
    )
    .expect("infallible");
    emit_array(out, &log2);
    writeln!(
        out,
        "];\n/// `n * log2(n)`, 0 for 0.\npub(crate) static N_LOG2_N: [f64; {len}] = ["
    )
    .expect("infallible");
    emit_array(out, &n_log2_n);
    out.push_str("];\n");
}

/// Entries of the table of `2^(j/N)`, `N` a power of two: `exp` on it needs only a short polynomial.
const EXP2_TABLE_LEN: u32 = 64;

/// `2^(j/N)` for `j < N`, as bits less `j` in the exponent's place, so that adding `k` there
/// (`k ≡ j mod N`) makes `2^(k/N)` with one integer addition (see `src/exp.rs`).
fn emit_exp2_table(out: &mut String) {
    let shift = 52 - EXP2_TABLE_LEN.trailing_zeros();
    let entries: Vec<String> = (0..EXP2_TABLE_LEN)
        .map(|j| {
            let bits = (f64::from(j) / f64::from(EXP2_TABLE_LEN)).exp2().to_bits();
            format!("{:#x}", bits.wrapping_sub(u64::from(j) << shift))
        })
        .collect();
    writeln!(
        out,
        "/// `2^(j/N)` as bits, less `j << (52 - log2(N))`.\npub(crate) static EXP2_TABLE: [u64; {EXP2_TABLE_LEN}] = ["
    )
    .expect("infallible");
    emit_array(out, &entries);
    out.push_str("];\n");
}

fn write(out_dir: &Path, name: &str, contents: &str) -> Result<(), String> {
    let path = out_dir.join(name);
    std::fs::write(&path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Appends `items` as the body of a Rust array literal, a fixed number per line.
fn emit_array<T: std::fmt::Display>(out: &mut String, items: &[T]) {
    for chunk in items.chunks(16) {
        out.push_str("   ");
        for item in chunk {
            write!(out, " {item},").expect("writing to a String cannot fail");
        }
        out.push('\n');
    }
}
