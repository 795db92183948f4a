// One record of the durable outbox, in the same bytes wherever it is kept: a record of the
// outbox file's log (posix/outbox_file.cpp) and the whole of one stored message in the
// storage-backed queue (storage_queue.cpp, NVS on ESP32). Private to the library.
//
//   kind (1) | number (4, LE) | length (4, LE) | packet (length) | CRC-32 of all before (4, LE)
//
// `number` is the message's ticket in the file and its sequence number in the storage queue
// (where a record's position no longer gives the order). CRC as util/crc32.hpp, shared
// with the deep-sleep snapshots.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "mqtt_setup/codec.hpp"
#include "util/crc32.hpp"
#include "util/little_endian.hpp"

namespace mqtt_setup::journal_record {

inline constexpr std::uint8_t kStored = 'S';   // a message: the encoded PUBLISH follows
inline constexpr std::uint8_t kRemoved = 'R';  // the message with this ticket left (file only)
inline constexpr std::uint8_t kSlots = 'N';    // storage queue: `number` is its slot count
inline constexpr std::size_t kHeaderSize = 9;
inline constexpr std::size_t kTrailerSize = 4;
inline constexpr std::size_t kMaxPacket = 16 * 1024 * 1024;

constexpr std::size_t size(std::size_t packet_size) {
  return kHeaderSize + packet_size + kTrailerSize;
}

inline void write_header(std::uint8_t (&header)[kHeaderSize], std::uint8_t kind,
                         std::uint32_t number, std::size_t packet_size) {
  header[0] = kind;
  le::put32(header + 1, number);
  le::put32(header + 5, static_cast<std::uint32_t>(packet_size));
}

/// The trailer's CRC, computed over the header and the packet kept apart (no copy needed).
inline std::uint32_t checksum(const std::uint8_t (&header)[kHeaderSize], codec::Bytes packet) {
  return crc32(crc32(0, header, kHeaderSize), packet.data(), packet.size());
}

/// Writes a whole record into `out`, which holds at least size(packet.size()) bytes.
inline std::size_t encode(std::uint8_t kind, std::uint32_t number, codec::Bytes packet,
                          std::uint8_t* out) {
  std::uint8_t header[kHeaderSize];
  write_header(header, kind, number, packet.size());
  for (std::size_t i = 0; i < kHeaderSize; ++i) out[i] = header[i];
  for (std::size_t i = 0; i < packet.size(); ++i) out[kHeaderSize + i] = packet[i];
  le::put32(out + kHeaderSize + packet.size(), checksum(header, packet));
  return size(packet.size());
}

struct Record {
  std::uint8_t kind;
  std::uint32_t number;
  codec::Bytes packet;  // a view into the bytes given to decode()
  std::size_t size;     // of the whole record
};

/// The record at the start of `data`; nullopt when it is short, of an unknown kind, too long
/// or fails its CRC (a write torn by a crash, or damage).
inline std::optional<Record> decode(codec::Bytes data) {
  if (data.size() < kHeaderSize + kTrailerSize) return std::nullopt;
  const std::uint8_t* p = data.data();
  const std::uint32_t length = le::get32(p + 5);
  if ((p[0] != kStored && p[0] != kRemoved && p[0] != kSlots) || length > kMaxPacket ||
      data.size() - kHeaderSize - kTrailerSize < length) {
    return std::nullopt;
  }
  if (crc32(0, p, kHeaderSize + length) != le::get32(p + kHeaderSize + length)) {
    return std::nullopt;
  }
  return Record{p[0], le::get32(p + 1), data.subspan(kHeaderSize, length), size(length)};
}

}  // namespace mqtt_setup::journal_record
