// The durable outbox over a Storage (include/mqtt_setup/storage.hpp): what Options::queue_file
// gives on ESP32, where the Storage is NVS. Platform-neutral, so its logic runs in host tests.
//
// Shape, chosen for flash that wears and a store of named blobs:
// - One blob per QoS 1/2 message, in a fixed set of slots: key "q" + 8 hex digits of the
//   CRC-32 of the queue's name + "_" + 3 hex digits of the slot (13 characters; NVS allows 15).
//   A blob is one record of src/platform/journal_record.hpp (the outbox file's format) whose
//   number is a sequence number: slots are reused, the numbers give the order back.
// - Delivered or dropped: the slot's blob is erased (on NVS that marks entries, writes none).
//   Queued: one write of 13 bytes + the PUBLISH. Nothing else is written per message.
// - Deferred writes (sync_interval_ms > 0): a message is written only once it has waited that
//   long unacknowledged (checked by maintain(), so between one and two intervals after it was
//   queued); one acknowledged sooner never touches the flash. 0: written inside publish().
//   QoS 0 messages are never written (at most once promises nothing across a reset).
// - Bounded: at most max_messages slots and max_bytes of records. A message that finds no room
//   stays in RAM (the session still sends it) and is counted; it is written, in order, when
//   room frees up. The durable messages always come back in the order they were published.
// - One more blob, key "q" + 8 hex digits, holds the slot count (a record of kind 'N'), so a
//   smaller max_messages after a firmware update still finds the messages in higher slots.
//
// No allocation after open(): the slot table and one record buffer (max_bytes) are sized there.
// Threading: called under the owner's lock, like the session.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "mqtt_setup/platform.hpp"
#include "mqtt_setup/storage.hpp"

namespace mqtt_setup {

class StorageQueue final : public platform::DurableQueue {
 public:
  /// What went to the storage since open(), for wear figures and error counts.
  struct Stats {
    std::uint64_t writes = 0;          // Storage::write() calls that succeeded
    std::uint64_t bytes_written = 0;   // bytes they wrote
    std::uint64_t erases = 0;          // Storage::erase() calls that succeeded
    std::uint64_t write_failures = 0;  // write() or erase() the storage refused (write_error())
    std::uint64_t over_quota = 0;      // a message found no room within the quota (kept in RAM)
    std::uint64_t discarded = 0;       // damaged blobs found by open() (erased by rewrite())
  };

  /// Opens the queue `name` in `storage` (which must outlive it) and reads what a previous run
  /// left. nullptr with `error_number` (errno) when the storage cannot be read or written.
  static std::unique_ptr<StorageQueue> open(Storage& storage, std::string_view name,
                                            const platform::DurableQueueSettings& settings,
                                            int& error_number);
  /// The same, owning the storage.
  static std::unique_ptr<StorageQueue> open(std::unique_ptr<Storage> storage,
                                            std::string_view name,
                                            const platform::DurableQueueSettings& settings,
                                            int& error_number);
  StorageQueue(const StorageQueue&) = delete;
  StorageQueue& operator=(const StorageQueue&) = delete;

  const std::vector<std::vector<std::uint8_t>>& recovered() const override { return recovered_; }
  void stored(std::uint32_t ticket, codec::Bytes packet) override;
  void removed(std::uint32_t ticket) override;
  /// Makes the storage hold the session's QoS 1/2 messages, in order, within the quota:
  /// keeps what is already there (a message restored from it is not written again), erases
  /// what the session no longer holds, writes the rest. false when the storage refused.
  bool rewrite(const Session& session) override;
  /// Writes deferred messages once due, retries after a failure (at most once a second), and
  /// fills room that freed up. `threshold` is the file's; there is no log to compact here.
  void maintain(const Session& session, Millis now, std::uint64_t threshold) override;
  int write_error() const override { return write_error_; }
  Millis next_maintenance() const override;

  const Stats& stats() const { return stats_; }
  /// Messages and bytes of records in the storage now.
  std::uint32_t durable_messages() const { return used_messages_; }
  std::size_t durable_bytes() const { return used_bytes_; }
  /// Whether a QoS 1/2 message the session holds is not in the storage (deferred, no room, or
  /// a failed write).
  bool behind() const { return unwritten_ || stale_; }

 private:
  enum class SlotState : std::uint8_t {
    Free,
    Live,   // holds the message with `ticket`
    Found,  // holds a blob of a previous run (or one an erase failed to remove): no ticket
  };
  struct Slot {
    std::uint32_t sequence = 0;  // 0: damaged, never claimed
    std::uint32_t ticket = 0;
    std::uint32_t bytes = 0;
    std::int32_t recovered_index = -1;  // its packet in recovered_, for Found slots
    SlotState state = SlotState::Free;
    bool claimed = false;  // rewrite(): a message of the session keeps this slot
  };
  enum class Write : std::uint8_t { Written, NoRoom, Failed };
  struct Walk;  // rewrite()'s state while it visits the session's messages

  StorageQueue(Storage& storage, std::unique_ptr<Storage> owned,
               const platform::DurableQueueSettings& settings);
  bool read_existing(std::string_view name, int& error_number);
  void slot_key(std::size_t index, char (&key)[16]) const;
  Write write_slot(std::uint32_t ticket, codec::Bytes packet);
  bool erase_slot(Slot& slot, std::size_t index);
  Slot* live_slot(std::uint32_t ticket);
  /// rewrite(), writing only messages with tickets up to `last_due` unless `all_due`.
  bool rewrite(const Session& session, std::uint32_t last_due, bool all_due);
  bool write_slot_count(std::uint32_t count);
  void fail(std::uint64_t& counter);
  Millis wait() const;       // before maintain() writes what is behind
  bool waits_for_room() const;

  Storage& storage_;
  std::unique_ptr<Storage> owned_;
  platform::DurableQueueSettings settings_;
  char prefix_[10] = {};                 // "q" + 8 hex digits, NUL-terminated
  std::vector<Slot> slots_;              // every slot a run may have used
  std::uint32_t capacity_ = 0;           // new messages go only into the first `capacity_`
  std::uint32_t stored_slot_count_ = 0;  // what the count blob says
  std::vector<std::uint8_t> buffer_;     // one record
  std::vector<std::vector<std::uint8_t>> recovered_;
  std::uint32_t next_sequence_ = 1;
  std::uint32_t used_messages_ = 0;
  std::size_t used_bytes_ = 0;
  bool unwritten_ = false;   // a QoS 1/2 message of the session is not in the storage
  bool stale_ = false;       // a blob could not be erased: rewrite() tries again
  bool no_room_ = false;     // the last write found the quota full
  bool room_freed_ = false;  // an erase since then
  bool failed_ = false;      // the last write or erase failed
  bool waiting_ = false;     // maintain() measures since `behind_since_`
  Millis behind_since_ = 0;
  std::uint32_t newest_ticket_ = 0;  // of the last QoS 1/2 message stored
  std::uint32_t due_ticket_ = 0;     // messages up to this one are due at behind_since_ + wait
  int write_error_ = 0;
  Stats stats_;
};

}  // namespace mqtt_setup
