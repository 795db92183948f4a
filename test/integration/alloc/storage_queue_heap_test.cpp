// "No heap after setup" (DESIGN.md, Memory) for the storage-backed durable outbox (ESP32's
// Options::queue_file): after StorageQueue::open(), messages written, acknowledged (erased),
// deferred, refused by a full quota and by a failing storage allocate nothing. The Storage here
// keeps its blobs in fixed arrays, as NVS keeps them in flash, so any allocation counted is
// the queue's. Its own program: the allocation counter replaces malloc for the whole process.
#include <gtest/gtest.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

#include "integration/alloc/allocation_counter.hpp"
#include "mqtt_setup/session.hpp"
#include "platform/storage_queue.hpp"

namespace mqtt_setup {
namespace {

class FixedStorage final : public Storage {
 public:
  int fail_writes = 0;

  Result<std::size_t, StorageError> read(std::string_view key, codec::MutableBytes out) override {
    const Blob* blob = find(key);
    if (blob == nullptr) return StorageError::NotFound;
    if (blob->size > out.size()) return StorageError::TooSmall;
    std::memcpy(out.data(), blob->data.data(), blob->size);
    return blob->size;
  }
  Result<void, StorageError> write(std::string_view key, codec::Bytes data) override {
    Blob* blob = find(key);
    if (blob == nullptr) blob = find({});
    if (fail_writes != 0 || blob == nullptr || data.size() > blob->data.size()) {
      error_ = fail_writes != 0 ? fail_writes : ENOSPC;
      return StorageError::Failed;
    }
    blob->key_size = key.size();
    std::memcpy(blob->key.data(), key.data(), key.size());
    std::memcpy(blob->data.data(), data.data(), data.size());
    blob->size = data.size();
    return {};
  }
  Result<void, StorageError> erase(std::string_view key) override {
    if (Blob* blob = find(key)) blob->key_size = 0;
    return {};
  }
  int system_error() const override { return error_; }

 private:
  struct Blob {
    std::array<char, 15> key{};
    std::size_t key_size = 0;  // 0: free
    std::array<std::uint8_t, 256> data{};
    std::size_t size = 0;
  };
  Blob* find(std::string_view key) {
    for (Blob& blob : blobs_) {
      if (std::string_view{blob.key.data(), blob.key_size} == key) return &blob;
    }
    return nullptr;
  }
  std::array<Blob, 16> blobs_{};
  int error_ = 0;
};

TEST(StorageQueueHeap, NothingAllocatedAfterOpen) {
  for (const std::uint32_t sync_ms : {0u, 1000u}) {
    FixedStorage storage;
    std::vector<std::uint8_t> rx(4096);
    std::vector<std::uint8_t> store(16 * 1024);
    SessionConfig config;
    config.client_id = "esp32_a1b2c3d4e5f6";
    config.max_queued = 6;  // beyond, the oldest is dropped: the queue erases its blob
    SessionStorage<> tables;
    Session session(config, tables.buffers(rx, store));
    int error = 0;
    auto queue = StorageQueue::open(storage, "outbox", {sync_ms, 4, 1024}, error);
    ASSERT_TRUE(queue) << error;
    session.set_journal(queue.get());

    alloc_test::start_counting();
    Millis now = 0;
    for (int i = 0; i < 200; ++i) {
      storage.fail_writes = (i % 50) >= 45 ? EIO : 0;  // now and then a failing medium
      const codec::Publish reading{"devices/esp32_a1b2c3d4e5f6/sensors/temperature",
                                   codec::as_bytes("21.5C 45%RH 1013"), codec::QoS::AtLeastOnce,
                                   false, false, 0};
      (void)session.publish(reading, now);
      now += 400;
      queue->maintain(session, now, 0);
    }
    storage.fail_writes = 0;
    now += 3000;
    queue->maintain(session, now, 0);
    (void)queue->rewrite(session);
    const std::uint64_t allocations = alloc_test::stop_counting();

    EXPECT_EQ(allocations, 0u) << "sync " << sync_ms << " ms";
    if (allocations != 0) alloc_test::print_recorded_sites();
    EXPECT_EQ(queue->durable_messages(), 4u);  // the quota: the oldest four of the six stored
    EXPECT_GT(queue->stats().write_failures, 0u);
    EXPECT_GT(queue->stats().erases, 0u);
  }
}

}  // namespace
}  // namespace mqtt_setup
