#!/usr/bin/env bash
# The core on a Cortex-M4 (shared/spec/footprint.md): cross build with arm-none-eabi-g++ and
# picolibc, the codec and session unit tests under QEMU (mps2-an386, semihosting), the
# footprint images (the build fails if they need malloc, operator new, exceptions or RTTI) and
# the size table.
#
#   scripts/steps/cross.sh                 build dir: $ARM_BUILD_DIR, default build-arm
#   scripts/steps/cross.sh --update-docs   also rewrite the table in docs/size.md
set -eu
cd "$(dirname "$0")/../.."

build=${ARM_BUILD_DIR:-build-arm}
for tool in arm-none-eabi-g++ qemu-system-arm python3; do
  command -v "$tool" >/dev/null || {
    echo "cross: $tool not found (scripts/install-deps.sh gcc-arm-none-eabi" \
         "libstdc++-arm-none-eabi-picolibc qemu-system-arm python3)" >&2
    exit 1
  }
done

cmake -S . -B "$build" -DCMAKE_TOOLCHAIN_FILE=cmake/arm/cortex-m4.cmake \
      -DCMAKE_BUILD_TYPE=MinSizeRel >/dev/null
cmake --build "$build" -j"$(nproc)"
# -V: the runner prints only failures and its "N passed, N failed, N skipped" summary.
log="$build/target-tests.log"
status=0
ctest --test-dir "$build" -V -L target --timeout 300 >"$log" 2>&1 || status=$?
grep -E "Test +#|target tests:|failure in|skipped " "$log" | sed -E 's/^[0-9]+: //'
if [ "$status" -ne 0 ]; then
  tail -n 40 "$log" >&2
  echo "cross: target tests failed (full log: $log)" >&2
  exit 1
fi

table="$build/test/target/size.md"
echo
echo "Cortex-M4 -Os, library input sections only (footprint.md):"
cat "$table"

if [ "${1:-}" = --update-docs ]; then
  python3 - "$table" docs/size.md <<'PY'
import re, sys
table, doc = open(sys.argv[1]).read(), open(sys.argv[2]).read()
begin, end = "<!-- size-report:begin -->", "<!-- size-report:end -->"
new = re.sub(re.escape(begin) + ".*?" + re.escape(end), begin + "\n" + table + end, doc, flags=re.S)
open(sys.argv[2], "w").write(new)
PY
  echo "cross: docs/size.md updated"
fi
