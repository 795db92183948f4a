// The connection lifecycle, sans-IO like the Session it drives: which server to open a
// transport to and when, what a failure, a refusal or a lost link means for the next attempt.
//
// The driver never touches a socket, a clock or a random number generator: time comes in as an
// argument, randomness through a RandomSource, and the caller opens transports when asked. The
// loop around it (the facade's thread, a poll() caller, the fleet, a test) is:
//
//   Driver d{config, session, random};
//   for (;;) {
//     if (auto server = d.poll_connect(now)) open a transport to servers[*server] (may block);
//       then d.handle_transport_connected(now) or d.handle_transport_failed(permanent, now);
//     if (d.poll_rejoin_primary(now)) { session.disconnect(now); write what it says; }
//     read bytes into the session; on a transport error d.handle_connection_lost(now);
//     for each session event: Connected -> d.handle_connack(now);
//                             Disconnected -> d.handle_disconnected(event, referred, now);
//     write what session.poll_transmit() gives;
//     sleep until d.next_deadline(now) or readable; d.handle_timeout(now);
//   }
//
// Decisions, each tested on a simulated clock (test/unit/driver/):
// - Reconnect schedule: a whole round of the server list failing waits
//   backoff_delay_ms(retry, rounds failed in a row, random) before the next round; the next
//   server in the list is tried at once. A link that stayed up for stable_connection_ms resets
//   the count and is retried at once.
// - Failover order: the list's order, from the primary (index 0). After a lost link the next
//   round starts at the primary again, as Paho's serverURIs do: a client on a secondary returns
//   to the primary on its next reconnect. With primary_return_ms set, a client that stayed on a
//   secondary that long leaves it (a clean DISCONNECT) to try the primary, and comes back to the
//   secondary within the same round if the primary is still down.
// - A refusal retrying cannot change (bad credentials, not authorized, banned, ...) or a
//   permanent transport failure (an untrusted certificate) waits retry.max_ms: hammering the
//   broker would not help, but the broker's configuration may still change.
// - allow_fallback_to_311 and a 3.1.1 broker refusing our 5.0 CONNECT: the session switches to
//   3.1.1 and the same server is tried again at once; that attempt does not count.
// - A server reference (5.0 CONNACK or DISCONNECT) is followed at once.
// - Network down: no attempt, and a live link is declared lost. Network up: an attempt at once,
//   from the primary, with the backoff reset.
// - A dead link is the session's decision (nothing received for 1.5 x keep-alive); the driver
//   passes its deadline through and treats the Disconnected event as any lost link.
// Threading: not thread-safe; one thread (or a lock) at a time, like the Session.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "mqtt_setup/backoff.hpp"
#include "mqtt_setup/session.hpp"

