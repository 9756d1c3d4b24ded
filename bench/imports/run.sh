#!/usr/bin/env bash
# Bulk import benchmark: 100k contacts + 1M ties through POST /api/v1/imports, end to end (PostgreSQL and Neo4j both
# done), against the raw floor measured in the same run (COPY of the same rows + UNWIND CREATE into a fresh Neo4j).
# Usage: bench/imports/run.sh [contacts] [ties]      (from the repository root; needs PostgreSQL on 127.0.0.1:5432)
set -euo pipefail
cd "$(dirname "$0")/../.."
CONTACTS=${1:-100000}
TIES=${2:-1000000}
PORT=${BENCH_HTTP_PORT:-18190}
MANAGEMENT_PORT=${BENCH_MANAGEMENT_PORT:-9000}   # health and metrics, on loopback only: they need no token
BOLT=${BENCH_BOLT_PORT:-17790}
FLOOR_BOLT=${BENCH_FLOOR_BOLT_PORT:-17791}
DB=circles_bench_imports
FLOOR_DB=circles_bench_floor
WORK=${BENCH_WORK:-target/bench-imports}
APP=${BENCH_APP:-target/quarkus-app}   # a copy of target/quarkus-app, to compare builds (bench/imports/ab.sh)
PSQL="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -q"

[ -f "$APP/quarkus-run.jar" ] || ./mvnw -B -q package -DskipTests
rm -rf "$WORK" && mkdir -p "$WORK"
CP="$APP/lib/main/*:$APP/app/*"

if [ -n "${BENCH_NET:-}" ]; then   # a network generated before, as ab.sh does once for all its runs
  ln -s "$(cd "$BENCH_NET" && pwd)" "$WORK/net"
else
  echo "== generating $CONTACTS contacts, $TIES ties"
  java -cp "target/classes:$CP" health.circles.synthetic.GenerateNetwork --contacts "$CONTACTS" --ties "$TIES" \
    --mixing 0.2 --seed 42 --touchpoints 0 --out "$WORK/net" | tee "$WORK/generate.json"
fi

# Autovacuum on for the run, as a deployment has it: an import into tables whose statistics stay those of empty
# tables is planned blind (bench/autovacuum.sh, bench/README.md).
source bench/autovacuum.sh
source bench/damon.sh
source bench/jvm.sh # SERVICE_GC_OPTS
damon_pause
autovacuum_on $PSQL
trap autovacuum_restore EXIT

for db in $DB $FLOOR_DB; do
  $PSQL -d postgres -c "DROP DATABASE IF EXISTS $db" -f src/main/resources/db/roles/local.sql -c "CREATE DATABASE $db OWNER circles_owner"
done

bench/token.sh "$WORK/keys" admin > /dev/null # the key pair the service verifies tokens with
start_service() {
  echo "== service on :$PORT (health :$MANAGEMENT_PORT)"
  HTTP_PORT=$PORT CIRCLES_MANAGEMENT_PORT=$MANAGEMENT_PORT CIRCLES_MANAGEMENT_HOST=127.0.0.1 \
    CIRCLES_NEO4J_EMBEDDED_BOLT_PORT=$BOLT CIRCLES_NEO4J_EMBEDDED_DATA_DIR="$WORK/neo4j" CIRCLES_IMPORTS_DIR="$WORK/uploads" \
    DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB" CIRCLES_DEMO_ENABLED=false CIRCLES_IMPORTS_MAX_SIZE=2G \
    CIRCLES_JWT_PUBLIC_KEY_LOCATION="$WORK/keys/public.pem" \
    java $SERVICE_GC_OPTS ${BENCH_JAVA_OPTS:--Xmx2g} -jar "$APP/quarkus-run.jar" >> "$WORK/service.log" 2>&1 &
  SERVICE=$!
  until curl -sf "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready" > /dev/null; do sleep 1; done
}
# Set before the service starts, so that a service that never becomes ready is stopped too; SERVICE is read at exit,
# so a restarted service (BENCH_TIES_AFTER_RESTART) is the one stopped.
trap 'kill ${SERVICE:-} 2>/dev/null || true; autovacuum_restore' EXIT
start_service
# A packaged service issues no development tokens: the benchmark signs its own (bench/token.sh), an integration token
# to import, an admin one to watch sync.
token() { bench/token.sh "$WORK/keys" "$1"; }
IMPORTER="Authorization: Bearer $(token integration)"
ADMIN="Authorization: Bearer $(token admin)"

