#!/usr/bin/env bash
# Integration tests of MQTT 5 in the mqtt-setup command (issue #9) against two real brokers:
#   mosquitto (2.0, speaks 5.0): the broker of the CTest fixture `broker`;
#   aedes (npm, 1.x): speaks 3.1.1 only and answers a 5.0 CONNECT with the 3.1.1 CONNACK
#     "unacceptable protocol version" (20 02 00 01, aedes lib/handlers/connect.js), so it is
#     the 3.1.1-only broker of the fallback cases. Installed with `npm ci` at the version
#     aedes/package-lock.json pins into the build folder; each case starts its own on a free
#     loopback port (aedes/aedes_broker.mjs) and stops it by its PID.
#
#   MQTT_SETUP_CLI=mqtt-setup MQTT_SETUP_TEST_BROKER_DIR=dir MQTT5_NODE_DIR=dir mqtt5_test.sh CASE
#
# Exit 0: passed, 1: failed, 77: skipped (no broker, no mosquitto clients, no node/npm or npm
# offline — except under CI=true, where npm trouble fails the case instead of skipping it).
# Every wait is bounded; only 127.0.0.1 is contacted; only processes this script started are
# stopped, by their PIDs.
set -u

CLI=${MQTT_SETUP_CLI:?set MQTT_SETUP_CLI to the mqtt-setup binary}
BROKER_DIR=${MQTT_SETUP_TEST_BROKER_DIR:-}
NODE_DIR=${MQTT5_NODE_DIR:-${TMPDIR:-/tmp}/mqtt-setup-mqtt5-node}
here=$(cd "$(dirname "$0")" && pwd)
# work, cleanup of the processes started here, fail/skip, need_clients, await_line,
# count_lines, await_exit, broker_port, run_case.
source "$here/../agent/test_lib.sh"
LIMIT=30   # seconds any single command may take before it counts as hung

# npm/node trouble: a skip locally, a failure under CI (the registry is reachable there).
skip_unless_ci() {
  if [ "${CI:-}" = "true" ]; then fail "$* (CI: failing instead of skipping)"; fi
  skip "$*"
}

# Replaces test_lib.sh's unique_id: a client id of 18 characters, the length of the platform
# id ("linux_" + 12 hex digits), so that the byte counts below are those of a real device.
unique_id() { printf 'm5%s_%014d' "$1" $(( ($$ * 32768 + RANDOM) % 100000000000000 )) | cut -c1-18; }


# Runs the CLI with a time limit; stdout -> $work/$1.out, stderr -> $work/$1.err; sets $code.
run_cli() {  # name args...
  local name=$1
  shift
  timeout -k 2 "$LIMIT" "$CLI" "$@" >"$work/$name.out" 2>"$work/$name.err" </dev/null
  code=$?
}
run_cli_input() {  # name input-file args...
  local name=$1 input=$2
  shift 2
  timeout -k 2 "$LIMIT" "$CLI" "$@" >"$work/$name.out" 2>"$work/$name.err" <"$input"
  code=$?
}

# Starts the CLI itself (not under `timeout`, so that $started_pid is the real process a test
# may SIGKILL) in the background, with a watchdog that ends it after $1 seconds.
start_cli() {  # seconds name args...
  local seconds=$1 name=$2
  shift 2
  "$CLI" "$@" >"$work/$name.out" 2>"$work/$name.err" </dev/null &
  started_pid=$!
  background_pids+=("$started_pid")
  ( sleep "$seconds"; kill -TERM "$started_pid" 2>/dev/null ) >/dev/null 2>&1 &
  background_pids+=($!)
}


# A 5.0 subscriber (test_lib.sh's start_subscriber speaks 3.1.1) printing `topic payload` lines
# into $work/$1.sub for at most $4 seconds; returns once the broker acknowledged the subscription.
start_subscriber5() {  # name port topic seconds [mosquitto_sub args...]
  local name=$1 port=$2 topic=$3 seconds=$4
  shift 4
  subscribe_confirmed "$work/$name.sub" -h 127.0.0.1 -p "$port" -V mqttv5 -t "$topic" -q 1 -v \
    -W "$seconds" "$@" || fail "no subscription to $topic: $(tail -2 "$work/$name.sub.err")"
}

# `json_field LINE EXPR`: python expression over d = json.loads(LINE).
json_field() {
  python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}

# ---------------------------------------------------------------------------------------------
# aedes

