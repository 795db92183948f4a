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
  if (list_->with_qos_ && end < wire.size()) s.qos = static_cast<QoS>(wire[end] & 0x03);
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

BodySize filter_list_size(const FilterList& filters, bool with_qos) {
  if (filters.empty()) return EncodeError::EmptyFilterList;  // [MQTT-3.8.3-3], [MQTT-3.10.3-2]
  std::size_t size = 0;
  for (const Subscription s : filters) {
    const TextCheck text = check_topic_filter(s.filter);
    if (text != TextCheck::Ok) return to_encode_error(text, EncodeError::InvalidTopicFilter);
    if (with_qos && static_cast<unsigned>(s.qos) > 2) return EncodeError::InvalidQoS;
    size += 2 + s.filter.size() + (with_qos ? 1 : 0);
    // Stop before the sum could wrap on a 32-bit target.
    if (size > kMaxRemainingLength) return EncodeError::PacketTooLarge;
  }
  return size;
}

void write_filter_list(const FilterList& filters, bool with_qos, Writer& w) {
  for (const Subscription s : filters) {
    w.string(s.filter);
    if (with_qos) w.u8(static_cast<std::uint8_t>(s.qos));
  }
}

Result<std::size_t, DecodeError> check_filter_list(Bytes wire, bool with_qos) {
  Reader r{wire};
  std::size_t count = 0;
  while (!r.at_end()) {
    std::string_view filter;
    if (!r.string(filter)) return DecodeError::LengthMismatch;
    const TextCheck text = check_topic_filter(filter);  // [MQTT-3.8.3-1], [MQTT-3.10.3-1]
    if (text != TextCheck::Ok) return to_decode_error(text, DecodeError::InvalidTopicFilter);
    if (with_qos) {
      std::uint8_t options = 0;
      if (!r.u8(options)) return DecodeError::LengthMismatch;
      // [MQTT-3-8.3-4]: the upper six bits are reserved and QoS 3 does not exist.
      if ((options & 0xFC) != 0) return DecodeError::InvalidSubscriptionOptions;
      if (options == 3) return DecodeError::InvalidQoS;
    }
    ++count;
  }
  if (count == 0) return DecodeError::EmptyFilterList;  // [MQTT-3.8.3-3], [MQTT-3.10.3-2]
  return count;
}

}  // namespace detail
}  // namespace mqtt_setup::codec
