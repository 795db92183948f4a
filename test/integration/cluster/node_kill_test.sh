#!/usr/bin/env bash
# The node-kill test (docs/cluster.md): a 3-node RabbitMQ cluster (bench/cluster/
# rabbitmq_cluster.sh); a persistent-session `listen`, `pipe --qos 1` with 20,000 numbered lines
# and a `fleet` of 300 devices at QoS 1, every client with the three nodes as its server list;
# kill -9 of the node most clients are on, mid-stream; the node started again 20 s later.
# Passes when every number reached the listener at least once, pipe exited 0, and the fleet
# lost nothing, connected all its devices, and every device that moved came back.
#
#   MQTT_SETUP_CLI=path/to/mqtt-setup node_kill_test.sh
#   NODE_KILL_RESULTS=DIR  also keep the measurements there (results.json, fleet.csv, ...)
#
# Exit 0: passed, 1: failed, 77: skipped (no rabbitmq-server). 127.0.0.1 only; every process
# it starts is stopped by its PID. Waits are for events, bounded with wide margins.
CLI=${MQTT_SETUP_CLI:?set MQTT_SETUP_CLI to the mqtt-setup binary}
BROKER_DIR=""
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../agent/test_lib.sh
. "$here/../agent/test_lib.sh"
cluster_script="$here/../../../bench/cluster/rabbitmq_cluster.sh"
LINES=20000
LINES_PER_S=500     # 40 s of input: the kill falls in the middle
DEVICES=300
OUTAGE_S=20
PRIMARY_RETURN_S=10
ACK_TIMEOUT_S=5

