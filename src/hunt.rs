//! Which clients are infected: evidence gathered from each client's stream of DNS look-ups.
//!
//! A machine infected by a DGA family asks for names that do not exist, one after another, with
//! one shape; a healthy machine's failed look-ups are its search-suffix appends, browser probes,
//! reverse look-ups, local names and the odd typo. Per name, dictionary-word families look like
//! anyone's names; per client, their run of never-seen failures gives them away.

use crate::{classify, Outcome, SuffixKind, Unscored};

mod generated {
    include!(concat!(env!("OUT_DIR"), "/hunt_model.rs"));
}

pub use generated::HUNT_MODEL;

/// Longest client identifier the detector keeps, in bytes: an IPv6 address with a zone fits.
pub const MAX_CLIENT_LEN: usize = 64;
/// How many of its evidence names the detector keeps per client: the newest, within the window.
pub const EVIDENCE_NAMES: usize = 16;
/// How many bytes of each evidence name are kept; a longer name is kept cut
/// ([`EvidenceName::cut`]). Every name of the DGA families in the project's data is shorter.
pub const EVIDENCE_NAME_BYTES: usize = 48;
/// Failed names a client has asked for recently, remembered (as hashes) so that asking again is
/// not new evidence.
const RECENT_FAILURES: usize = 32;
/// Clients that share a set: a new client takes the place of the set's longest idle one.
pub const SET_SIZE: usize = 8;
/// Failed look-ups at most this many seconds apart count as [`Signal::Fast`].
pub const FAST_SECONDS: i64 = 60;
/// The name model's log-odds is clamped to this magnitude in [`Signal::NameLogOdds`].
pub const NAME_LOG_ODDS_CLAMP: f64 = 20.0;
const MICROS_PER_SECOND: i64 = 1_000_000;

/// A DNS response code, as logs give it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rcode {
    /// 0: the name exists.
    NoError,
    /// 3: the name does not exist. The only failure that is evidence: what a DGA's unregistered
    /// names get.
    NxDomain,
    /// 2: the server failed.
    ServFail,
    /// 5: the server refused.
    Refused,
    /// Any other code.
    Other(u16),
    /// The log has no response for the query (Zeek's `-`).
    Unanswered,
}

/// The response codes of RFC 1035 and RFC 2136 by their conventional names.
const RCODE_NAMES: [&str; 11] = [
    "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
    "NXRRSET", "NOTAUTH", "NOTZONE",
];

impl Rcode {
    /// The code for its number, as Zeek's `rcode` column and CSV files give it.
    pub const fn from_code(code: u16) -> Rcode {
        match code {
            0 => Rcode::NoError,
            2 => Rcode::ServFail,
            3 => Rcode::NxDomain,
            5 => Rcode::Refused,
            other => Rcode::Other(other),
        }
    }

    /// The code for its name, in any case (`NXDOMAIN`, `NoError`), as Zeek's `rcode_name` and
    /// Suricata's `rcode` give it; `None` for a name that is not one.
    ///
    /// ```
    /// use dga_classifier::Rcode;
    /// assert_eq!(Rcode::from_name("NXDOMAIN"), Some(Rcode::NxDomain));
    /// assert_eq!(Rcode::from_name("notimp"), Some(Rcode::Other(4)));
    /// assert_eq!(Rcode::from_name("bogus"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Rcode> {
        let code = RCODE_NAMES
            .iter()
            .position(|known| known.eq_ignore_ascii_case(name))?;
        u16::try_from(code).ok().map(Rcode::from_code)
    }
}

/// One DNS look-up, as a log records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event<'a> {
    /// When it happened, in microseconds since the Unix epoch.
    pub time: i64,
    /// Who asked: the client's address, or any identifier of at most [`MAX_CLIENT_LEN`] bytes.
    pub client: &'a str,
    /// The name asked for, as the log has it.
    pub query: &'a str,
    /// The answer's response code.
    pub rcode: Rcode,
}

/// A time in microseconds since the Unix epoch, shown as RFC 3339 in UTC to the microsecond
/// (`2018-03-24T17:15:20.865716Z`): how alerts give an [`Event`]'s time.
///
/// ```
/// use dga_classifier::Rfc3339;
/// assert_eq!(Rfc3339(1_521_911_720_865_716).to_string(), "2018-03-24T17:15:20.865716Z");
/// assert_eq!(Rfc3339(-1).to_string(), "1969-12-31T23:59:59.999999Z");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rfc3339(pub i64);

