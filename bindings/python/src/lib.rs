//! `dga_classifier._native`: the library's scoring for Python, wrapped by the pure-Python
//! package in `python/dga_classifier` (which owns the public API, its types and docs).
//!
//! One name at a time ([`classify`]) returns a `Classification` object. A batch, as one UTF-8
//! buffer with Arrow's offsets ([`classify_utf8`]) or as any iterable of `str`
//! ([`classify_objects`]), is scored on every core with the GIL released into NumPy columns, with
//! a per-row error column.
#![deny(missing_docs)]

use dga_classifier::{
    classify as classify_host, features as label_features, Classification as Scored, ClientReport,
    ClientSlot, DomainError, Event, Feature, OperatingPoint, Outcome, Rcode, Rfc3339, Settings,
    SuffixKind, Unscored, Verdict, FEATURE_COUNT, HUNT_MODEL, MODEL,
};
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};

/// One term of a score: a feature's value and its contribution to the log-odds.
#[pyclass(frozen, get_all, module = "dga_classifier")]
#[derive(Clone)]
struct Term {
    /// The feature's name, as model files spell it (`ngram_bits`).
    feature: &'static str,
    /// Its value for the scored label.
    value: f64,
    /// The model's coefficient times `value`.
    contribution: f64,
    /// The coefficient times (`value` - the typical legitimate label's value): the explanation.
    versus_typical: f64,
}

#[pymethods]
impl Term {
    fn __repr__(&self) -> String {
        format!(
            "Term(feature={:?}, value={}, contribution={}, versus_typical={})",
            self.feature, self.value, self.contribution, self.versus_typical
        )
    }
}

/// A name's answer: which label was picked and why, the verdict, and every term; or why it was
/// not scored.
#[pyclass(frozen, get_all, module = "dga_classifier")]
struct Classification {
    /// The label picked, lowercased.
    label: String,
    /// What stands right of it (`co.uk`); empty for a single label.
    suffix: String,
    /// The suffix's kind (`icann`, `private-user-named`...): why this label was picked.
    suffix_kind: &'static str,
    /// Why this label was scored, or why the name was not, in a sentence.
    reason: String,
    /// `legitimate` or `malicious` at the model's default threshold, or `unscored`.
    verdict: &'static str,
    /// Why the name was not scored (`reverse-lookup`, `special-use`...); None when it was.
    unscored: Option<&'static str>,
    /// Probability that the label was machine-generated; None when not scored.
    p_malicious: Option<f64>,
    /// Probability that it was not (computed apart: precise near 0); None when not scored.
    p_legitimate: Option<f64>,
    /// `intercept` plus every contribution, left to right; None when not scored.
    log_odds: Option<f64>,
    /// The model's intercept; None when not scored.
    intercept: Option<f64>,
    /// The typical legitimate label's log-odds, which the terms' `versus_typical` add up from;
    /// None when not scored.
    typical_log_odds: Option<f64>,
    /// The share of legitimate validation labels scoring at least as high: the false-positive
    /// rate at which this name would be flagged; None when not scored.
    flagged_at_false_positive_rate: Option<f64>,
    /// The model's terms, in its order; none when not scored.
    terms: Vec<Term>,
}

#[pymethods]
impl Classification {
    /// The verdict at the model's operating point for `fpr` (one of `MODEL.operating_points`).
    fn verdict_at(&self, fpr: f64) -> PyResult<&'static str> {
        let point = operating_point(fpr)?;
        Ok(self
            .p_malicious
            .map_or("unscored", |p| verdict_name(point.threshold <= p)))
    }

    fn __repr__(&self) -> String {
        format!(
            "Classification(label={:?}, suffix={:?}, suffix_kind={:?}, verdict={:?}, {})",
            self.label,
            self.suffix,
            self.suffix_kind,
            self.verdict,
            match (self.unscored, self.p_malicious, self.log_odds) {
                (Some(why), ..) => format!("unscored={why:?}"),
                (None, Some(p), Some(log_odds)) => format!("p_malicious={p}, log_odds={log_odds}"),
                _ => String::new(),
            }
        )
    }
}

fn verdict_name(malicious: bool) -> &'static str {
    if malicious {
        "malicious"
    } else {
        "legitimate"
    }
}

