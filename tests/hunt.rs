//! The per-client detector: evidence, explanations that sum, the window, the sets and their
//! eviction, repeated and out-of-order events, and the healthy traffic it must not alert on.

use dga_classifier::{
    ClientSlot, Event, HuntError, Hunter, Rcode, Settings, Signal, TermKind, HUNT_MODEL,
    MAX_CLIENT_LEN,
};

const SECOND: i64 = 1_000_000;

/// Names no person would type, each new: what a random-letter family fails on.
fn random_name(i: usize) -> String {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64.wrapping_mul(i as u64 + 1);
    let label: String = (0..14)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            char::from(b'a' + (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 59) as u8 % 26)
        })
        .collect();
    format!("{label}.com")
}

fn failed<'a>(time: i64, client: &'a str, query: &'a str) -> Event<'a> {
    Event {
        time,
        client,
        query,
        rcode: Rcode::NxDomain,
    }
}

fn resolved<'a>(time: i64, client: &'a str, query: &'a str) -> Event<'a> {
    Event {
        time,
        client,
        query,
        rcode: Rcode::NoError,
    }
}

#[test]
fn a_burst_of_random_failures_alerts_and_says_why() {
    let mut slots = vec![ClientSlot::EMPTY; 64];
    let mut hunter = Hunter::new(&mut slots[..], Settings::default());
    let names: Vec<String> = (0..20).map(random_name).collect();
    let mut alert_at = None;
    for (i, name) in names.iter().enumerate() {
        let observed = hunter
            .observe(&failed(i as i64 * SECOND, "10.1.1.1", name))
            .unwrap();
        assert!(observed.signals.is_some(), "a new failed name has signals");
        if observed.alert {
            assert!(alert_at.is_none(), "alerted once while above the threshold");
            alert_at = Some(i);
        }
    }
    let alert_at = alert_at.expect("a burst of random names alerts");
    assert!(alert_at < 10, "alerted after {} names", alert_at + 1);
    let report = hunter.client("10.1.1.1").unwrap();
    let terms = report.terms();
    assert_eq!(terms.map(|t| t.kind), TermKind::ALL);
    assert_eq!(
        report.log_odds(),
        terms.iter().fold(0.0, |sum, t| sum + t.contribution)
    );
    assert!(report.log_odds() >= HUNT_MODEL.threshold);
    assert_eq!(report.alerts(), 1);
    assert_eq!(report.first_alert(), Some(alert_at as i64 * SECOND));
    // Each evidence name is one of those asked for, with what it adds.
    let evidence: Vec<_> = report.names().collect();
    assert!(!evidence.is_empty() && evidence.len() <= dga_classifier::EVIDENCE_NAMES);
    for name in &evidence {
        assert!(names.iter().any(|n| n == name.name), "{}", name.name);
        assert!(name.contribution > 0.0);
        assert_eq!(
            name.contribution,
            name.signals
                .log_likelihood_ratio(&HUNT_MODEL)
                .min(HUNT_MODEL.max_per_name)
        );
    }
    let contributions = evidence.iter().fold(0.0, |sum, n| sum + n.contribution);
    assert!((report.log_odds() - contributions).abs() < 1e-9);
    assert_eq!(terms[0].value, evidence.len() as f64);
    assert_eq!(hunter.stats().alerts, 1);
}

#[test]
fn no_name_adds_more_than_the_model_allows_and_the_terms_still_sum() {
    let mut model = HUNT_MODEL;
    model.max_per_name = 1.5;
    let settings = Settings {
        model,
        ..Settings::default()
    };
    let mut slots = [ClientSlot::EMPTY; 8];
    let mut hunter = Hunter::new(&mut slots[..], settings);
    for i in 0..12 {
        hunter
            .observe(&failed(i as i64 * SECOND, "c", &random_name(i)))
            .unwrap();
    }
    let report = hunter.client("c").unwrap();
    let names: Vec<_> = report.names().collect();
    assert!(!names.is_empty());
    // Random names, fast and alike, say more than 1.5 each: every one is cut to it.
    for name in &names {
        assert!(
            name.signals.log_likelihood_ratio(&model) > 1.5,
            "{}",
            name.name
        );
        assert_eq!(name.contribution, 1.5);
    }
    let terms = report.terms();
    assert_eq!(
        report.log_odds(),
        terms.iter().fold(0.0, |sum, t| sum + t.contribution)
    );
    assert!((report.log_odds() - 1.5 * names.len() as f64).abs() < 1e-9);
}

