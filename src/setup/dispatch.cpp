// Session events -> reconnect decisions, subscriptions, and the user's handlers.
// Handlers run with the lock released, so they may call back into MQTTSetup.
#include <cstdio>

#include "mqtt_setup/platform.hpp"
#include "setup/client.hpp"

namespace mqtt_setup {

void MQTTSetup::Impl::drain_events(std::unique_lock<std::mutex>& lock) {
  while (auto event = session->poll_event(platform::now_ms())) handle_event(lock, *event);
}

void MQTTSetup::Impl::handle_event(std::unique_lock<std::mutex>& lock, const Event& event) {
  switch (event.kind) {
    case Event::Kind::Connected: {
      connected_at = platform::now_ms();
      was_connected = true;
      fatal = false;
      counters.last_error = Error{};
      resubscribe(event.session_present);
      transmit(lock);
      ClientEvent ev;
      ev.kind = ClientEvent::Kind::Connected;
      ev.server = current_server;
      ev.session_present = event.session_present;
      if (logs(LogLevel::Info)) {
        log(LogLevel::Info, "connected to " + std::string(current_server) + " as " + client_id);
      }
      changed.notify_all();
      emit(lock, ev);
      break;
    }
    case Event::Kind::Disconnected: {
      if (event.reason == DisconnectReason::Requested) {
        close_transport();
        changed.notify_all();
        break;
      }
      Error error = Error::from_disconnect(event);
      if (event.reason == DisconnectReason::TransportClosed && last_transport_error) {
        error = Error::from_transport(*last_transport_error);
      }
      last_transport_error.reset();
      if (!was_connected) {
        connection_failed(lock, error);
      } else {
        connection_lost(lock, error);
      }
      was_connected = false;
      break;
    }
    case Event::Kind::Message: {
      Message m{event.message.topic, event.message.payload, event.message.qos,
                event.message.retain};
      dispatch_message(lock, m);
      break;
    }
    case Event::Kind::Delivered:
    case Event::Kind::Dropped: {
      ClientEvent ev;
      ev.kind = event.kind == Event::Kind::Delivered ? ClientEvent::Kind::Delivered
                                                     : ClientEvent::Kind::Dropped;
      ev.ticket = event.ticket;
      changed.notify_all();
      emit(lock, ev);
      break;
    }
    case Event::Kind::Subscribed: {
      bool refused = false;
      for (auto code : event.return_codes) refused = refused || code == codec::kSubackFailure;
      if (refused) log(LogLevel::Warning, "the broker refused a subscription (SUBACK 0x80)");
      ClientEvent ev;
      ev.kind = ClientEvent::Kind::Subscribed;
      ev.ticket = event.ticket;
      ev.refused = refused;
      changed.notify_all();
      emit(lock, ev);
      break;
    }
    case Event::Kind::Unsubscribed:
      changed.notify_all();
      break;
  }
}

void MQTTSetup::Impl::dispatch_message(std::unique_lock<std::mutex>& lock,
                                       const Message& message) {
  const std::string_view commands_prefix = commands_topic_prefix;
  if (message.topic.substr(0, commands_prefix.size()) == commands_prefix) {
    const std::string_view name = message.topic.substr(commands_prefix.size());
    std::shared_ptr<const CommandHandler> handler;
    for (const auto& [command, h] : commands) {
      if (command == name) handler = h;
    }
    if (!handler) {
      for (const auto& [command, h] : commands) {
        if (command == "#") handler = h;
      }
    }
    if (handler) {
      lock.unlock();
      (*handler)(name, message);
      lock.lock();
      return;
    }
  }
  if (message_handler) {
    auto call = message_handler;
    lock.unlock();
    (*call)(message);
    lock.lock();
  }
}

void MQTTSetup::Impl::emit(std::unique_lock<std::mutex>& lock, const ClientEvent& event) {
  if (!event_handler) return;
  auto call = event_handler;
  lock.unlock();
  (*call)(event);
  lock.lock();
}

void MQTTSetup::Impl::resubscribe(bool session_present) {
  for (auto& s : subscriptions) {
    if (!session_present) s.sent = false;
    if (s.sent) continue;
    const codec::Subscription sub{s.filter, s.qos};
    s.sent = session->subscribe(std::span{&sub, 1}, platform::now_ms()).ok();
  }
}

void MQTTSetup::Impl::subscribe_locked(std::string_view filter, QoS qos) {
  for (const auto& s : subscriptions) {
    if (s.filter == filter && s.qos == qos) return;
  }
  subscriptions.push_back({std::string(filter), qos, false});
  if (session->connected()) resubscribe(true);
}

void MQTTSetup::Impl::log(LogLevel level, std::string_view text) const {
  if (level > options.log_level) return;
  if (options.log) {
    options.log(level, text);
    return;
  }
  static constexpr const char* kNames[] = {"error", "warning", "info", "debug"};
  std::fprintf(stderr, "mqtt_setup: %s: %.*s\n", kNames[static_cast<int>(level)],
               static_cast<int>(text.size()), text.data());
}

}  // namespace mqtt_setup
