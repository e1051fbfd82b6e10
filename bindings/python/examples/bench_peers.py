"""Names per second of `classify_many` against the peers a notebook would use instead, in one
run on one machine:

    python bindings/python/examples/bench_peers.py --words ../shared/data/seed-words.txt

- `dga_classifier.classify_many` on 1 million host names (a pyarrow array, and a Python list);
- the original application's Python features and model (`original_model.py`), one core;
- dgaintel's batch scoring (`dgaintel.get_prob`, a CNN+LSTM on TensorFlow), when it is
  installed: `pip install dgaintel tf-keras` and `TF_USE_LEGACY_KERAS=1` (its saved model
  predates Keras 3).

The slower peers score a sample (`--sample`, default 100,000) of the same names. Each is run
`--repeat` times (default 3), alternating, and the medians are printed with ratios.
"""

import argparse
import csv
import importlib.util
import statistics
import time
from pathlib import Path

import dga_classifier
from original_model import original_scorer


def host_names(count: int, valid_csv: Path) -> list:
    """`count` names cycled from the DDS validation hosts (half legitimate, half DGA)."""
    with open(valid_csv, newline="") as f:
        hosts = [row["host"] for row in csv.DictReader(f)]
    return [hosts[i % len(hosts)] for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--names", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--words", default="../shared/data/seed-words.txt")
    parser.add_argument("--valid", default="../shared/data/h2o-split/valid.csv")
    args = parser.parse_args()

    import pyarrow as pa

    names = host_names(args.names, Path(args.valid))
    sample = names[: args.sample]
    arrow = pa.array(names)
    original = original_scorer(args.words)
    jobs = {
        "dga_classifier.classify_many, pyarrow array": (len(names), lambda: dga_classifier.classify_many(arrow)),
        "dga_classifier.classify_many, list": (len(names), lambda: dga_classifier.classify_many(names)),
        "original features, pure Python, one core": (len(sample), lambda: [original(n) for n in sample]),
    }
    if importlib.util.find_spec("dgaintel"):
        from dgaintel import get_prob

        jobs["dgaintel.get_prob (CNN+LSTM)"] = (len(sample), lambda: get_prob(sample))
    rates = {job: [] for job in jobs}
    for _ in range(args.repeat):
        for job, (count, run) in jobs.items():
            start = time.perf_counter()
            run()
            rates[job].append(count / (time.perf_counter() - start))
    medians = {job: statistics.median(r) for job, r in rates.items()}
    ours = medians["dga_classifier.classify_many, pyarrow array"]
    for job, median in medians.items():
        runs = ", ".join(f"{r:,.0f}" for r in rates[job])
        print(f"{job}: median {median:,.0f} names/s ({runs}); classify_many is {ours / median:.1f}x")


if __name__ == "__main__":
    main()
