//! `--hunt`: trains the per-client detector's model (`model/hunt.toml`) on simulated DNS days
//! (`dns_day.rs`) and measures it per family, leave-one-family-out too.
//!
//! Runs of three days (the same machines day after day), of three kinds, each with 1,000 healthy
//! clients, the real 2018 sample and a noisy and a quiet client per family, from seeds that
//! follow `--seed`:
//! - training days: the never-seen failed names of every client are the rows of a ridge logistic
//!   regression over the signals (a family's names positive, each family an equal share of their
//!   weight; healthy clients' failures negative, as much weight in all), whose log-odds is each
//!   name's log-likelihood ratio, infected against healthy;
//! - calibration days: each healthy client-day's highest log-odds under that model sets the
//!   thresholds, the lowest that at most the stated share of them reach;
//! - evaluation days: what is reported, per family: infected clients alerted within their three
//!   days, DGA look-ups before the alert, and healthy client-days alerted per 1,000, beside two
//!   rules a SOC writes first.

use crate::dns_day::{self, ClientKind, Day, Sources};
use crate::trainer::fit_ridge;
use dga_classifier::{
    ClientSlot, Event, HuntModel, HuntOperatingPoint, Hunter, Rcode, Settings, Signal,
    FAST_SECONDS, MODEL, SIGNAL_COUNT,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// False alarms per healthy client-day the operating points are set for; the strictest is the
/// default threshold.
const FALSE_ALARM_RATES: [f64; 2] = [0.01, 0.001];
const WINDOW_SECONDS: u32 = 86_400;
const HEALTHY_CLIENTS: usize = 1_000;
/// Days a simulated run spans: the same machines, day after day.
const RUN_DAYS: usize = 3;
const TRAINING_RUNS: u64 = 1;
const CALIBRATION_RUNS: u64 = 3;
const EVALUATION_RUNS: u64 = 2;
const LAMBDA: f64 = 1e-4;
/// The most one name may add to a client's log-odds, tried in this order on the calibration
/// days (32 cuts no name: none comes near); the first that alerts the most infected clients
/// soonest is kept.
const MAX_PER_NAME_CHOICES: [f64; 7] = [32.0, 12.0, 10.0, 8.0, 6.0, 5.0, 4.0];

/// What `--hunt` is given.
pub struct HuntArgs<'a> {
    pub data: &'a Path,
    pub extra: &'a [PathBuf],
    pub out: &'a Path,
    pub name: &'a str,
    pub seed: u64,
    pub write_day: Option<&'a Path>,
    pub command: String,
}

/// How a client fared over a run.
#[derive(Clone)]
struct ClientOutcome {
    /// Its highest log-odds each day.
    daily_highest: Vec<f64>,
    /// The DGA look-ups it had made when first alerted; `None` when never alerted.
    alerted_after: Option<usize>,
    /// The DGA look-ups it made in all.
    dga_lookups: usize,
}

/// A day with what the detector needs of it replayed: the events that can change a client's
/// evidence, failed look-ups and names resolved right after one, and the families' names.
/// Between them a client's log-odds can only fall, so alerts and the highest log-odds are all at
/// these, and the detector's state at each is what the whole day would give.
struct Replay {
    day: Day,
    /// The events of the whole day.
    day_events: usize,
}

impl Replay {
    fn of(mut day: Day) -> Replay {
        let day_events = day.events.len();
        let mut last_failure = vec![i64::MIN; day.clients.len()];
        day.events.retain(|e| {
            let since = e.time.saturating_sub(last_failure[e.client as usize]);
            if e.rcode == Rcode::NxDomain {
                last_failure[e.client as usize] = e.time;
                return true;
            }
            e.dga || (e.rcode == Rcode::NoError && since <= FAST_SECONDS * 1_000_000)
        });
        day.events.shrink_to_fit();
        Replay { day, day_events }
    }

