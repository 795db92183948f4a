// The durable outbox on Linux: a file that keeps the store's undelivered messages across a
// crash or restart. It follows the session as its StoreJournal: an append-only log of
// "stored" (the encoded PUBLISH) and "removed" records, each closed by a CRC-32, so a record
// torn by a crash mid-write is recognised and cut off while every record before it stays valid.
//
// Durability: every record is written to the kernel at once (it survives kill -9); fdatasync()
// runs at most every `sync_interval_ms` (0: after every record) against power loss.
// The log is rewritten from the session's live messages when it grows (compact()).
// Threading: called under the owner's lock, like the session.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mqtt_setup/platform.hpp"
#include "mqtt_setup/session_types.hpp"
#include "mqtt_setup/store_journal.hpp"

namespace mqtt_setup {

class OutboxFile final : public platform::DurableQueue {
 public:
  /// Opens (or creates) the log and reads what a previous run left undelivered. The log starts
  /// with a magic and a format version; a non-empty file without them is refused untouched.
  /// On failure returns nullptr and sets `error_number` (errno, or platform::kForeignQueueFile).
  static std::unique_ptr<OutboxFile> open(const std::string& path, std::uint32_t sync_interval_ms,
                                          int& error_number);
  ~OutboxFile() override;
  OutboxFile(const OutboxFile&) = delete;
  OutboxFile& operator=(const OutboxFile&) = delete;

  /// Encoded PUBLISH packets still undelivered when the file was opened, oldest first.
  const std::vector<std::vector<std::uint8_t>>& recovered() const override { return recovered_; }
  /// Bytes of a torn or corrupt tail that open() cut off (0 when the file was clean).
  std::uint64_t discarded_bytes() const { return discarded_; }

  void stored(std::uint32_t ticket, codec::Bytes packet) override;
  void removed(std::uint32_t ticket) override;

  /// Replaces the log with one "stored" record per message the session still holds.
  bool rewrite(const Session& session) override;
  /// rewrite() when the log has grown past `threshold` bytes; when the sync interval is due,
  /// marks a sync due (sync_due()), which run_sync() does outside the owner's lock.
  void maintain(const Session& session, Millis now, std::uint64_t threshold) override;
  bool sync_due() const override { return sync_due_; }
  void run_sync() override;

  std::uint64_t size() const { return size_; }
  /// The last write error (errno), 0 if none: the log keeps going but is not durable then.
  int write_error() const override { return write_error_; }
  /// The next fdatasync, when records wait for one.
  Millis next_maintenance() const override {
    return dirty_ ? last_sync_ + sync_interval_ms_ : kNever;
  }

 private:
  OutboxFile(std::string path, int fd, std::uint32_t sync_interval_ms);
  bool read_existing();
  void append(std::uint8_t kind, std::uint32_t ticket, codec::Bytes packet);

  std::string path_;
  int fd_ = -1;
  std::uint32_t sync_interval_ms_;
  Millis last_sync_ = 0;
  bool dirty_ = false;
  bool sync_due_ = false;  // maintain() found a sync due; run_sync() does it
  std::uint64_t size_ = 0;
  std::uint64_t discarded_ = 0;
  int write_error_ = 0;
  bool foreign_ = false;  // open() found a file without our header: refused, left untouched
  std::vector<std::vector<std::uint8_t>> recovered_;
};

}  // namespace mqtt_setup
