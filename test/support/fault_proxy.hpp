// A TCP proxy that breaks the link between a client and a real broker on purpose, for tests
// that must show nothing is lost when the network misbehaves. It listens on 127.0.0.1 and
// forwards each accepted connection to the upstream (a mosquitto), in one of these modes:
//
//   pass       forward both directions untouched
//   reset      forward, but end each connection with an RST after a random number of bytes
//              in either direction (drawn per connection and direction from [min, max]), so
//              the cut falls anywhere, mid-packet included. The RNG is seeded; the seed is
//              printed on stderr and MQTT_SETUP_FAULT_SEED=N replays a run.
//   blackhole  accept and read everything, forward nothing, answer nothing (a dead NAT entry or
//              a pulled cable: the client's writes succeed, nothing ever comes back)
//   refuse     stop listening: connection attempts are refused (ECONNREFUSED)
//   reject     accept, note the time, and reset at once: lets a test count and time attempts
//              (accept_times()) while the client sees every attempt fail
//   delay      forward each chunk `delay_ms` later (latency; order is kept)
//   stall      read nothing from either side: the kernel buffers fill and the client's writes
//              stop being taken (a peer that froze); forwarding resumes when the mode changes
//
// The mode applies to open connections too (switching to blackhole silences them) and can be
// changed at any time from any thread. `drop_all()` resets every open connection at once.
//
// In a test (the proxy runs on its own thread):
//   test::FaultProxy proxy({.upstream_port = broker_port("plain")});
//   proxy.set_mode(test::FaultMode::Reset);
//   ... client connects to 127.0.0.1:proxy.port() ...
//   EXPECT_GE(proxy.stats().resets, 10u);
//
// As a program, for shell tests (fault_proxy_main.cpp; CMake target `fault_proxy`):
//   fault_proxy --upstream 127.0.0.1:1883 [--listen PORT] [--port-file F] [--seed N]
//               [--mode M] [--reset-bytes MIN:MAX] [--delay MS] [--control FILE]
//               [--max-seconds S]
// It prints "fault_proxy: listening on 127.0.0.1:PORT seed N" on stdout, then executes
// commands, one per line, read from stdin and from lines appended to the control file
// (`echo blackhole >> "$ctl"`):
//   pass | reset [MIN MAX] | blackhole | refuse | reject | delay MS | stall | drop | stats | quit
// `stats` prints "fault_proxy: stats accepted=N resets=N up=N down=N open=N" on stdout (also
// printed at exit). SIGTERM/SIGINT end it cleanly; --max-seconds (default 600) bounds its life.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqtt_setup::test {

enum class FaultMode : std::uint8_t { Pass, Reset, Blackhole, Refuse, Reject, Delay, Stall };

std::string_view describe(FaultMode mode);
std::optional<FaultMode> parse_fault_mode(std::string_view name);

struct FaultProxyConfig {
  std::string upstream_host = "127.0.0.1";
  std::uint16_t upstream_port = 0;
  std::uint16_t listen_port = 0;  // 0: an ephemeral port
  std::uint64_t seed = 0;         // 0: MQTT_SETUP_FAULT_SEED, else a random one (printed)
  FaultMode mode = FaultMode::Pass;
  std::size_t reset_min_bytes = 1;
  std::size_t reset_max_bytes = 4096;
  std::uint32_t delay_ms = 100;
  bool quiet = false;  // do not print the seed (the program prints it itself)
};

struct FaultProxyStats {
  std::uint64_t accepted = 0;    // connections accepted (in every mode)
  std::uint64_t resets = 0;      // connections cut by reset mode
  std::uint64_t bytes_up = 0;    // client -> broker, forwarded
  std::uint64_t bytes_down = 0;  // broker -> client, forwarded
  std::size_t open = 0;          // connections open now
};

class FaultProxy {
 public:
  explicit FaultProxy(FaultProxyConfig config);
  ~FaultProxy();  // stops the thread, resets every connection
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  /// Listening (or ready to, in refuse mode) and the thread runs.
  bool ok() const;
  std::uint16_t port() const;
  std::uint64_t seed() const;

  /// Thread-safe. Returns once the proxy's loop has taken the mode: bytes read from then on,
  /// on open connections too, are handled in the new mode. (Not from the loop's own thread.)
  void set_mode(FaultMode mode);
  FaultMode mode() const;
  /// Reset mode: each connection direction is cut after a byte count drawn from [min, max].
  /// Applies to connections opened (or budgets redrawn) from now on.
  void set_reset_range(std::size_t min_bytes, std::size_t max_bytes);
  void set_delay(std::uint32_t delay_ms);
  /// Resets every open connection now (both sides get an RST).
  void drop_all();

  FaultProxyStats stats() const;
  /// When each connection was accepted (steady clock), in order.
  std::vector<std::chrono::steady_clock::time_point> accept_times() const;

  /// Ends the thread (idempotent).
  void stop();

  struct State;  // fault_proxy.cpp

 private:
  std::unique_ptr<State> state_;
};

}  // namespace mqtt_setup::test
