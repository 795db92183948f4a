// The fake broker itself: packet framing across segments, scripted replies, close, reset,
// hold, and stop while a script waits. The client side is the real TcpTransport.
#include "fake_broker.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "client_packets.hpp"
#include "mqtt_setup/platform.hpp"
#include "mqtt_setup/tcp_transport.hpp"

namespace mqtt_setup::test {
namespace {

class FakeBrokerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(broker_.ok()); }

  bool connect_client() { return client_.connect("127.0.0.1", broker_.port(), 2000).ok(); }
  bool client_send(const Bytes& bytes) { return client_.send(bytes).ok(); }

  FakeBroker broker_;
  TcpTransport client_;
  PacketBuffer client_rx_;
};

TEST_F(FakeBrokerTest, ReadsWholePacketsAcrossSegmentsAndReplies) {
  broker_.run([](FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    const auto packet = c->read_packet();
    ASSERT_TRUE(packet);
    EXPECT_EQ(packet->type(), kConnect);
    c->send(connack(false, 0));
    const auto pub = c->read_until(kPublish);
    ASSERT_TRUE(pub);
    c->send(puback(*pub->packet_id()));
    c->hold(2s);  // until the client goes
  });
  ASSERT_TRUE(connect_client());
  // A CONNECT split into 1-byte writes, so the fake broker has to reassemble it.
  const Bytes hello = connect({.client_id = "fake-test"});
  for (const std::uint8_t byte : hello) {
    ASSERT_TRUE(client_send({byte}));
    platform::sleep_ms(1);
  }
  const auto ack = receive_packet(client_, client_rx_);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->bytes, connack(false, 0));

  ASSERT_TRUE(client_send(pingreq()));  // skipped by read_until
  // 300 bytes of payload: the remaining length takes two bytes.
  ASSERT_TRUE(client_send(publish("devices/x/temp", std::string(300, 'p'), 1, 0x1234)));
  const auto pub_ack = receive_packet(client_, client_rx_);
  ASSERT_TRUE(pub_ack);
  EXPECT_EQ(pub_ack->bytes, puback(0x1234));
  client_.close();
  ASSERT_TRUE(broker_.wait());

  const auto log = broker_.received();
  ASSERT_EQ(log.size(), 3U);
  EXPECT_EQ(log[0].bytes, hello);
  EXPECT_EQ(log[1].type(), kPingreq);
  EXPECT_EQ(log[2].topic(), "devices/x/temp");
  EXPECT_EQ(log[2].payload().size(), 300U);
  EXPECT_EQ(log[2].qos(), 1);
  EXPECT_EQ(broker_.connections(), 1);
}

TEST_F(FakeBrokerTest, SendsArbitraryBytesThenCloses) {
  broker_.run([](FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    c->send({0xFF, 0xFF, 0xFF, 0xFF, 0xFF});  // not MQTT at all
    c->close();
  });
  ASSERT_TRUE(connect_client());
  std::uint8_t buffer[16];
  const auto garbage = client_.receive(buffer, 2000);
  ASSERT_TRUE(garbage.ok());
  EXPECT_EQ(*garbage, 5U);
  const auto end = client_.receive(buffer, 2000);
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.error(), TransportError::Closed);
  EXPECT_TRUE(broker_.wait());
}

TEST_F(FakeBrokerTest, ResetIsSeenAsReset) {
  broker_.run([](FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    // Only after the client's first bytes: an RST racing the handshake fails connect() instead.
    EXPECT_TRUE(c->read_packet());
    c->reset();
  });
  ASSERT_TRUE(connect_client());
  ASSERT_TRUE(client_send(pingreq()));
  std::uint8_t buffer[16];
  const auto result = client_.receive(buffer, 2000);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), TransportError::Reset);
}

TEST_F(FakeBrokerTest, HoldAnswersNothingButRecordsAndSeesTheClientLeave) {
  bool client_left = false;
  broker_.run([&](FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    client_left = c->hold(5s);
  });
  ASSERT_TRUE(connect_client());
  ASSERT_TRUE(client_send(pingreq()));
  std::uint8_t buffer[16];
  const auto silence = client_.receive(buffer, 200);
  ASSERT_TRUE(silence.ok());
  EXPECT_EQ(*silence, 0U);
  client_.close();
  ASSERT_TRUE(broker_.wait());
  EXPECT_TRUE(client_left);
  ASSERT_EQ(broker_.received().size(), 1U);
  EXPECT_EQ(broker_.received()[0].type(), kPingreq);
}