    /// Runs `model` at `threshold` over the run: how each client fared.
    fn run(&self, model: HuntModel, threshold: f64) -> Vec<ClientOutcome> {
        let mut slots = vec![ClientSlot::EMPTY; 4 * self.day.clients.len().next_power_of_two()];
        let settings = Settings {
            model,
            window_seconds: WINDOW_SECONDS,
            threshold,
        };
        let mut hunter = Hunter::new(&mut slots[..], settings);
        let mut outcome = vec![
            ClientOutcome {
                daily_highest: vec![0.0; self.day.days],
                alerted_after: None,
                dga_lookups: 0,
            };
            self.day.clients.len()
        ];
        for e in &self.day.events {
            let client = &mut outcome[e.client as usize];
            client.dga_lookups += usize::from(e.dga);
            let event = Event {
                time: e.time,
                client: &self.day.clients[e.client as usize].0,
                query: &e.query,
                rcode: e.rcode,
            };
            let Ok(observed) = hunter.observe(&event) else {
                continue;
            };
            let day = ((e.time - dns_day::DAY_START) / dns_day::DAY) as usize;
            if let Some(highest) = client.daily_highest.get_mut(day) {
                *highest = highest.max(observed.log_odds);
            }
            if observed.alert && client.alerted_after.is_none() {
                client.alerted_after = Some(client.dga_lookups);
            }
        }
        outcome
    }

    /// Every never-seen failed name's signals, with the client's kind and whether the name is a
    /// family's.
    fn signals(&self) -> Vec<(ClientKind, bool, [f64; SIGNAL_COUNT])> {
        let mut slots = vec![ClientSlot::EMPTY; 4 * self.day.clients.len().next_power_of_two()];
        let mut hunter = Hunter::new(&mut slots[..], Settings::default());
        let mut rows = Vec::new();
        for e in &self.day.events {
            let (client, kind) = &self.day.clients[e.client as usize];
            let event = Event {
                time: e.time,
                client,
                query: &e.query,
                rcode: e.rcode,
            };
            if let Ok(dga_classifier::Observation {
                signals: Some(signals),
                ..
            }) = hunter.observe(&event)
            {
                rows.push((*kind, e.dga, Signal::ALL.map(|s| signals.get(s))));
            }
        }
        rows
    }
}

