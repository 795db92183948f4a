// Composes a line of text in a caller's fixed buffer: log lines on the reconnect path must not
// allocate (no heap after setup_connection()). Too long a line is cut, never overflows.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace mqtt_setup {

class TextBuffer {
 public:
  explicit TextBuffer(std::span<char> out) : out_(out) {}
  TextBuffer& operator<<(std::string_view text) {
    const std::size_t n = text.size() < out_.size() - used_ ? text.size() : out_.size() - used_;
    for (std::size_t i = 0; i < n; ++i) out_[used_ + i] = text[i];
    used_ += n;
    return *this;
  }
  /// "0x97": a reason code as the spec writes it.
  TextBuffer& hex_byte(unsigned char value) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    const char text[4] = {'0', 'x', kDigits[value >> 4], kDigits[value & 0x0F]};
    return *this << std::string_view{text, 4};
  }
  std::string_view view() const { return {out_.data(), used_}; }

 private:
  std::span<char> out_;
  std::size_t used_ = 0;
};

}  // namespace mqtt_setup
