#!/usr/bin/env bash
# Test certificates for the TLS integration tests, generated at test time (no key is committed).
#
#   tls_certs.sh DIR      (re)creates DIR with the files below; prints DIR on success
#
# Environment: KEY_TYPE=ec (default, P-256: what small devices use) or rsa (2048 bits: what most
# public brokers serve; for measurements), OPENSSL (binary, default: openssl on PATH).
#
#   ca.crt             the test CA that clients trust
#   server.*           localhost: SAN DNS:localhost, IP:127.0.0.1, IP:::1; signed by the CA
#   wronghost.*        wrong.example only; signed by the CA        -> host name mismatch
#   expired.*          localhost, valid 2020-01-01..2021-01-01       -> expired
#   future.*           localhost, valid 2090-01-01..2099-01-01       -> not yet valid
#   selfsigned.*       localhost, signed by its own key              -> not trusted
#   untrusted.*        localhost, signed by other-ca (not trusted)   -> not trusted
#   client.*           CN=mqtt-setup-test-client, clientAuth, signed by the CA (mutual TLS)
#   rogue-client.*     a client certificate signed by other-ca       -> refused by the broker
#   other-ca.crt       the CA nobody trusts
#
# OpenSSL 3.0 (Debian 12) cannot backdate with `openssl x509` (-not_before arrived in 3.4), so
# the expired and future certificates come from `openssl ca -startdate/-enddate`, which needs
# only a throw-away database in DIR/ca-db.
set -eu

die() { echo "tls_certs.sh: $*" >&2; exit 1; }

dir=${1:-}
[ -n "$dir" ] || die "usage: tls_certs.sh DIR"
OPENSSL=${OPENSSL:-$(command -v openssl || true)}
[ -n "$OPENSSL" ] || die "openssl not found (Debian: apt-get install openssl)"
KEY_TYPE=${KEY_TYPE:-ec}

rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
umask 077  # private keys readable by us only, as a real deployment would have them

new_key() {  # file
  case "$KEY_TYPE" in
    ec) "$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null ;;
    rsa) "$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null ;;
    *) die "KEY_TYPE must be ec or rsa, not '$KEY_TYPE'" ;;
  esac
}

new_ca() {  # name subject
  new_key "$1.key"
  "$OPENSSL" req -new -x509 -key "$1.key" -out "$1.crt" -days 30 -subj "$2" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

extensions() {  # file usage san
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$2"
    [ -z "$3" ] || echo "subjectAltName=$3"
  } >"$1"
}

request() {  # name subject
  new_key "$1.key"
  "$OPENSSL" req -new -key "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
}

sign() {  # name ca subject usage san
  request "$1" "$3"
  extensions "$1.ext" "$4" "$5"
  "$OPENSSL" x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" -CAcreateserial \
    -days 30 -sha256 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
}

sign_dated() {  # name start end   (signed by the test CA with an explicit validity period)
  request "$1" "/CN=localhost"
  extensions "$1.ext" serverAuth "DNS:localhost"
  "$OPENSSL" ca -batch -config ca-db/ca.cnf -notext -md sha256 -extfile "$1.ext" \
    -startdate "$2" -enddate "$3" -in "$1.csr" -out "$1.crt" 2>/dev/null
}

localhost_san="DNS:localhost,IP:127.0.0.1,IP:::1"

new_ca ca "/O=mqtt_setup tests/CN=mqtt_setup test CA"
new_ca other-ca "/O=somebody else/CN=untrusted test CA"

sign server ca "/CN=localhost" serverAuth "$localhost_san"
sign wronghost ca "/CN=wrong.example" serverAuth "DNS:wrong.example"
sign untrusted other-ca "/CN=localhost" serverAuth "$localhost_san"
sign client ca "/CN=mqtt-setup-test-client" clientAuth ""
sign rogue-client other-ca "/CN=mqtt-setup-rogue-client" clientAuth ""

new_key selfsigned.key
extensions selfsigned.ext serverAuth "$localhost_san"
"$OPENSSL" req -new -x509 -key selfsigned.key -out selfsigned.crt -days 30 -subj "/CN=localhost" \
  -addext "subjectAltName=$localhost_san" 2>/dev/null

mkdir ca-db
: >ca-db/index.txt
echo 1000 >ca-db/serial
cat >ca-db/ca.cnf <<EOF
[ca]
default_ca = test_ca
[test_ca]
dir = $PWD/ca-db
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
certificate = $PWD/ca.crt
private_key = $PWD/ca.key
default_md = sha256
policy = anything
unique_subject = no
[anything]
commonName = supplied
EOF
sign_dated expired 20200101000000Z 20210101000000Z
sign_dated future 20900101000000Z 20990101000000Z

rm -f ./*.csr ./*.ext ./*.srl
# The broker (mosquitto, maybe running as another user) and the tests read these.
chmod 644 ./*.crt ./*.key
for f in ca server wronghost expired future selfsigned untrusted client rogue-client other-ca; do
  [ -s "$f.crt" ] || die "$f.crt was not created"
done
echo "$PWD"
