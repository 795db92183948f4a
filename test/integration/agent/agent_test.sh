#!/usr/bin/env bash
# Integration tests of `mqtt-setup agent` (docs/cli.md) against the mosquitto of the CTest
# fixture `broker`, checked with mosquitto_sub / mosquitto_pub. One case per CTest test:
#
#   MQTT_SETUP_CLI=path/to/mqtt-setup MQTT_SETUP_TEST_BROKER_DIR=dir agent_test.sh CASE
#
# Exit 0: passed, 1: failed, 77: skipped. Every wait is bounded; only 127.0.0.1 is contacted;
# only processes this script started are signalled, by their PID.
CLI=${MQTT_SETUP_CLI:?set MQTT_SETUP_CLI to the mqtt-setup binary}
BROKER_DIR=${MQTT_SETUP_TEST_BROKER_DIR:-}
# shellcheck source=test_lib.sh
. "$(dirname "$0")/test_lib.sh"

LIMIT=60  # no agent of a test lives longer

# Starts an agent (under `timeout`) with id $1 and more arguments; sets $agent_pid (the agent
# itself, not the timeout wrapper) and $port. Its --json lines go to $work/agent.out.
start_agent() {  # id args...
  local id=$1
  shift
  port=$(broker_port plain)
  start_limited "$LIMIT" "$work/agent.out" "$work/agent.err" \
    "$CLI" agent -s "127.0.0.1:$port" -i "$id" --retry-delay 0.2 --retry-max 1 --json "$@"
  local tries
  agent_pid=""
  for tries in $(seq 50); do
    agent_pid=$(pgrep -P "$started_pid" | head -1)
    [ -n "$agent_pid" ] && break
    sleep 0.1
  done
  [ -n "$agent_pid" ] || fail "the agent did not start"
  await_line "$work/agent.out" '"event":"online"' 10 || fail "the agent never came online"
}

command_to() {  # id name payload
  mosquitto_pub -h 127.0.0.1 -p "$port" -q 1 -t "devices/$1/commands/$2" -m "$3" ||
    fail "mosquitto_pub failed"
}

json_field() {  # json-text python-expression-of-d
  python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print('"$2"')' "$1"
}

# ---------------------------------------------------------------------------------------------

# online retained on connect, readings under sensors/, SIGTERM -> offline retained + exit 0.
case_online_readings_sigterm() {
  need_clients
  local id
  id=$(unique_id sigterm)
  port=$(broker_port plain)
  start_subscriber "$work/readings.sub" "$port" "devices/$id/#" 15
  start_agent "$id" --interval 1
  await_retained "$port" "devices/$id/status/online" online 5 || fail "no retained online"
  await_line "$work/readings.sub" "^devices/$id/sensors/load [0-9]+\.[0-9]+$" 5 ||
    fail "no sensors/load reading"
  await_line "$work/readings.sub" "^devices/$id/sensors/memory_available [0-9]+$" 5 ||
    fail "no sensors/memory_available reading"
  await_line "$work/readings.sub" "^devices/$id/sensors/uptime [0-9]+$" 5 || fail "no uptime"
  # Availability first, readings after it, as the agent publishes them. MQTT orders messages
  # per topic only [MQTT-4.6.0-6]: a broker may deliver another topic's messages first (RabbitMQ
  # does), so the order is checked where the agent publishes; the subscriber must have online.
  [ "$(grep -o '"event":"\(online\|readings\)"' "$work/agent.out" | head -1)" = '"event":"online"' ] ||
    fail "the agent published readings before online"
  grep -qx "devices/$id/status/online online" "$work/readings.sub" || fail "online never arrived"
  kill -TERM "$agent_pid"
  await_exit "$started_pid" 10 || fail "the agent did not exit after SIGTERM"
  [ "$code" -eq 0 ] || fail "exit code $code after SIGTERM, expected 0"
  [ "$(retained "$port" "devices/$id/status/online")" = offline ] ||
    fail "no retained offline after SIGTERM"
  await_line "$work/agent.out" '"event":"stopped"' 1 || fail "no stopped event"
}

