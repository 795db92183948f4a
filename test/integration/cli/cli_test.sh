#!/usr/bin/env bash
# Integration tests of the mqtt-setup command (spec/cli.md) against the mosquitto instances of
# the CTest fixtures `broker` (anonymous) and `broker_auth` (device / secret), checked with
# mosquitto_sub / mosquitto_pub. One case per CTest test:
#
#   MQTT_SETUP_CLI=path/to/mqtt-setup MQTT_SETUP_TEST_BROKER_DIR=dir cli_test.sh CASE
#
# Exit 0: passed, 1: failed, 77: skipped (no broker or no mosquitto clients). Every wait is
# bounded; only 127.0.0.1 is contacted; only processes this script started are stopped.
set -u

CLI=${MQTT_SETUP_CLI:?set MQTT_SETUP_CLI to the mqtt-setup binary}
BROKER_DIR=${MQTT_SETUP_TEST_BROKER_DIR:-}
SKIP=77
# shellcheck source=../../support/subscriber.sh
. "$(dirname "$0")/../../support/subscriber.sh"
LIMIT=30   # seconds any single command may take before it counts as hung

work=$(mktemp -d "${TMPDIR:-/tmp}/mqtt-setup-cli-test.XXXXXX")
background_pids=()
cleanup() {
  local pid
  for pid in "${background_pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${background_pids[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; show_output; exit 1; }
skip() { echo "SKIP: $*" >&2; exit "$SKIP"; }
show_output() {
  local f
  for f in "$work"/out "$work"/err; do
    [ -s "$f" ] && { echo "--- $(basename "$f"):" >&2; head -c 4000 "$f" >&2; }
  done
  return 0
}

need_clients() {
  command -v mosquitto_sub >/dev/null && command -v mosquitto_pub >/dev/null ||
    skip "mosquitto_sub / mosquitto_pub not installed (Debian: apt-get install mosquitto-clients)"
}
broker_port() {  # plain | auth
  local file="$BROKER_DIR/$1.port"
  [ -n "$BROKER_DIR" ] && [ -s "$file" ] || skip "no $1 broker running: run through ctest (fixture)"
  cat "$file"
}

# Runs the CLI with a time limit; stdout -> $work/out, stderr -> $work/err; sets $code.
run_cli() {
  timeout -k 2 "$LIMIT" "$CLI" "$@" >"$work/out" 2>"$work/err" </dev/null
  code=$?
}
# Same, with standard input from a file.
run_cli_input() {  # input-file args...
  local input=$1
  shift
  timeout -k 2 "$LIMIT" "$CLI" "$@" >"$work/out" 2>"$work/err" <"$input"
  code=$?
}

expect_code() {  # expected description
  [ "$code" -eq "$1" ] || fail "$2: exit code $code, expected $1"
}
# spec/cli.md: every failure prints one clear line on stderr starting with "mqtt-setup: error:".
expect_one_error_line() {
  local errors
  errors=$(grep -c '^mqtt-setup: error: ' "$work/err")
  [ "$errors" -eq 1 ] || fail "expected exactly one 'mqtt-setup: error:' line on stderr, got $errors"
  grep -v '^mqtt-setup: warning: ' "$work/err" | grep -qv '^mqtt-setup: error: ' &&
    fail "stderr holds more than the error line"
  return 0
}
expect_usage_error() {  # description args...
  local what=$1
  shift
  run_cli "$@"
  expect_code 2 "$what"
  expect_one_error_line
}

# Waits up to $3 seconds for a line matching the extended regex $2 in file $1.
await_line() {
  local file=$1 pattern=$2 seconds=$3 tries
  for tries in $(seq $((seconds * 10)) -1 0); do
    grep -Eq -- "$pattern" "$file" 2>/dev/null && return 0
    [ "$tries" -gt 0 ] && sleep 0.1
  done
  return 1
}

# A subscriber collecting `topic payload` lines into $1 until $4 messages or $5 seconds;
# returns once the broker acknowledged the subscription.
start_subscriber() {  # file port topic count seconds [mosquitto_sub args...]
  local file=$1 port=$2 topic=$3 count=$4 seconds=$5
  shift 5
  subscribe_confirmed "$file" -h 127.0.0.1 -p "$port" -t "$topic" -q 1 -v -C "$count" \
    -W "$seconds" "$@" || fail "no subscription to $topic: $(tail -2 "$file.err")"
}

unique_id() { echo "cli-test-$1-$$-$RANDOM"; }

# A TCP port on 127.0.0.1 where nothing listens: bound, then released.
closed_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo 1
}

