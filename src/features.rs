//! The lexical features of a label: the original four (SPEC §2) and what the generalising model
//! adds.

mod log2 {
    // Exact values of log2(n); some happen to be near named constants.
    #![allow(clippy::approx_constant)]
    include!(concat!(env!("OUT_DIR"), "/log2.rs"));
}

mod ngrams {
    include!(concat!(env!("OUT_DIR"), "/ngrams.rs"));
}

mod ngram_weights {
    include!(concat!(env!("OUT_DIR"), "/ngram_weights.rs"));
}

pub use ngram_weights::NGRAM_WEIGHTS_SHA256;
pub use ngrams::NGRAMS_SHA256;

use crate::words::find_words;

/// The lexical features of one label: the first four exactly as the original model defined them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Features {
    /// Number of bytes of the label.
    pub length: usize,
    /// Shannon entropy of the label's byte distribution, in bits.
    pub entropy: f64,
    /// Share of the label's bytes that are `a`, `e`, `i`, `o` or `u` (`y` is not a vowel).
    pub p_vowels: f64,
    /// Number of substrings of 2+ bytes that are in the word set, every occurrence counted,
    /// overlaps included.
    pub num_words: usize,
    /// Bits by which the compiled-in 4-gram model of legitimate labels predicts the label's bytes
    /// and its end better than uniformly random bytes would: `Σ log2(38 · P(byte | three
    /// before))`, each term to the eighth of a bit.
    /// High for names that read like names, negative for random strings.
    pub ngram_bits: f64,
    /// Share of the label's bytes inside at least one word of 3+ bytes.
    pub word_coverage: f64,
    /// Length of the longest word of 2+ bytes inside the label; 0 when there is none.
    pub longest_word: usize,
    /// Fewest pieces the label splits into, each a word of 3+ bytes or a single byte:
    /// `facebook` is 2 (or 1 if the list has it), a random string of n bytes about n.
    pub segments: usize,
    /// Log-odds of DGA against legitimate that a discriminative model of the label's character
    /// 1- to 4-grams gives (the label's edges included), without its constant term: each byte and
    /// the label's end add the weight of the 4-gram they end, folded with the 3-, 2- and 1-gram
    /// they end, to the sixteenth. Positive for sequences DGA families use, negative for those
    /// of names.
    pub ngram_log_odds: f64,
}

/// Computes the features of one label, byte for byte as given.
///
/// The label is not normalised: `features("Google")` counts `G` and `g` as different bytes and
/// finds no word starting with `G`, since the word set is lowercase. [`classify`](crate::classify)
/// picks and lowercases the label of a full host name first, and computes only the features the
/// model uses. Any string is accepted; the empty string has every feature 0 but the two 4-gram
/// sums (`ngram_bits`, `ngram_log_odds`), which score its edges.
///
/// ```
/// let f = dga_classifier::features("zen-cart");
/// assert_eq!((f.length, f.entropy, f.p_vowels), (8, 3.0, 0.25));
/// ```
pub fn features(label: &str) -> Features {
    compute(label, Wanted::ALL)
}

/// The features [`MODEL`](crate::MODEL) uses; the others are left 0, so only [`score`](crate::score)
/// may see the result.
pub(crate) fn model_features(label: &str) -> Features {
    compute(label, Wanted::MODEL)
}

/// Which of the passes over a label to make: each gives some of the features, at its own cost.
#[derive(Clone, Copy)]
struct Wanted {
    /// The byte histogram: `entropy` and `p_vowels`.
    byte_counts: bool,
    /// The word walks: `num_words`.
    words: bool,
    /// What the walks found, put together: `word_coverage`, `longest_word` and `segments`.
    word_structure: bool,
    /// The 4-gram table: `ngram_bits`.
    ngrams: bool,
    /// The n-gram weights' table: `ngram_log_odds`.
    ngram_weights: bool,
}

impl Wanted {
    const ALL: Wanted = Wanted {
        byte_counts: true,
        words: true,
        word_structure: true,
        ngrams: true,
        ngram_weights: true,
    };

    const MODEL: Wanted = {
        use crate::model::model_uses;
        use crate::Feature::{
            Entropy, LongestWord, NgramBits, NgramLogOdds, NumWords, PVowels, Segments,
            WordCoverage,
        };
        let word_structure =
            model_uses(WordCoverage) || model_uses(LongestWord) || model_uses(Segments);
        Wanted {
            byte_counts: model_uses(Entropy) || model_uses(PVowels),
            words: word_structure || model_uses(NumWords),
            word_structure,
            ngrams: model_uses(NgramBits),
            ngram_weights: model_uses(NgramLogOdds),
        }
    };
}