pub fn run(args: &HuntArgs) -> Result<(), String> {
    let find = |relative: &str| {
        args.extra
            .iter()
            .map(|dir| dir.join(relative))
            .find(|path| path.exists())
            .ok_or_else(|| format!("--hunt needs {relative} under an --extra directory (../shared/data/extra-2026-12)"))
    };
    let resolver_list = find("more-legit/umbrella-2026-07-even.txt")?;
    let background = find("dns-logs/wrccdc-2018/dns.log.gz")?;
    let families = families(args.data, args.extra)?;
    println!(
        "hunt: {} families, the resolver list {}, the real sample {}",
        families.len(),
        resolver_list.display(),
        background.display()
    );
    let sources = Sources::load(&resolver_list, families, &background)?;
    let all: Vec<usize> = (0..sources.families.len()).collect();
    let simulate =
        |k: u64| dns_day::simulate(&sources, args.seed + k, HEALTHY_CLIENTS, &all, RUN_DAYS);
    if let Some(path) = args.write_day {
        let day = dns_day::simulate(
            &sources,
            args.seed + TRAINING_RUNS + CALIBRATION_RUNS + 1,
            HEALTHY_CLIENTS,
            &all,
            1,
        );
        return write_day(&day, &sources, path);
    }
    let training: Vec<Replay> = (1..=TRAINING_RUNS)
        .map(|k| Replay::of(simulate(k)))
        .collect();
    let calibration: Vec<Replay> = (TRAINING_RUNS + 1..=TRAINING_RUNS + CALIBRATION_RUNS)
        .map(|k| Replay::of(simulate(k)))
        .collect();
    // The rules a SOC writes first, measured on the evaluation days before they are cut down.
    let mut rules = [RuleOutcome::default(), RuleOutcome::default()];
    let evaluation: Vec<Replay> = (TRAINING_RUNS + CALIBRATION_RUNS + 1
        ..=TRAINING_RUNS + CALIBRATION_RUNS + EVALUATION_RUNS)
        .map(|k| {
            let day = simulate(k);
            for (rule, outcome) in rules.iter_mut().zip(rule_alerts(&day)) {
                rule.add(&day, &outcome);
            }
            Replay::of(day)
        })
        .collect();
    let events: usize = training
        .iter()
        .chain(&calibration)
        .chain(&evaluation)
        .map(|r| r.day_events)
        .sum();
    println!(
        "hunt: {} simulated runs of {RUN_DAYS} days, {events} events",
        training.len() + calibration.len() + evaluation.len()
    );
    let rows: Vec<_> = training.iter().flat_map(Replay::signals).collect();
    let family_names: Vec<&str> = sources
        .families
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();

    let (model, fit_steps) = train(&rows, None, args.name);
    let (model, choices) = with_max_per_name(model, &calibration);
    let full = evaluate(&evaluation, model);
    let mut lofo = Vec::new();
    for family in 0..family_names.len() {
        let (held_out, _) = train(&rows, Some(family), args.name);
        let held_out = with_thresholds(
            HuntModel {
                max_per_name: model.max_per_name,
                ..held_out
            },
            &calibration,
        );
        lofo.push(evaluate(&evaluation, held_out).families[family].clone());
    }

    println!(
        "\nweights (log-likelihood ratio per never-seen failed name; {fit_steps} Newton steps):"
    );
    for (signal, weight) in model.weights {
        println!("  {:<14} {weight:>22.15}", signal.name());
    }
    println!("most one name adds (calibration days' infected clients at each choice's default threshold):");
    for choice in &choices {
        println!(
            "  {:>5}: threshold {:>6.2}, {} of {} alerted, {} DGA look-ups before the alerts{}",
            choice.max_per_name,
            choice.threshold,
            choice.alerted,
            choice.infected,
            choice.lookups,
            if choice.max_per_name == model.max_per_name {
                "  <- kept"
            } else {
                ""
            }
        );
    }
    let calibration_days: usize = calibration
        .iter()
        .flat_map(|r| &r.day.clients)
        .filter(|(_, kind)| matches!(kind, ClientKind::Healthy | ClientKind::Background))
        .count()
        * RUN_DAYS;
    println!("operating points (highest log-odds of {calibration_days} healthy calibration client-days):");
    for point in model.operating_points {
        println!(
            "  {} false alarms per client-day: log-odds >= {:?}",
            point.false_alarms_per_client_day, point.threshold
        );
    }
    println!("\nevaluation runs of {RUN_DAYS} days at the default threshold ({} per client-day): trained on all families | leave-one-family-out", model.threshold_false_alarm_rate);
    println!("(look-ups: the median of DGA look-ups before the alert; missed: the DGA look-ups each client never alerted made in its {RUN_DAYS} days)");
    println!(
        "{:<20} {:>7} {:>7} {:>8} {:>8} | {:>7} {:>7} {:>8} {:>8}",
        "family", "noisy", "quiet", "look-ups", "missed", "noisy", "quiet", "look-ups", "missed"
    );
    for (i, name) in family_names.iter().enumerate() {
        let (a, b) = (&full.families[i], &lofo[i]);
        println!(
            "{name:<20} {:>7} {:>7} {:>8} {:>8} | {:>7} {:>7} {:>8} {:>8}",
            a.noisy_share(),
            a.quiet_share(),
            a.median_lookups(),
            a.missed(),
            b.noisy_share(),
            b.quiet_share(),
            b.median_lookups(),
            b.missed()
        );
    }
    let summary = |outcomes: &[FamilyOutcome]| {
        let alerted: usize = outcomes.iter().map(|o| o.alerted()).sum();
        let clients: usize = outcomes.iter().map(|o| o.clients()).sum();
        let mut lookups: Vec<usize> = outcomes.iter().flat_map(|o| o.lookups()).collect();
        lookups.sort_unstable();
        (alerted, clients, lookups.get(lookups.len() / 2).copied())
    };
    let (alerted, clients, median) = summary(&full.families);
    let (lofo_alerted, lofo_clients, lofo_median) = summary(&lofo);
    println!(
        "infected clients alerted: {alerted} of {clients}, median {} DGA look-ups before the alert; \
         leave-one-family-out {lofo_alerted} of {lofo_clients}, median {}",
        median.map_or("-".to_owned(), |m| m.to_string()),
        lofo_median.map_or("-".to_owned(), |m| m.to_string()),
    );
    println!(
        "healthy client-days alerted: {} of {} ({:.2} per 1,000; the real sample's clients {} of {})",
        full.healthy_alerted,
        full.healthy_days,
        1000.0 * full.healthy_alerted as f64 / full.healthy_days.max(1) as f64,
        full.background_alerted,
        full.background_days,
    );
    for (name, rule) in RULES.iter().zip(&rules) {
        println!("{name}: {}", rule.summary());
    }
    std::fs::write(args.out, model_file(&model, &args.command))
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    println!("hunt model written to {}", args.out.display());
    println!(
        "{{\"families\":{},\"alerted\":{alerted},\"infected\":{clients},\"median_lookups\":{},\"lofo_alerted\":{lofo_alerted},\
         \"lofo_median_lookups\":{},\"healthy_alerted\":{},\"healthy_client_days\":{},\"threshold\":{:?}}}",
        family_names.len(),
        median.unwrap_or(0),
        lofo_median.unwrap_or(0),
        full.healthy_alerted,
        full.healthy_days,
        model.threshold,
    );
    Ok(())
}

