// What is due -> bytes for the transport, in the order the protocol wants them:
// CONNECT alone until CONNACK; then acknowledgements, PINGREQ, the store, DISCONNECT last.
#include <array>
#include <cstring>
#include <limits>

#include "session/record.hpp"

namespace mqtt_setup {

namespace {

constexpr std::uint8_t kDupFlag = 0x08;  // [MQTT-3.3.1-1]
constexpr std::size_t kNeverFits = std::numeric_limits<std::size_t>::max();

}  // namespace

void Session::trace(bool outgoing, codec::Bytes bytes) const {
  if (trace_ == nullptr) return;
  auto decoded = decode_sent_(bytes, {codec::kMaxRemainingLength + 5, wire_version_});
  if (decoded) trace_(trace_context_, outgoing, decoded->packet);
}

std::optional<codec::Bytes> Session::poll_transmit(std::span<std::uint8_t> out, Millis now) {
  if (state_ == SessionState::Disconnected) {
    // A 3.1.1-only build never owes one (owe_farewell); the constant drops the 5.0 encoder.
    if (codec::kBuiltV5 && farewell_code_ != 0) return transmit_farewell(out);
    return std::nullopt;
  }
  std::size_t n = 0;
  // `room` starts at out[n]; it is shorter than the rest of `out` when properties sit at the end.
  auto emit_within = [&](const codec::Packet& packet, std::span<std::uint8_t> room) {
    auto written = codec::encode_to_server(packet, room, wire_version_);
    if (!written) return false;
    trace(true, out.subspan(n, *written));
    n += *written;
    return true;
  };
  auto emit = [&](const codec::Packet& packet) { return emit_within(packet, out.subspan(n)); };

  if (connect_pending_) {
    codec::Connect connect;
    connect.client_id = config_.client_id;
    connect.keep_alive_s = config_.keep_alive_s;
    connect.clean_session = config_.clean_session;
    connect.will = config_.will;
    connect.username = config_.username;
    connect.password = config_.password;
    connect.version = wire_version_;
    std::span<std::uint8_t> room = out;
    if (codec::is_v5(wire_version_)) {
      connect.properties = config_.connect_properties;
      if (auth_step_ == AuthStep::Connecting) {
        auto props = auth_properties(out, config_.connect_properties, room);
        if (props) connect.properties = *props;
      }
    }
    if (!emit_within(connect, room)) {
      fail(DisconnectReason::ProtocolViolation, now);  // our own CONNECT does not fit / encode
      return std::nullopt;
    }
    connect_pending_ = false;
  }
  if (codec::kBuiltV5 && auth_to_send_ != 0) {
    const std::size_t written = write_auth(out.subspan(n));
    if (written == 0 && n == 0) {  // not even into an empty buffer: it never will
      authentication_failed(AuthError::TooLarge, now);
      return std::nullopt;
    }
    n += written;
  }
  if (state_ != SessionState::Connecting) {
    std::uint32_t acks_sent = 0;
    const auto acks = buffers_.acks;
    while (acks_sent < pending_ack_count_ &&
           emit(codec::Ack{acks[acks_sent].type, acks[acks_sent].packet_id})) {
      ++acks_sent;
    }
    if (acks_sent > 0) {
      std::memmove(acks.data(), acks.data() + acks_sent,
                   (pending_ack_count_ - acks_sent) * sizeof(PendingAck));
      pending_ack_count_ -= acks_sent;
    }
    if (ping_pending_ && emit(codec::Pingreq{})) ping_pending_ = false;
    if (state_ == SessionState::Connected || state_ == SessionState::Disconnecting) {
      n += transmit_records(out.subspan(n), now);
    }
    // 3.1.1 asks for the will by closing without DISCONNECT (see disconnect()).
    const bool silent = !codec::is_v5(wire_version_) &&
                        disconnect_code_ == codec::reason::kDisconnectWithWill;
    std::array<std::uint8_t, 8> expiry_storage{};
    if (disconnect_pending_ && pending_ack_count_ == 0 &&
        (silent || emit(requested_disconnect(expiry_storage)))) {
      disconnect_pending_ = false;
      fail(DisconnectReason::Requested, now);
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
        if (r->sent_on_connection) break;
        // [MQTT-3.3.4-9]: resent messages count against the receive maximum too.
        if (sent_on_connection_ >= max_inflight()) return n;
        auto written = codec::encode(codec::Ack{codec::PacketType::Pubrel, r->packet_id},
                                     out.subspan(n), wire_version_);
        if (!written) return n;
        trace(true, out.subspan(n, *written));
        n += *written;
        ++stats_.resent;
        r->sent_on_connection = true;
        r->sent_at = static_cast<std::uint32_t>(now);
        ++sent_on_connection_;
        break;
      }
      case RecordState::InFlight: {  // resend after a reconnect
        if (r->sent_on_connection) break;  // already resent on this connection
        if (const auto reason = resend_drop_reason(*r, now)) {
          store_cursor_ = next;
          drop(r, *reason);
          continue;
        }
        if (sent_on_connection_ >= max_inflight()) return n;
        const std::size_t size = write_record(*r, out.subspan(n), /*dup=*/true, now);
        if (size == kNeverFits) {
          store_cursor_ = next;
          drop(r, DropReason::TooLargeForBroker);
          continue;
        }
        if (size == 0) return n;
        trace(true, out.subspan(n, size));
        n += size;
        ++stats_.resent;
        r->sent_on_connection = true;
        r->sent_at = static_cast<std::uint32_t>(now);
        ++sent_on_connection_;
        break;
      }
      case RecordState::Queued: {
        if (r->expires_at != 0 && now >= r->expires_at) {
          store_cursor_ = next;
          drop(r, DropReason::Expired);
          continue;
        }
        if (beyond_server_limits(*r)) {
          store_cursor_ = next;
          drop(r, DropReason::NotSupportedByServer);
          continue;
        }
        if (r->id_offset != 0 && sent_on_connection_ >= max_inflight()) return n;
        if (r->id_offset != 0 && r->packet_id == 0) {
          const std::uint16_t id = allocate_packet_id();
          if (id == 0) return n;
          r->packet_id = id;  // kept even if it does not fit now: it is the next to go
          r->bytes()[r->id_offset] = static_cast<std::uint8_t>(id >> 8);
          r->bytes()[r->id_offset + 1] = static_cast<std::uint8_t>(id & 0xFF);
        }
        const std::size_t size = write_record(*r, out.subspan(n), /*dup=*/false, now);
        if (size == kNeverFits) {
          store_cursor_ = next;
          drop(r, DropReason::TooLargeForBroker);
          continue;
        }
        if (size == 0) return n;
        trace(true, out.subspan(n, size));
        n += size;
        if (r->id_offset == 0) {  // QoS 0: written is all it gets (counted, no event)
          ++stats_.delivered;
          store_cursor_ = next;
          finish(r);
          continue;
        }
        r->state = RecordState::InFlight;
        r->sent_on_connection = true;
        r->sent_at = static_cast<std::uint32_t>(now);
        ++inflight_;
        ++sent_on_connection_;
        break;
      }
    }
    store_cursor_ = next;
  }
  return n;
}

