#include "raw_packets.hpp"

namespace mqtt_setup::test {
namespace {

struct FixedHeader {
  enum class Status { Complete, Incomplete, Malformed } status;
  std::size_t header_size = 0;
  std::size_t remaining = 0;
};

FixedHeader parse_fixed_header(std::span<const std::uint8_t> data) {
  std::size_t remaining = 0;
  for (std::size_t i = 1; i <= 4; ++i) {
    if (i >= data.size()) return {FixedHeader::Status::Incomplete};
    remaining |= static_cast<std::size_t>(data[i] & 0x7F) << (7 * (i - 1));
    if ((data[i] & 0x80) == 0) return {FixedHeader::Status::Complete, i + 1, remaining};
  }
  return {FixedHeader::Status::Malformed};
}

void put_u16(Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xFF));
}

void put_string(Bytes& out, std::string_view text) {
  put_u16(out, static_cast<std::uint16_t>(text.size()));
  out.insert(out.end(), text.begin(), text.end());
}

Bytes packet(std::uint8_t first_byte, const Bytes& body) {
  Bytes out{first_byte};
  const Bytes length = encode_remaining_length(body.size());
  out.insert(out.end(), length.begin(), length.end());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Bytes with_id(std::uint8_t first_byte, std::uint16_t id) {
  Bytes body;
  put_u16(body, id);
  return packet(first_byte, body);
}

std::uint16_t get_u16(std::span<const std::uint8_t> data, std::size_t at) {
  return static_cast<std::uint16_t>((data[at] << 8) | data[at + 1]);
}

}  // namespace

std::span<const std::uint8_t> RawPacket::body() const {
  const FixedHeader header = parse_fixed_header(bytes);
  if (header.status != FixedHeader::Status::Complete) return {};
  return std::span<const std::uint8_t>(bytes).subspan(header.header_size);
}

std::optional<std::uint16_t> RawPacket::packet_id() const {
  const auto data = body();
  std::size_t at = 0;
  if (type() == kPublish) {
    if (qos() == 0 || data.size() < 2) return std::nullopt;
    at = 2 + get_u16(data, 0);
  } else if (type() < kPuback || type() > kUnsuback) {
    return std::nullopt;
  }
  if (data.size() < at + 2) return std::nullopt;
  return get_u16(data, at);
}

std::string_view RawPacket::topic() const {
  const auto data = body();
  if (type() != kPublish || data.size() < 2 || data.size() < 2U + get_u16(data, 0)) return {};
  return {reinterpret_cast<const char*>(data.data()) + 2, get_u16(data, 0)};
}

std::span<const std::uint8_t> RawPacket::payload() const {
  const auto data = body();
  if (type() != kPublish || data.size() < 2) return {};
  const std::size_t start = 2U + get_u16(data, 0) + (qos() > 0 ? 2U : 0U);
  return start <= data.size() ? data.subspan(start) : std::span<const std::uint8_t>{};
}

std::optional<RawPacket> PacketBuffer::pop() {
  const FixedHeader header = parse_fixed_header(data_);
  if (header.status != FixedHeader::Status::Complete) return std::nullopt;
  const std::size_t size = header.header_size + header.remaining;
  if (data_.size() < size) return std::nullopt;
  RawPacket result{Bytes(data_.begin(), data_.begin() + static_cast<std::ptrdiff_t>(size))};
  data_.erase(data_.begin(), data_.begin() + static_cast<std::ptrdiff_t>(size));
  return result;
}

bool PacketBuffer::malformed() const {
  return parse_fixed_header(data_).status == FixedHeader::Status::Malformed;
}

Bytes encode_remaining_length(std::size_t length) {
  Bytes out;
  do {
    std::uint8_t digit = static_cast<std::uint8_t>(length % 128);
    length /= 128;
    if (length > 0) digit |= 0x80;
    out.push_back(digit);
  } while (length > 0 && out.size() < 4);
  return out;
}

Bytes connack(bool session_present, std::uint8_t return_code) {
  return {0x20, 0x02, static_cast<std::uint8_t>(session_present ? 1 : 0), return_code};
}
Bytes puback(std::uint16_t id) { return with_id(0x40, id); }
Bytes pubrec(std::uint16_t id) { return with_id(0x50, id); }
Bytes pubrel(std::uint16_t id) { return with_id(0x62, id); }  // [MQTT-3.6.1-1]: flags 0010
Bytes pubcomp(std::uint16_t id) { return with_id(0x70, id); }
Bytes unsuback(std::uint16_t id) { return with_id(0xB0, id); }
Bytes pingresp() { return {0xD0, 0x00}; }
Bytes pingreq() { return {0xC0, 0x00}; }
Bytes disconnect() { return {0xE0, 0x00}; }

Bytes suback(std::uint16_t id, std::initializer_list<std::uint8_t> return_codes) {
  Bytes body;
  put_u16(body, id);
  body.insert(body.end(), return_codes.begin(), return_codes.end());
  return packet(0x90, body);
}

Bytes publish(std::string_view topic, std::string_view payload, std::uint8_t qos, std::uint16_t id,
              bool retain, bool dup) {
  Bytes body;
  put_string(body, topic);
  if (qos > 0) put_u16(body, id);
  body.insert(body.end(), payload.begin(), payload.end());
  const auto first = static_cast<std::uint8_t>(0x30 | (dup ? 0x08 : 0) | ((qos & 0x03) << 1) |
                                               (retain ? 0x01 : 0));
  return packet(first, body);
}

Bytes connect(const ConnectFields& fields) {
  Bytes body;
  put_string(body, "MQTT");
  body.push_back(4);  // protocol level 3.1.1
  std::uint8_t flags = fields.clean_session ? 0x02 : 0x00;
  if (fields.username) flags |= 0x80;
  if (fields.password) flags |= 0x40;
  body.push_back(flags);
  put_u16(body, fields.keep_alive_s);
  put_string(body, fields.client_id);
  if (fields.username) put_string(body, *fields.username);
  if (fields.password) put_string(body, *fields.password);
  return packet(0x10, body);
}

Bytes subscribe(std::uint16_t id, std::string_view filter, std::uint8_t qos) {
  Bytes body;
  put_u16(body, id);
  put_string(body, filter);
  body.push_back(qos);
  return packet(0x82, body);  // [MQTT-3.8.1-1]: flags 0010
}

}  // namespace mqtt_setup::test
