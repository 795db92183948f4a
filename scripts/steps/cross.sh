#!/usr/bin/env bash
# The core on three microcontroller instruction sets (the footprint method of docs/size.md):
#
#   cortex-m4  arm-none-eabi-g++ + picolibc + libstdc++, tests on qemu-system-arm (mps2-an386)
#   rv32imc    riscv64-unknown-elf-g++ + picolibc (ESP32-C3/C6 class), qemu-system-riscv32 (virt)
#   lx106      xtensa-lx106-elf-g++ + picolibc, our stand-in for the ESP32's Xtensa LX6,
#              qemu-system-xtensa (sim)
#
# For each: cross build, the codec and session unit tests under QEMU (semihosting), the
# footprint images (the build fails if they need malloc, operator new, exceptions or RTTI) and
# the size table; then the footprint images of the one-version builds (MQTT_SETUP_PROTOCOLS
# 3.1.1 and 5, in BUILD-3.1.1 and BUILD-5); then the three targets side by side, and the
# three protocol builds side by side.
#
#   scripts/steps/cross.sh [TARGET...]     default: all three; build dirs ${CROSS_BUILD_PREFIX}arm,
#                                          ...riscv, ...xtensa (CROSS_BUILD_PREFIX default build-)
#   scripts/steps/cross.sh --update-docs   all three, and rewrite the tables in docs/size.md
#
# Debian has no libstdc++ for the RISC-V and Xtensa compilers. The test runner's few needs are
# in test/target/cxx_runtime/, plus std::map's red-black tree: tree.cc from Debian's
# gcc-12-source package, fetched with `apt-get download` into ${CROSS_BUILD_PREFIX}gcc-source
# (once; never part of the repository).
set -eu
cd "$(dirname "$0")/../.."

prefix=${CROSS_BUILD_PREFIX:-build-}
update_docs=0
targets=()
for arg in "$@"; do
  case "$arg" in
    --update-docs) update_docs=1 ;;
    cortex-m4|rv32imc|lx106) targets+=("$arg") ;;
    *) echo "cross: unknown argument '$arg' (--update-docs, cortex-m4, rv32imc, lx106)" >&2; exit 2 ;;
  esac
done
if [ ${#targets[@]} -eq 0 ] || [ "$update_docs" -eq 1 ]; then targets=(cortex-m4 rv32imc lx106); fi

# target -> toolchain file, build directory suffix, tools it needs, Debian packages with them
toolchain() {
  case "$1" in
    cortex-m4) echo cmake/arm/cortex-m4.cmake ;;
    rv32imc) echo cmake/riscv/rv32imc.cmake ;;
    lx106) echo cmake/xtensa/lx106.cmake ;;
  esac
}
build_dir() {
  case "$1" in
    cortex-m4) echo "${prefix}arm" ;;
    rv32imc) echo "${prefix}riscv" ;;
    lx106) echo "${prefix}xtensa" ;;
  esac
}
needs() {
  case "$1" in
    cortex-m4) echo "arm-none-eabi-g++ qemu-system-arm|gcc-arm-none-eabi libstdc++-arm-none-eabi-picolibc qemu-system-arm" ;;
    rv32imc) echo "riscv64-unknown-elf-g++ qemu-system-riscv32|gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf libstdc++-arm-none-eabi-dev qemu-system-misc" ;;
    lx106) echo "xtensa-lx106-elf-g++ qemu-system-xtensa|gcc-xtensa-lx106 picolibc-xtensa-lx106-elf libstdc++-arm-none-eabi-dev qemu-system-misc" ;;
  esac
}

# libstdc++-v3/src/c++98/tree.cc of Debian's GCC 12 source; prints its path.
libstdcxx_tree_cc() {
  local scratch="${prefix}gcc-source"
  local tree="$scratch/gcc/libstdc++-v3/src/c++98/tree.cc"
  if [ ! -f "$tree" ]; then
    mkdir -p "$scratch"
    local source_tar=/usr/src/gcc-12/gcc-12.2.0-dfsg.tar.xz  # if gcc-12-source is installed
    if [ ! -f "$source_tar" ]; then
      rm -f "$scratch"/gcc-12-source_*.deb
      if ! (cd "$scratch" && apt-get download gcc-12-source >/dev/null 2>&1); then
        # A fresh machine may have no package lists yet.
        if [ "$(id -u)" -eq 0 ]; then apt-get update -qq >/dev/null; fi
        (cd "$scratch" && apt-get download gcc-12-source >/dev/null) || {
          echo "cross: cannot download Debian's gcc-12-source (for libstdc++'s tree.cc)" >&2
          return 1
        }
      fi
      dpkg-deb --fsys-tarfile "$scratch"/gcc-12-source_*.deb |
        tar -xO --wildcards './usr/src/gcc-12/gcc-*-dfsg.tar.xz' >"$scratch/gcc.tar.xz"
      rm -f "$scratch"/gcc-12-source_*.deb
      source_tar="$scratch/gcc.tar.xz"
    fi
    mkdir -p "$scratch/gcc"
    tar -xJf "$source_tar" -C "$scratch/gcc" --strip-components=1 --wildcards \
      '*/libstdc++-v3/src/c++98/tree.cc'
    rm -f "$scratch/gcc.tar.xz"
  fi
  realpath "$tree"
}

