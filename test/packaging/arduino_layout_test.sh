#!/usr/bin/env bash
# The Arduino IDE's build of this library, simulated on the Linux host. The IDE (arduino-cli)
# compiles every .cpp under src/, recursively, with only src/ on the include path, and the
# sketch with `#include <Arduino.h>` prepended; it links all the objects into the program.
# Here the host is the target, so the POSIX port applies and ESP_PLATFORM is not defined.
#
#   arduino_layout_test.sh ROOT WORK CXX "WARNING FLAGS" [MBEDTLS_INCLUDE_DIRS [MBEDTLS_LIBS...]]
#
# Fails when a file under src/ cannot be found or compiled that way, when the objects do not
# link into one program with the example sketch, when a forwarder in src/mqtt_setup/ does not
# compile on its own, when a header is read twice with both include/ and src/ on the path, or
# when a platform folder does not compile to nothing where it does not apply.
set -eu
root=$(cd "$1" && pwd)
work=$2
cxx=$3
read -r -a warnings <<<"$4"
mbedtls_include=${5:-}
shift $(($# < 5 ? $# : 5))
mbedtls_libs=("$@")
jobs=${MQTT_SETUP_TEST_JOBS:-2}

std=-std=gnu++2a  # library.json's flag: C++20 with GNU extensions, as the core compiles
mbedtls_flags=()
IFS=';' read -r -a mbedtls_dirs <<<"$mbedtls_include"  # a CMake list
for dir in "${mbedtls_dirs[@]}"; do
  if [ -n "$dir" ]; then mbedtls_flags+=(-isystem "$dir"); fi
done

rm -rf "$work"
mkdir -p "$work/obj" "$work/log"
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# 1. Every source under src/, as the IDE compiles it.
compile_source() {  # relative path under src/
  local source=$1 object
  object="$work/obj/${source//\//__}.o"
  if ! "$cxx" "$std" "${warnings[@]}" -I"$root/src" "${mbedtls_flags[@]}" \
       -c "$root/src/$source" -o "$object" >"$work/log/${source//\//__}.log" 2>&1; then
    echo "$source" >>"$work/failed"
  fi
}
mapfile -t sources < <(cd "$root/src" && find . -name '*.cpp' -printf '%P\n' | LC_ALL=C sort)
if [ "${#sources[@]}" -eq 0 ]; then
  fail "no .cpp under src/"
fi
running=0
for source in "${sources[@]}"; do
  compile_source "$source" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait
if [ -f "$work/failed" ]; then
  while read -r source; do
    fail "src/$source does not compile with only -I src/:"
    sed 's/^/    /' "$work/log/${source//\//__}.log" >&2
  done <"$work/failed"
else
  echo "compiled all ${#sources[@]} sources under src/ with only -I src/"
fi

# 2. The example sketch, as the IDE turns it into C++, linked with every object from step 1.
host="$root/test/packaging/arduino_host"
"$cxx" "$std" -Wall -Wextra -Werror -I"$host" -c "$host/arduino_host.cpp" -o "$work/arduino_host.o"
for sketch in "$root"/examples/arduino/*/*.ino; do
  name=$(basename "$sketch" .ino)
  {
    echo '#include <Arduino.h>'
    echo "#line 1 \"$sketch\""
    cat "$sketch"
  } >"$work/$name.ino.cpp"
  # Warnings as an Arduino user sees them with "Compiler warnings: All".
  if ! "$cxx" "$std" -Wall -Wextra -Werror -I"$host" -I"$root/src" \
       -c "$work/$name.ino.cpp" -o "$work/$name.ino.o" 2>"$work/log/$name.log"; then
    fail "examples/arduino/$name/$name.ino does not compile against src/:"
    sed 's/^/    /' "$work/log/$name.log" >&2
    continue
  fi
  if ! "$cxx" -o "$work/$name" "$work/$name.ino.o" "$work/arduino_host.o" "$work"/obj/*.o \
       "${mbedtls_libs[@]}" -pthread 2>"$work/log/$name.link.log"; then
    fail "examples/arduino/$name with every object from src/ does not link:"
    sed 's/^/    /' "$work/log/$name.link.log" >&2
  else
    echo "linked examples/arduino/$name with all ${#sources[@]} objects from src/"
  fi
done

# 3. Each header a sketch can name, on its own with only src/ on the path.
for header in "$root"/src/*.h "$root"/src/mqtt_setup/*.hpp; do
  if ! echo "#include \"$header\"" | "$cxx" "$std" "${warnings[@]}" -I"$root/src" \
       -fsyntax-only -x c++ - 2>"$work/log/header.log"; then
    fail "${header#"$root"/} does not compile on its own with -I src/:"
    sed 's/^/    /' "$work/log/header.log" >&2
  fi
done

# 4. include/ and src/ both on the path (CMake's tests, PlatformIO): every public header
#    reached directly and through its forwarder, in both path orders, is still read once.
twice="$work/twice.cpp"
: >"$twice"
for header in "$root"/include/mqtt_setup/*.hpp; do
  name=$(basename "$header")
  {
    echo "#include \"$root/include/mqtt_setup/$name\""
    echo "#include \"$root/src/mqtt_setup/$name\""
    echo "#include <mqtt_setup/$name>"
  } >>"$twice"
done
for order in "-I$root/include -I$root/src" "-I$root/src -I$root/include"; do
  # shellcheck disable=SC2086  # two flags on purpose
  if ! "$cxx" "$std" "${warnings[@]}" $order -fsyntax-only "$twice" 2>"$work/log/twice.log"; then
    fail "public headers read twice with $order:"
    sed 's/^/    /' "$work/log/twice.log" >&2
  fi
done

# 5. A port applies on its platform only: posix/ is empty with ESP_PLATFORM, esp_idf/ without.
#    The IDE compiles both folders for every board, so each must preprocess to nothing there.
check_empty() {  # file, extra flags...
  local file=$1 code
  shift
  # Included from stdin, so that a header's #pragma once is not in the main file.
  code=$(echo "#include \"$file\"" | "$cxx" "$std" -E -P -x c++ "$@" -I"$root/src" - 2>&1 |
         grep -v '^[[:space:]]*$' || true)
  if [ -n "$code" ]; then
    fail "${file#"$root"/} is not empty when preprocessed with [$*]; guard it whole:"
    echo "$code" | head -5 | sed 's/^/    /' >&2
  fi
}
checked=0
while IFS= read -r file; do
  check_empty "$file" -DESP_PLATFORM
  checked=$((checked + 1))
done < <(find "$root/src" -path '*/posix/*' -type f \( -name '*.cpp' -o -name '*.hpp' \))
while IFS= read -r file; do
  check_empty "$file" -UESP_PLATFORM
  checked=$((checked + 1))
done < <(find "$root/src" -path '*/esp_idf/*' -type f \( -name '*.cpp' -o -name '*.hpp' \))
echo "checked $checked platform files compile to nothing off their platform"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
