#!/usr/bin/env bash
# The ESP32 compile gate (docs/esp32.md): compiles, for Xtensa, everything an ESP32 user's build
# compiles of ours, with ESP-IDF v5.5's C++ flags, and fails on any error or warning.
#   - every source the ESP-IDF component builds (the globs of cmake/esp_idf_component.cmake);
#   - examples/esp_idf/*/main/*.cpp;
#   - the Arduino build: the sketch examples/arduino/SensorNode/SensorNode.ino, and every .cpp
#     under src/ as Arduino-ESP32 3.x compiles a library (only src/ on the include path, the
#     ESP-IDF port selected by ESP_PLATFORM, TLS without MQTT_SETUP_HAS_TLS).
# Compiler: Debian's xtensa-lx106-elf-g++ (the ESP8266's GCC 12, the ESP32's ILP32 type model),
# with Debian's newlib headers and the C++ headers of libstdc++-arm-none-eabi-dev.
#
#   scripts/steps/esp32.sh                                 against test/esp_idf_model (CI)
#   ESP32_SDKCONFIG_DEFAULTS=FILE scripts/steps/esp32.sh   the same with FILE's options on top
#   scripts/steps/esp32.sh --idf DIR --mbedtls DIR         against real ESP-IDF v5.5 and mbedTLS
#                                                          3.6 trees that you fetched yourself
# Objects and scratch files go to $ESP32_BUILD_DIR (default build-esp32). Only compiles, never
# links: what runs on the chip is for a board to prove (README, "On ESP32").
set -eu
cd "$(dirname "$0")/../.."
root=$PWD

idf=""
mbedtls=""
while [ $# -gt 0 ]; do
  case $1 in
    --idf) idf=$(cd "$2" && pwd); shift 2 ;;
    --mbedtls) mbedtls=$(cd "$2" && pwd); shift 2 ;;
    *) echo "usage: $0 [--idf ESP_IDF_DIR --mbedtls MBEDTLS_DIR]" >&2; exit 2 ;;
  esac
done
if { [ -n "$idf" ] && [ -z "$mbedtls" ]; } || { [ -z "$idf" ] && [ -n "$mbedtls" ]; }; then
  echo "esp32: give both --idf and --mbedtls" \
       "(ESP-IDF's components/mbedtls/mbedtls is a submodule)" >&2
  exit 2
fi

cxx=xtensa-lx106-elf-g++
libcxx=/usr/include/newlib/c++/12.2.1
python=python3
[ -x /usr/bin/python3 ] && python=/usr/bin/python3  # Debian's, which has python3-kconfiglib
for need in "$cxx:gcc-xtensa-lx106" "$libcxx/vector:libstdc++-arm-none-eabi-dev" \
            "/usr/include/newlib/newlib.h:libnewlib-dev"; do
  if ! command -v "${need%%:*}" >/dev/null && [ ! -e "${need%%:*}" ]; then
    echo "esp32: ${need%%:*} not found (scripts/install-deps.sh ${need#*:})" >&2
    exit 1
  fi
done

if [ -n "$idf" ]; then half=real; else half=model; fi
build_root=${ESP32_BUILD_DIR:-build-esp32}
build=$(mkdir -p "$build_root" && cd "$build_root" && pwd)/$half
rm -rf "$build"
mkdir -p "$build"/{obj,log}/{component,example,arduino} "$build/wrap/cxx/bits" \
         "$build/wrap/newlib/sys" \
         "$build/wrap/idf/mbedtls" "$build/sketch"

# --- What is compiled -----------------------------------------------------------------------
# The component's sources: every ${mqtt_setup_root}/... pattern in its CMake file, expanded
# here the way file(GLOB) does, so a directory or file added there is compiled here too.
component_cmake=$(sed 's/#.*//' cmake/esp_idf_component.cmake)  # without its comments
mapfile -t patterns < <(grep -o '\${mqtt_setup_root}/[^ )"]*\.cpp' <<<"$component_cmake" |
                        sed 's|^\${mqtt_setup_root}/||' | sort -u)
component=()
for pattern in "${patterns[@]}"; do
  for file in $pattern; do [ -f "$file" ] && component+=("$file"); done
done
if [ "${#component[@]}" -eq 0 ]; then
  echo "esp32: no sources found from cmake/esp_idf_component.cmake" >&2
  exit 1
