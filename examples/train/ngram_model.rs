//! The discriminative character model behind `Features::ngram_log_odds`: a ridge logistic
//! regression on the character 1- to 4-grams of each label (`.` the label's edge, as in the
//! 4-gram counts file), every row weighted as the main fit weights it, by [`ITERATIONS`]
//! iterations of L-BFGS from zero. Stopping early is part of the regularisation: the fit to
//! convergence (255 iterations, five times the time) found no more of a family it never saw
//! (vawtrak, leave-one-family-out: 0.245 against 0.253).
//!
//! The main fit then takes the model's log-odds as one feature beside the others, computed on
//! the very rows the n-gram model was fit on (its coefficient, about 0.7 to 0.8, says how far
//! the main fit trusts it); the protocol fits a new n-gram model without each held-out family.
//!
//! The weights go to a text file (`model/ngram-weights.txt`, lines `gram weight`); the build folds
//! each 4-gram's weight with those of the 3-, 2- and 1-gram it ends in into one table entry, so
//! a label costs one lookup per byte. The trainer computes the feature from the weights as
//! written, through the same folding and rounding ([`Weights::log_odds`]), and a test holds the
//! compiled-in table to it.

use crate::trainer::Row;
use std::collections::HashMap;

/// Symbols: 0 the label's edge, 1 to 26 `a`-`z`, 27 to 36 `0`-`9`, 37 `-`, 38 any other byte.
const SYMBOLS: usize = 39;
/// Table entries count sixteenths of a unit of log-odds, stored as `i8` (the build's).
const STEPS_PER_UNIT: f64 = 16.0;
/// Ridge penalty on the mean weighted log-loss. 1e-5 found as many unseen families at 1 % false
/// positives and fewer at 0.1 % (0.787 / 0.468 against 0.784 / 0.488 in a prototype protocol).
const LAMBDA: f64 = 1e-4;
/// L-BFGS iterations.
const ITERATIONS: usize = 40;
/// Weights smaller than this are left out of the file: 123,000 grams of 546,000, 1.2 MB not
/// 6.6 MB, and a label's sum moves by at most 0.02 per byte, a third of the table's step.
const SMALLEST_WEIGHT: f64 = 0.005;

fn symbol(byte: u8) -> usize {
    match byte {
        b'.' => 0,
        b'a'..=b'z' => usize::from(byte - b'a') + 1,
        b'0'..=b'9' => usize::from(byte - b'0') + 27,
        b'-' => 37,
        _ => 38,
    }
}

fn gram_text(symbols: &[usize]) -> String {
    symbols
        .iter()
        .map(|&s| match s {
            0 => '.',
            1..=26 => char::from(b'a' + s as u8 - 1),
            27..=36 => char::from(b'0' + s as u8 - 27),
            37 => '-',
            _ => '?',
        })
        .collect()
}

/// The 4-gram windows of `...label.`, each as its four symbols.
fn windows(label: &str) -> impl Iterator<Item = [usize; 4]> + '_ {
    let padded: Vec<usize> = [0; 3]
        .into_iter()
        .chain(label.bytes().map(|b| symbol(b.to_ascii_lowercase())))
        .chain([0])
        .collect();
    (0..padded.len() - 3).map(move |i| [padded[i], padded[i + 1], padded[i + 2], padded[i + 3]])
}

/// A gram's key: its order and symbols, base `SYMBOLS`, unique across orders.
fn key(gram: &[usize]) -> u32 {
    let index = gram.iter().fold(0usize, |k, &s| k * SYMBOLS + s);
    // Orders 1-4 fit below 39^4 + offsets; the order in the top bits keeps them apart.
    (index | (gram.len() << 24)) as u32
}

/// Trained weights, by gram (1 to 4 symbols).
pub struct Weights {
    by_gram: HashMap<u32, f64>,
}

