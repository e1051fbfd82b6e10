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
/// [`WordMatches`] on the way: all of them with `structure`, else only the count (the others 0).
/// Strings longer than a DNS label, which [`classify`](crate::classify) never passes, always get
/// all of them.
#[inline(always)]
pub(crate) fn find_words(label: &[u8], structure: bool) -> WordMatches {
    if label.len() <= PADDED_LABEL_LEN {
        // Symbols looked up once, and past the end a code no slot has, read without a bounds
        // check: the walk dies there like on any byte outside the alphabet.
        let mut padded = [CHECK_MASK as u8; 2 * WINDOW];
        for (code, &byte) in padded.iter_mut().zip(label) {
            *code = SYMBOL[usize::from(byte)];
        }
        let symbol_at = |position: usize| u32::from(padded[position % padded.len()]);
        // Every walk first, then the bookkeeping: walks from different starts are independent,
        // so their table loads overlap; interleaved with the segmentation, which chains each
        // start to the one before, they would wait on each other.
        let mut walks = [0; PADDED_LABEL_LEN];
        for (start, walk) in walks.iter_mut().enumerate().take(label.len()) {
            *walk = word_lengths_from(&symbol_at, start);
        }
        gather_positions(&walks[..label.len()], structure)
    } else {
        let symbol_at = |position: usize| {
            label
                .get(position)
                .map_or(CHECK_MASK, |&b| u32::from(SYMBOL[usize::from(b)]))
        };
        gather((0..label.len()).map(|start| word_lengths_from(&symbol_at, start)))
    }
}

/// Longest label walked from a padded copy: a walk reads at most `UNCONDITIONAL_STEPS + 2` bytes
/// past its start, or up to the label's end, so reads stay below twice the window. Its positions,
/// the label's end included, are the bits of a `u64`: every DNS label has at most 63 bytes.
const PADDED_LABEL_LEN: usize = u64::BITS as usize - 1;
const _: () = assert!(PADDED_LABEL_LEN + UNCONDITIONAL_STEPS + 2 < 2 * WINDOW);

/// [`WordMatches`] of a label of at most [`PADDED_LABEL_LEN`] bytes from each start's word-length
/// bits (see [`word_lengths_from`]): all of them with `structure`, else only the count.
///
/// Sets of positions are the bits of a `u64`, so the bookkeeping costs a few instructions a
/// start, not a few per word: the fewest pieces is a breadth-first search whose every level is
/// a shift and the union of the word ends from the positions it reached. Measured (minimum of 40
/// passes over `h2o-split/valid.csv`, all eight features): 283 ns a label with the rolling table
/// of [`gather`], 263 ns with this.
#[inline(always)]
fn gather_positions(walks: &[u64], structure: bool) -> WordMatches {
    let mut matches = WordMatches {
        count: walks
            .iter()
            .map(|lengths| lengths.count_ones() as usize)
            .sum(),
        longest: 0,
        covered: 0,
        segments: 0,
    };
    if !structure {
        return matches;
    }
    // `word_ends[i]`: where the words of 3+ bytes from position `i` end.
    let mut word_ends = [0u64; u64::BITS as usize];
    let mut any_length = 0;
    let mut covered = 0u64;
    for (start, (&lengths, ends)) in walks.iter().zip(&mut word_ends).enumerate() {
        any_length |= lengths;
        *ends = lengths >> MIN_SEGMENT_WORD << MIN_SEGMENT_WORD << start;
        // The longest word from here covers what all the others do: from `start` to its end.
        // No word ends at position 0, so with the bit of position 0 set, no words give 0
        // without a branch.
        let last_end = u64::BITS - 1 - (*ends | 1).leading_zeros();
        let before_last_end = (1 << last_end) - 1;
        covered |= before_last_end & (u64::MAX << start);
    }
    matches.longest = (u64::BITS - 1 - (any_length | 1).leading_zeros()) as usize;
    matches.covered = covered.count_ones() as usize;
    // Level k of the search: `frontier`, the positions first reached with k pieces. The furthest
    // position reached is always in the frontier, and its next byte in the next one, so the
    // label's end is reached within `walks.len()` levels.
    let end = walks.len();
    let (mut reached, mut frontier) = (1u64, 1u64);
    while reached >> end & 1 == 0 {
        let mut next = frontier << 1;
        let mut starts = frontier;
        while starts != 0 {
            next |= word_ends[starts.trailing_zeros() as usize % word_ends.len()];
            starts &= starts - 1;
        }
        frontier = next & !reached;
        reached |= next;
        matches.segments += 1;
    }
    matches
}