# Installs aedes (package-lock.json) into $NODE_DIR unless it is there; serialised by a lock.
need_aedes() {
  command -v node >/dev/null 2>&1 || skip_unless_ci "node not found (Debian: apt-get install nodejs npm)"
  command -v npm >/dev/null 2>&1 || skip_unless_ci "npm not found (Debian: apt-get install npm)"
  command -v flock >/dev/null 2>&1 || skip "flock not found (util-linux)"
  mkdir -p "$NODE_DIR" || fail "cannot create $NODE_DIR"
  if [ -z "${HOME:-}" ] || [ ! -w "${HOME:-/nonexistent}" ]; then
    export npm_config_cache=$NODE_DIR/npm-cache
  fi
  (
    flock -w 200 9 || exit 3
    if cmp -s "$here/aedes/package-lock.json" "$NODE_DIR/package-lock.json" &&
       cmp -s "$here/aedes/package.json" "$NODE_DIR/package.json" &&
       [ -f "$NODE_DIR/node_modules/aedes/package.json" ]; then
      exit 0
    fi
    rm -rf "$NODE_DIR/node_modules"
    cp "$here/aedes/package.json" "$here/aedes/package-lock.json" "$NODE_DIR/"
    if ! (cd "$NODE_DIR" && timeout 180 npm ci --no-audit --no-fund --loglevel=error >npm.log 2>&1); then
      cat "$NODE_DIR/npm.log" >&2
      rm -f "$NODE_DIR/package-lock.json"  # retry next time
      exit 4
    fi
  ) 9>"$NODE_DIR/.install.lock"
  case $? in
    0) ;;
    3) fail "timed out waiting for another test's npm ci" ;;
    *) skip_unless_ci "npm ci of aedes failed (offline?)" ;;
  esac
}

# Starts a private aedes; its port in $aedes_port, its PID in $aedes_pid.
start_aedes() {
  need_aedes
  cp "$here/aedes/aedes_broker.mjs" "$NODE_DIR/aedes_broker.mjs"  # resolves aedes from there
  node "$NODE_DIR/aedes_broker.mjs" "$work/aedes.port" 120 >"$work/aedes.log" 2>&1 </dev/null &
  aedes_pid=$!
  background_pids+=("$aedes_pid")
  await_line "$work/aedes.port" '^[0-9]+$' 10 || fail "aedes did not start"
  aedes_port=$(cat "$work/aedes.port")
}

# ---------------------------------------------------------------------------------------------
# Bytes on the wire of a PUBLISH, from a `-v` line `sent PUBLISH id=.. qos=1 ... topic="T"
# payload=N bytes name=value...`: fixed header + topic + packet id + properties + payload.
publish_bytes() {  # the log line
  python3 - "$1" <<'EOF'
import re, sys
line = sys.argv[1]
m = re.search(r'qos=(\d) .* topic="(.*)" payload=(\d+) bytes(.*)$', line)
qos, topic, payload, props = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
def varint(n):
    size = 1
    while n >= 128:
        n //= 128; size += 1
    return size
sizes = {'topic-alias': 3, 'message-expiry-interval': 5, 'payload-format-indicator': 2}
prop_bytes = 0
for name, value in re.findall(r' ([a-z-]+)=("(?:[^"]*)"(?::"[^"]*")?|\S+)', props):
    if name == 'user-property':
        k, v = re.match(r'"(.*)":"(.*)"', value).groups()
        prop_bytes += 1 + 2 + len(k.encode()) + 2 + len(v.encode())
    elif name in sizes:
        prop_bytes += sizes[name]
    else:
        sys.exit('publish_bytes: unknown property ' + name)
rest = 2 + len(topic.encode()) + (2 if qos else 0) + payload
print(rest, prop_bytes)
EOF
}
# Total bytes: $1 = the line, $2 = 5 for a 5.0 packet (property length present), 311 otherwise.
packet_bytes() {
  local rest props total
  read -r rest props < <(publish_bytes "$1")
  if [ "$2" = 5 ]; then
    props=$((props + (props < 128 ? 1 : 2)))
  fi
  total=$((rest + props))
  echo $((1 + (total < 128 ? 1 : (total < 16384 ? 2 : 3)) + total))
}

# ---------------------------------------------------------------------------------------------
# Cases against mosquitto

