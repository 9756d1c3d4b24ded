#!/usr/bin/env bash
# Analytics benchmark: a full analytics run on a planted graph (default 100k contacts, 1M ties), the same edge list
# through python-igraph as the peer, and read latencies under load (the Java load generator of bench/src, scenario
# analytics-reads). Writes results.json into the work folder.
# See README.md. Needs: PostgreSQL on 127.0.0.1:5432 (trust), /usr/bin/python3 with python3-igraph (+ leidenalg),
# the packaged service (./mvnw package -DskipTests).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=${BENCH_WORK:-$ROOT/target/bench-analytics}
PORT=${BENCH_HTTP_PORT:-18091}
MANAGEMENT_PORT=${BENCH_MANAGEMENT_PORT:-9000}   # health and metrics, on loopback only: they need no token
BOLT=${BENCH_BOLT_PORT:-17791}
DB=${BENCH_DB:-circles_bench_analytics}
CONTACTS=${BENCH_CONTACTS:-100000}
TIES=${BENCH_TIES:-1000000}
# Planted communities of 200 (500 at 100k); a smaller graph gets fewer, so that its ties fit inside them.
COMMUNITIES=${BENCH_COMMUNITIES:-$(( CONTACTS / 200 > 0 ? CONTACTS / 200 : 1 ))}
# Sized from what a run needs at 100k / 1M: GDS estimates the projection and its largest algorithm at ~100 MB (the
# run's quality.memoryEstimateBytes), the snapshot's arrays and rows take a few hundred MB more, and the Neo4j store
# (~320 MB) fits the page cache. A larger heap only lets the JVM keep more garbage (RSS 3.1 GB with 3g).
HEAP=${BENCH_HEAP:-1200m}
# Extra options of the service JVM (e.g. a flight recording: -XX:StartFlightRecording=filename=...,settings=profile).
PAGE_CACHE=${BENCH_PAGE_CACHE:-512m}
PEER=${BENCH_PEER:-$ROOT/../shared/bench/peer_igraph.py}
[ -f "$PEER" ] || PEER=/work/shared/bench/peer_igraph.py
PY=/usr/bin/python3
# The peer runs after the service's runs; without its modules the run's comparison would be missing, so stop now.
"$PY" -c 'import igraph, leidenalg' 2>/dev/null || {
  echo "$PY needs igraph and leidenalg for the peer (apt-get install python3-igraph python3-leidenalg)" >&2; exit 2; }
BASE=http://127.0.0.1:$PORT
MANAGEMENT=http://127.0.0.1:$MANAGEMENT_PORT

APP=${BENCH_APP:-$ROOT/target/quarkus-app}
[ -d "$APP" ] || (cd "$ROOT" && ./mvnw -B -q package -DskipTests)
mkdir -p "$WORK"
GRAPH=$WORK/graph-$CONTACTS-$TIES
[ "$COMMUNITIES" = 500 ] || GRAPH=$GRAPH-$COMMUNITIES
# BENCH_ORDERED=1: each community's contacts created one after another (generate.py --ordered).
ORDERED=()
[ "${BENCH_ORDERED:-0}" = 1 ] && { ORDERED=(--ordered); GRAPH=$GRAPH-ordered; }
if [ ! -f "$GRAPH/ties.csv" ]; then
  echo "generating $CONTACTS contacts, $TIES ties in $COMMUNITIES planted communities ${ORDERED[*]}"
  $PY "$HERE/generate.py" "$GRAPH" --contacts "$CONTACTS" --ties "$TIES" --communities "$COMMUNITIES" "${ORDERED[@]}"
fi

# Autovacuum on for the run, as a deployment has it: reads meet the database as autovacuum keeps it (statistics,
# the audit trail's GIN pending lists; bench/autovacuum.sh).
source "$HERE/../autovacuum.sh"
source "$HERE/../damon.sh"
source "$HERE/../jvm.sh" # SERVICE_GC_OPTS
damon_pause
autovacuum_on psql -h 127.0.0.1 -U postgres
trap autovacuum_restore EXIT
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB" -f "$ROOT/src/main/resources/db/roles/local.sql" -c "CREATE DATABASE $DB OWNER circles_owner"
rm -rf "$WORK/neo4j"
"$ROOT/bench/token.sh" "$WORK/keys" analyst > /dev/null # the key pair the service verifies tokens with
echo "starting the service on :$PORT (health :$MANAGEMENT_PORT, bolt :$BOLT, database $DB)"
HTTP_PORT=$PORT CIRCLES_MANAGEMENT_PORT=$MANAGEMENT_PORT CIRCLES_MANAGEMENT_HOST=127.0.0.1 \
  CIRCLES_NEO4J_EMBEDDED_BOLT_PORT=$BOLT CIRCLES_NEO4J_EMBEDDED_DATA_DIR=$WORK/neo4j CIRCLES_NEO4J_EMBEDDED_PAGE_CACHE=$PAGE_CACHE \
  DB_URL=jdbc:postgresql://127.0.0.1:5432/$DB CIRCLES_DEMO_ENABLED=false \
  CIRCLES_JWT_PUBLIC_KEY_LOCATION="$WORK/keys/public.pem" \
  java -Xmx$HEAP $SERVICE_GC_OPTS ${BENCH_JAVA_OPTS:-} -jar "$APP/quarkus-run.jar" > "$WORK/service.log" 2>&1 &
