//! The word set: a minimal acyclic automaton (DAFSA) packed into one flat table at build time.

mod generated {
    #![allow(clippy::unreadable_literal)]
    include!(concat!(env!("OUT_DIR"), "/words.rs"));
}

use generated::{BASE_SHIFT, FINAL_BIT, PAIRS, SYMBOL, SYMBOL_BITS, TABLE};
pub use generated::{STATE_COUNT, TRANSITION_COUNT, WORDS_SHA256, WORD_COUNT};

const CHECK_MASK: u32 = (1 << SYMBOL_BITS) - 1;

/// Steps every walk takes past its first two bytes without branching on whether it is still alive.
///
/// Where a walk ends is what no branch predictor can learn: with a branch per step, the
/// mispredictions cost more than the loads. A dead walk stays dead at the price of one load from
/// the table's first slots, always in cache, and on the validation labels 93 % of walks end within
/// two bytes and three steps. Measured (minimum of 60 passes over `h2o-split/valid.csv`): 0 steps
/// 145 ns per label, 1 127, 2 120, **3 114**, 4 125, 5 142.
const UNCONDITIONAL_STEPS: usize = 3;

/// What the walk through a label finds about the words inside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct WordMatches {
    /// Number of `(i, j)`, `j ≥ i + 2`, with `label[i..j]` in the word set.
    pub count: usize,
    /// Length of the longest such substring; 0 when there is none.
    pub longest: usize,
    /// Bytes inside at least one word of 3+ bytes.
    pub covered: usize,
    /// Fewest pieces the label splits into, each a word of 3+ bytes or a single byte.
    pub segments: usize,
}

/// Shortest word that counts towards coverage and segmentation: two-byte words ("co", "ab") are
/// in nearly every string, random or not, so they explain nothing.
const MIN_SEGMENT_WORD: usize = 3;

/// Positions of the rolling segmentation table: more than the longest word (the build keeps words
/// of at most 63 bytes), so a word never reaches a position still in use from 64 bytes back.
const WINDOW: usize = 64;

/// Walks the automaton from every start position until no word continues, and gathers
/// [`WordMatches`] on the way.
pub(crate) fn find_words(label: &[u8]) -> WordMatches {
    // Past the end, a code no slot has: the walk dies there like on any byte outside the alphabet.
    let symbol_at = |position: usize| {
        label
            .get(position)
            .map_or(CHECK_MASK, |&b| u32::from(SYMBOL[usize::from(b)]))
    };
    let mut matches = WordMatches {
        count: 0,
        longest: 0,
        covered: 0,
        segments: 0,
    };
    // `pieces[j % WINDOW]`: fewest pieces for `label[..j]`, final once the walk from `j` starts
    // (every word ending at `j` started earlier). Slots are reset once read, for `j + WINDOW`.
    let mut pieces = [u32::MAX; WINDOW];
    pieces[0] = 0;
    // End of the bytes covered so far by words of 3+ bytes.
    let mut covered_to = 0;
    for start in 0..label.len() {
        let here = core::mem::replace(&mut pieces[start % WINDOW], u32::MAX);
        let one_byte = &mut pieces[(start + 1) % WINDOW];
        *one_byte = (*one_byte).min(here + 1);
        // Where the last word found from `start` ends: each step's match is longer than the last.
        let mut last_end = start;
        // A word ending at `end` (one past `next`) gives a segmentation of `label[..end]` with one
        // more piece; a dead or non-final slot offers nothing. No branch: see UNCONDITIONAL_STEPS.
        let mut record = |slot: u32, end: usize, matches: &mut WordMatches| {
            let found = is_final(slot);
            matches.count += found;
            last_end = if found == 1 { end } else { last_end };
            let offer = if found == 1 && end - start >= MIN_SEGMENT_WORD {
                here + 1
            } else {
                u32::MAX
            };
            let slot = &mut pieces[end % WINDOW];
            *slot = (*slot).min(offer);
        };
        let pair = symbol_at(start) << SYMBOL_BITS | symbol_at(start + 1);
        let mut slot = PAIRS[pair as usize % PAIRS.len()];
        record(slot, start + 2, &mut matches);
        let mut end = start + 3;
        for _ in 0..UNCONDITIONAL_STEPS {
            slot = step(slot, symbol_at(end - 1));
            record(slot, end, &mut matches);
            end += 1;
        }
        while slot != 0 {
            slot = step(slot, symbol_at(end - 1));
            record(slot, end, &mut matches);
            end += 1;
        }
        let longest_here = last_end - start;
        matches.longest = matches.longest.max(longest_here);
        if longest_here >= MIN_SEGMENT_WORD {
            matches.covered += last_end.saturating_sub(covered_to.max(start));
            covered_to = covered_to.max(last_end);
        }
    }
    matches.segments = pieces[label.len() % WINDOW] as usize;
    matches
}

/// The word table's code of `byte`: 1 to 37 for `[a-z0-9-]`, 63 for any other byte.
pub(crate) fn symbol(byte: u8) -> u8 {
    SYMBOL[usize::from(byte)]
}

/// The slot reached from `slot` on symbol `code`, or 0 (dead, and dead again on every later step:
/// base 0 is the leaf's, which owns no slot).
#[inline(always)]
fn step(slot: u32, code: u32) -> u32 {
    let next = TABLE
        .get(((slot >> BASE_SHIFT) + code) as usize)
        .copied()
        .unwrap_or(0);
    if next & CHECK_MASK == code {
        next
    } else {
        0
    }
}

#[inline(always)]
fn is_final(slot: u32) -> usize {
    usize::from(slot & FINAL_BIT != 0)
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
            .filter(|w| (2..=63).contains(&w.len()) && w.bytes().all(|b| ALPHABET.contains(&b)))
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
