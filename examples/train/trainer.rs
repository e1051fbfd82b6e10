//! Training and evaluation of a logistic-regression model over any of the crate's features, as the
//! original did it with H2O: binomial GLM, ridge penalty on standardised features, log-likelihood
//! averaged over (weighted) rows.
//!
//! Shared by the `train` example and the conformance test, so the test checks this very code.

use dga_classifier::{classify, features, Feature, Features};
use std::path::Path;

/// The original model's features, in its order.
pub const ORIGINAL_FEATURES: [Feature; 4] = [
    Feature::Length,
    Feature::Entropy,
    Feature::PVowels,
    Feature::NumWords,
];

/// One labelled label.
#[derive(Clone)]
pub struct Row {
    /// The label scored (the data set's `domain` column: the host minus its public suffix).
    pub domain: String,
    /// `legit`, or the DGA family that generated it.
    pub family: String,
    /// Its features, computed by this crate.
    pub features: Features,
    /// True for a DGA domain.
    pub malicious: bool,
    /// Its weight in the fit's log-likelihood.
    pub weight: f64,
}

impl Row {
    /// A row of weight 1 for `domain`, whose features are `features`.
    fn new(domain: String, features: Features, family: String, malicious: bool) -> Row {
        Row {
            features,
            domain,
            family,
            malicious,
            weight: 1.0,
        }
    }
}

/// Reads a CSV with columns `host,domain,class[,subclass]` (RFC 4180: quoted fields may hold
/// newlines). A row's family is its `subclass`, or its `class` without one.
pub fn read_rows(path: &Path) -> Result<Vec<Row>, String> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let headers = reader
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let required =
        |name: &str| column(name).ok_or_else(|| format!("{}: no `{name}` column", path.display()));
    let (domain_col, class_col) = (required("domain")?, required("class")?);
    let family_col = column("subclass").unwrap_or(class_col);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
        let domain = record[domain_col].to_owned();
        let malicious = match &record[class_col] {
            "dga" => true,
            "legit" => false,
            other => {
                return Err(format!(
                    "{}: unknown class {other:?} for {domain:?}",
                    path.display()
                ))
            }
        };
        let row_features = features(&domain);
        rows.push(Row::new(
            domain,
            row_features,
            record[family_col].to_owned(),
            malicious,
        ));
    }
    Ok(rows)
}

/// Reads host names, one per line, as rows of `family`: each scored by its registrable label, as
/// `classify` picks it. Returns the rows and the number of lines `classify` does not score (an
/// internationalised label, a special-use name such as `example.com`) or rejects.
pub fn read_hosts(path: &Path, family: &str, malicious: bool) -> Result<(Vec<Row>, usize), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut rows = Vec::new();
    let mut rejected = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        match classify(line.trim()) {
            // All the label's features: the model being trained may use any of them.
            Ok(c) if c.score().is_some() => rows.push(Row::new(
                c.label.to_string(),
                features(&c.label),
                family.to_owned(),
                malicious,
            )),
            Ok(_) | Err(_) => rejected += 1,
        }
    }
    Ok((rows, rejected))
}

/// Whether `label` falls on the training side of the seeded 80/20 split. Hashing the label keeps
/// every row of one label on the same side (the data set repeats legit labels across top-level
/// domains), and every run with one seed splits the same way.
pub fn in_training_split(label: &str, seed: u64) -> bool {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64 ^ seed;
    for &byte in label.as_bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    // splitmix64's finaliser: FNV alone is not uniform enough in its high bits.
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^= hash >> 31;
    ((hash >> 11) as f64) < 0.8 * (1u64 << 53) as f64
}

/// Splits 80/20 by [`in_training_split`] of `domain`.
pub fn split_by_domain(rows: Vec<Row>, seed: u64) -> (Vec<Row>, Vec<Row>) {
    rows.into_iter()
        .partition(|row| in_training_split(&row.domain, seed))
}

