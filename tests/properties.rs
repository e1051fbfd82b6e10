//! Properties of `features()` over arbitrary strings, against a naive reference implementation:
//! every substring looked up in a hash set of the same words, entropy by its textbook formula,
//! segmentation by exhaustive dynamic programming, ngram bits from the counts file.

use dga_classifier::{classify, features, score, Outcome, Score, Unscored, MODEL};
use proptest::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// The compiled-in word list as the reference sees it: lowercased lines, nothing else filtered.
fn words() -> &'static HashSet<Vec<u8>> {
    static WORDS: OnceLock<HashSet<Vec<u8>>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let text = std::fs::read_to_string(env!("DGA_WORDS_PATH")).unwrap();
        text.lines()
            .map(|w| w.to_ascii_lowercase().into_bytes())
            .collect()
    })
}

/// Every `(i, j)` with `s[i..j]` a word of 2+ bytes.
fn reference_words(s: &[u8]) -> Vec<(usize, usize)> {
    let n = s.len();
    (0..n)
        .flat_map(|i| (i + 2..=n).map(move |j| (i, j)))
        .filter(|&(i, j)| words().contains(&s[i..j]))
        .collect()
}

/// `(covered bytes, fewest pieces)` with words of 3+ bytes.
fn reference_segmentation(s: &[u8], found: &[(usize, usize)]) -> (usize, usize) {
    let long: Vec<_> = found.iter().filter(|(i, j)| j - i >= 3).collect();
    let covered = (0..s.len())
        .filter(|&k| long.iter().any(|&&(i, j)| i <= k && k < j))
        .count();
    let mut pieces = vec![usize::MAX; s.len() + 1];
    pieces[0] = 0;
    for j in 1..=s.len() {
        pieces[j] = pieces[j - 1] + 1;
        for &&(i, end) in &long {
            if end == j {
                pieces[j] = pieces[j].min(pieces[i] + 1);
            }
        }
    }
    (covered, pieces[s.len()])
}

/// `Σ log2(38 · P(d | a b c))`, `P` interpolated absolute discounting (discount 0.75, down to
/// the uniform 1/38), each term rounded to an eighth of a bit and kept within `i8`, straight
/// from the counts file.
fn reference_ngram_bits(s: &[u8]) -> f64 {
    const DISCOUNT: f64 = 0.75;
    /// Counts of every gram of 1 to 4 bytes ending a counted 4-gram, and each context's total
    /// count and number of distinct next bytes.
    type Counts = (HashMap<Vec<u8>, f64>, HashMap<Vec<u8>, (f64, f64)>);
    static COUNTS: OnceLock<Counts> = OnceLock::new();
    let (grams, contexts) = COUNTS.get_or_init(|| {
        let text = std::fs::read_to_string(env!("DGA_NGRAMS_PATH")).unwrap();
        let mut grams: HashMap<Vec<u8>, f64> = HashMap::new();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (gram, count) = line.split_once(' ').unwrap();
            let count: f64 = count.parse().unwrap();
            for start in 0..4 {
                *grams.entry(gram.as_bytes()[start..].to_vec()).or_default() += count;
            }
        }
        let mut contexts: HashMap<Vec<u8>, (f64, f64)> = HashMap::new();
        for (gram, &count) in &grams {
            let context = contexts.entry(gram[..gram.len() - 1].to_vec()).or_default();
            context.0 += count;
            context.1 += 1.0;
        }
        (grams, contexts)
    });
    // Bytes outside the alphabet are one symbol, never counted; `.` is the edge.
    let symbol = |b: u8| {
        if b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' {
            b
        } else {
            b'?'
        }
    };
    let padded: Vec<u8> = [b'.'; 3]
        .into_iter()
        .chain(s.iter().map(|&b| symbol(b)))
        .chain([b'.'])
        .collect();
    padded
        .windows(4)
        .map(|gram| {
            let mut p = 1.0 / 38.0;
            for order in 0..4 {
                let context = &gram[3 - order..3];
                if let Some(&(total, kinds)) = contexts.get(context) {
                    let count = grams.get(&gram[3 - order..]).copied().unwrap_or(0.0);
                    p = (count - DISCOUNT).max(0.0) / total + DISCOUNT * kinds / total * p;
                }
            }
            // The table stores eighths of a bit in an `i8`.
            ((38.0 * p).log2() * 8.0).round().clamp(-128.0, 127.0) / 8.0
        })
        .sum()
}

fn reference_entropy(s: &[u8]) -> f64 {
    let mut counts: HashMap<u8, usize> = HashMap::new();
    for &b in s {
        *counts.entry(b).or_default() += 1;
    }
    let n = s.len() as f64;
    -counts
        .values()
        .map(|&c| (c as f64 / n) * (c as f64 / n).log2())
        .sum::<f64>()
}

