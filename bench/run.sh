#!/usr/bin/env bash
# walkindb load benchmark: one command, 9 to 12 minutes with the defaults. bench/README.md says
# what each figure means; the knobs are the BENCH_* variables below. Writes
# bench/results/<UTC date>-<commit>.{md,csv}, PNG charts beside them (bench/charts.sh) and the
# raw tool output to bench/results/raw/. `bench/run.sh --target URL` measures a server that is
# already running instead (bench/target.sh: load and correctness only, nothing started).
# Everything it starts (servers and their SQL workers, nginx, wrk, the generators) it stops by
# PID on exit.
set -Eeuo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")

usage() { echo "usage: bench/run.sh [--target URL]   (the knobs are BENCH_* variables: bench/README.md)" >&2; }
case ${1:-} in
  "") ;;
  --target) [[ $# -eq 2 && -n $2 ]] || { usage; exit 2; }; exec "$BENCH/target.sh" "$2" ;;
  --target=?*) [[ $# -eq 1 ]] || { usage; exit 2; }; exec "$BENCH/target.sh" "${1#--target=}" ;;
  -h | --help) usage; exit 0 ;;
  *) usage; exit 2 ;;
esac

DURATION=${BENCH_DURATION:-10}            # seconds per measured wrk phase
WARMUP=${BENCH_WARMUP:-2}                 # seconds of unmeasured wrk before each phase
JIT_WARMUP=${BENCH_JIT_WARMUP:-20}        # at least this many seconds of unmeasured load before the first phase,
JIT_MAX=${BENCH_JIT_MAX:-180}             # then more, in rounds, until the JIT compilers are idle, or this many
JIT_IDLE_PCT=${BENCH_JIT_IDLE_PCT:-2}     # idle: the compiler threads used under this % of one core in a round
WALKINS=${BENCH_WALKINS:-100000}          # walk-ins of the long run
CREATORS=${BENCH_CREATORS:-8}             # creator threads of the long run
WALKINS_MAX_SECONDS=${BENCH_WALKINS_MAX_SECONDS:-240}  # the long run stops here, finished or not
ISOLATION=${BENCH_ISOLATION:-both}        # both | process | inprocess: where the server runs tenant SQL
KILLS=${BENCH_KILLS:-5}                   # worker kills of the kill-to-answer test (process mode)
KILL_WALKINS=${BENCH_KILL_WALKINS:-32}    # walk-ins that must each be answered after a kill
WRK_THREADS=${BENCH_WRK_THREADS:-2}       # wrk threads for c > 1 (the 32-session phase uses 32)
SERVER_CPUS=${BENCH_SERVER_CPUS:-0}       # taskset list for the server and nginx
CLIENT_CPUS=${BENCH_CLIENT_CPUS:-1}       # taskset list for wrk and the generator
PIN=${BENCH_PIN:-auto}                    # auto: pin when the machine has 2+ CPUs; off: never
ACCESS_LOG=${BENCH_ACCESS_LOG:-on}        # the server's access log, on as in production
SANDBOX=${BENCH_SANDBOX:-on}              # the process jail, on as in production (off: jcmd can attach)
JAR=${WALKINDB_SERVER_JAR:-$ROOT/server/target/walkindb-server.jar}
mapfile -t JVM_FLAGS < <(grep -vE '^\s*(#|$)' "$ROOT/scripts/jvm-flags")   # the launcher's flags
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}                               # as ./walkindb sets it
NMT=${BENCH_NMT:-off}                     # on: add native memory tracking (changes the JVM's flags)
[[ $NMT != on ]] || JVM_FLAGS+=(-XX:NativeMemoryTracking=summary)
SQL_BODY='{"sql":"SELECT 1"}'
LUA="$BENCH/lua/bench.lua"

# Part 1 runs once per mode, each on a fresh server; the long run once, in production's default
# (process) unless only inprocess is asked for.
case $ISOLATION in
  both) MODES=(inprocess process); LONG_MODE=process ;;
  process) MODES=(process); LONG_MODE=process ;;
  inprocess) MODES=(inprocess); LONG_MODE=inprocess ;;
  *) echo "BENCH_ISOLATION must be both, process or inprocess, not '$ISOLATION'" >&2; exit 2 ;;
esac