# ---------------------------------------------------------------------------------------------
# Cases

case_version_and_help() {
  run_cli --version
  expect_code 0 "--version"
  grep -Eq '^mqtt-setup [0-9]+\.[0-9]+\.[0-9]+' "$work/out" || fail "--version prints 'mqtt-setup <version>'"
  run_cli --help
  expect_code 0 "--help"
  local command
  for command in id send pipe listen agent fleet; do
    grep -q "$command" "$work/out" || fail "--help does not list $command"
  done
  for command in send pipe listen; do
    run_cli "$command" --help
    expect_code 0 "$command --help"
    grep -q -- '--server' "$work/out" || fail "$command --help does not show --server"
  done
}

case_id() {
  run_cli id
  expect_code 0 "id"
  [ "$(wc -l <"$work/out")" -eq 1 ] || fail "id prints one line"
  grep -Eq '^[A-Za-z0-9_-]+$' "$work/out" || fail "id prints a plain client id"
  local first
  first=$(cat "$work/out")
  run_cli id
  [ "$(cat "$work/out")" = "$first" ] || fail "id is stable across runs"
  run_cli id -i my-device
  [ "$(cat "$work/out")" = "my-device" ] || fail "id -i prints the given id"
}

case_usage_errors() {
  expect_usage_error "no command"
  expect_usage_error "unknown command" frobnicate
  expect_usage_error "unknown option" send --no-such-option a b
  expect_usage_error "missing MESSAGE" send sensors/temperature
  expect_usage_error "QoS 3" send -q 3 a b
  expect_usage_error "QoS word" send --qos high a b
  expect_usage_error "+ in SUFFIX" send 'sensors/+' 1
  expect_usage_error "# in SUFFIX" send 'sensors/#' 1
  expect_usage_error "empty SUFFIX" send '' 1
  expect_usage_error "pipe + in SUFFIX" pipe 'a/+'
  expect_usage_error "bad listen filter" listen 'a/#/b'
  expect_usage_error "unreadable password file" send -u device --password-file "$work/none" a b
  expect_usage_error "unreadable CA file" send --tls --cafile "$work/none" a b
  expect_usage_error "TLS option without --tls" send --cafile /etc/hostname a b
  expect_usage_error "port out of range" send -p 70000 a b
  expect_usage_error "negative timeout" send --timeout -1 a b
  expect_usage_error "bad server list" send -s 'host:notaport' a b
  expect_usage_error "agent interval out of range" agent --interval 0
  expect_usage_error "fleet without devices" fleet --devices 0
  echo '{"server": ' >"$work/broken.json"
  expect_usage_error "invalid config JSON" send --config "$work/broken.json" a b
  echo '{"no-such-option": 1}' >"$work/unknown.json"
  expect_usage_error "unknown config key" send --config "$work/unknown.json" a b
  expect_usage_error "missing config file" send --config "$work/none.json" a b
}

case_send_delivers() {
  need_clients
  local port id
  port=$(broker_port plain) || exit $?  # 77: skipped
  id=$(unique_id send)
  start_subscriber "$work/sub" "$port" "devices/$id/#" 1 10
  run_cli send -s "127.0.0.1:$port" -i "$id" sensors/temperature 23.5
  expect_code 0 "send"
  [ ! -s "$work/err" ] || fail "send printed on stderr"
  await_line "$work/sub" . 10 || fail "the subscriber got nothing"
  [ "$(cat "$work/sub")" = "devices/$id/sensors/temperature 23.5" ] || fail "received: $(cat "$work/sub")"
}

