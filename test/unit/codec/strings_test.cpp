// UTF-8 strings, [MQTT-1.5.3].
#include <string>

#include "codec_test.hpp"

namespace codec_test {
namespace {

std::string s(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

TEST(Utf8, AcceptsWellFormedStrings) {
  EXPECT_TRUE(is_valid_utf8_string(""));
  EXPECT_TRUE(is_valid_utf8_string("sensors/kitchen/temperature"));
  EXPECT_TRUE(is_valid_utf8_string(s({0x01})));  // U+0001: SHOULD NOT appear, but well-formed
  EXPECT_TRUE(is_valid_utf8_string(s({0x7F})));                    // U+007F
  EXPECT_TRUE(is_valid_utf8_string(s({0xC2, 0x80})));              // U+0080, smallest 2-byte
  EXPECT_TRUE(is_valid_utf8_string(s({0xC3, 0xA9})));              // é
  EXPECT_TRUE(is_valid_utf8_string(s({0xDF, 0xBF})));              // U+07FF
  EXPECT_TRUE(is_valid_utf8_string(s({0xE0, 0xA0, 0x80})));        // U+0800, smallest 3-byte
  EXPECT_TRUE(is_valid_utf8_string(s({0xE2, 0x82, 0xAC})));        // €
  EXPECT_TRUE(is_valid_utf8_string(s({0xED, 0x9F, 0xBF})));        // U+D7FF, just below surrogates
  EXPECT_TRUE(is_valid_utf8_string(s({0xEE, 0x80, 0x80})));        // U+E000, just above them
  EXPECT_TRUE(is_valid_utf8_string(s({0xEF, 0xBB, 0xBF})));        // U+FEFF kept, [MQTT-1.5.3-3]
  EXPECT_TRUE(is_valid_utf8_string(s({0xF0, 0x90, 0x80, 0x80})));  // U+10000, smallest 4-byte
  EXPECT_TRUE(is_valid_utf8_string(s({0xF0, 0x9D, 0x84, 0x9E})));  // 𝄞
  EXPECT_TRUE(is_valid_utf8_string(s({0xF4, 0x8F, 0xBF, 0xBF})));  // U+10FFFF, the last
  EXPECT_TRUE(is_valid_utf8_string("gr\xC3\xBC\xC3\x9F/\xE6\x9D\xB1\xE4\xBA\xAC/caf\xC3\xA9"));
}

TEST(Utf8, RefusesNullCharacter) {  // [MQTT-1.5.3-2]
  EXPECT_FALSE(is_valid_utf8_string(std::string_view("\0", 1)));
  EXPECT_FALSE(is_valid_utf8_string(std::string_view("a\0b", 3)));
  EXPECT_FALSE(is_valid_utf8_string(s({0xC0, 0x80})));  // "modified UTF-8" NUL is overlong
}

TEST(Utf8, RefusesSurrogates) {  // [MQTT-1.5.3-1]
  EXPECT_FALSE(is_valid_utf8_string(s({0xED, 0xA0, 0x80})));  // U+D800
  EXPECT_FALSE(is_valid_utf8_string(s({0xED, 0xAF, 0xBF})));  // U+DBFF
  EXPECT_FALSE(is_valid_utf8_string(s({0xED, 0xB0, 0x80})));  // U+DC00
  EXPECT_FALSE(is_valid_utf8_string(s({0xED, 0xBF, 0xBF})));  // U+DFFF
  EXPECT_FALSE(is_valid_utf8_string(s({0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80})));  // CESU pair
}

TEST(Utf8, RefusesOverlongForms) {
  EXPECT_FALSE(is_valid_utf8_string(s({0xC0, 0xAF})));              // '/' in 2 bytes
  EXPECT_FALSE(is_valid_utf8_string(s({0xC1, 0xBF})));              // U+007F in 2 bytes
  EXPECT_FALSE(is_valid_utf8_string(s({0xE0, 0x80, 0xAF})));        // '/' in 3 bytes
  EXPECT_FALSE(is_valid_utf8_string(s({0xE0, 0x9F, 0xBF})));        // U+07FF in 3 bytes
  EXPECT_FALSE(is_valid_utf8_string(s({0xF0, 0x80, 0x80, 0xAF})));  // '/' in 4 bytes
  EXPECT_FALSE(is_valid_utf8_string(s({0xF0, 0x8F, 0xBF, 0xBF})));  // U+FFFF in 4 bytes
}

TEST(Utf8, RefusesCodePointsAboveUnicode) {
  EXPECT_FALSE(is_valid_utf8_string(s({0xF4, 0x90, 0x80, 0x80})));  // U+110000
  EXPECT_FALSE(is_valid_utf8_string(s({0xF5, 0x80, 0x80, 0x80})));
  EXPECT_FALSE(is_valid_utf8_string(s({0xF7, 0xBF, 0xBF, 0xBF})));
  EXPECT_FALSE(is_valid_utf8_string(s({0xF8, 0x88, 0x80, 0x80, 0x80})));  // old 5-byte form
  EXPECT_FALSE(is_valid_utf8_string(s({0xFE})));
  EXPECT_FALSE(is_valid_utf8_string(s({0xFF})));
}

TEST(Utf8, RefusesBrokenSequences) {
  EXPECT_FALSE(is_valid_utf8_string(s({0x80})));                    // lone continuation
  EXPECT_FALSE(is_valid_utf8_string(s({0x61, 0xBF})));
  EXPECT_FALSE(is_valid_utf8_string(s({0xC3})));                    // truncated at the end
  EXPECT_FALSE(is_valid_utf8_string(s({0xE2, 0x82})));
  EXPECT_FALSE(is_valid_utf8_string(s({0xF0, 0x9D, 0x84})));
  EXPECT_FALSE(is_valid_utf8_string(s({0xC3, 0x41})));              // continuation missing
  EXPECT_FALSE(is_valid_utf8_string(s({0xE2, 0x41, 0xAC})));
  EXPECT_FALSE(is_valid_utf8_string(s({0xE2, 0x82, 0x41})));
  EXPECT_FALSE(is_valid_utf8_string(s({0xF0, 0x41, 0x84, 0x9E})));
  EXPECT_FALSE(is_valid_utf8_string(s({0xF0, 0x9D, 0x41, 0x9E})));
  EXPECT_FALSE(is_valid_utf8_string(s({0xF0, 0x9D, 0x84, 0x41})));
  EXPECT_FALSE(is_valid_utf8_string(s({0xC3, 0xA9, 0xA9})));        // one continuation too many
}

TEST(Utf8, LengthLimitIs65535Bytes) {  // [MQTT-1.5.3]: two length bytes
  EXPECT_TRUE(is_valid_utf8_string(std::string(65'535, 'a')));
  EXPECT_FALSE(is_valid_utf8_string(std::string(65'536, 'a')));
}

// The ASCII fast path reads a word at a time: a bad byte must be found at every offset and
// every alignment, and non-ASCII must be handled wherever it starts.
TEST(Utf8, FindsBadByteAtEveryPosition) {
  for (std::size_t length = 1; length <= 40; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      std::string text(length, 'x');
      text[at] = '\0';
      EXPECT_FALSE(is_valid_utf8_string(text)) << "NUL at " << at << " of " << length;
      text[at] = static_cast<char>(0xFF);
      EXPECT_FALSE(is_valid_utf8_string(text)) << "0xFF at " << at << " of " << length;
      text[at] = static_cast<char>(0x80);
      EXPECT_FALSE(is_valid_utf8_string(text)) << "0x80 at " << at << " of " << length;
      text[at] = '~';
      EXPECT_TRUE(is_valid_utf8_string(text));
      // Substring from an unaligned start: same answers.
      EXPECT_TRUE(is_valid_utf8_string(std::string_view(text).substr(at)));
    }
  }
}

TEST(Utf8, MultiByteCharacterAtEveryPosition) {
  for (std::size_t length = 0; length <= 24; ++length) {
    for (std::size_t at = 0; at <= length; ++at) {
      std::string text(length, 'x');
      text.insert(at, "\xF0\x9D\x84\x9E");
      EXPECT_TRUE(is_valid_utf8_string(text)) << "at " << at << " of " << length;
      text.erase(at + 3, 1);  // cut the last continuation byte
      EXPECT_FALSE(is_valid_utf8_string(text)) << "truncated at " << at << " of " << length;
    }
  }
}

// The fast pass reads blocks (16 bytes, a word, a padded word) and overlaps the last one:
// every length and every position must still be seen.
TEST(Utf8, FindsABadByteAtAnyPositionOfAnyLength) {
  for (std::size_t length = 1; length <= 48; ++length) {
    const std::string plain(length, 'a');
    EXPECT_TRUE(is_valid_utf8_string(plain)) << length;
    EXPECT_TRUE(is_valid_topic_name(plain)) << length;
    for (std::size_t at = 0; at < length; ++at) {
      std::string text = plain;
      text[at] = '\0';
      EXPECT_FALSE(is_valid_utf8_string(text)) << length << " NUL at " << at;
      text[at] = static_cast<char>(0x80);  // a continuation byte without a lead
      EXPECT_FALSE(is_valid_utf8_string(text)) << length << " 0x80 at " << at;
      text[at] = '+';
      EXPECT_TRUE(is_valid_utf8_string(text)) << length;
      EXPECT_FALSE(is_valid_topic_name(text)) << length << " '+' at " << at;
      text[at] = '#';
      EXPECT_FALSE(is_valid_topic_name(text)) << length << " '#' at " << at;
      text[at] = '+' | 0x40;  // 'k': one bit from '+', must not look like a wildcard
      EXPECT_TRUE(is_valid_topic_name(text)) << length;
    }
  }
}

}  // namespace
}  // namespace codec_test
