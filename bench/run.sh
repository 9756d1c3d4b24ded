#!/usr/bin/env bash
# Benchmarks the Circles service end to end: builds it, starts it on its own port with a fresh database and a fresh
# in-process Neo4j, runs one scenario against it over HTTP, stops it and writes a report to bench/out/.
#
#   bench/run.sh <scenario> [--no-build] [key=value ...]      e.g. bench/run.sh contacts contacts=100000
#
# Environment: BENCH_HTTP_PORT (18480), BENCH_MANAGEMENT_PORT (9000, health and metrics), BENCH_DB (circles_bench),
# BENCH_BOLT_PORT (17688), BENCH_PG_HOST (127.0.0.1), BENCH_PG_PORT (5432), BENCH_PG_USER (postgres), BENCH_JAVA_OPTS
# (service JVM options, default none).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

scenario="${1:-}"
[[ -n "$scenario" ]] || { echo "usage: bench/run.sh <scenario> [--no-build] [key=value ...]" >&2; exit 2; }
shift
build=1
args=()
for a in "$@"; do
  if [[ "$a" == "--no-build" ]]; then build=0; else args+=("$a"); fi
done

port="${BENCH_HTTP_PORT:-18480}"
management_port="${BENCH_MANAGEMENT_PORT:-9000}"
db="${BENCH_DB:-circles_bench}"
bolt="${BENCH_BOLT_PORT:-17688}"
pg_host="${BENCH_PG_HOST:-127.0.0.1}"
pg_port="${BENCH_PG_PORT:-5432}"
pg_user="${BENCH_PG_USER:-postgres}"
source "$root/bench/jvm.sh" # SERVICE_GC_OPTS
java_opts="$SERVICE_GC_OPTS ${BENCH_JAVA_OPTS:-}"
out="$root/bench/out"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
report="$out/$scenario-$stamp.md"
mkdir -p "$out"

[[ "$db" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "BENCH_DB must be a plain identifier" >&2; exit 2; }
psql_() { psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -v ON_ERROR_STOP=1 -Atq "$@"; }

echo "== compiling the load generator"
rm -rf "$out/classes"
javac -d "$out/classes" $(find "$root/bench/src" -name '*.java')

if (( build )); then
  echo "== building the service (./mvnw -B package -DskipTests)"
  ./mvnw -B -q package -DskipTests
fi
[[ -f target/quarkus-app/quarkus-run.jar ]] || { echo "no target/quarkus-app/quarkus-run.jar: build first" >&2; exit 1; }

if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "port $port is taken; set BENCH_HTTP_PORT" >&2; exit 1
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$management_port") 2>/dev/null; then
  echo "port $management_port is taken; set BENCH_MANAGEMENT_PORT" >&2; exit 1
fi

# Autovacuum on for the run, as a deployment has it (bench/autovacuum.sh); the report says so.
source "$root/bench/autovacuum.sh"
source "$root/bench/damon.sh"
damon_pause
autovacuum_on psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -v ON_ERROR_STOP=1
trap autovacuum_restore EXIT

echo "== fresh database $db on $pg_host:$pg_port and fresh Neo4j data"
psql_ -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
psql_ -d postgres -q -f src/main/resources/db/roles/local.sql   # the two roles (docs/security.md)
psql_ -d postgres -c "CREATE DATABASE $db OWNER circles_owner"
neo4j_dir="$out/neo4j-$scenario"
rm -rf "$neo4j_dir"

echo "== starting the service on port $port, health on $management_port (log: bench/out/$scenario-service.log)"
started=$(date +%s.%N)
# The load signs in with a development token (one subject), so the per-subject search rate limit is lifted here.
# Health and metrics need no token on their management port: it listens on loopback only.
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
bench/token.sh "$out/keys" admin > /dev/null # the key pair the service verifies the harness's tokens with
HTTP_PORT="$port" HTTP_HOST=127.0.0.1 CIRCLES_MANAGEMENT_PORT="$management_port" CIRCLES_MANAGEMENT_HOST=127.0.0.1 \
CIRCLES_JWT_PUBLIC_KEY_LOCATION="$out/keys/public.pem" \
DB_URL="jdbc:postgresql://$pg_host:$pg_port/$db" \
CIRCLES_DEMO_ENABLED=false CIRCLES_NEO4J_EMBEDDED_DATA_DIR="$neo4j_dir" CIRCLES_NEO4J_EMBEDDED_BOLT_PORT="$bolt" NEO4J_URI= \
  java $java_opts -Dcircles.security.rate-limits.contact-search.permits=100000000 \
  -jar target/quarkus-app/quarkus-run.jar >"$out/$scenario-service.log" 2>&1 &
pid=$!

peak_rss="unknown"
stop_service() {
  if kill -0 "$pid" 2>/dev/null; then
    peak_rss="$(awk '/^VmHWM/ {printf "%.0f MiB", $2/1024}' "/proc/$pid/status" 2>/dev/null || echo unknown)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
}
trap 'stop_service; autovacuum_restore' EXIT

ready=""
for _ in $(seq 1 360); do
  kill -0 "$pid" 2>/dev/null || { echo "the service exited; see $out/$scenario-service.log" >&2; exit 1; }
  if curl -fsS "http://127.0.0.1:$management_port/q/health/ready" >/dev/null 2>&1; then
    ready=$(awk "BEGIN {printf \"%.1f\", $(date +%s.%N) - $started}"); break
  fi
  sleep 0.5
done
[[ -n "$ready" ]] || { echo "the service did not get ready in 3 minutes" >&2; exit 1; }
echo "== ready after ${ready} s; running scenario $scenario"

# Other work on the machine skews every figure: sample the load average while the scenario runs.
loadlog="$out/$scenario-$stamp.load"
( while kill -0 "$pid" 2>/dev/null; do cut -d' ' -f1 /proc/loadavg >>"$loadlog"; sleep 5; done ) &
sampler=$!
figures="$out/$scenario-$stamp.figures.md"
# Reads should meet the database as autovacuum keeps it; the CI server here runs with autovacuum = off, where
# planner statistics would stay those of the empty tables (see RESULTS.md), so the scenario analyses after loading.
after_load="psql -h $pg_host -p $pg_port -U $pg_user -d $db -qc 'VACUUM (ANALYZE)'"
BENCH_KEY_DIR="$out/keys" java -cp "$out/classes" health.circles.bench.Bench "$scenario" --url "http://127.0.0.1:$port" \
  --management-url "http://127.0.0.1:$management_port" --out "$figures" \
  --after-load "$after_load" ${args[@]+"${args[@]}"}

kill "$sampler" 2>/dev/null || true
load="$(awk '{s+=$1; if(NR==1||$1<mn)mn=$1; if($1>mx)mx=$1} END {printf "min %.1f, mean %.1f, max %.1f (%d samples)", mn, s/NR, mx, NR}' "$loadlog")"
rm -f "$loadlog"
cpu_s="$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f", ($14+$15)/hz}' "/proc/$pid/stat" 2>/dev/null || echo unknown)"
db_size="$(psql_ -d "$db" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")"
tables="$(psql_ -d "$db" -F ' ' -c "SELECT relname, n_live_tup, pg_size_pretty(pg_total_relation_size(relid))
  FROM pg_stat_user_tables ORDER BY pg_total_relation_size(relid) DESC LIMIT 6" | sed 's/^/    /')"