impl core::fmt::Display for Rfc3339 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let seconds = self.0.div_euclid(MICROS_PER_SECOND);
        let fraction = self.0.rem_euclid(MICROS_PER_SECOND);
        let (days, second_of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
        // Days to a date of the proleptic Gregorian calendar, in 400-year eras from 0000-03-01.
        let shifted = days + 719_468;
        let era = shifted.div_euclid(146_097);
        let day_of_era = shifted - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_index = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * month_index + 2) / 5 + 1;
        let month = if month_index < 10 {
            month_index + 3
        } else {
            month_index - 9
        };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{fraction:06}Z",
            second_of_day / 3_600,
            second_of_day / 60 % 60,
            second_of_day % 60
        )
    }
}

/// Why an event cannot be observed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HuntError {
    /// The event's client is empty.
    EmptyClient,
    /// The event's client is longer than [`MAX_CLIENT_LEN`] bytes.
    ClientTooLong {
        /// Its length in bytes.
        length: usize,
    },
    /// The detector was given no room for any client.
    NoCapacity,
}

impl core::fmt::Display for HuntError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match *self {
            HuntError::EmptyClient => f.write_str("the client is empty"),
            HuntError::ClientTooLong { length } => write!(
                f,
                "the client is {length} bytes long, over the limit of {MAX_CLIENT_LEN}"
            ),
            HuntError::NoCapacity => f.write_str("the detector has room for no client"),
        }
    }
}

impl core::error::Error for HuntError {}

/// What one never-seen failed look-up says, each signal a number the [`HuntModel`] weighs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Signal {
    /// 1 for every name the client had not asked for recently that failed, or that resolved
    /// right after one that failed: what such a name says by itself.
    Failed,
    /// The name is a single label (`wpad`, a browser's random probe of the resolver): nobody can
    /// register it, so no DGA asks for it.
    SingleLabel,
    /// A reverse look-up, under `in-addr.arpa` or `ip6.arpa`.
    Reverse,
    /// The name's top-level domain is no public one (`nas.lan`, `dc01.corp.local`,
    /// `printer.home.arpa`): a local name, which nobody can register either.
    LocalName,
    /// 1 when the name resolved, within [`FAST_SECONDS`] of a registrable name that failed, with
    /// its suffix and a label as long within 2 bytes: what a DGA's search ends with, and also
    /// where a person's typo is put right.
    Resolved,
    /// The name model's log-odds for the name's scored label, clamped to ±20. Zero for the
    /// single-label, reverse and local names, as for the signals below.
    NameLogOdds,
    /// The scored label's length in bytes.
    LabelLength,
    /// 1 when the name has the suffix of the client's previous failed registrable name: a
    /// family keeps to its few top-level domains.
    SameSuffix,
    /// 1 when its scored label is within 2 bytes as long as the previous one's.
    CloseLength,
    /// 1 when it failed within [`FAST_SECONDS`] of the previous one.
    Fast,
}

/// How many [`Signal`]s there are.
pub const SIGNAL_COUNT: usize = 10;

impl Signal {
    /// Every signal, in declaration order: the order of [`Signals`] and [`HuntModel::weights`].
    pub const ALL: [Signal; SIGNAL_COUNT] = [
        Signal::Failed,
        Signal::SingleLabel,
        Signal::Reverse,
        Signal::LocalName,
        Signal::Resolved,
        Signal::NameLogOdds,
        Signal::LabelLength,
        Signal::SameSuffix,
        Signal::CloseLength,
        Signal::Fast,
    ];

    /// Its name, as hunt model files and the programs spell it.
    pub const fn name(self) -> &'static str {
        match self {
            Signal::Failed => "failed",
            Signal::SingleLabel => "single_label",
            Signal::Reverse => "reverse",
            Signal::LocalName => "local_name",
            Signal::Resolved => "resolved",
            Signal::NameLogOdds => "name_log_odds",
            Signal::LabelLength => "label_length",
            Signal::SameSuffix => "same_suffix",
            Signal::CloseLength => "close_length",
            Signal::Fast => "fast",
        }
    }

    /// The part of a client's verdict it adds to.
    pub const fn term(self) -> TermKind {
        match self {
            Signal::Failed
            | Signal::SingleLabel
            | Signal::Reverse
            | Signal::LocalName
            | Signal::Resolved => TermKind::FailedNames,
            Signal::NameLogOdds | Signal::LabelLength => TermKind::DgaLike,
            Signal::SameSuffix | Signal::CloseLength => TermKind::Alike,
            Signal::Fast => TermKind::Fast,
        }
    }
}

/// The values of every [`Signal`] for one failed name, in [`Signal::ALL`]'s order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Signals(pub [f32; SIGNAL_COUNT]);

impl Signals {
    /// The value of `signal`.
    pub fn get(&self, signal: Signal) -> f64 {
        f64::from(self.0[signal as usize])
    }

    /// The log-likelihood ratio of the name under `model`, infected against healthy. A name whose
    /// ratio is positive joins its client's evidence.
    pub fn log_likelihood_ratio(&self, model: &HuntModel) -> f64 {
        model.weights.iter().fold(0.0, |sum, &(signal, weight)| {
            sum + weight * self.get(signal)
        })
    }

