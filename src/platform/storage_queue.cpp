// The durable outbox over a Storage; the design and its reasons are in storage_queue.hpp, the
// flash wear it causes on ESP32 in docs/durable_outbox.md. Compiled on every platform.
#include "storage_queue.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <numeric>

#include "mqtt_setup/session.hpp"  // Session::for_each_pending
#include "platform/journal_record.hpp"

namespace mqtt_setup {

namespace {

// Slot numbers are 3 hex digits of the key.
constexpr std::uint32_t kMaxSlots = 0x1000;
// After a failed write, the storage is asked again no sooner than this.
constexpr Millis kRetryMs = 1000;
// Blobs larger than the record buffer (written with a larger max_bytes) are read at open()
// with a temporary buffer of up to this size.
constexpr std::size_t kLargestReadableRecord = 1024 * 1024;

bool at_least_once(codec::Bytes packet) {
  return !packet.empty() && ((packet[0] >> 1) & 3) != 0;  // PUBLISH QoS bits, [MQTT-3.3.1]
}

char hex_digit(std::uint32_t value) { return "0123456789abcdef"[value & 0xF]; }

}  // namespace

std::unique_ptr<StorageQueue> StorageQueue::open(Storage& storage, std::string_view name,
                                                 const platform::DurableQueueSettings& settings,
                                                 int& error_number) {
  std::unique_ptr<StorageQueue> queue(new StorageQueue(storage, nullptr, settings));
  if (!queue->read_existing(name, error_number)) return nullptr;
  error_number = 0;
  return queue;
}

std::unique_ptr<StorageQueue> StorageQueue::open(std::unique_ptr<Storage> storage,
                                                 std::string_view name,
                                                 const platform::DurableQueueSettings& settings,
                                                 int& error_number) {
  if (!storage) {
    error_number = EINVAL;
    return nullptr;
  }
  Storage& medium = *storage;
  std::unique_ptr<StorageQueue> queue(new StorageQueue(medium, std::move(storage), settings));
  if (!queue->read_existing(name, error_number)) return nullptr;
  error_number = 0;
  return queue;
}

StorageQueue::StorageQueue(Storage& storage, std::unique_ptr<Storage> owned,
                           const platform::DurableQueueSettings& settings)
    : storage_(storage),
      owned_(std::move(owned)),
      settings_(settings),
      capacity_(std::min(settings.max_messages, kMaxSlots)),
      buffer_(std::max(settings.max_bytes, journal_record::size(0))) {}

void StorageQueue::slot_key(std::size_t index, char (&key)[16]) const {
  std::memcpy(key, prefix_, 9);
  key[9] = '_';
  for (int i = 0; i < 3; ++i) {
    key[10 + i] = hex_digit(static_cast<std::uint32_t>(index >> (8 - 4 * i)));
  }
  key[13] = '\0';
}

void StorageQueue::fail(std::uint64_t& counter) {
  ++counter;
  failed_ = true;
  write_error_ = storage_.system_error() != 0 ? storage_.system_error() : EIO;
}

bool StorageQueue::write_slot_count(std::uint32_t count) {
  std::uint8_t record[journal_record::size(0)];
  journal_record::encode(journal_record::kSlots, count, {}, record);
  if (!storage_.write(prefix_, record)) {
    fail(stats_.write_failures);
    return false;
  }
  ++stats_.writes;
  stats_.bytes_written += sizeof record;
  stored_slot_count_ = count;
  return true;
}

bool StorageQueue::read_existing(std::string_view name, int& error_number) {
  const std::uint32_t name_crc =
      crc32(0, reinterpret_cast<const std::uint8_t*>(name.data()), name.size());
  prefix_[0] = 'q';
  for (int i = 0; i < 8; ++i) prefix_[1 + i] = hex_digit(name_crc >> (28 - 4 * i));
  prefix_[9] = '\0';

  std::uint8_t count_record[journal_record::size(0)];
  auto count = storage_.read(prefix_, count_record);
  if (count) {
    auto record = journal_record::decode({count_record, *count});
    if (record && record->kind == journal_record::kSlots) {
      stored_slot_count_ = std::min(record->number, kMaxSlots);
    }
  } else if (count.error() == StorageError::Failed) {
    error_number = storage_.system_error() != 0 ? storage_.system_error() : EIO;
    return false;
  }
  // Before any message goes into a slot the count blob does not cover.
  if (stored_slot_count_ < capacity_ && !write_slot_count(capacity_)) {
    error_number = write_error_;
    return false;
  }
  slots_.resize(std::max(stored_slot_count_, capacity_));

  std::vector<std::uint8_t> large;
  for (std::size_t index = 0; index < slots_.size(); ++index) {
    char key[16];
    slot_key(index, key);
    std::span<std::uint8_t> into = buffer_;
    auto read = storage_.read(key, into);
    while (!read && read.error() == StorageError::TooSmall &&
           into.size() < kLargestReadableRecord) {
      large.resize(into.size() * 2);
      into = large;
      read = storage_.read(key, into);
    }
    if (!read && read.error() == StorageError::NotFound) continue;
    if (!read && read.error() == StorageError::Failed) {
      error_number = storage_.system_error() != 0 ? storage_.system_error() : EIO;
      return false;
    }
    Slot& slot = slots_[index];
    slot.state = SlotState::Found;
    ++used_messages_;
    if (!read) {  // larger than any record this queue writes: not ours, rewrite() erases it
      ++stats_.discarded;
      continue;
    }
    const auto record = journal_record::decode(into.first(*read));
    if (!record || record->kind != journal_record::kStored || record->number == 0 ||
        !at_least_once(record->packet)) {
      ++stats_.discarded;  // torn or damaged: rewrite() erases it
      continue;
    }
    slot.sequence = record->number;
    slot.bytes = static_cast<std::uint32_t>(record->size);
    used_bytes_ += record->size;
    slot.recovered_index = static_cast<std::int32_t>(recovered_.size());
    recovered_.emplace_back(record->packet.begin(), record->packet.end());
    next_sequence_ = std::max(next_sequence_, record->number + 1);
  }
  // recovered(): oldest first, by sequence number.
  std::vector<std::size_t> order(recovered_.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::vector<std::uint32_t> sequence_of(recovered_.size());
  for (const Slot& slot : slots_) {
    if (slot.recovered_index >= 0) {
      sequence_of[static_cast<std::size_t>(slot.recovered_index)] = slot.sequence;
    }
  }
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return sequence_of[a] < sequence_of[b]; });
  std::vector<std::vector<std::uint8_t>> sorted;
  sorted.reserve(recovered_.size());
  std::vector<std::int32_t> new_index(recovered_.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    new_index[order[i]] = static_cast<std::int32_t>(i);
    sorted.push_back(std::move(recovered_[order[i]]));
  }
  recovered_ = std::move(sorted);
  for (Slot& slot : slots_) {
    if (slot.recovered_index >= 0) {
      slot.recovered_index = new_index[static_cast<std::size_t>(slot.recovered_index)];
    }
  }
  return true;
}