/// The features in `wanted`, the others 0. Inlined into each caller, where `wanted` is a
/// constant: the passes not wanted are not compiled in.
#[inline(always)]
fn compute(label: &str, wanted: Wanted) -> Features {
    let bytes = label.as_bytes();
    let n = bytes.len();
    let mut features = Features {
        length: n,
        entropy: 0.0,
        p_vowels: 0.0,
        num_words: 0,
        ngram_bits: 0.0,
        word_coverage: 0.0,
        longest_word: 0,
        segments: 0,
        ngram_log_odds: 0.0,
    };
    if wanted.ngrams || wanted.ngram_weights {
        let steps = ngram_steps(bytes, wanted.ngrams, wanted.ngram_weights);
        features.ngram_bits = steps.bits as f64 / ngrams::STEPS_PER_BIT;
        features.ngram_log_odds = steps.log_odds as f64 / ngram_weights::STEPS_PER_UNIT;
    }
    if n == 0 {
        return features;
    }
    if wanted.byte_counts {
        let counts = if n <= usize::from(u8::MAX) {
            // Labels: a histogram of bytes is 256 bytes to clear, not the 2 KiB of `usize` counts.
            count_bytes(bytes, &mut [0u8; 256])
        } else {
            count_bytes(bytes, &mut [0usize; 256])
        };
        // `log2(n) - Σ c·log2(c) / n` is `-Σ (c/n)·log2(c/n)` with one division and, for labels
        // up to 63 bytes, no logarithm. A label of one distinct byte has entropy exactly 0:
        // rounding must not make it negative.
        features.entropy = (log2_of(n) - counts.sum_n_log2_n / n as f64).max(0.0);
        features.p_vowels = counts.vowels as f64 / n as f64;
    }
    if wanted.words {
        let words = find_words(bytes, wanted.word_structure);
        features.num_words = words.count;
        features.word_coverage = words.covered as f64 / n as f64;
        features.longest_word = words.longest;
        features.segments = words.segments;
    }
    features
}

/// The sums of the two tables indexed by a label's 4-grams, in their steps.
struct NgramSteps {
    /// `Σ log2(38 · P(d | a b c))` in eighths of a bit: [`Features::ngram_bits`].
    bits: i64,
    /// `Σ w(abcd) + w(bcd) + w(cd) + w(d)` in sixteenths: [`Features::ngram_log_odds`].
    log_odds: i64,
}

/// Walks the 4-grams of `...label.` once (`a b c d`: each byte and the label's end `d`, the
/// three before it `a b c`, the label's edge before its first byte) and sums the entries of the
/// tables asked for.
fn ngram_steps(bytes: &[u8], bits: bool, log_odds: bool) -> NgramSteps {
    const EDGE: usize = 0;
    const SYMBOLS: usize = ngrams::SYMBOLS;
    // The index's context part: the last three symbols, premultiplied by SYMBOLS.
    const CONTEXTS: usize = SYMBOLS * SYMBOLS * SYMBOLS;
    // Word-table codes are 1 to 37 for `[a-z0-9-]` and 63 for any other byte, which is 38 here.
    let symbol = |byte: u8| usize::from(crate::words::symbol(byte)).min(SYMBOLS - 1);
    // The tables' entries are `i8` stored as bytes, both of a 4-gram side by side.
    let entry = |at: usize| i64::from(ngrams::TABLES.get(at).map_or(0, |&s| s as i8));
    // `context` is `(a · SYMBOLS² + b · SYMBOLS + c) · SYMBOLS`: the next index is `context + d`,
    // and the next context drops `a` by a remainder and shifts in `d`.
    let mut context = EDGE;
    // Whole steps add exactly, in any order.
    let mut sums = NgramSteps {
        bits: 0,
        log_odds: 0,
    };
    let mut step = |next: usize| {
        let index = context + next;
        if bits {
            sums.bits += entry(2 * index);
        }
        if log_odds {
            sums.log_odds += entry(2 * index + 1);
        }
        context = (index % CONTEXTS) * SYMBOLS;
    };
    // A plain loop and the end after it: a chained iterator checks which half it is in at
    // every byte.
    for &byte in bytes {
        step(symbol(byte));
    }
    step(EDGE);
    sums
}

/// What the byte histogram of a label gives.
struct ByteCounts {
    /// `Σ c·log2(c)` over the count `c` of each distinct byte.
    sum_n_log2_n: f64,
    /// Bytes that are `a`, `e`, `i`, `o` or `u`.
    vowels: usize,
}

/// Histograms `bytes` into `counts`, which starts zeroed and must not overflow at `bytes.len()`.
fn count_bytes<C: Copy + Into<usize> + core::ops::AddAssign + From<u8> + Default>(
    bytes: &[u8],
    counts: &mut [C; 256],
) -> ByteCounts {
    for &byte in bytes {
        counts[usize::from(byte)] += C::from(1);
    }
    // Five loads from the histogram: cheaper than testing each byte for a vowel.
    let vowels = b"aeiou"
        .iter()
        .map(|&v| counts[usize::from(v)].into())
        .sum();
    // Visiting the bytes again rather than the 256 bins touches only the bins in use; zeroing a bin
    // once read makes each distinct byte count once, and adding 0·log2(0) = 0 for the repeats
    // costs less than a branch that no predictor can learn.
    let sum_n_log2_n = bytes
        .iter()
        .map(|&byte| n_log2_n(core::mem::take(&mut counts[usize::from(byte)]).into()))
        .sum();
    ByteCounts {
        sum_n_log2_n,
        vowels,
    }
}

