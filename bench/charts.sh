#!/usr/bin/env bash
# Draws PNG charts from a results CSV of bench/run.sh (old files too: the columns are found by
# their header names), next to it unless told otherwise:
#   bench/charts.sh bench/results/2026-12-07-acec10d.csv [OUT_PREFIX]
# writes OUT_PREFIX-latency.png, -throughput.png and -memory.png (OUT_PREFIX defaults to the CSV's
# path without .csv), each only when the file has rows for it, and prints the paths written.
# Installs Debian's gnuplot-nox when gnuplot is missing, as scripts/ensure-chromium does.
set -Eeuo pipefail

if [[ $# -lt 1 || $# -gt 2 || $1 == -h || $1 == --help ]]; then
  echo "usage: bench/charts.sh RESULTS.csv [OUT_PREFIX]" >&2
  exit 2
fi
CSV=$1
OUT=${2:-${CSV%.csv}}
[[ -f $CSV ]] || { echo "charts.sh: no such file: $CSV" >&2; exit 2; }

if ! command -v gnuplot >/dev/null 2>&1; then
  echo "installing Debian's gnuplot-nox for the bench charts..." >&2
  if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
  "${sudo[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq gnuplot-nox >&2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/walkindb-charts.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------- CSV → one data file per line
# Every line of a chart gets a file of its own in $WORK, listed in $WORK/index as
#   chart<TAB>series<TAB>phase<TAB>file
# chart: latency (SELECT 1 on a reused session), throughput (every load phase but /healthz),
# memory (points with a count of walk-ins). series: the isolation mode ("server" in files from
# before the modes, "target" for a --target run), or "nginx floor". The first line of $WORK/meta
# is the chart title.
awk -v dir="$WORK" '
  # One CSV record (no newlines inside fields) into f[1..n]: quoted fields, "" for a quote.
  function csv_split(line, f,    n, i, c, field, inq, len) {
    n = 0; field = ""; inq = 0; len = length(line)
    for (i = 1; i <= len; i++) {
      c = substr(line, i, 1)
      if (inq) {
        if (c == "\"") {
          if (substr(line, i + 1, 1) == "\"") { field = field "\""; i++ } else inq = 0
        } else field = field c
      } else if (c == "\"") inq = 1
      else if (c == ",") { f[++n] = field; field = "" }
      else field = field c
    }
    f[++n] = field
    return n
  }
  function get(name) { return (name in col) ? f[col[name]] : "" }
  function file_for(chart, series, phase,    key) {
    key = chart SUBSEP series SUBSEP phase
    if (!(key in files)) {
      files[key] = dir "/" chart "-" (++nfiles) ".dat"
      print chart "\t" series "\t" phase "\t" files[key] > (dir "/index")
    }
    return files[key]
  }
  { sub(/\r$/, "") }
  NR == 1 {
    n = csv_split($0, f)
    for (i = 1; i <= n; i++) col[f[i]] = i
    if (!("section" in col) || !("what" in col)) { print "not a results CSV of bench/run.sh" > "/dev/stderr"; exit 3 }
    next
  }
  {
    csv_split($0, f)
    if (!meta) {
      meta = 1
      title = "walkindb bench " get("date") ", commit " get("commit")
      # A --target run: the machine columns are the load generator'"'"'s, not the server'"'"'s.
      if (get("pinning") == "remote") title = title ", a running server measured with --target"
      else if (get("cores") != "") title = title ", " get("cores") " cores " get("cpu_model")
      if (get("pinning") == "on") title = title ", server pinned to one core"
      print title > (dir "/meta")
    }
    section = get("section"); what = get("what"); mode = get("isolation")
    series = (get("target") == "nginx") ? "nginx floor" : (mode != "" ? mode : (get("pinning") == "remote" ? "target" : "server"))
    if (section == "load" && get("conns") != "" && get("rps") != "") {
      line = get("conns") "\t" get("rps") "\t" get("p50_ms") "\t" get("p90_ms") "\t" get("p99_ms") "\t" get("p999_ms")
      if (what == "SELECT 1, reused session" || what == "nginx floor")
        print line > file_for("latency", series, what)
      if (what != "GET /healthz")
        print line > file_for("throughput", series, what)
    }
    if (section == "memory" && get("walkins") != "" && get("rss_mb") != "") {
      # The load phases and the long run are different server processes: a line each.
      part = (what ~ /^long run/) ? "long run" : "load phases"
      pss = get("pss_mb"); if (pss == "n/a") pss = ""
      print get("walkins") "\t" get("rss_mb") "\t" (pss == "" ? "NaN" : pss) > file_for("memory", series, part)
    }
  }
' "$CSV"
[[ -f $WORK/index ]] || { echo "charts.sh: $CSV has no rows to chart" >&2; exit 0; }
for f in "$WORK"/latency-*.dat "$WORK"/throughput-*.dat; do
  [[ -f $f ]] && sort -n -o "$f" "$f"
done
TITLE=$(head -n 1 "$WORK/meta" | sed 's/[\\"]/\\&/g')

# Lines of the index for one chart, as "series<TAB>phase<TAB>file".
lines_of() { awk -F'\t' -v c="$1" '$1 == c { print $2 "\t" $3 "\t" $4 }' "$WORK/index"; }
# The concurrencies of a chart as gnuplot settings: xtics at each, a log x range around them.
x_axis_of() {
  local files
  mapfile -t files < <(lines_of "$1" | cut -f3)
  cut -f1 "${files[@]}" | sort -n -u | awk '{ c[NR] = $1 } END {
    printf "set logscale x\nset xtics ("; for (i = 1; i <= NR; i++) printf "%s%s", (i > 1 ? ", " : ""), c[i]
    printf ")\nset xrange [%g:%g]\n", c[1] / 1.4, c[NR] * 1.4 }'
}
# Series colours: the same mode has the same colour on every chart.
color_of() {
  case $1 in
    inprocess) echo '#1f77b4' ;;
    process) echo '#d62728' ;;
    server | target) echo '#2ca02c' ;;
    *) echo '#7f7f7f' ;;
  esac
}
esc() { sed 's/[\\"]/\\&/g' <<<"$1"; }

