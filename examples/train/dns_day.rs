//! Simulated DNS days, for training and measuring the per-client detector: a resolver's day of
//! healthy clients, the real 2018 sample replayed as background, and clients infected by each DGA
//! family, noisy or quiet. Seeded: one seed, one day, on every machine.
//!
//! What healthy clients do, each drawn per client:
//! - look up names of the 2026 resolver list (rank drawn log-uniformly, so popular names come
//!   back), a few at a time as pages load, over a working day or all day (one in ten);
//! - 1 % of look-ups are CDN names with random labels that resolve (`d1x2….cloudfront.net`);
//! - 2 % get the client's search domain appended (`mail.google.com.corp.example.com`): NXDOMAIN;
//! - a browser's three random single-label probes (7-15 letters) at start and at each of up to
//!   three network changes; `wpad` and `isatap`, bare and under the search domain;
//! - one in five sweeps reverse look-ups (5-200 `in-addr.arpa` names, most NXDOMAIN);
//! - three in ten ask for local names (`nas.lan`, `dc01.corp.local`, `router.home.arpa`, SRV);
//! - typos of popular names (Poisson, mean 1 a day) and expired names from the list's tail
//!   (mean 0.5), NXDOMAIN;
//! - one in four sits behind a blocking resolver: tracking, advertising and telemetry names
//!   (by the words in them) get NXDOMAIN each time;
//! - 0.1 % of look-ups get SERVFAIL.
//!
//! An infected client is a healthy one plus its family's names, taken in the family list's order
//! from an offset shared by the family's clients that day (a DGA's names are the day's, the same
//! on every machine):
//! - noisy: a burst of 10-100 names, 0.3-2 s apart, every 5-60 minutes; 1 % resolve;
//! - quiet: every 1-6 hours, names tried 1-10 s apart until one resolves, after a geometric
//!   number of failures (mean about 2, at most 30).

use dga_classifier::{classify, Rcode};
use std::io::{BufRead, Write};
use std::path::Path;

/// Midnight UTC of 2026-07-24, the resolver list's date, in microseconds since the Unix epoch.
pub const DAY_START: i64 = 1_784_851_200 * MICROS;
const MICROS: i64 = 1_000_000;
pub const DAY: i64 = 86_400 * MICROS;
const HOUR: i64 = 3_600 * MICROS;
const MINUTE: i64 = 60 * MICROS;

/// Search domains healthy clients append to names.
const SEARCH_DOMAINS: [&str; 5] = [
    "corp.example.com",
    "ad.contoso.com",
    "office.acme.org",
    "lan.fabrikam.net",
    "int.northwind.io",
];
/// Substrings of names a blocking resolver refuses.
const BLOCKED_WORDS: [&str; 9] = [
    "ads",
    "track",
    "analytic",
    "metric",
    "telemetry",
    "pixel",
    "beacon",
    "doubleclick",
    "stat",
];

/// What the simulation draws names from.
pub struct Sources {
    /// Host names of the resolver list, in rank order, with whether a blocking resolver refuses
    /// each.
    popular: Vec<(String, bool)>,
    /// Registrable names (`label.suffix`) of the list's first names, to mistype.
    typo_bases: Vec<(String, String)>,
    /// Each family's name and host names, in list order.
    pub families: Vec<(String, Vec<String>)>,
    /// The real sample's events: time from its first, client, query, response code.
    background: Vec<(i64, String, String, Rcode)>,
}

impl Sources {
    /// `resolver_list`: host names in rank order; `families`: each family's name and hosts in
    /// list order; `background`: a Zeek `dns.log` (gzip or plain).
    pub fn load(
        resolver_list: &Path,
        families: Vec<(String, Vec<String>)>,
        background: &Path,
    ) -> Result<Sources, String> {
        let text = std::fs::read_to_string(resolver_list)
            .map_err(|e| format!("{}: {e}", resolver_list.display()))?;
        let mut popular = Vec::new();
        let mut typo_bases = Vec::new();
        for host in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let Ok(c) = classify(host) else { continue };
            let label = c.label.as_str();
            let blocked = BLOCKED_WORDS.iter().any(|w| host.contains(w));
            if typo_bases.len() < 3_000 && label.len() >= 4 && !c.suffix.is_empty() {
                typo_bases.push((label.to_owned(), c.suffix.to_string()));
            }
            popular.push((host.to_owned(), blocked));
        }
        Ok(Sources {
            popular,
            typo_bases,
            families,
            background: read_zeek_background(background)?,
        })
    }
}

