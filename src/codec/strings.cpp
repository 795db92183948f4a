// UTF-8 strings, [MQTT-1.5.3]. Every PUBLISH topic passes through here (three times per
// publish, see Session::publish), so ASCII — nearly all topics — is checked in one branch-free
// pass, 16 bytes at a time where SSE2 exists and a machine word at a time elsewhere; only
// strings that fail that pass take the full decoder, which then says what is wrong.
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "codec/wire.hpp"

namespace mqtt_setup::codec {
namespace {

using Word = std::size_t;  // 8 bytes on Linux, 4 on ESP32: the width the CPU is fastest at

// A size build (-Os, as for a microcontroller) keeps only the exact byte-at-a-time decoder: the
// word-at-a-time passes cost about 290 B of Cortex-M4 flash for a speed that a device sending a
// few messages a second never needs (docs/size.md).
#if defined(__OPTIMIZE_SIZE__)
constexpr bool kWordPasses = false;
#else
constexpr bool kWordPasses = true;
#endif
constexpr Word kOnes = ~Word{0} / 0xFF;  // 0x0101...01
constexpr Word kHighBits = kOnes * 0x80;

/// The high bit of a byte is set in the result if that byte of `w` is 0 (and possibly, in
/// bytes above a zero byte, spuriously — harmless: any hit only sends us to the exact path).
constexpr Word zero_bytes(Word w) { return (w - kOnes) & ~w; }

/// Whether the word at p is plain ASCII without U+0000 (and without '+' and '#' when
/// checking a topic name): the common case, decided in about ten instructions.
template <bool kTopicName>
bool is_plain_word(const std::uint8_t* p) {
  Word w = 0;
  std::memcpy(&w, p, sizeof w);  // an unaligned load, one instruction where the CPU allows it
  Word suspicious = w | zero_bytes(w);
  if constexpr (kTopicName) {
    // '+' (0x2B) and '#' (0x23) differ only in bit 3, and no other byte becomes 0x2B with
    // that bit set: one test finds both wildcards.
    static_assert(('+' | 0x08) == '+' && ('#' | 0x08) == '+');
    suspicious |= zero_bytes((w | (kOnes * 0x08)) ^ (kOnes * '+'));
  }
  return (suspicious & kHighBits) == 0;
}

/// Whether all n bytes are plain (as is_plain_word). The flags of every block are ORed and
/// tested once at the end: no branch per block, and the last block overlaps the one before
/// instead of a byte loop for the tail.
template <bool kTopicName>
bool is_plain(const std::uint8_t* p, std::size_t n) {
#if defined(__SSE2__)
  if (n >= 16) {
    const __m128i zero = _mm_setzero_si128();
    __m128i flags = zero;  // a byte's high bit set: that byte is not plain
    auto add = [&](const std::uint8_t* at) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
      flags = _mm_or_si128(flags, _mm_or_si128(v, _mm_cmpeq_epi8(v, zero)));
      if constexpr (kTopicName) {  // the '+' / '#' test of is_plain_word
        const __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x08));
        flags = _mm_or_si128(flags, _mm_cmpeq_epi8(folded, _mm_set1_epi8('+')));
      }
    };
    for (std::size_t i = 0; i + 16 < n; i += 16) add(p + i);
    add(p + n - 16);
    return _mm_movemask_epi8(flags) == 0;
  }
#endif
  if (n < sizeof(Word)) {
    Word w = kOnes * 'a';  // padding that is plain itself
    if (n != 0) std::memcpy(&w, p, n);
    return is_plain_word<kTopicName>(reinterpret_cast<const std::uint8_t*>(&w));
  }
  bool plain = true;
  for (std::size_t i = 0; i + sizeof(Word) < n; i += sizeof(Word)) {
    plain &= is_plain_word<kTopicName>(p + i);
  }
  return plain & is_plain_word<kTopicName>(p + n - sizeof(Word));
}

