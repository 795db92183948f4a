// Helpers shared by the MQTT 5.0 codec tests (v5_*_test.cpp), on top of codec_test.hpp.
// Every vector in those files is computed by hand from the OASIS MQTT 5.0 text.
#pragma once

#include <vector>

#include "codec_test.hpp"

namespace codec_test {

inline constexpr ProtocolVersion kV5 = ProtocolVersion::V5;
inline constexpr ProtocolVersion kV311 = ProtocolVersion::V311;

inline DecodeLimits limits_for(ProtocolVersion v) {
  DecodeLimits limits;
  limits.version = v;
  return limits;
}

/// A property length (one byte: the test sets stay below 128 bytes) and the properties.
inline Buf props(const Buf& properties) {
  EXPECT_LT(properties.size(), 128u) << "use a longer length encoding";
  return bytes({static_cast<int>(properties.size())}) + properties;
}

inline Buf to_buf(Bytes b) { return Buf(b.begin(), b.end()); }
inline Properties as_properties(const Buf& wire) { return Properties{view(wire)}; }

inline std::vector<Property> all_properties(const Properties& properties) {
  std::vector<Property> out;
  for (const Property p : properties) out.push_back(p);
  return out;
}

/// encode_ok() for any version: a buffer of exactly encoded_size(), nothing written past it.
inline Buf encode_as(const Packet& p, ProtocolVersion v) {
  const std::size_t size = encoded_size(p, v);
  EXPECT_NE(size, 0u) << "encoded_size() refused the packet";
  Buf out(size + 8, 0xEE);
  auto written = encode(p, MutableBytes{out.data(), size}, v);
  EXPECT_TRUE(written.ok()) << "encode failed: " << (written ? "" : describe(written.error()));
  if (!written) return {};
  EXPECT_EQ(*written, size);
  for (std::size_t i = size; i < out.size(); ++i) EXPECT_EQ(out[i], 0xEE) << "wrote past the end";
  out.resize(*written);
  return out;
}
inline Buf encode_v5(const Packet& p) { return encode_as(p, kV5); }

/// expect_encode_error() for any version.
inline void expect_encode_error_as(const Packet& p, EncodeError error, ProtocolVersion v) {
  EXPECT_EQ(encoded_size(p, v), 0u);
  Buf big(1024);
  auto r = encode(p, MutableBytes{big.data(), big.size()}, v);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), error);
  auto r0 = encode(p, MutableBytes{}, v);  // validation comes before the buffer check
  ASSERT_FALSE(r0.ok());
  EXPECT_EQ(r0.error(), error);
}
inline void expect_encode_error_v5(const Packet& p, EncodeError error) {
  expect_encode_error_as(p, error, kV5);
}

/// decode_as() with DecodeLimits::version = 5.0.
template <class T>
T decode_v5(const Buf& in) {
  auto r = decode(view(in), limits_for(kV5));
  EXPECT_TRUE(r.ok()) << "decode failed: " << (r ? "" : describe(r.error()));
  if (!r) return T{};
  EXPECT_EQ(r->size, in.size());
  const T* p = std::get_if<T>(&r->packet);
  EXPECT_NE(p, nullptr) << "decoded to another packet type";
  return p != nullptr ? *p : T{};
}

inline DecodeError decode_error_v5(const Buf& in) { return decode_error(in, limits_for(kV5)); }

/// The reason code of the DISCONNECT (or CONNACK) a receiver sends for this error, as an int
/// so that failures print a number.
inline int reason_for(DecodeError error) { return reason_code_for(error); }
inline constexpr int kMalformed = 0x81;      // [MQTT-4.13]: 0x81 Malformed Packet
inline constexpr int kProtocolError = 0x82;  // [MQTT-4.13]: 0x82 Protocol Error

}  // namespace codec_test
