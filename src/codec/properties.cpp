// 5.0 properties, [MQTT-2.2.2]: the table of identifiers, reading one property, and the
// PropertyWriter. Packet-level checks (allowed here, at most once) are in property_rules.cpp.
#include "codec/wire.hpp"

namespace mqtt_setup::codec {
namespace detail {
namespace {

constexpr std::uint16_t kMessage = kInPublish | kInWill;
constexpr std::uint16_t kAcks = kInPuback | kInPubrec | kInPubrel | kInPubcomp | kInSuback |
                                kInUnsuback;
constexpr std::uint16_t kEverywhere = 0x3FFF;

using K = PropertyKind;
using I = PropertyId;
// [MQTT-2.2.2.2] table 2-4, with the value rules of each property's own section. Six bytes a
// row and no names (those are in property_names.cpp): a client links this table.
constexpr PropertyRule kRules[] = {
    {I::PayloadFormatIndicator, K::Byte, false, false, kMessage},
    {I::MessageExpiryInterval, K::FourByteInteger, false, false, kMessage},
    {I::ContentType, K::String, false, false, kMessage},
    {I::ResponseTopic, K::String, false, false, kMessage},
    {I::CorrelationData, K::Binary, false, false, kMessage},
    {I::SubscriptionIdentifier, K::VariableByteInteger, true, true, kInPublish | kInSubscribe},
    {I::SessionExpiryInterval, K::FourByteInteger, false, false, kInConnect | kInConnack | kInDisconnect},
    {I::AssignedClientIdentifier, K::String, false, false, kInConnack},
    {I::ServerKeepAlive, K::TwoByteInteger, false, false, kInConnack},
    {I::AuthenticationMethod, K::String, false, false, kInConnect | kInConnack | kInAuth},
    {I::AuthenticationData, K::Binary, false, false, kInConnect | kInConnack | kInAuth},
    {I::RequestProblemInformation, K::Byte, false, false, kInConnect},
    {I::WillDelayInterval, K::FourByteInteger, false, false, kInWill},
    {I::RequestResponseInformation, K::Byte, false, false, kInConnect},
    {I::ResponseInformation, K::String, false, false, kInConnack},
    {I::ServerReference, K::String, false, false, kInConnack | kInDisconnect},
    {I::ReasonString, K::String, false, false, kInConnack | kAcks | kInDisconnect | kInAuth},
    {I::ReceiveMaximum, K::TwoByteInteger, false, true, kInConnect | kInConnack},
    {I::TopicAliasMaximum, K::TwoByteInteger, false, false, kInConnect | kInConnack},
    {I::TopicAlias, K::TwoByteInteger, false, true, kInPublish},
    {I::MaximumQoS, K::Byte, false, false, kInConnack},
    {I::RetainAvailable, K::Byte, false, false, kInConnack},
    {I::UserProperty, K::StringPair, true, false, kEverywhere},
    {I::MaximumPacketSize, K::FourByteInteger, false, true, kInConnect | kInConnack},
    {I::WildcardSubscriptionAvailable, K::Byte, false, false, kInConnack},
    {I::SubscriptionIdentifierAvailable, K::Byte, false, false, kInConnack},
    {I::SharedSubscriptionAvailable, K::Byte, false, false, kInConnack},
};

std::size_t integer_size(PropertyKind kind, std::uint32_t value) {
  switch (kind) {
    case K::Byte: return 1;
    case K::TwoByteInteger: return 2;
    case K::FourByteInteger: return 4;
    default: return remaining_length_size(value);
  }
}

}  // namespace

const PropertyRule* rule_of(std::uint8_t id) {
  for (const PropertyRule& rule : kRules) {
    if (static_cast<std::uint8_t>(rule.id) == id) return &rule;
  }
  return nullptr;
}

std::size_t parse_property(Bytes wire, std::size_t offset, Property& out) {
  if (offset >= wire.size()) return 0;
  Reader r{wire.subspan(offset)};
  std::uint8_t id = 0;
  r.u8(id);
  const PropertyRule* rule = rule_of(id);
  if (rule == nullptr) return 0;  // [MQTT-2.2.2.2]: an identifier the spec does not define
  out = Property{};
  out.id = rule->id;
  bool ok = false;
  switch (rule->kind) {
    case K::Byte: {
      std::uint8_t v = 0;
      ok = r.u8(v);
      out.number = v;
      break;
    }
    case K::TwoByteInteger: {
      std::uint16_t v = 0;
      ok = r.u16(v);
      out.number = v;
      break;
    }
    case K::FourByteInteger: {
      std::uint16_t high = 0;
      std::uint16_t low = 0;
      ok = r.u16(high) && r.u16(low);
      out.number = (static_cast<std::uint32_t>(high) << 16) | low;
      break;
    }
    case K::VariableByteInteger: {
      bool malformed = false;
      ok = r.varint(out.number, malformed);
      break;
    }
    case K::String: ok = r.string(out.text); break;
    case K::Binary: ok = r.binary(out.binary); break;
    case K::StringPair: ok = r.string(out.text) && r.string(out.value); break;
    case K::Unknown: break;
  }
  if (!ok) return 0;
  return wire.size() - r.left();
}

}  // namespace detail

PropertyKind kind_of(PropertyId id) {
  const auto* rule = detail::rule_of(static_cast<std::uint8_t>(id));
  return rule != nullptr ? rule->kind : PropertyKind::Unknown;
}

Property Properties::Iterator::operator*() const {
  Property p;
  detail::parse_property(wire_, offset_, p);
  return p;
}

Properties::Iterator& Properties::Iterator::operator++() {
  Property ignored;
  const std::size_t next = detail::parse_property(wire_, offset_, ignored);
  offset_ = next != 0 ? next : wire_.size();  // unvalidated garbage ends the walk
  return *this;
}

std::optional<Property> Properties::find(PropertyId id) const {
  for (const Property p : *this) {
    if (p.id == id) return p;
  }
  return std::nullopt;
}

std::uint32_t Properties::number_or(PropertyId id, std::uint32_t fallback) const {
  const auto p = find(id);
  return p ? p->number : fallback;
}

// ---------------------------------------------------------------------------------------------
// PropertyWriter

bool PropertyWriter::reserve(PropertyId id, PropertyKind kind, std::size_t bytes) {
  if (!ok()) return false;
  if (kind_of(id) != kind) {
    fail("property value of the wrong kind for its identifier");
    return false;
  }
  if (out_.size() - used_ < 1 + bytes) {
    fail("property buffer is too small");
    return false;
  }
  out_[used_++] = static_cast<std::uint8_t>(id);
  return true;
}

PropertyWriter& PropertyWriter::add(PropertyId id, std::uint32_t number) {
  const PropertyKind kind = kind_of(id);
  const auto* rule = detail::rule_of(static_cast<std::uint8_t>(id));
  const bool integer = kind == PropertyKind::Byte || kind == PropertyKind::TwoByteInteger ||
                       kind == PropertyKind::FourByteInteger ||
                       kind == PropertyKind::VariableByteInteger;
  if (!integer || rule == nullptr) {
    fail("property value of the wrong kind for its identifier");
    return *this;
  }
  if (number > detail::max_value_of(rule->kind) || (number == 0 && rule->zero_is_invalid)) {
    fail("property value out of range");
    return *this;
  }
  if (!reserve(id, kind, detail::integer_size(kind, number))) return *this;
  detail::Writer w{out_.data() + used_};
  switch (kind) {
    case PropertyKind::Byte: w.u8(static_cast<std::uint8_t>(number)); break;
    case PropertyKind::TwoByteInteger: w.u16(number); break;
    case PropertyKind::FourByteInteger: w.u16(number >> 16); w.u16(number & 0xFFFF); break;
    default: w.varint(number); break;
  }
  used_ += detail::integer_size(kind, number);
  return *this;
}

PropertyWriter& PropertyWriter::add(PropertyId id, std::string_view text) {
  if (detail::check_utf8(text) != detail::TextCheck::Ok) {
    fail("property string is not valid utf-8 or longer than 65,535 bytes");
    return *this;
  }
  if (!reserve(id, PropertyKind::String, 2 + text.size())) return *this;
  detail::Writer{out_.data() + used_}.string(text);
  used_ += 2 + text.size();
  return *this;
}

PropertyWriter& PropertyWriter::add(PropertyId id, Bytes binary) {
  if (binary.size() > detail::kMaxStringLength) {
    fail("property binary data is longer than 65,535 bytes");
    return *this;
  }
  if (!reserve(id, PropertyKind::Binary, 2 + binary.size())) return *this;
  detail::Writer{out_.data() + used_}.binary(binary);
  used_ += 2 + binary.size();
  return *this;
}

PropertyWriter& PropertyWriter::add_user(std::string_view name, std::string_view value) {
  if (detail::check_utf8(name) != detail::TextCheck::Ok ||
      detail::check_utf8(value) != detail::TextCheck::Ok) {
    fail("user property is not valid utf-8 or longer than 65,535 bytes");
    return *this;
  }
  const std::size_t bytes = 4 + name.size() + value.size();
  if (!reserve(PropertyId::UserProperty, PropertyKind::StringPair, bytes)) return *this;
  detail::Writer w{out_.data() + used_};
  w.string(name);
  w.string(value);
  used_ += bytes;
  return *this;
}

}  // namespace mqtt_setup::codec
