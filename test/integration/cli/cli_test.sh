#!/usr/bin/env bash
# Integration tests of the mqtt-setup command (docs/cli.md) against the mosquitto instances of
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
# docs/cli.md: every failure prints one clear line on stderr starting with "mqtt-setup: error:".
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
  # Not UTF-8: given as base64, never altered (no U+FFFD).
  grep -qx "{\"topic\":\"$topic/binary\",\"payload_base64\":\"YmFkIP8gYnl0ZQ==\",\"qos\":0,\"retain\":false}" \
    "$work/out" || fail "binary payload line: $(grep binary "$work/out")"
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
  echo hunter2-secret >"$work/password"
  run_cli send -v -u device --password-file "$work/password" -s "127.0.0.1:$(closed_port)" \
    --attempts 1 a b
  expect_code 1 "send -v to a closed port"
  grep -q "password from $work/password" "$work/err" || fail "-v does not say where the password came from"
  grep -q hunter2-secret "$work/err" && fail "-v printed the password"
  return 0
}

# docs/cli.md "Input rules": refused before connecting (exit 2), each with its actual reason.
case_input_rules() {
  expect_reason() {  # pattern description args...
    local pattern=$1 what=$2
    shift 2
    expect_usage_error "$what" "$@"
    grep -Eq -- "$pattern" "$work/err" || fail "$what: the error does not say '$pattern': $(cat "$work/err")"
  }
  local closed
  closed="127.0.0.1:$(closed_port)"
  expect_reason 'control character U\+0001' "control character in SUFFIX" send -s "$closed" $'a\x01b' 1
  expect_reason 'control character U\+007F' "DEL in SUFFIX" pipe -s "$closed" $'a\x7f'
  expect_reason 'control character U\+0085' "C1 control in SUFFIX" send -s "$closed" $'a\xc2\x85' 1
  expect_reason 'control character U\+0001' "control character in a filter" listen -s "$closed" $'a/\x01'
  expect_reason 'non-character U\+FFFF' "non-character in SUFFIX" send -s "$closed" $'a\xef\xbf\xbf' 1
  expect_reason 'not valid UTF-8' "bad UTF-8 in SUFFIX" send -s "$closed" $'a\xff' 1
  expect_reason 'not valid UTF-8' "a UTF-16 surrogate" send -s "$closed" $'a\xed\xa0\x80' 1
  expect_reason 'control character U\+001B' "control character in --will-topic" \
    send -s "$closed" --will-topic $'a\x1b' b c
  # devices/{id}/ + SUFFIX may not pass 65,535 bytes: the reason is the length, not UTF-8.
  expect_reason 'too long: 65509 bytes, at most 65508' "65,509-byte SUFFIX" \
    send -s "$closed" -i my-device-00000001 "$(head -c 65509 /dev/zero | tr '\0' a)" 1
  expect_reason 'entry "127.0.0.1:38883:"' "server entry with a trailing colon" \
    send -s 127.0.0.1:38883: a b
  expect_reason 'entry "::1:38884"' "port on a bare IPv6 address" send -s ::1:38884 a b
  expect_reason 'entry "::1"' "bare IPv6 address in a list" send -s ::1,localhost a b
  expect_reason 'not a regular file' "--password-file is a directory" \
    send -s "$closed" -u device --password-file "$work" a b
  MQTT_SETUP_PASSWORD=secret expect_reason 'MQTT_SETUP_PASSWORD needs a user name' \
    "MQTT_SETUP_PASSWORD without a user name" send -s "$closed" a b
  # An option that does not apply to the command is a usage error, not silently ignored.
  expect_reason 'not expected: --timeout' "listen --timeout" listen -s "$closed" --timeout 2
  expect_reason 'not expected: .*--queue-file' "send --queue-file" send -s "$closed" --queue-file q a b
  expect_reason 'not expected: .*--json' "send --json" send -s "$closed" --json a b
  expect_reason 'not expected: .*-i' "fleet -i" fleet -s "$closed" -i x
  expect_reason 'not expected: .*--attempts' "pipe --attempts" pipe -s "$closed" --attempts 2 a
  run_cli listen --help
  grep -Eq -- '^ +--timeout' "$work/out" && fail "listen --help lists --timeout, which listen does not take"
  grep -q -- '--count' "$work/out" || fail "listen --help does not list -C/--count"
  return 0
}