fn operating_point(fpr: f64) -> PyResult<OperatingPoint> {
    MODEL.operating_point(fpr).ok_or_else(|| {
        let rates: Vec<String> = MODEL
            .operating_points
            .iter()
            .map(|p| p.false_positive_rate.to_string())
            .collect();
        PyValueError::new_err(format!(
            "model {} has no operating point at a false-positive rate of {fpr} (it has {})",
            MODEL.name,
            rates.join(", ")
        ))
    })
}

/// A short name for what was wrong, for code that tells errors apart.
fn error_kind(error: &DomainError) -> &'static str {
    match error {
        DomainError::Empty => "empty",
        DomainError::NameTooLong { .. } => "name_too_long",
        DomainError::LabelTooLong { .. } => "label_too_long",
        DomainError::EmptyLabel { .. } => "empty_label",
        DomainError::InvalidCharacter { .. } => "invalid_character",
    }
}

/// `dga_classifier.DomainError(message, kind, position)`, defined in Python (`_errors.py`).
fn domain_error(py: Python<'_>, error: &DomainError) -> PyErr {
    static CLASS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let class = match CLASS.get_or_try_init(py, || {
        py.import("dga_classifier._errors")?
            .getattr("DomainError")
            .map(Bound::unbind)
    }) {
        Ok(class) => class.bind(py),
        Err(e) => return e,
    };
    match class.call1((error.to_string(), error_kind(error), error.position())) {
        Ok(instance) => PyErr::from_value(instance),
        Err(e) => e,
    }
}

/// Answers for one name: its score, or why it is not scored; raises `DomainError` for what is
/// not a name at all.
#[pyfunction]
fn classify(py: Python<'_>, host: &str) -> PyResult<Classification> {
    let c = classify_host(host).map_err(|e| domain_error(py, &e))?;
    let picked = |reason, verdict, unscored| Classification {
        label: c.label.as_str().to_owned(),
        suffix: c.suffix.as_str().to_owned(),
        suffix_kind: c.suffix_kind.name(),
        reason,
        verdict,
        unscored,
        p_malicious: None,
        p_legitimate: None,
        log_odds: None,
        intercept: None,
        typical_log_odds: None,
        flagged_at_false_positive_rate: None,
        terms: Vec::new(),
    };
    let s = match c.outcome {
        Outcome::Scored(s) => s,
        Outcome::Unscored(why) => {
            return Ok(picked(why.to_string(), "unscored", Some(why.name())));
        }
    };
    let verdict = verdict_name(s.verdict == Verdict::Malicious);
    Ok(Classification {
        p_malicious: Some(s.p_malicious),
        p_legitimate: Some(s.p_legitimate),
        log_odds: Some(s.log_odds),
        intercept: Some(s.intercept),
        typical_log_odds: Some(s.typical_log_odds),
        flagged_at_false_positive_rate: s.flagged_at_false_positive_rate(),
        terms: s
            .terms
            .iter()
            .map(|t| Term {
                feature: t.feature.name(),
                value: t.value,
                contribution: t.contribution,
                versus_typical: t.versus_typical,
            })
            .collect(),
        ..picked(c.suffix_kind.reason().to_owned(), verdict, None)
    })
}

/// Every feature of one label (not a host name: no suffix is taken off), by name.
#[pyfunction]
fn features<'py>(py: Python<'py>, label: &str) -> PyResult<Bound<'py, PyDict>> {
    let values = label_features(label);
    let out = PyDict::new(py);
    for feature in Feature::ALL {
        out.set_item(feature.name(), feature.value(&values))?;
    }
    Ok(out)
}

/// The compiled-in model: name, intercept, terms, default threshold and operating points.
#[pyfunction]
fn model(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("name", MODEL.name)?;
    out.set_item("intercept", MODEL.intercept)?;
    let terms = PyList::empty(py);
    for (feature, coefficient) in MODEL.coefficients {
        terms.append((feature.name(), coefficient, feature.description()))?;
    }
    out.set_item("terms", terms)?;
    out.set_item("threshold", MODEL.threshold)?;
    out.set_item(
        "threshold_false_positive_rate",
        MODEL.threshold_false_positive_rate,
    )?;
    let points = PyDict::new(py);
    for point in MODEL.operating_points {
        points.set_item(point.false_positive_rate, point.threshold)?;
    }
    out.set_item("operating_points", points)?;
    Ok(out)
}

