// Counts heap allocations of the whole process (malloc and everything built on it: operator
// new, std::string, std::function, getaddrinfo) while counting is on, except on threads that
// exempt themselves. For each of the first few allocations it keeps the call stack, so a
// failure names the allocating site instead of only a number.
#pragma once

#include <cstddef>
#include <cstdint>

namespace alloc_test {

/// Starts counting from zero (every thread but exempt ones).
void start_counting();
/// Stops counting; returns how many allocations happened since start_counting().
std::uint64_t stop_counting();

/// While alive, allocations of the calling thread are not counted (the test's own helpers:
/// running the broker restart script, building failure messages).
class ExemptThisThread {
 public:
  ExemptThisThread();
  ~ExemptThisThread();
  ExemptThisThread(const ExemptThisThread&) = delete;
  ExemptThisThread& operator=(const ExemptThisThread&) = delete;

 private:
  bool previous_;
};

/// Writes the recorded call stacks (symbolised) to stderr.
void print_recorded_sites();

}  // namespace alloc_test
