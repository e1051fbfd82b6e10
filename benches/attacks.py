#!/usr/bin/env python3
"""How `dga-serve` answers a normal client while others attack it, and in how much memory.

    cargo build --release --bin dga-serve && python3 benches/attacks.py [seconds, default 20]

Two attacks, each against a fresh server started under a low soft limit of open files (the hard
limit left as the machine has it, as a login shell gives it, and which the server raises its
soft limit to), then again under the same hard limit (which it cannot raise: one address's cap
of an eighth of the connections is what keeps room for others):

- slow readers: 600 clients at a soft limit of 256, each sending 200 pipelined requests and never
  reading an answer, reconnecting when closed;
- slowloris: 2,000 clients at a soft limit of 1,024, each sending a request head a byte a second,
  reconnecting when closed.

The attackers connect from 127.0.0.1; the normal client from 127.0.0.2 (Linux routes all of
127/8 to loopback), one `GET /classify` per new connection, one after another. For each attack it
prints the normal requests' latency (median, p99, max, in ms), how many failed, the attackers'
connections open at the end, and the server's peak RSS (VmHWM). The baseline is the same client
against an idle server, measured first in the same run.

Targets (issue 17): p99 <= 100 ms under both attacks, peak RSS <= 200 MB.
"""

import os
import resource
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / "target" / "release" / "dga-serve"
NORMAL = b"GET /classify?domain=zyxgifnjobqhzptuodmzov.ru HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"
PIPELINED = b"GET /classify?domain=google.com HTTP/1.1\r\nHost: bench\r\n\r\n" * 200


def start(soft_files, hard=False):
    """The server under a soft limit of `soft_files` open files (with `hard`, a hard one too, so
    that it cannot raise it); its process and address."""
    which = "" if hard else "-S "
    shell = f"ulimit {which}-n {soft_files} && exec {SERVER} --addr 127.0.0.1:0"
    process = subprocess.Popen(["sh", "-c", shell], stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    address = line.split("http://")[1].split("/")[0]
    host, port = address.rsplit(":", 1)
    return process, (host, int(port))


def peak_rss_mb(process):
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def normal_requests(address, seconds):
    """Latencies (ms) of one request per connection from 127.0.0.2 for `seconds`, and failures."""
    latencies, failures = [], 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        start = time.monotonic()
        try:
            with socket.create_connection(address, timeout=10, source_address=("127.0.0.2", 0)) as s:
                s.sendall(NORMAL)
                reply = b""
                while chunk := s.recv(65536):
                    reply += chunk
            if not reply.startswith(b"HTTP/1.1 200"):
                failures += 1
                continue
            latencies.append(1000 * (time.monotonic() - start))
        except OSError:
            failures += 1
        time.sleep(0.02)
    return latencies, failures


def attackers(address, count, kind, stop, open_now):
    """`count` connections from 127.0.0.1 doing `kind` (`slow-reader` or `slowloris`), each
    reconnecting once the server has closed it (TCP state no longer established), until `stop`
    is set; `open_now[0]` counts those established."""
    ESTABLISHED, SYN_SENT = 1, 2
    sockets = {}  # socket -> bytes of its head sent (slowloris) or whether it sent its requests

    def connect():
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(address)
        sockets[s] = 0

    for _ in range(count):
        connect()
    while not stop.wait(1.0):
        established = 0
        for s in list(sockets):
            state = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]
            if state == SYN_SENT:
                continue
            if state != ESTABLISHED:
                del sockets[s]
                s.close()
                connect()
                continue
            established += 1
            try:
                if kind == "slowloris":
                    head = b"GET / HTTP/1.1\r\nX: "
                    i = sockets[s]
                    s.send(head[i : i + 1] if i < len(head) else b"a")
                    sockets[s] = i + 1
                elif sockets[s] == 0:
                    s.send(PIPELINED)
                    sockets[s] = 1
            except OSError:
                pass
        open_now[0] = established
    for s in sockets:
        s.close()


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def report(name, latencies, failures, extra=""):
    print(f"{name:<47} median {percentile(latencies, 0.5):6.1f} ms  p99 {percentile(latencies, 0.99):6.1f} ms  "
          f"max {max(latencies, default=float('nan')):7.1f} ms  {len(latencies)} answered, {failures} failed{extra}")


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
    resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
    if not SERVER.exists():
        sys.exit(f"build it first: cargo build --release --bin dga-serve ({SERVER} is missing)")
    process, address = start(1024)
    latencies, failures = normal_requests(address, seconds / 2)
    report("baseline: idle server", latencies, failures, f"; peak RSS {peak_rss_mb(process):.0f} MB")
    process.terminate()
    process.wait()
    for name, soft, hard, count, kind in [
        ("600 slow readers, soft limit 256", 256, False, 600, "slow-reader"),
        ("2,000 reconnecting slowloris, soft limit 1,024", 1024, False, 2000, "slowloris"),
        ("600 slow readers, hard limit 256", 256, True, 600, "slow-reader"),
        ("2,000 reconnecting slowloris, hard limit 1,024", 1024, True, 2000, "slowloris"),
    ]:
        process, address = start(soft, hard)
        stop, open_now = threading.Event(), [0]
        attack = threading.Thread(target=attackers, args=(address, count, kind, stop, open_now))
        attack.start()
        time.sleep(3)  # the attack in place before measuring
        latencies, failures = normal_requests(address, seconds)
        attackers_open = open_now[0]
        stop.set()
        attack.join()
        report(name, latencies, failures,
               f"; attackers open {attackers_open}; peak RSS {peak_rss_mb(process):.0f} MB")
        process.terminate()
        process.wait()


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