/// What one thread made of its share of a batch, column by column.
#[derive(Default)]
struct Columns {
    p_malicious: Vec<f64>,
    /// [`Score::flagged_at_false_positive_rate`](dga_classifier::Score), NaN where there is none.
    flagged: Vec<f64>,
    log_odds: Vec<f64>,
    /// Per row, an index into [`VERDICTS`].
    verdict: Vec<u8>,
    /// Per term of the model, its value and its contribution, a column each.
    values: [Vec<f64>; FEATURE_COUNT],
    contributions: [Vec<f64>; FEATURE_COUNT],
    /// The labels and suffixes, end to end; `text_ends` marks where each row's label and suffix end.
    text: String,
    text_ends: Vec<(usize, usize)>,
    /// `SuffixKind` per row; `None` for an error row.
    kinds: Vec<Option<SuffixKind>>,
    /// The rows not scored: their index in this share, and why.
    unscored: Vec<(usize, Unscored)>,
    /// The error rows: their index in this share, and the message.
    errors: Vec<(usize, String)>,
}

/// The verdicts of a batch's rows, in the order [`Columns::verdict`] counts them.
const VERDICTS: [&str; 3] = ["legitimate", "malicious", "unscored"];
const UNSCORED: u8 = 2;

impl Columns {
    fn push(&mut self, row: usize, name: Result<&str, String>, point: Option<OperatingPoint>) {
        let scored = name.and_then(|name| classify_host(name).map_err(|e| e.to_string()));
        match scored {
            Ok(c) => self.push_answer(row, &c, point),
            Err(message) => {
                self.push_no_score();
                self.text_ends.push((self.text.len(), self.text.len()));
                self.kinds.push(None);
                self.errors.push((row, message));
            }
        }
    }

    /// A row with no score: NaN in every number. (An error row's verdict is None: its kind says
    /// it is one.)
    fn push_no_score(&mut self) {
        self.p_malicious.push(f64::NAN);
        self.flagged.push(f64::NAN);
        self.log_odds.push(f64::NAN);
        self.verdict.push(UNSCORED);
        for column in self.values.iter_mut().chain(&mut self.contributions) {
            column.push(f64::NAN);
        }
    }

    fn push_answer(&mut self, row: usize, c: &Scored, point: Option<OperatingPoint>) {
        match &c.outcome {
            Outcome::Scored(s) => {
                self.p_malicious.push(s.p_malicious);
                self.flagged
                    .push(s.flagged_at_false_positive_rate().unwrap_or(f64::NAN));
                self.log_odds.push(s.log_odds);
                let verdict = point.map_or(s.verdict, |p| p.verdict(s));
                self.verdict.push(u8::from(verdict == Verdict::Malicious));
                for (term, (value, contribution)) in s
                    .terms
                    .iter()
                    .zip(self.values.iter_mut().zip(&mut self.contributions))
                {
                    value.push(term.value);
                    contribution.push(term.contribution);
                }
            }
            Outcome::Unscored(why) => {
                self.push_no_score();
                self.unscored.push((row, *why));
            }
        }
        self.text.push_str(&c.label);
        let label_end = self.text.len();
        self.text.push_str(&c.suffix);
        self.text_ends.push((label_end, self.text.len()));
        self.kinds.push(Some(c.suffix_kind));
    }
}

/// The rows `start..end` of a batch: each name's bytes, or why there is none (`missing`).
fn score_rows(
    data: &[u8],
    offsets: &[usize],
    missing: &[Option<String>],
    rows: std::ops::Range<usize>,
    point: Option<OperatingPoint>,
) -> Columns {
    let mut out = Columns::default();
    for row in rows.clone() {
        let name = match &missing[row] {
            None => std::str::from_utf8(&data[offsets[row]..offsets[row + 1]])
                .map_err(|e| format!("not UTF-8 at byte {}", e.valid_up_to())),
            Some(reason) => Err(reason.clone()),
        };
        out.push(row - rows.start, name, point);
    }
    out
}

/// Why a null row has no name.
const NULL: &str = "missing: null";

