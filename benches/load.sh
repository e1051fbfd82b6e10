#!/usr/bin/env bash
# Load test of the local server: `bash benches/load.sh [seconds per run, default 10] [serve's
# options...]`, e.g. `bash benches/load.sh 10 --threads 1`.
#
# Starts the release `dga-serve` on a free loopback port, then runs wrk (Debian's `wrk`)
# with POST /classify at 1, 16 and 128 connections, each for a bounded time, and 128 again while
# 2,000 slowloris connections (a header line every 4 s, reopened when closed) are held open. Reads: Requests/sec,
# and the latency percentiles (50 %, 99 %) under "Latency Distribution"; non-2xx or socket errors
# are printed by wrk when there are any. Bounded: every run stops by itself, and so does the
# server at the end. Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
shift $(( $# > 0 ? 1 : 0 ))
command -v wrk >/dev/null || { echo "needs wrk: apt-get install wrk" >&2; exit 1; }

cargo build --release --bin dga-serve
out=$(mktemp)
target/release/dga-serve --addr 127.0.0.1:0 "$@" > "$out" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$out" "$script"' EXIT
for _ in $(seq 50); do grep -q listening "$out" && break; sleep 0.1; done
url=$(grep -o 'http://[^/]*' "$out")

script=$(mktemp --suffix=.lua)
cat > "$script" <<'LUA'
-- Cycles through legitimate and generated names so every request is scored for real.
local names = { "mail.google.com", "zyxgifnjobqhzptuodmzov.ru", "en.wikipedia.org",
                "c3p4j7zdxexg1f2tuzk117wyzn.net", "www.fedoraforum.org", "batdtrbtrikw.info" }
local i = 0
request = function()
  i = i % #names + 1
  return wrk.format("POST", "/classify", { ["Content-Type"] = "application/json" },
                    '{"domain": "' .. names[i] .. '"}')
end
response = function(status)
  if status ~= 200 then errors = (errors or 0) + 1 end
end
LUA

for connections in 1 16 128; do
  threads=$(( connections < 2 ? 1 : 2 ))
  echo "=== $connections connection(s), $threads thread(s), ${seconds}s"
  wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s "$script" "$url/classify"
done

echo "=== 128 connections, 2 threads, ${seconds}s, with 2,000 slowloris connections held open"
python3 - "${url##*:}" "$(( seconds + 6 ))" <<'PY' &
# A bounded slowloris: 2,000 connections to the server's loopback port, each sending one more
# header line every 4 s and reopened when the server closes it; stops after the given seconds.
import socket, sys, time
port, seconds = int(sys.argv[1]), float(sys.argv[2])
def connect():
    try:
        s = socket.create_connection(("127.0.0.1", port))
        s.setblocking(False)
        s.send(b"GET / HTTP/1.1\r\nHost: x\r\n")
        return s
    except OSError:
        return None
held = [connect() for _ in range(2000)]
end, reopened = time.time() + seconds, 0
while time.time() < end:
    time.sleep(4)
    for i, s in enumerate(held):
        try:
            s.send(b"X-Slow: 1\r\n")
        except (OSError, AttributeError):
            if s is not None:
                s.close()
            held[i], reopened = connect(), reopened + 1
print(f"slowloris: {reopened} connections closed by the server and reopened")
PY
slowloris=$!
sleep 3
wrk -t2 -c128 -d"${seconds}s" --latency -s "$script" "$url/classify"
wait $slowloris
