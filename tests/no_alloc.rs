//! `features`, `score` and `classify` never allocate: counted by a global allocator.

use dga_classifier::{classify, features, score, ClientSlot, Event, Hunter, Rcode, Settings};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    /// Allocations made by this thread: the test harness allocates on others meanwhile.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

fn count_one() {
    ALLOCATIONS.with(|n| n.set(n.get() + 1));
}

// SAFETY: forwards every call to the system allocator unchanged; it only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn scoring_allocates_nothing() {
    let long = "x".repeat(1000);
    let inputs = [
        "plzdonthackmekthxbye",
        "mail.google.co.uk.",
        "WWW.PayPal.COM",
        "zyxgifnjobqhzptuodmzov.ru",
        "",
        "exa_mple.com",
        "xn--bcher-kva.de",
        "192.168.0.1",
        "bücher.de",
        "1.0.0.127.in-addr.arpa",
        "_ldap._tcp.dc.corp.local",
        "fe80::1",
        "nas.lan",
        long.as_str(),
    ];
    let before = allocations();
    let mut checksum = 0.0;
    for input in inputs {
        let f = features(input);
        checksum += score(&f).log_odds;
        if let Some(score) = classify(input).ok().and_then(|c| c.score().copied()) {
            checksum += score.p_malicious;
        }
    }
    let allocations = allocations() - before;
    assert!(checksum.is_finite());
    assert_eq!(
        allocations, 0,
        "features/score/classify allocated {allocations} times"
    );
}

#[test]
fn hunting_allocates_nothing() {
    // Storage and names are made before counting: the detector itself must add nothing.
    let mut slots = [ClientSlot::EMPTY; 16];
    let names: Vec<String> = (0..40)
        .map(|i| format!("{}qzxkvbwj{i}.com", "p".repeat(i % 7)))
        .collect();
    let clients: Vec<String> = (0..20).map(|i| format!("10.0.0.{i}")).collect();
    let before = allocations();
    let mut hunter = Hunter::new(&mut slots[..], Settings::default());
    let mut alerts = 0;
    for (i, name) in names.iter().enumerate() {
        for (time, rcode) in [(0, Rcode::NxDomain), (1, Rcode::NoError)] {
            let event = Event {
                time: i as i64 * 1_000_000 + time,
                client: &clients[i % clients.len()],
                query: name,
                rcode,
            };
            alerts += usize::from(hunter.observe(&event).is_ok_and(|o| o.alert));
        }
    }
    let mut sum = 0.0;
    for report in hunter.clients() {
        sum += report.terms().iter().map(|t| t.contribution).sum::<f64>();
        sum += report.names().map(|n| n.contribution).sum::<f64>();
    }
    let allocations = allocations() - before;
    assert!(sum.is_finite() && alerts <= names.len());
    assert!(
        hunter.stats().evicted > 0,
        "20 clients in 16 slots take turns"
    );
    assert_eq!(allocations, 0, "the detector allocated {allocations} times");
}

#[test]
fn the_counter_counts() {
    let before = allocations();
    let v = std::hint::black_box(vec![1u8; 10]);
    assert_eq!(v.len(), 10);
    assert!(allocations() > before);
}
