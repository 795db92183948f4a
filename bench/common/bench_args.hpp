// The publish benchmark interface every client program shares (docs/bench_method.md):
//   PROG HOST PORT QOS N PAYLOAD_BYTES      env BENCH_INFLIGHT (20), BENCH_TOPIC
// and its one-line result. Each client program only connects, publishes and waits; parsing,
// timing and the result line live here so that every client is measured the same way.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace bench {

inline constexpr const char* kDefaultTopic = "devices/esp32_0011223344/sensors/temperature";
/// Upper bound on any wait of a run, so a lost acknowledgement ends the program instead of
/// hanging the harness. BENCH_TIMEOUT_S overrides it.
inline constexpr double kDefaultTimeoutS = 120;

struct Args {
  std::string host;
  std::uint16_t port = 0;
  int qos = 0;
  std::uint64_t n = 0;
  std::vector<std::uint8_t> payload;  // PAYLOAD_BYTES of 'x'
  std::uint32_t inflight = 20;
  std::string topic;
  std::string fence_topic;  // "<topic>/fence": the QoS 1 message that closes a QoS 0 run
  std::string client_id;    // unique per process: prefix + PID
  double timeout_s = kDefaultTimeoutS;
};

/// Parses argv and the environment; on a usage error prints to stderr and returns false.
bool parse_args(int argc, char** argv, const char* client_id_prefix, Args& args);

using Clock = std::chrono::steady_clock;

/// Seconds since `start`.
inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Outcome {
  double elapsed_s = 0;     // t1 - t0
  std::uint64_t acked = 0;  // messages completed (QoS 0: published, once the fence came back)
  bool ok = false;
};

/// Prints the single result line and returns the exit code (0 only when ok). Besides the
/// interface's keys it adds cpu_us=: user + system CPU of the whole process so far (getrusage,
/// all threads, µs); the harness subtracts the N = 0 run's figure to get CPU per message.
int report(const char* client, const std::string& version, const Args& args,
           const Outcome& outcome);

/// A diagnostic on stderr, "bench: <client>: connect_s=<s>": the harness's connect benchmark
/// reads it (time from nothing to CONNACK, process start-up excluded).
void note_connect_time(const char* client, double seconds);

}  // namespace bench