#[test]
fn asking_again_for_a_failed_name_is_no_new_evidence() {
    let mut slots = [ClientSlot::EMPTY; 8];
    let mut hunter = Hunter::new(&mut slots[..], Settings::default());
    let name = random_name(1);
    let first = hunter.observe(&failed(0, "c", &name)).unwrap();
    assert!(first.signals.is_some());
    for t in 1..100 {
        let again = hunter.observe(&failed(t * SECOND, "c", &name)).unwrap();
        assert_eq!(again.signals, None);
        assert_eq!(again.log_odds, first.log_odds);
        assert!(!again.alert);
    }
    assert_eq!(hunter.client("c").unwrap().failed(), 100);
}

#[test]
fn evidence_older_than_the_window_is_dropped() {
    let settings = Settings {
        window_seconds: 600,
        ..Settings::default()
    };
    let mut slots = [ClientSlot::EMPTY; 8];
    let mut hunter = Hunter::new(&mut slots[..], settings);
    let name = random_name(7);
    let with_evidence = hunter.observe(&failed(0, "c", &name)).unwrap().log_odds;
    assert!(with_evidence > 0.0);
    let ok = Event {
        time: 599 * SECOND,
        client: "c",
        query: "www.google.com",
        rcode: Rcode::NoError,
    };
    assert_eq!(hunter.observe(&ok).unwrap().log_odds, with_evidence);
    let later = Event {
        time: 601 * SECOND,
        ..ok
    };
    assert_eq!(hunter.observe(&later).unwrap().log_odds, 0.0);
    assert_eq!(hunter.client("c").unwrap().names().count(), 0);
}

#[test]
fn healthy_failures_are_not_evidence() {
    let mut slots = [ClientSlot::EMPTY; 8];
    let mut hunter = Hunter::new(&mut slots[..], Settings::default());
    let mut time = 0;
    let mut probe = 0;
    // A day of a browser's random single-label probes, reverse look-ups, local and service
    // names, search-suffix appends, wpad and look-ups of addresses: all failing, all new.
    for round in 0..200 {
        time += 30 * SECOND;
        let probe_name = random_name(1_000 + round);
        let queries = [
            probe_name.trim_end_matches(".com").to_owned(),
            format!("{}.{}.10.10.in-addr.arpa", round % 256, round / 256),
            format!("ws{round}.corp.local"),
            format!("_ldap._tcp.dc{round}._msdcs.corp.acme.com"),
            format!("host{round}.acme.com.corp.acme.com"),
            String::from("wpad"),
            format!("10.0.{}.{}", round / 256, round % 256),
        ];
        for query in &queries {
            probe += 1;
            let observed = hunter
                .observe(&failed(time + probe, "10.2.2.2", query))
                .unwrap();
            assert!(!observed.alert, "{query}");
        }
    }
    let report = hunter.client("10.2.2.2").unwrap();
    assert!(
        report.max_log_odds() < HUNT_MODEL.threshold,
        "{}",
        report.max_log_odds()
    );
    assert!(hunter.stats().unscored >= 200, "addresses are no evidence");
}

