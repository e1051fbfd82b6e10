//! The logistic-regression model compiled in, and scoring with it.

use crate::Features;

// Numbers written by the build: a logarithm may happen to be a named constant's (ln 0.5 = -LN_2).
#[allow(clippy::approx_constant)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/model.rs"));
}

pub use generated::{FEATURE_COUNT, MODEL};

/// A feature a model can use: one field of [`Features`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Feature {
    /// [`Features::length`].
    Length,
    /// [`Features::entropy`].
    Entropy,
    /// [`Features::p_vowels`].
    PVowels,
    /// [`Features::num_words`].
    NumWords,
    /// [`Features::ngram_bits`].
    NgramBits,
    /// [`Features::word_coverage`].
    WordCoverage,
    /// [`Features::longest_word`].
    LongestWord,
    /// [`Features::segments`].
    Segments,
    /// [`Features::ngram_log_odds`].
    NgramLogOdds,
}

impl Feature {
    /// Every feature, in the order of [`Features`]' fields.
    pub const ALL: [Feature; 9] = [
        Feature::Length,
        Feature::Entropy,
        Feature::PVowels,
        Feature::NumWords,
        Feature::NgramBits,
        Feature::WordCoverage,
        Feature::LongestWord,
        Feature::Segments,
        Feature::NgramLogOdds,
    ];

    /// The name of the [`Features`] field, as model files and the command-line tools spell it.
    pub const fn name(self) -> &'static str {
        match self {
            Feature::Length => "length",
            Feature::Entropy => "entropy",
            Feature::PVowels => "p_vowels",
            Feature::NumWords => "num_words",
            Feature::NgramBits => "ngram_bits",
            Feature::WordCoverage => "word_coverage",
            Feature::LongestWord => "longest_word",
            Feature::Segments => "segments",
            Feature::NgramLogOdds => "ngram_log_odds",
        }
    }

    /// What the feature measures, in a few words for people reading a score.
    pub const fn description(self) -> &'static str {
        match self {
            Feature::Length => "length (bytes)",
            Feature::Entropy => "entropy (bits)",
            Feature::PVowels => "share of vowels",
            Feature::NumWords => "English-word substrings",
            Feature::NgramBits => "reads like a name (4-gram bits)",
            Feature::WordCoverage => "share of bytes in words",
            Feature::LongestWord => "longest word (bytes)",
            Feature::Segments => "pieces: words or single bytes",
            Feature::NgramLogOdds => "character sequences seen in DGA names",
        }
    }

    /// This feature's value in `features`, as the model multiplies it.
    pub fn value(self, features: &Features) -> f64 {
        match self {
            Feature::Length => features.length as f64,
            Feature::Entropy => features.entropy,
            Feature::PVowels => features.p_vowels,
            Feature::NumWords => features.num_words as f64,
            Feature::NgramBits => features.ngram_bits,
            Feature::WordCoverage => features.word_coverage,
            Feature::LongestWord => features.longest_word as f64,
            Feature::Segments => features.segments as f64,
            Feature::NgramLogOdds => features.ngram_log_odds,
        }
    }
}

/// A logistic-regression model over some of the [`Features`], as compiled in from `model/*.toml`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Model {
    /// The model file's `name`.
    pub name: &'static str,
    /// SHA-256 of the word list the model was trained with; the build checks it is the one compiled in.
    pub words_sha256: &'static str,
    /// The constant term of the log-odds.
    pub intercept: f64,
    /// The features the model uses, each with its coefficient in log-odds per unit, in the model
    /// file's order.
    pub coefficients: [(Feature, f64); FEATURE_COUNT],
    /// [`Score::verdict`]'s threshold: a label is [`Verdict::Malicious`] when
    /// `P(malicious) ≥ threshold`.
    pub threshold: f64,
    /// The share of legitimate validation labels that `threshold` flags, when it is one of
    /// [`operating_points`](Model::operating_points); `None` when it maximises F1 on the
    /// validation rows instead, as the original's did.
    pub threshold_false_positive_rate: Option<f64>,
    /// Thresholds set by training for stated false-positive rates on legitimate validation
    /// labels, strictest last; empty for a model file that names none.
    pub operating_points: &'static [OperatingPoint],
    /// How the model did on its validation set; `None` for the untrained model.
    pub validation: Option<Validation>,
    /// The typical legitimate label each [`Term::versus_typical`] is measured against; `None` for
    /// a model file that names none (the original's).
    pub typical: Option<TypicalLabel>,
    /// `(share, log-odds)`: the log-odds at or above which that share of the legitimate
    /// validation labels scores, the largest share (and least log-odds) first; what
    /// [`Score::flagged_at_false_positive_rate`] reads. Empty for a model file that lists none.
    pub legitimate_log_odds: &'static [(f64, f64)],
}

