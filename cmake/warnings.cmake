# Warnings are errors in our own targets (DESIGN.md, habit 6), and in the simulated Arduino
# build (test/packaging), which compiles outside CMake targets and takes the list from here.
# -Wno-missing-field-initializers: packets have 5.0 fields with defaults, and `Ack{type, id}`
# leaving them out is the intent.
set(MQTT_SETUP_WARNING_FLAGS -Wall -Wextra -Wpedantic -Werror -Wshadow -Wconversion
    -Wno-sign-conversion -Wno-missing-field-initializers)
# GCC 12 reports a false -Wrestrict inside std::string's operator+ at -O3 (GCC bug 105329).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND MQTT_SETUP_WARNING_FLAGS -Wno-restrict)
endif()

function(mqtt_setup_warnings target)
  target_compile_options(${target} PRIVATE ${MQTT_SETUP_WARNING_FLAGS})
endfunction()

# One library per layer; public headers are shared by all of them.
function(mqtt_setup_layer target)
  add_library(${target} STATIC ${ARGN})
  add_library(mqtt_setup::${target} ALIAS ${target})
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:include>)
  target_compile_features(${target} PUBLIC cxx_std_20)
  mqtt_setup_warnings(${target})
  set_property(GLOBAL APPEND PROPERTY MQTT_SETUP_LAYERS ${target})
endfunction()
