#!/usr/bin/env bash
# The README's first command (scripts/demo.sh), on the binaries this build already has: it must
# show the device's messages at the listener, exit 0 by itself, and leave no process behind.
#
#   BUILD_DIR=build demo_test.sh      exit 0: passed, 1: failed
set -u
cd "$(dirname "$0")/../../.."
: "${BUILD_DIR:?set BUILD_DIR to a build tree with mqtt-setup and sensor_node}"

out=$(mktemp)
sid_file=$(mktemp)
trap 'rm -f "$out" "$sid_file"' EXIT

# Its own session, so that whatever the demo starts can be found afterwards by session id.
DEMO_PREBUILT=1 BUILD_DIR="$BUILD_DIR" timeout -k 5 120 \
  setsid bash -c 'echo $$ >"$1"; exec bash scripts/demo.sh' demo "$sid_file" >"$out" 2>&1
code=$?
sid=$(cat "$sid_file")
fail() { echo "FAIL: $*" >&2; cat "$out" >&2; exit 1; }

[ "$code" -eq 124 ] && fail "the demo did not return within 120 s"
[ "$code" -eq 0 ] || fail "the demo exited $code"
grep -q '^listener | devices/.*/sensors/temperature 23.5$' "$out" ||
  fail "the listener did not show the device's message"
grep -q '^== done$' "$out" || fail "no '== done'"
left=""
for tries in $(seq 50); do
  left=$(ps -o pid=,args= -s "$sid" 2>/dev/null)
  [ -z "$left" ] && break
  sleep 0.1
done
[ -z "$left" ] || fail "processes left behind by the demo: $left"
echo "PASS: the demo showed the messages, exited 0 and left nothing running"
