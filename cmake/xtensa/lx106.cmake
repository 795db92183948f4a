# Toolchain: bare-metal Xtensa lx106 (the ESP8266's core, call0 ABI) with Debian's
# gcc-xtensa-lx106 12 and picolibc: our stand-in for the ESP32's Xtensa LX6, for which Debian
# has no compiler. Same ILP32 type model; the LX6 adds register windows, a hardware divider and
# more, so ESP32 code is somewhat smaller than these figures (docs/size.md). Flags as in
# cmake/arm/cortex-m4.cmake, plus ESP-IDF's -mlongcalls (the linker turns each back into a
# direct call where the target is in reach).
#
#   cmake -S . -B build-xtensa -DCMAKE_TOOLCHAIN_FILE=cmake/xtensa/lx106.cmake -DCMAKE_BUILD_TYPE=MinSizeRel
#
# Debian ships no libstdc++ for this compiler: cmake/bare_metal_cxx.cmake.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR lx106)

set(CMAKE_C_COMPILER xtensa-lx106-elf-gcc)
set(CMAKE_CXX_COMPILER xtensa-lx106-elf-g++)
set(CMAKE_AR xtensa-lx106-elf-ar CACHE FILEPATH "")
set(CMAKE_RANLIB xtensa-lx106-elf-ranlib CACHE FILEPATH "")
set(MQTT_SETUP_TARGET_NM xtensa-lx106-elf-nm CACHE FILEPATH "")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

include(${CMAKE_CURRENT_LIST_DIR}/../bare_metal_cxx.cmake)
# picolibc's specs file for this compiler is not where the compiler looks for one.
set(arch "-mlongcalls --specs=/usr/lib/xtensa-lx106-elf/picolibc.specs -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${arch}")
set(CMAKE_CXX_FLAGS_INIT
    "${arch} ${MQTT_SETUP_CXX_HEADERS} -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--gc-sections")
# No libstdc++ to link, and g++ 12 always asks for one: link with the C driver.
set(CMAKE_CXX_LINK_EXECUTABLE
    "xtensa-lx106-elf-gcc <FLAGS> <CMAKE_CXX_LINK_FLAGS> <LINK_FLAGS> <OBJECTS> -o <TARGET> <LINK_LIBRARIES>")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
