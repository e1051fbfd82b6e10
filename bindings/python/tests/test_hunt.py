"""``dga_classifier.hunt`` against the ``dga-hunt`` program on the same log (the real 2018 sample
with an infected client added), its input types and bad rows, and the Spark example on local[2].
The program is built by cargo when missing; Spark needs pyspark and Java 17 (``.ci/run``
installs both and sets DGA_REQUIRE_SPARK=1, so there a missing Spark fails instead of
skipping)."""

import gzip
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import dga_classifier

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT.parent / "shared/data/extra-2026-12/dns-logs/wrccdc-2018/dns.json.gz"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def infected_rows(start: float, client: str, count: int, spacing: float = 1.0):
    """`count` failed look-ups of random names by `client`, `spacing` seconds apart from `start`."""
    rng = np.random.default_rng(2018)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    return [{"ts": start + i * spacing, "client": client, "query": "".join(rng.choice(letters, 15)) + ".net",
             "rcode": 3} for i in range(count)]


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    """The real sample (Zeek JSON) as ts (Unix seconds), client, query, rcode, with two infected
    clients added, in time order."""
    with gzip.open(SAMPLE, "rt") as f:
        rows = [json.loads(line) for line in f]
    real = pd.DataFrame({
        "ts": [pd.Timestamp(r["ts"]).value / 1e9 for r in rows],
        "client": [r["id.orig_h"] for r in rows],
        "query": [r.get("query") for r in rows],
        "rcode": [r.get("rcode") for r in rows],
    })
    start = float(real["ts"].min())
    added = pd.DataFrame(infected_rows(start + 60, "10.47.99.1", 30) + infected_rows(start + 600, "10.47.99.2", 30))
    return pd.concat([real, added]).sort_values("ts", kind="stable").reset_index(drop=True)


@pytest.fixture(scope="module")
def program() -> Path:
    binary = ROOT / "target/release/dga-hunt"
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "dga-classifier-programs", "--bin", "dga-hunt"],
                   cwd=ROOT, check=True)
    return binary


def test_the_same_alerts_as_the_program(log, program, tmp_path):
    csv = tmp_path / "dns.csv"
    log.assign(ts=log["ts"].map(lambda t: f"{t:.6f}"), rcode=log["rcode"].map(
        lambda r: "" if pd.isna(r) else str(int(r)))).to_csv(csv, index=False)
    ran = subprocess.run([str(program), str(csv)], capture_output=True, text=True, check=True)
    expected = [json.loads(line) for line in ran.stdout.splitlines()]
    assert {a["client"] for a in expected} == {"10.47.99.1", "10.47.99.2"}, ran.stderr

    result = dga_classifier.hunt(log)
    assert result.errors == []
    assert result.alerts == expected
    for alert in result.alerts:
        assert alert["log_odds"] == sum((t["contribution"] for t in alert["terms"]), 0.0)
        assert alert["model"] == dga_classifier.HUNT_MODEL.name
        assert all(0 < n["contribution"] <= dga_classifier.HUNT_MODEL.max_per_name for n in alert["names"])
    by_client = {c["client"]: c for c in result.clients}
    assert len(by_client) == 79
    assert by_client["10.47.99.1"]["alerts"] == 1
    assert by_client["10.47.99.1"]["failed"] == 30


def test_tables_of_every_kind_give_the_same_alerts(log):
    expected = dga_classifier.hunt(log).alerts
    # From whole microseconds: a float's seconds would round to other nanoseconds.
    micros = (log["ts"] * 1e6).round().astype("int64")
    datetimes = log.assign(ts=pd.to_datetime(micros, unit="us"))
    with_zone = log.assign(ts=pd.to_datetime(micros, unit="us", utc=True).dt.tz_convert("Europe/Paris"))
    texts = log.assign(ts=pd.to_datetime(micros, unit="us").dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                       rcode=log["rcode"].map(lambda r: None if pd.isna(r) else
                                              {0: "NOERROR", 3: "NXDOMAIN"}.get(int(r), str(int(r)))))
    for name, table in [("datetime64", datetimes), ("tz-aware", with_zone), ("RFC 3339 text", texts),
                        ("pyarrow", pa.Table.from_pandas(log, preserve_index=False)),
                        ("dict of lists", {k: log[k].tolist() for k in log.columns})]:
        assert dga_classifier.hunt(table).alerts == expected, name