# Case 2: topic aliases. pipe -V 5 sends the full topic with topic-alias=1 once, then topic=""
# with the alias; a 5.0 subscriber gets every message on the full topic. Prints the bytes per
# publish with and without the alias (16-byte payload, QoS 1, devices/{id}/sensors/temperature).
case_mosquitto_topic_alias() {
  need_clients
  local port id topic n=5 i
  port=$(broker_port plain) || exit $?
  id=$(unique_id a)
  topic="devices/$id/sensors/temperature"
  start_subscriber5 alias "$port" "$topic" 15 -C "$n"
  for i in $(seq "$n"); do printf 'reading-%08d\n' "$i"; done >"$work/input"  # 16 bytes each
  run_cli_input pipe "$work/input" pipe -V 5 -v -s "127.0.0.1:$port" -i "$id" -q 1 --timeout 10 \
    sensors/temperature
  [ "$code" -eq 0 ] || fail "pipe -V 5: exit code $code"
  grep 'sent PUBLISH' "$work/pipe.err" >"$work/publishes.log"
  [ "$(wc -l <"$work/publishes.log")" -eq "$n" ] || fail "expected $n PUBLISH in the -v log"
  head -1 "$work/publishes.log" | grep -q "topic=\"$topic\" payload=16 bytes.* topic-alias=1" ||
    fail "the first PUBLISH does not carry the full topic and topic-alias=1"
  [ "$(tail -n +2 "$work/publishes.log" | grep -c 'topic="" payload=16 bytes.* topic-alias=1')" -eq $((n - 1)) ] ||
    fail "later PUBLISH do not use topic=\"\" with topic-alias=1"
  for i in $(seq 50); do [ "$(count_lines "$work/alias.sub" .)" -ge "$n" ] && break; sleep 0.1; done
  [ "$(count_lines "$work/alias.sub" "^$topic reading-[0-9]{8}$")" -eq "$n" ] ||
    fail "the subscriber did not get all $n messages on the full topic"
  for i in $(seq "$n"); do
    grep -qx "$topic $(printf 'reading-%08d' "$i")" "$work/alias.sub" || fail "message $i missing"
  done

  # The same with 3.1.1, for the bytes without aliases (and it must still deliver).
  run_cli_input pipe311 "$work/input" pipe -v -s "127.0.0.1:$port" -i "$id" -q 1 --timeout 10 \
    sensors/temperature
  [ "$code" -eq 0 ] || fail "pipe 3.1.1: exit code $code"
  local first later v311 full
  first=$(packet_bytes "$(head -1 "$work/publishes.log")" 5)
  later=$(packet_bytes "$(sed -n 2p "$work/publishes.log")" 5)
  v311=$(packet_bytes "$(grep -m1 'sent PUBLISH' "$work/pipe311.err")" 311)
  # 5.0 without an alias: the full topic and an empty property block (1 byte).
  full=$(packet_bytes "$(head -1 "$work/publishes.log" | sed 's/ topic-alias=1//')" 5)
  echo "bytes per PUBLISH (QoS 1, 16-byte payload, topic $topic, ${#topic} characters):"
  echo "  MQTT 5 without topic alias: $full"
  echo "  MQTT 5 with topic alias, first (full topic + alias): $first"
  echo "  MQTT 5 with topic alias, every later one (topic \"\" + alias): $later"
  echo "  MQTT 3.1.1: $v311"
  echo "  saved per publish after the first: $((full - later)) bytes ($(( (full - later) * 100 / full ))%)"
}

# -V auto against a 5.0 broker stays on 5.0 (no fallback).
case_mosquitto_auto_uses_5() {
  need_clients
  local port id
  port=$(broker_port plain) || exit $?
  id=$(unique_id u)
  run_cli send send -V auto -v -s "127.0.0.1:$port" -i "$id" sensors/x 1
  [ "$code" -eq 0 ] || fail "send -V auto: exit code $code"
  grep -q 'sent CONNECT mqtt=5' "$work/send.err" || fail "no 5.0 CONNECT"
  grep -q 'falling back' "$work/send.err" && fail "fell back although mosquitto speaks 5.0"
  return 0
}