    /// What the name adds to its client's log-odds as evidence under `model`: its
    /// [log-likelihood ratio](Self::log_likelihood_ratio), at most [`HuntModel::max_per_name`].
    pub fn contribution(&self, model: &HuntModel) -> f64 {
        self.log_likelihood_ratio(model).min(model.max_per_name)
    }

    /// The share of each weight's product the name adds: 1, or less when its ratio is cut to
    /// [`HuntModel::max_per_name`], so that its terms still sum to its contribution.
    fn contribution_scale(&self, model: &HuntModel) -> f64 {
        let ratio = self.log_likelihood_ratio(model);
        if ratio > model.max_per_name {
            model.max_per_name / ratio
        } else {
            1.0
        }
    }
}

/// The parts a client's log-odds is the sum of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TermKind {
    /// How many never-seen names failed (or resolved right after one that failed), and of what
    /// kind.
    FailedNames,
    /// How DGA-like they were: the name model's log-odds and their length.
    DgaLike,
    /// How alike they were: same suffix, like lengths.
    Alike,
    /// How fast they came.
    Fast,
}

/// How many [`TermKind`]s there are.
pub const TERM_COUNT: usize = 4;

impl TermKind {
    /// Every kind, in the order of [`ClientReport::terms`].
    pub const ALL: [TermKind; TERM_COUNT] = [
        TermKind::FailedNames,
        TermKind::DgaLike,
        TermKind::Alike,
        TermKind::Fast,
    ];

    /// A name for APIs and logs.
    pub const fn name(self) -> &'static str {
        match self {
            TermKind::FailedNames => "failed_names",
            TermKind::DgaLike => "dga_like",
            TermKind::Alike => "alike",
            TermKind::Fast => "fast",
        }
    }

    /// What its value is, in a few words.
    pub const fn description(self) -> &'static str {
        match self {
            TermKind::FailedNames => "never-seen names that failed",
            TermKind::DgaLike => "their mean name log-odds",
            TermKind::Alike => "share alike the one before (suffix, length)",
            TermKind::Fast => "share within a minute of the one before",
        }
    }
}

/// One part of a client's verdict.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClientTerm {
    /// Which part.
    pub kind: TermKind,
    /// Its value over the client's evidence names, as [`TermKind::description`] says.
    pub value: f64,
    /// What it adds to the client's log-odds.
    pub contribution: f64,
}

/// A threshold on a client's log-odds set for a rate of false alarms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HuntOperatingPoint {
    /// The share of healthy client-days that reach `threshold`, at most, on the training days.
    pub false_alarms_per_client_day: f64,
    /// A client is alerted when its log-odds reaches this.
    pub threshold: f64,
}

/// The per-client detector's parameters, as compiled in from `model/hunt.toml` ([`HUNT_MODEL`])
/// or built by a trainer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HuntModel {
    /// The model file's `name`.
    pub name: &'static str,
    /// The name model ([`crate::MODEL`]) its [`Signal::NameLogOdds`] weight was trained with.
    pub name_model: &'static str,
    /// The window it was trained with, in seconds: evidence older than this is dropped.
    pub window_seconds: u32,
    /// Each signal's weight, in [`Signal::ALL`]'s order.
    pub weights: [(Signal, f64); SIGNAL_COUNT],
    /// The most one name adds to its client's log-odds. The ratios assume a client's names are
    /// independent, and a healthy client's rare DGA-like names (an advertiser's random domain
    /// its resolver blocks) would alone carry it to the threshold; cut here, an alert takes
    /// several names.
    pub max_per_name: f64,
    /// Thresholds for stated false alarms per healthy client-day, strictest last.
    pub operating_points: &'static [HuntOperatingPoint],
    /// The default threshold: the operating point for [`Self::threshold_false_alarm_rate`].
    pub threshold: f64,
    /// The false alarms per client-day the default threshold was set for.
    pub threshold_false_alarm_rate: f64,
}

impl HuntModel {
    /// The weight of `signal`.
    pub fn weight(&self, signal: Signal) -> f64 {
        self.weights
            .iter()
            .find(|(s, _)| *s == signal)
            .map_or(0.0, |&(_, weight)| weight)
    }

    /// The operating point for exactly `false_alarms_per_client_day`, if the model has one.
    ///
    /// ```
    /// use dga_classifier::HUNT_MODEL;
    /// for point in HUNT_MODEL.operating_points {
    ///     assert_eq!(HUNT_MODEL.operating_point(point.false_alarms_per_client_day), Some(*point));
    /// }
    /// ```
    pub fn operating_point(&self, false_alarms_per_client_day: f64) -> Option<HuntOperatingPoint> {
        self.operating_points
            .iter()
            .find(|p| p.false_alarms_per_client_day == false_alarms_per_client_day)
            .copied()
    }
}

