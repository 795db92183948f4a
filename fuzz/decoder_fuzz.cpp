// Fuzz target: codec::decode over arbitrary bytes, as 3.1.1 and as 5.0. Under 3.1.1 whatever
// decodes must encode again to the same type, flags and body (only the remaining-length bytes
// may differ: a non-minimal length encoding is read but never written). Under 5.0 an encoding
// may be shorter (a success code and empty properties may be left out), so there the check is
// that our encoding decodes and encodes to itself. Decoding never reads past the packet.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "mqtt_setup/codec.hpp"

namespace {

using namespace mqtt_setup;

void check(bool condition) {
  if (!condition) std::abort();  // libFuzzer and the replay test both report an abort
}

void check_version_5(codec::Bytes input) {
  const codec::DecodeLimits limits{codec::kMaxRemainingLength + 5, codec::ProtocolVersion::V5};
  auto decoded = codec::decode(input, limits);
  if (!decoded) return;
  check(decoded->size <= input.size());
  const std::size_t expected = codec::encoded_size(decoded->packet, limits.version);
  check(expected > 0);
  std::vector<std::uint8_t> out(expected);
  auto written = codec::encode(decoded->packet, out, limits.version);
  check(written.ok() && *written == expected);
  check(out[0] == input[0]);
  auto redecoded = codec::decode(out, limits);
  check(redecoded.ok() && redecoded->size == out.size());
  std::vector<std::uint8_t> out2(codec::encoded_size(redecoded->packet, limits.version));
  auto written2 = codec::encode(redecoded->packet, out2, limits.version);
  check(written2.ok() && out2 == out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const codec::Bytes input{data, size};
  check_version_5(input);
  auto header = codec::decode_fixed_header(input);
  auto decoded = codec::decode(input);
  if (!decoded) {
    // An incomplete packet is incomplete for the header too, or the header was fine.
    return 0;
  }
  check(header.ok());
  check(decoded->size == header->packet_size());
  check(decoded->size <= size);

  const std::size_t expected = codec::encoded_size(decoded->packet);
  check(expected > 0);
  std::vector<std::uint8_t> out(expected);
  auto written = codec::encode(decoded->packet, out);
  check(written.ok() && *written == expected);
  // Same first byte (type and flags) and the same body.
  check(out[0] == data[0]);
  auto again = codec::decode_fixed_header(out);
  check(again.ok() && again->remaining_length == header->remaining_length);
  check(std::memcmp(out.data() + again->header_size, data + header->header_size,
                    header->remaining_length) == 0);
  // Round trip of the round trip: identical bytes.
  auto redecoded = codec::decode(out);
  check(redecoded.ok() && redecoded->size == out.size());
  std::vector<std::uint8_t> out2(codec::encoded_size(redecoded->packet));
  auto written2 = codec::encode(redecoded->packet, out2);
  check(written2.ok() && out2 == out);
  // A strict size limit below the packet must refuse it, never read past it.
  if (decoded->size > 2) {
    auto limited = codec::decode(input, {decoded->size - 1});
    check(!limited.ok());
  }
  return 0;
}
