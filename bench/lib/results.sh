# shellcheck shell=bash
# The rows of a bench run and its CSV, shared by bench/run.sh and bench/target.sh so both write
# the same columns (bench/charts.sh and anyone concatenating files rely on that). Sourced; the
# caller sets ROWS (a TSV file) and, before render_csv, DATE COMMIT NCPU CPU_MODEL KERNEL
# JDK_VERSION LOAD_START LOAD_END PIN.

FIELDS=(section what target conns requests seconds rps p50 p90 p99 p999 max non2xx sockerr
  target_cpu core_busy rss_mb threads fds walkins value unit note heap
  mode cpu_us pss_mb inprocess process ratio goal verdict)
row() { # row KEY=VALUE...: one row of $ROWS, the FIELDS in order, absent keys empty
  local -A r=()
  local kv f out=()
  for kv in "$@"; do r[${kv%%=*}]=${kv#*=}; done
  for f in "${FIELDS[@]}"; do out+=("${r[$f]:-}"); done
  (IFS=$'\t'; echo "${out[*]}") >>"$ROWS"
}

render_csv() {
  echo "date,commit,cores,cpu_model,kernel,jdk,load_start,load_end,pinning,section,what,target,conns,requests,seconds,rps,p50_ms,p90_ms,p99_ms,p999_ms,max_ms,non2xx,socket_errors,target_cpu_pct,core_busy_pct,rss_mb,threads,fds,walkins,value,unit,note,heap_used_committed_mb,isolation,cpu_us_per_call,pss_mb,inprocess,process,process_over_inprocess,target_text,result"
  awk -F'\t' -v date="$DATE" -v commit="$COMMIT" -v cores="$NCPU" -v cpu="$CPU_MODEL" -v kernel="$KERNEL" \
    -v jdk="$JDK_VERSION" -v l0="$LOAD_START" -v l1="$LOAD_END" -v pin="$PIN" -v nf="${#FIELDS[@]}" '
    function q(s) { gsub(/"/, "\"\"", s); return "\"" s "\"" }
    { out = date "," commit "," cores "," q(cpu) "," q(kernel) "," q(jdk) "," q(l0) "," q(l1) "," pin
      for (i = 1; i <= nf; i++) out = out "," q($i)
      print out }' "$ROWS"
}

# draw_charts CSV: bench/charts.sh's PNGs beside the CSV. A failure (no gnuplot to be had, say)
# is logged: the tables are complete without the charts.
draw_charts() {
  local out
  if out=$("$BENCH/charts.sh" "$1" 2>&1); then
    log "charts: $(grep '\.png$' <<<"$out" | paste -sd' ' - | grep . || echo "none (no rows to chart)")"
  else
    log "charts: bench/charts.sh $1 failed, no charts: $(tail -n 3 <<<"$out" | paste -sd' ' -)"
  fi
}

# charts_md BASE: a Markdown section linking the charts drawn for BASE.csv, if any.
charts_md() {
  local base=$1 c any=0
  for c in latency throughput memory; do
    [[ -f $base-$c.png ]] || continue
    ((any)) || printf '\n## Charts\n\n'
    any=1
    case $c in
      latency) printf '![latency percentiles against concurrency](%s)\n\n' "$(basename "$base")-$c.png" ;;
      throughput) printf '![throughput against concurrency](%s)\n\n' "$(basename "$base")-$c.png" ;;
      memory) printf '![server memory against walk-ins resident](%s)\n\n' "$(basename "$base")-$c.png" ;;
    esac
  done
}
