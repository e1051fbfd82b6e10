//! Character 4-gram counts (`model/ngrams.txt`) -> the table of `Features::ngram_bits`.
//!
//! The counts file is written by the training tool from the legitimate labels it trains on:
//! lines `abcd count`, where `.` stands for the label's edge (`...g` opens a label with `g`,
//! `ple.` ends one with `ple`), `#` starts a comment. The table holds, for each context `abc`
//! and next symbol `d`, `log2(V · P(d | abc))`: how many bits better than uniformly random bytes
//! a 4-gram model of legitimate labels predicts `d`. `P` is interpolated absolute discounting
//! (Ney, Essen and Kneser 1994): each order gives up `DISCOUNT` of every count it has seen to the
//! order below it, down to the uniform distribution, so a context seen once or never still has a
//! sensible prediction. Entries are rounded to eighths of a bit and stored as `i8` (2.3 MB, not
//! 9 MB as `f32`), in a binary file the library includes as bytes, which compiles in no time where
//! a 2.3-million-entry array literal would not. An empty file gives an all-zero table.

use super::dafsa::{symbol as word_symbol, NO_SYMBOL};

/// The model's order: each byte is predicted from the three before it.
pub const ORDER: usize = 4;
/// Symbols of the table: 0 the label's edge, 1 to 37 the alphabet, 38 any other byte.
pub const SYMBOLS: usize = 39;
/// Entries of the table: every context of `ORDER - 1` symbols and every next symbol.
pub const ENTRIES: usize = SYMBOLS * SYMBOLS * SYMBOLS * SYMBOLS;
/// What can follow a context in a label: a byte of the alphabet, or the label's end.
const OUTCOMES: f64 = 38.0;
/// What absolute discounting takes from each seen count and passes to the order below.
const DISCOUNT: f64 = 0.75;
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

/// The `gram value` lines of a counts or weights file, `#` comments and blank lines left out:
/// each line's number, its gram as the table's symbols, its index among grams of its length
/// (`((a · S + b) · S + c) · S + d` for four), and its value, unparsed. `expected` describes a
/// line, for the message on one that is not.
pub fn gram_lines<'a>(
    text: &'a str,
    expected: &'a str,
) -> impl Iterator<Item = Result<GramLine<'a>, String>> + 'a {
    text.lines().enumerate().filter_map(move |(number, line)| {
        let line = line.split_once('#').map_or(line, |(code, _)| code).trim();
        if line.is_empty() {
            return None;
        }
        let bad = || format!("line {}: expected `{expected}`, got {line:?}", number + 1);
        let parsed = line.split_once(' ').and_then(|(gram, value)| {
            let codes: Vec<usize> = gram.bytes().map(symbol).collect::<Option<_>>()?;
            let index = codes.iter().fold(0, |index, &code| index * SYMBOLS + code);
            Some(GramLine {
                number: number + 1,
                order: codes.len(),
                index,
                value: value.trim(),
            })
        });
        Some(parsed.ok_or_else(bad))
    })
}

/// One line of [`gram_lines`].
pub struct GramLine<'a> {
    pub number: usize,
    /// How many symbols the gram has.
    pub order: usize,
    pub index: usize,
    pub value: &'a str,
}

/// Reads the counts file into `counts[((a · S + b) · S + c) · S + d]`.
pub fn parse(text: &str) -> Result<Vec<f64>, String> {
    const EXPECTED: &str = "abcd count";
    let mut counts = vec![0.0; ENTRIES];
    for line in gram_lines(text, EXPECTED) {
        let line = line?;
        let count: u64 = line.value.parse().map_err(|_| {
            format!(
                "line {}: expected `{EXPECTED}`, got count {:?}",
                line.number, line.value
            )
        })?;
        if line.order != ORDER {
            return Err(format!(
                "line {}: expected `{EXPECTED}`, a 4-gram",
                line.number
            ));
        }
        counts[line.index] += count as f64;
    }
    Ok(counts)
}