/// Scores a batch given as one UTF-8 buffer `data`, where row `i` is
/// `data[offsets[i]..offsets[i + 1]]` and `valid[i]` says whether it is there at all (Arrow's
/// layout). Returns a dict of NumPy columns, one row per name in order; `error` is None where
/// the row was scored.
#[pyfunction]
#[pyo3(signature = (data, offsets, valid, fpr=None))]
fn classify_utf8<'py>(
    py: Python<'py>,
    data: &[u8],
    offsets: PyReadonlyArray1<'py, i64>,
    valid: PyReadonlyArray1<'py, bool>,
    fpr: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let point = fpr.map(operating_point).transpose()?;
    let offsets: Vec<usize> = offsets
        .as_slice()?
        .iter()
        .map(|&o| usize::try_from(o))
        .collect::<Result<_, _>>()
        .map_err(|_| PyValueError::new_err("offsets must not be negative"))?;
    let valid = valid.as_slice()?;
    if offsets.len() != valid.len() + 1 || offsets.windows(2).any(|w| w[0] > w[1]) {
        return Err(PyValueError::new_err(
            "offsets must be ascending, one more than the rows",
        ));
    }
    if offsets.last().is_some_and(|&end| end > data.len()) {
        return Err(PyValueError::new_err("offsets point past the data"));
    }
    let missing: Vec<Option<String>> = valid
        .iter()
        .map(|&v| (!v).then(|| NULL.to_owned()))
        .collect();
    score_batch(py, data, &offsets, &missing, point)
}

/// Scores any iterable of names (a list, a NumPy array, a pandas Series); an item that is not a
/// `str` (None, NaN, bytes) is an error row, not an exception.
#[pyfunction]
#[pyo3(signature = (names, fpr=None))]
fn classify_objects<'py>(
    py: Python<'py>,
    names: &Bound<'py, PyAny>,
    fpr: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let point = fpr.map(operating_point).transpose()?;
    let (mut data, mut offsets, mut missing) = (Vec::new(), vec![0], Vec::new());
    for item in names.try_iter()? {
        let item = item?;
        let reason = match item.cast::<PyString>() {
            Ok(text) => match text.to_cow() {
                Ok(text) => {
                    data.extend_from_slice(text.as_bytes());
                    None
                }
                Err(_) => Some(String::from("not UTF-8: a lone surrogate")),
            },
            Err(_) if item.is_none() => Some(NULL.to_owned()),
            Err(_) if item.extract::<f64>().is_ok_and(f64::is_nan) => {
                Some(String::from("missing: NaN"))
            }
            Err(_) if item.is_instance_of::<PyBytes>() => {
                Some(String::from("bytes, not a str: decode them first"))
            }
            Err(_) => Some(format!(
                "not a str: {}",
                item.get_type()
                    .name()
                    .map_or_else(|_| String::from("?"), |n| n.to_string())
            )),
        };
        missing.push(reason);
        offsets.push(data.len());
    }
    score_batch(py, &data, &offsets, &missing, point)
}

/// Fewest rows worth a thread of their own.
const MIN_ROWS_PER_THREAD: usize = 4096;

/// Scores every row on every core, with the GIL released, into NumPy columns.
fn score_batch<'py>(
    py: Python<'py>,
    data: &[u8],
    offsets: &[usize],
    missing: &[Option<String>],
    point: Option<OperatingPoint>,
) -> PyResult<Bound<'py, PyDict>> {
    let rows = missing.len();
    let shares = py.detach(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        // A thread costs tens of microseconds to start: small batches stay on this one.
        let threads = cores.min(rows / MIN_ROWS_PER_THREAD).max(1);
        let per_thread = rows.div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..rows)
                .step_by(per_thread)
                .map(|start| {
                    let end = (start + per_thread).min(rows);
                    scope.spawn(move || score_rows(data, offsets, missing, start..end, point))
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join())
                .collect::<Result<Vec<Columns>, _>>()
        })
    });
    let shares =
        shares.map_err(|_| PyRuntimeError::new_err("internal error: a scoring thread panicked"))?;
    columns_to_numpy(py, rows, &shares)
}

