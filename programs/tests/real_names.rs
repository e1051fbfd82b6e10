//! Every name real traffic holds gets an answer (issue 18): the 2018 network's Zeek logs, in both
//! layouts, and a 2026 resolver's top names. None is an error; the odd ones are answered without
//! a score, each with its reason.

use dga_api::dns_log::LogReader;
use dga_classifier::{classify, Outcome, Unscored};
use std::collections::BTreeMap;

const SHARED: &str = "../../shared/data/extra-2026-12";

/// How many names got each answer: `scored`, or the reason's name; an error fails the test.
fn answers<'a>(names: impl Iterator<Item = &'a str>) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for name in names {
        let c = classify(name).unwrap_or_else(|e| panic!("{name:?}: {e}"));
        let answer = match c.outcome {
            Outcome::Scored(_) => "scored",
            Outcome::Unscored(why) => why.name(),
        };
        *counts.entry(answer).or_default() += 1;
    }
    counts
}

/// Every query of a Zeek log, by the reader `dga-hunt` uses.
fn queries(file: &str) -> Vec<String> {
    let path = format!("{SHARED}/dns-logs/wrccdc-2018/{file}");
    let input = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut reader = LogReader::new(input).unwrap();
    let mut queries = Vec::new();
    while let Some(event) = reader.next_event().unwrap() {
        let event = event.unwrap_or_else(|bad| panic!("{file}: {bad:?}"));
        // An unset query (no question at all) is no name; every name there is is answered.
        if !event.query.is_empty() {
            queries.push(event.query.to_owned());
        }
    }
    queries
}

#[test]
fn no_name_of_the_real_zeek_logs_is_an_error() {
    for file in ["dns.log.gz", "dns.json.gz"] {
        let queries = queries(file);
        assert!(queries.len() > 50_000, "{file}: {} queries", queries.len());
        let counts = answers(queries.iter().map(String::as_str));
        // The log holds resolvers' root priming, reverse look-ups, mDNS service names and an
        // address typed as a URL: all answered, none scored.
        for reason in ["root", "reverse-lookup", "special-use", "ip-address"] {
            assert!(
                counts.get(reason).is_some_and(|&n| n > 0),
                "{file}: {counts:?}"
            );
        }
        assert!(counts["scored"] > queries.len() / 2, "{file}: {counts:?}");
    }
    let root = classify(".").unwrap();
    assert_eq!(root.outcome, Outcome::Unscored(Unscored::Root));
}

#[test]
fn no_name_of_the_2026_resolver_list_is_an_error() {
    let path = format!("{SHARED}/more-legit/umbrella-2026-07-even.txt");
    let list = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let names: Vec<&str> = list.lines().filter(|l| !l.is_empty()).collect();
    assert!(names.len() > 50_000, "{} names", names.len());
    let counts = answers(names.iter().copied());
    assert!(counts["scored"] > names.len() * 9 / 10, "{counts:?}");
}
