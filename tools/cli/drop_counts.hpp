// Why messages read by `pipe` were not delivered, each cause counted apart (docs/cli.md: "each
// cause counted separately (a broker refusal is never called "queue full")").
#pragma once

#include <cstdint>
#include <string>

#include "json_output.hpp"
#include "mqtt_setup/mqtt_setup.hpp"

namespace mqtt_setup::cli {

struct DropCounts {
  // Decided here, before the library saw the message.
  std::uint64_t too_long = 0;         // longer than --max-line
  std::uint64_t refused_locally = 0;  // publish() said no for another reason (see last_local)
  std::string last_local;             // that reason, as the library put it
  // Decided by the library's session (SessionStats).
  std::uint64_t queue_full = 0;     // beyond --queue while disconnected
  std::uint64_t expired = 0;        // --expiry ran out
  std::uint64_t replaced = 0;       // a newer reading took its place
  std::uint64_t refused = 0;        // the broker refused it (5.0 reason code)
  std::uint8_t last_refusal = 0;    // that reason code
  std::uint64_t too_large = 0;      // over the broker's maximum packet size
  std::uint64_t not_supported = 0;  // QoS or retain the broker no longer allows

  /// The session's share, from its counters (drops of every cause, in flight included).
  void take_session(const SessionStats& stats);

  std::uint64_t total() const;
  /// "2 refused by the broker (not authorized, 0x87), 1 longer than --max-line (262144 bytes)".
  std::string describe(std::size_t max_line_bytes) const;
  /// {"queue_full": N, ...}: only the causes that happened.
  Json json() const;
};

}  // namespace mqtt_setup::cli
