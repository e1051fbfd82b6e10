//! The baseline for `bench.c`: the same loop, names from stdin scored 21 times over, calling the
//! Rust library directly. Run both in one session and compare their medians:
//!
//! ```text
//! cargo run --release -p dga-classifier-c --example bench_baseline < hosts.txt
//! ```

use std::hint::black_box;
use std::io::BufRead;
use std::time::Instant;

const ROUNDS: usize = 21;

fn main() {
    let names: Vec<String> = std::io::stdin()
        .lock()
        .lines()
        .map_while(Result::ok)
        .collect();
    if names.is_empty() {
        eprintln!("no names on stdin");
        std::process::exit(2);
    }
    let mut per_call = [0.0; ROUNDS];
    let mut sink = 0.0;
    for round in &mut per_call {
        let start = Instant::now();
        for name in &names {
            if let Some(score) = dga_classifier::classify(black_box(name))
                .ok()
                .and_then(|c| c.score().copied())
            {
                sink += score.p_malicious;
            }
        }
        *round = start.elapsed().as_nanos() as f64 / names.len() as f64;
    }
    black_box(sink);
    per_call.sort_by(f64::total_cmp);
    println!(
        "{} names, {ROUNDS} rounds: median {:.1} ns per classify call (min {:.1}, max {:.1})",
        names.len(),
        per_call[ROUNDS / 2],
        per_call[0],
        per_call[ROUNDS - 1]
    );
}
