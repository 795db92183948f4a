// Session events -> the driver (reconnect decisions), subscriptions, and the user's handlers.
// Handlers run with the lock released, so they may call back into MQTTSetup.
#include <cstdio>

#include "mqtt_setup/platform.hpp"
#include "setup/client.hpp"
#include "setup/subscription_routing.hpp"
#include "setup/text_buffer.hpp"

namespace mqtt_setup {

void MQTTSetup::Impl::drain_events(std::unique_lock<std::mutex>& lock) {
  // After disconnect() (perhaps from the handler just called) no handler runs again.
  while (!stopping) {
    auto event = session->poll_event(platform::now_ms());
    if (!event) break;
    handle_event(lock, *event);
  }
}

void MQTTSetup::Impl::handle_event(std::unique_lock<std::mutex>& lock, const Event& event) {
  switch (event.kind) {
    case Event::Kind::Connected: {
      driver->handle_connack(platform::now_ms());
      counters.last_error = Error{};
      // Assigned only when it changes: a reconnect without it allocates nothing.
      if (counters.response_information != event.response_information) {
        counters.response_information.assign(event.response_information);
      }
      if (!event.response_information.empty() && logs(LogLevel::Info)) {
        log(LogLevel::Info,
            "the broker's response information: \"" + counters.response_information + "\"");
      }
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
      std::optional<std::size_t> referred;
      if (!event.server_reference.empty()) referred = follow_server_reference(event.server_reference);
      const DriverOutcome outcome = driver->handle_disconnected(event, referred, platform::now_ms());
      if (outcome.kind == DriverOutcome::Kind::Requested) {
        close_transport();
        changed.notify_all();
        break;
      }
      if (outcome.kind == DriverOutcome::Kind::FellBackTo311) {
        close_transport();  // and the driver retries this server at once, in 3.1.1
        if (logs(LogLevel::Info)) {
          log(LogLevel::Info,
              std::string(current_server) + " does not speak MQTT 5: falling back to 3.1.1");
        }
        break;
      }
      Error error = Error::from_disconnect(event);
      if (error.kind == Error::Kind::Refused && session->version() == codec::ProtocolVersion::V5 &&
          error.refused == codec::ConnectReturnCode::UnacceptableProtocolVersion) {
        // A 3.1.1 broker's "unacceptable protocol version" to our 5.0 CONNECT: say it in 5.0
        // terms, so the advice is -V auto rather than a complaint about 3.1.1.
        error.reason_code = codec::reason::kUnsupportedProtocolVersion;
        error.refused = static_cast<codec::ConnectReturnCode>(error.reason_code);
      }
      if (event.reason == DisconnectReason::TransportClosed && last_transport_error) {
        error = Error::from_transport(*last_transport_error);
      }
      last_transport_error.reset();
      if (outcome.kind == DriverOutcome::Kind::AttemptFailed) {
        connection_failed(lock, error, outcome);
      } else {
        connection_lost(lock, error, outcome);
      }
      break;
    }
    case Event::Kind::Message: {
      Message m{event.message.topic, event.message.payload, event.message.qos,
                event.message.retain, event.message.properties};
      dispatch_message(lock, m);
      break;
    }
    case Event::Kind::Delivered:
    case Event::Kind::Dropped: {
      ClientEvent ev;
      ev.kind = event.kind == Event::Kind::Delivered ? ClientEvent::Kind::Delivered
                                                     : ClientEvent::Kind::Dropped;
      ev.ticket = event.ticket;
      if (event.kind == Event::Kind::Delivered) ++delivered_accounted;  // not a Written one
      if (!qos2_downgrade_logged && session->stats().qos2_acked_as_qos1 > 0) {
        qos2_downgrade_logged = true;  // once: it is the broker's way, not news per message
        if (logs(LogLevel::Info)) {
          log(LogLevel::Info,
              "the broker acknowledged a QoS 2 message with PUBACK (it downgrades QoS 2 to 1)");
        }
      }
      changed.notify_all();
      emit(lock, ev);
      break;
    }
    case Event::Kind::Subscribed: {
      bool refused = false;
      std::uint8_t refusal = 0;
      for (auto code : event.return_codes) {
        if (code >= codec::kSubackFailure) refusal = code;  // 0x80; 5.0: any code from 0x80
      }
      refused = refusal != 0;
      if (refused && logs(LogLevel::Warning)) {
        char line[160];
        TextBuffer text(line);
        text << "the broker refused a subscription: "
             << (refusal == codec::kSubackFailure ? std::string_view{"failure"}
                                                  : codec::describe_reason_code(refusal))
             << " (SUBACK ";
        text.hex_byte(refusal) << ")";
        log(LogLevel::Warning, text.view());
      }
      ClientEvent ev;
      ev.kind = ClientEvent::Kind::Subscribed;
      ev.ticket = event.ticket;
      ev.refused = refused;
      changed.notify_all();
      emit(lock, ev);
      break;
    }
    case Event::Kind::Unsubscribed:
    case Event::Kind::Reauthenticated:
      changed.notify_all();
      break;
  }
}

void MQTTSetup::Impl::dispatch_message(std::unique_lock<std::mutex>& lock,
                                       const Message& message) {
  const bool command_taken = dispatch_command(lock, message);
  // Each subscription's own handler, once per copy that came through it. By index: a handler
  // may subscribe (the vector grows) while the lock is released.
  for (std::size_t i = 0; i < subscriptions.size() && !stopping; ++i) {
    const Subscription& s = subscriptions[i];
    if (!s.handler || !came_through(message, s.filter, s.id)) continue;
    auto call = s.handler;
    lock.unlock();
    (*call)(message);
    lock.lock();
  }
  if (message_handler && !command_taken && !stopping) {
    auto call = message_handler;
    lock.unlock();
    (*call)(message);
    lock.lock();
  }
}

bool MQTTSetup::Impl::dispatch_command(std::unique_lock<std::mutex>& lock,
                                       const Message& message) {
  const std::string_view commands_prefix = commands_topic_prefix;
  if (commands.empty() || message.topic.substr(0, commands_prefix.size()) != commands_prefix) {
    return false;
  }
  // A copy that names subscription identifiers but not the commands' came through another
  // subscription (one that also matches the commands topic): not a command delivery.
  const codec::PropertyNumbers ids = message.subscription_ids();
  if (commands_subscription_id != 0 && !ids.empty() && !ids.contains(commands_subscription_id)) {
    return false;
  }
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
  if (!handler) return false;
  lock.unlock();
  (*handler)(name, message);
  lock.lock();
  return true;
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
    codec::Subscription sub = s.options;
    sub.filter = s.filter;
    // The session leaves the identifier out where the broker takes none (or under 3.1.1).
    s.sent = session->subscribe(std::span{&sub, 1}, platform::now_ms(), s.id).ok();
  }
}