case_send_default_id_and_port() {
  need_clients
  local port id
  port=$(broker_port plain) || exit $?  # 77: skipped
  run_cli id
  id=$(cat "$work/out")
  start_subscriber "$work/sub" "$port" "devices/$id/cli-test/default" 1 10
  # -p applies to servers given without a port.
  run_cli send -s 127.0.0.1 -p "$port" cli-test/default hello
  expect_code 0 "send with the platform id"
  await_line "$work/sub" "^devices/$id/cli-test/default hello$" 10 || fail "received: $(cat "$work/sub")"
}

case_send_qos_and_retain() {
  need_clients
  local port id qos
  port=$(broker_port plain) || exit $?  # 77: skipped
  id=$(unique_id retain)
  for qos in 0 1 2; do
    run_cli send -s "127.0.0.1:$port" -i "$id" -q "$qos" -r "status/q$qos" "value $qos"
    expect_code 0 "send -q $qos -r"
  done
  # Retained: a subscriber arriving later still gets all three.
  timeout 10 mosquitto_sub -h 127.0.0.1 -p "$port" -t "devices/$id/status/#" -v -C 3 -W 5 >"$work/sub" 2>&1
  for qos in 0 1 2; do
    grep -qx "devices/$id/status/q$qos value $qos" "$work/sub" || fail "retained q$qos missing: $(cat "$work/sub")"
  done
  mosquitto_pub -h 127.0.0.1 -p "$port" -t "devices/$id/status/q0" -r -n
  mosquitto_pub -h 127.0.0.1 -p "$port" -t "devices/$id/status/q1" -r -n
  mosquitto_pub -h 127.0.0.1 -p "$port" -t "devices/$id/status/q2" -r -n
}

case_send_unreachable() {
  local port start elapsed
  port=$(closed_port)
  start=$(date +%s%N)
  run_cli send -s "127.0.0.1:$port" --attempts 3 --retry-delay 0.1 a b
  elapsed=$((($(date +%s%N) - start) / 1000000))
  expect_code 1 "send to a closed port"
  expect_one_error_line
  [ "$elapsed" -ge 100 ] || fail "3 attempts with --retry-delay 0.1 took only ${elapsed} ms"
  [ "$elapsed" -lt 10000 ] || fail "3 attempts with --retry-delay 0.1 took ${elapsed} ms"
}

case_send_failover() {
  need_clients
  local port dead id
  port=$(broker_port plain) || exit $?  # 77: skipped
  dead=$(closed_port)
  id=$(unique_id failover)
  start_subscriber "$work/sub" "$port" "devices/$id/#" 1 10
  run_cli send -s "127.0.0.1:$dead,127.0.0.1:$port" -i "$id" --attempts 2 --retry-delay 0.1 x/y failover
  expect_code 0 "send with a dead first server"
  await_line "$work/sub" "^devices/$id/x/y failover$" 10 || fail "received: $(cat "$work/sub")"
}

case_send_credentials() {
  local port id
  port=$(broker_port auth) || exit $?  # 77: skipped
  id=$(unique_id auth)
  echo wrong >"$work/wrong"
  printf 'secret\nsecond line is ignored\n' >"$work/right"
  run_cli send -s "127.0.0.1:$port" -i "$id" -u device --password-file "$work/wrong" a b
  expect_code 3 "wrong password"
  expect_one_error_line
  grep -q 'refused' "$work/err" || fail "the message says the broker refused"
  run_cli send -s "127.0.0.1:$port" -i "$id" a b
  expect_code 3 "no credentials"
  run_cli send -s "127.0.0.1:$port" -i "$id" -u device --password-file "$work/right" a b
  expect_code 0 "right password (first line of the file)"
  MQTT_SETUP_SERVER="127.0.0.1:$port" MQTT_SETUP_USERNAME=device MQTT_SETUP_PASSWORD=secret \
    run_cli send -i "$id" a b
  expect_code 0 "server, user and password from the environment"
}