impl Weights {
    /// Fits the weights on `rows`.
    fn fit(rows: &[Row]) -> Weights {
        let mut ids: HashMap<u32, u32> = HashMap::new();
        let mut keys: Vec<u32> = Vec::new();
        let examples: Vec<Vec<u32>> = rows
            .iter()
            .map(|row| {
                let mut own = Vec::new();
                for window in windows(&row.domain) {
                    for order in 1..=4 {
                        let k = key(&window[4 - order..]);
                        let id = *ids.entry(k).or_insert_with(|| {
                            keys.push(k);
                            keys.len() as u32 - 1
                        });
                        own.push(id);
                    }
                }
                own
            })
            .collect();
        let targets: Vec<f64> = rows
            .iter()
            .map(|r| f64::from(u8::from(r.malicious)))
            .collect();
        let total: f64 = rows.iter().map(|r| r.weight).sum();
        let weights: Vec<f64> = rows.iter().map(|r| r.weight / total).collect();
        // theta[0] is the intercept (not penalised); theta[1 + id] the gram's weight. The rows
        // are split between two threads in a fixed way, and their sums added in a fixed order:
        // the same numbers on every run.
        let halves = examples.len().div_ceil(2);
        let objective = |theta: &[f64], gradient: &mut [f64]| -> f64 {
            let part = |range: std::ops::Range<usize>| {
                let mut gradient = vec![0.0; theta.len()];
                let mut loss = 0.0;
                for i in range {
                    let (example, y, w) = (&examples[i], targets[i], weights[i]);
                    let z = theta[0]
                        + example
                            .iter()
                            .map(|&id| theta[1 + id as usize])
                            .sum::<f64>();
                    // log(1 + e^z) - y z, stably.
                    loss += w * (z.max(0.0) + (-z.abs()).exp().ln_1p() - y * z);
                    let residual = w * (1.0 / (1.0 + (-z).exp()) - y);
                    gradient[0] += residual;
                    for &id in example {
                        gradient[1 + id as usize] += residual;
                    }
                }
                (loss, gradient)
            };
            let ((first_loss, first), (second_loss, second)) = std::thread::scope(|s| {
                let other = s.spawn(|| part(halves..examples.len()));
                (part(0..halves), other.join().expect("no panic"))
            });
            let mut loss = first_loss + second_loss;
            for ((g, a), b) in gradient.iter_mut().zip(first).zip(second) {
                *g = a + b;
            }
            for (g, &t) in gradient.iter_mut().zip(theta).skip(1) {
                *g += LAMBDA * t;
                loss += 0.5 * LAMBDA * t * t;
            }
            loss
        };
        let theta = lbfgs(1 + keys.len(), ITERATIONS, objective);
        let by_gram = keys
            .iter()
            .enumerate()
            .map(|(id, &k)| (k, theta[1 + id]))
            .collect();
        Weights { by_gram }
    }

    /// The feature of `label`: the sum over its 4-gram windows of each window's folded weight,
    /// rounded to the table's steps.
    pub fn log_odds(&self, label: &str) -> f64 {
        let weight = |gram: &[usize]| self.by_gram.get(&key(gram)).copied().unwrap_or(0.0);
        let steps: i64 = windows(label)
            .map(|w| {
                let folded = weight(&w) + weight(&w[1..]) + weight(&w[2..]) + weight(&w[3..]);
                // Rounded and clamped to `i8` as the build stores it.
                let steps = (folded * STEPS_PER_UNIT).round();
                steps.clamp(f64::from(i8::MIN), f64::from(i8::MAX)) as i64
            })
            .sum();
        steps as f64 / STEPS_PER_UNIT
    }

    /// Fits on `rows` (the protocol's balanced training rows, split with `seed`) and gives the
    /// weights file and the weights as read back from it, as the build reads them.
    pub fn fit_file(rows: &[Row], seed: u64) -> (String, Weights) {
        let header = format!(
            "# Weights of character 1- to 4-grams, in log-odds of DGA, fit on {} labels (split seed {seed})\n\
             # by the `train` example's --write-ngram-weights. `.` is the label's edge. Feeds\n\
             # `Features::ngram_log_odds`.\n",
            rows.len()
        );
        let text = Weights::fit(rows).file(&header);
        let weights = Weights::parse(&text);
        (text, weights)
    }

