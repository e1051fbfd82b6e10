"""The Python package against the Rust library: exact agreement on the DDS validation hosts (the
reference is the command-line scorer, built from the same crate), bad input, batches of every
input type, operating points, a million names, and the GIL released while a batch runs."""

import csv
import math
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import dga_classifier
from dga_classifier import DomainError, MODEL, classify, classify_many, features

REPO = Path(__file__).resolve().parents[3]
VALID = REPO.parent / "shared" / "data" / "h2o-split" / "valid.csv"
TERMS = [name for name, _, _ in MODEL.terms]


@pytest.fixture(scope="module")
def hosts():
    with open(VALID, newline="") as f:
        names = [row["host"] for row in csv.DictReader(f)]
    assert len(names) > 20_000
    return names + ["MAIL.Google.co.uk.", "x7kq2mz.duckdns.org", "github.io", "exa_mple.com",
                    "1.0.0.127.in-addr.arpa", "exa\tmple.com", ""]


@pytest.fixture(scope="module")
def reference(hosts, tmp_path_factory):
    """The Rust command-line scorer's CSV for `hosts`, by domain: the library's own numbers,
    printed shortest-round-trip, so they read back to the same doubles."""
    path = tmp_path_factory.mktemp("ref") / "hosts.txt"
    path.write_text("\n".join(h for h in hosts if h) + "\n")
    run = subprocess.run(
        ["cargo", "run", "--release", "-q", "-p", "dga-classifier-programs", "--bin", "dga-classify",
         "--", "--file", str(path)],
        cwd=REPO, capture_output=True, text=True, env=os.environ,
    )
    assert run.returncode == 1, run.stderr  # "exa\tmple.com" is no name
    table = list(csv.DictReader(run.stdout.splitlines()))
    assert len(table) == len(hosts) - 1, "one row per line"
    return {row["domain"]: row for row in table if row["verdict"] != "error"}


def test_built_with_the_same_model_as_the_reference(reference):
    row = next(iter(reference.values()))
    assert set(TERMS) <= set(row), "the reference scorer was built with another model"


def test_classify_agrees_exactly_with_the_library(hosts, reference):
    compared = 0
    for host in hosts:
        row = reference.get(host)
        if row is None:
            with pytest.raises(DomainError):
                classify(host)
            continue
        c = classify(host)
        assert (c.label, c.suffix, c.suffix_kind, c.verdict) == (
            row["scored_label"], row["suffix"], row["suffix_kind"], row["verdict"]), host
        if c.unscored is not None:
            assert (c.unscored, c.reason) == (row["unscored"], row["reason"]), host
            continue
        assert c.p_malicious == float(row["p_malicious"]), host
        assert c.log_odds == float(row["log_odds"]), host
        assert c.intercept == float(row["intercept"])
        assert c.flagged_at_false_positive_rate == float(row["flagged_at_false_positive_rate"]), host
        assert math.isclose(sum((t.versus_typical for t in c.terms), c.typical_log_odds), c.log_odds,
                            rel_tol=0, abs_tol=1e-9), host
        assert [t.feature for t in c.terms] == TERMS
        for t in c.terms:
            assert t.value == float(row[t.feature]), (host, t.feature)
            assert t.contribution == float(row[t.feature + "_contribution"]), (host, t.feature)
        compared += 1
    assert compared > 20_000


@pytest.mark.parametrize("kind", ["list", "numpy", "pandas", "pandas-arrow", "arrow", "chunked"])
def test_classify_many_agrees_with_classify_for_every_input_type(hosts, kind):
    names = {
        "list": lambda: list(hosts),
        "numpy": lambda: np.array(hosts, dtype=object),
        "pandas": lambda: pd.Series(hosts),
        "pandas-arrow": lambda: pd.Series(hosts, dtype="string[pyarrow]"),
        "arrow": lambda: pa.array(hosts),
        "chunked": lambda: pa.chunked_array([hosts[:1000], hosts[1000:]], type=pa.large_string()),
    }[kind]()
    result = classify_many(names)
    assert set(result) == {"label", "suffix", "suffix_kind", "verdict", "unscored", "reason",
                           "p_malicious", "flagged_at_false_positive_rate", "log_odds", "intercept",
                           "error"} | set(TERMS) | {
                               t + "_contribution" for t in TERMS}
    assert all(len(column) == len(hosts) for column in result.values())
    for i, host in enumerate(hosts):
        try:
            c = classify(host)
        except DomainError as e:
            assert result["error"][i] == str(e)
            assert result["label"][i] is None and math.isnan(result["p_malicious"][i])
            continue
        assert result["error"][i] is None
        assert (result["label"][i], result["suffix"][i], result["suffix_kind"][i],
                result["verdict"][i], result["unscored"][i]) == (
                    c.label, c.suffix, c.suffix_kind, c.verdict, c.unscored)
        if c.unscored is not None:
            assert result["reason"][i] == c.reason and math.isnan(result["p_malicious"][i])
            continue
        assert result["reason"][i] is None
        assert result["p_malicious"][i] == c.p_malicious and result["log_odds"][i] == c.log_odds
        assert result["flagged_at_false_positive_rate"][i] == c.flagged_at_false_positive_rate
        for t in c.terms:
            assert result[t.feature][i] == t.value
            assert result[t.feature + "_contribution"][i] == t.contribution


