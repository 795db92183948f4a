// bench_mqtt_setup_thread: MQTTSetup with its background thread (the default). This thread
// publishes; the Delivered handler, on the background thread, opens the window again — the
// shape of a sensor task publishing while the client runs on its own.
#include <condition_variable>
#include <algorithm>
#include <cstdio>
#include <mutex>

#include "bench_args.hpp"
#include "mqtt_setup_options.hpp"
#include "mqtt_setup/mqtt_setup.hpp"

namespace {

constexpr const char* kClient = "mqtt_setup_thread";

}  // namespace

int main(int argc, char** argv) {
  bench::Args args;
  if (!bench::parse_args(argc, argv, "bench-mqtt-setup-thread", args)) return 2;
  using namespace mqtt_setup;
  const auto qos = static_cast<QoS>(args.qos);
  const codec::Bytes payload{args.payload};
  bench::Outcome out;

  const auto start = bench::Clock::now();
  Options options = bench::facade_options(args, /*background=*/true);
  MQTTSetup mqtt{args.host, args.port, std::nullopt, std::nullopt, std::move(options)};

  std::mutex mutex;
  std::condition_variable changed;
  std::uint64_t acked = 0;    // guarded by mutex
  std::uint64_t written = 0;  // Written events (QoS 0 left the outbox), guarded by mutex
  bool fence_acked = false, failed = false;
  bench::Clock::time_point t1;
  mqtt.on_event([&](const ClientEvent& ev) {
    const bool bad = ev.kind == ClientEvent::Kind::Disconnected ||
                     ev.kind == ClientEvent::Kind::Dropped;
    if (ev.kind == ClientEvent::Kind::Written) {
      {
        std::lock_guard lock(mutex);
        ++written;  // room in the outbox for a QoS 0 burst
      }
      changed.notify_one();
      return;
    }
    if (!bad && ev.kind != ClientEvent::Kind::Delivered) return;
    {
      std::lock_guard lock(mutex);
      if (bad) {
        if (!failed)
          std::fprintf(stderr, "bench: %s: %s: %s\n", kClient,
                       ev.kind == ClientEvent::Kind::Dropped ? "a message was dropped" : "disconnected",
                       std::string(ev.error.message()).c_str());
        failed = true;
      } else if (args.qos == 0) {
        fence_acked = true;
      } else {
        ++acked;
      }
      if (fence_acked || acked == args.n) t1 = bench::Clock::now();
    }
    changed.notify_one();
  });

  (void)mqtt.setup_connection();
  if (!mqtt.is_connected()) {
    std::fprintf(stderr, "bench: %s: connect failed\n", kClient);
    return bench::report(kClient, kVersion, args, out);
  }
  bench::note_connect_time(kClient, bench::seconds_since(start));

  const auto deadline = bench::Clock::now() + std::chrono::duration<double>(args.timeout_s);
  bool publish_failed = false;
  if (args.n > 0) {
    const auto t0 = bench::Clock::now();
    std::unique_lock lock(mutex);
    for (std::uint64_t sent = 0; sent < args.n && !failed && !publish_failed; ++sent) {
      if (args.qos > 0) {  // wait for room in the window
        if (!changed.wait_until(lock, deadline, [&] { return failed || sent - acked < args.inflight; })) break;
      }
      std::uint64_t written_before = written;
      lock.unlock();
      auto published = mqtt.publish_to_topic(args.topic, payload, qos);
      lock.lock();
      // A QoS 0 burst outruns the socket: the outbox is bounded (no heap per message), so a full
      // one is waited out (the connection thread's Written event) instead of counted as failed.
      while (!published && args.qos == 0 && published.error().kind == Error::Kind::QueueFull) {
        if (!changed.wait_until(lock, deadline, [&] { return failed || written != written_before; }) ||
            failed)
          break;
        written_before = written;
        lock.unlock();
        published = mqtt.publish_to_topic(args.topic, payload, qos);
        lock.lock();
      }
      publish_failed = !published;
      if (publish_failed)
        std::fprintf(stderr, "bench: %s: publish failed: %s\n", kClient,
                     std::string(published.error().message()).c_str());
    }
    if (args.qos == 0) {
      acked = args.n;
      lock.unlock();
      publish_failed = publish_failed ||
                       !mqtt.publish_to_topic(args.fence_topic, codec::as_bytes("f"), QoS::AtLeastOnce);
      lock.lock();
      changed.wait_until(lock, deadline, [&] { return failed || fence_acked; });
    } else {
      changed.wait_until(lock, deadline, [&] { return failed || acked == args.n; });
    }
    out.elapsed_s = std::chrono::duration<double>(t1 - t0).count();
    out.acked = acked;
    out.ok = !failed && !publish_failed && (args.qos == 0 ? fence_acked : acked == args.n);
  } else {
    out.ok = true;
  }
  mqtt.disconnect();
  return bench::report(kClient, kVersion, args, out);
}