# Case 3: will delay. A client with a delayed will (10 s) killed with SIGKILL and restarted
# within the delay: no `offline`. Killed and not restarted: `offline` after about 10 s.
# The restart comes as soon as the first process is gone; the delay is 5x what a restart takes
# on a loaded machine under a sanitizer (< 2 s), so the will cannot fire first by chance.
case_mosquitto_will_delay() {
  need_clients
  local port id topic started elapsed delay=10 killed
  port=$(broker_port plain) || exit $?
  id=$(unique_id w)
  topic="devices/$id/status/online"
  start_subscriber5 will "$port" "$topic" 50
  local will=(-V 5 -s "127.0.0.1:$port" -i "$id" --will-topic status/online --will-message offline
              --will-delay "$delay" --no-clean --session-expiry 60 --retry-delay 0.2 --retry-max 1)
  start_cli 50 listen1 listen -v "${will[@]}" "devices/$id/commands/#"
  local first=$started_pid
  await_line "$work/listen1.err" 'received SUBACK' 10 || fail "the client did not subscribe"
  grep -q 'will="'"$topic"'" will-delay-interval='"$delay" "$work/listen1.err" ||
    fail "the CONNECT does not carry the will with will-delay-interval=$delay"
  kill -KILL "$first"
  killed=$(date +%s.%N)
  wait "$first" 2>/dev/null
  start_cli 50 listen2 listen -v "${will[@]}" "devices/$id/commands/#"
  local second=$started_pid
  await_line "$work/listen2.err" 'received CONNACK' 10 || fail "the restarted client did not connect"
  grep -q 'received CONNACK session_present=1' "$work/listen2.err" ||
    fail "the session (expiry 60 s) was not kept across the restart"
  elapsed=$(awk -v s="$killed" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
  echo "the restarted client was connected ${elapsed} s after the SIGKILL (will delay $delay s)"
  # Past the will delay counted from the kill, with 2 s to spare: no offline.
  sleep "$(awk -v s="$killed" -v e="$(date +%s.%N)" -v d="$delay" \
    'BEGIN { w = s + d + 2 - e; printf "%.1f", (w > 0 ? w : 0) }')"
  grep -q offline "$work/will.sub" && fail "the will was published although the client came back within the delay"

  kill -KILL "$second"
  started=$(date +%s.%N)
  await_line "$work/will.sub" "^$topic offline$" $((delay + 10)) ||
    fail "no offline within $((delay + 10)) s of the kill"
  elapsed=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
  echo "offline arrived ${elapsed} s after the SIGKILL (will delay $delay s)"
  awk -v e="$elapsed" -v d="$delay" 'BEGIN { exit !(e >= d - 1) }' ||
    fail "offline came after ${elapsed} s, before the $delay s delay"
}

# --will-on-exit: a client stopped by SIGTERM ends with DISCONNECT 0x04 and the broker publishes
# its will; without the flag it ends with the normal DISCONNECT (0x00) and no will is published.
# `will_on_exit_case VERSION WITH_FLAG`; 3.1.1 has no reason code: the flag closes without
# DISCONNECT there, which makes a 3.1.1 broker publish the will just the same.
will_on_exit_case() {
  need_clients
  local version=$1 with_flag=$2 port id topic pid
  port=$(broker_port plain) || exit $?
  id=$(unique_id x)
  topic="devices/$id/status/online"
  start_subscriber5 will "$port" "$topic" 40
  local args=(-V "$version" -s "127.0.0.1:$port" -i "$id" --will-topic status/online
              --will-message offline)
  [ "$with_flag" = yes ] && args+=(--will-on-exit)
  start_cli 30 listen listen -v "${args[@]}" "devices/$id/commands/#"
  pid=$started_pid
  await_line "$work/listen.err" 'received SUBACK' 10 || fail "the client did not subscribe"
  kill -TERM "$pid"
  await_exit "$pid" 10 || fail "listen did not exit within 10 s of SIGTERM"
  [ "$code" -eq 0 ] || fail "listen: exit code $code after SIGTERM"
  if [ "$with_flag" = yes ]; then
    if [ "$version" = 5 ]; then
      grep -q 'sent DISCONNECT reason=4 ' "$work/listen.err" ||
        fail "no DISCONNECT with reason 0x04 after SIGTERM"
    else
      grep -q 'sent DISCONNECT' "$work/listen.err" && fail "3.1.1: DISCONNECT sent, the will is discarded"
    fi
    await_line "$work/will.sub" "^$topic offline$" 10 || fail "no will published within 10 s"
  else
    grep -q 'sent DISCONNECT$' "$work/listen.err" || fail "no normal DISCONNECT (0x00) after SIGTERM"
    # The broker acts on a DISCONNECT at once; 3 s is a wide margin for a will that must not come.
    sleep 3
    grep -q offline "$work/will.sub" && fail "the will was published after a normal DISCONNECT"
  fi
  return 0
}
case_mosquitto_will_on_exit() { will_on_exit_case 5 yes; }
case_mosquitto_exit_without_will() { will_on_exit_case 5 no; }
case_mosquitto_will_on_exit_311() { will_on_exit_case 311 yes; }

# Case 4: message expiry. A persistent-session subscriber is offline; a message with --expiry 2
# is queued for it; it reconnects after 4 s: not delivered. With --expiry 30: delivered.
case_mosquitto_message_expiry() {
  need_clients
  local port id sub topic
  port=$(broker_port plain) || exit $?
  id=$(unique_id e)
  sub="$id-sub"
  topic="devices/$id/sensors/expiring"
  # The subscriber's persistent session (5.0, session expiry 60 s), then it goes away.
  timeout 10 mosquitto_sub -h 127.0.0.1 -p "$port" -V mqttv5 -i "$sub" -c -x 60 -t "$topic" -q 1 \
    -E >/dev/null 2>&1 || fail "mosquitto_sub could not create the session"
  run_cli short send -V 5 -v -s "127.0.0.1:$port" -i "$id" -q 1 --expiry 2 sensors/expiring short-lived
  [ "$code" -eq 0 ] || fail "send --expiry 2: exit code $code"
  grep -q 'sent PUBLISH .*message-expiry-interval=2' "$work/short.err" ||
    fail "the PUBLISH does not carry message-expiry-interval=2"
  run_cli long send -V 5 -s "127.0.0.1:$port" -i "$id" -q 1 --expiry 30 sensors/expiring long-lived
  [ "$code" -eq 0 ] || fail "send --expiry 30: exit code $code"
  sleep 4
  timeout 10 mosquitto_sub -h 127.0.0.1 -p "$port" -V mqttv5 -i "$sub" -c -x 60 -t "$topic" -q 1 \
    -v -W 3 -F '%t %p expiry=%E' >"$work/queued.sub" 2>&1
  grep -q short-lived "$work/queued.sub" && fail "the message with --expiry 2 was delivered after 4 s"
  grep -q "^$topic long-lived expiry=" "$work/queued.sub" || fail "the message with --expiry 30 was not delivered"
  # Clean up the session.
  timeout 10 mosquitto_sub -h 127.0.0.1 -p "$port" -V mqttv5 -i "$sub" -t "$topic" -E >/dev/null 2>&1
  return 0
}

# Case 6: session expiry. A subscribes (-V 5 --no-clean --session-expiry 8) and goes away; a
# message is published; A back at once: session present, gets it. After 12 s: session gone.
# "At once" takes < 1.6 s even under a sanitizer on a loaded machine: 5x inside the expiry; 12 s
# leaves the broker 4 s to notice the expiry.
case_mosquitto_session_expiry() {
  need_clients
  local port id topic gap
  port=$(broker_port plain) || exit $?
  id=$(unique_id s)
  topic="devices/$id/commands/wake"
  for gap in 0 12; do
    local a=(-V 5 -v -s "127.0.0.1:$port" -i "$id" --no-clean --session-expiry 8 --retry-delay 0.2 --retry-max 1)
    start_cli 20 "first$gap" listen "${a[@]}" "devices/$id/commands/#"
    local pid=$started_pid
    await_line "$work/first$gap.err" 'received SUBACK' 10 || fail "A did not subscribe"
    grep -q 'sent CONNECT mqtt=5 .*clean=0.* session-expiry-interval=8' "$work/first$gap.err" ||
      fail "the CONNECT does not ask for session expiry 8"
    kill -TERM "$pid"  # listen exits 0 on SIGTERM, with a DISCONNECT
    await_exit "$pid" 5 || fail "listen did not stop on SIGTERM"
    mosquitto_pub -h 127.0.0.1 -p "$port" -V mqttv5 -t "$topic" -q 1 -m "while away $gap" ||
      fail "mosquitto_pub failed"
    sleep "$gap"
    start_cli 20 "again$gap" listen "${a[@]}" "devices/$id/commands/#"
    pid=$started_pid
    await_line "$work/again$gap.err" 'received CONNACK' 10 || fail "A did not reconnect"
    if [ "$gap" = 0 ]; then
      grep -q 'received CONNACK session_present=1' "$work/again$gap.err" ||
        fail "back at once (< 8 s) the session was gone"
      await_line "$work/again$gap.out" "^$topic while away 0$" 5 ||
        fail "back at once, the queued message was not delivered"
    else
      grep -q 'received CONNACK session_present=0' "$work/again$gap.err" ||
        fail "after 12 s (> 8 s) the session was still there"
      sleep 1
      grep -q "while away" "$work/again$gap.out" && fail "after 12 s a message of the expired session arrived"
    fi
    kill -TERM "$pid"
    await_exit "$pid" 5 || fail "listen did not stop on SIGTERM"
  done
  return 0
}

# Case 7: request/response. A 5.0 request with response topic and correlation data to the
# agent: the answer arrives on the response topic with the same correlation data.
case_mosquitto_request_response() {
  need_clients
  local port id line
  port=$(broker_port plain) || exit $?
  id=$(unique_id r)
  start_cli 30 listen listen -V 5 -v --json -s "127.0.0.1:$port" -i "$id-l" "resp/$id/#"
  await_line "$work/listen.err" 'received SUBACK' 10 || fail "listen did not subscribe"
  start_cli 30 agent agent -V 5 --json -s "127.0.0.1:$port" -i "$id" --interval 60
  await_line "$work/agent.out" '"event":"online"' 10 || fail "the agent never came online"
  mosquitto_pub -h 127.0.0.1 -p "$port" -V mqttv5 -q 1 -t "devices/$id/commands/configuration" \
    -m '{"interval": 5}' -D publish response-topic "resp/$id/1" -D publish correlation-data abc ||
    fail "mosquitto_pub failed"
  await_line "$work/listen.out" "resp/$id/1" 10 || fail "no answer on resp/$id/1"
  line=$(grep -m1 "resp/$id/1" "$work/listen.out")
  [ "$(json_field "$line" 'd["properties"]["correlation_data_hex"]')" = 616263 ] ||
    fail "the answer does not carry correlation data abc: $line"
  [ "$(json_field "$line" 'json.loads(d["payload"])["interval"]')" = 5.0 ] ||
    [ "$(json_field "$line" 'json.loads(d["payload"])["interval"]')" = 5 ] ||
    fail "the answer does not hold the applied interval: $line"
}

# Case 8a: user properties. send --property unit=°C: listen --json shows them.
case_mosquitto_user_properties() {
  need_clients
  local port id line
  port=$(broker_port plain) || exit $?
  id=$(unique_id p)
  start_cli 20 listen listen -V 5 -v --json -s "127.0.0.1:$port" -i "$id-l" "devices/$id/#"
  await_line "$work/listen.err" 'received SUBACK' 10 || fail "listen did not subscribe"
  run_cli send send -V 5 -s "127.0.0.1:$port" -i "$id" --property unit=°C --property src=test \
    sensors/temperature 21.5
  [ "$code" -eq 0 ] || fail "send --property: exit code $code"
  await_line "$work/listen.out" 'sensors/temperature' 10 || fail "listen got nothing"
  line=$(grep -m1 sensors/temperature "$work/listen.out")
  [ "$(json_field "$line" 'd["properties"]["user_properties"]')" = "[['unit', '°C'], ['src', 'test']]" ] ||
    fail "user properties not shown as [[\"unit\",\"°C\"],[\"src\",\"test\"]]: $line"
  # And a 5.0 subscriber of another make sees them too.
  start_subscriber5 props "$port" "devices/$id/#" 10 -C 1 -F '%t %p %P'
  run_cli send2 send -V 5 -s "127.0.0.1:$port" -i "$id" --property unit=°C sensors/temperature 22
  await_line "$work/props.sub" 'unit:°C' 10 || fail "mosquitto_sub did not see the user property"
}

# Case 8b: shared subscriptions. Two listen --share g members: each gets a part, together all.
case_mosquitto_shared_subscription() {
  need_clients
  local port id n=20 a b i
  port=$(broker_port plain) || exit $?
  id=$(unique_id g)
  start_cli 30 member1 listen -V 5 -v -s "127.0.0.1:$port" -i "$id-1" --share "g$id" "devices/$id/#"
  start_cli 30 member2 listen -V 5 -v -s "127.0.0.1:$port" -i "$id-2" --share "g$id" "devices/$id/#"
  await_line "$work/member1.err" 'received SUBACK' 10 || fail "member 1 did not subscribe"
  await_line "$work/member2.err" 'received SUBACK' 10 || fail "member 2 did not subscribe"
  grep -q "SUBSCRIBE .*\"\\\$share/g$id/devices/$id/#\"" "$work/member1.err" ||
    fail "member 1 did not subscribe to \$share/g$id/devices/$id/#"
  for i in $(seq "$n"); do echo "m$i"; done >"$work/input"
  run_cli_input pipe "$work/input" pipe -V 5 -s "127.0.0.1:$port" -i "$id" -q 1 --timeout 10 sensors/shared
  [ "$code" -eq 0 ] || fail "pipe: exit code $code"
  for i in $(seq 50); do
    [ $(( $(count_lines "$work/member1.out" .) + $(count_lines "$work/member2.out" .) )) -ge "$n" ] && break
    sleep 0.1
  done
  a=$(count_lines "$work/member1.out" .)
  b=$(count_lines "$work/member2.out" .)
  echo "member 1 got $a, member 2 got $b of $n"
  [ "$a" -gt 0 ] && [ "$b" -gt 0 ] || fail "one member got nothing ($a / $b)"
  [ $((a + b)) -eq "$n" ] || fail "together $((a + b)) messages, not $n"
  [ "$(cat "$work/member1.out" "$work/member2.out" | sort -u | wc -l)" -eq "$n" ] ||
    fail "duplicates or missing messages"
}

# Subscription identifiers: listen -V 5 --json with two overlapping filters (identifiers 1 and
# 2, in the order given). A message matching both reaches listen as mosquitto sends it (one
# copy per subscription, or one naming both) and every id appears exactly once across its
# copies; a message matching one names that one. 3.1.1: no "subscription_ids" at all.
case_mosquitto_subscription_ids() {
  need_clients
  local port id root line ids
  port=$(broker_port plain) || exit $?
  id=$(unique_id i)
  root="subs/$id"
  start_cli 20 listen listen -V 5 -v --json -s "127.0.0.1:$port" -i "$id-l" "$root/#" "$root/a/+"
  start_cli 20 listen311 listen --json -v -s "127.0.0.1:$port" -i "$id-3" "$root/#" "$root/a/+"
  await_line "$work/listen.err" 'sent SUBSCRIBE .*subscription-identifier=2' 10 ||
    fail "listen did not subscribe with identifier 2"
  grep -q "sent SUBSCRIBE .*\"$root/#\".*subscription-identifier=1" "$work/listen.err" ||
    fail "the first filter did not get identifier 1: $(grep 'sent SUBSCRIBE' "$work/listen.err")"
  await_line "$work/listen.err" 'received SUBACK.*' 10 || fail "listen did not subscribe"
  for i in $(seq 50); do [ "$(grep -c 'received SUBACK' "$work/listen.err")" -ge 2 ] && break; sleep 0.1; done
  for i in $(seq 50); do [ "$(grep -c 'received SUBACK' "$work/listen311.err")" -ge 2 ] && break; sleep 0.1; done
  mosquitto_pub -h 127.0.0.1 -p "$port" -q 1 -t "$root/a/x" -m both || fail "mosquitto_pub failed"
  mosquitto_pub -h 127.0.0.1 -p "$port" -q 1 -t "$root/b" -m one || fail "mosquitto_pub failed"
  await_line "$work/listen.out" "\"$root/b\"" 10 || fail "listen -V 5 got nothing on $root/b"
  await_line "$work/listen311.out" "\"$root/b\"" 10 || fail "listen 3.1.1 got nothing on $root/b"
  cat "$work/listen.out"
  ids=$(grep "\"topic\":\"$root/a/x\"" "$work/listen.out" |
        while read -r line; do json_field "$line" 'd["subscription_ids"]'; done | tr -d '[] ' | tr '\n' ',')
  [ "$(echo "$ids" | tr ',' '\n' | grep . | sort -n | tr '\n' ' ')" = "1 2 " ] ||
    fail "the copies of $root/a/x name identifiers '$ids', not 1 and 2 once each"
  line=$(grep -m1 "\"topic\":\"$root/b\"" "$work/listen.out")
  [ "$(json_field "$line" 'd["subscription_ids"]')" = "[1]" ] ||
    fail "$root/b does not carry subscription_ids [1]: $line"
  [ "$(json_field "$line" 'd["properties"]["subscription_identifiers"]')" = "[1]" ] ||
    fail "properties.subscription_identifiers changed: $line"
  grep -q subscription_ids "$work/listen311.out" && fail "3.1.1 lines carry subscription_ids"
  echo "$root/a/x reached listen -V 5 as $(grep -c "\"topic\":\"$root/a/x\"" "$work/listen.out") cop(ies), ids $ids"
}

