# Sourced by bench/ab/run.sh, bench/ab/reads.sh and bench/ab/circles-writes.sh.
#
# ab_ready: waits for the service just started in the background ($! is its process, kept in $pid) to answer its
# readiness check on 127.0.0.1:$mport; ab_stop stops it. Sourcing this file also stops it when the script exits.
source "$(dirname "${BASH_SOURCE[0]}")/../jvm.sh"
pid=""
ab_ready() {
  pid=$!
  for _ in $(seq 1 240); do curl -fsS "http://127.0.0.1:$mport/q/health/ready" >/dev/null 2>&1 && return; sleep 0.5; done
  echo "the service did not get ready" >&2; exit 1
}
ab_stop() { kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; }

# ab_start APP LOG: starts the packaged build APP on the database $db and the Neo4j store in $work/neo4j (ports $port,
# $mport, Bolt $bolt; tokens verified with $work/keys), its output to LOG, and waits until it is ready. A copy of a
# build may hold a file bench.env that sets JAVA (the java command) and JAVA_OPTS, to compare runtimes or JVM options
# on the same build.
ab_start() {
  local JAVA JAVA_OPTS
  bench_jvm "$1"
  HTTP_PORT=$port HTTP_HOST=127.0.0.1 CIRCLES_MANAGEMENT_PORT=$mport CIRCLES_MANAGEMENT_HOST=127.0.0.1 \
  CIRCLES_NEO4J_EMBEDDED_BOLT_PORT=$bolt CIRCLES_NEO4J_EMBEDDED_DATA_DIR="$work/neo4j" \
  CIRCLES_NEO4J_EMBEDDED_PAGE_CACHE=${BENCH_PAGE_CACHE:-512m} DB_URL="jdbc:postgresql://127.0.0.1:5432/$db" \
  CIRCLES_DEMO_ENABLED=false CIRCLES_JWT_PUBLIC_KEY_LOCATION="$work/keys/public.pem" \
    "$JAVA" -Xmx${BENCH_HEAP:-1200m} $JAVA_OPTS -jar "$1/quarkus-run.jar" > "$2" 2>&1 &
  ab_ready
}
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true' EXIT

# One wrk pass against the service whose process is $pid on
# 127.0.0.1:$port: ab_pass URL_FILE SECONDS CONNECTIONS LABEL (the token in $TOKEN). Prints p50, p99, calls a second,
# non-2xx answers and the CPU a call of the service and of PostgreSQL, from /proc.
ab_pass() {
  local urls=$1 seconds=$2 connections=$3 label=$4 hz s0 p0 s1 p1 res
  hz=$(getconf CLK_TCK)
  s0=$(ab_cpu_service); p0=$(ab_cpu_postgres)
  res=$(URLS="$urls" wrk -t$((connections < 2 ? connections : 2)) -c"$connections" -d"${seconds}s" --latency -s "$(dirname "${BASH_SOURCE[0]}")/urls.lua" \
    "http://127.0.0.1:$port")
  s1=$(ab_cpu_service); p1=$(ab_cpu_postgres)
  echo "$res" | awk -v sv=$((s1 - s0)) -v pv=$((p1 - p0)) -v hz="$hz" -v f="$label" '
    / 50%/ {p50=$2} / 99%/ {p99=$2} /requests in/ {n=$1} /Requests\/sec/ {rps=$2} /Non-2xx/ {bad=$NF}
    END {printf "%s p50 %s p99 %s %s/s non-2xx %s service %.2f PostgreSQL %.2f ms CPU a call\n", f, p50, p99, rps, bad+0, sv*1000/hz/n, pv*1000/hz/n}'
}
ab_cpu_service() { awk '{print $14+$15}' "/proc/$pid/stat"; }
ab_cpu_postgres() {
  for p in $(pgrep -u postgres); do awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null; done | awk '{s+=$1} END {print s}'
}