/// A legitimate label as typical as the validation lists have: each feature at its median over
/// the legitimate validation labels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TypicalLabel {
    /// Each feature's value, in [`Model::coefficients`]' order.
    pub values: [f64; FEATURE_COUNT],
    /// Its log-odds: the intercept plus each coefficient times its value.
    pub log_odds: f64,
}

impl Model {
    /// The operating point for `false_positive_rate`, if the model has one for exactly that rate.
    ///
    /// ```
    /// use dga_classifier::MODEL;
    /// for point in MODEL.operating_points {
    ///     assert_eq!(MODEL.operating_point(point.false_positive_rate), Some(*point));
    /// }
    /// assert_eq!(MODEL.operating_point(0.5), None);
    /// ```
    pub fn operating_point(&self, false_positive_rate: f64) -> Option<OperatingPoint> {
        self.operating_points
            .iter()
            .find(|point| point.false_positive_rate == false_positive_rate)
            .copied()
    }
}

/// A threshold chosen for a false-positive rate: on the model's legitimate validation labels,
/// at most `false_positive_rate` of them have `P(malicious) ≥ threshold`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OperatingPoint {
    /// The share of legitimate validation labels this threshold flags, at most.
    pub false_positive_rate: f64,
    /// A label is flagged when `P(malicious) ≥ threshold`.
    pub threshold: f64,
}

impl OperatingPoint {
    /// `score`'s verdict at this operating point, in place of the model's default.
    pub fn verdict(&self, score: &Score) -> Verdict {
        if score.p_malicious >= self.threshold {
            Verdict::Malicious
        } else {
            Verdict::Legitimate
        }
    }
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

/// A label's score under [`MODEL`], with each feature's share of it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Score {
    /// Probability that the label was machine-generated.
    pub p_malicious: f64,
    /// Probability that it was not; not computed as `1 - p_malicious`, so it keeps its precision
    /// near 0.
    pub p_legitimate: f64,
    /// `p_malicious` against the model's default threshold, [`Model::threshold`];
    /// [`OperatingPoint::verdict`] gives it at another.
    pub verdict: Verdict,
    /// `ln(p_malicious / p_legitimate)`: the intercept plus every contribution, left to right.
    pub log_odds: f64,
    /// The model's intercept: the log-odds before any feature.
    pub intercept: f64,
    /// The log-odds of the model's typical legitimate label ([`Model::typical`]; the intercept
    /// for a model without one): with every term's [`versus_typical`](Term::versus_typical) it
    /// sums to `log_odds`, up to rounding.
    pub typical_log_odds: f64,
    /// Each feature the model uses, with its value and its contribution to the log-odds, in
    /// [`Model::coefficients`]' order.
    pub terms: [Term; FEATURE_COUNT],
}

/// One feature's part in a [`Score`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Term {
    /// Which feature.
    pub feature: Feature,
    /// The feature's value for the label scored.
    pub value: f64,
    /// Its contribution to the log-odds: the model's coefficient × `value`.
    pub contribution: f64,
    /// Its contribution against the typical legitimate label's: the coefficient × (`value` −
    /// the typical value). Near 0 for a typical legitimate name, positive where the label is
    /// more machine-like than one, negative where it is less: the explanation a person reads.
    /// `contribution` itself for a model with no typical label.
    pub versus_typical: f64,
}

/// Whether [`MODEL`] uses `feature`: what [`classify`](crate::classify) computes.
pub(crate) const fn model_uses(feature: Feature) -> bool {
    let mut i = 0;
    while i < FEATURE_COUNT {
        if MODEL.coefficients[i].0 as u8 == feature as u8 {
            return true;
        }
        i += 1;
    }
    false
}