# ---------------------------------------------------------------------------------------------
# Cases against aedes (3.1.1 only)

# Case 1: -V auto against a 3.1.1-only broker falls back and delivers.
case_aedes_auto_falls_back() {
  need_clients
  local id
  start_aedes
  id=$(unique_id f)
  start_subscriber5 fallback "$aedes_port" "devices/$id/#" 10 -V mqttv311 -C 1
  run_cli send send -V auto -v -s "127.0.0.1:$aedes_port" -i "$id" sensors/temperature 23.5
  [ "$code" -eq 0 ] || fail "send -V auto against a 3.1.1 broker: exit code $code"
  grep -q 'sent CONNECT mqtt=5' "$work/send.err" || fail "no 5.0 CONNECT first"
  grep -q 'received CONNACK .*return_code=1' "$work/send.err" || fail "aedes did not refuse 5.0"
  grep -q 'does not speak MQTT 5: falling back to 3.1.1' "$work/send.err" || fail "no 'falling back to 3.1.1'"
  sed -n '/falling back/,$p' "$work/send.err" | grep 'sent CONNECT' >"$work/second.log"
  [ -s "$work/second.log" ] || fail "no CONNECT after the fallback"
  grep -q 'mqtt=5' "$work/second.log" && fail "the CONNECT after the fallback is still 5.0"
  await_line "$work/fallback.sub" "^devices/$id/sensors/temperature 23.5$" 10 ||
    fail "the message was not delivered after the fallback"
  # pipe and listen fall back the same way.
  start_cli 20 listen listen -V auto -v -s "127.0.0.1:$aedes_port" -i "$id-l" "devices/$id/#"
  await_line "$work/listen.err" 'received SUBACK' 10 || fail "listen -V auto did not subscribe"
  printf 'a\nb\n' >"$work/input"
  run_cli_input pipe "$work/input" pipe -V auto -s "127.0.0.1:$aedes_port" -i "$id" --timeout 10 sensors/p
  [ "$code" -eq 0 ] || fail "pipe -V auto: exit code $code"
  await_line "$work/listen.out" "^devices/$id/sensors/p b$" 10 || fail "listen -V auto got nothing"
}

