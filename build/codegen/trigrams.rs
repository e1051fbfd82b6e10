//! Trigram counts (`model/trigrams.txt`) -> the table of `Features::trigram_bits`.
//!
//! The counts file is written by the training tool from the legitimate labels it trains on:
//! lines `abc count`, where `.` stands for the label's edge (`..g` opens a label with `g`, `le.`
//! ends one with `le`), `#` starts a comment. The table holds, for each context `ab` and next
//! symbol `c`, `log2(V · P(c | ab))` with add-k smoothing: how many bits better than uniformly
//! random bytes the counts predict `c`, rounded to eighths of a bit and stored as `i8` (the table
//! is 59 KB, not 237 KB as `f32`: it stays in cache beside the word table). An empty file gives an
//! all-zero table.

use std::fmt::Write as _;

use super::dafsa::{symbol as word_symbol, NO_SYMBOL};

/// Symbols of the table: 0 the label's edge, 1 to 37 the alphabet, 38 any other byte.
pub const SYMBOLS: usize = 39;
/// What can follow a context in a label: a byte of the alphabet, or the label's end.
const OUTCOMES: f64 = 38.0;
/// Add-k smoothing: an unseen trigram counts as a tenth of an occurrence.
const SMOOTHING: f64 = 0.1;
/// Table entries count eighths of a bit.
pub const STEPS_PER_BIT: f64 = 8.0;

/// The table's symbol for a byte of the counts file: the word table's code, 0 for the edge.
fn symbol(byte: u8) -> Option<usize> {
    match (byte, word_symbol(byte)) {
        (b'.', _) => Some(0),
        (_, NO_SYMBOL) => None,
        (_, code) => Some(usize::from(code)),
    }
}

/// Reads the counts file into `counts[a][b][c]`.
pub fn parse(text: &str) -> Result<Vec<f64>, String> {
    let mut counts = vec![0.0; SYMBOLS * SYMBOLS * SYMBOLS];
    for (number, line) in text.lines().enumerate() {
        let line = line.split_once('#').map_or(line, |(code, _)| code).trim();
        if line.is_empty() {
            continue;
        }
        let bad = || format!("line {}: expected `abc count`, got {line:?}", number + 1);
        let (gram, count) = line.split_once(' ').ok_or_else(bad)?;
        let codes: Vec<usize> = gram
            .bytes()
            .map(symbol)
            .collect::<Option<_>>()
            .ok_or_else(bad)?;
        let count: u64 = count.trim().parse().map_err(|_| bad())?;
        let [a, b, c] = codes[..] else {
            return Err(bad());
        };
        counts[(a * SYMBOLS + b) * SYMBOLS + c] += count as f64;
    }
    Ok(counts)
}

/// Appends the table of smoothed log-ratios to the generated `trigrams.rs`.
pub fn emit(out: &mut String, counts: &[f64], sha256: &str) {
    let mut bits = Vec::with_capacity(counts.len());
    for context in counts.chunks(SYMBOLS) {
        let total: f64 = context.iter().sum();
        for &count in context {
            let p = (count + SMOOTHING) / (total + SMOOTHING * OUTCOMES);
            let steps = ((OUTCOMES * p).log2() * STEPS_PER_BIT).round();
            // Counts would need over 10^18 occurrences of one context to leave the range.
            bits.push(steps.clamp(f64::from(i8::MIN), f64::from(i8::MAX)) as i8);
        }
    }
    writeln!(
        out,
        "/// SHA-256 of the trigram counts compiled in, in lowercase hex.\n\
         pub const TRIGRAMS_SHA256: &str = \"{sha256}\";\n\
         /// Symbols of the table: 0 the label's edge, 1 to 37 `[a-z0-9-]`, 38 any other byte.\n\
         pub(crate) const SYMBOLS: usize = {SYMBOLS};\n\
         /// Table entries per bit.\n\
         pub(crate) const STEPS_PER_BIT: f64 = {STEPS_PER_BIT:?};\n\
         /// `log2({OUTCOMES} · P(c | a b)) · STEPS_PER_BIT`, rounded, at `(a · SYMBOLS + b) · SYMBOLS + c`.\n\
         pub(crate) static STEPS: [i8; {len}] = [",
        len = bits.len()
    )
    .expect("writing to a String cannot fail");
    super::emit_array(out, &bits);
    out.push_str("];\n");
}
