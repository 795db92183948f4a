#!/usr/bin/env bash
# What RabbitMQ 3.10's MQTT plugin does differently under failure, measured on the 3-node
# cluster of rabbitmq_cluster.sh (docs/cluster.md, "RabbitMQ 3.10 under failure"): the last will
# of a client whose node is killed, retained messages across nodes, QoS 2, and a session taken
# over from another node. Prints one finding per line.
#
#   MQTT_SETUP_CLI=build/tools/cli/mqtt-setup bench/cluster/rabbitmq_failure_notes.sh [DIR]
#
# Starts (and stops) its own cluster under DIR (default: a temporary directory).
set -u
CLI=${MQTT_SETUP_CLI:?set MQTT_SETUP_CLI to the mqtt-setup binary}
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-$(mktemp -d "${TMPDIR:-/tmp}/rabbitmq-notes.XXXXXX")}
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  bash "$here/rabbitmq_cluster.sh" stop "$dir/cluster" >/dev/null
}
trap cleanup EXIT
cluster() { bash "$here/rabbitmq_cluster.sh" "$1" "$dir/cluster" "${@:2}"; }
say() { echo "notes: $*"; }
await_line() {  # file pattern seconds
  local i
  for i in $(seq $(($3 * 10))); do grep -Eq -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
background() {  # out err command...
  local out=$1 err=$2
  shift 2
  "$@" >"$out" 2>"$err" </dev/null &
  pids+=($!)
  started=$!
}

cluster start || exit 1
IFS=, read -r A B C <"$dir/cluster/servers"
cd "$dir" || exit 1

# 1. The last will of a client whose node dies (kill -9), and, as the control, of a client
#    that dies itself while its node lives.
background will.sub will.sub.err mosquitto_sub -h 127.0.0.1 -p "${B#*:}" -t 'devices/+/status/will' -v -q 1
sleep 1
background control.out control.err "$CLI" listen -s "$A" -i will-control --will-topic status/will \
  --will-message control-died devices/none
control=$started
background victim.out victim.err "$CLI" listen -s "$A" -i will-victim --will-topic status/will \
  --will-message node-died -v devices/none
await_line victim.err 'connected to' 20 || say "will: the client did not connect"
kill -KILL "$control"
await_line will.sub 'control-died' 10 && say "will: a client killed while its node lives: will delivered (to a subscriber on another node)" ||
  say "will: a client killed while its node lives: NO will within 10 s"
cluster kill a
if await_line will.sub 'node-died' 15; then
  say "will: a client whose node was killed: will delivered"
else
  say "will: a client whose node was killed: NO will within 15 s (it lived in the connection process on the dead node)"
fi
cluster restart a >/dev/null
cluster await 3 60 >/dev/null

# 2. Retained messages: stored per node, or cluster-wide?
"$CLI" send -s "$A" -i retainer -r -q 1 retained/x kept >/dev/null 2>&1 || say "retained: send failed"
for node in "$A" "$B"; do
  got=$(timeout 5 mosquitto_sub -h 127.0.0.1 -p "${node#*:}" -t devices/retainer/retained/x --retained-only -C 1 -W 3 2>/dev/null)
  say "retained: published on $A, read on $node: '${got:-nothing}'"
done
cluster kill a
got=$(timeout 5 mosquitto_sub -h 127.0.0.1 -p "${B#*:}" -t devices/retainer/retained/x --retained-only -C 1 -W 3 2>/dev/null)
say "retained: node a killed, read on $B: '${got:-nothing}'"
cluster restart a >/dev/null
cluster await 3 60 >/dev/null
got=$(timeout 5 mosquitto_sub -h 127.0.0.1 -p "${A#*:}" -t devices/retainer/retained/x --retained-only -C 1 -W 3 2>/dev/null)
say "retained: node a back, read on $A: '${got:-nothing}'"

# 3. QoS 2: the subscription's granted QoS, a QoS 2 publish's acknowledgement, what arrives.
background qos2.out qos2.err "$CLI" listen -s "$B" -q 2 --json -v -i qos2-listener devices/qos2/#
await_line qos2.err 'received SUBACK' 20
say "qos2: listen -q 2 got: $(grep -o 'received SUBACK.*' qos2.err | head -1)"
"$CLI" send -s "$A" -i qos2 -q 2 --timeout 5 -v probe hello >send.out 2>send.err
say "qos2: send -q 2 exit $?; broker answered: $(grep -o 'received PUB[A-Z]*[^\"]*' send.err | tr '\n' ';')"
grep -E 'error' send.err | head -2 | sed 's/^/notes: qos2:   /'
await_line qos2.out '"payload":"hello"' 10 &&
  say "qos2: the QoS 2 subscriber received it as: $(grep -o '"qos":[0-9]' qos2.out | head -1)"

# 4. A clean session with a subscription, on the node that dies: can it start again on another
#    node while the dead one is away? (A persistent session's quorum queue has replicas there.)
background clean.out clean.err "$CLI" listen -s "$A,$B" -i clean-subscriber -v devices/none
await_line clean.err 'received SUBACK' 20
cluster kill a
sleep 15
say "clean session: 15 s after its node was killed: $(grep -c "connected to $B" clean.err) connection(s) to $B, $(grep -c 'received SUBACK' clean.err) SUBACK(s) in all; last: $(grep -Eo '(lost|cannot connect).*' clean.err | tail -1 | cut -c1-120)"
cluster restart a >/dev/null
cluster await 3 60 >/dev/null
await_line clean.err "connected to $A" 30 &&
  say "clean session: after node a's return: $(grep -c 'received SUBACK' clean.err) SUBACK(s) in all"
grep -ho "NOT_FOUND[^>]*" cluster/b/log/*.log | head -1 | sed 's/^/notes: clean session: node b says: /'

# 5. Session takeover across nodes: the same client id connecting on another node.
background owner.out owner.err "$CLI" listen -s "$A" -i taken-over --no-clean -v devices/none
await_line owner.err 'connected to' 20
t0=$(date +%s.%N)
"$CLI" send -s "$B" -i taken-over -q 1 takeover x >/dev/null 2>takeover.err
say "takeover: second connection (same id, node b): send exit $?"
if await_line owner.err 'lost|closed|disconnected' 10; then
  say "takeover: the first connection (node a) was closed $(echo "$(date +%s.%N) - $t0" | bc | cut -c1-5) s later: $(grep -Eo '(lost|closed|disconnected).*' owner.err | head -1)"
else
  say "takeover: the first connection (node a) was NOT closed within 10 s"
fi
