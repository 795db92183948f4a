#!/usr/bin/env bash
# The package manifests beside CMakeLists.txt agree with the tree and with each other:
#  - one version: include/mqtt_setup/version.hpp's, which CMake reads (CMAKE_VERSION argument),
#    in library.properties (Arduino), library.json (PlatformIO) and idf_component.yml (ESP-IDF);
#  - library.properties has the fields the Arduino library specification requires, and its
#    `includes=` headers sit directly in src/, the only place the IDE looks them up;
#  - library.json's headers and folders exist;
#  - each Arduino example includes one of those headers before anything else of ours.
#
#   manifests_test.sh ROOT CMAKE_PROJECT_VERSION
set -eu
root=$(cd "$1" && pwd)
cmake_version=$2
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
property() {  # key: its value in library.properties
  sed -n "s/^$1=//p" "$root/library.properties" | head -1
}
json() {  # python expression over the parsed library.json `d`
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print('"$1"')' "$root/library.json"
}

# One version.
header_version=$(sed -n 's/.*kVersion = "\([0-9][0-9.]*\)";.*/\1/p' \
                 "$root/include/mqtt_setup/version.hpp")
[ -n "$header_version" ] || fail "no kVersion = \"X.Y.Z\"; in include/mqtt_setup/version.hpp"
check_version() {  # where, version
  if [ "$2" != "$header_version" ]; then
    fail "$1 says version '$2', include/mqtt_setup/version.hpp says '$header_version'"
  fi
}
check_version "CMake's project()" "$cmake_version"
check_version library.properties "$(property version)"
check_version library.json "$(json 'd["version"]')"
check_version idf_component.yml \
  "$(sed -n 's/^version: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "$root/idf_component.yml")"

# library.properties (Arduino library specification, 1.5 format rev. 2.2).
for field in name version author maintainer sentence paragraph category url architectures; do
  [ -n "$(property "$field")" ] || fail "library.properties has no $field="
done
case "$(property category)" in
  Display | Communication | "Signal Input/Output" | Sensors | "Device Control" | Timing | \
    "Data Storage" | "Data Processing" | Other) ;;
  *) fail "library.properties category=$(property category) is not one the specification allows" ;;
esac
if ! property name | grep -Eqx '[A-Za-z0-9][A-Za-z0-9 _.-]*'; then
  fail "library.properties name=$(property name) has characters the specification does not allow"
fi
if [ "$(property name)" != "$(json 'd["name"]')" ]; then
  fail "library.properties and library.json name the library differently"
fi
# The sources are compiled for the board: no precompiled archives to go stale.
if grep -q '^precompiled=' "$root/library.properties"; then
  fail "library.properties sets precompiled=; this library ships sources only"
fi
includes=$(property includes | tr ',' ' ')
[ -n "$includes" ] || fail "library.properties has no includes="
for header in $includes; do
  if [ ! -f "$root/src/$header" ] || [ "$(dirname "$header")" != . ]; then
    fail "library.properties includes=$header is not a header directly in src/"
  fi
done

# library.json (PlatformIO).
for dir in "$(json 'd["build"]["srcDir"]')" "$(json 'd["build"]["includeDir"]')"; do
  [ -d "$root/$dir" ] || fail "library.json names folder $dir, which does not exist"
done
for header in $(json '" ".join(d["headers"])'); do
  if [ ! -f "$root/src/$header" ] && [ ! -f "$root/include/$header" ]; then
    fail "library.json headers: $header is in neither src/ nor include/"
  fi
done

# Arduino examples: library detection needs a top-level src/ header first.
for sketch in "$root"/examples/arduino/*/*.ino; do
  first=$(grep -o '^#include *[<"][^>"]*mqtt_setup[^>"]*[>"]' "$sketch" | head -1 |
          sed 's/^#include *[<"]\(.*\)[>"]$/\1/')
  case " $includes " in
    *" $first "*) ;;
    *) fail "${sketch#"$root"/} includes '$first' first; the Arduino IDE finds the library only by one of: $includes" ;;
  esac
done

if [ "$failures" -gt 0 ]; then
  exit 1
fi
echo "version $header_version everywhere; library.properties, library.json and examples consistent"
