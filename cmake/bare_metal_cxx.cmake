# C++ standard headers for the bare-metal compilers Debian ships without a libstdc++
# (riscv64-unknown-elf, xtensa-lx106-elf): those of libstdc++-arm-none-eabi-dev. Only
# bits/c++config.h and a few siblings are per target; the default arm-none-eabi variant
# describes a 32-bit core without atomic instructions (_GLIBCXX_ATOMIC_BUILTINS undefined), as
# rv32imc and lx106 are. Header-only use: the library links no libstdc++ (the footprint
# images prove it); the test runner's few library needs are in test/target/cxx_runtime/.
set(MQTT_SETUP_CXX_HEADER_ROOT /usr/include/newlib/c++/12.2.1)
if(NOT EXISTS ${MQTT_SETUP_CXX_HEADER_ROOT}/arm-none-eabi/bits/c++config.h)
  message(FATAL_ERROR "no ${MQTT_SETUP_CXX_HEADER_ROOT}/arm-none-eabi/bits/c++config.h "
                      "(Debian: apt-get install libstdc++-arm-none-eabi-dev)")
endif()
# -isystem before picolibc's (from --specs): libstdc++'s <cstdlib> #include_next's <stdlib.h>.
set(MQTT_SETUP_CXX_HEADERS
    "-isystem ${MQTT_SETUP_CXX_HEADER_ROOT} -isystem ${MQTT_SETUP_CXX_HEADER_ROOT}/arm-none-eabi")