/// A fitted model on the original scale of the features.
#[derive(Clone, Debug)]
pub struct Fit {
    /// The features, in the order of `beta[1..]`.
    pub features: Vec<Feature>,
    /// The intercept, then one coefficient per feature.
    pub beta: Vec<f64>,
    /// Newton steps taken.
    pub iterations: usize,
    /// Mean log-loss on the training rows.
    pub train_logloss: f64,
}

impl Fit {
    /// The log-odds of a row.
    pub fn log_odds(&self, row: &Row) -> f64 {
        self.features
            .iter()
            .zip(&self.beta[1..])
            .fold(self.beta[0], |sum, (f, b)| sum + b * f.value(&row.features))
    }

    /// P(malicious) of a row.
    pub fn probability(&self, row: &Row) -> f64 {
        sigmoid(self.log_odds(row))
    }
}

/// Minimises `-(Σ wᵢ log-likelihoodᵢ) / Σ wᵢ + (λ/2)·‖β‖²` (intercept not penalised) over
/// standardised `features` by Newton's method (IRLS) until the step is below 1e-12.
pub fn fit_ridge_logistic(rows: &[Row], features: &[Feature], lambda: f64) -> Fit {
    let x: Vec<Vec<f64>> = rows
        .iter()
        .map(|r| features.iter().map(|f| f.value(&r.features)).collect())
        .collect();
    let labels: Vec<bool> = rows.iter().map(|r| r.malicious).collect();
    let weights: Vec<f64> = rows.iter().map(|r| r.weight).collect();
    let (beta, iterations) = fit_ridge(&x, &labels, &weights, lambda);
    let mut fit = Fit {
        features: features.to_vec(),
        beta,
        iterations,
        train_logloss: 0.0,
    };
    fit.train_logloss = logloss(rows, |r| fit.probability(r));
    fit
}

/// The ridge logistic regression of [`fit_ridge_logistic`] on rows of plain numbers: `x[i]` is
/// row `i`'s values, `labels[i]` whether it is positive, `weights[i]` its weight. Returns the
/// intercept and one coefficient per column, on the columns' own scale, and the Newton steps.
pub fn fit_ridge(
    x: &[Vec<f64>],
    labels: &[bool],
    weights: &[f64],
    lambda: f64,
) -> (Vec<f64>, usize) {
    let terms = x.first().map_or(0, Vec::len) + 1;
    let total_weight: f64 = weights.iter().sum();
    let value = |row: &[f64], k: usize| if k == 0 { 1.0 } else { row[k - 1] };
    let mut mean = vec![0.0; terms];
    let mut sd = vec![1.0; terms];
    let n = x.len() as f64;
    for k in 1..terms {
        mean[k] = x.iter().map(|r| value(r, k)).sum::<f64>() / n;
        let variance = x
            .iter()
            .map(|r| (value(r, k) - mean[k]).powi(2))
            .sum::<f64>()
            / (n - 1.0);
        // A constant feature (all rows alike) stays unscaled rather than dividing by zero.
        sd[k] = if variance > 0.0 { variance.sqrt() } else { 1.0 };
    }
    let standardised: Vec<Vec<f64>> = x
        .iter()
        .map(|r| {
            (0..terms)
                .map(|k| {
                    if k == 0 {
                        1.0
                    } else {
                        (value(r, k) - mean[k]) / sd[k]
                    }
                })
                .collect()
        })
        .collect();

    let mut beta = vec![0.0; terms];
    let mut iterations = 0;
    while iterations < 100 {
        iterations += 1;
        let mut gradient = vec![0.0; terms];
        let mut hessian = vec![vec![0.0; terms]; terms];
        for ((z, &label), &weight) in standardised.iter().zip(labels).zip(weights) {
            let p = sigmoid(dot(&beta, z));
            let w = weight / total_weight;
            let residual = w * (p - f64::from(u8::from(label)));
            let curvature = w * p * (1.0 - p);
            for i in 0..terms {
                gradient[i] += residual * z[i];
                for j in 0..terms {
                    hessian[i][j] += curvature * z[i] * z[j];
                }
            }
        }
        for k in 1..terms {
            gradient[k] += lambda * beta[k];
            hessian[k][k] += lambda;
        }
        let step = solve(hessian, gradient);
        for k in 0..terms {
            beta[k] -= step[k];
        }
        if step.iter().all(|s| s.abs() < 1e-12) {
            break;
        }
    }

    let mut original = vec![0.0; terms];
    original[0] = beta[0];
    for k in 1..terms {
        original[k] = beta[k] / sd[k];
        original[0] -= beta[k] * mean[k] / sd[k];
    }
    (original, iterations)
}

