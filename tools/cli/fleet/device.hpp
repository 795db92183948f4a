// One simulated device of `mqtt-setup fleet`: a sans-IO Session on one non-blocking TCP socket,
// behaving like `agent` with synthetic readings (availability with a last will, readings every
// interval, commands/configuration and commands/restart). It owns no thread and no timer: the
// fleet's single epoll loop (fleet_loop.hpp) calls it when its socket is ready or its deadline
// has come. Its memory is the Session and its small tables, in the fleet's arena; a receive
// buffer and a store are borrowed from the fleet's pools (buffer_pool.hpp) only while they hold
// something, so an idle connected device holds neither, and nothing is allocated per device.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "../agent/agent_configuration.hpp"
#include "buffer_pool.hpp"
#include "latency_histogram.hpp"
#include "mqtt_setup/backoff.hpp"
#include "mqtt_setup/driver.hpp"
#include "mqtt_setup/session.hpp"

namespace mqtt_setup::cli {

/// Running totals the progress line shows (the final summary sums the sessions' own stats).
struct FleetCounters {
  std::uint64_t connected = 0;  // MQTT sessions up right now
  std::uint64_t ever_connected = 0;  // devices that connected at least once
  std::uint64_t published = 0;
  std::uint64_t acknowledged = 0;  // QoS 1/2 acknowledgements
  std::uint64_t reconnects = 0;    // established sessions lost (and retried)
  std::uint64_t ack_timeouts = 0;  // of which the broker did not acknowledge in time
  std::uint64_t connect_failures = 0;  // attempts that never got a CONNACK
  std::uint64_t commands = 0;
  std::uint64_t refused = 0;  // CONNACKs that refused a device (credentials, id, version)
  codec::ConnectReturnCode last_refusal = codec::ConnectReturnCode::Accepted;
  std::uint64_t moved = 0;     // devices that connected to a server not their first
  std::uint64_t returned = 0;  // of those, devices that got back to their first
  std::vector<std::uint64_t> connected_per_server;  // sessions up now, by --server position
};

struct ServerEndpoint {
  sockaddr_storage address{};
  socklen_t length = 0;
  std::string name;  // host:port, for messages
};

/// What every device shares with the loop.
struct FleetContext {
  int epoll_fd = -1;
  std::span<std::uint8_t> tx;  // one transmit buffer: each device writes its bytes at once
  std::vector<ServerEndpoint> servers;
  std::uint32_t rotation = 0;  // --first-index - 1: device i's list starts at i + rotation
  BackoffPolicy backoff;
  AgentConfiguration defaults;  // interval, readings, qos of a device nobody reconfigured
  std::string will_suffix;
  std::string will_message;
  bool publishing = true;  // false once --duration is over
  Millis now_ms = 0;
  std::uint64_t now_us = 0;
  FleetCounters counters;
  LatencyHistogram latency;
  LatencyHistogram reconnect_time;  // a link lost (not asked for) -> the next CONNACK
  BufferPool* receive_buffers = nullptr;  // one slot per device at most: never runs out
  BufferPool* stores = nullptr;
  /// Bytes a socket did not take at once, per device index: rare (a full send buffer), so
  /// they live here rather than costing every device a buffer.
  std::unordered_map<std::uint32_t, std::vector<std::uint8_t>> unsent;
  std::uint64_t random_state = 0x9e3779b97f4a7c15u;
  std::uint32_t random();
};

/// The synthetic readings, named like the agent's (host_readings.hpp).
std::vector<std::string> synthetic_reading_names();

class Device {
 public:
  /// `lifecycle`: the reconnect schedule of one server (the device's own); `random`: jitter.
  /// The session's tables, sized for a device that answers commands at QoS 1 and polls after
  /// every call: a few acknowledgements (more wait in the socket), a few QoS 2 ids (commands
  /// come at QoS 1), one event (the Disconnected one; drops are counted in stats()).
  using Tables = SessionStorage<4, 2, 1, 0>;  // no incoming topic aliases announced

