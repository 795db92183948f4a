// Property: whatever faults hit the link, a persistent session run by the driver loses no QoS 1
// message and delivers no QoS 2 message twice. 1,000 seeded random schedules of resets (also in
// the middle of a packet, either way), transient refusals, blackholes and broker restarts with
// and without the session, on a simulated clock, against a scripted in-memory broker that keeps
// a persistent session as [MQTT-4.3.3] requires. A failing seed prints itself; rerun one with
// --gtest_filter=DriverFaultSchedules.* and MQTT_SETUP_SEED=<seed>.
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "driver_sim.hpp"

namespace mqtt_setup::testing {
namespace {

/// The broker's side of one client: its persistent session and what it delivered.
struct ScriptedBroker {
  bool has_session = false;
  std::set<std::uint16_t> awaiting_pubrel;  // QoS 2 received, PUBREL not yet: no redelivery
  int epoch = 0;                             // + 1 each time the session is lost
  struct Delivery {
    int count = 0;
    int epoch = -1;
  };
  std::map<std::string, Delivery> delivered;
  int qos2_duplicates = 0;  // delivered twice while the session that should prevent it lived
  std::vector<std::uint8_t> inbound;  // bytes of a packet not yet complete
  int refuse_next = 0;      // CONNECTs to refuse with "server unavailable"

  void lose_session() {
    has_session = false;
    awaiting_pubrel.clear();
    ++epoch;
  }

  /// Takes client bytes; returns the broker's answers as bytes.
  std::vector<std::uint8_t> receive(codec::Bytes bytes) {
    inbound.insert(inbound.end(), bytes.begin(), bytes.end());
    std::vector<std::uint8_t> out;
    for (;;) {
      auto decoded = codec::decode(inbound, {codec::kMaxRemainingLength + 5});
      if (!decoded) {
        EXPECT_EQ(decoded.error(), codec::DecodeError::Incomplete) << "client sent bad bytes";
        break;
      }
      react(decoded->packet, out);
      inbound.erase(inbound.begin(), inbound.begin() + static_cast<std::ptrdiff_t>(decoded->size));
    }
    return out;
  }

  void react(const codec::Packet& packet, std::vector<std::uint8_t>& out) {
    switch (codec::type_of(packet)) {
      case codec::PacketType::Connect: {
        const auto& connect = std::get<codec::Connect>(packet);
        if (refuse_next > 0) {
          --refuse_next;
          send(codec::Connack{false, codec::ConnectReturnCode::ServerUnavailable}, out);
          break;
        }
        if (connect.clean_session) lose_session();
        const bool present = has_session;
        has_session = true;
        send(codec::Connack{present, codec::ConnectReturnCode::Accepted}, out);
        break;
      }
      case codec::PacketType::Publish: {
        const auto& publish = std::get<codec::Publish>(packet);
        const std::string payload(reinterpret_cast<const char*>(publish.payload.data()),
                                  publish.payload.size());
        if (publish.qos == codec::QoS::AtLeastOnce) {
          deliver(payload, false);
          send(codec::Ack{codec::PacketType::Puback, publish.packet_id}, out);
        } else if (publish.qos == codec::QoS::ExactlyOnce) {
          if (awaiting_pubrel.insert(publish.packet_id).second) deliver(payload, true);
          send(codec::Ack{codec::PacketType::Pubrec, publish.packet_id}, out);
        }
        break;
      }
      case codec::PacketType::Pubrel: {
        const auto& ack = std::get<codec::Ack>(packet);
        awaiting_pubrel.erase(ack.packet_id);
        send(codec::Ack{codec::PacketType::Pubcomp, ack.packet_id}, out);
        break;
      }
      case codec::PacketType::Pingreq:
        out.push_back(0xD0);  // PINGRESP
        out.push_back(0x00);
        break;
      default: break;
    }
  }

  void deliver(const std::string& payload, bool qos2) {
    Delivery& d = delivered[payload];
    if (qos2 && d.count > 0 && d.epoch == epoch) ++qos2_duplicates;
    ++d.count;
    d.epoch = epoch;
  }

  static void send(const codec::Packet& packet, std::vector<std::uint8_t>& out) {
    std::vector<std::uint8_t> bytes(codec::encoded_size(packet));
    ASSERT_TRUE(codec::encode(packet, bytes).ok());
    out.insert(out.end(), bytes.begin(), bytes.end());
  }
};

/// The loop of DriverSim, with the broker above and faults the schedule turns on and off.
class FaultyLink {
 public:
  explicit FaultyLink(std::uint32_t seed)
      : rx_(2048), store_(32 * 1024), tx_(2048),
        session_(config(), tables_.buffers(rx_, store_)),
        random_{seed},
        faults_{seed * 2654435761u + 1},
        driver_(driver_config(), session_, RandomSource{&TestRandom::next, &random_}) {}

