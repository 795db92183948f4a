// What a TLS connection costs, measured against the `tls_server` mosquitto of the CTest
// fixtures: heap held (connected, idle between connections, with the system CA store), heap
// peak during the handshake, allocations per message, and the handshake's time and client CPU
// full vs resumed. Prints a report (docs/tls.md quotes it) and fails only if resumption or the
// no-heap-per-message promise is broken.
//
//   tls_measure [RUNS]     RUNS handshakes of each kind (default 30; env TLS_MEASURE_RUNS)
#include <time.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "client_packets.hpp"
#include "heap_meter.hpp"
#include "mqtt_setup/tls_transport.hpp"
#include "tls_brokers.hpp"

namespace {

using namespace mqtt_setup;
namespace tls = mqtt_setup::test::tls;

constexpr int kSkip = 77;  // CTest SKIP_RETURN_CODE

double thread_cpu_us() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

double wall_us() {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::steady_clock::now().time_since_epoch())
                                 .count()) /
         1e3;
}

struct Sample {
  double wall_us;
  double cpu_us;
  long long allocations;
};

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[index];
}

void print_series(const char* name, const std::vector<Sample>& samples) {
  std::vector<double> wall, cpu, allocs;
  for (const auto& s : samples) {
    wall.push_back(s.wall_us / 1000.0);
    cpu.push_back(s.cpu_us / 1000.0);
    allocs.push_back(static_cast<double>(s.allocations));
  }
  std::printf("  %-8s wall ms: median %6.2f  p90 %6.2f   client CPU ms: median %6.2f  p90 %6.2f"
              "   allocations: median %.0f\n",
              name, percentile(wall, 0.5), percentile(wall, 0.9), percentile(cpu, 0.5),
              percentile(cpu, 0.9), percentile(allocs, 0.5));
}

double kib(long long bytes) { return static_cast<double>(bytes) / 1024.0; }

bool speak_mqtt(TlsTransport& t) {
  using namespace mqtt_setup::test;
  if (!t.send(connect({.client_id = "tls-measure"})).ok()) return false;
  PacketBuffer rx;
  return receive_packet(t, rx).has_value();
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint16_t port = mqtt_setup::test::broker_port(tls::kTrusted);
  if (port == 0) {
    std::printf("no '%s' broker: run through ctest\n", tls::kTrusted);
    return kSkip;
  }
  int runs = 30;
  if (const char* env = std::getenv("TLS_MEASURE_RUNS")) runs = std::max(1, std::atoi(env));
  if (argc > 1) runs = std::max(1, std::atoi(argv[1]));
  constexpr std::uint32_t kTimeoutMs = 5000;
  bool ok = true;

  // --- heap
  std::printf("heap (bytes from malloc_usable_size; one CA certificate as trust anchor)\n");
  const long long base = heap_meter::live_bytes();
  {
    TlsTransport t(tls::trusting_test_ca());
    const long long constructed = heap_meter::live_bytes() - base;
    heap_meter::reset_peak();
    if (!t.connect("localhost", port, kTimeoutMs).ok()) {
      std::printf("connect failed: %.*s\n", static_cast<int>(t.last_error_detail().size()),
                  t.last_error_detail().data());
      return 1;
    }
    const long long connected = heap_meter::live_bytes() - base;
    const long long peak_full = heap_meter::peak_bytes() - base;
    if (!speak_mqtt(t)) ok = false;
    const mqtt_setup::test::Bytes ping = mqtt_setup::test::pingreq();
    std::array<std::uint8_t, 2> pong{};
    const long long before_traffic = heap_meter::allocations();
    for (int i = 0; i < 100 && ok; ++i) {
      if (!t.send(ping).ok()) ok = false;
      std::size_t got = 0;
      for (int tries = 0; tries < 50 && got < pong.size() && ok; ++tries) {
        const auto r = t.receive(std::span(pong).subspan(got), 1000);
        if (!r.ok()) ok = false;
        if (r.ok()) got += *r;
      }
    }
    const long long traffic_allocations = heap_meter::allocations() - before_traffic;
    t.close();
    const long long idle = heap_meter::live_bytes() - base;
    heap_meter::reset_peak();
    (void)t.connect("localhost", port, kTimeoutMs);
    const bool resumed = t.last_handshake_resumed();
    const long long connected_resumed = heap_meter::live_bytes() - base;
    const long long peak_resumed = heap_meter::peak_bytes() - base;
    t.close();
    std::printf("  transport constructed (contexts, no connection)  %8.1f KiB\n", kib(constructed));
    std::printf("  connected, after a full handshake                %8.1f KiB\n", kib(connected));
    std::printf("  peak during the full handshake                   %8.1f KiB\n", kib(peak_full));
    std::printf("  closed, between connections (buffers + session)  %8.1f KiB\n", kib(idle));
    std::printf("  connected, after a resumed handshake             %8.1f KiB\n",
                kib(connected_resumed));
    std::printf("  peak during the resumed handshake                %8.1f KiB\n", kib(peak_resumed));
    std::printf("  allocations for CONNECT + 100 PINGREQ/PINGRESP   %8lld\n", traffic_allocations);
    if (!resumed) {
      std::printf("FAIL: the second handshake did not resume the session\n");
      ok = false;
    }
    if (traffic_allocations != 0) {
      std::printf("FAIL: sending and receiving over TLS allocated\n");
      ok = false;
    }
  }
  std::printf("  after the transport is destroyed (leak check)    %8.1f KiB\n",
              kib(heap_meter::live_bytes() - base));
  {
    TlsOptions system_store;
    system_store.enabled = true;
    TlsTransport t(system_store);
    (void)t.connect("localhost", port, kTimeoutMs);  // refused (test CA not in the store)
    std::printf("  with the system CA store loaded (%s)             %8.1f KiB\n", "Debian",
                kib(heap_meter::live_bytes() - base));
  }

  // --- handshake cost
  std::printf("handshake on loopback, %d runs each (connect() = TCP connect + TLS handshake)\n",
              runs);
  TlsTransport t(tls::trusting_test_ca());
  std::vector<Sample> full, resumed;
  for (int i = 0; i < runs && ok; ++i) {
    t.forget_session();
    const long long a = heap_meter::allocations();
    const double w = wall_us(), c = thread_cpu_us();
    const bool connected = t.connect("localhost", port, kTimeoutMs).ok();
    full.push_back({wall_us() - w, thread_cpu_us() - c, heap_meter::allocations() - a});
    if (!connected || t.last_handshake_resumed()) ok = false;
    t.close();
  }
  (void)t.connect("localhost", port, kTimeoutMs);  // a session to resume
  t.close();
  for (int i = 0; i < runs && ok; ++i) {
    const long long a = heap_meter::allocations();
    const double w = wall_us(), c = thread_cpu_us();
    const bool connected = t.connect("localhost", port, kTimeoutMs).ok();
    resumed.push_back({wall_us() - w, thread_cpu_us() - c, heap_meter::allocations() - a});
    if (!connected || !t.last_handshake_resumed()) ok = false;
    t.close();
  }
  if (!full.empty() && !resumed.empty()) {
    print_series("full", full);
    print_series("resumed", resumed);
  }
  if (!ok) std::printf("FAIL: a handshake failed or did not resume as expected\n");
  return ok ? 0 : 1;
}