# listen -C N exits 0 after N messages; -W S exits after S seconds, 1 when nothing arrived.
case_listen_count_and_wait() {
  need_clients
  local port topic
  port=$(broker_port plain) || exit $?  # 77: skipped
  topic="cli-test/count/$$-$RANDOM"
  mosquitto_pub -h 127.0.0.1 -p "$port" -t "$topic/r" -m kept -q 1 -r
  timeout -k 2 "$LIMIT" "$CLI" listen -s "127.0.0.1:$port" -C 3 "$topic/#" >"$work/out" 2>"$work/err" &
  local listener=$!
  background_pids+=($listener)
  await_line "$work/out" "^$topic/r kept$" 10 || fail "listen -C: the retained message did not arrive"
  local i
  for i in 1 2 3 4; do mosquitto_pub -h 127.0.0.1 -p "$port" -t "$topic/m" -m "m$i" -q 1; done
  wait "$listener"
  code=$?
  expect_code 0 "listen -C 3"
  [ "$(wc -l <"$work/out")" -eq 3 ] || fail "listen -C 3 printed $(wc -l <"$work/out") lines"
  # -C 1 ends it with the retained message; -W 10 only bounds a broken run.
  run_cli listen -s "127.0.0.1:$port" -C 1 -W 10 "$topic/r"
  expect_code 0 "listen -C 1 -W 10 with a retained message"
  grep -qx "$topic/r kept" "$work/out" || fail "listen -C 1 did not print the retained message"
  run_cli listen -s "127.0.0.1:$port" -W 1 "$topic/nothing-here"
  expect_code 1 "listen -W 1 with no message"
  expect_one_error_line
  mosquitto_pub -h 127.0.0.1 -p "$port" -t "$topic/r" -r -n
}

# While listen and agent cannot connect they say so: one line per failed attempt with the cause
# and the next retry (stderr), and connect_failed events with listen --json.
case_unreachable_is_reported() {
  local port command
  port=$(closed_port)
  for command in listen agent; do
    timeout -k 2 3 "$CLI" "$command" -s "127.0.0.1:$port" --retry-delay 0.2 --retry-max 0.4 \
      >"$work/out" 2>"$work/err"
    [ "$(grep -c "^mqtt-setup: warning: cannot connect to 127.0.0.1:$port: .*; next attempt in [0-9.]* s$" \
        "$work/err")" -ge 2 ] || fail "$command said nothing while it could not connect"
  done
  timeout -k 2 3 "$CLI" listen --json -s "127.0.0.1:$port" --retry-delay 0.2 --retry-max 0.4 \
    >"$work/out" 2>"$work/err"
  grep -q '^{"event":"connect_failed","server":"127.0.0.1:'"$port"'","error":' "$work/out" ||
    fail "listen --json printed no connect_failed event"
  return 0
}

# Exit 0 means every line read was delivered: a line over --max-line is dropped, counted by its
# cause, the rest delivered, and the exit is 5.
case_pipe_long_line_exits_5() {
  need_clients
  local port topic id
  port=$(broker_port plain) || exit $?  # 77: skipped
  id=$(unique_id long)
  topic="devices/$id/log"
  start_subscriber "$work/sub" "$port" "$topic" 2 20
  printf 'short\n%s\nlast\n' "$(head -c 40 /dev/zero | tr '\0' x)" >"$work/in"
  run_cli_input "$work/in" pipe -s "127.0.0.1:$port" -i "$id" --max-line 16 log
  expect_code 5 "pipe with a line over --max-line"
  expect_one_error_line
  grep -q 'error: 1 of 3 messages dropped: 1 longer than --max-line (16 bytes)$' "$work/err" ||
    fail "the error line does not count the long line"
  await_line "$work/sub" "^$topic last$" 10 || fail "the other lines were not delivered"
  grep -q "^$topic short$" "$work/sub" || fail "the first line was not delivered"
  run_cli pipe --help
  grep -q -- '--max-line BYTES.*262144' "$work/out" || fail "pipe --help does not give --max-line's default"
}