  static SessionConfig config() {
    SessionConfig c;
    c.client_id = "fault-schedule";
    c.keep_alive_s = 10;
    c.clean_session = false;
    c.max_inflight = 4;
    c.max_queued = 500;
    c.connect_timeout_ms = 5'000;
    return c;
  }
  static DriverConfig driver_config() {
    DriverConfig c;
    c.retry = {500, 8'000, 50};
    return c;
  }

  std::uint32_t roll(std::uint32_t n) { return TestRandom::next(&faults_) % n; }

  void run_for(Millis ms) {
    const Millis end = now_ + ms;
    for (int guard = 0; guard < 100'000; ++guard) {
      step();
      const Millis deadline = driver_.next_deadline(now_);
      if (deadline == kNever || deadline > end) {
        now_ = std::max(now_, end);
        return;
      }
      now_ = std::max(now_, deadline);
      driver_.handle_timeout(now_);
    }
    ADD_FAILURE() << "the loop does not advance";
  }

  bool publish(codec::QoS qos) {
    const std::string payload = "m" + std::to_string(published_.size());
    codec::Publish p;
    p.topic = "t";
    p.payload = codec::as_bytes(payload);
    p.qos = qos;
    if (!session_.publish(p, now_).ok()) return false;
    published_.push_back({payload, qos});
    exchange();
    return true;
  }

  /// The link breaks (both ends learn it): a reset, a broker restart.
  void drop_link() {
    if (!link_open_) return;
    close_link();
    driver_.handle_connection_lost(now_);
    exchange();
  }

  ScriptedBroker broker;
  // Counting down: the n-th client write from now (n-th broker answer) arrives only in part,
  // then the link resets. Not always the next one, so that the second half of an exchange
  // (PUBREL, PUBCOMP) is hit too. 0: no cut armed.
  int cut_send_in = 0;
  int cut_answer_in = 0;
  Millis blackhole_until = 0;     // nothing passes either way (an open link, or a new one)
  Millis down_until = 0;          // no transport can be opened (the broker restarts)

  Session& session() { return session_; }
  Driver& driver() { return driver_; }
  Millis now() const { return now_; }
  struct Published {
    std::string payload;
    codec::QoS qos;
  };
  const std::vector<Published>& published() const { return published_; }

 private:
  void close_link() {
    link_open_ = false;
    broker.inbound.clear();
  }

  void step() {
    if (auto server = driver_.poll_connect(now_)) {
      (void)server;
      if (now_ < down_until) {
        (void)driver_.handle_transport_failed(false, now_);
      } else {
        link_open_ = true;
        link_dead_ = false;
        driver_.handle_transport_connected(now_);
      }
    }
    exchange();
  }

  void exchange() {
    for (bool progress = true; progress;) {
      progress = false;
      while (auto out = session_.poll_transmit(tx_, now_)) {
        progress = true;
        if (link_open_) carry(*out);
      }
      while (auto event = session_.poll_event(now_)) {
        progress = true;
        if (event->kind == Event::Kind::Connected) driver_.handle_connack(now_);
        if (event->kind == Event::Kind::Disconnected) {
          close_link();
          (void)driver_.handle_disconnected(*event, std::nullopt, now_);
        }
      }
    }
  }

  void carry(codec::Bytes bytes) {
    // TCP delivers in order or not at all: a link that lost bytes in a blackhole passes
    // nothing more, even after the blackhole ends, until the client gives it up.
    if (now_ < blackhole_until) link_dead_ = true;
    if (link_dead_) return;
    if (cut_send_in > 0 && --cut_send_in == 0) {  // a reset in the middle of a client write
      (void)broker.receive(bytes.first(roll(static_cast<std::uint32_t>(bytes.size()))));
      close_link();
      driver_.handle_connection_lost(now_);
      return;
    }
    const std::vector<std::uint8_t> answer = broker.receive(bytes);
    if (answer.empty()) return;
    if (cut_answer_in > 0 && --cut_answer_in == 0) {  // a reset in the broker's answer
      const std::size_t part = roll(static_cast<std::uint32_t>(answer.size()));
      (void)session_.handle_bytes(codec::Bytes{answer}.first(part), now_);
      close_link();
      driver_.handle_connection_lost(now_);
      return;
    }
    EXPECT_EQ(session_.handle_bytes(answer, now_), answer.size());
  }

  std::vector<std::uint8_t> rx_, store_, tx_;
  SessionStorage<> tables_;
  Session session_;
  TestRandom random_;
  TestRandom faults_;
  Driver driver_;
  bool link_open_ = false;
  bool link_dead_ = false;
  Millis now_ = 0;
  std::vector<Published> published_;
};

/// What the schedules did, summed: the proof that they exercised something.
struct Totals {
  std::uint64_t published = 0, resent = 0, connects = 0, broker_sessions_lost = 0,
                qos2_redelivered_after_loss = 0;
};

/// One schedule: 100 random steps of publishing and faults, then the faults end and the
/// client must finish. Returns "" or what went wrong.
std::string run_schedule(std::uint32_t seed, Totals& totals) {
  FaultyLink link(seed);
  for (int step = 0; step < 100; ++step) {
    const std::uint32_t dice = link.roll(20);
    if (dice < 7) {
      link.publish(codec::QoS::AtLeastOnce);
    } else if (dice < 11) {
      link.publish(codec::QoS::ExactlyOnce);
    } else if (dice < 13) {
      link.drop_link();  // a reset between packets
    } else if (dice == 13) {
      link.cut_send_in = static_cast<int>(1 + link.roll(4));
    } else if (dice == 14) {
      link.cut_answer_in = static_cast<int>(1 + link.roll(4));
    } else if (dice == 15) {
      link.broker.refuse_next = static_cast<int>(1 + link.roll(3));
    } else if (dice == 16) {
      link.blackhole_until = link.now() + 1'000 + link.roll(20'000);
    } else if (dice == 17) {  // the broker restarts and keeps its sessions (persistence on)
      link.down_until = link.now() + link.roll(10'000);
      link.drop_link();
    } else if (dice == 18) {  // the broker restarts and forgets them
      link.down_until = link.now() + link.roll(10'000);
      link.broker.lose_session();
      link.drop_link();
    }
    link.run_for(link.roll(4'000));
  }
  // The faults end; everything accepted must get through within a few backoff caps.
  link.cut_send_in = link.cut_answer_in = 0;
  link.broker.refuse_next = 0;
  link.blackhole_until = link.down_until = 0;
  for (int i = 0; i < 60 && link.session().stats().queued > 0; ++i) link.run_for(10'000);

  const SessionStats stats = link.session().stats();
  totals.published += stats.published;
  totals.resent += stats.resent;
  totals.connects += stats.connects;
  totals.broker_sessions_lost += static_cast<std::uint64_t>(link.broker.epoch);
  for (const auto& p : link.published()) {
    if (p.qos == codec::QoS::ExactlyOnce && link.broker.delivered[p.payload].count > 1) {
      ++totals.qos2_redelivered_after_loss;
    }
  }
  std::string failure;
  if (link.session().stats().queued != 0) {
    failure += std::to_string(link.session().stats().queued) + " message(s) never delivered; ";
  }
  for (const auto& p : link.published()) {
    if (link.broker.delivered[p.payload].count == 0) {
      failure += (p.qos == codec::QoS::AtLeastOnce ? "QoS 1 " : "QoS 2 ") + p.payload + " lost; ";
    }
  }
  if (link.broker.qos2_duplicates != 0) {
    failure += std::to_string(link.broker.qos2_duplicates) + " QoS 2 duplicate(s); ";
  }
  if (link.session().stats().dropped != 0) {
    failure += std::to_string(link.session().stats().dropped) + " dropped by the session; ";
  }
  return failure;
}

TEST(DriverFaultSchedules, NoQoS1LostNoQoS2DuplicatedOverAThousandSeeds) {
  std::uint32_t first = 1, count = 1'000;
  if (const char* only = std::getenv("MQTT_SETUP_SEED")) {
    first = static_cast<std::uint32_t>(std::strtoul(only, nullptr, 10));
    count = 1;
  }
  int failed = 0;
  Totals totals;
  for (std::uint32_t seed = first; seed < first + count; ++seed) {
    const std::string failure = run_schedule(seed, totals);
    if (!failure.empty()) {
      ADD_FAILURE() << "seed " << seed << ": " << failure << "(rerun: MQTT_SETUP_SEED=" << seed
                    << ")";
      if (++failed == 5) break;
    }
  }
  std::cout << count << " schedules: " << totals.published << " messages published, "
            << totals.connects << " connections, " << totals.resent << " resends, "
            << totals.broker_sessions_lost << " broker sessions lost (then "
            << totals.qos2_redelivered_after_loss << " QoS 2 messages legitimately redelivered)\n";
  if (count > 1) {  // the faults must have happened, or the property says nothing
    EXPECT_GT(totals.resent, count);
    EXPECT_GT(totals.connects, 5 * std::uint64_t{count});
    EXPECT_GT(totals.broker_sessions_lost, count / 4);
  }
}

TEST(DriverFaultSchedules, TheBrokerModelCatchesADuplicate) {
  // The property is only worth something if its broker can see a duplicate: a QoS 2 PUBLISH
  // resent under a new packet identifier is delivered twice.
  ScriptedBroker broker;
  std::vector<std::uint8_t> bytes;
  codec::Publish p;
  p.topic = "t";
  p.payload = codec::as_bytes(std::string_view{"m0"});
  p.qos = codec::QoS::ExactlyOnce;
  p.packet_id = 1;
  ScriptedBroker::send(p, bytes);
  (void)broker.receive(bytes);
  (void)broker.receive(bytes);  // same id: not delivered again
  EXPECT_EQ(broker.qos2_duplicates, 0);
  p.packet_id = 2;
  bytes.clear();
  ScriptedBroker::send(p, bytes);
  (void)broker.receive(bytes);
  EXPECT_EQ(broker.qos2_duplicates, 1);
}

}  // namespace
}  // namespace mqtt_setup::testing
