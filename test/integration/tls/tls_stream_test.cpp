// The TLS stream after the handshake: decrypted bytes buffered inside mbedTLS (invisible to a
// poll() on the socket) and pending(), the handshake time limit, close() from another thread,
// and a port that does not speak TLS.
#include <gtest/gtest.h>

#include <poll.h>

#include <array>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "client_packets.hpp"
#include "loopback.hpp"
#include "mqtt_setup/tls_transport.hpp"
#include "tls_brokers.hpp"

namespace mqtt_setup::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kTimeoutMs = 5000;

#define REQUIRE_BROKER(name)                                                  \
  const std::uint16_t port = broker_port(name);                              \
  if (port == 0) GTEST_SKIP() << "no '" << (name) << "' broker: run through ctest"

bool socket_readable(int fd) {
  pollfd entry{fd, POLLIN, 0};
  return ::poll(&entry, 1, 0) == 1;
}

long elapsed_ms(Clock::time_point since) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count());
}

// A client subscribed to `topic` on the trusted broker, with the broker's answers consumed.
class Subscriber {
 public:
  explicit Subscriber(std::uint16_t port) : transport_(tls::trusting_test_ca()), port_(port) {}

  ::testing::AssertionResult open(const std::string& client_id, const std::string& topic) {
    if (!transport_.connect("localhost", port_, kTimeoutMs).ok()) {
      return ::testing::AssertionFailure() << transport_.last_error_detail();
    }
    PacketBuffer rx;
    if (!transport_.send(connect({.client_id = client_id})).ok() ||
        !receive_packet(transport_, rx)) {
      return ::testing::AssertionFailure() << "no CONNACK";
    }
    if (!transport_.send(subscribe(1, topic, 0)).ok() || !receive_packet(transport_, rx)) {
      return ::testing::AssertionFailure() << "no SUBACK";
    }
    return ::testing::AssertionSuccess();
  }
  TlsTransport& transport() { return transport_; }

 private:
  TlsTransport transport_;
  std::uint16_t port_;
};

TEST(TlsStream, BytesBufferedInMbedTlsAreReportedByPending) {
  REQUIRE_BROKER(tls::kTrusted);
  Subscriber sub(port);
  const std::string topic = "tls/stream/pending";
  ASSERT_TRUE(sub.open("tls-pending", topic));
  TlsTransport& t = sub.transport();

  // Publish to ourselves: one PUBLISH of ~3 KB comes back as one TLS record.
  const std::string payload(3000, 'x');
  const Bytes packet = publish(topic, payload);
  ASSERT_TRUE(t.send(packet).ok());

  std::array<std::uint8_t, 100> small{};
  const auto first = t.receive(small, kTimeoutMs);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(*first, small.size());  // `out` filled: the rest of the record stays in mbedTLS
  EXPECT_EQ(t.pending(), packet.size() - small.size());
  // The point of pending(): the whole record has left the socket, so poll() sees nothing.
  EXPECT_FALSE(socket_readable(t.native_handle()));

  std::size_t total = *first;
  for (int i = 0; i < 100 && t.pending() > 0; ++i) {
    const auto more = t.receive(small, 0);  // never waits: the bytes are already here
    ASSERT_TRUE(more.ok());
    ASSERT_GT(*more, 0u);
    total += *more;
  }
  EXPECT_EQ(total, packet.size());
  EXPECT_EQ(t.pending(), 0u);
}

TEST(TlsStream, ReceiveDrainsEverythingThatFitsSoNothingHidesFromPoll) {
  REQUIRE_BROKER(tls::kTrusted);
  Subscriber sub(port);
  const std::string topic = "tls/stream/drain";
  ASSERT_TRUE(sub.open("tls-drain", topic));
  TlsTransport& t = sub.transport();

  Bytes expected;
  for (int i = 0; i < 5; ++i) {
    const Bytes packet = publish(topic, std::string(700, static_cast<char>('a' + i)));
    ASSERT_TRUE(t.send(packet).ok());
    expected.insert(expected.end(), packet.begin(), packet.end());
  }
  // Five records arrive; each receive() takes all it can, so after it either everything that
  // arrived was handed over or `out` was full.
  std::array<std::uint8_t, 16384> big{};
  Bytes received;
  const auto deadline = Clock::now() + 5s;
  while (received.size() < expected.size() && Clock::now() < deadline) {
    const auto got = t.receive(big, 200);
    ASSERT_TRUE(got.ok());
    received.insert(received.end(), big.begin(), big.begin() + static_cast<long>(*got));
    EXPECT_EQ(t.pending(), 0u) << "decrypted bytes left behind although `out` had room";
  }
  EXPECT_EQ(received, expected);
}

TEST(TlsStream, ReceiveWaitsOnlyAsLongAsAsked) {
  REQUIRE_BROKER(tls::kTrusted);
  Subscriber sub(port);
  ASSERT_TRUE(sub.open("tls-wait", "tls/stream/quiet"));
  std::array<std::uint8_t, 64> out{};
  auto start = Clock::now();
  auto got = sub.transport().receive(out, 0);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, 0u);
  EXPECT_LT(elapsed_ms(start), 500);  // no wait at all; 500 ms only absorbs a busy machine
  start = Clock::now();
  got = sub.transport().receive(out, 300);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, 0u);
  EXPECT_GE(elapsed_ms(start), 250);
  EXPECT_LT(elapsed_ms(start), 2000);
  EXPECT_TRUE(sub.transport().is_open());
}

