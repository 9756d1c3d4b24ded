#!/usr/bin/env bash
# Alternated A/B of packaged builds on the analytics reads (bench/README.md, "ab reads").
# usage: BENCH_WORK=/work/ba bench/ab/reads.sh APP_1 APP_2 [APP_1 APP_2 ...]
#   each APP a copy of target/quarkus-app; needs the database and Neo4j store left by bench/analytics/run.sh in
#   BENCH_WORK (default target/bench-analytics), and wrk.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work=${BENCH_WORK:-$root/target/bench-analytics}
conns=${BENCH_AB_CONNECTIONS:-8} seconds=${BENCH_AB_SECONDS:-20}
port=18091 mport=9000 bolt=17791 db=${BENCH_DB:-circles_bench_analytics}
out="$work/ab-reads"; mkdir -p "$out"
psql_() { psql -h 127.0.0.1 -U postgres -d "$db" -v ON_ERROR_STOP=1 -Atq "$@"; }

# The latest run's top 20; 400 random communities of 20 members or more; 2,000 random contacts' circles.
echo "/api/v1/influencers?limit=20" > "$out/influencers.txt"
psql_ -c "SELECT '/api/v1/communities/' || c.id FROM analytics_community c
          WHERE c.run_id = (SELECT id FROM analytics_run WHERE state = 'SUCCEEDED' ORDER BY finished_at DESC LIMIT 1)
            AND c.size >= 20 ORDER BY random() LIMIT 400" > "$out/community.txt"
psql_ -c "SELECT '/api/v1/contacts/' || id || '/circles?depth=2' FROM contact ORDER BY random() LIMIT 2000" \
  > "$out/circles.txt"
export TOKEN="$("$root/bench/token.sh" "$work/keys" analyst)"

source "$root/bench/ab/pass.sh"
source "$root/bench/damon.sh"
damon_pause
start() { ab_start "$1" "$out/service.log"; }

# One pass: wrk figures and the CPU a call of the service and of PostgreSQL.
pass() { ab_pass "$out/$1.txt" "$2" "$3" "$1 ($3 connections)"; }

for build in "$@"; do
  start "$build"
  # Warm-up, not reported: circles are walked in Neo4j until the copy of the graph in memory is read (~45 s at
  # 100k / 1M), and the JIT compiles the three read paths for a few minutes on two cores.
  pass circles 60 4 >/dev/null
  for _ in 1 2 3; do pass influencers 20 "$conns" >/dev/null; pass community 20 "$conns" >/dev/null; pass circles 20 4 >/dev/null; done
  for _ in 1 2; do
    for f in influencers community; do echo "$(basename "$build"): $(pass $f "$seconds" "$conns")"; done
    echo "$(basename "$build"): $(pass circles "$seconds" 4)"
  done
  ab_stop
done