stop_service
trap autovacuum_restore EXIT

cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
mem="$(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
jdk="$(java -version 2>&1 | head -1)"
pg="$(psql_ -d postgres -c 'SHOW server_version')"
autovacuum="$(psql_ -d postgres -c 'SHOW autovacuum')$([[ "$AUTOVACUUM_BEFORE" != off ]] || echo ' (turned on for this run; off on this server otherwise)')"
shared_buffers="$(psql_ -d postgres -c 'SHOW shared_buffers')"
neo4j="$(sed -n 's:.*<neo4j.version>\(.*\)</neo4j.version>.*:\1:p' pom.xml) with GDS $(sed -n 's:.*<gds.version>\(.*\)</gds.version>.*:\1:p' pom.xml)"
{
  echo "# Benchmark: $scenario"
  echo
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml || echo ' (with uncommitted changes)')"
  echo "- Command: \`bench/run.sh $scenario${args[*]+ ${args[*]}}\`"
  echo "- Machine: $(nproc) cores ($cpu), $mem RAM, $(uname -sr)"
  echo "- JDK: $jdk; service JVM options: ${java_opts:-none (JVM defaults)}"
  echo "- PostgreSQL $pg on $pg_host:$pg_port (database $db, dropped and re-created; autovacuum $autovacuum, shared_buffers $shared_buffers); Neo4j $neo4j in-process"
  echo "- Kernel memory monitor: $DAMON_REPORT (bench/damon.sh)"
  echo "- Service start to ready: ${ready} s; peak RSS of the service process (VmHWM): $peak_rss; service CPU time: ${cpu_s} s"
  echo "- 1-minute load average on the machine during the scenario (other work included): $load"
  echo "- Database size after the run: $db_size; largest tables (estimated rows, total size):"
  echo
  echo "$tables"
  cat "$figures"
} >"$report"
rm -f "$figures"
echo "== report: $report"
cat "$report"