/// Scores features with the compiled-in [`MODEL`].
///
/// ```
/// use dga_classifier::{features, score, Verdict};
/// let s = score(&features("xjwqpzkvbrtmh"));
/// assert_eq!(s.verdict, Verdict::Malicious);
/// let sum = s.terms.iter().fold(s.intercept, |sum, t| sum + t.contribution);
/// assert_eq!(s.log_odds, sum);
/// ```
#[inline]
pub fn score(features: &Features) -> Score {
    // `MODEL` is a constant: unrolled over its terms, each `feature.value` is a field read, not a
    // jump through a table that mispredicts at every term.
    let terms: [Term; FEATURE_COUNT] = core::array::from_fn(|i| {
        let (feature, coefficient) = MODEL.coefficients[i];
        let value = feature.value(features);
        let typical = match MODEL.typical {
            Some(typical) => typical.values[i],
            None => 0.0,
        };
        Term {
            feature,
            value,
            contribution: coefficient * value,
            // `+ 0.0`: a typical value contributes 0, never -0 (a negative coefficient times 0).
            versus_typical: coefficient * (value - typical) + 0.0,
        }
    });
    let log_odds = terms
        .iter()
        .fold(MODEL.intercept, |sum, term| sum + term.contribution);
    // With `e = exp(-|log_odds|)` the likelier class has `1 / (1 + e)` and the other `e / (1 + e)`:
    // one exponential, and neither probability is a difference that loses its digits.
    let e = crate::exp::exp_of_negative(libm::fabs(log_odds));
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
        intercept: MODEL.intercept,
        typical_log_odds: match MODEL.typical {
            Some(typical) => typical.log_odds,
            None => MODEL.intercept,
        },
        terms,
    }
}

impl Score {
    /// How unusual the score is among legitimate names: the share of the model's legitimate
    /// validation labels that score at least as high, which is the false-positive rate of the
    /// operating point at which this label would just be flagged. Read off
    /// [`Model::legitimate_log_odds`], log-linearly between its shares, and held at its ends (a
    /// score above every listed one gets the smallest share, 0.01 % for the trained models).
    /// `None` for a model that lists none.
    ///
    /// ```
    /// use dga_classifier::{classify, MODEL};
    /// # if !MODEL.legitimate_log_odds.is_empty() {
    /// let common = *classify("google.com").unwrap().score().unwrap();
    /// let rare = *classify("zyxgifnjobqhzptuodmzov.ru").unwrap().score().unwrap();
    /// assert!(common.flagged_at_false_positive_rate().unwrap() > 0.5);
    /// assert!(rare.flagged_at_false_positive_rate().unwrap() <= 0.001);
    /// # }
    /// ```
    pub fn flagged_at_false_positive_rate(&self) -> Option<f64> {
        let table = MODEL.legitimate_log_odds;
        let (&(first_share, first), &(last_share, last)) = (table.first()?, table.last()?);
        if self.log_odds <= first {
            return Some(first_share);
        }
        if self.log_odds >= last {
            return Some(last_share);
        }
        let above = table.iter().position(|&(_, l)| l > self.log_odds)?;
        let below = above.checked_sub(1)?;
        let ((_, log_odds_below), (_, log_odds_above)) = (*table.get(below)?, *table.get(above)?);
        let (ln_below, ln_above) = (
            *generated::LN_LEGITIMATE_SHARES.get(below)?,
            *generated::LN_LEGITIMATE_SHARES.get(above)?,
        );
        let t = (self.log_odds - log_odds_below) / (log_odds_above - log_odds_below);
        Some(libm::exp(ln_below + t * (ln_above - ln_below)))
    }
}

#[cfg(test)]
mod tests {
    use super::{generated::MODEL_FILE_FEATURES, Feature};

    /// The logarithms the build computed are those of the model's shares, one for one.
    #[test]
    fn logarithms_of_the_legitimate_shares_match_the_table() {
        let shares = super::MODEL.legitimate_log_odds;
        assert_eq!(super::generated::LN_LEGITIMATE_SHARES.len(), shares.len());
        for (&(share, _), ln) in shares.iter().zip(super::generated::LN_LEGITIMATE_SHARES) {
            assert!(
                (libm::exp(ln) - share).abs() <= 1e-15 * share,
                "{share} {ln}"
            );
        }
    }

    /// The build script parses model files with its own list of features (it cannot use this
    /// crate): it must name every feature as [`Feature::name`] does.
    #[test]
    fn build_script_knows_every_feature_by_its_name() {
        assert_eq!(MODEL_FILE_FEATURES.len(), Feature::ALL.len());
        for ((name, variant), feature) in MODEL_FILE_FEATURES.into_iter().zip(Feature::ALL) {
            assert_eq!((variant, name), (feature, feature.name()));
        }
    }
}