fn columns_to_numpy<'py>(
    py: Python<'py>,
    rows: usize,
    shares: &[Columns],
) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    let none = py.None();
    let verdicts = VERDICTS.map(|name| PyString::new(py, name));
    let kinds = SuffixKind::ALL.map(|kind| (kind, PyString::new(py, kind.name())));
    let mut suffixes: std::collections::HashMap<&str, Py<PyAny>> = Default::default();
    let mut reasons: std::collections::HashMap<Unscored, (Py<PyAny>, Py<PyAny>)> =
        Default::default();
    let mut label = Vec::with_capacity(rows);
    let mut suffix = Vec::with_capacity(rows);
    let mut suffix_kind = Vec::with_capacity(rows);
    let mut verdict = Vec::with_capacity(rows);
    let mut unscored = Vec::with_capacity(rows);
    let mut reason = Vec::with_capacity(rows);
    let mut error = Vec::with_capacity(rows);
    for share in shares {
        let mut errors = share.errors.iter().peekable();
        let mut not_scored = share.unscored.iter().peekable();
        let mut start = 0;
        for (row, (&(label_end, suffix_end), kind)) in
            share.text_ends.iter().zip(&share.kinds).enumerate()
        {
            match kind {
                Some(kind) => {
                    label.push(
                        PyString::new(py, &share.text[start..label_end])
                            .into_any()
                            .unbind(),
                    );
                    // Few suffixes recur in a batch: one Python string each.
                    let text = &share.text[label_end..suffix_end];
                    let interned = suffixes
                        .entry(text)
                        .or_insert_with(|| PyString::new(py, text).into_any().unbind());
                    suffix.push(interned.clone_ref(py));
                    let name = kinds.iter().find(|(k, _)| k == kind).map(|(_, n)| n);
                    suffix_kind
                        .push(name.map_or(none.clone_ref(py), |n| n.clone().into_any().unbind()));
                    verdict.push(
                        verdicts[usize::from(share.verdict[row])]
                            .clone()
                            .into_any()
                            .unbind(),
                    );
                    match not_scored.next_if(|(r, _)| *r == row) {
                        Some((_, why)) => {
                            // Few reasons recur in a batch: one pair of Python strings each.
                            let (name, sentence) = reasons.entry(*why).or_insert_with(|| {
                                (
                                    PyString::new(py, why.name()).into_any().unbind(),
                                    PyString::new(py, &why.to_string()).into_any().unbind(),
                                )
                            });
                            unscored.push(name.clone_ref(py));
                            reason.push(sentence.clone_ref(py));
                        }
                        None => {
                            unscored.push(none.clone_ref(py));
                            reason.push(none.clone_ref(py));
                        }
                    }
                    error.push(none.clone_ref(py));
                }
                None => {
                    label.push(none.clone_ref(py));
                    suffix.push(none.clone_ref(py));
                    suffix_kind.push(none.clone_ref(py));
                    verdict.push(none.clone_ref(py));
                    unscored.push(none.clone_ref(py));
                    reason.push(none.clone_ref(py));
                    let message = errors.next_if(|(r, _)| *r == row).map(|(_, m)| m.as_str());
                    error.push(PyString::new(py, message.unwrap_or("")).into_any().unbind());
                }
            }
            start = suffix_end;
        }
    }
    out.set_item("label", PyArray1::from_vec(py, label))?;
    out.set_item("suffix", PyArray1::from_vec(py, suffix))?;
    out.set_item("suffix_kind", PyArray1::from_vec(py, suffix_kind))?;
    out.set_item("verdict", PyArray1::from_vec(py, verdict))?;
    out.set_item("unscored", PyArray1::from_vec(py, unscored))?;
    out.set_item("reason", PyArray1::from_vec(py, reason))?;
    let floats = |pick: fn(&Columns) -> &[f64]| -> Vec<f64> {
        shares
            .iter()
            .flat_map(|s| pick(s).iter().copied())
            .collect()
    };
    out.set_item(
        "p_malicious",
        PyArray1::from_vec(py, floats(|s| &s.p_malicious)),
    )?;
    out.set_item(
        "flagged_at_false_positive_rate",
        PyArray1::from_vec(py, floats(|s| &s.flagged)),
    )?;
    out.set_item("log_odds", PyArray1::from_vec(py, floats(|s| &s.log_odds)))?;
    // A row with no score has no intercept either: NaN, as its other numbers.
    let intercept: Vec<f64> = floats(|s| &s.log_odds)
        .iter()
        .map(|l| {
            if l.is_nan() {
                f64::NAN
            } else {
                MODEL.intercept
            }
        })
        .collect();
    out.set_item("intercept", PyArray1::from_vec(py, intercept))?;
    let concatenated = |column: &dyn Fn(&Columns) -> &[f64]| -> Vec<f64> {
        shares
            .iter()
            .flat_map(|s| column(s).iter().copied())
            .collect()
    };
    for (i, (feature, _)) in MODEL.coefficients.iter().enumerate() {
        let values = concatenated(&|s| &s.values[i]);
        out.set_item(feature.name(), PyArray1::from_vec(py, values))?;
        let contributions = concatenated(&|s| &s.contributions[i]);
        let name = format!("{}_contribution", feature.name());
        out.set_item(name, PyArray1::from_vec(py, contributions))?;
    }
    out.set_item("error", PyArray1::from_vec(py, error))?;
    Ok(out)
}

