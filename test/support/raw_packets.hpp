// MQTT 3.1.1 packets as plain byte vectors, written from the spec and independent of
// src/codec on purpose: a test that checks the codec against itself proves nothing.
//
// RawPacket keeps the whole packet (fixed header included); PacketBuffer splits a byte stream
// into packets using only the fixed header; the builders make the packets a broker or a
// client sends, for scripting the fake broker or talking to a real one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace mqtt_setup::test {

using Bytes = std::vector<std::uint8_t>;

/// Control packet types, [MQTT-2.2.1].
enum PacketType : std::uint8_t {
  kConnect = 1,
  kConnack,
  kPublish,
  kPuback,
  kPubrec,
  kPubrel,
  kPubcomp,
  kSubscribe,
  kSuback,
  kUnsubscribe,
  kUnsuback,
  kPingreq,
  kPingresp,
  kDisconnect,
};

/// One packet exactly as it was on the wire.
struct RawPacket {
  Bytes bytes;

  std::uint8_t type() const { return bytes.empty() ? 0 : static_cast<std::uint8_t>(bytes[0] >> 4); }
  std::uint8_t flags() const {
    return bytes.empty() ? 0 : static_cast<std::uint8_t>(bytes[0] & 0x0F);
  }
  /// Everything after the fixed header.
  std::span<const std::uint8_t> body() const;
  /// The packet identifier of PUBLISH (QoS > 0), PUBACK … UNSUBACK; nothing for other packets.
  std::optional<std::uint16_t> packet_id() const;
  /// PUBLISH only: topic and payload (empty for other packets).
  std::string_view topic() const;
  std::span<const std::uint8_t> payload() const;
  std::uint8_t qos() const { return static_cast<std::uint8_t>((flags() >> 1) & 0x03); }
};

/// Accumulates a byte stream and hands out whole packets.
class PacketBuffer {
 public:
  void append(std::span<const std::uint8_t> data) {
    data_.insert(data_.end(), data.begin(), data.end());
  }
  /// The next whole packet, if one has arrived.
  std::optional<RawPacket> pop();
  /// The remaining length field is longer than 4 bytes [MQTT-2.2.3]: the stream is garbage.
  bool malformed() const;
  std::size_t buffered() const { return data_.size(); }

 private:
  Bytes data_;
};

/// The remaining length field for `length` [MQTT-2.2.3].
Bytes encode_remaining_length(std::size_t length);

// Server -> client.
Bytes connack(bool session_present, std::uint8_t return_code);
Bytes puback(std::uint16_t id);
Bytes pubrec(std::uint16_t id);
Bytes pubrel(std::uint16_t id);
Bytes pubcomp(std::uint16_t id);
Bytes suback(std::uint16_t id, std::initializer_list<std::uint8_t> return_codes);
Bytes unsuback(std::uint16_t id);
Bytes pingresp();

// Either direction.
Bytes publish(std::string_view topic, std::string_view payload, std::uint8_t qos = 0,
              std::uint16_t id = 0, bool retain = false, bool dup = false);

// Client -> server.
struct ConnectFields {
  std::string_view client_id{};
  std::uint16_t keep_alive_s = 60;
  bool clean_session = true;
  std::optional<std::string_view> username{};
  std::optional<std::string_view> password{};
};
Bytes connect(const ConnectFields& fields);
Bytes subscribe(std::uint16_t id, std::string_view filter, std::uint8_t qos);
Bytes pingreq();
Bytes disconnect();

}  // namespace mqtt_setup::test