/// Every family's host names in list order: each `more-dga/<family>.txt` under the `--extra`
/// directories and DDS's `goz` and `newgoz` hosts, by family name.
fn families(data: &Path, extra: &[PathBuf]) -> Result<Vec<(String, Vec<String>)>, String> {
    let mut families: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for dir in extra {
        let Ok(entries) = std::fs::read_dir(dir.join("more-dga")) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let name = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let hosts = families.entry(name).or_default();
            hosts.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned),
            );
        }
    }
    let mut reader =
        csv::Reader::from_path(data).map_err(|e| format!("{}: {e}", data.display()))?;
    for record in reader.records() {
        let record = record.map_err(|e| format!("{}: {e}", data.display()))?;
        if let (Some(host), Some(family @ ("goz" | "newgoz"))) = (record.get(0), record.get(3)) {
            if !host.contains('\n') {
                families
                    .entry(family.to_owned())
                    .or_default()
                    .push(host.to_owned());
            }
        }
    }
    Ok(families.into_iter().collect())
}

/// Fits the weights on `rows`, without the family `held_out`'s clients when given.
fn train(
    rows: &[(ClientKind, bool, [f64; SIGNAL_COUNT])],
    held_out: Option<usize>,
    name: &str,
) -> (HuntModel, usize) {
    let mut per_family: HashMap<usize, usize> = HashMap::new();
    let mut healthy = 0;
    for (kind, dga, _) in rows {
        match (kind, dga) {
            (ClientKind::Noisy(f) | ClientKind::Quiet(f), true) => {
                *per_family.entry(*f).or_default() += 1
            }
            (ClientKind::Healthy | ClientKind::Background, _) => healthy += 1,
            _ => {}
        }
    }
    if let Some(f) = held_out {
        per_family.remove(&f);
    }
    let families = per_family.len() as f64;
    let (mut x, mut labels, mut weights) = (Vec::new(), Vec::new(), Vec::new());
    for (kind, dga, signals) in rows {
        let weight = match (kind, dga) {
            (ClientKind::Noisy(f) | ClientKind::Quiet(f), true) => match per_family.get(f) {
                Some(&n) => 1.0 / (families * n as f64),
                None => continue,
            },
            (ClientKind::Healthy | ClientKind::Background, _) => 1.0 / healthy as f64,
            // An infected machine's own ordinary failures are neither side's.
            _ => continue,
        };
        // `Failed` is 1 for every row: the intercept.
        x.push(signals[1..].to_vec());
        labels.push(*dga);
        weights.push(weight);
    }
    let (beta, steps) = fit_ridge(&x, &labels, &weights, LAMBDA);
    let weights: [(Signal, f64); SIGNAL_COUNT] = std::array::from_fn(|i| (Signal::ALL[i], beta[i]));
    let model = HuntModel {
        name: Box::leak(name.to_owned().into_boxed_str()),
        name_model: MODEL.name,
        window_seconds: WINDOW_SECONDS,
        weights,
        max_per_name: f64::INFINITY,
        operating_points: &[],
        threshold: f64::INFINITY,
        threshold_false_alarm_rate: FALSE_ALARM_RATES[FALSE_ALARM_RATES.len() - 1],
    };
    (model, steps)
}

