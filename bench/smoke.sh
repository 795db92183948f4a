#!/usr/bin/env bash
# bench_smoke (CTest): each benchmark program given as an argument publishes 10 messages at
# QoS 0, 1 and 2, and connects alone (N = 0), against the test broker whose port is in
# $MQTT_SETUP_TEST_BROKER_DIR/plain.port. Fails on any ok=0, non-zero exit or malformed line.
set -u
port_file="${MQTT_SETUP_TEST_BROKER_DIR:?set by CTest}/plain.port"
[ -r "$port_file" ] || { echo "bench_smoke: no broker ($port_file missing)" >&2; exit 1; }
port=$(cat "$port_file")
[ $# -gt 0 ] || { echo "usage: smoke.sh PROGRAM..." >&2; exit 2; }
export BENCH_TIMEOUT_S=20
errors=$(mktemp) || exit 1
trap 'rm -f "$errors"' EXIT
failures=0
for program in "$@"; do
  for run in "0 10" "1 10" "2 10" "1 0"; do
    read -r qos n <<<"$run"
    export BENCH_TOPIC="bench/smoke/$(basename "$program")/$$"
    line=$(timeout 30 "$program" 127.0.0.1 "$port" "$qos" "$n" 16 2>"$errors")
    rc=$?
    if [ $rc -ne 0 ] || [[ "$line" != client=*" ok=1" ]] || [[ "$line" != *" acked=$n "* ]]; then
      echo "FAIL $(basename "$program") qos=$qos n=$n (exit $rc): $line" >&2
      cat "$errors" >&2
      failures=$((failures + 1))
    else
      echo "ok   $line"
    fi
  done
done
exit $((failures > 0))
