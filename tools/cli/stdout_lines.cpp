#include "stdout_lines.hpp"

#include <cstdio>

namespace mqtt_setup::cli {

bool StdoutLines::write(std::string_view line) {
  std::lock_guard lock(mutex_);
  if (broken_) return false;
  const bool ok = std::fwrite(line.data(), 1, line.size(), stdout) == line.size() &&
                  std::fputc('\n', stdout) != EOF && std::fflush(stdout) == 0;
  if (!ok) broken_ = true;
  return ok;
}

}  // namespace mqtt_setup::cli
