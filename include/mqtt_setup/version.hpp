// The library's version, and the one place it is written down: CMakeLists.txt reads it for
// project(VERSION), and test/packaging/version_agreement.sh fails when library.properties
// (Arduino), library.json (PlatformIO) or idf_component.yml (ESP-IDF) says otherwise.
// Checked in rather than generated, because the Arduino IDE and PlatformIO run no CMake.
#pragma once

namespace mqtt_setup {
inline constexpr const char* kVersion = "0.1.0";
}
