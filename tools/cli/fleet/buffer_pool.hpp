// Equal buffers a fleet's devices borrow only while they need one: a receive buffer while an
// unfinished packet waits in it, a store while a message is not yet acknowledged. An idle
// connected device holds neither, so its memory is its Session and its own state.
//
// Every device may hold one slot at a time (its quota), and there is a slot per device, so a
// take() by a device that holds none never fails. The slots are one mapping that is touched
// only where used, and freed slots are taken again last-in first-out: the resident memory is
// the most slots ever held at once, not the number of devices.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace mqtt_setup::cli {

class BufferPool {
 public:
  /// `slots` buffers of `slot_bytes` each (rounded up to 64 B). Throws std::runtime_error when
  /// the mapping fails (at start, like the fleet's arena).
  BufferPool(std::size_t slot_bytes, std::uint32_t slots);
  ~BufferPool();
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  /// A free slot; empty when every slot is taken (more takers than slots).
  std::span<std::uint8_t> take();
  /// Gives back a slot take() returned. An empty span is ignored.
  void give_back(std::span<std::uint8_t> slot);

  std::uint32_t in_use() const { return in_use_; }
  /// The most slots held at once: how many were ever touched.
  std::uint32_t peak() const { return fresh_; }
  std::size_t slot_bytes() const { return slot_bytes_; }

 private:
  std::size_t slot_bytes_;
  std::uint32_t slots_;
  std::uint8_t* base_ = nullptr;
  std::size_t mapped_ = 0;
  std::uint32_t fresh_ = 0;  // slots [fresh_, slots_) were never handed out
  std::uint32_t in_use_ = 0;
  std::vector<std::uint32_t> free_;  // given back, taken again last first
};

}  // namespace mqtt_setup::cli
