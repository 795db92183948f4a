// What the 5.0 session tests share: a 5.0 config, properties built in a buffer the test owns,
// and the exact bytes the codec gives for a packet (the expected side of byte-exact checks).
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "session_harness.hpp"

namespace mqtt_setup::testing {

using codec::PropertyId;

inline SessionConfig v5_config() {
  SessionConfig c = SessionHarness::default_config();
  c.version = codec::ProtocolVersion::V5;
  return c;
}

/// Properties written into storage this object owns; it must outlive what views them.
class PropertyBuffer {
 public:
  PropertyBuffer() = default;
  PropertyBuffer(const PropertyBuffer&) = delete;
  PropertyBuffer& operator=(const PropertyBuffer&) = delete;

  PropertyBuffer& add(PropertyId id, std::uint32_t number) {
    writer_.add(id, number);
    return *this;
  }
  PropertyBuffer& add(PropertyId id, std::string_view text) {
    writer_.add(id, text);
    return *this;
  }
  PropertyBuffer& add(PropertyId id, codec::Bytes binary) {
    writer_.add(id, binary);
    return *this;
  }
  PropertyBuffer& add_user(std::string_view name, std::string_view value) {
    writer_.add_user(name, value);
    return *this;
  }
  codec::Properties get() const {
    EXPECT_TRUE(writer_.ok()) << writer_.error_message();
    return writer_.properties();
  }

 private:
  std::array<std::uint8_t, 512> storage_{};
  codec::PropertyWriter writer_{storage_};
};

/// The bytes the codec writes for `packet`: what the session must have sent.
inline std::vector<std::uint8_t> encoded(const codec::Packet& packet,
                                         codec::ProtocolVersion version) {
  std::vector<std::uint8_t> bytes(codec::encoded_size(packet, version));
  EXPECT_FALSE(bytes.empty()) << "the expected packet does not encode";
  if (!bytes.empty()) {
    EXPECT_TRUE(codec::encode(packet, bytes, version).ok());
  }
  return bytes;
}

inline std::vector<std::uint8_t> v5_bytes(const codec::Packet& packet) {
  return encoded(packet, codec::ProtocolVersion::V5);
}

inline codec::Publish make_publish(std::string_view topic, std::string_view payload,
                                   codec::QoS qos = codec::QoS::AtMostOnce,
                                   std::uint16_t packet_id = 0,
                                   codec::Properties properties = {}) {
  codec::Publish p;
  p.topic = topic;
  p.payload = codec::as_bytes(payload);
  p.qos = qos;
  p.packet_id = packet_id;
  p.properties = properties;
  return p;
}

/// The broker's side of topic aliases ([MQTT-3.3.2.3.4]): learns each mapping from a PUBLISH
/// that carries topic and alias, and resolves an empty topic through it. A failure means the
/// client used an alias the broker does not know, or one above the broker's maximum.
class BrokerAliases {
 public:
  explicit BrokerAliases(std::uint16_t maximum) : maximum_(maximum) {}

  /// The topic the broker understands for this PUBLISH; empty when it would be an error.
  std::string resolve(const codec::Publish& p) {
    const auto alias = p.properties.find(PropertyId::TopicAlias);
    if (!alias) return std::string(p.topic);
    if (alias->number == 0 || alias->number > maximum_) return {};
    if (!p.topic.empty()) {
      known_[alias->number] = std::string(p.topic);
      return std::string(p.topic);
    }
    auto it = known_.find(alias->number);
    return it == known_.end() ? std::string{} : it->second;
  }

 private:
  std::uint16_t maximum_;
  std::map<std::uint32_t, std::string> known_;
};

inline std::optional<std::uint32_t> alias_of(const codec::Publish& p) {
  auto a = p.properties.find(PropertyId::TopicAlias);
  return a ? std::optional<std::uint32_t>{a->number} : std::nullopt;
}

}  // namespace mqtt_setup::testing
