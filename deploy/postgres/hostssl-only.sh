#!/usr/bin/env bash
# First start of the compose PostgreSQL, after init-roles.sh: connections over the network must use TLS.
#
# Rewrites pg_hba.conf so that a TCP connection is accepted only as `hostssl` (TLS, then the role's password with
# scram-sha-256) and any connection without TLS is rejected before a password is asked for. The rules for the Unix
# socket inside the container (the image's init scripts, the health check, `docker compose exec postgres psql`) stay
# as the image wrote them. Runs once, from /docker-entrypoint-initdb.d, when the data volume is new; for a volume
# made before TLS, run it by hand (deploy/README.md, "TLS to the stores"): it may run any number of times.
set -euo pipefail

hba="$PGDATA/pg_hba.conf"

{
    # Keep comments, blank lines and the socket (`local`) rules; drop every host* rule, and ours from an earlier run.
    grep -Ev '^[[:space:]]*host|^# Circles \(deploy/postgres/hostssl-only\.sh\)' "$hba" || true
    cat <<'HBA'
# Circles (deploy/postgres/hostssl-only.sh): over the network, TLS and a password; without TLS, refused.
hostssl    all  all  all  scram-sha-256
hostnossl  all  all  all  reject
HBA
} > "$hba.circles"
chmod 0600 "$hba.circles"
mv "$hba.circles" "$hba"

# Refuse to go on with a file the server cannot read, then make the running server use it.
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres -tA <<'SQL'
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_hba_file_rules WHERE error IS NOT NULL) THEN
        RAISE EXCEPTION 'pg_hba.conf has errors: %',
            (SELECT string_agg(line_number || ': ' || error, '; ') FROM pg_hba_file_rules WHERE error IS NOT NULL);
    END IF;
END $$;
SELECT pg_reload_conf();
SQL
