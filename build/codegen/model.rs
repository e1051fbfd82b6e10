//! Model file (`model/*.toml`) -> `MODEL` constant.
//!
//! The file is the small TOML subset of `model_file.rs`. `[coefficients]` holds `intercept` and one coefficient per feature the model uses, in the
//! order its scores list them.

use super::model_file::{number, probability, string, Values};
use std::fmt::Write as _;

/// Features a model may use: their name in model files and the `Feature` variant.
const FEATURES: [(&str, &str); 9] = [
    ("length", "Length"),
    ("entropy", "Entropy"),
    ("p_vowels", "PVowels"),
    ("num_words", "NumWords"),
    ("ngram_bits", "NgramBits"),
    ("word_coverage", "WordCoverage"),
    ("longest_word", "LongestWord"),
    ("segments", "Segments"),
    ("ngram_log_odds", "NgramLogOdds"),
];

/// The four features of the original model: the untrained model's.
const ORIGINAL_FEATURES: [&str; 4] = ["length", "entropy", "p_vowels", "num_words"];

/// A parsed model file.
pub struct ModelFile {
    pub name: String,
    pub words_sha256: String,
    /// Required when the model uses `ngram_bits`: the table must be the one it was trained on.
    pub ngrams_sha256: Option<String>,
    /// Required when the model uses `ngram_log_odds`: the weights must be the ones it was
    /// trained on.
    pub ngram_weights_sha256: Option<String>,
    threshold: f64,
    /// The share of legitimate validation labels `threshold` flags, when it was set for one;
    /// `None` when it maximises F1.
    threshold_false_positive_rate: Option<f64>,
    /// `(false-positive rate, threshold)`, in file order.
    operating_points: Vec<(f64, f64)>,
    intercept: f64,
    /// `(Feature variant, coefficient)` in file order.
    coefficients: Vec<(&'static str, f64)>,
    /// `(rows, auc, error_rate)` on the validation set; none for the untrained model.
    validation: Option<(u64, f64, f64)>,
    /// Each feature's median over the legitimate validation labels, in `coefficients`' order;
    /// none for a model file without `[typical]`.
    typical: Option<Vec<f64>>,
    /// `(share, log-odds)` from `[legitimate_log_odds]`, in file order.
    legitimate_log_odds: Vec<(f64, f64)>,
}

impl ModelFile {
    /// The all-zero model over the original features: every score is 0.5, nothing is flagged.
    /// Only for training a new model.
    pub fn untrained(words_sha256: &str) -> ModelFile {
        ModelFile {
            name: super::UNTRAINED.to_owned(),
            words_sha256: words_sha256.to_owned(),
            ngrams_sha256: None,
            ngram_weights_sha256: None,
            threshold: 1.0,
            threshold_false_positive_rate: None,
            operating_points: Vec::new(),
            intercept: 0.0,
            coefficients: ORIGINAL_FEATURES
                .iter()
                .map(|name| (variant(name).expect("a known feature"), 0.0))
                .collect(),
            validation: None,
            typical: None,
            legitimate_log_odds: Vec::new(),
        }
    }

    /// Whether a score needs the ngram table.
    pub fn uses_ngrams(&self) -> bool {
        self.coefficients.iter().any(|&(v, _)| v == "NgramBits")
    }

    pub fn uses_ngram_weights(&self) -> bool {
        self.coefficients.iter().any(|&(v, _)| v == "NgramLogOdds")
    }