TEST_F(FakeBrokerTest, ReportsAMalformedRemainingLength) {
  ReadStatus status = ReadStatus::Ok;
  broker_.run([&](FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    EXPECT_FALSE(c->read_packet());
    status = c->last_status();
  });
  ASSERT_TRUE(connect_client());
  ASSERT_TRUE(client_send({0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}));  // five length bytes [MQTT-2.2.3]
  ASSERT_TRUE(broker_.wait());
  EXPECT_EQ(status, ReadStatus::Malformed);
}

TEST_F(FakeBrokerTest, ReadTimesOutAndAcceptsAgain) {
  ReadStatus status = ReadStatus::Ok;
  broker_.run([&](FakeBroker& b) {
    auto first = b.accept();
    ASSERT_TRUE(first);
    EXPECT_FALSE(first->read_packet(100ms));
    status = first->last_status();
    first->close();
    auto second = b.accept();
    ASSERT_TRUE(second);
    EXPECT_TRUE(second->read_packet());
  });
  ASSERT_TRUE(connect_client());
  std::uint8_t buffer[16];
  const auto closed = client_.receive(buffer, 2000);
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.error(), TransportError::Closed);
  ASSERT_TRUE(connect_client());  // the reconnect a client makes after losing its broker
  ASSERT_TRUE(client_send(pingreq()));
  ASSERT_TRUE(broker_.wait());
  EXPECT_EQ(status, ReadStatus::Timeout);
  EXPECT_EQ(broker_.connections(), 2);
}

TEST_F(FakeBrokerTest, StopWakesAWaitingScript) {
  ReadStatus status = ReadStatus::Ok;
  std::atomic<bool> reading{false};
  broker_.run([&](FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    reading = true;
    EXPECT_FALSE(c->read_packet(60s));
    status = c->last_status();
  });
  ASSERT_TRUE(connect_client());
  for (int i = 0; i < 500 && !reading; ++i) platform::sleep_ms(10);
  ASSERT_TRUE(reading);
  platform::sleep_ms(50);  // let the script block in poll()
  const Millis start = platform::now_ms();
  broker_.stop();
  EXPECT_LT(platform::now_ms() - start, 5000U);
  EXPECT_EQ(status, ReadStatus::Stopped);
}

TEST_F(FakeBrokerTest, StoppedListeningRefuses) {
  broker_.stop_listening();
  const auto result = client_.connect("127.0.0.1", broker_.port(), 2000);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), TransportError::ConnectRefused);
}

TEST(RawPackets, PacketIdsOfAcksAndPublish) {
  EXPECT_EQ(RawPacket{puback(7)}.packet_id(), 7);
  EXPECT_EQ(RawPacket{pubrel(0x0102)}.packet_id(), 0x0102);
  EXPECT_EQ(RawPacket{pubrel(1)}.flags(), 0x02);
  EXPECT_EQ(RawPacket{suback(9, {0x01, 0x80})}.packet_id(), 9);
  EXPECT_EQ(RawPacket{publish("t", "x", 2, 500)}.packet_id(), 500);
  EXPECT_FALSE(RawPacket{publish("t", "x", 0)}.packet_id());
  EXPECT_FALSE(RawPacket{pingresp()}.packet_id());
}

TEST(RawPackets, RemainingLengthBoundaries) {
  // The examples of [MQTT-2.2.3], table 2.4.
  EXPECT_EQ(encode_remaining_length(127), (Bytes{0x7F}));
  EXPECT_EQ(encode_remaining_length(128), (Bytes{0x80, 0x01}));
  EXPECT_EQ(encode_remaining_length(16'383), (Bytes{0xFF, 0x7F}));
  EXPECT_EQ(encode_remaining_length(16'384), (Bytes{0x80, 0x80, 0x01}));
  EXPECT_EQ(encode_remaining_length(268'435'455), (Bytes{0xFF, 0xFF, 0xFF, 0x7F}));
}

TEST(RawPackets, BufferSplitsAStream) {
  PacketBuffer buffer;
  Bytes stream = connack(true, 0);
  const Bytes pub = publish("a/b", "hello", 1, 3, true);
  stream.insert(stream.end(), pub.begin(), pub.end());
  buffer.append(std::span(stream.data(), 5));
  const auto first = buffer.pop();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->bytes, connack(true, 0));
  EXPECT_FALSE(buffer.pop());
  buffer.append(std::span(stream.data() + 5, stream.size() - 5));
  const auto second = buffer.pop();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->topic(), "a/b");
  EXPECT_EQ(std::string(second->payload().begin(), second->payload().end()), "hello");
  EXPECT_EQ(second->flags(), 0x03);  // QoS 1, retain
  EXPECT_EQ(buffer.buffered(), 0U);
}

}  // namespace
}  // namespace mqtt_setup::test
