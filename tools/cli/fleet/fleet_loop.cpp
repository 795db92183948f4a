#include "fleet_loop.hpp"

#include <sys/epoll.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <new>
#include <stdexcept>

#include "../diagnostics.hpp"
#include "process_memory.hpp"

namespace mqtt_setup::cli {
namespace {

constexpr int kTickMs = 10;
constexpr int kMaxEpollEvents = 1024;
constexpr std::uint64_t kSampleUs = 1'000'000;
// Largest packet one device sends: a status/configuration answer is the longest.
constexpr std::size_t kMaxPacketBytes = 512;
// Transmit buffer shared by all devices: several packets per write.
constexpr std::size_t kTxBytes = 16 * 1024;

std::uint64_t monotonic_us() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000u +
         static_cast<std::uint64_t>(now.tv_nsec) / 1000u;
}

std::size_t round_up(std::size_t value, std::size_t to) { return (value + to - 1) / to * to; }

}  // namespace

Fleet::Fleet(FleetPlan plan) : plan_(std::move(plan)), tx_(kTxBytes) {
  context_.tx = tx_;
  context_.servers = plan_.servers;
  context_.rotation = plan_.first_index - 1;
  context_.counters.connected_per_server.assign(plan_.servers.size(), 0);
  context_.backoff = plan_.backoff;
  context_.defaults.interval_s = plan_.interval_s;
  context_.defaults.readings = synthetic_reading_names();
  context_.defaults.qos = plan_.qos;
  context_.will_suffix = plan_.will.topic_suffix;
  context_.will_message = plan_.will.message;
  context_.random_state ^= monotonic_us() * 0x9e3779b97f4a7c15ull;
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
  context_.epoll_fd = epoll_fd_;
  baseline_rss_kib_ = resident_kib();
  build_devices();
}

