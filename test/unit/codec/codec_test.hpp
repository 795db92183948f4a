// Helpers for the codec tests. Tests may allocate; the library may not.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "mqtt_setup/codec.hpp"

namespace mqtt_setup::codec {

// Readable failure messages: the sentence instead of a number.
inline void PrintTo(DecodeError e, std::ostream* os) {
  *os << static_cast<int>(e) << " (" << describe(e) << ")";
}
inline void PrintTo(EncodeError e, std::ostream* os) {
  *os << static_cast<int>(e) << " (" << describe(e) << ")";
}

}  // namespace mqtt_setup::codec

namespace codec_test {

using namespace mqtt_setup::codec;
using Buf = std::vector<std::uint8_t>;

inline Buf bytes(std::initializer_list<int> values) {
  Buf out;
  for (int v : values) out.push_back(static_cast<std::uint8_t>(v));
  return out;
}

inline Buf operator+(Buf a, const Buf& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

inline Buf text_bytes(std::string_view s) { return Buf(s.begin(), s.end()); }

/// A two-byte length and the bytes: a UTF-8 string or binary field as the spec lays it out.
inline Buf field(std::string_view s) {
  return bytes({static_cast<int>(s.size() >> 8), static_cast<int>(s.size() & 0xFF)}) +
         text_bytes(s);
}

/// A packet built by the test itself (its own remaining-length encoder, not the library's).
inline Buf packet(int first_byte, const Buf& body) {
  Buf out{static_cast<std::uint8_t>(first_byte)};
  std::size_t length = body.size();
  do {
    const auto digit = static_cast<std::uint8_t>(length % 128);
    length /= 128;
    out.push_back(length > 0 ? static_cast<std::uint8_t>(digit | 0x80) : digit);
  } while (length > 0);
  return out + body;
}

inline std::string str(Bytes b) { return std::string(as_text(b)); }
inline Bytes view(const Buf& b) { return {b.data(), b.size()}; }

/// Encodes into a buffer of exactly encoded_size() bytes and checks both agree.
inline Buf encode_ok(const Packet& p) {
  const std::size_t size = encoded_size(p);
  EXPECT_NE(size, 0u) << "encoded_size() refused the packet";
  Buf out(size + 8, 0xEE);  // slack that must stay untouched
  auto written = encode(p, MutableBytes{out.data(), size});
  EXPECT_TRUE(written.ok()) << "encode failed: " << (written ? "" : describe(written.error()));
  if (!written) return {};
  EXPECT_EQ(*written, size);
  for (std::size_t i = size; i < out.size(); ++i) EXPECT_EQ(out[i], 0xEE) << "wrote past the end";
  out.resize(*written);
  return out;
}

/// Expects `p` to be refused with `error`, by encode() (whatever the buffer) and encoded_size().
inline void expect_encode_error(const Packet& p, EncodeError error) {
  EXPECT_EQ(encoded_size(p), 0u);
  Buf big(1024);
  auto r = encode(p, MutableBytes{big.data(), big.size()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), error);
  auto r0 = encode(p, MutableBytes{});  // validation comes before the buffer check
  ASSERT_FALSE(r0.ok());
  EXPECT_EQ(r0.error(), error);
}

/// Decodes a whole packet, expecting it to take all of `in`, and returns it as T.
template <class T>
T decode_as(const Buf& in) {
  auto r = decode(view(in));
  EXPECT_TRUE(r.ok()) << "decode failed: " << (r ? "" : describe(r.error()));
  if (!r) return T{};
  EXPECT_EQ(r->size, in.size());
  const T* p = std::get_if<T>(&r->packet);
  EXPECT_NE(p, nullptr) << "decoded to another packet type";
  return p != nullptr ? *p : T{};
}

inline DecodeError decode_error(const Buf& in, const DecodeLimits& limits = {}) {
  auto r = decode(view(in), limits);
  EXPECT_FALSE(r.ok()) << "decoded although malformed";
  return r ? DecodeError{} : r.error();
}

}  // namespace codec_test
