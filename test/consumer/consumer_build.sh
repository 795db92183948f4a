#!/usr/bin/env bash
# Installs the library from BUILD_DIR into a temporary prefix, then builds a separate project
# with find_package(mqtt_setup) and another with pkg-config, and runs both against a broker
# when its port file exists.
set -eu
build_dir=$1
source_dir=$(cd "$(dirname "$0")" && pwd)
broker_dir=${MQTT_SETUP_TEST_BROKER_DIR:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$source_dir/project" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
"$work/build/consumer"

PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig:$work/prefix/lib/x86_64-linux-gnu/pkgconfig" \
  g++ -o "$work/pc_consumer" "$source_dir/project/main.cpp" \
  $(PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig:$work/prefix/lib/x86_64-linux-gnu/pkgconfig" pkg-config --cflags --libs mqtt_setup)
"$work/pc_consumer"

# examples/linux exactly as a user builds it, against the installed package.
cmake -S "$source_dir/../../examples/linux" -B "$work/example" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/example" >/dev/null
[ -x "$work/example/sensor_node" ] || { echo "examples/linux did not build" >&2; exit 1; }
# Relocatable: the installed package names no path of the machine it was built on.
if grep -rq "libmbedtls\.so\|libmbedtls\.a\|/usr/lib/x86_64-linux-gnu" "$work/prefix/lib"*/cmake 2>/dev/null ||
   grep -rq "libmbedtls\.so\|/usr/lib/x86_64-linux-gnu" "$work/prefix"/lib/cmake 2>/dev/null; then
  echo "the installed CMake package hardcodes a library path:" >&2
  grep -rn "libmbedtls\|/usr/lib/x86_64-linux-gnu" "$work/prefix"/lib*/ --include=*.cmake >&2
  exit 1
fi

if [ -n "$broker_dir" ] && [ -f "$broker_dir/plain.port" ]; then
  "$work/build/consumer" "127.0.0.1:$(cat "$broker_dir/plain.port")"
fi