case_config_file() {
  need_clients
  local port id
  port=$(broker_port plain) || exit $?  # 77: skipped
  id=$(unique_id config)
  printf '{"server": "127.0.0.1:%s", "client-id": "%s", "keepalive": 30, "qos": 2, "retry-delay": 0.1}\n' \
    "$port" "$id" >"$work/config.json"
  start_subscriber "$work/sub" "$port" "devices/$id/#" 1 10
  run_cli send --config "$work/config.json" from/config 1
  expect_code 0 "send with --config"
  await_line "$work/sub" "^devices/$id/from/config 1$" 10 || fail "received: $(cat "$work/sub")"
  # Flags override the file: a closed port given on the command line wins.
  run_cli send --config "$work/config.json" -s "127.0.0.1:$(closed_port)" from/config 2
  expect_code 1 "-s overrides the config's server"
}

case_pipe_in_order() {
  need_clients
  local port id
  port=$(broker_port plain) || exit $?  # 77: skipped
  id=$(unique_id pipe)
  seq 1 1000 >"$work/input"
  start_subscriber "$work/sub" "$port" "devices/$id/log" 1000 20
  run_cli_input "$work/input" pipe -s "127.0.0.1:$port" -i "$id" log
  expect_code 0 "pipe of 1000 lines"
  await_line "$work/sub" '^devices/[^ ]+/log 1000$' 20 || fail "line 1000 did not arrive"
  sed "s|^devices/$id/log ||" "$work/sub" | diff -q - "$work/input" >/dev/null ||
    fail "the 1000 lines did not arrive complete and in order"
}

case_pipe_json_summary() {
  local port id
  port=$(broker_port plain) || exit $?  # 77: skipped
  id=$(unique_id pipejson)
  printf 'one\r\ntwo\n\nlast line without newline' >"$work/input"
  run_cli_input "$work/input" pipe -s "127.0.0.1:$port" -i "$id" --json -q 2 log
  expect_code 0 "pipe --json"
  grep -q '^{"event":"connected"' "$work/out" || fail "no connected event"
  [ "$(tail -n 1 "$work/out")" = '{"event":"summary","read":4,"delivered":4,"dropped":0}' ] ||
    fail "summary: $(tail -n 1 "$work/out")"
  grep -v '^{"event":' "$work/out" && fail "a line on stdout that is not an event"
  return 0
}

case_pipe_undelivered_timeout() {
  local port start elapsed
  port=$(closed_port)
  seq 1 5 >"$work/input"
  start=$(date +%s%N)
  run_cli_input "$work/input" pipe -s "127.0.0.1:$port" --retry-delay 0.1 --timeout 1 --json log
  elapsed=$((($(date +%s%N) - start) / 1000000))
  expect_code 5 "pipe with nothing delivered before --timeout"
  expect_one_error_line
  [ "$(tail -n 1 "$work/out")" = '{"event":"summary","read":5,"delivered":0,"dropped":0}' ] ||
    fail "summary: $(tail -n 1 "$work/out")"
  grep -q '"event":"connect_failed"' "$work/out" || fail "no connect_failed event"
  [ "$elapsed" -lt 6000 ] || fail "--timeout 1 took ${elapsed} ms"
}

case_pipe_refused_is_fatal() {
  local port
  port=$(broker_port auth) || exit $?  # 77: skipped
  echo hello >"$work/input"
  run_cli_input "$work/input" pipe -s "127.0.0.1:$port" -u device log
  expect_code 3 "pipe with bad credentials"
  expect_one_error_line
}

