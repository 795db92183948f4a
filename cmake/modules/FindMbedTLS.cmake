# Finds mbedTLS where it installs no CMake package (Debian 12's libmbedtls-dev 2.28) and defines
# the imported targets mbedTLS 3's own MbedTLSConfig.cmake defines: MbedTLS::mbedtls,
# MbedTLS::mbedx509, MbedTLS::mbedcrypto. Installed beside mqtt_setupConfig.cmake, so that a
# user's find_package(mqtt_setup) finds mbedTLS on their machine: nothing in our exported
# targets names a path of the machine we were built on.
find_path(MbedTLS_INCLUDE_DIR mbedtls/ssl.h)
find_library(MbedTLS_mbedtls_LIBRARY mbedtls)
find_library(MbedTLS_mbedx509_LIBRARY mbedx509)
find_library(MbedTLS_mbedcrypto_LIBRARY mbedcrypto)
mark_as_advanced(MbedTLS_INCLUDE_DIR MbedTLS_mbedtls_LIBRARY MbedTLS_mbedx509_LIBRARY
                 MbedTLS_mbedcrypto_LIBRARY)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(MbedTLS REQUIRED_VARS MbedTLS_INCLUDE_DIR
  MbedTLS_mbedtls_LIBRARY MbedTLS_mbedx509_LIBRARY MbedTLS_mbedcrypto_LIBRARY)

if(MbedTLS_FOUND)
  # Link order matters for static libraries: tls needs x509 needs crypto.
  set(mqtt_setup_mbedtls_needs_mbedtls MbedTLS::mbedx509)
  set(mqtt_setup_mbedtls_needs_mbedx509 MbedTLS::mbedcrypto)
  set(mqtt_setup_mbedtls_needs_mbedcrypto "")
  foreach(lib mbedcrypto mbedx509 mbedtls)
    if(NOT TARGET MbedTLS::${lib})
      add_library(MbedTLS::${lib} UNKNOWN IMPORTED)
      set_target_properties(MbedTLS::${lib} PROPERTIES
        IMPORTED_LOCATION "${MbedTLS_${lib}_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${MbedTLS_INCLUDE_DIR}"
        INTERFACE_LINK_LIBRARIES "${mqtt_setup_mbedtls_needs_${lib}}")
    endif()
  endforeach()
endif()
