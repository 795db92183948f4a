#!/usr/bin/env bash
# scripts/steps/layering.sh on a copy of the tree: it passes on the tree as it is, and for each
# kind of forbidden include, put into the copy by hand, it fails with one line that names the
# file and the include.
#
#   layering_test.sh ROOT WORK
set -eu
root=$(cd "$1" && pwd)
work=$2
check=$root/scripts/steps/layering.sh

rm -rf "$work"
mkdir -p "$work/tree"
cp -r "$root/src" "$root/include" "$root/tools" "$work/tree/"
tree=$work/tree

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

if ! bash "$check" "$tree" >"$work/clean.out" 2>&1; then
  fail "the unchanged tree does not pass:"
  sed 's/^/    /' "$work/clean.out" >&2
fi

# expect_failure NAME FILE EDIT EXPECTED: applies the sed program EDIT to FILE (in the copy),
# runs the check, and wants exit status 1 with a line holding FILE and EXPECTED; then restores.
expect_failure() {
  local name=$1 file=$2 edit=$3 expected=$4 status=0
  cp "$tree/$file" "$work/saved"
  sed -i "$edit" "$tree/$file"
  if cmp -s "$tree/$file" "$work/saved"; then
    fail "$name: the edit changed nothing in $file (the test is stale)"
  fi
  bash "$check" "$tree" >"$work/$name.out" 2>&1 || status=$?
  if [ "$status" -ne 1 ]; then
    fail "$name: exit status $status, wanted 1"
  elif ! grep -F "$file" "$work/$name.out" | grep -qF -- "$expected"; then
    fail "$name: no line names $file and $expected:"
    sed 's/^/    /' "$work/$name.out" >&2
  else
    echo "$name: $(grep -F "$file" "$work/$name.out" | grep -F -- "$expected" | head -1)"
  fi
  cp "$work/saved" "$tree/$file"
}

expect_failure transport_includes_facade include/mqtt_setup/tls_transport.hpp \
  's|"mqtt_setup/tls_options.hpp"|"mqtt_setup/options.hpp"|' \
  '"mqtt_setup/options.hpp": transport may not include setup'
expect_failure codec_includes_session src/codec/packet.cpp \
  '1i #include "mqtt_setup/session.hpp"' '"mqtt_setup/session.hpp": codec may not include session'
expect_failure private_header_of_another_layer src/platform/journal_record.hpp \
  's|"util/crc32.hpp"|"session/record.hpp"|' 'private to the session layer'
expect_failure tool_includes_private_header tools/cli/main.cpp \
  '1i #include "setup/client.hpp"' 'private to the setup layer'
expect_failure public_header_includes_util include/mqtt_setup/codec.hpp \
  '1i #include "util/crc32.hpp"' 'private to the util layer'
expect_failure session_includes_a_clock src/session/store.cpp \
  '1i #include <chrono>' '<chrono>: session is sans-IO'
expect_failure facade_carries_session_layout include/mqtt_setup/error.hpp \
  's|"mqtt_setup/session_types.hpp"|"mqtt_setup/session.hpp"|' 'error.hpp -> session.hpp'

# A public header nobody placed in a layer.
echo '#pragma once' >"$tree/include/mqtt_setup/unplaced.hpp"
status=0
bash "$check" "$tree" >"$work/unplaced.out" 2>&1 || status=$?
if [ "$status" -ne 1 ] || ! grep -q 'include/mqtt_setup/unplaced.hpp is in no layer' "$work/unplaced.out"; then
  fail "unplaced_public_header: exit status $status, output:"
  sed 's/^/    /' "$work/unplaced.out" >&2
else
  echo "unplaced_public_header: $(grep 'unplaced.hpp' "$work/unplaced.out")"
fi
rm "$tree/include/mqtt_setup/unplaced.hpp"

if [ "$failures" -gt 0 ]; then
  exit 1
fi
echo "layering check: passes on the tree, fails on each of 8 forbidden includes"
