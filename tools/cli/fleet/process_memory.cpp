#include "process_memory.hpp"

#include <sys/resource.h>

#include <fstream>

namespace mqtt_setup::cli {
namespace {

std::uint64_t status_field_kib(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == field) {
      std::uint64_t kib = 0;
      status >> kib;
      return kib;
    }
    status.ignore(4096, '\n');
  }
  return 0;
}

}  // namespace

std::uint64_t resident_kib() { return status_field_kib("VmRSS:"); }
std::uint64_t peak_resident_kib() { return status_field_kib("VmHWM:"); }

std::uint64_t raise_open_files_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur;
}

}  // namespace mqtt_setup::cli
