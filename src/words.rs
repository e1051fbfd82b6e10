//! The word set: a minimal acyclic automaton (DAFSA) packed into one flat table at build time.

mod generated {
    #![allow(clippy::unreadable_literal)]
    include!(concat!(env!("OUT_DIR"), "/words.rs"));
}

use generated::{BASE_SHIFT, FINAL_BIT, PAIRS, SYMBOL, SYMBOL_BITS, TABLE};
pub use generated::{STATE_COUNT, TRANSITION_COUNT, WORDS_SHA256, WORD_COUNT};

const CHECK_MASK: u32 = (1 << SYMBOL_BITS) - 1;

/// Number of `(i, j)`, `j ≥ i + 2`, with `label[i..j]` in the word set.
///
/// Walks the automaton from every start position until no word continues. (Walking several
/// starts interleaved, or in branch-free rounds, measured no faster on the validation labels:
/// the walk waits on table loads that miss the cache either way.)
pub(crate) fn count_words(label: &[u8]) -> usize {
    let mut count = 0;
    let mut rest = label;
    while let [first, second, tail @ ..] = rest {
        let pair = u32::from(SYMBOL[usize::from(*first)]) << SYMBOL_BITS
            | u32::from(SYMBOL[usize::from(*second)]);
        let mut slot = PAIRS[pair as usize % PAIRS.len()];
        if slot != 0 {
            count += usize::from(slot & FINAL_BIT != 0);
            for &byte in tail {
                let code = u32::from(SYMBOL[usize::from(byte)]);
                slot = TABLE
                    .get(((slot >> BASE_SHIFT) + code) as usize)
                    .copied()
                    .unwrap_or(0);
                if slot & CHECK_MASK != code {
                    break;
                }
                count += usize::from(slot & FINAL_BIT != 0);
            }
        }
        rest = &rest[1..];
    }
    count
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::generated::{ALPHABET, ROOT};
    use super::*;
    use std::string::String;
    use std::vec::Vec;

    /// Every word the table accepts, in symbol order, by depth-first walk from the root.
    fn language() -> Vec<String> {
        fn walk(base: u32, prefix: &mut Vec<u8>, out: &mut Vec<String>) {
            for (index, &letter) in ALPHABET.iter().enumerate() {
                let code = index as u32 + 1;
                let Some(&slot) = TABLE.get((base + code) as usize) else {
                    continue;
                };
                if slot & CHECK_MASK != code {
                    continue;
                }
                prefix.push(letter);
                if slot & FINAL_BIT != 0 {
                    out.push(String::from_utf8(prefix.clone()).unwrap());
                }
                walk(slot >> BASE_SHIFT, prefix, out);
                prefix.pop();
            }
        }
        let mut out = Vec::new();
        walk(ROOT, &mut Vec::new(), &mut out);
        out
    }

    /// The source list as the build script reads it, independently re-derived.
    fn source_words() -> Vec<String> {
        let text = std::fs::read_to_string(env!("DGA_WORDS_PATH")).unwrap();
        let mut words: Vec<String> = text
            .lines()
            .map(str::to_ascii_lowercase)
            .filter(|w| w.len() >= 2 && w.bytes().all(|b| ALPHABET.contains(&b)))
            .collect();
        let rank = |w: &String| {
            w.bytes()
                .map(|b| ALPHABET.iter().position(|&a| a == b).unwrap())
                .collect::<Vec<_>>()
        };
        words.sort_by_key(rank);
        words.dedup();
        words
    }

    #[test]
    fn table_holds_exactly_the_source_list() {
        let source = source_words();
        assert_eq!(source.len(), WORD_COUNT);
        assert_eq!(language(), source);
    }

    #[test]
    fn table_sizes() {
        let occupied = TABLE.iter().filter(|&&slot| slot != 0).count();
        assert_eq!(occupied, TRANSITION_COUNT);
        const {
            assert!(
                core::mem::size_of::<[u32; TABLE.len()]>() <= 2_000_000,
                "word table over 2 MB"
            )
        };
        const { assert!(PAIRS.len() == 1 << (2 * SYMBOL_BITS)) };
        // States are the distinct bases a walk reaches: the root, and each transition's target.
        let mut bases: std::collections::BTreeSet<u32> = TABLE
            .iter()
            .filter(|&&s| s != 0)
            .map(|s| s >> BASE_SHIFT)
            .collect();
        bases.insert(ROOT);
        assert_eq!(bases.len(), STATE_COUNT);
        assert!(
            occupied * 100 / TABLE.len() >= 90,
            "packing below 90 % fill"
        );
    }

    #[test]
    fn pair_table_agrees_with_two_steps() {
        for (i, &a) in ALPHABET.iter().enumerate() {
            for (j, &b) in ALPHABET.iter().enumerate() {
                let step = |base: u32, code: u32| {
                    TABLE
                        .get((base + code) as usize)
                        .copied()
                        .filter(|s| s & CHECK_MASK == code)
                };
                let two =
                    step(ROOT, i as u32 + 1).and_then(|s| step(s >> BASE_SHIFT, j as u32 + 1));
                let pair = PAIRS[(i + 1) << SYMBOL_BITS | (j + 1)];
                assert_eq!(
                    two.map(|s| s & !CHECK_MASK),
                    (pair != 0).then_some(pair & !CHECK_MASK),
                    "{}{}",
                    a as char,
                    b as char
                );
            }
        }
    }
}
