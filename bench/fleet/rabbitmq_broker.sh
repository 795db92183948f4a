#!/usr/bin/env bash
# A private RabbitMQ with its MQTT plugin, for comparing the agent and the fleet against a
# second broker (docs/fleet.md). Loopback only, its own node name, ports, Erlang port mapper,
# data and logs under DIR; stopped by the PIDs it recorded.
#
#   rabbitmq_broker.sh start DIR   writes DIR/port (MQTT), DIR/pid, DIR/epmd.pid; exit 77 when
#                                  rabbitmq-server is not installed
#   rabbitmq_broker.sh stop  DIR
set -u
die() { echo "rabbitmq_broker.sh: $*" >&2; exit 1; }
command=${1:-}
dir=${2:-}
[ -n "$command" ] && [ -n "$dir" ] || die "usage: rabbitmq_broker.sh start|stop DIR"
SERVER=${RABBITMQ_SERVER:-/usr/lib/rabbitmq/bin/rabbitmq-server}
START_LIMIT_S=${RABBITMQ_START_LIMIT_S:-90}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
accepts() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Alive, not a zombie, and started with our directory in its environment or command line.
is_ours() {
  [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat")" != Z ] &&
    { tr '\0' '\n' <"/proc/$1/environ" 2>/dev/null; tr '\0' '\n' <"/proc/$1/cmdline"; } |
    grep -qF -- "$dir"
}

stop_pid_file() {  # file
  [ -f "$1" ] || return 0
  local pid i
  pid=$(cat "$1")
  if [ -n "$pid" ] && is_ours "$pid"; then
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 150); do is_ours "$pid" || break; sleep 0.1; done
    is_ours "$pid" && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$1"
}

stop() {
  stop_pid_file "$dir/pid"
  stop_pid_file "$dir/epmd.pid"
  rm -f "$dir/port"
}

start() {
  [ -x "$SERVER" ] || { echo "rabbitmq-server not installed" >&2; exit 77; }
  stop
  mkdir -p "$dir" || die "cannot create $dir"
  dir=$(cd "$dir" && pwd)
  local mqtt_port amqp_port dist_port epmd_port i
  mqtt_port=$(free_port); amqp_port=$(free_port); dist_port=$(free_port); epmd_port=$(free_port)
  cat >"$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$amqp_port
mqtt.listeners.tcp.default = 127.0.0.1:$mqtt_port
mqtt.allow_anonymous = true
loopback_users = none
management.tcp.port = 0
CONF
  echo "[rabbitmq_mqtt]." >"$dir/enabled_plugins"
  export ERL_EPMD_PORT=$epmd_port ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_NODENAME="mqttsetup@localhost" RABBITMQ_DIST_PORT=$dist_port
  export RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
  export RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log"
  export RABBITMQ_PID_FILE="$dir/rabbit.pid" HOME="$dir"
  epmd -port "$epmd_port" -address 127.0.0.1 </dev/null >"$dir/epmd.log" 2>&1 &
  echo $! >"$dir/epmd.pid"
  local started
  started=$(date +%s.%N)
  "$SERVER" </dev/null >"$dir/rabbitmq.log" 2>&1 &
  echo $! >"$dir/pid"
  for i in $(seq $((START_LIMIT_S * 10))); do
    if accepts "$mqtt_port"; then
      echo "$mqtt_port" >"$dir/port"
      echo "rabbitmq_broker.sh: MQTT on 127.0.0.1:$mqtt_port after $(echo "$(date +%s.%N) - $started" | bc) s"
      return 0
    fi
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 20 "$dir/rabbitmq.log" >&2
  stop
  die "RabbitMQ did not open its MQTT port within $START_LIMIT_S s"
}

case "$command" in
  start) start ;;
  stop) stop; echo "rabbitmq_broker.sh: stopped" ;;
  *) die "usage: rabbitmq_broker.sh start|stop DIR" ;;
esac