SERVICE=$!
trap 'kill $SERVICE 2>/dev/null || true; autovacuum_restore' EXIT
until curl -sf "$MANAGEMENT/q/health/ready" > /dev/null; do sleep 2; kill -0 $SERVICE; done
# The run command's development tokens (this machine only): an analyst starts and follows the run.
AUTH="Authorization: Bearer $("$ROOT/bench/token.sh" "$WORK/keys" analyst)"

echo "loading PostgreSQL (COPY) and Neo4j (UNWIND batches of 10k)"
T0=$(date +%s.%N)
psql -q -h 127.0.0.1 -U postgres -d "$DB" \
  -c "\\copy contact (id, kind, given_name, family_name, display_name, sort_name, postal_code, languages, created_at, updated_at, version) FROM '$GRAPH/contacts.csv' CSV HEADER" \
  -c "ALTER TABLE tie ALTER COLUMN assertion SET DEFAULT 'ASSERTED', ALTER COLUMN asserted_at SET DEFAULT now()" \
  -c "\\copy tie (id, from_id, to_id, type, \"symmetric\", declared_strength, strength, source, created_at, updated_at, version) FROM '$GRAPH/ties.csv' CSV HEADER" \
  -c "ALTER TABLE tie ALTER COLUMN assertion DROP DEFAULT, ALTER COLUMN asserted_at DROP DEFAULT" \
  -c "ANALYZE"
