#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs packages, builds, runs every test with CTest.
# CTest fixtures start and stop the private mosquitto instances the integration tests use.
set -eu
cd "$(dirname "$0")/.."

# Beyond the build: TLS certificates, the Cortex-M cross build and QEMU, fuzzing and
# sanitizers (clang), valgrind, and the benchmark peers.
scripts/install-deps.sh openssl gcc-arm-none-eabi libstdc++-arm-none-eabi-picolibc \
  qemu-system-arm clang-14 libclang-rt-14-dev valgrind strace \
  libmosquitto-dev libpaho-mqtt-dev gnuplot-nox python3

build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 300

# The core on a Cortex-M4: cross build, unit tests under QEMU, footprint images, size table.
ARM_BUILD_DIR="${build}-arm" scripts/steps/cross.sh
