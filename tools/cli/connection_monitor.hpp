// Follows a connection through its ClientEvents, which arrive on the library's thread, for the
// command's main thread: wakes it on every change, remembers why connecting failed, recognises a
// failure that retrying cannot fix, and (pipe --json) prints each state change as it happens.
// Deliveries are counted from MQTTSetup::stats(), not from events: Dropped events can be lost
// when many messages are dropped while the connection thread is not polling, the counters not.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "mqtt_setup/mqtt_setup.hpp"
#include "stdout_lines.hpp"
#include "wakeup.hpp"

namespace mqtt_setup::cli {

/// An error and the server it came from ("host:port", empty when unknown).
struct Failure {
  Error error;
  std::string server;
  /// "host:port: <what happened and what to do>".
  std::string describe() const;
};

/// What a monitor prints of the connection's life.
enum class EventLines {
  AllJson,       // every state change as an {"event": ...} line (pipe, agent --json)
  FailuresJson,  // only failures as {"event": ...} lines (listen --json: its stdout is messages)
  None,
};

class ConnectionMonitor {
 public:
  /// `json_events`: where the JSON lines go (nullptr: none). `failures_on_stderr`: one warning
  /// line per failed attempt or lost connection, with the cause and the next retry, so that a
  /// long-running command is never silent while it cannot connect (listen, agent).
  ConnectionMonitor(Wakeup& wakeup, StdoutLines* json_events,
                    EventLines json_lines = EventLines::AllJson, bool failures_on_stderr = false);

  /// Becomes `mqtt`'s event handler.
  void attach(MQTTSetup& mqtt);

  /// The first failure seen that retrying cannot fix (refused, TLS, protocol violation).
  std::optional<Failure> fatal() const;
  /// The latest failure to connect or to stay connected.
  std::optional<Failure> last_failure() const;

 private:
  void handle(const ClientEvent& event);

  Wakeup& wakeup_;
  StdoutLines* json_events_;
  EventLines json_lines_;
  bool failures_on_stderr_;
  mutable std::mutex mutex_;
  std::string server_;  // the one being tried or used
  std::optional<Failure> fatal_;
  std::optional<Failure> last_failure_;
};

}  // namespace mqtt_setup::cli
