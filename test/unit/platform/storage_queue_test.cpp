// StorageQueue (src/platform/storage_queue.hpp), the durable outbox ESP32 keeps in NVS, run on
// the host through the Storage interface. A "reset" is the queue and its session destroyed
// with nothing else happening, then both built again over the same storage.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "mqtt_setup/platform.hpp"
#include "storage_queue_fixture.hpp"

namespace mqtt_setup::testing {
namespace {

using Strings = std::vector<std::string>;

TEST(StorageQueue, UndeliveredMessagesSurviveResetInOrder) {
  MemoryStorage storage;
  {
    auto queue = open_queue(storage, immediate());
    EXPECT_TRUE(queue->recovered().empty());
    queue->stored(1, publish_packet("one"));
    queue->stored(2, publish_packet("two"));
    queue->stored(3, publish_packet("three"));
    queue->removed(1);
    queue->stored(4, publish_packet("four"));  // reuses the first slot: order is by sequence
  }
  auto queue = open_queue(storage, immediate());
  EXPECT_EQ(payloads(*queue), (Strings{"two", "three", "four"}));
  EXPECT_EQ(queue->durable_messages(), 3u);
}

TEST(StorageQueue, AcknowledgedMessagesAreErased) {
  MemoryStorage storage;
  {
    auto queue = open_queue(storage, immediate());
    for (std::uint32_t t = 1; t <= 5; ++t) queue->stored(t, publish_packet("m"));
    EXPECT_EQ(storage.message_blobs(), 5u);
    for (std::uint32_t t = 1; t <= 5; ++t) queue->removed(t);
    EXPECT_EQ(storage.message_blobs(), 0u);
    queue->removed(9);  // never stored: nothing to do
  }
  auto queue = open_queue(storage, immediate());
  EXPECT_TRUE(queue->recovered().empty());
  EXPECT_EQ(queue->durable_bytes(), 0u);
}

// The figures of docs/durable_outbox.md: the deep-sleep document's typical reading.
TEST(StorageQueue, WearPerMessageAndPerAcknowledgement) {
  MemoryStorage storage;
  auto queue = open_queue(storage, immediate());
  const std::size_t open_writes = storage.writes;
  EXPECT_EQ(open_writes, 1u);  // the slot count, once: the first open of this queue
  const auto reading = publish_packet("21.5C 45%RH 1013", codec::QoS::AtLeastOnce,
                                      "devices/esp32_a1b2c3d4e5f6/sensors/temperature");
  ASSERT_EQ(reading.size(), 68u);

  queue->stored(1, reading);
  EXPECT_EQ(storage.writes - open_writes, 1u);
  EXPECT_EQ(storage.bytes_written - 13, 13u + 68u);  // 13 B for the slot count blob
  const std::size_t erases_before = storage.erases;
  queue->removed(1);
  EXPECT_EQ(storage.writes - open_writes, 1u);  // the acknowledgement writes nothing
  EXPECT_EQ(storage.erases - erases_before, 1u);
  EXPECT_EQ(queue->stats().writes, 2u);
  EXPECT_EQ(queue->stats().erases, 1u);
  std::cout << "[ figures  ] per QoS 1 message of 68 B: 1 write of " << 13 + 68
            << " B; per acknowledgement: 0 writes, 1 erase\n";

  // A second open of the same queue writes nothing at all.
  const std::size_t writes = storage.writes;
  open_queue(storage, immediate());
  EXPECT_EQ(storage.writes, writes);
}

TEST(StorageQueue, QoS0IsNeverWritten) {
  MemoryStorage storage;
  auto queue = open_queue(storage, immediate());
  const std::size_t writes = storage.writes;
  queue->stored(1, publish_packet("fire and forget", codec::QoS::AtMostOnce));
  queue->stored(2, publish_packet("exactly once", codec::QoS::ExactlyOnce));
  EXPECT_EQ(storage.writes - writes, 1u);
  EXPECT_EQ(payloads(*open_queue(storage, immediate())), (Strings{"exactly once"}));
}

TEST(StorageQueue, RestoredSessionRewritesNothingWhenNothingChanged) {
  MemoryStorage storage;
  {
    JournaledSession session;
    auto queue = open_queue(storage, immediate());
    session->set_journal(queue.get());
    session.publish("a");
    session.publish("b");
    session.publish("c");
  }
  for (int reset = 0; reset < 3; ++reset) {
    JournaledSession session;
    auto queue = open_queue(storage, immediate());
    EXPECT_EQ(payloads(*queue), (Strings{"a", "b", "c"}));
    session.restore(*queue);  // as MQTTSetup does: restore, rewrite, then journal
    const std::size_t writes = storage.writes;
    const std::size_t erases = storage.erases;
    EXPECT_TRUE(queue->rewrite(*session));
    EXPECT_EQ(storage.writes, writes) << "a restored message was written again";
    EXPECT_EQ(storage.erases, erases);
    session->set_journal(queue.get());
    queue->maintain(*session, 5000, 0);
    EXPECT_EQ(storage.writes, writes);
  }
}

TEST(StorageQueue, RewriteErasesWhatTheSessionNoLongerHolds) {
  MemoryStorage storage;
  {
    auto queue = open_queue(storage, immediate());
    queue->stored(1, publish_packet("a"));
    queue->stored(2, publish_packet("b"));
    queue->stored(3, publish_packet("c"));
  }
  {
    JournaledSession session(2);  // room for two: restoring "c" drops "a"
    auto queue = open_queue(storage, immediate());
    session.restore(*queue);
    const std::size_t writes = storage.writes;
    EXPECT_TRUE(queue->rewrite(*session));
    EXPECT_EQ(storage.writes, writes);
    EXPECT_EQ(storage.message_blobs(), 2u);
  }
  EXPECT_EQ(payloads(*open_queue(storage, immediate())), (Strings{"b", "c"}));
}

// The default (queue_file_sync_ms = 1000): a message acknowledged within the interval never
// reaches the flash; one still waiting is written within two intervals.
TEST(StorageQueue, DeferredWritesSkipMessagesAcknowledgedInTime) {
  MemoryStorage storage;
  JournaledSession session(1);  // each new message drops the one before: an "acknowledgement"
  auto queue = open_queue(storage, {1000, 32, 4096});
  session->set_journal(queue.get());
  const std::size_t writes = storage.writes;

  EXPECT_EQ(queue->next_maintenance(), kNever);
  session.publish("acknowledged in time");
  EXPECT_EQ(queue->next_maintenance(), 0u);  // a driver runs maintain() at once
  queue->maintain(*session, 0, 0);
  EXPECT_EQ(queue->next_maintenance(), 1000u);
  queue->maintain(*session, 999, 0);
  EXPECT_EQ(storage.writes, writes);
  session.publish("still waiting");  // removes the first from the store
  queue->maintain(*session, 1000, 0);
  EXPECT_EQ(storage.writes, writes) << "written before it waited an interval";
  EXPECT_TRUE(queue->behind());
  EXPECT_EQ(queue->next_maintenance(), 2000u);
  queue->maintain(*session, 2000, 0);
  EXPECT_EQ(storage.writes, writes + 1);
  EXPECT_FALSE(queue->behind());
  EXPECT_EQ(queue->next_maintenance(), kNever);
  queue->maintain(*session, 3000, 0);
  EXPECT_EQ(storage.writes, writes + 1);
  EXPECT_EQ(payloads(*open_queue(storage, immediate())), (Strings{"still waiting"}));
}

TEST(StorageQueue, DamagedBlobIsDiscardedAndErased) {
  MemoryStorage storage;
  {
    auto queue = open_queue(storage, immediate());
    queue->stored(1, publish_packet("kept"));
    queue->stored(2, publish_packet("damaged"));
  }
  ASSERT_EQ(storage.message_blobs(), 2u);
  for (auto& [key, blob] : storage.blobs) {
    if (key.ends_with("_001")) blob[blob.size() / 2] ^= 0x40;  // slot 1: "damaged"
  }
  JournaledSession session;
  auto queue = open_queue(storage, immediate());
  EXPECT_EQ(payloads(*queue), (Strings{"kept"}));
  EXPECT_EQ(queue->stats().discarded, 1u);
  session.restore(*queue);
  EXPECT_TRUE(queue->rewrite(*session));
  EXPECT_EQ(storage.message_blobs(), 1u);
}

TEST(StorageQueue, QueuesWithDifferentNamesAreSeparate) {
  MemoryStorage storage;
  open_queue(storage, immediate(), "/data/outbox")->stored(1, publish_packet("first"));
  open_queue(storage, immediate(), "other")->stored(1, publish_packet("second"));
  EXPECT_EQ(payloads(*open_queue(storage, immediate(), "/data/outbox")), (Strings{"first"}));
  EXPECT_EQ(payloads(*open_queue(storage, immediate(), "other")), (Strings{"second"}));
}

// The same queue over the Linux file storage: a real re-open from disk, new objects throughout.
TEST(StorageQueue, SurvivesReopenOverFileStorage) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("storage_queue_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    int error = 0;
    auto storage = platform::default_storage(dir.string(), error);
    ASSERT_TRUE(storage) << error;
    auto queue = StorageQueue::open(std::move(storage), "outbox", immediate(), error);
    ASSERT_TRUE(queue) << error;
    queue->stored(7, publish_packet("on disk"));
    queue->stored(8, publish_packet("acknowledged"));
    queue->removed(8);
  }
  int error = 0;
  auto queue = StorageQueue::open(platform::default_storage(dir.string(), error), "outbox",
                                  immediate(), error);
  ASSERT_TRUE(queue) << error;
  EXPECT_EQ(payloads(*queue), (Strings{"on disk"}));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mqtt_setup::testing