/// How a [`Hunter`] judges.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// The model.
    pub model: HuntModel,
    /// Evidence older than this many seconds is dropped.
    pub window_seconds: u32,
    /// A client is alerted when its log-odds reaches this.
    pub threshold: f64,
}

impl Default for Settings {
    /// [`HUNT_MODEL`] with its window and default threshold.
    fn default() -> Settings {
        Settings {
            model: HUNT_MODEL,
            window_seconds: HUNT_MODEL.window_seconds,
            threshold: HUNT_MODEL.threshold,
        }
    }
}

/// What [`Hunter::observe`] made of an event.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Observation {
    /// The signals of the event's name, when it was a failed name the client had not asked for
    /// recently; `None` otherwise.
    pub signals: Option<Signals>,
    /// The client's log-odds after the event.
    pub log_odds: f64,
    /// Whether the event took the client across the threshold: an alert, whose details
    /// [`Hunter::client`] gives.
    pub alert: bool,
}

/// A name that is part of a client's evidence.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Evidence {
    time: i64,
    signals: Signals,
    name: [u8; EVIDENCE_NAME_BYTES],
    name_len: u8,
    cut: bool,
}

impl Evidence {
    const EMPTY: Evidence = Evidence {
        time: 0,
        signals: Signals([0.0; SIGNAL_COUNT]),
        name: [0; EVIDENCE_NAME_BYTES],
        name_len: 0,
        cut: false,
    };
}

/// The client's previous failed registrable name, which the next is compared with.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Previous {
    time: i64,
    suffix_hash: u64,
    label_len: usize,
}

/// Room for one client in a [`Hunter`]. Make storage with `[ClientSlot::EMPTY; N]` or
/// `vec![ClientSlot::EMPTY; n]`; each takes 1,976 bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientSlot {
    used: bool,
    hash: u64,
    client: [u8; MAX_CLIENT_LEN],
    client_len: u8,
    first_seen: i64,
    last_seen: i64,
    events: u64,
    failed: u64,
    recent_failures: [u32; RECENT_FAILURES],
    recent_next: u8,
    previous: Option<Previous>,
    evidence: [Evidence; EVIDENCE_NAMES],
    evidence_start: u8,
    evidence_len: u8,
    log_odds: f64,
    alerted: bool,
    alerts: u32,
    first_alert: Option<i64>,
    max_log_odds: f64,
}

impl ClientSlot {
    /// A slot with no client in it.
    pub const EMPTY: ClientSlot = ClientSlot {
        used: false,
        hash: 0,
        client: [0; MAX_CLIENT_LEN],
        client_len: 0,
        first_seen: 0,
        last_seen: 0,
        events: 0,
        failed: 0,
        recent_failures: [0; RECENT_FAILURES],
        recent_next: 0,
        previous: None,
        evidence: [Evidence::EMPTY; EVIDENCE_NAMES],
        evidence_start: 0,
        evidence_len: 0,
        log_odds: 0.0,
        alerted: false,
        alerts: 0,
        first_alert: None,
        max_log_odds: 0.0,
    };

    fn client(&self) -> &str {
        let bytes = self
            .client
            .get(..usize::from(self.client_len))
            .unwrap_or_default();
        core::str::from_utf8(bytes).unwrap_or_default()
    }

    fn evidence(&self) -> impl Iterator<Item = &Evidence> {
        (0..usize::from(self.evidence_len)).filter_map(move |i| {
            self.evidence
                .get((usize::from(self.evidence_start) + i) % EVIDENCE_NAMES)
        })
    }

    /// Forgets evidence older than `oldest`; whether any was forgotten.
    fn expire(&mut self, oldest: i64) -> bool {
        let before = self.evidence_len;
        while self.evidence_len > 0 {
            let start = usize::from(self.evidence_start);
            if self.evidence.get(start).is_none_or(|e| e.time >= oldest) {
                break;
            }
            self.evidence_start = ((start + 1) % EVIDENCE_NAMES) as u8;
            self.evidence_len -= 1;
        }
        self.evidence_len != before
    }

    fn push_evidence(&mut self, evidence: Evidence) {
        let len = usize::from(self.evidence_len);
        let start = usize::from(self.evidence_start);
        if len == EVIDENCE_NAMES {
            // Full: the newest takes the oldest's place.
            if let Some(slot) = self.evidence.get_mut(start) {
                *slot = evidence;
            }
            self.evidence_start = ((start + 1) % EVIDENCE_NAMES) as u8;
        } else {
            if let Some(slot) = self.evidence.get_mut((start + len) % EVIDENCE_NAMES) {
                *slot = evidence;
            }
            self.evidence_len += 1;
        }
    }

