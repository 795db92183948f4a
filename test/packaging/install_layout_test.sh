#!/usr/bin/env bash
# What `cmake --install` puts under include/ is exactly include/mqtt_setup/ of the tree: every
# public header (version.hpp among them, nothing generated), and none of src/mqtt_setup/'s
# forwarders, which point at ../../include and would dangle once installed.
#
#   install_layout_test.sh ROOT BUILD_DIR
set -eu
root=$(cd "$1" && pwd)
build=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
installed=$(cd "$work/prefix/include" && find . -type f | LC_ALL=C sort)
expected=$(cd "$root/include" && find . -type f | LC_ALL=C sort)
if [ "$installed" != "$expected" ]; then
  echo "FAIL: installed headers differ from include/ (< installed, > tree):" >&2
  diff <(echo "$installed") <(echo "$expected") >&2 || true
  exit 1
fi
if grep -rl 'include "\.\./\.\./include/' "$work/prefix/include" >&2; then
  echo "FAIL: a forwarder from src/mqtt_setup/ was installed" >&2
  exit 1
fi
for header in "$root"/include/mqtt_setup/*.hpp; do
  if ! cmp -s "$header" "$work/prefix/include/mqtt_setup/$(basename "$header")"; then
    echo "FAIL: installed $(basename "$header") is not the tree's" >&2
    exit 1
  fi
done
echo "installed include/ is the tree's include/: $(echo "$installed" | wc -l) headers"