#[test]
fn single_label_and_local_names_are_told_apart() {
    let mut slots = [ClientSlot::EMPTY; 8];
    let mut hunter = Hunter::new(&mut slots[..], Settings::default());
    let mut cases = vec![
        ("qwzkxjvbrtp", Signal::SingleLabel),
        ("8.8.8.8.in-addr.arpa", Signal::Reverse),
        ("router.home.arpa", Signal::LocalName),
        ("dc01.corp.local", Signal::LocalName),
    ];
    // Only the Public Suffix List knows which top-level domains there are.
    if cfg!(feature = "psl") {
        cases.push(("nas.lan", Signal::LocalName));
    }
    for (i, (query, signal)) in cases.into_iter().enumerate() {
        let signals = hunter
            .observe(&failed(i as i64, "c", query))
            .unwrap()
            .signals
            .unwrap();
        assert_eq!(signals.get(signal), 1.0, "{query}");
        assert_eq!(signals.get(Signal::NameLogOdds), 0.0, "{query}");
        assert_eq!(signals.get(Signal::Failed), 1.0, "{query}");
    }
}

#[test]
fn a_name_resolved_right_after_a_failure_has_signals() {
    let mut slots = [ClientSlot::EMPTY; 8];
    let mut hunter = Hunter::new(&mut slots[..], Settings::default());
    let ok = |time, query| Event {
        time,
        client: "c",
        query,
        rcode: Rcode::NoError,
    };
    assert_eq!(
        hunter.observe(&ok(0, "www.example.com")).unwrap().signals,
        None
    );
    let first = random_name(3);
    hunter.observe(&failed(SECOND, "c", &first)).unwrap();
    let found = random_name(4);
    let signals = hunter
        .observe(&ok(2 * SECOND, &found))
        .unwrap()
        .signals
        .unwrap();
    assert_eq!(signals.get(Signal::Resolved), 1.0);
    assert_eq!(signals.get(Signal::Fast), 1.0);
    assert_eq!(signals.get(Signal::SameSuffix), 1.0);
    // A minute later, a name that resolves says nothing.
    let late = random_name(5);
    assert_eq!(
        hunter.observe(&ok(200 * SECOND, &late)).unwrap().signals,
        None
    );
}

#[test]
fn a_full_set_gives_way_to_a_new_client_by_idleness() {
    // One set: the ninth client takes the place of the longest idle.
    let mut slots = [ClientSlot::EMPTY; 8];
    let mut hunter = Hunter::new(&mut slots[..], Settings::default());
    let clients: Vec<String> = (0..9).map(|i| format!("10.0.0.{i}")).collect();
    for (i, client) in clients.iter().enumerate().take(8) {
        hunter
            .observe(&resolved(i as i64, client, "example.com"))
            .unwrap();
    }
    // Client 0 is seen again: client 1 is now the longest idle.
    hunter
        .observe(&resolved(100, &clients[0], "example.com"))
        .unwrap();
    hunter
        .observe(&resolved(101, &clients[8], "example.com"))
        .unwrap();
    assert_eq!(hunter.stats().evicted, 1);
    assert!(hunter.client(&clients[1]).is_none());
    assert_eq!(hunter.client(&clients[0]).unwrap().events(), 2);
    assert_eq!(hunter.clients().count(), 8);
}

#[test]
fn room_for_twice_the_clients_keeps_them_all() {
    let mut slots = vec![ClientSlot::EMPTY; 20_000];
    let mut hunter = Hunter::new(&mut slots[..], Settings::default());
    for i in 0..10_000 {
        let client = format!("10.{}.{}.{}", i / 65_536, i / 256 % 256, i % 256);
        let event = Event {
            time: i,
            client: &client,
            query: "example.com",
            rcode: Rcode::NoError,
        };
        hunter.observe(&event).unwrap();
    }
    // Half the slots in use, two sets of eight to choose from: none full.
    assert_eq!(hunter.stats().evicted, 0);
    assert_eq!(hunter.clients().count(), 10_000);
    assert!(hunter.client("10.0.39.15").is_some());
}