    /// Remembers `key` as failed; whether it was already remembered.
    fn failed_before(&mut self, key: u32) -> bool {
        if self.recent_failures.contains(&key) {
            return true;
        }
        let next = usize::from(self.recent_next);
        if let Some(slot) = self.recent_failures.get_mut(next) {
            *slot = key;
        }
        self.recent_next = ((next + 1) % RECENT_FAILURES) as u8;
        false
    }

    fn terms(&self, model: &HuntModel) -> [ClientTerm; TERM_COUNT] {
        let mut terms = TermKind::ALL.map(|kind| ClientTerm {
            kind,
            value: 0.0,
            contribution: 0.0,
        });
        let count = f64::from(self.evidence_len);
        for evidence in self.evidence() {
            let scale = evidence.signals.contribution_scale(model);
            for (signal, weight) in model.weights {
                if let Some(term) = terms.get_mut(signal.term() as usize) {
                    term.contribution += scale * weight * evidence.signals.get(signal);
                }
            }
            for term in &mut terms {
                term.value += match term.kind {
                    TermKind::FailedNames => 1.0,
                    TermKind::DgaLike => evidence.signals.get(Signal::NameLogOdds) / count,
                    TermKind::Alike => {
                        (evidence.signals.get(Signal::SameSuffix)
                            + evidence.signals.get(Signal::CloseLength))
                            / (2.0 * count)
                    }
                    TermKind::Fast => evidence.signals.get(Signal::Fast) / count,
                };
            }
        }
        terms
    }

    fn update_log_odds(&mut self, model: &HuntModel) {
        self.log_odds = sum_of(&self.terms(model));
        if self.log_odds > self.max_log_odds {
            self.max_log_odds = self.log_odds;
        }
    }
}

/// A client's log-odds: its terms' contributions summed in order.
fn sum_of(terms: &[ClientTerm; TERM_COUNT]) -> f64 {
    terms.iter().fold(0.0, |sum, term| sum + term.contribution)
}

/// The per-client detector: fed a DNS log's events in order, it keeps each client's evidence
/// over a window and says when a client crosses its threshold.
///
/// Memory is the storage the caller gives it, one [`ClientSlot`] per client; nothing is
/// allocated. A client may sit in either of two sets of [`SET_SIZE`] slots, both chosen by a
/// hash of its identifier (the storage's length is rounded down to a multiple of the set size):
/// a client new to the detector takes an empty slot of the two sets, and when both are full, the
/// place of their longest idle client, whose evidence is lost ([`Stats::evicted`] counts them).
/// With room for twice the clients active within a window, no client gave way in the tests.
///
/// Evidence is the client's failed look-ups (`NXDOMAIN`) of names it had not asked for in its
/// last 32 failures. Each has [`Signals`]; a name whose log-likelihood ratio under the model is
/// positive joins the client's evidence (at most [`EVIDENCE_NAMES`], the newest, within the
/// window), and the client's log-odds is the sum of their [contributions](Signals::contribution)
/// (each ratio, at most [`HuntModel::max_per_name`]), in [`TermKind`]s. A client is alerted when
/// its log-odds reaches the threshold, and again only after it has fallen below it.
///
/// ```
/// use dga_classifier::{ClientSlot, Event, Hunter, Rcode, Settings};
///
/// let mut storage = [ClientSlot::EMPTY; 16];
/// let mut hunter = Hunter::new(&mut storage[..], Settings::default());
/// let names = ["xjwqpzkvbrtmh.com", "qpwzkvhrtbmsx.com", "kvzqpwhxrtbmj.com", "zmqkvhwprtbxj.com"];
/// let mut alerted = false;
/// for (i, name) in names.iter().cycle().take(12).enumerate() {
///     let query = format!("{i}{name}");
///     let event = Event { time: i as i64 * 1_000_000, client: "10.0.0.7", query: &query, rcode: Rcode::NxDomain };
///     alerted |= hunter.observe(&event).unwrap().alert;
/// }
/// assert!(alerted);
/// let report = hunter.client("10.0.0.7").unwrap();
/// assert_eq!(report.log_odds(), report.terms().iter().fold(0.0, |sum, t| sum + t.contribution));
/// assert!(report.names().count() > 0);
/// ```
#[derive(Debug)]
pub struct Hunter<S> {
    slots: S,
    settings: Settings,
    stats: Stats,
}

/// What a [`Hunter`] has counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Events observed.
    pub events: u64,
    /// Of those, failed look-ups (`NXDOMAIN`).
    pub failed: u64,
    /// Failed look-ups no evidence comes from: IP addresses, internationalised labels, labels no
    /// registry takes (`exa_mple.com`, `*`) and what is not a name at all.
    pub unscored: u64,
    /// Events whose time was before their client's previous one: taken at that time instead.
    pub out_of_order: u64,
    /// Clients that took another's place.
    pub evicted: u64,
    /// Alerts raised.
    pub alerts: u64,
}

