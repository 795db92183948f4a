// Topic names, filters and matching, [MQTT-4.7]; the examples are the spec's own.
#include <string>

#include "codec_test.hpp"

namespace codec_test {
namespace {

TEST(TopicName, Valid) {
  EXPECT_TRUE(is_valid_topic_name("a"));
  EXPECT_TRUE(is_valid_topic_name("/"));
  EXPECT_TRUE(is_valid_topic_name("sport/tennis/player1"));
  EXPECT_TRUE(is_valid_topic_name("a//b"));
  EXPECT_TRUE(is_valid_topic_name("/finance"));
  EXPECT_TRUE(is_valid_topic_name("$SYS/broker/uptime"));
  EXPECT_TRUE(is_valid_topic_name(" "));
  EXPECT_TRUE(is_valid_topic_name("caf\xC3\xA9/\xE2\x82\xAC"));
  EXPECT_TRUE(is_valid_topic_name(std::string(65'535, 'a')));
}

TEST(TopicName, Invalid) {
  EXPECT_FALSE(is_valid_topic_name(""));  // [MQTT-4.7.3-1]
  EXPECT_FALSE(is_valid_topic_name("#"));  // [MQTT-3.3.2-2]
  EXPECT_FALSE(is_valid_topic_name("+"));
  EXPECT_FALSE(is_valid_topic_name("sport/+/player1"));
  EXPECT_FALSE(is_valid_topic_name("sport/#"));
  EXPECT_FALSE(is_valid_topic_name("a+b"));  // a wildcard character anywhere, not only as a level
  EXPECT_FALSE(is_valid_topic_name("c#"));
  EXPECT_FALSE(is_valid_topic_name(std::string_view("a\0b", 3)));
  EXPECT_FALSE(is_valid_topic_name("\xC0\xAF"));
  EXPECT_FALSE(is_valid_topic_name(std::string(65'536, 'a')));
}

TEST(TopicName, FindsWildcardAtEveryPosition) {  // the word-at-a-time scan
  for (std::size_t length = 1; length <= 40; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      std::string topic(length, 't');
      EXPECT_TRUE(is_valid_topic_name(topic));
      topic[at] = '+';
      EXPECT_FALSE(is_valid_topic_name(topic)) << "+ at " << at << " of " << length;
      topic[at] = '#';
      EXPECT_FALSE(is_valid_topic_name(topic)) << "# at " << at << " of " << length;
      topic[at] = '*';  // 0x2A, between '#' (0x23) and '+' (0x2B): not a wildcard
      EXPECT_TRUE(is_valid_topic_name(topic));
      topic[at] = '$';
      EXPECT_TRUE(is_valid_topic_name(topic));
    }
  }
}

TEST(TopicFilter, Valid) {
  for (const char* f : {"sport/tennis/player1/#", "sport/#", "#", "+", "+/tennis/#",
                        "sport/+/player1", "/+", "+/+", "+/+/+", "a//b", "/", "$SYS/#",
                        "sport/tennis/player1", "a/+/#", "/#", "+/"}) {
    EXPECT_TRUE(is_valid_topic_filter(f)) << f;
  }
}

TEST(TopicFilter, Invalid) {
  for (const char* f : {"", "sport/tennis#", "sport/tennis/#/ranking", "sport+", "+a", "a/b+",
                        "a/+b/c", "##", "#/", "#/a", "++", "a/#/", "\xC0\x80"}) {
    EXPECT_FALSE(is_valid_topic_filter(f)) << f;
  }
  EXPECT_FALSE(is_valid_topic_filter(std::string_view("a/\0", 3)));
}

struct MatchCase {
  const char* filter;
  const char* topic;
  bool matches;
};

TEST(TopicMatches, SpecExamples) {
  const MatchCase cases[] = {
      // [MQTT-4.7.1-2], multi-level wildcard, including the parent level
      {"sport/tennis/player1/#", "sport/tennis/player1", true},
      {"sport/tennis/player1/#", "sport/tennis/player1/ranking", true},
      {"sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true},
      {"sport/tennis/player1/#", "sport/tennis/player2", false},
      {"sport/#", "sport", true},
      {"sport/#", "sports", false},
      {"#", "sport", true},
      {"#", "a/b/c", true},
      {"#", "/", true},
      {"a/#", "a/", true},
      // [MQTT-4.7.1-3], single-level wildcard
      {"sport/tennis/+", "sport/tennis/player1", true},
      {"sport/tennis/+", "sport/tennis/player2", true},
      {"sport/tennis/+", "sport/tennis/player1/ranking", false},
      {"sport/+", "sport", false},
      {"sport/+", "sport/", true},
      {"+/+", "/finance", true},
      {"/+", "/finance", true},
      {"+", "/finance", false},
      {"+", "a", true},
      {"+", "a/b", false},
      {"+/#", "a", true},
      {"+/#", "a/b/c", true},
      {"a/+/#", "a", false},
      {"a/+/#", "a/b", true},
      {"a/+/c", "a/b/c", true},
      {"a/+/c", "a/b/d", false},
      {"a/+/c", "a//c", true},
      // [MQTT-4.7.2-1]: topics beginning with '$'
      {"#", "$SYS/broker/uptime", false},
      {"+/monitor/Clients", "$SYS/monitor/Clients", false},
      {"+", "$SYS", false},
      {"$SYS/#", "$SYS/monitor/Clients", true},
      {"$SYS/monitor/+", "$SYS/monitor/Clients", true},
      {"$SYS", "$SYS", true},
      {"a/#", "a/$b", true},  // only the first character counts
      // exact levels, [MQTT-4.7.3-4]: case sensitive
      {"ACCOUNTS", "Accounts", false},
      {"a/b", "a/b", true},
      {"a/b", "a/b/c", false},
      {"a/b/c", "a/b", false},
      {"a", "a/", false},
      {"a/", "a/", true},
      {"a/", "a", false},
      {"/a", "a", false},
      {"a/bc", "a/b", false},
      {"a/b", "a/bc", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(topic_matches(c.filter, c.topic), c.matches) << c.filter << " vs " << c.topic;
  }
}

}  // namespace
}  // namespace codec_test
