//! Training and evaluation of the logistic-regression model, as the original did it with H2O:
//! binomial GLM, ridge penalty on standardised features, log-likelihood averaged over rows.
//!
//! Shared by the `train` example and the conformance test, so the test checks this very code.

use dga_classifier::{features, Features};
use std::path::Path;

/// Number of model terms: the intercept and the four features.
pub const TERMS: usize = 5;

/// One labelled domain.
pub struct Row {
    /// The label scored (the data set's `domain` column: the host minus its public suffix).
    pub domain: String,
    /// Its features, computed by this crate.
    pub x: [f64; TERMS],
    /// True for a DGA domain.
    pub malicious: bool,
}

/// Reads a CSV with columns `host,domain,class,...` (RFC 4180: quoted fields may hold newlines).
pub fn read_rows(path: &Path) -> Result<Vec<Row>, String> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let headers = reader
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("{}: no `{name}` column", path.display()))
    };
    let (domain_col, class_col) = (column("domain")?, column("class")?);
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
        let Features {
            length,
            entropy,
            p_vowels,
            num_words,
        } = features(&domain);
        rows.push(Row {
            x: [1.0, length as f64, entropy, p_vowels, num_words as f64],
            domain,
            malicious,
        });
    }
    Ok(rows)
}

/// Splits 80/20 by a seeded hash of `domain`, so every row of one label lands on the same side
/// (the data set repeats legit labels across top-level domains).
pub fn split_by_domain(rows: Vec<Row>, seed: u64) -> (Vec<Row>, Vec<Row>) {
    rows.into_iter().partition(|row| {
        let mut hash = 0xcbf2_9ce4_8422_2325_u64 ^ seed;
        for &byte in row.domain.as_bytes() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        // splitmix64's finaliser: FNV alone is not uniform enough in its high bits.
        hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        hash ^= hash >> 31;
        ((hash >> 11) as f64) < 0.8 * (1u64 << 53) as f64
    })
}

/// A fitted model on the original scale of the features.
#[derive(Clone, Copy, Debug)]
pub struct Fit {
    /// Intercept, then the coefficients of length, entropy, p_vowels, num_words.
    pub beta: [f64; TERMS],
    /// Newton steps taken.
    pub iterations: usize,
    /// Mean log-loss on the training rows.
    pub train_logloss: f64,
}

impl Fit {
    /// P(malicious) of a row.
    pub fn probability(&self, x: &[f64; TERMS]) -> f64 {
        sigmoid(dot(&self.beta, x))
    }
}

/// Minimises `-(1/N) Σ log-likelihood + (λ/2)·‖β‖²` (intercept not penalised) over standardised
/// features by Newton's method (IRLS) until the step is below 1e-12.
pub fn fit_ridge_logistic(rows: &[Row], lambda: f64) -> Fit {
    let n = rows.len() as f64;
    let mut mean = [0.0; TERMS];
    let mut sd = [1.0; TERMS];
    for k in 1..TERMS {
        mean[k] = rows.iter().map(|r| r.x[k]).sum::<f64>() / n;
        let variance = rows.iter().map(|r| (r.x[k] - mean[k]).powi(2)).sum::<f64>() / (n - 1.0);
        sd[k] = variance.sqrt();
    }
    let standardised: Vec<[f64; TERMS]> = rows
        .iter()
        .map(|r| {
            std::array::from_fn(|k| {
                if k == 0 {
                    1.0
                } else {
                    (r.x[k] - mean[k]) / sd[k]
                }
            })
        })
        .collect();

    let mut beta = [0.0; TERMS];
    let mut iterations = 0;
    while iterations < 100 {
        iterations += 1;
        let mut gradient = [0.0; TERMS];
        let mut hessian = [[0.0; TERMS]; TERMS];
        for (z, row) in standardised.iter().zip(rows) {
            let p = sigmoid(dot(&beta, z));
            let residual = p - f64::from(u8::from(row.malicious));
            let weight = p * (1.0 - p);
            for i in 0..TERMS {
                gradient[i] += residual * z[i] / n;
                for j in 0..TERMS {
                    hessian[i][j] += weight * z[i] * z[j] / n;
                }
            }
        }
        for k in 1..TERMS {
            gradient[k] += lambda * beta[k];
            hessian[k][k] += lambda;
        }
        let step = solve(hessian, gradient);
        for k in 0..TERMS {
            beta[k] -= step[k];
        }
        if step.iter().all(|s| s.abs() < 1e-12) {
            break;
        }
    }

    let mut original = [0.0; TERMS];
    original[0] = beta[0];
    for k in 1..TERMS {
        original[k] = beta[k] / sd[k];
        original[0] -= beta[k] * mean[k] / sd[k];
    }
    let mut fit = Fit {
        beta: original,
        iterations,
        train_logloss: 0.0,
    };
    fit.train_logloss = logloss(rows, |x| fit.probability(x));
    fit
}

/// Mean negative log-likelihood of `rows` under `probability`.
pub fn logloss(rows: &[Row], probability: impl Fn(&[f64; TERMS]) -> f64) -> f64 {
    let total: f64 = rows
        .iter()
        .map(|r| {
            let p = probability(&r.x).clamp(1e-15, 1.0 - 1e-15);
            -if r.malicious { p.ln() } else { (1.0 - p).ln() }
        })
        .sum();
    total / rows.len() as f64
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

/// AUC (ties count half), and the max-F1 threshold with its confusion matrix.
pub fn evaluate(rows: &[Row], probability: impl Fn(&[f64; TERMS]) -> f64) -> Evaluation {
    let mut scored: Vec<(f64, bool)> = rows
        .iter()
        .map(|r| (probability(&r.x), r.malicious))
        .collect();
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
        let (group_tp, group_fp) =
            scored[i..]
                .iter()
                .take_while(|s| s.0 == p)
                .fold(
                    (0, 0),
                    |(t, f), s| {
                        if s.1 {
                            (t + 1, f)
                        } else {
                            (t, f + 1)
                        }
                    },
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

fn dot(a: &[f64; TERMS], b: &[f64; TERMS]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Solves `a · x = b` for a symmetric positive-definite `a` (Gaussian elimination with partial
/// pivoting: 5×5, so simplicity wins).
fn solve(mut a: [[f64; TERMS]; TERMS], mut b: [f64; TERMS]) -> [f64; TERMS] {
    for col in 0..TERMS {
        let pivot = (col..TERMS)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap_or(col);
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..TERMS {
            let factor = a[row][col] / a[col][col];
            let pivot_row = a[col];
            for (entry, pivot_entry) in a[row].iter_mut().zip(pivot_row).skip(col) {
                *entry -= factor * pivot_entry;
            }
            b[row] -= factor * b[col];
        }
    }
    let mut x = [0.0; TERMS];
    for row in (0..TERMS).rev() {
        let tail: f64 = (row + 1..TERMS).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - tail) / a[row][row];
    }
    x
}
