// Shared by the StorageQueue tests: a Storage kept in memory that counts what is written and
// erased (the wear figures), fails on demand (the faults), and rejects keys NVS would reject;
// and a Session that journals into the queue, as MQTTSetup wires them.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mqtt_setup/codec.hpp"
#include "mqtt_setup/session.hpp"
#include "mqtt_setup/storage.hpp"
#include "platform/storage_queue.hpp"

namespace mqtt_setup::testing {

class MemoryStorage final : public Storage {
 public:
  std::map<std::string, std::vector<std::uint8_t>, std::less<>> blobs;
  int fail_reads = 0;   // errno for every read() while set
  int fail_writes = 0;  // errno for every write() while set
  int fail_erases = 0;  // errno for every erase() while set
  std::size_t writes = 0;
  std::size_t bytes_written = 0;
  std::size_t erases = 0;

  Result<std::size_t, StorageError> read(std::string_view key, codec::MutableBytes out) override {
    check_key(key);
    if (fail_reads != 0) return failed(fail_reads);
    auto it = blobs.find(key);
    if (it == blobs.end()) return StorageError::NotFound;
    if (it->second.size() > out.size()) return StorageError::TooSmall;
    std::memcpy(out.data(), it->second.data(), it->second.size());
    return it->second.size();
  }
  Result<void, StorageError> write(std::string_view key, codec::Bytes data) override {
    check_key(key);
    if (fail_writes != 0) return failed(fail_writes);
    blobs[std::string(key)].assign(data.begin(), data.end());
    ++writes;
    bytes_written += data.size();
    return {};
  }
  Result<void, StorageError> erase(std::string_view key) override {
    check_key(key);
    if (fail_erases != 0) return failed(fail_erases);
    if (auto it = blobs.find(key); it != blobs.end()) {
      blobs.erase(it);
      ++erases;
    }
    return {};
  }
  int system_error() const override { return system_error_; }

  /// Keys of message slots (the queue's other blob is its 9-character slot count).
  std::size_t message_blobs() const {
    std::size_t n = 0;
    for (const auto& [key, blob] : blobs) n += key.size() == 13;
    return n;
  }

 private:
  // storage.hpp: 1..15 characters of [A-Za-z0-9_], as NVS requires.
  static void check_key(std::string_view key) {
    EXPECT_GE(key.size(), 1u);
    EXPECT_LE(key.size(), 15u);
    for (char c : key) {
      EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_')
          << key;
    }
  }
  StorageError failed(int error) {
    system_error_ = error;
    return StorageError::Failed;
  }
  int system_error_ = 0;
};

/// A session whose store may hold `max_queued` messages (the oldest is dropped beyond).
class JournaledSession {
 public:
  explicit JournaledSession(std::uint32_t max_queued = 100) {
    SessionConfig config;
    config.client_id = "esp32_a1b2c3d4e5f6";
    config.max_queued = max_queued;
    session_ = std::make_unique<Session>(config, tables_.buffers(rx_, store_));
  }
  Session& operator*() { return *session_; }
  Session* operator->() { return session_.get(); }

  /// Queues a QoS 1 (by default) message; the test's clock is irrelevant to the store.
  std::uint32_t publish(std::string_view payload, codec::QoS qos = codec::QoS::AtLeastOnce) {
    codec::Publish p{"devices/x/a", codec::as_bytes(payload), qos, false, false, 0};
    auto ticket = session_->publish(p, 0);
    EXPECT_TRUE(ticket.ok());
    return ticket ? ticket->id : 0;
  }
  /// Puts back what a queue recovered, as MQTTSetup does after a reset.
  void restore(const StorageQueue& queue) {
    for (const auto& packet : queue.recovered()) EXPECT_TRUE(session_->restore(packet, 0).ok());
  }

 private:
  std::vector<std::uint8_t> rx_ = std::vector<std::uint8_t>(4096);
  std::vector<std::uint8_t> store_ = std::vector<std::uint8_t>(16 * 1024);
  SessionStorage<> tables_;
  std::unique_ptr<Session> session_;
};

inline std::vector<std::uint8_t> publish_packet(std::string_view payload,
                                                codec::QoS qos = codec::QoS::AtLeastOnce,
                                                std::string_view topic = "devices/x/a") {
  codec::Publish p{topic, codec::as_bytes(payload), qos, false, false,
                   static_cast<std::uint16_t>(qos == codec::QoS::AtMostOnce ? 0 : 1)};
  std::vector<std::uint8_t> bytes(codec::encoded_size(codec::Packet{p}));
  EXPECT_TRUE(codec::encode(codec::Packet{p}, bytes).ok());
  return bytes;
}

inline std::vector<std::string> payloads(const StorageQueue& queue) {
  std::vector<std::string> out;
  for (const auto& packet : queue.recovered()) {
    auto d = codec::decode(packet);
    EXPECT_TRUE(d.ok());
    if (d) out.emplace_back(codec::as_text(std::get<codec::Publish>(d->packet).payload));
  }
  return out;
}

inline std::unique_ptr<StorageQueue> open_queue(Storage& storage,
                                                platform::DurableQueueSettings settings,
                                                std::string_view name = "outbox") {
  int error = 0;
  auto queue = StorageQueue::open(storage, name, settings, error);
  EXPECT_TRUE(queue) << std::strerror(error);
  return queue;
}

/// Writes at once (queue_file_sync_ms = 0), 32 messages / 4,096 B.
inline platform::DurableQueueSettings immediate() { return {0, 32, 4096}; }

}  // namespace mqtt_setup::testing
