"""Rows per second of the Spark example job against the same job with a pure-Python UDF of the
original 2016 application's features and model (length, entropy, vowels, English-word substrings;
its own label choice, `query.split('.')[0]`), on one generated log, in one run:

    python bindings/python/examples/spark_bench.py --rows 1200000 --words ../shared/data/seed-words.txt

Both read the same Parquet log on local[2] and write Parquet; the original model's word list is
the original's (`../shared/data/seed-words.txt`). Each job runs `--repeat` times (default 3),
alternating, and the medians are printed with their ratio: the machine is shared and noisy.
"""

import argparse
import math
import statistics
import tempfile
import time
from pathlib import Path

from generate_dns_log import dns_log
from spark_score_dns_log import score_dns_log

# The original model (model/original.toml): H2O GLM coefficients on raw features.
ORIGINAL = {"intercept": -14.94132841574946, "length": 1.49207826021648,
            "entropy": 2.8502716978560194, "p_vowels": -8.839804567200542,
            "num_words": -0.7977065034624655}


def original_udf(words_path: str):
    from pyspark.sql.functions import udf
    from pyspark.sql.types import DoubleType

    words = frozenset(Path(words_path).read_text().split())

    def p_malicious(query):
        if query is None:
            return None
        s = query.split(".")[0]
        n = len(s)
        if n == 0:
            return None
        counts = {}
        for c in s:
            counts[c] = counts.get(c, 0) + 1
        entropy = -sum(c / n * math.log2(c / n) for c in counts.values())
        vowels = sum(c in "aeiou" for c in s) / n
        num_words = sum(s[i:j] in words for i in range(n) for j in range(i + 2, n + 1))
        z = (ORIGINAL["intercept"] + ORIGINAL["length"] * n + ORIGINAL["entropy"] * entropy
             + ORIGINAL["p_vowels"] * vowels + ORIGINAL["num_words"] * num_words)
        return 1 / (1 + math.exp(-z))

    return udf(p_malicious, DoubleType())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--words", default="../shared/data/seed-words.txt")
    args = parser.parse_args()

    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[2]").appName("dga-classifier bench")
             .config("spark.ui.enabled", "false").getOrCreate())
    spark.sparkContext.addPyFile(str(Path(__file__).with_name("spark_score_dns_log.py")))
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
