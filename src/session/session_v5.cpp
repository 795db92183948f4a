// What 5.0 adds to the session: the broker's CONNACK limits, and topic aliases for our own
// publishes ([MQTT-3.3.2.3.4]): the first PUBLISH on a connection carries the topic and an
// alias, later ones an empty topic and the alias (2 bytes instead of the whole topic).
#include <algorithm>
#include <cstring>

#include "session/record.hpp"

namespace mqtt_setup {

void Session::apply_connack_properties(const codec::Properties& properties) {
  using codec::PropertyId;
  server_ = ServerLimits{};
  if (!codec::kBuiltV5) return;  // 3.1.1 decodes no properties: nothing to read
  for (const codec::Property p : properties) {
    const auto n = p.number;
    switch (p.id) {
      case PropertyId::ReceiveMaximum: server_.receive_maximum = static_cast<std::uint16_t>(n); break;
      case PropertyId::MaximumPacketSize: server_.maximum_packet_size = n; break;
      case PropertyId::TopicAliasMaximum:
        server_.topic_alias_maximum = static_cast<std::uint16_t>(n);
        break;
      case PropertyId::MaximumQoS: server_.maximum_qos = static_cast<std::uint8_t>(n); break;
      case PropertyId::RetainAvailable: server_.retain_available = n != 0; break;
      case PropertyId::WildcardSubscriptionAvailable: server_.wildcard_subscriptions = n != 0; break;
      case PropertyId::SharedSubscriptionAvailable: server_.shared_subscriptions = n != 0; break;
      case PropertyId::SubscriptionIdentifierAvailable:
        server_.subscription_identifiers = n != 0;
        break;
      case PropertyId::ServerKeepAlive: server_.keep_alive_s = static_cast<std::uint16_t>(n); break;
      default: break;
    }
  }
}

bool Session::problem_information_unrequested(const codec::Properties& properties) const {
  using codec::PropertyId;
  if (!codec::is_v5(wire_version_) || properties.empty()) return false;
  // Read from CONNECT's own properties (default 1, [MQTT-3.1.2.11.7]): no state of our own.
  if (config_.connect_properties.number_or(PropertyId::RequestProblemInformation, 1) != 0) {
    return false;
  }
  for (const codec::Property p : properties) {
    if (p.id == PropertyId::ReasonString || p.id == PropertyId::UserProperty) return true;
  }
  return false;
}

std::uint16_t Session::max_inflight() const {
  // [MQTT-3.3.4-9]: never more unacknowledged QoS 1/2 PUBLISH than the receive maximum.
  return std::min(config_.max_inflight, server_.receive_maximum);
}

Millis Session::keep_alive_ms() const {
  return Millis{server_.keep_alive_s.value_or(config_.keep_alive_s)} * 1000;
}

bool Session::aliases_enabled() const {
  return codec::is_v5(wire_version_) && !alias_area_.empty() &&
         server_.topic_alias_maximum > 0;
}

namespace {

std::size_t slot_count(std::span<std::uint8_t> area, std::uint16_t broker_maximum) {
  return std::min<std::size_t>(area.size() / kAliasSlotSize, broker_maximum);
}

}  // namespace

// A slot: one length byte, then the topic. Alias number = slot index + 1.
int Session::find_alias(std::string_view topic) const {
  if (topic.size() >= kAliasSlotSize) return -1;
  const std::size_t slots = std::min<std::size_t>(aliases_used_, slot_count(alias_area_, server_.topic_alias_maximum));
  for (std::size_t i = 0; i < slots; ++i) {
    const std::uint8_t* slot = alias_area_.data() + i * kAliasSlotSize;
    if (slot[0] == topic.size() && std::memcmp(slot + 1, topic.data(), topic.size()) == 0) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

int Session::choose_alias_slot() {
  const std::size_t slots = slot_count(alias_area_, server_.topic_alias_maximum);
  if (slots == 0) return -1;
  if (aliases_used_ < slots) return aliases_used_;
  // All taken: re-map the slots in turn ([MQTT-3.3.2-12] lets a sender change a mapping).
  const int slot = static_cast<int>(alias_clock_ % slots);
  return slot;
}

void Session::remember_alias(int slot, std::string_view topic) {
  std::uint8_t* p = alias_area_.data() + static_cast<std::size_t>(slot) * kAliasSlotSize;
  p[0] = static_cast<std::uint8_t>(topic.size());
  std::memcpy(p + 1, topic.data(), topic.size());
  if (static_cast<std::size_t>(slot) == aliases_used_) {
    ++aliases_used_;
  } else {
    alias_clock_ = static_cast<std::uint16_t>(slot + 1);
  }
}

}  // namespace mqtt_setup
