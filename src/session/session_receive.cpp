// Received bytes -> decoded packets -> protocol decisions and events.
#include <algorithm>
#include <cstring>

#include "session/record.hpp"

namespace mqtt_setup {

std::span<std::uint8_t> Session::rx_space() {
  // Views handed out by the previous poll_event() are dead from here on, so undecoded bytes
  // may move to the front.
  if (rx_begin_ > 0) {
    std::memmove(buffers_.rx.data(), buffers_.rx.data() + rx_begin_, rx_end_ - rx_begin_);
    rx_end_ -= rx_begin_;
    rx_begin_ = 0;
  }
  return buffers_.rx.subspan(rx_end_);
}

void Session::rx_commit(std::size_t n, Millis now) {
  rx_end_ = std::min(rx_end_ + n, buffers_.rx.size());
  if (n > 0) last_rx_ = now;
}

Result<std::span<std::uint8_t>, SessionError> Session::replace_rx(std::span<std::uint8_t> rx) {
  if (rx_end_ > rx_begin_) return SessionError::Busy;
  const std::span<std::uint8_t> old = buffers_.rx;
  buffers_.rx = rx;
  rx_begin_ = rx_end_ = 0;
  return old;
}

std::size_t Session::handle_bytes(codec::Bytes data, Millis now) {
  auto space = rx_space();
  const std::size_t n = std::min(space.size(), data.size());
  if (n > 0) std::memcpy(space.data(), data.data(), n);
  rx_commit(n, now);
  return n;
}

std::optional<Event> Session::poll_event(Millis now) {
  if (event_count_ > 0) return pop_event();
  while (state_ != SessionState::Disconnected && rx_end_ > rx_begin_) {
    // Answers to the broker wait in pending_acks_; stop reading until they are sent.
    if (pending_ack_count_ >= buffers_.acks.size()) return std::nullopt;
    const codec::Bytes input = buffers_.rx.subspan(rx_begin_, rx_end_ - rx_begin_);
    auto decoded = codec::decode_from_server(input, {buffers_.rx.size(), wire_version_});
    if (codec::kBuiltBoth && !decoded && state_ == SessionState::Connecting &&
        wire_version_ == codec::ProtocolVersion::V5) {
      // [MQTT-3.1.2-2]: a 3.1.1 server answers a level-5 CONNECT with its own CONNACK layout,
      // return code 1, which is no valid 5.0 CONNACK. Take such a refusal as one, so the
      // caller can fall_back_to_311().
      auto old = codec::decode_from_server(input, {buffers_.rx.size(), codec::ProtocolVersion::V311});
      const auto* connack = old ? std::get_if<codec::Connack>(&old->packet) : nullptr;
      if (connack != nullptr && connack->return_code != codec::ConnectReturnCode::Accepted) {
        decoded = old;
      }
    }
    if (!decoded) {
      if (decoded.error() == codec::DecodeError::Incomplete) return std::nullopt;
      Event ev;
      ev.kind = Event::Kind::Disconnected;
      if (decoded.error() == codec::DecodeError::PacketTooLarge) {
        ev.reason = DisconnectReason::PacketTooLarge;
      } else if (decoded.error() == codec::DecodeError::UnknownPacketType &&
                 codec::decode_fixed_header(input, {buffers_.rx.size(), wire_version_})) {
        // Well-formed, but what only a client sends (decode_from_server() leaves it unread).
        ev.reason = DisconnectReason::ProtocolViolation;
        ev.violation = state_ == SessionState::Connecting ? Violation::PacketBeforeConnack
                                                          : Violation::UnexpectedPacketType;
      } else {
        ev.reason = DisconnectReason::MalformedPacket;
        ev.decode_error = decoded.error();
      }
      fail(ev, now);
      break;
    }
    rx_begin_ += decoded->size;
    if (trace_ != nullptr) trace_(trace_context_, false, decoded->packet);
    std::optional<Event> out;
    handle_packet(decoded->packet, now, out);
    if (out) return out;
  }
  if (event_count_ > 0) return poll_event(now);
  return std::nullopt;
}

void Session::handle_packet(const codec::Packet& packet, Millis now, std::optional<Event>& out) {
  auto violation = [&](Violation v) { fail(DisconnectReason::ProtocolViolation, now, v); };
  const auto* connack = std::get_if<codec::Connack>(&packet);
  if (const auto* auth = codec::kBuiltV5 ? std::get_if<codec::Auth>(&packet) : nullptr) {
    return handle_auth(*auth, now, out);  // during CONNECT too: [MQTT-4.12.0-2]
  }
  if (state_ == SessionState::Connecting) {
    // [MQTT-3.2.0-1]: the first packet from the server is CONNACK.
    if (connack == nullptr) return violation(Violation::PacketBeforeConnack);
    return handle_connack(*connack, now, out);
  }
  if (connack != nullptr) return violation(Violation::DuplicateConnack);
  if (const auto* publish = std::get_if<codec::Publish>(&packet)) {
    return handle_publish(*publish, out);
  }
  // [MQTT-3.1.2-29]: without problem information asked for, only PUBLISH, CONNACK and
  // DISCONNECT may carry a reason string or user property.
  if (const auto* ack = std::get_if<codec::Ack>(&packet)) {
    if (problem_information_unrequested(ack->properties)) {
      return violation(Violation::ProblemInformationNotRequested);
    }
    return handle_ack(*ack, now, out);
  }
  if (const auto* suback = std::get_if<codec::Suback>(&packet)) {
    if (problem_information_unrequested(suback->properties)) {
      return violation(Violation::ProblemInformationNotRequested);
    }
    Record* r = find_inflight(suback->packet_id, codec::PacketType::Subscribe);
    if (r == nullptr) {
      ++stats_.unknown_acks;
      return;
    }
    Event ev;
    ev.kind = Event::Kind::Subscribed;
    ev.ticket = r->ticket;
    ev.return_codes = suback->return_codes;
    finish(r);
    out = ev;
    return;
  }
  if (std::holds_alternative<codec::Pingresp>(packet)) {
    ping_outstanding_ = false;
    return;
  }
  const auto* disconnect = std::get_if<codec::Disconnect>(&packet);
  if (disconnect != nullptr && codec::is_v5(wire_version_)) {
    // [MQTT-3.14]: a 5.0 server says why it closes the connection.
    Event ev;
    ev.kind = Event::Kind::Disconnected;
    ev.reason = DisconnectReason::ServerDisconnected;
    ev.reason_code = disconnect->reason_code;
    if (auto p = disconnect->properties.find(codec::PropertyId::ReasonString)) {
      ev.reason_string = p->text;
    }
    if (auto p = disconnect->properties.find(codec::PropertyId::ServerReference)) {
      ev.server_reference = p->text;
    }
    fail(ev, now);
    return;
  }
  // CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ, and DISCONNECT under 3.1.1: a server never
  // sends these.
  violation(Violation::UnexpectedPacketType);
}

void Session::handle_connack(const codec::Connack& connack, Millis now,
                             std::optional<Event>& out) {
  const auto text = [&](codec::PropertyId id) {
    auto p = codec::kBuiltV5 ? connack.properties.find(id) : std::nullopt;
    return p ? p->text : std::string_view{};
  };
  if (connack.return_code != codec::ConnectReturnCode::Accepted) {
    Event ev;
    ev.kind = Event::Kind::Disconnected;
    ev.reason = DisconnectReason::Refused;
    ev.refused = connack.return_code;
    ev.reason_code = static_cast<std::uint8_t>(connack.return_code);
    ev.reason_string = text(codec::PropertyId::ReasonString);
    ev.server_reference = text(codec::PropertyId::ServerReference);
    fail(ev, now);
    return;
  }
  if (!authenticated_by_connack(connack, now)) return;
  apply_connack_properties(connack.properties);
  state_ = SessionState::Connected;
  connect_deadline_ = kNever;
  ++stats_.connects;
  // [MQTT-3.2.2-2]: session present is 0 on a clean session; a persistent one may be gone too.
  const bool session_present = connack.session_present && !config_.clean_session;
  if (!session_present) incoming_qos2_count_ = 0;
  session_kept_ = session_present;
  prepare_resend(session_present);
  Event ev;
  ev.kind = Event::Kind::Connected;
  ev.session_present = session_present;
  ev.assigned_client_id = text(codec::PropertyId::AssignedClientIdentifier);
  ev.response_information = text(codec::PropertyId::ResponseInformation);
  out = ev;
}

void Session::prepare_resend(bool session_present) {
  // Nothing is in the broker's receive window of this new connection yet.
  sent_on_connection_ = 0;
  for (std::size_t off = store_head_; off < store_tail_; off = next_offset(off)) {
    record_at(off)->sent_on_connection = false;
  }
  // [MQTT-4.4.0-1]: with the session kept, unacknowledged PUBLISH and PUBREL go again with their
  // original identifiers. Without it the broker forgot them, so messages whose PUBREC we had
  // are sent again as PUBLISH: at least once rather than lost.
  for (std::size_t off = store_head_; off < store_tail_; off = next_offset(off)) {
    Record* r = record_at(off);
    if (r->state == RecordState::Queued) break;
    if (r->state == RecordState::Released && !session_present) r->state = RecordState::InFlight;
  }
  store_cursor_ = store_head_;
}

void Session::handle_publish(const codec::Publish& received, std::optional<Event>& out) {
  codec::Publish publish = received;
  if (const auto alias = codec::kBuiltV5 ? received.properties.find(codec::PropertyId::TopicAlias)
                                         : std::nullopt) {
    const Violation v = resolve_incoming_alias(alias->number, publish);
    if (v != Violation::None) {
      fail(DisconnectReason::ProtocolViolation, 0, v);
      return;
    }
  }
  if (publish.qos == codec::QoS::AtLeastOnce) {
    queue_ack(codec::PacketType::Puback, publish.packet_id);
  } else if (publish.qos == codec::QoS::ExactlyOnce) {
    // Deliver on the first PUBLISH and remember the identifier until PUBREL, so a resent
    // PUBLISH (DUP) is acknowledged again but not delivered twice ([MQTT-4.3.3-2], method B).
    const auto* begin = buffers_.incoming_qos2.data();
    const auto* end = begin + incoming_qos2_count_;
    const bool seen = std::find(begin, end, publish.packet_id) != end;
    queue_ack(codec::PacketType::Pubrec, publish.packet_id);
    if (seen) return;
    if (incoming_qos2_count_ >= buffers_.incoming_qos2.size()) {
      ++stats_.qos2_untracked;  // legal in 3.1.1: deliver rather than drop the connection
    } else {
      buffers_.incoming_qos2[incoming_qos2_count_++] = publish.packet_id;
    }
  }
  ++stats_.received;
  Event ev;
  ev.kind = Event::Kind::Message;
  ev.message = publish;
  out = ev;
}

void Session::handle_ack(const codec::Ack& ack, Millis now, std::optional<Event>& out) {
  using codec::PacketType;
  if (ack.type == PacketType::Pubrel) {
    auto* begin = buffers_.incoming_qos2.data();
    auto* end = begin + incoming_qos2_count_;
    auto* it = std::find(begin, end, ack.packet_id);
    if (it != end) {
      *it = *(end - 1);
      --incoming_qos2_count_;
    }
    // [MQTT-4.3.3-2]: answer PUBCOMP even for an identifier we no longer know.
    queue_ack(PacketType::Pubcomp, ack.packet_id);
    return;
  }
  const PacketType kind =
      ack.type == PacketType::Unsuback ? PacketType::Unsubscribe : PacketType::Publish;
  Record* r = find_inflight(ack.packet_id, kind);
  // A PUBACK where PUBREC is due: the broker downgraded QoS 2 to 1 (RabbitMQ 3.x does), so the
  // message is its, at QoS 1. Nothing better will come: take it as delivered.
  const bool qos2_as_qos1 = r != nullptr && ack.type == PacketType::Puback &&
                            r->qos == codec::QoS::ExactlyOnce && r->state == RecordState::InFlight;
  const bool expected =
      r != nullptr &&
      ((ack.type == PacketType::Puback && r->qos == codec::QoS::AtLeastOnce) || qos2_as_qos1 ||
       (ack.type == PacketType::Pubrec && r->qos == codec::QoS::ExactlyOnce) ||
       (ack.type == PacketType::Pubcomp && r->state == RecordState::Released) ||
       ack.type == PacketType::Unsuback);
  if (!expected) {
    ++stats_.unknown_acks;  // tolerated: a late duplicate after a resend is legal
    return;
  }
  if (ack.reason_code >= codec::reason::kUnspecifiedError && ack.type != PacketType::Unsuback) {
    // 5.0: the broker refused the message ([MQTT-4.3.2], [MQTT-4.3.3]: a failing PUBREC ends
    // the exchange too). Sending it again would be refused again: report it dropped.
    ++stats_.dropped;
    ++stats_.refused;
    stats_.last_refusal = ack.reason_code;
    Event ev;
    ev.kind = Event::Kind::Dropped;
    ev.ticket = r->ticket;
    ev.drop_reason = DropReason::RefusedByBroker;
    ev.reason_code = ack.reason_code;
    if (auto p = codec::kBuiltV5 ? ack.properties.find(codec::PropertyId::ReasonString)
                                 : std::nullopt) {
      ev.reason_string = p->text;
    }
    finish(r);
    out = ev;
    return;
  }
  if (ack.type == PacketType::Pubrec) {
    r->state = RecordState::Released;
    r->sent_at = static_cast<std::uint32_t>(now);  // the wait for PUBCOMP starts
    queue_ack(PacketType::Pubrel, ack.packet_id);
    return;
  }
  Event ev;
  ev.kind = ack.type == PacketType::Unsuback ? Event::Kind::Unsubscribed : Event::Kind::Delivered;
  ev.ticket = r->ticket;
  if (ev.kind == Event::Kind::Delivered) ++stats_.delivered;
  if (qos2_as_qos1) ++stats_.qos2_acked_as_qos1;
  finish(r);
  out = ev;
}

bool Session::queue_ack(codec::PacketType type, std::uint16_t packet_id) {
  if (pending_ack_count_ >= buffers_.acks.size()) return false;
  buffers_.acks[pending_ack_count_++] = PendingAck{type, packet_id};
  return true;
}

}  // namespace mqtt_setup
