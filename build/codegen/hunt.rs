//! Hunt model file (`model/hunt.toml`) -> `HUNT_MODEL` constant.
//!
//! The file is the small TOML subset of `model_file.rs`: `name`, `name_model` (the name model
//! its `name_log_odds` weight was trained with), `window_seconds`, `threshold_false_alarm_rate`,
//! `max_per_name`, `[weights]` with one weight per signal, and `[operating_points]` with one
//! `per_client_day_<rate> = <log-odds threshold>` per rate.

use super::model_file::{number, probability, Values};
use std::fmt::Write as _;

/// The signals a hunt model weighs: their name in model files and the `Signal` variant, in the
/// order of `Signal::ALL`.
const SIGNALS: [(&str, &str); 10] = [
    ("failed", "Failed"),
    ("single_label", "SingleLabel"),
    ("reverse", "Reverse"),
    ("local_name", "LocalName"),
    ("resolved", "Resolved"),
    ("name_log_odds", "NameLogOdds"),
    ("label_length", "LabelLength"),
    ("same_suffix", "SameSuffix"),
    ("close_length", "CloseLength"),
    ("fast", "Fast"),
];

/// A parsed hunt model file.
pub struct HuntFile {
    name: String,
    pub name_model: String,
    window_seconds: u32,
    max_per_name: f64,
    weights: Vec<f64>,
    /// `(false alarms per client-day, log-odds threshold)`, in file order.
    operating_points: Vec<(f64, f64)>,
    threshold_false_alarm_rate: f64,
}

impl HuntFile {
    /// All-zero weights and a threshold no client reaches: nothing is ever alerted. Only for
    /// building before a hunt model is trained for the name model compiled in.
    pub fn untrained(name_model: &str) -> HuntFile {
        HuntFile {
            name: super::UNTRAINED.to_owned(),
            name_model: name_model.to_owned(),
            window_seconds: 86_400,
            max_per_name: f64::INFINITY,
            weights: vec![0.0; SIGNALS.len()],
            operating_points: Vec::new(),
            threshold_false_alarm_rate: 0.0,
        }
    }

    pub fn parse(text: &str) -> Result<HuntFile, String> {
        let mut values = Values::parse(text)?;
        let name = values.required_string("name")?;
        let name_model = values.required_string("name_model")?;
        let window = values.required_number("window_seconds")?;
        if !(1.0..=f64::from(u32::MAX)).contains(&window) || window.fract() != 0.0 {
            return Err(format!(
                "`window_seconds` = {window} is not a whole number of seconds"
            ));
        }
        let max_per_name = values.required_number("max_per_name")?;
        if max_per_name.is_nan() || max_per_name <= 0.0 {
            return Err(format!(
                "`max_per_name` = {max_per_name} is not above 0: no name could be evidence"
            ));
        }
        let threshold_false_alarm_rate = probability(
            "threshold_false_alarm_rate",
            values
                .take("threshold_false_alarm_rate")
                .ok_or("`threshold_false_alarm_rate` is missing")?,
        )?;
        let weights = SIGNALS
            .iter()
            .map(|(signal, _)| values.required_number(&format!("weights.{signal}")))
            .collect::<Result<Vec<f64>, String>>()?;
        let mut operating_points = Vec::new();
        for (key, raw) in values.into_rest() {
            let rate = key
                .strip_prefix("operating_points.per_client_day_")
                .ok_or_else(|| format!("unknown key `{key}`"))?;
            operating_points.push((probability(&key, rate.to_owned())?, number(&key, raw)?));
        }
        if !operating_points
            .iter()
            .any(|&(rate, _)| rate == threshold_false_alarm_rate)
        {
            return Err(format!(
                "`threshold_false_alarm_rate` = {threshold_false_alarm_rate} is not one of `[operating_points]`"
            ));
        }
        Ok(HuntFile {
            name,
            name_model,
            window_seconds: window as u32,
            max_per_name,
            weights,
            operating_points,
            threshold_false_alarm_rate,
        })
    }

    /// Appends the `HUNT_MODEL` constant.
    pub fn emit(&self, out: &mut String) {
        let weights: Vec<String> = SIGNALS
            .iter()
            .zip(&self.weights)
            .map(|((_, variant), weight)| format!("(crate::Signal::{variant}, {weight:?})"))
            .collect();
        let points: Vec<String> = self
            .operating_points
            .iter()
            .map(|(rate, threshold)| {
                format!("crate::HuntOperatingPoint {{ false_alarms_per_client_day: {rate:?}, threshold: {threshold:?} }}")
            })
            .collect();
        let threshold = self
            .operating_points
            .iter()
            .find(|&&(rate, _)| rate == self.threshold_false_alarm_rate)
            .map_or(f64::INFINITY, |&(_, threshold)| threshold);
        let literal = |value: f64| {
            if value.is_finite() {
                format!("{value:?}")
            } else {
                "f64::INFINITY".to_owned()
            }
        };
        let known: Vec<String> = SIGNALS
            .iter()
            .map(|(name, variant)| format!("(\"{name}\", crate::Signal::{variant})"))
            .collect();
        writeln!(
            out,
            "/// The signals hunt model files may name, as the build script knows them.\n\
             #[cfg(test)]\n\
             pub(crate) const MODEL_FILE_SIGNALS: [(&str, crate::Signal); {count}] = [{known}];\n\
             /// The per-client detector's model compiled in: `{name}`.\n\
             pub const HUNT_MODEL: crate::HuntModel = crate::HuntModel {{\n    \
                 name: \"{name}\",\n    \
                 name_model: \"{name_model}\",\n    \
                 window_seconds: {window},\n    \
                 weights: [{weights}],\n    \
                 max_per_name: {max_per_name},\n    \
                 operating_points: &[{points}],\n    \
                 threshold: {threshold},\n    \
                 threshold_false_alarm_rate: {rate:?},\n\
             }};",
            count = known.len(),
            known = known.join(", "),
            name = self.name,
            name_model = self.name_model,
            window = self.window_seconds,
            weights = weights.join(", "),
            points = points.join(", "),
            max_per_name = literal(self.max_per_name),
            threshold = literal(threshold),
            rate = self.threshold_false_alarm_rate,
        )
        .expect("writing to a String cannot fail");
    }
}
