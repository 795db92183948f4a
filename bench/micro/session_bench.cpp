// The sans-IO session without sockets: publish -> bytes via poll_transmit, and the PUBACK
// coming back. Run: bench_micro --benchmark_filter=Session
#include <benchmark/benchmark.h>

#include <array>
#include <cstdlib>
#include <vector>

#include "mqtt_setup/session.hpp"

namespace {

using namespace mqtt_setup;

constexpr std::string_view kTopic = "devices/esp32_0011223344/sensors/temperature";
const std::array<std::uint8_t, 16> kPayload16{};

/// A session that has sent CONNECT and read CONNACK.
struct Connected {
  std::vector<std::uint8_t> rx = std::vector<std::uint8_t>(4096);
  std::vector<std::uint8_t> store = std::vector<std::uint8_t>(64 * 1024);
  std::vector<std::uint8_t> tx = std::vector<std::uint8_t>(4096);
  SessionConfig config = [] {
    SessionConfig c;
    c.client_id = "bench";
    return c;
  }();
  SessionStorage<> tables;
  Session session{config, tables.buffers(rx, store)};

  Connected() {
    (void)session.start_connect(0);
    (void)session.poll_transmit(tx, 0);
    const std::array<std::uint8_t, 4> connack{0x20, 0x02, 0x00, 0x00};
    session.handle_bytes(connack, 0);
    auto ev = session.poll_event(0);
    if (!ev || ev->kind != Event::Kind::Connected) std::abort();
  }
};

void Session_PublishQoS0(benchmark::State& state) {
  Connected c;
  const codec::Publish p{kTopic, codec::Bytes{kPayload16}, codec::QoS::AtMostOnce, false, false, 0};
  for (auto _ : state) {
    auto ticket = c.session.publish(p, 1);
    auto out = c.session.poll_transmit(c.tx, 1);
    benchmark::DoNotOptimize(ticket);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(Session_PublishQoS0);

/// One whole QoS 1 exchange: publish, transmit, the PUBACK arrives, Delivered comes out.
void Session_PublishQoS1RoundTrip(benchmark::State& state) {
  Connected c;
  const codec::Publish p{kTopic, codec::Bytes{kPayload16}, codec::QoS::AtLeastOnce, false, false, 0};
  std::array<std::uint8_t, 4> puback{0x40, 0x02, 0, 0};
  for (auto _ : state) {
    auto ticket = c.session.publish(p, 1);
    auto out = c.session.poll_transmit(c.tx, 1);
    // The packet identifier the session chose sits right after the topic.
    const std::size_t id_at = 2 + 2 + kTopic.size();
    puback[2] = (*out)[id_at];
    puback[3] = (*out)[id_at + 1];
    c.session.handle_bytes(puback, 1);
    auto ev = c.session.poll_event(1);
    benchmark::DoNotOptimize(ticket);
    benchmark::DoNotOptimize(ev);
  }
}
BENCHMARK(Session_PublishQoS1RoundTrip);

/// The window as the benchmark clients drive it: 20 publishes, one transmit, 20 PUBACKs in one
/// read. Reported per message.
void Session_PublishQoS1Window20(benchmark::State& state) {
  Connected c;
  const codec::Publish p{kTopic, codec::Bytes{kPayload16}, codec::QoS::AtLeastOnce, false, false, 0};
  constexpr std::size_t kWindow = 20;
  std::array<std::uint8_t, 4 * kWindow> pubacks{};
  const std::size_t id_at = 2 + 2 + kTopic.size();
  const std::size_t packet = 2 + 2 + kTopic.size() + 2 + kPayload16.size();
  for (auto _ : state) {
    for (std::size_t i = 0; i < kWindow; ++i) (void)c.session.publish(p, 1);
    auto out = c.session.poll_transmit(c.tx, 1);
    for (std::size_t i = 0; i < kWindow; ++i) {
      pubacks[4 * i] = 0x40;
      pubacks[4 * i + 1] = 0x02;
      pubacks[4 * i + 2] = (*out)[i * packet + id_at];
      pubacks[4 * i + 3] = (*out)[i * packet + id_at + 1];
    }
    c.session.handle_bytes(pubacks, 1);
    std::size_t delivered = 0;
    while (auto ev = c.session.poll_event(1)) delivered += ev->kind == Event::Kind::Delivered;
    if (delivered != kWindow) state.SkipWithError("lost a PUBACK");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kWindow));
}
BENCHMARK(Session_PublishQoS1Window20);

/// The receive side alone: a PUBACK decoded and matched to the oldest message in flight.
void Session_HandlePuback(benchmark::State& state) {
  Connected c;
  const codec::Publish p{kTopic, codec::Bytes{kPayload16}, codec::QoS::AtLeastOnce, false, false, 0};
  std::array<std::uint8_t, 4> puback{0x40, 0x02, 0, 0};
  const std::size_t id_at = 2 + 2 + kTopic.size();
  for (auto _ : state) {
    state.PauseTiming();
    (void)c.session.publish(p, 1);
    auto out = c.session.poll_transmit(c.tx, 1);
    puback[2] = (*out)[id_at];
    puback[3] = (*out)[id_at + 1];
    state.ResumeTiming();
    c.session.handle_bytes(puback, 1);
    auto ev = c.session.poll_event(1);
    benchmark::DoNotOptimize(ev);
  }
}
BENCHMARK(Session_HandlePuback);

}  // namespace

BENCHMARK_MAIN();
