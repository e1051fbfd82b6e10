"""Writes a synthetic resolver log to Parquet, for the Spark example's test and benchmark:

    python bindings/python/examples/generate_dns_log.py dns.parquet 1200000

Columns: id, ts, client, query. Half the queries are ordinary names, 40 % random labels under
ICANN and dynamic-DNS suffixes, 5 % are names no DGA made or no names at all and 5 % are null,
seeded.
"""

import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def dns_log(path: Path, rows: int) -> pa.Table:
    """A resolver's log: time, client, query; some queries are not scored (`bad_name.com`, a
    reverse look-up), some are no names at all (`a..b`, a tab, 300 bytes), some null."""
    rng = np.random.default_rng(20161231)
    words = ["mail", "www", "cdn", "api", "login", "google", "wikipedia", "shop", "news", "cloud"]
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz0123456789"))
    queries = []
    for i in range(rows):
        kind = i % 10
        if kind < 5:
            queries.append(f"{words[i % 10]}.{words[(i // 10) % 10]}{i % 1000}.com")
        elif kind < 9:
            label = "".join(rng.choice(letters, size=8 + i % 12))
            queries.append(f"{label}.{['ru', 'net', 'duckdns.org', 'co.uk'][i % 4]}")
        elif i % 20 == 9:
            queries.append(None)
        else:
            queries.append(["bad_name.com", "a..b", "1.0.0.127.in-addr.arpa", "ex\tample.com", "x" * 300][(i // 20) % 5])
    table = pa.table({
        "id": pa.array(np.arange(rows, dtype=np.int64)),
        "ts": pa.array(1_700_000_000 + np.arange(rows) // 100, type=pa.int64()),
        "client": pa.array([f"10.0.{i % 256}.{i % 7}" for i in range(rows)]),
        "query": pa.array(queries, type=pa.string()),
    })
    pq.write_table(table, path, row_group_size=200_000)
    return table


if __name__ == "__main__":
    dns_log(Path(sys.argv[1]), int(sys.argv[2]))