/// Who a simulated client is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientKind {
    /// A simulated healthy machine.
    Healthy,
    /// A machine of the real sample.
    Background,
    /// Infected by the family of this index, sending bursts.
    Noisy(usize),
    /// Infected by the family of this index, trying names until one resolves.
    Quiet(usize),
}

/// One look-up of a simulated day.
pub struct DayEvent {
    pub time: i64,
    pub client: u32,
    pub query: String,
    pub rcode: Rcode,
    /// Whether the name is a DGA family's.
    pub dga: bool,
}

/// Simulated days: their clients (address and kind) and their events in time order, from
/// [`DAY_START`] on.
pub struct Day {
    pub clients: Vec<(String, ClientKind)>,
    pub events: Vec<DayEvent>,
    /// How many days the events span.
    pub days: usize,
}

/// Simulates `days` days from the seed `seed`: `healthy` healthy clients, the real sample (once
/// a day), and one noisy and one quiet client for each family of `infected` (indices into
/// `sources.families`). A client is the same machine every day, and an infected one goes on
/// down its family's list where it left off.
pub fn simulate(
    sources: &Sources,
    seed: u64,
    healthy: usize,
    infected: &[usize],
    days: usize,
) -> Day {
    let mut rng = Rng(seed);
    let mut clients = Vec::new();
    let mut events = Vec::new();
    for _ in 0..healthy {
        clients.push(ClientKind::Healthy);
    }
    for &family in infected {
        clients.push(ClientKind::Noisy(family));
        clients.push(ClientKind::Quiet(family));
    }
    let offsets: Vec<usize> = sources
        .families
        .iter()
        .map(|(_, names)| rng.below(names.len().max(1)))
        .collect();
    let mut addresses: Vec<(String, ClientKind)> = Vec::new();
    for (index, &kind) in clients.iter().enumerate() {
        let client = addresses.len() as u32;
        addresses.push((address(index), kind));
        let first_name = match kind {
            ClientKind::Noisy(family) | ClientKind::Quiet(family) => offsets[family],
            _ => 0,
        };
        let mut next = first_name;
        for day in 0..days {
            let active = healthy_day(
                sources,
                &mut rng,
                client,
                &mut events,
                DAY_START + day as i64 * DAY,
            );
            match kind {
                ClientKind::Noisy(family) | ClientKind::Quiet(family) => {
                    let names = &sources.families[family].1;
                    let mut take = || {
                        let name = names[next % names.len()].clone();
                        next += 1;
                        name
                    };
                    let noisy = matches!(kind, ClientKind::Noisy(_));
                    // A look-up of the next name, which resolved or did not.
                    let mut push = |time, found: bool| {
                        let query = take();
                        let rcode = if found {
                            Rcode::NoError
                        } else {
                            Rcode::NxDomain
                        };
                        events.push(DayEvent {
                            time,
                            client,
                            query,
                            rcode,
                            dga: true,
                        });
                    };
                    let mut time = active.0 + rng.below_i64(HOUR);
                    while time < active.1 {
                        if noisy {
                            for _ in 0..rng.range(10, 100) {
                                let found = rng.chance(0.01);
                                push(time, found);
                                time += rng.range_i64(300_000, 2 * MICROS);
                            }
                            time += rng.range_i64(5 * MINUTE, 60 * MINUTE);
                        } else {
                            let failures = rng.geometric(0.35).min(30);
                            for attempt in 0..=failures {
                                let found = attempt == failures;
                                push(time, found);
                                time += rng.range_i64(MICROS, 10 * MICROS);
                            }
                            time += rng.range_i64(HOUR, 6 * HOUR);
                        }
                    }
                }
                ClientKind::Healthy | ClientKind::Background => {}
            }
        }
    }
    let mut background_clients = std::collections::HashMap::new();
    for day in 0..days {
        let shift = DAY_START + day as i64 * DAY + rng.range_i64(8 * HOUR, 16 * HOUR);
        for (time, client, query, rcode) in &sources.background {
            let id = *background_clients
                .entry(client.as_str())
                .or_insert_with(|| {
                    addresses.push((client.clone(), ClientKind::Background));
                    addresses.len() as u32 - 1
                });
            events.push(DayEvent {
                time: shift + time,
                client: id,
                query: query.clone(),
                rcode: *rcode,
                dga: false,
            });
        }
    }
    // Stable: a client's events at one time stay in the order they were made.
    events.sort_by_key(|e| e.time);
    Day {
        clients: addresses,
        events,
        days,
    }
}