TEST(TlsStream, BrokerClosingIsReportedAsClosed) {
  REQUIRE_BROKER(tls::kTrusted);
  Subscriber sub(port);
  ASSERT_TRUE(sub.open("tls-close", "tls/stream/close"));
  ASSERT_TRUE(sub.transport().send(disconnect()).ok());  // mosquitto closes after DISCONNECT
  std::array<std::uint8_t, 64> out{};
  Result<std::size_t, TransportError> got = std::size_t{0};
  for (int i = 0; i < 50 && got.ok(); ++i) got = sub.transport().receive(out, 100);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(), TransportError::Closed);
  EXPECT_FALSE(sub.transport().is_open());
}

TEST(TlsStream, HandshakeRespectsTheConnectTimeout) {
  Listener silent;  // accepts (the kernel does) and never answers the ClientHello
  ASSERT_TRUE(silent.ok());
  TlsTransport transport(tls::trusting_test_ca());
  const auto start = Clock::now();
  const auto connected = transport.connect("127.0.0.1", silent.port(), 400);
  ASSERT_FALSE(connected.ok());
  EXPECT_EQ(connected.error(), TransportError::ConnectTimeout);
  EXPECT_GE(elapsed_ms(start), 350);
  EXPECT_LT(elapsed_ms(start), 2000);
  EXPECT_NE(transport.last_error_detail().find("handshake"), std::string_view::npos);
}

TEST(TlsStream, CloseFromAnotherThreadInterruptsTheHandshake) {
  Listener silent;
  ASSERT_TRUE(silent.ok());
  TlsTransport transport(tls::trusting_test_ca());
  Result<void, TransportError> connected = TransportError::Io;
  std::atomic<bool> returned{false};
  const auto start = Clock::now();
  std::thread connecting([&] {
    connected = transport.connect("127.0.0.1", silent.port(), 10'000);
    returned = true;
  });
  // A close() before the connect() has begun finds nothing to interrupt, so it is repeated
  // until the connect() returns: whatever the scheduling, one lands during the handshake.
  while (!returned) {
    transport.close();
    std::this_thread::sleep_for(10ms);
  }
  connecting.join();
  EXPECT_LT(elapsed_ms(start), 5000);
  ASSERT_FALSE(connected.ok());
  EXPECT_EQ(connected.error(), TransportError::NotConnected);
  EXPECT_FALSE(transport.is_open());
}

TEST(TlsStream, InterruptBeforeConnectMakesItReturnAtOnce) {
  Listener silent;
  ASSERT_TRUE(silent.ok());
  TlsTransport transport(tls::trusting_test_ca());
  transport.interrupt();
  const auto start = Clock::now();
  const auto connected = transport.connect("127.0.0.1", silent.port(), 10'000);
  // No network wait at all; the first connect() still sets up TLS (slow under valgrind), so the
  // bound only says "not the 10 s handshake timeout".
  EXPECT_LT(elapsed_ms(start), 5000);
  ASSERT_FALSE(connected.ok());
  EXPECT_EQ(connected.error(), TransportError::NotConnected);
}

TEST(TlsStream, InterruptFromAnotherThreadStopsTheHandshakeWhateverTheTiming) {
  Listener silent;
  ASSERT_TRUE(silent.ok());
  TlsTransport transport(tls::trusting_test_ca());
  Result<void, TransportError> connected = TransportError::Io;
  const auto start = Clock::now();
  std::thread connecting([&] { connected = transport.connect("127.0.0.1", silent.port(), 10'000); });
  transport.interrupt();  // before, or during, the connect(): both must stop it
  connecting.join();
  EXPECT_LT(elapsed_ms(start), 5000);
  ASSERT_FALSE(connected.ok());
  EXPECT_EQ(connected.error(), TransportError::NotConnected);
}

TEST(TlsStream, CloseFromAnotherThreadInterruptsAReceive) {
  REQUIRE_BROKER(tls::kTrusted);
  Subscriber sub(port);
  ASSERT_TRUE(sub.open("tls-interrupt", "tls/stream/interrupt"));
  Result<std::size_t, TransportError> got = std::size_t{0};
  std::array<std::uint8_t, 64> out{};
  const auto start = Clock::now();
  std::thread receiving([&] { got = sub.transport().receive(out, 10'000); });
  std::this_thread::sleep_for(200ms);
  sub.transport().close();
  receiving.join();
  EXPECT_LT(elapsed_ms(start), 3000);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(), TransportError::NotConnected);
}

TEST(TlsStream, APortThatDoesNotSpeakTlsFailsTheHandshake) {
  Listener listener;
  ASSERT_TRUE(listener.ok());
  // A server that reads the ClientHello and hangs up, like a plain MQTT broker does.
  std::thread server([&] {
    Socket peer = listener.accept(5000);
    if (!peer.valid()) return;
    std::array<char, 512> hello{};
    pollfd entry{peer.fd(), POLLIN, 0};
    if (::poll(&entry, 1, 5000) == 1) (void)::recv(peer.fd(), hello.data(), hello.size(), 0);
    ::send(peer.fd(), "\x20\x02\x00\x05", 4, MSG_NOSIGNAL);  // a CONNACK is not a TLS record
  });
  TlsTransport transport(tls::trusting_test_ca());
  const auto connected = transport.connect("127.0.0.1", listener.port(), kTimeoutMs);
  server.join();
  ASSERT_FALSE(connected.ok());
  EXPECT_EQ(connected.error(), TransportError::TlsHandshake);
  EXPECT_FALSE(transport.last_error_detail().empty());
}

}  // namespace
}  // namespace mqtt_setup::test
