// The store: every outgoing message from publish() until it is acknowledged (or written, for
// QoS 0), in one caller-owned byte buffer. Records are appended at the tail and reclaimed from
// the head; acknowledgements may complete records out of order, so completed ones in the middle
// wait as tombstones until compaction. In steady state compaction moves only the few records
// in flight, so a publish costs O(1).
#include <cstring>
#include <new>

#include "session/record.hpp"

namespace mqtt_setup {

Session::Record* Session::record_at(std::size_t offset) const {
  return std::launder(reinterpret_cast<Record*>(buffers_.store.data() + offset));
}

std::size_t Session::next_offset(std::size_t offset) const {
  return offset + record_footprint(record_at(offset)->size);
}

Result<std::span<std::uint8_t>, SessionError> Session::replace_store(
    std::span<std::uint8_t> store) {
  if (live_count_ != 0 || !alias_area_.empty()) return SessionError::Busy;
  // Nothing live: what is left are finished records, which need not move. The span handed
  // back is the aligned part the session used (the lender's own pointer, when it was aligned).
  const std::span<std::uint8_t> old = buffers_.store;
  buffers_.store = aligned_for_records(store);
  store_head_ = store_tail_ = store_cursor_ = 0;
  return old;
}

Result<Session::Record*, SessionError> Session::append_record(std::size_t packet_size,
                                                               Millis now) {
  const std::size_t need = record_footprint(packet_size);
  if (need > buffers_.store.size() || packet_size > config_.max_packet_size) {
    return SessionError::TooLarge;
  }
  if (config_.max_queued != 0 && live_count_ >= config_.max_queued) {
    if (purge_expired(now)) {
      // room again
    } else if (config_.overflow == OverflowPolicy::RejectNew || !drop_oldest_queued()) {
      return SessionError::StoreFull;
    }
  }
  bool compacted = false;
  while (store_tail_ + need > buffers_.store.size()) {
    if (!compacted) {
      purge_expired(now);
      compact();
      compacted = true;
      continue;
    }
    if (config_.overflow == OverflowPolicy::RejectNew || !drop_oldest_queued()) {
      return SessionError::StoreFull;
    }
    compact();
  }
  auto* record = new (buffers_.store.data() + store_tail_) Record{};
  record->expires_at = 0;
  record->size = static_cast<std::uint32_t>(packet_size);
  record->ticket = next_ticket_++;
  if (next_ticket_ == 0) next_ticket_ = 1;
  record->state = RecordState::Queued;
  store_tail_ += need;
  ++live_count_;
  return record;
}

bool Session::drop_oldest_queued() {
  for (std::size_t off = store_cursor_; off < store_tail_; off = next_offset(off)) {
    Record* r = record_at(off);
    if (r->state == RecordState::Queued && r->kind == codec::PacketType::Publish) {
      drop(r, DropReason::Overflow);
      return true;
    }
  }
  return false;
}

bool Session::purge_expired(Millis now) {
  bool any = false;
  for (std::size_t off = store_cursor_; off < store_tail_; off = next_offset(off)) {
    Record* r = record_at(off);
    if (r->state == RecordState::Queued && r->expires_at != 0 && now >= r->expires_at) {
      drop(r, DropReason::Expired);
      any = true;
    }
  }
  return any;
}

void Session::replace_queued(std::string_view topic) {
  for (std::size_t off = store_cursor_; off < store_tail_; off = next_offset(off)) {
    Record* r = record_at(off);
    if (r->state != RecordState::Queued || r->kind != codec::PacketType::Publish) continue;
    auto decoded = codec::decode_from_server(r->packet(), {codec::kMaxRemainingLength + 5, config_.version});
    const auto* p = decoded ? std::get_if<codec::Publish>(&decoded->packet) : nullptr;
    if (p != nullptr && p->topic == topic) drop(r, DropReason::Replaced);
  }
}

void Session::drop(Record* record, DropReason reason) {
  ++stats_.dropped;
  if (reason == DropReason::Expired) ++stats_.expired;
  if (reason == DropReason::Replaced) ++stats_.replaced;
  if (reason == DropReason::TooLargeForBroker) ++stats_.too_large;
  if (reason == DropReason::NotSupportedByServer) ++stats_.not_supported;
  Event ev;
  ev.kind = Event::Kind::Dropped;
  ev.ticket = record->ticket;
  ev.drop_reason = reason;
  push_event(ev);
  finish(record);
}

void Session::finish(Record* record) {
  if (record->awaiting_ack()) --inflight_;
  if (record->awaiting_ack() && record->sent_on_connection) --sent_on_connection_;
  record->state = RecordState::Done;
  --live_count_;
  if (journal_ != nullptr && record->kind == codec::PacketType::Publish) {
    journal_->removed(record->ticket);
  }
  pop_done_records();
}

void Session::for_each_pending(PendingFn fn, void* context) const {
  for (std::size_t off = store_head_; off < store_tail_; off = next_offset(off)) {
    const Record* r = record_at(off);
    if (r->state != RecordState::Done && r->kind == codec::PacketType::Publish) {
      fn(context, r->ticket, r->packet());
    }
  }
}

void Session::compact() {
  std::size_t write = 0;
  std::size_t new_cursor = 0;
  bool cursor_set = false;
  for (std::size_t off = store_head_; off < store_tail_;) {
    if (off == store_cursor_) {
      new_cursor = write;
      cursor_set = true;
    }
    Record* r = record_at(off);
    const std::size_t footprint = record_footprint(r->size);
    if (r->state != RecordState::Done) {
      if (write != off) std::memmove(buffers_.store.data() + write, r, footprint);
      write += footprint;
    }
    off += footprint;
  }
  store_head_ = 0;
  store_tail_ = write;
  store_cursor_ = cursor_set ? new_cursor : write;
}

void Session::pop_done_records() {
  while (store_head_ < store_tail_ && record_at(store_head_)->state == RecordState::Done) {
    const std::size_t next = next_offset(store_head_);
    if (store_cursor_ == store_head_) store_cursor_ = next;
    store_head_ = next;
  }
  if (store_head_ == store_tail_) store_head_ = store_tail_ = store_cursor_ = 0;
}

Session::Record* Session::find_inflight(std::uint16_t packet_id, codec::PacketType kind) {
  // Records are sent in order, so those awaiting an ack come before the first queued one, and
  // the oldest (usually the one acknowledged) comes first.
  for (std::size_t off = store_head_; off < store_tail_; off = next_offset(off)) {
    Record* r = record_at(off);
    if (r->awaiting_ack() && r->packet_id == packet_id && r->kind == kind) return r;
    if (r->state == RecordState::Queued) break;
  }
  return nullptr;
}


std::uint16_t Session::allocate_packet_id() {
  // Identifiers are handed out in sending order, so those in use run from the oldest record in
  // flight up to next_packet_id_. Wrapping onto the oldest one means all are taken: wait.
  std::uint16_t candidate = next_packet_id_ == 0 ? 1 : next_packet_id_;
  if (inflight_ > 0) {
    for (std::size_t off = store_head_; off < store_tail_; off = next_offset(off)) {
      const Record* r = record_at(off);
      if (r->awaiting_ack()) {
        if (r->packet_id == candidate) return 0;
        break;
      }
    }
  }
  next_packet_id_ = static_cast<std::uint16_t>(candidate + 1);
  return candidate;
}

}  // namespace mqtt_setup
