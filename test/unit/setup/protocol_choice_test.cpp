// Options::protocol and the versions this build has (MQTT_SETUP_PROTOCOLS): a version left out
// is a clear error from setup_connection(), never another version spoken in its place.
#include <gtest/gtest.h>

#include "mqtt_setup/mqtt_setup.hpp"

namespace mqtt_setup {
namespace {

TEST(ProtocolChoice, AVersionLeftOutOfTheBuildIsRefusedBeforeAnyAttempt) {
  using codec::ProtocolVersion;
  Protocol missing;
  if (!codec::is_built(ProtocolVersion::V5)) {
    missing = Protocol::V5;
  } else if (!codec::is_built(ProtocolVersion::V311)) {
    missing = Protocol::V311;
  } else {
    GTEST_SKIP() << "this build has both versions";
  }
  Options o;
  o.protocol = missing;
  o.client_id = "protocol_choice";
  o.log = [](LogLevel, std::string_view) {};
  // Port 1 on loopback: an attempt would fail with "connection refused", not with this error.
  MQTTSetup mqtt{"127.0.0.1:1", 0, std::nullopt, std::nullopt, o};
  auto sender = mqtt.setup_connection();
  EXPECT_EQ(mqtt.stats().connect_attempts, 0u);
  EXPECT_EQ(mqtt.last_error().session, SessionError::VersionNotBuiltIn);
  EXPECT_NE(mqtt.last_error().message().find("MQTT_SETUP_PROTOCOLS"), std::string::npos);
  // Publishing says the same, not some encoding error.
  EXPECT_FALSE(sender("t", 1));
  EXPECT_EQ(mqtt.last_error().session, SessionError::VersionNotBuiltIn);
}

TEST(ProtocolChoice, AutoSpeaksTheNewestVersionBuiltIn) {
  Options o;
  o.protocol = Protocol::Auto;
  o.client_id = "protocol_auto";
  o.background = false;
  o.attempts = 1;
  o.log = [](LogLevel, std::string_view) {};
  MQTTSetup mqtt{"127.0.0.1:1", 0, std::nullopt, std::nullopt, o};
  const auto expected = codec::is_built(codec::ProtocolVersion::V5) ? codec::ProtocolVersion::V5
                                                                    : codec::ProtocolVersion::V311;
  EXPECT_EQ(mqtt.protocol_version(), expected);
  mqtt.setup_connection();
  EXPECT_NE(mqtt.last_error().session, SessionError::VersionNotBuiltIn);
}

}  // namespace
}  // namespace mqtt_setup