StorageQueue::Slot* StorageQueue::live_slot(std::uint32_t ticket) {
  for (Slot& slot : slots_) {
    if (slot.state == SlotState::Live && slot.ticket == ticket) return &slot;
  }
  return nullptr;
}

StorageQueue::Write StorageQueue::write_slot(std::uint32_t ticket, codec::Bytes packet) {
  const std::size_t size = journal_record::size(packet.size());
  if (size > buffer_.size() || used_messages_ >= capacity_ ||
      used_bytes_ + size > settings_.max_bytes) {
    ++stats_.over_quota;
    no_room_ = true;
    room_freed_ = false;
    return Write::NoRoom;
  }
  // Slots at or past capacity_ count in used_messages_, so one below capacity_ is free.
  std::size_t index = 0;
  while (slots_[index].state != SlotState::Free) ++index;
  journal_record::encode(journal_record::kStored, next_sequence_, packet, buffer_.data());
  char key[16];
  slot_key(index, key);
  if (!storage_.write(key, {buffer_.data(), size})) {
    fail(stats_.write_failures);
    return Write::Failed;
  }
  Slot& slot = slots_[index];
  slot = Slot{next_sequence_++, ticket, static_cast<std::uint32_t>(size), -1, SlotState::Live,
              false};
  ++used_messages_;
  used_bytes_ += size;
  ++stats_.writes;
  stats_.bytes_written += size;
  failed_ = false;
  return Write::Written;
}

bool StorageQueue::erase_slot(Slot& slot, std::size_t index) {
  char key[16];
  slot_key(index, key);
  if (!storage_.erase(key)) {
    fail(stats_.write_failures);
    slot.state = SlotState::Found;  // forget the ticket: rewrite() erases it again
    slot.sequence = 0;
    stale_ = true;
    return false;
  }
  --used_messages_;
  used_bytes_ -= slot.bytes;
  slot = Slot{};
  ++stats_.erases;
  room_freed_ = true;
  return true;
}

void StorageQueue::stored(std::uint32_t ticket, codec::Bytes packet) {
  if (!at_least_once(packet)) return;
  newest_ticket_ = ticket;
  // Written at once only when nothing older is still waiting: the order must hold.
  if (settings_.sync_interval_ms == 0 && !unwritten_ &&
      write_slot(ticket, packet) == Write::Written) {
    return;
  }
  unwritten_ = true;
}

void StorageQueue::removed(std::uint32_t ticket) {
  if (Slot* slot = live_slot(ticket)) {
    erase_slot(*slot, static_cast<std::size_t>(slot - slots_.data()));
  }
}

