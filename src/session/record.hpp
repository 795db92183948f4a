// One outgoing message or request in the session's store, followed by its encoded packet.
// Private to the session layer.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "mqtt_setup/session.hpp"

namespace mqtt_setup {

enum class RecordState : std::uint8_t {
  Queued,    // not sent yet
  InFlight,  // sent, awaiting PUBACK / PUBREC / SUBACK / UNSUBACK
  Released,  // QoS 2: PUBREL sent, awaiting PUBCOMP
  Done,      // finished; space reclaimed when it reaches the head of the store
};

struct Session::Record {
  Millis expires_at;        // 0: never
  std::uint32_t size;       // bytes of the encoded packet after this header
  std::uint32_t ticket;
  std::uint32_t id_offset;  // position of the packet identifier in the packet; 0: none
  std::uint16_t packet_id;  // assigned when first sent
  codec::PacketType kind;   // Publish, Subscribe or Unsubscribe
  RecordState state;
  codec::QoS qos;
  bool sent_on_connection;  // awaiting an ack and written on this connection: in the window
  std::uint32_t sent_at;    // low 32 bits of the time it (or its PUBREL) was last sent / PUBREC'd

  std::uint8_t* bytes() { return reinterpret_cast<std::uint8_t*>(this + 1); }
  const std::uint8_t* bytes() const { return reinterpret_cast<const std::uint8_t*>(this + 1); }
  codec::Bytes packet() const { return {bytes(), size}; }
  bool awaiting_ack() const {
    return state == RecordState::InFlight || state == RecordState::Released;
  }
};

inline constexpr std::size_t kRecordAlign = alignof(Session::Record);

/// Where a PUBLISH's packet identifier sits: after the fixed header and the topic, in 3.1.1
/// and 5.0 alike ([MQTT-3.3.2]). `packet` is a whole, valid PUBLISH.
inline std::uint32_t publish_id_offset(codec::Bytes packet) {
  const std::size_t header = codec::decode_fixed_header(packet)->header_size;
  const std::size_t topic = (std::size_t{packet[header]} << 8) | packet[header + 1];
  return static_cast<std::uint32_t>(header + 2 + topic);
}

/// The part of a store buffer where records can start (the store's records are aligned).
inline std::span<std::uint8_t> aligned_for_records(std::span<std::uint8_t> buffer) {
  void* p = buffer.data();
  std::size_t space = buffer.size();
  if (std::align(kRecordAlign, 1, p, space) == nullptr) return {};
  return {static_cast<std::uint8_t*>(p), space};
}

constexpr std::size_t record_footprint(std::size_t packet_size) {
  return (sizeof(Session::Record) + packet_size + kRecordAlign - 1) & ~(kRecordAlign - 1);
}

}  // namespace mqtt_setup
