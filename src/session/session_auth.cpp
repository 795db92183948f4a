// 5.0 enhanced authentication ([MQTT-4.12]): the session's side of the AUTH exchange, driven
// by the caller's Authenticator (authenticator.hpp). CONNECT names the method and carries the
// initial data; each AUTH 0x18 from the server is answered with AUTH 0x18; the successful
// CONNACK ends the exchange. Re-authentication ([MQTT-4.12.1]) starts with our AUTH 0x19 and
// ends with the server's AUTH 0x00 (or its DISCONNECT). Nothing is stored but a step, the
// reason code to send and a view of the authenticator's data.
#include <cstring>

#include "session/record.hpp"

namespace mqtt_setup {

using codec::PropertyId;

Result<void, SessionError> Session::start_authentication() {
  auth_step_ = AuthStep::None;
  auth_to_send_ = 0;
  auth_data_ = {};
  Authenticator* auth = config_.authenticator;
  if (auth == nullptr) return {};
  // Enhanced authentication is 5.0's: under 3.1.1 the broker would never check it.
  if (!codec::is_v5(wire_version_)) return SessionError::AuthenticationUnavailable;
  auto data = auth->start();
  if (!data) return SessionError::AuthenticatorFailed;
  auth_data_ = *data;
  auth_step_ = state_ == SessionState::Connected ? AuthStep::Reauthenticating
                                                 : AuthStep::Connecting;
  return {};
}

Result<void, SessionError> Session::reauthenticate(Millis /*now*/) {
  if (config_.authenticator == nullptr || !codec::is_v5(wire_version_)) {
    return SessionError::AuthenticationUnavailable;
  }
  if (state_ != SessionState::Connected) return SessionError::NotConnected;
  if (auth_step_ != AuthStep::None) return SessionError::Busy;
  if (auto started = start_authentication(); !started) return started.error();
  auth_to_send_ = codec::reason::kReauthenticate;  // [MQTT-4.12.1-1]
  return {};
}

bool Session::names_our_method(const codec::Properties& properties) const {
  const auto method = properties.find(PropertyId::AuthenticationMethod);
  return method && method->text == config_.authenticator->method();
}

void Session::authentication_failed(AuthError error, Millis now) {
  Event ev;
  ev.kind = Event::Kind::Disconnected;
  ev.reason = DisconnectReason::AuthenticationFailed;
  ev.auth_error = error;
  fail(ev, now);
}

void Session::handle_auth(const codec::Auth& auth, Millis now, std::optional<Event>& out) {
  auto violation = [&](Violation v) { fail(DisconnectReason::ProtocolViolation, now, v); };
  // A server sends AUTH only inside an exchange the client started ([MQTT-4.12.0-6]: never
  // without a method in CONNECT), never 0x19 (only a client re-authenticates, [MQTT-4.12.1]),
  // and 0x00 only to end a re-authentication (a connection's ends with CONNACK).
  const bool in_turn =
      auth_step_ != AuthStep::None && auth.reason_code != codec::reason::kReauthenticate &&
      (auth.reason_code != codec::reason::kSuccess || auth_step_ == AuthStep::Reauthenticating);
  if (!in_turn || auth_to_send_ != 0) return violation(Violation::AuthOutOfTurn);
  if (!names_our_method(auth.properties)) return violation(Violation::AuthMethodMismatch);
  const auto data = auth.properties.find(PropertyId::AuthenticationData);
  const codec::Bytes server_data = data ? data->binary : codec::Bytes{};
  if (auth.reason_code == codec::reason::kContinueAuthentication) {
    auto response = config_.authenticator->challenge(server_data);
    if (!response) return authentication_failed(response.error(), now);
    auth_data_ = *response;
    auth_to_send_ = codec::reason::kContinueAuthentication;  // [MQTT-4.12.0-3]
    return;
  }
  auto finished = config_.authenticator->finish(server_data);  // AUTH 0x00: re-auth done
  if (!finished) return authentication_failed(finished.error(), now);
  auth_step_ = AuthStep::None;
  auth_data_ = {};
  Event ev;
  ev.kind = Event::Kind::Reauthenticated;
  out = ev;
}

bool Session::authenticated_by_connack(const codec::Connack& connack, Millis now) {
  if (!codec::kBuiltV5 || auth_step_ != AuthStep::Connecting) return true;
  auth_step_ = AuthStep::None;
  auth_data_ = {};
  if (auth_to_send_ != 0 || !names_our_method(connack.properties)) {
    // [MQTT-4.12.0-5]: the successful CONNACK names the method of the CONNECT.
    fail(DisconnectReason::ProtocolViolation, now,
         auth_to_send_ != 0 ? Violation::AuthOutOfTurn : Violation::AuthMethodMismatch);
    return false;
  }
  const auto data = connack.properties.find(PropertyId::AuthenticationData);
  auto finished = config_.authenticator->finish(data ? data->binary : codec::Bytes{});
  if (!finished) {
    authentication_failed(finished.error(), now);
    return false;
  }
  return true;
}

std::optional<codec::Properties> Session::auth_properties(std::span<std::uint8_t> out,
                                                          codec::Properties base,
                                                          std::span<std::uint8_t>& rest) const {
  const std::string_view method = config_.authenticator->method();
  const std::size_t size = base.wire().size() + 3 + method.size() +
                           (auth_data_.empty() ? 0 : 3 + auth_data_.size());
  if (size > out.size()) return std::nullopt;
  const std::span<std::uint8_t> tail = out.last(size);
  if (!base.empty()) std::memcpy(tail.data(), base.wire().data(), base.wire().size());
  codec::PropertyWriter w{tail.subspan(base.wire().size())};
  w.add(PropertyId::AuthenticationMethod, method);
  if (!auth_data_.empty()) w.add(PropertyId::AuthenticationData, auth_data_);
  if (!w.ok()) return std::nullopt;  // a method or data above 65,535 bytes
  rest = out.first(out.size() - size);
  return codec::Properties{tail.first(base.wire().size() + w.size())};
}

std::size_t Session::write_auth(std::span<std::uint8_t> out) {
  std::span<std::uint8_t> room;
  const auto props = auth_properties(out, {}, room);
  if (!props) return 0;
  auto written = codec::encode(codec::Auth{auth_to_send_, *props}, room, wire_version_);
  if (!written) return 0;  // does not fit now: the next poll_transmit() tries again
  trace(true, out.first(*written));
  auth_to_send_ = 0;
  return *written;
}

}  // namespace mqtt_setup
