// The test process's resident memory, to show a hostile broker cannot make the client allocate
// what it announces (a 256 MB remaining length must cost nothing).
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdio>

namespace mqtt_setup::test {

/// Resident set size in bytes (from /proc/self/statm), 0 if unknown.
inline std::size_t resident_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long size = 0, resident = 0;
  const int n = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  if (n != 2) return 0;
  return static_cast<std::size_t>(resident) * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace mqtt_setup::test
