# install(): headers, every layer's library, a CMake package config and a pkg-config file.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

get_property(layers GLOBAL PROPERTY MQTT_SETUP_LAYERS)
install(TARGETS ${layers} EXPORT mqtt_setupTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
# The public headers are include/mqtt_setup/ alone (version.hpp among them). src/mqtt_setup/
# holds one-line forwarders for the Arduino IDE, which puts only src/ on the include path; they
# are never installed (test/packaging/install_layout_test.sh checks).
install(DIRECTORY include/mqtt_setup DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT mqtt_setupTargets NAMESPACE mqtt_setup::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mqtt_setup)

configure_package_config_file(cmake/mqtt_setupConfig.cmake.in
  ${PROJECT_BINARY_DIR}/mqtt_setupConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mqtt_setup)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/mqtt_setupConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/mqtt_setupConfig.cmake
              ${PROJECT_BINARY_DIR}/mqtt_setupConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/modules/FindMbedTLS.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mqtt_setup)

# pkg-config lists the layers in link order (facade first).
set(MQTT_SETUP_PC_LIBS "")
set(mqtt_setup_pc_layers mqtt_setup mqtt_setup_transport mqtt_setup_platform mqtt_setup_driver
    mqtt_setup_session mqtt_setup_codec mqtt_setup_util)
if(TARGET mqtt_setup_scram)  # between the facade, which uses it, and the transport it uses
  list(INSERT mqtt_setup_pc_layers 1 mqtt_setup_scram)
endif()
foreach(lib ${mqtt_setup_pc_layers})
  string(APPEND MQTT_SETUP_PC_LIBS " -l${lib}")
endforeach()
if(MQTT_SETUP_TLS)
  string(APPEND MQTT_SETUP_PC_LIBS " -lmbedtls -lmbedx509 -lmbedcrypto")
endif()
# Relocatable: the prefix is found from where the .pc file was installed.
file(RELATIVE_PATH MQTT_SETUP_PC_PREFIX "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
configure_file(cmake/mqtt_setup.pc.in ${PROJECT_BINARY_DIR}/mqtt_setup.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/mqtt_setup.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
