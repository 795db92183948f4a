// TcpTransport send/receive over an established loopback connection.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <numeric>
#include <thread>
#include <vector>

#include "mqtt_setup/platform.hpp"
#include "mqtt_setup/tcp_transport.hpp"
#include "support/loopback.hpp"

namespace mqtt_setup {
namespace {

using test::Socket;

// A transport connected to a socket the test holds as the peer.
class TcpStream : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(listener_.ok());
    ASSERT_TRUE(transport_.connect("127.0.0.1", listener_.port(), 2000).ok());
    peer_ = listener_.accept();
    ASSERT_TRUE(peer_.valid());
  }

  // Reads exactly `size` bytes from the peer, or fewer if it stalls for 5 s.
  std::vector<std::uint8_t> peer_read(std::size_t size) {
    std::vector<std::uint8_t> data(size);
    std::size_t got = 0;
    while (got < size) {
      pollfd entry{peer_.fd(), POLLIN, 0};
      if (::poll(&entry, 1, 5000) <= 0) break;
      const ssize_t n = ::recv(peer_.fd(), data.data() + got, size - got, 0);
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    data.resize(got);
    return data;
  }

  void peer_write(const std::vector<std::uint8_t>& data) {
    ASSERT_EQ(::send(peer_.fd(), data.data(), data.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(data.size()));
  }

  test::Listener listener_;
  TcpTransport transport_;
  Socket peer_;
};

TEST_F(TcpStream, RoundTrip) {
  const std::vector<std::uint8_t> hello = {0x10, 0x02, 'h', 'i'};
  ASSERT_TRUE(transport_.send(hello).ok());
  EXPECT_EQ(peer_read(hello.size()), hello);

  peer_write({0x20, 0x02, 0x00, 0x00});
  std::uint8_t buffer[16];
  const auto received = transport_.receive(buffer, 2000);
  ASSERT_TRUE(received.ok());
  ASSERT_EQ(*received, 4U);
  EXPECT_EQ(std::vector<std::uint8_t>(buffer, buffer + 4),
            (std::vector<std::uint8_t>{0x20, 0x02, 0, 0}));
}

TEST_F(TcpStream, ReceiveReturnsWhatFitsAndKeepsTheRest) {
  peer_write({1, 2, 3, 4, 5});
  std::uint8_t buffer[3];
  const auto first = transport_.receive(buffer, 2000);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, 3U);
  const auto second = transport_.receive(buffer, 2000);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, 2U);
  EXPECT_EQ(buffer[0], 4);
}

TEST_F(TcpStream, ReceiveTimeoutReturnsZeroAndStaysOpen) {
  std::uint8_t buffer[16];
  const Millis start = platform::now_ms();
  const auto received = transport_.receive(buffer, 100);
  const Millis elapsed = platform::now_ms() - start;
  ASSERT_TRUE(received.ok());
  EXPECT_EQ(*received, 0U);
  EXPECT_GE(elapsed, 95U);
  EXPECT_LT(elapsed, 2000U);
  EXPECT_TRUE(transport_.is_open());
}

TEST_F(TcpStream, ZeroTimeoutDoesNotWait) {
  std::uint8_t buffer[16];
  const Millis start = platform::now_ms();
  const auto received = transport_.receive(buffer, 0);
  ASSERT_TRUE(received.ok());
  EXPECT_EQ(*received, 0U);
  EXPECT_LT(platform::now_ms() - start, 500U);  // no wait at all; 500 ms absorbs a busy machine

  peer_write({7});
  // Give loopback a moment to deliver, without a sleep-and-hope: poll the descriptor.
  pollfd entry{transport_.native_handle(), POLLIN, 0};
  ASSERT_EQ(::poll(&entry, 1, 2000), 1);
  const auto ready = transport_.receive(buffer, 0);
  ASSERT_TRUE(ready.ok());
  EXPECT_EQ(*ready, 1U);
}

TEST_F(TcpStream, EmptyBufferReadsNothing) {
  peer_write({7});
  const auto received = transport_.receive({}, 100);
  ASSERT_TRUE(received.ok());
  EXPECT_EQ(*received, 0U);
  EXPECT_TRUE(transport_.is_open());
}

