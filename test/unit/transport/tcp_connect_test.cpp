// TcpTransport::connect against loopback listeners: addresses, names, and each failure.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "mqtt_setup/platform.hpp"
#include "mqtt_setup/tcp_transport.hpp"
#include "support/loopback.hpp"

namespace mqtt_setup {
namespace {

using test::Listener;

TEST(TcpConnect, ConnectsToIpv4Loopback) {
  Listener listener(AF_INET);
  ASSERT_TRUE(listener.ok());
  TcpTransport transport;
  EXPECT_FALSE(transport.is_open());
  EXPECT_EQ(transport.native_handle(), -1);
  ASSERT_TRUE(transport.connect("127.0.0.1", listener.port(), 2000).ok());
  EXPECT_TRUE(transport.is_open());
  EXPECT_GE(transport.native_handle(), 0);
  EXPECT_TRUE(listener.accept().valid());
}

TEST(TcpConnect, ConnectsToIpv6Loopback) {
  if (!test::ipv6_loopback_available()) GTEST_SKIP() << "no IPv6 loopback on this host";
  Listener listener(AF_INET6);
  ASSERT_TRUE(listener.ok());
  TcpTransport transport;
  ASSERT_TRUE(transport.connect("::1", listener.port(), 2000).ok());
  EXPECT_TRUE(listener.accept().valid());
}

TEST(TcpConnect, ConnectsByName) {
  // "localhost" may resolve to ::1 first; with only an IPv4 listener that address is refused
  // and the transport must go on to 127.0.0.1.
  Listener listener(AF_INET);
  ASSERT_TRUE(listener.ok());
  TcpTransport transport;
  ASSERT_TRUE(transport.connect("localhost", listener.port(), 2000).ok());
  EXPECT_TRUE(listener.accept().valid());
}

TEST(TcpConnect, RefusedPort) {
  TcpTransport transport;
  const auto result = transport.connect("127.0.0.1", test::unused_port(), 2000);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), TransportError::ConnectRefused);
  EXPECT_FALSE(transport.is_open());
  EXPECT_EQ(transport.native_handle(), -1);
}

TEST(TcpConnect, RefusedOnEveryAddressOfAName) {
  TcpTransport transport;
  const auto result = transport.connect("localhost", test::unused_port(), 2000);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), TransportError::ConnectRefused);
}

TEST(TcpConnect, UnresolvableHost) {
  TcpTransport transport;
  // RFC 2606: .invalid never resolves.
  const auto result = transport.connect("no-such-broker.invalid", 1883, 2000);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), TransportError::ResolveFailed);
}

TEST(TcpConnect, EmptyOrOverlongHostIsNotLookedUp) {
  TcpTransport transport;
  const auto empty = transport.connect("", 1883, 2000);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error(), TransportError::ResolveFailed);
  const std::string overlong(TcpTransport::kMaxHostLength + 1, 'a');
  const auto result = transport.connect(overlong, 1883, 2000);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), TransportError::ResolveFailed);
}

TEST(TcpConnect, TimesOutWhenTheListenerQueueIsFull) {
  // Linux drops SYNs to a listener whose accept queue is full: that is a silent broker.
  Listener listener(AF_INET, 0);
  ASSERT_TRUE(listener.ok());
  TcpTransport filler;
  ASSERT_TRUE(filler.connect("127.0.0.1", listener.port(), 2000).ok());
  TcpTransport transport;
  const Millis start = platform::now_ms();
  const auto result = transport.connect("127.0.0.1", listener.port(), 300);
  const Millis elapsed = platform::now_ms() - start;
  if (result.ok()) GTEST_SKIP() << "this kernel accepted beyond the backlog";
  EXPECT_EQ(result.error(), TransportError::ConnectTimeout);
  EXPECT_GE(elapsed, 250U);
  EXPECT_LT(elapsed, 3000U);
  EXPECT_FALSE(transport.is_open());
}

