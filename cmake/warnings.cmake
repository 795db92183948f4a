# Warnings are errors in our own targets (DESIGN.md, habit 6).
function(mqtt_setup_warnings target)
  # -Wno-missing-field-initializers: packets have 5.0 fields with defaults, and `Ack{type, id}`
  # leaving them out is the intent.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror -Wshadow
                         -Wconversion -Wno-sign-conversion -Wno-missing-field-initializers)
  # GCC 12 reports a false -Wrestrict inside std::string's operator+ at -O3 (GCC bug 105329).
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()

# One library per layer; public headers are shared by all of them.
function(mqtt_setup_layer target)
  add_library(${target} STATIC ${ARGN})
  add_library(mqtt_setup::${target} ALIAS ${target})
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/generated>
    $<INSTALL_INTERFACE:include>)
  target_compile_features(${target} PUBLIC cxx_std_20)
  mqtt_setup_warnings(${target})
  set_property(GLOBAL APPEND PROPERTY MQTT_SETUP_LAYERS ${target})
endfunction()
