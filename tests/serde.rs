//! The JSON of a classification: the original application's fields (SPEC §3), one per feature of
//! the model compiled in; with the original features, exactly the original's 8.

use dga_classifier::{classify, Feature, MODEL};

fn sorted_keys(json: &serde_json::Value) -> Vec<String> {
    let mut keys: Vec<String> = json.as_object().unwrap().keys().cloned().collect();
    keys.sort_unstable();
    keys
}

#[test]
fn json_has_the_original_fields_and_one_per_feature() {
    let c = classify("plzdonthackmekthxbye.com").unwrap();
    let json: serde_json::Value = serde_json::to_value(&c).unwrap();
    let mut expected: Vec<String> = ["label", "class0Prob", "class1Prob", "intercept"]
        .into_iter()
        .chain(MODEL.coefficients.iter().map(|(f, _)| f.json_name()))
        .map(String::from)
        .collect();
    expected.sort_unstable();
    assert_eq!(sorted_keys(&json), expected);
    assert_eq!(json["label"], 1);
    let score = c.score().unwrap();
    assert_eq!(json["class1Prob"], score.p_malicious);
    assert_eq!(json["class0Prob"], score.p_legitimate);
    assert_eq!(json["intercept"], score.intercept);
    for term in score.terms {
        let feature = term.feature;
        assert_eq!(json[feature.json_name()], term.contribution, "{feature:?}");
    }
}

#[test]
fn original_features_are_the_original_fields() {
    let original = [
        Feature::Length,
        Feature::Entropy,
        Feature::PVowels,
        Feature::NumWords,
    ];
    let names: Vec<&str> = original.iter().map(|f| f.json_name()).collect();
    assert_eq!(names, ["length", "entropy", "proVowels", "numWords"]);
    if MODEL.coefficients.map(|(f, _)| f)[..] == original {
        let json = serde_json::to_value(classify("wikipedia.org").unwrap()).unwrap();
        assert_eq!(
            sorted_keys(&json),
            [
                "class0Prob",
                "class1Prob",
                "entropy",
                "intercept",
                "label",
                "length",
                "numWords",
                "proVowels"
            ]
        );
    }
}

#[test]
fn legitimate_is_label_zero() {
    let json = serde_json::to_value(classify("wikipedia.org").unwrap()).unwrap();
    assert_eq!(json["label"], 0);
}

#[test]
fn a_name_not_scored_says_why_with_no_score() {
    let json = serde_json::to_value(classify("x.onion").unwrap()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "label": null,
            "unscored": "special-use",
            "reason": "under the special-use domain onion: never registered in the public DNS",
        })
    );
}
