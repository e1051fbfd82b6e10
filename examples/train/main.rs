//! Trains the model compiled into `dga-classifier`, with the crate's own `features()`, so that
//! training and serving can never disagree.
//!
//! ```text
//! cargo run --release --example train -- [--data FILE | --train FILE --valid FILE]
//!     [--extra DIR]... [--families DIR]... [--threshold-lists DIR]... [--features NAME,...]
//!     [--write-ngrams FILE]
//!     [--write-ngram-weights FILE] [--write-protocol FILE] [--out FILE] [--name NAME] [--seed N]
//!     [--hunt [--write-dns-day FILE]]
//! ```
//!
//! `--data` (default `../shared/data/legit-dga_domains.csv`) is split 80/20 by a seeded hash of
//! the label, so one label never sits on both sides; `--train`/`--valid` take a split as given
//! (e.g. `../shared/data/h2o-split/`). `--features` picks the model's features (default: those of
//! the model compiled in). The fit is ridge logistic regression (`lambda = 1e-5`, standardised
//! features) solved by Newton's method to convergence; the threshold maximises F1 on the
//! validation rows of `--data`. The model file goes to `--out` (default `trained.toml`); the
//! last line printed is one JSON object with the figures.
//!
//! `--extra DIR` (repeatable) adds `DIR/more-dga/<family>.txt` and `DIR/more-legit/*.txt` (host names, scored
//! by their registrable label), weights every DGA family equally, and first runs the
//! generalisation protocol (see `protocol.rs`): leave-one-family-out recall at 1 % false
//! positives and validation on `--data`, for these features and the original four side by side.
//!
//! `--families DIR` (repeatable, with `--extra`) adds only `DIR/more-dga/<family>.txt` to
//! training: more families, the legitimate labels (and so the 4-gram counts) unchanged;
//! `DIR/more-legit/*.txt` are only reported.
//!
//! `--threshold-lists DIR` (repeatable, with `--extra`) sets the operating points on the labels
//! of `DIR/more-legit/*.txt` (never trained on) instead of the curated lists' validation labels:
//! your resolver's names, so that a stated rate is what your traffic gets.
//!
//! With `--extra`, the trainer reports the share of each legitimate list flagged at each point,
//! by label and by host name, with the points as set and, for a list that set them, set without
//! it: what a list never seen gets.
//!
//! `--write-ngrams FILE` writes the 4-gram counts of the legitimate training labels (the
//! source of `Features::ngram_bits`) and stops; rebuild with them before training a model that
//! uses `ngram_bits` (the trainer refuses a table that is not its split's).
//!
//! `--write-ngram-weights FILE` (with `--extra`) fits the discriminative character n-gram model
//! on the balanced training rows (see `ngram_model.rs`), writes its weights (the source of
//! `Features::ngram_log_odds`) and stops; rebuild with them (`DGA_NGRAM_WEIGHTS`, default
//! `model/ngram-weights.txt`) before training a model that uses `ngram_log_odds`.
//!
//! `--write-protocol FILE` (with `--extra`) writes the protocol's labels, `set\tlabel`: the
//! legitimate validation labels that set the thresholds (`legit`) and every family's, for
//! scoring a model trained elsewhere on the same terms
//! (`bindings/python/examples/peer_protocol.py`), and stops.
//!
//! `--hunt` trains the per-client detector's model instead (`model/hunt.toml`, with the
//! `--extra` directories holding the families, the 2026 resolver list and the real DNS log) and
//! reports it per family, leave-one-family-out too: see `hunt.rs`. With `--write-dns-day FILE` it
//! writes one simulated evaluation day as a Zeek `dns.log` instead, and its clients beside it.
//!
//! To train for a new word list, build with it and without a model:
//! `DGA_WORDS=my-words.txt DGA_MODEL=untrained cargo run --release --example train -- --out my-model.toml`.

mod dns_day;
mod hunt;
mod ngram_model;
mod protocol;
mod trainer;

use dga_classifier::{Feature, MODEL};
use std::path::PathBuf;
use std::process::ExitCode;
use trainer::{
    evaluate, fit_ridge_logistic, read_rows, split_by_domain, Confusion, Evaluation, Fit, Row,
};

const LAMBDA: f64 = 1e-5;

