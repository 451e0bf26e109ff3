#!/usr/bin/env bash
# Data in and out, measured (bench/README.md, "Data in and out"): CSV import throughput of a 4 MB
# 8-column file, and the export of a 10 MB walk-in (time, and the live Java heap of the server
# while the export is being streamed, against before).
#
#   bench/dataio.sh            # BENCH_ISOLATION=process|inprocess (default process)
#
# Starts its own server on a free loopback port with the launcher's JVM flags and the sandbox off
# (jcmd must attach to read the heap), and stops it by PID when done.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=${WALKINDB_SERVER_JAR:-$ROOT/server/target/walkindb-server.jar}
JAVA=${WALKINDB_JAVA:-$("$ROOT/scripts/find-java")}
JCMD=$(dirname "$JAVA")/jcmd
MODE=${BENCH_ISOLATION:-process}
TMP=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
SERVER_PID=
cleanup() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID"
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

WALKINDB_ADDR=127.0.0.1:$PORT WALKINDB_ADMIN_ADDR=off WALKINDB_DATA_DIR=$TMP/data WALKINDB_SANDBOX=off \
    WALKINDB_ISOLATION=$MODE WALKINDB_RATE_LIMIT_REQS=1000000 WALKINDB_RATE_LIMIT_NEW_INSTANCES=1000000 \
    WALKINDB_IMPORT_BUDGET_MB=100000 WALKINDB_JAVA=$JAVA \
    "$ROOT/scripts/run-jar" "$JAR" >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
    curl -sf "$BASE/healthz" >/dev/null && break
    sleep 1
done
curl -sf "$BASE/healthz" >/dev/null || { echo "server did not start"; cat "$TMP/server.log"; exit 1; }

session() { grep -i '^x-walkin-session:' "$1" | cut -d' ' -f2 | tr -d '\r'; }
heap_kb() { # live heap after a full collection, in KB
    "$JCMD" "$SERVER_PID" GC.run >/dev/null
    # Serial GC lists the young (DefNew) and the old (Tenured) generation, each with "used NK"
    "$JCMD" "$SERVER_PID" GC.heap_info | grep -E '^(DefNew|Tenured)' | grep -oE 'used [0-9]+K' | grep -oE '[0-9]+' \
        | awk '{ s += $1 } END { print s }'
}

# 1. a 4 MB CSV of 8 columns (integers, reals, text), just under the cap
python3 - "$TMP/in.csv" <<'PY'
import random, sys
random.seed(7)
out = ["id,qty,price,ratio,name,city,code,note"]
size = len(out[0]) + 1
i = 0
while True:
    i += 1
    row = f"{i},{random.randint(0, 10**6)},{random.random() * 1000:.2f},{random.random():.6f}," \
          f"name{random.randint(0, 99999)},city{random.randint(0, 999)},C{random.randint(0, 10**8)},note {i % 97}"
    if size + len(row) + 1 > 4 * 1024 * 1024 - 64:
        break
    out.append(row)
    size += len(row) + 1
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
ROWS=$(($(wc -l <"$TMP/in.csv") - 1))
BYTES=$(stat -c %s "$TMP/in.csv")
curl -s -X POST "$BASE/sql" -H 'Content-Type: application/json' -d '{"sql":"SELECT 1"}' >/dev/null # warm the path
for run in 1 2 3; do
    T=$(curl -s -o "$TMP/import.json" -w '%{time_total}' -X POST "$BASE/import?table=t" -H 'Content-Type: text/csv' \
        --data-binary @"$TMP/in.csv")
    grep -q "\"rows_affected\":$ROWS" "$TMP/import.json" || { echo "import failed: $(cat "$TMP/import.json")"; exit 1; }
    python3 -c "r,b,t=$ROWS,$BYTES,$T; print(f'csv import, run $run: {r} rows, {b/2**20:.2f} MiB in {t*1000:.0f} ms: {r/t:,.0f} rows/s, {b/2**20/t:.2f} MiB/s')"
done

# 2. a walk-in of 10 MB (just under the cap), exported at full speed, then streamed slowly while
#    the heap is read
curl -s -D "$TMP/h" -o /dev/null -X POST "$BASE/sql" -H 'Content-Type: application/json' -d '{"sql":"CREATE TABLE b(x)"}'
TOKEN=$(session "$TMP/h")
for _ in 1 2 3 4 5; do
    curl -s -o /dev/null -X POST "$BASE/sql" -H 'Content-Type: application/json' -H "X-Walkin-Session: $TOKEN" \
        -d '{"sql":"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 2) INSERT INTO b SELECT randomblob(990000) FROM c"}'
done
for run in 1 2 3; do
    curl -s -o "$TMP/out.sqlite" -w "export of a %{size_download}-byte walk-in, run $run: %{time_total} s\n" \
        "$BASE/db" -H "X-Walkin-Session: $TOKEN"
done
curl -s -o "$TMP/out.sql" -w "export as a dump (%{size_download} bytes): %{time_total} s\n" "$BASE/db?format=sql" \
    -H "X-Walkin-Session: $TOKEN"
BEFORE=$(heap_kb)
curl -s -o /dev/null --limit-rate 1M "$BASE/db" -H "X-Walkin-Session: $TOKEN" &
CURL=$!
sleep 4 # mid-stream: about 4 of the 10 MB sent
DURING=$(heap_kb)
wait "$CURL"
echo "live heap after a full GC: before the export ${BEFORE} KB, while it streams ${DURING} KB, growth $((DURING - BEFORE)) KB"
"$JCMD" "$SERVER_PID" GC.heap_info | grep -E '^(DefNew|Tenured)'