codec::Disconnect Session::requested_disconnect(codec::MutableBytes property_storage) const {
  codec::Disconnect d{};
  if (!codec::is_v5(wire_version_)) return d;  // 3.1.1: no reason code, no properties
  d.reason_code = disconnect_code_;
  if (!disconnect_expiry_set_) return d;
  // [MQTT-3.14.2-2]: no non-zero expiry after a CONNECT whose expiry was 0 (or absent).
  const auto asked = config_.connect_properties.find(codec::PropertyId::SessionExpiryInterval);
  if (disconnect_expiry_s_ != 0 && (!asked || asked->number == 0)) return d;
  codec::PropertyWriter w{property_storage};
  w.add(codec::PropertyId::SessionExpiryInterval, disconnect_expiry_s_);
  if (w.ok()) d.properties = w.properties();
  return d;
}

bool Session::beyond_server_limits(const Record& r) const {
  if (!codec::kBuiltV5) return false;  // 3.1.1's CONNACK sets no limits
  // Stored before this CONNACK said what the broker takes: sending it would make the broker
  // disconnect us ([MQTT-3.2.2-11], [MQTT-3.2.2-14]), resent (DUP) or not. Reported dropped.
  // A QoS 2 PUBLISH on a session the broker kept may still be held there under its packet id
  // ([MQTT-4.3.3]); identifiers are handed out in turn, so that one comes round again only
  // after 65,535 others (a known limit of this rare case: a broker that lowers its maximum
  // QoS while keeping a session with a QoS 2 exchange open).
  return r.kind == codec::PacketType::Publish &&
         (static_cast<unsigned>(r.qos) > server_.maximum_qos ||
          ((r.bytes()[0] & 0x01) != 0 && !server_.retain_available));
}

std::optional<DropReason> Session::resend_drop_reason(const Record& r, Millis now) const {
  if (!codec::kBuiltV5) return std::nullopt;  // no limits, no expiry: 5.0's
  if (beyond_server_limits(r)) return DropReason::NotSupportedByServer;
  if (r.kind != codec::PacketType::Publish || r.expires_at == 0 || now < r.expires_at) {
    return std::nullopt;
  }
  // Its time to live ran out while it waited for this connection: dropped, not resent with
  // the shortest expiry (it may have reached the broker before the link broke; the Dropped
  // event says it was not confirmed). Except a QoS 2 PUBLISH on a session the broker kept: the
  // broker may hold it under its packet id until PUBREL, answering any PUBLISH with that id by
  // PUBREC without delivering it ([MQTT-4.3.3]), so a new message given the freed id would be
  // lost. That exchange is finished instead (resent with DUP and expiry 1 s, the least there
  // is; [MQTT-3.3.2-5]: the broker does not deliver it once that has passed).
  if (r.qos == codec::QoS::ExactlyOnce && session_kept_) return std::nullopt;
  return DropReason::Expired;
}

