#!/bin/sh
# Entry point of the compose Neo4j (docker-compose.yml): hands the server its own copy of its Bolt certificate and
# key, then runs the image's entry point, which starts Neo4j as the image's neo4j user (uid 7474).
#
# The key bind-mounted from deploy/tls/out/neo4j keeps the host's owner and mode 0600, which uid 7474 cannot read.
# This runs as root (the image's default) at every start, so it can read it and put a copy in the folder the ssl
# policy names (dbms.ssl.policy.bolt.base_directory); the image's entry point then gives everything under
# /var/lib/neo4j to the neo4j user, owner-only. A renewed certificate is picked up by a restart. (The certificates are
# not mounted at /ssl: the image would use that folder in place and need the key readable by uid 7474.)
set -eu

src=/tls
dst=/var/lib/neo4j/certificates/bolt

for f in public.crt private.key; do
    if [ ! -f "$src/$f" ]; then
        echo "circles: $src/$f is missing: run deploy/tls/make-certs.sh first (deploy/README.md)" >&2
        exit 1
    fi
done

# trusted/ and revoked/ belong to an ssl policy; they stay empty, as Bolt asks no client for a certificate.
mkdir -p "$dst/trusted" "$dst/revoked"
cp "$src/public.crt" "$dst/public.crt"
cp "$src/private.key" "$dst/private.key"
if [ "$(id -u)" = 0 ]; then
    chown -R neo4j:neo4j "$dst"
fi
chmod 0700 "$dst"
chmod 0644 "$dst/public.crt"
chmod 0600 "$dst/private.key"

# NEO4J_ADDRESS tells cypher-shell (the health check, `docker compose exec neo4j cypher-shell`) where to connect; it
# is no server setting, and the image's entry point would write it, like every NEO4J_* variable, into neo4j.conf.
unset NEO4J_ADDRESS

exec /startup/docker-entrypoint.sh "$@"
