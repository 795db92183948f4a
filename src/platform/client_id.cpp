// The client id format every port shares, the seed's: "{prefix}_" + lower-case hex of the
// platform's unique id, e.g. esp32_a1b2c3d4e5f6 or linux_02fc00000001.
#include <array>

#include "mqtt_setup/platform.hpp"

namespace mqtt_setup::platform {

std::string default_client_id(std::string_view prefix) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::array<std::uint8_t, 16> id{};
  const std::size_t count = unique_id(id);
  std::string result;
  result.reserve(prefix.size() + 1 + 2 * count);
  result.append(prefix);
  result.push_back('_');
  for (std::size_t i = 0; i < count; ++i) {
    result.push_back(kHex[id[i] >> 4]);
    result.push_back(kHex[id[i] & 0x0F]);
  }
  return result;
}

}  // namespace mqtt_setup::platform