fi
mapfile -t component < <(printf '%s\n' "${component[@]}" | LC_ALL=C sort -u)
mapfile -t examples < <(ls examples/esp_idf/*/main/*.cpp 2>/dev/null | LC_ALL=C sort)
# Arduino-ESP32 compiles every .cpp under src/, with only src/ on the include path: the ESP-IDF
# port must find its headers through src/mqtt_setup/, and the other ports compile to nothing.
mapfile -t arduino_sources < <(find src -name '*.cpp' | LC_ALL=C sort)
sketch=examples/arduino/SensorNode/SensorNode.ino

# --- Flags ----------------------------------------------------------------------------------
# ESP-IDF v5.5's build, for C++ on the esp32 target with CONFIG_COMPILER_OPTIMIZATION_SIZE and
# without CONFIG_COMPILER_CXX_EXCEPTIONS / _RTTI (the example's sdkconfig.defaults):
#   tools/cmake/build.cmake (__build_set_default_build_specifications), the root CMakeLists.txt
#   (optimization, exceptions, RTTI, GCC-specific and jump-table options),
#   components/soc/project_include.cmake (Xtensa), components/pthread/CMakeLists.txt.
# One deliberate difference: -Werror where ESP-IDF v5.5 defaults to -Werror=all
# (CONFIG_COMPILER_DISABLE_DEFAULT_ERRORS=y), so that any warning fails the gate.
idf_flags=(
  -std=gnu++2b -Os -freorder-blocks -fno-exceptions -fno-rtti
  -ffunction-sections -fdata-sections
  -Wall -Werror -Wno-error=unused-function -Wno-error=unused-variable
  -Wno-error=unused-but-set-variable -Wno-error=deprecated-declarations -Wextra
  -Wno-error=extra -Wno-unused-parameter -Wno-sign-compare -Wno-enum-conversion
  -gdwarf-4 -ggdb -fstrict-volatile-bitfields -fno-jump-tables -fno-tree-switch-conversion
  -fuse-cxa-atexit -mlongcalls -fno-builtin-memcpy -fno-builtin-memset -fno-builtin-bzero
  -D_GLIBCXX_USE_POSIX_SEMAPHORE -D_GLIBCXX_HAVE_POSIX_SEMAPHORE -D_GNU_SOURCE
  -D_POSIX_READER_WRITER_LOCKS -DESP_PLATFORM -DIDF_VER=\"v5.5\"
)
# The component's own options and definitions, read from cmake/esp_idf_component.cmake; CMake
# puts them after ESP-IDF's.
read -r -a component_options <<<"$(tr '\n' ' ' <<<"$component_cmake" |
  grep -o 'target_compile_options(\${COMPONENT_LIB} [A-Z]* [^)]*)' |
  sed 's/^[^ ]* [A-Z]* //; s/)$//' | tr '\n' ' ')"
component_flags=("${component_options[@]}")
for definition in $(tr '\n' ' ' <<<"$component_cmake" |
                    grep -o 'target_compile_definitions(\${COMPONENT_LIB} [A-Z]* [^)]*)' |
                    sed 's/^[^ ]* [A-Z]* //; s/)$//'); do
  component_flags+=("-D$definition")
done
# Arduino-ESP32 3.x: the core adds these defines to ESP-IDF's. The warning level there is the
# IDE's setting; we hold the Arduino build to the component's warning options (which, like our
# CMake builds, let packets leave their MQTT 5 members to the defaults: cmake/warnings.cmake),
# but without MQTT_SETUP_HAS_TLS, which the Arduino IDE never defines.
arduino_flags=("${component_options[@]}" -DARDUINO=10812 -DARDUINO_ARCH_ESP32 -DESP32
               -DARDUINO_ESP32_DEV)

# Where Debian's toolchain libraries differ from Espressif's (the four wrappers below live in
# $build/wrap, never in the repository).
# 1. Espressif's libstdc++ is built with POSIX gthreads (std::thread, std::mutex over
#    ESP-IDF's pthread); Debian's arm-none-eabi one is single-threaded.
cat >"$build/wrap/cxx/bits/c++config.h" <<'EOF'
#pragma once
#include_next <bits/c++config.h>
#define _GLIBCXX_HAS_GTHREADS 1
EOF
echo '#include <bits/gthr-posix.h>' >"$build/wrap/cxx/bits/gthr-default.h"
# 2. Espressif's newlib declares the POSIX threads, timeouts, timers and clocks it has.
posix_flags=(-D_POSIX_THREADS -D_POSIX_TIMEOUTS -D_UNIX98_THREAD_MUTEX_ATTRIBUTES
             -D_POSIX_TIMERS -D_POSIX_MONOTONIC_CLOCK=200112L -D_POSIX_CLOCK_SELECTION=200112L)
# 3. newlib 3.3 declares `_global_impure_ptr` const; ESP-IDF's sys/reent.h (newlib 4) redeclares
#    it without: newlib's own declaration gets another name, its _GLOBAL_REENT still works.
cat >"$build/wrap/newlib/sys/reent.h" <<'EOF'
#pragma once
#define _global_impure_ptr _newlib_3_3_const_global_impure_ptr
#include_next <sys/reent.h>
#undef _global_impure_ptr
EOF
# 4. ESP-IDF's port mbedtls/gcm.h declares functions on mbedtls_gcm_context_soft, a type only
#    Espressif's mbedTLS fork defines; upstream 3.6 needs it declared (pointers only).
cat >"$build/wrap/idf/mbedtls/gcm.h" <<'EOF'
#pragma once
typedef struct mbedtls_gcm_context_soft mbedtls_gcm_context_soft;
#include_next "mbedtls/gcm.h"
EOF

# --- Headers and sdkconfig.h ----------------------------------------------------------------
config=$build/config
kconfig_args=(--out "$config" --kconfig "$root/Kconfig"
              --defaults "$root/examples/esp_idf/sensor_node/sdkconfig.defaults")
for projbuild in examples/esp_idf/*/main/Kconfig.projbuild; do
  kconfig_args+=(--projbuild "$root/$projbuild")
done
if [ "$half" = real ]; then kconfig_args+=(--idf "$idf"); fi
# ESP32_SDKCONFIG_DEFAULTS: one more sdkconfig.defaults file, read last (e.g. a line
# CONFIG_MQTT_SETUP_PROTOCOLS_311=y for the 3.1.1-only build).
if [ -n "${ESP32_SDKCONFIG_DEFAULTS:-}" ]; then
  kconfig_args+=(--defaults "$(cd "$(dirname "$ESP32_SDKCONFIG_DEFAULTS")" && pwd)/$(basename "$ESP32_SDKCONFIG_DEFAULTS")")
fi
"$python" scripts/steps/esp32_sdkconfig.py "${kconfig_args[@]}" >/dev/null

platform_includes=()
if [ "$half" = real ]; then
  c=$idf/components
  # Each component's INCLUDE_DIRS (its CMakeLists.txt) for esp32 / Xtensa / FreeRTOS-Kernel.
  for dir in \
      "$build/wrap/idf" \
      newlib/platform_include \
      freertos/config/include freertos/config/include/freertos freertos/config/xtensa/include \
      freertos/FreeRTOS-Kernel/include freertos/FreeRTOS-Kernel/portable/xtensa/include \
      freertos/FreeRTOS-Kernel/portable/xtensa/include/freertos freertos/esp_additions/include \
      esp_hw_support/include esp_hw_support/include/soc esp_hw_support/include/soc/esp32 \
      esp_hw_support/dma/include esp_hw_support/ldo/include esp_hw_support/debug_probe/include \
      esp_hw_support/mspi_timing_tuning/include esp_hw_support/power_supply/include \
      heap/include log/include \
      soc/include soc/esp32 soc/esp32/include soc/esp32/register \
      hal/platform_port/include hal/esp32/include hal/include \
      esp_rom/include esp_rom/esp32/include esp_rom/esp32/include/esp32 esp_rom/esp32 \
      esp_common/include esp_system/include xtensa/esp32/include xtensa/include \
      xtensa/deprecated_include esp_timer/include pthread/include vfs/include \
      lwip/include lwip/include/apps lwip/include/apps/sntp lwip/lwip/src/include \
      lwip/port/include lwip/port/freertos/include lwip/port/esp32xx/include \
      lwip/port/esp32xx/include/arch lwip/port/esp32xx/include/sys \
      esp_event/include esp_netif/include esp_wifi/include esp_wifi/include/local \
      esp_wifi/wifi_apps/include esp_wifi/wifi_apps/nan_app/include esp_phy/include \
      esp_phy/esp32/include nvs_flash/include esp_partition/include spi_flash/include \
      mbedtls/port/include "$mbedtls/include" "$mbedtls/library" mbedtls/esp_crt_bundle/include; do
    case $dir in /*) platform_includes+=(-I"$dir") ;; *) platform_includes+=(-I"$c/$dir") ;; esac
  done
  # ESP-IDF's mbedTLS configuration (components/mbedtls/CMakeLists.txt).
  platform_includes+=(-DMBEDTLS_CONFIG_FILE=\"mbedtls/esp_config.h\")
  system_includes=(-isystem "$build/wrap/cxx" -isystem "$libcxx" -isystem "$libcxx/arm-none-eabi"
                   -isystem "$build/wrap/newlib" -isystem /usr/include/newlib)
  label="real ESP-IDF v$(sed -n \
           's/^#define ESP_IDF_VERSION_\(MAJOR\|MINOR\|PATCH\) *\([0-9]*\).*/\2/p' \
           "$idf/components/esp_common/include/esp_idf_version.h" | paste -sd.)"
  label+=" + mbedTLS $(sed -n 's/^#define MBEDTLS_VERSION_STRING *"\(.*\)"/\1/p' \
           "$mbedtls/include/mbedtls/build_info.h")"
else
  platform_includes=(-I"$root/test/esp_idf_model")
  system_includes=(-isystem "$build/wrap/cxx" -isystem "$libcxx" -isystem "$libcxx/arm-none-eabi"
                   -isystem /usr/include/newlib)
  label="model (test/esp_idf_model)"
fi
platform_includes+=(-I"$config")

# --- Compile --------------------------------------------------------------------------------
# One job per file; the compiler's output of a failed file is printed after the list.
compile() {  # kind source
  local kind=$1 source=$2 object log flags
  object="$build/obj/$kind/${source//\//__}.o"
  log="$build/log/$kind/${source//\//__}.log"
  case $kind in
    component) flags=("${component_flags[@]}" -I"$root/include" -I"$root/src") ;;
    example) flags=(-I"$root/include") ;;
    arduino) flags=("${arduino_flags[@]}" -I"$root/src" -I"$root/test/packaging/arduino_host") ;;
  esac
  if "$cxx" "${idf_flags[@]}" "${posix_flags[@]}" "${flags[@]}" "${platform_includes[@]}" \
       "${system_includes[@]}" -c "$source" -o "$object" >"$log" 2>&1; then
    echo "ok     $kind $source"
  else
    echo "FAILED $kind $source"
  fi
}

