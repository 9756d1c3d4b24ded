#!/usr/bin/env bash
# Map page benchmark: render time of the overview, circles and community views at 2,000 visible nodes in headless
# chromium, read from the page's own measure (circlesMap.lastRender.renderMs). See README.md.
# The relay's graph transactions get 120 s instead of 30 (loading is not what is measured; a busy machine needs it).
# Needs: PostgreSQL on 127.0.0.1:5432 (trust), /usr/bin/python3, /usr/bin/chromium, openssl, the packaged service
# (built with ./mvnw package -DskipTests when target/quarkus-app is missing).
# Usage: bench/map/run.sh [--no-build]     sizes: BENCH_BLOB (2000), BENCH_GROUPS (2100), BENCH_GROUP_SIZE (6)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=${BENCH_WORK:-$ROOT/target/bench-map}
PORT=${BENCH_HTTP_PORT:-18092}
MANAGEMENT_PORT=${BENCH_MANAGEMENT_PORT:-9000}   # health, on loopback only: it needs no token
BOLT=${BENCH_BOLT_PORT:-17792}
DB=${BENCH_DB:-circles_bench_map}
BLOB=${BENCH_BLOB:-2000}
HOUSEHOLDS=${BENCH_GROUPS:-2100}
GROUP_SIZE=${BENCH_GROUP_SIZE:-6}
RUNS=${BENCH_RUNS:-5}
HEAP=${BENCH_HEAP:-2g}
PY=/usr/bin/python3
BASE=http://127.0.0.1:$PORT
MANAGEMENT=http://127.0.0.1:$MANAGEMENT_PORT
PSQL="psql -q -h 127.0.0.1 -U postgres"

APP=${BENCH_APP:-$ROOT/target/quarkus-app}
if [ "${1:-}" != --no-build ] || [ ! -d "$APP" ]; then
  (cd "$ROOT" && ./mvnw -B -q package -DskipTests)
fi
[ -x "${BENCH_CHROMIUM:-/usr/bin/chromium}" ] || { echo "chromium is needed: apt-get install chromium"; exit 1; }
mkdir -p "$WORK"
DATA=$WORK/network-$BLOB-$HOUSEHOLDS-$GROUP_SIZE
if [ ! -f "$DATA/ties.ndjson" ]; then
  echo "generating the network: a neighbourhood of $BLOB contacts, $HOUSEHOLDS households of $GROUP_SIZE"
  $PY "$HERE/generate.py" "$DATA" --blob "$BLOB" --groups "$HOUSEHOLDS" --group-size "$GROUP_SIZE"
fi

$PSQL -c "DROP DATABASE IF EXISTS $DB" -f "$ROOT/src/main/resources/db/roles/local.sql" -c "CREATE DATABASE $DB OWNER circles_owner"
rm -rf "$WORK/neo4j"
source "$ROOT/bench/damon.sh"
damon_pause
"$ROOT/bench/token.sh" "$WORK/keys" admin > /dev/null # the key pair the service verifies tokens with
echo "starting the service on :$PORT (health :$MANAGEMENT_PORT, bolt :$BOLT, database $DB)"
HTTP_PORT=$PORT CIRCLES_MANAGEMENT_PORT=$MANAGEMENT_PORT CIRCLES_MANAGEMENT_HOST=127.0.0.1 \
  CIRCLES_NEO4J_EMBEDDED_BOLT_PORT=$BOLT CIRCLES_NEO4J_EMBEDDED_DATA_DIR=$WORK/neo4j \
  DB_URL=jdbc:postgresql://127.0.0.1:5432/$DB CIRCLES_DEMO_ENABLED=false CIRCLES_SYNC_GRAPH_TIMEOUT=120s \
  CIRCLES_JWT_PUBLIC_KEY_LOCATION="$WORK/keys/public.pem" \
  java -Xmx$HEAP -jar "$APP/quarkus-run.jar" > "$WORK/service.log" 2>&1 &
