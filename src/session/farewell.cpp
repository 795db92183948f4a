// The last words of a 5.0 connection that we end because the broker broke the protocol:
// "In the case of an error in any other packet it SHOULD send a DISCONNECT packet containing the
// reason code before closing the Network Connection" ([MQTT-4.13.1]). The session owes it from
// fail() on, hands it out once through poll_transmit() (the state is already Disconnected: the
// Disconnected event still says what we saw), and forgets it at the next start_connect(). The
// driver writes it without waiting and closes. 3.1.1 has no reason codes: it just closes.
#include <array>

#include "session/record.hpp"

namespace mqtt_setup {

void Session::owe_farewell(const Event& event) {
  farewell_code_ = 0;
  // Before our CONNECT went out there is no MQTT connection to end with a packet.
  if (!codec::is_v5(wire_version_) || connect_pending_ || state_ == SessionState::Disconnected) {
    return;
  }
  switch (event.reason) {
    case DisconnectReason::MalformedPacket:
      farewell_code_ = codec::reason::kMalformedPacket;
      farewell_detail_ = static_cast<std::uint8_t>(event.decode_error);
      break;
    case DisconnectReason::PacketTooLarge:
      farewell_code_ = codec::reason::kPacketTooLarge;
      farewell_detail_ = static_cast<std::uint8_t>(codec::DecodeError::PacketTooLarge);
      break;
    case DisconnectReason::ProtocolViolation:
      if (event.violation == Violation::None) return;  // our own CONNECT did not encode
      farewell_code_ = event.violation == Violation::TopicAliasInvalid
                           ? codec::reason::kTopicAliasInvalid
                       : event.violation == Violation::TopicAliasForgotten
                           ? codec::reason::kImplementationSpecificError
                           : codec::reason::kProtocolError;
      farewell_detail_ = static_cast<std::uint8_t>(event.violation);
      break;
    default:  // the broker's own DISCONNECT, a refusal, a timeout, a lost link: nothing to say
      break;
  }
}

codec::Properties Session::farewell_reason_string(std::uint8_t code, std::uint8_t detail,
                                                  std::span<std::uint8_t> storage) {
  const bool decode_failure =
      code == codec::reason::kMalformedPacket || code == codec::reason::kPacketTooLarge;
  const std::string_view why = decode_failure
                                   ? codec::describe(static_cast<codec::DecodeError>(detail))
                                   : describe(static_cast<Violation>(detail));
  codec::PropertyWriter properties{storage};
  properties.add(codec::PropertyId::ReasonString, why);
  return properties.ok() ? properties.properties() : codec::Properties{};
}

std::optional<codec::Bytes> Session::transmit_farewell(std::span<std::uint8_t> out) {
  const std::uint8_t code = farewell_code_;
  farewell_code_ = 0;  // said once, whether or not the transport takes it
  std::array<std::uint8_t, 96> storage{};
  const codec::Packet packet = codec::Disconnect{
      code, farewell_properties_ != nullptr
                ? farewell_properties_(code, farewell_detail_, storage)
                : codec::Properties{}};
  auto written = codec::encode_to_server(packet, out, wire_version_);
  if (!written) return std::nullopt;
  trace(true, out.first(*written));
  return codec::Bytes{out.data(), *written};
}

}  // namespace mqtt_setup
