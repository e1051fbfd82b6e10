//! Trains the model compiled into `dga-classifier`, with the crate's own `features()`, so that
//! training and serving can never disagree.
//!
//! ```text
//! cargo run --release --example train -- [--data FILE | --train FILE --valid FILE]
//!                                         [--out FILE] [--name NAME] [--seed N]
//! ```
//!
//! `--data` (default `../shared/data/legit-dga_domains.csv`) is split 80/20 by a seeded hash of
//! the `domain` column, so one label never sits on both sides; `--train`/`--valid` take a split
//! as given (e.g. `../shared/data/h2o-split/`). The fit is ridge logistic regression
//! (`lambda = 1e-5`, standardised features) solved by Newton's method to convergence; the
//! threshold maximises F1 on the validation rows. The model file goes to `--out` (default
//! `trained.toml`); the last line printed is one JSON object with the figures.
//!
//! To train for a new word list, build with it and without a model:
//! `DGA_WORDS=my-words.txt DGA_MODEL=untrained cargo run --release --example train -- --out my-model.toml`.

mod trainer;

use std::path::PathBuf;
use std::process::ExitCode;
use trainer::{
    evaluate, fit_ridge_logistic, read_rows, split_by_domain, Confusion, Evaluation, Fit,
};

const LAMBDA: f64 = 1e-5;

struct Args {
    data: PathBuf,
    split: Option<(PathBuf, PathBuf)>,
    out: PathBuf,
    name: String,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        data: PathBuf::from("../shared/data/legit-dga_domains.csv"),
        split: None,
        out: PathBuf::from("trained.toml"),
        name: String::from("trained"),
        seed: 20160101,
    };
    let (mut train, mut valid) = (None, None);
    let mut argv = std::env::args().skip(1);
    while let Some(flag) = argv.next() {
        let mut value = || argv.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--data" => args.data = value()?.into(),
            "--train" => train = Some(PathBuf::from(value()?)),
            "--valid" => valid = Some(PathBuf::from(value()?)),
            "--out" => args.out = value()?.into(),
            "--name" => args.name = value()?,
            "--seed" => args.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "-h" | "--help" => {
                return Err(String::from("see the header of examples/train/main.rs"))
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    args.split = match (train, valid) {
        (Some(train), Some(valid)) => Some((train, valid)),
        (None, None) => None,
        _ => return Err(String::from("--train and --valid go together")),
    };
    if args.name.contains(['"', '\\']) {
        return Err(String::from("--name may not contain quotes or backslashes"));
    }
    Ok(args)
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("train: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let (train, valid) = match &args.split {
        Some((train, valid)) => (read_rows(train)?, read_rows(valid)?),
        None => split_by_domain(read_rows(&args.data)?, args.seed),
    };
    if train.is_empty() || valid.is_empty() {
        return Err(String::from("no rows to train or validate on"));
    }
    println!(
        "word list: {} words, sha256 {}",
        dga_classifier::WORD_COUNT,
        dga_classifier::WORDS_SHA256
    );
    println!("rows: {} train, {} valid", train.len(), valid.len());
    let fit = fit_ridge_logistic(&train, LAMBDA);
    let eval = evaluate(&valid, |x| fit.probability(x));
    println!(
        "converged in {} Newton steps; train log-loss {:.6}",
        fit.iterations, fit.train_logloss
    );
    for (name, value) in ["intercept", "length", "entropy", "p_vowels", "num_words"]
        .iter()
        .zip(fit.beta)
    {
        println!("  {name:<10} {value:>22.15}");
    }
    print_confusion(&eval);
    std::fs::write(&args.out, model_file(&args, &fit, &eval, valid.len()))
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    println!("model written to {}", args.out.display());
    let [intercept, length, entropy, p_vowels, num_words] = fit.beta;
    println!(
        "{{\"rows\":{},\"train_rows\":{},\"auc\":{:?},\"error_rate\":{:?},\"threshold\":{:?},\"logloss\":{:?},\
         \"train_logloss\":{:?},\"confusion\":[[{},{}],[{},{}]],\"coefficients\":{{\"intercept\":{intercept:?},\
         \"length\":{length:?},\"entropy\":{entropy:?},\"p_vowels\":{p_vowels:?},\"num_words\":{num_words:?}}}}}",
        valid.len(),
        train.len(),
        eval.auc,
        eval.confusion.error_rate(),
        eval.threshold,
        eval.logloss,
        fit.train_logloss,
        eval.confusion.legit_as_legit,
        eval.confusion.legit_as_dga,
        eval.confusion.dga_as_legit,
        eval.confusion.dga_as_dga,
    );
    Ok(())
}

/// The confusion matrix laid out as H2O printed it for the original.
fn print_confusion(eval: &Evaluation) {
    let Confusion {
        legit_as_legit,
        legit_as_dga,
        dga_as_legit,
        dga_as_dga,
    } = eval.confusion;
    let line = |name: &str, legit: usize, dga: usize, errors: usize| {
        let total = legit + dga;
        println!(
            "{name:<6} {legit:>7} {dga:>7}  {:>7.4}  ({errors}/{total})",
            errors as f64 / total as f64
        );
    };
    println!(
        "Confusion Matrix (Act/Pred) for max f1 @ threshold = {}:",
        eval.threshold
    );
    println!(
        "{:<6} {:>7} {:>7}  {:>7}  Rate",
        "", "legit", "dga", "Error"
    );
    line("legit", legit_as_legit, legit_as_dga, legit_as_dga);
    line("dga", dga_as_legit, dga_as_dga, dga_as_legit);
    line(
        "Totals",
        legit_as_legit + dga_as_legit,
        legit_as_dga + dga_as_dga,
        eval.confusion.errors(),
    );
    println!(
        "AUC {:.6}, error {:.2} % at the max-F1 threshold",
        eval.auc,
        100.0 * eval.confusion.error_rate()
    );
}

fn model_file(args: &Args, fit: &Fit, eval: &Evaluation, valid_rows: usize) -> String {
    let data = match &args.split {
        Some((train, valid)) => format!("--train {} --valid {}", train.display(), valid.display()),
        None => format!("--data {} --seed {}", args.data.display(), args.seed),
    };
    let [intercept, length, entropy, p_vowels, num_words] = fit.beta;
    format!(
        "# Written by `cargo run --release --example train -- {data} --name {name}`:\n\
         # ridge logistic regression (lambda = {LAMBDA:e}, standardised), {steps} Newton steps,\n\
         # train log-loss {train_logloss:.6}; threshold of max F1 on the validation rows.\n\
         name = \"{name}\"\n\
         words_sha256 = \"{words}\"\n\
         threshold = {threshold:?}\n\n\
         [coefficients]\n\
         intercept = {intercept:?}\nlength = {length:?}\nentropy = {entropy:?}\np_vowels = {p_vowels:?}\nnum_words = {num_words:?}\n\n\
         [validation]\n\
         rows = {valid_rows}\nauc = {auc:?}\nerror_rate = {error_rate:?}\n",
        name = args.name,
        steps = fit.iterations,
        train_logloss = fit.train_logloss,
        words = dga_classifier::WORDS_SHA256,
        threshold = eval.threshold,
        auc = eval.auc,
        error_rate = eval.confusion.error_rate(),
    )
}
