//! The generalisation protocol: how well a feature set finds DGA families it was not trained on.
//!
//! - Labels: DDS (`--data`), `more-dga/<family>.txt` (each file one family; DDS `cryptolocker`
//!   and `more-dga/cryptolocker.txt` are one family), `more-legit/*.txt`; host names are scored
//!   by their registrable label, each distinct label once per family.
//! - Legitimate labels are split 80/20 by the seeded label hash (the split `--data` uses).
//! - Thresholds are set on the validation labels of the curated lists (DDS legit and each
//!   `more-legit` list but [`RESOLVER_LISTS`]), each label once; with `--threshold-lists`, on
//!   the labels of those lists instead (never trained on), for points that hold on such traffic.
//! - Leave-one-family-out: for each family, fit on the legitimate training labels and the other
//!   families (each family weighted to an equal share of the DGA weight), set the threshold at
//!   1 % false positives on those labels, and count the held-out family's labels above it. The
//!   headline is the mean over families (macro recall).
//! - Ceiling: the same, but fit on the legitimate training labels and 80 % of the family itself
//!   (split by the label hash), and counted on its other 20 %. No generalisation is asked, so
//!   this bounds what the features can do for a family: a family low here is not separable from
//!   legitimate labels by a linear model on these features, whatever else it is trained with.
//! - DDS validation: AUC and error at the max-F1 threshold on `--data`'s validation rows.

#[path = "../../build/codegen/sha256.rs"]
mod sha256;

use crate::ngram_model::Weights;
use crate::trainer::{
    evaluate, fit_ridge_logistic, in_training_split, read_hosts, Row, ORIGINAL_FEATURES,
};
use dga_classifier::Feature;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// Shares of legitimate validation labels a threshold may flag: the protocol's operating points,
/// and the model file's.
pub const FALSE_POSITIVE_RATES: [f64; 2] = [0.01, 0.001];

/// Legitimate lists that are a resolver's query log, not a curated list of sites: what clients
/// asked for, infected clients among them, so they hold DGA names (OpenDNS's 2014 top list has
/// `wzgzpehhnkm`, `qljqtnmqx`...). Their labels are trained on and their flagged share is
/// reported, but they do not set thresholds: a handful of DGA names would set the 0.1 % point.
pub const RESOLVER_LISTS: [&str; 1] = ["opendns-top-2014.txt"];

/// Every labelled label of the protocol.
pub struct Data {
    legit_train: Vec<Row>,
    /// Where thresholds are set, each label once: the curated lists' validation labels, or the
    /// labels of the `threshold_dirs` lists.
    legit_valid: Vec<Row>,
    /// DGA labels with whether they may be trained on (DDS validation rows may not).
    dga: Vec<(Row, bool)>,
    /// DDS training rows alone, for the original model as the library trains it.
    dds_train: Vec<Row>,
    /// Each legitimate list's labels that are not trained on, DDS's first: what share of each
    /// an operating point flags.
    legit_lists: Vec<LegitList>,
    /// The split's seed.
    seed: u64,
}

/// A legitimate list's labels that are not trained on: those on the validation side of the
/// split, or all but the training labels for a list that is never trained on.
pub struct LegitList {
    /// Its file name, or `DDS legit`.
    pub name: String,
    /// Its distinct labels.
    pub labels: Vec<Row>,
    /// How many of its host names each label stands for: a list of host names counts a label
    /// once per name (`mail.google.com`, `www.google.com`).
    pub names: Vec<usize>,
    /// Whether its labels are among those that set the thresholds.
    pub sets_thresholds: bool,
}

impl LegitList {
    /// The distinct labels of `rows` that `counted` keeps, with how many host names each is.
    fn of(
        name: String,
        rows: &[Row],
        counted: impl Fn(&Row) -> bool,
        sets_thresholds: bool,
    ) -> LegitList {
        let mut index: std::collections::HashMap<&str, usize> = Default::default();
        let (mut labels, mut names) = (Vec::new(), Vec::new());
        for row in rows.iter().filter(|&r| counted(r)) {
            let at = *index.entry(row.domain.as_str()).or_insert_with(|| {
                labels.push(row.clone());
                names.push(0);
                labels.len() - 1
            });
            names[at] += 1;
        }
        LegitList {
            name,
            labels,
            names,
            sets_thresholds,
        }
    }
}

