#include "self_restart.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

namespace mqtt_setup::cli {

std::string restart_self() {
  // The arguments as the kernel kept them: main()'s argv is not needed this way.
  std::ifstream file("/proc/self/cmdline", std::ios::binary);
  const std::string cmdline{std::istreambuf_iterator<char>(file), {}};
  if (cmdline.empty()) return "cannot read /proc/self/cmdline";
  std::vector<char*> argv;
  for (std::size_t start = 0; start < cmdline.size();) {
    argv.push_back(const_cast<char*>(cmdline.data() + start));
    start = cmdline.find('\0', start);
    if (start == std::string::npos) break;
    ++start;
  }
  argv.push_back(nullptr);
  // Every descriptor of ours is close-on-exec. SIGINT/SIGTERM stay blocked across execv: a stop
  // signal arriving meanwhile waits for the new image's signal thread instead of killing it.
  ::execv("/proc/self/exe", argv.data());
  return std::string("execv /proc/self/exe: ") + std::strerror(errno);
}

}  // namespace mqtt_setup::cli
