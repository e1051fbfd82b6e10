"""Rows per second of the Spark example job against the same job with a pure-Python UDF of the
original 2016 application's features and model (length, entropy, vowels, English-word substrings;
its own label choice, `query.split('.')[0]`), on one generated log, in one run:

    python bindings/python/examples/spark_bench.py --rows 1200000 --words ../shared/data/seed-words.txt

Both read the same Parquet log on local[2] and write Parquet; the original model's word list is
the original's (`../shared/data/seed-words.txt`). Each job runs `--repeat` times (default 3),
alternating, and the medians are printed with their ratio: the machine is shared and noisy.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from generate_dns_log import dns_log
from original_model import original_scorer
from spark_score_dns_log import score_dns_log


def original_udf(words_path: str):
    from pyspark.sql.functions import udf
    from pyspark.sql.types import DoubleType

    return udf(original_scorer(words_path), DoubleType())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--words", default="../shared/data/seed-words.txt")
    args = parser.parse_args()

    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers import this dga_classifier
    spark = (SparkSession.builder.master("local[2]").appName("dga-classifier bench")
             .config("spark.ui.enabled", "false").getOrCreate())
    for module in ["spark_score_dns_log.py", "original_model.py"]:
        spark.sparkContext.addPyFile(str(Path(__file__).with_name(module)))
    p_malicious = original_udf(args.words)
    with tempfile.TemporaryDirectory() as tmp:
        log = f"{tmp}/dns.parquet"
        dns_log(Path(log), args.rows)
        seconds = {"dga_classifier (mapInArrow)": [], "original features, Python UDF": []}
        for _ in range(args.repeat):
            start = time.perf_counter()
            score_dns_log(spark, log, f"{tmp}/scored")
            seconds["dga_classifier (mapInArrow)"].append(time.perf_counter() - start)
            start = time.perf_counter()
            (spark.read.parquet(log).withColumn("p_malicious", p_malicious("query"))
             .write.mode("overwrite").parquet(f"{tmp}/original"))
            seconds["original features, Python UDF"].append(time.perf_counter() - start)
    spark.stop()
    medians = {job: statistics.median(runs) for job, runs in seconds.items()}
    for job, median in medians.items():
        print(f"{job}: median {args.rows / median:,.0f} rows/s "
              f"({', '.join(f'{s:.1f}' for s in seconds[job])} s)")
    ours, theirs = medians.values()
    print(f"ratio: {theirs / ours:.1f}x the rows/s of the pure-Python UDF")


if __name__ == "__main__":
    main()
