#include "device.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>

#include "../agent/host_readings.hpp"
#include "../json_output.hpp"

namespace mqtt_setup::cli {
namespace {

constexpr std::size_t kMaxSyntheticReadings = 8;  // readings_mask_ has 8 bits
constexpr std::size_t kMaxTopicBytes = 192;
// Reads per readiness before the loop serves the others: fairness among 10,000 sockets.
constexpr int kMaxReadsPerWakeup = 4;
// After commands/restart: back soon, but not in the same millisecond as everything else.
constexpr std::uint32_t kRestartDelayMs = 200;

std::string synthetic_value(FleetContext& context, std::string_view name, std::uint32_t index) {
  const double noise = static_cast<double>(context.random() % 1000) / 1000.0;
  char text[32];
  if (name == "temperature")
    std::snprintf(text, sizeof text, "%.1f", 35.0 + static_cast<double>(index % 20) + noise);
  else if (name == "load")
    std::snprintf(text, sizeof text, "%.2f", 2.0 * noise);
  else
    std::snprintf(text, sizeof text, "%.0f", 1024.0 + 512.0 * noise);
  return text;
}

std::uint8_t mask_of(const std::vector<std::string>& readings) {
  const auto names = synthetic_reading_names();
  std::uint8_t mask = 0;
  for (std::size_t i = 0; i < names.size() && i < kMaxSyntheticReadings; ++i)
    if (std::find(readings.begin(), readings.end(), names[i]) != readings.end())
      mask = static_cast<std::uint8_t>(mask | (1u << i));
  return mask;
}

}  // namespace

std::uint32_t FleetContext::random() {
  // xorshift64*: plenty for jitter, and no state per device.
  random_state ^= random_state >> 12;
  random_state ^= random_state << 25;
  random_state ^= random_state >> 27;
  return static_cast<std::uint32_t>((random_state * 0x2545f4914f6cdd1dull) >> 32);
}

std::vector<std::string> synthetic_reading_names() {
  return {"temperature", "load", "memory_available"};
}

Device::Device(std::uint32_t index, const SessionConfig& config, const DriverConfig& lifecycle,
               RandomSource random, Millis start_at)
    : session_(config, tables_.buffers({}, {})),  // borrowed when needed
      driver_(lifecycle, session_, random),
      index_(index),
      qos_(codec::QoS::AtMostOnce),
      deadline_(start_at) {
  driver_.defer_attempt_until(start_at);  // the fleet's connects spread over a start window
  session_.send_reason_strings();          // as the MQTTSetup facade does
}

std::string Device::topic(std::string_view suffix) const {
  std::string topic;
  topic.reserve(kMaxTopicBytes);
  topic.append("devices/").append(session_.config().client_id).append(1, '/').append(suffix);
  return topic;
}

void Device::connect(FleetContext& context) {
  if (!ever_connected_ && interval_ms_ == 0) {
    interval_ms_ = static_cast<std::uint32_t>(std::llround(context.defaults.interval_s * 1000));
    qos_ = context.defaults.qos;
    readings_mask_ = mask_of(context.defaults.readings);
  }
  // The driver names a position in the device's list; the list is the servers rotated by the
  // device's number, so position 0 (its primary) differs from device to device.
  const std::size_t position = driver_.poll_connect(context.now_ms).value_or(0);
  state_ = State::TcpConnecting;  // from here every failure goes through ended()
  server_ = static_cast<std::uint16_t>((index_ + context.rotation + position) %
                                       context.servers.size());
  const ServerEndpoint& server = context.servers[server_];
  fd_ = ::socket(server.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    ended(context);
    return;
  }
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const int result =
      ::connect(fd_, reinterpret_cast<const sockaddr*>(&server.address), server.length);
  if (result != 0 && errno != EINPROGRESS) {
    ended(context);
    return;
  }
  state_ = State::TcpConnecting;
  wake_at_ = context.now_ms + session_.config().connect_timeout_ms;
  epoll_event event{};
  event.events = EPOLLOUT;
  event.data.u32 = index_;
  ::epoll_ctl(context.epoll_fd, EPOLL_CTL_ADD, fd_, &event);
  writable_watched_ = true;
  update_deadline(context);
}

void Device::on_socket(FleetContext& context, std::uint32_t epoll_events) {
  if (state_ == State::TcpConnecting) {
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0 || (epoll_events & (EPOLLERR | EPOLLHUP)) != 0) {
      ended(context);
      return;
    }
    state_ = State::Mqtt;
    driver_.handle_transport_connected(context.now_ms);  // queues CONNECT
    watch(context, false);
    pump(context);
    return;
  }
  if (state_ != State::Mqtt) return;
  if ((epoll_events & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP)) != 0) read(context);
  if (state_ == State::Mqtt) pump(context);
}