/// A healthy machine's look-ups on the day from `midnight`, pushed to `events`; returns its
/// active span.
fn healthy_day(
    sources: &Sources,
    rng: &mut Rng,
    client: u32,
    events: &mut Vec<DayEvent>,
    midnight: i64,
) -> (i64, i64) {
    let always_on = rng.chance(0.1);
    let start = if always_on {
        midnight
    } else {
        midnight + rng.range_i64(6 * HOUR, 10 * HOUR)
    };
    let end = if always_on {
        midnight + DAY
    } else {
        start + rng.range_i64(8 * HOUR, 12 * HOUR)
    };
    let search = SEARCH_DOMAINS[rng.below(SEARCH_DOMAINS.len())];
    let blocking = rng.chance(0.25);
    let mut push = |time: i64, query: String, rcode: Rcode| {
        events.push(DayEvent {
            time,
            client,
            query,
            rcode,
            dga: false,
        });
    };
    let lookups = rng.range(300, 2_500);
    let mut made = 0;
    while made < lookups {
        let mut time = rng.range_i64(start, end);
        for _ in 0..rng.range(1, 15) {
            made += 1;
            time += rng.range_i64(1_000, 200_000);
            let draw = rng.unit();
            if draw < 0.01 {
                push(
                    time,
                    format!("{}.cloudfront.net", rng.letters(14, true)),
                    Rcode::NoError,
                );
                continue;
            }
            let rank = ((rng.unit() * (sources.popular.len() as f64).ln()).exp() as usize)
                .saturating_sub(1)
                .min(sources.popular.len() - 1);
            let (name, blocked) = &sources.popular[rank];
            if draw < 0.03 {
                push(time, format!("{name}.{search}"), Rcode::NxDomain);
            } else if blocking && *blocked {
                push(time, name.clone(), Rcode::NxDomain);
            } else if draw < 0.031 {
                push(time, name.clone(), Rcode::ServFail);
            } else {
                push(time, name.clone(), Rcode::NoError);
            }
        }
    }
    for _ in 0..rng.range(1, 4) {
        let time = rng.range_i64(start, end);
        for _ in 0..3 {
            let length = rng.range(7, 15);
            push(time, rng.letters(length, false), Rcode::NxDomain);
        }
    }
    for _ in 0..rng.range(0, 6) {
        let name = match rng.below(4) {
            0 => String::from("wpad"),
            1 => format!("wpad.{search}"),
            2 => String::from("isatap"),
            _ => format!("isatap.{search}"),
        };
        push(rng.range_i64(start, end), name, Rcode::NxDomain);
    }
    if rng.chance(0.2) {
        let mut time = rng.range_i64(start, end);
        let first = [10, 172, 192][rng.below(3)];
        for _ in 0..rng.range(5, 200) {
            let name = format!(
                "{}.{}.{}.{first}.in-addr.arpa",
                rng.below(256),
                rng.below(256),
                rng.below(256)
            );
            let rcode = if rng.chance(0.7) {
                Rcode::NxDomain
            } else {
                Rcode::NoError
            };
            push(time, name, rcode);
            time += rng.range_i64(10_000, 2 * MICROS);
        }
    }
    if rng.chance(0.3) {
        for _ in 0..rng.range(1, 10) {
            let name = match rng.below(6) {
                0 => String::from("printer.local"),
                1 => String::from("nas.lan"),
                2 => format!("ws{}.corp.local", rng.below(500)),
                3 => String::from("router.home.arpa"),
                4 => String::from("fileserver.internal"),
                _ => format!("_ldap._tcp.dc._msdcs.{search}"),
            };
            push(rng.range_i64(start, end), name, Rcode::NxDomain);
        }
    }
    for _ in 0..rng.poisson(1.0) {
        let (label, suffix) = &sources.typo_bases[rng.below(sources.typo_bases.len())];
        let typo = mistype(rng, label);
        push(
            rng.range_i64(start, end),
            format!("{typo}.{suffix}"),
            Rcode::NxDomain,
        );
    }
    for _ in 0..rng.poisson(0.5) {
        let tail = sources.popular.len() / 2;
        let (name, _) = &sources.popular[tail + rng.below(sources.popular.len() - tail)];
        push(rng.range_i64(start, end), name.clone(), Rcode::NxDomain);
    }
    (start, end)
}

/// `label` with one slip of the fingers: a letter dropped, doubled, swapped or replaced.
fn mistype(rng: &mut Rng, label: &str) -> String {
    let mut bytes = label.as_bytes().to_vec();
    let at = rng.below(bytes.len() - 1);
    match rng.below(4) {
        0 => {
            bytes.remove(at);
        }
        1 => bytes.insert(at, bytes[at]),
        2 => bytes.swap(at, at + 1),
        _ => bytes[at] = b'a' + rng.below(26) as u8,
    }
    String::from_utf8(bytes).unwrap_or_else(|_| label.to_owned())
}