# kill -9: no goodbye from the agent; the broker publishes the last will.
case_last_will() {
  need_clients
  local id
  id=$(unique_id will)
  start_agent "$id"
  await_retained "$port" "devices/$id/status/online" online 5 || fail "no retained online"
  kill -KILL "$agent_pid"
  await_retained "$port" "devices/$id/status/online" offline 10 ||
    fail "the broker did not publish the last will offline"
}

# A `send` under the agent's client id takes over its session: the broker publishes the will,
# the agent reconnects and says online again.
case_recovers_from_takeover() {
  need_clients
  local id
  id=$(unique_id takeover)
  start_agent "$id"
  await_retained "$port" "devices/$id/status/online" online 5 || fail "no retained online"
  start_subscriber "$work/status.sub" "$port" "devices/$id/status/online" 15
  timeout 20 "$CLI" send -s "127.0.0.1:$port" -i "$id" sensors/note hello >/dev/null 2>&1 ||
    fail "send failed"
  await_line "$work/status.sub" "status/online offline$" 10 || fail "no will after the takeover"
  await_retained "$port" "devices/$id/status/online" online 10 ||
    fail "the agent did not come back online"
  [ "$(count_lines "$work/agent.out" '"event":"online"')" -ge 2 ] ||
    fail "the agent did not announce itself again"
}

case_configuration_applied_and_rejected() {
  need_clients
  local id answer
  id=$(unique_id config)
  start_agent "$id" --interval 60
  start_subscriber "$work/config.sub" "$port" "devices/$id/status/configuration" 20
  start_subscriber "$work/readings.sub" "$port" "devices/$id/sensors/#" 20

  command_to "$id" configuration '{"interval": 1, "readings": ["load"], "qos": 1}'
  await_line "$work/config.sub" '"interval"' 5 || fail "no status/configuration"
  answer=$(head -1 "$work/config.sub" | cut -d' ' -f2-)
  [ "$(json_field "$answer" 'd["interval"], d["readings"], d["qos"]')" = "1.0 ['load'] 1" ] ||
    fail "configuration not applied: $answer"
  # With interval 1: two load readings come within about 1 s (the interval restarts at once);
  # the old interval (60 s) would give none. 10 s is 10x what it takes.
  local i
  for i in $(seq 100); do
    [ "$(count_lines "$work/readings.sub" 'sensors/load ')" -ge 2 ] && break
    sleep 0.1
  done
  [ "$(count_lines "$work/readings.sub" 'sensors/load ')" -ge 2 ] || fail "interval not applied"

  : >"$work/readings.sub.mark"
  for bad in 'not json' '{"interval": 5, "colour": "red"}' '{"interval": -1}' \
             '{"readings": ["flux"]}' '[1,2]' '{"qos": 7}'; do
    command_to "$id" configuration "$bad"
  done
  # Each document is its own mosquitto_pub: wait for all six answers, not for one of them.
  for i in $(seq 100); do
    [ "$(count_lines "$work/config.sub" '"error"')" -ge 6 ] && break
    sleep 0.1
  done
  [ "$(count_lines "$work/config.sub" '"error"')" -eq 6 ] ||
    fail "expected 6 rejections with an error"
  grep -q 'unknown key \\"colour\\"' "$work/config.sub" || fail "unknown key not named"
  grep -q 'not valid JSON' "$work/config.sub" || fail "invalid JSON not named"
  # Nothing changed: every rejection reports the configuration still in force.
  answer=$(grep colour "$work/config.sub" | cut -d' ' -f2-)
  [ "$(json_field "$answer" 'd["configuration"]["interval"], d["configuration"]["qos"]')" = "1.0 1" ] ||
    fail "a rejected document changed the configuration: $answer"
}