void Device::on_deadline(FleetContext& context) {
  const Millis now = context.now_ms;
  if (state_ == State::TcpConnecting && now >= wake_at_) {
    ended(context);  // no TCP connection within the connect timeout
    return;
  }
  if (state_ == State::Mqtt) {
    driver_.handle_timeout(now);
    // On a secondary for --primary-return: a clean DISCONNECT, then the primary first. Not in
    // the drain: a move then only delays the last acknowledgements.
    if (context.publishing && driver_.poll_rejoin_primary(now)) session_.disconnect(now);
  }
  // Readings go on while disconnected: the session queues them (the newest per topic).
  if (context.publishing && ever_connected_ && now >= next_publish_) {
    publish_readings(context);
    while (next_publish_ <= now) next_publish_ += interval_ms_;
  }
  if (state_ == State::Mqtt) pump(context);
  update_deadline(context);
}

void Device::publish(FleetContext& context, std::string_view suffix, std::string_view payload,
                     codec::QoS qos, bool retain) {
  const std::string full_topic = topic(suffix);
  codec::Publish message;
  message.topic = full_topic;
  message.payload = codec::as_bytes(payload);
  message.qos = qos;
  message.retain = retain;
  borrow_store(context);
  PublishOptions options;
  options.replace_queued = true;  // like the agent: only the newest unsent value per topic
  if (auto ticket = session_.publish(message, context.now_ms, options)) {
    ++context.counters.published;
    if (batches_[1].sent_us != context.now_us) {
      batches_[0] = batches_[1];
      batches_[1] = Batch{ticket->id, context.now_us};
    }
  }
}

void Device::publish_readings(FleetContext& context) {
  const auto names = synthetic_reading_names();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if ((readings_mask_ & (1u << i)) == 0) continue;
    const ReadingKind* kind = find_reading_kind(names[i]);
    publish(context, kind->topic_suffix, synthetic_value(context, names[i], index_), qos_, false);
  }
}

void Device::on_connected(FleetContext& context) {
  established_ = true;
  connected_at_ = context.now_ms;
  driver_.handle_connack(context.now_ms);
  ++context.counters.connected;
  ++context.counters.connected_per_server[server_];
  if (lost_at_ != 0) {
    context.reconnect_time.add((context.now_ms - lost_at_) * 1000);
    lost_at_ = 0;
  }
  const bool on_primary = driver_.server() == 0;
  if (!on_primary && !moved_) {
    moved_ = true;
    ++context.counters.moved;
  }
  if (on_primary && moved_ && !returned_) {
    returned_ = true;
    ++context.counters.returned;
  }
  if (!ever_connected_) {
    ever_connected_ = true;
    ++context.counters.ever_connected;
    // Spread the fleet's readings over the interval instead of all at the connect wave.
    next_publish_ = context.now_ms + context.random() % std::max<std::uint32_t>(interval_ms_, 1);
  }
  // Back in the drain only to deliver what it holds: no commands, and no "online" that would
  // replace the "offline" goodbye waiting for its acknowledgement.
  if (!context.publishing) return;
  const std::string filter = topic("commands/#");
  const codec::Subscription subscription{filter, codec::QoS::AtLeastOnce};
  borrow_store(context);
  (void)session_.subscribe(std::span{&subscription, 1}, context.now_ms);
  publish(context, context.will_suffix, "online", codec::QoS::AtLeastOnce, true);
}