# ---------------------------------------------------------------- state and cleanup
WORK=""; SERVER_PID=""; NGINX_PID=""; CHILD=""; POLICY_RC_CREATED=""; RAW=""
SERVER_LOGS=()
# log, die, as_root, stop_pid, run_child, free_port, start_nginx: shared with bench/target.sh.
source "$BENCH/lib/common.sh"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # A signal can land while a phase's output goes to a raw file: talk to the terminal again.
  exec 1>&3 2>&4
  [[ -n $CHILD ]] && stop_pid "$CHILD" TERM 5
  stop_server
  [[ -n $NGINX_PID ]] && stop_pid "$NGINX_PID" QUIT 10
  if [[ -n $RAW && ${#SERVER_LOGS[@]} -gt 0 ]]; then cp -f "${SERVER_LOGS[@]}" "$RAW/" 2>/dev/null || true; fi
  [[ -n $POLICY_RC_CREATED ]] && as_root rm -f /usr/sbin/policy-rc.d
  [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"
  ((rc == 0)) || log "bench stopped with status $rc; everything it started has been stopped"
  exit "$rc"
}
exec 3>&1 4>&2 # the run's own stdout/stderr, for cleanup (re-pointed at the tee below)
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- tools
install_tools() {
  local need_wrk=0 need_nginx=0 pkgs=()
  command -v wrk >/dev/null 2>&1 || need_wrk=1
  command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need_nginx=1
  ((need_wrk || need_nginx)) || return 0
  as_root apt-get update -qq
  ((need_wrk)) && pkgs+=(wrk)
  if ((need_nginx)); then
    # Debian 12 has nginx-light (fewer modules); later releases fold it into nginx.
    if apt-cache show nginx-light >/dev/null 2>&1; then pkgs+=(nginx-light); else pkgs+=(nginx); fi
    # Keep the package's own nginx service from starting (it would take port 80): the usual
    # policy-rc.d answer 101, only if none is there already, removed again right after.
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
      printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
      as_root chmod 755 /usr/sbin/policy-rc.d
      POLICY_RC_CREATED=1
    fi
  fi
  log "installing from Debian: ${pkgs[*]}"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${pkgs[@]}" >/dev/null
  if [[ -n $POLICY_RC_CREATED ]]; then as_root rm -f /usr/sbin/policy-rc.d; POLICY_RC_CREATED=""; fi
}

install_tools
command -v taskset >/dev/null 2>&1 || PIN=off
NGINX_BIN=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
JAVA=$("$ROOT/scripts/find-java")
JDK_HOME=$(dirname "$(dirname "$JAVA")")

if [[ ! -f $JAR ]]; then
  [[ -z ${WALKINDB_SERVER_JAR:-} ]] || die "WALKINDB_SERVER_JAR=$JAR does not exist"
  log "no server jar at $JAR: building it (mvnw package, tests skipped)"
  (cd "$ROOT" && JAVA_HOME=$JDK_HOME ./mvnw -q -B -DskipTests package)
  [[ -f $JAR ]] || die "the build did not produce $JAR"
fi

NCPU=$(nproc)
if [[ $PIN == auto ]]; then if ((NCPU >= 2)); then PIN=on; else PIN=off; fi; fi
if [[ $PIN == on ]]; then
  ON_SERVER=(taskset -c "$SERVER_CPUS"); ON_CLIENT=(taskset -c "$CLIENT_CPUS")
  PIN_TEXT="server and nginx on CPU $SERVER_CPUS, wrk and the generator on CPU $CLIENT_CPUS (taskset)"
else
  ON_SERVER=(); ON_CLIENT=()
  PIN_TEXT="no pinning: server, nginx and load generators share all $NCPU CPUs"
fi

# ---------------------------------------------------------------- run identity
DATE=$(date -u +%F)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo nogit)
TREE=clean
if [[ $COMMIT != nogit && -n $(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
  TREE="working tree has uncommitted changes"
fi
CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
[[ -n $CPU_MODEL ]] || CPU_MODEL=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)
KERNEL=$(uname -sr)
JDK_VERSION=$("$JAVA" -version 2>&1 | sed -n 2p | sed 's/ (build.*//')
MEM_TOTAL=$(awk '/^MemTotal:/{printf "%.1f GB", $2 / 1048576}' /proc/meminfo)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
JAR_SHA=$(sha256sum "$JAR" | cut -c1-12)
JAR_TIME=$(date -u -r "$JAR" '+%F %H:%M UTC')
WRK_VERSION=$({ wrk -v 2>&1 || true; } | head -n 1 | awk '{print $2}')  # wrk -v exits 1
NGINX_VERSION=$("$NGINX_BIN" -v 2>&1 | sed 's/.*nginx\///')

RESULTS=${BENCH_RESULTS_DIR:-$BENCH/results}   # where the .md/.csv and raw/ go
RAW="$RESULTS/raw/$DATE-$COMMIT-$(date -u +%H%M%S)"
mkdir -p "$RAW"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/walkindb-bench.XXXXXX")
ROWS="$WORK/rows.tsv"
: >"$ROWS"
exec > >(tee "$RAW/run.log") 2>&1
exec 3>&1 4>&2

log "walkindb bench: commit $COMMIT ($TREE), jar $JAR (sha256 $JAR_SHA…, built $JAR_TIME)"
log "machine: $NCPU CPUs, $CPU_MODEL, $MEM_TOTAL, $KERNEL; $JDK_VERSION; wrk $WRK_VERSION, nginx $NGINX_VERSION"
log "load average at start: $LOAD_START"
log "pinning: $PIN_TEXT"
log "phases: ${WARMUP}s warm-up + ${DURATION}s measured each; long run: $WALKINS walk-ins, $CREATORS creators, cap ${WALKINS_MAX_SECONDS}s"
log "isolation: load phases with ${MODES[*]} (a fresh server each), long run with $LONG_MODE"

# ---------------------------------------------------------------- measuring helpers
# FIELDS, row() and render_csv(): the same columns as bench/target.sh writes.
source "$BENCH/lib/results.sh"

# The CPUs of a taskset list ("0", "0,2", "0-3") as /proc/stat names.
cpu_names() {
  local part a b i
  if [[ $PIN != on ]]; then echo cpu; return; fi
  for part in ${1//,/ }; do
    a=${part%-*}; b=${part#*-}
    for ((i = a; i <= b; i++)); do echo "cpu$i"; done
  done
}
SERVER_CPU_NAMES=$(cpu_names "$SERVER_CPUS" | tr '\n' ' ')
CLK_TCK=$(getconf CLK_TCK)

core_ticks() { # "busy total" summed over the server's CPUs
  # user..steal (fields 2-9); guest time is already inside user. Steal counts as busy: the
  # hypervisor gave the core to someone else.
  awk -v names="$SERVER_CPU_NAMES" 'BEGIN { n = split(names, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1 }
    want[$1] { t = 0; for (i = 2; i <= 9; i++) t += $i; busy += t - $5 - $6; total += t }
    END { print busy + 0, total + 0 }' /proc/stat
}
# tree_pids, ticks_of, proc_ticks, compiler_ticks: shared with bench/ab.sh.
source "$BENCH/lib/procstat.sh"
own_ticks() { ticks_of "$1"; }                # the process alone (the server without its workers)
now() { date +%s.%N; }

rss_mb() { awk '/^VmRSS:/{printf "%.1f", $2 / 1024}' "/proc/$1/status" 2>/dev/null; }
# PSS splits each shared page (the JDK's files, libraries) between the processes that map it, so
# the sum over a tree is what the tree costs the machine. Empty when unreadable.
pss_mb() { awk '/^Pss:/{printf "%.1f", $2 / 1024}' "/proc/$1/smaps_rollup" 2>/dev/null; }
tree_pss_mb() {
  local pid v sum=0
  for pid in $(tree_pids "$1"); do
    v=$(pss_mb "$pid")
    [[ -n $v ]] || { echo ""; return; }
    sum=$(awk -v a="$sum" -v b="$v" 'BEGIN { printf "%.1f", a + b }')
  done
  echo "$sum"
}
threads_of() { awk '/^Threads:/{print $2}' "/proc/$1/status"; }
fds_of() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
instances_of() { find "$1/instances" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l; }

MEMORY_POINTS=0
# jcmd's view of the server: heap, threads by name (digits folded), native memory when on.
# Runs on the client's CPU; it adds the JVM's "Attach Listener" thread from the first call on.
jvm_report() { # jvm_report FILE
  local jcmd=("${ON_CLIENT[@]}" "$JDK_HOME/bin/jcmd" "$SERVER_PID")
  # Jailed, the JVM cannot create its attach socket: jcmd would only wait 10.5 s per command.
  if [[ $SANDBOX != off ]]; then echo "jailed (BENCH_SANDBOX=$SANDBOX): jcmd cannot attach" >"$1"; return 0; fi
  {
    "${jcmd[@]}" GC.heap_info
    echo "--- threads by name"
    "${jcmd[@]}" Thread.print | sed -n 's/^"\([^"]*\)".*/\1/p' | sed 's/[0-9][0-9]*/N/g' | sort | uniq -c | sort -rn
    if [[ $NMT == on ]]; then echo "--- native memory"; "${jcmd[@]}" VM.native_memory summary; fi
  } >"$1" 2>&1 || true
}

LAST_RSS=""; LAST_PSS=""
memory_point() { # memory_point LABEL DATA_DIR NOTE; sets LAST_RSS and LAST_PSS
  local rss pss thr fds n heap file
  rss=$(rss_mb "$SERVER_PID"); thr=$(threads_of "$SERVER_PID"); fds=$(fds_of "$SERVER_PID")
  pss=$(tree_pss_mb "$SERVER_PID")
  LAST_RSS=$rss; LAST_PSS=$pss
  n=$(instances_of "$2")
  MEMORY_POINTS=$((MEMORY_POINTS + 1))
  file="$RAW/jvm-$MEMORY_POINTS-$(echo "$1" | tr -c 'a-zA-Z0-9' '-' | tr -s '-' | sed 's/-$//').txt"
  jvm_report "$file"
  # Java heap used / committed, from the generations' "total NK, used NK" lines.
  heap=$(awk '/total [0-9]+K, used [0-9]+K/ { for (i = 1; i <= NF; i++) { if ($i == "total") t += $(i + 1); if ($i == "used") u += $(i + 1) } }
    END { if (t > 0) printf "%.1f / %.1f", u / 1024, t / 1024 }' "$file")
  # Jailed, the JVM cannot create its attach socket in /tmp, so jcmd sees nothing.
  [[ -n $heap || $SANDBOX == off ]] || heap="n/a (jailed)"
  row section=memory "mode=$CUR_MODE" "what=$1" target=server "rss_mb=$rss" "pss_mb=${pss:-n/a}" "threads=$thr" \
    "fds=$fds" "walkins=$n" "heap=$heap" "note=${3:-}"
  log "$CUR_MODE: RSS $1: $rss MB, PSS with workers ${pss:-n/a} MB (Java heap used/committed ${heap:-?} MB, threads $thr, open fds $fds, walk-ins on disk $n)"
}

server_alive() {
  kill -0 "$SERVER_PID" 2>/dev/null && return 0
  log "the server (pid $SERVER_PID) has died; last lines of its log:"
  tail -n 30 "${SERVER_LOGS[-1]}" || true
  return 1
}

# ---------------------------------------------------------------- server and nginx
CUR_MODE=""
start_server() { # start_server DATA_DIR LOG MODE; sets SERVER_PID, SERVER_URL, ADMIN_URL, CUR_MODE
  local data=$1 out=$2 i
  CUR_MODE=$3
  mkdir -p "$data"
  SERVER_LOGS+=("$out")
  # The admin listener on a port of its own choosing: /status lists the SQL workers.
  env WALKINDB_ADDR=127.0.0.1:0 WALKINDB_ADMIN_ADDR=127.0.0.1:0 WALKINDB_ISOLATION="$CUR_MODE" \
    WALKINDB_DATA_DIR="$data" WALKINDB_TTL=86400 \
    WALKINDB_RATE_LIMIT_REQS=1000000000 WALKINDB_RATE_LIMIT_NEW_INSTANCES=1000000000 \
    WALKINDB_MAX_INSTANCES_PER_IP=1000000000 WALKINDB_RATE_LIMIT_INSTANCE_REQS=1000000000 \
    WALKINDB_MAX_INFLIGHT=100000 WALKINDB_ACCESS_LOG="$ACCESS_LOG" WALKINDB_SANDBOX="$SANDBOX" \
    "${ON_SERVER[@]}" "$JAVA" "${JVM_FLAGS[@]}" -jar "$JAR" >"$out" 2>&1 &
  SERVER_PID=$!
  # Process mode starts three JVMs more on the same core before it listens.
  for ((i = 0; i < 1200; i++)); do
    grep -q '^walkindb admin listening on ' "$out" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$out"; die "the server exited during start-up"; }
    sleep 0.1
  done
  SERVER_URL=$(sed -n 's/^walkindb listening on \(http[^ ]*\).*/\1/p' "$out" | head -n 1)
  ADMIN_URL=$(sed -n 's/^walkindb admin listening on \(http[^ ]*\).*/\1/p' "$out" | head -n 1)
  [[ -n $SERVER_URL && -n $ADMIN_URL ]] || { cat "$out"; die "the server did not say where it listens within 120 s"; }
  log "server pid $SERVER_PID ($CUR_MODE) listening on $SERVER_URL, admin $ADMIN_URL (data in $data); $(workers_text)"
}

# The SQL workers as /status lists them, or that there are none.
workers_text() {
  local status
  status=$(curl -fsS "$ADMIN_URL/status" 2>/dev/null || true)
  if [[ $status != *'"workers":['* ]]; then echo "no SQL workers (SQL runs in the server process)"; return; fi
  echo "SQL workers: $(grep -o '"name":"[^"]*","pid":[0-9]*' <<<"$status" | sed 's/"name":"\([^"]*\)","pid":/\1 pid /' |
    paste -sd, - | sed 's/,/, /g'); spare pid $(sed -n 's/.*"spare":{"pid":\(-*[0-9]*\).*/\1/p' <<<"$status")"
}

# SIGTERM to the server; its SQL workers end when it does (their input closes). Any process of
# its tree still there after that is ours too and is stopped by its PID.
stop_server() {
  local pid=$SERVER_PID kids p
  SERVER_PID=""
  [[ -n $pid ]] || return 0
  kids=$(tree_pids "$pid" | tail -n +2)
  stop_pid "$pid" TERM 30
  for p in $kids; do
    if kill -0 "$p" 2>/dev/null && grep -q WorkerMain "/proc/$p/cmdline" 2>/dev/null; then
      log "SQL worker pid $p outlived its server: stopping it"
      stop_pid "$p" TERM 5
    fi
  done
}

new_walkin() {
  curl -fsS -D - -o /dev/null -H 'Content-Type: application/json' --data "$SQL_BODY" "$SERVER_URL/sql" |
    tr -d '\r' | awk 'tolower($1) == "x-walkin-session:" { print $2 }'
}

# ---------------------------------------------------------------- one wrk phase
access_lines() { cat "$DATA_A"/logs/*.jsonl 2>/dev/null | wc -l; }

# phase SLUG LABEL TARGET CONNS THREADS URL [VAR=value ...]: warm-up, then the measured run.
# A server phase's figures are also kept in PH["MODE/SLUG/rps"] (and p99, cpu_us) for the
# comparison of the two modes.
declare -A PH=()
phase() {
  local slug=$1 label=$2 target=$3 conns=$4 threads=$5 url=$6
  shift 6
  local pid=$SERVER_PID mode=$CUR_MODE raw_slug="$CUR_MODE-$slug"
  if [[ $target == nginx ]]; then pid=$NGINX_PID; mode=""; raw_slug=$slug; fi
  local wrk=(wrk "-t$threads" "-c$conns" --timeout 10s -s "$LUA")
  if ((WARMUP > 0)); then
    run_child env "$@" "${ON_CLIENT[@]}" "${wrk[@]}" "-d${WARMUP}s" "$url" >"$RAW/$raw_slug.warmup.txt" 2>&1 ||
      log "warm-up of $label: wrk exited non-zero"
  fi
  local log_before=0; [[ $target == server ]] && log_before=$(access_lines)
  local c0 p0 t0 c1 p1 t1 o0 o1
  c0=$(core_ticks); p0=$(proc_ticks "$pid"); o0=$(own_ticks "$pid"); t0=$(now)
  run_child env "$@" "${ON_CLIENT[@]}" "${wrk[@]}" "-d${DURATION}s" --latency "$url" >"$RAW/$raw_slug.txt" 2>&1 ||
    log "$label: wrk exited non-zero (see $RAW/$raw_slug.txt)"
  c1=$(core_ticks); p1=$(proc_ticks "$pid"); o1=$(own_ticks "$pid"); t1=$(now)
  local line
  line=$(sed -n 's/^BENCH_RESULT //p' "$RAW/$raw_slug.txt" | tail -n 1)
  [[ -n $line ]] || { cat "$RAW/$raw_slug.txt"; die "$label: wrk printed no result"; }
  local -A r=()
  local kv
  for kv in $line; do r[${kv%%=*}]=${kv#*=}; done
  local sockerr=$((${r[connect]} + ${r[read]} + ${r[write]} + ${r[timeout]}))
  local tcpu busy cpu_us own_us
  tcpu=$(awk -v a="$p0" -v b="$p1" -v s="$t0" -v e="$t1" -v hz="$CLK_TCK" 'BEGIN { printf "%.0f", (b - a) / hz / (e - s) * 100 }')
  # CPU time of the target's whole process tree (server and SQL workers) per completed request.
  cpu_us=$(awk -v a="$p0" -v b="$p1" -v hz="$CLK_TCK" -v n="${r[requests]}" 'BEGIN { if (n > 0) printf "%.0f", (b - a) / hz * 1e6 / n }')
  own_us=$(awk -v a="$o0" -v b="$o1" -v hz="$CLK_TCK" -v n="${r[requests]}" 'BEGIN { if (n > 0) printf "%.0f", (b - a) / hz * 1e6 / n }')
  busy=$(awk -v a="$c0" -v b="$c1" 'BEGIN { split(a, x, " "); split(b, y, " "); d = y[2] - x[2];
    printf "%.0f", (d > 0 ? (y[1] - x[1]) / d * 100 : 0) }')
  local note=""
  if [[ $target == server ]] && ((${r[non2xx]} + sockerr > 0)); then
    sleep 1 # let the access log's writer catch up
    note=$(cat "$DATA_A"/logs/*.jsonl 2>/dev/null | tail -n +"$((log_before + 1))" |
      grep -o '"http_status":[0-9]*' | cut -d: -f2 | grep -v '^200$' | sort | uniq -c |
      awk '{ printf "%s%s×%s", (NR > 1 ? ", " : "statuses "), $1, $2 }' || true)
  fi
  row section=load "mode=$mode" "what=$label" "target=$target" "conns=$conns" "requests=${r[requests]}" \
    "seconds=${r[seconds]}" "rps=${r[rps]}" "p50=${r[p50]}" "p90=${r[p90]}" "p99=${r[p99]}" \
    "p999=${r[p999]}" "max=${r[max]}" "non2xx=${r[non2xx]}" "sockerr=$sockerr" \
    "target_cpu=$tcpu" "core_busy=$busy" "cpu_us=$cpu_us" "note=$note"
  if [[ $target == server ]]; then
    PH[$mode/$slug/rps]=${r[rps]}; PH[$mode/$slug/p99]=${r[p99]}; PH[$mode/$slug/cpu_us]=$cpu_us
    PH[$mode/$slug/own_us]=$own_us
  fi
  printf -v line '%-9s %-26s c%-4s %9s req/s  p50 %7s  p90 %7s  p99 %8s  p99.9 %8s ms  non-2xx %s  socket errors %s  %s CPU %s%% (%s µs/call)  core busy %s%%%s' \
    "${mode:-floor}" "$label" "$conns" "${r[rps]}" "${r[p50]}" "${r[p90]}" "${r[p99]}" "${r[p999]}" "${r[non2xx]}" "$sockerr" \
    "$target" "$tcpu" "$cpu_us" "$busy" "${note:+  ($note)}"
  log "$line"
  [[ $target != server ]] || server_alive || die "server died during $label"
}

# ---------------------------------------------------------------- part 1: HTTP load, per mode
POST=(BENCH_METHOD=POST "BENCH_BODY=$SQL_BODY")
threads_for() { if (($1 == 1)); then echo 1; else echo "$WRK_THREADS"; fi; }
declare -A LOG_ISSUES=() REST_RSS=() REST_PSS=() JIT_NOTE=()
KILL_RESULT=""; WORKER_FLAGS=""

# One row per process of the server's tree at rest: the server (supervisor), each SQL worker
# and the spare, named as /status names them.
process_rows() {
  local status pid name
  status=$(curl -fsS "$ADMIN_URL/status" 2>/dev/null || true)
  echo "$status" >"$RAW/status-$CUR_MODE-at-rest.json"
  for pid in $(tree_pids "$SERVER_PID"); do
    if [[ $pid == "$SERVER_PID" ]]; then
      if [[ $CUR_MODE == process ]]; then name="supervisor (the server)"; else name="server"; fi
    else
      name=$(grep -o "\"name\":\"[^\"]*\",\"pid\":$pid[,}]" <<<"$status" | sed 's/"name":"\([^"]*\)".*/\1/' | head -n 1 || true)
      if [[ -z $name && $status == *"\"spare\":{\"pid\":$pid,"* ]]; then name=spare; fi
      [[ -n $name ]] || name="other child ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-40))"
      if [[ -z $WORKER_FLAGS ]] && grep -q WorkerMain "/proc/$pid/cmdline" 2>/dev/null; then
        # The flags the server gives its workers, without the -D settings (paths).
        WORKER_FLAGS=$(tr '\0' '\n' <"/proc/$pid/cmdline" | sed -n '2,/^-cp$/p' | grep -vE '^(-D|-cp$)' | paste -sd' ' - || true)
      fi
    fi
    row section=procmem "mode=$CUR_MODE" "what=$name" "value=$pid" "rss_mb=$(rss_mb "$pid")" "pss_mb=$(pss_mb "$pid")"
    log "$CUR_MODE at rest: $name, pid $pid: RSS $(rss_mb "$pid") MB, PSS $(pss_mb "$pid") MB"
  done
}

# Worker kill to next answer (WorkerKill.java), on the process-mode server after its load phases.
kill_test() {
  local out="$RAW/worker-kill.txt"
  log "worker kill → next answer: $KILLS kills of the first worker, $KILL_WALKINS walk-ins asking after each"
  run_child "${ON_CLIENT[@]}" "$JAVA" -XX:+UseSerialGC -Xmx128m "$BENCH/WorkerKill.java" 127.0.0.1 \
    "${SERVER_URL##*:}" "${ADMIN_URL##*:}" "$KILL_WALKINS" "$KILLS" >"$out" 2>&1 ||
    log "the worker-kill program exited non-zero"
  sed 's/^/    /' "$out"
  KILL_RESULT=$(sed -n 's/^RESULT //p' "$out" | tail -n 1)
  server_alive || die "server died during the worker-kill test"
}

# The JIT needs a while to compile the hot path (in every worker JVM too); without this the
# first phases measure the compiler. A fixed time is not enough on a loaded host (30 s once
# left phases at 113-431 µs per call), so the load goes on in rounds of 4 s reused-session and
# 2 s fresh walk-in calls until, past JIT_WARMUP, a round finds the compiler threads of the
# server's whole tree idle, or JIT_MAX has passed. Sets JIT_NOTE for the results.
jit_warmup() {
  local start=$SECONDS before after pct rounds=0
  log "JIT warm-up: at least ${JIT_WARMUP}s of reused-session and fresh walk-in load, until the compilers idle (max ${JIT_MAX}s)"
  while true; do
    before=$(compiler_ticks "$SERVER_PID")
    run_child env "${POST[@]}" "BENCH_TOKEN=$TOKEN" "${ON_CLIENT[@]}" wrk -t1 -c8 -d4s \
      -s "$LUA" "$SERVER_URL/sql" >/dev/null 2>&1 || true
    run_child env "${POST[@]}" "${ON_CLIENT[@]}" wrk -t1 -c4 -d2s \
      -s "$LUA" "$SERVER_URL/sql" >/dev/null 2>&1 || true
    after=$(compiler_ticks "$SERVER_PID")
    rounds=$((rounds + 1))
    pct=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" 'BEGIN { printf "%.1f", 100 * t / hz / 6 }')
    if ((SECONDS - start >= JIT_WARMUP)) && awk -v p="$pct" -v lim="$JIT_IDLE_PCT" 'BEGIN { exit !(p < lim) }'; then
      JIT_NOTE[$CUR_MODE]="settled after $((SECONDS - start)) s ($rounds rounds; compilers at $pct % of a core in the last)"
      break
    fi
    if ((SECONDS - start >= JIT_MAX)); then
      JIT_NOTE[$CUR_MODE]="NOT settled after $((SECONDS - start)) s (compilers still at $pct % of a core)"
      break
    fi
  done
  log "JIT warm-up: ${JIT_NOTE[$CUR_MODE]}"
}

# load_part MODE WITH_NGINX: a fresh server in MODE, the memory points and every wrk phase; the
# nginx floor only when WITH_NGINX is 1 (it does not depend on the mode: measured once).
load_part() {
  local mode=$1 with_nginx=$2 c t
  DATA_A="$WORK/data-load-$mode"
  start_server "$DATA_A" "$WORK/server-load-$mode.log" "$mode"
  sleep 2
  memory_point "2 s after start-up" "$DATA_A" "still settling: JIT, start-up garbage, native heap not trimmed yet"
  # At rest means settled: the JVM trims its native heap every 5 s (TrimNativeHeapInterval).
  sleep 8
  memory_point "at rest: 10 s after start-up, idle" "$DATA_A"

  TOKEN=$(new_walkin || true)
  [[ $TOKEN == wkn_* ]] || die "could not create the reused walk-in"
  for _ in $(seq 32); do new_walkin || true; done >"$WORK/tokens32.txt"
  [[ $(grep -c '^wkn_' "$WORK/tokens32.txt") -eq 32 ]] || die "could not create the 32 walk-ins"
  log "reused walk-in and 32 more created"
  if ((with_nginx)); then
    NGINX_BODY=$(curl -fsS -H 'Content-Type: application/json' -H "X-Walkin-Session: $TOKEN" \
      --data "$SQL_BODY" "$SERVER_URL/sql")
    log "SELECT 1 answers $NGINX_BODY: nginx will answer the same"
    start_nginx "$NGINX_BODY"
  fi

  jit_warmup

  phase healthz-c1 "GET /healthz" server 1 1 "$SERVER_URL/healthz" BENCH_METHOD=GET
  for c in 1 8 32 128; do
    t=$(threads_for "$c")
    ((with_nginx)) && phase "nginx-c$c" "nginx floor" nginx "$c" "$t" "$NGINX_URL/sql" "${POST[@]}"
    phase "sql-reused-c$c" "SELECT 1, reused session" server "$c" "$t" "$SERVER_URL/sql" "${POST[@]}" "BENCH_TOKEN=$TOKEN"
    if ((c == 32)); then
      phase sql-32sessions-c32 "SELECT 1, 32 sessions" server 32 32 "$SERVER_URL/sql" "${POST[@]}" \
        "BENCH_TOKENS_FILE=$WORK/tokens32.txt"
    fi
  done
  phase walkin-c1 "fresh walk-in per call" server 1 1 "$SERVER_URL/sql" "${POST[@]}"
  phase walkin-c8 "fresh walk-in per call" server 8 "$(threads_for 8)" "$SERVER_URL/sql" "${POST[@]}"
  if ((with_nginx)); then stop_pid "$NGINX_PID" QUIT 10; NGINX_PID=""; fi

  memory_point "after the load phases" "$DATA_A" "right after the last phase"
  sleep 6 # past WALKINDB_CONNECTION_IDLE_MS (5 s): cached connections closed
  memory_point "after the load phases, 6 s idle" "$DATA_A"
  REST_RSS[$mode]=$LAST_RSS; REST_PSS[$mode]=$LAST_PSS
  process_rows
  # Counted before the kill test: each kill logs a WARN by design.
  LOG_ISSUES[$mode]=$(grep -ciE 'ERROR|WARN|Exception' "$WORK/server-load-$mode.log" || true)
  [[ $mode != process ]] || kill_test
  stop_server
}

first=1
for mode in "${MODES[@]}"; do
  load_part "$mode" "$first"
  first=0
done

# ---------------------------------------------------------------- part 2: the long run
DATA_B="$WORK/data-walkins"
start_server "$DATA_B" "$WORK/server-walkins.log" "$LONG_MODE"
sleep 2
memory_point "long run: 2 s after start-up" "$DATA_B" "fresh server, empty data dir; still settling"
log "long run ($LONG_MODE): $WALKINS walk-ins back to back, $CREATORS creators (SELECT 1, no session header)"
FLOOD_OUT="$RAW/walkins-longrun.txt"
run_child "${ON_CLIENT[@]}" "$JAVA" -XX:+UseSerialGC -Xmx256m "$BENCH/WalkinFlood.java" \
  127.0.0.1 "${SERVER_URL##*:}" "$WALKINS" "$CREATORS" "$SERVER_PID" "$WALKINS_MAX_SECONDS" 10000 \
  > >(tee "$FLOOD_OUT" | sed -u 's/^/    /') 2>&1 || log "the walk-in generator exited non-zero"
sleep 0.5
server_alive || die "server died during the long run"
RESULT=$(sed -n 's/^RESULT //p' "$FLOOD_OUT" | tail -n 1)
[[ -n $RESULT ]] || die "the walk-in generator printed no result"
declare -A L=()
for kv in $RESULT; do L[${kv%%=*}]=${kv#*=}; done

kb_to_mb() { awk -v k="$1" 'BEGIN { if (k < 0) print "n/a"; else printf "%.1f", k / 1024 }'; }
while read -r created rate rss pss; do
  row section=memory "mode=$LONG_MODE" "what=long run: $created walk-ins created" target=server \
    "rss_mb=$(kb_to_mb "$rss")" "pss_mb=$(kb_to_mb "$pss")" "walkins=$created" \
    "note=sampled by the generator; $rate walk-ins/s over the last interval"
done < <(sed -n 's/^SAMPLE created=\([0-9]*\) .*interval_rate=\([0-9.]*\) rss_kb=\([0-9-]*\) pss_kb=\([0-9-]*\).*/\1 \2 \3 \4/p' "$FLOOD_OUT")
memory_point "long run: right after the last walk-in" "$DATA_B"
sleep 6
memory_point "long run: 6 s idle, all walk-ins resident" "$DATA_B"

N=$(instances_of "$DATA_B")
DISK_ALLOC=$(du -s --block-size=1 "$DATA_B/instances" | cut -f1)
DISK_APPARENT=$(du -s --apparent-size --block-size=1 "$DATA_B/instances" | cut -f1)
ls -la "$(find "$DATA_B/instances" -mindepth 1 -maxdepth 1 -type d | head -n 1)" >"$RAW/one-walkin-dir.txt" 2>&1 || true
LOG_ISSUES[long]=$(grep -ciE 'ERROR|WARN|Exception' "$WORK/server-walkins.log" || true)
stop_server

per() { awk -v b="$1" -v n="$2" 'BEGIN { printf "%.0f", (n > 0 ? b / n : 0) }'; }
row section=walkins "what=long run: walk-ins created" "value=${L[created]}" unit=walk-ins "mode=$LONG_MODE" \
  "note=of ${L[attempted]} attempted ($WALKINS asked, ${L[stopped]}), $CREATORS creators, isolation $LONG_MODE"
row section=walkins "what=long run: failures" "value=${L[failed]}" unit=requests "note=statuses ${L[statuses]} (0 = socket error)"
row section=walkins "what=long run: elapsed" "value=${L[elapsed_s]}" unit=s
row section=walkins "what=long run: creation rate" "value=${L[rate]}" unit=walk-ins/s
row section=walkins "what=long run: latency p50 / p99 / p99.9 / max" \
  "value=${L[p50_ms]} / ${L[p99_ms]} / ${L[p999_ms]} / ${L[max_ms]}" unit=ms
SLOWEST=$(sed -n 's/^SLOW over_1s=.* worst_began_at_s=\([0-9.]*\).*/\1/p' "$FLOOD_OUT")
row section=walkins "what=long run: calls slower than 1 s" "value=${L[over_1s]}" unit=calls \
  "note=the slowest (${L[max_ms]} ms) began ${SLOWEST:-?} s into the run"
row section=walkins "what=walk-in directories on disk" "value=$N" unit=walk-ins
row section=walkins "what=disk per walk-in (allocated blocks)" "value=$(per "$DISK_ALLOC" "$N")" unit=bytes \
  "note=du of instances/ = $DISK_ALLOC bytes"
row section=walkins "what=disk per walk-in (file sizes)" "value=$(per "$DISK_APPARENT" "$N")" unit=bytes \
  "note=du --apparent-size = $DISK_APPARENT bytes"
ISSUES=""; ISSUES_NOTE=""
for mode in "${MODES[@]}"; do ISSUES+="${LOG_ISSUES[$mode]} / "; ISSUES_NOTE+="$mode load server / "; done
row section=walkins "what=server log lines with ERROR/WARN/Exception" "value=$ISSUES${LOG_ISSUES[long]}" unit=lines \
  "note=${ISSUES_NOTE}long-run server (the process-mode load server counted before the worker kills, which log a WARN each)"
log "long run: ${L[created]} created of ${L[attempted]} attempted, ${L[failed]} failed, ${L[elapsed_s]} s, ${L[rate]}/s; $N on disk, $(per "$DISK_ALLOC" "$N") bytes each"

# ---------------------------------------------------------------- layer 6c: the modes side by side
ratio_of() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b != "" && a != "n/a" && b != "n/a" && b > 0) printf "%.2f", a / b; else print "n/a" }'; }
verdict_of() { # verdict_of VALUE OP LIMIT: pass, fail, or n/a without a value
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { if (v == "" || v == "n/a") { print "n/a"; exit }
    print ((op == ">=" ? v + 0 >= l + 0 : v + 0 <= l + 0) ? "pass" : "fail") }'
}
# compare_row WHAT UNIT INPROCESS PROCESS [ratio|process OP LIMIT [NOTE]]: the target is on the
# ratio process / inprocess, or on the process figure alone; without one the row only informs.
compare_row() {
  local what=$1 unit=$2 a=${3:-} b=${4:-} on=${5:-} op=${6:-} limit=${7:-} note=${8:-} r goal="" verdict=""
  r=$(ratio_of "$b" "$a")
  local sign="≤"; [[ $op == ">=" ]] && sign="≥"
  case $on in
    ratio) goal="process / inprocess $sign $limit"; verdict=$(verdict_of "$r" "$op" "$limit") ;;
    process) goal="process $sign $limit $unit"; verdict=$(verdict_of "$b" "$op" "$limit") ;;
  esac
  row section=workers "what=$what" "unit=$unit" "inprocess=${a:-n/a}" "process=${b:-n/a}" "ratio=$r" \
    "goal=$goal" "verdict=$verdict" "note=$note"
  log "6c: $what: inprocess ${a:-n/a}, process ${b:-n/a} $unit; ratio $r${goal:+; target $goal: $verdict}"
}
ph() { echo "${PH[$1]:-}"; }
ph_or_na() { echo "${PH[$1]:-n/a}"; }

compare_row "SELECT 1, reused session, c32: throughput" req/s "$(ph inprocess/sql-reused-c32/rps)" \
  "$(ph process/sql-reused-c32/rps)" ratio ">=" 0.70
compare_row "SELECT 1, reused session, c32: p99" ms "$(ph inprocess/sql-reused-c32/p99)" \
  "$(ph process/sql-reused-c32/p99)" process "<=" 25
compare_row "SELECT 1, 32 sessions, c32: throughput" req/s "$(ph inprocess/sql-32sessions-c32/rps)" \
  "$(ph process/sql-32sessions-c32/rps)" ratio ">=" 0.70
compare_row "fresh walk-in per call, c8: throughput" req/s "$(ph inprocess/walkin-c8/rps)" \
  "$(ph process/walkin-c8/rps)" ratio ">=" 0.70
for s in "sql-reused-c1:SELECT 1, reused session, c1" "sql-reused-c32:SELECT 1, reused session, c32" \
  "sql-32sessions-c32:SELECT 1, 32 sessions, c32" "walkin-c8:fresh walk-in per call, c8"; do
  compare_row "server CPU per call (with its workers): ${s#*:}" µs "$(ph "inprocess/${s%%:*}/cpu_us")" \
    "$(ph "process/${s%%:*}/cpu_us")" "" "" "" \
    "the server process alone: $(ph_or_na "inprocess/${s%%:*}/own_us") / $(ph_or_na "process/${s%%:*}/own_us") µs"
done
compare_row "at rest (after the load phases, 6 s idle): RSS of the server process" MB \
  "${REST_RSS[inprocess]:-}" "${REST_RSS[process]:-}"
compare_row "at rest: PSS of the server and all its descendants" MB "${REST_PSS[inprocess]:-}" "${REST_PSS[process]:-}"
compare_row "at rest: process PSS (all) / inprocess RSS" MB "${REST_RSS[inprocess]:-}" "${REST_PSS[process]:-}" \
  ratio "<=" 2.5
if [[ " ${MODES[*]} " == *" process "* ]]; then
  declare -A K=()
  for kv in $KILL_RESULT; do K[${kv%%=*}]=${kv#*=}; done
  if [[ -n ${K[median_ms]:-} ]]; then
    compare_row "worker kill → next answer on every walk-in: median of $KILLS kills" ms "" "${K[median_ms]}" process "<=" 50
    compare_row "worker kill → next answer on every walk-in: max of $KILLS kills" ms "" "${K[max_ms]}" process "<=" 50
    if [[ -n ${K[baseline_median_ms]:-} ]]; then
      row section=workers "what=the same burst without a kill, right before each: its slowest walk-in, median" \
        unit=ms "process=${K[baseline_median_ms]}" \
        "note=what a kill added to that, median of $KILLS: ${K[added_median_ms]} ms"
    fi
    row section=workers "what=worker kills: answers 503 / connection errors seen by the $KILL_WALKINS walk-ins" \
      unit=answers "process=${K[s503]} / ${K[socket_errors]}" \
      "note=per kill, the slowest walk-in: ${K[maxima_ms]} ms; the slowest never refused: ${K[never_refused_maxima_ms]:-?} ms"
  else
    row section=workers "what=worker kill → next answer on every walk-in" unit=ms "process=n/a" verdict=fail \
      "goal=process ≤ 50 ms" "note=the test gave no result: ${KILL_RESULT:-see raw/worker-kill.txt}"
  fi
fi

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- results
BASE="$RESULTS/$DATE-$COMMIT"
WORKER_FLAGS_TEXT="none: process mode not run"
[[ -z $WORKER_FLAGS ]] || WORKER_FLAGS_TEXT="\`$WORKER_FLAGS\` (the server's choice)"
render_md() {
  cat <<EOF
# walkindb benchmark, $DATE

| | |
|---|---|
| date (UTC) | $(date -u '+%F %H:%M') |
| commit | $COMMIT ($TREE) |
| server jar | sha256 $JAR_SHA…, built $JAR_TIME |
| machine | $NCPU cores, $CPU_MODEL, $MEM_TOTAL RAM |
| kernel | $KERNEL |
| JDK | $JDK_VERSION |
| JVM flags | \`${JVM_FLAGS[*]}\` |
| SQL worker JVMs (process mode) | $WORKER_FLAGS_TEXT |
| isolation | load phases: ${MODES[*]} (a fresh server each, default \`WALKINDB_WORKERS\`); long run: $LONG_MODE |
| tools | wrk $WRK_VERSION, nginx $NGINX_VERSION (worker_processes 1) |
| load average (1/5/15 min) | $LOAD_START at start, $LOAD_END at end |
| pinning | $PIN_TEXT |
| phases | ${WARMUP} s warm-up + ${DURATION} s measured; wrk --timeout 10s; access log $ACCESS_LOG |
| JIT warm-up | $(for m in "${MODES[@]}"; do printf '%s: %s. ' "$m" "${JIT_NOTE[$m]:-n/a}"; done) |

## Worker processes (layer 6c)

The same load phases on a server running tenant SQL in worker JVMs (\`process\`, production's
default) and on one running it in its own process (\`inprocess\`); ratio = process / inprocess.
CPU per call counts the server and all its children. Memory at rest is taken after each
mode's load phases and 6 s idle; PSS (from \`/proc/PID/smaps_rollup\`) shares the pages the
JVMs map in common. The kill test: SIGKILL to the first worker, then every one of
$KILL_WALKINS walk-ins asks again at once until it has a 200; the figure is the slowest walk-in's
wait from the kill (bench/README.md). The same burst runs once without a kill right before
each kill: 32 calls at once queue on a small box whether or not a worker dies.

| what | inprocess | process | process / inprocess | target | result |
|---|--:|--:|--:|---|---|
EOF
  awk -F'\t' '$1 == "workers" { printf "| %s | %s | %s | %s | %s | %s |\n", $2 " (" $22 ")" ($23 != "" ? "; " $23 : ""), $28, $29, $30, $31, ($32 == "pass" || $32 == "fail" ? "**" $32 "**" : $32) }' "$ROWS"
  cat <<EOF

Processes at rest (after the load phases, 6 s idle), one row per process of the server's tree:

| mode | process | pid | RSS MB | PSS MB |
|---|---|--:|--:|--:|
EOF
  awk -F'\t' '$1 == "procmem" { printf "| %s | %s | %s | %s | %s |\n", $25, $2, $21, $17, $27 }' "$ROWS"
  cat <<EOF

## HTTP load (wrk, closed loop)

Latencies in ms. "vs nginx" compares with the nginx row of the same concurrency (measured
once, next to the first mode's phases): req/s as a fraction of nginx's, p50 as a multiple of
nginx's. "target CPU" is the CPU the measured process used, with its children (SQL workers,
nginx's worker), 100 = one core; "CPU µs/call" is that CPU time per completed request; "core
busy" is how busy the server's CPU was in all, other processes included.

| mode | phase | conns | requests | req/s | p50 | p90 | p99 | p99.9 | max | non-2xx | socket errors | req/s vs nginx | p50 vs nginx | target CPU % | CPU µs/call | core busy % | note |
|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|
EOF
  awk -F'\t' '
    NR == FNR { if ($1 == "load" && $3 == "nginx") { rps[$4] = $7; p50[$4] = $8 } next }
    $1 == "load" {
      rr = ""; pr = ""
      if ($3 == "server" && ($4 in rps) && rps[$4] > 0) { rr = sprintf("%.3f", $7 / rps[$4]); pr = sprintf("×%.1f", $8 / p50[$4]) }
      if ($3 == "nginx") { rr = "1"; pr = "×1" }
      printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
        ($25 == "" ? "—" : $25), $2, $4, $5, $7, $8, $9, $10, $11, $12, $13, $14, rr, pr, $15, $26, $16, $23
    }' "$ROWS" "$ROWS"
  cat <<EOF

## Server memory

RSS, threads and open fds are the server process's own; PSS adds up the server and every
process under it (in process mode the SQL workers and the spare).

| mode | point | RSS MB | PSS MB, server and workers | Java heap used / committed MB | threads | open fds | walk-ins on disk | note |
|---|---|--:|--:|--:|--:|--:|--:|---|
EOF
  awk -F'\t' '$1 == "memory" { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $25, $2, $17, $27, $24, $18, $19, $20, $23 }' "$ROWS"
  cat <<EOF

## Walk-ins: the long run and disk

| what | value | unit | note |
|---|--:|---|---|
EOF
  awk -F'\t' '$1 == "walkins" { printf "| %s | %s | %s | %s |\n", $2, $21, $22, $23 }' "$ROWS"
  cat <<EOF

The original (Go, 2 vCPU / 8 GB VPS, published figures) for comparison: see bench/README.md.
Raw output: raw/$(basename "$RAW")/ beside this file (git-ignored).
EOF
}

render_csv >"$BASE.csv"
draw_charts "$BASE.csv"
{ render_md; charts_md "$BASE"; } >"$BASE.md"
log "load average at end: $LOAD_END"
log "results: $BASE.md and $BASE.csv; raw output in $RAW"
echo
cat "$BASE.md"
