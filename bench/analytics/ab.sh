#!/usr/bin/env bash
# Alternated analytics runs of packaged builds on the graph bench/analytics/run.sh left (its database and Neo4j store),
# for comparing the phases of two builds under the same conditions (README.md, "ab").
# usage: bench/analytics/ab.sh APP_DIR... (each a copy of target/quarkus-app; repeat them to alternate: A B A B; a copy
#   may hold a file bench.env setting JAVA and JAVA_OPTS, to compare runtimes or JVM options on one build)
# Each build: a fresh service (so run 1 is cold: a new JVM and Neo4j page cache), two runs 40 s apart (the first run's
# community naming happens in that pause, not during the second run), then the service stops. Prints one line a run.
# BENCH_AB_FRESH_IDS=1 removes the community ids from the graph's nodes before each build's first run, as on a fresh or
# rebuilt store, so that run writes every node's ids; BENCH_AB_FRESH_SCORES=1 removes the scores too, as after an import,
# so that the run also creates every node's score properties.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
source "$HERE/service.sh"
AUTH="Authorization: Bearer $("$ROOT/bench/token.sh" "$WORK/keys" analyst)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true' EXIT
source "$ROOT/bench/damon.sh"
damon_pause
for app in "$@"; do
  start_service "$app" "$WORK/ab-service.log"
  sleep "${BENCH_AB_SETTLE:-30}"
  if [ "${BENCH_AB_FRESH_IDS:-0}" = 1 ] || [ "${BENCH_AB_FRESH_SCORES:-0}" = 1 ]; then
    java -cp "$(ls "$app"/lib/main/*.jar | tr '\n' ':')" "$HERE/ClearIds.java" "bolt://127.0.0.1:$BOLT" \
      $([ "${BENCH_AB_FRESH_SCORES:-0}" = 1 ] && echo scores)
  fi
  for n in 1 2; do
    ID=$(curl -sf -X POST -H "$AUTH" -H 'Content-Type: application/json' -d '{}' "$BASE/api/v1/analytics/runs" |
      /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    while curl -sf -H "$AUTH" "$BASE/api/v1/analytics/runs/$ID" | grep -q '"RUNNING"'; do sleep 1; done
    curl -sf -H "$AUTH" "$BASE/api/v1/analytics/runs/$ID" | /usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin); t = r["timings"]
print(sys.argv[1], "run", sys.argv[2], r["state"], " ".join(f"{k} {t[k]}" for k in
      ["total", "project", "pagerank", "betweennessGraph", "betweenness", "betweennessGraph1", "betweenness1",
       "communities", "writeBack", "snapshot"] if k in t))' "$(basename "$app")" $n
    sleep 40
  done
  kill $pid; wait $pid 2>/dev/null || true; pid=""
done
