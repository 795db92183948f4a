// MQTT 5.0 properties, [MQTT-2.2.2.2] table 2-4, with the data types of [MQTT-1.5]: every
// identifier written by PropertyWriter to exact bytes and read back; the writer's refusals.
#include <functional>
#include <string>

#include "v5_codec_test.hpp"

namespace codec_test {
namespace {

struct PropertyCase {
  PropertyId id;
  PropertyKind kind;
  std::string_view name;
  std::function<void(PropertyWriter&)> write;
  Buf wire;
  // What reading it back gives: `number` for integers, `text`/`value` for strings, `binary`.
  std::uint32_t number = 0;
  std::string_view text = {};
  std::string_view value = {};
  Buf binary = {};
};

using K = PropertyKind;
using I = PropertyId;

const Buf kCorrelation = bytes({0x00, 0xFF});
const Buf kAuthData = bytes({0x01, 0x02, 0x03});

// One case per identifier, in the order of table 2-4. Integers are big-endian [MQTT-1.5.2],
// [MQTT-1.5.3]; strings and binary data carry a two-byte length [MQTT-1.5.4], [MQTT-1.5.6];
// a string pair is two strings [MQTT-1.5.7]; the variable byte integer is [MQTT-1.5.5].
std::vector<PropertyCase> all_cases() {
  return {
      {I::PayloadFormatIndicator, K::Byte, "payload-format-indicator",
       [](PropertyWriter& w) { w.add(I::PayloadFormatIndicator, 1U); }, bytes({0x01, 0x01}), 1},
      {I::MessageExpiryInterval, K::FourByteInteger, "message-expiry-interval",
       [](PropertyWriter& w) { w.add(I::MessageExpiryInterval, 0x12345678U); },
       bytes({0x02, 0x12, 0x34, 0x56, 0x78}), 0x12345678},
      {I::ContentType, K::String, "content-type",
       [](PropertyWriter& w) { w.add(I::ContentType, "json"); },
       bytes({0x03, 0x00, 0x04, 'j', 's', 'o', 'n'}), 0, "json"},
      {I::ResponseTopic, K::String, "response-topic",
       [](PropertyWriter& w) { w.add(I::ResponseTopic, "r/1"); },
       bytes({0x08, 0x00, 0x03, 'r', '/', '1'}), 0, "r/1"},
      {I::CorrelationData, K::Binary, "correlation-data",
       [](PropertyWriter& w) { w.add(I::CorrelationData, view(kCorrelation)); },
       bytes({0x09, 0x00, 0x02, 0x00, 0xFF}), 0, {}, {}, kCorrelation},
      {I::SubscriptionIdentifier, K::VariableByteInteger, "subscription-identifier",
       [](PropertyWriter& w) { w.add(I::SubscriptionIdentifier, 300U); },
       bytes({0x0B, 0xAC, 0x02}), 300},  // 300 = 0b10'0101100: 0x2C | 0x80, then 2
      {I::SessionExpiryInterval, K::FourByteInteger, "session-expiry-interval",
       [](PropertyWriter& w) { w.add(I::SessionExpiryInterval, 0xFFFFFFFFU); },
       bytes({0x11, 0xFF, 0xFF, 0xFF, 0xFF}), 0xFFFFFFFF},
      {I::AssignedClientIdentifier, K::String, "assigned-client-identifier",
       [](PropertyWriter& w) { w.add(I::AssignedClientIdentifier, "id-7"); },
       bytes({0x12, 0x00, 0x04, 'i', 'd', '-', '7'}), 0, "id-7"},
      {I::ServerKeepAlive, K::TwoByteInteger, "server-keep-alive",
       [](PropertyWriter& w) { w.add(I::ServerKeepAlive, 300U); }, bytes({0x13, 0x01, 0x2C}),
       300},
      {I::AuthenticationMethod, K::String, "authentication-method",
       [](PropertyWriter& w) { w.add(I::AuthenticationMethod, "SCRAM"); },
       bytes({0x15, 0x00, 0x05, 'S', 'C', 'R', 'A', 'M'}), 0, "SCRAM"},
      {I::AuthenticationData, K::Binary, "authentication-data",
       [](PropertyWriter& w) { w.add(I::AuthenticationData, view(kAuthData)); },
       bytes({0x16, 0x00, 0x03, 0x01, 0x02, 0x03}), 0, {}, {}, kAuthData},
      {I::RequestProblemInformation, K::Byte, "request-problem-information",
       [](PropertyWriter& w) { w.add(I::RequestProblemInformation, 0U); }, bytes({0x17, 0x00}),
       0},
      {I::WillDelayInterval, K::FourByteInteger, "will-delay-interval",
       [](PropertyWriter& w) { w.add(I::WillDelayInterval, 60U); },
       bytes({0x18, 0x00, 0x00, 0x00, 0x3C}), 60},
      {I::RequestResponseInformation, K::Byte, "request-response-information",
       [](PropertyWriter& w) { w.add(I::RequestResponseInformation, 1U); }, bytes({0x19, 0x01}),
       1},
      {I::ResponseInformation, K::String, "response-information",
       [](PropertyWriter& w) { w.add(I::ResponseInformation, "resp/"); },
       bytes({0x1A, 0x00, 0x05, 'r', 'e', 's', 'p', '/'}), 0, "resp/"},
      {I::ServerReference, K::String, "server-reference",
       [](PropertyWriter& w) { w.add(I::ServerReference, "b:1883"); },
       bytes({0x1C, 0x00, 0x06, 'b', ':', '1', '8', '8', '3'}), 0, "b:1883"},
      {I::ReasonString, K::String, "reason-string",
       [](PropertyWriter& w) { w.add(I::ReasonString, "ok"); },
       bytes({0x1F, 0x00, 0x02, 'o', 'k'}), 0, "ok"},
      {I::ReceiveMaximum, K::TwoByteInteger, "receive-maximum",
       [](PropertyWriter& w) { w.add(I::ReceiveMaximum, 20U); }, bytes({0x21, 0x00, 0x14}), 20},
      {I::TopicAliasMaximum, K::TwoByteInteger, "topic-alias-maximum",
       [](PropertyWriter& w) { w.add(I::TopicAliasMaximum, 0xFFFFU); },
       bytes({0x22, 0xFF, 0xFF}), 0xFFFF},
      {I::TopicAlias, K::TwoByteInteger, "topic-alias",
       [](PropertyWriter& w) { w.add(I::TopicAlias, 5U); }, bytes({0x23, 0x00, 0x05}), 5},
      {I::MaximumQoS, K::Byte, "maximum-qos",
       [](PropertyWriter& w) { w.add(I::MaximumQoS, 1U); }, bytes({0x24, 0x01}), 1},
      {I::RetainAvailable, K::Byte, "retain-available",
       [](PropertyWriter& w) { w.add(I::RetainAvailable, 0U); }, bytes({0x25, 0x00}), 0},
      {I::UserProperty, K::StringPair, "user-property",
       [](PropertyWriter& w) { w.add_user("k", "v1"); },
       bytes({0x26, 0x00, 0x01, 'k', 0x00, 0x02, 'v', '1'}), 0, "k", "v1"},
      {I::MaximumPacketSize, K::FourByteInteger, "maximum-packet-size",
       [](PropertyWriter& w) { w.add(I::MaximumPacketSize, 1'048'576U); },
       bytes({0x27, 0x00, 0x10, 0x00, 0x00}), 1'048'576},
      {I::WildcardSubscriptionAvailable, K::Byte, "wildcard-subscription-available",
       [](PropertyWriter& w) { w.add(I::WildcardSubscriptionAvailable, 1U); },
       bytes({0x28, 0x01}), 1},
      {I::SubscriptionIdentifierAvailable, K::Byte, "subscription-identifier-available",
       [](PropertyWriter& w) { w.add(I::SubscriptionIdentifierAvailable, 0U); },
       bytes({0x29, 0x00}), 0},
      {I::SharedSubscriptionAvailable, K::Byte, "shared-subscription-available",
       [](PropertyWriter& w) { w.add(I::SharedSubscriptionAvailable, 1U); },
       bytes({0x2A, 0x01}), 1},
  };
}

TEST(V5Properties, TableCoversAll27Identifiers) {
  const auto cases = all_cases();
  EXPECT_EQ(cases.size(), 27u);
  int known = 0;
  for (int id = 0; id < 256; ++id) {
    if (kind_of(static_cast<PropertyId>(id)) != PropertyKind::Unknown) ++known;
  }
  EXPECT_EQ(known, 27);
}

TEST(V5Properties, EveryIdentifierWritesExactBytes) {
  for (const auto& c : all_cases()) {
    Buf buf(64, 0xEE);
    PropertyWriter w{MutableBytes{buf}};
    c.write(w);
    ASSERT_TRUE(w.ok()) << c.name << ": " << w.error_message();
    EXPECT_EQ(w.size(), c.wire.size()) << c.name;
    EXPECT_EQ(to_buf(w.properties().wire()), c.wire) << c.name;
    EXPECT_EQ(buf[c.wire.size()], 0xEE) << c.name << ": wrote past its bytes";
  }
}

TEST(V5Properties, EveryIdentifierReadsBack) {
  for (const auto& c : all_cases()) {
    const Properties props = as_properties(c.wire);
    const auto list = all_properties(props);
    ASSERT_EQ(list.size(), 1u) << c.name;
    const auto found = props.find(c.id);
    ASSERT_TRUE(found.has_value()) << c.name;
    for (const Property& p : {list[0], *found}) {
      EXPECT_EQ(p.id, c.id) << c.name;
      EXPECT_EQ(p.number, c.number) << c.name;
      EXPECT_EQ(p.text, c.text) << c.name;
      EXPECT_EQ(p.value, c.value) << c.name;
      EXPECT_EQ(to_buf(p.binary), c.binary) << c.name;
    }
    const bool integer = c.kind == K::Byte || c.kind == K::TwoByteInteger ||
                         c.kind == K::FourByteInteger || c.kind == K::VariableByteInteger;
    if (integer) {
      EXPECT_EQ(props.number_or(c.id, 4242), c.number) << c.name;
    }
  }
}

TEST(V5Properties, KindAndNameOfEveryIdentifier) {
  for (const auto& c : all_cases()) {
    EXPECT_EQ(kind_of(c.id), c.kind) << c.name;
    EXPECT_EQ(name_of(c.id), c.name);
  }
  for (int id : {0x00, 0x04, 0x0A, 0x10, 0x14, 0x1B, 0x20, 0x2B, 0x7F, 0xFF}) {
    EXPECT_EQ(kind_of(static_cast<PropertyId>(id)), K::Unknown) << id;
    EXPECT_EQ(name_of(static_cast<PropertyId>(id)), "unknown-property") << id;
  }
}

TEST(V5Properties, SeveralInOrderWithFindAndNumberOr) {
  Buf buf(64);
  PropertyWriter w{MutableBytes{buf}};
  w.add_user("a", "1").add(I::ReceiveMaximum, 7U).add_user("a", "2").add(I::ContentType, "");
  ASSERT_TRUE(w.ok()) << w.error_message();
  const Buf expected = bytes({0x26, 0x00, 0x01, 'a', 0x00, 0x01, '1',  // user a=1
                              0x21, 0x00, 0x07,                       // receive maximum 7
                              0x26, 0x00, 0x01, 'a', 0x00, 0x01, '2',  // user a=2 (repeatable)
                              0x03, 0x00, 0x00});                      // empty content type
  EXPECT_EQ(to_buf(w.properties().wire()), expected);
  const Properties props = w.properties();
  const auto list = all_properties(props);
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0].value, "1");
  EXPECT_EQ(list[1].id, I::ReceiveMaximum);
  EXPECT_EQ(list[2].value, "2");  // order kept
  EXPECT_EQ(list[3].id, I::ContentType);
  EXPECT_EQ(list[3].text, "");
  EXPECT_EQ(props.find(I::UserProperty)->value, "1");  // the first one
  EXPECT_EQ(props.number_or(I::ReceiveMaximum, 65535), 7u);
  EXPECT_EQ(props.number_or(I::TopicAliasMaximum, 0), 0u);  // absent: the fallback
  EXPECT_EQ(props.number_or(I::MaximumQoS, 2), 2u);
  EXPECT_FALSE(props.find(I::ReasonString).has_value());
  EXPECT_FALSE(props.empty());
  EXPECT_TRUE(Properties{}.empty());
  EXPECT_TRUE(all_properties(Properties{}).empty());
}

