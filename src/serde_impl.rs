//! `Serialize` for [`Classification`] as the original application's JSON response (SPEC §3).

use crate::{Classification, Verdict};
use serde::ser::{Serialize, SerializeStruct, Serializer};

impl Serialize for Classification {
    /// `{"label": 0|1, "class0Prob", "class1Prob", "intercept", "length", "entropy", "proVowels",
    /// "numWords"}`: the feature fields are contributions to the log-odds, as in the original.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let score = &self.score;
        let terms = &score.contributions;
        let mut out = serializer.serialize_struct("Classification", 8)?;
        out.serialize_field("label", &u8::from(score.verdict == Verdict::Malicious))?;
        out.serialize_field("class0Prob", &score.p_legitimate)?;
        out.serialize_field("class1Prob", &score.p_malicious)?;
        out.serialize_field("intercept", &terms.intercept)?;
        out.serialize_field("length", &terms.length)?;
        out.serialize_field("entropy", &terms.entropy)?;
        out.serialize_field("proVowels", &terms.p_vowels)?;
        out.serialize_field("numWords", &terms.num_words)?;
        out.end()
    }
}
