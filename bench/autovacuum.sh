# Sourced by the benchmark runners. Deployments run autovacuum; this machine's PostgreSQL may not (its CI
# configuration, conf.d/90-ci.conf, turns it off for the test suite). Without it the tables a benchmark fills keep
# the statistics of empty tables, lookups that are index probes in a deployment become sequential scans that grow
# with the table (creating 100k contacts ran at 115 a second that way), and GIN pending lists are only ever moved in
# by inserts. So a run turns it on for its duration and puts the server's setting back when it ends.
#
#   autovacuum_on PSQL_COMMAND...   (e.g. autovacuum_on psql -h 127.0.0.1 -U postgres)
#   autovacuum_restore              (in the runner's EXIT trap)
# AUTOVACUUM_BEFORE holds the server's own setting, for the report.

autovacuum_on() {
  AUTOVACUUM_PSQL=("$@")
  AUTOVACUUM_BEFORE=$("${AUTOVACUUM_PSQL[@]}" -d postgres -Atqc 'SHOW autovacuum')
  if [ "$AUTOVACUUM_BEFORE" = off ]; then
    echo "== autovacuum is off on this server: on for this run (ALTER SYSTEM), reset afterwards"
    "${AUTOVACUUM_PSQL[@]}" -d postgres -q -c "ALTER SYSTEM SET autovacuum = on" -c "SELECT pg_reload_conf()" > /dev/null
  fi
}

autovacuum_restore() {
  if [ "${AUTOVACUUM_BEFORE:-}" = off ]; then
    "${AUTOVACUUM_PSQL[@]}" -d postgres -q -c "ALTER SYSTEM RESET autovacuum" -c "SELECT pg_reload_conf()" > /dev/null || true
  fi
}
