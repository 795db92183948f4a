// MQTT 5.0 enhanced authentication packets as plain bytes, written from the spec and
// independent of src/codec (like raw_packets.hpp): AUTH [MQTT-3.15] and a CONNACK carrying
// the authentication method and data, for a scripted broker; and the reading of what a client
// put in its CONNECT and AUTH.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "raw_packets.hpp"

namespace mqtt_setup::test {

inline constexpr std::uint8_t kAuth = 15;

/// AUTH: reason code, then properties method (0x15) and, when not empty, data (0x16).
Bytes auth(std::uint8_t reason_code, std::string_view method, std::string_view data);
/// A 5.0 CONNACK with a reason code and, when `method` is not empty, method and data.
Bytes connack_v5(std::uint8_t reason_code, std::string_view method = {},
                 std::string_view data = {});

/// What a client's CONNECT (level 5) or AUTH said about authentication.
struct AuthFields {
  std::uint8_t reason_code = 0;  // AUTH only
  std::optional<std::string> method;
  std::optional<std::string> data;
  bool username_flag = false;  // CONNECT only
  bool password_flag = false;
};
/// Nothing when the packet is not a level-5 CONNECT / an AUTH, or its properties do not parse.
std::optional<AuthFields> connect_auth_fields(const RawPacket& connect);
std::optional<AuthFields> auth_fields(const RawPacket& auth);

}  // namespace mqtt_setup::test