# Lines beyond --queue while the broker is away are dropped and counted; the exit is 5, never 0.
case_pipe_queue_overflow_exits_5() {
  need_clients
  local port id
  bash "$(dirname "$0")/../../support/broker.sh" start "$work" late plain >/dev/null ||
    fail "cannot start a broker"
  port=$(cat "$work/late.port")
  bash "$(dirname "$0")/../../support/broker.sh" stop "$work" late >/dev/null
  echo "$port" >"$work/late.port"  # so that `restart` brings it back on the same port
  id=$(unique_id overflow)
  seq 100 >"$work/in"
  timeout -k 2 "$LIMIT" "$CLI" pipe -s "127.0.0.1:$port" -i "$id" --queue 10 \
    --retry-delay 0.1 --retry-max 0.3 -v n <"$work/in" >"$work/out" 2>"$work/err" &
  local piper=$!
  background_pids+=($piper)
  # Every line is read (and 90 dropped) while the broker is away; then it comes back. Read all:
  # the offset of its standard input is at the end of the file.
  # Its first three attempts (setup_connection's) hold the input back; from the fourth on, lines
  # flow into the queue. Then all is read when its standard input's offset is at the end.
  local child size pos="" tries
  for tries in $(seq 200); do
    [ "$(grep -c 'debug: connecting to' "$work/err")" -ge 4 ] && break
    sleep 0.1
  done
  size=$(stat -c %s "$work/in")
  for tries in $(seq 200); do
    child=$(pgrep -P "$piper" | head -n 1)
    pos=$(awk '/^pos:/ {print $2}' "/proc/$child/fdinfo/0" 2>/dev/null)
    [ "$pos" = "$size" ] && break
    sleep 0.1
  done
  [ "$pos" = "$size" ] || fail "pipe did not read its input while disconnected"
  bash "$(dirname "$0")/../../support/broker.sh" restart "$work" late >/dev/null ||
    fail "cannot restart the broker"
  wait "$piper"
  code=$?
  bash "$(dirname "$0")/../../support/broker.sh" stop "$work" late >/dev/null
  expect_code 5 "pipe after dropping 90 of 100 lines"
  grep -q 'error: 90 of 100 messages dropped: 90 dropped because the queue was full while disconnected (see --queue)$' \
    "$work/err" || fail "the error line does not count the queue drops"
}

# SIGTERM while disconnected stops reading at once and gives what is in flight 2 s, not the rest
# of --timeout; it says how many were left.
case_pipe_sigterm_while_disconnected() {
  local port start elapsed
  port=$(closed_port)
  mkfifo "$work/in"
  # timeout(1) passes our SIGTERM on twice (to the child and to its group): the command counts
  # that as one request, not as a second signal meaning "give up at once". -v: its log says
  # when it is past its first connection attempts (the input is read all along, so both lines
  # are queued by then).
  timeout -k 10 "$LIMIT" "$CLI" pipe -v -s "127.0.0.1:$port" --retry-delay 0.2 \
    --retry-max 0.4 a <"$work/in" >"$work/out" 2>"$work/err" &
  local piper=$!
  background_pids+=($piper)
  exec 7>"$work/in"
  printf 'one\ntwo\n' >&7
  local tries
  for tries in $(seq 300); do
    [ "$(grep -c 'debug: connecting to' "$work/err")" -ge 4 ] && break
    sleep 0.1
  done
  start=$(date +%s%N)
  kill -TERM "$piper"
  wait "$piper"
  code=$?
  elapsed=$((($(date +%s%N) - start) / 1000000))
  exec 7>&-
  expect_code 5 "pipe stopped by SIGTERM with lines undelivered"
  [ "$(grep -c '^mqtt-setup: error: ' "$work/err")" -eq 1 ] || fail "not one error line"  # + -v log
  grep -q 'error: 2 of 2 messages not delivered: stopped by a signal' "$work/err" ||
    fail "the error line does not say what was left"
  [ "$elapsed" -lt 6000 ] || fail "SIGTERM took ${elapsed} ms (2 s for what is in flight)"
}