constexpr bool is_continuation(std::uint8_t b) { return (b & 0xC0) == 0x80; }

/// Length of the well-formed multi-byte sequence at p (lead byte >= 0x80), or 0 if ill-formed.
/// The ranges are those of Unicode Table 3-7: they exclude overlong forms (C0, C1, E0 80..9F,
/// F0 80..8F), surrogates U+D800..U+DFFF (ED A0..BF) [MQTT-1.5.3-1] and code points above
/// U+10FFFF (F4 90.., F5..FF).
std::size_t sequence_length(const std::uint8_t* p, std::size_t available) {
  const std::uint8_t lead = p[0];
  if (lead < 0xC2) return 0;  // stray continuation byte, or overlong 2-byte form
  if (lead < 0xE0) return available >= 2 && is_continuation(p[1]) ? 2 : 0;
  if (lead < 0xF0) {
    if (available < 3) return 0;
    const std::uint8_t lo = lead == 0xE0 ? 0xA0 : 0x80;
    const std::uint8_t hi = lead == 0xED ? 0x9F : 0xBF;
    return p[1] >= lo && p[1] <= hi && is_continuation(p[2]) ? 3 : 0;
  }
  if (lead < 0xF5) {
    if (available < 4) return 0;
    const std::uint8_t lo = lead == 0xF0 ? 0x90 : 0x80;
    const std::uint8_t hi = lead == 0xF4 ? 0x8F : 0xBF;
    return p[1] >= lo && p[1] <= hi && is_continuation(p[2]) && is_continuation(p[3]) ? 4 : 0;
  }
  return 0;
}

template <bool kTopicName>
detail::TextCheck scan(const std::uint8_t* p, std::size_t n) {
  using detail::TextCheck;
  std::size_t i = 0;
  bool wildcard = false;
  while (i < n) {
    if constexpr (kWordPasses) {
      while (n - i >= sizeof(Word) && is_plain_word<kTopicName>(p + i)) i += sizeof(Word);
      // The tail, read as the last whole word: its first bytes were checked already, and a
      // plain word cannot cut a multi-byte sequence.
      const bool short_tail = n - i < sizeof(Word) && n >= sizeof(Word);
      if (short_tail && is_plain_word<kTopicName>(p + n - sizeof(Word))) break;
    }
    // The exact path, for one word's worth of bytes: then back to the fast one.
    const std::size_t stop = !kWordPasses || n - i < sizeof(Word) ? n : i + sizeof(Word);
    while (i < stop) {
      const std::uint8_t b = p[i];
      if (b >= 0x80) {
        const std::size_t length = sequence_length(p + i, n - i);
        if (length == 0) return TextCheck::InvalidUtf8;  // [MQTT-1.5.3-1]
        i += length;
        continue;
      }
      if (b == 0) return TextCheck::InvalidUtf8;  // [MQTT-1.5.3-2]
      // Not returned yet: an ill-formed byte later still answers InvalidUtf8.
      if (kTopicName && (b == '+' || b == '#')) wildcard = true;
      ++i;
    }
  }
  return wildcard ? TextCheck::InvalidTopic : TextCheck::Ok;
}

}  // namespace

namespace detail {

TextCheck scan_utf8(std::string_view s, bool wildcards_are_invalid) {
  if (s.size() > kMaxStringLength) return TextCheck::TooLong;
  const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
  // The fast pass stays here, inline, so the common answer costs no call into the decoder.
  if (kWordPasses &&
      (wildcards_are_invalid ? is_plain<true>(p, s.size()) : is_plain<false>(p, s.size()))) {
    return TextCheck::Ok;
  }
  return wildcards_are_invalid ? scan<true>(p, s.size()) : scan<false>(p, s.size());
}

}  // namespace detail

bool is_valid_utf8_string(std::string_view s) {
  return detail::check_utf8(s) == detail::TextCheck::Ok;
}

}  // namespace mqtt_setup::codec
