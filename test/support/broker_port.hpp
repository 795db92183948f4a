// Where integration tests find the mosquitto instances the CTest fixtures started.
//
// The fixture `broker` (tests broker_start / broker_stop) runs an anonymous broker; the
// fixture `broker_auth` (broker_auth_start / broker_auth_stop) one that requires user
// "device", password "secret". Each writes its port to <dir>/<name>.port, where <dir> is
// $MQTT_SETUP_TEST_BROKER_DIR, else the build tree's test/broker directory.
#pragma once

#include <cstdint>
#include <string>

namespace mqtt_setup::test {

inline constexpr const char* kPlainBroker = "plain";
inline constexpr const char* kAuthBroker = "auth";
inline constexpr const char* kAuthUser = "device";
inline constexpr const char* kAuthPassword = "secret";

/// The directory holding <name>.port and <name>.pid.
std::string broker_dir();

/// The port of the running broker `name` ("plain" or "auth"), or 0 when it is not running
/// (mosquitto not installed, or the test was run without its fixture): skip the test then,
///   if (port == 0) GTEST_SKIP() << "no broker: run through ctest";
std::uint16_t broker_port(const char* name);

}  // namespace mqtt_setup::test
