// The fault proxy's loop: one thread, poll() over the listener, a wake pipe and every
// connection's two sockets. Each direction keeps its own bytes-not-yet-written and, in delay
// mode, chunks waiting for their release time; a direction with bytes pending stops reading,
// so a slow reader slows the writer (as TCP would) instead of growing a buffer without bound.
#include "fault_proxy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <list>
#include <mutex>
#include <random>
#include <thread>
#include <utility>

#include "loopback.hpp"

namespace mqtt_setup::test {

using Clock = std::chrono::steady_clock;

std::string_view describe(FaultMode mode) {
  switch (mode) {
    case FaultMode::Pass: return "pass";
    case FaultMode::Reset: return "reset";
    case FaultMode::Blackhole: return "blackhole";
    case FaultMode::Refuse: return "refuse";
    case FaultMode::Reject: return "reject";
    case FaultMode::Delay: return "delay";
    case FaultMode::Stall: return "stall";
  }
  return "?";
}

std::optional<FaultMode> parse_fault_mode(std::string_view name) {
  for (auto m : {FaultMode::Pass, FaultMode::Reset, FaultMode::Blackhole, FaultMode::Refuse,
                 FaultMode::Reject, FaultMode::Delay, FaultMode::Stall}) {
    if (describe(m) == name) return m;
  }
  return std::nullopt;
}

namespace {

constexpr std::size_t kChunk = 16 * 1024;
constexpr std::size_t kMaxDelayedBytes = 1 << 20;  // per direction: stop reading beyond it

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

Socket listen_on(std::uint16_t port) {
  Socket s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!s.valid()) return {};
  int one = 1;
  ::setsockopt(s.fd(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::bind(s.fd(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return {};
  if (::listen(s.fd(), 64) != 0) return {};
  set_nonblocking(s.fd());
  return s;
}

std::uint16_t local_port(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) return 0;
  return ntohs(a.sin_port);
}

// Loopback only (tests never leave the machine), so a blocking connect answers at once.
Socket connect_upstream(const std::string& host, std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1) return {};
  Socket s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!s.valid() || ::connect(s.fd(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return {};
  int one = 1;
  ::setsockopt(s.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  set_nonblocking(s.fd());
  return s;
}

struct Chunk {
  Clock::time_point release;
  std::vector<std::uint8_t> bytes;
};

struct Direction {
  std::vector<std::uint8_t> pending;  // to write to the destination, from `written` on
  std::size_t written = 0;
  std::deque<Chunk> delayed;
  std::size_t delayed_bytes = 0;
  std::uint64_t count = 0;   // bytes read since the budget was drawn
  std::uint64_t budget = 0;  // reset mode: cut when count reaches it
  bool eof = false;
  bool has_pending() const { return written < pending.size(); }
};

struct Link {
  Socket client;
  Socket upstream;  // invalid for a connection accepted in blackhole mode
  Direction dir[2];  // 0: client -> upstream, 1: upstream -> client
  bool dead = false;
  bool swallowed = false;  // blackhole ate bytes: the stream has a hole, it cannot resume
  int src(int d) const { return d == 0 ? client.fd() : upstream.fd(); }
  int dst(int d) const { return d == 0 ? upstream.fd() : client.fd(); }
  void abort() {
    client.abort();
    upstream.abort();
    dead = true;
  }
};

}  // namespace

struct FaultProxy::State {
  FaultProxyConfig config;
  std::uint16_t port = 0;
  Socket listener;
  Socket wake_read, wake_write;
  std::thread thread;
  std::atomic<bool> stopping{false};

  mutable std::mutex mutex;  // guards what other threads set or read
  std::uint64_t turns = 0;   // loop turns begun: each takes the settings below afresh
  std::condition_variable turned;
  FaultMode mode = FaultMode::Pass;
  std::size_t reset_min = 1, reset_max = 4096;
  std::uint32_t delay_ms = 100;
  bool redraw = false;
  bool drop = false;
  FaultProxyStats stats;
  std::vector<Clock::time_point> accepts;

  std::mt19937_64 rng;
  std::list<Link> links;  // loop thread only

  void wake() {
    const char c = 1;
    (void)!::write(wake_write.fd(), &c, 1);
  }
  std::uint64_t draw_budget(std::size_t lo, std::size_t hi) {
    if (hi < lo) hi = lo;
    return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng);
  }
  void run();
  void accept_one(FaultMode m, std::size_t lo, std::size_t hi);
  void pump_read(Link& link, int d, FaultMode m, std::uint32_t delay);
  static void flush(Link& link, int d);
};

void FaultProxy::State::accept_one(FaultMode m, std::size_t lo, std::size_t hi) {
  Socket c(::accept4(listener.fd(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!c.valid()) return;
  {
    std::lock_guard lock(mutex);
    ++stats.accepted;
    accepts.push_back(Clock::now());
  }
  if (m == FaultMode::Reject) {
    c.abort();
    return;
  }
  int one = 1;
  ::setsockopt(c.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  set_nonblocking(c.fd());
  Link link;
  link.client = std::move(c);
  if (m != FaultMode::Blackhole) {
    link.upstream = connect_upstream(config.upstream_host, config.upstream_port);
    if (!link.upstream.valid()) {  // broker down: the client sees its connection reset
      link.client.abort();
      return;
    }
  }
  link.dir[0].budget = draw_budget(lo, hi);
  link.dir[1].budget = draw_budget(lo, hi);
  links.push_back(std::move(link));
}

void FaultProxy::State::flush(Link& link, int d) {
  Direction& dir = link.dir[d];
  while (dir.has_pending()) {
    const ssize_t n = ::send(link.dst(d), dir.pending.data() + dir.written,
                             dir.pending.size() - dir.written, MSG_NOSIGNAL);
    if (n > 0) {
      dir.written += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      return;
    } else {
      link.abort();
      return;
    }
  }
  dir.pending.clear();
  dir.written = 0;
}

void FaultProxy::State::pump_read(Link& link, int d, FaultMode m, std::uint32_t delay) {
  std::uint8_t buf[kChunk];
  const ssize_t n = ::recv(link.src(d), buf, sizeof buf, 0);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    link.abort();  // the peer reset: pass it on
    return;
  }
  Direction& dir = link.dir[d];
  if (n == 0) {
    dir.eof = true;
    return;
  }
  auto size = static_cast<std::size_t>(n);
  if (m == FaultMode::Blackhole || !link.upstream.valid()) {
    link.swallowed = true;
    return;
  }
  if (m == FaultMode::Reset && dir.count + size >= dir.budget) {
    // Forward exactly up to the budget (so the cut can fall inside a packet), then RST both.
    const auto keep = static_cast<std::size_t>(dir.budget - std::min(dir.budget, dir.count));
    dir.pending.insert(dir.pending.end(), buf, buf + keep);
    flush(link, d);
    std::lock_guard lock(mutex);
    stats.resets++;
    (d == 0 ? stats.bytes_up : stats.bytes_down) += keep;
    link.abort();
    return;
  }
  dir.count += size;
  {
    std::lock_guard lock(mutex);
    (d == 0 ? stats.bytes_up : stats.bytes_down) += size;
  }
  if (m == FaultMode::Delay || !dir.delayed.empty()) {  // keep order when delay mode ends
    dir.delayed.push_back({Clock::now() + std::chrono::milliseconds(delay), {buf, buf + size}});
    dir.delayed_bytes += size;
    return;
  }
  dir.pending.insert(dir.pending.end(), buf, buf + size);
  flush(link, d);
}

void FaultProxy::State::run() {
  std::vector<pollfd> fds;
  std::vector<std::pair<Link*, int>> owners;  // which link/direction each fd entry serves
  while (!stopping) {
    FaultMode m;
    std::size_t lo, hi;
    std::uint32_t delay;
    bool redraw_now, drop_now;
    {
      std::lock_guard lock(mutex);
      m = mode;
      lo = reset_min;
      hi = reset_max;
      delay = delay_ms;
      redraw_now = std::exchange(redraw, false);
      drop_now = std::exchange(drop, false);
      ++turns;
    }
    turned.notify_all();
    if (m == FaultMode::Refuse && listener.valid()) listener.reset();
    if (m != FaultMode::Refuse && !listener.valid()) {
      listener = listen_on(port);  // same port: the client's address list stays valid
    }
    for (auto& link : links) {
      // A real dead link heals by timing out, not by resuming a stream with bytes missing.
      if (drop_now || (link.swallowed && m != FaultMode::Blackhole)) link.abort();
      if (redraw_now) {
        for (auto& dir : link.dir) {
          dir.count = 0;
          dir.budget = draw_budget(lo, hi);
        }
      }
    }

    // Delayed chunks whose time came join the pending bytes.
    const auto now = Clock::now();
    auto next_release = Clock::time_point::max();
    for (auto& link : links) {
      for (int d = 0; d < 2 && !link.dead; ++d) {
        Direction& dir = link.dir[d];
        while (!dir.delayed.empty() && dir.delayed.front().release <= now) {
          auto& bytes = dir.delayed.front().bytes;
          dir.pending.insert(dir.pending.end(), bytes.begin(), bytes.end());
          dir.delayed_bytes -= bytes.size();
          dir.delayed.pop_front();
        }
        if (!dir.delayed.empty()) next_release = std::min(next_release, dir.delayed.front().release);
        flush(link, d);
      }
    }
    // A direction that reached EOF with nothing left to forward: close the link with a FIN.
    for (auto& link : links) {
      for (auto& dir : link.dir) {
        if (dir.eof && !dir.has_pending() && dir.delayed.empty()) link.dead = true;
      }
    }
    std::erase_if(links, [](const Link& l) { return l.dead; });
    {
      std::lock_guard lock(mutex);
      stats.open = links.size();
    }

    fds.clear();
    owners.clear();
    fds.push_back({wake_read.fd(), POLLIN, 0});
    owners.emplace_back(nullptr, -1);
    if (listener.valid()) {
      fds.push_back({listener.fd(), POLLIN, 0});
      owners.emplace_back(nullptr, -2);
    }
    for (auto& link : links) {
      for (int d = 0; d < 2; ++d) {
        const Direction& dir = link.dir[d];
        if (dir.has_pending()) {
          fds.push_back({link.dst(d), POLLOUT, 0});
          owners.emplace_back(&link, d + 2);
        } else if (m != FaultMode::Stall && !dir.eof && link.src(d) >= 0 &&
                   dir.delayed_bytes < kMaxDelayedBytes) {
          fds.push_back({link.src(d), POLLIN, 0});
          owners.emplace_back(&link, d);
        }
      }
    }
    int timeout = 200;  // also bounds how late a mode change is noticed without a wake
    if (next_release != Clock::time_point::max()) {
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_release - now);
      timeout = static_cast<int>(std::clamp<long long>(wait.count() + 1, 0, timeout));
    }
    if (::poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) break;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      auto [link, what] = owners[i];
      if (what == -1) {
        char drain[64];
        while (::read(wake_read.fd(), drain, sizeof drain) > 0) {
        }
      } else if (what == -2) {
        accept_one(m, lo, hi);
      } else if (!link->dead) {
        if (what >= 2) {
          flush(*link, what - 2);
        } else {
          pump_read(*link, what, m, delay);
        }
      }
    }
  }
  for (auto& link : links) link.abort();
  links.clear();
}

FaultProxy::FaultProxy(FaultProxyConfig config) : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.config = std::move(config);
  s.mode = s.config.mode;
  s.reset_min = s.config.reset_min_bytes;
  s.reset_max = s.config.reset_max_bytes;
  s.delay_ms = s.config.delay_ms;
  std::uint64_t seed = s.config.seed;
  if (seed == 0) {
    const char* env = std::getenv("MQTT_SETUP_FAULT_SEED");
    seed = env != nullptr ? std::strtoull(env, nullptr, 10) : 0;
  }
  if (seed == 0) seed = (std::uint64_t{std::random_device{}()} << 32) | std::random_device{}();
  s.config.seed = seed;
  s.rng.seed(seed);

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) return;
  s.wake_read = Socket(pipe_fds[0]);
  s.wake_write = Socket(pipe_fds[1]);
  s.listener = listen_on(s.config.listen_port);
  if (!s.listener.valid()) return;
  s.port = local_port(s.listener.fd());
  if (s.mode == FaultMode::Refuse) s.listener.reset();
  if (!s.config.quiet) {
    std::fprintf(stderr, "fault_proxy: 127.0.0.1:%u -> %s:%u, seed %llu "
                 "(MQTT_SETUP_FAULT_SEED=%llu replays it)\n",
                 s.port, s.config.upstream_host.c_str(), s.config.upstream_port,
                 static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
  }
  s.thread = std::thread([&s] { s.run(); });
}

FaultProxy::~FaultProxy() { stop(); }

void FaultProxy::stop() {
  State& s = *state_;
  s.stopping = true;
  if (s.wake_write.valid()) s.wake();
  if (s.thread.joinable()) s.thread.join();
}

bool FaultProxy::ok() const { return state_->port != 0 && state_->thread.joinable(); }
std::uint16_t FaultProxy::port() const { return state_->port; }
std::uint64_t FaultProxy::seed() const { return state_->config.seed; }

void FaultProxy::set_mode(FaultMode mode) {
  State& s = *state_;
  std::unique_lock lock(s.mutex);
  if (mode == FaultMode::Reset && s.mode != FaultMode::Reset) s.redraw = true;
  s.mode = mode;
  const std::uint64_t set_during = s.turns;
  lock.unlock();
  s.wake();
  lock.lock();
  // Until a turn that began after the change: the loop has taken the mode, so a test may act
  // on it at once instead of sleeping. Bounded, in case the loop has ended.
  s.turned.wait_for(lock, std::chrono::seconds(10),
                    [&] { return s.turns > set_during || s.stopping; });
}

FaultMode FaultProxy::mode() const {
  std::lock_guard lock(state_->mutex);
  return state_->mode;
}

void FaultProxy::set_reset_range(std::size_t min_bytes, std::size_t max_bytes) {
  {
    std::lock_guard lock(state_->mutex);
    state_->reset_min = std::max<std::size_t>(min_bytes, 1);
    state_->reset_max = std::max(max_bytes, state_->reset_min);
    state_->redraw = true;
  }
  state_->wake();
}

void FaultProxy::set_delay(std::uint32_t delay_ms) {
  {
    std::lock_guard lock(state_->mutex);
    state_->delay_ms = delay_ms;
  }
  state_->wake();
}

void FaultProxy::drop_all() {
  {
    std::lock_guard lock(state_->mutex);
    state_->drop = true;
  }
  state_->wake();
}

FaultProxyStats FaultProxy::stats() const {
  std::lock_guard lock(state_->mutex);
  return state_->stats;
}

std::vector<Clock::time_point> FaultProxy::accept_times() const {
  std::lock_guard lock(state_->mutex);
  return state_->accepts;
}

}  // namespace mqtt_setup::test