struct Args {
    data: PathBuf,
    split: Option<(PathBuf, PathBuf)>,
    extra: Vec<PathBuf>,
    families: Vec<PathBuf>,
    threshold_lists: Vec<PathBuf>,
    features: Vec<Feature>,
    write_ngrams: Option<PathBuf>,
    write_ngram_weights: Option<PathBuf>,
    write_protocol: Option<PathBuf>,
    out: PathBuf,
    name: String,
    seed: u64,
    hunt: bool,
    write_dns_day: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        data: PathBuf::from("../shared/data/legit-dga_domains.csv"),
        split: None,
        extra: Vec::new(),
        families: Vec::new(),
        threshold_lists: Vec::new(),
        features: MODEL.coefficients.iter().map(|&(f, _)| f).collect(),
        write_ngrams: None,
        write_ngram_weights: None,
        write_protocol: None,
        out: PathBuf::from("trained.toml"),
        name: String::from("trained"),
        seed: 20160101,
        hunt: false,
        write_dns_day: None,
    };
    let (mut train, mut valid) = (None, None);
    let mut argv = std::env::args().skip(1);
    while let Some(flag) = argv.next() {
        let mut value = || argv.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--data" => args.data = value()?.into(),
            "--train" => train = Some(PathBuf::from(value()?)),
            "--valid" => valid = Some(PathBuf::from(value()?)),
            "--extra" => args.extra.push(value()?.into()),
            "--families" => args.families.push(value()?.into()),
            "--threshold-lists" => args.threshold_lists.push(value()?.into()),
            "--features" => args.features = parse_features(&value()?)?,
            "--write-ngrams" => args.write_ngrams = Some(value()?.into()),
            "--write-ngram-weights" => args.write_ngram_weights = Some(value()?.into()),
            "--write-protocol" => args.write_protocol = Some(value()?.into()),
            "--out" => args.out = value()?.into(),
            "--name" => args.name = value()?,
            "--seed" => args.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--hunt" => args.hunt = true,
            "--write-dns-day" => args.write_dns_day = Some(value()?.into()),
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
    let needs_extra = [
        ("--write-protocol", args.write_protocol.is_some()),
        ("--write-ngram-weights", args.write_ngram_weights.is_some()),
        ("--families", !args.families.is_empty()),
        ("--threshold-lists", !args.threshold_lists.is_empty()),
        (
            "ngram_log_odds",
            args.features.contains(&Feature::NgramLogOdds),
        ),
    ];
    if let Some((what, _)) = needs_extra.iter().find(|(_, given)| *given) {
        if args.extra.is_empty() {
            return Err(format!("{what} needs the protocol's --extra lists"));
        }
    }
    if args.write_dns_day.is_some() && !args.hunt {
        return Err(String::from("--write-dns-day goes with --hunt"));
    }
    if args.split.is_some() && (!args.extra.is_empty() || args.write_ngrams.is_some()) {
        return Err(String::from(
            "--extra and --write-ngrams split --data themselves; they do not go with --train/--valid",
        ));
    }
    Ok(args)
}

