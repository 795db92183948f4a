#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs packages, builds, runs every test with CTest.
# CTest fixtures start and stop the private mosquitto instances the integration tests use.
set -eu
cd "$(dirname "$0")/.."

# Beyond the build: TLS certificates, the Cortex-M4, RISC-V and Xtensa cross builds with
# picolibc and QEMU (libstdc++-arm-none-eabi-dev: the C++ headers for the two compilers Debian
# ships without a libstdc++), the ESP32 (Xtensa) compile gate (Debian's lx106 GCC, newlib,
# kconfiglib), fuzzing and
# sanitizers (clang), valgrind, the benchmark peers, RabbitMQ as a second broker, and Node.js
# with npm for the differential test against mqtt-packet (test/differential). Debian's nodejs
# and npm only where node or npm is missing: a machine with another Node.js build (NodeSource's
# nodejs bundles npm and conflicts with Debian's npm package) keeps its own.
node_packages=()
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then node_packages=(nodejs npm); fi
scripts/install-deps.sh openssl gcc-arm-none-eabi libstdc++-arm-none-eabi-picolibc \
  qemu-system-arm gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf gcc-xtensa-lx106 \
  picolibc-xtensa-lx106-elf libstdc++-arm-none-eabi-dev qemu-system-misc libnewlib-dev \
  python3-kconfiglib procps \
  clang-14 libclang-rt-14-dev valgrind strace \
  libmosquitto-dev libpaho-mqtt-dev gnuplot-nox python3 rabbitmq-server "${node_packages[@]}"

# Includes point down the layers (docs/design.md, "Layers"): a second, before anything builds.
scripts/steps/layering.sh

build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 300

# The 3.1.1-only build (MQTT_SETUP_PROTOCOLS=3.1.1, the smallest; docs/size.md): every test
# of what it has. That build leaves out the 5.0 tests (v5_*.cpp, test/integration/mqtt5, the
# differential test against mqtt-packet's two versions); other 5.0 tests skip themselves.
cmake -S . -B "${build}-311" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMQTT_SETUP_PROTOCOLS=3.1.1 >/dev/null
cmake --build "${build}-311" -j"$(nproc)"
# The RabbitMQ cluster's node-kill run (2 minutes, a cluster of its own) is about failover, not
# the version set: the default build above runs it.
ctest --test-dir "${build}-311" --output-on-failure -j"$(nproc)" --timeout 300 \
  -E '^cluster\.node_kill$'

# The core on Cortex-M4, RV32IMC and Xtensa lx106: cross builds, unit tests under QEMU,
# footprint images, size tables.
CROSS_BUILD_PREFIX="${build}-" scripts/steps/cross.sh

# The ESP32 compile gate: the ESP-IDF component, the ESP-IDF example and the Arduino sketch,
# compiled for Xtensa against test/esp_idf_model (docs/esp32.md).
ESP32_BUILD_DIR="${build}-esp32" scripts/steps/esp32.sh

# The integration tests once more under valgrind (no errors, no leaks), reusing this build.
BUILD_DIR="$build" scripts/steps/valgrind.sh

# libFuzzer (clang) on the decoder and the session, bounded in time.
FUZZ_SECONDS=${FUZZ_SECONDS:-30} BUILD_DIR="${build}-fuzz" scripts/steps/fuzz.sh

# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
BUILD_DIR="${build}-asan" scripts/steps/sanitize.sh

echo "scripts/test.sh: all steps passed"