# As Arduino builds a sketch: Arduino.h first, then the .ino as C++ (its #line keeps the names).
{
  echo '#include <Arduino.h>'
  echo "#line 1 \"$root/$sketch\""
  cat "$sketch"
} >"$build/sketch/SensorNode.ino.cpp"

jobs=$(nproc)
{
  for f in "${component[@]}"; do echo "component $f"; done
  for f in "${examples[@]}"; do echo "example $f"; done
  for f in "${arduino_sources[@]}"; do echo "arduino $f"; done
  echo "arduino $build/sketch/SensorNode.ino.cpp"
} >"$build/files"
export -f compile
export cxx build root
# Arrays cannot be exported: hand them over through a file the jobs source.
declare -p idf_flags posix_flags component_options component_flags arduino_flags platform_includes \
           system_includes >"$build/flags.sh"
start=$(date +%s)
xargs -P "$jobs" -L 1 bash -c 'source "$0"; compile "$1" "$2"' "$build/flags.sh" \
  <"$build/files" >"$build/results" 2>&1 || true
LC_ALL=C sort -k3 "$build/results" | sed "s|$build/sketch/SensorNode.ino.cpp|$sketch|"
while read -r _ kind source; do
  echo "--- $kind $source"
  cat "$build/log/$kind/${source//\//__}.log"