COMMON='set terminal pngcairo size 1200,560 enhanced font "DejaVu Sans,10" linewidth 1.5
set grid lc rgb "#dddddd"
set border lc rgb "#555555"
set key top left box opaque samplen 3 Left reverse'
written=()

# ---------------------------------------------------------------- latency percentiles
# One panel per server series (SELECT 1 on a reused session, against concurrency), all on the
# same log scale; the nginx floor's p99 as a grey reference in each.
if lines_of latency | grep -qv $'^nginx floor\t'; then
  mapfile -t SERIES < <(lines_of latency | cut -f1 | grep -vx 'nginx floor' | awk '!seen[$0]++')
  NGINX_FILE=$(lines_of latency | awk -F'\t' '$1 == "nginx floor" { print $3; exit }')
  # One y range for all panels: from the smallest p50 to the largest p99.9.
  mapfile -t LATENCY_FILES < <(lines_of latency | cut -f3)
  read -r YMIN YMAX < <(cut -f3-6 "${LATENCY_FILES[@]}" |
    awk '{ for (i = 1; i <= NF; i++) if ($i != "" && $i > 0) { if (min == "" || $i < min) min = $i; if ($i > max) max = $i } }
      END { printf "%g %g\n", min / 1.6, max * 1.6 }')
  {
    echo "$COMMON"
    echo "set output \"$(esc "$OUT-latency.png")\""
    echo "set multiplot layout 1,${#SERIES[@]} title \"$TITLE\\nSELECT 1 on one reused walk-in: latency percentiles against concurrency (wrk, closed loop)\""
    echo "set logscale y"
    x_axis_of latency
    echo "set yrange [$YMIN:$YMAX]"
    echo 'set xlabel "concurrent connections"'
    echo 'set ylabel "latency, ms (log scale)"'
    for s in "${SERIES[@]}"; do
      f=$(lines_of latency | awk -F'\t' -v s="$s" '$1 == s { print $3; exit }')
      echo "set title \"$(esc "$s")\""
      plot="plot \"$f\" using 1:3 with linespoints pt 7 lc rgb '#1f77b4' title 'p50'"
      plot+=", \"$f\" using 1:4 with linespoints pt 5 lc rgb '#2ca02c' title 'p90'"
      plot+=", \"$f\" using 1:5 with linespoints pt 9 lc rgb '#ff7f0e' title 'p99'"
      plot+=", \"$f\" using 1:6 with linespoints pt 11 lc rgb '#d62728' title 'p99.9'"
      [[ -z $NGINX_FILE ]] || plot+=", \"$NGINX_FILE\" using 1:5 with lines dt 2 lc rgb '#888888' title 'nginx floor p99'"
      echo "$plot"
    done
    echo "unset multiplot"
  } >"$WORK/latency.gp"
  gnuplot "$WORK/latency.gp"
  written+=("$OUT-latency.png")
fi

# ---------------------------------------------------------------- throughput
# Every load phase but /healthz against concurrency, a colour per mode, a dash per phase. The
# nginx floor (tens of thousands of req/s) would flatten the rest: its figures go in the title.
if lines_of throughput | grep -qv $'^nginx floor\t'; then
  NGINX_TEXT=""
  NGINX_FILE=$(lines_of throughput | awk -F'\t' '$1 == "nginx floor" { print $3; exit }')
  if [[ -n $NGINX_FILE ]]; then
    NGINX_TEXT="\\nnot drawn, the nginx floor (a static answer): $(awk '{ printf "%s%.0f req/s at c%s", (NR > 1 ? ", " : ""), $2, $1 }' "$NGINX_FILE")"
  fi
  {
    echo "$COMMON"
    echo "set output \"$(esc "$OUT-throughput.png")\""
    echo "set title \"$TITLE\\nthroughput against concurrency (wrk, closed loop)$NGINX_TEXT\""
    x_axis_of throughput
    echo "set yrange [0:*]"
    echo 'set xlabel "concurrent connections"'
    echo 'set ylabel "answers per second"'
    echo 'set key outside right top'
    plot=""
    while IFS=$'\t' read -r s phase f; do
      [[ $s != "nginx floor" ]] || continue
      case $phase in
        "SELECT 1, reused session") style="dt 1 pt 7" ;;
        "SELECT 1, 32 sessions") style="dt 1 pt 9 ps 1.6" ;;
        "fresh walk-in per call") style="dt 3 pt 5" ;;
        *) style="dt 4 pt 3" ;;
      esac
      plot+="${plot:+, }\"$f\" using 1:2 with linespoints $style lc rgb '$(color_of "$s")' title \"$(esc "$s: $phase")\""
    done < <(lines_of throughput)
    echo "plot $plot"
  } >"$WORK/throughput.gp"
  gnuplot "$WORK/throughput.gp"
  written+=("$OUT-throughput.png")