Fleet::~Fleet() {
  for (std::uint32_t i = 0; i < built_; ++i) devices_[i].~Device();
  if (arena_ != nullptr) ::munmap(arena_, arena_bytes_);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

// One mapping: [Device × N][names × N], plus the two pools of receive buffers and stores the
// devices borrow from (buffer_pool.hpp). Untouched pages cost nothing, and nothing here is
// allocated again while the fleet runs.
void Fleet::build_devices() {
  const std::uint32_t n = plan_.devices;
  const std::size_t id_bytes =
      plan_.prefix.size() + std::to_string(std::uint64_t{plan_.first_index} + n - 1).size();
  const std::size_t will_bytes = std::string("devices/").size() + id_bytes + 1 +
                                 plan_.will.topic_suffix.size();
  const std::size_t name_slot = round_up(id_bytes + will_bytes, 8);
  const std::size_t device_bytes = round_up(sizeof(Device), alignof(Device));
  const std::size_t devices_part = round_up(device_bytes * n, 64);
  arena_bytes_ = devices_part + name_slot * n;
  receive_buffers_ = std::make_unique<BufferPool>(kRxBytes, n);
  stores_ = std::make_unique<BufferPool>(kStoreBytes, n);
  context_.receive_buffers = receive_buffers_.get();
  context_.stores = stores_.get();
  arena_ = ::mmap(nullptr, arena_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                  -1, 0);
  if (arena_ == MAP_FAILED) {
    arena_ = nullptr;
    throw std::runtime_error("cannot map " + std::to_string(arena_bytes_ >> 20) +
                             " MiB for the devices");
  }
  auto* base = static_cast<std::uint8_t*>(arena_);
  devices_ = reinterpret_cast<Device*>(base);
  char* names = reinterpret_cast<char*>(base + devices_part);

  // Starts jittered over the time --connect-rate needs for the whole fleet (at least 1 s), so
  // the first wave does not arrive as one burst.
  const auto spread_ms =
      static_cast<std::uint32_t>(std::max(1000.0, 1000.0 * n / plan_.connect_rate));
  const Millis now = monotonic_us() / 1000;
  SessionConfig config;
  config.keep_alive_s = plan_.keep_alive_s;
  config.ack_timeout_ms = plan_.ack_timeout_ms;
  config.clean_session = plan_.clean_session;
  config.connect_timeout_ms = plan_.connect_timeout_ms;
  config.max_inflight = 8;
  config.max_queued = 16;
  config.max_packet_size = kMaxPacketBytes;
  if (plan_.username) config.username = *plan_.username;
  if (plan_.password) config.password = codec::as_bytes(*plan_.password);
  // Every device has the whole server list, rotated by its number (Device::connect()), so the
  // fleet's first choices spread over the servers and each fails over to the next.
  DriverConfig lifecycle;
  lifecycle.retry = context_.backoff;
  lifecycle.server_count = std::max<std::size_t>(1, plan_.servers.size());
  lifecycle.primary_return_ms = plan_.primary_return_ms;
  const RandomSource random{
      [](void* context) { return static_cast<FleetContext*>(context)->random(); }, &context_};
  for (std::uint32_t i = 0; i < n; ++i) {
    char* slot = names + name_slot * i;
    const std::string id = plan_.prefix + std::to_string(std::uint64_t{plan_.first_index} + i);
    const std::string will_topic = "devices/" + id + "/" + plan_.will.topic_suffix;
    std::memcpy(slot, id.data(), id.size());
    std::memcpy(slot + id.size(), will_topic.data(), will_topic.size());
    config.client_id = std::string_view(slot, id.size());
    config.will = codec::Will{std::string_view(slot + id.size(), will_topic.size()),
                              codec::as_bytes(plan_.will.message), plan_.will.qos,
                              plan_.will.retain};
    new (base + device_bytes * i)
        Device(i, config, lifecycle, random, now + context_.random() % spread_ms);
    built_ = i + 1;
  }
}

FleetSummary Fleet::run(const StopSignals& signals) {
  const std::uint64_t start_us = monotonic_us();
  const std::uint64_t end_us = start_us + static_cast<std::uint64_t>(plan_.duration_s * 1e6);
  std::uint64_t drain_until_us = 0;
  tokens_at_us_ = start_us;

  std::FILE* stats = nullptr;
  if (!plan_.stats_file.empty()) {
    stats = std::fopen(plan_.stats_file.c_str(), "w");
    if (stats == nullptr)
      print_warning("cannot write --stats-file " + plan_.stats_file + ": " + std::strerror(errno));
    else
      write_stats_header(stats, plan_.servers.size());
  }
  FleetSample previous;
  std::uint64_t next_sample_us = start_us + kSampleUs;
  std::uint64_t next_settle_check_us = 0;
  epoll_event events[kMaxEpollEvents];

  for (;;) {
    std::uint64_t now_us = monotonic_us();
    const bool draining = drain_until_us != 0;
    if (signals.count() >= 2) break;
    if (!draining && (now_us >= end_us || signals.count() == 1)) {
      context_.publishing = false;
      context_.now_us = now_us;
      context_.now_ms = now_us / 1000;
      for (std::uint32_t i = 0; i < built_; ++i) device(i).say_goodbye(context_);
      drain_until_us = now_us + static_cast<std::uint64_t>(plan_.drain_s * 1e6);
      continue;
    }
    if (draining && now_us >= next_settle_check_us) {
      if (all_settled() || now_us >= drain_until_us) break;
      next_settle_check_us = now_us + 100'000;
    }

    const int ready = ::epoll_wait(epoll_fd_, events, kMaxEpollEvents, kTickMs);
    now_us = monotonic_us();
    context_.now_us = now_us;
    context_.now_ms = now_us / 1000;
    for (int i = 0; i < ready; ++i) device(events[i].data.u32).on_socket(context_, events[i].events);
    serve_due_devices(now_us);

    if (now_us >= next_sample_us) {
      sample(stats, previous, start_us);
      next_sample_us += kSampleUs;
    }
  }
  if (connected_rss_kib_ == 0) connected_rss_kib_ = resident_kib();
  context_.now_us = monotonic_us();
  context_.now_ms = context_.now_us / 1000;
  FleetSummary summary = summarise(start_us);
  warn_unsettled();
  for (std::uint32_t i = 0; i < built_; ++i) device(i).shut_down(context_);
  if (stats != nullptr) std::fclose(stats);
  if (!plan_.progress_on_tty) return summary;
  std::fputs("\n", stderr);
  return summary;
}

void Fleet::serve_due_devices(std::uint64_t now_us) {
  const double elapsed_s = static_cast<double>(now_us - tokens_at_us_) / 1e6;
  tokens_at_us_ = now_us;
  // Up to a tenth of a second's worth at once: paced, but not starved by a slow tick.
  tokens_ = std::min(tokens_ + elapsed_s * plan_.connect_rate, std::max(1.0, plan_.connect_rate / 10));
  const Millis now = context_.now_ms;
  for (std::uint32_t i = 0; i < built_; ++i) {
    Device& d = device(i);
    if (d.deadline() > now) continue;
    if (d.wants_to_connect(now)) {
      // In the drain, only a device that still holds messages comes back, to deliver them.
      if ((!context_.publishing && d.settled()) || tokens_ < 1) continue;
      tokens_ -= 1;
      d.connect(context_);
      continue;
    }
    d.on_deadline(context_);
  }
}

// Which devices end the run holding messages, and where they stand: the few first named, so a
// loss can be traced (to a broker that never acknowledged, or a device that never got back).
void Fleet::warn_unsettled() const {
  constexpr std::uint32_t kNamed = 5;
  std::uint32_t unsettled = 0;
  for (std::uint32_t i = 0; i < built_; ++i) {
    if (device(i).session().stats().queued == 0) continue;
    if (++unsettled <= kNamed) print_warning(device(i).describe_holding(context_));
  }
  if (unsettled > kNamed)
    print_warning("and " + std::to_string(unsettled - kNamed) + " more devices hold messages");
}

bool Fleet::all_settled() const {
  for (std::uint32_t i = 0; i < built_; ++i)
    if (!device(i).settled()) return false;
  return true;
}

void Fleet::sample(std::FILE* stats, FleetSample& previous, std::uint64_t start_us) {
  FleetSample now;
  now.elapsed_s = static_cast<double>(context_.now_us - start_us) / 1e6;
  now.devices = plan_.devices;
  now.counters = context_.counters;
  now.rss_kib = resident_kib();
  const double seconds = std::max(1e-3, now.elapsed_s - previous.elapsed_s);
  now.published_per_s =
      static_cast<double>(now.counters.published - previous.counters.published) / seconds;
  now.acknowledged_per_s =
      static_cast<double>(now.counters.acknowledged - previous.counters.acknowledged) / seconds;
  if (connect_all_s_ < 0 && now.counters.connected == plan_.devices) {
    connect_all_s_ = now.elapsed_s;
    connected_rss_kib_ = now.rss_kib;
  }
  if (stats != nullptr) write_stats_row(stats, now);
  const std::string line = progress_line(now);
  std::fprintf(stderr, plan_.progress_on_tty ? "\r%s" : "%s\n", line.c_str());
  std::fflush(stderr);
  previous = now;
}

FleetSummary Fleet::summarise(std::uint64_t start_us) const {
  FleetSummary s;
  s.devices = plan_.devices;
  s.connected = context_.counters.ever_connected;
  s.connect_all_s = connect_all_s_;
  for (std::uint32_t i = 0; i < built_; ++i) {
    const SessionStats stats = device(i).session().stats();
    s.published += stats.published;
    s.acknowledged += stats.delivered;
    s.dropped += stats.dropped;
  }
  s.lost = s.published - std::min(s.published, s.acknowledged);
  s.reconnects = context_.counters.reconnects;
  s.ack_timeouts = context_.counters.ack_timeouts;
  s.connect_failures = context_.counters.connect_failures;
  s.refused = context_.counters.refused;
  s.last_refusal = context_.counters.last_refusal;
  s.latency = context_.latency;
  s.reconnect_time = context_.reconnect_time;
  set_latency_quantiles(s);
  s.moved = context_.counters.moved;
  s.returned = context_.counters.returned;
  s.baseline_rss_kib = baseline_rss_kib_;
  s.connected_rss_kib = connected_rss_kib_;
  s.peak_rss_kib = peak_resident_kib();
  s.rss_per_device_bytes =
      plan_.devices == 0 ? 0
                         : 1024.0 * static_cast<double>(connected_rss_kib_ -
                                                        std::min(connected_rss_kib_,
                                                                 baseline_rss_kib_)) /
                               plan_.devices;
  s.duration_s = static_cast<double>(context_.now_us - start_us) / 1e6;
  return s;
}

}  // namespace mqtt_setup::cli
