#!/usr/bin/env bash
# Alternated A/B of packaged builds on circles (depth 2, 4 connections) while ties are written through the API, as in
# a CRM in use (bench/README.md, "ab circles under writes").
# usage: bench/ab/circles-writes.sh APP_1 APP_2 [APP_1 APP_2 ...]
#   each APP a copy of target/quarkus-app; needs the database and Neo4j store left by bench/outreach/run.sh in
#   BENCH_WORK (default target/bench-outreach: 100k contacts, 1M ties), and wrk. Every build writes its own ties into
#   them; the runs compare builds on the same, slowly growing graph.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work=${BENCH_WORK:-$root/target/bench-outreach}
rate=${BENCH_WRITES_PER_SECOND:-2} seconds=${BENCH_AB_SECONDS:-30} passes=${BENCH_AB_PASSES:-2}
port=18093 mport=9000 bolt=17797 db=${BENCH_DB:-circles_bench_outreach}
out="$work/ab-circles-writes"; mkdir -p "$out"
psql_() { psql -h 127.0.0.1 -U postgres -d "$db" -v ON_ERROR_STOP=1 -Atq "$@"; }

# 2,000 random contacts' circles; the writer's ties join random contacts (drawn anew for each tie).
psql_ -c "SELECT '/api/v1/contacts/' || id || '/circles?depth=2' FROM contact ORDER BY random() LIMIT 2000" \
  > "$out/circles.txt"
psql_ -c "SELECT id FROM contact ORDER BY random() LIMIT 20000" > "$out/contacts.txt"
export TOKEN="$("$root/bench/token.sh" "$work/keys" analyst)"
ADMIN="Authorization: Bearer $("$root/bench/token.sh" "$work/keys" admin)"

source "$root/bench/ab/pass.sh"
source "$root/bench/damon.sh"
damon_pause
start() { ab_start "$1" "$out/service-$(basename "$1").log"; }

# Creates FRIEND_OF ties between random contacts at $rate a second until killed; counts them in $out/written.
writer() {
  local n=0 a b
  mapfile -t ids < "$out/contacts.txt"
  while true; do
    a=${ids[$(( (RANDOM * 32768 + RANDOM) % ${#ids[@]} ))]}
    b=${ids[$(( (RANDOM * 32768 + RANDOM) % ${#ids[@]} ))]}
    [ "$a" = "$b" ] && continue
    curl -s -o /dev/null -X POST -H "$ADMIN" -H 'Content-Type: application/json' \
      -d "{\"from\":\"$a\",\"to\":\"$b\",\"type\":\"FRIEND_OF\",\"declaredStrength\":0.6}" \
      "http://127.0.0.1:$port/api/v1/ties" && n=$((n + 1)) && echo "$n" > "$out/written"
    sleep "$(awk -v r="$rate" 'BEGIN {printf "%.3f", 1 / r}')"
  done
}

for build in "$@"; do
  start "$build"
  # Warm-up without writes, not reported: the copy of the graph is read into memory (about 45 s at 100k / 1M) and
  # the JIT compiles the read path.
  ab_pass "$out/circles.txt" 90 4 warm-up >/dev/null
  for _ in $(seq 1 "$passes"); do
    echo 0 > "$out/written"
    writer & w=$!
    line=$(ab_pass "$out/circles.txt" "$seconds" 4 "circles (4 connections, $rate ties written a second)")
    kill "$w" 2>/dev/null || true; wait "$w" 2>/dev/null || true
    echo "$(basename "$build"): $line, $(cat "$out/written") ties written"
  done
  # The copies read whole and brought up to date, from the service's timers (a build before them: from its log).
  metrics=$(curl -s "http://127.0.0.1:$mport/q/metrics" | grep '^circles_network_circles_memory_reads_seconds_' || true)
  ab_stop
  log="$out/service-$(basename "$build").log"
  if [ -n "$metrics" ]; then
    echo "$(basename "$build"): $(echo "$metrics" | awk -F'[{}"]' '/_count/ {c[$3]=$NF} /_sum/ {s[$3]=$NF}
      END {printf "copies read whole %d (%.1f s in all), brought up to date %d (%.0f ms each on average)",
           c["whole"], s["whole"], c["changes"], c["changes"] ? 1000 * s["changes"] / c["changes"] : 0}')"
  else
    echo "$(basename "$build"): copies read whole $(grep -c 'Graph read into memory for circles' "$log" || true)"
  fi
done
