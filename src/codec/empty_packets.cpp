// PINGREQ and PINGRESP: a fixed header and nothing else, [MQTT-3.12], [MQTT-3.13]. Their
// remaining length (0) is checked with the fixed header, so decoding them needs only the type.
#include "codec/wire.hpp"

namespace mqtt_setup::codec::detail {

std::uint8_t first_byte(const Pingreq&) { return 0xC0; }
std::uint8_t first_byte(const Pingresp&) { return 0xD0; }

}  // namespace mqtt_setup::codec::detail