command -v python3 >/dev/null || { echo "cross: python3 not found" >&2; exit 1; }
reports=()
version_reports=()
for target in "${targets[@]}"; do
  started=$(date +%s)
  build=$(build_dir "$target")
  IFS='|' read -r tools packages <<<"$(needs "$target")"
  for tool in $tools; do
    command -v "$tool" >/dev/null || {
      echo "cross: $tool not found (scripts/install-deps.sh $packages)" >&2
      exit 1
    }
  done
  options=()
  if [ "$target" != cortex-m4 ]; then
    options+=("-DMQTT_SETUP_LIBSTDCXX_TREE_CC=$(libstdcxx_tree_cc)")
  fi
  echo "== $target ($build)"
  cmake -S . -B "$build" -DCMAKE_TOOLCHAIN_FILE="$(toolchain "$target")" \
        -DCMAKE_BUILD_TYPE=MinSizeRel "${options[@]}" >/dev/null
  cmake --build "$build" -j"$(nproc)" >"$build/build.log" 2>&1 || {
    tail -n 40 "$build/build.log" >&2
    echo "cross: $target build failed (full log: $build/build.log)" >&2
    exit 1
  }
  # -V: the runner prints only failures and its "N passed, N failed, N skipped" summary.
  log="$build/target-tests.log"
  status=0
  ctest --test-dir "$build" -V -L target --timeout 300 >"$log" 2>&1 || status=$?
  grep -E "Test +#|target tests:|failure in|skipped " "$log" | sed -E 's/^[0-9]+: //'
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$log" >&2
    echo "cross: $target tests failed (full log: $log)" >&2
    exit 1
  fi
  echo
  echo "$target -Os, library input sections only:"
  cat "$build/test/target/size.md"
  reports+=("$build/test/target/size.json")
  version_reports+=("$build/test/target/size.json")
  for protocols in 3.1.1 5; do
    cmake -S . -B "$build-$protocols" -DCMAKE_TOOLCHAIN_FILE="$(toolchain "$target")" \
          -DCMAKE_BUILD_TYPE=MinSizeRel -DMQTT_SETUP_PROTOCOLS="$protocols" "${options[@]}" >/dev/null
    cmake --build "$build-$protocols" -j"$(nproc)" --target size_report \
          >"$build-$protocols/build.log" 2>&1 || {
      tail -n 40 "$build-$protocols/build.log" >&2
      echo "cross: $target $protocols-only build failed (full log: $build-$protocols/build.log)" >&2
      exit 1
    }
    version_reports+=("$build-$protocols/test/target/size.json")
  done
  echo "cross: $target took $(( $(date +%s) - started )) s"
  echo
done

compare="$(build_dir "${targets[0]}")/size-compare.md"
echo "Side by side:"
python3 tools/size-report.py compare "${reports[@]}" --output "$compare"
versions="$(build_dir "${targets[0]}")/size-versions.md"
echo "Protocol versions built in:"
python3 tools/size-report.py versions "${version_reports[@]}" --output "$versions"

if [ "$update_docs" -eq 1 ]; then
  python3 - "$(build_dir cortex-m4)/test/target/size.md" "$compare" "$versions" docs/size.md <<'PY'
import re, sys
detail, compare, versions = (open(p).read() for p in sys.argv[1:4])
doc_path = sys.argv[4]
doc = open(doc_path).read()
for name, table in (("size-report", detail), ("size-compare", compare),
                    ("size-versions", versions)):
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    if begin not in doc:
        sys.exit(f"cross: no {begin} in {doc_path}")
    doc = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: begin + "\n" + table + end,
                 doc, flags=re.S)
open(doc_path, "w").write(doc)
PY
  echo "cross: docs/size.md updated"
fi
