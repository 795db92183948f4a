// Drives a Session the way a driver would, with a simulated clock and a simulated broker that
// is just bytes: the test encodes what the broker says and decodes what the client sent.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "mqtt_setup/codec.hpp"
#include "mqtt_setup/session.hpp"

namespace mqtt_setup::testing {

struct SentPacket {
  codec::PacketType type;
  std::vector<std::uint8_t> bytes;
  codec::ProtocolVersion version = codec::ProtocolVersion::V311;  // the session's when sent
  codec::Packet packet() const {
    auto d = codec::decode(bytes, {codec::kMaxRemainingLength + 5, version});
    EXPECT_TRUE(d.ok());
    return d ? d->packet : codec::Packet{};
  }
  codec::Publish publish() const { return std::get<codec::Publish>(packet()); }
  codec::Ack ack() const { return std::get<codec::Ack>(packet()); }
  std::string topic() const { return std::string(publish().topic); }
};

/// Entries in the session's tables (SessionBuffers); the defaults are SessionStorage<>'s.
struct TableSizes {
  std::size_t acks = 32;
  std::size_t incoming_qos2 = 128;
  std::size_t events = 4;
  std::size_t incoming_aliases = 0;  // bytes for the topics of incoming topic aliases
};

class SessionHarness {
 public:
  explicit SessionHarness(SessionConfig config = default_config(), std::size_t store = 64 * 1024,
                          std::size_t rx = 4096, std::size_t tx = 8192, TableSizes tables = {})
      : rx_(rx),
        store_(store),
        tx_(tx),
        acks_(tables.acks),
        incoming_qos2_(tables.incoming_qos2),
        events_(tables.events),
        incoming_aliases_(tables.incoming_aliases),
        session_(config, {rx_, store_, acks_, incoming_qos2_, events_, incoming_aliases_}) {}

  static SessionConfig default_config() {
    SessionConfig c;
    c.client_id = "esp32_0011223344";
    c.keep_alive_s = 10;
    return c;
  }

  Session& session() { return session_; }
  Millis now() const { return now_; }
  void advance(Millis ms) {
    now_ += ms;
    session_.handle_timeout(now_);
  }
  /// Advances to the session's own next deadline (if within `limit` ms) and handles it.
  bool run_until_deadline(Millis limit) {
    Millis d = session_.next_deadline(now_);
    if (d == kNever || d > now_ + limit) return false;
    if (d > now_) now_ = d;
    session_.handle_timeout(now_);
    return true;
  }

  /// Everything the client wants to send now, split into packets (decoded in the session's
  /// protocol version at the time).
  std::vector<SentPacket> transmit() {
    std::vector<SentPacket> packets;
    while (auto out = session_.poll_transmit(tx_, now_)) {
      codec::Bytes rest = *out;
      const codec::ProtocolVersion version = session_.version();
      while (!rest.empty()) {
        auto d = codec::decode(rest, {codec::kMaxRemainingLength + 5, version});
        EXPECT_TRUE(d.ok()) << "client sent undecodable bytes";
        if (!d) return packets;
        packets.push_back({codec::type_of(d->packet),
                           std::vector<std::uint8_t>(rest.begin(), rest.begin() + d->size),
                           version});
        rest = rest.subspan(d->size);
      }
    }
    return packets;
  }

  /// Broker -> client, in the protocol version the session speaks.
  void receive(const codec::Packet& packet) {
    const codec::ProtocolVersion version = session_.version();
    std::vector<std::uint8_t> bytes(codec::encoded_size(packet, version));
    ASSERT_FALSE(bytes.empty());
    ASSERT_TRUE(codec::encode(packet, bytes, version).ok());
    receive_bytes(bytes);
  }
  void receive_bytes(const std::vector<std::uint8_t>& bytes) {
    EXPECT_EQ(session_.handle_bytes(bytes, now_), bytes.size());
  }

  std::vector<Event> events() {
    std::vector<Event> out = std::move(stashed_);
    stashed_.clear();
    while (auto ev = session_.poll_event(now_)) out.push_back(*ev);
    return out;
  }

  /// CONNECT out, CONNACK in, Connected event consumed. `connack_properties`: 5.0 only.
  void connect(bool session_present = false, codec::Properties connack_properties = {}) {
    ASSERT_TRUE(session_.start_connect(now_).ok());
    auto sent = transmit();
    ASSERT_EQ(sent.size(), 1u);
    ASSERT_EQ(sent[0].type, codec::PacketType::Connect);
    receive(codec::Connack{session_present, codec::ConnectReturnCode::Accepted,
                           connack_properties});
    // Events from before (drops while offline) stay for the test's next events() call.
    auto evs = events();
    ASSERT_FALSE(evs.empty());
    ASSERT_EQ(evs.back().kind, Event::Kind::Connected);
    evs.pop_back();
    stashed_ = std::move(evs);
  }

  Ticket publish(std::string_view topic, std::string_view payload, codec::QoS qos) {
    codec::Publish p;
    p.topic = topic;
    p.payload = codec::as_bytes(payload);
    p.qos = qos;
    auto t = session_.publish(p, now_);
    EXPECT_TRUE(t.ok());
    return t.ok() ? *t : Ticket{};
  }

 private:
  std::vector<std::uint8_t> rx_;
  std::vector<std::uint8_t> store_;
  std::vector<std::uint8_t> tx_;
  std::vector<PendingAck> acks_;
  std::vector<std::uint16_t> incoming_qos2_;
  std::vector<QueuedEvent> events_;
  std::vector<std::uint8_t> incoming_aliases_;
  Millis now_ = 1'000'000;
  std::vector<Event> stashed_;
  Session session_;
};

inline std::vector<Event> of_kind(const std::vector<Event>& events, Event::Kind kind) {
  std::vector<Event> out;
  for (const auto& e : events) {
    if (e.kind == kind) out.push_back(e);
  }
  return out;
}

}  // namespace mqtt_setup::testing