done < <(grep '^FAILED' "$build/results" || true)

# Probes that ESP-IDF rejects must be rejected here too, for the reason their first line gives
# (test/esp_idf_model/must_fail/README.md): against the model this keeps it as strict as
# ESP-IDF; against the real trees it shows that it is. The must_compile probes use what the
# model declares for code not written yet, so that the real run checks those declarations too.
probes=0
probe_failures=0
for probe in test/esp_idf_model/must_compile/*.cpp; do
  probes=$((probes + 1))
  log="$build/log/probe-$(basename "$probe").log"
  if "$cxx" "${idf_flags[@]}" "${posix_flags[@]}" "${component_flags[@]}" \
       "${platform_includes[@]}" "${system_includes[@]}" -c "$probe" -o /dev/null >"$log" 2>&1; then
    echo "ok     probe $probe (compiles)"
  else
    echo "FAILED probe $probe: does not compile"
    cat "$log"
    probe_failures=$((probe_failures + 1))
  fi
done
for probe in test/esp_idf_model/must_fail/*.cpp; do
  probes=$((probes + 1))
  expect=$(sed -n '1s|^// expect: ||p' "$probe")
  log="$build/log/probe-$(basename "$probe").log"
  if "$cxx" "${idf_flags[@]}" "${posix_flags[@]}" "${component_flags[@]}" \
       "${platform_includes[@]}" "${system_includes[@]}" -c "$probe" -o /dev/null >"$log" 2>&1; then
    echo "FAILED probe $probe: compiles, but ESP-IDF rejects it ($expect)"
    probe_failures=$((probe_failures + 1))
  elif ! grep -qF -- "$expect" "$log"; then
    echo "FAILED probe $probe: rejected, but not with \"$expect\":"
    cat "$log"
    probe_failures=$((probe_failures + 1))
  else
    echo "ok     probe $probe (rejected: $expect)"
  fi
done

total=$(wc -l <"$build/files")
compiled=$(grep -c '^ok ' "$build/results" || true)
failed=$((total - compiled))
echo "esp32: $compiled compiled, $failed failed against the $label" \
     "(${#component[@]} component, ${#examples[@]} example," \
     "$((${#arduino_sources[@]} + 1)) Arduino;" \
     "$((probes - probe_failures)) of $probes probes as expected; $(($(date +%s) - start)) s)"
[ "$failed" -eq 0 ] && [ "$probe_failures" -eq 0 ]
