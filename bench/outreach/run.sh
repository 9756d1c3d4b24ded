#!/usr/bin/env bash
# Outreach benchmark: seed selection (POST /api/v1/outreach/seeds) for k = 10 and k = 50 over a whole generated
# network (default 100k contacts, 1M ties), time and expected coverage against the naive top-k-by-degree pick.
# See README.md. Needs: PostgreSQL on 127.0.0.1:5432 (trust), /usr/bin/python3, the packaged service
# (./mvnw package -DskipTests; built here when target/quarkus-app is missing).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=${BENCH_WORK:-$ROOT/target/bench-outreach}
PORT=${BENCH_HTTP_PORT:-8097}
MANAGEMENT_PORT=${BENCH_MANAGEMENT_PORT:-9000}   # health and metrics, on loopback only: they need no token
BOLT=${BENCH_BOLT_PORT:-17797}
DB=${BENCH_DB:-circles_bench_outreach}
CONTACTS=${BENCH_CONTACTS:-100000}
TIES=${BENCH_TIES:-$((CONTACTS * 10))}
HEAP=${BENCH_HEAP:-3g}
KS=${BENCH_KS:-10 50}
MODEL=${BENCH_MODEL:-}            # e.g. '"model":{"scale":0.03}' ; empty: the configured defaults
EDITS=${BENCH_EDITS:-1 1000}      # ties created through the API before each seeds call after the edits
PY=/usr/bin/python3
BASE=http://127.0.0.1:$PORT
MANAGEMENT=http://127.0.0.1:$MANAGEMENT_PORT
[[ "$DB" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "BENCH_DB must be a plain identifier" >&2; exit 2; }

APP=${BENCH_APP:-$ROOT/target/quarkus-app}
[ -d "$APP" ] || (cd "$ROOT" && ./mvnw -B -q package -DskipTests)
mkdir -p "$WORK"
GRAPH=$WORK/graph-$CONTACTS-$TIES
if [ ! -f "$GRAPH/ties.csv" ]; then
  echo "generating $CONTACTS contacts, $TIES ties"
  $PY "$HERE/generate.py" "$GRAPH" --contacts "$CONTACTS" --ties "$TIES"
fi

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "port $PORT is taken; set BENCH_HTTP_PORT" >&2; exit 1
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$MANAGEMENT_PORT") 2>/dev/null; then
  echo "port $MANAGEMENT_PORT is taken; set BENCH_MANAGEMENT_PORT" >&2; exit 1
fi
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -f "$ROOT/src/main/resources/db/roles/local.sql" -c "CREATE DATABASE $DB OWNER circles_owner"
rm -rf "$WORK/neo4j"
source "$ROOT/bench/damon.sh"
source "$ROOT/bench/jvm.sh" # SERVICE_GC_OPTS
damon_pause
"$ROOT/bench/token.sh" "$WORK/keys" outreach > /dev/null # the key pair the service verifies tokens with
echo "starting the service on :$PORT (health :$MANAGEMENT_PORT, bolt :$BOLT, database $DB)"
HTTP_PORT=$PORT HTTP_HOST=127.0.0.1 CIRCLES_MANAGEMENT_PORT=$MANAGEMENT_PORT CIRCLES_MANAGEMENT_HOST=127.0.0.1 \
  CIRCLES_NEO4J_EMBEDDED_BOLT_PORT=$BOLT CIRCLES_NEO4J_EMBEDDED_DATA_DIR=$WORK/neo4j \
  CIRCLES_NEO4J_EMBEDDED_PAGE_CACHE=1g DB_URL=jdbc:postgresql://127.0.0.1:5432/$DB CIRCLES_DEMO_ENABLED=false NEO4J_URI= \
  CIRCLES_JWT_PUBLIC_KEY_LOCATION="$WORK/keys/public.pem" java -Xmx$HEAP $SERVICE_GC_OPTS -jar "$APP/quarkus-run.jar" > "$WORK/service.log" 2>&1 &
SERVICE=$!
trap 'kill $SERVICE 2>/dev/null || true' EXIT
until curl -sf "$MANAGEMENT/q/health/ready" > /dev/null; do sleep 2; kill -0 $SERVICE; done
# A packaged service issues no development tokens: the benchmark signs its own (bench/token.sh); outreach chooses seeds.
AUTH="Authorization: Bearer $("$ROOT/bench/token.sh" "$WORK/keys" outreach)"

echo "loading PostgreSQL (COPY) and Neo4j (UNWIND batches of 10k)"
T0=$(date +%s.%N)
psql -q -h 127.0.0.1 -U postgres -d "$DB" \
  -c "\\copy contact (id, kind, given_name, family_name, display_name, sort_name, do_not_contact, created_at, updated_at, version) FROM '$GRAPH/contacts.csv' CSV HEADER" \
  -c "\\copy contact_consent (contact_id, channel, status, recorded_at, source) FROM '$GRAPH/consent.csv' CSV HEADER" \
  -c "ALTER TABLE tie ALTER COLUMN assertion SET DEFAULT 'ASSERTED', ALTER COLUMN asserted_at SET DEFAULT now()" \
  -c "\\copy tie (id, from_id, to_id, type, \"symmetric\", declared_strength, strength, source, created_at, updated_at, version) FROM '$GRAPH/ties.csv' CSV HEADER" \
  -c "ALTER TABLE tie ALTER COLUMN assertion DROP DEFAULT, ALTER COLUMN asserted_at DROP DEFAULT" \
  -c "ANALYZE"
T1=$(date +%s.%N)
CP=$(ls "$APP"/lib/main/*.jar | tr '\n' ':')
NEO=$(java -cp "$CP" "$ROOT/bench/analytics/Neo4jLoad.java" "bolt://127.0.0.1:$BOLT" "$GRAPH" 2>/dev/null | tail -1)
T2=$(date +%s.%N)

LOADLOG=$WORK/load.txt
: > "$LOADLOG"
( while kill -0 $SERVICE 2>/dev/null; do cut -d' ' -f1 /proc/loadavg >> "$LOADLOG"; sleep 2; done ) &
SAMPLER=$!
RESULTS=()
# The first request reads the graph from Neo4j (cold); the others are served from the cached graph (warm).
for K in $KS; do
  for PASS in 1 2; do
    BODY="{\"network\":true,\"k\":$K,\"channel\":\"EMAIL\"${MODEL:+,$MODEL}}"
    CALL=$(( ${CALL:-0} + 1 ))
    OUT=$WORK/seeds-$CALL-k$K-$PASS.json # numbered by call: BENCH_KS may name a k twice ("10 50 10")
    SECS=$(curl -s -o "$OUT" -w '%{time_total}' -X POST -H "$AUTH" -H 'Content-Type: application/json' -d "$BODY" \
      "$BASE/api/v1/outreach/seeds")
    echo "k=$K pass $PASS: $SECS s"
    RESULTS+=("$K" "$PASS" "$SECS" "$OUT")
  done
done
# Then, after each round of edits (ties created through the API, between contacts drawn with a fixed seed), one k = 10
# request that waits for them to reach the graph: the cached graph is brought up to date, or read again.
ADMIN="Authorization: Bearer $("$ROOT/bench/token.sh" "$WORK/keys" admin)"
EDITED=()
ROUND=0
for E in $EDITS; do
  ROUND=$((ROUND + 1))
  $PY - "$GRAPH/contacts.csv" "$E" "$ROUND" > "$WORK/edits-$ROUND.txt" <<'PY'
import csv, random, sys
ids = [row[0] for row in csv.reader(open(sys.argv[1]))][1:]
rnd = random.Random(1000 + int(sys.argv[3]))
for _ in range(int(sys.argv[2])):
    a, b = rnd.sample(ids, 2)
    print('{"from":"%s","to":"%s","type":"FRIEND_OF","declaredStrength":0.7}' % (a, b))
PY
  E0=$(date +%s.%N)
  POSITION=0
  CREATED=0
  while read -r TIE; do
    P=$(curl -s -o /dev/null -D - -X POST -H "$ADMIN" -H 'Content-Type: application/json' -d "$TIE" "$BASE/api/v1/ties" \
      | tr -d '\r' | awk 'tolower($1) == "graph-position:" {print $2}')
    if [ -n "$P" ]; then
      CREATED=$((CREATED + 1))
      if [ "$P" -gt "$POSITION" ]; then POSITION=$P; fi
    fi
  done < "$WORK/edits-$ROUND.txt"
  E1=$(date +%s.%N)
  OUT=$WORK/seeds-edit-$ROUND.json
  BODY="{\"network\":true,\"k\":10,\"channel\":\"EMAIL\",\"consistentWith\":$POSITION${MODEL:+,$MODEL}}"
  SECS=$(curl -s -o "$OUT" -w '%{time_total}' -X POST -H "$AUTH" -H 'Content-Type: application/json' -d "$BODY" \
    "$BASE/api/v1/outreach/seeds")
  echo "after $CREATED ties created ($(awk "BEGIN {printf \"%.1f\", $E1 - $E0}") s): k=10 $SECS s"
  EDITED+=("$E" "$CREATED" "$SECS" "$OUT")
done
kill $SAMPLER 2>/dev/null || true
RSS=$(awk '/^VmHWM/ {print int($2/1024)}' /proc/$SERVICE/status 2>/dev/null || echo 0)

$PY - "$WORK/results.json" "$CONTACTS" "$TIES" "$NEO" "$T0" "$T1" "$T2" "$RSS" "$LOADLOG" "$MODEL" "${EDITED[*]}" "${RESULTS[@]}" <<'PY'
import json, sys
out, contacts, ties, neo, t0, t1, t2, rss, loadlog, model, edited, *rest = sys.argv[1:]
edited = edited.split()
after_edits = []
for i in range(0, len(edited), 4):
    asked, created, secs, path = edited[i:i + 4]
    a = json.load(open(path))
    g = a.get("graph", {})
    after_edits.append({"ties_asked": int(asked), "ties_created": int(created), "seconds": float(secs),
                        "graph_read": g.get("read"), "graph_load_ms": g.get("loadMillis"),
                        "contacts_reread": g.get("contactsReread"), "timings_ms": a.get("timings"),
                        "seeds": len(a.get("seeds", [])), "error": None if "seeds" in a else a})
load = [float(x) for x in open(loadlog).read().split()] or [0.0]
runs = []
for i in range(0, len(rest), 4):
    k, p, secs, path = rest[i:i + 4]
    a = json.load(open(path))
    if "seeds" not in a:
        runs.append({"k": int(k), "pass": int(p), "seconds": float(secs), "error": a}); continue
    c, nv, cmp = a["coverage"], a["naive"]["coverage"], a["comparison"]
    runs.append({"k": int(k), "pass": int(p), "seconds": float(secs), "cached_graph": a["graph"]["cached"],
                 "graph_load_ms": a["graph"]["loadMillis"], "timings_ms": a["timings"],
                 "seeds": len(a["seeds"]), "candidates": a["candidates"], "target": a["target"]["size"],
                 "coverage": [c["expected"], c["low"], c["high"], c["simulations"], c["sampledEstimate"]],
                 "naive": [nv["expected"], nv["low"], nv["high"], nv["simulations"], nv["sampledEstimate"]],
                 "gain": [cmp["gain"], cmp["low"], cmp["high"], cmp.get("relative")],
                 "choice": a["sampling"].get("choice"), "sets": a["sampling"]["sets"], "sets_wanted": a["sampling"]["setsWanted"],
                 "capped": a["sampling"]["capped"], "model": a["model"]["mapping"], "notes": a["notes"],
                 "graph": {"contacts": a["graph"]["contacts"], "ties": a["graph"]["ties"], "arcs": a["graph"]["arcs"]}})
res = {"contacts": int(contacts), "ties": int(ties), "model_override": model or None,
       "load": {"postgres_copy_s": round(float(t1) - float(t0), 1), "neo4j": json.loads(neo) if neo else None},
       "service_peak_rss_mib": int(rss),
       "load_average": {"min": min(load), "mean": round(sum(load) / len(load), 1), "max": max(load)},
       "runs": runs, "after_edits": after_edits}
json.dump(res, open(out, "w"), indent=2)
print(json.dumps(res, indent=2))
print()
print("| k | pass | graph | time s | seeds: expected coverage [95% CI] | top-k by degree [95% CI] | gain [95% CI] | RR sets (wanted) | choice |")
print("|---:|---:|---|---:|---|---|---|---|---|")
for r in runs:
    if "error" in r:
        print("| %d | %d | | %.1f | error %s | | | | |" % (r["k"], r["pass"], r["seconds"], r["error"])); continue
    c, nv, g = r["coverage"], r["naive"], r["gain"]
    print("| %d | %d | %s | %.1f | %.0f [%.0f, %.0f] (%d cascades) | %.0f [%.0f, %.0f] | %+.0f [%+.0f, %+.0f] (%s) | %d (%d)%s | %s |" % (
        r["k"], r["pass"], "cached" if r["cached_graph"] else "read %d ms" % r["graph_load_ms"], r["seconds"],
        c[0], c[1], c[2], c[3], nv[0], nv[1], nv[2], g[0], g[1], g[2],
        "n/a" if g[3] is None else "%+.1f %%" % (100 * g[3]), r["sets"], r["sets_wanted"], ", capped" if r["capped"] else "",
        r["choice"]))
if after_edits:
    print()
    print("| after ties created | k = 10 time s | graph | contacts read again | graph read ms |")
    print("|---:|---:|---|---:|---:|")
    for e in after_edits:
        print("| %d | %.2f | %s | %s | %s |" % (e["ties_created"], e["seconds"], e["graph_read"], e["contacts_reread"],
                                          e["graph_load_ms"]))
PY
