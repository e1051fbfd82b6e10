"""A peer scored on the generalisation protocol's terms: recall of each of the 34 DGA families
at the thresholds that flag 1 % and 0.1 % of the curated legitimate validation labels.

    cargo run --release --example train -- --extra ../shared/data \\
        --extra ../shared/data/extra-2026 --write-protocol protocol.tsv
    pip install dgaintel tf-keras   # its saved model predates Keras 3
    TF_USE_LEGACY_KERAS=1 python bindings/python/examples/peer_protocol.py protocol.tsv

The peer is dgaintel (PyPI, a CNN+LSTM trained on its authors' DGA lists). Every label is
scored as `<label>.com`, so the suffix says nothing. Unlike the trainer's leave-one-family-out
figures, the peer may have trained on some of these families: its recall is an upper bound of
what it finds in families new to it.
"""

import argparse
import collections
import statistics

FALSE_POSITIVE_RATES = (0.01, 0.001)


def threshold_at_false_positive_rate(legit: list, rate: float) -> float:
    """The trainer's rule: the score with `floor(rate * n)` legitimate scores above it; a label
    is flagged when its score is strictly greater."""
    ranked = sorted(legit, reverse=True)
    allowed = int(rate * len(ranked))
    return ranked[allowed] if allowed < len(ranked) else float("-inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("protocol", help="the file the trainer's --write-protocol wrote")
    args = parser.parse_args()

    from dgaintel import get_prob

    sets = collections.defaultdict(list)
    with open(args.protocol) as f:
        for line in f:
            if not line.startswith("#"):
                name, label = line.rstrip("\n").split("\t")
                sets[name].append(label)

    def scores(labels: list) -> list:
        # get_prob gives (name, probability) pairs for a list.
        return [float(p) for _, p in get_prob([f"{label}.com" for label in labels])]

    legit = scores(sets.pop("legit"))
    thresholds = [threshold_at_false_positive_rate(legit, r) for r in FALSE_POSITIVE_RATES]
    print(f"{len(legit)} legitimate validation labels; thresholds {thresholds}")
    print("| family | labels | dgaintel, 1 % | dgaintel, 0.1 % |")
    print("|---|---:|---:|---:|")
    recalls = []
    for family in sorted(sets):
        family_scores = scores(sets[family])
        found = [
            sum(s > t for s in family_scores) / len(family_scores) for t in thresholds
        ]
        recalls.append(found)
        print(f"| {family} | {len(family_scores)} | {found[0]:.3f} | {found[1]:.3f} |")
    macro = [statistics.mean(r[i] for r in recalls) for i in range(len(thresholds))]
    print(f"| **macro recall** | | **{macro[0]:.3f}** | **{macro[1]:.3f}** |")


if __name__ == "__main__":
    main()