impl Data {
    /// Gathers DDS's split rows, the host lists under each of `dirs`, the families under each of
    /// `family_dirs` (whose legitimate lists are only reported) and the legitimate lists under
    /// each of `threshold_dirs`, which set the thresholds instead of the curated lists. Lists of
    /// those two are never trained on.
    pub fn load(
        dds_train: Vec<Row>,
        dds_valid: &[Row],
        dirs: &[std::path::PathBuf],
        family_dirs: &[std::path::PathBuf],
        threshold_dirs: &[std::path::PathBuf],
        seed: u64,
    ) -> Result<Data, String> {
        let mut seen = HashSet::new();
        let mut legit = Vec::new();
        let mut dga = Vec::new();
        let mut keep = |row: &Row, trainable: bool| {
            if !seen.insert((row.family.clone(), row.domain.clone())) {
                return;
            }
            if row.malicious {
                dga.push((row.clone(), trainable));
            } else {
                legit.push(row.clone());
            }
        };
        for row in &dds_train {
            keep(row, true);
        }
        for row in dds_valid {
            keep(row, false);
        }
        let mut rejected = 0;
        let dds_legit: Vec<Row> = dds_valid.iter().filter(|r| !r.malicious).cloned().collect();
        let on_validation_side = |r: &Row| !in_training_split(&r.domain, seed);
        // The curated lists set the thresholds unless `threshold_dirs` do.
        let curated_set_thresholds = threshold_dirs.is_empty();
        let mut legit_lists = vec![LegitList::of(
            "DDS legit".into(),
            &dds_legit,
            on_validation_side,
            curated_set_thresholds,
        )];
        // Labels only a resolver list has: a curated list naming one vouches for it.
        let mut resolver_only = HashSet::new();
        let mut curated: HashSet<String> = dds_train
            .iter()
            .chain(dds_valid)
            .filter(|r| !r.malicious)
            .map(|r| r.domain.clone())
            .collect();
        let lists = [("more-dga", true), ("more-legit", false)];
        let families_only = family_dirs.iter().map(|d| (d, ("more-dga", true)));
        let all_lists = dirs.iter().flat_map(|d| lists.map(|l| (d, l)));
        for (dir, (subdir, malicious)) in all_lists.chain(families_only) {
            for path in text_files(&dir.join(subdir))? {
                let family = if malicious {
                    path.file_stem()
                        .and_then(|s| s.to_str())
                        .unwrap_or("unnamed")
                        .to_owned()
                } else {
                    String::from("legit")
                };
                let (rows, bad) = read_hosts(&path, &family, malicious)?;
                rejected += bad;
                if !malicious {
                    let name = path.file_name().unwrap_or_default().to_string_lossy();
                    let domains = rows.iter().map(|r| r.domain.clone());
                    let resolver = RESOLVER_LISTS.contains(&name.as_ref());
                    if resolver {
                        resolver_only.extend(domains);
                    } else {
                        curated.extend(domains);
                    }
                    legit_lists.push(LegitList::of(
                        name.into_owned(),
                        &rows,
                        on_validation_side,
                        curated_set_thresholds && !resolver,
                    ));
                }
                for row in &rows {
                    keep(row, true);
                }
            }
        }
        let (legit_train, legit_valid): (Vec<Row>, Vec<Row>) = legit
            .into_iter()
            .partition(|row| in_training_split(&row.domain, seed));
        let mut legit_valid: Vec<Row> = legit_valid
            .into_iter()
            .filter(|row| curated.contains(&row.domain) || !resolver_only.contains(&row.domain))
            .collect();
        // The legitimate lists of `threshold_dirs`, and of `family_dirs` to report: never trained
        // on, so every label of theirs the training labels do not hold counts.
        let trained: HashSet<&str> = legit_train.iter().map(|r| r.domain.as_str()).collect();
        let untrained_dirs = threshold_dirs.iter().map(|d| (d, true)).chain(
            family_dirs
                .iter()
                .filter(|d| !threshold_dirs.contains(d))
                .map(|d| (d, false)),
        );
        let mut pool = Vec::new();
        for (dir, sets_thresholds) in untrained_dirs {
            let paths = match text_files(&dir.join("more-legit")) {
                Ok(paths) => paths,
                // A families folder need not hold legitimate lists; one that sets the thresholds
                // must.
                Err(_) if !sets_thresholds => continue,
                Err(e) => return Err(format!("--threshold-lists: {e}")),
            };
            for path in paths {
                let (rows, bad) = read_hosts(&path, "legit", false)?;
                rejected += bad;
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                let list = LegitList::of(
                    name.into_owned(),
                    &rows,
                    |r| !trained.contains(r.domain.as_str()),
                    sets_thresholds,
                );
                if sets_thresholds {
                    pool.extend(list.labels.iter().cloned());
                }
                legit_lists.push(list);
            }
        }
        if !threshold_dirs.is_empty() {
            if pool.is_empty() {
                return Err(String::from(
                    "--threshold-lists: no legitimate labels in its more-legit/*.txt to set the \
                     thresholds on",
                ));
            }
            let mut seen = HashSet::new();
            legit_valid = pool
                .into_iter()
                .filter(|r| seen.insert(r.domain.clone()))
                .collect();
        }
        println!("{rejected} host names not scored (internationalised, special-use) or not names were left out");
        Ok(Data {
            legit_train,
            legit_valid,
            dga,
            dds_train,
            legit_lists,
            seed,
        })
    }