/// The per-client detector's model: `name`, `window_seconds`, `max_per_name` (the most one name
/// adds to a client's log-odds), `threshold`, `threshold_false_alarm_rate`, `operating_points`
/// (threshold by false alarms per client-day) and `weights` (by signal).
#[pyfunction]
fn hunt_model(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("name", HUNT_MODEL.name)?;
    out.set_item("window_seconds", HUNT_MODEL.window_seconds)?;
    out.set_item("max_per_name", HUNT_MODEL.max_per_name)?;
    out.set_item("threshold", HUNT_MODEL.threshold)?;
    out.set_item(
        "threshold_false_alarm_rate",
        HUNT_MODEL.threshold_false_alarm_rate,
    )?;
    let points = PyDict::new(py);
    for p in HUNT_MODEL.operating_points {
        points.set_item(p.false_alarms_per_client_day, p.threshold)?;
    }
    out.set_item("operating_points", points)?;
    let weights = PyDict::new(py);
    for (signal, weight) in HUNT_MODEL.weights {
        weights.set_item(signal.name(), weight)?;
    }
    out.set_item("weights", weights)?;
    Ok(out)
}

/// The per-client detector: DNS events in log order, alerts out as dicts with the fields of
/// `dga-hunt`'s JSON lines.
#[pyclass(module = "dga_classifier")]
struct Hunter {
    inner: dga_classifier::Hunter<Box<[ClientSlot]>>,
    false_alarms: f64,
}

#[pymethods]
impl Hunter {
    #[new]
    #[pyo3(signature = (window_seconds=None, false_alarms=None, clients=65_536))]
    fn new(
        window_seconds: Option<u32>,
        false_alarms: Option<f64>,
        clients: usize,
    ) -> PyResult<Self> {
        let mut settings = Settings::default();
        if let Some(seconds) = window_seconds {
            if seconds == 0 {
                return Err(PyValueError::new_err("window_seconds must be above 0"));
            }
            settings.window_seconds = seconds;
        }
        let rate = false_alarms.unwrap_or(HUNT_MODEL.threshold_false_alarm_rate);
        let point = HUNT_MODEL.operating_point(rate).ok_or_else(|| {
            let known: Vec<String> = HUNT_MODEL
                .operating_points
                .iter()
                .map(|p| p.false_alarms_per_client_day.to_string())
                .collect();
            PyValueError::new_err(format!(
                "the hunt model has no operating point for {rate} false alarms per client-day (it has {})",
                known.join(", ")
            ))
        })?;
        settings.threshold = point.threshold;
        if clients < dga_classifier::SET_SIZE {
            return Err(PyValueError::new_err(format!(
                "clients must be at least {}",
                dga_classifier::SET_SIZE
            )));
        }
        let slots = vec![ClientSlot::EMPTY; clients].into_boxed_slice();
        Ok(Hunter {
            inner: dga_classifier::Hunter::new(slots, settings),
            false_alarms: point.false_alarms_per_client_day,
        })
    }

