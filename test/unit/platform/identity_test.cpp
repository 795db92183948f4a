// Client ids: format, stability, and where the bytes come from.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <string>

#include "mqtt_setup/platform.hpp"
#include "platform/posix/machine_identity.hpp"

namespace mqtt_setup::platform {
namespace {

using posix::Mac;

// A throw-away directory laid out like /sys/class/net, removed with the test.
class FakeSysfs : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/mqtt_setup_sysfs_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
  }
  void TearDown() override {
    const std::string command = "rm -rf '" + root_ + "'";
    EXPECT_EQ(std::system(command.c_str()), 0);
  }
  void add(const std::string& name, const std::string& address, bool hardware) {
    const std::string dir = root_ + "/" + name;
    ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
    write(dir + "/address", address + "\n");
    if (hardware) {
      ASSERT_EQ(::mkdir((dir + "/device").c_str(), 0700), 0);
    }
  }
  void write(const std::string& path, const std::string& text) {
    std::FILE* file = std::fopen(path.c_str(), "w");
    ASSERT_NE(file, nullptr);
    std::fputs(text.c_str(), file);
    std::fclose(file);
  }
  std::string root_;
};

TEST(ClientId, HasPrefixAndLowerCaseHex) {
  const std::string id = default_client_id();
  EXPECT_TRUE(std::regex_match(id, std::regex("linux_[0-9a-f]{12}"))) << id;
  // [MQTT-3.1.3-5]: servers must accept 1..23 characters; longer ids may be refused.
  EXPECT_LE(id.size(), 23U);
}

TEST(ClientId, IsStableAcrossCalls) { EXPECT_EQ(default_client_id(), default_client_id()); }

TEST(ClientId, UsesTheGivenPrefix) {
  const std::string id = default_client_id("sensor");
  EXPECT_EQ(id.rfind("sensor_", 0), 0U) << id;
  EXPECT_EQ(id.substr(7), default_client_id().substr(6));
}

TEST(ClientId, PrefixIsLinux) { EXPECT_EQ(client_id_prefix(), "linux"); }

TEST(UniqueId, WritesSixNonZeroBytes) {
  std::array<std::uint8_t, 8> id{};
  ASSERT_EQ(unique_id(id), 6U);
  EXPECT_NE(id, (std::array<std::uint8_t, 8>{}));
}

TEST(UniqueId, TruncatesToASmallBuffer) {
  std::array<std::uint8_t, 6> full{};
  std::array<std::uint8_t, 3> part{};
  ASSERT_EQ(unique_id(full), 6U);
  ASSERT_EQ(unique_id(part), 3U);
  EXPECT_TRUE(std::equal(part.begin(), part.end(), full.begin()));
}

TEST(ParseMac, AcceptsSysfsText) {
  const char text[] = "02:fC:00:0a:Ff:01\n";
  EXPECT_EQ(posix::parse_mac(std::span<const char>(text, sizeof text - 1)),
            (Mac{0x02, 0xfc, 0x00, 0x0a, 0xff, 0x01}));
}

TEST(ParseMac, RefusesOtherShapes) {
  for (const std::string text :
       {"", "02:fc:00:0a:ff", "02-fc-00-0a-ff-01", "02:fc:00:0a:ff:01:02", "zz:fc:00:0a:ff:01"}) {
    EXPECT_FALSE(posix::parse_mac(std::span<const char>(text.data(), text.size()))) << text;
  }
}

TEST_F(FakeSysfs, PrefersHardwareThenFactoryAddressThenName) {
  add("lo", "00:00:00:00:00:00", false);
  add("docker0", "02:42:ac:11:00:01", false);  // virtual, random
  add("ifb0", "c6:94:40:96:cd:57", true);      // hardware but locally administered
  add("wlan0", "00:1a:2b:3c:4d:5f", true);     // hardware, factory
  add("eth1", "00:1a:2b:3c:4d:5e", true);      // hardware, factory, sorts first
  EXPECT_EQ(posix::interface_mac(root_.c_str()), (Mac{0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e}));
}

TEST_F(FakeSysfs, FallsBackToVirtualInterfacesSortedByName) {
  add("veth9", "02:42:ac:11:00:09", false);
  add("veth1", "02:42:ac:11:00:01", false);
  EXPECT_EQ(posix::interface_mac(root_.c_str()), (Mac{0x02, 0x42, 0xac, 0x11, 0x00, 0x01}));
}

TEST_F(FakeSysfs, IgnoresLoopbackZeroAndLongAddresses) {
  add("lo", "00:00:00:00:00:00", false);
  add("tun0", "00:00:00:00:00:00", false);
  add("ib0", "80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:bb:cc", true);
  EXPECT_FALSE(posix::interface_mac(root_.c_str()));
}

TEST_F(FakeSysfs, MissingDirectoryGivesNothing) {
  EXPECT_FALSE(posix::interface_mac((root_ + "/absent").c_str()));
}

TEST_F(FakeSysfs, MachineIdHashIgnoresSurroundingWhiteSpace) {
  write(root_ + "/a", "3d1219c7c4c5404aaa1f6d2a48adfda4\n");
  write(root_ + "/b", "  3d1219c7c4c5404aaa1f6d2a48adfda4  \n");
  write(root_ + "/c", "0123456789abcdef0123456789abcdef\n");
  const auto a = posix::file_hash_id((root_ + "/a").c_str());
  ASSERT_TRUE(a);
  EXPECT_EQ(a, posix::file_hash_id((root_ + "/b").c_str()));
  EXPECT_NE(a, posix::file_hash_id((root_ + "/c").c_str()));
}

TEST_F(FakeSysfs, EmptyOrMissingMachineIdGivesNothing) {
  write(root_ + "/empty", "\n");
  EXPECT_FALSE(posix::file_hash_id((root_ + "/empty").c_str()));
  EXPECT_FALSE(posix::file_hash_id((root_ + "/missing").c_str()));
}

TEST(Fnv1a64, MatchesReferenceVectors) {
  // Vectors from the FNV reference (http://www.isthe.com/chongo/tech/comp/fnv/).
  EXPECT_EQ(posix::fnv1a64({}), 0xcbf29ce484222325ULL);
  const std::uint8_t a[] = {'a'};
  EXPECT_EQ(posix::fnv1a64(a), 0xaf63dc4c8601ec8cULL);
  const std::uint8_t foobar[] = {'f', 'o', 'o', 'b', 'a', 'r'};
  EXPECT_EQ(posix::fnv1a64(foobar), 0x85944171f73967e8ULL);
}

}  // namespace
}  // namespace mqtt_setup::platform
