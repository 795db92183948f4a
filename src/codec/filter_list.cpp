// The topic filter lists of SUBSCRIBE [MQTT-3.8.3] and UNSUBSCRIBE [MQTT-3.10.3]: one
// iterator over either the caller's array or the received bytes, so encoding a decoded list
// (a fake broker echoing, a session resubscribing) works the same as encoding a fresh one.
#include "codec/wire.hpp"

namespace mqtt_setup::codec {

Subscription FilterList::Iterator::operator*() const {
  if (!list_->items_.empty()) return list_->items_[index_];
  // Bounds are checked although the decoder validated the bytes: a FilterList can be built
  // from any bytes by anyone, and a short read must not leave the span.
  const Bytes wire = list_->wire_;
  if (offset_ + 2 > wire.size()) return {};
  const std::size_t length = static_cast<std::size_t>(wire[offset_] << 8) | wire[offset_ + 1];
  const std::size_t end = offset_ + 2 + length;
  if (end > wire.size()) return {};
  Subscription s;
  s.filter = as_text(wire.subspan(offset_ + 2, length));
  if (list_->with_qos_ && end < wire.size()) {
    // Validated by check_filter_list: 3.1.1 sets only the QoS bits, 5.0 the options too.
    const std::uint8_t options = wire[end];
    s.qos = static_cast<QoS>(options & 0x03);
    s.no_local = (options & 0x04) != 0;
    s.retain_as_published = (options & 0x08) != 0;
    s.retain_handling = static_cast<RetainHandling>((options >> 4) & 0x03);
  }
  return s;
}

FilterList::Iterator& FilterList::Iterator::operator++() {
  ++index_;
  if (list_->items_.empty()) {
    const Bytes wire = list_->wire_;
    std::size_t length = 0;
    if (offset_ + 2 <= wire.size()) {
      length = static_cast<std::size_t>(wire[offset_] << 8) | wire[offset_ + 1];
    }
    offset_ += 2 + length + (list_->with_qos_ ? 1 : 0);
  }
  return *this;
}

namespace detail {
namespace {

/// [MQTT-3.8.3.1]: QoS in bits 0-1; 5.0 adds no local, retain as published, retain handling.
std::uint8_t options_byte(const Subscription& s, FilterOptions options) {
  unsigned byte = static_cast<unsigned>(s.qos);
  if (options == FilterOptions::Options5) {
    if (s.no_local) byte |= 0x04U;
    if (s.retain_as_published) byte |= 0x08U;
    byte |= static_cast<unsigned>(s.retain_handling) << 4;
  }
  return static_cast<std::uint8_t>(byte);
}

Result<void, DecodeError> check_options(std::uint8_t byte, FilterOptions options) {
  if ((byte & 0x03) == 3) return DecodeError::InvalidQoS;
  // [MQTT-3.8.3-4] (3.1.1): the upper six bits are reserved; [MQTT-3.8.3-5] (5.0): the upper
  // two, and retain handling 3 is a protocol error.
  const unsigned reserved = options == FilterOptions::Options5 ? 0xC0U : 0xFCU;
  if ((byte & reserved) != 0) return DecodeError::InvalidSubscriptionOptions;
  if (options == FilterOptions::Options5 && ((byte >> 4) & 0x03) == 3) {
    return DecodeError::InvalidSubscriptionOptions;
  }
  return {};
}

}  // namespace

BodySize filter_list_size(const FilterList& filters, FilterOptions options) {
  const bool with_qos = options != FilterOptions::None;
  if (filters.empty()) return EncodeError::EmptyFilterList;  // [MQTT-3.8.3-3], [MQTT-3.10.3-2]
  std::size_t size = 0;
  for (const Subscription s : filters) {
    const TextCheck text = check_topic_filter(s.filter);
    if (text != TextCheck::Ok) return to_encode_error(text, EncodeError::InvalidTopicFilter);
    if (with_qos && static_cast<unsigned>(s.qos) > 2) return EncodeError::InvalidQoS;
    if (options == FilterOptions::Options5 && static_cast<unsigned>(s.retain_handling) > 2) {
      return EncodeError::InvalidQoS;  // retain handling 3 does not exist, [MQTT-3.8.3-5]
    }
    size += 2 + s.filter.size() + (with_qos ? 1 : 0);
    // Stop before the sum could wrap on a 32-bit target.
    if (size > kMaxRemainingLength) return EncodeError::PacketTooLarge;
  }
  return size;
}

void write_filter_list(const FilterList& filters, FilterOptions options, Writer& w) {
  for (const Subscription s : filters) {
    w.string(s.filter);
    if (options != FilterOptions::None) w.u8(options_byte(s, options));
  }
}

Result<std::size_t, DecodeError> check_filter_list(Bytes wire, FilterOptions options) {
  const bool with_qos = options != FilterOptions::None;
  Reader r{wire};
  std::size_t count = 0;
  while (!r.at_end()) {
    std::string_view filter;
    if (!r.string(filter)) return DecodeError::LengthMismatch;
    const TextCheck text = check_topic_filter(filter);  // [MQTT-3.8.3-1], [MQTT-3.10.3-1]
    if (text != TextCheck::Ok) return to_decode_error(text, DecodeError::InvalidTopicFilter);
    if (with_qos) {
      std::uint8_t byte = 0;
      if (!r.u8(byte)) return DecodeError::LengthMismatch;
      if (auto ok = check_options(byte, options); !ok) return ok.error();
    }
    ++count;
  }
  if (count == 0) return DecodeError::EmptyFilterList;  // [MQTT-3.8.3-3], [MQTT-3.10.3-2]
  return count;
}

}  // namespace detail
}  // namespace mqtt_setup::codec