def test_bad_rows_are_reported_and_the_rest_hunted():
    rows = infected_rows(1_700_000_000.0, "10.9.9.9", 20)
    rows[3]["client"] = None
    rows[5]["rcode"] = "MAYBE"
    rows[7]["ts"] = float("nan")
    result = dga_classifier.hunt(pd.DataFrame(rows))
    assert result.errors == [(3, "no client"), (5, 'unknown response code "MAYBE"'), (7, "no time")]
    assert [a["client"] for a in result.alerts] == ["10.9.9.9"]
    with pytest.raises(ValueError, match="no rcode column"):
        dga_classifier.hunt({"ts": [], "client": [], "query": []})
    with pytest.raises(ValueError, match="no operating point for 0.5"):
        dga_classifier.hunt(pd.DataFrame(rows), false_alarms=0.5)


def test_the_window_and_the_operating_points():
    rows = infected_rows(1_700_000_000.0, "10.9.9.9", 20, spacing=5.0)
    # Names five seconds apart: a window of one keeps one at a time, too little to alert on.
    assert dga_classifier.hunt(pd.DataFrame(rows), window_seconds=1).alerts == []
    for rate, threshold in dga_classifier.HUNT_MODEL.operating_points.items():
        alerts = dga_classifier.hunt(pd.DataFrame(rows), false_alarms=rate).alerts
        assert alerts and alerts[0]["threshold"] == threshold


spark_missing = importlib.util.find_spec("pyspark") is None and not os.environ.get("DGA_REQUIRE_SPARK")


@pytest.mark.skipif(spark_missing, reason="pyspark is not installed (pip install pyspark; .ci/run does)")
def test_spark_hunts_as_the_library_does(log, tmp_path):
    from pyspark.sql import SparkSession

    sys.path.insert(0, str(EXAMPLES))
    from spark_hunt_dns_log import hunt_dns_log

    os.environ["PYSPARK_PYTHON"] = sys.executable
    spark = (SparkSession.builder.master("local[2]").appName("dga-classifier hunt test")
             .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
             .getOrCreate())
    try:
        bad = pd.DataFrame([{"ts": 1_521_911_800.0, "client": None, "query": "x.com", "rcode": 3.0}])
        pq.write_table(pa.Table.from_pandas(pd.concat([log, bad]), preserve_index=False), tmp_path / "dns.parquet")
        hunt_dns_log(spark, str(tmp_path / "dns.parquet"), str(tmp_path / "alerts"), partitions=4)
    finally:
        spark.stop()
    got = pq.read_table(tmp_path / "alerts").to_pylist()
    for alert in got:
        alert["terms"] = json.loads(alert["terms"])
        alert["names"] = json.loads(alert["names"])
    expected = dga_classifier.hunt(log).alerts
    key = lambda a: (a["client"], a["ts"])  # noqa: E731
    assert sorted(got, key=key) == sorted(expected, key=key)
    errors = pq.read_table(tmp_path / "alerts.errors.parquet").to_pylist()
    assert [e["error"] for e in errors] == ["no client"]


def test_text_times_are_read_as_the_program_reads_them():
    rows = infected_rows(1_700_000_000.0, "10.9.9.9", 20)
    # Nanoseconds in the text: cut to the microsecond, as dga-hunt cuts them.
    texts = [dict(r, ts=f"{int(r['ts'])}.123456789") for r in rows]
    alert = dga_classifier.hunt(pd.DataFrame(texts)).alerts[0]
    assert alert["names"] and all(n["ts"].endswith(".123456Z") for n in alert["names"])
    assert alert["names"][0]["ts"].startswith("2023-11-14T22:13:2")


def test_a_log_in_pieces_gives_what_the_whole_gives(log):
    whole = dga_classifier.hunt(log)
    hunter = dga_classifier.Hunter()
    alerts, errors = [], []
    for start in range(0, len(log), 10_000):
        found, bad = hunter.observe(log.iloc[start:start + 10_000])
        alerts += found
        errors += bad
    assert alerts == whole.alerts and errors == whole.errors
    assert hunter.clients() == whole.clients
    # Rows are counted across the pieces.
    broken = dga_classifier.Hunter()
    broken.observe(log.iloc[:5])
    assert broken.observe(pd.DataFrame([{"ts": 1.0, "client": None, "query": "a.com", "rcode": 3}]))[1] == [
        (5, "no client")]