bool Session::record_needs_rewrite(const Record& r) const {
  // Stored as 5.0, sent as 3.1.1 (the fallback, only where both are built in).
  if (codec::kBuiltBoth && config_.version != wire_version_) return true;
  if (r.kind == codec::PacketType::Subscribe) {
    // A subscription identifier (the only property subscribe() stores: a property length
    // after the packet identifier) for a broker whose CONNACK allows none, [MQTT-3.2.2.3.12].
    return codec::is_v5(wire_version_) && !server_.subscription_identifiers &&
           r.bytes()[r.id_offset + 2] != 0;
  }
  return r.kind == codec::PacketType::Publish && codec::is_v5(wire_version_) &&
         (r.expires_at != 0 || aliases_enabled());
}

std::size_t Session::write_record(const Record& r, std::span<std::uint8_t> out, bool dup,
                                  Millis now) {
  if (!record_needs_rewrite(r)) {  // the common case: the stored bytes as they are
    if (server_.maximum_packet_size != 0 && r.size > server_.maximum_packet_size) {
      return kNeverFits;
    }
    if (r.size > out.size()) return 0;
    std::memcpy(out.data(), r.bytes(), r.size);
    if (dup && r.kind == codec::PacketType::Publish) out[0] |= kDupFlag;
    return r.size;
  }
  const codec::DecodeLimits stored{codec::kMaxRemainingLength + 5, config_.version};
  // The 5.0 -> 3.1.1 fallback rewrites a SUBSCRIBE or UNSUBSCRIBE, and a 5.0 SUBSCRIBE loses
  // its subscription identifier (PUBLISH reads the same from either side).
  auto decoded = codec::kBuiltV5 && r.kind != codec::PacketType::Publish
                     ? codec::decode_request(r.packet(), stored)
                     : codec::decode_from_server(r.packet(), stored);
  if (!decoded) return kNeverFits;  // cannot happen: the session encoded it
  codec::Packet packet = decoded->packet;
  if (auto* s = std::get_if<codec::Subscribe>(&packet); s && !server_.subscription_identifiers) {
    s->properties = {};
  }
  std::array<std::uint8_t, 8> extra{};  // message expiry (5 bytes) + topic alias (3 bytes)
  int alias_slot = -1;
  std::string_view topic;
  if (auto* p = std::get_if<codec::Publish>(&packet)) {
    p->dup = dup && p->qos != codec::QoS::AtMostOnce;
    std::size_t used = 0;
    if (codec::is_v5(wire_version_)) {
      codec::PropertyWriter w{extra};
      if (r.expires_at != 0) {
        // [MQTT-3.3.2-6]: the receiver gets what is left of the lifetime, rounded up.
        const Millis left = r.expires_at > now ? r.expires_at - now : 1;
        w.add(codec::PropertyId::MessageExpiryInterval,
              static_cast<std::uint32_t>(std::min<Millis>((left + 999) / 1000, 0xFFFF'FFFF)));
      }
      if (aliases_enabled()) {
        topic = p->topic;
        const int known = find_alias(topic);
        alias_slot = known >= 0 ? known : choose_alias_slot();
        if (alias_slot >= 0 && topic.size() < kAliasSlotSize) {
          w.add(codec::PropertyId::TopicAlias, static_cast<std::uint32_t>(alias_slot + 1));
          if (known >= 0) p->topic = {};  // [MQTT-3.3.2-12]: the alias alone stands for it
        } else {
          alias_slot = -1;
        }
      }
      used = w.size();
    }
    p->extra_properties = codec::Bytes{extra.data(), used};
  }
  const std::size_t size = codec::encoded_size_to_server(packet, wire_version_);
  if (size == 0) return kNeverFits;
  if (server_.maximum_packet_size != 0 && size > server_.maximum_packet_size) return kNeverFits;
  if (size > out.size()) return 0;
  (void)codec::encode_to_server(packet, out, wire_version_);
  if (alias_slot >= 0 && find_alias(topic) != alias_slot) remember_alias(alias_slot, topic);
  return size;
}

bool Session::has_transmittable_record() const {
  if (state_ != SessionState::Connected && state_ != SessionState::Disconnecting) return false;
  for (std::size_t off = store_cursor_; off < store_tail_; off = next_offset(off)) {
    const Record* r = record_at(off);
    if (r->state == RecordState::Done) continue;
    if (r->awaiting_ack()) {
      if (r->sent_on_connection) continue;
      return sent_on_connection_ < max_inflight();  // a resend waits for room in the window
    }
    if (r->id_offset == 0) return true;
    return sent_on_connection_ < max_inflight();
  }
  return false;
}

}  // namespace mqtt_setup