case_pipe_queue_file_survives_restart() {
  need_clients
  local port id
  port=$(broker_port plain) || exit $?  # 77: skipped
  id=$(unique_id queuefile)
  seq 1 5 >"$work/input"
  # No broker: nothing can be delivered, the five lines stay in the file.
  run_cli_input "$work/input" pipe -s "127.0.0.1:$(closed_port)" -i "$id" --retry-delay 0.1 \
    --timeout 0.5 --queue-file "$work/queue" log
  expect_code 5 "pipe without a broker"
  : >"$work/empty"
  run_cli_input "$work/empty" pipe -s "127.0.0.1:$port" -i "$id" --queue-file "$work/nodir/queue" log
  expect_code 2 "unusable --queue-file"
  expect_one_error_line
  # The next run, with a broker and no input, delivers what the first one kept.
  start_subscriber "$work/sub" "$port" "devices/$id/log" 5 10
  run_cli_input "$work/empty" pipe -s "127.0.0.1:$port" -i "$id" --queue-file "$work/queue" log
  expect_code 0 "pipe delivering the queue file"
  await_line "$work/sub" "^devices/$id/log 5$" 10 || fail "received: $(cat "$work/sub")"
  sed "s|^devices/$id/log ||" "$work/sub" | diff -q - "$work/input" >/dev/null ||
    fail "the kept lines did not arrive complete and in order: $(cat "$work/sub")"
}

case_pipe_queue_file_survives_kill_9() {
  need_clients
  local port id pipe_pid i
  port=$(broker_port plain) || exit $?  # 77: skipped
  id=$(unique_id kill9)
  seq -f 'reading-%03g' 1 200 >"$work/input"
  # An outage: the input is read and queued, then the process is killed without a chance to
  # clean up, while its input is still open (so it is not exiting on its own).
  mkfifo "$work/fifo9"
  "$CLI" pipe -s "127.0.0.1:$(closed_port)" -i "$id" --retry-delay 0.1 \
    --queue-file "$work/queue9" log <"$work/fifo9" >"$work/out" 2>"$work/err" &
  pipe_pid=$!
  background_pids+=($pipe_pid)
  exec 7>"$work/fifo9"  # this shell holds the write end: no end of input
  cat "$work/input" >&7
  # Killed once the last line is in the queue file (its records hold the payloads as they are).
  for i in $(seq 200); do
    grep -aq 'reading-200' "$work/queue9" 2>/dev/null && break
    sleep 0.1
  done
  grep -aq 'reading-200' "$work/queue9" || fail "the last line never reached the queue file"
  kill -9 "$pipe_pid" 2>/dev/null
  wait "$pipe_pid" 2>/dev/null
  exec 7>&-
  # The next run delivers everything the killed one had queued, in order.
  start_subscriber "$work/sub9" "$port" "devices/$id/log" 200 15
  : >"$work/empty"
  run_cli_input "$work/empty" pipe -s "127.0.0.1:$port" -i "$id" --queue-file "$work/queue9" log
  expect_code 0 "pipe delivering the queue a killed run left"
  await_line "$work/sub9" "^devices/$id/log reading-200$" 15 || fail "received: $(wc -l <"$work/sub9") lines"
  sed "s|^devices/$id/log ||" "$work/sub9" | diff -q - "$work/input" >/dev/null ||
    fail "the kept lines did not arrive complete and in order"
}

case_tls_handshake_failure() {
  local port
  port=$(broker_port plain) || exit $?  # 77: skipped
  # A plain MQTT port cannot complete a TLS handshake: exit 4 at once, not after retries.
  run_cli send --tls -s "127.0.0.1:$port" --attempts 3 --retry-delay 1 a b
  expect_code 4 "send --tls to a plain port"
  expect_one_error_line
  grep -qi 'tls' "$work/err" || fail "the message does not say TLS"
  echo line >"$work/input"
  run_cli_input "$work/input" pipe --tls -s "127.0.0.1:$port" log
  expect_code 4 "pipe --tls to a plain port"
  run_cli listen --tls -s "127.0.0.1:$port"
  expect_code 4 "listen --tls to a plain port"
}

