#!/usr/bin/env bash
# `mqtt-setup pipe` when the network and the broker misbehave: numbered lines in, a subscriber
# (mosquitto_sub, straight on the broker) counts what arrives.
#
#   cli_faults.sh pipe_qos1_resets      5,000 lines at QoS 1 through >= 10 random resets: 0 lost
#   cli_faults.sh pipe_qos2_resets      the same at QoS 2 with --no-clean: 0 lost, 0 duplicated
#   cli_faults.sh pipe_broker_restarts  QoS 1 across three graceful broker restarts: 0 lost
#
# Environment (set by CTest): MQTT_SETUP_CLI, MQTT_SETUP_FAULT_PROXY (the fault_proxy program),
# MQTT_SETUP_TEST_BROKER_DIR (plain.port of the `broker` fixture), MQTT_SETUP_BROKER_SCRIPT.
# MQTT_SETUP_FAULT_SEED=N replays the proxy's cut points. Exit 77: skipped.
# Every process started here is stopped by its PID; every wait is bounded.
set -u

case_name=${1:-}
cli=${MQTT_SETUP_CLI:?}
proxy_bin=${MQTT_SETUP_FAULT_PROXY:?}
broker_dir=${MQTT_SETUP_TEST_BROKER_DIR:?}
broker_script=${MQTT_SETUP_BROKER_SCRIPT:?}
lines=5000

work=$(mktemp -d "${TMPDIR:-/tmp}/cli_faults.XXXXXX")
pids=()
own_broker=""
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  [ -n "$own_broker" ] && bash "$broker_script" stop "$broker_dir" "$own_broker" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

forget() {  # pid: reaped already, so its number may be reused; never signal it again
  local keep=() p
  for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  pids=("${keep[@]}")
}
fail() { echo "FAIL ($case_name): $*" >&2; exit 1; }
# Where the time goes, for a run that comes close to CTest's limit: seconds since the start.
phase() { echo "$case_name: [${SECONDS}s] $*"; }
skip() { echo "SKIP ($case_name): $*" >&2; exit 77; }

command -v mosquitto_sub >/dev/null && command -v mosquitto_pub >/dev/null ||
  skip "mosquitto_sub / mosquitto_pub not installed"

id="cli_faults_${case_name}_$$_${RANDOM}"
topic="devices/$id/seq"

# Starts mosquitto_sub on host:port and waits until a probe message comes through: only then is
# the subscription in place and counting meaningful.
# QoS 0 on this faultless loopback leg: mosquitto writes to an online QoS 0 subscriber at once,
# so its per-client queue limit (max_queued_messages, 1,000) cannot drop anything and nothing is
# sent twice; a persistent subscriber that must survive restarts asks for QoS 2 instead.
start_subscriber() {  # port qos [extra mosquitto_sub args]
  local port=$1 qos=$2
  shift 2
  mosquitto_sub -h 127.0.0.1 -p "$port" -t "$topic" -q "$qos" -i "${id}_sub" "$@" >"$work/received" 2>"$work/sub.err" &
  pids+=($!)
  local i
  for i in $(seq 50); do
    mosquitto_pub -h 127.0.0.1 -p "$port" -t "$topic" -q 1 -m probe 2>/dev/null
    grep -q '^probe$' "$work/received" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "the subscriber did not start"
}

# Waits (bounded) until every number 0..lines-1 arrived, then checks loss (and duplicates).
check_received() {  # allow_duplicates broker-log
  local allow_duplicates=$1 log=$2 i
  seq 0 $((lines - 1)) | sort >"$work/expected"
  for i in $(seq 150); do  # 15 s
    grep -v '^probe$' "$work/received" | sort -u >"$work/got"
    comm -23 "$work/expected" "$work/got" | grep -q . || break
    sleep 0.1
  done
  sleep 0.3  # late duplicates, if any
  grep -v '^probe$' "$work/received" | sort -u >"$work/got"
  local lost
  lost=$(comm -23 "$work/expected" "$work/got" | wc -l)
  local dups
  dups=$(grep -v '^probe$' "$work/received" | sort | uniq -d | wc -l)
  echo "$case_name: received $(grep -vc '^probe$' "$work/received") lines, lost $lost, numbers duplicated $dups"
  ! grep -q "dropped for client ${id}_sub" "$log" ||
    fail "harness: mosquitto itself dropped messages for the subscriber (its queue limit); not a client loss"
  [ "$lost" -eq 0 ] || fail "$lost lost, e.g. $(comm -23 "$work/expected" "$work/got" | head -5 | tr '\n' ' ')"
  if [ "$allow_duplicates" = no ] && [ "$dups" -ne 0 ]; then
    fail "$dups numbers duplicated, e.g. $(grep -v '^probe$' "$work/received" | sort | uniq -d | head -5 | tr '\n' ' ')"
  fi
}

