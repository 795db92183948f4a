// Standard input as lines, for `pipe`, without ever blocking the main thread: it reads only
// after poll() said there is something, so the same thread keeps watching signals, deliveries
// and --timeout.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace mqtt_setup::cli {

struct InputLine {
  std::string text;       // without "\n" or "\r\n"
  bool too_long = false;  // longer than the limit: text is empty, the bytes were skipped
};

class LineReader {
 public:
  LineReader(int fd, std::size_t max_line_bytes);

  /// One read(): call it only when poll() said the descriptor is ready.
  void read_available();

  /// The next complete line; after end of input also a last line without newline.
  std::optional<InputLine> next_line();

  /// End of input reached and every line handed out.
  bool finished() const { return at_end_ && buffer_.size() == start_ && !skipping_; }
  int fd() const { return fd_; }
  /// The read error that ended the input early, or 0.
  int read_error() const { return read_error_; }

 private:
  int fd_;
  std::size_t max_line_bytes_;
  std::string buffer_;
  std::size_t start_ = 0;  // first byte not yet handed out
  bool skipping_ = false;  // inside a too-long line: drop bytes up to its newline
  bool at_end_ = false;
  int read_error_ = 0;
};

}  // namespace mqtt_setup::cli
