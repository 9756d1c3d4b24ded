#!/usr/bin/env bash
# First start of the compose PostgreSQL: the two roles Circles connects as (docs/security.md, "Database roles") and
# the database, owned by the migration role. Runs once, as the image's superuser, from /docker-entrypoint-initdb.d.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v owner_password="$CIRCLES_OWNER_PASSWORD" -v app_password="$CIRCLES_APP_PASSWORD" <<'SQL'
CREATE ROLE circles_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE circles_app LOGIN PASSWORD :'app_password';
CREATE DATABASE circles OWNER circles_owner;
SQL