    /// The families, in name order.
    fn families(&self) -> Vec<&str> {
        let names: std::collections::BTreeSet<&str> = self
            .dga
            .iter()
            .map(|(row, _)| row.family.as_str())
            .collect();
        names.into_iter().collect()
    }

    /// Legitimate training labels, and every family's trainable labels but `held_out`'s, each
    /// family weighted to an equal share of the legitimate labels' weight.
    pub fn balanced_training_rows(&self, held_out: Option<&str>) -> Vec<Row> {
        let mut per_family: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
        for (row, trainable) in &self.dga {
            if *trainable && Some(row.family.as_str()) != held_out {
                per_family.entry(&row.family).or_default().push(row);
            }
        }
        self.legit_and_weighted(per_family.values())
    }

    /// The legitimate training labels, and each family's labels weighted so that the families
    /// share the legitimate labels' weight equally.
    fn legit_and_weighted<'a>(
        &self,
        families: impl ExactSizeIterator<Item = &'a Vec<&'a Row>>,
    ) -> Vec<Row> {
        let family_weight = self.legit_train.len() as f64 / families.len() as f64;
        let mut rows = self.legit_train.clone();
        for members in families {
            let weight = family_weight / members.len() as f64;
            rows.extend(members.iter().map(|&row| Row {
                weight,
                ..row.clone()
            }));
        }
        rows
    }

    /// For the ceiling of `family`: the legitimate training labels and the family's labels on
    /// the training side of the label hash, the family weighted as much as the legitimate
    /// labels; and the family's other labels, to count.
    pub fn single_family_split(&self, family: &str) -> (Vec<Row>, Vec<&Row>) {
        let (fit_on, count_on): (Vec<&Row>, Vec<&Row>) = self
            .dga
            .iter()
            .map(|(row, _)| row)
            .filter(|row| row.family == family)
            .partition(|row| in_training_split(&row.domain, self.seed));
        (self.legit_and_weighted([&fit_on].into_iter()), count_on)
    }

    /// The legitimate labels operating points are set on, each once.
    pub fn legit_validation_rows(&self) -> &[Row] {
        &self.legit_valid
    }

    /// Each legitimate list's labels not trained on.
    pub fn legit_lists(&self) -> &[LegitList] {
        &self.legit_lists
    }

    /// The validation labels that set the thresholds but `list`'s: where they would be set were
    /// `list` left out.
    pub fn legit_validation_rows_without(&self, list: &LegitList) -> Vec<&Row> {
        let left_out: HashSet<&str> = list.labels.iter().map(|r| r.domain.as_str()).collect();
        self.legit_valid
            .iter()
            .filter(|r| !left_out.contains(r.domain.as_str()))
            .collect()
    }

    /// The protocol's labels for a model trained elsewhere (a peer), one `set\tlabel` line each:
    /// `legit` for the legitimate labels its thresholds are set on, then every DGA
    /// family's labels under the family's name.
    pub fn labels_file(&self) -> String {
        let mut file =
            String::from("# set\tlabel, written by the `train` example's --write-protocol\n");
        let legit = self.legit_valid.iter().map(|row| ("legit", row));
        let dga = self.dga.iter().map(|(row, _)| (row.family.as_str(), row));
        let mut seen = HashSet::new();
        for (set, row) in legit.chain(dga) {
            // DDS's one record with a newline in its label (see ../shared/data/README.md) has
            // no line of its own to be.
            let one_line = !row.domain.contains(['\n', '\t']);
            if one_line && seen.insert((set, row.domain.as_str())) {
                file += &format!("{set}\t{}\n", row.domain);
            }
        }
        file
    }

    /// The distinct legitimate labels on the training side.
    pub fn legit_training_labels(&self) -> Vec<&str> {
        self.legit_train.iter().map(|r| r.domain.as_str()).collect()
    }
}

