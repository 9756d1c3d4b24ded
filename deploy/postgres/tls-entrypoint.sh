#!/bin/sh
# Entry point of the compose PostgreSQL (docker-compose.yml): hands the server its own copy of its TLS key, then runs
# the image's entry point, which starts PostgreSQL as the image's postgres user (uid 999).
#
# PostgreSQL refuses a key that group or others may read (it wants 0600 owned by its own user, or 0640 owned by
# root), and the key bind-mounted from deploy/tls/out/postgres keeps the host's owner and mode 0600, which uid 999
# cannot read. This runs as root (the image's default) at every start, so it can read the mounted key and give the
# server a copy it owns; a renewed certificate is therefore picked up by a restart. Under `user:` (not root) the copy
# simply belongs to that user, which is then also the server's.
set -eu

src=/tls
dst=/var/lib/postgresql/tls

for f in server.crt server.key; do
    if [ ! -f "$src/$f" ]; then
        echo "circles: $src/$f is missing: run deploy/tls/make-certs.sh first (deploy/README.md)" >&2
        exit 1
    fi
done

mkdir -p "$dst"
cp "$src/server.crt" "$dst/server.crt"
cp "$src/server.key" "$dst/server.key"
if [ "$(id -u)" = 0 ]; then
    chown -R postgres:postgres "$dst"
fi
chmod 0700 "$dst"
chmod 0644 "$dst/server.crt"
chmod 0600 "$dst/server.key"

exec docker-entrypoint.sh "$@"
