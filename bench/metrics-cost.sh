#!/usr/bin/env bash
# The cost of GET /metrics (docs/DEPLOY.md, "Metrics"): the same jar started with
# WALKINDB_METRICS=off and =on, in alternating rounds of one run, each round measuring
#   - RSS at rest: after start-up and one walk-in call, 5 s idle (with metrics on, after a scrape);
#   - CPU per call at c32: after WARMUP seconds of the same load (the JIT compiles then),
#     wrk POST /sql SELECT 1 on one reused walk-in for DURATION seconds,
#     the CPU (user+system) of the server and its SQL workers divided by the calls answered;
#     with metrics on, /metrics is scraped every 5 s during the load (Prometheus's default is 15 s).
# Prints one line per round and the medians. Usage:
#   bench/metrics-cost.sh [--rounds N] [--duration S] [--warmup S] [--mode inprocess|process]
# Needs wrk and curl; uses scripts/find-java and scripts/jvm-flags, the server jar of this tree.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=3 DURATION=15 WARMUP=30 MODE=inprocess
while [[ $# -gt 0 ]]; do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --mode) MODE=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--duration S] [--mode inprocess|process]" >&2; exit 2 ;;
  esac
done
JAVA=${WALKINDB_JAVA:-$("$ROOT/scripts/find-java")}
JAR=${WALKINDB_SERVER_JAR:-$ROOT/server/target/walkindb-server.jar}
mapfile -t FLAGS < <(grep -vE '^\s*(#|$)' "$ROOT/scripts/jvm-flags")
TICKS=$(getconf CLK_TCK)
WORK=$(mktemp -d /tmp/walkindb-metrics-cost.XXXXXX)
PID=""
cleanup() {
  if [[ -n $PID ]]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# CPU ticks (user+system) of a process and its children (the SQL workers)
cpu_ticks() {
  local total=0 p
  for p in $1 $(pgrep -P "$1" || true); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
rss_kb() { awk '/^VmRSS:/{print $2}' "/proc/$1/status"; }

stop() { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; PID=""; }

round() { # round on|off; prints "metrics=on rss_mb=.. calls=.. cpu_us_per_call=.."
  local metrics=$1 data="$WORK/data-$1-$RANDOM" out="$WORK/server-$1.log" url admin token i
  mkdir -p "$data"
  env WALKINDB_ADDR=127.0.0.1:0 WALKINDB_ADMIN_ADDR=127.0.0.1:0 WALKINDB_METRICS="$metrics" \
    WALKINDB_ISOLATION="$MODE" WALKINDB_DATA_DIR="$data" WALKINDB_SANDBOX=off WALKINDB_ACCESS_LOG=off \
    WALKINDB_RATE_LIMIT_REQS=1000000000 WALKINDB_RATE_LIMIT_NEW_INSTANCES=1000000000 \
    WALKINDB_MAX_INSTANCES_PER_IP=1000000000 WALKINDB_RATE_LIMIT_INSTANCE_REQS=1000000000 \
    WALKINDB_MAX_INFLIGHT=100000 "$JAVA" "${FLAGS[@]}" -jar "$JAR" >"$out" 2>&1 &
  PID=$!
  for ((i = 0; i < 1200; i++)); do
    grep -q '^walkindb admin listening on ' "$out" 2>/dev/null && break
    sleep 0.1
  done
  url=$(sed -n 's/^walkindb listening on \(http[^ ]*\).*/\1/p' "$out" | head -n 1)
  admin=$(sed -n 's/^walkindb admin listening on \(http[^ ]*\).*/\1/p' "$out" | head -n 1)
  [[ -n $url && -n $admin ]] || { cat "$out" >&2; echo "round $metrics: the server did not start" >&2; return 1; }
  for ((i = 0; i < 10; i++)); do # a loaded machine may answer the first call 503
    token=$(curl -sS -D - -o /dev/null -H 'Content-Type: application/json' -d '{"sql":"SELECT 1"}' "$url/sql" |
      tr -d '\r' | sed -n 's/^[Xx]-[Ww]alkin-[Ss]ession: //p')
    [[ -n $token ]] && break
    sleep 1
  done
  [[ -n $token ]] || { echo "round $metrics: no walk-in" >&2; stop; return 1; }
  if [[ $metrics == on ]] && ! curl -fsS "$admin/metrics" >/dev/null; then
    echo "round on: GET /metrics failed" >&2; stop; return 1
  fi
  sleep 5
  local rss; rss=$(rss_kb "$PID")
  local scraper=""
  if [[ $metrics == on ]]; then
    ( while sleep 5; do curl -fsS "$admin/metrics" >/dev/null 2>&1 || true; done ) &
    scraper=$!
  fi
  local before after calls
  BENCH_METHOD=POST BENCH_TOKEN="$token" wrk -t2 -c32 -d"${WARMUP}s" -s "$ROOT/bench/lua/bench.lua" "$url/sql" \
    >/dev/null 2>&1
  before=$(cpu_ticks "$PID")
  calls=$(BENCH_METHOD=POST BENCH_TOKEN="$token" wrk -t2 -c32 -d"${DURATION}s" -s "$ROOT/bench/lua/bench.lua" \
    "$url/sql" 2>&1 | awk '/requests in/{print $1}')
  after=$(cpu_ticks "$PID")
  local rss_loaded; rss_loaded=$(rss_kb "$PID")
  if [[ -n $scraper ]]; then kill "$scraper" 2>/dev/null; wait "$scraper" 2>/dev/null; fi
  stop
  [[ -n $calls && $calls -gt 0 ]] || { echo "round $metrics: wrk completed no call" >&2; return 1; }
  awk -v m="$metrics" -v rss="$rss" -v calls="$calls" -v t=$((after - before)) -v hz="$TICKS" -v d="$DURATION" \
    -v loaded="$rss_loaded" 'BEGIN {
    printf "metrics=%s rss_at_rest_mb=%.1f calls=%d cpu_us_per_call=%.1f calls_per_s=%.0f rss_after_load_mb=%.1f\n",
      m, rss / 1024, calls, t / hz * 1e6 / calls, calls / d, loaded / 1024 }'
}

echo "metrics cost: mode $MODE, $ROUNDS rounds of off/on, c32 for ${DURATION}s each after ${WARMUP}s warm-up," \
  "$(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg), $(date -u +%FT%TZ)"
for ((r = 1; r <= ROUNDS; r++)); do
  round off | tee -a "$WORK/results"
  round on | tee -a "$WORK/results"
done
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
for m in off on; do
  rows=$(grep "^metrics=$m " "$WORK/results")
  echo "median metrics=$m rss_at_rest_mb=$(field rss_at_rest_mb <<<"$rows" | median)" \
    "cpu_us_per_call=$(field cpu_us_per_call <<<"$rows" | median) calls_per_s=$(field calls_per_s <<<"$rows" | median)"
done