/// The table: `log2(OUTCOMES · P(d | abc)) · STEPS_PER_BIT`, rounded and clamped to `i8`, one
/// byte per entry in the order of [`parse`]'s counts.
pub fn table(counts: &[f64]) -> Vec<u8> {
    // `by_order[k]` holds the counts of the (k+1)-grams: every k-gram ends exactly one 4-gram
    // of a label padded with three edges, so lower orders are sums over the first symbol.
    let mut by_order: Vec<Vec<f64>> = vec![counts.to_vec()];
    for _ in 1..ORDER {
        let higher = by_order.last().expect("one order at least");
        let len = higher.len() / SYMBOLS;
        let lower: Vec<f64> = (0..len)
            .map(|i| (0..SYMBOLS).map(|first| higher[first * len + i]).sum())
            .collect();
        by_order.push(lower);
    }
    by_order.reverse(); // by_order[k]: (k+1)-grams
                        // For every context of every order: its total count and its number of distinct next symbols.
    let contexts: Vec<Vec<(f64, f64)>> = by_order
        .iter()
        .map(|grams| {
            grams
                .chunks(SYMBOLS)
                .map(|next| {
                    let total: f64 = next.iter().sum();
                    let kinds = next.iter().filter(|&&c| c > 0.0).count() as f64;
                    (total, kinds)
                })
                .collect()
        })
        .collect();
    let mut probabilities = vec![1.0 / OUTCOMES; SYMBOLS];
    for (grams, contexts) in by_order.iter().zip(&contexts) {
        // `probabilities` holds the order below's, indexed by the (shorter) gram; extend it.
        let lower = std::mem::take(&mut probabilities);
        let lower_len = lower.len();
        probabilities = grams
            .iter()
            .enumerate()
            .map(|(gram, &count)| {
                let backoff = lower[gram % lower_len];
                let (total, kinds) = contexts[gram / SYMBOLS];
                if total == 0.0 {
                    return backoff;
                }
                (count - DISCOUNT).max(0.0) / total + DISCOUNT * kinds / total * backoff
            })
            .collect();
    }
    probabilities
        .iter()
        .map(|p| {
            let steps = ((OUTCOMES * p).log2() * STEPS_PER_BIT).round();
            steps.clamp(f64::from(i8::MIN), f64::from(i8::MAX)) as i8 as u8
        })
        .collect()
}

/// The generated `ngrams.rs`: the constants, and both 4-gram tables included from `file` in
/// `OUT_DIR`, interleaved by [`interleave`].
pub fn emit(out: &mut String, sha256: &str, file: &str) {
    out.push_str(&format!(
        "/// SHA-256 of the 4-gram counts compiled in, in lowercase hex.\n\
         pub const NGRAMS_SHA256: &str = \"{sha256}\";\n\
         /// Symbols of the table: 0 the label's edge, 1 to 37 `[a-z0-9-]`, 38 any other byte.\n\
         pub(crate) const SYMBOLS: usize = {SYMBOLS};\n\
         /// Table entries per bit.\n\
         pub(crate) const STEPS_PER_BIT: f64 = {STEPS_PER_BIT:?};\n\
         /// Two `i8` (stored as bytes) for each 4-gram `abcd`, at `2 · (((a · SYMBOLS + b) · SYMBOLS\n\
         /// + c) · SYMBOLS + d)`: `log2({OUTCOMES} · P(d | a b c)) · STEPS_PER_BIT`, then the n-gram\n\
         /// weights' folded entry (`ngram_weights.rs`). Side by side, one cache line serves both.\n\
         pub(crate) static TABLES: &[u8; {BOTH}] = include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{file}\"));\n",
        BOTH = 2 * ENTRIES,
    ));
}

/// The two tables of [`ENTRIES`] bytes each, one entry of each in turn: a label's byte costs one
/// cache miss for both features, not one per table.
pub fn interleave(counts: &[u8], weights: &[u8]) -> Vec<u8> {
    assert_eq!((counts.len(), weights.len()), (ENTRIES, ENTRIES));
    counts
        .iter()
        .zip(weights)
        .flat_map(|(&c, &w)| [c, w])
        .collect()
}
