// listen --json's line per message (tools/cli/json_output.cpp): the subscription identifiers a
// 5.0 message carries become "subscription_ids", after the fields that were there before.
#include <gtest/gtest.h>

#include <array>

#include "json_output.hpp"

namespace mqtt_setup::cli {
namespace {

using codec::PropertyId;

TEST(MessageJson, SubscriptionIdsListedInWireOrder) {
  std::array<std::uint8_t, 32> buffer{};
  codec::PropertyWriter w{buffer};
  w.add(PropertyId::SubscriptionIdentifier, 2U).add(PropertyId::SubscriptionIdentifier, 300U);
  ASSERT_TRUE(w.ok());
  Message m;
  m.topic = "a/b";
  m.payload = codec::as_bytes("hi");
  m.qos = QoS::AtLeastOnce;
  m.properties = w.properties();
  EXPECT_EQ(to_json_line(message_json(m)),
            R"({"topic":"a/b","payload":"hi","qos":1,"retain":false,)"
            R"("properties":{"subscription_identifiers":[2,300]},"subscription_ids":[2,300]})");
}

TEST(MessageJson, NoSubscriptionIdsWithoutThem) {
  Message m;
  m.topic = "a/b";
  m.payload = codec::as_bytes("hi");
  EXPECT_EQ(to_json_line(message_json(m)),
            R"({"topic":"a/b","payload":"hi","qos":0,"retain":false})");
}

}  // namespace
}  // namespace mqtt_setup::cli
