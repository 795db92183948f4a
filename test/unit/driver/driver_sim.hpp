// A Driver and its Session run the way the facade runs them, on a simulated clock, against
// scripted brokers that are just bytes: each server answers a transport open, a CONNECT and a
// PINGREQ as its script says. Every loop iteration is a wake-up, as a real loop's poll() would
// be; the clock jumps to the driver's next deadline in between.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "mqtt_setup/codec.hpp"
#include "mqtt_setup/driver.hpp"
#include "mqtt_setup/properties.hpp"
#include "mqtt_setup/session.hpp"

namespace mqtt_setup::testing {

/// How one server behaves. Changed by tests between run_until() calls.
struct ServerScript {
  enum class Answer : std::uint8_t {
    Accept,       // CONNACK 0
    Unreachable,  // the transport cannot be opened (connection refused, no route)
    Silent,       // the transport opens, nothing ever answers (a blackhole)
    Refuse,       // CONNACK with `code` (3.1.1 return code, or 5.0 reason code)
    Speaks311,    // a 3.1.1 broker: refuses a 5.0 CONNECT with return code 1, accepts 3.1.1
    Refer,        // 5.0 CONNACK 0x9C "use another server", naming `reference`
  };
  Answer answer = Answer::Accept;
  std::uint8_t code = 0;
  std::string reference;
  bool permanent = false;      // Unreachable: a failure retrying cannot help (untrusted cert)
  bool answers_pings = true;   // false: a link that died silently after CONNACK
  std::string auth_method;     // Accept: the CONNACK names this authentication method
};

/// xorshift32: the simulation's random source, seeded per test.
struct TestRandom {
  std::uint32_t state = 0x9E3779B9u;
  static std::uint32_t next(void* self) {
    auto& s = static_cast<TestRandom*>(self)->state;
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return s;
  }
};

class DriverSim {
  // First: the driver keeps references to the session and the random source.
  std::vector<std::uint8_t> rx_, store_, tx_;
  SessionStorage<> tables_;
  Session session_;
  TestRandom random_;
  Driver driver_;

 public:
  struct Attempt {
    Millis at;
    std::size_t server;
    codec::ProtocolVersion version;
  };

  DriverSim(DriverConfig config, SessionConfig session_config, std::uint32_t seed = 1)
      : rx_(4096), store_(64 * 1024), tx_(8192),
        session_(session_config, tables_.buffers(rx_, store_)),
        random_{seed == 0 ? 1 : seed},
        driver_(config, session_, RandomSource{&TestRandom::next, &random_}),
        servers(config.server_count) {}

  static SessionConfig session_config(std::uint16_t keep_alive_s = 30) {
    SessionConfig c;
    c.client_id = "driver-test";
    c.keep_alive_s = keep_alive_s;
    return c;
  }

  Driver& driver() { return driver_; }
  Session& session() { return session_; }
  Millis now() const { return now_; }

  /// The loop, until the clock reaches `end` (or nothing is left to do).
  void run_until(Millis end) {
    for (;;) {
      ++wake_ups;
      step();
      const Millis deadline = driver_.next_deadline(now_);
      if (deadline == kNever || deadline > end) {
        if (end > now_) now_ = end;
        return;
      }
      if (deadline > now_) now_ = deadline;
      driver_.handle_timeout(now_);
    }
  }
  void run_for(Millis ms) { run_until(now_ + ms); }

  void network_changed(bool up) {
    driver_.network_changed(up, now_);
    exchange();
  }
  /// The link breaks under the client (a reset): the driver learns it from a failed read.
  void reset_link() {
    driver_.handle_connection_lost(now_);
    exchange();
  }

  std::vector<ServerScript> servers;
  std::vector<Attempt> attempts;
  std::vector<DriverOutcome> outcomes;
  std::vector<Millis> connected_at;
  std::vector<Millis> lost_at;  // Disconnected events after a CONNACK
  std::vector<Event> disconnects;
  std::size_t connected_server = ~std::size_t{0};
  Millis last_received = 0;  // the last byte the broker sent
  int wake_ups = 0;

