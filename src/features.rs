//! The four lexical features of a label (SPEC §2).

mod log2 {
    include!(concat!(env!("OUT_DIR"), "/log2.rs"));
}

use crate::words::count_words;

/// The four lexical features of one label, exactly as the original model defined them.
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
}

/// Computes the features of one label, byte for byte as given.
///
/// The label is not normalised: `features("Google")` counts `G` and `g` as different bytes and
/// finds no word starting with `G`, since the word set is lowercase. [`classify`](crate::classify)
/// picks and lowercases the label of a full host name first. Any string is accepted; the empty
/// string has every feature 0.
///
/// ```
/// let f = dga_classifier::features("zen-cart");
/// assert_eq!((f.length, f.entropy, f.p_vowels), (8, 3.0, 0.25));
/// ```
pub fn features(label: &str) -> Features {
    let bytes = label.as_bytes();
    let length = bytes.len();
    if length == 0 {
        return Features { length, entropy: 0.0, p_vowels: 0.0, num_words: 0 };
    }
    let vowels = bytes.iter().filter(|b| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')).count();
    Features {
        length,
        entropy: entropy(bytes),
        p_vowels: vowels as f64 / length as f64,
        num_words: count_words(bytes),
    }
}

/// `log2(n) - Σ c·log2(c) / n` over the count `c` of each distinct byte: the same quantity as
/// `-Σ (c/n)·log2(c/n)`, with one division and, for labels up to 63 bytes, no logarithm.
fn entropy(bytes: &[u8]) -> f64 {
    let mut counts = [0usize; 256];
    for &byte in bytes {
        counts[usize::from(byte)] += 1;
    }
    let mut sum = 0.0;
    // Visiting the bytes again rather than the 256 bins touches only the bins in use; zeroing a bin
    // once read makes each distinct byte count once.
    for &byte in bytes {
        let count = core::mem::take(&mut counts[usize::from(byte)]);
        if count != 0 {
            sum += n_log2_n(count);
        }
    }
    let n = bytes.len();
    let entropy = log2_of(n) - sum / n as f64;
    // A label of one distinct byte has entropy exactly 0; rounding must not make it negative.
    entropy.max(0.0)
}

fn log2_of(n: usize) -> f64 {
    log2::LOG2.get(n).copied().unwrap_or_else(|| libm::log2(n as f64))
}

fn n_log2_n(n: usize) -> f64 {
    log2::N_LOG2_N.get(n).copied().unwrap_or_else(|| n as f64 * libm::log2(n as f64))
}