fn log2_of(n: usize) -> f64 {
    log2::LOG2
        .get(n)
        .copied()
        .unwrap_or_else(|| libm::log2(n as f64))
}

fn n_log2_n(n: usize) -> f64 {
    log2::N_LOG2_N
        .get(n)
        .copied()
        .unwrap_or_else(|| n as f64 * libm::log2(n as f64))
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::ngrams::{STEPS_PER_BIT, SYMBOLS, TABLES};
    use std::collections::HashMap;
    use std::string::String;

    /// The table's shape, and what the counts file says of it: in every context the counts
    /// have, the probabilities of the 38 outcomes sum to 1 (within the rounding to eighths of a
    /// bit), and a 4-gram seen often is predicted better than one never seen.
    /// `tests/properties.rs` re-derives the bits of whole labels from the counts.
    #[test]
    fn ngram_table_follows_the_counts() {
        assert_eq!(TABLES.len(), 2 * SYMBOLS.pow(4));
        // The counts' table is the even bytes.
        let counts_entry = |index: usize| TABLES[2 * index] as i8;
        let code = |byte: u8| match byte {
            b'.' => 0,
            b'a'..=b'z' => usize::from(byte - b'a') + 1,
            b'0'..=b'9' => usize::from(byte - b'0') + 27,
            b'-' => 37,
            _ => panic!("byte {byte} in the counts file"),
        };
        let text = std::fs::read_to_string(env!("DGA_NGRAMS_PATH")).unwrap();
        let mut lines = 0;
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (gram, count) = line.split_once(' ').unwrap();
            let index = gram.bytes().fold(0, |index, b| index * SYMBOLS + code(b));
            let entry = counts_entry(index);
            let context = index - index % SYMBOLS;
            // The 38 outcomes: the edge (the label's end) and the alphabet, not "any other byte".
            let total: f64 = (0..SYMBOLS - 1)
                .map(|next| (f64::from(counts_entry(context + next)) / STEPS_PER_BIT).exp2() / 38.0)
                .sum();
            assert!((0.95..1.05).contains(&total), "{gram}: {total}");
            if count.parse::<u64>().unwrap() >= 1000 {
                let unseen = (0..SYMBOLS).map(|next| counts_entry(context + next));
                assert!(unseen.min().unwrap() < entry, "{gram}");
            }
            lines += 1;
        }
        assert!(lines > 1000, "the counts file has {lines} 4-grams");
    }

    /// The folded table against the weights file it came from: each label's `ngram_log_odds` is
    /// the sum, over its 4-gram windows, of the 4-, 3-, 2- and 1-gram weights the window ends
    /// with, rounded to the table's step per window. Labels: every 4-gram of the file made into
    /// a label, and labels of grams the file does not have.
    #[test]
    fn ngram_weights_table_follows_the_file() {
        use super::ngram_weights::STEPS_PER_UNIT;
        let text = std::fs::read_to_string(env!("DGA_NGRAM_WEIGHTS_PATH")).unwrap();
        let weights: HashMap<&str, f64> = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|line| {
                let (gram, weight) = line.split_once(' ').unwrap();
                (gram, weight.parse().unwrap())
            })
            .collect();
        let expected = |label: &str| {
            let padded = std::format!("...{label}.");
            let weight = |gram: &str| weights.get(gram).copied().unwrap_or(0.0);
            let steps: f64 = (0..padded.len() - 3)
                .map(|i| {
                    let window = &padded[i..i + 4];
                    let folded = weight(window)
                        + weight(&window[1..])
                        + weight(&window[2..])
                        + weight(&window[3..]);
                    (folded * STEPS_PER_UNIT).round().clamp(-128.0, 127.0)
                })
                .sum();
            steps / STEPS_PER_UNIT
        };
        let mut labels: std::vec::Vec<String> = weights
            .keys()
            .filter(|gram| gram.len() == 4)
            .map(|gram| gram.trim_matches('.').replace('.', ""))
            .filter(|label| !label.is_empty())
            .collect();
        labels.extend(["xqzvjk", "google", "a", "0-0", "qqqqqqqqqqqqqqqqqqqqq"].map(String::from));
        assert!(labels.len() > 10_000, "{} labels", labels.len());
        for label in &labels {
            assert_eq!(
                super::features(label).ngram_log_odds,
                expected(label),
                "{label}"
            );
        }
    }
}
