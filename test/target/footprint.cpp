// The footprint images of docs/size.md (the footprint method): a minimal program that drives
// the session the way a device would, over a dummy transport (send takes everything, receive
// returns 0) and a counter clock. Built twice: MIN (init, connect, publish QoS 1, subscribe, the
// process loop) and FULL (MIN + unsubscribe, ping, disconnect; -DMQTT_SETUP_FOOTPRINT_FULL).
// tools/size-report.py counts only the library's input sections that the linker kept, and
// fails the build if anything here pulls in malloc, operator new, exceptions or RTTI.
#include <array>
#include <cstddef>
#include <cstdint>

#include "mqtt_setup/session.hpp"

namespace {

using namespace mqtt_setup;

// coreMQTT-style transport: a pair of function pointers, as a port would plug in.
struct DummyTransport {
  std::int32_t (*send)(const std::uint8_t* data, std::size_t size);
  std::int32_t (*receive)(std::uint8_t* data, std::size_t size);
};

std::int32_t dummy_send(const std::uint8_t*, std::size_t size) {
  return static_cast<std::int32_t>(size);
}
std::int32_t dummy_receive(std::uint8_t*, std::size_t) { return 0; }

Millis g_clock = 0;
Millis now() { return g_clock += 10; }  // counter clock: every reading is 10 ms later

// Caller-owned buffers (not library RAM): receive, store, transmit.
std::array<std::uint8_t, 512> g_rx;
std::array<std::uint8_t, 1024> g_store;
mqtt_setup::SessionStorage<> g_tables;  // the tables at their general-purpose sizes
std::array<std::uint8_t, 512> g_tx;

// One pass of the process loop: read, decode and act, write, timers.
std::uint32_t process(Session& session, const DummyTransport& transport) {
  std::uint32_t events = 0;
  const auto space = session.rx_space();
  const std::int32_t got = transport.receive(space.data(), space.size());
  if (got > 0) session.rx_commit(static_cast<std::size_t>(got), now());
  while (auto event = session.poll_event(now())) events += static_cast<std::uint32_t>(event->kind);
  while (auto out = session.poll_transmit(g_tx, now())) {
    if (transport.send(out->data(), out->size()) < 0) session.connection_lost(now());
  }
  const Millis t = now();
  if (session.next_deadline(t) <= t) session.handle_timeout(t);
  return events;
}

}  // namespace

int main() {
  const DummyTransport transport{dummy_send, dummy_receive};
  SessionConfig config;
  config.client_id = "footprint";
  config.keep_alive_s = 1;  // so the loop below reaches the PINGREQ deadline
  Session session(config, g_tables.buffers(g_rx, g_store));

  std::uint32_t result = 0;
  if (!session.start_connect(now()).ok()) result |= 1U;

  codec::Publish message;
  message.topic = "devices/footprint/sensors/temperature";
  message.payload = codec::as_bytes("23.5");
  message.qos = codec::QoS::AtLeastOnce;
  if (!session.publish(message, now()).ok()) result |= 2U;

  const codec::Subscription filters[] = {{"devices/footprint/commands/#", codec::QoS::AtLeastOnce}};
  if (!session.subscribe(filters, now()).ok()) result |= 4U;

#if defined(MQTT_SETUP_FOOTPRINT_FULL)
  const std::string_view unsubscribe[] = {"devices/footprint/commands/#"};
  if (!session.unsubscribe(unsubscribe, now()).ok()) result |= 8U;
  // Our ping has no call of its own: handle_timeout() sends PINGREQ when the keep-alive is due.
  g_clock += 2'000;
#endif

  for (int i = 0; i < 4; ++i) result += process(session, transport);

#if defined(MQTT_SETUP_FOOTPRINT_FULL)
  session.disconnect(now());
  result += process(session, transport);
#endif
  return static_cast<int>(result & 0x7FU);
}
