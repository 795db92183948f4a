# Toolchain: bare-metal RV32IMC (the ESP32-C3's instruction set; the C6 adds atomics) with
# Debian's gcc-riscv64-unknown-elf 12 and picolibc, flags as in cmake/arm/cortex-m4.cmake so the
# sizes compare.
#
#   cmake -S . -B build-riscv -DCMAKE_TOOLCHAIN_FILE=cmake/riscv/rv32imc.cmake -DCMAKE_BUILD_TYPE=MinSizeRel
#
# Our code is rv32imc; the compiler has no rv32imc multilib, so it links picolibc's rv32im
# (the same code without compressed instructions: only the C library is 2-byte-aligned less
# densely, and the size report counts only our sections). Debian ships no libstdc++ for this
# compiler: the footprint images need none, the test runner gets what it needs from
# test/target/cxx_runtime (scripts/steps/cross.sh).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR rv32imc)

set(CMAKE_C_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_CXX_COMPILER riscv64-unknown-elf-g++)
set(CMAKE_AR riscv64-unknown-elf-ar CACHE FILEPATH "")
set(CMAKE_RANLIB riscv64-unknown-elf-ranlib CACHE FILEPATH "")
set(MQTT_SETUP_TARGET_NM riscv64-unknown-elf-nm CACHE FILEPATH "")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# libstdc++'s headers from libstdc++-arm-none-eabi-dev: target-independent but for
# bits/c++config.h, whose default (non-multilib) arm-none-eabi variant is for a core without
# atomic instructions, like rv32imc (cmake/bare_metal_cxx.cmake).
include(${CMAKE_CURRENT_LIST_DIR}/../bare_metal_cxx.cmake)
set(arch "-march=rv32imc -mabi=ilp32 --specs=picolibc.specs -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${arch}")
set(CMAKE_CXX_FLAGS_INIT
    "${arch} ${MQTT_SETUP_CXX_HEADERS} -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--gc-sections")
# There is no libstdc++ to link, and g++ 12 always asks for one (-nostdlib++ came in GCC 13):
# link with the C driver.
set(CMAKE_CXX_LINK_EXECUTABLE
    "riscv64-unknown-elf-gcc <FLAGS> <CMAKE_CXX_LINK_FLAGS> <LINK_FLAGS> <OBJECTS> -o <TARGET> <LINK_LIBRARIES>")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
