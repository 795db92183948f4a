// bench_paho_c_async: Paho C MQTTAsync. This thread sends; the per-message onSuccess
// callback (QoS 0: written, QoS 1: PUBACK, QoS 2: PUBCOMP), on Paho's thread, opens the
// window. QoS 0 needs the window too: MQTTAsync refuses more than maxBufferedMessages queued.
#include <MQTTAsync.h>

#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>

#include "bench_args.hpp"

namespace {

constexpr const char* kClient = "paho_c_async";

struct State {
  std::mutex mutex;
  std::condition_variable changed;
  bool connected = false;
  bool failed = false;
  std::uint64_t completed = 0;  // onSuccess of publishes (the fence excluded)
  bool fence_acked = false;
  bool disconnected = false;
  bench::Clock::time_point t1;
};

template <class F>
void update(void* context, F&& f) {
  auto& s = *static_cast<State*>(context);
  {
    std::lock_guard lock(s.mutex);
    f(s);
  }
  s.changed.notify_one();
}

void on_connected(void* c, MQTTAsync_successData*) { update(c, [](State& s) { s.connected = true; }); }
void on_failed(void* c, MQTTAsync_failureData*) { update(c, [](State& s) { s.failed = true; }); }
void on_sent(void* c, MQTTAsync_successData*) {
  update(c, [](State& s) {
    ++s.completed;
    s.t1 = bench::Clock::now();
  });
}
void on_fence(void* c, MQTTAsync_successData*) {
  update(c, [](State& s) {
    s.fence_acked = true;
    s.t1 = bench::Clock::now();
  });
}
void on_disconnected(void* c, MQTTAsync_successData*) {
  update(c, [](State& s) { s.disconnected = true; });
}
void on_lost(void* c, char*) { update(c, [](State& s) { s.failed = true; }); }

std::string paho_version() {
  for (MQTTAsync_nameValue* v = MQTTAsync_getVersionInfo(); v != nullptr && v->name != nullptr;
       ++v) {
    if (std::strcmp(v->name, "Version") == 0) return v->value;
  }
  return "unknown";
}

}  // namespace

int main(int argc, char** argv) {
  bench::Args args;
  if (!bench::parse_args(argc, argv, "bench-paho-c-async", args)) return 2;
  const std::string version = paho_version();
  bench::Outcome out;
  const auto start = bench::Clock::now();

  const std::string uri = "tcp://" + args.host + ":" + std::to_string(args.port);
  MQTTAsync client = nullptr;
  if (MQTTAsync_create(&client, uri.c_str(), args.client_id.c_str(), MQTTCLIENT_PERSISTENCE_NONE,
                       nullptr) != MQTTASYNC_SUCCESS) {
    return bench::report(kClient, version, args, out);
  }
  State s;
  MQTTAsync_setCallbacks(client, &s, on_lost, nullptr, nullptr);
  MQTTAsync_connectOptions options = MQTTAsync_connectOptions_initializer;
  options.keepAliveInterval = 60;
  options.cleansession = 1;
  options.MQTTVersion = MQTTVERSION_3_1_1;
  options.connectTimeout = 10;
  options.maxInflight = static_cast<int>(args.inflight);
  options.onSuccess = on_connected;
  options.onFailure = on_failed;
  options.context = &s;

  const auto deadline = bench::Clock::now() + std::chrono::duration<double>(args.timeout_s);
  std::unique_lock lock(s.mutex);
  if (MQTTAsync_connect(client, &options) != MQTTASYNC_SUCCESS) s.failed = true;
  s.changed.wait_until(lock, deadline, [&] { return s.connected || s.failed; });
  if (s.connected) bench::note_connect_time(kClient, bench::seconds_since(start));

  if (s.connected && !s.failed && args.n > 0) {
    MQTTAsync_responseOptions send = MQTTAsync_responseOptions_initializer;
    send.onSuccess = on_sent;
    send.onFailure = on_failed;
    send.context = &s;
    const auto t0 = bench::Clock::now();
    for (std::uint64_t sent = 0; sent < args.n && !s.failed; ++sent) {
      if (!s.changed.wait_until(lock, deadline,
                                [&] { return s.failed || sent - s.completed < args.inflight; })) {
        break;
      }
      lock.unlock();
      const int rc = MQTTAsync_send(client, args.topic.c_str(), static_cast<int>(args.payload.size()),
                                    args.payload.data(), args.qos, 0, &send);
      lock.lock();
      if (rc != MQTTASYNC_SUCCESS) s.failed = true;
    }
    if (args.qos == 0) {
      MQTTAsync_responseOptions fence = send;
      fence.onSuccess = on_fence;
      lock.unlock();
      const int rc = MQTTAsync_send(client, args.fence_topic.c_str(), 1, "f", 1, 0, &fence);
      lock.lock();
      if (rc != MQTTASYNC_SUCCESS) s.failed = true;
      s.changed.wait_until(lock, deadline, [&] { return s.failed || s.fence_acked; });
    } else {
      s.changed.wait_until(lock, deadline, [&] { return s.failed || s.completed == args.n; });
    }
    out.elapsed_s = std::chrono::duration<double>(s.t1 - t0).count();
    out.acked = s.completed;
    out.ok = !s.failed && s.completed == args.n && (args.qos > 0 || s.fence_acked);
  } else {
    out.ok = s.connected && !s.failed;
  }
  if (s.connected) {
    MQTTAsync_disconnectOptions disconnect = MQTTAsync_disconnectOptions_initializer;
    disconnect.timeout = 1000;
    disconnect.onSuccess = on_disconnected;
    disconnect.context = &s;
    lock.unlock();
    const bool asked = MQTTAsync_disconnect(client, &disconnect) == MQTTASYNC_SUCCESS;
    lock.lock();
    if (asked) s.changed.wait_until(lock, deadline, [&] { return s.disconnected; });
  }
  lock.unlock();
  MQTTAsync_destroy(&client);
  return bench::report(kClient, version, args, out);
}
