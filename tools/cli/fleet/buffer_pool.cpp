#include "buffer_pool.hpp"

#include <sys/mman.h>

#include <stdexcept>
#include <string>

namespace mqtt_setup::cli {

BufferPool::BufferPool(std::size_t slot_bytes, std::uint32_t slots)
    : slot_bytes_((slot_bytes + 63) / 64 * 64), slots_(slots), mapped_(slot_bytes_ * slots) {
  if (mapped_ == 0) return;
  void* p = ::mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    throw std::runtime_error("cannot map " + std::to_string(mapped_ >> 20) +
                             " MiB for the devices' buffers");
  }
  base_ = static_cast<std::uint8_t*>(p);
  free_.reserve(slots);  // giving back never allocates; pages are touched as deep as used
}

BufferPool::~BufferPool() {
  if (base_ != nullptr) ::munmap(base_, mapped_);
}

std::span<std::uint8_t> BufferPool::take() {
  std::uint32_t index;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else if (fresh_ < slots_) {
    index = fresh_++;
  } else {
    return {};
  }
  ++in_use_;
  return {base_ + slot_bytes_ * index, slot_bytes_};
}

void BufferPool::give_back(std::span<std::uint8_t> slot) {
  if (slot.empty()) return;
  free_.push_back(static_cast<std::uint32_t>((slot.data() - base_) / slot_bytes_));
  --in_use_;
}

}  // namespace mqtt_setup::cli