fn parse_features(list: &str) -> Result<Vec<Feature>, String> {
    let mut features = Vec::new();
    for name in list.split(',').map(str::trim) {
        let feature = Feature::ALL
            .into_iter()
            .find(|f| f.name() == name)
            .ok_or_else(|| {
                let known: Vec<&str> = Feature::ALL.iter().map(|f| f.name()).collect();
                format!("unknown feature {name:?} (known: {})", known.join(", "))
            })?;
        if features.contains(&feature) {
            return Err(format!("feature {name:?} listed twice"));
        }
        features.push(feature);
    }
    Ok(features)
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
    if args.hunt {
        // The command as the model file records it: where it was written is no part of it.
        let mut arguments: Vec<String> = std::env::args().skip(1).collect();
        if let Some(at) = arguments.iter().position(|a| a == "--out") {
            arguments.drain(at..(at + 2).min(arguments.len()));
        }
        return hunt::run(&hunt::HuntArgs {
            data: &args.data,
            extra: &args.extra,
            out: &args.out,
            name: &args.name,
            seed: args.seed,
            write_day: args.write_dns_day.as_deref(),
            command: format!(
                "cargo run --release --example train -- {}",
                arguments.join(" ")
            ),
        });
    }
    println!(
        "word list: {} words, sha256 {}",
        dga_classifier::WORD_COUNT,
        dga_classifier::WORDS_SHA256
    );
    let (train, valid) = match &args.split {
        Some((train, valid)) => (read_rows(train)?, read_rows(valid)?),
        None => split_by_domain(read_rows(&args.data)?, args.seed),
    };
    if train.is_empty() || valid.is_empty() {
        return Err(String::from("no rows to train or validate on"));
    }
    let (train, protocol_data) = if args.extra.is_empty() {
        (train, None)
    } else {
        let data = protocol::Data::load(
            train,
            &valid,
            &args.extra,
            &args.families,
            &args.threshold_lists,
            args.seed,
        )?;
        (data.balanced_training_rows(None), Some(data))
    };
    // The source of the 4-gram table: legitimate labels on the training side only.
    let legit = match &protocol_data {
        Some(data) => data.legit_training_labels(),
        None => protocol::distinct_legit_labels(&train),
    };
    if let (Some(path), Some(data)) = (&args.write_protocol, &protocol_data) {
        std::fs::write(path, data.labels_file())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("the protocol's labels written to {}", path.display());
        return Ok(());
    }
    if let Some(path) = &args.write_ngrams {
        let counts = protocol::ngram_counts_file(&legit, args.seed);
        std::fs::write(path, &counts)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!(
            "4-gram counts of {} legitimate training labels written to {}; rebuild with them \
             (DGA_NGRAMS, default model/ngrams.txt) before training on `ngram_bits`",
            legit.len(),
            path.display()
        );
        return Ok(());
    }
    if args.features.contains(&Feature::NgramBits) {
        protocol::check_ngrams_compiled_in(&legit, args.seed)?;
    }
    // With `--extra`, `train` is the protocol's balanced training rows, which the n-gram model
    // is fit on.
    let wanted =
        args.write_ngram_weights.is_some() || args.features.contains(&Feature::NgramLogOdds);
    let ngram_weights = (protocol_data.is_some() && wanted)
        .then(|| ngram_model::Weights::fit_file(&train, args.seed));
    if let (Some(path), Some((text, _))) = (&args.write_ngram_weights, &ngram_weights) {
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!(
            "character n-gram weights written to {}; rebuild with them (DGA_NGRAM_WEIGHTS, default \
             model/ngram-weights.txt) before training on `ngram_log_odds`",
            path.display()
        );
        return Ok(());
    }
    if let Some((text, _)) = &ngram_weights {
        protocol::check_ngram_weights_compiled_in(text)?;
    }
    if let Some(data) = &protocol_data {
        protocol::run(data, &valid, &args.features, &args.name, LAMBDA);
    }

    println!("rows: {} train, {} valid", train.len(), valid.len());
    let fit = fit_ridge_logistic(&train, &args.features, LAMBDA);
    let eval = evaluate(&valid, |r| fit.probability(r));
    println!(
        "converged in {} Newton steps; train log-loss {:.6}",
        fit.iterations, fit.train_logloss
    );
    for (name, value) in terms(&fit) {
        println!("  {name:<14} {value:>22.15}");
    }
    print_confusion(&eval);
    let legit_valid: Vec<&Row> = match &protocol_data {
        Some(data) => data.legit_validation_rows().iter().collect(),
        None => valid.iter().filter(|r| !r.malicious).collect(),
    };
    let operating_points = operating_points(&fit, &legit_valid);
    // With `--extra` the default verdict is the strictest operating point: real traffic is far
    // less DGA than any training set, so a threshold of max F1 on one flags too much of it.
    let default_point = protocol_data.as_ref().and(operating_points.last().copied());
    println!(
        "operating points on {} legitimate validation labels:",
        legit_valid.len()
    );
    for &(rate, threshold) in &operating_points {
        let default = if default_point == Some((rate, threshold)) {
            " (default)"
        } else {
            ""
        };
        println!(
            "  {} % false positives: P >= {threshold:?}{default}",
            100.0 * rate
        );
    }
    if let Some(data) = &protocol_data {
        print_flagged_shares(&fit, data, &operating_points);
    }
    let file = ModelFileContents {
        fit: &fit,
        eval: &eval,
        valid_rows: valid.len(),
        operating_points: &operating_points,
        default_point,
        typical: typical(&fit, &legit_valid),
        legitimate_log_odds: legitimate_log_odds(&fit, &legit_valid),
    };
    std::fs::write(&args.out, model_file(&args, &file))
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    println!("model written to {}", args.out.display());
    let coefficients: Vec<String> = terms(&fit)
        .map(|(name, value)| format!("\"{name}\":{value:?}"))
        .collect();
    println!(
        "{{\"rows\":{},\"train_rows\":{},\"auc\":{:?},\"error_rate\":{:?},\"threshold\":{:?},\"logloss\":{:?},\
         \"train_logloss\":{:?},\"confusion\":[[{},{}],[{},{}]],\"coefficients\":{{{}}}}}",
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
        coefficients.join(","),
    );
    Ok(())
}

