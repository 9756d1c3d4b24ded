#!/bin/sh
# Certificates for TLS between Circles and its two stores in deploy/docker-compose.yml: a private certificate authority
# and one server certificate each for the compose host names `postgres` and `neo4j` (their subjectAltName), written
# under deploy/tls/out/ (kept out of git):
#
#   out/ca.key                  the CA's private key: signs the two server certificates; never mounted anywhere
#   out/trust/ca.crt            the CA's certificate: mounted into circles, which checks both servers against it
#   out/postgres/server.crt     PostgreSQL's certificate (DNS:postgres) and key, mounted into postgres at /tls
#   out/postgres/server.key
#   out/neo4j/public.crt        Neo4j's certificate (DNS:neo4j) and key, mounted into neo4j at /tls
#   out/neo4j/private.key
#
# Idempotent: a certificate whose files exist is left alone, so running it again changes nothing. To renew a server
# certificate, delete its two files and run it again (the CA signs the new one); to start over, delete out/. To use
# your organisation's CA instead, put its files in place first (deploy/README.md, "TLS to the stores").
#
# Keys are created with mode 0600 and stay owned by whoever runs this; the containers' entry points copy them for
# their server's user (deploy/postgres/tls-entrypoint.sh, deploy/neo4j/tls-entrypoint.sh).
#
# Usage: sh deploy/tls/make-certs.sh        (from anywhere; needs openssl 1.1.1 or later)
set -eu

out="$(cd "$(dirname "$0")" && pwd)/out"
ca_days=3650       # the CA: ten years
server_days=825    # the server certificates: about two years and three months
bits=3072

command -v openssl >/dev/null 2>&1 || { echo "make-certs.sh: openssl is not installed" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

# The key never exists with wider permissions than 0600, not even for a moment.
umask 077
mkdir -p "$out"
chmod 0755 "$out"

# Runs a command with its chatter (progress dots, "Signature ok") hidden, unless it fails.
quiet() {
    "$@" >"$tmp/output" 2>&1 || { cat "$tmp/output" >&2; echo "make-certs.sh: failed: $*" >&2; exit 1; }
}

# Both files of a pair present: true, keep them. Neither: false, make them. Only one: stop rather than guess which is
# stale.
have_pair() { # <cert> <key>
    if [ -f "$1" ] && [ -f "$2" ]; then
        return 0
    elif [ ! -e "$1" ] && [ ! -e "$2" ]; then
        return 1
    fi
    echo "make-certs.sh: only one of $1 and $2 exists; delete it (or add the other) and run again" >&2
    exit 1
}

new_key() { # <file>
    quiet openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$bits" -out "$1"
    chmod 0600 "$1"
}

# A minimal configuration, so that no system openssl.cnf is needed (or read).
cat > "$tmp/openssl.cnf" <<'CNF'
[ req ]
distinguished_name = dn
prompt             = no
[ dn ]
CN = unused
[ ca ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
CNF

ca_crt="$out/trust/ca.crt"
ca_key="$out/ca.key"
mkdir -p "$out/trust"
chmod 0755 "$out/trust"
# Your organisation's CA: its certificate alone, no key here (the server certificates are then yours too).
if [ -f "$ca_crt" ] && [ ! -e "$ca_key" ]; then
    :
elif ! have_pair "$ca_crt" "$ca_key"; then
    new_key "$ca_key"
    quiet openssl req -new -x509 -config "$tmp/openssl.cnf" -extensions ca -sha256 -days "$ca_days" \
        -key "$ca_key" -subj "/O=Circles/CN=Circles compose CA" -out "$ca_crt"
    chmod 0644 "$ca_crt"
    echo "make-certs.sh: made the CA, $ca_crt"
fi

server() { # <host name> <directory> <certificate file name> <key file name>
    host="$1" dir="$out/$2" crt="$out/$2/$3" key="$out/$2/$4"
    mkdir -p "$dir"
    chmod 0700 "$dir"
    if have_pair "$crt" "$key"; then
        return 0
    fi
    if [ ! -f "$ca_key" ]; then
        echo "make-certs.sh: $crt is missing and there is no $ca_key to sign it: put your own certificate and key" \
             "there (deploy/README.md)" >&2
        exit 1
    fi
    new_key "$key"
    cat > "$tmp/$host.ext" <<EXT
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:$host
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
EXT
    quiet openssl req -new -config "$tmp/openssl.cnf" -key "$key" -subj "/O=Circles/CN=$host" -out "$tmp/$host.csr"
    # A random 128-bit serial: no serial file to keep next to the CA.
    quiet openssl x509 -req -sha256 -days "$server_days" -in "$tmp/$host.csr" -CA "$ca_crt" -CAkey "$ca_key" \
        -set_serial "0x$(openssl rand -hex 16)" -extfile "$tmp/$host.ext" -out "$crt"
    chmod 0644 "$crt"
    echo "make-certs.sh: made $crt for DNS:$host"
}

server postgres postgres server.crt server.key
server neo4j neo4j public.crt private.key

# Whatever made them (this script now or earlier, or your organisation), check that each server certificate chains to
# the CA the service trusts, names its host, and belongs to its key: the service would refuse it at the first
# connection otherwise. A chain (server certificate, then intermediates) in the certificate file is fine.
check() { # <host name> <certificate> <key>
    if ! openssl verify -CAfile "$ca_crt" -untrusted "$2" -purpose sslserver -verify_hostname "$1" "$2" \
            >"$tmp/output" 2>&1; then
        cat "$tmp/output" >&2
        echo "make-certs.sh: $2 is not a server certificate for $1 signed by $ca_crt; delete it and its key" \
             "to have a new one made" >&2
        exit 1
    fi
    if [ "$(openssl x509 -in "$2" -noout -pubkey)" != "$(openssl pkey -in "$3" -pubout)" ]; then
        echo "make-certs.sh: $2 and $3 are not a pair (different public keys)" >&2
        exit 1
    fi
}
check postgres "$out/postgres/server.crt" "$out/postgres/server.key"
check neo4j "$out/neo4j/public.crt" "$out/neo4j/private.key"