# Waits for the import at $1 to end, leaves its last answer in $job and its state in $state.
await_import() {
  while :; do
    job=$(curl -sf -H "$IMPORTER" "$1")
    state=$(echo "$job" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')
    [ "$state" = QUEUED ] || [ "$state" = RUNNING ] || break
    sleep 0.5
  done
}
await_graph() {
  while [ "$(curl -sf -H "$ADMIN" "http://127.0.0.1:$PORT/api/v1/admin/sync" | python3 -c 'import json,sys; print(json.load(sys.stdin)["backlog"])')" != 0 ]; do
    sleep 0.5
  done
}

IMPORT_FILE="$WORK/net/network.ndjson"
if [ "${BENCH_TIES_AFTER_RESTART:-0}" = 1 ]; then
  # Ties imported into contacts a service imported before it restarted: the contacts (untimed) first, both stores
  # done, then a new process on the same database and store, and the ties alone timed (README.md).
  grep '"record":"contact"' "$WORK/net/network.ndjson" > "$WORK/contacts.ndjson"
  grep -v '"record":"contact"' "$WORK/net/network.ndjson" > "$WORK/ties.ndjson"
  location=$(curl -sf -D - -o /dev/null -X POST -H "$IMPORTER" -H 'Content-Type: application/x-ndjson' \
    --data-binary "@$WORK/contacts.ndjson" "http://127.0.0.1:$PORT/api/v1/imports" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
  await_import "$location"
  [ "$state" = SUCCEEDED ] || { echo "contacts' import $state: $job"; exit 1; }
  await_graph
  echo "== contacts imported; restarting the service"
  kill $SERVICE; wait $SERVICE 2>/dev/null || true
  start_service
  await_graph
  IMPORT_FILE="$WORK/ties.ndjson"
fi

now() { date +%s.%N; }
# CPU seconds used so far by PostgreSQL (every process, with the backends already gone) and by the service (which
# runs the embedded Neo4j too): the import is CPU-bound on two cores, and this says which side spent them.
cpu() {
  local tck pg=0 svc=0 p s
  tck=$(getconf CLK_TCK)
  for p in $(pgrep -x postgres); do
    s=($(sed 's/.*) //' /proc/$p/stat 2>/dev/null)) || continue
    [ ${#s[@]} -gt 14 ] && pg=$((pg + s[11] + s[12] + s[13] + s[14]))
  done
  s=($(sed 's/.*) //' /proc/$SERVICE/stat)); svc=$((s[11] + s[12]))
  echo "$pg $svc $tck"
}
cpu_before=$(cpu)
started=$(now)
location=$(curl -sf -D - -o /dev/null -X POST -H "$IMPORTER" -H 'Content-Type: application/x-ndjson' \
  --data-binary "@$IMPORT_FILE" "http://127.0.0.1:$PORT/api/v1/imports" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
uploaded=$(now)
echo "== import $location"
await_import "$location"
postgres_done=$(now)
echo "$job" > "$WORK/job.json"
[ "$state" = SUCCEEDED ] || { echo "import $state: $job"; exit 1; }
await_graph
graph_done=$(now)
cpu_after=$(cpu)

if [ "${BENCH_IMPORT_ONLY:-0}" = 1 ]; then   # the import's figures alone (ab.sh): no reads, no floor
  python3 - "$started" "$uploaded" "$postgres_done" "$graph_done" "$WORK" "$cpu_before" "$cpu_after" <<'PY'
import json, sys
s, up, pg, g, work = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
(pg0, svc0, tck), (pg1, svc1, _) = [[int(x) for x in a.split()] for a in sys.argv[6:8]]
job = json.load(open(work + "/job.json"))
out = {"upload_s": round(up - s, 2), "postgres_done_s": round(pg - s, 2), "end_to_end_s": round(g - s, 2),
       "cpu_s": {"postgres": round((pg1 - pg0) / tck, 1), "service_and_neo4j": round((svc1 - svc0) / tck, 1)},
       "job_counts": job["counts"]}
print(json.dumps(out))
json.dump(out, open(work + "/result.json", "w"))
PY
  exit 0
fi

echo "== reads on the imported graph: circles depth 2 and paths over HTTP"
# Pairs two ties apart (a -> b -> c gives the pair a,c), sampled from PostgreSQL; an outreach token, as staff use.
$PSQL -d $DB -At -F, -c "
  WITH s AS (SELECT from_id, to_id FROM tie TABLESAMPLE SYSTEM (1) REPEATABLE (42) LIMIT 500)
  SELECT s.from_id, n.to_id FROM s
  CROSS JOIN LATERAL (SELECT to_id FROM tie t WHERE t.from_id = s.to_id AND t.to_id <> s.from_id LIMIT 1) n" \
  > "$WORK/pairs.csv"
CIRCLES_AUTH="Authorization: Bearer $(token outreach)" python3 bench/imports/reads.py "http://127.0.0.1:$PORT" \
  "$WORK/pairs.csv" --clients "${BENCH_READ_CLIENTS:-1,4}" --seconds "${BENCH_READ_SECONDS:-30}" | tee "$WORK/reads.json"
kill $SERVICE; wait $SERVICE 2>/dev/null || true
trap autovacuum_restore EXIT

echo "== floor: COPY into $FLOOR_DB + UNWIND CREATE into a fresh Neo4j"
# In version order (V2 before V10), as Flyway applies them; a plain glob sorts by name and puts V10 first.
for f in $(ls src/main/resources/db/migration/V*.sql | sort -V); do
  $PSQL -d $FLOOR_DB -v ON_ERROR_STOP=1 -f "$f" > /dev/null
done
java ${BENCH_FLOOR_JAVA_OPTS:--Xmx4g} -cp "$CP" bench/imports/Floor.java "$WORK/net/network.ndjson" \
  "jdbc:postgresql://127.0.0.1:5432/$FLOOR_DB" "$WORK/floor-neo4j" "$FLOOR_BOLT" | tee "$WORK/floor.json"

python3 - "$started" "$uploaded" "$postgres_done" "$graph_done" "$WORK" "$cpu_before" "$cpu_after" <<'PY'
import json, sys
s, up, pg, g, work = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
(pg0, svc0, tck), (pg1, svc1, _) = [[int(x) for x in a.split()] for a in sys.argv[6:8]]
floor = json.load(open(work + "/floor.json"))
job = json.load(open(work + "/job.json"))
out = {"contacts": floor["contacts"], "ties": floor["ties"], "upload_s": round(up - s, 2),
       "postgres_done_s": round(pg - s, 2), "end_to_end_s": round(g - s, 2),
       "floor_copy_s": floor["copy_s"], "floor_neo4j_s": floor["neo4j_create_s"], "floor_s": floor["floor_s"],
       "ratio": round((g - s) / floor["floor_s"], 2),
       "cpu_s": {"postgres": round((pg1 - pg0) / tck, 1), "service_and_neo4j": round((svc1 - svc0) / tck, 1)},
       "job_counts": job["counts"], "batches": job["batches"],
       "reads": json.load(open(work + "/reads.json"))}
print(json.dumps(out))
json.dump(out, open(work + "/result.json", "w"))
PY
