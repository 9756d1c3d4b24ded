# Sourced by the benchmark runners. This kind of machine runs DAMON, the kernel's data access monitor, with a
# proactive-reclaim scheme (kdamonds/N: physical addresses, a sample every 500 ms, cold regions paged out, up to
# 128 MB a second). Every sample the kernel thread kdamond checks and clears the accessed bits of pages all over
# memory, and pages out those it judged cold; the service, PostgreSQL and Neo4j then stall together, for 40-100 ms
# about twice a second, and spend a fifth more CPU a call (bench/RESULTS.md, "issue 17, sixteenth session"). A
# database server is not run that way, and the stalls, not the code under test, decided every p99 measured here.
#
# So a run pauses DAMON for its duration when it can (root) and a watcher resumes it, with the same settings, as soon
# as the runner's process is gone, however it ends. BENCH_DAMON=keep leaves it as it is, to measure the machine as
# it comes.
#
#   damon_pause        (early in the runner)
# DAMON_REPORT says what was done, for the report.

damon_pause() {
  local d owner=$$
  local paused=()
  DAMON_REPORT="no DAMON on this machine"
  for d in /sys/kernel/mm/damon/admin/kdamonds/*/; do
    [ -f "$d/state" ] || continue
    if [ "$(cat "$d/state")" != on ]; then
      DAMON_REPORT="DAMON present, off before the run"
      continue
    fi
    if [ "${BENCH_DAMON:-pause}" = keep ]; then
      DAMON_REPORT="DAMON on (BENCH_DAMON=keep)"
    elif { echo off > "$d/state"; } 2>/dev/null; then
      paused+=("$d")
    else
      DAMON_REPORT="DAMON on (could not pause it: not root)"
    fi
  done
  if ((${#paused[@]})); then
    DAMON_REPORT="DAMON paused for the run, resumed afterwards"
    ( trap '' HUP INT TERM
      while kill -0 "$owner" 2>/dev/null; do sleep 1; done
      for d in "${paused[@]}"; do echo on > "$d/state"; done ) > /dev/null 2>&1 < /dev/null &
    disown
  fi
  echo "== $DAMON_REPORT"
}
