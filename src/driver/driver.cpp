#include "mqtt_setup/driver.hpp"

#include <algorithm>

#include "mqtt_setup/properties.hpp"

namespace mqtt_setup {

bool is_permanent_refusal(codec::ConnectReturnCode code) {
  namespace reason = codec::reason;
  switch (static_cast<std::uint8_t>(code)) {  // 5.0: retrying cannot change these answers
    case reason::kBadUserNameOrPassword:
    case reason::kNotAuthorized:
    case reason::kClientIdentifierNotValid:
    case reason::kUnsupportedProtocolVersion:
    case reason::kBanned:
    case reason::kBadAuthenticationMethod:
      return true;
    default: break;
  }
  return code == codec::ConnectReturnCode::BadUsernameOrPassword ||
         code == codec::ConnectReturnCode::NotAuthorized ||
         code == codec::ConnectReturnCode::IdentifierRejected ||
         code == codec::ConnectReturnCode::UnacceptableProtocolVersion;
}

namespace {

// A 3.1.1 broker answers a 5.0 CONNECT with return code 1, [MQTT-3.1.2-2]; a 5.0 broker that
// will not speak 5.0 (configured so) with 0x84.
bool refuses_version(const Event& event) {
  const auto code = static_cast<std::uint8_t>(event.refused);
  return event.reason == DisconnectReason::Refused &&
         (code == static_cast<std::uint8_t>(codec::ConnectReturnCode::UnacceptableProtocolVersion) ||
          code == codec::reason::kUnsupportedProtocolVersion);
}

}  // namespace

Driver::Driver(const DriverConfig& config, Session& session, RandomSource random)
    : config_(config), session_(session), random_(random) {}

std::optional<std::size_t> Driver::poll_connect(Millis now) {
  if (state_ != DriverState::Waiting || !network_up_ || now < next_attempt_at_) return std::nullopt;
  state_ = DriverState::Opening;
  ++attempts_;
  return server_;
}

bool Driver::poll_rejoin_primary(Millis now) {
  if (state_ != DriverState::Connected || server_ == 0 || config_.primary_return_ms == 0 ||
      now < connected_at_ + config_.primary_return_ms) {
    return false;
  }
  state_ = DriverState::Leaving;
  return true;
}

Millis Driver::next_deadline(Millis now) const {
  switch (state_) {
    case DriverState::Stopped: return kNever;
    case DriverState::Waiting:
      if (!network_up_) return kNever;
      return std::max(next_attempt_at_, now);
    // The caller is opening a transport: its own connect timeout is the deadline, and its
    // answer (handle_transport_connected/failed) the next step. An asynchronous caller (an
    // event loop with non-blocking connects) sleeps until then.
    case DriverState::Opening: return kNever;
    case DriverState::Connected: {
      const Millis session_deadline = session_.next_deadline(now);
      if (server_ == 0 || config_.primary_return_ms == 0) return session_deadline;
      return std::min(session_deadline, std::max(connected_at_ + config_.primary_return_ms, now));
    }
    case DriverState::Handshaking:
    case DriverState::Leaving: return session_.next_deadline(now);
  }
  return kNever;
}

void Driver::handle_timeout(Millis now) {
  if (state_ == DriverState::Handshaking || state_ == DriverState::Connected ||
      state_ == DriverState::Leaving) {
    session_.handle_timeout(now);
  }
}

void Driver::handle_transport_connected(Millis now) {
  if (state_ != DriverState::Opening) return;
  state_ = DriverState::Handshaking;
  (void)session_.start_connect(now);
}

DriverOutcome Driver::handle_transport_failed(bool permanent, Millis now) {
  if (state_ != DriverState::Opening) return {DriverOutcome::Kind::Requested};
  return attempt_failed(permanent, now);
}

void Driver::handle_connack(Millis now) {
  if (state_ != DriverState::Handshaking) return;
  state_ = DriverState::Connected;
  connected_at_ = now;
  permanent_failure_ = false;
}

DriverOutcome Driver::handle_disconnected(const Event& event, std::optional<std::size_t> referred,
                                          Millis now) {
  if (state_ == DriverState::Stopped) return {DriverOutcome::Kind::Requested};
  if (event.reason == DisconnectReason::Requested) {
    // Left a secondary for the primary, or a restart: from the primary, at once.
    if (state_ == DriverState::Leaving) failed_rounds_ = 0;
    state_ = DriverState::Waiting;
    server_ = 0;
    next_attempt_at_ = now;
    return {DriverOutcome::Kind::Requested};
  }
  // Not with an authenticator: enhanced authentication is 5.0's, a 3.1.1 CONNECT would go
  // without it (start_connect() refuses that), so the refusal stands.
  if (codec::kBuiltBoth && state_ == DriverState::Handshaking && config_.allow_fallback_to_311 &&
      session_.config().authenticator == nullptr &&
      session_.version() == codec::ProtocolVersion::V5 && refuses_version(event)) {
    session_.fall_back_to_311();
    state_ = DriverState::Waiting;
    next_attempt_at_ = now;  // same server, at once
    --attempts_;             // and not one of setup_connection()'s tries
    return {DriverOutcome::Kind::FellBackTo311};
  }
  DriverOutcome outcome;
  if (state_ == DriverState::Connected || state_ == DriverState::Leaving) {
    outcome = link_lost(now);
  } else {
    // A broker that fails our check of its proof (AuthenticationFailed) fails it again.
    const bool permanent =
        (event.reason == DisconnectReason::Refused && is_permanent_refusal(event.refused)) ||
        event.reason == DisconnectReason::AuthenticationFailed;
    outcome = attempt_failed(permanent, now);
  }
  if (referred && *referred < count()) {  // the broker sent us elsewhere: go there now
    server_ = *referred;
    next_attempt_at_ = now;
    outcome.retry_in_ms = 0;
    outcome.referred = true;
  }
  return outcome;
}

void Driver::handle_connection_lost(Millis now) {
  if (state_ == DriverState::Handshaking || state_ == DriverState::Connected ||
      state_ == DriverState::Leaving) {
    session_.connection_lost(now);
  }
}

void Driver::network_changed(bool up, Millis now) {
  network_up_ = up;
  if (!up) {
    handle_connection_lost(now);
    return;
  }
  failed_rounds_ = 0;
  if (state_ == DriverState::Waiting) {
    server_ = 0;
    next_attempt_at_ = now;
  }
}

void Driver::set_server_count(std::size_t server_count) { config_.server_count = server_count; }

DriverOutcome Driver::attempt_failed(bool permanent, Millis now) {
  state_ = DriverState::Waiting;
  permanent_failure_ = permanent;
  DriverOutcome outcome;
  outcome.kind = DriverOutcome::Kind::AttemptFailed;
  outcome.permanent = permanent;
  Millis delay = 0;
  if (permanent) {
    // Retrying wrong credentials or an untrusted certificate quickly only hammers the broker.
    delay = config_.retry.max_ms;
  } else {
    server_ = (server_ + 1) % count();
    if (server_ == 0) {  // a whole round of the server list failed: back off
      delay = backoff_delay_ms(config_.retry, failed_rounds_, random_());
      ++failed_rounds_;
    }
  }
  next_attempt_at_ = now + delay;
  outcome.retry_in_ms = delay;
  return outcome;
}

DriverOutcome Driver::link_lost(Millis now) {
  state_ = DriverState::Waiting;
  DriverOutcome outcome;
  outcome.kind = DriverOutcome::Kind::ConnectionLost;
  Millis delay = 0;
  if (now - connected_at_ >= config_.stable_connection_ms) {
    failed_rounds_ = 0;  // a long-lived link broke: try again at once
  } else {
    delay = backoff_delay_ms(config_.retry, failed_rounds_, random_());
    ++failed_rounds_;
  }
  server_ = 0;  // a new round, from the primary
  next_attempt_at_ = now + delay;
  outcome.retry_in_ms = delay;
  return outcome;
}

}  // namespace mqtt_setup