std::size_t MQTTSetup::Impl::subscribe_locked(const codec::Subscription& subscription) {
  const auto same_options = [&](const codec::Subscription& o) {
    return o.qos == subscription.qos && o.no_local == subscription.no_local &&
           o.retain_as_published == subscription.retain_as_published &&
           o.retain_handling == subscription.retain_handling;
  };
  std::size_t index = 0;
  while (index < subscriptions.size() && subscriptions[index].filter != subscription.filter) {
    ++index;
  }
  if (index < subscriptions.size()) {
    Subscription& s = subscriptions[index];
    if (same_options(s.options)) return index;
    // The broker replaces its subscription to this filter ([MQTT-3.8.4-3]); so do we, keeping
    // the identifier.
    s.options = subscription;
    s.sent = false;
  } else {
    subscriptions.push_back({std::string(subscription.filter), subscription, false,
                             ++last_subscription_id, nullptr});
  }
  subscriptions[index].options.filter = {};  // the view is made from `filter` when sent
  if (session->connected()) resubscribe(true);
  return index;
}

std::optional<std::size_t> MQTTSetup::Impl::follow_server_reference(std::string_view reference) {
  // [MQTT-4.11]: "host[:port]"; several may be listed, separated by spaces: take the first.
  const std::string_view first = reference.substr(0, reference.find(' '));
  auto parsed = parse_server_list(first, options.default_port());
  if (parsed.size() != 1) return std::nullopt;
  const ServerAddress& target = parsed.front();
  for (std::size_t i = 0; i < servers.size(); ++i) {
    if (servers[i].host == target.host && servers[i].port == target.port) return i;
  }
  // A new server joins the failover list for good (allocates, once per referral). The label
  // of the current server stays valid: labels are appended, never moved... unless the vector
  // grows, so current_server is re-pointed.
  const std::size_t current = driver->server();
  const bool ipv6 = target.host.find(':') != std::string::npos;
  servers.push_back(target);
  server_labels.push_back((ipv6 ? "[" + target.host + "]" : target.host) + ":" +
                          std::to_string(target.port));
  if (current < server_labels.size()) current_server = server_labels[current];
  driver->set_server_count(servers.size());
  if (logs(LogLevel::Info)) {
    log(LogLevel::Info, "the broker named another server: " + server_labels.back() + " is next");
  }
  return servers.size() - 1;
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