/// The distinct legitimate labels among `rows`.
pub fn distinct_legit_labels(rows: &[Row]) -> Vec<&str> {
    let mut seen = HashSet::new();
    rows.iter()
        .filter(|r| !r.malicious && seen.insert(r.domain.as_str()))
        .map(|r| r.domain.as_str())
        .collect()
}

fn text_files(dir: &Path) -> Result<Vec<std::path::PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Recall of each held-out family at 1 % false positives, its ceiling, and the DDS validation
/// figures, for `features` and the original four side by side.
pub fn run(data: &Data, dds_valid: &[Row], features: &[Feature], name: &str, lambda: f64) {
    let families = data.families();
    let sets: [(&str, &[Feature]); 2] =
        [(name, features), ("original features", &ORIGINAL_FEATURES)];
    // recalls[set][rate][family], ceilings[set][family] (at the first rate).
    let mut recalls = vec![vec![Vec::new(); FALSE_POSITIVE_RATES.len()]; sets.len()];
    let mut ceilings: Vec<Vec<f64>> = vec![Vec::new(); sets.len()];
    let mut counts = Vec::new();
    for family in &families {
        let held_out: Vec<&Row> = data
            .dga
            .iter()
            .filter(|(r, _)| r.family == *family)
            .map(|(r, _)| r)
            .collect();
        counts.push(held_out.len());
        let rows = data.balanced_training_rows(Some(family));
        let (own_rows, own_held_out) = data.single_family_split(family);
        for (i, (_, set)) in sets.iter().enumerate() {
            let found = recall_without_seeing(data, &rows, &held_out, set, lambda);
            for (rate, recall) in found.into_iter().enumerate() {
                recalls[i][rate].push(recall);
            }
            let own = recall_without_seeing(data, &own_rows, &own_held_out, set, lambda);
            ceilings[i].push(own[0]);
        }
    }
    let [rate, strict_rate] = FALSE_POSITIVE_RATES.map(|r| 100.0 * r);
    println!(
        "\nLeave-one-family-out recall at {rate} % and {strict_rate} % false positives on {} \
         legitimate labels ({} legitimate training labels), and the \
         ceiling at {rate} %: trained on 80 % of the family itself, counted on the rest:",
        data.legit_valid.len(),
        data.legit_train.len(),
    );
    println!(
        "| held-out family | labels | {0}, {rate} % | {0}, {strict_rate} % | {1}, {rate} % | \
         {1}, {strict_rate} % | ceiling, {0} | ceiling, {1} |",
        sets[0].0, sets[1].0
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let columns = [
        &recalls[0][0],
        &recalls[0][1],
        &recalls[1][0],
        &recalls[1][1],
        &ceilings[0],
        &ceilings[1],
    ];
    for (i, family) in families.iter().enumerate() {
        let cells: Vec<String> = columns.iter().map(|c| format!("{:.3}", c[i])).collect();
        println!("| {family} | {} | {} |", counts[i], cells.join(" | "));
    }
    let macro_recall = |r: &[f64]| r.iter().sum::<f64>() / r.len() as f64;
    let minimum = |r: &[f64]| r.iter().copied().fold(f64::INFINITY, f64::min);
    let row = |figure: &dyn Fn(&[f64]) -> f64| {
        columns
            .iter()
            .map(|r| format!("{:.3}", figure(r)))
            .collect::<Vec<_>>()
    };
    println!(
        "| **macro recall** | | **{}** |",
        row(&macro_recall).join("** | **")
    );
    println!("| lowest family | | {} |", row(&minimum).join(" | "));
    let mut order: Vec<usize> = (0..families.len()).collect();
    order.sort_by(|&a, &b| recalls[0][0][a].total_cmp(&recalls[0][0][b]));
    let worst: Vec<String> = order
        .iter()
        .take(5)
        .map(|&i| format!("{} {:.3}", families[i], recalls[0][0][i]))
        .collect();
    println!(
        "five worst families for {}: {}",
        sets[0].0,
        worst.join(", ")
    );

    println!(
        "\nDDS validation ({} rows), AUC and error at the max-F1 threshold:",
        dds_valid.len()
    );
    let all = data.balanced_training_rows(None);
    let runs: [(&str, &[Feature], &[Row]); 3] = [
        (sets[0].0, features, &all),
        ("original features, same training", &ORIGINAL_FEATURES, &all),
        (
            "original features, DDS training only",
            &ORIGINAL_FEATURES,
            &data.dds_train,
        ),
    ];
    for (label, set, rows) in runs {
        let fit = fit_ridge_logistic(rows, set, lambda);
        let eval = evaluate(dds_valid, |r| fit.probability(r));
        println!(
            "  {label:<40} AUC {:.5}, error {:.2} %",
            eval.auc,
            100.0 * eval.confusion.error_rate()
        );
    }
    println!(
        "{{\"protocol\":\"leave-one-family-out\",\"false_positive_rates\":[{}],\"families\":[{}],\
         \"recall\":[{}],\"strict_recall\":[{}],\"original_recall\":[{}],\"macro_recall\":{:?},\
         \"strict_macro_recall\":{:?},\"original_macro_recall\":{:?},\"original_strict_macro_recall\":{:?},\
         \"ceiling_recall\":[{}],\"ceiling_macro_recall\":{:?}}}",
        json_numbers(&FALSE_POSITIVE_RATES),
        families.iter().map(|f| format!("\"{f}\"")).collect::<Vec<_>>().join(","),
        json_numbers(&recalls[0][0]),
        json_numbers(&recalls[0][1]),
        json_numbers(&recalls[1][0]),
        macro_recall(&recalls[0][0]),
        macro_recall(&recalls[0][1]),
        macro_recall(&recalls[1][0]),
        macro_recall(&recalls[1][1]),
        json_numbers(&ceilings[0]),
        macro_recall(&ceilings[0]),
    );
    println!();
}

/// `values` as the inside of a JSON array, each exactly.
fn json_numbers(values: &[f64]) -> String {
    let numbers: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    numbers.join(",")
}

/// [`recall_at_false_positive_rates`], with the character n-gram model (when `features` use it)
/// fit on `rows` too: the compiled-in one has seen every family.
fn recall_without_seeing(
    data: &Data,
    rows: &[Row],
    targets: &[&Row],
    features: &[Feature],
    lambda: f64,
) -> [f64; 2] {
    if !features.contains(&Feature::NgramLogOdds) {
        return recall_at_false_positive_rates(&data.legit_valid, rows, targets, features, lambda);
    }
    let (_, weights) = Weights::fit_file(rows, data.seed);
    let targets = weights.apply(targets.iter().copied());
    let targets: Vec<&Row> = targets.iter().collect();
    recall_at_false_positive_rates(
        &weights.apply(&data.legit_valid),
        &weights.apply(rows),
        &targets,
        features,
        lambda,
    )
}

/// Fits `features` on `rows` and gives, for each of [`FALSE_POSITIVE_RATES`], the share of
/// `targets` above the threshold that flags that share of `legit`.
fn recall_at_false_positive_rates(
    legit: &[Row],
    rows: &[Row],
    targets: &[&Row],
    features: &[Feature],
    lambda: f64,
) -> [f64; 2] {
    let fit = fit_ridge_logistic(rows, features, lambda);
    let legit: Vec<f64> = legit.iter().map(|r| fit.log_odds(r)).collect();
    FALSE_POSITIVE_RATES.map(|rate| {
        let threshold = threshold_at_false_positive_rate(legit.clone(), rate);
        let found = targets
            .iter()
            .filter(|r| fit.log_odds(r) > threshold)
            .count();
        found as f64 / targets.len().max(1) as f64
    })
}

/// The log-odds above which at most `rate` of `legit` lie.
pub fn threshold_at_false_positive_rate(mut legit: Vec<f64>, rate: f64) -> f64 {
    legit.sort_by(|a, b| b.total_cmp(a));
    let allowed = (rate * legit.len() as f64).floor() as usize;
    legit.get(allowed).copied().unwrap_or(f64::NEG_INFINITY)
}

/// The 4-gram counts file of `labels`: every 4-gram of `...label.`, sorted, with its count.
pub fn ngram_counts_file(labels: &[&str], seed: u64) -> String {
    let mut counts: BTreeMap<[u8; 4], u64> = BTreeMap::new();
    let mut used = 0;
    for label in labels {
        let label = label.to_ascii_lowercase();
        if label.is_empty()
            || !label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            continue;
        }
        used += 1;
        let padded: Vec<u8> = [b'.'; 3]
            .into_iter()
            .chain(label.bytes())
            .chain([b'.'])
            .collect();
        for gram in padded.windows(4) {
            *counts
                .entry([gram[0], gram[1], gram[2], gram[3]])
                .or_default() += 1;
        }
    }
    let mut text = format!(
        "# Ngram counts of {used} legitimate training labels (split seed {seed}), written by the\n\
         # `train` example's --write-ngrams. `.` is the label's edge. Feeds `Features::ngram_bits`.\n"
    );
    for (gram, count) in counts {
        text += &format!("{} {count}\n", String::from_utf8_lossy(&gram));
    }
    text
}