 private:
  void step() {
    if (driver_.poll_rejoin_primary(now_)) session_.disconnect(now_);
    if (auto server = driver_.poll_connect(now_)) {
      attempts.push_back({now_, *server, session_.version()});
      const ServerScript& script = servers.at(*server);
      if (script.answer == ServerScript::Answer::Unreachable) {
        outcomes.push_back(driver_.handle_transport_failed(script.permanent, now_));
      } else {
        link_ = *server;
        driver_.handle_transport_connected(now_);
      }
    }
    exchange();
  }

  /// Client and broker talk until neither has anything more to say at this instant.
  void exchange() {
    for (bool progress = true; progress;) {
      progress = false;
      while (auto out = session_.poll_transmit(tx_, now_)) {
        progress = true;
        deliver(*out);
      }
      while (auto event = session_.poll_event(now_)) {
        progress = true;
        handle(*event);
      }
    }
  }

  void deliver(codec::Bytes bytes) {
    const codec::ProtocolVersion version = session_.version();
    while (!bytes.empty()) {
      auto decoded = codec::decode(bytes, {codec::kMaxRemainingLength + 5, version});
      ASSERT_TRUE(decoded.ok()) << "client sent undecodable bytes";
      broker_reacts(decoded->packet, version);
      bytes = bytes.subspan(decoded->size);
    }
  }

  void broker_reacts(const codec::Packet& packet, codec::ProtocolVersion version) {
    const ServerScript& script = servers.at(link_);
    using Answer = ServerScript::Answer;
    switch (codec::type_of(packet)) {
      case codec::PacketType::Connect:
        switch (script.answer) {
          case Answer::Accept: {
            codec::PropertyWriter w{properties_};
            if (!script.auth_method.empty()) {
              w.add(codec::PropertyId::AuthenticationMethod, std::string_view{script.auth_method});
            }
            answer(codec::Connack{false, codec::ConnectReturnCode::Accepted, w.properties()});
            break;
          }
          case Answer::Refuse:
            answer(codec::Connack{false, static_cast<codec::ConnectReturnCode>(script.code)});
            break;
          case Answer::Speaks311:
            if (version == codec::ProtocolVersion::V5) {
              answer_bytes({0x20, 0x02, 0x00, 0x01});  // [MQTT-3.1.2-2], in 3.1.1's layout
            } else {
              answer(codec::Connack{false, codec::ConnectReturnCode::Accepted});
            }
            break;
          case Answer::Refer: {
            codec::PropertyWriter w{properties_};
            w.add(codec::PropertyId::ServerReference, std::string_view{script.reference});
            answer(codec::Connack{false, static_cast<codec::ConnectReturnCode>(0x9C),
                                  w.properties()});
            break;
          }
          case Answer::Silent:
          case Answer::Unreachable: break;
        }
        break;
      case codec::PacketType::Pingreq:
        if (script.answers_pings && script.answer != Answer::Silent) {
          answer_bytes({0xD0, 0x00});
        }
        break;
      default: break;
    }
  }

  void answer(const codec::Packet& packet) {
    const codec::ProtocolVersion version = session_.version();
    std::vector<std::uint8_t> bytes(codec::encoded_size(packet, version));
    ASSERT_TRUE(codec::encode(packet, bytes, version).ok());
    answer_bytes(bytes);
  }
  void answer_bytes(const std::vector<std::uint8_t>& bytes) {
    last_received = now_;
    EXPECT_EQ(session_.handle_bytes(bytes, now_), bytes.size());
  }

  void handle(const Event& event) {
    if (event.kind == Event::Kind::Connected) {
      connected_at.push_back(now_);
      connected_server = link_;
      driver_.handle_connack(now_);
      return;
    }
    if (event.kind != Event::Kind::Disconnected) return;
    disconnects.push_back(event);
    if (driver_.state() == DriverState::Connected || driver_.state() == DriverState::Leaving) {
      lost_at.push_back(now_);
    }
    connected_server = ~std::size_t{0};
    std::optional<std::size_t> referred;
    // Servers are named "s0", "s1", ...: the facade would parse host:port and look it up.
    if (event.server_reference.size() >= 2 && event.server_reference[0] == 's') {
      referred = static_cast<std::size_t>(std::stoul(std::string(event.server_reference.substr(1))));
    }
    outcomes.push_back(driver_.handle_disconnected(event, referred, now_));
  }

  std::size_t link_ = 0;
  std::array<std::uint8_t, 64> properties_{};
  Millis now_ = 0;
};

}  // namespace mqtt_setup::testing
