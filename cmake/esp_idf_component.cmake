# The ESP-IDF component, included by the top-level CMakeLists.txt when ESP_PLATFORM is set.
# The same sources as the Linux build, with the ESP-IDF port instead of the POSIX one; the
# CLI, tests and examples are not part of the component.
set(mqtt_setup_root ${CMAKE_CURRENT_LIST_DIR}/..)

file(GLOB mqtt_setup_idf_sources
  ${mqtt_setup_root}/src/util/*.cpp              # CRC-32, below every layer
  ${mqtt_setup_root}/src/codec/*.cpp
  ${mqtt_setup_root}/src/session/*.cpp
  ${mqtt_setup_root}/src/driver/*.cpp
  ${mqtt_setup_root}/src/setup/*.cpp
  ${mqtt_setup_root}/src/transport/*.cpp        # TCP, and TLS on ESP-IDF's mbedTLS
  ${mqtt_setup_root}/src/platform/*.cpp          # shared by every port (client id format)
  ${mqtt_setup_root}/src/platform/esp_idf/*.cpp)

idf_component_register(
  SRCS ${mqtt_setup_idf_sources}
  INCLUDE_DIRS include
  PRIV_INCLUDE_DIRS src
  REQUIRES lwip esp_event mbedtls
  # vfs: esp_vfs_eventfd.h, the Waker's eventfd (src/setup/waker.cpp).
  PRIV_REQUIRES nvs_flash esp_timer esp_wifi esp_netif pthread vfs)

# ESP-IDF compiles C++ with exceptions off unless CONFIG_COMPILER_CXX_EXCEPTIONS is set; we
# need neither exceptions nor RTTI, and keep our warnings as errors.
target_compile_options(${COMPONENT_LIB} PRIVATE -Wall -Wextra -Werror -Wshadow
  -Wno-missing-field-initializers)
target_compile_features(${COMPONENT_LIB} PUBLIC cxx_std_20)
# mbedTLS is always part of ESP-IDF: the TLS transport exists (as src/transport/CMakeLists.txt
# says on Linux when it finds mbedTLS).
target_compile_definitions(${COMPONENT_LIB} PUBLIC MQTT_SETUP_HAS_TLS=1 MQTT_SETUP_HAS_SCRAM=1)
