//! The JSON of a classification has exactly the original application's fields (SPEC §3).

use dga_classifier::classify;

#[test]
fn json_has_exactly_the_original_fields() {
    let c = classify("plzdonthackmekthxbye.com").unwrap();
    let json: serde_json::Value = serde_json::to_value(&c).unwrap();
    let object = json.as_object().unwrap();
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
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
    let t = c.score.contributions;
    assert_eq!(json["label"], 1);
    assert_eq!(json["class1Prob"], c.score.p_malicious);
    assert_eq!(json["class0Prob"], c.score.p_legitimate);
    assert_eq!(json["intercept"], t.intercept);
    assert_eq!(json["length"], t.length);
    assert_eq!(json["entropy"], t.entropy);
    assert_eq!(json["proVowels"], t.p_vowels);
    assert_eq!(json["numWords"], t.num_words);
}

#[test]
fn legitimate_is_label_zero() {
    let json = serde_json::to_value(classify("wikipedia.org").unwrap()).unwrap();
    assert_eq!(json["label"], 0);
}