/// How a choice of [`HuntModel::max_per_name`] fared on the calibration days.
struct MaxPerNameChoice {
    max_per_name: f64,
    threshold: f64,
    infected: usize,
    alerted: usize,
    /// DGA look-ups before the alert, summed over the infected clients; a client never alerted
    /// counts all of its own.
    lookups: usize,
}

/// `model` with the [`MAX_PER_NAME_CHOICES`] that alerts the most of the calibration days'
/// infected clients, and of those the soonest, at thresholds set on the same days' healthy
/// client-days; and how each choice fared.
fn with_max_per_name(
    model: HuntModel,
    calibration: &[Replay],
) -> (HuntModel, Vec<MaxPerNameChoice>) {
    let mut best: Option<(HuntModel, (usize, usize))> = None;
    let mut choices = Vec::new();
    for max_per_name in MAX_PER_NAME_CHOICES {
        let candidate = with_thresholds(
            HuntModel {
                max_per_name,
                ..model
            },
            calibration,
        );
        let mut choice = MaxPerNameChoice {
            max_per_name,
            threshold: candidate.threshold,
            infected: 0,
            alerted: 0,
            lookups: 0,
        };
        for replay in calibration {
            let outcomes = replay.run(candidate, candidate.threshold);
            for ((_, kind), outcome) in replay.day.clients.iter().zip(outcomes) {
                if matches!(kind, ClientKind::Noisy(_) | ClientKind::Quiet(_)) {
                    choice.infected += 1;
                    choice.alerted += usize::from(outcome.alerted_after.is_some());
                    choice.lookups += outcome.alerted_after.unwrap_or(outcome.dga_lookups);
                }
            }
        }
        let rank = (choice.infected - choice.alerted, choice.lookups);
        if best.as_ref().is_none_or(|(_, best)| rank < *best) {
            best = Some((candidate, rank));
        }
        choices.push(choice);
    }
    let model = best.map_or(model, |(model, _)| model);
    (model, choices)
}

/// `model` with its operating points set on the calibration days' healthy client-days.
fn with_thresholds(model: HuntModel, calibration: &[Replay]) -> HuntModel {
    let mut highest: Vec<f64> = calibration
        .iter()
        .flat_map(|replay| {
            let outcome = replay.run(model, f64::INFINITY);
            replay
                .day
                .clients
                .iter()
                .zip(outcome)
                .filter(|((_, kind), _)| {
                    matches!(kind, ClientKind::Healthy | ClientKind::Background)
                })
                .flat_map(|(_, outcome)| outcome.daily_highest)
                .collect::<Vec<f64>>()
        })
        .collect();
    highest.sort_by(|a, b| b.total_cmp(a));
    let points: Vec<HuntOperatingPoint> = FALSE_ALARM_RATES
        .iter()
        .map(|&rate| {
            // The lowest threshold few enough client-days reach that the rate is at most `rate`
            // with 95 % confidence: just above the highest of the rest. Never 0 or below: a
            // client with no evidence is not alerted.
            let allowed = alarms_allowed(rate, highest.len());
            let threshold = highest
                .get(allowed)
                .map_or(f64::MIN_POSITIVE, |h| h.next_up())
                .max(f64::MIN_POSITIVE);
            HuntOperatingPoint {
                false_alarms_per_client_day: rate,
                threshold,
            }
        })
        .collect();
    let threshold = points.last().map_or(f64::INFINITY, |p| p.threshold);
    HuntModel {
        operating_points: Box::leak(points.into_boxed_slice()),
        threshold,
        ..model
    }
}

