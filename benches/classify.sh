#!/usr/bin/env bash
# How fast `dga-classify` scores a file of names: `bash benches/classify.sh [runs, default 3]`.
#
# Writes once to target/ 2 million host names cycled from the name lists of ../shared/data
# (`more-legit/*`, `more-dga/*`, `extra-2026/*/*`), then times, alternating, `dga-classify` writing
# CSV and JSON lines to /dev/null. Prints each run's seconds and the medians as names per second,
# and JSON lines' median time as a ratio to CSV's, measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v bc >/dev/null || { echo "needs bc: apt-get install bc" >&2; exit 1; }
runs="${1:-3}"
names=target/bench-names.txt
cargo build --release -q -p dga-classifier-programs --bin dga-classify
if [ ! -s "$names" ]; then
    data=../shared/data
    lists=("$data"/more-legit/*.txt "$data"/more-dga/*.txt "$data"/extra-2026/*/*.txt)
    # The endless `cat` ends on a broken pipe when `head` has its lines: that is no error.
    (set +o pipefail; while :; do cat "${lists[@]}"; done | head -n 2000000 > "$names")
fi
count=$(wc -l < "$names")
seconds() { local start end; start=$(date +%s.%N); "$@" > /dev/null 2>&1; end=$(date +%s.%N); echo "$end - $start" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
csv=() jsonl=()
for run in $(seq "$runs"); do
    csv+=("$(seconds target/release/dga-classify --file "$names")")
    jsonl+=("$(seconds target/release/dga-classify --format jsonl --file "$names")")
    echo "run $run: CSV ${csv[-1]} s, JSON lines ${jsonl[-1]} s"
done
c=$(printf '%s\n' "${csv[@]}" | median); j=$(printf '%s\n' "${jsonl[@]}" | median)
echo "$count names; medians of $runs: CSV $c s ($(echo "$count / $c" | bc) names/s), JSON lines $j s ($(echo "$count / $j" | bc) names/s): JSON lines / CSV = $(echo "scale=2; $j / $c" | bc)"