impl<S: AsRef<[ClientSlot]> + AsMut<[ClientSlot]>> Hunter<S> {
    /// A detector keeping clients in `slots`, judging by `settings`.
    pub fn new(slots: S, settings: Settings) -> Hunter<S> {
        Hunter {
            slots,
            settings,
            stats: Stats::default(),
        }
    }

    /// The settings it judges by.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// What it has counted.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Takes one event into its client's evidence.
    pub fn observe(&mut self, event: &Event<'_>) -> Result<Observation, HuntError> {
        let client = event.client.as_bytes();
        if client.is_empty() {
            return Err(HuntError::EmptyClient);
        }
        if client.len() > MAX_CLIENT_LEN {
            return Err(HuntError::ClientTooLong {
                length: client.len(),
            });
        }
        let hash = hash_bytes(client);
        let (index, own) = self.slot_index(client, hash)?;
        let Settings {
            model,
            window_seconds,
            threshold,
        } = self.settings;
        self.stats.events += 1;
        let stats = &mut self.stats;
        let slot = self
            .slots
            .as_mut()
            .get_mut(index)
            .ok_or(HuntError::NoCapacity)?;
        if !own {
            if slot.used {
                stats.evicted += 1;
            }
            *slot = ClientSlot::EMPTY;
            slot.used = true;
            slot.hash = hash;
            if let Some(room) = slot.client.get_mut(..client.len()) {
                room.copy_from_slice(client);
            }
            slot.client_len = client.len() as u8;
            slot.first_seen = event.time;
            slot.last_seen = event.time;
        }
        let time = if event.time < slot.last_seen {
            stats.out_of_order += 1;
            slot.last_seen
        } else {
            event.time
        };
        slot.last_seen = time;
        slot.events += 1;
        let window = i64::from(window_seconds).saturating_mul(MICROS_PER_SECOND);
        let mut changed = slot.expire(time.saturating_sub(window));
        let mut signals = None;
        let failed = event.rcode == Rcode::NxDomain;
        // The name a search for a live name ends with, or a typo put right.
        let found = event.rcode == Rcode::NoError
            && slot
                .previous
                .is_some_and(|p| time - p.time <= FAST_SECONDS * MICROS_PER_SECOND);
        if failed {
            stats.failed += 1;
            slot.failed += 1;
        }
        if failed || found {
            match name_signals(slot, event.query, time, found) {
                Some((found, Some(evidence))) => {
                    signals = Some(found);
                    if found.log_likelihood_ratio(&model) > 0.0 {
                        slot.push_evidence(evidence);
                        changed = true;
                    }
                }
                Some((_, None)) => {}
                None => stats.unscored += u64::from(failed),
            }
        }
        if changed {
            slot.update_log_odds(&model);
        }
        let above = slot.log_odds >= threshold;
        let alert = above && !slot.alerted;
        slot.alerted = above;
        if alert {
            slot.alerts += 1;
            slot.first_alert.get_or_insert(time);
            stats.alerts += 1;
        }
        Ok(Observation {
            signals,
            log_odds: slot.log_odds,
            alert,
        })
    }

    /// What the detector holds on `client`, if it holds it.
    pub fn client(&self, client: &str) -> Option<ClientReport<'_>> {
        let hash = hash_bytes(client.as_bytes());
        let slots = self.slots.as_ref();
        candidates(slots.len(), hash)
            .filter_map(|i| slots.get(i))
            .find(|slot| slot.used && slot.hash == hash && slot.client() == client)
            .map(|slot| self.report(slot))
    }

    /// Every client it holds, in storage order.
    pub fn clients(&self) -> impl Iterator<Item = ClientReport<'_>> {
        self.slots
            .as_ref()
            .iter()
            .filter(|slot| slot.used)
            .map(|slot| self.report(slot))
    }

    fn report<'h>(&'h self, slot: &'h ClientSlot) -> ClientReport<'h> {
        ClientReport {
            slot,
            model: &self.settings.model,
        }
    }

    /// The slot for `client`, and whether it already holds it: its own, else an empty one of
    /// the emptier of its two sets, else the longest idle of both.
    fn slot_index(&self, client: &[u8], hash: u64) -> Result<(usize, bool), HuntError> {
        let slots = self.slots.as_ref();
        let slot = |i: usize| slots.get(i);
        let [first, second] = sets(slots.len(), hash);
        let all = || first.clone().chain(second.clone());
        let own = |i: &usize| {
            slot(*i).is_some_and(|s| s.used && s.hash == hash && s.client().as_bytes() == client)
        };
        let empty = |i: &usize| slot(*i).is_some_and(|s| !s.used);
        if let Some(i) = all().find(own) {
            return Ok((i, true));
        }
        let emptier = if second.clone().filter(empty).count() > first.clone().filter(empty).count()
        {
            second.clone()
        } else {
            first.clone()
        };
        emptier
            .into_iter()
            .find(empty)
            .or_else(|| all().min_by_key(|&i| slot(i).map_or(i64::MAX, |s| s.last_seen)))
            .map(|i| (i, false))
            .ok_or(HuntError::NoCapacity)
    }
}

