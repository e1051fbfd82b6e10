"""The original 2016 application's scoring in pure Python, as its Jython Lambda ran it: the label
is `query.split('.')[0]`; length, Shannon entropy, share of vowels and the count of English-word
substrings (SPEC §2) into the H2O logistic regression of `model/original.toml`. The baseline of
the benchmarks, not a reference: the Rust library reproduces it exactly (`tests/conformance.rs`).
"""

import math
from pathlib import Path
from typing import Callable, Optional

COEFFICIENTS = {"intercept": -14.94132841574946, "length": 1.49207826021648,
                "entropy": 2.8502716978560194, "p_vowels": -8.839804567200542,
                "num_words": -0.7977065034624655}


def original_scorer(words_path: str) -> Callable[[Optional[str]], Optional[float]]:
    """P(malicious) of a query by the original model, with the original's word list."""
    words = frozenset(Path(words_path).read_text().split())
    c = COEFFICIENTS

    def p_malicious(query: Optional[str]) -> Optional[float]:
        if query is None:
            return None
        s = query.split(".")[0]
        n = len(s)
        if n == 0:
            return None
        counts: dict = {}
        for ch in s:
            counts[ch] = counts.get(ch, 0) + 1
        entropy = -sum(k / n * math.log2(k / n) for k in counts.values())
        vowels = sum(ch in "aeiou" for ch in s) / n
        num_words = sum(s[i:j] in words for i in range(n) for j in range(i + 2, n + 1))
        z = (c["intercept"] + c["length"] * n + c["entropy"] * entropy
             + c["p_vowels"] * vowels + c["num_words"] * num_words)
        return 1 / (1 + math.exp(-z))

    return p_malicious