TEST(TcpConnect, CloseFromAnotherThreadInterruptsConnect) {
  Listener listener(AF_INET, 0);
  ASSERT_TRUE(listener.ok());
  TcpTransport filler;
  ASSERT_TRUE(filler.connect("127.0.0.1", listener.port(), 2000).ok());
  TcpTransport transport;
  // A close() that comes before connect() has begun finds nothing to interrupt (close() then
  // connect() is how a caller reconnects), so the closer repeats it until connect() returns:
  // whatever the scheduling, one lands while it waits.
  std::atomic<bool> returned{false};
  std::thread closer([&] {
    while (!returned) {
      transport.close();
      platform::sleep_ms(10);
    }
  });
  const Millis start = platform::now_ms();
  const auto result = transport.connect("127.0.0.1", listener.port(), 10'000);
  const Millis elapsed = platform::now_ms() - start;
  returned = true;
  closer.join();
  if (result.ok()) GTEST_SKIP() << "this kernel accepted beyond the backlog";
  EXPECT_EQ(result.error(), TransportError::NotConnected);
  EXPECT_LT(elapsed, 5000U);
  EXPECT_FALSE(transport.is_open());
}

// The stop a disconnect() sends: it must reach a connect() that has not begun yet, or that
// connect() runs its whole timeout against a silent broker.
TEST(TcpConnect, InterruptBeforeConnectMakesItReturnAtOnce) {
  Listener listener(AF_INET, 0);
  ASSERT_TRUE(listener.ok());
  TcpTransport filler;
  ASSERT_TRUE(filler.connect("127.0.0.1", listener.port(), 2000).ok());
  TcpTransport transport;
  transport.interrupt();
  const Millis start = platform::now_ms();
  const auto result = transport.connect("127.0.0.1", listener.port(), 10'000);
  const Millis elapsed = platform::now_ms() - start;
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), TransportError::NotConnected);
  EXPECT_LT(elapsed, 1000U);
  EXPECT_FALSE(transport.is_open());
  // Once: the connect() after it works again.
  Listener open_listener;
  ASSERT_TRUE(open_listener.ok());
  EXPECT_TRUE(transport.connect("127.0.0.1", open_listener.port(), 2000).ok());
}

TEST(TcpConnect, InterruptFromAnotherThreadStopsConnectWhateverTheTiming) {
  Listener listener(AF_INET, 0);
  ASSERT_TRUE(listener.ok());
  TcpTransport filler;
  ASSERT_TRUE(filler.connect("127.0.0.1", listener.port(), 2000).ok());
  TcpTransport transport;
  // One interrupt(), no sleep: it lands before, or during, the connect(); both must stop it.
  std::thread stopper([&] { transport.interrupt(); });
  const Millis start = platform::now_ms();
  const auto result = transport.connect("127.0.0.1", listener.port(), 10'000);
  const Millis elapsed = platform::now_ms() - start;
  stopper.join();
  if (result.ok()) GTEST_SKIP() << "this kernel accepted beyond the backlog";
  EXPECT_EQ(result.error(), TransportError::NotConnected);
  EXPECT_LT(elapsed, 5000U);
}

TEST(TcpConnect, CloseBeforeConnectDoesNotStopIt) {
  Listener listener;
  ASSERT_TRUE(listener.ok());
  TcpTransport transport;
  transport.close();
  transport.close();
  EXPECT_TRUE(transport.connect("127.0.0.1", listener.port(), 2000).ok());
}

TEST(TcpConnect, ReconnectClosesThePreviousConnection) {
  Listener listener;
  ASSERT_TRUE(listener.ok());
  TcpTransport transport;
  ASSERT_TRUE(transport.connect("127.0.0.1", listener.port(), 2000).ok());
  test::Socket first = listener.accept();
  ASSERT_TRUE(first.valid());
  ASSERT_TRUE(transport.connect("127.0.0.1", listener.port(), 2000).ok());
  std::uint8_t byte = 0;
  pollfd entry{first.fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&entry, 1, 2000), 1);
  EXPECT_EQ(::recv(first.fd(), &byte, 1, 0), 0);  // EOF: the old socket was closed
}

}  // namespace
}  // namespace mqtt_setup
