#!/usr/bin/env bash
# Differential test of our codec against mqtt-packet, the parser/generator of MQTT.js and aedes
# (issue #9). CTest runs it as differential.mqtt_packet:
#
#   differential_test.sh CODEC_DIFFERENTIAL_BINARY WORK_DIR
#
# 1. npm installs mqtt-packet, at the version package.json / package-lock.json pin, into
#    WORK_DIR/node (the build folder, never the source tree); skipped when already there.
# 2. For 3.1.1 and 5.0: generate.js makes DIFFERENTIAL_COUNT random valid packets (default
#    3000 per version) from DIFFERENTIAL_SEED (default 9) and mqtt-packet's bytes for each;
#    codec_differential encodes them with our codec and compares the bytes, decodes
#    mqtt-packet's bytes (and ours) and compares every field; check.js parses our bytes with
#    mqtt-packet's parser and compares with the original object.
# Any difference fails the test and is printed with the packet and both hex strings; rerun one
# case with the same DIFFERENTIAL_SEED and DIFFERENTIAL_COUNT.
#
# Exit 77 (CTest: skipped) when node or npm is missing or the install fails (offline), except
# under CI (CI=true), where the registry is reachable and a skip would hide the test: then 1.
set -u
binary=${1:?usage: differential_test.sh CODEC_DIFFERENTIAL_BINARY WORK_DIR}
work=${2:?usage: differential_test.sh CODEC_DIFFERENTIAL_BINARY WORK_DIR}
here=$(cd "$(dirname "$0")" && pwd)
count=${DIFFERENTIAL_COUNT:-3000}
seed=${DIFFERENTIAL_SEED:-9}
start=$(date +%s.%N)

skip() {
  if [ "${CI:-}" = "true" ]; then
    echo "differential: $* (CI: failing instead of skipping)" >&2
    exit 1
  fi
  echo "differential: skipped: $*" >&2
  exit 77
}

command -v node >/dev/null 2>&1 || skip "node not found (Debian: apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 || skip "npm not found (Debian: apt-get install npm)"

# --- 1. mqtt-packet into the build folder ------------------------------------------------------
node_dir=$work/node
# npm keeps its download cache in ~/.npm; without a writable home, in the build folder.
if [ -z "${HOME:-}" ] || [ ! -w "${HOME:-/nonexistent}" ]; then
  export npm_config_cache=$work/npm-cache
fi
mkdir -p "$node_dir"
if ! cmp -s "$here/package-lock.json" "$node_dir/package-lock.json" ||
   ! cmp -s "$here/package.json" "$node_dir/package.json" ||
   [ ! -f "$node_dir/node_modules/mqtt-packet/package.json" ]; then
  rm -rf "$node_dir/node_modules"
  cp "$here/package.json" "$here/package-lock.json" "$node_dir/"
  # npm ci: exactly the versions of the lock file; no audit or funding requests.
  if ! (cd "$node_dir" && timeout 180 npm ci --no-audit --no-fund --loglevel=error >npm.log 2>&1); then
    cat "$node_dir/npm.log" >&2
    rm -f "$node_dir/package-lock.json"  # retry next time
    skip "npm ci of mqtt-packet failed (offline?)"
  fi
fi
export NODE_PATH=$node_dir/node_modules
version_installed=$(node -p "require('mqtt-packet/package.json').version")
echo "differential: mqtt-packet $version_installed under node $(node --version), seed $seed, $count packets per version"

# --- 2. both versions, all three checks each ---------------------------------------------------
status=0
summary=()
for version in 4 5; do
  label=$([ "$version" = 5 ] && echo 5.0 || echo 3.1.1)
  packets=$work/packets-v$version.jsonl
  ours=$work/ours-v$version.hex
  if ! node "$here/generate.js" "$seed" "$count" "$version" >"$packets"; then
    echo "differential: generate.js failed for $label" >&2
    status=1
    summary+=("$label: generate.js failed")
    continue
  fi
  generated=$(wc -l <"$packets")
  encode_log=$work/codec-v$version.log
  check_log=$work/check-v$version.log
  "$binary" "$packets" "$ours" >"$encode_log" 2>&1
  encode_status=$?
  cat "$encode_log"
  node "$here/check.js" "$packets" "$ours" "$version" >"$check_log" 2>&1
  check_status=$?
  cat "$check_log"
  differences=$(sed -n 's/^codec_differential .*, \([0-9]*\) differences$/\1/p' "$encode_log")
  parsed=$(sed -n 's/^check.js .*, \([0-9]*\) differences.*$/\1/p' "$check_log")
  [ "$encode_status" -eq 0 ] && [ "$check_status" -eq 0 ] || status=1
  summary+=("$label: $generated packets, ${differences:-?} differences in our codec, ${parsed:-?} in mqtt-packet's parse of our bytes")
done

elapsed=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
for line in "${summary[@]}"; do echo "differential: $line"; done
echo "differential: $([ $status -eq 0 ] && echo passed || echo FAILED) in ${elapsed} s"
exit $status
