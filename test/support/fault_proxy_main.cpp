// `fault_proxy`: the FaultProxy as a program, for shell tests of the mqtt-setup command.
// Usage and commands: see fault_proxy.hpp.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "fault_proxy.hpp"

namespace {

using mqtt_setup::test::FaultMode;
using mqtt_setup::test::FaultProxy;

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

int usage() {
  std::fprintf(stderr,
               "usage: fault_proxy --upstream HOST:PORT [--listen PORT] [--port-file F] "
               "[--seed N] [--mode pass|reset|blackhole|refuse|reject|delay|stall] "
               "[--reset-bytes MIN:MAX] [--delay MS] [--control FILE] [--max-seconds S]\n");
  return 2;
}

void print_stats(const FaultProxy& proxy) {
  const auto s = proxy.stats();
  std::printf("fault_proxy: stats accepted=%llu resets=%llu up=%llu down=%llu open=%zu\n",
              static_cast<unsigned long long>(s.accepted),
              static_cast<unsigned long long>(s.resets),
              static_cast<unsigned long long>(s.bytes_up),
              static_cast<unsigned long long>(s.bytes_down), s.open);
  std::fflush(stdout);
}

// One command line; false on "quit".
bool execute(FaultProxy& proxy, std::string line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  if (line.empty()) return true;
  char word[32] = {};
  unsigned long long a = 0, b = 0;
  const int n = std::sscanf(line.c_str(), "%31s %llu %llu", word, &a, &b);
  const std::string_view cmd = word;
  if (cmd == "quit") return false;
  if (cmd == "stats") {
    print_stats(proxy);
  } else if (cmd == "drop") {
    proxy.drop_all();
  } else if (auto mode = mqtt_setup::test::parse_fault_mode(cmd)) {
    if (*mode == FaultMode::Reset && n == 3) proxy.set_reset_range(a, b);
    if (*mode == FaultMode::Delay && n >= 2) proxy.set_delay(static_cast<std::uint32_t>(a));
    proxy.set_mode(*mode);
  } else {
    std::fprintf(stderr, "fault_proxy: unknown command '%s'\n", line.c_str());
    return true;
  }
  std::printf("fault_proxy: ok %s\n", line.c_str());
  std::fflush(stdout);
  return true;
}

// Lines completed in `pending` since the last call, executed in order; false on "quit".
bool execute_lines(FaultProxy& proxy, std::string& pending) {
  for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
    std::string line = pending.substr(0, nl);
    pending.erase(0, nl + 1);
    if (!execute(proxy, line)) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  mqtt_setup::test::FaultProxyConfig config;
  config.quiet = true;
  std::string port_file, control_file;
  long max_seconds = 600;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) return usage();
    const char* value = argv[++i];
    if (arg == "--upstream") {
      const char* colon = std::strrchr(value, ':');
      if (colon == nullptr) return usage();
      config.upstream_host.assign(value, colon);
      config.upstream_port = static_cast<std::uint16_t>(std::atoi(colon + 1));
    } else if (arg == "--listen") {
      config.listen_port = static_cast<std::uint16_t>(std::atoi(value));
    } else if (arg == "--port-file") {
      port_file = value;
    } else if (arg == "--seed") {
      config.seed = std::strtoull(value, nullptr, 10);
    } else if (arg == "--mode") {
      auto mode = mqtt_setup::test::parse_fault_mode(value);
      if (!mode) return usage();
      config.mode = *mode;
    } else if (arg == "--reset-bytes") {
      unsigned long long lo = 0, hi = 0;
      if (std::sscanf(value, "%llu:%llu", &lo, &hi) != 2) return usage();
      config.reset_min_bytes = lo;
      config.reset_max_bytes = hi;
    } else if (arg == "--delay") {
      config.delay_ms = static_cast<std::uint32_t>(std::atoi(value));
    } else if (arg == "--control") {
      control_file = value;
    } else if (arg == "--max-seconds") {
      max_seconds = std::atol(value);
    } else {
      return usage();
    }
  }
  if (config.upstream_port == 0) return usage();

  struct sigaction sa{};
  sa.sa_handler = on_signal;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  FaultProxy proxy(config);
  if (!proxy.ok()) {
    std::fprintf(stderr, "fault_proxy: cannot listen on 127.0.0.1:%u\n", config.listen_port);
    return 1;
  }
  std::printf("fault_proxy: listening on 127.0.0.1:%u seed %llu\n", proxy.port(),
              static_cast<unsigned long long>(proxy.seed()));
  std::fflush(stdout);
  std::fprintf(stderr, "fault_proxy: seed %llu (--seed %llu replays it)\n",
               static_cast<unsigned long long>(proxy.seed()),
               static_cast<unsigned long long>(proxy.seed()));
  if (!port_file.empty()) {
    // Written whole, then renamed: a reader never sees half a number.
    const std::string tmp = port_file + ".tmp";
    if (std::FILE* f = std::fopen(tmp.c_str(), "w")) {
      std::fprintf(f, "%u\n", proxy.port());
      std::fclose(f);
      std::rename(tmp.c_str(), port_file.c_str());
    }
  }

  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(max_seconds);
  std::string stdin_pending, control_pending;
  bool stdin_open = true;
  off_t control_offset = 0;
  while (!g_stop && std::chrono::steady_clock::now() < end) {
    pollfd in{STDIN_FILENO, POLLIN, 0};
    const int ready = ::poll(&in, stdin_open ? 1 : 0, 50);
    if (ready > 0 && stdin_open) {
      char buf[512];
      const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
      if (n <= 0) {
        stdin_open = false;  // no stdin (e.g. </dev/null): only the control file and signals
      } else {
        stdin_pending.append(buf, static_cast<std::size_t>(n));
        if (!execute_lines(proxy, stdin_pending)) break;
      }
    }
    if (!control_file.empty()) {
      const int fd = ::open(control_file.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd >= 0) {
        char buf[512];
        ssize_t n;
        while ((n = ::pread(fd, buf, sizeof buf, control_offset)) > 0) {
          control_pending.append(buf, static_cast<std::size_t>(n));
          control_offset += n;
        }
        ::close(fd);
        if (!execute_lines(proxy, control_pending)) break;
      }
    }
  }
  proxy.stop();
  print_stats(proxy);
  return 0;
}
