#!/usr/bin/env bash
# A private RabbitMQ node with its MQTT plugin, for comparing the agent and the fleet against a
# second broker (docs/fleet.md), and one member of bench/cluster/rabbitmq_cluster.sh's cluster
# (docs/cluster.md). Loopback only, its own node name, ports, data and logs under DIR; stopped
# by the PIDs it recorded.
#
#   rabbitmq_broker.sh start   DIR  writes DIR/port (MQTT), DIR/pid, DIR/epmd.pid (unless the
#                                   port mapper is shared) and DIR/node.env; exit 77 when
#                                   rabbitmq-server is not installed
#   rabbitmq_broker.sh stop    DIR
#   rabbitmq_broker.sh kill    DIR  kill -9 the Erlang VM (a crash, for failover tests)
#   rabbitmq_broker.sh restart DIR  start it again on the same ports, name and data
#   rabbitmq_broker.sh ctl DIR ARGS...  rabbitmqctl ARGS against this node
#   rabbitmq_broker.sh free-ports DIR N  print N distinct free ports (DIR unused)
#   rabbitmq_broker.sh epmd    DIR  only an Erlang port mapper, for a cluster's nodes to share:
#                                   DIR/epmd.port, DIR/epmd.pid (`stop DIR` stops it)
#
# Environment of `start`, for cluster members (defaults: a lone node):
#   RABBITMQ_NODE_NAME      node name (mqttsetup@localhost)
#   RABBITMQ_SHARED_EPMD    port of an Erlang port mapper already running; nodes of one
#                           cluster must share one (they find each other through it)
#   RABBITMQ_COOKIE         Erlang cookie (nodes of one cluster share it)
#   RABBITMQ_EXTRA_CONF     lines appended to rabbitmq.conf
#   RABBITMQ_PORTS          "MQTT AMQP DIST [EPMD]" (`epmd`: "EPMD"): ports a caller chose, so
#                           that nodes started side by side cannot pick the same (default: free
#                           ports below the ephemeral range)
#   RABBITMQ_START_LIMIT_S  seconds allowed to open the MQTT port (90)
set -u
die() { echo "rabbitmq_broker.sh: $*" >&2; exit 1; }
usage="usage: rabbitmq_broker.sh start|stop|kill|restart|epmd DIR | ctl DIR ARGS..."
command=${1:-}
dir=${2:-}
[ -n "$command" ] && [ -n "$dir" ] || die "$usage"
shift 2
SERVER=${RABBITMQ_SERVER:-/usr/lib/rabbitmq/bin/rabbitmq-server}
CTL=${RABBITMQ_CTL:-/usr/lib/rabbitmq/bin/rabbitmqctl}
START_LIMIT_S=${RABBITMQ_START_LIMIT_S:-90}

# N distinct free loopback ports below the kernel's ephemeral range, so that no outgoing
# connection takes one between now and the node's listen (a node boots for seconds).
free_ports() {  # N
  python3 - "$1" <<'PY'
import random, socket, sys
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
held = []
while len(held) < int(sys.argv[1]):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", random.randrange(10000, max(10001, low))))
        held.append(s)
    except OSError:
        s.close()
print(" ".join(str(s.getsockname()[1]) for s in held))
PY
}
accepts() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Alive, not a zombie, and started with our directory in its environment or command line.
is_ours() {
  [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ] &&
    { tr "\0" "\n" <"/proc/$1/environ"; tr "\0" "\n" <"/proc/$1/cmdline"; } 2>/dev/null |
    grep -qF -- "$dir"
}

stop_pid_file() {  # file [signal]
  [ -f "$1" ] || return 0
  local pid i
  pid=$(cat "$1")
  if [ -n "$pid" ] && is_ours "$pid"; then
    kill "-${2:-TERM}" "$pid" 2>/dev/null
    for i in $(seq 150); do is_ours "$pid" || break; sleep 0.1; done
    is_ours "$pid" && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$1"
}

# The VM first: SIGTERM makes it shut down cleanly, and its wrapper script then ends. (Stopping
# the wrapper first makes it run `rabbitmqctl shutdown`, whose Erlang VM starts an `epmd -daemon`
# of its own if ours is gone by then, one that nobody stops.)
stop() {
  stop_pid_file "$dir/rabbit.pid"
  stop_pid_file "$dir/pid"  # a wrapper whose VM never wrote its PID
  stop_pid_file "$dir/epmd.pid"
  rm -f "$dir/port"
}

