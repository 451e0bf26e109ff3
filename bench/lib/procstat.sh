# CPU time of processes and their JIT threads from /proc, for bench/run.sh and bench/ab.sh.
# shellcheck shell=bash disable=SC2046 # PID lists are meant to split

# A PID and every process under it: nginx's workers, the server's SQL workers and spare.
tree_pids() {
  local pid
  for pid in "$@"; do
    echo "$pid"
    tree_pids $(pgrep -P "$pid" 2>/dev/null || true)
  done
}
ticks_of() { # utime+stime summed over the given PIDs
  local pid sum=0
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] || continue
    sum=$((sum + $(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ t = $12 + $13 } END { print t + 0 }')))
  done
  echo "$sum"
}
proc_ticks() { ticks_of $(tree_pids "$@"); } # the given PIDs and everything under them
# CPU ticks of the JIT compiler threads ("C1 CompilerThre", "C2 CompilerThre") of the given
# PIDs and everything under them.
compiler_ticks() {
  local pid task sum=0
  for pid in $(tree_pids "$@"); do
    for task in /proc/"$pid"/task/*; do
      [[ $(cat "$task/comm" 2>/dev/null) == C[12]\ Compiler* ]] || continue
      sum=$((sum + $(sed 's/.*) //' "$task/stat" 2>/dev/null | awk '{ t = $12 + $13 } END { print t + 0 }')))
    done
  done
  echo "$sum"
}
