// bench_paho_c: Paho C MQTTClient. Its synchronous mode (no callbacks) answers
// MQTTClient_waitForCompletion() only on a 100 ms polling tick, so the program uses the
// documented asynchronous mode instead: this thread publishes, deliveryComplete (on Paho's
// receive thread) opens the window.
#include <MQTTClient.h>

#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>

#include "bench_args.hpp"

namespace {

constexpr const char* kClient = "paho_c";

struct State {
  std::mutex mutex;
  std::condition_variable changed;
  int qos = 0;
  std::uint64_t target = 0;
  std::uint64_t acked = 0;  // deliveryComplete calls for QoS 1/2 messages (fence excluded)
  bool fence_acked = false;
  bool failed = false;
  bench::Clock::time_point t1;
};

void on_lost(void* context, char*) {
  auto& s = *static_cast<State*>(context);
  {
    std::lock_guard lock(s.mutex);
    s.failed = true;
  }
  s.changed.notify_one();
}

int on_message(void*, char* topic, int, MQTTClient_message* message) {
  MQTTClient_freeMessage(&message);
  MQTTClient_free(topic);
  return 1;
}

// Only QoS 1/2 messages complete here; in a QoS 0 run that is the fence alone.
void on_delivered(void* context, MQTTClient_deliveryToken) {
  auto& s = *static_cast<State*>(context);
  {
    std::lock_guard lock(s.mutex);
    if (s.qos == 0) {
      s.fence_acked = true;
    } else {
      ++s.acked;
    }
    if (s.fence_acked || s.acked == s.target) s.t1 = bench::Clock::now();
  }
  s.changed.notify_one();
}

std::string paho_version() {
  for (MQTTClient_nameValue* v = MQTTClient_getVersionInfo(); v != nullptr && v->name != nullptr;
       ++v) {
    if (std::strcmp(v->name, "Version") == 0) return v->value;
  }
  return "unknown";
}

}  // namespace

int main(int argc, char** argv) {
  bench::Args args;
  if (!bench::parse_args(argc, argv, "bench-paho-c", args)) return 2;
  const std::string version = paho_version();
  bench::Outcome out;
  const auto start = bench::Clock::now();

  const std::string uri = "tcp://" + args.host + ":" + std::to_string(args.port);
  MQTTClient client = nullptr;
  if (MQTTClient_create(&client, uri.c_str(), args.client_id.c_str(), MQTTCLIENT_PERSISTENCE_NONE,
                        nullptr) != MQTTCLIENT_SUCCESS) {
    return bench::report(kClient, version, args, out);
  }
  State s;
  s.qos = args.qos;
  s.target = args.n;
  MQTTClient_setCallbacks(client, &s, on_lost, on_message, on_delivered);
  MQTTClient_connectOptions options = MQTTClient_connectOptions_initializer;
  options.keepAliveInterval = 60;
  options.cleansession = 1;
  options.MQTTVersion = MQTTVERSION_3_1_1;
  options.connectTimeout = 10;
  options.maxInflightMessages = static_cast<int>(args.inflight);
  const bool connected = MQTTClient_connect(client, &options) == MQTTCLIENT_SUCCESS;
  if (connected) bench::note_connect_time(kClient, bench::seconds_since(start));

  const auto deadline = bench::Clock::now() + std::chrono::duration<double>(args.timeout_s);
  bool failed = !connected;
  if (connected && args.n > 0) {
    const auto t0 = bench::Clock::now();
    std::unique_lock lock(s.mutex);
    for (std::uint64_t sent = 0; sent < args.n && !failed && !s.failed; ++sent) {
      if (args.qos > 0 &&
          !s.changed.wait_until(lock, deadline,
                                [&] { return s.failed || sent - s.acked < args.inflight; })) {
        failed = true;
        break;
      }
      lock.unlock();
      failed = MQTTClient_publish(client, args.topic.c_str(), static_cast<int>(args.payload.size()),
                                  args.payload.data(), args.qos, 0, nullptr) != MQTTCLIENT_SUCCESS;
      lock.lock();
    }
    if (args.qos == 0) {
      lock.unlock();
      failed = failed ||
               MQTTClient_publish(client, args.fence_topic.c_str(), 1, "f", 1, 0, nullptr) !=
                   MQTTCLIENT_SUCCESS;
      lock.lock();
      s.changed.wait_until(lock, deadline, [&] { return s.failed || s.fence_acked; });
      if (s.fence_acked) s.acked = args.n;
    } else {
      s.changed.wait_until(lock, deadline, [&] { return s.failed || s.acked == args.n; });
    }
    out.elapsed_s = std::chrono::duration<double>(s.t1 - t0).count();
    failed = failed || s.failed;
  }
  out.acked = s.acked;
  out.ok = !failed && s.acked == args.n;
  if (connected) MQTTClient_disconnect(client, 1000);
  MQTTClient_destroy(&client);
  return bench::report(kClient, version, args, out);
}
