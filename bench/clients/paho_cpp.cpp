// bench_paho_cpp: Paho C++ (mqtt::async_client, on top of Paho C MQTTAsync). The window is a
// ring of delivery tokens: before a publish beyond the window, wait for the oldest one.
#include <mqtt/async_client.h>

#include <cstdio>
#include <vector>

#include "bench_args.hpp"

namespace {

constexpr const char* kClient = "paho_cpp";

}  // namespace

int main(int argc, char** argv) {
  bench::Args args;
  if (!bench::parse_args(argc, argv, "bench-paho-cpp", args)) return 2;
  const std::string version = "1.2.0";  // libpaho-mqttpp3 exposes only "v. 1.2"
  bench::Outcome out;
  const auto start = bench::Clock::now();
  const auto timeout = std::chrono::milliseconds(static_cast<long>(args.timeout_s * 1000));

  try {
    mqtt::async_client client("tcp://" + args.host + ":" + std::to_string(args.port),
                              args.client_id, mqtt::create_options(MQTTVERSION_3_1_1));
    auto options = mqtt::connect_options_builder()
                       .mqtt_version(MQTTVERSION_3_1_1)
                       .keep_alive_interval(std::chrono::seconds(60))
                       .clean_session(true)
                       .max_inflight(static_cast<int>(args.inflight))
                       .finalize();
    if (!client.connect(options)->wait_for(timeout)) throw std::runtime_error("connect timed out");
    bench::note_connect_time(kClient, bench::seconds_since(start));

    bool ok = true;
    if (args.n > 0) {
      std::vector<mqtt::delivery_token_ptr> ring(args.inflight);
      const auto t0 = bench::Clock::now();
      std::uint64_t sent = 0;
      for (; sent < args.n && ok; ++sent) {
        auto& slot = ring[sent % args.inflight];
        if (slot) {
          ok = slot->wait_for(timeout);
          if (ok && args.qos > 0) ++out.acked;
        }
        slot = client.publish(args.topic, args.payload.data(), args.payload.size(), args.qos, false);
      }
      for (std::uint64_t i = sent > args.inflight ? sent - args.inflight : 0; i < sent && ok; ++i) {
        ok = ring[i % args.inflight]->wait_for(timeout);
        if (ok && args.qos > 0) ++out.acked;
      }
      if (args.qos == 0 && ok) {
        ok = client.publish(args.fence_topic, "f", 1, 1, false)->wait_for(timeout);
        if (ok) out.acked = args.n;
      }
      out.elapsed_s = bench::seconds_since(t0);
    }
    out.ok = ok && out.acked == args.n;
    client.disconnect()->wait_for(timeout);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench: %s: %s\n", kClient, e.what());
    out.ok = false;
  }
  return bench::report(kClient, version, args, out);
}