/// The most client-days of `days` that may reach a threshold for its rate of false alarms to be
/// at most `rate` with 95 % confidence: the largest count whose exact (Garwood) Poisson upper
/// bound is at most `rate · days`. Setting the threshold at the count `rate · days` itself makes
/// the rate on other days as likely above `rate` as below: 11 of 6,462 evaluation client-days
/// (1.7 per 1,000) came out of a threshold set for 1 per 1,000 on 9,693.
fn alarms_allowed(rate: f64, days: usize) -> usize {
    let expected = rate * days as f64;
    (0..days)
        .take_while(|&count| poisson_upper_bound(count) <= expected)
        .last()
        .unwrap_or(0)
}

/// The mean `mu` at which a Poisson count is at most `count` with probability 5 %: the 95 %
/// upper confidence bound of a mean from `count` events, by bisection on the distribution.
fn poisson_upper_bound(count: usize) -> f64 {
    let at_most = |mu: f64| {
        // Σ_{k ≤ count} e^-mu mu^k / k!, term by term.
        let mut term = (-mu).exp();
        let mut sum = term;
        for k in 1..=count {
            term *= mu / k as f64;
            sum += term;
        }
        sum
    };
    let (mut low, mut high) = (0.0, 10.0 + 3.0 * count as f64);
    for _ in 0..100 {
        let mid = (low + high) / 2.0;
        if at_most(mid) > 0.05 {
            low = mid;
        } else {
            high = mid;
        }
    }
    high
}

/// How one family's infected clients fared: DGA look-ups before the alert (`None` for a client
/// never alerted) and all day.
#[derive(Clone, Default)]
struct FamilyOutcome {
    noisy: Vec<(Option<usize>, usize)>,
    quiet: Vec<(Option<usize>, usize)>,
}

impl FamilyOutcome {
    fn clients(&self) -> usize {
        self.noisy.len() + self.quiet.len()
    }
    fn alerted(&self) -> usize {
        self.lookups().count()
    }
    fn lookups(&self) -> impl Iterator<Item = usize> + '_ {
        self.noisy.iter().chain(&self.quiet).filter_map(|o| o.0)
    }
    /// The DGA look-ups each client never alerted made all day.
    fn missed(&self) -> String {
        let missed: Vec<String> = self
            .noisy
            .iter()
            .chain(&self.quiet)
            .filter(|o| o.0.is_none())
            .map(|o| o.1.to_string())
            .collect();
        if missed.is_empty() {
            String::from("-")
        } else {
            missed.join(",")
        }
    }
    fn noisy_share(&self) -> String {
        share(&self.noisy)
    }
    fn quiet_share(&self) -> String {
        share(&self.quiet)
    }
    fn median_lookups(&self) -> String {
        let mut lookups: Vec<usize> = self.lookups().collect();
        lookups.sort_unstable();
        lookups
            .get(lookups.len() / 2)
            .map_or("-".to_owned(), |m| m.to_string())
    }
}

fn share(outcomes: &[(Option<usize>, usize)]) -> String {
    let alerted = outcomes.iter().filter(|o| o.0.is_some()).count();
    format!("{alerted}/{}", outcomes.len())
}

struct Evaluation {
    families: Vec<FamilyOutcome>,
    healthy_days: usize,
    healthy_alerted: usize,
    background_days: usize,
    background_alerted: usize,
}

