// Errors say what happened: an Error that is not about the session does not claim a session
// cause (SessionError::None), so an unparsable server list is not reported as "invalid topic".
#include <gtest/gtest.h>

#include "mqtt_setup/mqtt_setup.hpp"

namespace mqtt_setup {
namespace {

TEST(SetupErrors, ADefaultErrorNamesNoSessionCause) {
  const Error e;
  EXPECT_EQ(e.session, SessionError::None);
  EXPECT_EQ(describe(SessionError::None), "no error");
}

TEST(SetupErrors, AnUnparsableServerListSaysSoAndNotInvalidTopic) {
  Options o;
  o.log = [](LogLevel, std::string_view) {};
  MQTTSetup mqtt{"", 0, std::nullopt, std::nullopt, o};
  mqtt.setup_connection();
  const Error e = mqtt.last_error();
  EXPECT_EQ(e.kind, Error::Kind::InvalidArgument);
  EXPECT_EQ(e.session, SessionError::None);
  const std::string message = e.message();
  EXPECT_NE(message.find("broker address"), std::string::npos) << message;
  EXPECT_EQ(message.find("topic"), std::string::npos) << message;
  EXPECT_FALSE(mqtt.is_connected());
}

TEST(SetupErrors, ABadTopicStillSaysInvalidTopic) {
  const Error e = Error::from_session(SessionError::InvalidTopic);
  EXPECT_NE(e.message().find("invalid topic"), std::string::npos);
}

}  // namespace
}  // namespace mqtt_setup
