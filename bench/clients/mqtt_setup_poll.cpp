// bench_mqtt_setup: MQTTSetup with Options::background = false, driven by poll() from this
// thread — the fastest way to run the facade (no thread hand-off, no lock contention).
// The window is kept full from the Delivered handler, which runs inside poll().
#include <algorithm>
#include <cstdio>

#include "bench_args.hpp"
#include "mqtt_setup_options.hpp"
#include "mqtt_setup/mqtt_setup.hpp"

namespace {

constexpr const char* kClient = "mqtt_setup";

}  // namespace

int main(int argc, char** argv) {
  bench::Args args;
  if (!bench::parse_args(argc, argv, "bench-mqtt-setup", args)) return 2;
  using namespace mqtt_setup;
  const auto qos = static_cast<QoS>(args.qos);
  const codec::Bytes payload{args.payload};
  bench::Outcome out;

  const auto start = bench::Clock::now();
  Options options = bench::facade_options(args, /*background=*/false);
  MQTTSetup mqtt{args.host, args.port, std::nullopt, std::nullopt, std::move(options)};

  std::uint64_t sent = 0, acked = 0;
  bool fence_acked = false, failed = false;
  bench::Clock::time_point t0, t1;
  const auto deadline = start + std::chrono::duration<double>(args.timeout_s);
  auto publish_next = [&] {
    // A QoS 0 burst outruns the socket: the outbox is bounded (no heap per message), so a full
    // one is waited out by writing, as an application would, instead of counted as a failure.
    for (;;) {
      const auto published = mqtt.publish_to_topic(args.topic, payload, qos);
      if (published) break;
      if (args.qos != 0 || published.error().kind != Error::Kind::QueueFull ||
          bench::Clock::now() >= deadline) {
        if (!failed)
          std::fprintf(stderr, "bench: %s: publish failed: %s\n", kClient,
                       std::string(published.error().message()).c_str());
        failed = true;
        break;
      }
      mqtt.poll(1);
    }
    ++sent;
  };
  mqtt.on_event([&](const ClientEvent& ev) {
    if (ev.kind == ClientEvent::Kind::Disconnected || ev.kind == ClientEvent::Kind::Dropped) {
      if (!failed)
        std::fprintf(stderr, "bench: %s: %s: %s\n", kClient,
                     ev.kind == ClientEvent::Kind::Dropped ? "a message was dropped" : "disconnected",
                     std::string(ev.error.message()).c_str());
      failed = true;
    }
    if (ev.kind != ClientEvent::Kind::Delivered) return;
    if (args.qos == 0) {
      fence_acked = true;
      t1 = bench::Clock::now();
      return;
    }
    if (++acked == args.n) t1 = bench::Clock::now();
    if (sent < args.n) publish_next();  // keep the window full
  });

  (void)mqtt.setup_connection();
  if (!mqtt.is_connected()) {
    std::fprintf(stderr, "bench: %s: connect failed: %s\n", kClient,
                 std::string(mqtt.last_error().message()).c_str());
    return bench::report(kClient, kVersion, args, out);
  }
  bench::note_connect_time(kClient, bench::seconds_since(start));

  if (args.n > 0) {
    t0 = bench::Clock::now();
    if (args.qos == 0) {
      for (std::uint64_t i = 0; i < args.n && !failed; ++i) publish_next();
      acked = sent;
      if (!mqtt.publish_to_topic(args.fence_topic, codec::as_bytes("f"), QoS::AtLeastOnce)) {
        failed = true;
      }
      while (!fence_acked && !failed && bench::Clock::now() < deadline) mqtt.poll(1);
    } else {
      while (sent < std::min<std::uint64_t>(args.inflight, args.n)) publish_next();
      while (acked < args.n && !failed && bench::Clock::now() < deadline) mqtt.poll(1);
    }
    out.elapsed_s = std::chrono::duration<double>(t1 - t0).count();
  }
  out.acked = acked;
  out.ok = !failed && (args.qos == 0 ? (args.n == 0 || fence_acked) : acked == args.n);
  mqtt.disconnect();
  return bench::report(kClient, kVersion, args, out);
}
