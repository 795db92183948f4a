// Named blobs that survive a reboot or a deep sleep: where MQTTSetup::prepare_for_sleep() keeps
// the session until the device wakes. Give your own through Options::storage (FRAM, an RTC
// memory block, a file system of your choice); by default it is NVS on ESP32 and one file per
// key in Options::state_dir on Linux (see platform::default_storage()).
//
// Contract for implementations:
// - Keys are 1..15 characters of [A-Za-z0-9_] (NVS allows no more than 15).
// - write() is all or nothing: after a power cut the old blob or the new one is there, never a
//   mix, and on return the new one is durable. Flash wears with every write, so MQTTSetup calls
//   write() only when the content changed.
// - No exceptions. Buffers are the caller's and are not kept. MQTTSetup calls a Storage from
//   one thread at a time (the caller of prepare_for_sleep(), or its connection thread), never
//   concurrently, and after setup_connection() expects no heap allocation in read/write/erase.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mqtt_setup/codec.hpp"
#include "mqtt_setup/result.hpp"

namespace mqtt_setup {

enum class StorageError : std::uint8_t {
  NotFound = 1,  // read(): there is no blob under that key
  TooSmall,      // read(): the blob is larger than the buffer
  Failed,        // the medium refused (full, worn, not initialised); system_error() says why
};

class Storage {
 public:
  virtual ~Storage() = default;

  /// Copies blob `key` into `out`; returns its size.
  virtual Result<std::size_t, StorageError> read(std::string_view key, codec::MutableBytes out) = 0;
  /// Replaces blob `key` with `data`, atomically and durably.
  virtual Result<void, StorageError> write(std::string_view key, codec::Bytes data) = 0;
  /// Removes blob `key`. Succeeds when there was none.
  virtual Result<void, StorageError> erase(std::string_view key) = 0;
  /// An errno value for the last Failed (ENOSPC when the medium is full), for messages.
  virtual int system_error() const = 0;
};

}  // namespace mqtt_setup