# The proxy's latest count of resets (it answers "stats" on its stdout).
proxy_resets() {
  echo stats >>"$work/control"
  sleep 0.1
  grep -o 'resets=[0-9]*' "$work/proxy.out" | tail -1 | cut -d= -f2
}

through_resets() {  # qos extra-cli-args...
  local qos=$1
  shift
  local broker_port
  broker_port=$(cat "$broker_dir/plain.port" 2>/dev/null) || skip "no broker: run through ctest"
  start_subscriber "$broker_port" 0
  : >"$work/control"
  "$proxy_bin" --upstream "127.0.0.1:$broker_port" --mode reset --reset-bytes 200:6000 \
    --control "$work/control" --port-file "$work/proxy.port" --max-seconds 170 \
    ${MQTT_SETUP_FAULT_SEED:+--seed "$MQTT_SETUP_FAULT_SEED"} </dev/null >"$work/proxy.out" 2>&1 &
  pids+=($!)
  local i
  for i in $(seq 50); do [ -s "$work/proxy.port" ] && break; sleep 0.1; done
  [ -s "$work/proxy.port" ] || fail "fault_proxy did not start: $(cat "$work/proxy.out")"
  grep seed "$work/proxy.out"

  seq 0 $((lines - 1)) | "$cli" pipe seq --server "127.0.0.1:$(cat "$work/proxy.port")" \
    --client-id "$id" --qos "$qos" --keepalive 5 --retry-delay 0.05 --retry-max 0.3 \
    --queue $((lines + 100)) --timeout 90 "$@" >"$work/pipe.out" 2>"$work/pipe.err" &
  local pipe=$!
  pids+=($pipe)
  # Cut until at least ten resets happened (bounded), then let the link heal.
  local resets=0
  for i in $(seq 600); do  # 60 s
    resets=$(proxy_resets)
    [ "${resets:-0}" -ge 10 ] && break
    kill -0 "$pipe" 2>/dev/null || break
    sleep 0.1
  done
  echo pass >>"$work/control"
  wait "$pipe"
  local rc=$?
  forget "$pipe"
  resets=$(proxy_resets)
  echo "$case_name: pipe exit $rc after ${resets:-0} resets"
  [ $rc -eq 0 ] || fail "pipe exited $rc: $(tail -3 "$work/pipe.err")"
  [ "${resets:-0}" -ge 10 ] || fail "only ${resets:-0} resets happened; the test needs >= 10"
}

case "$case_name" in
  pipe_qos1_resets)
    through_resets 1
    check_received yes "$broker_dir/plain/mosquitto.log"
    ;;
  pipe_qos2_resets)
    through_resets 2 --no-clean
    check_received no "$broker_dir/plain/mosquitto.log"
    ;;
  pipe_broker_restarts)
    # A broker of our own: restarting the shared fixture would break tests running beside us.
    own_broker="clifaults_$$"
    bash "$broker_script" start "$broker_dir" "$own_broker" plain >/dev/null || fail "cannot start a broker"
    port=$(cat "$broker_dir/$own_broker.port")
    phase "broker started"
    # Persistent subscriber session: what arrives while it reconnects is kept for it.
    start_subscriber "$port" 2 -c
    phase "subscribed"
    # ~500 lines/s (10 s in all): the restarts fall mid-stream, and while mosquitto_sub waits
    # out its 1 s reconnect delay the broker queues < 1,000 messages for it (mosquitto's
    # max_queued_messages: beyond it the broker itself drops, which is not what we test).
    seq 0 $((lines - 1)) | while IFS= read -r n; do
      echo "$n"
      [ $((n % 50)) -eq 49 ] && sleep 0.1
    done | "$cli" pipe seq --server "127.0.0.1:$port" --client-id "$id" --qos 1 \
      --retry-delay 0.1 --retry-max 0.5 --queue $((lines + 100)) --timeout 60 \
      >"$work/pipe.out" 2>"$work/pipe.err" &
    pipe=$!
    pids+=($pipe)
    phase "pipe started"
    for r in 1 2 3; do
      sleep 2
      bash "$broker_script" restart "$broker_dir" "$own_broker" >/dev/null || fail "restart $r failed"
      phase "broker restart $r done"
    done
    # Bounded: 10 s of input, then at most --timeout (60 s) to deliver; twice that in all.
    for i in $(seq 1400); do kill -0 "$pipe" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pipe" 2>/dev/null &&
      fail "pipe still running 140 s after the start of its input: $(tail -3 "$work/pipe.err")"
    wait "$pipe"
    rc=$?
    forget "$pipe"
    phase "pipe exited $rc"
    [ $rc -eq 0 ] || fail "pipe exited $rc: $(tail -3 "$work/pipe.err")"
    check_received yes "$broker_dir/$own_broker/mosquitto.log"
    phase "checked"
    ;;
  *)
    echo "usage: cli_faults.sh pipe_qos1_resets|pipe_qos2_resets|pipe_broker_restarts" >&2
    exit 2
    ;;
esac
echo "PASS ($case_name)"
