# Toolchain: bare-metal Cortex-M4 (no FPU) with Debian's gcc-arm-none-eabi 12 and picolibc,
# the compiler and flags of the footprint method (docs/size.md), so our sizes compare with its
# reference table.
#
#   cmake -S . -B build-arm -DCMAKE_TOOLCHAIN_FILE=cmake/arm/cortex-m4.cmake -DCMAKE_BUILD_TYPE=MinSizeRel
#
# The top-level CMakeLists.txt sees CMAKE_SYSTEM_NAME Generic and builds only the core (codec,
# session) plus test/target (the QEMU test runner and the footprint images).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR cortex-m4)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_AR arm-none-eabi-ar CACHE FILEPATH "")
set(CMAKE_RANLIB arm-none-eabi-ranlib CACHE FILEPATH "")
set(MQTT_SETUP_TARGET_NM arm-none-eabi-nm CACHE FILEPATH "")
# No OS to run a test executable on while configuring.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# --specs=picolibc.specs on compile lines too: it puts picolibc's headers on the include path.
set(arch "-mcpu=cortex-m4 -mthumb --specs=picolibc.specs -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${arch}")
set(CMAKE_CXX_FLAGS_INIT
    "${arch} -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit")
# The compile flags (with --specs) reach the link line too; giving the specs twice is an error.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--gc-sections")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