void Device::on_delivered(FleetContext& context, std::uint32_t ticket) {
  ++context.counters.acknowledged;
  const Batch* batch = nullptr;
  if (batches_[1].first_ticket != 0 && ticket >= batches_[1].first_ticket)
    batch = &batches_[1];
  else if (batches_[0].first_ticket != 0 && ticket >= batches_[0].first_ticket)
    batch = &batches_[0];
  if (batch != nullptr) context.latency.add(context.now_us - batch->sent_us);
}

void Device::handle_command(FleetContext& context, std::string_view name,
                            std::string_view payload) {
  ++context.counters.commands;
  if (name == "configuration") {
    const auto known = synthetic_reading_names();
    AgentConfiguration current;
    current.interval_s = interval_ms_ / 1000.0;
    current.qos = qos_;
    for (std::size_t i = 0; i < known.size(); ++i)
      if ((readings_mask_ & (1u << i)) != 0) current.readings.push_back(known[i]);
    auto result = apply_configuration(current, payload, known);
    Json report;
    if (auto* rejected = std::get_if<ConfigurationRejected>(&result)) {
      report["error"] = rejected->reason;
      report["configuration"] = configuration_json(current);
    } else {
      const auto& next = std::get<AgentConfiguration>(result);
      interval_ms_ = static_cast<std::uint32_t>(std::llround(next.interval_s * 1000));
      qos_ = next.qos;
      readings_mask_ = mask_of(next.readings);
      next_publish_ = std::min(next_publish_, context.now_ms + interval_ms_);
      report = configuration_json(next);
    }
    publish(context, "status/configuration", to_json_line(report), codec::QoS::AtLeastOnce,
            false);
  } else if (name == "restart") {
    publish(context, "status/restart", "restarting", codec::QoS::AtLeastOnce, false);
    restart_requested_ = true;
    session_.disconnect(context.now_ms);  // after the acknowledgement is written
  } else {
    Json report;
    report["command"] = std::string(name);
    report["error"] = "unknown command (a simulated device knows configuration and restart)";
    publish(context, "status/command_error", to_json_line(report), codec::QoS::AtLeastOnce,
            false);
  }
}

void Device::borrow_receive_buffer(FleetContext& context) {
  if (holds_receive_buffer_) return;
  const std::span<std::uint8_t> slot = context.receive_buffers->take();
  holds_receive_buffer_ = !slot.empty() && session_.replace_rx(slot).ok();
  if (!holds_receive_buffer_) context.receive_buffers->give_back(slot);
}

void Device::borrow_store(FleetContext& context) {
  if (holds_store_) return;
  const std::span<std::uint8_t> slot = context.stores->take();
  holds_store_ = !slot.empty() && session_.replace_store(slot).ok();
  if (!holds_store_) context.stores->give_back(slot);
}

void Device::return_idle_buffers(FleetContext& context) {
  if (holds_receive_buffer_) {
    if (auto lent = session_.replace_rx({})) {  // Busy while an unfinished packet waits
      context.receive_buffers->give_back(*lent);
      holds_receive_buffer_ = false;
    }
  }
  if (holds_store_ && session_.stats().queued == 0) {
    if (auto lent = session_.replace_store({})) {
      context.stores->give_back(*lent);
      holds_store_ = false;
    }
  }
}

// Reads into a borrowed receive buffer; the buffer goes back unless a packet is unfinished.
void Device::read(FleetContext& context) {
  borrow_receive_buffer(context);
  read_socket(context);
  return_idle_buffers(context);
}

void Device::read_socket(FleetContext& context) {
  for (int i = 0; i < kMaxReadsPerWakeup && state_ == State::Mqtt; ++i) {
    std::span<std::uint8_t> space = session_.rx_space();
    if (space.empty()) {
      process_events(context);  // frees the receive buffer
      space = session_.rx_space();
      if (space.empty()) return;
    }
    const ssize_t n = ::recv(fd_, space.data(), space.size(), 0);
    if (n > 0) {
      session_.rx_commit(static_cast<std::size_t>(n), context.now_ms);
      process_events(context);
      if (static_cast<std::size_t>(n) < space.size()) return;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0 && errno == EINTR) continue;
    lost(context);  // closed by the broker, or reset
    return;
  }
}

