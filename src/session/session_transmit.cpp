// What is due -> bytes for the transport, in the order the protocol wants them:
// CONNECT alone until CONNACK; then acknowledgements, PINGREQ, the store, DISCONNECT last.
#include <cstring>

#include "session/record.hpp"

namespace mqtt_setup {

namespace {

constexpr std::uint8_t kDupFlag = 0x08;  // [MQTT-3.3.1-1]

}  // namespace

void Session::trace(bool outgoing, codec::Bytes bytes) const {
  if (trace_ == nullptr) return;
  auto decoded = codec::decode(bytes);
  if (decoded) trace_(trace_context_, outgoing, decoded->packet);
}

std::optional<codec::Bytes> Session::poll_transmit(std::span<std::uint8_t> out, Millis now) {
  if (state_ == SessionState::Disconnected) return std::nullopt;
  std::size_t n = 0;
  auto emit = [&](const codec::Packet& packet) {
    auto written = codec::encode(packet, out.subspan(n));
    if (!written) return false;
    trace(true, out.subspan(n, *written));
    n += *written;
    return true;
  };

  if (connect_pending_) {
    codec::Connect connect;
    connect.client_id = config_.client_id;
    connect.keep_alive_s = config_.keep_alive_s;
    connect.clean_session = config_.clean_session;
    connect.will = config_.will;
    connect.username = config_.username;
    connect.password = config_.password;
    if (!emit(connect)) {
      Event ev;
      ev.kind = Event::Kind::Disconnected;
      ev.reason = DisconnectReason::ProtocolViolation;  // our own CONNECT does not fit / encode
      fail(ev, now);
      return std::nullopt;
    }
    connect_pending_ = false;
  }
  if (state_ != SessionState::Connecting) {
    std::size_t acks_sent = 0;
    while (acks_sent < pending_ack_count_ && emit(codec::Ack{pending_acks_[acks_sent].type,
                                                             pending_acks_[acks_sent].packet_id})) {
      ++acks_sent;
    }
    if (acks_sent > 0) {
      std::memmove(pending_acks_.data(), pending_acks_.data() + acks_sent,
                   (pending_ack_count_ - acks_sent) * sizeof(PendingAck));
      pending_ack_count_ -= acks_sent;
    }
    if (ping_pending_ && emit(codec::Pingreq{})) ping_pending_ = false;
    if (state_ == SessionState::Connected || state_ == SessionState::Disconnecting) {
      n += transmit_records(out.subspan(n), now);
    }
    if (disconnect_pending_ && pending_ack_count_ == 0 && emit(codec::Disconnect{})) {
      disconnect_pending_ = false;
      Event ev;
      ev.kind = Event::Kind::Disconnected;
      ev.reason = DisconnectReason::Requested;
      fail(ev, now);
    }
  }
  if (n == 0) return std::nullopt;
  last_tx_ = now;
  return codec::Bytes{out.data(), n};
}

std::size_t Session::transmit_records(std::span<std::uint8_t> out, Millis now) {
  std::size_t n = 0;
  while (store_cursor_ < store_tail_) {
    Record* r = record_at(store_cursor_);
    const std::size_t next = next_offset(store_cursor_);
    switch (r->state) {
      case RecordState::Done:
        break;
      case RecordState::Released: {  // resend PUBREL after a reconnect
        auto written = codec::encode(codec::Ack{codec::PacketType::Pubrel, r->packet_id},
                                     out.subspan(n));
        if (!written) return n;
        trace(true, out.subspan(n, *written));
        n += *written;
        ++stats_.resent;
        break;
      }
      case RecordState::InFlight: {  // resend after a reconnect
        if (r->size > out.size() - n) return n;
        std::memcpy(out.data() + n, r->bytes(), r->size);
        if (r->kind == codec::PacketType::Publish) out[n] |= kDupFlag;
        trace(true, out.subspan(n, r->size));
        n += r->size;
        ++stats_.resent;
        break;
      }
      case RecordState::Queued: {
        if (r->expires_at != 0 && now >= r->expires_at) {
          store_cursor_ = next;
          drop(r, DropReason::Expired);
          continue;
        }
        if (r->size > out.size() - n) return n;
        if (r->id_offset == 0) {  // QoS 0: written is all it gets (counted, no event)
          std::memcpy(out.data() + n, r->bytes(), r->size);
          trace(true, out.subspan(n, r->size));
          n += r->size;
          ++stats_.delivered;
          store_cursor_ = next;
          finish(r);
          continue;
        }
        if (inflight_ >= config_.max_inflight) return n;
        const std::uint16_t id = allocate_packet_id();
        if (id == 0) return n;
        r->packet_id = id;
        r->bytes()[r->id_offset] = static_cast<std::uint8_t>(id >> 8);
        r->bytes()[r->id_offset + 1] = static_cast<std::uint8_t>(id & 0xFF);
        std::memcpy(out.data() + n, r->bytes(), r->size);
        trace(true, out.subspan(n, r->size));
        n += r->size;
        r->state = RecordState::InFlight;
        ++inflight_;
        break;
      }
    }
    store_cursor_ = next;
  }
  return n;
}

bool Session::has_transmittable_record() const {
  if (state_ != SessionState::Connected && state_ != SessionState::Disconnecting) return false;
  for (std::size_t off = store_cursor_; off < store_tail_; off = next_offset(off)) {
    const Record* r = record_at(off);
    if (r->state == RecordState::Done) continue;
    if (r->state != RecordState::Queued || r->id_offset == 0) return true;
    return inflight_ < config_.max_inflight;
  }
  return false;
}

}  // namespace mqtt_setup
