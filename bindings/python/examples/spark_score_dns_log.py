"""Scores a DNS log with Spark: every row keeps its columns and gains the verdict, the
probability, the label scored and each term's value and contribution, or the error that says
why its name could not be scored. Nothing is dropped.

    python bindings/python/examples/spark_score_dns_log.py --input dns.parquet --output scored.parquet
    spark-submit ... bindings/python/examples/spark_score_dns_log.py --input s3://... --output s3://...

Input: Parquet, or CSV with a header (``--format csv``); the host names are in ``--column``
(default ``query``). Output: Parquet. Each executor scores whole Arrow batches with
``dga_classifier.classify_many`` (``mapInArrow``): no Python object per row on the way in.
"""

import argparse
import os
import sys
from typing import Iterator, Optional

import pyarrow as pa

import dga_classifier

STRING_COLUMNS = ["label", "suffix", "suffix_kind", "verdict", "unscored", "reason"]


def score_columns() -> list:
    """The columns the job adds, in order, as Arrow fields."""
    numbers = ["p_malicious", "flagged_at_false_positive_rate", "log_odds", "intercept"]
    for name, _, _ in dga_classifier.MODEL.terms:
        numbers += [name, name + "_contribution"]
    return ([pa.field(name, pa.string()) for name in STRING_COLUMNS]
            + [pa.field(name, pa.float64()) for name in numbers]
            + [pa.field("error", pa.string())])


def score_batches(batches: Iterator[pa.RecordBatch], column: str,
                  fpr: Optional[float]) -> Iterator[pa.RecordBatch]:
    """What each Spark task runs: its batches, each with the score columns appended."""
    fields = score_columns()
    for batch in batches:
        scored = dga_classifier.classify_many(batch.column(column), fpr=fpr)
        arrays = list(batch.columns) + [pa.array(scored[f.name], type=f.type) for f in fields]
        yield pa.RecordBatch.from_arrays(arrays, schema=pa.schema(list(batch.schema) + fields))


def score_dns_log(spark, input_path: str, output_path: str, column: str = "query",
                  input_format: str = "parquet", fpr: Optional[float] = None) -> None:
    """Reads the log, scores every row and writes Parquet to `output_path`."""
    from pyspark.sql.types import StructType
    from pyspark.sql.pandas.types import from_arrow_schema

    reader = spark.read
    if input_format == "csv":
        reader = reader.option("header", True)
    log = reader.format(input_format).load(input_path)
    if column not in log.columns:
        raise SystemExit(f"no column {column!r} in {input_path}: it has {', '.join(log.columns)}")
    # The executors' Python imports this module to run score_batches (a job that imports it, as
    # the tests do, pickles its functions by reference).
    spark.sparkContext.addPyFile(os.path.abspath(__file__))
    added = from_arrow_schema(pa.schema(score_columns()))
    schema = StructType(log.schema.fields + added.fields)
    scored = log.mapInArrow(lambda batches: score_batches(batches, column, fpr), schema)
    scored.write.mode("overwrite").parquet(output_path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", required=True, help="the DNS log: Parquet, or CSV with --format csv")
    parser.add_argument("--output", required=True, help="where to write the scored log (Parquet)")
    parser.add_argument("--column", default="query", help="the column of host names (default: query)")
    parser.add_argument("--format", default="parquet", choices=["parquet", "csv"], dest="input_format")
    parser.add_argument("--fpr", type=float, help="judge at the model's operating point for this "
                        f"false-positive rate: one of {sorted(dga_classifier.MODEL.operating_points)}")
    parser.add_argument("--master", help="Spark master when run with python, e.g. local[2]")
    args = parser.parse_args()
    if args.fpr is not None and args.fpr not in dga_classifier.MODEL.operating_points:
        parser.error(f"no operating point at {args.fpr}: the model has "
                     f"{sorted(dga_classifier.MODEL.operating_points)}")

    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("dga-classifier: score a DNS log")
    if args.master:
        # Run locally, the workers use this interpreter, which has dga_classifier installed,
        # unless PYSPARK_PYTHON says otherwise; on a cluster, PYSPARK_PYTHON names the
        # environment shipped with the job (see the README).
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    try:
        score_dns_log(spark, args.input, args.output, args.column, args.input_format, args.fpr)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