/// `("intercept", β₀)` then each feature's name and coefficient.
fn terms(fit: &Fit) -> impl Iterator<Item = (&'static str, f64)> + '_ {
    let names = std::iter::once("intercept").chain(fit.features.iter().map(|f| f.name()));
    names.zip(fit.beta.iter().copied())
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

/// The share of each legitimate list flagged at each operating point, by label and by host
/// name: at the points (a list that set them flags about its rate, in sample), and at points set
/// without the list, what a list never seen gets.
fn print_flagged_shares(fit: &Fit, data: &protocol::Data, points: &[(f64, f64)]) {
    println!(
        "share of each legitimate list's labels not trained on flagged, by label | by host name: \
         at the points, then at points set without the list (left out)"
    );
    for list in data.legit_lists() {
        let probabilities: Vec<f64> = list.labels.iter().map(|r| fit.probability(r)).collect();
        // A list that set the points alone has no points without it.
        let others = data.legit_validation_rows_without(list);
        let left_out_points = match (list.sets_thresholds, others.is_empty()) {
            (true, false) => Some(operating_points(fit, &others)),
            (true, true) => None,
            (false, _) => Some(points.to_vec()),
        };
        let hosts: usize = list.names.iter().sum();
        let share = |threshold: f64| {
            let flagged = probabilities
                .iter()
                .zip(&list.names)
                .filter(|(&p, _)| p >= threshold);
            let (labels, names) = flagged.fold((0, 0), |(l, n), (_, &k)| (l + 1, n + k));
            format!(
                "{:.2} % | {:.2} %",
                100.0 * labels as f64 / probabilities.len().max(1) as f64,
                100.0 * names as f64 / hosts.max(1) as f64
            )
        };
        let cells: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, &(rate, all))| {
                let without = left_out_points
                    .as_ref()
                    .map_or(String::from("-"), |p| share(p[i].1));
                format!("at {} %: {}, left out {without}", 100.0 * rate, share(all))
            })
            .collect();
        println!(
            "  {} ({} labels, {hosts} names{}): {}",
            list.name,
            list.labels.len(),
            if list.sets_thresholds {
                ""
            } else {
                ", never sets them"
            },
            cells.join("; ")
        );
    }
}

/// `(rate, threshold)` for each of the protocol's false-positive rates: the least probability at
/// or above which at most that share of `legit` lies.
fn operating_points(fit: &Fit, legit: &[&Row]) -> Vec<(f64, f64)> {
    let probabilities: Vec<f64> = legit.iter().map(|r| fit.probability(r)).collect();
    protocol::FALSE_POSITIVE_RATES
        .iter()
        .map(|&rate| {
            // The protocol flags labels above this; a model flags them at or above its
            // threshold, so the threshold is the next number up.
            let first_unflagged =
                protocol::threshold_at_false_positive_rate(probabilities.clone(), rate);
            let threshold = match first_unflagged.is_finite() {
                true => first_unflagged.next_up().min(1.0),
                false => 0.0,
            };
            (rate, threshold)
        })
        .collect()
}

/// Each feature of the model's median over `legit`: the typical legitimate label explanations
/// measure contributions against, in the model's order.
fn typical(fit: &Fit, legit: &[&Row]) -> Vec<f64> {
    fit.features
        .iter()
        .map(|feature| {
            let mut values: Vec<f64> = legit.iter().map(|r| feature.value(&r.features)).collect();
            values.sort_by(f64::total_cmp);
            match values.len() {
                0 => 0.0,
                n if n % 2 == 1 => values[n / 2],
                n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
            }
        })
        .collect()
}

/// Shares of legitimate labels, from all of them to the rarest the validation lists can tell:
/// where a score stands among legitimate names, in 1-2-5 steps.
const LEGITIMATE_SHARES: [f64; 13] = [
    1.0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005, 0.0002, 0.0001,
];

/// `(share, log-odds)` for each of [`LEGITIMATE_SHARES`]: the log-odds at or above which that
/// share of `legit` scores (at least that share: the lowest log-odds of its highest-scoring
/// share), the least log-odds first.
fn legitimate_log_odds(fit: &Fit, legit: &[&Row]) -> Vec<(f64, f64)> {
    let mut log_odds: Vec<f64> = legit.iter().map(|r| fit.log_odds(r)).collect();
    log_odds.sort_by(|a, b| b.total_cmp(a));
    if log_odds.is_empty() {
        return Vec::new();
    }
    LEGITIMATE_SHARES
        .iter()
        .map(|&share| {
            let rows = ((share * log_odds.len() as f64).ceil() as usize).clamp(1, log_odds.len());
            (share, log_odds[rows - 1])
        })
        .collect()
}

