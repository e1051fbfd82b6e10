"""Hunts a DNS log with Spark: which clients a DGA infected, and why, at any scale.

    python bindings/python/examples/spark_hunt_dns_log.py --input dns.parquet --output alerts.parquet --master local[2]
    spark-submit ... bindings/python/examples/spark_hunt_dns_log.py --input s3://... --output s3://...

Input: Parquet, JSON lines (``--format json``: Zeek's JSON ``dns.log``, gzip or plain) or CSV
with a header (``--format csv``), with the columns ``ts``, ``client``, ``query`` and ``rcode``
(Zeek JSON's ``id.orig_h`` is taken as ``client``). Output: Parquet, one row per alert with the
fields ``dga-hunt`` writes (``terms`` and ``names`` as JSON text), and ``errors.parquet``
beside it for the rows that are not events.

A client's evidence must all reach one detector, in time order: the log is partitioned by client
and sorted by time within each partition, and each Spark task runs one ``dga_classifier``
detector over its partition's Arrow batches (``mapInArrow``).
"""

import argparse
import json
import os
import sys
from typing import Iterator, Optional

import pyarrow as pa

import dga_classifier

ALERT_FIELDS = [
    pa.field("client", pa.string()),
    pa.field("ts", pa.string()),
    pa.field("log_odds", pa.float64()),
    pa.field("threshold", pa.float64()),
    pa.field("false_alarms_per_client_day", pa.float64()),
    pa.field("window_seconds", pa.int64()),
    pa.field("model", pa.string()),
    pa.field("terms", pa.string()),
    pa.field("names", pa.string()),
    # Rows that are not events come out as rows with only these set.
    pa.field("error_row", pa.int64()),
    pa.field("error", pa.string()),
]


def hunt_batches(batches: Iterator[pa.RecordBatch], window_seconds: Optional[int],
                 false_alarms: Optional[float], clients: int) -> Iterator[pa.RecordBatch]:
    """What each Spark task runs: one detector over its partition, in order; alerts out."""
    hunter = dga_classifier.Hunter(window_seconds, false_alarms, clients)
    schema = pa.schema(ALERT_FIELDS)
    for batch in batches:
        alerts, errors = hunter.observe(batch)
        rows = [{**a, "terms": json.dumps(a["terms"]), "names": json.dumps(a["names"]),
                 "error_row": None, "error": None} for a in alerts]
        rows += [{"error_row": row, "error": reason} for row, reason in errors]
        if rows:
            yield pa.RecordBatch.from_pylist(rows, schema=schema)


def hunt_dns_log(spark, input_path: str, output_path: str, input_format: str = "parquet",
                 window_seconds: Optional[int] = None, false_alarms: Optional[float] = None,
                 clients: int = 65_536, partitions: Optional[int] = None):
    """Reads the log, hunts it and writes the alerts to `output_path` (Parquet); returns them."""
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    reader = spark.read
    if input_format == "csv":
        reader = reader.option("header", True)
    log = reader.format(input_format).load(input_path)
    if "client" not in log.columns and "id.orig_h" in log.columns:
        log = log.withColumnRenamed("id.orig_h", "client")
    missing = [c for c in ("ts", "client", "query", "rcode") if c not in log.columns]
    if missing:
        raise SystemExit(f"no {', '.join(missing)} column in {input_path}: it has {', '.join(log.columns)}")
    spark.sparkContext.addPyFile(os.path.abspath(__file__))
    # Every event of a client in one partition, in time order (ties kept as the log has them).
    ordered = (log.select("ts", "client", "query", "rcode")
               .withColumn("_order", F.monotonically_increasing_id())
               .repartition(partitions or spark.sparkContext.defaultParallelism, "client")
               .sortWithinPartitions("ts", "_order")
               .drop("_order"))
    found = ordered.mapInArrow(
        lambda batches: hunt_batches(batches, window_seconds, false_alarms, clients),
        from_arrow_schema(pa.schema(ALERT_FIELDS)))
    found.cache()
    found.where(F.col("error").isNull()).drop("error_row", "error").write.mode("overwrite").parquet(output_path)
    found.where(F.col("error").isNotNull()).select("error_row", "error").write.mode("overwrite") \
        .parquet(output_path.rstrip("/") + ".errors.parquet")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", required=True, help="the DNS log: Parquet, JSON lines or CSV")
    parser.add_argument("--output", required=True, help="where to write the alerts (Parquet)")
    parser.add_argument("--format", default="parquet", choices=["parquet", "json", "csv"], dest="input_format")
    parser.add_argument("--window", type=int, help="how long a failed look-up counts, in seconds")
    parser.add_argument("--false-alarms", type=float, help="the alert threshold's false alarms per "
                        f"client-day: one of {sorted(dga_classifier.HUNT_MODEL.operating_points)}")
    parser.add_argument("--clients", type=int, default=65_536, help="clients held per task at once")
    parser.add_argument("--master", help="Spark master when run with python, e.g. local[2]")
    args = parser.parse_args()
    if args.false_alarms is not None and args.false_alarms not in dga_classifier.HUNT_MODEL.operating_points:
        parser.error(f"no operating point at {args.false_alarms}: the model has "
                     f"{sorted(dga_classifier.HUNT_MODEL.operating_points)}")

    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("dga-classifier: hunt a DNS log")
    if args.master:
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    try:
        hunt_dns_log(spark, args.input, args.output, args.input_format, args.window,
                     args.false_alarms, args.clients)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
