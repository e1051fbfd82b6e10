//! Word list -> minimal acyclic automaton (DAFSA) -> flat double-array table.
//!
//! Construction is Daciuk, Mihov, Watson & Watson (2000), "Incremental construction of minimal
//! acyclic finite-state automata", for sorted input. Packing puts each state's transitions at
//! `base + symbol` in one `u32` array; a slot holds
//! `symbol | is_final(target) << 6 | base(target) << 7`.
//! Because bases are distinct, checking the symbol alone proves a slot belongs to the state looked
//! up from, so there is no owner field and a state's id is its base.

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;

/// Letters, digits and hyphen: the bytes of a host-name label. Symbol codes are 1-based indexes.
const ALPHABET: &[u8; 37] = b"abcdefghijklmnopqrstuvwxyz0123456789-";
/// Code of every byte outside the alphabet: never a slot's check, so such a byte ends any walk.
pub const NO_SYMBOL: u8 = 63;
const SYMBOL_BITS: u32 = 6;
const FINAL_BIT: u32 = 1 << SYMBOL_BITS;
const BASE_SHIFT: u32 = SYMBOL_BITS + 1;
/// How often a free slot may fail to take a state before first-fit stops trying it.
const MAX_PLACEMENT_FAILURES: u8 = 16;
/// Base of the state with no transitions: every word's end and the dead state of a failed step.
const LEAF_BASE: usize = 0;

/// The symbol code of `byte`: 1 to 37 for `[a-z0-9-]`, [`NO_SYMBOL`] for any other.
pub fn symbol(byte: u8) -> u8 {
    ALPHABET
        .iter()
        .position(|&b| b == byte)
        .map_or(NO_SYMBOL, |i| i as u8 + 1)
}

/// Longest word kept: a DNS label's maximum length, so no label holds a longer one (the library's
/// segmentation relies on it).
const MAX_WORD_LEN: usize = 63;