# send -f FILE / -s (standard input) / -n, as mosquitto_pub's -f, -s, -n; a message of any size
# is sent (the buffers fit the one message).
case_send_message_sources() {
  need_clients
  local port id
  port=$(broker_port plain) || exit $?  # 77: skipped
  id=$(unique_id sources)
  head -c 3000000 /dev/urandom | base64 -w 0 >"$work/big"  # 4 MB, one line
  mosquitto_sub -h 127.0.0.1 -p "$port" -t "devices/$id/big" -q 1 -C 1 -W 20 -N >"$work/got-big" &
  background_pids+=($!)
  start_subscriber "$work/sub" "$port" "devices/$id/+" 4 20
  run_cli send -s "127.0.0.1:$port" -i "$id" -f "$work/big" big
  expect_code 0 "send -f of a 4 MB file"
  printf 'two\nlines' >"$work/in"
  run_cli_input "$work/in" send --server "127.0.0.1:$port" -i "$id" -s stdin
  expect_code 0 "send --server H -s SUFFIX <file"
  run_cli send -s "127.0.0.1:$port" -i "$id" -n empty
  expect_code 0 "send -n"
  run_cli send -s "127.0.0.1:$port" -i "$id" -f "$work/in" text
  expect_code 0 "send -f"
  await_line "$work/sub" "^devices/$id/text two$" 10 || fail "send -f: not received"
  grep -q "^devices/$id/stdin two$" "$work/sub" || fail "send -s: not received"
  grep -q "^devices/$id/empty" "$work/sub" || fail "send -n: not received"
  local tries
  for tries in $(seq 100); do cmp -s "$work/big" "$work/got-big" && break; sleep 0.1; done
  cmp -s "$work/big" "$work/got-big" || fail "the 4 MB message did not arrive intact"
  expect_usage_error "no message at all" send -s "127.0.0.1:$port" a
  expect_usage_error "MESSAGE and -n" send -s "127.0.0.1:$port" -n a b
  expect_usage_error "-f of a directory" send -s "127.0.0.1:$port" -f "$work" a
}

# --queue-file never overwrites a file it did not write (spec: input rules).
case_queue_file_foreign_is_refused() {
  cp /etc/hostname "$work/f.txt" 2>/dev/null || echo "my-host" >"$work/f.txt"
  chmod 644 "$work/f.txt"
  local before
  before=$(md5sum <"$work/f.txt")
  echo hi >"$work/in"
  run_cli_input "$work/in" pipe -s "127.0.0.1:$(closed_port)" --queue-file "$work/f.txt" x
  expect_code 2 "pipe --queue-file on a foreign file"
  expect_one_error_line
  grep -q "f.txt.*not a queue file of ours" "$work/err" || fail "the error does not say why"
  [ "$(md5sum <"$work/f.txt")" = "$before" ] || fail "the foreign file was changed"
  [ "$(stat -c %a "$work/f.txt")" = 644 ] || fail "the foreign file's mode was changed"
}

# fleet's exit codes: 3 with the reason when the broker refuses the devices' credentials; 2
# for an unwritable --stats-file, before connecting.
case_fleet_exit_codes() {
  local port start elapsed
  port=$(broker_port auth) || exit $?  # 77: skipped
  run_cli fleet -s "127.0.0.1:$port" -u device --password-file <(echo wrong) --devices 3 \
    --duration 1 --drain 0 --retry-delay 0.2
  expect_code 2 "fleet with a password file that is not a regular file"
  echo wrong >"$work/password"
  run_cli fleet -s "127.0.0.1:$port" -u device --password-file "$work/password" --devices 3 \
    --duration 1 --drain 0 --retry-delay 0.2
  expect_code 3 "fleet refused by the broker"
  [ "$(grep -c '^mqtt-setup: error: ' "$work/err")" -eq 1 ] || fail "not one error line"  # + progress
  grep -Eq 'error: 3 of 3 devices never connected: .*(bad user name or password|not authorized)' \
    "$work/err" || fail "the error line does not give the refusal's reason"
  start=$(date +%s%N)
  run_cli fleet -s "127.0.0.1:$port" --devices 3 --duration 5 --stats-file /nonexistent-dir/stats.csv
  elapsed=$((($(date +%s%N) - start) / 1000000))
  expect_code 2 "fleet with an unwritable --stats-file"
  expect_one_error_line
  grep -q 'cannot write --stats-file /nonexistent-dir/stats.csv' "$work/err" || fail "no reason given"
  [ "$elapsed" -lt 4000 ] || fail "--stats-file was checked only after the run (${elapsed} ms)"
}

case=${1:-}
declare -F "case_$case" >/dev/null || { echo "usage: cli_test.sh CASE (unknown case '$case')" >&2; exit 2; }
"case_$case"
echo "PASS: $case"