  Device(std::uint32_t index, const SessionConfig& config,
         const DriverConfig& lifecycle, RandomSource random, Millis start_at);
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  /// When the loop must call on_deadline() next.
  Millis deadline() const { return deadline_; }
  /// Waiting to connect and due: the loop decides when (--connect-rate) and calls connect().
  bool wants_to_connect(Millis now) const {
    return state_ == State::Waiting && driver_.connect_due(now);
  }
  void connect(FleetContext& context);
  void on_deadline(FleetContext& context);
  void on_socket(FleetContext& context, std::uint32_t epoll_events);

  /// After --duration: say "offline" (retained) like the agent on SIGTERM; no more readings.
  void say_goodbye(FleetContext& context);
  /// Nothing left to deliver (or shut down). A device offline with messages is not settled:
  /// the drain reconnects it to deliver them.
  bool settled() const;
  /// What an unsettled device still holds and where it stands, for the end-of-run warning:
  /// "cluster-7 holds 3 messages (3 in flight), connected to 127.0.0.1:1883 for 41.2 s".
  std::string describe_holding(const FleetContext& context) const;
  /// DISCONNECT and close; the device stays down.
  void shut_down(FleetContext& context);

  const Session& session() const { return session_; }

 private:
  enum class State : std::uint8_t { Waiting, TcpConnecting, Mqtt, Closed };
  struct Batch {
    std::uint32_t first_ticket = 0;
    std::uint64_t sent_us = 0;
  };

  std::string topic(std::string_view suffix) const;
  void publish(FleetContext& context, std::string_view suffix, std::string_view payload,
               codec::QoS qos, bool retain);
  void publish_readings(FleetContext& context);
  void handle_command(FleetContext& context, std::string_view name, std::string_view payload);
  void on_connected(FleetContext& context);
  void on_delivered(FleetContext& context, std::uint32_t ticket);
  void read(FleetContext& context);
  void read_socket(FleetContext& context);
  /// Borrow a receive buffer / a store from the fleet's pools (no-op when held already).
  void borrow_receive_buffer(FleetContext& context);
  void borrow_store(FleetContext& context);
  /// Give back what holds nothing: rx with no unfinished packet, a store with no message.
  void return_idle_buffers(FleetContext& context);
  void pump(FleetContext& context);
  bool process_events(FleetContext& context);
  bool flush(FleetContext& context);
  void watch(FleetContext& context, bool writable);
  void lost(FleetContext& context);
  /// `event`: the session's Disconnected event, when it had one.
  void ended(FleetContext& context, const Event* event = nullptr);
  /// 5.0: the DISCONNECT with a reason code the session owes after a protocol error it found;
  /// one send that does not wait, just before the socket closes.
  void write_farewell(FleetContext& context);
  void update_deadline(FleetContext& context);

  Tables tables_;  // before session_, which keeps views of them
  Session session_;
  // When to connect and what a failure means (backoff with jitter): the same decisions as
  // MQTTSetup's, over the fleet's clock and random source.
  Driver driver_;
  std::uint32_t index_;
  int fd_ = -1;
  State state_ = State::Waiting;
  bool established_ = false;  // this connection got its CONNACK
  bool ever_connected_ = false;
  bool stopping_ = false;
  bool writable_watched_ = false;
  bool restart_requested_ = false;  // commands/restart: reconnect soon, not after a backoff
  bool moved_ = false;              // connected to a server not its first, once at least
  bool returned_ = false;           // and back on its first since
  std::uint16_t server_ = 0;        // the connection's server, an index into context.servers
  bool holds_receive_buffer_ = false;
  bool holds_store_ = false;
  codec::QoS qos_;
  std::uint8_t readings_mask_ = 0xff;  // bit i: synthetic_reading_names()[i]
  std::uint32_t interval_ms_ = 0;
  Millis wake_at_ = kNever;  // TcpConnecting: the connect timeout
  Millis next_publish_ = kNever;
  Millis lost_at_ = 0;   // when a link broke that we did not end ourselves; 0: none pending
  Millis connected_at_ = 0;  // this connection's CONNACK, for describe_holding()
  Millis deadline_;
  Batch batches_[2];     // the two latest publish groups, for publish -> ack latency
};

}  // namespace mqtt_setup::cli
