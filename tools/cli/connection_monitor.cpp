#include "connection_monitor.hpp"

#include "diagnostics.hpp"
#include "exit_codes.hpp"
#include "json_output.hpp"

namespace mqtt_setup::cli {

std::string Failure::describe() const {
  return server.empty() ? error.message() : server + ": " + error.message();
}

ConnectionMonitor::ConnectionMonitor(Wakeup& wakeup, StdoutLines* json_events,
                                     EventLines json_lines, bool failures_on_stderr)
    : wakeup_(wakeup),
      json_events_(json_lines == EventLines::None ? nullptr : json_events),
      json_lines_(json_lines),
      failures_on_stderr_(failures_on_stderr) {}

namespace {

bool is_failure(const ClientEvent& event) {
  return (event.kind == ClientEvent::Kind::ConnectFailed ||
          event.kind == ClientEvent::Kind::Disconnected) &&
         event.error;
}

std::string failure_line(const ClientEvent& event, const std::string& server) {
  std::string line = event.kind == ClientEvent::Kind::ConnectFailed
                         ? "cannot connect to " + server + ": "
                         : "connection to " + server + " lost: ";
  line += event.error.message();
  if (event.retry_in_ms > 0) {
    const std::uint32_t tenths = (event.retry_in_ms + 50) / 100;
    line += "; next attempt in " + std::to_string(tenths / 10) + "." +
            std::to_string(tenths % 10) + " s";
  } else if (event.kind == ClientEvent::Kind::Disconnected) {
    line += "; reconnecting";
  }
  return line;
}

}  // namespace

void ConnectionMonitor::attach(MQTTSetup& mqtt) {
  mqtt.on_event([this](const ClientEvent& event) { handle(event); });
}

void ConnectionMonitor::handle(const ClientEvent& event) {
  if (json_events_ != nullptr && (json_lines_ == EventLines::AllJson || is_failure(event)))
    if (auto line = event_json(event)) json_events_->write(to_json_line(*line));
  {
    std::lock_guard lock(mutex_);
    switch (event.kind) {
      case ClientEvent::Kind::Connecting:
      case ClientEvent::Kind::Connected:
        server_ = std::string(event.server);
        break;
      case ClientEvent::Kind::ConnectFailed:
      case ClientEvent::Kind::Disconnected:
        if (!event.error) break;  // a disconnect we asked for
        if (!event.server.empty()) server_ = std::string(event.server);
        last_failure_ = Failure{event.error, server_};
        if (failures_on_stderr_) print_warning(failure_line(event, server_));
        if (!fatal_ && retrying_cannot_help(event.error)) fatal_ = last_failure_;
        break;
      case ClientEvent::Kind::Delivered:
      case ClientEvent::Kind::Dropped:
      case ClientEvent::Kind::Written:
        break;  // counted by stats(); the wake-up is what matters
      case ClientEvent::Kind::Subscribed:
        if (event.refused)
          print_warning("the broker refused a subscription (not authorized for that filter?)");
        break;
    }
  }
  wakeup_.notify();
}

std::optional<Failure> ConnectionMonitor::fatal() const {
  std::lock_guard lock(mutex_);
  return fatal_;
}

std::optional<Failure> ConnectionMonitor::last_failure() const {
  std::lock_guard lock(mutex_);
  return last_failure_;
}

}  // namespace mqtt_setup::cli