fn evaluate(days: &[Replay], model: HuntModel) -> Evaluation {
    let families = days.first().map_or(0, |d| {
        d.day
            .clients
            .iter()
            .filter(|(_, k)| matches!(k, ClientKind::Noisy(_)))
            .count()
    });
    let mut result = Evaluation {
        families: vec![FamilyOutcome::default(); families],
        healthy_days: 0,
        healthy_alerted: 0,
        background_days: 0,
        background_alerted: 0,
    };
    for replay in days {
        for ((_, kind), outcome) in replay
            .day
            .clients
            .iter()
            .zip(replay.run(model, model.threshold))
        {
            // A healthy client-day is alerted when the client's log-odds reached the
            // threshold that day, as the thresholds were set.
            let days = outcome.daily_highest.len();
            let alerted_days = outcome
                .daily_highest
                .iter()
                .filter(|&&h| h >= model.threshold)
                .count();
            let infected = (outcome.alerted_after, outcome.dga_lookups);
            match *kind {
                ClientKind::Noisy(f) => result.families[f].noisy.push(infected),
                ClientKind::Quiet(f) => result.families[f].quiet.push(infected),
                ClientKind::Healthy => {
                    result.healthy_days += days;
                    result.healthy_alerted += alerted_days;
                }
                ClientKind::Background => {
                    result.healthy_days += days;
                    result.healthy_alerted += alerted_days;
                    result.background_days += days;
                    result.background_alerted += alerted_days;
                }
            }
        }
    }
    result
}

/// The rules of [`rule_alerts`], as the report names them.
const RULES: [&str; 2] = [
    "baseline, a SIEM rule (>= 20 NXDOMAIN for distinct names in 10 min)",
    "baseline, the name model and a count (>= 3 distinct names flagged at its default point in 1 h)",
];

/// For each client of `day`, by each rule of [`RULES`]: the DGA look-ups it made up to its
/// first alert (`None`: never), and on how many days the rule fired for it.
fn rule_alerts(day: &Day) -> [Vec<(Option<usize>, usize)>; 2] {
    use std::collections::VecDeque;
    let clients = day.clients.len();
    let mut first = [vec![None; clients], vec![None; clients]];
    let mut fired_on: [Vec<Vec<bool>>; 2] = [
        vec![vec![false; day.days]; clients],
        vec![vec![false; day.days]; clients],
    ];
    let mut recent: [Vec<VecDeque<(i64, &str)>>; 2] = [
        vec![VecDeque::new(); clients],
        vec![VecDeque::new(); clients],
    ];
    let windows = [600 * 1_000_000, 3_600 * 1_000_000];
    let needed = [20, 3];
    let mut dga_lookups = vec![0; clients];
    let mut flagged: HashMap<&str, bool> = HashMap::new();
    for e in &day.events {
        let client = e.client as usize;
        let today = ((e.time - dns_day::DAY_START) / dns_day::DAY) as usize;
        dga_lookups[client] += usize::from(e.dga);
        let hits = [
            e.rcode == Rcode::NxDomain,
            *flagged.entry(&e.query).or_insert_with(|| {
                dga_classifier::classify(&e.query).is_ok_and(|c| {
                    c.score()
                        .is_some_and(|s| s.verdict == dga_classifier::Verdict::Malicious)
                })
            }),
        ];
        for rule in 0..2 {
            if !hits[rule] || fired_on[rule][client].get(today).is_none_or(|&fired| fired) {
                continue;
            }
            let window = &mut recent[rule][client];
            window.push_back((e.time, &e.query));
            while window
                .front()
                .is_some_and(|&(t, _)| t < e.time - windows[rule])
            {
                window.pop_front();
            }
            let distinct: std::collections::HashSet<&str> =
                window.iter().map(|&(_, q)| q).collect();
            if distinct.len() >= needed[rule] {
                fired_on[rule][client][today] = true;
                first[rule][client].get_or_insert(dga_lookups[client]);
            }
        }
    }
    [0, 1].map(|rule| {
        first[rule]
            .iter()
            .zip(&fired_on[rule])
            .map(|(&first, days)| (first, days.iter().filter(|&&d| d).count()))
            .collect()
    })
}