# commands/restart: acknowledged, then the same process (execv keeps the PID) starts afresh
# and comes online again.
# After commands/restart: the new image's own start, in the same process (a sanitizer build
# takes a while to start).
await_second_start() {
  local i
  for i in $(seq 100); do
    [ "$(count_lines "$work/agent.out" '"event":"started","pid":'"$agent_pid"',')" -ge 2 ] && break
    sleep 0.1
  done
  [ "$(count_lines "$work/agent.out" '"event":"started","pid":'"$agent_pid"',')" -eq 2 ] ||
    fail "the agent did not start again in the same process"
}

case_restart() {
  need_clients
  local id
  id=$(unique_id restart)
  start_agent "$id"
  start_subscriber "$work/restart.sub" "$port" "devices/$id/status/#" 20
  command_to "$id" restart now
  await_line "$work/restart.sub" "status/restart restarting$" 5 || fail "restart not acknowledged"
  await_line "$work/agent.out" '"event":"restarting"' 5 || fail "no restarting event"
  await_second_start
  local i
  # "online" after the acknowledgement: the new image's (a retained one from before may or may
  # not precede it: RabbitMQ sends retained messages to exact-topic subscriptions only).
  online_after_restart() {
    awk '/status\/restart restarting$/ {seen = 1; next}
         seen && /status\/online online$/ {n++} END {print n + 0}' "$work/restart.sub"
  }
  for i in $(seq 100); do
    [ "$(online_after_restart)" -ge 1 ] && break
    sleep 0.1
  done
  [ "$(online_after_restart)" -ge 1 ] || fail "not online again after the restart"
  kill -0 "$agent_pid" || fail "the agent is gone"
  kill -TERM "$agent_pid"
  await_exit "$started_pid" 10 && [ "$code" -eq 0 ] || fail "restarted agent: exit $code on SIGTERM"
}

# commands/restart keeps the configuration that commands/configuration set.
case_restart_keeps_configuration() {
  need_clients
  local id
  id=$(unique_id keepconf)
  start_agent "$id" --interval 60
  start_subscriber "$work/conf.sub" "$port" "devices/$id/status/#" 20
  command_to "$id" configuration '{"interval": 7}'
  await_line "$work/conf.sub" 'status/configuration \{"interval":7' 5 || fail "configuration not applied"
  command_to "$id" restart now
  await_second_start
  # A rejected configuration answers with the configuration in force: still interval 7.
  command_to "$id" configuration '{"colour": 1}'
  await_line "$work/conf.sub" '"configuration":\{"interval":7' 10 ||
    fail "the configuration was forgotten across the restart: $(grep configuration "$work/conf.sub")"
  kill -TERM "$agent_pid"
  await_exit "$started_pid" 10 && [ "$code" -eq 0 ] || fail "restarted agent: exit $code on SIGTERM"
}

