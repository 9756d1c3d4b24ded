#!/usr/bin/env bash
# The audit trail's chunks as the trail grows (bench/README.md, "audit chunks"): alternated packaged builds.
# usage: bench/audit/chunks.sh APP_1 [APP_2 ...]   each APP a copy of target/quarkus-app
#
# For each build: a fresh database migrated by the build itself; then, with the service up but its chunker off,
# BENCH_ROUNDS rounds (default 100) of BENCH_ROWS audit rows (default 2,000, listing-like: each names BENCH_NAMES = 20
# random contacts of a pool of 100,000, as contacts and as records) written straight into the trail, each round
# chunked by the build's own database function and timed; last, the service's audit search by contact (wrk, 1
# connection, 20 s, 500 contacts of the pool). Prints the chunk times by tenth of the run and the search's latency.
# BENCH_COLD=1 (root only) chunks one more round cold: PostgreSQL restarted and the kernel's page cache dropped first.
# Needs PostgreSQL on 127.0.0.1:5432 with the roles of src/main/resources/db/roles/local.sql, and wrk.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work=${BENCH_WORK:-$root/target/bench-audit}
rounds=${BENCH_ROUNDS:-100} rows=${BENCH_ROWS:-2000} names=${BENCH_NAMES:-20}
port=18092 mport=9002 bolt=17792 db=circles_bench_audit
mkdir -p "$work"
psql_() { psql -h 127.0.0.1 -U postgres -d "$db" -v ON_ERROR_STOP=1 -Atq "$@"; }
export TOKEN="$("$root/bench/token.sh" "$work/keys" admin)"
source "$root/bench/ab/pass.sh"
source "$root/bench/damon.sh"
damon_pause

start() {
  HTTP_PORT=$port HTTP_HOST=127.0.0.1 CIRCLES_MANAGEMENT_PORT=$mport CIRCLES_MANAGEMENT_HOST=127.0.0.1 \
  CIRCLES_NEO4J_EMBEDDED_BOLT_PORT=$bolt CIRCLES_NEO4J_EMBEDDED_DATA_DIR="$work/neo4j" \
  DB_URL="jdbc:postgresql://127.0.0.1:5432/$db" CIRCLES_DEMO_ENABLED=false \
  CIRCLES_SECURITY_AUDIT_INDEX_UPKEEP_EVERY=off CIRCLES_JWT_PUBLIC_KEY_LOCATION="$work/keys/public.pem" \
    java -Xmx512m $SERVICE_GC_OPTS -jar "$1/quarkus-run.jar" > "$work/service.log" 2>&1 &
  ab_ready
}

# One round of listing-like rows written into the trail; the pool's contact number g is the contact md5(g)::uuid.
write_round() {
  psql_ -c "INSERT INTO audit_event (subject, action, resource_type, method, path, status, contact_ids, record_ids)
            SELECT 'bench', 'list', 'contact', 'GET', '/api/v1/contacts', 200, a.ids, a.ids::text[]
            FROM generate_series(1, $rows) AS s(i) CROSS JOIN LATERAL (
              SELECT ARRAY(SELECT md5((1 + floor(random() * 100000)::int)::text)::uuid
                           FROM generate_series(1, $names + 0 * s.i)) AS ids) a"
}

# Chunks what waits with the build's function ($chunk); prints the milliseconds it took.
timed_chunk() {
  psql_ <<SQL
SELECT clock_timestamp() AS t0 \\gset
$chunk \\g /dev/null
SELECT round(extract(epoch FROM clock_timestamp() - :'t0') * 1000);
SQL
}

for build in "$@"; do
  name=$(basename "$build")
  rm -rf "$work/neo4j"
  dropdb -h 127.0.0.1 -U postgres --if-exists "$db"
  createdb -h 127.0.0.1 -U postgres -O circles_owner "$db"
  start "$build"
  # The chunk function of this build: (min, max, wait) before epochs, (min, max, wait, epoch size) since V38.
  args=$(psql_ -c "SELECT pronargs FROM pg_proc WHERE proname = 'audit_event_chunk'")
  if [ "$args" = 4 ]; then chunk="SELECT audit_event_chunk(1, 50000, '0', ${BENCH_EPOCH_ROWS:-250000})"
  else chunk="SELECT audit_event_chunk(1, 50000, '0')"; fi
  : > "$work/$name.rounds"
  for r in $(seq 1 "$rounds"); do
    write_round
    ms=$(timed_chunk)
    echo "$r $ms" >> "$work/$name.rounds"
  done
  total=$(psql_ -c "SELECT (SELECT count(*) FROM audit_contact_chunk) + (SELECT count(*) FROM audit_record_chunk)")
  size=$(psql_ -c "SELECT pg_size_pretty(pg_indexes_size('audit_contact_chunk') + pg_indexes_size('audit_record_chunk'))")
  echo "$name: $rounds rounds of $rows rows naming $names contacts each; $total chunk rows, chunk indexes $size"
  awk -v n="$rounds" -v b="$name" '{ t = int(($1 - 1) * 10 / n); s[t] += $2; c[t]++; if ($2 > m[t]) m[t] = $2 }
    END { printf "%s: chunk ms by tenth of the run (mean / max):", b;
          for (t = 0; t < 10; t++) if (c[t]) printf " %.0f/%d", s[t] / c[t], m[t]; print "" }' "$work/$name.rounds"
  psql_ -c "ANALYZE audit_event, audit_contact_chunk, audit_record_chunk" # as autovacuum would have by then
  psql_ -c "SELECT '/api/v1/audit?limit=50&contact=' || md5((1 + floor(random() * 100000)::int)::text)::uuid
            FROM generate_series(1, 500)" > "$work/search.txt"
  ab_pass "$work/search.txt" 5 1 "" >/dev/null
  echo "$name: audit search by contact, 1 connection:$(ab_pass "$work/search.txt" 20 1 "")"
  ab_stop
  if [ -n "${BENCH_COLD:-}" ]; then
    # One more round, chunked cold: PostgreSQL restarted and the kernel's page cache dropped first (root only).
    write_round
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main stop
    sync; echo 3 > /proc/sys/vm/drop_caches
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
    until pg_isready -q -h 127.0.0.1; do sleep 0.2; done
    ms=$(timed_chunk)
    echo "$name: one more round chunked cold (PostgreSQL restarted, page cache dropped): $ms ms"
  fi
done
