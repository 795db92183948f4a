// The facade's error: what went wrong, in one category a program can act on, plus the detail
// that explains it to a person.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "mqtt_setup/codec.hpp"
#include "mqtt_setup/session_types.hpp"
#include "mqtt_setup/transport.hpp"

namespace mqtt_setup {

struct Error {
  enum class Kind : std::uint8_t {
    None = 0,
    Unreachable,      // could not connect, or the connection was lost (transport / timeouts)
    Refused,          // the broker refused the connection: see `refused`
    Tls,              // certificate or handshake failure: see `transport`
    Protocol,         // the broker broke the protocol: see `reason`, `decode`, `violation`
    InvalidArgument,  // a bad topic or message (see `session`), or a bad server list (None)
    NotConnected,     // nothing sent: not connected and not queued
    QueueFull,        // the outbox refused the message
    Timeout,          // an operation's own time limit ran out
    Storage,          // the queue file or the sleep storage failed: see `storage`, `system_error`
  };
  /// For Kind::Storage: what could not be done.
  enum class StorageFailure : std::uint8_t {
    QueueFile = 0,  // Options::queue_file could not be opened or written (system_error)
    NoStorage,      // prepare_for_sleep() without Options::storage or Options::state_dir
    CleanSession,   // prepare_for_sleep() with Options::clean_session = true
    Save,           // the session could not be saved (system_error, or `session`)
    Load,           // a saved session could not be read (system_error) or was rejected (`session`)
    ForeignQueueFile,  // Options::queue_file names a file that is not one of ours: left alone
  };
  Kind kind = Kind::None;
  TransportError transport = TransportError::Io;
  codec::ConnectReturnCode refused = codec::ConnectReturnCode::Accepted;
  DisconnectReason reason = DisconnectReason::Requested;
  codec::DecodeError decode = codec::DecodeError::Incomplete;
  Violation violation = Violation::None;
  SessionError session = SessionError::None;
  StorageFailure storage = StorageFailure::QueueFile;
  int system_error = 0;  // errno, for Storage; 0 when `session` tells the reason
  std::uint8_t reason_code = 0;  // 5.0: the refusing CONNACK's or the server DISCONNECT's code
  AuthError auth = AuthError::None;  // 5.0: why our authenticator failed the broker (Refused)

  explicit operator bool() const { return kind != Kind::None; }
  /// One line: what happened and what to do, e.g.
  /// "broker refused the connection: bad user name or password — check the MQTT credentials".
  std::string message() const;
  /// The same line written into `out` (cut if too small), without allocating.
  std::string_view write(std::span<char> out) const;

  static Error from_transport(TransportError e);
  static Error from_session(SessionError e);
  static Error from_disconnect(const Event& event);
};

}  // namespace mqtt_setup
