# Sourced by the runners that start builds on the graph bench/analytics/run.sh left (ab.sh, reads-ab.sh): its work
# folder, database and ports, and
#
#   start_service APP_DIR LOG   starts that copy of a build on them (JAVA and JAVA_OPTS from its bench.env, bench/jvm.sh)
#                               and waits until it is ready; its pid is in $pid
WORK=${BENCH_WORK:-$ROOT/target/bench-analytics}
DB=${BENCH_DB:-circles_bench_analytics}
PORT=${BENCH_HTTP_PORT:-18091}
MANAGEMENT_PORT=${BENCH_MANAGEMENT_PORT:-9000}
BOLT=${BENCH_BOLT_PORT:-17791}
BASE=http://127.0.0.1:$PORT
[ -d "$WORK/neo4j" ] || { echo "no graph in $WORK: run bench/analytics/run.sh first" >&2; exit 1; }
source "$ROOT/bench/jvm.sh"

start_service() {
  bench_jvm "$1"
  HTTP_PORT=$PORT CIRCLES_MANAGEMENT_PORT=$MANAGEMENT_PORT CIRCLES_MANAGEMENT_HOST=127.0.0.1 \
    CIRCLES_NEO4J_EMBEDDED_BOLT_PORT=$BOLT CIRCLES_NEO4J_EMBEDDED_DATA_DIR=$WORK/neo4j \
    CIRCLES_NEO4J_EMBEDDED_PAGE_CACHE=${BENCH_PAGE_CACHE:-512m} DB_URL=jdbc:postgresql://127.0.0.1:5432/$DB \
    CIRCLES_DEMO_ENABLED=false CIRCLES_JWT_PUBLIC_KEY_LOCATION="$WORK/keys/public.pem" \
    "$JAVA" -Xmx${BENCH_HEAP:-1200m} $JAVA_OPTS -jar "$1/quarkus-run.jar" > "$2" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready" > /dev/null; do sleep 2; kill -0 $pid; done
}