# Case 1: -V 5 against a 3.1.1-only broker: a clear error, exit 3 (broker refused), no hang.
case_aedes_v5_refused() {
  local id started elapsed errors
  start_aedes
  id=$(unique_id v)
  started=$(date +%s)
  run_cli send send -V 5 -s "127.0.0.1:$aedes_port" -i "$id" --attempts 1 sensors/temperature 1
  elapsed=$(( $(date +%s) - started ))
  [ "$code" -eq 3 ] || fail "send -V 5 against a 3.1.1 broker: exit code $code, expected 3 (refused)"
  [ "$elapsed" -le 10 ] || fail "took ${elapsed} s"
  errors=$(grep -c '^mqtt-setup: error: ' "$work/send.err")
  [ "$errors" -eq 1 ] || fail "expected one 'mqtt-setup: error:' line, got $errors"
  grep '^mqtt-setup: error: ' "$work/send.err"
  grep -q '^mqtt-setup: error: .*protocol version' "$work/send.err" || fail "the error does not name the protocol version"
  grep -q '^mqtt-setup: error: .*MQTT 3.1.1' "$work/send.err" &&
    fail "the error blames MQTT 3.1.1 although -V 5 asked for MQTT 5 (src/setup/error.cpp refusal_advice)"
  grep -q '^mqtt-setup: error: .*MQTT 5' "$work/send.err" || fail "the error does not say the broker refuses MQTT 5"
  # listen -V 5 must not retry forever on a refusal either.
  run_cli listen listen -V 5 -s "127.0.0.1:$aedes_port" -i "$id" "devices/$id/#"
  [ "$code" -eq 3 ] || fail "listen -V 5 against a 3.1.1 broker: exit code $code, expected 3"
}

