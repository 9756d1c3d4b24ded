#!/usr/bin/env bash
# Alternated imports of packaged builds, for comparing two builds under the same conditions (README.md, "ab").
# usage: bench/imports/ab.sh APP_DIR...   (each a copy of target/quarkus-app; repeat them to alternate: A B A B)
# Generates the network once (as run.sh does), then runs bench/imports/run.sh for each build in turn with
# BENCH_IMPORT_ONLY=1 (a fresh database and Neo4j store, the import timed to both stores done; no reads, no floor).
# Prints one line a run: the build, end to end, PostgreSQL done, CPU seconds of PostgreSQL and of the service, and
# where the batches' time went (the job's phases, summed over its batches, in seconds).
set -euo pipefail
cd "$(dirname "$0")/../.."
CONTACTS=${BENCH_CONTACTS:-100000}
TIES=${BENCH_TIES:-1000000}
NET=${BENCH_WORK:-target/bench-imports-ab}/net
mkdir -p "$NET"
if [ ! -f "$NET/network.ndjson" ]; then
  java -cp "target/classes:$1/lib/main/*:$1/app/*" health.circles.synthetic.GenerateNetwork --contacts "$CONTACTS" \
    --ties "$TIES" --mixing 0.2 --seed 42 --touchpoints 0 --out "$NET" > /dev/null
fi
for app in "$@"; do
  work=${BENCH_WORK:-target/bench-imports-ab}/run
  BENCH_APP="$app" BENCH_NET="$NET" BENCH_WORK="$work" BENCH_IMPORT_ONLY=1 bench/imports/run.sh > "$work.log" 2>&1 ||
    { echo "$(basename "$app") failed: $work.log" >&2; tail -5 "$work.log" >&2; exit 1; }
  /usr/bin/python3 - "$(basename "$app")" "$work" <<'PY'
import json, re, sys
name, work = sys.argv[1], sys.argv[2]
r = json.load(open(work + "/result.json"))
log = open(work + "/service.log", errors="replace").read()
ms = list(re.finditer(r"succeeded in \d+ ms \((.*?)\)\s*$", log, re.M))
m = ms[-1] if ms else None  # the timed import is the last (BENCH_TIES_AFTER_RESTART imports the contacts first)
phases = ""
if m:
    parts = [p.rsplit(" ", 2) for p in m.group(1).split(", ")]
    phases = ", ".join(f"{p[0]} {int(p[1]) / 1000:.1f}" for p in parts if len(p) == 3 and int(p[1]) >= 1000)
print(f"{name} end_to_end {r['end_to_end_s']} postgres_done {r['postgres_done_s']} "
      f"cpu_pg {r['cpu_s']['postgres']} cpu_service {r['cpu_s']['service_and_neo4j']} | {phases}")
PY
done