/// How a rule fared over the evaluation days.
#[derive(Default)]
struct RuleOutcome {
    infected: usize,
    alerted: Vec<usize>,
    healthy: usize,
    healthy_alerted: usize,
}

impl RuleOutcome {
    fn add(&mut self, day: &Day, outcome: &[(Option<usize>, usize)]) {
        for ((_, kind), &(alerted, days_fired)) in day.clients.iter().zip(outcome) {
            if matches!(kind, ClientKind::Healthy | ClientKind::Background) {
                self.healthy += day.days;
                self.healthy_alerted += days_fired;
            } else {
                self.infected += 1;
                self.alerted.extend(alerted);
            }
        }
    }

    fn summary(&self) -> String {
        let mut lookups = self.alerted.clone();
        lookups.sort_unstable();
        format!(
            "infected clients alerted {} of {}, median {} DGA look-ups before the alert; healthy client-days alerted {} of {} ({:.2} per 1,000)",
            lookups.len(),
            self.infected,
            lookups.get(lookups.len() / 2).map_or("-".to_owned(), |m| m.to_string()),
            self.healthy_alerted,
            self.healthy,
            1000.0 * self.healthy_alerted as f64 / self.healthy.max(1) as f64,
        )
    }
}

/// Writes `day` as a Zeek `dns.log` to `path` and its clients' kinds to `path` + `.clients.tsv`.
fn write_day(day: &Day, sources: &Sources, path: &Path) -> Result<(), String> {
    let error = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(error)?);
    dns_day::write_zeek(day, &mut out).map_err(error)?;
    let mut clients = String::from("client\tkind\tfamily\n");
    for (address, kind) in &day.clients {
        let (kind, family) = match *kind {
            ClientKind::Healthy => ("healthy", "-"),
            ClientKind::Background => ("background", "-"),
            ClientKind::Noisy(f) => ("noisy", sources.families[f].0.as_str()),
            ClientKind::Quiet(f) => ("quiet", sources.families[f].0.as_str()),
        };
        clients.push_str(&format!("{address}\t{kind}\t{family}\n"));
    }
    let labels = format!("{}.clients.tsv", path.display());
    std::fs::write(&labels, clients).map_err(|e| format!("cannot write {labels}: {e}"))?;
    println!(
        "a simulated day of {} events written to {}, its clients to {labels}",
        day.events.len(),
        path.display()
    );
    Ok(())
}

/// The model file, with how it was made.
fn model_file(model: &HuntModel, command: &str) -> String {
    let mut file = format!(
        "# Written by `{command}`:\n\
         # ridge logistic regression (lambda = {LAMBDA:e}) on the never-seen failed names of {training} simulated days,\n\
         # thresholds on the healthy client-days of {calibration} more (examples/train/hunt.rs).\n\
         name = \"{}\"\nname_model = \"{}\"\nwindow_seconds = {}\nthreshold_false_alarm_rate = {}\n\
         # The most one name adds, chosen on the calibration days among {MAX_PER_NAME_CHOICES:?}.\n\
         max_per_name = {:?}\n\n\
         # Each never-seen failed name adds the sum of these times its signals to its client's log-odds.\n[weights]\n",
        model.name, model.name_model, model.window_seconds, model.threshold_false_alarm_rate, model.max_per_name,
        training = TRAINING_RUNS as usize * RUN_DAYS,
        calibration = CALIBRATION_RUNS as usize * RUN_DAYS,
    );
    for (signal, weight) in model.weights {
        file.push_str(&format!("{} = {weight:?}\n", signal.name()));
    }
    file.push_str("\n# The client's log-odds at or above which the named share of healthy client-days lies at most,\n# with 95 % confidence (the exact Poisson bound on the calibration days' count).\n[operating_points]\n");
    for point in model.operating_points {
        file.push_str(&format!(
            "per_client_day_{} = {:?}\n",
            point.false_alarms_per_client_day, point.threshold
        ));
    }
    file
}
