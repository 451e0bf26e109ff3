#!/usr/bin/env bash
# bench/run.sh --target URL: measures a walkindb server that is already running, here or
# elsewhere, from the outside. Only what makes sense from there: a few correctness checks, then
# wrk phases (GET /healthz; SELECT 1 on one reused walk-in and on 32 walk-ins; a fresh walk-in
# per call) with their latency, throughput and answers by status. No server is started, nothing
# is pinned, no memory or CPU of the server is read, no worker is killed; the nginx floor only
# when the target is on this machine. A server with its public limits answers 429 within the
# first seconds: the run says so and stops its load there (bench/README.md, "Measuring a running
# server"). Writes bench/results/<date>-<commit>-target-<host>-<port>.{md,csv} and charts.
set -Eeuo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")

URL=${1:-}
if [[ ! $URL =~ ^(https?)://([^/?#]+)(/[^?#]*)?$ ]]; then
  echo "bench/run.sh --target: '$URL' is not an http:// or https:// URL (http://HOST:PORT[/prefix])" >&2
  exit 2
fi
HOSTPORT=${BASH_REMATCH[2]}
URL=${URL%/}
HOST=${HOSTPORT%:*}
[[ $HOSTPORT == \[*\] ]] && HOST=$HOSTPORT # [::1] without a port
HOST=${HOST#[}; HOST=${HOST%]}

DURATION=${BENCH_DURATION:-10}            # seconds per measured wrk phase
WARMUP=${BENCH_WARMUP:-2}                 # seconds of unmeasured wrk before each phase
JIT_WARMUP=${BENCH_JIT_WARMUP:-10}        # seconds of unmeasured load once, before the first phase
CONNS=${BENCH_TARGET_CONNS:-1 8 32}       # concurrencies of SELECT 1 on the reused walk-in
WALKIN_CONNS=${BENCH_TARGET_WALKIN_CONNS-1 8} # concurrencies of a fresh walk-in per call ("": none)
SESSIONS=${BENCH_TARGET_SESSIONS:-on}     # on: SELECT 1 on 32 walk-ins at c32
ON_429=${BENCH_TARGET_ON_429:-stop}       # stop: no load phase after one that saw a 429; go: on
NGINX_FLOOR=${BENCH_TARGET_NGINX:-auto}   # auto: the nginx floor when the target is on loopback
WRK_THREADS=${BENCH_WRK_THREADS:-2}
RESULTS=${BENCH_RESULTS_DIR:-$BENCH/results}
SQL_BODY='{"sql":"SELECT 1"}'
LUA="$BENCH/lua/bench.lua"
case $ON_429 in stop | go) ;; *) echo "BENCH_TARGET_ON_429 must be stop or go, not '$ON_429'" >&2; exit 2 ;; esac
case $NGINX_FLOOR in auto | off) ;; *) echo "BENCH_TARGET_NGINX must be auto or off, not '$NGINX_FLOOR'" >&2; exit 2 ;; esac

# ---------------------------------------------------------------- state and cleanup
WORK=""; NGINX_PID=""; CHILD=""; RAW=""
# shellcheck disable=SC2034 # read by start_nginx (lib/common.sh); empty: nothing is pinned
ON_SERVER=()
# log, die, as_root, stop_pid, run_child, free_port, start_nginx: shared with bench/run.sh.
source "$BENCH/lib/common.sh"
# FIELDS, row(), render_csv(), draw_charts(), charts_md(): the same CSV as bench/run.sh writes.
source "$BENCH/lib/results.sh"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  exec 1>&3 2>&4
  [[ -n $CHILD ]] && stop_pid "$CHILD" TERM 5
  [[ -n $NGINX_PID ]] && stop_pid "$NGINX_PID" QUIT 10
  [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"
  ((rc == 0)) || log "bench stopped with status $rc; everything it started has been stopped"
  exit "$rc"
}
exec 3>&1 4>&2
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! command -v wrk >/dev/null 2>&1; then
  log "installing from Debian: wrk"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq wrk >/dev/null
