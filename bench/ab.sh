#!/usr/bin/env bash
# A/B of two server builds (or two sets of JVM flags) in one run: both servers run at once,
# pinned to the same core, and short wrk rounds alternate between them, so a change in the
# machine's background load hits both alike. Prints one line per round and phase, then the
# median of each.
#
#   bench/ab.sh MODE ROUNDS JAR_A JAR_B ["FLAGS_A"] ["FLAGS_B"]
#   e.g. bench/ab.sh inprocess 5 /tmp/before.jar server/target/walkindb-server.jar
#        bench/ab.sh process 3 J J "" "-Djdk.virtualThreadScheduler.parallelism=2"
#
# MODE is WALKINDB_ISOLATION (process or inprocess). Knobs: AB_PHASES (default "reused
# sessions fresh": SELECT 1 on one walk-in at c32, on 32 walk-ins at c32, a fresh walk-in per
# call at c8; also "c1"), AB_SECONDS (6, per measured round, after 2 unmeasured). Each server
# is first loaded until its JIT compiler threads are idle (at least 20 s, at most 150 s). CPU
# per call is the CPU time of the server and its workers over the round divided by the
# requests wrk completed. Limits are lifted as in bench/run.sh; traffic goes to 127.0.0.1 only.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[[ $# -ge 4 ]] || { sed -n '2,17p' "$0" >&2; exit 2; }
MODE=$1 ROUNDS=$2 JAR_A=$3 JAR_B=$4 FLAGS_A=${5:-} FLAGS_B=${6:-}
PHASES=${AB_PHASES:-reused sessions fresh}
SECONDS_PER_ROUND=${AB_SECONDS:-6}
JAVA=$("$ROOT/scripts/find-java")
command -v wrk >/dev/null || { echo "bench/ab.sh needs wrk (apt-get install wrk, or run bench/run.sh once)" >&2; exit 2; }
mapfile -t JVM_FLAGS < <(grep -vE '^\s*(#|$)' "$ROOT/scripts/jvm-flags")
LUA="$ROOT/bench/lua/bench.lua"
WORK=$(mktemp -d /tmp/walkindb-ab.XXXXXX)
declare -A PID=()
cleanup() {
  local p
  for p in "${PID[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

start() { # start LABEL JAR FLAGS
  mkdir -p "$WORK/$1/data"
  # shellcheck disable=SC2086 # FLAGS is a list of JVM flags
  env MALLOC_ARENA_MAX=2 WALKINDB_ADDR=127.0.0.1:0 WALKINDB_ADMIN_ADDR=127.0.0.1:0 WALKINDB_ISOLATION="$MODE" \
    WALKINDB_DATA_DIR="$WORK/$1/data" WALKINDB_TTL=86400 WALKINDB_RATE_LIMIT_REQS=1000000000 \
    WALKINDB_RATE_LIMIT_NEW_INSTANCES=1000000000 WALKINDB_MAX_INSTANCES_PER_IP=1000000000 \
    WALKINDB_RATE_LIMIT_INSTANCE_REQS=1000000000 WALKINDB_MAX_INFLIGHT=100000 \
    taskset -c 0 "$JAVA" "${JVM_FLAGS[@]}" $3 -jar "$2" >"$WORK/$1/log" 2>&1 &
  PID[$1]=$!
}
url() { sed -n 's/^walkindb listening on \(http[^ ]*\).*/\1/p' "$WORK/$1/log" | head -n 1; }
new_walkin() {
  curl -fsS -D - -o /dev/null -H 'Content-Type: application/json' --data '{"sql":"SELECT 1"}' "$1/sql" |
    tr -d '\r' | sed -n 's/^[Xx]-[Ww]alkin-[Ss]ession: //p'
}
source "$ROOT/bench/lib/procstat.sh"
ticks() { # CPU ticks of LABEL's server and its workers; with "compilers", of their JIT threads only
  if [[ ${2:-} == compilers ]]; then compiler_ticks "${PID[$1]}"; else proc_ticks "${PID[$1]}"; fi
}
export BENCH_METHOD=POST BENCH_BODY='{"sql":"SELECT 1"}'
load() { # load LABEL THREADS CONNECTIONS SECONDS [ENV...]: prints wrk's BENCH_RESULT line
  local label=$1 t=$2 c=$3 d=$4; shift 4
  env "$@" taskset -c 1 wrk -t"$t" -c"$c" -d"${d}s" -s "$LUA" "$(url "$label")/sql" | grep BENCH_RESULT || true
}

start A "$JAR_A" "$FLAGS_A"
start B "$JAR_B" "$FLAGS_B"
for L in A B; do
  for _ in $(seq 1200); do grep -q '^walkindb admin listening' "$WORK/$L/log" && break; sleep 0.1; done
  [[ -n $(url "$L") ]] || { cat "$WORK/$L/log" >&2; echo "server $L did not start" >&2; exit 1; }
  new_walkin "$(url "$L")" >"$WORK/$L/token"
  for _ in $(seq 32); do new_walkin "$(url "$L")"; done >"$WORK/$L/tokens"
done
for L in A B; do
  started=$SECONDS
  while true; do
    before=$(ticks "$L" compilers)
    load "$L" 1 8 4 "BENCH_TOKEN=$(cat "$WORK/$L/token")" >/dev/null
    load "$L" 1 4 2 >/dev/null
    after=$(ticks "$L" compilers)
    # idle: the compilers used under 2 % of a core over the 6 s round
    if ((SECONDS - started >= 20 && (after - before) * 100 < 2 * 6 * $(getconf CLK_TCK))); then break; fi
    ((SECONDS - started < 150)) || { echo "# $L: JIT not idle after 150 s" >&2; break; }
  done
  echo "# $L warmed up in $((SECONDS - started)) s"
done

: >"$WORK/results"
for round in $(seq "$ROUNDS"); do
  for L in A B; do
    for phase in $PHASES; do
      case $phase in
        reused) args=(2 32 "BENCH_TOKEN=$(cat "$WORK/$L/token")") ;;
        sessions) args=(32 32 "BENCH_TOKENS_FILE=$WORK/$L/tokens") ;;
        fresh) args=(2 8) ;;
        c1) args=(1 1 "BENCH_TOKEN=$(cat "$WORK/$L/token")") ;;
        *) echo "unknown phase $phase" >&2; exit 2 ;;
      esac
      load "$L" "${args[0]}" "${args[1]}" 2 "${args[@]:2}" >/dev/null
      t0=$(ticks "$L")
      out=$(load "$L" "${args[0]}" "${args[1]}" "$SECONDS_PER_ROUND" "${args[@]:2}")
      t1=$(ticks "$L")
      req=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$out")
      p99=$(sed -n 's/.* p99=\([0-9.]*\).*/\1/p' <<<"$out")
      [[ -n $req && $req -gt 0 ]] || { echo "round $round $L $phase: no requests" >&2; continue; }
      cpu=$(((t1 - t0) * 1000000 / $(getconf CLK_TCK) / req))
      echo "round $round  $L  $phase  req/s $((req / SECONDS_PER_ROUND))  cpu µs/call $cpu  p99 ms $p99" | tee -a "$WORK/results"
    done
  done
done
echo "medians (A: $JAR_A $FLAGS_A; B: $JAR_B $FLAGS_B)"
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
for phase in $PHASES; do
  for L in A B; do
    rows=$(awk -v l="$L" -v ph="$phase" '$3 == l && $4 == ph' "$WORK/results")
    [[ -n $rows ]] || continue
    printf '  %-8s %s  req/s %s  cpu µs/call %s  (%s rounds)\n' "$phase" "$L" \
      "$(awk '{print $6}' <<<"$rows" | median)" "$(awk '{print $9}' <<<"$rows" | median)" "$(wc -l <<<"$rows")"
  done
done