/// [`WordMatches`] from each start's word-length bits (see [`word_lengths_from`]), in order of
/// start, all of them. For strings longer than any DNS label, which [`gather_positions`] cannot
/// hold and only [`features`](crate::features) is given: a rolling table keeps the segmentation
/// to a fixed size whatever the length.
#[inline(always)]
fn gather(walks: impl Iterator<Item = u64>) -> WordMatches {
    let mut matches = WordMatches {
        count: 0,
        longest: 0,
        covered: 0,
        segments: 0,
    };
    // `pieces`: fewest pieces for the label up to the current start, carried in a register from
    // one start to the next. `word_offers[j % WINDOW]`: fewest pieces for `label[..j]` ending in a
    // word, from the starts before; read and reset (for `j + WINDOW`) when the walk reaches `j`.
    // Words are 3+ bytes, so a start never offers to the next one: no start waits on the last.
    // Counts in `usize`: `pieces + 1` cannot overflow, as `pieces` never exceeds the length.
    let mut pieces: usize = 0;
    let mut word_offers = [usize::MAX; WINDOW];
    // End of the bytes covered so far by words of 3+ bytes.
    let mut covered_to = 0;
    for (start, lengths) in walks.enumerate() {
        matches.count += lengths.count_ones() as usize;
        // No branch on whether words were found: that is what no predictor can learn.
        let longest = (u64::BITS - 1 - (lengths | 1).leading_zeros()) as usize;
        matches.longest = matches.longest.max(longest);
        // Each word of 3+ bytes offers a segmentation of `label[..start + length]` with one more
        // piece, and covers its bytes; the longest from here covers all the others do.
        let mut segment_words = lengths >> MIN_SEGMENT_WORD << MIN_SEGMENT_WORD;
        let end = if segment_words != 0 {
            start + longest
        } else {
            start
        };
        matches.covered += end.saturating_sub(covered_to.max(start));
        covered_to = covered_to.max(end);
        let mut offer = |segment_words: &mut u64| {
            // With no word left, `trailing_zeros` is 64: the offer of "no segmentation" goes to
            // this start's own slot, already read, where it changes nothing.
            let length = segment_words.trailing_zeros() as usize;
            let value = if *segment_words != 0 {
                pieces + 1
            } else {
                usize::MAX
            };
            let slot = &mut word_offers[(start + length) % WINDOW];
            *slot = (*slot).min(value);
            *segment_words &= segment_words.wrapping_sub(1);
        };
        // Most starts have at most two such words: offer two without branching, then the rest.
        offer(&mut segment_words);
        offer(&mut segment_words);
        while segment_words != 0 {
            offer(&mut segment_words);
        }
        let ending_in_word = core::mem::replace(&mut word_offers[(start + 1) % WINDOW], usize::MAX);
        pieces = ending_in_word.min(pieces + 1);
    }
    matches.segments = pieces;
    matches
}

/// The words starting at symbol `start`: their lengths as bits (bit `n` set when the `n` symbols
/// from `start` spell a word; words are 2 to 63 bytes, so they fit) and their number.
#[inline(always)]
fn word_lengths_from(symbol_at: &impl Fn(usize) -> u32, start: usize) -> u64 {
    let pair = symbol_at(start) << SYMBOL_BITS | symbol_at(start + 1);
    let mut slot = PAIRS[pair as usize % PAIRS.len()];
    let mut lengths = is_final(slot) << 2;
    let mut length = 3;
    for _ in 0..UNCONDITIONAL_STEPS {
        slot = step(slot, symbol_at(start + length - 1));
        lengths |= is_final(slot) << length;
        length += 1;
    }
    while slot != 0 {
        slot = step(slot, symbol_at(start + length - 1));
        lengths |= is_final(slot) << (length % 64);
        length += 1;
    }
    lengths
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
fn is_final(slot: u32) -> u64 {
    u64::from(slot & FINAL_BIT != 0)
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