fi
command -v curl >/dev/null 2>&1 || die "curl is needed"

LOCAL=0
[[ $HOST == localhost || $HOST == 127.* || $HOST == ::1 ]] && LOCAL=1
NGINX_BIN=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
WITH_NGINX=0
if [[ $NGINX_FLOOR == auto ]] && ((LOCAL)); then
  if [[ -x $NGINX_BIN ]]; then WITH_NGINX=1; else NGINX_TEXT="none: nginx is not installed"; fi
fi
((WITH_NGINX)) || NGINX_TEXT=${NGINX_TEXT:-"none: the target is not on this machine (or BENCH_TARGET_NGINX=off)"}

# ---------------------------------------------------------------- run identity
DATE=$(date -u +%F)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo nogit)
NCPU=$(nproc)
CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
KERNEL=$(uname -sr)
# shellcheck disable=SC2034 # both read by render_csv (lib/results.sh)
JDK_VERSION="" PIN=remote # no JDK visible from outside; the pinning column: nothing pinned
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
WRK_VERSION=$({ wrk -v 2>&1 || true; } | head -n 1 | awk '{print $2}')
SLUG=$(tr -c 'a-zA-Z0-9.\n' '-' <<<"$HOSTPORT" | tr -s '-' | sed 's/^-//; s/-$//')
BASE="$RESULTS/$DATE-$COMMIT-target-$SLUG"
RAW="$RESULTS/raw/$DATE-$COMMIT-target-$SLUG-$(date -u +%H%M%S)"
mkdir -p "$RAW"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/walkindb-bench-target.XXXXXX")
ROWS="$WORK/rows.tsv"
: >"$ROWS"
exec > >(tee "$RAW/run.log") 2>&1
exec 3>&1 4>&2

