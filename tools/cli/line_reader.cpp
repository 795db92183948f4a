#include "line_reader.hpp"

#include <unistd.h>

#include <cerrno>

namespace mqtt_setup::cli {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

std::string without_carriage_return(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return std::string(line);
}

}  // namespace

LineReader::LineReader(int fd, std::size_t max_line_bytes)
    : fd_(fd), max_line_bytes_(max_line_bytes) {}

void LineReader::read_available() {
  if (at_end_) return;
  // Hand-outs leave consumed bytes at the front; drop them before the buffer grows.
  if (start_ > 0) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  const std::size_t old_size = buffer_.size();
  buffer_.resize(old_size + kReadChunk);
  ssize_t n;
  do {
    n = ::read(fd_, buffer_.data() + old_size, kReadChunk);
  } while (n < 0 && errno == EINTR);
  buffer_.resize(old_size + (n > 0 ? static_cast<std::size_t>(n) : 0));
  if (n == 0) at_end_ = true;
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
    read_error_ = errno;
    at_end_ = true;
  }
}

std::optional<InputLine> LineReader::next_line() {
  const std::string_view pending = std::string_view(buffer_).substr(start_);
  const std::size_t newline = pending.find('\n');

  if (skipping_) {
    if (newline == std::string_view::npos) {
      start_ = buffer_.size();  // still inside the long line
      if (at_end_) skipping_ = false;
      return std::nullopt;
    }
    start_ += newline + 1;
    skipping_ = false;
    return next_line();
  }

  if (newline != std::string_view::npos) {
    start_ += newline + 1;
    InputLine line{without_carriage_return(pending.substr(0, newline)), false};
    if (line.text.size() > max_line_bytes_) return InputLine{{}, true};
    return line;
  }
  if (pending.size() > max_line_bytes_ + 1) {
    // Report it now and skip the rest as it arrives, instead of buffering without bound.
    start_ = buffer_.size();
    skipping_ = !at_end_;
    return InputLine{{}, true};
  }
  if (at_end_ && !pending.empty()) {
    start_ = buffer_.size();
    return InputLine{without_carriage_return(pending), false};
  }
  return std::nullopt;
}

}  // namespace mqtt_setup::cli
