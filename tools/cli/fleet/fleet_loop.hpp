// `mqtt-setup fleet`: N simulated devices (device.hpp) in one process, one thread, one epoll
// set. Every device's memory comes from one arena mapped up front (Session objects and their
// tables, their names) and two pools of receive buffers and stores it borrows only while they
// hold something, so a device costs no allocation and an idle one neither buffer; its socket is
// its only file descriptor.
//
// Timers: each device keeps one deadline; the loop wakes at least every kTick and serves the
// devices whose deadline has passed. A scan of 10,000 deadlines is a few microseconds, far
// cheaper than keeping a priority queue in step with every session.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <memory>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "../stop_signals.hpp"
#include "device.hpp"
#include "fleet_report.hpp"
#include "mqtt_setup/options.hpp"

namespace mqtt_setup::cli {

struct FleetPlan {
  std::uint32_t devices = 100;
  double interval_s = 10;
  double duration_s = 60;
  std::string prefix = "fleet-";
  std::uint32_t first_index = 1;  // devices are {prefix}{first_index}...: shards of one fleet
  double connect_rate = 500;  // new connections per second, the whole fleet
  double drain_s = 15;        // after --duration: time for the last acknowledgements
  std::string stats_file;
  bool progress_on_tty = true;

  std::vector<ServerEndpoint> servers;
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::uint16_t keep_alive_s = 60;
  std::uint32_t ack_timeout_ms = 30'000;
  bool clean_session = true;
  std::uint32_t connect_timeout_ms = 10'000;
  BackoffPolicy backoff;
  Millis primary_return_ms = 0;  // on a server not its first this long: try the first again
  LastWill will;
  codec::QoS qos = codec::QoS::AtLeastOnce;
};

class Fleet {
 public:
  /// Per device, borrowed while in use: the receive buffer holds the largest packet a device
  /// accepts (a command's payload included); the store every message not yet acknowledged.
  static constexpr std::size_t kRxBytes = 512;
  static constexpr std::size_t kStoreBytes = 1024;

  explicit Fleet(FleetPlan plan);
  ~Fleet();
  Fleet(const Fleet&) = delete;
  Fleet& operator=(const Fleet&) = delete;

  /// Runs for the plan's duration (a stop signal ends it early, a second one at once), then
  /// says goodbye, drains, disconnects, and sums up.
  FleetSummary run(const StopSignals& signals);

 private:
  void build_devices();
  void serve_due_devices(std::uint64_t now_us);
  void warn_unsettled() const;
  bool all_settled() const;
  void sample(std::FILE* stats, FleetSample& previous, std::uint64_t start_us);
  FleetSummary summarise(std::uint64_t start_us) const;
  Device& device(std::uint32_t index) const { return devices_[index]; }

  FleetPlan plan_;
  FleetContext context_;
  std::vector<std::uint8_t> tx_;
  int epoll_fd_ = -1;
  void* arena_ = nullptr;
  std::size_t arena_bytes_ = 0;
  std::unique_ptr<BufferPool> receive_buffers_;  // outlive the devices (destroyed in ~Fleet)
  std::unique_ptr<BufferPool> stores_;
  Device* devices_ = nullptr;
  std::uint32_t built_ = 0;
  double tokens_ = 0;
  std::uint64_t tokens_at_us_ = 0;
  std::uint64_t baseline_rss_kib_ = 0;
  std::uint64_t connected_rss_kib_ = 0;
  double connect_all_s_ = -1;
};

}  // namespace mqtt_setup::cli