log "walkindb bench of a running server: $URL (bench commit $COMMIT)"
log "this machine: $NCPU CPUs, $CPU_MODEL, $KERNEL; wrk $WRK_VERSION; load average $LOAD_START"
log "phases: ${WARMUP}s warm-up + ${DURATION}s measured each; reused walk-in at c${CONNS// /, c}; fresh walk-in at $(if [[ -n $WALKIN_CONNS ]]; then echo "c${WALKIN_CONNS// /, c}"; else echo none; fi); 32 walk-ins: $SESSIONS; nginx floor: $( ((WITH_NGINX)) && echo yes || echo "$NGINX_TEXT")"

# ---------------------------------------------------------------- talking to the target
RATE_LIMITED=0   # 429s seen, checks and load together
CREATED=0        # walk-ins this run created on the target (each a 200 without a session header)
CODE=""; BODY=""; HEADERS=""
# call METHOD PATH [SESSION] [BODY]: one request with curl; sets CODE (000: no answer), BODY and
# HEADERS (names lower-cased).
call() {
  local args=(-sS --max-time 15 -X "$1" -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}')
  [[ -z ${3:-} ]] || args+=(-H "X-Walkin-Session: $3")
  [[ -z ${4:-} ]] || args+=(-H 'Content-Type: application/json' --data-binary "$4")
  : >"$WORK/headers"; : >"$WORK/body"
  CODE=$(curl "${args[@]}" "$URL$2" 2>>"$RAW/curl-errors.txt") || CODE=000
  BODY=$(cat "$WORK/body")
  HEADERS=$(tr -d '\r' <"$WORK/headers" | awk -F': ' 'NF > 1 { print tolower($1) ": " substr($0, length($1) + 3) }')
  [[ $CODE != 429 ]] || RATE_LIMITED=$((RATE_LIMITED + 1))
  # The call that creates a walk-in carries its session header, whatever its status.
  if [[ $1 == POST && -z ${3:-} && -n $(header x-walkin-session) ]]; then CREATED=$((CREATED + 1)); fi
}
header() { awk -v n="$1: " 'index($0, n) == 1 { print substr($0, length(n) + 1); exit }' <<<"$HEADERS"; }
answer_text() { echo "$CODE $(head -c 200 <<<"$BODY" | tr -d '\n')"; }

CHECKS_FAILED=0
check() { # check WHAT OK NOTE: one row of the checks table (OK: 1 or 0)
  local verdict=pass
  if [[ $CODE == 429 ]]; then verdict=rate-limited
  elif [[ $2 != 1 ]]; then verdict=fail; CHECKS_FAILED=$((CHECKS_FAILED + 1)); fi
  row section=check "what=$1" "value=$verdict" "note=$3"
  log "check: $1: $verdict ($3)"
}
has() { [[ $1 == *"$2"* ]] && echo 1 || echo 0; }

# ---------------------------------------------------------------- correctness checks
call GET /healthz
[[ $CODE != 000 ]] || die "no answer from $URL/healthz: $(tail -n 1 "$RAW/curl-errors.txt" 2>/dev/null)"
check "GET /healthz answers 200 {\"status\":\"ok\"}" "$([[ $CODE == 200 ]] && has "$BODY" '"status":"ok"' || echo 0)" "$(answer_text)"

call POST /sql "" "$SQL_BODY"
TOKEN=$(header x-walkin-session); TTL_AT=$(header x-walkin-ttl)
ok=0; [[ $CODE == 200 && $TOKEN == wkn_* && $TTL_AT =~ ^[0-9]+$ && $BODY == *'"rows":[[1]]'* ]] && ok=1
TTL_TEXT="?"; [[ $TTL_AT =~ ^[0-9]+$ ]] && TTL_TEXT="$((TTL_AT - $(date +%s))) s"
check "POST /sql without a session: a new walk-in answers SELECT 1" "$ok" \
  "$(answer_text); X-Walkin-Session ${TOKEN:0:8}…, X-Walkin-Ttl in $TTL_TEXT"

if [[ $TOKEN == wkn_* ]]; then
  call POST /sql "$TOKEN" '{"sql":"CREATE TABLE bench_check(x INTEGER); INSERT INTO bench_check VALUES (?)","args":[42]}'
  ok=0; [[ $CODE == 200 && $BODY == *'"rows_affected":1'* && -z $(header x-walkin-session) ]] && ok=1
  check "the walk-in takes a table and a row (bound argument); no session header again" "$ok" "$(answer_text)"
  call POST /sql "$TOKEN" '{"sql":"SELECT x FROM bench_check"}'
  check "the next call on it reads the row back" "$([[ $CODE == 200 ]] && has "$BODY" '"rows":[[42]]' || echo 0)" "$(answer_text)"
  call POST /sql "" '{"sql":"SELECT x FROM bench_check"}'
  check "another walk-in does not see that table (400 no such table)" \
    "$([[ $CODE == 400 ]] && has "$BODY" 'no such table' || echo 0)" "$(answer_text)"
fi
call POST /sql "wkn_benchcheckunknowntoken" "$SQL_BODY"
check "an unknown session is 404 instance_not_found" "$([[ $CODE == 404 ]] && has "$BODY" '"instance_not_found"' || echo 0)" "$(answer_text)"
call POST /sql "" '{"sql": '
check "a body that is not JSON is 400 invalid_json" "$([[ $CODE == 400 ]] && has "$BODY" '"invalid_json"' || echo 0)" "$(answer_text)"
call OPTIONS /sql
check "CORS preflight: OPTIONS /sql is 204 with access-control-allow-origin *" \
  "$([[ $CODE == 204 && $(header access-control-allow-origin) == '*' ]] && echo 1 || echo 0)" "$(answer_text)"

# ---------------------------------------------------------------- load phases
STOPPED=""   # why the load phases stopped early, if they did
stop_load() { # stop_load WHY: no further load phases (BENCH_TARGET_ON_429=go keeps on after 429s)
  [[ -z $STOPPED ]] || return 0
  STOPPED=$1
  log "load phases stopped: $1"
}
if ((RATE_LIMITED)); then
  stop_load "the target answered 429 to the checks already: it enforces its public limits"
elif [[ $TOKEN != wkn_* ]]; then
  stop_load "no walk-in could be created for the load phases"
fi

# wrk_statuses FILE: the BENCH_STATUSES line of a wrk output, as "200:n,429:m".
wrk_statuses() { sed -n 's/^BENCH_STATUSES //p' "$1" | tail -n 1; }
count_of() { tr ',' '\n' <<<"$1" | awk -F: -v c="$2" '$1 == c { n += $2 } END { print n + 0 }'; }

# run_wrk FILE CONNS THREADS SECONDS URL [VAR=value ...]: one wrk run, statuses counted; adds
# its 429s and created walk-ins to the totals; returns 1 when it saw a 429.
run_wrk() {
  local file=$1 conns=$2 threads=$3 secs=$4 url=$5 st n429
  shift 5
  run_child env BENCH_STATUSES=1 "$@" wrk "-t$threads" "-c$conns" --timeout 10s -s "$LUA" -d"${secs}s" --latency \
    "$url" >"$file" 2>&1 || log "wrk exited non-zero (see $file)"
  st=$(wrk_statuses "$file")
  n429=$(count_of "$st" 429)
  RATE_LIMITED=$((RATE_LIMITED + n429))
  if [[ $url == "$URL/sql" && " $* " != *" BENCH_TOKEN"* ]]; then CREATED=$((CREATED + $(count_of "$st" 200))); fi
  ((n429 == 0))
}

# phase SLUG LABEL TARGET CONNS THREADS URL [VAR=value ...]: warm-up, then the measured run.
phase() {
  local slug=$1 label=$2 target=$3 conns=$4 threads=$5 url=$6
  shift 6
  if [[ -n $STOPPED ]]; then
    row section=load "what=$label" "target=$target" "conns=$conns" "note=skipped (load phases stopped: see the summary)"
    return 0
  fi
  local limited=0
  if ((WARMUP > 0)) && ! run_wrk "$RAW/$slug.warmup.txt" "$conns" "$threads" "$WARMUP" "$url" "$@"; then
    if [[ $ON_429 == stop ]]; then
      stop_load "the warm-up of $label at c$conns was answered 429 (rate limited): run the target with its limits lifted (bench/README.md)"
      row section=load "what=$label" "target=$target" "conns=$conns" "note=skipped: $STOPPED"
      return 0
    fi
    limited=1
  fi
  run_wrk "$RAW/$slug.txt" "$conns" "$threads" "$DURATION" "$url" "$@" || limited=1
  local line st
  line=$(sed -n 's/^BENCH_RESULT //p' "$RAW/$slug.txt" | tail -n 1)
  [[ -n $line ]] || { cat "$RAW/$slug.txt"; die "$label: wrk printed no result"; }
  st=$(wrk_statuses "$RAW/$slug.txt")
  local -A r=()
  local kv
  for kv in $line; do r[${kv%%=*}]=${kv#*=}; done
  local sockerr=$((${r[connect]} + ${r[read]} + ${r[write]} + ${r[timeout]}))
  # The answers that were not 200, as the local run lists them from the access log.
  local note
  note=$(tr ',' '\n' <<<"$st" | awk -F: '$1 != 200 && $1 != "" { printf "%s%s×%s", (n++ ? ", " : "statuses "), $2, $1 }')
  ((limited == 0)) || note="${note:+$note; }429s: the target's limits answered, not its SQL path"
  row section=load "what=$label" "target=$target" "conns=$conns" "requests=${r[requests]}" \
    "seconds=${r[seconds]}" "rps=${r[rps]}" "p50=${r[p50]}" "p90=${r[p90]}" "p99=${r[p99]}" \
    "p999=${r[p999]}" "max=${r[max]}" "non2xx=${r[non2xx]}" "sockerr=$sockerr" "note=$note"
  printf -v line '%-6s %-26s c%-4s %9s req/s  p50 %7s  p90 %7s  p99 %8s  p99.9 %8s ms  non-2xx %s  socket errors %s%s' \
    "$target" "$label" "$conns" "${r[rps]}" "${r[p50]}" "${r[p90]}" "${r[p99]}" "${r[p999]}" "${r[non2xx]}" "$sockerr" \
    "${note:+  ($note)}"
  log "$line"
  if ((limited)) && [[ $ON_429 == stop ]]; then
    stop_load "$label at c$conns was answered 429 (rate limited): run the target with its limits lifted (bench/README.md)"
  fi
}

POST=(BENCH_METHOD=POST "BENCH_BODY=$SQL_BODY")
threads_for() { if (($1 == 1)); then echo 1; else echo "$WRK_THREADS"; fi; }

if [[ -z $STOPPED && $SESSIONS == on ]]; then
  : >"$WORK/tokens32.txt"
  for _ in $(seq 32); do
    call POST /sql "" "$SQL_BODY"
    if [[ $CODE == 429 ]]; then stop_load "creating the 32 walk-ins was answered 429: the target enforces its creation limits"; break; fi
    header x-walkin-session >>"$WORK/tokens32.txt"
  done
  [[ -n $STOPPED || $(grep -c '^wkn_' "$WORK/tokens32.txt") -eq 32 ]] || die "could not create 32 walk-ins on the target"
fi
if [[ -z $STOPPED ]] && ((WITH_NGINX)); then
  NGINX_BODY=$(curl -fsS -H 'Content-Type: application/json' -H "X-Walkin-Session: $TOKEN" --data "$SQL_BODY" "$URL/sql")
  start_nginx "$NGINX_BODY"
fi
if [[ -z $STOPPED ]] && ((JIT_WARMUP > 0)); then
  log "warm-up: ${JIT_WARMUP}s of reused-session and fresh walk-in load, not measured"
  half=$((JIT_WARMUP / 2)); [[ -n $WALKIN_CONNS ]] || half=$JIT_WARMUP
  run_wrk "$RAW/warmup-reused.txt" 8 1 "$half" "$URL/sql" "${POST[@]}" "BENCH_TOKEN=$TOKEN" ||
    stop_load "the warm-up was answered 429 (rate limited): run the target with its limits lifted (bench/README.md)"
  if [[ -z $STOPPED && -n $WALKIN_CONNS ]]; then
    run_wrk "$RAW/warmup-walkins.txt" 4 1 "$((JIT_WARMUP - half))" "$URL/sql" "${POST[@]}" ||
      stop_load "the warm-up's fresh walk-ins were answered 429 (rate limited): run the target with its limits lifted (bench/README.md)"
  fi
fi

phase healthz-c1 "GET /healthz" server 1 1 "$URL/healthz" BENCH_METHOD=GET
for c in $CONNS; do
  t=$(threads_for "$c")
  if ((WITH_NGINX)) && [[ -n $NGINX_PID ]]; then phase "nginx-c$c" "nginx floor" nginx "$c" "$t" "$NGINX_URL/sql" "${POST[@]}"; fi
  phase "sql-reused-c$c" "SELECT 1, reused session" server "$c" "$t" "$URL/sql" "${POST[@]}" "BENCH_TOKEN=$TOKEN"
  if ((c == 32)) && [[ $SESSIONS == on ]]; then
    phase sql-32sessions-c32 "SELECT 1, 32 sessions" server 32 32 "$URL/sql" "${POST[@]}" \
      "BENCH_TOKENS_FILE=$WORK/tokens32.txt"
  fi
done
for c in $WALKIN_CONNS; do
  phase "walkin-c$c" "fresh walk-in per call" server "$c" "$(threads_for "$c")" "$URL/sql" "${POST[@]}"
done
[[ -z $NGINX_PID ]] || { stop_pid "$NGINX_PID" QUIT 10; NGINX_PID=""; }

# ---------------------------------------------------------------- summary
row section=target "what=answers 429 (rate limited), checks and load" "value=$RATE_LIMITED" unit=answers \
  "note=$( ((RATE_LIMITED)) && echo "the target enforces per-client limits: its figures are the limiter's; lift them (bench/README.md)" || echo "none: the limits did not interfere")"
row section=target "what=walk-ins this run created on the target" "value=$CREATED" unit=walk-ins \
  "note=counted from the answers (a call still in flight when a wrk run stops may add one per connection); they live until the target's TTL ($TTL_TEXT for the first), then its sweeper deletes them"
row section=target "what=correctness checks failed" "value=$CHECKS_FAILED" unit=checks
[[ -z $STOPPED ]] || row section=target "what=load phases stopped early" value=yes "note=$STOPPED"
log "429 answers: $RATE_LIMITED; walk-ins created on the target: $CREATED; checks failed: $CHECKS_FAILED${STOPPED:+; stopped early: $STOPPED}"
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

render_md() {
  cat <<EOF
# walkindb benchmark of a running server, $DATE

| | |
|---|---|
| date (UTC) | $(date -u '+%F %H:%M') |
| target | $URL |
| bench | commit $COMMIT (\`bench/run.sh --target\`) |
| this machine (wrk's) | $NCPU cores, $CPU_MODEL, $KERNEL; load average $LOAD_START at start, $LOAD_END at end |
| tools | wrk $WRK_VERSION, curl |
| phases | ${WARMUP} s warm-up + ${DURATION} s measured; wrk --timeout 10s; ${JIT_WARMUP} s of unmeasured load before the first |
| nginx floor | $( ((WITH_NGINX)) && echo "nginx $("$NGINX_BIN" -v 2>&1 | sed 's/.*nginx\///') on this machine, worker_processes 1, unpinned" || echo "$NGINX_TEXT") |
| not measured | the server's memory, CPU and disk, the worker kill test, the long run: they need the server's process (\`bench/run.sh\` without \`--target\`) |

## Correctness checks

| check | result | answer |
|---|---|---|
EOF
  awk -F'\t' '$1 == "check" { gsub(/\|/, "\\|", $23); printf "| %s | %s | %s |\n", $2, ($21 == "pass" ? $21 : "**" $21 "**"), $23 }' "$ROWS"
  cat <<EOF

## HTTP load (wrk, closed loop)

Latencies in ms. "non-2xx" and "socket errors" as wrk counts them; the note lists the statuses
other than 200 (wrk counted every answer by status). A phase with 429s measured the target's
rate limiter, not its SQL path.

| phase | conns | requests | req/s | p50 | p90 | p99 | p99.9 | max | non-2xx | socket errors | note |
|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|
EOF
  awk -F'\t' '$1 == "load" { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
    $2 ($3 == "nginx" ? " (this machine)" : ""), $4, $5, $7, $8, $9, $10, $11, $12, $13, $14, $23 }' "$ROWS"
  cat <<EOF

## Summary

| what | value | unit | note |
|---|--:|---|---|
EOF
  awk -F'\t' '$1 == "target" { printf "| %s | %s | %s | %s |\n", $2, $21, $22, $23 }' "$ROWS"
  cat <<EOF

Raw output: raw/$(basename "$RAW")/ beside this file (git-ignored).
EOF
}

render_csv >"$BASE.csv"
draw_charts "$BASE.csv"
{ render_md; charts_md "$BASE"; } >"$BASE.md"
log "results: $BASE.md and $BASE.csv; raw output in $RAW"
echo
cat "$BASE.md"