T1=$(date +%s.%N)
CP=$(ls "$APP"/lib/main/*.jar | tr '\n' ':')
NEO=$(java -cp "$CP" "$HERE/Neo4jLoad.java" "bolt://127.0.0.1:$BOLT" "$GRAPH" 2>/dev/null | tail -1)
T2=$(date +%s.%N)

# Two runs on the same graph: the first in a cold JVM (as after a deploy), the second warm (as in a long-running
# service); the second must reproduce the first exactly (ranks and every community membership).
RSS0=$(ps -o rss= -p $SERVICE)
PEAK=$RSS0
IDS=()
for n in 1 2; do
  echo "analytics run $n"
  RUN=$(curl -sf -X POST -H "$AUTH" -H 'Content-Type: application/json' -d '{}' "$BASE/api/v1/analytics/runs")
  ID=$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$RUN")
  IDS+=("$ID")
  while true; do
    R=$(ps -o rss= -p $SERVICE); [ "$R" -gt "$PEAK" ] && PEAK=$R
    STATE=$(curl -sf -H "$AUTH" "$BASE/api/v1/analytics/runs/$ID")
    case "$STATE" in *'"state":"RUNNING"'*) sleep 0.5 ;; *) break ;; esac
  done
  echo "$STATE" > "$WORK/run$n.json"
done
STATE=$(cat "$WORK/run1.json")
DIFFERENT=$(psql -h 127.0.0.1 -U postgres -d "$DB" -At -v a="${IDS[0]}" -v b="${IDS[1]}" <<'SQL'
SELECT (SELECT count(*) FROM analytics_score x JOIN analytics_score y USING (contact_id)
        WHERE x.run_id = :'a' AND y.run_id = :'b'
          AND (x.rank_pagerank, x.rank_betweenness, x.rank_degree, x.rank_strength, x.community_id)
           <> (y.rank_pagerank, y.rank_betweenness, y.rank_degree, y.rank_strength, y.community_id))
     + (SELECT count(*) FROM (
          (SELECT contact_id, level, community_id, is_primary FROM analytics_membership WHERE run_id = :'a'
           EXCEPT SELECT contact_id, level, community_id, is_primary FROM analytics_membership WHERE run_id = :'b')
          UNION ALL
          (SELECT contact_id, level, community_id, is_primary FROM analytics_membership WHERE run_id = :'b'
           EXCEPT SELECT contact_id, level, community_id, is_primary FROM analytics_membership WHERE run_id = :'a')) d);
SQL
)
echo "floor: Neo4j + GDS alone on the same graph (bench/analytics/Floor.java)"
FLOOR=$(java -cp "$CP" "$HERE/Floor.java" "bolt://127.0.0.1:$BOLT" --concurrency "${CIRCLES_ANALYTICS_CONCURRENCY:-1}" \
  2>"$WORK/floor.log" | tail -1) || true
[ -n "$FLOOR" ] || FLOOR='{"error": "floor failed, see floor.log"}'
HEAP_USED=$(curl -sf "$MANAGEMENT/q/metrics" | awk '/^jvm_memory_used_bytes\{.*area="heap"/ {s+=$2} END {print s}')

echo "peer: python-igraph on the same edge list"
PEER_OUT=$($PY "$PEER" "$GRAPH/edges.csv" --truth "$GRAPH/truth.csv" || echo '{"error": "peer failed"}')

echo "reads under load (the compiled load generator: bench/src, scenario analytics-reads)"
rm -rf "$WORK/bench-classes"
javac -d "$WORK/bench-classes" $(find "$ROOT/bench/src" -name '*.java')
# Twice: first just after the runs, with 200 warm-up calls per read (the JIT is still compiling the read paths on
# 2 cores, and circles are walked in Neo4j until the copy in memory has been read), 4,000 and 2,000 calls measured;
# then as a long-running service answers, after BENCH_WARMUP (15000) more warm-up calls per read (over all clients),
# BENCH_REQUESTS (20000) and BENCH_CIRCLES_REQUESTS (10000) calls measured, 6-12 s each: a p99 of 2 s of calls
# turned on whether one pass of the audit chunker (every 2 s) or one collection fell in it (influencers 30-35 ms
# over 4,000 calls, 16-24 ms over 20,000, same build and machine). The targets are the second, the first is reported.
reads() {
  (cd "$ROOT" && BENCH_KEY_DIR="$WORK/keys" java -cp "$WORK/bench-classes" health.circles.bench.Bench analytics-reads \
    --url "$BASE" --management-url "$MANAGEMENT" --out "$WORK/reads-$1.md" json="$WORK/reads-$1.json" \
    threads="${BENCH_THREADS:-8}" circlesThreads="${BENCH_CIRCLES_THREADS:-4}" warmup="$2" \
    requests="$3" circlesRequests="$4")
}
reads first 200 4000 2000
reads warm "${BENCH_WARMUP:-15000}" "${BENCH_REQUESTS:-20000}" "${BENCH_CIRCLES_REQUESTS:-10000}"
LOAD=$($PY -c 'import json,sys; w=json.load(open(sys.argv[1])); w["after_200_warmup"]=json.load(open(sys.argv[2])); print(json.dumps(w))' \
  "$WORK/reads-warm.json" "$WORK/reads-first.json")

# BENCH_EXACT=1: last, a third run asking for exact betweenness after it (RunRequest.exactBetweenness), followed until
# that ends: its time and peak RSS, and how many of the exact top 20 / 100 the second run's sampled betweenness found
# (the same graph, parameters and sample).
EXACT='{}'
if [ "${BENCH_EXACT:-0}" = 1 ]; then
  echo "exact betweenness after a run"
  RUN=$(curl -sf -X POST -H "$AUTH" -H 'Content-Type: application/json' -d '{"exactBetweenness": true}' \
    "$BASE/api/v1/analytics/runs")
  ID3=$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$RUN")
  PEAK3=0
  while true; do
    R=$(ps -o rss= -p $SERVICE); [ "$R" -gt "$PEAK3" ] && PEAK3=$R
    STATE3=$(curl -sf -H "$AUTH" "$BASE/api/v1/analytics/runs/$ID3")
    case "$STATE3" in *'"state":"RUNNING"'*|*'"exactBetweenness":"RUNNING"'*) sleep 1 ;; *) break ;; esac
  done
  echo "$STATE3" > "$WORK/run-exact.json"
  FOUND=$(psql -h 127.0.0.1 -U postgres -d "$DB" -At -F ' ' -v a="${IDS[1]}" -v b="$ID3" <<'SQL'
SELECT count(*) FILTER (WHERE x.rank_betweenness <= 20 AND y.rank_betweenness <= 20),
       count(*) FILTER (WHERE x.rank_betweenness <= 100 AND y.rank_betweenness <= 100)
FROM analytics_score x JOIN analytics_score y USING (contact_id) WHERE x.run_id = :'a' AND y.run_id = :'b';
SQL
)
  EXACT=$($PY -c '
import json, sys
run, found, peak = json.loads(sys.argv[1]), sys.argv[2].split(), int(sys.argv[3]) // 1024
print(json.dumps({"state": run["quality"].get("exactBetweenness"), "betweenness": run["quality"].get("betweenness"),
                  "run_total_ms": run["timings"].get("total"), "exact_ms": run["timings"].get("exactBetweenness"),
                  "sampled_top20_overlap_with_exact": int(found[0]) / 20,
                  "sampled_top100_overlap_with_exact": int(found[1]) / 100, "rss_peak_mib": peak}))' \
    "$STATE3" "$FOUND" "$PEAK3")
fi

$PY - "$WORK/results.json" "$STATE" "$PEER_OUT" "$LOAD" "$NEO" "$T0" "$T1" "$T2" "$RSS0" "$PEAK" "$HEAP_USED" \
  "$(cat "$WORK/run2.json")" "$DIFFERENT" "${CIRCLES_ANALYTICS_CONCURRENCY:-1}" "$FLOOR" "$EXACT" <<'PY'
import json, sys
out, run, peer, load, neo, t0, t1, t2, rss0, peak, heap, run2, different, concurrency, floor, exact = sys.argv[1:]
run, peer, load, neo, run2 = json.loads(run), json.loads(peer), json.loads(load), json.loads(neo), json.loads(run2)
floor = json.loads(floor)
t = run["timings"]
t2w = run2["timings"]
res = {"concurrency": int(concurrency),
       "run": {"state": run["state"], "timings_ms": t, "quality": run["quality"], "error": run.get("error")},
       "warm_run": {"state": run2["state"], "timings_ms": t2w, "modularity": run2["quality"].get("modularity"),
                    "rows_differing_from_first_run": int(different or -1)},
       "load": {"postgres_copy_s": round(float(t1) - float(t0), 1), "neo4j": neo},
       "memory": {"rss_before_run_mib": int(rss0) // 1024, "rss_peak_during_run_mib": int(peak) // 1024,
                  "heap_used_after_run_mib": int(float(heap or 0)) // (1024 * 1024)},
       "peer": peer, "reads": load, "floor": floor}
if json.loads(exact):
    res["exact_betweenness"] = json.loads(exact)
if "timings_ms" in floor and run["state"] == "SUCCEEDED":
    f = floor["timings_ms"]["total"]
    res["comparison_floor"] = {"gds_floor_total_s": f / 1000,
                               "end_to_end_over_gds_floor_cold": round(t["total"] / f, 2),
                               "end_to_end_over_gds_floor_warm": round(t2w["total"] / f, 2)}
if "leiden_s" in peer and run["state"] == "SUCCEEDED":
    ours_compute = (t["communities"] + t["pagerank"]) / 1000
    peer_compute = peer["leiden_s"] + peer["pagerank_s"]
    ours_e2e = t["total"] / 1000
    peer_e2e = peer["load_s"] + peer["leiden_s"] + peer["pagerank_s"]
    warm_compute = (t2w["communities"] + t2w["pagerank"]) / 1000
    res["comparison_warm"] = {"compute_leiden_pagerank_s": {"gds": warm_compute, "igraph": round(peer_compute, 3),
                              "ratio_gds_over_igraph": round(warm_compute / peer_compute, 2)},
                              "end_to_end_s": {"gds_run_total": t2w["total"] / 1000,
                                               "ratio_gds_over_igraph": round(t2w["total"] / 1000 / peer_e2e, 2)}}
    res["comparison"] = {
        "compute_leiden_pagerank_s": {"gds": ours_compute, "igraph": round(peer_compute, 3),
                                       "ratio_gds_over_igraph": round(ours_compute / peer_compute, 2)},
        "compute_vs_igraph_multilevel_pagerank_s": {
            "gds": ours_compute, "igraph": round(peer["multilevel_s"] + peer["pagerank_s"], 3),
            "ratio_gds_over_igraph": round(ours_compute / (peer["multilevel_s"] + peer["pagerank_s"]), 2)},
        "end_to_end_s": {"gds_run_total": ours_e2e, "igraph_load_leiden_pagerank": round(peer_e2e, 3),
                         "ratio_gds_over_igraph": round(ours_e2e / peer_e2e, 2)},
        "modularity": {"gds": run["quality"]["modularity"], "igraph_leiden": peer["leiden_modularity"],
                       "igraph_multilevel": peer["multilevel_modularity"],
                       "difference_vs_leiden": round(run["quality"]["modularity"] - peer["leiden_modularity"], 5)}}
json.dump(res, open(out, "w"), indent=2)
print(json.dumps(res, indent=2))
PY
