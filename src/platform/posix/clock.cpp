// Time and randomness on POSIX hosts.
#if !defined(ESP_PLATFORM)

#include <cerrno>
#include <ctime>

#if defined(__linux__)
#include <sys/random.h>
#endif

#include "mqtt_setup/platform.hpp"

namespace mqtt_setup::platform {

Millis now_ms() {
  // CLOCK_MONOTONIC: keep-alive and backoff must not jump when NTP or a user sets the wall clock.
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<Millis>(ts.tv_sec) * 1000U + static_cast<Millis>(ts.tv_nsec) / 1'000'000U;
}

namespace {

// splitmix64: a fallback for kernels without getrandom(). Jitter only has to differ between
// devices that restart together, so the seed mixes the clock with a stack address (ASLR).
std::uint32_t fallback_random() {
  static thread_local std::uint64_t state = [] {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    int anchor = 0;
    return static_cast<std::uint64_t>(ts.tv_nsec) ^ (static_cast<std::uint64_t>(ts.tv_sec) << 32) ^
           reinterpret_cast<std::uintptr_t>(&anchor);
  }();
  state += 0x9E3779B97F4A7C15ULL;
  std::uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return static_cast<std::uint32_t>((z ^ (z >> 31)) >> 32);
}

}  // namespace

std::uint32_t random_u32() {
#if defined(__linux__)
  std::uint32_t value = 0;
  // GRND_NONBLOCK: early at boot the pool may not be ready; jitter must never block a reconnect.
  if (getrandom(&value, sizeof value, GRND_NONBLOCK) == static_cast<ssize_t>(sizeof value)) {
    return value;
  }
#endif
  return fallback_random();
}

void sleep_ms(std::uint32_t ms) {
  timespec left{static_cast<time_t>(ms / 1000U), static_cast<long>(ms % 1000U) * 1'000'000L};
  // A signal handler interrupts nanosleep; sleep the rest. Bounded: `left` only shrinks.
  while (nanosleep(&left, &left) != 0 && errno == EINTR) {
  }
}

}  // namespace mqtt_setup::platform

#endif  // !ESP_PLATFORM
