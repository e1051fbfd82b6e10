//! `Serialize` for [`Classification`] as the original application's JSON response (SPEC §3),
//! generalised to any model: one field per feature the model uses.

use crate::{Classification, Feature, Outcome, Verdict};
use serde::ser::{Serialize, SerializeMap, Serializer};

impl Feature {
    /// The feature's field name in JSON responses: the original's for its four
    /// (`length`, `entropy`, `proVowels`, `numWords`), camelCase for the others.
    pub const fn json_name(self) -> &'static str {
        match self {
            Feature::Length => "length",
            Feature::Entropy => "entropy",
            Feature::PVowels => "proVowels",
            Feature::NumWords => "numWords",
            Feature::NgramBits => "ngramBits",
            Feature::WordCoverage => "wordCoverage",
            Feature::LongestWord => "longestWord",
            Feature::Segments => "segments",
            Feature::NgramLogOdds => "ngramLogOdds",
        }
    }
}

impl Serialize for Classification {
    /// `{"label": 0|1, "class0Prob", "class1Prob", "intercept"}` and one field per feature of the
    /// model, named by [`Feature::json_name`]: its contribution to the log-odds, as in the original.
    /// With the original model these are exactly the original's 8 fields. A name not scored is
    /// `{"label": null, "unscored": <Unscored::name>, "reason": <why, in a sentence>}`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let score = match &self.outcome {
            Outcome::Scored(score) => score,
            Outcome::Unscored(why) => {
                let mut out = serializer.serialize_map(Some(3))?;
                out.serialize_entry("label", &None::<u8>)?;
                out.serialize_entry("unscored", why.name())?;
                out.serialize_entry("reason", &Sentence(why))?;
                return out.end();
            }
        };
        let mut out = serializer.serialize_map(Some(4 + score.terms.len()))?;
        out.serialize_entry("label", &u8::from(score.verdict == Verdict::Malicious))?;
        out.serialize_entry("class0Prob", &score.p_legitimate)?;
        out.serialize_entry("class1Prob", &score.p_malicious)?;
        out.serialize_entry("intercept", &score.intercept)?;
        for term in &score.terms {
            out.serialize_entry(term.feature.json_name(), &term.contribution)?;
        }
        out.end()
    }
}

/// A value serialised as the text its `Display` writes, without allocating.
struct Sentence<'a, T>(&'a T);

impl<T: core::fmt::Display> Serialize for Sentence<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self.0)
    }
}
