#!/usr/bin/env bash
# The main demo: installs what it needs, builds, starts a private mosquitto on a free loopback
# port, and shows a device publishing readings while `mqtt-setup listen` prints them.
set -eu
cd "$(dirname "$0")/.."

build=${BUILD_DIR:-build}
cli="$build/tools/cli/mqtt-setup"
# DEMO_PREBUILT=1 (the demo's own test): use what $build already holds, install and build nothing.
if [ "${DEMO_PREBUILT:-0}" != 1 ]; then
  scripts/install-deps.sh
  echo "== building (a few minutes the first time; log: $build/demo-build.log)"
  mkdir -p "$build"
  if ! { cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
         cmake --build "$build" -j"$(nproc)" --target mqtt-setup sensor_node; } >"$build/demo-build.log" 2>&1; then
    tail -n 30 "$build/demo-build.log" >&2
    echo "demo: the build failed (full log: $build/demo-build.log)" >&2
    exit 1
  fi
fi

work=$(mktemp -d)
listener_pid=""
cleanup() {
  # The listener itself (not a pipeline's last command): SIGTERM makes it disconnect and exit 0.
  if [ -n "$listener_pid" ]; then
    kill -TERM "$listener_pid" 2>/dev/null
    wait "$listener_pid" 2>/dev/null
  fi
  bash test/support/broker.sh stop "$work" demo >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# Waits up to 10 s for a line matching $2 in file $1.
await_line() {
  local tries
  for tries in $(seq 100); do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "demo: gave up waiting for \"$2\" in $1" >&2
  return 1
}

# Its progress lines go to a log; shown only when the start fails.
if ! bash test/support/broker.sh start "$work" demo plain >/dev/null 2>"$work/broker-start.log"; then
  cat "$work/broker-start.log" >&2
  echo "demo: mosquitto did not start" >&2
  exit 1
fi
port=$(cat "$work/demo.port")
echo "== mosquitto listening on 127.0.0.1:$port"

echo "== listener: mqtt-setup listen -s 127.0.0.1:$port 'devices/#'"
# -v: its packet log (kept in a file) says when the broker has confirmed the subscription.
"$cli" listen -v -s "127.0.0.1:$port" 'devices/#' 2>"$work/listener.log" \
  > >(tee "$work/heard" | sed -u 's/^/listener | /') &
listener_pid=$!
await_line "$work/listener.log" "received SUBACK"

echo "== device: sensor_node 127.0.0.1:$port (5 readings, one per second)"
"$build/examples/linux/sensor_node" "127.0.0.1:$port" 5 1 | sed -u 's/^/device   | /'

echo "== device: mqtt-setup send sensors/temperature 23.5"
"$cli" send -s "127.0.0.1:$port" sensors/temperature 23.5
await_line "$work/heard" "/sensors/temperature 23.5$"
echo "== done"
