#!/usr/bin/env bash
# Checks bench/charts.sh on results files kept in the repository (one with both isolation modes,
# one from before them) and on a --target file made here: the charts each file has rows for are
# written as PNG images of the expected size, the others are not, and a file that is not a
# results CSV is refused. A few seconds; no network once gnuplot is installed (charts.sh
# installs Debian's gnuplot-nox when it is missing). Run by ./run-tests.
set -Eeuo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/walkindb-test-charts.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# A PNG: the 8-byte signature, then the IHDR chunk with width and height (big-endian).
check_png() { # check_png FILE WIDTH HEIGHT
  local sig dims
  [[ -s $1 ]] || { fail "$1 was not written"; return; }
  sig=$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')
  [[ $sig == 89504e470d0a1a0a ]] || { fail "$1 is not a PNG (starts with $sig)"; return; }
  dims=$(od -An -tu1 -j16 -N8 "$1" | awk '{ print ($1 * 16777216 + $2 * 65536 + $3 * 256 + $4) "x" ($5 * 16777216 + $6 * 65536 + $7 * 256 + $8) }')
  [[ $dims == "$2x$3" ]] || fail "$1 is $dims, expected $2x$3"
  # A blank image compresses to almost nothing; a drawn chart does not.
  (($(stat -c %s "$1") > 20000)) || fail "$1 is only $(stat -c %s "$1") bytes: nothing drawn?"
}
expect_charts() { # expect_charts PREFIX CHART... : exactly these charts were written
  local c
  for c in latency throughput memory; do
    if [[ " ${*:2} " == *" $c "* ]]; then check_png "$1-$c.png" 1200 560
    elif [[ -e $1-$c.png ]]; then fail "$1-$c.png written, but the file has no rows for it"; fi
  done
}

# Both isolation modes, nginx floor, memory with PSS.
"$BENCH/charts.sh" "$BENCH/results/2026-12-07-acec10d.csv" "$WORK/both" >"$WORK/both.out"
expect_charts "$WORK/both" latency throughput memory
[[ $(wc -l <"$WORK/both.out") -eq 3 ]] || fail "charts.sh printed $(cat "$WORK/both.out") for three charts"

# Before the isolation column: one series, RSS only.
"$BENCH/charts.sh" "$BENCH/results/2026-11-21-d7e78cc.csv" "$WORK/old" >/dev/null
expect_charts "$WORK/old" latency throughput memory

# A --target run: load rows only, no memory points; the default prefix is the CSV's path.
head -n 1 "$BENCH/results/2026-12-07-acec10d.csv" >"$WORK/target.csv"
grep ',"load",' "$BENCH/results/2026-12-07-acec10d.csv" | grep ',"inprocess",' |
  sed 's/,on,/,remote,/; s/,"inprocess",/,"",/' >>"$WORK/target.csv"
"$BENCH/charts.sh" "$WORK/target.csv" >/dev/null
expect_charts "$WORK/target" latency throughput

# Not a results file: refused with status 3, nothing written.
printf 'a,b\n1,2\n' >"$WORK/other.csv"
rc=0; "$BENCH/charts.sh" "$WORK/other.csv" >/dev/null 2>&1 || rc=$?
((rc == 3)) || fail "a CSV without section/what columns gave status $rc, expected 3"
expect_charts "$WORK/other"

if ((failures)); then echo "test-charts: $failures failure(s)"; exit 1; fi
echo "test-charts: ok"
