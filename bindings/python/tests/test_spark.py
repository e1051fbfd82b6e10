"""The Spark example job on a local Spark (local[2]) over a generated DNS log of 1.2 million rows:
every row comes out, with its own columns, scored exactly as the library scores its name, or with
the reason it is not scored, or the error that says why it is no name. Needs pyspark and Java 17; `.ci/run` installs both and sets
DGA_REQUIRE_SPARK=1, so there a missing Spark fails instead of skipping."""

import importlib.util
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import dga_classifier

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ROWS = 1_200_000

if importlib.util.find_spec("pyspark") is None and not os.environ.get("DGA_REQUIRE_SPARK"):
    pytest.skip("pyspark is not installed (pip install pyspark; .ci/run does)", allow_module_level=True)

sys.path.insert(0, str(EXAMPLES))
from generate_dns_log import dns_log  # noqa: E402
from spark_score_dns_log import score_columns, score_dns_log  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # The workers run this interpreter, so they import the dga_classifier under test, not
    # whichever one the machine's default python3 has (or lacks).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (SparkSession.builder.master("local[2]").appName("dga-classifier test")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .getOrCreate())
    yield session
    session.stop()


def assert_same(column, got, want):
    """The first row where two columns differ, rather than pytest's diff of a million rows."""
    assert len(got) == len(want), column
    row = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), None)
    assert row is None, f"{column}, row {row}: {got[row]!r} from Spark, {want[row]!r} from the library"


def test_every_row_is_scored_exactly_as_the_library_scores_it(spark, tmp_path):
    log = dns_log(tmp_path / "dns.parquet", ROWS)
    start = time.perf_counter()
    score_dns_log(spark, str(tmp_path / "dns.parquet"), str(tmp_path / "scored"))
    seconds = time.perf_counter() - start
    print(f"\nSpark local[2]: {ROWS:,} rows in {seconds:.1f} s, {ROWS / seconds:,.0f} rows/s")

    out = pq.read_table(tmp_path / "scored").sort_by("id")
    assert out.num_rows == ROWS, "rows were dropped or duplicated"
    assert out.column_names == log.column_names + [f.name for f in score_columns()]
    for name in log.column_names:
        assert out.column(name).equals(log.column(name)), name

    expected = dga_classifier.classify_many(log.column("query"))
    errors = out.column("error").to_pylist()
    assert_same("error", errors, expected["error"])
    # Nulls are a row in 20; of the odd names, a row in 20 too, three in five are no names.
    assert sum(e is not None for e in errors) == ROWS // 20 + ROWS // 20 * 3 // 5
    assert errors[9] == "missing: null"
    assert errors[19] is None and out.column("unscored")[19].as_py() == "not-a-host-name"
    assert errors[39] == "empty label at byte 2"
    assert out.column("unscored")[59].as_py() == "reverse-lookup"
    assert errors[79].startswith("invalid character '\\t' at byte 2")
    for f in score_columns():
        got = out.column(f.name).to_numpy(zero_copy_only=False)
        want = expected[f.name]
        if f.type == pa.float64():
            assert np.array_equal(got, want.astype(np.float64), equal_nan=True), f.name
        else:
            assert_same(f.name, got, want)
    # Spot checks against one-at-a-time scoring, which the Python tests hold to the Rust library.
    for i in [0, 5, 6, 123_456, ROWS - 2]:
        c = dga_classifier.classify(log.column("query")[i].as_py())
        assert out.column("p_malicious")[i].as_py() == c.p_malicious
        assert out.column("label")[i].as_py() == c.label
    assert not math.isnan(out.column("p_malicious")[0].as_py())
