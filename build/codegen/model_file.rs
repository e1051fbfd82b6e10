//! The small TOML subset of model files (`model/*.toml`), so the build needs no parser
//! dependency: `key = value` lines (a number, or a string in double quotes without escapes),
//! `[section]` headers, `#` comments.

/// A model file's `key = value` pairs in file order, each key prefixed by its section
/// (`coefficients.length`), taken out one by one as they are read.
pub struct Values(Vec<(String, String)>);

impl Values {
    pub fn parse(text: &str) -> Result<Values, String> {
        let mut values: Vec<(String, String)> = Vec::new();
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
            if values.iter().any(|(k, _)| *k == key) {
                return Err(format!("line {}: `{key}` is set twice", number + 1));
            }
            values.push((key, value.trim().to_owned()));
        }
        Ok(Values(values))
    }

    /// The raw value of `key`, taken out.
    pub fn take(&mut self, key: &str) -> Option<String> {
        let index = self.0.iter().position(|(k, _)| k == key);
        index.map(|i| self.0.remove(i).1)
    }

    /// The number `key` is set to, taken out.
    pub fn required_number(&mut self, key: &str) -> Result<f64, String> {
        number(key, self.take(key).ok_or_else(|| missing(key))?)
    }

    /// The string `key` is set to, taken out.
    pub fn required_string(&mut self, key: &str) -> Result<String, String> {
        string(key, self.take(key).ok_or_else(|| missing(key))?)
    }

    /// What is left, in file order.
    pub fn into_rest(self) -> Vec<(String, String)> {
        self.0
    }
}

fn missing(key: &str) -> String {
    format!("`{key}` is missing")
}

pub fn number(key: &str, raw: String) -> Result<f64, String> {
    raw.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("`{key}` = {raw} is not a finite number"))
}

pub fn string(key: &str, raw: String) -> Result<String, String> {
    let inner = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"'));
    inner
        .filter(|s| !s.contains(['"', '\\']))
        .map(str::to_owned)
        .ok_or_else(|| format!("`{key}` = {raw} is not a plain \"string\""))
}

pub fn probability(key: &str, raw: String) -> Result<f64, String> {
    number(key, raw)
        .ok()
        .filter(|p| (0.0..=1.0).contains(p))
        .ok_or_else(|| format!("`{key}` is not a probability"))
}