/// The slots a client of `hash` may take among `len`: two sets of [`SET_SIZE`], chosen by the
/// two halves of the hash (the second empty when both halves choose one set). A new client goes
/// to the emptier: with two choices, the fullest set is far less full than with one.
fn sets(len: usize, hash: u64) -> [core::ops::Range<usize>; 2] {
    let size = len.min(SET_SIZE);
    let count = len.checked_div(size).unwrap_or(0) as u64;
    let start = |half: u64| {
        if count == 0 {
            0
        } else {
            (half % count) as usize * size
        }
    };
    let (first, second) = (start(hash >> 32), start(hash & 0xffff_ffff));
    let second_end = if first == second {
        second
    } else {
        second + size
    };
    [first..first + size, second..second_end]
}

/// Every slot of [`sets`].
fn candidates(len: usize, hash: u64) -> impl Iterator<Item = usize> {
    let [first, second] = sets(len, hash);
    first.chain(second)
}

/// The signals of a look-up of `query` by the client of `slot` at `time` that failed, or that
/// `resolved` right after a failure, and the evidence it would be: `None` when the client had
/// asked for the name recently, or when a name that resolved is not a registrable one; `None`
/// for a query that cannot be scored.
fn name_signals(
    slot: &mut ClientSlot,
    query: &str,
    time: i64,
    resolved: bool,
) -> Option<(Signals, Option<Evidence>)> {
    let classification = classify(query).ok()?;
    let label = classification.label.as_str();
    let suffix = classification.suffix.as_str();
    let suffix_hash = hash_bytes(suffix.as_bytes());
    let key = (hash_bytes(label.as_bytes()) ^ suffix_hash.rotate_left(17)) as u32;
    let mut values = [0.0_f32; SIGNAL_COUNT];
    let mut set = |signal: Signal, value: f64| {
        if let Some(v) = values.get_mut(signal as usize) {
            *v = value as f32;
        }
    };
    set(Signal::Failed, 1.0);
    let (single, reverse, local, log_odds) = match classification.outcome {
        // The rest of `arpa` is special-use as well: infrastructure, never a DGA's.
        Outcome::Scored(score) => (
            classification.suffix_kind == SuffixKind::SingleLabel,
            false,
            suffix == "arpa" || suffix.ends_with(".arpa"),
            score.log_odds,
        ),
        Outcome::Unscored(Unscored::ReverseLookup) => (false, true, false, 0.0),
        Outcome::Unscored(Unscored::SpecialUse { .. } | Unscored::PrivateTopLevel) => {
            (false, false, true, 0.0)
        }
        // An address, an internationalised label, a label no registry takes: no evidence.
        Outcome::Unscored(_) => return None,
    };
    let registrable = !(single || reverse || local);
    if resolved && !registrable {
        return Some((Signals(values), None));
    }
    if !registrable {
        set(Signal::SingleLabel, f64::from(u8::from(single)));
        set(Signal::Reverse, f64::from(u8::from(reverse)));
        set(Signal::LocalName, f64::from(u8::from(local)));
    } else {
        set(Signal::Resolved, f64::from(u8::from(resolved)));
        set(
            Signal::NameLogOdds,
            log_odds.clamp(-NAME_LOG_ODDS_CLAMP, NAME_LOG_ODDS_CLAMP),
        );
        set(Signal::LabelLength, label.len() as f64);
        if let Some(previous) = slot.previous {
            let close = previous.label_len.abs_diff(label.len()) <= 2;
            let soon = time - previous.time <= FAST_SECONDS * MICROS_PER_SECOND;
            set(
                Signal::SameSuffix,
                f64::from(u8::from(previous.suffix_hash == suffix_hash)),
            );
            set(Signal::CloseLength, f64::from(u8::from(close)));
            set(Signal::Fast, f64::from(u8::from(soon)));
        }
    }
    let signals = Signals(values);
    // A name that resolved says something only when it is like the one that failed before it,
    // as the name a DGA's search ends with is: a page's other names are not.
    let like_the_failure =
        signals.get(Signal::SameSuffix) == 1.0 && signals.get(Signal::CloseLength) == 1.0;
    if (resolved && !like_the_failure) || slot.failed_before(key) {
        return Some((signals, None));
    }
    if registrable && !resolved {
        slot.previous = Some(Previous {
            time,
            suffix_hash,
            label_len: label.len(),
        });
    }
    let mut name = [0; EVIDENCE_NAME_BYTES];
    let kept = query.len().min(EVIDENCE_NAME_BYTES);
    // Cut on a character boundary, so the kept bytes stay a string.
    let kept = (0..=kept)
        .rev()
        .find(|&n| query.is_char_boundary(n))
        .unwrap_or(0);
    if let (Some(room), Some(bytes)) = (name.get_mut(..kept), query.as_bytes().get(..kept)) {
        room.copy_from_slice(bytes);
        room.make_ascii_lowercase();
    }
    Some((
        signals,
        Some(Evidence {
            time,
            signals,
            name,
            name_len: kept as u8,
            cut: kept < query.len(),
        }),
    ))
}

