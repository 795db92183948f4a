#!/usr/bin/env bash
# A 3-node RabbitMQ cluster on loopback, for failover runs and the node-kill test
# (docs/cluster.md). Each node is a bench/fleet/rabbitmq_broker.sh node under DIR/NODE with its
# own name (rabbit-a@localhost ...), MQTT, AMQP and distribution ports and data; the nodes
# share one private Erlang port mapper and one cookie, keep persistent MQTT sessions in quorum
# (Raft-replicated) queues, and b and c join a with `rabbitmqctl join_cluster`.
#
#   rabbitmq_cluster.sh start   DIR       DIR/servers: the MQTT list "127.0.0.1:P,..." (a,b,c);
#                                         DIR/start_seconds; exit 77 without rabbitmq-server
#   rabbitmq_cluster.sh stop    DIR       every process, by the PID it recorded
#   rabbitmq_cluster.sh kill    DIR NODE  kill -9 node NODE's VM (a, b or c)
#   rabbitmq_cluster.sh restart DIR NODE  start it again (same ports and data); it rejoins
#   rabbitmq_cluster.sh await   DIR N S   wait up to S s until N nodes are running in the cluster
#   rabbitmq_cluster.sh busiest DIR       the node with the most established MQTT connections
#   rabbitmq_cluster.sh connections DIR   "a=N b=N c=N": established MQTT connections per node
#   rabbitmq_cluster.sh memory  DIR       resident memory of the three VMs, KiB
set -u
die() { echo "rabbitmq_cluster.sh: $*" >&2; exit 1; }
usage="usage: rabbitmq_cluster.sh start|stop|await|busiest|connections|memory DIR | kill|restart DIR NODE"
command=${1:-}
dir=${2:-}
[ -n "$command" ] && [ -n "$dir" ] || die "$usage"
node_script="$(cd "$(dirname "$0")/../fleet" && pwd)/rabbitmq_broker.sh"
NODES=(a b c)

node() { bash "$node_script" "$@"; }
node_name() { echo "rabbit-$1@localhost"; }
mqtt_port() { sed -n 's/^MQTT_PORT=//p' "$dir/$1/node.env"; }

stop() {
  local n
  for n in "${NODES[@]}"; do [ -d "$dir/$n" ] && node stop "$dir/$n" >/dev/null; done
  [ -d "$dir/epmd" ] && node stop "$dir/epmd" >/dev/null
  rm -f "$dir/servers"
}

running_nodes() {  # as node a (or the first one up) sees it
  local n
  for n in "${NODES[@]}"; do
    [ -s "$dir/$n/port" ] || continue
    node ctl "$dir/$n" -q cluster_status --formatter json 2>/dev/null |
      python3 -c 'import json,sys; print(len(json.load(sys.stdin)["running_nodes"]))' 2>/dev/null &&
      return 0
  done
  echo 0
}

await() {  # count seconds
  local deadline=$(($(date +%s) + $2))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    [ "$(running_nodes)" -ge "$1" ] && return 0
    sleep 0.5
  done
  die "fewer than $1 nodes running after $2 s"
}

start() {
  command -v epmd >/dev/null && [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] ||
    { echo "rabbitmq-server not installed" >&2; exit 77; }
  stop
  mkdir -p "$dir" || die "cannot create $dir"
  dir=$(cd "$dir" && pwd)
  local started cookie n servers=""
  started=$(date +%s.%N)
  # All ten ports from one call: distinct, though the nodes boot side by side.
  local ports
  read -r -a ports <<<"$(bash "$node_script" free-ports "$dir" 10)"
  [ "${#ports[@]}" -eq 10 ] || die "cannot find free ports"
  RABBITMQ_PORTS=${ports[9]} node epmd "$dir/epmd" || { stop; die "cannot start the Erlang port mapper"; }
  cookie=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  export RABBITMQ_SHARED_EPMD=$(cat "$dir/epmd/epmd.port") RABBITMQ_COOKIE=$cookie
  export RABBITMQ_EXTRA_CONF="mqtt.durable_queue_type = quorum"
  # The three boot at once (the cores are the limit, not the order); b and c join a after.
  local pids=()
  local i=0
  for n in "${NODES[@]}"; do
    RABBITMQ_NODE_NAME=$(node_name "$n") RABBITMQ_PORTS="${ports[*]:$((3 * i)):3}" \
      node start "$dir/$n" >"$dir/$n.start.log" 2>&1 &
    pids+=($!)
    i=$((i + 1))
  done
  local failed=0
  for n in "${!pids[@]}"; do wait "${pids[$n]}" || failed=1; done
  if [ "$failed" -ne 0 ]; then
    cat "$dir"/*.start.log >&2
    stop
    die "a node did not start"
  fi
  for n in b c; do
    { node ctl "$dir/$n" stop_app && node ctl "$dir/$n" join_cluster "$(node_name a)" &&
        node ctl "$dir/$n" start_app; } >>"$dir/$n.start.log" 2>&1 ||
      { cat "$dir/$n.start.log" >&2; stop; die "node $n did not join the cluster"; }
  done
  await 3 60
  for n in "${NODES[@]}"; do servers+="${servers:+,}127.0.0.1:$(mqtt_port "$n")"; done
  echo "$servers" >"$dir/servers"
  echo "$(date +%s.%N) - $started" | bc >"$dir/start_seconds"
  echo "rabbitmq_cluster.sh: 3 nodes running after $(cat "$dir/start_seconds") s; MQTT $servers"
}

connections() {
  local n out=""
  for n in "${NODES[@]}"; do
    out+="${out:+ }$n=$(ss -Htn state established "( sport = :$(mqtt_port "$n") )" | wc -l)"
  done
  echo "$out"
}

busiest() {
  connections | tr ' ' '\n' | sort -t= -k2 -n -r | head -1 | cut -d= -f1
}

memory() {
  local n pid total=0
  for n in "${NODES[@]}"; do
    pid=$(cat "$dir/$n/rabbit.pid" 2>/dev/null) || continue
    total=$((total + $(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

check_node() { case "${1:-}" in a|b|c) ;; *) die "$usage" ;; esac; }

case "$command" in
  start) start ;;
  stop) stop; echo "rabbitmq_cluster.sh: stopped" ;;
  kill) check_node "${3:-}"; node kill "$dir/$3" ;;
  restart) check_node "${3:-}"; node restart "$dir/$3" ;;
  await) await "${3:?$usage}" "${4:?$usage}" ;;
  busiest) busiest ;;
  connections) connections ;;
  memory) memory ;;
  *) die "$usage" ;;
esac