TEST_F(TcpStream, PeerCloseIsClosed) {
  peer_.reset();
  std::uint8_t buffer[16];
  const auto received = transport_.receive(buffer, 2000);
  ASSERT_FALSE(received.ok());
  EXPECT_EQ(received.error(), TransportError::Closed);
  EXPECT_FALSE(transport_.is_open());
  EXPECT_EQ(transport_.native_handle(), -1);
  const auto again = transport_.receive(buffer, 10);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error(), TransportError::NotConnected);
}

TEST_F(TcpStream, PeerResetIsReset) {
  peer_.abort();
  std::uint8_t buffer[16];
  const auto received = transport_.receive(buffer, 2000);
  ASSERT_FALSE(received.ok());
  EXPECT_EQ(received.error(), TransportError::Reset);
  EXPECT_FALSE(transport_.is_open());
}

TEST_F(TcpStream, SendToAClosedPeerFailsWithoutSigpipe) {
  peer_.reset();
  // The first write may still be accepted by the kernel; the RST it provokes fails a later one.
  // SIGPIPE is at its default here, so if MSG_NOSIGNAL were missing this test would die.
  const std::vector<std::uint8_t> data(1024, 0x55);
  Result<void, TransportError> result;
  for (int i = 0; i < 100 && result.ok(); ++i) {
    result = transport_.send(data);
    if (result.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), TransportError::Reset);
  EXPECT_FALSE(transport_.is_open());
}

TEST_F(TcpStream, LargeSendToASlowReaderArrivesWhole) {
  // 8 MB is far more than the socket buffers: send() must see partial writes and EAGAIN.
  std::vector<std::uint8_t> data(8U << 20U);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 131U >> 3U);

  std::vector<std::uint8_t> received;
  received.reserve(data.size());
  std::thread reader([&] {
    std::vector<std::uint8_t> chunk(64U << 10U);
    const Millis give_up = platform::now_ms() + 60'000;
    while (received.size() < data.size() && platform::now_ms() < give_up) {
      pollfd entry{peer_.fd(), POLLIN, 0};
      if (::poll(&entry, 1, 1000) <= 0) continue;
      const ssize_t n = ::recv(peer_.fd(), chunk.data(), chunk.size(), 0);
      if (n <= 0) break;
      received.insert(received.end(), chunk.begin(), chunk.begin() + n);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));  // slow reader
    }
  });
  const auto result = transport_.send(data);
  reader.join();
  ASSERT_TRUE(result.ok()) << describe(result.error());
  EXPECT_TRUE(received == data);
}

TEST_F(TcpStream, SendTimesOutWhenThePeerStopsReading) {
  transport_.set_send_timeout(200);
  EXPECT_EQ(transport_.send_timeout_ms(), 200U);
  // More than any loopback socket buffer pair holds, and the peer never reads.
  const std::vector<std::uint8_t> data(64U << 20U, 0xAA);
  const Millis start = platform::now_ms();
  const auto result = transport_.send(data);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), TransportError::Timeout);
  EXPECT_LT(platform::now_ms() - start, 10'000U);
  // Half a packet is on the wire: the stream is unusable, so the transport closed it.
  EXPECT_FALSE(transport_.is_open());
}

TEST_F(TcpStream, CloseIsIdempotent) {
  transport_.close();
  transport_.close();
  EXPECT_FALSE(transport_.is_open());
  EXPECT_EQ(transport_.native_handle(), -1);
  const std::uint8_t byte = 1;
  const auto sent = transport_.send({&byte, 1});
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error(), TransportError::NotConnected);
}

TEST_F(TcpStream, CloseFromAnotherThreadWakesABlockedReceive) {
  std::atomic<bool> receiving{false};
  std::thread closer([&] {
    for (int i = 0; i < 200 && !receiving; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    transport_.close();
  });
  std::uint8_t buffer[16];
  receiving = true;
  const Millis start = platform::now_ms();
  const auto received = transport_.receive(buffer, 10'000);
  const Millis elapsed = platform::now_ms() - start;
  closer.join();
  ASSERT_FALSE(received.ok());
  EXPECT_EQ(received.error(), TransportError::NotConnected);
  EXPECT_LT(elapsed, 5000U);
  EXPECT_FALSE(transport_.is_open());
  EXPECT_EQ(transport_.native_handle(), -1);
}

}  // namespace
}  // namespace mqtt_setup
