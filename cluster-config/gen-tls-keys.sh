#!/usr/bin/env bash
# Generates the key material for cluster-tls.conf with keytool only:
#   DIR/ca.p12         a private CA (keep it off the nodes)
#   DIR/keystore.p12   the node key pair, signed by the CA (every node uses it; CN=p2pgrid-node)
#   DIR/truststore.p12 the CA certificate: a node accepts only peers signed by this CA (mutual auth)
# Usage: gen-tls-keys.sh DIR [PASSWORD]   (PASSWORD defaults to $P2PGRID_TLS_PASSWORD)
# Then: export P2PGRID_TLS_DIR=DIR P2PGRID_TLS_PASSWORD=...; start-node.sh --tls ROLE PORT SEED...
set -euo pipefail
dir="${1:?usage: gen-tls-keys.sh DIR [PASSWORD]}"
pass="${2:-${P2PGRID_TLS_PASSWORD:-}}"
[ -n "$pass" ] || { echo "gen-tls-keys.sh: give a password (argument or P2PGRID_TLS_PASSWORD)" >&2; exit 2; }
[ "${#pass}" -ge 6 ] || { echo "gen-tls-keys.sh: keytool needs a password of 6+ characters" >&2; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$(realpath -m "$dir")"
case "$dir/" in "$here"/*) echo "gen-tls-keys.sh: refusing to write keys inside the repository ($here)" >&2; exit 2;; esac
mkdir -p "$dir"
for f in ca.p12 keystore.p12 truststore.p12; do
  [ ! -e "$dir/$f" ] || { echo "gen-tls-keys.sh: $dir/$f exists; use an empty directory" >&2; exit 2; }
done
umask 077
kt() { keytool -noprompt -storetype PKCS12 -storepass "$pass" -keypass "$pass" "$@"; }
# CA
kt -genkeypair -alias ca -keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA -validity 825 \
   -dname "CN=p2pgrid-cluster-ca" -ext bc:c -keystore "$dir/ca.p12"
kt -exportcert -rfc -alias ca -keystore "$dir/ca.p12" -file "$dir/ca.pem"
# node key, signed by the CA, usable as TLS server and client
kt -genkeypair -alias node -keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA -validity 825 \
   -dname "CN=p2pgrid-node" -keystore "$dir/keystore.p12"
kt -certreq -alias node -keystore "$dir/keystore.p12" -file "$dir/node.csr"
kt -gencert -alias ca -keystore "$dir/ca.p12" -infile "$dir/node.csr" -outfile "$dir/node.pem" -rfc -validity 825 \
   -ext "ku:c=digitalSignature,keyAgreement" -ext "eku=serverAuth,clientAuth" -ext "san=ip:127.0.0.1,dns:localhost"
kt -importcert -alias ca -keystore "$dir/keystore.p12" -file "$dir/ca.pem"
kt -importcert -alias node -keystore "$dir/keystore.p12" -file "$dir/node.pem"
kt -importcert -alias ca -keystore "$dir/truststore.p12" -file "$dir/ca.pem"
rm -f "$dir/node.csr"
echo "wrote $dir/keystore.p12 $dir/truststore.p12 (CA: $dir/ca.p12, $dir/ca.pem)"