/// The words that can match inside a label: lines lowercased, kept if 2 to 63 bytes of the
/// alphabet, as symbol codes, sorted and deduplicated.
pub fn normalise_word_list(raw: &[u8]) -> Vec<Vec<u8>> {
    let mut words: Vec<Vec<u8>> = raw
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .filter(|line| (2..=MAX_WORD_LEN).contains(&line.len()))
        .map(|line| {
            line.iter()
                .map(|b| symbol(b.to_ascii_lowercase()))
                .collect::<Vec<u8>>()
        })
        .filter(|codes| !codes.contains(&NO_SYMBOL))
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

#[derive(Clone, Default, PartialEq, Eq, Hash)]
struct State {
    is_final: bool,
    /// `(symbol, target state)`, symbols ascending.
    edges: Vec<(u8, usize)>,
}

/// A minimal acyclic automaton accepting exactly the word list.
pub struct Dafsa {
    states: Vec<State>,
}

const ROOT: usize = 0;

impl Dafsa {
    /// Builds the minimal automaton of `words`, which must be sorted and distinct.
    pub fn build(words: &[Vec<u8>]) -> Dafsa {
        let mut dafsa = Dafsa {
            states: vec![State::default()],
        };
        let mut register: HashMap<State, usize> = HashMap::new();
        // `path[k]` is the state reached by the previous word's first `k` symbols.
        let mut path = vec![ROOT];
        let mut previous: &[u8] = &[];
        for word in words {
            let common = word
                .iter()
                .zip(previous)
                .take_while(|(a, b)| a == b)
                .count();
            dafsa.minimise_path(&mut path, common + 1, &mut register);
            for &code in &word[common..] {
                let new = dafsa.states.len();
                dafsa.states.push(State::default());
                let parent = *path.last().expect("path starts at the root");
                dafsa.states[parent].edges.push((code, new));
                path.push(new);
            }
            let end = *path.last().expect("path starts at the root");
            dafsa.states[end].is_final = true;
            previous = word;
        }
        dafsa.minimise_path(&mut path, 1, &mut register);
        dafsa
    }

    /// Replaces the states of `path` beyond `keep` by equivalent registered ones, deepest first.
    fn minimise_path(
        &mut self,
        path: &mut Vec<usize>,
        keep: usize,
        register: &mut HashMap<State, usize>,
    ) {
        while path.len() > keep {
            let child = path.pop().expect("longer than keep");
            let parent = *path.last().expect("keep is at least one");
            let registered = *register.entry(self.states[child].clone()).or_insert(child);
            if registered != child {
                self.states[parent]
                    .edges
                    .last_mut()
                    .expect("child hangs off the last edge")
                    .1 = registered;
            }
        }
    }

    /// The states reachable from the root, breadth first (discarded duplicates are not).
    fn reachable(&self) -> Vec<usize> {
        let mut seen = vec![false; self.states.len()];
        let mut order = Vec::new();
        let mut queue = VecDeque::from([ROOT]);
        seen[ROOT] = true;
        while let Some(state) = queue.pop_front() {
            order.push(state);
            for &(_, target) in &self.states[state].edges {
                if !std::mem::replace(&mut seen[target], true) {
                    queue.push_back(target);
                }
            }
        }
        order
    }

    /// Packs the automaton into one table: states with several transitions first-fit, most
    /// transitions first; then the single-transition states (most of them) fill the holes left.
    pub fn pack(&self) -> Packed {
        let reachable = self.reachable();
        let mut several: Vec<usize> = reachable
            .iter()
            .copied()
            .filter(|&s| self.states[s].edges.len() > 1)
            .collect();
        several.sort_by_key(|&s| std::cmp::Reverse(self.states[s].edges.len()));
        let mut layout = Layout::default();
        layout.reserve_base(LEAF_BASE);

        let mut free = FreeSlots::default();
        let mut failures: Vec<u8> = Vec::new();
        for &state in &several {
            let codes: Vec<usize> = self.states[state]
                .edges
                .iter()
                .map(|&(c, _)| c as usize)
                .collect();
            let mut slot = free.next_at_or_after(codes[0]);
            let chosen = loop {
                let candidate = slot - codes[0];
                if !layout.is_base_used(candidate)
                    && codes.iter().all(|&c| !layout.is_taken(candidate + c))
                {
                    break candidate;
                }
                if failures.len() <= slot {
                    failures.resize(slot + 1, 0);
                }
                failures[slot] += 1;
                // Left in the scan, a hole no state fits would be rescanned by every later state,
                // which made packing quadratic; the single-transition pass fills it instead.
                if failures[slot] == MAX_PLACEMENT_FAILURES {
                    free.skip(slot);
                }
                slot = free.next_at_or_after(slot + 1);
            };
            for &c in &codes {
                free.skip(chosen + c);
            }
            layout.place(state, chosen, &codes);
        }

        let mut pending: Vec<Vec<usize>> = vec![Vec::new(); ALPHABET.len() + 1];
        for &state in reachable.iter().rev() {
            if let [(code, _)] = self.states[state].edges[..] {
                pending[code as usize].push(state);
            }
        }
        let mut slot = 0;
        while pending.iter().any(|states| !states.is_empty()) {
            slot += 1;
            if layout.is_taken(slot) {
                continue;
            }
            let fitting =
                (1..=slot.min(ALPHABET.len())).filter(|&c| !layout.is_base_used(slot - c));
            if let Some(code) = fitting
                .max_by_key(|&c| pending[c].len())
                .filter(|&c| !pending[c].is_empty())
            {
                let state = pending[code].pop().expect("not empty");
                layout.place(state, slot - code, &[code]);
            }
        }
        let base = |state: usize| layout.base.get(&state).copied().unwrap_or(LEAF_BASE);

        let slot_value = |code: u8, target: usize| -> u32 {
            let target_base = u32::try_from(base(target))
                .ok()
                .filter(|b| b >> (32 - BASE_SHIFT) == 0);
            let target_base = target_base.expect("table too large for the 25-bit base field");
            u32::from(code)
                | if self.states[target].is_final {
                    FINAL_BIT
                } else {
                    0
                }
                | target_base << BASE_SHIFT
        };
        let mut slots = vec![0u32; layout.taken.len()];
        let mut transitions = 0;
        for &state in &reachable {
            for &(code, target) in &self.states[state].edges {
                slots[base(state) + code as usize] = slot_value(code, target);
                transitions += 1;
            }
        }

        // The state after any two symbols from the root, so a walk's first two steps are one load.
        // A present entry's check field is 1: nonzero, so zero alone means "no word starts so".
        let mut pairs = vec![0u32; 1 << (2 * SYMBOL_BITS)];
        for &(first, middle) in &self.states[ROOT].edges {
            for &(second, target) in &self.states[middle].edges {
                let value = slot_value(second, target) & !(NO_SYMBOL as u32) | 1;
                pairs[(first as usize) << SYMBOL_BITS | second as usize] = value;
            }
        }

        Packed {
            slots,
            pairs,
            root: base(ROOT) as u32,
            states: reachable.len(),
            transitions,
        }
    }
}

/// Where each state went, and which slots and bases are used.
#[derive(Default)]
struct Layout {
    base: HashMap<usize, usize>,
    base_used: Vec<bool>,
    taken: Vec<bool>,
}

impl Layout {
    fn is_base_used(&self, base: usize) -> bool {
        self.base_used.get(base).copied().unwrap_or(false)
    }

    fn is_taken(&self, slot: usize) -> bool {
        self.taken.get(slot).copied().unwrap_or(false)
    }

    fn reserve_base(&mut self, base: usize) {
        if self.base_used.len() <= base {
            self.base_used.resize(base + 1, false);
        }
        self.base_used[base] = true;
    }

    fn place(&mut self, state: usize, base: usize, codes: &[usize]) {
        self.base.insert(state, base);
        self.reserve_base(base);
        for &code in codes {
            if self.taken.len() <= base + code {
                self.taken.resize(base + code + 1, false);
            }
            self.taken[base + code] = true;
        }
    }
}

/// The slots first-fit still scans, with "next one at or after" in near-constant time: each
/// slot points no further than the next scanned one (union-find with path halving), so runs of
/// skipped slots are jumped, not walked.
#[derive(Default)]
struct FreeSlots {
    /// `next[i] == i` for a slot still scanned; slots past the end are.
    next: Vec<usize>,
}

impl FreeSlots {
    fn next_at_or_after(&mut self, mut slot: usize) -> usize {
        while slot < self.next.len() && self.next[slot] != slot {
            let up = self.next[slot];
            let skip = self.next.get(up).copied().unwrap_or(up);
            self.next[slot] = skip;
            slot = skip;
        }
        slot
    }

    fn skip(&mut self, slot: usize) {
        if self.next.len() <= slot {
            let from = self.next.len();
            self.next.extend(from..slot + 1);
        }
        self.next[slot] = slot + 1;
    }
}

/// The packed automaton, as the library walks it.
pub struct Packed {
    slots: Vec<u32>,
    pairs: Vec<u32>,
    root: u32,
    states: usize,
    transitions: usize,
}

/// Appends the table and its facts to the generated `words.rs`.
pub fn emit(out: &mut String, packed: &Packed, word_count: usize, words_sha256: &str) {
    let symbols: Vec<u8> = (0..=255u8).map(symbol).collect();
    let occupied = packed.slots.iter().filter(|&&s| s != 0).count();
    writeln!(
        out,
        "/// Number of words in the set: the list's lines that are 2 to 63 bytes of `[a-z0-9-]` once lowercased.\n\
         pub const WORD_COUNT: usize = {word_count};\n\
         /// States of the minimal automaton, its only leaf included.\n\
         pub const STATE_COUNT: usize = {states};\n\
         /// Transitions of the minimal automaton: one occupied table slot each.\n\
         pub const TRANSITION_COUNT: usize = {transitions};\n\
         /// SHA-256 of the word list file compiled in, in lowercase hex.\n\
         pub const WORDS_SHA256: &str = \"{words_sha256}\";\n\
         pub(crate) const SYMBOL_BITS: u32 = {SYMBOL_BITS};\n\
         pub(crate) const FINAL_BIT: u32 = {FINAL_BIT};\n\
         pub(crate) const BASE_SHIFT: u32 = {BASE_SHIFT};\n\
         #[cfg(test)]\n\
         pub(crate) const ROOT: u32 = {root};\n\
         // {occupied} of {len} slots occupied ({fill:.1} %).\n\
         pub(crate) static TABLE: [u32; {len}] = [",
        states = packed.states,
        transitions = packed.transitions,
        root = packed.root,
        len = packed.slots.len(),
        fill = 100.0 * occupied as f64 / packed.slots.len() as f64,
    )
    .expect("writing to a String cannot fail");
    super::emit_array(out, &packed.slots);
    writeln!(
        out,
        "];\npub(crate) static PAIRS: [u32; {}] = [",
        packed.pairs.len()
    )
    .expect("infallible");
    super::emit_array(out, &packed.pairs);
    writeln!(
        out,
        "];\n/// Symbol code of each byte; {NO_SYMBOL} for bytes outside `[a-z0-9-]`."
    )
    .expect("infallible");
    writeln!(out, "pub(crate) static SYMBOL: [u8; 256] = [").expect("infallible");
    super::emit_array(out, &symbols);
    writeln!(out, "];\n/// The alphabet, indexed by symbol code minus one.\n#[cfg(test)]\npub(crate) const ALPHABET: &[u8; 37] = b\"{}\";",
        std::str::from_utf8(ALPHABET).expect("ASCII"))
    .expect("infallible");
}
