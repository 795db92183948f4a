#include "bench_args.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>

namespace bench {
namespace {

bool parse_u64(const char* text, std::uint64_t max, std::uint64_t& out) {
  if (text == nullptr || *text == '\0' || *text == '-') return false;
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (errno != 0 || *end != '\0' || v > max) return false;
  out = v;
  return true;
}

/// CPU time (user + system) of the whole process, every thread, so far, in microseconds.
/// getrusage has microsecond resolution, unlike the 10 ms of GNU time's output.
std::uint64_t process_cpu_us() {
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  const auto us = [](const timeval& t) {
    return static_cast<std::uint64_t>(t.tv_sec) * 1'000'000u + static_cast<std::uint64_t>(t.tv_usec);
  };
  return us(usage.ru_utime) + us(usage.ru_stime);
}

}  // namespace

bool parse_args(int argc, char** argv, const char* client_id_prefix, Args& args) {
  std::uint64_t port = 0, qos = 0, n = 0, payload = 0, inflight = 20;
  const bool ok = argc == 6 && parse_u64(argv[2], 65535, port) && port != 0 &&
                  parse_u64(argv[3], 2, qos) && parse_u64(argv[4], UINT64_MAX / 2, n) &&
                  parse_u64(argv[5], 256 * 1024 * 1024, payload);
  if (!ok) {
    std::fprintf(stderr,
                 "usage: %s HOST PORT QOS N PAYLOAD_BYTES\n"
                 "  QOS 0..2; env BENCH_INFLIGHT (default 20), BENCH_TOPIC, BENCH_TIMEOUT_S\n",
                 argc > 0 ? argv[0] : "bench");
    return false;
  }
  if (const char* w = std::getenv("BENCH_INFLIGHT");
      w != nullptr && (!parse_u64(w, 65535, inflight) || inflight == 0)) {
    std::fprintf(stderr, "BENCH_INFLIGHT must be 1..65535, not '%s'\n", w);
    return false;
  }
  if (const char* t = std::getenv("BENCH_TIMEOUT_S"); t != nullptr) args.timeout_s = std::atof(t);
  const char* topic = std::getenv("BENCH_TOPIC");
  args.host = argv[1];
  args.port = static_cast<std::uint16_t>(port);
  args.qos = static_cast<int>(qos);
  args.n = n;
  args.payload.assign(payload, static_cast<std::uint8_t>('x'));
  args.inflight = static_cast<std::uint32_t>(inflight);
  args.topic = topic != nullptr && *topic != '\0' ? topic : kDefaultTopic;
  args.fence_topic = args.topic + "/fence";
  args.client_id = std::string(client_id_prefix) + "-" + std::to_string(::getpid());
  return true;
}

int report(const char* client, const std::string& version, const Args& args,
           const Outcome& outcome) {
  const double rate = outcome.elapsed_s > 0 ? static_cast<double>(args.n) / outcome.elapsed_s : 0;
  std::printf("client=%s version=%s qos=%d n=%" PRIu64 " payload=%zu inflight=%u elapsed_s=%.6f "
              "msg_per_s=%.1f acked=%" PRIu64 " cpu_us=%" PRIu64 " ok=%d\n",
              client, version.c_str(), args.qos, args.n, args.payload.size(), args.inflight,
              outcome.elapsed_s, rate, outcome.acked, process_cpu_us(), outcome.ok ? 1 : 0);
  std::fflush(stdout);
  return outcome.ok ? 0 : 1;
}

void note_connect_time(const char* client, double seconds) {
  std::fprintf(stderr, "bench: %s: connect_s=%.6f\n", client, seconds);
}

}  // namespace bench
