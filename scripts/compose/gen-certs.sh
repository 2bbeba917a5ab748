#!/usr/bin/env bash
# Makes the TLS material of the compose test with openssl, into docker/pki/ (gitignored; keys are
# never committed): a throwaway CA, the daemon's client certificate for mutual TLS, and one server
# certificate per TCP sidecar whose names (SANs) are its compose service name and localhost.
#
#   scripts/compose/gen-certs.sh [service ...]
#
# Without arguments: every service of docker-compose*.yml that serves TLS, found by its
# `HOOKD_TLS_CERT_FILE: /etc/hookd-pki/<service>.pem` line, so a sidecar added there (or in a
# docker-compose.override.yml) gets its certificate without editing this script.
#
# Files: ca.pem (ca.key), hookd-client.pem/.key, <service>.pem/.key. Existing files valid for
# another day are kept, so reruns are cheap; delete docker/pki/ to start over.
set -euo pipefail
cd "$(dirname "$0")/../.."
pki=${HOOKD_PKI_DIR:-docker/pki}
services=("$@")
if [ ${#services[@]} -eq 0 ]; then
  mapfile -t services < <(grep -ho 'HOOKD_TLS_CERT_FILE: */etc/hookd-pki/[A-Za-z0-9._-]*\.pem' docker-compose*.yml 2>/dev/null \
    | sed 's|.*/||; s|\.pem$||' | sort -u)
fi
[ ${#services[@]} -gt 0 ] || { echo "gen-certs: no service to make a certificate for (none named in docker-compose*.yml)" >&2; exit 1; }
command -v openssl >/dev/null || { echo "gen-certs: openssl is not installed (apt-get install openssl)" >&2; exit 1; }

mkdir -p "$pki"
chmod 0755 "$pki"
umask 077

is_fresh() { [ -f "$1.pem" ] && [ -f "$1.key" ] && openssl x509 -in "$1.pem" -noout -checkend 86400 >/dev/null 2>&1; }

new_key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1.key" 2>/dev/null; }

if ! is_fresh "$pki/ca"; then
  new_key "$pki/ca"
  openssl req -new -x509 -key "$pki/ca.key" -out "$pki/ca.pem" -days 30 -subj "/CN=hookd compose test CA" \
    -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign"
  rm -f "$pki"/*.csr
  # A new CA invalidates every certificate it did not sign.
  find "$pki" -maxdepth 1 -name '*.pem' ! -name ca.pem -delete
fi

# issue <file stem> <common name> <extendedKeyUsage> [subjectAltName]
issue() {
  local stem=$pki/$1 ext
  is_fresh "$stem" && return 0
  new_key "$stem"
  openssl req -new -key "$stem.key" -out "$stem.csr" -subj "/CN=$2"
  ext="basicConstraints=CA:false
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=$3"
  [ -n "${4:-}" ] && ext+=$'\n'"subjectAltName=$4"
  openssl x509 -req -in "$stem.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial \
    -out "$stem.pem" -days 30 -extfile <(printf '%s\n' "$ext") 2>/dev/null
  rm -f "$stem.csr"
}

issue hookd-client hookd clientAuth
for service in "${services[@]}"; do
  issue "$service" "$service" serverAuth "DNS:$service,DNS:localhost,IP:127.0.0.1"
done
# Readable by the containers' users (root here, but a plugin image may run as another user).
chmod 0644 "$pki"/*.pem "$pki"/*.key
chmod 0600 "$pki/ca.key"
rm -f "$pki/ca.srl"
echo "gen-certs: CA, hookd-client and ${services[*]} in $pki"
