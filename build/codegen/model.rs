//! Model file (`model/*.toml`) -> `MODEL` constant.
//!
//! The file is a small TOML subset, so the build needs no parser dependency: `key = value` lines
//! (a number, or a string in double quotes without escapes), `[section]` headers, `#` comments.

use std::collections::BTreeMap;
use std::fmt::Write as _;

const TERMS: [&str; 5] = ["intercept", "length", "entropy", "p_vowels", "num_words"];

/// A parsed model file.
pub struct ModelFile {
    name: String,
    pub words_sha256: String,
    threshold: f64,
    coefficients: [f64; 5],
    /// `(rows, auc, error_rate)` on the validation set; none for the untrained model.
    validation: Option<(u64, f64, f64)>,
}

impl ModelFile {
    /// The all-zero model: every score is 0.5, nothing is flagged. Only for training a new model.
    pub fn untrained(words_sha256: &str) -> ModelFile {
        ModelFile {
            name: super::UNTRAINED.to_owned(),
            words_sha256: words_sha256.to_owned(),
            threshold: 1.0,
            coefficients: [0.0; 5],
            validation: None,
        }
    }

    pub fn parse(text: &str) -> Result<ModelFile, String> {
        let mut values = BTreeMap::new();
        let mut section = String::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.split_once('#').map_or(line, |(code, _)| code).trim();
            if line.is_empty() {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = format!("{}.", name.trim());
                continue;
            }
            let (key, value) = line
                .split_once('=')
                .ok_or_else(|| format!("line {}: expected `key = value`", number + 1))?;
            let key = format!("{section}{}", key.trim());
            if values
                .insert(key.clone(), value.trim().to_owned())
                .is_some()
            {
                return Err(format!("line {}: `{key}` is set twice", number + 1));
            }
        }
        let mut take = |key: &str| {
            values
                .remove(key)
                .ok_or_else(|| format!("`{key}` is missing"))
        };
        let mut number = |key: &str| -> Result<f64, String> {
            let raw = take(key)?;
            raw.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("`{key}` = {raw} is not a finite number"))
        };
        let mut coefficients = [0.0; 5];
        for (slot, term) in coefficients.iter_mut().zip(TERMS) {
            *slot = number(&format!("coefficients.{term}"))?;
        }
        let threshold = number("threshold")?;
        if !(0.0..=1.0).contains(&threshold) {
            return Err(format!("`threshold` = {threshold} is not a probability"));
        }
        let validation = (
            number("validation.rows")? as u64,
            number("validation.auc")?,
            number("validation.error_rate")?,
        );
        let mut string = |key: &str| -> Result<String, String> {
            let raw = take(key)?;
            let inner = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"'));
            inner
                .filter(|s| !s.contains(['"', '\\']))
                .map(str::to_owned)
                .ok_or_else(|| format!("`{key}` = {raw} is not a plain \"string\""))
        };
        let model = ModelFile {
            name: string("name")?,
            words_sha256: string("words_sha256")?,
            threshold,
            coefficients,
            validation: Some(validation),
        };
        match values.keys().next() {
            Some(unknown) => Err(format!("unknown key `{unknown}`")),
            None => Ok(model),
        }
    }

    /// Appends the `MODEL` constant to the generated `model.rs`.
    pub fn emit(&self, out: &mut String) {
        let [intercept, length, entropy, p_vowels, num_words] = self.coefficients;
        let validation = match self.validation {
            Some((rows, auc, error_rate)) => format!("Some(crate::Validation {{ rows: {rows}, auc: {auc:?}, error_rate: {error_rate:?} }})"),
            None => "None".to_owned(),
        };
        writeln!(
            out,
            "/// The model compiled in: `{name}`.\n\
             pub const MODEL: crate::Model = crate::Model {{\n    \
                 name: \"{name}\",\n    \
                 words_sha256: \"{words}\",\n    \
                 coefficients: crate::Terms {{ intercept: {intercept:?}, length: {length:?}, entropy: {entropy:?}, p_vowels: {p_vowels:?}, num_words: {num_words:?} }},\n    \
                 threshold: {threshold:?},\n    \
                 validation: {validation},\n\
             }};",
            name = self.name,
            words = self.words_sha256,
            threshold = self.threshold,
        )
        .expect("writing to a String cannot fail");
    }
}