#[test]
fn time_going_backwards_is_taken_as_the_clients_latest() {
    let mut slots = [ClientSlot::EMPTY; 8];
    let mut hunter = Hunter::new(&mut slots[..], Settings::default());
    hunter.observe(&failed(100 * SECOND, "c", "a.com")).unwrap();
    hunter
        .observe(&failed(5 * SECOND, "c", &random_name(9)))
        .unwrap();
    assert_eq!(hunter.stats().out_of_order, 1);
    let report = hunter.client("c").unwrap();
    assert_eq!(report.last_seen(), 100 * SECOND);
    assert!(report.names().all(|n| n.time == 100 * SECOND));
}

#[test]
fn what_cannot_be_a_client_is_an_error() {
    let mut slots = [ClientSlot::EMPTY; 8];
    let mut hunter = Hunter::new(&mut slots[..], Settings::default());
    assert_eq!(
        hunter.observe(&failed(0, "", "a.com")),
        Err(HuntError::EmptyClient)
    );
    let long = "x".repeat(MAX_CLIENT_LEN + 1);
    assert_eq!(
        hunter.observe(&failed(0, &long, "a.com")),
        Err(HuntError::ClientTooLong {
            length: MAX_CLIENT_LEN + 1
        })
    );
    assert_eq!(
        HuntError::ClientTooLong { length: 65 }.to_string(),
        "the client is 65 bytes long, over the limit of 64"
    );
    let mut none: [ClientSlot; 0] = [];
    let mut empty = Hunter::new(&mut none[..], Settings::default());
    assert_eq!(
        empty.observe(&failed(0, "c", "a.com")),
        Err(HuntError::NoCapacity)
    );
    assert_eq!(hunter.stats().events, 0);
}

#[test]
fn long_names_are_kept_cut_and_said_so() {
    let mut slots = [ClientSlot::EMPTY; 8];
    let mut hunter = Hunter::new(&mut slots[..], Settings::default());
    let long = format!("{}.{}", "q".repeat(50), random_name(11));
    hunter.observe(&failed(0, "c", &long)).unwrap();
    let report = hunter.client("c").unwrap();
    let name = report
        .names()
        .next()
        .expect("a random registrable label is evidence");
    assert!(name.cut);
    assert_eq!(name.name.len(), dga_classifier::EVIDENCE_NAME_BYTES);
    assert!(long.starts_with(name.name));
}

#[test]
fn response_codes_by_number_and_name() {
    assert_eq!(Rcode::from_code(3), Rcode::NxDomain);
    assert_eq!(Rcode::from_code(0), Rcode::NoError);
    assert_eq!(Rcode::from_code(9), Rcode::Other(9));
    assert_eq!(Rcode::from_name("nxdomain"), Some(Rcode::NxDomain));
    assert_eq!(Rcode::from_name("SERVFAIL"), Some(Rcode::ServFail));
    assert_eq!(Rcode::from_name("NOTAUTH"), Some(Rcode::Other(9)));
    assert_eq!(Rcode::from_name(""), None);
}

#[test]
fn a_client_slot_is_the_size_the_docs_give() {
    // docs/hunting.md and `dga-hunt --help` give memory per client from this.
    assert_eq!(std::mem::size_of::<ClientSlot>(), 1_976);
}

#[test]
fn the_compiled_in_model_is_coherent() {
    assert_eq!(HUNT_MODEL.name_model, dga_classifier::MODEL.name);
    assert_eq!(HUNT_MODEL.weights.map(|(s, _)| s), Signal::ALL);
    assert!(!HUNT_MODEL.operating_points.is_empty());
    let default = HUNT_MODEL
        .operating_point(HUNT_MODEL.threshold_false_alarm_rate)
        .unwrap();
    assert_eq!(default.threshold, HUNT_MODEL.threshold);
    // Stricter rates have higher thresholds.
    for pair in HUNT_MODEL.operating_points.windows(2) {
        assert!(pair[0].false_alarms_per_client_day > pair[1].false_alarms_per_client_day);
        assert!(pair[0].threshold <= pair[1].threshold);
    }
}