def test_bad_input_is_an_exception_that_says_what():
    with pytest.raises(DomainError) as e:
        classify("exa\tmple.com")
    assert str(e.value) == "invalid character '\\t' at byte 3: a domain name has no control characters"
    assert (e.value.kind, e.value.position) == ("invalid_character", 3)
    assert isinstance(e.value, ValueError)
    for name, kind, position in [
        ("", "empty", None),
        ("a" * 10_000, "name_too_long", None),
        ("a..com", "empty_label", 2),
        ("exa\0mple.com", "invalid_character", 3),
    ]:
        with pytest.raises(DomainError) as e:
            classify(name)
        assert (e.value.kind, e.value.position) == (kind, position), name
    with pytest.raises(TypeError):
        classify(None)
    with pytest.raises(TypeError):
        classify(b"example.com")


def test_names_no_dga_made_are_answered_with_the_reason():
    for name, why in [
        ("10.0.0.1", "ip-address"),
        ("1.0.0.127.in-addr.arpa", "reverse-lookup"),
        ("x.onion", "special-use"),
        ("nas.lan", "private-top-level"),
        ("xn--bcher-kva.de", "internationalised"),
        ("-a.com", "not-a-host-name"),
    ]:
        c = classify(name)
        assert (c.verdict, c.unscored) == ("unscored", why), name
        assert c.p_malicious is None and c.log_odds is None and c.terms == []
        assert c.reason and c.verdict_at(0.01) == "unscored"
    c = classify("exa_mple.com")
    assert c.reason == "the label to score has '_' at byte 3: not a host name any registry takes"
    assert 'unscored="not-a-host-name"' in repr(c)
    # Labels left of the one scored may hold anything.
    c = classify("_dmarc.wikipedia.org")
    assert (c.label, c.unscored) == ("wikipedia", None) and c.p_malicious is not None


def test_one_bad_row_never_fails_a_batch():
    names = ["mail.google.com", None, 42, float("nan"), b"bytes.com", "bad\tname", "\ud800.com",
             "zyxgifnjobqhzptuodmzov.ru", "x.onion"]
    result = classify_many(names)
    assert list(result["verdict"]) == ["legitimate"] + [None] * 6 + ["malicious", "unscored"]
    assert result["error"][0] is None and result["error"][-1] is None
    assert list(result["error"][1:5]) == [
        "missing: null", "not a str: int", "missing: NaN", "bytes, not a str: decode them first"]
    assert result["error"][5].startswith("invalid character '\\t' at byte 3")
    assert (result["unscored"][8], result["label"][8]) == ("special-use", "x")
    assert result["reason"][8].startswith("under the special-use domain onion")
    assert result["error"][6] == "not UTF-8: a lone surrogate"
    nulls = classify_many(pa.array(["a.com", None, "b.com"]))
    assert list(nulls["error"]) == [None, "missing: null", None]
    # An error row has no score: every number NaN, the intercept too.
    assert np.isnan(result["intercept"][1]) and result["intercept"][0] == MODEL.intercept
    assert len(classify_many([])["label"]) == 0
    assert len(classify_many(pa.array([], type=pa.string()))["label"]) == 0