// Events and transmissions feed each other (an event may publish, a transmission may finish a
// DISCONNECT): go round until neither has anything left, a bounded number of times.
void Device::pump(FleetContext& context) {
  for (int round = 0; round < 4 && state_ == State::Mqtt; ++round) {
    const bool events = process_events(context);
    const bool wrote = state_ == State::Mqtt && flush(context);
    if (!events && !wrote) break;
  }
  update_deadline(context);
}

bool Device::process_events(FleetContext& context) {
  bool any = false;
  while (auto event = session_.poll_event(context.now_ms)) {
    any = true;
    switch (event->kind) {
      case Event::Kind::Connected:
        on_connected(context);
        break;
      case Event::Kind::Disconnected:
        if (event->reason == DisconnectReason::AckTimeout) ++context.counters.ack_timeouts;
        if (event->reason == DisconnectReason::Refused) {
          ++context.counters.refused;
          context.counters.last_refusal = event->refused;
        }
        ended(context, &*event);
        return true;
      case Event::Kind::Message: {
        constexpr std::string_view kCommands = "/commands/";
        const std::string_view topic = event->message.topic;
        const auto at = topic.find(kCommands);
        if (at != std::string_view::npos)
          handle_command(context, topic.substr(at + kCommands.size()),
                         codec::as_text(event->message.payload));
        break;
      }
      case Event::Kind::Delivered:
        on_delivered(context, event->ticket);
        break;
      case Event::Kind::Dropped:
      case Event::Kind::Subscribed:
      case Event::Kind::Unsubscribed:
      case Event::Kind::Reauthenticated:
        break;
    }
  }
  return any;
}

// Returns whether anything was written.
bool Device::flush(FleetContext& context) {
  bool wrote = false;
  if (auto pending = context.unsent.find(index_); pending != context.unsent.end()) {
    std::vector<std::uint8_t>& bytes = pending->second;
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      lost(context);
      return true;
    }
    if (n > 0) {
      wrote = true;
      bytes.erase(bytes.begin(), bytes.begin() + n);
    }
    if (!bytes.empty()) return wrote;
    context.unsent.erase(pending);
    watch(context, false);
  }
  while (auto out = session_.poll_transmit(context.tx, context.now_ms)) {
    wrote = true;
    const ssize_t n = ::send(fd_, out->data(), out->size(), MSG_NOSIGNAL);
    if (n == static_cast<ssize_t>(out->size())) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      lost(context);
      return true;
    }
    const std::size_t done = n > 0 ? static_cast<std::size_t>(n) : 0;
    context.unsent[index_].assign(out->begin() + static_cast<std::ptrdiff_t>(done), out->end());
    watch(context, true);
    break;
  }
  // A DISCONNECT written turns the session to Disconnected; its event closes the socket.
  if (session_.state() == SessionState::Disconnected) process_events(context);
  return wrote;
}

void Device::watch(FleetContext& context, bool writable) {
  if (writable == writable_watched_ || fd_ < 0) return;
  epoll_event event{};
  event.events = EPOLLIN | EPOLLRDHUP | (writable ? EPOLLOUT : 0u);
  event.data.u32 = index_;
  ::epoll_ctl(context.epoll_fd, EPOLL_CTL_MOD, fd_, &event);
  writable_watched_ = writable;
}

void Device::lost(FleetContext& context) {
  driver_.handle_connection_lost(context.now_ms);
  process_events(context);
  ended(context);  // in case the session had nothing to say (never connected)
}

void Device::write_farewell(FleetContext& context) {
  if (session_.state() != SessionState::Disconnected) return;
  // A packet half written goes first, or the DISCONNECT would land inside it.
  if (auto pending = context.unsent.find(index_); pending != context.unsent.end()) {
    const std::vector<std::uint8_t>& bytes = pending->second;
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n != static_cast<ssize_t>(bytes.size())) return;
    context.unsent.erase(pending);
  }
  if (auto out = session_.poll_transmit(context.tx, context.now_ms)) {
    (void)::send(fd_, out->data(), out->size(), MSG_NOSIGNAL | MSG_DONTWAIT);  // said or not
  }
}

