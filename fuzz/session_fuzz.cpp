// Fuzz target: a Session driven by the input, speaking 3.1.1 or 5.0. Each step takes an opcode byte: feed broker
// bytes (any split, any content), publish at QoS 0/1/2 (with a time to live, or replacing the
// unsent reading of the same topic), restore a journaled packet, subscribe, let time pass,
// drain the transmit side, lose and re-open the connection, or disconnect. After every step
// the store's bookkeeping must add up:
//   inflight <= max_inflight, inflight <= queued, queued <= max_queued (+ requests),
//   queued == published - delivered - dropped + requests accepted - requests answered,
//   expired + replaced <= dropped, and the journal holds exactly the messages in the store.
#include <algorithm>
#include <array>
#include <cstddef>
#include <set>
#include <vector>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mqtt_setup/session.hpp"

namespace {

using namespace mqtt_setup;

void check(bool condition) {
  if (!condition) std::abort();
}

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  std::uint8_t byte() { return empty() ? 0 : data_[pos_++]; }
  codec::Bytes take(std::size_t n) {
    n = std::min(n, size_ - pos_);
    codec::Bytes b{data_ + pos_, n};
    pos_ += n;
    return b;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// A journal that only remembers which tickets it holds (and one packet to restore).
class Journal final : public StoreJournal {
 public:
  void stored(std::uint32_t ticket, codec::Bytes packet) override {
    check(live.insert(ticket).second);  // never stored twice
    last_packet.assign(packet.begin(), packet.end());
  }
  void removed(std::uint32_t ticket) override { check(live.erase(ticket) == 1); }
  std::set<std::uint32_t> live;
  std::vector<std::uint8_t> last_packet;
};

constexpr std::uint8_t kConnack[] = {0x20, 0x02, 0x00, 0x00};
constexpr std::uint8_t kConnackSession[] = {0x20, 0x02, 0x01, 0x00};
// 5.0: topic alias maximum 2 and receive maximum 2, so aliases and the window are exercised.
constexpr std::uint8_t kConnack5[] = {0x20, 0x09, 0x00, 0x00, 0x06, 0x22, 0x00, 0x02, 0x21, 0x00, 0x02};
constexpr std::uint8_t kConnack5Session[] = {0x20, 0x09, 0x01, 0x00, 0x06,
                                             0x22, 0x00, 0x02, 0x21, 0x00, 0x02};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  SessionConfig config;
  config.client_id = "fuzz";
  config.keep_alive_s = 10;
  config.clean_session = (in.byte() & 1) == 0;
  config.max_inflight = 4;
  config.max_queued = 16;
  const std::uint8_t flags = in.byte();
  config.overflow = (flags & 1) ? OverflowPolicy::RejectNew : OverflowPolicy::DropOldest;
  const bool v5 = (flags & 2) != 0;
  if (v5) {
    config.version = codec::ProtocolVersion::V5;
    config.topic_aliases = 2;
  }
  config.max_packet_size = 512;
  static std::array<std::uint8_t, 256> rx;
  static std::array<std::uint8_t, 2048> store;
  static std::array<std::uint8_t, 512> tx;
  // Bit 2: the smallest tables a session accepts (one acknowledgement, one event, one QoS 2
  // id), so their full paths run too.
  static SessionStorage<> tables;
  const bool tiny = (flags & 4) != 0;
  SessionBuffers buffers = tables.buffers(rx, store);
  if (tiny) {
    buffers.acks = buffers.acks.first(1);
    buffers.incoming_qos2 = buffers.incoming_qos2.first(1);
    buffers.events = buffers.events.first(1);
  }
  Session s(config, buffers);
  Journal journal;
  s.set_journal(&journal);

  Millis now = 1000;
  std::uint64_t requests = 0, answered = 0;
  std::set<std::uint32_t> request_tickets;  // SUBSCRIBEs accepted (a pending twin is not new)
  auto drain = [&] {
    for (int i = 0; i < 256; ++i) {
      auto ev = s.poll_event(now);
      if (!ev) break;
      if (ev->kind == Event::Kind::Subscribed || ev->kind == Event::Kind::Unsubscribed) ++answered;
    }
    for (int i = 0; i < 64 && s.poll_transmit(tx, now); ++i) {
    }
  };
  auto connect = [&](bool session_present) {
    if (!s.start_connect(now).ok()) return;
    drain();
    if (v5) {
      s.handle_bytes(session_present ? codec::Bytes{kConnack5Session} : codec::Bytes{kConnack5},
                     now);
    } else {
      s.handle_bytes(session_present ? codec::Bytes{kConnackSession} : codec::Bytes{kConnack},
                     now);
    }
    drain();
  };
  connect(false);

  for (int step = 0; step < 512 && !in.empty(); ++step) {
    const std::uint8_t op = in.byte();
    switch (op % 8) {
      case 0:
      case 1: {  // bytes from the broker
        const auto chunk = in.take(in.byte() % 64);
        s.handle_bytes(chunk, now);
        break;
      }
      case 2: {  // publish
        const std::uint8_t how = in.byte();
        const auto qos = static_cast<codec::QoS>(how % 3);
        PublishOptions options;
        options.ttl_ms = (how & 0x04) ? Millis{in.byte()} * 50 : 0;
        options.replace_queued = (how & 0x08) != 0;
        const std::string_view topic = (how & 0x10) ? "fuzz/a" : "fuzz/b";
        const auto payload = in.take(in.byte() % 48);
        if ((how & 0xE0) == 0xE0 && !journal.last_packet.empty()) {
          // A packet a journal kept, put back as after a restart (if it still fits).
          (void)s.restore(journal.last_packet, now);
        } else {
          (void)s.publish(codec::Publish{topic, payload, qos, false, false, 0}, now, options);
        }
        break;
      }
      case 3: {  // subscribe
        const codec::Subscription sub{"fuzz/#", static_cast<codec::QoS>(in.byte() % 3)};
        // The same SUBSCRIBE while one is pending is not queued again: its ticket comes back.
        if (auto ticket = s.subscribe(std::span{&sub, 1}, now); ticket.ok())
          if (request_tickets.insert(ticket->id).second) ++requests;
        break;
      }
      case 4:  // time passes
        now += Millis{in.byte()} * 100;
        s.handle_timeout(now);
        break;
      case 5:  // transmit only
        for (int i = 0; i < 64 && s.poll_transmit(tx, now); ++i) {
        }
        break;
      case 6:  // the link breaks; the driver reconnects
        s.connection_lost(now);
        drain();
        connect((in.byte() & 1) != 0);
        break;
      case 7:
        if ((in.byte() & 7) == 0) s.disconnect(now);
        break;
    }
    drain();
    const SessionStats st = s.stats();
    check(st.inflight <= config.max_inflight);
    check(st.inflight <= st.queued);
    check(st.queued <= config.max_queued + requests);
    check(st.delivered + st.dropped <= st.published);
    check(st.queued == st.published - st.delivered - st.dropped + requests - answered);
    check(st.expired + st.replaced <= st.dropped);
    check(journal.live.size() == st.queued - (requests - answered));
  }
  return 0;
}
