// bench_mqtt_setup_session: the sans-IO Session driven directly over a TcpTransport, in one
// thread — what the core costs without the facade (no lock, no handlers, no clock per call).
// Publishes go into the session as long as the window has room and leave in one write per
// poll_transmit(): one send() carries many packets.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "bench_args.hpp"
#include "mqtt_setup/platform.hpp"
#include "mqtt_setup/session.hpp"
#include "mqtt_setup/tcp_transport.hpp"
#include "mqtt_setup/version.hpp"

namespace {

using namespace mqtt_setup;
constexpr const char* kClient = "mqtt_setup_session";

struct Driver {
  Session& session;
  TcpTransport& transport;
  std::vector<std::uint8_t>& tx;
  bool failed = false;

  void transmit() {
    while (auto bytes = session.poll_transmit(tx, platform::now_ms())) {
      if (!transport.send(*bytes)) {
        failed = true;
        return;
      }
    }
  }
  /// Waits for bytes (up to timeout_ms) and feeds them; events are left for the caller.
  void receive(std::uint32_t timeout_ms) {
    auto got = transport.receive(session.rx_space(), timeout_ms);
    if (!got) {
      failed = true;
      return;
    }
    session.rx_commit(*got, platform::now_ms());
  }
};

}  // namespace

int main(int argc, char** argv) {
  bench::Args args;
  if (!bench::parse_args(argc, argv, "bench-mqtt-setup-session", args)) return 2;
  bench::Outcome out;
  const auto start = bench::Clock::now();

  const std::size_t packet_max = args.payload.size() + args.topic.size() + 64;
  // The facade's default sizes (4 KiB, 64 KiB) unless a message or the window needs more.
  std::vector<std::uint8_t> rx(4096), tx(std::max<std::size_t>(4096, packet_max));
  std::vector<std::uint8_t> store(std::max<std::size_t>(64 * 1024, (args.inflight + 2) * packet_max));
  SessionConfig config;
  config.client_id = args.client_id;
  config.keep_alive_s = 60;
  config.clean_session = true;
  config.max_inflight = static_cast<std::uint16_t>(args.inflight);
  config.max_packet_size = tx.size();
  SessionStorage<> tables;
  Session session{config, tables.buffers(rx, store)};
  TcpTransport transport;
  Driver io{session, transport, tx};

  if (!transport.connect(args.host, args.port, 10'000) ||
      !session.start_connect(platform::now_ms())) {
    std::fprintf(stderr, "bench: %s: connect failed\n", kClient);
    return bench::report(kClient, kVersion, args, out);
  }
  io.transmit();
  const auto deadline = bench::Clock::now() + std::chrono::duration<double>(args.timeout_s);
  bool connected = false;
  while (!connected && !io.failed && bench::Clock::now() < deadline) {
    io.receive(1000);
    while (auto ev = session.poll_event(platform::now_ms())) {
      connected = ev->kind == Event::Kind::Connected;
      if (ev->kind == Event::Kind::Disconnected) io.failed = true;
    }
  }
  if (!connected) {
    std::fprintf(stderr, "bench: %s: no CONNACK\n", kClient);
    return bench::report(kClient, kVersion, args, out);
  }
  bench::note_connect_time(kClient, bench::seconds_since(start));

  if (args.n > 0) {
    const codec::Publish message{args.topic, codec::Bytes{args.payload},
                                 static_cast<codec::QoS>(args.qos), false, false, 0};
    const codec::Publish fence{args.fence_topic, codec::as_bytes("f"), codec::QoS::AtLeastOnce,
                               false, false, 0};
    // QoS 0 has no acknowledgement to wait for; its window only sets how many packets share
    // one write.
    std::uint64_t sent = 0, acked = 0;
    bool fence_sent = false, fence_acked = false;
    const auto t0 = bench::Clock::now();
    auto t1 = t0;
    Millis now = platform::now_ms();
    while (!io.failed && bench::Clock::now() < deadline) {
      for (std::uint32_t batch = 0; batch < args.inflight && sent < args.n &&
                                    (args.qos == 0 || sent - acked < args.inflight);
           ++batch) {
        if (!session.publish(message, now)) {
          io.failed = true;
          break;
        }
        ++sent;
        if (args.qos == 0) ++acked;
      }
      if (args.qos == 0 && sent == args.n && !fence_sent) {
        io.failed = io.failed || !session.publish(fence, now);
        fence_sent = true;
      }
      io.transmit();
      if (args.qos == 0 && !fence_sent) continue;
      io.receive(1000);
      now = platform::now_ms();
      while (auto ev = session.poll_event(now)) {
        if (ev->kind == Event::Kind::Delivered) {
          if (args.qos == 0) {
            fence_acked = true;
          } else {
            ++acked;
          }
        } else if (ev->kind == Event::Kind::Disconnected || ev->kind == Event::Kind::Dropped) {
          io.failed = true;
        }
      }
      io.transmit();  // PUBREL for QoS 2
      if (args.qos == 0 ? fence_acked : acked == args.n) {
        t1 = bench::Clock::now();
        break;
      }
    }
    out.elapsed_s = std::chrono::duration<double>(t1 - t0).count();
    out.acked = acked;
    out.ok = !io.failed && (args.qos == 0 ? fence_acked : acked == args.n);
  } else {
    out.ok = true;
  }
  session.disconnect(platform::now_ms());
  io.transmit();
  transport.close();
  return bench::report(kClient, kVersion, args, out);
}