// The connection is over, whichever way: close, count, and let the driver plan the next attempt.
void Device::ended(FleetContext& context, const Event* event) {
  if (state_ == State::Waiting || state_ == State::Closed) return;
  const Millis now = context.now_ms;
  if (fd_ >= 0) {
    write_farewell(context);
    ::close(fd_);  // also removes it from the epoll set
  }
  fd_ = -1;
  writable_watched_ = false;
  context.unsent.erase(index_);
  if (event != nullptr) {
    (void)driver_.handle_disconnected(*event, std::nullopt, now);
  } else if (session_.state() != SessionState::Disconnected) {
    driver_.handle_connection_lost(now);
    // Its Disconnected event decides the next attempt, and must not reach the next connection.
    while (auto late = session_.poll_event(now)) {
      if (late->kind == Event::Kind::Disconnected) (void)driver_.handle_disconnected(*late, std::nullopt, now);
    }
  } else {
    (void)driver_.handle_transport_failed(false, now);  // no TCP connection
  }
  const bool requested = event != nullptr && event->reason == DisconnectReason::Requested;
  if (established_ && !stopping_ && !requested) lost_at_ = now;
  if (established_) {
    --context.counters.connected;
    --context.counters.connected_per_server[server_];
    if (!stopping_) ++context.counters.reconnects;
  } else {
    ++context.counters.connect_failures;
  }
  const bool restart_requested = restart_requested_;
  restart_requested_ = false;
  established_ = false;
  if (stopping_) {
    driver_.stop();
    state_ = State::Closed;
  } else {
    state_ = State::Waiting;
    if (restart_requested) driver_.defer_attempt_until(now + kRestartDelayMs);
  }
  update_deadline(context);
}

void Device::say_goodbye(FleetContext& context) {
  if (state_ == State::Mqtt && established_)
    publish(context, context.will_suffix, context.will_message, codec::QoS::AtLeastOnce, true);
  if (state_ == State::Mqtt) pump(context);
}

bool Device::settled() const {
  // Offline between attempts still counts as holding its messages: the drain reconnects it.
  return state_ == State::Closed || session_.stats().queued == 0;
}

std::string Device::describe_holding(const FleetContext& context) const {
  const SessionStats stats = session_.stats();
  std::string text = std::string(session_.config().client_id) + " holds " +
                     std::to_string(stats.queued) + " messages (" + std::to_string(stats.inflight) +
                     " in flight)";
  if (state_ == State::Mqtt && established_) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f",
                  static_cast<double>(context.now_ms - connected_at_) / 1000.0);
    text += ", connected to " + context.servers[server_].name + " for " + seconds + " s";
  } else if (state_ == State::Mqtt || state_ == State::TcpConnecting) {
    text += ", connecting to " + context.servers[server_].name;
  } else {
    text += ", offline";
  }
  return text;
}

void Device::shut_down(FleetContext& context) {
  stopping_ = true;
  driver_.stop();
  if (state_ == State::Mqtt && session_.state() == SessionState::Connected) {
    session_.disconnect(context.now_ms);
    pump(context);
  }
  if (state_ != State::Closed && state_ != State::Waiting) ended(context);
  state_ = State::Closed;
  deadline_ = kNever;
}

void Device::update_deadline(FleetContext& context) {
  return_idle_buffers(context);  // every call that may have emptied them ends here
  Millis next = kNever;
  switch (state_) {
    case State::Waiting:
      next = driver_.next_deadline(context.now_ms);
      break;
    case State::TcpConnecting:
      next = wake_at_;
      break;
    case State::Mqtt:
      next = session_.next_deadline(context.now_ms);
      break;
    case State::Closed:
      deadline_ = kNever;
      return;
  }
  if (context.publishing && ever_connected_) next = std::min(next, next_publish_);
  deadline_ = next;
}

}  // namespace mqtt_setup::cli