fn check(label: &str) -> Result<(), TestCaseError> {
    let f = features(label);
    let bytes = label.as_bytes();
    let n = bytes.len();
    prop_assert_eq!(f.length, n);
    let found = reference_words(bytes);
    prop_assert_eq!(f.num_words, found.len());
    prop_assert_eq!(
        f.longest_word,
        found.iter().map(|(i, j)| j - i).max().unwrap_or(0)
    );
    let (covered, segments) = reference_segmentation(bytes, &found);
    prop_assert_eq!(f.segments, segments);
    prop_assert_eq!(
        f.word_coverage,
        if n == 0 {
            0.0
        } else {
            covered as f64 / n as f64
        }
    );
    let bits = reference_ngram_bits(bytes);
    prop_assert!(
        (f.ngram_bits - bits).abs() < 1e-9 * (1.0 + bits.abs()),
        "ngram bits {} vs {bits}",
        f.ngram_bits
    );
    prop_assert!(f.num_words <= n * n.saturating_sub(1) / 2);
    prop_assert!((0.0..=1.0).contains(&f.p_vowels));
    if n == 0 {
        prop_assert_eq!((f.entropy, f.p_vowels), (0.0, 0.0));
    } else {
        let vowels = bytes.iter().filter(|b| b"aeiou".contains(b)).count();
        prop_assert_eq!(f.p_vowels, vowels as f64 / n as f64);
        prop_assert!(
            f.entropy >= 0.0 && f.entropy <= (n as f64).log2() + 1e-12,
            "entropy {}",
            f.entropy
        );
        prop_assert!((f.entropy - reference_entropy(bytes)).abs() < 1e-12);
    }
    let s = score(&f);
    let sum = s
        .terms
        .iter()
        .fold(s.intercept, |sum, t| sum + t.contribution);
    prop_assert_eq!(s.log_odds, sum);
    for (i, (term, (feature, coefficient))) in s.terms.iter().zip(MODEL.coefficients).enumerate() {
        prop_assert_eq!(term.feature, feature);
        prop_assert_eq!(term.value, feature.value(&f));
        prop_assert_eq!(term.contribution, coefficient * term.value);
        let typical = MODEL.typical.map_or(0.0, |t| t.values[i]);
        prop_assert_eq!(
            term.versus_typical,
            coefficient * (term.value - typical) + 0.0
        );
    }
    // Against the typical legitimate label, the explanation adds up to the same log-odds.
    let versus_typical = s
        .terms
        .iter()
        .fold(s.typical_log_odds, |sum, t| sum + t.versus_typical);
    prop_assert!(
        (versus_typical - s.log_odds).abs() <= 1e-9 * s.log_odds.abs().max(1.0),
        "{} against {}",
        versus_typical,
        s.log_odds
    );
    // How unusual a score is falls as the score rises, within the shares the model lists.
    if let (Some(rarity), Some(&(most, _)), Some(&(least, _))) = (
        s.flagged_at_false_positive_rate(),
        MODEL.legitimate_log_odds.first(),
        MODEL.legitimate_log_odds.last(),
    ) {
        prop_assert!((least..=most).contains(&rarity), "{}", rarity);
        let higher = Score {
            log_odds: s.log_odds + 0.5,
            ..s
        };
        prop_assert!(higher.flagged_at_false_positive_rate().unwrap() <= rarity);
    }
    // `classify` computes only the model's features, by its own path: it must score alike.
    if let Some(scored) = classify(label)
        .ok()
        .and_then(|c| c.score().copied().map(|s| (c, s)))
    {
        prop_assert_eq!(scored.1, score(&features(&scored.0.label)));
    }
    prop_assert!((0.0..=1.0).contains(&s.p_malicious) && (0.0..=1.0).contains(&s.p_legitimate));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn any_string(label in any::<String>()) {
        check(&label)?;
        // Never panics, whatever the input.
        let _ = classify(&label);
    }

    #[test]
    fn label_like(label in "[a-z0-9-]{0,40}") {
        check(&label)?;
    }

    #[test]
    fn english_like(label in "(the|pay|pal|net|work|ing|on|line|bank|secure|[a-z]){1,12}") {
        check(&label)?;
    }

    #[test]
    fn long_inputs(label in "[a-zA-Z0-9.-]{60,300}") {
        check(&label)?;
        let _ = classify(&label);
    }

    #[test]
    fn host_names(labels in prop::collection::vec("[a-zA-Z0-9]([a-zA-Z0-9-]{0,20}[a-zA-Z0-9])?", 1..5), dot in any::<bool>()) {
        let name = labels.join(".") + if dot { "." } else { "" };
        // Every host name is answered: scored, or not scored for what it is, never an error.
        let c = classify(&name).map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
        // The label picked is one of the name's labels, lowercased.
        prop_assert!(labels.iter().any(|l| l.to_ascii_lowercase() == c.label.as_str()));
        match c.outcome {
            Outcome::Scored(s) => prop_assert_eq!(s, score(&features(&c.label))),
            // A host name's labels are all a registry takes.
            Outcome::Unscored(why) => prop_assert!(
                !matches!(why, Unscored::NotHostName { .. }),
                "{}: {:?}", name, why
            ),
        }
    }

    /// What a DNS log can hold, printable characters in labels of 1 to 63 bytes, is never an
    /// error.
    #[test]
    fn dns_names(labels in prop::collection::vec("[^\\s\\p{Cc}.]{1,20}", 1..5)) {
        let name = labels.join(".");
        prop_assume!(name.len() <= 253 && labels.iter().all(|l| l.len() <= 63));
        let c = classify(&name);
        prop_assert!(c.is_ok(), "{}: {:?}", name, c);
    }
}
