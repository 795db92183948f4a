// The session's hook for a durable copy of its store (the outbox file on Linux, NVS on ESP32):
// the interface the platform implements, apart from the Session class. session.hpp includes this.
#pragma once

#include <cstdint>

#include "mqtt_setup/codec.hpp"

namespace mqtt_setup {

/// Follows the store, so a durable copy (a file, NVS) can hold what is not yet delivered.
/// stored(): a message entered the store, `packet` is its encoded PUBLISH. removed(): it left
/// (delivered or dropped). Called synchronously from the session's calls.
class StoreJournal {
 public:
  virtual void stored(std::uint32_t ticket, codec::Bytes packet) = 0;
  virtual void removed(std::uint32_t ticket) = 0;

 protected:
  ~StoreJournal() = default;
};

}  // namespace mqtt_setup