# 3.1.1 (the default) against aedes: delivers; MQTT 5 options are refused as usage errors.
case_aedes_v311() {
  need_clients
  local id
  start_aedes
  id=$(unique_id t)
  start_subscriber5 v311 "$aedes_port" "devices/$id/#" 10 -V mqttv311 -C 1
  run_cli send send -s "127.0.0.1:$aedes_port" -i "$id" -q 1 sensors/temperature 20
  [ "$code" -eq 0 ] || fail "send 3.1.1: exit code $code"
  await_line "$work/v311.sub" "^devices/$id/sensors/temperature 20$" 10 || fail "not delivered"
  run_cli usage send --property a=b -s "127.0.0.1:$aedes_port" -i "$id" sensors/x 1
  [ "$code" -eq 2 ] || fail "--property without -V 5: exit code $code, expected 2"
  grep -q 'needs MQTT 5' "$work/usage.err" || fail "no 'needs MQTT 5' hint"
}

# The 3.1.1 last will (no delay in 3.1.1) with -V auto after the fallback: SIGKILL -> offline.
case_aedes_auto_will() {
  need_clients
  local id topic
  start_aedes
  id=$(unique_id l)
  topic="devices/$id/status/online"
  start_subscriber5 will "$aedes_port" "$topic" 20 -V mqttv311
  start_cli 20 listen listen -V auto -v -s "127.0.0.1:$aedes_port" -i "$id" \
    --will-topic status/online --will-message offline "devices/$id/commands/#"
  await_line "$work/listen.err" 'received SUBACK' 10 || fail "the client did not subscribe"
  kill -KILL "$started_pid"
  await_line "$work/will.sub" "^$topic offline$" 10 || fail "aedes did not publish the will"
}