def test_operating_points_choose_the_verdict():
    assert MODEL.name and len(MODEL.operating_points) >= 2
    rates = sorted(MODEL.operating_points, reverse=True)
    loose, strict = MODEL.operating_points[rates[0]], MODEL.operating_points[rates[-1]]
    assert loose < strict
    if MODEL.threshold_false_positive_rate is not None:
        assert MODEL.operating_points[MODEL.threshold_false_positive_rate] == MODEL.threshold
    names = [f"{a}{b}{c}{d}{e}.com" for a in "kqz" for b in "xwv" for c in "bjh" for d in "pmt"
             for e in "ylr"]
    at = {rate: classify_many(names, fpr=rate)["verdict"] for rate in rates}
    between = 0
    for i, name in enumerate(names):
        c = classify(name)
        for rate in rates:
            expected = "malicious" if c.p_malicious >= MODEL.operating_points[rate] else "legitimate"
            assert c.verdict_at(rate) == expected == at[rate][i]
        between += c.verdict_at(rates[0]) != c.verdict_at(rates[-1])
    assert between > 0, "no name between the points: the test would not see fpr matter"
    with pytest.raises(ValueError, match="no operating point"):
        classify_many(names, fpr=0.5)
    with pytest.raises(ValueError, match="no operating point"):
        classify("example.com").verdict_at(0.5)


def test_features_and_model_describe_the_score():
    values = features("google")
    assert list(values) == ["length", "entropy", "p_vowels", "num_words", "ngram_bits",
                            "word_coverage", "longest_word", "segments", "ngram_log_odds"]
    assert values["length"] == 6
    c = classify("google.com")
    for t, (name, coefficient, description) in zip(c.terms, MODEL.terms):
        assert t.feature == name and description
        assert t.value == values[name]
        assert t.contribution == coefficient * t.value
    assert c.intercept == MODEL.intercept
    assert "Classification(label=\"google\"" in repr(c)


def test_a_million_names_in_one_batch():
    count = 1_000_000
    names = [f"w{i}q{i % 97}.example{i % 7}.com" for i in range(count)]
    for i in range(0, count, 100_003):
        names[i] = f"bad\t{i}.com"
    start = time.perf_counter()
    result = classify_many(pa.array(names))
    seconds = time.perf_counter() - start
    print(f"\n{count} names in {seconds:.2f} s: {count / seconds:,.0f} names/s")
    errors = np.flatnonzero(pd.notna(result["error"]))
    assert list(errors) == list(range(0, count, 100_003))
    assert not np.isnan(np.delete(result["p_malicious"], errors)).any()
    for i in [1, 2, 499_999, 999_999]:
        c = classify(names[i])
        assert (result["label"][i], result["p_malicious"][i]) == (c.label, c.p_malicious)


def test_the_gil_is_released_while_a_batch_is_scored():
    # A list, not an Arrow array: pyarrow's own calls release the GIL, which would hide a batch
    # that holds it.
    names = [f"host{i}name.example.com" for i in range(1_500_000)]
    window = {}

    def score():
        window["start"] = time.perf_counter()
        classify_many(names)
        window["end"] = time.perf_counter()

    # With a switch interval longer than the batch, the interpreter never takes the GIL from the
    # scoring thread: this thread can run inside the batch's window only if the call releases it.
    # Counting its wake-ups, not the time it ran, keeps the test independent of the machine's load.
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(60.0)
    try:
        worker = threading.Thread(target=score)
        ticks = []
        worker.start()
        while worker.is_alive():
            ticks.append(time.perf_counter())
            time.sleep(0.001)
        worker.join()
    finally:
        sys.setswitchinterval(switch_interval)
    inside = [t for t in ticks if window["start"] < t < window["end"]]
    seconds = window["end"] - window["start"]
    assert len(inside) >= 10, (
        f"this thread woke {len(inside)} times in the {seconds:.2f} s batch: the GIL was held")


def test_the_package_is_typed():
    package = Path(dga_classifier.__file__).parent
    assert (package / "py.typed").exists() and (package / "_native.pyi").exists()


def test_what_is_not_a_batch_of_names_is_said():
    import importlib.metadata
    with pytest.raises(TypeError, match="for one, classify"):
        classify_many("google.com")
    with pytest.raises(TypeError, match="not of int64"):
        classify_many(pa.array([1, 2, 3]))
    # A binary array with one row that is not UTF-8: that row's error, not the batch's.
    binary = classify_many(pa.array([b"google.com", b"bad\xff.com", b"zyxgifnjobqhzptuodmzov.ru"]))
    assert list(binary["verdict"]) == ["legitimate", None, "malicious"]
    assert binary["error"][1] == "not UTF-8 at byte 3"
    assert dga_classifier.__version__ == importlib.metadata.version("dga_classifier")