/// The `index`th simulated client's address.
fn address(index: usize) -> String {
    format!(
        "10.{}.{}.{}",
        100 + index / 65_536,
        (index / 256) % 256,
        index % 256
    )
}

/// The events of a Zeek `dns.log` (TSV with its `#fields` header; gzip or plain): time from the
/// first event, client, query, response code. Events without a query or client are left out.
fn read_zeek_background(path: &Path) -> Result<Vec<(i64, String, String, Rcode)>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let reader: Box<dyn BufRead> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(std::io::BufReader::new(flate2::read::MultiGzDecoder::new(
            file,
        )))
    } else {
        Box::new(std::io::BufReader::new(file))
    };
    let mut columns = None;
    let mut events = Vec::new();
    for line in reader.lines() {
        let line = line.map_err(|e| format!("{}: {e}", path.display()))?;
        if let Some(fields) = line.strip_prefix("#fields\t") {
            let names: Vec<&str> = fields.split('\t').collect();
            let find = |name| names.iter().position(|n| *n == name);
            columns = Some([find("ts"), find("id.orig_h"), find("query"), find("rcode")]);
            continue;
        }
        let (Some([Some(ts), Some(client), Some(query), Some(rcode)]), false) =
            (columns, line.starts_with('#'))
        else {
            continue;
        };
        let fields: Vec<&str> = line.split('\t').collect();
        let (Some(ts), Some(client), Some(query), Some(rcode)) = (
            fields.get(ts),
            fields.get(client),
            fields.get(query),
            fields.get(rcode),
        ) else {
            continue;
        };
        let Ok(seconds) = ts.parse::<f64>() else {
            continue;
        };
        if *query == "-" || *client == "-" {
            continue;
        }
        let rcode = rcode.parse().map_or(Rcode::Unanswered, Rcode::from_code);
        events.push((
            (seconds * 1e6) as i64,
            (*client).to_owned(),
            (*query).to_owned(),
            rcode,
        ));
    }
    let first = events.iter().map(|e| e.0).min().unwrap_or(0);
    for event in &mut events {
        event.0 -= first;
    }
    Ok(events)
}

/// Writes `day` as a Zeek `dns.log` (TSV with its header): what `dga-hunt` reads.
pub fn write_zeek(day: &Day, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns"
    )?;
    writeln!(out, "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\tquery\tqtype_name\trcode\trcode_name")?;
    writeln!(
        out,
        "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tstring\tstring\tcount\tstring"
    )?;
    for (n, event) in day.events.iter().enumerate() {
        let (code, name) = match event.rcode {
            Rcode::NoError => ("0", "NOERROR"),
            Rcode::NxDomain => ("3", "NXDOMAIN"),
            Rcode::ServFail => ("2", "SERVFAIL"),
            Rcode::Refused => ("5", "REFUSED"),
            Rcode::Other(_) | Rcode::Unanswered => ("-", "-"),
        };
        writeln!(
            out,
            "{}.{:06}\tC{n:x}\t{}\t{}\t10.0.0.53\t53\tudp\t{}\t{}\tA\t{code}\t{name}",
            event.time.div_euclid(MICROS),
            event.time.rem_euclid(MICROS),
            day.clients[event.client as usize].0,
            40_000 + n % 20_000,
            n % 65_536,
            event.query,
        )?;
    }
    writeln!(out, "#close\t2026-07-25-00-00-00")
}

/// A seeded generator (splitmix64): the same days on every machine.
pub struct Rng(pub u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n` (0 for `n` 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize
    }

    fn below_i64(&mut self, n: i64) -> i64 {
        (self.unit() * n as f64) as i64
    }

    /// Uniform in `low..=high`.
    fn range(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    /// Uniform in `low..high`.
    fn range_i64(&mut self, low: i64, high: i64) -> i64 {
        low + self.below_i64(high - low)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Failures before the first success of chance `p`.
    fn geometric(&mut self, p: f64) -> usize {
        let mut failures = 0;
        while !self.chance(p) {
            failures += 1;
        }
        failures
    }

    fn poisson(&mut self, mean: f64) -> usize {
        let (limit, mut product, mut count) = ((-mean).exp(), self.unit(), 0);
        while product > limit {
            product *= self.unit();
            count += 1;
        }
        count
    }

    /// `length` random lowercase letters, and digits too when `digits`.
    fn letters(&mut self, length: usize, digits: bool) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        let size = if digits { 36 } else { 26 };
        (0..length)
            .map(|_| char::from(ALPHABET[self.below(size)]))
            .collect()
    }
}