case_listen_prints_messages() {
  need_clients
  local port topic
  port=$(broker_port plain) || exit $?  # 77: skipped
  topic="cli-test/listen/$$-$RANDOM"
  timeout -k 2 "$LIMIT" "$CLI" listen -s "127.0.0.1:$port" "$topic/#" >"$work/out" 2>"$work/err" &
  local listener=$!
  background_pids+=($listener)
  # Publish until the listener shows it is subscribed, then the real messages.
  local i
  for i in $(seq 50); do
    mosquitto_pub -h 127.0.0.1 -p "$port" -t "$topic/ready" -m ready
    await_line "$work/out" "^$topic/ready ready$" 0 && break
    sleep 0.2
  done
  await_line "$work/out" "^$topic/ready ready$" 1 || fail "listen never received anything"
  mosquitto_pub -h 127.0.0.1 -p "$port" -t "$topic/a" -m 'hello world'
  mosquitto_pub -h 127.0.0.1 -p "$port" -t "$topic/b" -m '23.5' -q 1
  await_line "$work/out" "^$topic/b 23.5$" 10 || fail "listen did not print the messages"
  grep -qx "$topic/a hello world" "$work/out" || fail "listen output: $(cat "$work/out")"
  kill -INT "$listener"
  wait "$listener"
  code=$?
  expect_code 0 "listen after SIGINT"
}

case_listen_json() {
  need_clients
  local port topic
  port=$(broker_port plain) || exit $?  # 77: skipped
  topic="cli-test/json/$$-$RANDOM"
  mosquitto_pub -h 127.0.0.1 -p "$port" -t "$topic/retained" -m 'kept' -q 1 -r
  timeout -k 2 "$LIMIT" "$CLI" listen -s "127.0.0.1:$port" --json "$topic/#" >"$work/out" 2>"$work/err" &
  local listener=$!
  background_pids+=($listener)
  await_line "$work/out" '"payload":"kept"' 10 || fail "no retained message"
  grep -qx "{\"topic\":\"$topic/retained\",\"payload\":\"kept\",\"qos\":1,\"retain\":true}" "$work/out" ||
    fail "JSON line: $(cat "$work/out")"
  printf 'bad \xff byte' | mosquitto_pub -h 127.0.0.1 -p "$port" -t "$topic/binary" -s
  await_line "$work/out" "\"topic\":\"$topic/binary\"" 10 || fail "invalid UTF-8 payload not printed"
  kill -TERM "$listener"
  wait "$listener"
  code=$?
  expect_code 0 "listen after SIGTERM"
  mosquitto_pub -h 127.0.0.1 -p "$port" -t "$topic/retained" -r -n
}

case_listen_stops_while_unreachable() {
  local port start elapsed
  port=$(closed_port)
  "$CLI" listen -s "127.0.0.1:$port" --retry-delay 0.2 >"$work/out" 2>"$work/err" &
  local listener=$!
  background_pids+=($listener)
  sleep 1
  kill -0 "$listener" 2>/dev/null || fail "listen gave up instead of reconnecting indefinitely"
  start=$(date +%s%N)
  kill -TERM "$listener"
  wait "$listener"
  code=$?
  elapsed=$((($(date +%s%N) - start) / 1000000))
  expect_code 0 "listen after SIGTERM while reconnecting"
  [ "$elapsed" -lt 3000 ] || fail "SIGTERM took ${elapsed} ms to act"
}

case_listen_refused() {
  local port
  port=$(broker_port auth) || exit $?  # 77: skipped
  run_cli listen -s "127.0.0.1:$port" -u device
  expect_code 3 "listen with bad credentials"
  expect_one_error_line
}

case_warnings() {
  run_cli send -s 127.0.0.1:8883 --attempts 1 --timeout 2 a b
  grep -q '^mqtt-setup: warning: .*8883.*--tls' "$work/err" || fail "no warning about 8883 without --tls"
  run_cli send --tls --insecure -s "127.0.0.1:$(closed_port)" --attempts 1 --timeout 2 a b
  grep -q '^mqtt-setup: warning: --insecure' "$work/err" || fail "no warning for --insecure"
  run_cli send -v -u device --password-file <(echo hunter2-secret) -s "127.0.0.1:$(closed_port)" \
    --attempts 1 a b
  grep -q hunter2-secret "$work/err" && fail "-v printed the password"
  return 0
}

case=${1:-}
declare -F "case_$case" >/dev/null || { echo "usage: cli_test.sh CASE (unknown case '$case')" >&2; exit 2; }
"case_$case"
echo "PASS: $case"