    pub fn parse(text: &str) -> Result<ModelFile, String> {
        let mut values = Values::parse(text)?;
        let threshold = values.required_number("threshold")?;
        if !(0.0..=1.0).contains(&threshold) {
            return Err(format!("`threshold` = {threshold} is not a probability"));
        }
        let intercept = values.required_number("coefficients.intercept")?;
        let validation = (
            values.required_number("validation.rows")? as u64,
            values.required_number("validation.auc")?,
            values.required_number("validation.error_rate")?,
        );
        let name = values.required_string("name")?;
        let words_sha256 = values.required_string("words_sha256")?;
        let ngrams_sha256 = values
            .take("ngrams_sha256")
            .map(|raw| string("ngrams_sha256", raw))
            .transpose()?;
        let ngram_weights_sha256 = values
            .take("ngram_weights_sha256")
            .map(|raw| string("ngram_weights_sha256", raw))
            .transpose()?;
        let threshold_false_positive_rate = values
            .take("threshold_false_positive_rate")
            .map(|raw| probability("threshold_false_positive_rate", raw))
            .transpose()?;
        let mut coefficients = Vec::new();
        let mut operating_points = Vec::new();
        let mut typical = Vec::new();
        let mut legitimate_log_odds = Vec::new();
        let mut rest = Vec::new();
        for (key, raw) in values.into_rest() {
            if let Some(rate) = key.strip_prefix("operating_points.fpr_") {
                let rate = probability(&key, rate.to_owned())?;
                operating_points.push((rate, probability(&key, raw)?));
                continue;
            }
            if let Some(share) = key.strip_prefix("legitimate_log_odds.top_") {
                let share = probability(&key, share.to_owned())?;
                legitimate_log_odds.push((share, number(&key, raw)?));
                continue;
            }
            if let Some(feature) = key.strip_prefix("typical.") {
                typical.push((feature.to_owned(), number(&key, raw)?));
                continue;
            }
            match key.strip_prefix("coefficients.") {
                Some(feature) => {
                    let variant = variant(feature).ok_or_else(|| {
                        let known: Vec<&str> = FEATURES.iter().map(|f| f.0).collect();
                        format!("unknown feature `{feature}` (known: {})", known.join(", "))
                    })?;
                    coefficients.push((variant, number(&key, raw)?));
                }
                None => rest.push(key),
            }
        }
        if let Some(unknown) = rest.first() {
            return Err(format!("unknown key `{unknown}`"));
        }
        if coefficients.is_empty() {
            return Err(String::from("`[coefficients]` names no feature"));
        }
        let typical = match typical.is_empty() {
            true => None,
            false => {
                let names: Vec<Option<&str>> = typical.iter().map(|(f, _)| variant(f)).collect();
                let expected: Vec<Option<&str>> =
                    coefficients.iter().map(|&(v, _)| Some(v)).collect();
                if names != expected {
                    return Err(String::from(
                        "`[typical]` must name the features of `[coefficients]`, in their order",
                    ));
                }
                Some(typical.into_iter().map(|(_, value)| value).collect())
            }
        };
        let ascending = legitimate_log_odds
            .windows(2)
            .all(|w| w[0].0 > w[1].0 && w[0].1 <= w[1].1);
        if !ascending {
            return Err(String::from(
                "`[legitimate_log_odds]` must go from the largest share to the smallest, its log-odds not falling",
            ));
        }
        let model = ModelFile {
            name,
            words_sha256,
            ngrams_sha256,
            ngram_weights_sha256,
            threshold,
            threshold_false_positive_rate,
            operating_points,
            intercept,
            coefficients,
            validation: Some(validation),
            typical,
            legitimate_log_odds,
        };
        if let Some(rate) = model.threshold_false_positive_rate {
            if !model.operating_points.contains(&(rate, model.threshold)) {
                return Err(format!(
                    "`threshold_false_positive_rate` = {rate} is not an operating point with the model's `threshold`"
                ));
            }
        }
        if model.uses_ngrams() && model.ngrams_sha256.is_none() {
            return Err(String::from(
                "the model uses `ngram_bits` but does not say which counts (`ngrams_sha256`)",
            ));
        }
        if model.uses_ngram_weights() && model.ngram_weights_sha256.is_none() {
            return Err(String::from(
                "the model uses `ngram_log_odds` but does not say which weights (`ngram_weights_sha256`)",
            ));
        }
        Ok(model)
    }

