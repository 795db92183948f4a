#!/usr/bin/env bash
# CI step: build the libFuzzer targets with clang (ASan + UBSan) and run each for a bounded
# time from its seed corpus (fuzz/corpus/<target>/). Fails on any crash, leak, sanitizer report
# or invariant abort; the reproducer is left in $BUILD_DIR/artifacts/ and printed.
#   FUZZ_SECONDS   per target (default 60)      BUILD_DIR   default build-fuzz
#   CXX            default clang++-14           FUZZ_JOBS   parallel builds (default 2)
# New inputs found are kept in $BUILD_DIR/corpus/<target>/, not in the source tree: add a
# crash's reproducer to fuzz/corpus/<target>/ by hand when fixing it (it is then replayed by
# the ordinary test suite as fuzz.<target>.corpus).
set -eu
cd "$(dirname "$0")/../.."

seconds=${FUZZ_SECONDS:-60}
build=${BUILD_DIR:-build-fuzz}
cxx=${CXX:-clang++-14}
command -v "$cxx" >/dev/null || { echo "fuzz.sh: $cxx not found (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 1; }

cmake -S . -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMQTT_SETUP_FUZZ=ON -DMQTT_SETUP_SANITIZE=ON -DMQTT_SETUP_BUILD_CLI=OFF >/dev/null
targets=$(ls fuzz/corpus)
cmake --build "$build" -j"${FUZZ_JOBS:-2}" --target $(for t in $targets; do echo "fuzz_$t"; done)

status=0
for t in $targets; do
  work="$build/corpus/$t"
  mkdir -p "$work" "$build/artifacts"
  echo "fuzz.sh: fuzz_$t for ${seconds}s"
  # -max_len keeps inputs packet-sized; -timeout catches hangs; -rss_limit_mb catches blow-ups.
  if ! "$build/fuzz/fuzz_$t" "$work" "fuzz/corpus/$t" -max_total_time="$seconds" -max_len=4096 \
      -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
      -artifact_prefix="$build/artifacts/$t-" 2>"$build/fuzz_$t.log"; then
    status=1
    echo "fuzz.sh: fuzz_$t FAILED; reproducer(s):" >&2
    ls -1 "$build/artifacts/$t-"* >&2 2>/dev/null || true
    tail -n 60 "$build/fuzz_$t.log" >&2
  fi
  grep -E "^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|^#[0-9]+ +DONE" \
    "$build/fuzz_$t.log" | sed "s/^/fuzz_$t: /" || true
done
exit $status
