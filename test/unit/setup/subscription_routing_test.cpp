// Routing a received message to the subscription it came through (subscription_routing.hpp):
// by subscription identifier when the broker sends them, by topic filter otherwise.
#include <gtest/gtest.h>

#include <array>

#include "setup/subscription_routing.hpp"

namespace mqtt_setup {
namespace {

using codec::PropertyId;

/// A message on `topic` carrying the subscription identifiers `ids` (none: as under 3.1.1).
class Received {
 public:
  Received(std::string_view topic, std::initializer_list<std::uint32_t> ids) {
    codec::PropertyWriter w{buffer_};
    for (const std::uint32_t id : ids) w.add(PropertyId::SubscriptionIdentifier, id);
    EXPECT_TRUE(w.ok());
    message_.topic = topic;
    message_.properties = w.properties();
  }
  const Message& message() const { return message_; }

 private:
  std::array<std::uint8_t, 64> buffer_{};
  Message message_;
};

TEST(SubscriptionRouting, SharedSubscriptionsMatchWithTheirFilter) {
  EXPECT_EQ(matching_filter("$share/g1/devices/+/sensors/#"), "devices/+/sensors/#");
  EXPECT_EQ(matching_filter("devices/#"), "devices/#");
  EXPECT_EQ(matching_filter("$SYS/#"), "$SYS/#");
  EXPECT_EQ(matching_filter("$share/g1"), "");  // no filter: matches nothing
}

TEST(SubscriptionRouting, WithoutIdentifiersByTopic) {
  const Received m("devices/a/sensors/t", {});
  EXPECT_TRUE(came_through(m.message(), "devices/#", 1));
  EXPECT_TRUE(came_through(m.message(), "devices/+/sensors/t", 2));
  EXPECT_TRUE(came_through(m.message(), "devices/a/sensors/t", 0));
  EXPECT_FALSE(came_through(m.message(), "devices/b/#", 3));
  EXPECT_TRUE(came_through(m.message(), "$share/g/devices/+/sensors/#", 4));
  EXPECT_FALSE(came_through(m.message(), "$share/g/other/#", 5));
  EXPECT_FALSE(came_through(m.message(), "$share/g", 6));
}

// Two overlapping subscriptions, 1 = devices/#, 2 = devices/a/#: a broker that sends one copy
// per subscription names one identifier in each; each copy belongs to that subscription only.
TEST(SubscriptionRouting, OneCopyPerSubscriptionGoesToItsOwn) {
  const Received first("devices/a/x", {1});
  const Received second("devices/a/x", {2});
  EXPECT_TRUE(came_through(first.message(), "devices/#", 1));
  EXPECT_FALSE(came_through(first.message(), "devices/a/#", 2));
  EXPECT_FALSE(came_through(second.message(), "devices/#", 1));
  EXPECT_TRUE(came_through(second.message(), "devices/a/#", 2));
}

// A broker that sends one copy for both names both identifiers: it goes to both.
TEST(SubscriptionRouting, OneCopyForBothGoesToBoth) {
  const Received both("devices/a/x", {2, 1});
  EXPECT_TRUE(came_through(both.message(), "devices/#", 1));
  EXPECT_TRUE(came_through(both.message(), "devices/a/#", 2));
  EXPECT_FALSE(came_through(both.message(), "devices/a/x", 3));  // matches, but not named
}

// An identifier decides even where the topic would not match: a shared subscription's copy.
TEST(SubscriptionRouting, TheIdentifierDecidesOverTheTopic) {
  const Received m("devices/a/x", {7});
  EXPECT_TRUE(came_through(m.message(), "$share/g/devices/#", 7));
  EXPECT_FALSE(came_through(m.message(), "devices/#", 8));
}

// A subscription without an identifier (made while the broker took none) matches by topic.
TEST(SubscriptionRouting, ASubscriptionWithoutIdentifierMatchesByTopic) {
  const Received m("devices/a/x", {7});
  EXPECT_TRUE(came_through(m.message(), "devices/#", 0));
  EXPECT_FALSE(came_through(m.message(), "other/#", 0));
}

}  // namespace
}  // namespace mqtt_setup