namespace mqtt_setup {

/// Where random numbers come from (jitter). `next(context)` is called once per backoff delay.
struct RandomSource {
  std::uint32_t (*next)(void* context) = nullptr;
  void* context = nullptr;
  std::uint32_t operator()() const { return next != nullptr ? next(context) : 0; }
};

struct DriverConfig {
  BackoffPolicy retry;
  std::size_t server_count = 1;  // servers[0] is the primary; set_server_count() adds referrals
  /// A link up this long resets the backoff: its loss is retried at once.
  Millis stable_connection_ms = 10'000;
  /// Connected to a secondary this long: leave it to try the primary. 0: only on the next
  /// reconnect (which always starts at the primary).
  Millis primary_return_ms = 0;
  /// A 3.1.1 broker refused our 5.0 CONNECT: speak 3.1.1 to it (Options::protocol = Auto).
  bool allow_fallback_to_311 = false;
};

/// What the driver made of a failure, for the caller's events and logs.
struct DriverOutcome {
  enum class Kind : std::uint8_t {
    Requested,      // disconnect() (the user's, or leaving a secondary): nothing to report
    FellBackTo311,  // the broker refused 5.0: retried at once in 3.1.1, not counted
    AttemptFailed,  // no CONNACK on this attempt (transport, refusal, timeout)
    ConnectionLost, // a connected link ended
  };
  Kind kind = Kind::AttemptFailed;
  Millis retry_in_ms = 0;  // until the next attempt (kNever while the network is down)
  bool permanent = false;  // retrying cannot help: waits retry.max_ms
  bool referred = false;   // a server reference is followed: the next attempt goes there
};

enum class DriverState : std::uint8_t {
  Waiting,      // no link; next attempt at next_deadline() (never while the network is down)
  Opening,      // poll_connect() named a server: the caller is opening a transport
  Handshaking,  // transport open, CONNECT sent, no CONNACK yet
  Connected,    // CONNACK accepted
  Leaving,      // DISCONNECT sent to a secondary, to go back to the primary
  Stopped,      // stop(): no more attempts
};

/// Whether a broker's refusal (3.1.1 return code or 5.0 reason code) will not go away by
/// retrying: bad credentials, not authorized, client id rejected, protocol version, banned.
bool is_permanent_refusal(codec::ConnectReturnCode code);

class Driver {
 public:
  Driver(const DriverConfig& config, Session& session, RandomSource random);

  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  // --- what to do
  /// The server to open a transport to now (an index into the caller's server list), or
  /// nothing. Naming one counts an attempt and moves to Opening.
  std::optional<std::size_t> poll_connect(Millis now);
  /// Whether poll_connect(now) would name a server, without taking the attempt: for a loop that
  /// paces its connects (the fleet's --connect-rate) and asks only when it may.
  bool connect_due(Millis now) const {
    return state_ == DriverState::Waiting && network_up_ && now >= next_attempt_at_;
  }
  /// No attempt before `at` (a first connect spread over a start window, a restart's pause);
  /// later attempts already scheduled stay as they are.
  void defer_attempt_until(Millis at) {
    if (state_ == DriverState::Waiting && at > next_attempt_at_) next_attempt_at_ = at;
  }
  /// True once, when the client has stayed on a secondary for primary_return_ms: the caller
  /// calls session.disconnect(now) and writes it; the Requested event then leads to the primary.
  bool poll_rejoin_primary(Millis now);
  /// When handle_timeout() or poll_connect() is next needed: the next attempt while waiting,
  /// the session's deadline (keep-alive, resends, CONNACK timeout) while a link is up, the
  /// primary's return; kNever when there is nothing to do (stopped, network down, or a
  /// transport being opened: the caller's connect timeout is its own).
  Millis next_deadline(Millis now) const;
  /// Passes the session's timers through (a dead link becomes a Disconnected event).
  void handle_timeout(Millis now);

  // --- what happened
  /// The transport poll_connect() asked for is open: CONNECT is queued in the session.
  void handle_transport_connected(Millis now);
  /// It could not be opened. `permanent`: retrying cannot help (an untrusted certificate).
  DriverOutcome handle_transport_failed(bool permanent, Millis now);
  /// The session's Connected event (CONNACK accepted).
  void handle_connack(Millis now);
  /// The session's Disconnected event: a refusal, a timeout, a lost link, or the end of a
  /// requested disconnect (without stop(): a restart, reconnected at once from the primary;
  /// defer_attempt_until() delays it). `referred`: the index (see set_server_count()) of the
  /// server the event's server_reference names, when the caller found or added it.
  DriverOutcome handle_disconnected(const Event& event, std::optional<std::size_t> referred,
                                    Millis now);
  /// The transport broke (read or write failed): the session is told, and its Disconnected
  /// event follows.
  void handle_connection_lost(Millis now);
  /// The network went down (no attempts; a live link is lost) or came up (an attempt at once).
  void network_changed(bool up, Millis now);
  /// The caller's server list grew (a server reference added one).
  void set_server_count(std::size_t count);
  /// disconnect(): no more attempts.
  void stop() { state_ = DriverState::Stopped; }

  // --- state
  DriverState state() const { return state_; }
  std::size_t server() const { return server_; }  // the current (or next) server's index
  bool network_up() const { return network_up_; }
  /// Attempts named by poll_connect(), fallbacks to 3.1.1 excluded (setup_connection()'s count).
  std::uint32_t attempts() const { return attempts_; }
  /// The last attempt failed in a way retrying cannot help; cleared by a CONNACK.
  bool permanent_failure() const { return permanent_failure_; }
  /// Rounds of the server list that failed in a row (the backoff exponent).
  std::uint32_t failed_rounds() const { return failed_rounds_; }

 private:
  DriverOutcome attempt_failed(bool permanent, Millis now);
  DriverOutcome link_lost(Millis now);
  std::size_t count() const { return config_.server_count == 0 ? 1 : config_.server_count; }

  DriverConfig config_;
  Session& session_;
  RandomSource random_;
  DriverState state_ = DriverState::Waiting;
  std::size_t server_ = 0;
  std::uint32_t failed_rounds_ = 0;
  std::uint32_t attempts_ = 0;
  Millis next_attempt_at_ = 0;
  Millis connected_at_ = 0;
  bool network_up_ = true;
  bool permanent_failure_ = false;
};

}  // namespace mqtt_setup