/// Mean negative log-likelihood of `rows` under `probability`, weighted by row.
pub fn logloss(rows: &[Row], probability: impl Fn(&Row) -> f64) -> f64 {
    let (total, weight) = rows.iter().fold((0.0, 0.0), |(total, weight), r| {
        let p = probability(r).clamp(1e-15, 1.0 - 1e-15);
        let loss = -if r.malicious { p.ln() } else { (1.0 - p).ln() };
        (total + r.weight * loss, weight + r.weight)
    });
    total / weight
}

/// Counts at one threshold: label 1 when `P ≥ threshold`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Confusion {
    pub legit_as_legit: usize,
    pub legit_as_dga: usize,
    pub dga_as_legit: usize,
    pub dga_as_dga: usize,
}

impl Confusion {
    pub fn rows(&self) -> usize {
        self.legit_as_legit + self.legit_as_dga + self.dga_as_legit + self.dga_as_dga
    }

    pub fn errors(&self) -> usize {
        self.legit_as_dga + self.dga_as_legit
    }

    pub fn error_rate(&self) -> f64 {
        self.errors() as f64 / self.rows() as f64
    }
}

/// What a model does on labelled data.
#[derive(Clone, Copy, Debug)]
pub struct Evaluation {
    pub auc: f64,
    pub logloss: f64,
    /// The threshold of maximum F1: the lowest probability of the best cut.
    pub threshold: f64,
    pub confusion: Confusion,
}

/// AUC (ties count half), and the max-F1 threshold with its confusion matrix; AUC and the matrix
/// count rows, not weights.
pub fn evaluate(rows: &[Row], probability: impl Fn(&Row) -> f64) -> Evaluation {
    let mut scored: Vec<(f64, bool)> = rows.iter().map(|r| (probability(r), r.malicious)).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let positives = scored.iter().filter(|s| s.1).count();
    let negatives = scored.len() - positives;

    // Walk the cut down through each group of tied probabilities.
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut area = 0.0;
    let (mut best_f1, mut best) = (-1.0, (1.0, 0, 0));
    let mut i = 0;
    while i < scored.len() {
        let p = scored[i].0;
        let group = scored[i..].iter().take_while(|s| s.0 == p);
        let (group_tp, group_fp) = group.fold(
            (0, 0),
            |(t, f), s| if s.1 { (t + 1, f) } else { (t, f + 1) },
        );
        area += group_fp as f64 * (tp as f64 + group_tp as f64 / 2.0);
        tp += group_tp;
        fp += group_fp;
        i += group_tp + group_fp;
        let f1 = 2.0 * tp as f64 / (2 * tp + fp + (positives - tp)) as f64;
        if f1 > best_f1 {
            (best_f1, best) = (f1, (p, tp, fp));
        }
    }
    let (threshold, tp, fp) = best;
    Evaluation {
        auc: area / (positives as f64 * negatives as f64),
        logloss: logloss(rows, &probability),
        threshold,
        confusion: Confusion {
            legit_as_legit: negatives - fp,
            legit_as_dga: fp,
            dga_as_legit: positives - tp,
            dga_as_dga: tp,
        },
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Solves `a · x = b` for a symmetric positive-definite `a` (Gaussian elimination with partial
/// pivoting: at most 9×9, so simplicity wins).
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap_or(col);
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..n {
            let factor = a[row][col] / a[col][col];
            let pivot_row = a[col].clone();
            for (entry, pivot_entry) in a[row].iter_mut().zip(pivot_row).skip(col) {
                *entry -= factor * pivot_entry;
            }
            b[row] -= factor * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let tail: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - tail) / a[row][row];
    }
    x
}
