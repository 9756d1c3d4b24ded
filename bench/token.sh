#!/usr/bin/env bash
# Signs a bearer token for a benchmark, as an identity provider would: bench/token.sh KEY_DIR ROLE [SUBJECT].
# The packaged service never issues development tokens, so a benchmark starts it with
# CIRCLES_JWT_PUBLIC_KEY_LOCATION=KEY_DIR/public.pem and signs its own tokens with the private key (RS256, issuer
# circles-dev, audience circles, 8 hours). The key pair is made on first use.
set -euo pipefail
dir=$1 role=$2 subject=${3:-bench-$2}
mkdir -p "$dir"
if [ ! -f "$dir/private.pem" ]; then
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/private.pem" 2>/dev/null
  openssl pkey -in "$dir/private.pem" -pubout -out "$dir/public.pem"
fi
b64() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64)
payload=$(printf '{"iss":"circles-dev","aud":"circles","sub":"%s","upn":"%s","groups":["%s"],"iat":%d,"exp":%d}' \
  "$subject" "$subject" "$role" "$now" $((now + 8 * 3600)) | b64)
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$dir/private.pem" -binary | b64)
printf '%s.%s.%s\n' "$header" "$payload" "$signature"