case_exec_dir() {
  need_clients
  local id answer
  id=$(unique_id exec)
  mkdir -p "$work/bin"
  printf '#!/bin/sh\necho "got: $(cat)"\nexit 3\n' >"$work/bin/echo_input"
  printf '#!/bin/sh\ntouch %s/pwned\n' "$work" >"$work/bin/rm"
  printf '#!/bin/sh\nsleep 30\n' >"$work/bin/sleeper"
  printf '#!/bin/sh\nhead -c 100000 /dev/zero | tr "\\0" x\n' >"$work/bin/chatty"
  chmod +x "$work/bin/"*
  start_agent "$id" --exec-dir "$work/bin" --exec-timeout 1
  start_subscriber "$work/exec.sub" "$port" "devices/$id/status/#" 30

  command_to "$id" echo_input 'hello; $(id) `x`'
  await_line "$work/exec.sub" "status/echo_input " 5 || fail "no status/echo_input"
  answer=$(grep "status/echo_input " "$work/exec.sub" | cut -d' ' -f2-)
  [ "$(json_field "$answer" 'd["exit_code"], repr(d["output"])')" = \
    "3 'got: hello; \$(id) \`x\`\\n'" ] || fail "unexpected result: $answer"

  # Hostile names: refused before any path is built, nothing runs.
  for name in '..%2Frm' 'A;rm' 'rm;rm' '..' 'RM' 'x y' 'bin/rm'; do
    command_to "$id" "$name" payload
  done
  await_line "$work/exec.sub" 'command_error .*bin/rm' 5 || fail "hostile names not refused"
  [ "$(count_lines "$work/exec.sub" 'status/command_error ')" -eq 7 ] ||
    fail "expected 7 refusals"
  [ -e "$work/pwned" ] && fail "a hostile name ran a program"

  command_to "$id" sleeper ''
  await_line "$work/exec.sub" "status/sleeper " 6 || fail "the sleeper was not stopped"
  answer=$(grep "status/sleeper " "$work/exec.sub" | cut -d' ' -f2-)
  [ "$(json_field "$answer" 'd["timed_out"], d["signal"]')" = "True 9" ] ||
    fail "sleeper: $answer"

  command_to "$id" chatty ''
  await_line "$work/exec.sub" "status/chatty " 5 || fail "no status/chatty"
  answer=$(grep "status/chatty " "$work/exec.sub" | cut -d' ' -f2-)
  [ "$(json_field "$answer" 'len(d["output"]), d["truncated"], d["exit_code"]')" = "2048 True 0" ] ||
    fail "chatty output not bounded: ${answer:0:200}"

  command_to "$id" missing ''
  await_line "$work/exec.sub" "status/missing .*no executable" 5 || fail "missing program not reported"
}

# The retained discovery documents of agent $id, as `topic document` lines, into $1.
discovery_documents() {
  timeout 10 mosquitto_sub -h 127.0.0.1 -p "$port" -t "homeassistant/sensor/+/config" \
    --retained-only -v -W 2 2>/dev/null | grep "^homeassistant/sensor/${id}_" >"$1"
}

# Retained HA discovery documents with what HA requires, then removed by --ha-discovery-remove.
case_ha_discovery() {
  need_clients
  local id
  id=$(unique_id ha)
  start_agent "$id" --ha-discovery
  # The documents are published (retained, QoS 1) when the agent comes online: wait until the
  # broker has them all rather than for a fixed time.
  local i
  for i in $(seq 10); do
    discovery_documents "$work/ha.sub"
    [ "$(count_lines "$work/ha.sub" '^homeassistant/sensor/')" -ge 3 ] && break
  done
  [ "$(count_lines "$work/ha.sub" '^homeassistant/sensor/')" -ge 3 ] ||
    fail "fewer than 3 discovery documents"
  python3 - "$id" "$work/ha.sub" <<'PY' || fail "a discovery document is not what HA needs"
import json, sys
device_id, path = sys.argv[1], sys.argv[2]
for line in open(path):
    topic, document = line.rstrip("\n").split(" ", 1)
    d = json.loads(document)
    reading = topic.split("/")[2][len(device_id) + 1:]
    assert d["unique_id"] == f"{device_id}_{reading}", d
    assert d["state_topic"].startswith(f"devices/{device_id}/"), d
    assert d["availability_topic"] == f"devices/{device_id}/status/online", d
    assert d["payload_available"] == "online" and d["payload_not_available"] == "offline", d
    assert d["device"]["identifiers"] == [device_id] and d["device"]["name"] and d["device"]["model"], d
    assert d["name"], d
    if reading == "temperature":
        assert d["device_class"] == "temperature" and d["unit_of_measurement"] == "°C", d
    if reading == "memory_available":
        assert d["device_class"] == "data_size" and d["unit_of_measurement"] == "MiB", d
PY
  kill -TERM "$agent_pid"
  await_exit "$started_pid" 10 || fail "the agent did not stop"
  timeout 20 "$CLI" agent -s "127.0.0.1:$port" -i "$id" --ha-discovery-remove >"$work/remove.out" \
    2>"$work/remove.err" || fail "--ha-discovery-remove failed"
  discovery_documents "$work/ha-after.sub"
  [ -s "$work/ha-after.sub" ] && fail "discovery documents left after removal"
  return 0
}

run_case "${1:-}"
