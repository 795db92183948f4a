// Session lifecycle, the calls that create work (publish, subscribe), and time.
#include <algorithm>
#include <cstring>
#include <memory>

#include "session/record.hpp"

namespace mqtt_setup {

namespace {

/// 5.0 topic aliases take their slots from the front of the store buffer.
std::size_t alias_area_size(const SessionConfig& config, std::size_t store_size) {
  if (!codec::is_v5(config.version)) return 0;
  const std::size_t want = std::size_t{config.topic_aliases} * kAliasSlotSize;
  return want <= store_size / 2 ? want : 0;  // never at the cost of most of the store
}

}  // namespace

Session::Session(const SessionConfig& config, SessionBuffers buffers)
    : config_(config),
      buffers_{buffers.rx,
               aligned_for_records(
                   buffers.store.subspan(alias_area_size(config, buffers.store.size()))),
               buffers.acks, buffers.incoming_qos2, buffers.events, buffers.incoming_aliases},
      wire_version_(config.version),
      alias_area_(buffers.store.first(alias_area_size(config, buffers.store.size()))) {}

Result<void, SessionError> Session::start_connect(Millis now) {
  if (state_ != SessionState::Disconnected) return SessionError::Busy;
  if (!codec::is_built(config_.version)) return SessionError::VersionNotBuiltIn;
  // Without room for one acknowledgement the session could never decode a packet, and without
  // room for one event a lost connection would go unreported.
  if (buffers_.acks.empty() || buffers_.events.empty()) return SessionError::BufferTooSmall;
  if (auto started = start_authentication(); !started) return started.error();
  state_ = SessionState::Connecting;
  rx_begin_ = rx_end_ = 0;
  pending_ack_count_ = 0;
  connect_pending_ = true;
  ping_pending_ = ping_outstanding_ = disconnect_pending_ = false;
  connect_deadline_ = now + config_.connect_timeout_ms;
  last_tx_ = last_rx_ = now;
  server_ = ServerLimits{};  // until this connection's CONNACK says otherwise
  aliases_used_ = alias_clock_ = 0;  // [MQTT-3.3.2-7]: aliases live for one connection
  farewell_code_ = 0;  // owed to the last connection, which the driver has closed
  if (codec::kBuiltV5) reset_incoming_aliases();  // [MQTT-3.3.2-7]: for one connection
  disconnect_code_ = 0;
  disconnect_expiry_set_ = false;
  return {};
}

void Session::connection_lost(Millis now) {
  if (state_ == SessionState::Disconnected) return;
  fail(DisconnectReason::TransportClosed, now);
}

void Session::disconnect(Millis now) { disconnect(now, codec::reason::kSuccess); }

void Session::disconnect(Millis /*now*/, std::uint8_t reason_code,
                         std::optional<std::uint32_t> session_expiry_s) {
  if (state_ == SessionState::Connected || state_ == SessionState::Connecting) {
    state_ = SessionState::Disconnecting;
    disconnect_pending_ = true;
    connect_pending_ = false;
    disconnect_code_ = reason_code;
    disconnect_expiry_set_ = session_expiry_s.has_value();
    disconnect_expiry_s_ = session_expiry_s.value_or(0);
  }
}

void Session::fail(Event event, Millis /*now*/) {
  owe_farewell(event);
  state_ = SessionState::Disconnected;
  rx_begin_ = rx_end_ = 0;
  pending_ack_count_ = 0;
  connect_pending_ = ping_pending_ = ping_outstanding_ = disconnect_pending_ = false;
  connect_deadline_ = kNever;
  auth_step_ = AuthStep::None;
  auth_to_send_ = 0;
  push_event(event);
}

void Session::fail(DisconnectReason reason, Millis now, Violation violation) {
  Event ev;
  ev.kind = Event::Kind::Disconnected;
  ev.reason = reason;
  ev.violation = violation;
  fail(ev, now);
}

void Session::push_event(const Event& event) {
  // Only Dropped events can pile up (publishing while nobody polls). They may fill all but one
  // slot, so a Disconnected event always finds room; beyond that they are only counted.
  const std::size_t capacity = buffers_.events.size();
  if (capacity == 0) return;  // start_connect() refuses such a session: nothing can happen
  if (event.kind == Event::Kind::Dropped && event_count_ + 1 >= capacity) return;
  if (event_count_ == capacity) {
    event_head_ = static_cast<std::uint32_t>((event_head_ + 1) % capacity);
    --event_count_;
  }
  QueuedEvent& q = buffers_.events[(event_head_ + event_count_) % capacity];
  q.kind = event.kind;
  q.reason = event.reason;
  q.refused = event.refused;
  q.decode_error = event.decode_error;
  q.violation = event.violation;
  q.drop_reason = event.drop_reason;
  q.reason_code = event.reason_code;
  q.ticket = event.ticket;
  q.auth_error = event.auth_error;
  q.reason_string = event.reason_string;
  q.server_reference = event.server_reference;
  ++event_count_;
}

Event Session::pop_event() {
  const QueuedEvent& q = buffers_.events[event_head_];
  event_head_ = static_cast<std::uint32_t>((event_head_ + 1) % buffers_.events.size());
  --event_count_;
  Event ev;
  ev.kind = q.kind;
  ev.reason = q.reason;
  ev.refused = q.refused;
  ev.decode_error = q.decode_error;
  ev.violation = q.violation;
  ev.drop_reason = q.drop_reason;
  ev.reason_code = q.reason_code;
  ev.ticket = q.ticket;
  ev.auth_error = q.auth_error;
  ev.reason_string = q.reason_string;
  ev.server_reference = q.server_reference;
  return ev;
}

Result<Ticket, SessionError> Session::publish(const codec::Publish& message, Millis now,
                                              const PublishOptions& options) {
  if (state_ == SessionState::Disconnected && config_.max_queued == 0) {
    return SessionError::NotConnected;
  }
  codec::Publish packet = message;
  packet.dup = false;
  packet.packet_id = packet.qos == codec::QoS::AtMostOnce ? 0 : 1;  // real id set when sent
  packet.extra_properties = {};
  if (codec::is_v5(config_.version) &&
      (packet.properties.find(codec::PropertyId::TopicAlias) ||
       packet.properties.find(codec::PropertyId::MessageExpiryInterval))) {
    return SessionError::InvalidMessage;  // the session's own: see PublishOptions::ttl_ms
  }
  if (state_ == SessionState::Connected &&
      ((packet.retain && !server_.retain_available) ||
       static_cast<unsigned>(packet.qos) > server_.maximum_qos)) {
    return SessionError::NotSupportedByServer;  // [MQTT-3.2.2-14], [MQTT-3.2.2-11]
  }
  const std::size_t size = codec::encoded_size(packet, config_.version);  // validates too
  if (size == 0) {
    return codec::is_valid_topic_name(message.topic) ? SessionError::InvalidMessage
                                                     : SessionError::InvalidTopic;
  }
  if (state_ == SessionState::Connected && server_.maximum_packet_size != 0 &&
      size > server_.maximum_packet_size) {
    return SessionError::TooLarge;  // [MQTT-3.1.2-24]: the broker would have to disconnect us
  }
  if (codec::is_v5(config_.version) &&
      (options.ttl_ms != 0 || !alias_area_.empty())) {
    // write_record() may add message expiry (5 bytes) and a topic alias (3 bytes) on the wire;
    // the driver's transmit buffer holds max_packet_size, so a message that could not be
    // written with them would wait at the head of the store for ever.
    static constexpr std::array<std::uint8_t, 8> kAdditions{};
    codec::Publish widest = packet;
    widest.extra_properties = kAdditions;
    if (codec::encoded_size(widest, config_.version) > config_.max_packet_size) {
      return SessionError::TooLarge;
    }
  }
  if (options.replace_queued) replace_queued(packet.topic);
  auto appended = append_record(size, now);
  if (!appended) return appended.error();
  Record* record = *appended;
  record->kind = codec::PacketType::Publish;
  record->qos = packet.qos;
  record->expires_at = options.ttl_ms != 0 ? now + options.ttl_ms : 0;
  auto written = codec::encode(packet, {record->bytes(), size}, config_.version);
  if (!written) {  // cannot happen after encoded_size() succeeded; keep the store consistent
    record->state = RecordState::Done;
    --live_count_;
    pop_done_records();
    return SessionError::InvalidMessage;
  }
  // The identifier follows the topic, [MQTT-3.3.2]: after the fixed header and the topic field.
  const std::size_t header = codec::decode_fixed_header({record->bytes(), size})->header_size;
  record->id_offset = packet.qos == codec::QoS::AtMostOnce
                          ? 0
                          : static_cast<std::uint32_t>(header + 2 + packet.topic.size());
  ++stats_.published;
  if (journal_ != nullptr) journal_->stored(record->ticket, record->packet());
  return Ticket{record->ticket, state_ == SessionState::Connected ? Accepted::Sending
                                                                  : Accepted::Queued};
}

namespace {

}  // namespace

Result<Ticket, SessionError> Session::subscribe(std::span<const codec::Subscription> filters,
                                                Millis now, std::uint32_t subscription_id) {
  for (const auto& f : filters) {
    if (!codec::is_valid_topic_filter(f.filter)) return SessionError::InvalidTopic;
  }
  codec::Subscribe subscribe{1, codec::FilterList{filters}};
  std::array<std::uint8_t, 5> id_property{};  // identifier byte + variable byte integer
  if (subscription_id != 0 && codec::is_v5(config_.version)) {
    // Stored with it; write_record() leaves it out for a broker that takes none.
    codec::PropertyWriter w{id_property};
    w.add(codec::PropertyId::SubscriptionIdentifier, subscription_id);
    if (!w.ok()) return SessionError::InvalidMessage;  // above 268,435,455, [MQTT-1.5.5]
    subscribe.properties = w.properties();
  }
  return queue_request(codec::Packet{subscribe}, now);
}

Result<Ticket, SessionError> Session::unsubscribe(std::span<const std::string_view> filters,
                                                  Millis now) {
  // The codec's FilterList carries (filter, QoS) pairs; UNSUBSCRIBE ignores the QoS.
  std::array<codec::Subscription, 16> items{};
  if (filters.empty() || filters.size() > items.size()) return SessionError::InvalidMessage;
  for (std::size_t i = 0; i < filters.size(); ++i) {
    if (!codec::is_valid_topic_filter(filters[i])) return SessionError::InvalidTopic;
    items[i].filter = filters[i];
  }
  const codec::Packet packet =
      codec::Unsubscribe{1, codec::FilterList{std::span{items.data(), filters.size()}}};
  return queue_request(packet, now);
}

Result<Ticket, SessionError> Session::queue_request(const codec::Packet& packet, Millis now) {
  const std::size_t size = codec::encoded_size_to_server(packet, config_.version);
  if (size == 0) return SessionError::InvalidMessage;
  auto appended = append_record(size, now);
  if (!appended) return appended.error();
  Record* record = *appended;
  record->kind = codec::type_of(packet);
  record->qos = codec::QoS::AtLeastOnce;
  (void)codec::encode_to_server(packet, {record->bytes(), size}, config_.version);
  auto header = codec::decode_fixed_header({record->bytes(), size});
  record->id_offset = static_cast<std::uint32_t>(header->header_size);
  // The same request still awaiting its SUBACK/UNSUBACK (renewed after a reconnect, where the
  // session sends the pending one again): one answer serves both, so it is not stacked.
  if (const Record* same = pending_twin(*record)) {
    const std::uint32_t ticket = same->ticket;
    store_tail_ -= record_footprint(size);  // the record just appended is the last one
    --live_count_;
    return Ticket{ticket, state_ == SessionState::Connected ? Accepted::Sending
                                                            : Accepted::Queued};
  }
  return Ticket{record->ticket, state_ == SessionState::Connected ? Accepted::Sending
                                                                  : Accepted::Queued};
}

const Session::Record* Session::pending_twin(const Record& request) const {
  const std::uint8_t* bytes = request.bytes();
  const std::uint32_t id = request.id_offset;
  for (std::size_t off = store_head_; off < store_tail_; off = next_offset(off)) {
    const Record* r = record_at(off);
    if (r == &request) break;
    if (r->kind != request.kind || r->state == RecordState::Done || r->size != request.size)
      continue;
    // Equal but for the packet identifier (2 bytes at id_offset).
    if (std::memcmp(r->bytes(), bytes, id) == 0 &&
        std::memcmp(r->bytes() + id + 2, bytes + id + 2, request.size - id - 2) == 0)
      return r;
  }
  return nullptr;
}

SessionStats Session::stats() const {
  SessionStats s = stats_;
  s.queued = live_count_;
  s.inflight = inflight_;
  return s;
}

Result<Ticket, SessionError> Session::restore(codec::Bytes packet, Millis now) {
  // Kept by a run that may have spoken the other version: try ours first.
  const codec::ProtocolVersion other = config_.version == codec::ProtocolVersion::V5
                                           ? codec::ProtocolVersion::V311
                                           : codec::ProtocolVersion::V5;
  for (const codec::ProtocolVersion v : {config_.version, other}) {
    auto decoded = codec::decode_from_server(packet, {codec::kMaxRemainingLength + 5, v});
    const auto* publish = decoded ? std::get_if<codec::Publish>(&decoded->packet) : nullptr;
    if (publish != nullptr) return this->publish(*publish, now);
  }
  return SessionError::InvalidMessage;
}

Millis Session::ping_timeout() const {
  if (config_.ping_timeout_ms != 0) return config_.ping_timeout_ms;
  return std::max<Millis>(keep_alive_ms() / 2, 1000);
}

Millis Session::ack_deadline(Millis now) const {
  if (config_.ack_timeout_ms == 0 || state_ != SessionState::Connected || sent_on_connection_ == 0)
    return kNever;
  // The oldest in store order: records are sent in that order, so it is (nearly always) the
  // one sent first, and the scan ends at the head (acknowledged records are popped there).
  for (std::size_t off = store_head_; off < store_tail_; off = next_offset(off)) {
    const Record* r = record_at(off);
    if (!r->awaiting_ack() || !r->sent_on_connection) continue;
    // Signed: a caller's `now` read a moment before the send's (another path of the same loop)
    // is "not yet waited", not 49 days.
    const std::int64_t since = static_cast<std::int32_t>(static_cast<std::uint32_t>(now) - r->sent_at);
    const std::int64_t left = std::int64_t{config_.ack_timeout_ms} - since;
    return left <= 0 ? now : now + static_cast<Millis>(left);
  }
  return kNever;
}

void Session::handle_timeout(Millis now) {
  if (state_ == SessionState::Connecting && now >= connect_deadline_) {
    fail(DisconnectReason::ConnectTimeout, now);
    return;
  }
  if (state_ == SessionState::Connected && ack_deadline(now) <= now) {
    fail(DisconnectReason::AckTimeout, now);
    return;
  }
  if (state_ != SessionState::Connected || keep_alive_ms() == 0) return;
  if (ping_outstanding_) {
    if (now >= std::max(ping_sent_at_, last_rx_) + ping_timeout()) {
      fail(DisconnectReason::KeepAliveTimeout, now);
    }
    return;
  }
  // [MQTT-3.1.2-23]: something must be sent within the keep-alive. Pinging when nothing was
  // received for that long too finds a dead link even while we keep publishing into it.
  const Millis keep_alive = keep_alive_ms();
  if (now >= std::min(last_tx_, last_rx_) + keep_alive) {
    ping_pending_ = true;
    ping_outstanding_ = true;
    ping_sent_at_ = now;
  }
}

Millis Session::next_deadline(Millis now) const {
  if (event_count_ > 0 || connect_pending_ || ping_pending_ || disconnect_pending_ ||
      pending_ack_count_ > 0 || auth_to_send_ != 0) {
    return now;
  }
  if (state_ == SessionState::Disconnected) return kNever;
  if (rx_end_ > rx_begin_) {
    auto header = codec::decode_fixed_header(
        buffers_.rx.subspan(rx_begin_, rx_end_ - rx_begin_), {buffers_.rx.size()});
    const bool decodable = header ? header->packet_size() <= rx_end_ - rx_begin_
                                  : header.error() != codec::DecodeError::Incomplete;
    if (decodable) return now;  // a whole packet (or an error to report) is waiting
  }
  if (state_ == SessionState::Connecting) return connect_deadline_;
  if (has_transmittable_record()) return now;
  const Millis acks = ack_deadline(now);
  if (keep_alive_ms() == 0) return acks;
  if (ping_outstanding_) return std::min(acks, std::max(ping_sent_at_, last_rx_) + ping_timeout());
  return std::min(acks, std::min(last_tx_, last_rx_) + keep_alive_ms());
}

}  // namespace mqtt_setup
