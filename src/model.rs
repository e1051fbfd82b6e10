//! The logistic-regression model compiled in, and scoring with it.

use crate::Features;

mod generated {
    include!(concat!(env!("OUT_DIR"), "/model.rs"));
}

pub use generated::MODEL;

/// One value per term of the model: its coefficients, or a label's contributions to the log-odds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Terms {
    /// The constant term.
    pub intercept: f64,
    /// The term of [`Features::length`].
    pub length: f64,
    /// The term of [`Features::entropy`].
    pub entropy: f64,
    /// The term of [`Features::p_vowels`].
    pub p_vowels: f64,
    /// The term of [`Features::num_words`].
    pub num_words: f64,
}

impl Terms {
    /// The sum of the terms, left to right: for contributions, the log-odds.
    pub fn sum(&self) -> f64 {
        self.intercept + self.length + self.entropy + self.p_vowels + self.num_words
    }
}

/// A logistic-regression model over [`Features`], as compiled in from `model/*.toml`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Model {
    /// The model file's `name`.
    pub name: &'static str,
    /// SHA-256 of the word list the model was trained with; the build checks it is the one compiled in.
    pub words_sha256: &'static str,
    /// `intercept` and one coefficient per feature, in log-odds per unit of the feature.
    pub coefficients: Terms,
    /// A label is [`Verdict::Malicious`] when `P(malicious) ≥ threshold`.
    pub threshold: f64,
    /// How the model did on its validation set; `None` for the untrained model.
    pub validation: Option<Validation>,
}

/// A model's figures on its validation set, as its training run measured them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Validation {
    /// Number of labelled domains.
    pub rows: u64,
    /// Area under the ROC curve.
    pub auc: f64,
    /// Share of domains misclassified at the model's threshold.
    pub error_rate: f64,
}

/// What a label was judged to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Below the threshold: an ordinary name.
    Legitimate,
    /// At or above the threshold: machine-generated.
    Malicious,
}

/// A label's score under [`MODEL`], with each term's share of it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Score {
    /// Probability that the label was machine-generated.
    pub p_malicious: f64,
    /// Probability that it was not; not computed as `1 - p_malicious`, so it keeps its precision
    /// near 0.
    pub p_legitimate: f64,
    /// `p_malicious` against the model's threshold.
    pub verdict: Verdict,
    /// `ln(p_malicious / p_legitimate)`: the sum of `contributions`.
    pub log_odds: f64,
    /// Each term's contribution to the log-odds: coefficient × feature value.
    pub contributions: Terms,
}

/// Scores features with the compiled-in [`MODEL`].
///
/// ```
/// use dga_classifier::{features, score, Verdict};
/// let s = score(&features("xjwqpzkvbrtmh"));
/// assert_eq!(s.verdict, Verdict::Malicious);
/// assert_eq!(s.log_odds, s.contributions.sum());
/// ```
pub fn score(features: &Features) -> Score {
    let c = &MODEL.coefficients;
    let contributions = Terms {
        intercept: c.intercept,
        length: c.length * features.length as f64,
        entropy: c.entropy * features.entropy,
        p_vowels: c.p_vowels * features.p_vowels,
        num_words: c.num_words * features.num_words as f64,
    };
    let log_odds = contributions.sum();
    // With `e = exp(-|log_odds|)` the likelier class has `1 / (1 + e)` and the other `e / (1 + e)`:
    // one exponential, and neither probability is a difference that loses its digits.
    let e = libm::exp(-libm::fabs(log_odds));
    let (likelier, other) = (1.0 / (1.0 + e), e / (1.0 + e));
    let (p_malicious, p_legitimate) = if log_odds >= 0.0 {
        (likelier, other)
    } else {
        (other, likelier)
    };
    Score {
        p_malicious,
        p_legitimate,
        verdict: if p_malicious >= MODEL.threshold {
            Verdict::Malicious
        } else {
            Verdict::Legitimate
        },
        log_odds,
        contributions,
    }
}
