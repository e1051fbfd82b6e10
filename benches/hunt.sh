#!/usr/bin/env bash
# How fast `dga-hunt` reads a DNS log, and in how much memory: `bash benches/hunt.sh [runs, default 5]`.
#
# Writes one simulated day (the trainer's `--write-dns-day`: 1,000 healthy clients, the real 2018
# sample, 90 infected ones; about 1.7 M events, 170 MB as Zeek TSV) once to target/, and its gzip,
# then times, alternating, `dga-hunt` on the plain file, `dga-hunt` on the gzip file and the
# baseline of the same run, `gzip -dc` of it to /dev/null (the cost of only reading it). Prints
# each run's seconds and the medians, as events per second and as a ratio to the baseline, then
# the peak RSS of `dga-hunt --clients 100000` and `--clients 16384` (GNU time) on the plain file.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in bc /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install bc time" >&2; exit 1; }
done
runs="${1:-5}"
day=target/bench-dns-day.log
cargo build --release -q -p dga-classifier-programs --bin dga-hunt
if [ ! -s "$day.gz" ]; then
    cargo run --release -q --example train -- --hunt --extra ../shared/data --extra ../shared/data/extra-2026 \
        --extra ../shared/data/extra-2026-12 --write-dns-day "$day"
    gzip -kf "$day"
fi
events=$(grep -vc '^#' "$day")
seconds() { local start end; start=$(date +%s.%N); "$@" > /dev/null 2>&1; end=$(date +%s.%N); echo "$end - $start" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
plain=() gz=() base=()
for run in $(seq "$runs"); do
    plain+=("$(seconds target/release/dga-hunt "$day")")
    gz+=("$(seconds target/release/dga-hunt "$day.gz")")
    base+=("$(seconds gzip -dc "$day.gz")")
    echo "run $run: plain ${plain[-1]} s, gzip ${gz[-1]} s, gzip -dc alone ${base[-1]} s"
done
p=$(printf '%s\n' "${plain[@]}" | median); g=$(printf '%s\n' "${gz[@]}" | median); b=$(printf '%s\n' "${base[@]}" | median)
echo "$events events; medians of $runs: plain $p s ($(echo "$events / $p" | bc) events/s), gzip $g s ($(echo "$events / $g" | bc) events/s), gzip -dc alone $b s: gzip run / gzip -dc = $(echo "scale=2; $g / $b" | bc)"
peak=$(mktemp)
for clients in 100000 16384; do
    /usr/bin/time -f %M -o "$peak" target/release/dga-hunt --clients "$clients" "$day" > /dev/null 2>&1
    echo "--clients $clients: peak RSS $(( $(tail -1 "$peak") / 1024 )) MB"
done
rm -f "$peak"
