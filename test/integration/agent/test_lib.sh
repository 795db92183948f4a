#!/usr/bin/env bash
# Helpers shared by agent_test.sh, ../fleet/fleet_test.sh and ../mqtt5/mqtt5_test.sh: a work directory, processes this
# script started (and only those) stopped on exit, bounded waits, a retained-message reader.
# Sourced; expects CLI and BROKER_DIR to be set. Exit 77 = skipped.
set -u

SKIP=77
# shellcheck source=../../support/subscriber.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../support/subscriber.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/mqtt-setup-test.XXXXXX")
background_pids=()
cleanup() {
  local pid
  for pid in "${background_pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${background_pids[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

show_output() {
  local f
  for f in "$work"/*.out "$work"/*.err "$work"/*.sub "$work"/*.log; do
    [ -s "$f" ] && { echo "--- $(basename "$f"):" >&2; head -c 3000 "$f" >&2; echo >&2; }
  done
  return 0
}
fail() { echo "FAIL: $*" >&2; show_output; exit 1; }
skip() { echo "SKIP: $*" >&2; exit "$SKIP"; }

need_clients() {
  command -v mosquitto_sub >/dev/null && command -v mosquitto_pub >/dev/null ||
    skip "mosquitto_sub / mosquitto_pub not installed (Debian: apt-get install mosquitto-clients)"
  command -v python3 >/dev/null || skip "python3 is needed to check JSON"
}
broker_port() {  # fixture name: plain
  local file="$BROKER_DIR/$1.port"
  [ -n "$BROKER_DIR" ] && [ -s "$file" ] || skip "no $1 broker running: run through ctest (fixture)"
  cat "$file"
}
unique_id() { echo "agent-test-$1-$$-$RANDOM"; }

# Waits up to $3 seconds for a line matching the extended regex $2 in file $1.
await_line() {
  local file=$1 pattern=$2 seconds=$3 tries
  for tries in $(seq $((seconds * 10)) -1 0); do
    grep -Eq -- "$pattern" "$file" 2>/dev/null && return 0
    [ "$tries" -gt 0 ] && sleep 0.1
  done
  return 1
}
# How many lines match.
count_lines() { grep -Ec -- "$2" "$1" 2>/dev/null || true; }

# A subscriber printing `topic payload` lines into $1, for at most $4 seconds; returns once
# the broker acknowledged the subscription.
start_subscriber() {  # file port topic seconds
  subscribe_confirmed "$1" -h 127.0.0.1 -p "$2" -t "$3" -q 1 -v -W "$4" ||
    fail "no subscription to $3: $(tail -2 "$1.err")"
}

# The retained payload of topic $2 (empty when none), read within 2 s.
retained() {  # port topic
  timeout 5 mosquitto_sub -h 127.0.0.1 -p "$1" -t "$2" --retained-only -C 1 -W 2 2>/dev/null
}

# Waits up to $4 seconds until the retained payload of $2 is $3.
await_retained() {  # port topic payload seconds
  local tries
  for tries in $(seq $(($4 * 2)) -1 0); do
    [ "$(retained "$1" "$2")" = "$3" ] && return 0
    [ "$tries" -gt 0 ] && sleep 0.5
  done
  return 1
}

# Starts a background process with a time limit; its pid in $started_pid.
start_limited() {  # seconds out-file err-file command...
  local seconds=$1 out=$2 err=$3
  shift 3
  timeout -k 2 "$seconds" "$@" >"$out" 2>"$err" </dev/null &
  started_pid=$!
  background_pids+=("$started_pid")
}

# Waits up to $2 seconds for process $1 to end; its exit code in $code.
await_exit() {  # pid seconds
  local tries
  for tries in $(seq $(($2 * 10)) -1 0); do
    if ! kill -0 "$1" 2>/dev/null; then
      wait "$1"
      code=$?
      return 0
    fi
    [ "$tries" -gt 0 ] && sleep 0.1
  done
  code=-1
  return 1
}

run_case() {  # the script's $1
  local case=${1:-}
  declare -F "case_$case" >/dev/null || { echo "usage: $0 CASE (unknown case '$case')" >&2; exit 2; }
  "case_$case"
  echo "PASS: $case"
}
