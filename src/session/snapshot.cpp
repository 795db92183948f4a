// The session across a power-down (deep sleep): its whole state as bytes, and back.
//
// Format, version 1. Every integer little-endian; every version keeps the magic and the version
// byte where they are and ends with the CRC, so a reader can tell "another version" from "damaged".
//
//   header (16)    "MQSS" | version u8 = 1 | reserved u8 = 0 | next packet id u16 |
//                  client id length u16 | incoming QoS 2 count u16 | message count u32
//   client id      (length bytes): a state belongs to one client id
//   incoming QoS 2 (count x u16): identifiers delivered to the application, not yet released
//   messages       (count x): state u8 | QoS u8 | packet id u16 | TTL left, ms u32 (0: none) |
//                  size u32 | the encoded PUBLISH (size bytes), oldest first
//   CRC-32 (4)     of every byte before it (util/crc32.hpp, as the outbox file)
//
// A message costs 12 bytes + its PUBLISH; an empty session 20 bytes + the client id.
#include <algorithm>
#include <cstring>

#include "util/crc32.hpp"
#include "util/little_endian.hpp"
#include "session/record.hpp"

namespace mqtt_setup {

namespace {

constexpr std::uint8_t kMagic[4] = {'M', 'Q', 'S', 'S'};
constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kHeaderSize = 16;
constexpr std::size_t kMessageHeaderSize = 12;
constexpr std::size_t kCrcSize = 4;

// Where a saved message stands. Numbered here, not taken from RecordState, so that the format
// does not change when the store's own states do.
enum class Saved : std::uint8_t {
  Queued = 0,           // not sent yet
  AwaitingAck = 1,      // sent: awaiting PUBACK (QoS 1) or PUBREC (QoS 2)
  AwaitingPubcomp = 2,  // QoS 2: PUBREC received, PUBREL sent
};

// max_state_size() relies on a saved message never being larger than its record in the store.
static_assert(sizeof(Session::Record) >= kMessageHeaderSize);

bool saved(const Session::Record& r) {
  return r.kind == codec::PacketType::Publish && r.state != RecordState::Done;
}

Saved saved_state(RecordState state) {
  switch (state) {
    case RecordState::InFlight: return Saved::AwaitingAck;
    case RecordState::Released: return Saved::AwaitingPubcomp;
    default: return Saved::Queued;
  }
}

RecordState record_state(Saved state) {
  switch (state) {
    case Saved::AwaitingAck: return RecordState::InFlight;
    case Saved::AwaitingPubcomp: return RecordState::Released;
    default: return RecordState::Queued;
  }
}

std::uint32_t ttl_left(Millis expires_at, Millis now) {
  if (expires_at == 0) return 0;
  if (now >= expires_at) return 1;  // expired: dropped as soon as the session looks at it
  return static_cast<std::uint32_t>(std::min<Millis>(expires_at - now, 0xFFFF'FFFFu));
}

// One saved message, as read from the bytes.
struct SavedMessage {
  Saved state = Saved::Queued;
  codec::QoS qos = codec::QoS::AtMostOnce;
  std::uint16_t packet_id = 0;
  std::uint32_t ttl_ms = 0;
  codec::Bytes packet;
  std::size_t payload_size = 0;
};

// Reads the messages section one message at a time; every length is checked before use.
class MessageReader {
 public:
  explicit MessageReader(codec::Bytes bytes) : bytes_(bytes) {}

  Result<SavedMessage, SessionError> next() {
    if (bytes_.size() - pos_ < kMessageHeaderSize) return SessionError::StateCorrupt;
    const std::uint8_t* p = bytes_.data() + pos_;
    if (p[0] > static_cast<std::uint8_t>(Saved::AwaitingPubcomp) || p[1] > 2) {
      return SessionError::StateCorrupt;
    }
    SavedMessage m;
    m.state = static_cast<Saved>(p[0]);
    m.qos = static_cast<codec::QoS>(p[1]);
    m.packet_id = le::get16(p + 2);
    m.ttl_ms = le::get32(p + 4);
    const std::uint32_t size = le::get32(p + 8);
    if (bytes_.size() - pos_ - kMessageHeaderSize < size) return SessionError::StateCorrupt;
    m.packet = bytes_.subspan(pos_ + kMessageHeaderSize, size);
    pos_ += kMessageHeaderSize + size;

    auto decoded = codec::decode_from_server(m.packet);
    const auto* publish = decoded ? std::get_if<codec::Publish>(&decoded->packet) : nullptr;
    // The store holds packets as first sent: never DUP (resends set it on the way out).
    if (publish == nullptr || decoded->size != size || publish->qos != m.qos || publish->dup) {
      return SessionError::StateCorrupt;
    }
    const bool sent = m.state != Saved::Queued;
    if ((sent && (m.qos == codec::QoS::AtMostOnce || publish->packet_id != m.packet_id)) ||
        (m.state == Saved::AwaitingPubcomp && m.qos != codec::QoS::ExactlyOnce)) {
      return SessionError::StateCorrupt;
    }
    m.payload_size = publish->payload.size();
    return m;
  }

  bool at_end() const { return pos_ == bytes_.size(); }

 private:
  codec::Bytes bytes_;
  std::size_t pos_ = 0;
};

// The parts of a state whose header, CRC and lengths were checked.
struct StateView {
  std::uint16_t next_packet_id = 0;
  codec::Bytes incoming_qos2;  // count x u16
  std::uint32_t message_count = 0;
  codec::Bytes messages;
};

Result<StateView, SessionError> open_state(codec::Bytes in, std::string_view client_id) {
  if (in.size() < kHeaderSize + kCrcSize || std::memcmp(in.data(), kMagic, 4) != 0) {
    return SessionError::StateCorrupt;
  }
  if (in[4] != kVersion) return SessionError::StateVersion;
  const std::size_t body = in.size() - kCrcSize;
  if (crc32(0, in.data(), body) != le::get32(in.data() + body) || in[5] != 0) {
    return SessionError::StateCorrupt;
  }
  StateView view;
  view.next_packet_id = le::get16(in.data() + 6);
  const std::size_t id_length = le::get16(in.data() + 8);
  const std::size_t qos2_count = le::get16(in.data() + 10);
  view.message_count = le::get32(in.data() + 12);
  if (body - kHeaderSize < id_length + 2 * qos2_count) return SessionError::StateCorrupt;
  const auto saved_id = codec::as_text(in.subspan(kHeaderSize, id_length));
  if (saved_id != client_id) return SessionError::StateForeign;
  view.incoming_qos2 = in.subspan(kHeaderSize + id_length, 2 * qos2_count);
  const std::size_t messages_at = kHeaderSize + id_length + 2 * qos2_count;
  view.messages = in.subspan(messages_at, body - messages_at);
  return view;
}

}  // namespace

std::size_t Session::state_size() const {
  std::size_t size = kHeaderSize + config_.client_id.size() + 2 * incoming_qos2_count_ + kCrcSize;
  for (std::size_t off = store_head_; off < store_tail_; off = next_offset(off)) {
    const Record* r = record_at(off);
    if (saved(*r)) size += kMessageHeaderSize + r->size;
  }
  return size;
}

std::size_t Session::max_state_size() const {
  // Saved messages are never larger than their records (static_assert above), and the records
  // all fit in the store.
  return kHeaderSize + config_.client_id.size() + 2 * buffers_.incoming_qos2.size() + buffers_.store.size() +
         kCrcSize;
}

bool Session::state_is_empty() const {
  if (incoming_qos2_count_ > 0) return false;
  for (std::size_t off = store_head_; off < store_tail_; off = next_offset(off)) {
    if (saved(*record_at(off))) return false;
  }
  return true;
}

Result<std::size_t, SessionError> Session::save_state(codec::MutableBytes out, Millis now) const {
  if (config_.client_id.size() > 0xFFFF) return SessionError::TooLarge;
  const std::size_t size = state_size();
  if (out.size() < size) return SessionError::BufferTooSmall;
  std::uint32_t count = 0;
  for (std::size_t off = store_head_; off < store_tail_; off = next_offset(off)) {
    if (saved(*record_at(off))) ++count;
  }

  std::uint8_t* p = out.data();
  std::memcpy(p, kMagic, 4);
  p[4] = kVersion;
  p[5] = 0;
  le::put16(p + 6, next_packet_id_);
  le::put16(p + 8, static_cast<std::uint16_t>(config_.client_id.size()));
  le::put16(p + 10, static_cast<std::uint16_t>(incoming_qos2_count_));
  le::put32(p + 12, count);
  p += kHeaderSize;
  std::memcpy(p, config_.client_id.data(), config_.client_id.size());
  p += config_.client_id.size();
  for (std::size_t i = 0; i < incoming_qos2_count_; ++i, p += 2) le::put16(p, buffers_.incoming_qos2[i]);
  for (std::size_t off = store_head_; off < store_tail_; off = next_offset(off)) {
    const Record* r = record_at(off);
    if (!saved(*r)) continue;
    const Saved state = saved_state(r->state);
    p[0] = static_cast<std::uint8_t>(state);
    p[1] = static_cast<std::uint8_t>(r->qos);
    le::put16(p + 2, state == Saved::Queued ? 0 : r->packet_id);
    le::put32(p + 4, ttl_left(r->expires_at, now));
    le::put32(p + 8, r->size);
    std::memcpy(p + kMessageHeaderSize, r->bytes(), r->size);
    p += kMessageHeaderSize + r->size;
  }
  le::put32(p, crc32(0, out.data(), size - kCrcSize));
  return size;
}

Result<void, SessionError> Session::load_state(codec::Bytes in, Millis now) {
  if (state_ != SessionState::Disconnected || live_count_ != 0 || incoming_qos2_count_ != 0) {
    return SessionError::Busy;
  }
  auto view = open_state(in, config_.client_id);
  if (!view) return view.error();
  // More unreleased QoS 2 identifiers than this session's table holds (SessionBuffers).
  if (view->incoming_qos2.size() / 2 > buffers_.incoming_qos2.size()) return SessionError::TooLarge;

  // Check everything before changing anything: a rejected state leaves the session as it was.
  std::size_t footprint = 0;
  bool queued_seen = false;
  MessageReader check(view->messages);
  for (std::uint32_t i = 0; i < view->message_count; ++i) {
    auto m = check.next();
    if (!m) return m.error();
    // The store keeps messages in sending order: whatever was sent precedes what was not.
    if (m->state == Saved::Queued) {
      queued_seen = true;
    } else if (queued_seen) {
      return SessionError::StateCorrupt;
    }
    if (m->packet.size() > config_.max_packet_size) return SessionError::TooLarge;
    footprint += record_footprint(m->packet.size());
  }
  if (!check.at_end()) return SessionError::StateCorrupt;
  if (footprint > buffers_.store.size() ||
      (config_.max_queued != 0 && view->message_count > config_.max_queued)) {
    return SessionError::TooLarge;
  }

  next_packet_id_ = view->next_packet_id;
  incoming_qos2_count_ = static_cast<std::uint32_t>(view->incoming_qos2.size() / 2);
  for (std::size_t i = 0; i < incoming_qos2_count_; ++i) {
    buffers_.incoming_qos2[i] = le::get16(view->incoming_qos2.data() + 2 * i);
  }
  MessageReader reader(view->messages);
  for (std::uint32_t i = 0; i < view->message_count; ++i) {
    const SavedMessage m = *reader.next();
    // Cannot fail: the store is empty and the sizes and count were checked above.
    auto appended = append_record(m.packet.size(), now);
    if (!appended) return appended.error();
    Record* r = *appended;
    r->kind = codec::PacketType::Publish;
    r->qos = m.qos;
    r->state = record_state(m.state);
    r->packet_id = m.state == Saved::Queued ? 0 : m.packet_id;
    r->expires_at = m.ttl_ms != 0 ? now + m.ttl_ms : 0;
    r->id_offset = m.qos == codec::QoS::AtMostOnce ? 0 : publish_id_offset(m.packet);
    std::memcpy(r->bytes(), m.packet.data(), m.packet.size());
    if (r->awaiting_ack()) ++inflight_;
    if (journal_ != nullptr) journal_->stored(r->ticket, r->packet());
  }
  store_cursor_ = store_head_;
  return {};
}

}  // namespace mqtt_setup