now() { date +%s.%N; }
# Prefixes every line with the time it arrived: kill -> next CONNACK from the clients' events.
stamp() { python3 -u -c '
import sys, time
for line in sys.stdin: sys.stdout.write("%.3f %s" % (time.time(), line)); sys.stdout.flush()'; }
numbers() { python3 -u -c '
import sys, time
n, rate = int(sys.argv[1]), int(sys.argv[2])
start = time.time()
for i in range(1, n + 1):
    print(i, flush=(i % 50 == 0))
    if i % 50 == 0: time.sleep(max(0.0, start + i / rate - time.time()))' "$@"; }
cluster() { bash "$cluster_script" "$1" "$work/cluster" "${@:2}"; }
# Distinct numbers the listener printed so far.
heard() { grep -c '"payload":"[0-9]*"' "$work/listen.out" 2>/dev/null; }
unique_heard() { grep -o '"payload":"[0-9]*"' "$work/listen.out" | sort -u | wc -l; }
# Seconds from the kill to the first line matching a pattern after it, in a stamped output.
reconnect_s() {  # file pattern
  awk -v k="$kill_at" -v p="$2" '$1 > k && index($0, p) { printf "%.2f", $1 - k; found=1; exit }
                       END { if (!found) print "none" }' "$1"
}
csv_last() { tail -n 1 "$work/fleet.csv" | cut -d, -f"$1"; }  # column of the latest sample
# Whether every device that moved off its first server is back on it (the last two columns).
all_returned() { tail -n 1 "$work/fleet.csv" | awk -F, '{ exit !($NF >= $(NF - 1)) }'; }

case_node_kill() {
  need_clients
  # Before the start: a test stopped while the cluster starts must still stop every node.
  trap 'cluster stop >/dev/null 2>&1; cleanup' EXIT
  cluster start >"$work/cluster.log" 2>&1
  code=$?
  [ "$code" -eq 77 ] && skip "rabbitmq-server not installed (Debian: apt-get install rabbitmq-server)"
  [ "$code" -eq 0 ] || fail "the cluster did not start: $(tail -5 "$work/cluster.log")"
  local servers start_s memory_kib
  servers=$(cat "$work/cluster/servers")
  start_s=$(cat "$work/cluster/start_seconds")
  memory_kib=$(cluster memory)
  # --ack-timeout: RabbitMQ was seen keeping a link alive while never acknowledging a few
  # messages sent as its cluster changed; 5 s later the client reconnects and resends them.
  local common=(-s "$servers" --primary-return "$PRIMARY_RETURN_S" --retry-delay 0.5 --retry-max 5
                --ack-timeout "$ACK_TIMEOUT_S")
  local pipe_id="cluster-pipe-$$" listen_id="cluster-listen-$$"

  # The listener: a persistent session, so its quorum queue keeps what arrives while it moves.
  # Process substitution: $! is the client itself, and the stamper ends with its output. -v:
  # listen --json prints only failures, its debug log says when it connected and subscribed.
  timeout -k 2 170 "$CLI" listen "${common[@]}" --no-clean -i "$listen_id" --json -v \
    "devices/$pipe_id/numbers" 2> >(stamp >"$work/listen.log") </dev/null >"$work/listen.out" &
  background_pids+=($!)
  await_line "$work/listen.log" 'received SUBACK' 30 || fail "listen did not subscribe"

  local fleet_started
  fleet_started=$(now)
  timeout -k 2 170 "$CLI" fleet "${common[@]}" --no-clean --devices "$DEVICES" --interval 10 \
    --duration 150 --drain 20 --prefix "cluster-$$-" --json --stats-file "$work/fleet.csv" \
    >"$work/fleet.out" 2>"$work/fleet.err" </dev/null &
  local fleet_pid=$!
  background_pids+=("$fleet_pid")
  await_line "$work/fleet.err" "connected $DEVICES/$DEVICES" 60 || fail "the fleet did not connect"

  numbers "$LINES" "$LINES_PER_S" | timeout -k 2 150 "$CLI" pipe "${common[@]}" -i "$pipe_id" \
    -q 1 --queue "$LINES" --timeout 60 --json numbers 2>"$work/pipe.err" \
    > >(stamp >"$work/pipe.out") &
  local pipe_pid=$!
  background_pids+=("$pipe_pid")

  # Mid-stream: once the listener has heard 3,000 numbers (6 s of input).
  local tries
  for tries in $(seq 300); do [ "$(heard)" -ge 3000 ] && break; sleep 0.1; done
  [ "$(heard)" -ge 3000 ] || fail "the stream did not start"
  local connections victim column before
  connections=$(cluster connections)
  victim=$(cluster busiest)
  column=$((10 + $(printf 'abc' | awk -v n="$victim" '{print index($0, n) - 1}')))
  before=$(csv_last "$column")
  kill_at=$(now)
  cluster kill "$victim" || fail "could not kill node $victim"
  cluster await 2 30 >/dev/null || fail "the two other nodes did not stay up"
  sleep "$OUTAGE_S"  # the scenario itself: the node stays down this long
  cluster restart "$victim" >>"$work/cluster.log" 2>&1 || fail "node $victim did not start again"
  local restarted_at
  restarted_at=$(now)
  cluster await 3 60 >/dev/null || fail "node $victim did not rejoin the cluster"

  await_exit "$pipe_pid" 120 || fail "pipe did not finish"
  [ "$code" -eq 0 ] || fail "pipe exit code $code"
  for tries in $(seq 600); do [ "$(unique_heard)" -ge "$LINES" ] && break; sleep 0.1; done
  # The devices that left the node come back within --primary-return of its return (about
  # 20 s measured, as the returns spread out; up to 100 s allowed). Counted by the node's
  # connections and by the fleet's own moved/returned: on a loaded machine devices of the other
  # nodes move too (acknowledgements late by more than --ack-timeout): in one loaded run the
  # node's count was back while 3 moved devices were not (113 moved, 110 returned at the SIGINT).
  for tries in $(seq 1000); do
    [ "$(csv_last "$column")" -ge "$before" ] && all_returned && break
    sleep 0.1
  done
  kill -INT "$fleet_pid"
  await_exit "$fleet_pid" 40 || fail "the fleet did not finish"
  local fleet_code=$code

  local heard_total unique missing duplicates
  heard_total=$(grep -c '"payload":"[0-9]*"' "$work/listen.out")
  unique=$(unique_heard)
  missing=$((LINES - unique))
  duplicates=$((heard_total - unique))
  python3 - "$work" "$LINES" "$victim" "$connections" "$start_s" "$memory_kib" "$missing" "$duplicates" \
    "$(reconnect_s "$work/pipe.out" '"event":"connected"')" \
    "$(reconnect_s "$work/listen.log" 'debug: connected to')" \
    "$(echo "$restarted_at - $kill_at" | bc)" "$(echo "$kill_at - $fleet_started" | bc)" \
    >"$work/results.json" <<'PY' ||
import json, sys
work, lines, victim, connections, start_s, memory_kib, missing, duplicates, pipe_s, listen_s, down_s, kill_s = sys.argv[1:]
fleet = json.loads(open(work + "/fleet.out").read())
print(json.dumps({
    "killed_node": victim, "connections_before": connections, "node_down_s": round(float(down_s), 1),
    "killed_at_fleet_s": round(float(kill_s), 1),
    "cluster_start_s": round(float(start_s), 1), "cluster_memory_mib": round(int(memory_kib) / 1024),
    "pipe": {"lines": int(lines), "lost": int(missing), "duplicates": int(duplicates),
             "reconnect_s": pipe_s},
    "listen": {"reconnect_s": listen_s},
    "fleet": {k: fleet[k] for k in ("devices", "connected", "published", "acknowledged", "lost",
                                    "reconnects", "ack_timeouts", "moved", "returned", "reconnect_ms",
                                    "latency_ms")},
}))
PY
    fail "no fleet summary"
  cat "$work/results.json"
  if [ -n "${NODE_KILL_RESULTS:-}" ]; then
    mkdir -p "$NODE_KILL_RESULTS" && cp "$work/results.json" "$work/fleet.csv" "$work/fleet.out" \
      "$work/pipe.out" "$NODE_KILL_RESULTS/"
  fi
  [ "$missing" -eq 0 ] || fail "$missing of $LINES numbers never reached the listener"
  [ "$fleet_code" -eq 0 ] || fail "fleet exit code $fleet_code; $(grep -E 'holds|more devices' "$work/fleet.err" | tr '\n' ';')"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["fleet"]
sys.exit(0 if d["lost"] == 0 and d["connected"] == d["devices"] and d["moved"] > 0
         and d["returned"] == d["moved"] else 1)' "$work/results.json" ||
    fail "fleet: lost, connected or moved/returned not as expected"
}

run_case node_kill