struct StorageQueue::Walk {
  StorageQueue& queue;
  std::uint32_t last_due;    // write pass: messages with later tickets are not due yet
  bool all_due;
  std::uint32_t floor = 0;   // claim pass: sequence of the last slot kept
  bool gap = false;          // claim pass: a message before this one needs writing
  bool writing = true;       // write pass: stops at the first message that cannot be written
  bool unwritten = false;
  bool failed = false;

  // A slot keeps its message only if it does not break the order.
  static void claim(void* context, std::uint32_t ticket, codec::Bytes packet) {
    auto& walk = *static_cast<Walk*>(context);
    if (!at_least_once(packet)) return;
    Slot* slot = walk.queue.live_slot(ticket);
    if (slot == nullptr) {
      // A message restored from a Found slot: the oldest above the floor that holds the same
      // bytes (older ones the session let go of are erased). Compared in RAM, not read back.
      for (Slot& s : walk.queue.slots_) {
        if (s.state != SlotState::Found || s.claimed || s.sequence <= walk.floor ||
            s.recovered_index < 0 || (slot != nullptr && s.sequence > slot->sequence)) {
          continue;
        }
        const auto& kept = walk.queue.recovered_[static_cast<std::size_t>(s.recovered_index)];
        if (std::equal(kept.begin(), kept.end(), packet.begin(), packet.end())) slot = &s;
      }
      if (slot != nullptr) {
        slot->state = SlotState::Live;
        slot->ticket = ticket;
      }
    }
    if (slot == nullptr || walk.gap || slot->sequence <= walk.floor) {
      walk.gap = true;
      return;
    }
    slot->claimed = true;
    walk.floor = slot->sequence;
  }

  static void write(void* context, std::uint32_t ticket, codec::Bytes packet) {
    auto& walk = *static_cast<Walk*>(context);
    if (!at_least_once(packet) || walk.queue.live_slot(ticket) != nullptr) return;
    // Tickets grow with the store's order (Session numbers them; wrap-safe difference).
    if (!walk.all_due && static_cast<std::int32_t>(ticket - walk.last_due) > 0) {
      walk.writing = false;
    }
    if (walk.writing) {
      const Write result = walk.queue.write_slot(ticket, packet);
      if (result == Write::Written) return;
      walk.failed = walk.failed || result == Write::Failed;
      walk.writing = false;
    }
    walk.unwritten = true;
  }
};

bool StorageQueue::rewrite(const Session& session) { return rewrite(session, 0, true); }

bool StorageQueue::rewrite(const Session& session, std::uint32_t last_due, bool all_due) {
  for (Slot& slot : slots_) slot.claimed = false;
  Walk walk{*this, last_due, all_due};
  session.for_each_pending(&Walk::claim, &walk);
  stale_ = false;
  room_freed_ = false;
  for (std::size_t index = 0; index < slots_.size(); ++index) {
    Slot& slot = slots_[index];
    if (slot.state != SlotState::Free && !slot.claimed) walk.failed |= !erase_slot(slot, index);
  }
  session.for_each_pending(&Walk::write, &walk);
  unwritten_ = walk.unwritten;
  if (!walk.failed && !walk.unwritten) no_room_ = false;
  // A smaller max_messages than before: once the higher slots are empty, stop reading them.
  if (stored_slot_count_ > capacity_ &&
      std::all_of(slots_.begin() + capacity_, slots_.end(),
                  [](const Slot& s) { return s.state == SlotState::Free; }) &&
      write_slot_count(capacity_)) {
    slots_.resize(capacity_);
  }
  return !walk.failed;
}

Millis StorageQueue::wait() const {
  return failed_ ? std::max<Millis>(settings_.sync_interval_ms, kRetryMs)
                 : settings_.sync_interval_ms;
}

// Full: nothing fits until a message leaves (an erase inside a session call).
bool StorageQueue::waits_for_room() const {
  return no_room_ && !room_freed_ && !failed_ && !stale_;
}

Millis StorageQueue::next_maintenance() const {
  if ((!unwritten_ && !stale_) || waits_for_room()) return kNever;
  return waiting_ ? behind_since_ + wait() : 0;
}

void StorageQueue::maintain(const Session& session, Millis now, std::uint64_t /*threshold*/) {
  if (!unwritten_ && !stale_) {
    waiting_ = false;
    return;
  }
  // A message is due once it has waited sync_interval_ms: those stored before the wait began.
  if (!waiting_) {
    waiting_ = true;
    behind_since_ = now;
    due_ticket_ = newest_ticket_;
  }
  if (now - behind_since_ < wait() || waits_for_room()) return;
  rewrite(session, due_ticket_, settings_.sync_interval_ms == 0);
  waiting_ = unwritten_ || stale_;  // what is still behind waits one more interval
  behind_since_ = now;
  due_ticket_ = newest_ticket_;
}

}  // namespace mqtt_setup
