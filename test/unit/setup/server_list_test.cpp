// parse_server_list: the failover list of MQTTSetup and of the CLI's -s.
#include <gtest/gtest.h>

#include "mqtt_setup/options.hpp"

namespace mqtt_setup {
namespace {

std::string bad_entry_of(std::string_view list) {
  std::string bad = "(none)";
  EXPECT_TRUE(parse_server_list(list, 1883, &bad).empty()) << list;
  return bad;
}

TEST(ServerList, HostsPortsAndBracketedIpv6) {
  const auto servers = parse_server_list("a.example, b:1884,[::1]:8883,[fe80::1%eth0]", 1883);
  ASSERT_EQ(servers.size(), 4u);
  EXPECT_EQ(servers[0].host, "a.example");
  EXPECT_EQ(servers[0].port, 1883);
  EXPECT_EQ(servers[1].host, "b");
  EXPECT_EQ(servers[1].port, 1884);
  EXPECT_EQ(servers[2].host, "::1");
  EXPECT_EQ(servers[2].port, 8883);
  EXPECT_EQ(servers[3].host, "fe80::1%eth0");
}

TEST(ServerList, BareIpv6OnlyAloneAndWithoutPort) {
  for (const char* literal : {"::1", "2001:db8::42", "::ffff:192.0.2.1", "1:2:3:4:5:6:7:8"}) {
    const auto servers = parse_server_list(literal, 1883);
    ASSERT_EQ(servers.size(), 1u) << literal;
    EXPECT_EQ(servers[0].host, literal);
    EXPECT_EQ(servers[0].port, 1883);
  }
  EXPECT_EQ(bad_entry_of("::1,localhost"), "::1");
}

TEST(ServerList, EntriesThatAreNoAddressNameThemselves) {
  EXPECT_EQ(bad_entry_of("127.0.0.1:38883:"), "127.0.0.1:38883:");  // was looked up as a name
  EXPECT_EQ(bad_entry_of("::1:38884"), "::1:38884");  // a port on a bare IPv6 address
  EXPECT_EQ(bad_entry_of("ok,host:notaport"), "host:notaport");
  EXPECT_EQ(bad_entry_of("host:0"), "host:0");
  EXPECT_EQ(bad_entry_of("host:65536"), "host:65536");
  EXPECT_EQ(bad_entry_of("a,,b"), "");
  EXPECT_EQ(bad_entry_of("[::1"), "[::1");
  EXPECT_EQ(bad_entry_of("[::1]1883"), "[::1]1883");
  EXPECT_EQ(bad_entry_of("1::2::3"), "1::2::3");
  EXPECT_EQ(bad_entry_of(":1883"), ":1883");
}

}  // namespace
}  // namespace mqtt_setup
