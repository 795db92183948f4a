#!/usr/bin/env bash
# CI step: the integration tests once under valgrind memcheck (leaks, invalid reads/writes,
# uninitialised values). Reuses an ordinary build (BUILD_DIR, default build; built here if
# needed) and runs `ctest -T memcheck` on the tests labelled `integration`, so the broker
# fixtures start and stop mosquitto as usual. Each test program runs under
#   valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite
# so any error fails that test and the step. Suppressions (third-party only, each explained):
# scripts/steps/valgrind.supp.
#   BUILD_DIR  default build     JOBS  default 2     VALGRIND_TESTS  ctest -R regex (default the C++ programs, ^integration\.)
set -eu
cd "$(dirname "$0")/../.."
build=${BUILD_DIR:-build}
jobs=${JOBS:-2}
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind not found (apt-get install valgrind)" >&2; exit 1; }
if [ ! -f "$build/CTestTestfile.cmake" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" -j"$jobs"
supp=$PWD/scripts/steps/valgrind.supp
# The C++ integration programs (ctest names integration.*): valgrind sees our code there. The
# shell-driven CLI, agent and fleet tests would put only bash under valgrind.
tests=${VALGRIND_TESTS:-'^integration\.'}
ctest --test-dir "$build" -T memcheck -L integration -R "$tests" \
  -j"$jobs" --timeout 600 --output-on-failure \
  --overwrite MemoryCheckCommand="$(command -v valgrind)" \
  --overwrite MemoryCheckCommandOptions="--error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite --track-origins=yes --num-callers=30 --trace-children=no" \
  --overwrite MemoryCheckSuppressionFile="$supp"