/// FNV-1a, 64 bits, then splitmix64's finaliser: client identifiers and labels are short and
/// need no state, but FNV alone leaves addresses that differ in their last bytes in few sets.
fn hash_bytes(bytes: &[u8]) -> u64 {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    let hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

/// What a [`Hunter`] holds on one client.
#[derive(Clone, Copy, Debug)]
pub struct ClientReport<'h> {
    slot: &'h ClientSlot,
    model: &'h HuntModel,
}

/// One name of a client's evidence.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EvidenceName<'h> {
    /// When it failed, in microseconds since the Unix epoch.
    pub time: i64,
    /// The name as asked, lowercased; its first [`EVIDENCE_NAME_BYTES`] bytes when [`Self::cut`].
    pub name: &'h str,
    /// Whether the name was longer than what is kept.
    pub cut: bool,
    /// What it adds to the client's log-odds.
    pub contribution: f64,
    /// Its signals.
    pub signals: Signals,
}

impl<'h> ClientReport<'h> {
    /// The client's identifier.
    pub fn client(&self) -> &'h str {
        self.slot.client()
    }

    /// Its first event's time since it took its slot, in microseconds since the Unix epoch.
    pub fn first_seen(&self) -> i64 {
        self.slot.first_seen
    }

    /// Its latest event's time.
    pub fn last_seen(&self) -> i64 {
        self.slot.last_seen
    }

    /// Its events.
    pub fn events(&self) -> u64 {
        self.slot.events
    }

    /// Its failed look-ups (`NXDOMAIN`).
    pub fn failed(&self) -> u64 {
        self.slot.failed
    }

    /// Its log-odds now: the sum of [`Self::terms`]' contributions, in order.
    pub fn log_odds(&self) -> f64 {
        self.slot.log_odds
    }

    /// The highest its log-odds has been.
    pub fn max_log_odds(&self) -> f64 {
        self.slot.max_log_odds
    }

    /// How many times it was alerted.
    pub fn alerts(&self) -> u32 {
        self.slot.alerts
    }

    /// When it was first alerted.
    pub fn first_alert(&self) -> Option<i64> {
        self.slot.first_alert
    }

    /// The parts of its log-odds, in [`TermKind::ALL`]'s order.
    pub fn terms(&self) -> [ClientTerm; TERM_COUNT] {
        self.slot.terms(self.model)
    }

    /// The names that carry its log-odds, oldest first.
    pub fn names(&self) -> impl Iterator<Item = EvidenceName<'h>> + 'h {
        let model = self.model;
        self.slot.evidence().map(move |evidence| {
            let bytes = evidence
                .name
                .get(..usize::from(evidence.name_len))
                .unwrap_or_default();
            EvidenceName {
                time: evidence.time,
                name: core::str::from_utf8(bytes).unwrap_or_default(),
                cut: evidence.cut,
                contribution: evidence.signals.contribution(model),
                signals: evidence.signals,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{generated::MODEL_FILE_SIGNALS, Signal, TermKind, HUNT_MODEL};

    /// The build script reads hunt model files with its own list of signals: it must name every
    /// signal as [`Signal::name`] does, in [`Signal::ALL`]'s order.
    #[test]
    fn build_script_knows_every_signal_by_its_name() {
        assert_eq!(MODEL_FILE_SIGNALS.len(), Signal::ALL.len());
        for ((name, variant), signal) in MODEL_FILE_SIGNALS.into_iter().zip(Signal::ALL) {
            assert_eq!((variant, name), (signal, signal.name()));
        }
        let weighed: [Signal; super::SIGNAL_COUNT] = HUNT_MODEL.weights.map(|(s, _)| s);
        assert_eq!(weighed, Signal::ALL);
    }

    /// `terms()` indexes its array by `TermKind as usize`.
    #[test]
    fn term_kinds_are_in_declaration_order() {
        for (i, kind) in TermKind::ALL.into_iter().enumerate() {
            assert_eq!(kind as usize, i);
        }
    }
}