/// What a trained model's file says besides the command line.
struct ModelFileContents<'a> {
    fit: &'a Fit,
    eval: &'a Evaluation,
    valid_rows: usize,
    operating_points: &'a [(f64, f64)],
    /// The operating point of the default verdict; `None` for the max-F1 threshold.
    default_point: Option<(f64, f64)>,
    /// Each feature's median over the legitimate validation labels, in the model's order.
    typical: Vec<f64>,
    /// `(share, log-odds)`: where the legitimate validation labels' scores stand.
    legitimate_log_odds: Vec<(f64, f64)>,
}

fn model_file(args: &Args, contents: &ModelFileContents) -> String {
    let ModelFileContents {
        fit,
        eval,
        valid_rows,
        operating_points,
        default_point,
        ref typical,
        ref legitimate_log_odds,
    } = *contents;
    let mut command = match &args.split {
        Some((train, valid)) => format!("--train {} --valid {}", train.display(), valid.display()),
        None => format!("--data {} --seed {}", args.data.display(), args.seed),
    };
    for dir in &args.extra {
        command += &format!(" --extra {}", dir.display());
    }
    for dir in &args.families {
        command += &format!(" --families {}", dir.display());
    }
    let features: Vec<&str> = fit.features.iter().map(|f| f.name()).collect();
    command += &format!(" --features {} --name {}", features.join(","), args.name);
    let mut ngrams = String::new();
    if fit.features.contains(&Feature::NgramBits) {
        ngrams += &format!("ngrams_sha256 = \"{}\"\n", dga_classifier::NGRAMS_SHA256);
    }
    if fit.features.contains(&Feature::NgramLogOdds) {
        ngrams += &format!(
            "ngram_weights_sha256 = \"{}\"\n",
            dga_classifier::NGRAM_WEIGHTS_SHA256
        );
    }
    let coefficients: String = terms(fit)
        .map(|(name, value)| format!("{name} = {value:?}\n"))
        .collect();
    let weighting = if !args.extra.is_empty() {
        "every DGA family weighted equally, "
    } else {
        ""
    };
    let (threshold, default) = match default_point {
        Some((rate, threshold)) => (
            threshold,
            format!(
                "the default threshold flags {} % of the legitimate validation labels",
                100.0 * rate
            ),
        ),
        None => (
            eval.threshold,
            String::from("the default threshold maximises F1 on the validation rows"),
        ),
    };
    let threshold_rate = default_point.map_or_else(String::new, |(rate, _)| {
        format!("threshold_false_positive_rate = {rate:?}\n")
    });
    let points: String = operating_points
        .iter()
        .map(|(rate, threshold)| format!("fpr_{rate:?} = {threshold:?}\n"))
        .collect();
    let typical: String = fit
        .features
        .iter()
        .zip(typical)
        .map(|(feature, value)| format!("{} = {value:?}\n", feature.name()))
        .collect();
    let tail: String = legitimate_log_odds
        .iter()
        .map(|(share, log_odds)| format!("top_{share:?} = {log_odds:?}\n"))
        .collect();
    format!(
        "# Written by `cargo run --release --example train -- {command}`:\n\
         # ridge logistic regression (lambda = {LAMBDA:e}, standardised), {weighting}{steps} Newton steps,\n\
         # train log-loss {train_logloss:.6}; {default}.\n\
         name = \"{name}\"\n\
         words_sha256 = \"{words}\"\n\
         {ngrams}\
         threshold = {threshold:?}\n\
         {threshold_rate}\n\
         [coefficients]\n\
         {coefficients}\n\
         # P(malicious) at or above which at most the named share of legitimate validation labels lies.\n\
         [operating_points]\n\
         {points}\n\
         # Each feature's median over the legitimate validation labels: the typical legitimate label\n\
         # each contribution of an explanation is measured against.\n\
         [typical]\n\
         {typical}\n\
         # The log-odds at or above which the named share of the legitimate validation labels scores.\n\
         [legitimate_log_odds]\n\
         {tail}\n\
         [validation]\n\
         rows = {valid_rows}\nauc = {auc:?}\nerror_rate = {error_rate:?}\n",
        name = args.name,
        steps = fit.iterations,
        train_logloss = fit.train_logloss,
        words = dga_classifier::WORDS_SHA256,
        auc = eval.auc,
        error_rate = eval.confusion.error_rate(),
    )
}
