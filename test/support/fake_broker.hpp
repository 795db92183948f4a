// A scripted MQTT "broker" for tests where exact bytes or misbehaviour matter: it listens on
// 127.0.0.1 (ephemeral port) and runs a test's script on its own thread. The script accepts
// connections and, on each, reads whole packets, sends any bytes (valid or not), closes,
// resets, or holds the line open without answering.
//
//   test::FakeBroker broker;
//   broker.run([](test::FakeBroker& b) {
//     auto c = b.accept();
//     if (!c) return;
//     auto connect = c->read_packet();          // waits for a whole CONNECT
//     c->send(test::connack(false, 0));
//     c->hold(std::chrono::seconds(3));         // swallow PINGREQs: a dead broker
//   });
//   ... drive the client at 127.0.0.1:broker.port() ...
//   ASSERT_TRUE(broker.wait());                 // the script finished
//   EXPECT_EQ(broker.received()[0].type(), test::kConnect);
//
// GoogleTest EXPECT_* work inside the script; ASSERT_* return from it. Destroying the broker
// wakes every wait in the script (they report Stopped) and joins the thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "loopback.hpp"
#include "raw_packets.hpp"

namespace mqtt_setup::test {

using namespace std::chrono_literals;

class FakeBroker;

/// How the last read on a connection ended.
enum class ReadStatus : std::uint8_t { Ok, Timeout, PeerClosed, Malformed, Error, Stopped };

class FakeConnection {
 public:
  FakeConnection(FakeBroker& broker, Socket socket)
      : broker_(&broker), socket_(std::move(socket)) {}

  /// Waits for one whole packet (any split across TCP segments); nothing on timeout, EOF,
  /// a malformed fixed header or stop — last_status() says which.
  std::optional<RawPacket> read_packet(std::chrono::milliseconds timeout = 5s);
  /// Reads packets until one of `type` arrives, skipping others (e.g. PINGREQ).
  std::optional<RawPacket> read_until(std::uint8_t type, std::chrono::milliseconds timeout = 5s);
  ReadStatus last_status() const { return status_; }

  /// Writes all bytes; false if the client is gone.
  bool send(std::span<const std::uint8_t> bytes);
  bool send(std::initializer_list<std::uint8_t> bytes) {
    return send(std::span(bytes.begin(), bytes.size()));
  }
  bool send(const Bytes& bytes) { return send(std::span<const std::uint8_t>(bytes)); }

  /// Ends the connection with a FIN.
  void close() { socket_.reset(); }
  /// Ends the connection with an RST.
  void reset() { socket_.abort(); }
  /// Keeps the connection open but answers nothing for `duration`, reading what arrives (so the
  /// client's writes succeed, as with a hung broker) into received(). Returns early, true, when
  /// the client closes: also the way to wait for a client to disconnect.
  bool hold(std::chrono::milliseconds duration);

  bool is_open() const { return socket_.valid(); }

 private:
  // Waits for readable bytes and appends them to buffer_; false with status_ set otherwise.
  bool fill(std::chrono::steady_clock::time_point deadline);

  FakeBroker* broker_;
  Socket socket_;
  PacketBuffer buffer_;
  ReadStatus status_ = ReadStatus::Ok;
};

class FakeBroker {
 public:
  using Script = std::function<void(FakeBroker&)>;

  FakeBroker();
  ~FakeBroker();
  FakeBroker(const FakeBroker&) = delete;
  FakeBroker& operator=(const FakeBroker&) = delete;

  bool ok() const { return listener_.ok() && wake_read_.valid(); }
  std::uint16_t port() const { return listener_.port(); }

  /// Starts `script` on the broker thread. Call once.
  void run(Script script);
  /// Waits for the script to finish; false on timeout.
  bool wait(std::chrono::milliseconds timeout = 10s);
  /// Wakes every wait of the script and joins it. The destructor calls it.
  void stop();

  /// For scripts: the next client connection, or nothing after `timeout` or stop.
  std::optional<FakeConnection> accept(std::chrono::milliseconds timeout = 5s);
  /// Stops listening: later connection attempts are refused.
  void stop_listening() { listener_.close(); }

  /// Every packet any connection has read so far, in order. Thread-safe.
  std::vector<RawPacket> received() const;
  /// Connections accepted so far. Thread-safe.
  int connections() const { return connections_; }

 private:
  friend class FakeConnection;
  // poll() on `fd` and the stop pipe: 1 ready, 0 timed out, -1 stopped or failed.
  int wait_readable(int fd, std::chrono::steady_clock::time_point deadline) const;
  void record(const RawPacket& packet);

  Listener listener_;
  Socket wake_read_;
  Socket wake_write_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable finished_changed_;
  bool finished_ = false;
  std::vector<RawPacket> log_;
  std::atomic<int> connections_{0};
};

}  // namespace mqtt_setup::test