fi

# ---------------------------------------------------------------- memory against walk-ins
# RSS of the server process and, where the file has it, PSS of the server with its SQL workers
# (what the tree costs the machine), against the walk-ins resident on disk at each point.
if [[ -n $(lines_of memory) ]]; then
  mapfile -t MEMORY_FILES < <(lines_of memory | cut -f3)
  HAS_PSS=$(cut -f3 "${MEMORY_FILES[@]}" | grep -qv NaN && echo 1 || echo 0)
  {
    echo "$COMMON"
    echo "set output \"$(esc "$OUT-memory.png")\""
    if ((HAS_PSS)); then
      echo "set multiplot layout 1,2 title \"$TITLE\\nserver memory against walk-ins resident (points in time order: start-up, at rest, after load, sampled during the long run)\""
    else
      echo "set title \"$TITLE\\nserver memory against walk-ins resident (points in time order)\""
    fi
    echo 'set xlabel "walk-ins on disk"'
    echo 'set ylabel "MB"'
    echo 'set yrange [0:*]'
    echo 'set format x "%.0s%c"'
    echo 'set key bottom right' # the lines rise from the left: keep the key off them
    panels=("2:RSS of the server process")
    ((HAS_PSS)) && panels+=("3:PSS of the server and its SQL workers")
    for panel in "${panels[@]}"; do
      ((HAS_PSS)) && echo "set title \"${panel#*:}\""
      plot=""
      while IFS=$'\t' read -r s part f; do
        case $part in "long run") style="dt 1 pt 7" ;; *) style="dt 2 pt 5" ;; esac
        plot+="${plot:+, }\"$f\" using 1:${panel%%:*} with linespoints $style lc rgb '$(color_of "$s")' title \"$(esc "$s, $part")\""
      done < <(lines_of memory)
      echo "plot $plot"
    done
    ((HAS_PSS)) && echo "unset multiplot"
  } >"$WORK/memory.gp"
  gnuplot "$WORK/memory.gp"
  written+=("$OUT-memory.png")
fi

printf '%s\n' "${written[@]}"
