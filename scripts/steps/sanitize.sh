#!/usr/bin/env bash
# CI step: the whole test suite built with AddressSanitizer + UndefinedBehaviorSanitizer
# (-DMQTT_SETUP_SANITIZE=ON, in its own build directory). Any report fails the step: the build
# uses -fno-sanitize-recover=all, and leaks end the process with an error too.
#   BUILD_DIR  default build-asan        JOBS  default 2
set -eu
cd "$(dirname "$0")/../.."
build=${BUILD_DIR:-build-asan}
jobs=${JOBS:-2}
# GCC 12 reports -Wmaybe-uninitialized false positives inside libstdc++ (<regex>'s
# std::function) only when -fsanitize=address changes its inlining; GCC's manual warns that
# sanitizers cause such false warnings. Kept visible, not fatal, in this build only.
extra=""
if "${CXX:-c++}" --version 2>/dev/null | grep -q "Free Software Foundation"; then
  extra="-Wno-error=maybe-uninitialized"
fi
# Debug (-O0): half the compile time of an optimised build, which is most of this step's cost;
# the benchmarks are not part of the test suite and are left out.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DMQTT_SETUP_SANITIZE=ON \
  -DMQTT_SETUP_BUILD_BENCH=OFF -DCMAKE_CXX_FLAGS="$extra" >/dev/null
cmake --build "$build" -j"$jobs"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# consumer_build installs the library and builds a separate project against it without the
# sanitizer flags: a sanitized static library cannot link there, so it runs in the normal build.
# The RabbitMQ runs (one node, and the cluster's node-kill test) are about the broker, not our
# memory safety: the normal build has them.
ctest --test-dir "$build" --output-on-failure -j"$jobs" --timeout 300 \
  -E '^(consumer_build|fleet\.rabbitmq|cluster\.node_kill)$'
