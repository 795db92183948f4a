// bench_mosquitto_thread: libmosquitto with its own network thread (mosquitto_loop_start).
// This thread publishes; the publish callback, on the network thread, opens the window.
#include <mosquitto.h>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>

#include "bench_args.hpp"

namespace {

constexpr const char* kClient = "mosquitto_thread";

struct State {
  const bench::Args* args = nullptr;
  std::mutex mutex;
  std::condition_variable changed;
  bool connected = false;
  bool failed = false;
  std::uint64_t acked = 0;
  int fence_mid = -1;
  bool fence_acked = false;
  bench::Clock::time_point t1;
};

void on_connect(mosquitto*, void* user, int rc) {
  auto& s = *static_cast<State*>(user);
  {
    std::lock_guard lock(s.mutex);
    s.connected = rc == 0;
    s.failed = rc != 0;
  }
  s.changed.notify_one();
}

void on_disconnect(mosquitto*, void* user, int rc) {
  auto& s = *static_cast<State*>(user);
  if (rc == 0) return;
  {
    std::lock_guard lock(s.mutex);
    s.failed = true;
  }
  s.changed.notify_one();
}

void on_publish(mosquitto*, void* user, int mid) {
  auto& s = *static_cast<State*>(user);
  {
    std::lock_guard lock(s.mutex);
    if (s.args->qos == 0) {
      if (mid != s.fence_mid) return;
      s.fence_acked = true;
      s.t1 = bench::Clock::now();
    } else if (++s.acked == s.args->n) {
      s.t1 = bench::Clock::now();
    }
  }
  s.changed.notify_one();
}

}  // namespace

int main(int argc, char** argv) {
  bench::Args args;
  if (!bench::parse_args(argc, argv, "bench-mosquitto-thread", args)) return 2;
  int major = 0, minor = 0, revision = 0;
  mosquitto_lib_version(&major, &minor, &revision);
  const std::string version =
      std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(revision);
  bench::Outcome out;
  const auto start = bench::Clock::now();

  mosquitto_lib_init();
  State s;
  s.args = &args;
  mosquitto* mosq = mosquitto_new(args.client_id.c_str(), true, &s);
  if (mosq == nullptr) return bench::report(kClient, version, args, out);
  mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  mosquitto_connect_callback_set(mosq, on_connect);
  mosquitto_disconnect_callback_set(mosq, on_disconnect);
  mosquitto_publish_callback_set(mosq, on_publish);
  mosquitto_max_inflight_messages_set(mosq, args.inflight);

  const auto deadline = bench::Clock::now() + std::chrono::duration<double>(args.timeout_s);
  bool started = mosquitto_connect(mosq, args.host.c_str(), args.port, 60) == MOSQ_ERR_SUCCESS &&
                 mosquitto_loop_start(mosq) == MOSQ_ERR_SUCCESS;
  std::unique_lock lock(s.mutex);
  if (started) s.changed.wait_until(lock, deadline, [&] { return s.connected || s.failed; });
  if (s.connected) bench::note_connect_time(kClient, bench::seconds_since(start));

  std::uint64_t sent = 0;
  if (s.connected && args.n > 0) {
    const auto t0 = bench::Clock::now();
    while (sent < args.n && !s.failed) {
      if (args.qos > 0 &&
          !s.changed.wait_until(lock, deadline,
                                [&] { return s.failed || sent - s.acked < args.inflight; })) {
        break;
      }
      lock.unlock();
      const int rc = mosquitto_publish(mosq, nullptr, args.topic.c_str(),
                                       static_cast<int>(args.payload.size()), args.payload.data(),
                                       args.qos, false);
      lock.lock();
      if (rc != MOSQ_ERR_SUCCESS) s.failed = true;
      ++sent;
    }
    if (args.qos == 0) {
      s.acked = sent;
      // The fence id is set by the call itself, before the callback can look for it.
      if (mosquitto_publish(mosq, &s.fence_mid, args.fence_topic.c_str(), 1, "f", 1, false) !=
          MOSQ_ERR_SUCCESS) {
        s.failed = true;
      }
      s.changed.wait_until(lock, deadline, [&] { return s.failed || s.fence_acked; });
    } else {
      s.changed.wait_until(lock, deadline, [&] { return s.failed || s.acked == args.n; });
    }
    out.elapsed_s = std::chrono::duration<double>(s.t1 - t0).count();
  }
  out.acked = s.acked;
  out.ok = s.connected && !s.failed &&
           (args.n == 0 || (args.qos == 0 ? s.fence_acked : s.acked == args.n));
  lock.unlock();
  mosquitto_disconnect(mosq);
  mosquitto_loop_stop(mosq, false);
  mosquitto_destroy(mosq);
  mosquitto_lib_cleanup();
  return bench::report(kClient, version, args, out);
}