/// Fails unless the compiled-in ngram table was built from exactly these labels' counts.
pub fn check_ngrams_compiled_in(labels: &[&str], seed: u64) -> Result<(), String> {
    check_compiled_in(
        "the 4-gram table",
        &ngram_counts_file(labels, seed),
        dga_classifier::NGRAMS_SHA256,
        "the counts of this run's legitimate training labels",
        "--write-ngrams model/ngrams.txt",
    )
}

/// Fails unless the compiled-in n-gram weights are exactly `text`, this run's.
pub fn check_ngram_weights_compiled_in(text: &str) -> Result<(), String> {
    check_compiled_in(
        "the n-gram weights' table",
        text,
        dga_classifier::NGRAM_WEIGHTS_SHA256,
        "this run's weights",
        "--write-ngram-weights model/ngram-weights.txt",
    )
}

/// Fails unless `compiled_sha256`, the sha256 of the input the build compiled `table` from, is
/// `file`'s: the file this run would write with `write`, called `what` in the message.
fn check_compiled_in(
    table: &str,
    file: &str,
    compiled_sha256: &str,
    what: &str,
    write: &str,
) -> Result<(), String> {
    let expected = sha256::hex_digest(file.as_bytes());
    if expected == compiled_sha256 {
        return Ok(());
    }
    Err(format!(
        "{table} compiled in (sha256 {compiled_sha256}) is not from {what} (sha256 {expected}): \
         write them with {write} and rebuild first"
    ))
}
