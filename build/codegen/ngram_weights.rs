//! Character n-gram weights (`model/ngram-weights.txt`) -> the table of
//! `Features::ngram_log_odds`.
//!
//! The weights file is written by the training tool (`--write-ngram-weights`): lines
//! `gram weight`, a gram of 1 to 4 symbols of `[.a-z0-9-]` (`.` the label's edge, as in the
//! 4-gram counts file), its weight in log-odds of DGA; `#` starts a comment. The discriminative
//! model sums the weights of every 1- to 4-gram of `...label.`; each byte and the label's end
//! end exactly one gram of each order, so the table folds them: the entry of 4-gram `abcd` is
//! `w(abcd) + w(bcd) + w(cd) + w(d)`, added in that order (as the trainer adds them), rounded to
//! sixteenths and stored as `i8`, beside the 4-gram counts' entry of the same 4-gram. A label
//! costs one lookup per byte for both. An empty file gives an all-zero table.

use super::ngrams::{gram_lines, ENTRIES, ORDER, SYMBOLS};

/// Table entries per unit of log-odds.
pub const STEPS_PER_UNIT: f64 = 16.0;

/// Reads the weights file into one dense array per order: `weights[k]` holds the (k+1)-grams'.
pub fn parse(text: &str) -> Result<[Vec<f64>; ORDER], String> {
    let mut weights: [Vec<f64>; ORDER] =
        core::array::from_fn(|k| vec![0.0; SYMBOLS.pow(k as u32 + 1)]);
    for line in gram_lines(text, "gram weight") {
        let line = line?;
        let weight = line
            .value
            .parse()
            .ok()
            .filter(|w: &f64| w.is_finite())
            .ok_or_else(|| format!("line {}: {:?} is not a weight", line.number, line.value))?;
        if !(1..=ORDER).contains(&line.order) {
            return Err(format!(
                "line {}: a gram has 1 to {ORDER} symbols",
                line.number
            ));
        }
        let slot = &mut weights[line.order - 1][line.index];
        if *slot != 0.0 {
            return Err(format!("line {}: a gram given twice", line.number));
        }
        *slot = weight;
    }
    Ok(weights)
}

/// The table: each 4-gram's folded weight in sixteenths, clamped to `i8`, one byte per entry.
pub fn table(weights: &[Vec<f64>; ORDER]) -> Vec<u8> {
    (0..ENTRIES)
        .map(|index| {
            // The 4-gram's own weight, then the 3-, 2- and 1-gram it ends in.
            let folded = (0..ORDER).rev().fold(0.0, |sum, k| {
                sum + weights[k][index % SYMBOLS.pow(k as u32 + 1)]
            });
            let steps = (folded * STEPS_PER_UNIT).round();
            steps.clamp(f64::from(i8::MIN), f64::from(i8::MAX)) as i8 as u8
        })
        .collect()
}

/// The generated `ngram_weights.rs`: the constants (the table is interleaved with the 4-gram
/// counts' in `ngrams.rs`).
pub fn emit(out: &mut String, sha256: &str) {
    out.push_str(&format!(
        "/// SHA-256 of the character n-gram weights compiled in, in lowercase hex.\n\
         pub const NGRAM_WEIGHTS_SHA256: &str = \"{sha256}\";\n\
         /// Table entries per unit of log-odds: each 4-gram's second byte in `ngrams::TABLES` is\n\
         /// `(w(abcd) + w(bcd) + w(cd) + w(d)) · STEPS_PER_UNIT`, rounded.\n\
         pub(crate) const STEPS_PER_UNIT: f64 = {STEPS_PER_UNIT:?};\n"
    ));
}
