//! Properties of `features()` over arbitrary strings, against a naive reference implementation:
//! every substring looked up in a hash set of the same words, entropy by its textbook formula.

use dga_classifier::{classify, features, score, DomainError};
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

fn reference_num_words(s: &[u8]) -> usize {
    let n = s.len();
    (0..n)
        .flat_map(|i| (i + 2..=n).map(move |j| (i, j)))
        .filter(|&(i, j)| words().contains(&s[i..j]))
        .count()
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
    prop_assert_eq!(f.num_words, reference_num_words(bytes));
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
    prop_assert!((s.log_odds - s.contributions.sum()).abs() == 0.0);
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
        let c = classify(&name);
        // Generated names are host names, but may end in an all-digit label or be a public suffix.
        prop_assume!(!matches!(c, Err(DomainError::NumericTopLevelLabel | DomainError::PublicSuffix)));
        let c = c.map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
        // The scored label is one of the name's labels, lowercased.
        prop_assert!(labels.iter().any(|l| l.to_ascii_lowercase() == c.label.as_str()));
        prop_assert_eq!(c.features, features(&c.label));
    }
}
