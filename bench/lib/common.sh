# shellcheck shell=bash
# Helpers shared by bench/run.sh and bench/target.sh. Sourced; the caller keeps CHILD (the
# foreground child, stopped by its cleanup), WORK (a temp directory), NGINX_BIN and ON_SERVER
# (a command prefix for nginx, such as taskset, or empty), and sets NGINX_PID, NGINX_URL.

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { log "FAILED: $*"; exit 1; }

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

stop_pid() { # stop_pid PID SIGNAL SECONDS: signal, wait, then KILL
  local pid=$1 sig=$2 secs=$3 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "-$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid still alive after ${secs}s: KILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# Runs a command in the background and waits, so a signal reaches the trap at once.
run_child() {
  "$@" &
  CHILD=$!
  local rc=0
  wait "$CHILD" || rc=$?
  CHILD=""
  return "$rc"
}

free_port() {
  local p _
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

start_nginx() { # start_nginx BODY: answers every request with BODY, as the server answers SELECT 1
  local body=$1 prefix="$WORK/nginx" port conf v i temp=""
  mkdir -p "$prefix/tmp"
  # Temp paths inside the prefix, for whichever modules this build has, so nothing outside
  # the prefix is written.
  v=$("$NGINX_BIN" -V 2>&1)
  for m in client-body:client_body proxy:proxy fastcgi:fastcgi uwsgi:uwsgi scgi:scgi; do
    if [[ $v == *"--http-${m%%:*}-temp-path"* ]]; then
      temp+="  ${m#*:}_temp_path $prefix/tmp/${m#*:};"$'\n'
    fi
  done
  port=$(free_port) || die "no free port for nginx"
  conf="$prefix/nginx.conf"
  cat >"$conf" <<EOF
worker_processes 1;
pid $prefix/nginx.pid;
error_log $prefix/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
$temp  keepalive_requests 1000000;
  keepalive_timeout 75s;
  server {
    listen 127.0.0.1:$port;
    location / {
      default_type application/json;
      add_header access-control-allow-origin "*" always;
      add_header access-control-allow-methods "GET, POST, OPTIONS" always;
      add_header access-control-allow-headers "Content-Type, X-Walkin-Session" always;
      add_header access-control-expose-headers "X-Walkin-Session, X-Walkin-Ttl" always;
      add_header access-control-max-age 86400 always;
      return 200 '$body';
    }
  }
}
EOF
  "${ON_SERVER[@]}" "$NGINX_BIN" -p "$prefix" -c "$conf" -e "$prefix/error.log" -g 'daemon off;' \
    >"$prefix/stdout.log" 2>&1 &
  NGINX_PID=$!
  NGINX_URL="http://127.0.0.1:$port"
  for ((i = 0; i < 100; i++)); do
    curl -fsS -o /dev/null "$NGINX_URL/" 2>/dev/null && { log "nginx pid $NGINX_PID on $NGINX_URL (worker_processes 1)"; return 0; }
    kill -0 "$NGINX_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$prefix/error.log" "$prefix/stdout.log" 2>/dev/null || true
  die "nginx did not start"
}
