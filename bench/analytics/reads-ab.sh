#!/usr/bin/env bash
# Alternated warm reads of packaged builds on the graph bench/analytics/run.sh left (its database, its Neo4j store and
# its latest analytics run), for comparing what two builds, runtimes or JVM options do to the reads (README.md,
# "reads-ab").
# usage: bench/analytics/reads-ab.sh APP_DIR... (each a copy of target/quarkus-app; repeat them to alternate: A B A B; a
#   copy may hold a file bench.env setting JAVA and JAVA_OPTS, as for ab.sh)
# Each build: a fresh service; a first round of calls (500 warm-up, 1,000 and 500 measured) so that the circles' copy
# of the graph is asked for; BENCH_READS_SETTLE seconds (75) while that copy is read from Neo4j; then the measured
# round (BENCH_WARMUP 10000 warm-up calls, BENCH_REQUESTS 20000 and BENCH_CIRCLES_REQUESTS 10000 measured, 8 clients,
# circles 4) and one line per build: p50, p99 and calls a second of each read. Then the service stops.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
source "$HERE/service.sh"
[ $# -gt 0 ] || { echo "usage: $0 APP_DIR..." >&2; exit 2; }
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true' EXIT
source "$ROOT/bench/damon.sh"
damon_pause
"$ROOT/bench/token.sh" "$WORK/keys" analyst > /dev/null
rm -rf "$WORK/bench-classes"
javac -d "$WORK/bench-classes" $(find "$ROOT/bench/src" -name '*.java')
reads() {
  (cd "$ROOT" && BENCH_KEY_DIR="$WORK/keys" java -cp "$WORK/bench-classes" health.circles.bench.Bench analytics-reads \
    --url "$BASE" --management-url "http://127.0.0.1:$MANAGEMENT_PORT" \
    --out "$WORK/reads-ab.md" json="$WORK/reads-ab.json" threads="${BENCH_THREADS:-8}" \
    circlesThreads="${BENCH_CIRCLES_THREADS:-4}" warmup="$1" requests="$2" circlesRequests="$3") > /dev/null
}
for app in "$@"; do
  start_service "$app" "$WORK/reads-ab-service.log"
  reads 500 1000 500
  sleep "${BENCH_READS_SETTLE:-75}"
  reads "${BENCH_WARMUP:-10000}" "${BENCH_REQUESTS:-20000}" "${BENCH_CIRCLES_REQUESTS:-10000}"
  /usr/bin/python3 - "$WORK/reads-ab.json" "$(basename "$app")" "$JAVA_OPTS" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(sys.argv[2], sys.argv[3], " | ".join("%s p50 %.1f p99 %.1f ms, %.0f/s" % (k, v["p50_ms"], v["p99_ms"], v["rps"])
                                         for k, v in r.items() if isinstance(v, dict) and "p99_ms" in v))
PY
  kill $pid; wait $pid 2>/dev/null || true; pid=""
done
