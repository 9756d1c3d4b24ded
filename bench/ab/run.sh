#!/usr/bin/env bash
# Alternated A/B of two packaged builds on the contacts benchmark's database (bench/README.md, "ab").
# usage: bench/ab/run.sh A_APP_DIR B_APP_DIR [rounds=2] [connections=8]
#   A_APP_DIR, B_APP_DIR: copies of target/quarkus-app of the two builds.
# Needs the database circles_bench left by `bench/run.sh contacts`, and wrk.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
a=$1 b=$2 rounds=${3:-2} conns=${4:-8}
out="$root/bench/out"; work="$out/ab"; mkdir -p "$work"
port=18480 mport=9000 db=circles_bench
psql_() { psql -h 127.0.0.1 -U postgres -d "$db" -v ON_ERROR_STOP=1 -Atq "$@"; }

# Searches by 2,000 random display names; listings by each kind with e-mail consent granted.
psql_ -c "SELECT display_name FROM contact WHERE display_name IS NOT NULL ORDER BY random() LIMIT 2000" |
  /usr/bin/python3 -c 'import sys, urllib.parse
for l in sys.stdin:
    l = l.strip()
    if l: print("/api/v1/contacts?q=" + urllib.parse.quote(l) + "&limit=20")' > "$work/search.txt"
for k in PATIENT CAREGIVER FAMILY PHYSICIAN NURSE OTHER_CLINICIAN COMMUNITY_LEADER ORGANIZATION; do
  echo "/api/v1/contacts?kind=$k&consent=EMAIL:GRANTED&sort=name"
done > "$work/list.txt"
export TOKEN="$("$root/bench/token.sh" "$out/keys" admin)"

source "$root/bench/ab/pass.sh"
source "$root/bench/damon.sh"
damon_pause
start() {
  HTTP_PORT=$port HTTP_HOST=127.0.0.1 CIRCLES_MANAGEMENT_PORT=$mport CIRCLES_MANAGEMENT_HOST=127.0.0.1 \
  CIRCLES_JWT_PUBLIC_KEY_LOCATION="$out/keys/public.pem" DB_URL="jdbc:postgresql://127.0.0.1:5432/$db" \
  CIRCLES_DEMO_ENABLED=false CIRCLES_NEO4J_EMBEDDED_DATA_DIR="$out/neo4j-contacts" CIRCLES_NEO4J_EMBEDDED_BOLT_PORT=17688 \
  NEO4J_URI= java $SERVICE_GC_OPTS -Dcircles.security.rate-limits.contact-search.permits=100000000 -jar "$1/quarkus-run.jar" \
    > "$work/service.log" 2>&1 &
  ab_ready
}

# One pass: wrk figures and the CPU a call of the service and of PostgreSQL.
pass() { ab_pass "$work/$1.txt" "$2" "$conns" "$1"; }

for r in $(seq 1 "$rounds"); do
  for build in "$a" "$b"; do
    start "$build"
    for _ in 1 2 3; do pass search 20 >/dev/null; pass list 20 >/dev/null; done   # 120 s warm-up: the JIT
    for f in list search list search; do echo "round $r $(basename "$build"): $(pass $f 20)"; done
    ab_stop
  done
done