// [MQTT-1.5.5] table 1-1: the edges of the 1, 2, 3 and 4 byte variable byte integers.
TEST(V5Properties, SubscriptionIdentifierVariableByteIntegerEdges) {
  const struct {
    std::uint32_t value;
    Buf wire;
  } cases[] = {
      {1, bytes({0x0B, 0x01})},
      {127, bytes({0x0B, 0x7F})},
      {128, bytes({0x0B, 0x80, 0x01})},
      {16'383, bytes({0x0B, 0xFF, 0x7F})},
      {16'384, bytes({0x0B, 0x80, 0x80, 0x01})},
      {2'097'151, bytes({0x0B, 0xFF, 0xFF, 0x7F})},
      {2'097'152, bytes({0x0B, 0x80, 0x80, 0x80, 0x01})},
      {268'435'455, bytes({0x0B, 0xFF, 0xFF, 0xFF, 0x7F})},
  };
  for (const auto& c : cases) {
    Buf buf(8);
    PropertyWriter w{MutableBytes{buf}};
    w.add(I::SubscriptionIdentifier, c.value);
    ASSERT_TRUE(w.ok()) << c.value;
    EXPECT_EQ(to_buf(w.properties().wire()), c.wire) << c.value;
    EXPECT_EQ(as_properties(c.wire).number_or(I::SubscriptionIdentifier, 0), c.value);
  }
}

// [MQTT-3.3.4-3]: a PUBLISH carries one subscription identifier per matching subscription;
// numbers() reads every one of them from the view, in wire order, among other properties.
TEST(V5Properties, NumbersReadsEveryRepeatedIntegerInOrder) {
  const Buf wire = bytes({0x0B, 0x02,                               // subscription id 2
                          0x26, 0x00, 0x01, 'a', 0x00, 0x01, '1',  // user a=1
                          0x0B, 0x80, 0x01,                         // subscription id 128
                          0x23, 0x00, 0x05});                       // topic alias 5
  const Properties props = as_properties(wire);
  std::vector<std::uint32_t> ids;
  for (const std::uint32_t id : props.numbers(I::SubscriptionIdentifier)) ids.push_back(id);
  EXPECT_EQ(ids, (std::vector<std::uint32_t>{2, 128}));
  EXPECT_EQ(props.numbers(I::SubscriptionIdentifier).count(), 2u);
  EXPECT_FALSE(props.numbers(I::SubscriptionIdentifier).empty());
  EXPECT_TRUE(props.numbers(I::SubscriptionIdentifier).contains(128));
  EXPECT_FALSE(props.numbers(I::SubscriptionIdentifier).contains(1));
  EXPECT_EQ(props.numbers(I::TopicAlias).count(), 1u);
  EXPECT_TRUE(props.numbers(I::MessageExpiryInterval).empty());
  EXPECT_TRUE(Properties{}.numbers(I::SubscriptionIdentifier).empty());
  EXPECT_EQ(Properties{}.numbers(I::SubscriptionIdentifier).count(), 0u);
}

TEST(V5Properties, IntegerLimitsAccepted) {
  Buf buf(64);
  PropertyWriter w{MutableBytes{buf}};
  w.add(I::TopicAliasMaximum, 0U)        // 0: no aliases, allowed [MQTT-3.1.2-27]
      .add(I::ServerKeepAlive, 0U)
      .add(I::SessionExpiryInterval, 0U)
      .add(I::MessageExpiryInterval, 0U)
      .add(I::ReceiveMaximum, 65535U)
      .add(I::TopicAlias, 65535U)
      .add(I::MaximumPacketSize, 0xFFFFFFFFU);
  EXPECT_TRUE(w.ok()) << w.error_message();
  EXPECT_EQ(w.size(), 3u + 3 + 5 + 5 + 3 + 3 + 5);
}

/// Expects the writer to refuse what `write` adds, keeping nothing of it.
void expect_refused(const std::function<void(PropertyWriter&)>& write, std::string_view why,
                    const std::string& label) {
  Buf buf(80, 0xEE);
  PropertyWriter w{MutableBytes{buf}};
  write(w);
  EXPECT_FALSE(w.ok()) << label;
  EXPECT_EQ(w.size(), 0u) << label;
  EXPECT_TRUE(w.properties().empty()) << label;
  EXPECT_NE(w.error_message().find(why), std::string_view::npos)
      << label << ": " << w.error_message();
}

TEST(V5Properties, WriterRefusesWrongKind) {
  const Buf data = bytes({1});
  expect_refused([](PropertyWriter& w) { w.add(I::ContentType, 5U); }, "kind", "string as int");
  expect_refused([](PropertyWriter& w) { w.add(I::MessageExpiryInterval, "60"); }, "kind",
                 "int as string");
  expect_refused([&](PropertyWriter& w) { w.add(I::ReasonString, view(data)); }, "kind",
                 "string as binary");
  expect_refused([](PropertyWriter& w) { w.add(I::CorrelationData, "abc"); }, "kind",
                 "binary as string");
  expect_refused([](PropertyWriter& w) { w.add(I::UserProperty, "k"); }, "kind",
                 "user property as one string");
  expect_refused([](PropertyWriter& w) { w.add(I::UserProperty, 1U); }, "kind",
                 "user property as int");
  expect_refused([](PropertyWriter& w) { w.add(static_cast<PropertyId>(0x04), 1U); }, "kind",
                 "unknown identifier");
  expect_refused([](PropertyWriter& w) { w.add(static_cast<PropertyId>(0x05), "x"); }, "kind",
                 "unknown identifier string");
}

TEST(V5Properties, WriterRefusesValuesOutOfRange) {
  // "It is a Protocol Error ... for it to have the value 0": [MQTT-3.1.2.11.3],
  // [MQTT-3.1.2.11.4], [MQTT-3.3.2.3.4] (topic alias), [MQTT-3.8.2.1.2] (subscription id).
  for (auto id : {I::ReceiveMaximum, I::TopicAlias, I::MaximumPacketSize,
                  I::SubscriptionIdentifier}) {
    expect_refused([id](PropertyWriter& w) { w.add(id, 0U); }, "range",
                   std::string(name_of(id)) + " 0");
  }
  // [MQTT-1.5.5]: 268,435,455 is the largest variable byte integer.
  expect_refused([](PropertyWriter& w) { w.add(I::SubscriptionIdentifier, 268'435'456U); },
                 "range", "subscription identifier 2^28");
  expect_refused([](PropertyWriter& w) { w.add(I::SubscriptionIdentifier, 0xFFFFFFFFU); },
                 "range", "subscription identifier 2^32-1");
  // Byte properties that are 0 or 1, maximum QoS included ([MQTT-3.2.2.3.4]).
  for (auto id : {I::PayloadFormatIndicator, I::RequestProblemInformation,
                  I::RequestResponseInformation, I::MaximumQoS, I::RetainAvailable,
                  I::WildcardSubscriptionAvailable, I::SubscriptionIdentifierAvailable,
                  I::SharedSubscriptionAvailable}) {
    expect_refused([id](PropertyWriter& w) { w.add(id, 2U); }, "range",
                   std::string(name_of(id)) + " 2");
    expect_refused([id](PropertyWriter& w) { w.add(id, 256U); }, "range",
                   std::string(name_of(id)) + " 256");
  }
  // Two-byte integers stop at 65,535.
  for (auto id : {I::ReceiveMaximum, I::TopicAliasMaximum, I::TopicAlias, I::ServerKeepAlive}) {
    expect_refused([id](PropertyWriter& w) { w.add(id, 65536U); }, "range",
                   std::string(name_of(id)) + " 65536");
  }
}

TEST(V5Properties, WriterRefusesInvalidUtf8) {  // [MQTT-1.5.4]
  const std::string_view overlong = "\xC0\x80";         // U+0000 as two bytes
  const std::string_view nul{"a\0b", 3};                 // [MQTT-1.5.4-2]
  const std::string_view surrogate = "\xED\xA0\x80";    // U+D800, [MQTT-1.5.4-1]
  const std::string_view stray = "\xFF";
  for (std::string_view bad : {overlong, nul, surrogate, stray}) {
    expect_refused([bad](PropertyWriter& w) { w.add(I::ContentType, bad); }, "utf-8",
                   "content type");
    expect_refused([bad](PropertyWriter& w) { w.add(I::ReasonString, bad); }, "utf-8",
                   "reason string");
    expect_refused([bad](PropertyWriter& w) { w.add_user(bad, "v"); }, "utf-8", "user name");
    expect_refused([bad](PropertyWriter& w) { w.add_user("k", bad); }, "utf-8", "user value");
  }
}

TEST(V5Properties, WriterRefusesTooLongStringsAndBinary) {
  const std::string long_text(65'536, 'a');
  const Buf long_data(65'536, 0x01);
  Buf buf(70'000);
  PropertyWriter w{MutableBytes{buf}};
  w.add(I::ContentType, long_text);
  EXPECT_FALSE(w.ok());
  PropertyWriter w2{MutableBytes{buf}};
  w2.add(I::CorrelationData, view(long_data));
  EXPECT_FALSE(w2.ok());
  EXPECT_EQ(w2.size(), 0u);
  PropertyWriter w3{MutableBytes{buf}};  // 65,535 is the limit, and fits
  w3.add(I::CorrelationData, Bytes{long_data.data(), 65'535});
  EXPECT_TRUE(w3.ok()) << w3.error_message();
  EXPECT_EQ(w3.size(), 1u + 2 + 65'535);
}

TEST(V5Properties, WriterRefusesBufferTooSmall) {
  Buf exact(5, 0xEE);
  PropertyWriter fits{MutableBytes{exact}};
  fits.add(I::MessageExpiryInterval, 1U);
  EXPECT_TRUE(fits.ok());
  EXPECT_EQ(exact, bytes({0x02, 0x00, 0x00, 0x00, 0x01}));

  Buf small(4, 0xEE);
  PropertyWriter w{MutableBytes{small}};
  w.add(I::MessageExpiryInterval, 1U);
  EXPECT_FALSE(w.ok());
  EXPECT_NE(w.error_message().find("small"), std::string_view::npos) << w.error_message();
  EXPECT_EQ(w.size(), 0u);
  EXPECT_EQ(small, Buf(4, 0xEE));  // nothing written

  Buf pair(7, 0xEE);  // a user property of 8 bytes
  PropertyWriter u{MutableBytes{pair}};
  u.add_user("k", "v1");
  EXPECT_FALSE(u.ok());
  PropertyWriter none{MutableBytes{}};
  none.add(I::PayloadFormatIndicator, 0U);
  EXPECT_FALSE(none.ok());
}

TEST(V5Properties, FirstErrorStaysAndLaterAddsAreIgnored) {
  Buf buf(32);
  PropertyWriter w{MutableBytes{buf}};
  w.add(I::ContentType, "ok");
  ASSERT_TRUE(w.ok());
  w.add(I::ReceiveMaximum, 0U);  // out of range
  w.add(I::ContentType, 7U);     // wrong kind: a second problem
  w.add(I::ReasonString, "later");
  EXPECT_FALSE(w.ok());
  EXPECT_NE(w.error_message().find("range"), std::string_view::npos) << w.error_message();
  EXPECT_EQ(to_buf(w.properties().wire()), bytes({0x03, 0x00, 0x02, 'o', 'k'}));
}

}  // namespace
}  // namespace codec_test