    /// Observes events in order: `times` in microseconds since the Unix epoch, then each
    /// event's client, query and response code (a name such as `NXDOMAIN`, or a number), None
    /// where the log has none. Returns the alerts raised, as dicts, and the rows that are not
    /// events, as `(row, reason)` with `row` counted from `first_row`.
    #[pyo3(signature = (times, clients, queries, rcodes, first_row=0))]
    #[allow(clippy::type_complexity)]
    fn observe<'py>(
        &mut self,
        py: Python<'py>,
        times: Vec<Option<i64>>,
        clients: Vec<Option<String>>,
        queries: Vec<Option<String>>,
        rcodes: Vec<Option<String>>,
        first_row: u64,
    ) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyList>)> {
        let rows = times.len();
        if [clients.len(), queries.len(), rcodes.len()] != [rows; 3] {
            return Err(PyValueError::new_err(
                "times, clients, queries and rcodes differ in length",
            ));
        }
        let alerts = PyList::empty(py);
        let errors = PyList::empty(py);
        for (i, (((time, client), query), rcode)) in times
            .iter()
            .zip(&clients)
            .zip(&queries)
            .zip(&rcodes)
            .enumerate()
        {
            let row = first_row + i as u64;
            let rcode = match rcode.as_deref() {
                None | Some("") => Ok(Rcode::Unanswered),
                Some(code) if code.bytes().all(|b| b.is_ascii_digit()) => code
                    .parse()
                    .map(Rcode::from_code)
                    .map_err(|_| format!("response code {code:?} is not a number")),
                Some(name) => {
                    Rcode::from_name(name).ok_or_else(|| format!("unknown response code {name:?}"))
                }
            };
            let event = rcode.and_then(|rcode| {
                let time = time.ok_or("no time")?;
                let client = client.as_deref().ok_or("no client")?;
                let query = query.as_deref().unwrap_or_default();
                let event = Event {
                    time,
                    client,
                    query,
                    rcode,
                };
                self.inner.observe(&event).map_err(|e| e.to_string())
            });
            match event {
                Ok(observed) if observed.alert => {
                    let report = client.as_deref().and_then(|c| self.inner.client(c));
                    if let Some(report) = report {
                        alerts.append(alert(py, &report, self)?)?;
                    }
                }
                Ok(_) => {}
                Err(reason) => errors.append((row, reason))?,
            }
        }
        Ok((alerts, errors))
    }

    /// Every client held: `client`, `events`, `failed`, `alerts`, `first_alert` (RFC 3339 or
    /// None), `max_log_odds`, `log_odds` and its evidence `names`, as dicts.
    fn clients<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for c in self.inner.clients() {
            let row = PyDict::new(py);
            row.set_item("client", c.client())?;
            row.set_item("events", c.events())?;
            row.set_item("failed", c.failed())?;
            row.set_item("alerts", c.alerts())?;
            row.set_item(
                "first_alert",
                c.first_alert().map(|t| Rfc3339(t).to_string()),
            )?;
            row.set_item("max_log_odds", c.max_log_odds())?;
            row.set_item("log_odds", c.log_odds())?;
            let names: Vec<&str> = c.names().map(|n| n.name).collect();
            row.set_item("names", names)?;
            out.append(row)?;
        }
        Ok(out)
    }
}

/// An alert with `dga-hunt`'s fields.
fn alert<'py>(
    py: Python<'py>,
    report: &ClientReport,
    hunter: &Hunter,
) -> PyResult<Bound<'py, PyDict>> {
    let settings = hunter.inner.settings();
    let out = PyDict::new(py);
    out.set_item("client", report.client())?;
    out.set_item("ts", Rfc3339(report.last_seen()).to_string())?;
    out.set_item("log_odds", report.log_odds())?;
    out.set_item("threshold", settings.threshold)?;
    out.set_item("false_alarms_per_client_day", hunter.false_alarms)?;
    out.set_item("window_seconds", settings.window_seconds)?;
    out.set_item("model", settings.model.name)?;
    let terms = PyList::empty(py);
    for t in report.terms() {
        let term = PyDict::new(py);
        term.set_item("term", t.kind.name())?;
        term.set_item("description", t.kind.description())?;
        term.set_item("value", t.value)?;
        term.set_item("contribution", t.contribution)?;
        terms.append(term)?;
    }
    out.set_item("terms", terms)?;
    let names = PyList::empty(py);
    for n in report.names() {
        let name = PyDict::new(py);
        name.set_item("name", n.name)?;
        name.set_item("cut", n.cut)?;
        name.set_item("ts", Rfc3339(n.time).to_string())?;
        name.set_item("contribution", n.contribution)?;
        names.append(name)?;
    }
    out.set_item("names", names)?;
    Ok(out)
}

/// The extension module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Classification>()?;
    m.add_class::<Hunter>()?;
    m.add_class::<Term>()?;
    m.add_function(wrap_pyfunction!(classify, m)?)?;
    m.add_function(wrap_pyfunction!(classify_utf8, m)?)?;
    m.add_function(wrap_pyfunction!(classify_objects, m)?)?;
    m.add_function(wrap_pyfunction!(features, m)?)?;
    m.add_function(wrap_pyfunction!(model, m)?)?;
    m.add_function(wrap_pyfunction!(hunt_model, m)?)?;
    Ok(())
}
