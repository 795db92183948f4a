#!/usr/bin/env bash
# A private mosquitto for fleet runs of thousands of connections (docs/fleet.md):
# unlimited connections, the open-files limit raised to the hard limit, errors-only logging
# (log_type all costs the broker more than the clients cost it), no persistence.
#
#   fleet_broker.sh start DIR    start on a free loopback port; writes DIR/port and DIR/pid
#   fleet_broker.sh stop  DIR    stop the broker recorded in DIR/pid (only if it is ours)
#
# Environment: MOSQUITTO (binary), FLEET_BROKER_MAX_S (safety lifetime, default 1800).
set -u
die() { echo "fleet_broker.sh: $*" >&2; exit 1; }
command=${1:-}
dir=${2:-}
[ -n "$command" ] && [ -n "$dir" ] || die "usage: fleet_broker.sh start|stop DIR"
MOSQUITTO=${MOSQUITTO:-$(command -v mosquitto || echo /usr/sbin/mosquitto)}
dir=$(mkdir -p "$dir" && cd "$dir" && pwd) || die "cannot use $dir"
conf="$dir/mosquitto.conf"
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"

is_ours() {  # pid: alive, not a zombie, and running our config
  [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat")" != Z ] &&
    tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$conf"
}

stop() {
  [ -f "$dir/pid" ] || return 0
  local pid i
  pid=$(cat "$dir/pid")
  if is_ours "$pid"; then
    kill -TERM "$pid"
    for i in $(seq 100); do is_ours "$pid" || break; sleep 0.1; done
    is_ours "$pid" && kill -KILL "$pid"
  fi
  rm -f "$dir/pid" "$dir/port"
}

start() {
  [ -x "$MOSQUITTO" ] || die "mosquitto not found"
  stop
  mkdir -p "$dir" || die "cannot create $dir"
  # mosquitto does not raise the limit itself: one descriptor per client.
  ulimit -n "$(ulimit -Hn)" || die "cannot raise the open-files limit"
  local port attempt i pid
  for attempt in $(seq 20); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    {
      echo "listener $port 127.0.0.1"
      echo "max_connections -1"
      echo "allow_anonymous true"
      echo "persistence false"
      echo "log_dest stderr"
      echo "log_type error"
      echo "log_type warning"
      echo "user $(id -un)"
    } >"$conf"
    "$MOSQUITTO" -c "$conf" </dev/null >>"$dir/mosquitto.log" 2>&1 &
    pid=$!
    for i in $(seq 100); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "$pid" >"$dir/pid"
        echo "$port" >"$dir/port"
        # A broker whose stop never ran does not outlive the session by long.
        nohup bash -c "sleep ${FLEET_BROKER_MAX_S:-1800}; bash '$self' stop '$dir'" \
          </dev/null >/dev/null 2>&1 &
        echo "fleet_broker.sh: listening on 127.0.0.1:$port, pid $pid, open files $(ulimit -n)"
        return 0
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -TERM "$pid" 2>/dev/null
  done
  die "mosquitto did not start (see $dir/mosquitto.log)"
}

case "$command" in
  start) start ;;
  stop) stop; echo "fleet_broker.sh: stopped" ;;
  *) die "usage: fleet_broker.sh start|stop DIR" ;;
esac