SERVICE=$!
trap 'kill $SERVICE 2>/dev/null || true' EXIT
until curl -sf "$MANAGEMENT/q/health/ready" > /dev/null; do sleep 2; kill -0 $SERVICE; done
# Signed here, as an identity provider would: an admin imports and watches sync, an analyst runs the analytics and
# looks at the map (maps are open to admin, analyst, outreach and clinician).
ADMIN="Authorization: Bearer $("$ROOT/bench/token.sh" "$WORK/keys" admin)"
ANALYST_TOKEN=$("$ROOT/bench/token.sh" "$WORK/keys" analyst)
ANALYST="Authorization: Bearer $ANALYST_TOKEN"
json() { $PY -c 'import json,sys; v=json.load(sys.stdin)
for k in sys.argv[1].split("."): v=v[int(k)] if k.isdigit() else v[k]
print(v)' "$1"; }

load_file() {
  local location job state
  location=$(curl -sf -D - -o /dev/null -X POST -H "$ADMIN" -H 'Content-Type: application/x-ndjson' \
    --data-binary "@$1" "$BASE/api/v1/imports" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
  while :; do
    job=$(curl -sf -H "$ADMIN" "$location")
    state=$(echo "$job" | json state)
    [ "$state" = QUEUED ] || [ "$state" = RUNNING ] || break
    sleep 1
  done
  [ "$state" = SUCCEEDED ] && [ "$(echo "$job" | json counts.rejected)" = 0 ] || { echo "import of $1: $job"; exit 1; }
}
echo "importing $(wc -l < "$DATA/contacts.ndjson") contacts, then $(wc -l < "$DATA/ties.ndjson") ties"
load_file "$DATA/contacts.ndjson"
load_file "$DATA/ties.ndjson"
until [ "$(curl -sf -H "$ADMIN" "$BASE/api/v1/admin/sync" | json backlog)" = 0 ]; do sleep 1; done

echo "analytics run"
RUN=$(curl -sf -X POST -H "$ANALYST" -H 'Content-Type: application/json' -d '{}' "$BASE/api/v1/analytics/runs" | json id)
while :; do
  STATE=$(curl -sf -H "$ANALYST" "$BASE/api/v1/analytics/runs/$RUN")
  [ "$(echo "$STATE" | json state)" = RUNNING ] || break
  sleep 1
done
[ "$(echo "$STATE" | json state)" = SUCCEEDED ] || { echo "analytics run failed: $STATE"; exit 1; }

# What the three views draw: the hub at depth 3 (its whole neighbourhood, within the map bound), the largest
# community of the coarsest level, and the communities of the finest level (the largest 2,000).
q() { $PSQL -d "$DB" -At -c "$1"; }
HUB=$(q "SELECT id FROM contact WHERE external_id = 'mb-hub'")
HUB_NAME=$(q "SELECT display_name FROM contact WHERE external_id = 'mb-hub'")
COMMUNITY=$(q "SELECT id FROM analytics_community WHERE run_id = '$RUN' AND level = 0 ORDER BY size DESC, id LIMIT 1")
COMMUNITY_SIZE=$(q "SELECT size FROM analytics_community WHERE run_id = '$RUN' AND id = $COMMUNITY")
FINEST=$(q "SELECT max(level) FROM analytics_community WHERE run_id = '$RUN'")
COMMUNITIES=$(q "SELECT count(*) FROM analytics_community WHERE run_id = '$RUN' AND level = $FINEST AND size >= 2")
NEIGHBOURHOOD=$(curl -sf -H "$ANALYST" "$BASE/api/v1/maps/contacts/$HUB?depth=3" | json nodeCount)
echo "circles: $NEIGHBOURHOOD contacts within 3 ties of $HUB_NAME; community: $COMMUNITY_SIZE members;" \
  "overview: $COMMUNITIES communities of 2 or more at level $FINEST"

CP=$(ls "$APP"/lib/main/*.jar | tr '\n' ':')
java -cp "$CP" "$HERE/MapRender.java" "$BASE" "$ANALYST_TOKEN" "$HUB" "$HUB_NAME" "$COMMUNITY" "$FINEST" "$RUNS" \
  "$WORK/results.json" | tee "$WORK/targets.txt"
echo "every figure: $WORK/results.json; chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}');" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
