// bench_mosquitto: libmosquitto in one thread, driven by mosquitto_loop(). The window is kept
// full from the publish callback, as with our poll() variant.
#include <mosquitto.h>

#include <cstdio>
#include <string>

#include "bench_args.hpp"

namespace {

constexpr const char* kClient = "mosquitto";

struct State {
  const bench::Args* args = nullptr;
  mosquitto* mosq = nullptr;
  bool connected = false;
  bool failed = false;
  std::uint64_t sent = 0;
  std::uint64_t acked = 0;
  int fence_mid = -1;
  bool fence_acked = false;
  bench::Clock::time_point t1;
};

void publish_next(State& s) {
  const auto& a = *s.args;
  if (mosquitto_publish(s.mosq, nullptr, a.topic.c_str(), static_cast<int>(a.payload.size()),
                        a.payload.data(), a.qos, false) != MOSQ_ERR_SUCCESS) {
    s.failed = true;
  }
  ++s.sent;
}

void on_connect(mosquitto*, void* user, int rc) {
  auto& s = *static_cast<State*>(user);
  s.connected = rc == 0;
  s.failed = rc != 0;
}

void on_disconnect(mosquitto*, void* user, int rc) {
  if (rc != 0) static_cast<State*>(user)->failed = true;
}

// QoS 0: called once written; QoS 1: on PUBACK; QoS 2: on PUBCOMP.
void on_publish(mosquitto*, void* user, int mid) {
  auto& s = *static_cast<State*>(user);
  if (s.args->qos == 0) {
    if (mid == s.fence_mid) {
      s.fence_acked = true;
      s.t1 = bench::Clock::now();
    }
    return;
  }
  if (++s.acked == s.args->n) s.t1 = bench::Clock::now();
  if (s.sent < s.args->n) publish_next(s);
}

}  // namespace

int main(int argc, char** argv) {
  bench::Args args;
  if (!bench::parse_args(argc, argv, "bench-mosquitto", args)) return 2;
  int major = 0, minor = 0, revision = 0;
  mosquitto_lib_version(&major, &minor, &revision);
  const std::string version =
      std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(revision);
  bench::Outcome out;
  const auto start = bench::Clock::now();

  mosquitto_lib_init();
  State s;
  s.args = &args;
  s.mosq = mosquitto_new(args.client_id.c_str(), true, &s);
  if (s.mosq == nullptr) return bench::report(kClient, version, args, out);
  mosquitto_int_option(s.mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  mosquitto_connect_callback_set(s.mosq, on_connect);
  mosquitto_disconnect_callback_set(s.mosq, on_disconnect);
  mosquitto_publish_callback_set(s.mosq, on_publish);
  mosquitto_max_inflight_messages_set(s.mosq, args.inflight);

  const auto deadline = bench::Clock::now() + std::chrono::duration<double>(args.timeout_s);
  if (mosquitto_connect(s.mosq, args.host.c_str(), args.port, 60) != MOSQ_ERR_SUCCESS) {
    s.failed = true;
  }
  while (!s.connected && !s.failed && bench::Clock::now() < deadline) {
    if (mosquitto_loop(s.mosq, 100, 1) != MOSQ_ERR_SUCCESS) s.failed = true;
  }
  if (s.connected) bench::note_connect_time(kClient, bench::seconds_since(start));

  if (s.connected && args.n > 0) {
    const auto t0 = bench::Clock::now();
    if (args.qos == 0) {
      while (s.sent < args.n && !s.failed) publish_next(s);
      s.acked = s.sent;
      if (mosquitto_publish(s.mosq, &s.fence_mid, args.fence_topic.c_str(), 1, "f", 1, false) !=
          MOSQ_ERR_SUCCESS) {
        s.failed = true;
      }
      while (!s.fence_acked && !s.failed && bench::Clock::now() < deadline) {
        if (mosquitto_loop(s.mosq, 100, 1) != MOSQ_ERR_SUCCESS) s.failed = true;
      }
    } else {
      while (s.sent < std::min<std::uint64_t>(args.inflight, args.n)) publish_next(s);
      while (s.acked < args.n && !s.failed && bench::Clock::now() < deadline) {
        if (mosquitto_loop(s.mosq, 100, 1) != MOSQ_ERR_SUCCESS) s.failed = true;
      }
    }
    out.elapsed_s = std::chrono::duration<double>(s.t1 - t0).count();
  }
  out.acked = s.acked;
  out.ok = s.connected && !s.failed &&
           (args.n == 0 || (args.qos == 0 ? s.fence_acked : s.acked == args.n));
  if (s.connected) {
    mosquitto_disconnect(s.mosq);
    // Until DISCONNECT is written and the socket closed (bounded).
    for (int i = 0; i < 10 && mosquitto_loop(s.mosq, 10, 1) == MOSQ_ERR_SUCCESS; ++i) {
    }
  }
  mosquitto_destroy(s.mosq);
  mosquitto_lib_cleanup();
  return bench::report(kClient, version, args, out);
}
