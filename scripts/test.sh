#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs packages, builds, runs every test with CTest.
# CTest fixtures start and stop the private mosquitto instances the integration tests use.
set -eu
cd "$(dirname "$0")/.."

scripts/install-deps.sh

build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 300
