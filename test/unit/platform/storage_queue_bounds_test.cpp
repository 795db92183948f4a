// StorageQueue's limits and faults: the quota (Options::queue_file_messages / _bytes), a
// storage that refuses, and a quota lowered by a firmware update.
#include <gtest/gtest.h>

#include <cerrno>

#include "storage_queue_fixture.hpp"

namespace mqtt_setup::testing {
namespace {

using Strings = std::vector<std::string>;

TEST(StorageQueueBounds, MessageCountQuotaKeepsTheOldestAndCatchesUpInOrder) {
  MemoryStorage storage;
  JournaledSession session(3);
  auto queue = open_queue(storage, {0, 2, 4096});
  session->set_journal(queue.get());
  session.publish("m1");
  session.publish("m2");
  session.publish("m3");  // no room in the storage: kept in RAM, counted
  EXPECT_EQ(queue->durable_messages(), 2u);
  EXPECT_EQ(queue->stats().over_quota, 1u);
  EXPECT_TRUE(queue->behind());
  EXPECT_EQ(payloads(*open_queue(storage, {0, 2, 4096})), (Strings{"m1", "m2"}));

  queue->maintain(*session, 10, 0);  // still full: nothing is tried, no wake-up asked for
  EXPECT_EQ(queue->stats().over_quota, 1u);
  EXPECT_EQ(queue->next_maintenance(), kNever);
  session.publish("m4");  // the store drops m1, which frees a slot
  EXPECT_EQ(queue->durable_messages(), 1u);
  EXPECT_LE(queue->next_maintenance(), 20u);  // room freed: due
  queue->maintain(*session, 20, 0);  // m3 before m4: the order holds
  EXPECT_EQ(queue->durable_messages(), 2u);
  EXPECT_EQ(payloads(*open_queue(storage, {0, 2, 4096})), (Strings{"m2", "m3"}));
  EXPECT_EQ(storage.message_blobs(), 2u);
}

TEST(StorageQueueBounds, ByteQuotaBoundsTheRecords) {
  MemoryStorage storage;
  const std::size_t record = 13 + publish_packet("0123456789").size();
  auto queue = open_queue(storage, {0, 32, 2 * record + record / 2});
  for (std::uint32_t t = 1; t <= 4; ++t) queue->stored(t, publish_packet("0123456789"));
  EXPECT_EQ(queue->durable_messages(), 2u);
  EXPECT_EQ(queue->durable_bytes(), 2 * record);
  EXPECT_EQ(storage.message_blobs(), 2u);
  EXPECT_GE(queue->stats().over_quota, 1u);
  // Larger than the whole quota: never written, and said so.
  auto small = open_queue(storage, {0, 32, 20}, "small");
  small->stored(1, publish_packet("does not fit in 20 bytes"));
  EXPECT_EQ(small->durable_messages(), 0u);
  EXPECT_EQ(small->stats().over_quota, 1u);
}

TEST(StorageQueueBounds, WriteErrorReachesTheCallerAndIsRetried) {
  MemoryStorage storage;
  JournaledSession session;
  auto queue = open_queue(storage, immediate());
  session->set_journal(queue.get());
  storage.fail_writes = ENOSPC;  // NVS full
  session.publish("x");
  EXPECT_EQ(queue->write_error(), ENOSPC);
  EXPECT_EQ(queue->stats().write_failures, 1u);
  EXPECT_TRUE(queue->behind());
  // What MQTTSetup checks after open; it reports write_error() as a Storage error.
  EXPECT_FALSE(queue->rewrite(*session));
  EXPECT_EQ(queue->stats().write_failures, 2u);
  storage.fail_writes = 0;
  queue->maintain(*session, 0, 0);  // the retry waits a second
  EXPECT_EQ(queue->next_maintenance(), 1000u);
  queue->maintain(*session, 999, 0);
  EXPECT_EQ(queue->durable_messages(), 0u);
  queue->maintain(*session, 1000, 0);
  EXPECT_EQ(queue->durable_messages(), 1u);
  EXPECT_FALSE(queue->behind());
  EXPECT_EQ(payloads(*open_queue(storage, immediate())), (Strings{"x"}));
}

TEST(StorageQueueBounds, FailedEraseIsRetriedByMaintain) {
  MemoryStorage storage;
  JournaledSession session(1);
  auto queue = open_queue(storage, immediate());
  session->set_journal(queue.get());
  session.publish("delivered");
  storage.fail_erases = EIO;
  session.publish("next");  // drops "delivered": its erase fails
  EXPECT_EQ(queue->write_error(), EIO);
  EXPECT_TRUE(queue->behind());
  storage.fail_erases = 0;
  queue->maintain(*session, 0, 0);
  queue->maintain(*session, 1000, 0);
  EXPECT_FALSE(queue->behind());
  EXPECT_EQ(payloads(*open_queue(storage, immediate())), (Strings{"next"}));
}

TEST(StorageQueueBounds, UnreadableStorageFailsOpenWithItsErrno) {
  MemoryStorage storage;
  storage.fail_reads = ENODEV;  // NVS: nvs_flash_init() has not run
  int error = 0;
  EXPECT_EQ(StorageQueue::open(storage, "outbox", immediate(), error), nullptr);
  EXPECT_EQ(error, ENODEV);
  storage.fail_reads = 0;
  storage.fail_writes = EROFS;  // the slot count cannot be written
  EXPECT_EQ(StorageQueue::open(storage, "outbox", immediate(), error), nullptr);
  EXPECT_EQ(error, EROFS);
}

TEST(StorageQueueBounds, SmallerQuotaAfterAnUpdateStillRecoversEverything) {
  MemoryStorage storage;
  {
    auto queue = open_queue(storage, {0, 8, 4096});
    for (std::uint32_t t = 1; t <= 6; ++t) queue->stored(t, publish_packet(std::to_string(t)));
  }
  JournaledSession session(3);
  auto queue = open_queue(storage, {0, 2, 4096});
  EXPECT_EQ(payloads(*queue), (Strings{"1", "2", "3", "4", "5", "6"}));
  session.restore(*queue);  // the store keeps the newest three
  const std::size_t writes = storage.writes;
  EXPECT_TRUE(queue->rewrite(*session));
  EXPECT_EQ(storage.writes, writes);  // kept where they are, in the higher slots
  EXPECT_EQ(payloads(*open_queue(storage, {0, 2, 4096})), (Strings{"4", "5", "6"}));
  session->set_journal(queue.get());
  session.publish("7");  // drops 4; no room below the new quota yet
  EXPECT_EQ(queue->durable_messages(), 2u);
  session.publish("8");  // drops 5
  session.publish("9");  // drops 6: the higher slots are empty now
  queue->maintain(*session, 0, 0);
  EXPECT_EQ(payloads(*open_queue(storage, {0, 2, 4096})), (Strings{"7", "8"}));
  EXPECT_EQ(storage.message_blobs(), 2u);
  // The slot count blob came down to 2: a reopen reads two slots, not eight.
  for (const auto& [key, blob] : storage.blobs) {
    if (key.size() == 9) {
      EXPECT_EQ(blob[1], 2u) << "slot count blob " << key;
    }
  }
}

}  // namespace
}  // namespace mqtt_setup::testing
