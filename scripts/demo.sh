#!/usr/bin/env bash
# The main demo: installs what it needs, builds, starts a private mosquitto on a free loopback
# port, and shows a device publishing readings while `mqtt-setup listen` prints them.
set -eu
cd "$(dirname "$0")/.."

scripts/install-deps.sh

build=${BUILD_DIR:-build}
echo "== building (a few minutes the first time; log: $build/demo-build.log)"
mkdir -p "$build"
if ! { cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
       cmake --build "$build" -j"$(nproc)" --target mqtt-setup sensor_node; } >"$build/demo-build.log" 2>&1; then
  tail -n 30 "$build/demo-build.log" >&2
  echo "demo: the build failed (full log: $build/demo-build.log)" >&2
  exit 1
fi

work=$(mktemp -d)
listener_pid=""
cleanup() {
  [ -n "$listener_pid" ] && kill "$listener_pid" 2>/dev/null && wait "$listener_pid" 2>/dev/null
  bash test/support/broker.sh stop "$work" demo >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

bash test/support/broker.sh start "$work" demo plain >/dev/null
port=$(cat "$work/demo.port")
echo "== mosquitto listening on 127.0.0.1:$port"

echo "== listener: mqtt-setup listen -s 127.0.0.1:$port 'devices/#'"
"$build/tools/cli/mqtt-setup" listen -s "127.0.0.1:$port" 'devices/#' | sed -u 's/^/listener | /' &
listener_pid=$!
sleep 0.5

echo "== device: sensor_node 127.0.0.1:$port (5 readings, one per second)"
"$build/examples/linux/sensor_node" "127.0.0.1:$port" 5 1 | sed -u 's/^/device   | /'

echo "== device: mqtt-setup send sensors/temperature 23.5"
"$build/tools/cli/mqtt-setup" send -s "127.0.0.1:$port" sensors/temperature 23.5
sleep 0.5
echo "== done"