    /// Appends the `MODEL` constant to the generated `model.rs`.
    pub fn emit(&self, out: &mut String) {
        let validation = match self.validation {
            Some((rows, auc, error_rate)) => format!("Some(crate::Validation {{ rows: {rows}, auc: {auc:?}, error_rate: {error_rate:?} }})"),
            None => "None".to_owned(),
        };
        let coefficients: Vec<String> = self
            .coefficients
            .iter()
            .map(|(variant, value)| format!("(crate::Feature::{variant}, {value:?})"))
            .collect();
        let operating_points: Vec<String> = self
            .operating_points
            .iter()
            .map(|(rate, threshold)| {
                format!("crate::OperatingPoint {{ false_positive_rate: {rate:?}, threshold: {threshold:?} }}")
            })
            .collect();
        let known: Vec<String> = FEATURES
            .iter()
            .map(|(name, variant)| format!("(\"{name}\", crate::Feature::{variant})"))
            .collect();
        // The typical label's log-odds, summed as `score` sums a label's: left to right.
        let typical = match &self.typical {
            Some(values) => {
                let log_odds = self
                    .coefficients
                    .iter()
                    .zip(values)
                    .fold(self.intercept, |sum, ((_, coefficient), value)| {
                        sum + coefficient * value
                    });
                format!(
                    "Some(crate::TypicalLabel {{ values: {values:?}, log_odds: {log_odds:?} }})"
                )
            }
            None => "None".to_owned(),
        };
        let tail: Vec<String> = self
            .legitimate_log_odds
            .iter()
            .map(|(share, log_odds)| format!("({share:?}, {log_odds:?})"))
            .collect();
        // Their logarithms, which reading a score's place interpolates along: computed here,
        // where `f64::ln` is, not at every score.
        let ln_shares: Vec<String> = self
            .legitimate_log_odds
            .iter()
            .map(|(share, _)| format!("{:?}", share.ln()))
            .collect();
        writeln!(
            out,
            "/// The features model files may name, as the build script knows them.\n\
             #[cfg(test)]\n\
             pub(crate) const MODEL_FILE_FEATURES: [(&str, crate::Feature); {known_count}] = [{known}];\n\
             /// The natural logarithm of each share of `MODEL.legitimate_log_odds`, in its order.\n\
             pub(crate) const LN_LEGITIMATE_SHARES: [f64; {tail_count}] = [{ln_shares}];\n\
             /// Number of features the compiled-in model uses.\n\
             pub const FEATURE_COUNT: usize = {count};\n\
             /// The model compiled in: `{name}`.\n\
             pub const MODEL: crate::Model = crate::Model {{\n    \
                 name: \"{name}\",\n    \
                 words_sha256: \"{words}\",\n    \
                 intercept: {intercept:?},\n    \
                 coefficients: [{coefficients}],\n    \
                 threshold: {threshold:?},\n    \
                 threshold_false_positive_rate: {threshold_rate:?},\n    \
                 operating_points: &[{operating_points}],\n    \
                 validation: {validation},\n    \
                 typical: {typical},\n    \
                 legitimate_log_odds: &[{tail}],\n\
             }};",
            count = self.coefficients.len(),
            known_count = known.len(),
            known = known.join(", "),
            name = self.name,
            words = self.words_sha256,
            intercept = self.intercept,
            coefficients = coefficients.join(", "),
            threshold = self.threshold,
            threshold_rate = self.threshold_false_positive_rate,
            operating_points = operating_points.join(", "),
            tail = tail.join(", "),
            tail_count = ln_shares.len(),
            ln_shares = ln_shares.join(", "),
        )
        .expect("writing to a String cannot fail");
    }
}

fn variant(name: &str) -> Option<&'static str> {
    FEATURES.iter().find(|f| f.0 == name).map(|f| f.1)
}
