# The QEMU machine each bare-metal toolchain's code runs on (cmake/arm, cmake/riscv,
# cmake/xtensa), for test/target/CMakeLists.txt:
#
#   target_title          the column name in the size report
#   target_qemu           the QEMU command line; @ELF@ stands for the image
#   target_memory_map     link options placing code and data in the machine's RAM
#   target_link_script    our own linker script, if the target has one (relinks on change)
#   target_runner_link    link options of the test runner (start-up code, semihosting)
#   target_start_sources  start-up and runtime sources every image adds on this target
#   target_test_sources   tests of those, added to the unit tests on this target
#   target_cxx_runtime    ON: the compiler has no libstdc++; the runner links cxx_runtime/
#                         and libstdc++'s tree.cc (MQTT_SETUP_LIBSTDCXX_TREE_CC)
set(semihosting -semihosting-config enable=on,target=native)
set(target_start_sources)
set(target_test_sources)
set(target_cxx_runtime OFF)
set(target_link_script)

if(CMAKE_SYSTEM_PROCESSOR STREQUAL "cortex-m4")
  set(target_title "Cortex-M4")
  # mps2-an386: 4 MB of code RAM at 0, 4 MB of data RAM at 0x20000000.
  set(target_qemu qemu-system-arm -M mps2-an386 -nographic -monitor none ${semihosting}
      -kernel @ELF@)
  set(target_memory_map
    -Wl,--defsym=__flash=0x00000000 -Wl,--defsym=__flash_size=0x400000
    -Wl,--defsym=__ram=0x20000000 -Wl,--defsym=__ram_size=0x400000)
  # picolibcpp.ld: the tests use libstdc++'s operator new, which brings the unwinder and its
  # index table.
  set(target_runner_link --oslib=semihost --crt0=semihost -Tpicolibcpp.ld)
elseif(CMAKE_SYSTEM_PROCESSOR STREQUAL "rv32imc")
  set(target_title "RV32IMC")
  # virt: RAM from 0x80000000 (128 MB); -bios none jumps to the ELF's entry in machine mode.
  set(target_qemu qemu-system-riscv32 -M virt -bios none -nographic -monitor none
      ${semihosting} -kernel @ELF@)
  set(target_memory_map
    -Wl,--defsym=__flash=0x80000000 -Wl,--defsym=__flash_size=0x1000000
    -Wl,--defsym=__ram=0x81000000 -Wl,--defsym=__ram_size=0x1000000)
  set(target_runner_link --oslib=semihost --crt0=semihost)
  set(target_cxx_runtime ON)
elseif(CMAKE_SYSTEM_PROCESSOR STREQUAL "lx106")
  set(target_title "Xtensa (lx106)")
  # sim: 128 MB of system RAM at 0x60000000; the loader starts the CPU at the ELF's entry.
  # picolibc has no Xtensa semihosting and its crt0 sets no stack: xtensa/ has both, and a
  # linker script that puts each function's literals before its code (l32r loads backwards).
  set(target_qemu qemu-system-xtensa -M sim -cpu lx106 -nographic -monitor none
      ${semihosting} -device loader,file=@ELF@,cpu-num=0)
  # One RAM region for code and data, on purpose: no warning about it.
  set(target_link_script ${CMAKE_CURRENT_SOURCE_DIR}/xtensa/sim.ld)
  set(target_memory_map -nostartfiles -T${target_link_script} -Wl,--no-warn-rwx-segments)
  set(target_runner_link)
  set(target_start_sources xtensa/sim_start.cpp xtensa/libgcc_gaps.cpp)
  set(target_test_sources xtensa/libgcc_gaps_test.cpp)
  set(target_cxx_runtime ON)
else()
  message(FATAL_ERROR "test/target: no QEMU machine for CMAKE_SYSTEM_PROCESSOR "
                      "'${CMAKE_SYSTEM_PROCESSOR}' (cortex-m4, rv32imc or lx106)")
endif()
list(GET target_qemu 0 target_qemu_program)
find_program(MQTT_SETUP_QEMU ${target_qemu_program})