    /// `rows` with the feature computed from these weights.
    pub fn apply<'a>(&self, rows: impl IntoIterator<Item = &'a Row>) -> Vec<Row> {
        rows.into_iter()
            .map(|row| {
                let mut row = row.clone();
                row.features.ngram_log_odds = self.log_odds(&row.domain);
                row
            })
            .collect()
    }

    /// The weights file: every gram of at least [`SMALLEST_WEIGHT`], to three decimals, sorted.
    fn file(&self, header: &str) -> String {
        let mut lines: Vec<(String, String)> = self
            .by_gram
            .iter()
            .filter_map(|(&k, &w)| {
                let order = (k >> 24) as usize;
                let mut index = (k & 0xff_ffff) as usize;
                let mut gram = vec![0; order];
                for s in gram.iter_mut().rev() {
                    *s = index % SYMBOLS;
                    index /= SYMBOLS;
                }
                (w.abs() >= SMALLEST_WEIGHT).then(|| (gram_text(&gram), format!("{w:.3}")))
            })
            .collect();
        lines.sort();
        let mut text = String::from(header);
        for (gram, weight) in lines {
            text += &format!("{gram} {weight}\n");
        }
        text
    }

    /// Reads a weights file written by [`Weights::file`] back: what the build compiles in.
    fn parse(text: &str) -> Weights {
        let by_gram = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(|line| {
                let (gram, weight) = line.split_once(' ').expect("gram weight");
                let symbols: Vec<usize> = gram.bytes().map(symbol).collect();
                (key(&symbols), weight.parse().expect("a number"))
            })
            .collect();
        Weights { by_gram }
    }
}

/// Minimises a smooth convex function of `n` variables from 0 by at most `iterations` steps of
/// L-BFGS (memory 8) with a backtracking line search; `f` returns the value and writes the
/// gradient.
fn lbfgs(n: usize, iterations: usize, mut f: impl FnMut(&[f64], &mut [f64]) -> f64) -> Vec<f64> {
    const MEMORY: usize = 8;
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let mut x = vec![0.0; n];
    let mut g = vec![0.0; n];
    let mut value = f(&x, &mut g);
    let mut history: std::collections::VecDeque<(Vec<f64>, Vec<f64>, f64)> =
        std::collections::VecDeque::new();
    let mut next_g = vec![0.0; n];
    for _ in 0..iterations {
        // Two-loop recursion: d = -H g.
        let mut d: Vec<f64> = g.iter().map(|v| -v).collect();
        let mut alphas = Vec::with_capacity(history.len());
        for (s, y, rho) in history.iter().rev() {
            let alpha = rho * dot(s, &d);
            d.iter_mut().zip(y).for_each(|(di, yi)| *di -= alpha * yi);
            alphas.push(alpha);
        }
        let gamma = history
            .back()
            .map_or(1.0 / dot(&g, &g).sqrt().max(1e-12), |(s, y, _)| {
                dot(s, y) / dot(y, y)
            });
        d.iter_mut().for_each(|di| *di *= gamma);
        for ((s, y, rho), alpha) in history.iter().zip(alphas.iter().rev()) {
            let beta = rho * dot(y, &d);
            d.iter_mut()
                .zip(s)
                .for_each(|(di, si)| *di += (alpha - beta) * si);
        }
        let slope = dot(&g, &d);
        if slope >= 0.0 {
            break;
        }
        let mut step = 1.0;
        let mut next_x;
        let mut next_value;
        loop {
            next_x = x
                .iter()
                .zip(&d)
                .map(|(xi, di)| xi + step * di)
                .collect::<Vec<_>>();
            next_value = f(&next_x, &mut next_g);
            if next_value <= value + 1e-4 * step * slope || step < 1e-10 {
                break;
            }
            step *= 0.5;
        }
        let s: Vec<f64> = next_x.iter().zip(&x).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = next_g.iter().zip(&g).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &y);
        let improvement = value - next_value;
        x = next_x;
        std::mem::swap(&mut g, &mut next_g);
        value = next_value;
        if sy > 1e-18 {
            if history.len() == MEMORY {
                history.pop_front();
            }
            history.push_back((s, y, 1.0 / sy));
        }
        if improvement <= 1e-10 * value.abs().max(1e-12) {
            break;
        }
    }
    x
}