# ---------------------------------------------------------------------------------------------
# Case 5: receive maximum, against a scripted broker (receive_maximum_broker.py) announcing
# receive-maximum 2 and acknowledging slowly: never more than 2 unacknowledged QoS 1 PUBLISH.
case_fake_receive_maximum() {
  command -v python3 >/dev/null || skip "python3 not found"
  local n=6 i broker
  python3 "$here/receive_maximum_broker.py" "$work/fake.port" "$n" >"$work/fake.log" 2>&1 &
  broker=$!
  background_pids+=("$broker")
  await_line "$work/fake.port" '^[0-9]+$' 5 || fail "the scripted broker did not start"
  for i in $(seq "$n"); do echo "m$i"; done >"$work/input"
  run_cli_input pipe "$work/input" pipe -V 5 -v -s "127.0.0.1:$(cat "$work/fake.port")" -i fake-rm \
    -q 1 --timeout 15 sensors/x
  await_exit "$broker" 10 || fail "the scripted broker did not finish"
  grep -q 'received CONNACK .*receive-maximum=2' "$work/pipe.err" || fail "CONNACK receive-maximum=2 not seen"
  cat "$work/fake.log"
  [ "$code" -eq 0 ] || fail "pipe: exit code $code"
  grep -q "^outstanding max=[12] publishes=$n$" "$work/fake.log" ||
    fail "more than 2 unacknowledged PUBLISH, or not all $n sent"
}

run_case "$@"