# The server script runs the VM as its child; the VM writes its own PID to rabbit.pid once up.
crash() {
  [ -s "$dir/rabbit.pid" ] || die "no VM PID in $dir/rabbit.pid"
  stop_pid_file "$dir/rabbit.pid" KILL
  stop_pid_file "$dir/pid"  # the wrapper ends with its child; reaped here if it has not yet
}

# Starts the server with DIR/node.env and waits for its MQTT port.
launch() {
  # shellcheck source=/dev/null
  . "$dir/node.env"
  local started i
  started=$(date +%s.%N)
  "$SERVER" </dev/null >>"$dir/rabbitmq.log" 2>&1 &
  echo $! >"$dir/pid"
  for i in $(seq $((START_LIMIT_S * 10))); do
    # The PID file too: a restarted node may accept before it has written it.
    if accepts "$MQTT_PORT" && [ -s "$dir/rabbit.pid" ]; then
      echo "$MQTT_PORT" >"$dir/port"
      echo "rabbitmq_broker.sh: $RABBITMQ_NODENAME MQTT on 127.0.0.1:$MQTT_PORT after $(echo "$(date +%s.%N) - $started" | bc) s"
      return 0
    fi
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 20 "$dir/rabbitmq.log" >&2
  stop
  die "RabbitMQ did not open its MQTT port within $START_LIMIT_S s"
}

start() {
  [ -x "$SERVER" ] || { echo "rabbitmq-server not installed" >&2; exit 77; }
  stop
  mkdir -p "$dir" || die "cannot create $dir"
  dir=$(cd "$dir" && pwd)
  local mqtt_port amqp_port dist_port epmd_port
  read -r mqtt_port amqp_port dist_port epmd_port <<<"${RABBITMQ_PORTS:-$(free_ports 4)}"
  epmd_port=${RABBITMQ_SHARED_EPMD:-$epmd_port}
  cat >"$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$amqp_port
mqtt.listeners.tcp.default = 127.0.0.1:$mqtt_port
mqtt.allow_anonymous = true
loopback_users = none
management.tcp.port = 0
${RABBITMQ_EXTRA_CONF:-}
CONF
  echo "[rabbitmq_mqtt]." >"$dir/enabled_plugins"
  if [ -n "${RABBITMQ_COOKIE:-}" ]; then
    (umask 077 && printf '%s' "$RABBITMQ_COOKIE" >"$dir/.erlang.cookie")
  fi
  cat >"$dir/node.env" <<ENV
export ERL_EPMD_PORT=$epmd_port ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_NODENAME=${RABBITMQ_NODE_NAME:-mqttsetup@localhost} RABBITMQ_DIST_PORT=$dist_port
export RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
export RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log"
export RABBITMQ_PID_FILE="$dir/rabbit.pid" HOME="$dir"
MQTT_PORT=$mqtt_port
ENV
  [ -n "${RABBITMQ_SHARED_EPMD:-}" ] || start_epmd "$epmd_port"
  launch
}

# HOME: our directory in its environment, so that is_ours() knows it.
start_epmd() {  # port
  HOME="$dir" epmd -port "$1" -address 127.0.0.1 </dev/null >"$dir/epmd.log" 2>&1 &
  echo $! >"$dir/epmd.pid"
}

epmd_only() {
  command -v epmd >/dev/null || { echo "epmd not installed (rabbitmq-server)" >&2; exit 77; }
  stop
  mkdir -p "$dir" || die "cannot create $dir"
  dir=$(cd "$dir" && pwd)
  local port
  port=${RABBITMQ_PORTS:-$(free_ports 1)}
  start_epmd "$port"
  echo "$port" >"$dir/epmd.port"
}

restart() {
  [ -s "$dir/node.env" ] || die "$dir was never started (no node.env)"
  dir=$(cd "$dir" && pwd)
  stop_pid_file "$dir/pid"
  stop_pid_file "$dir/rabbit.pid"
  rm -f "$dir/port"
  launch
}

ctl() {
  [ -s "$dir/node.env" ] || die "$dir was never started (no node.env)"
  # shellcheck source=/dev/null
  . "$dir/node.env"
  "$CTL" -n "$RABBITMQ_NODENAME" "$@"
}

case "$command" in
  start) start ;;
  stop) stop; echo "rabbitmq_broker.sh: stopped" ;;
  kill) crash ;;
  restart) restart ;;
  ctl) ctl "$@" ;;
  epmd) epmd_only ;;
  free-ports) free_ports "${1:-1}" ;;
  *) die "$usage" ;;
esac
