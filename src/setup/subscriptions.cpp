// MQTTSetup's receiving side: subscriptions (each with its own handler or the client's),
// the message, command and event handlers, and answers to MQTT 5 requests. Handlers are held
// through shared_ptr so that the connection thread can call one outside the lock while the
// application replaces it.
#include <array>
#include <memory>

#include "mqtt_setup/mqtt_setup.hpp"
#include "setup/client.hpp"

namespace mqtt_setup {

bool MQTTSetup::subscribe(std::string_view filter, QoS qos) {
  codec::Subscription subscription;
  subscription.filter = filter;
  subscription.qos = qos;
  return subscribe(subscription);
}

bool MQTTSetup::subscribe(const codec::Subscription& subscription) {
  return subscribe(subscription, nullptr);
}

bool MQTTSetup::subscribe(std::string_view filter, QoS qos, MessageHandler handler) {
  codec::Subscription subscription;
  subscription.filter = filter;
  subscription.qos = qos;
  return subscribe(subscription, std::move(handler));
}

bool MQTTSetup::subscribe(const codec::Subscription& subscription, MessageHandler handler) {
  if (!codec::is_valid_topic_filter(subscription.filter)) return false;
  auto shared = handler ? std::make_shared<const MessageHandler>(std::move(handler)) : nullptr;
  std::unique_lock lock(impl_->mutex);
  const std::size_t index = impl_->subscribe_locked(subscription);
  impl_->subscriptions[index].handler = std::move(shared);
  if (impl_->session->connected()) impl_->kick(lock);
  return true;
}

Result<Ticket, Error> MQTTSetup::respond(const Message& request, codec::Bytes payload, QoS qos) {
  const std::string_view topic = request.response_topic();
  if (topic.empty()) return Error::from_session(SessionError::InvalidTopic);
  // [MQTT-4.10]: the answer carries the request's correlation data back unchanged.
  std::array<std::uint8_t, 512> buffer;
  codec::PropertyWriter w{buffer};
  if (const codec::Bytes correlation = request.correlation_data(); !correlation.empty()) {
    w.add(codec::PropertyId::CorrelationData, correlation);
  }
  if (!w.ok()) return Error::from_session(SessionError::TooLarge);
  PublishOptions options = impl_->default_publish;
  options.properties = w.properties();
  std::unique_lock lock(impl_->mutex);
  return impl_->publish_locked(lock, topic, payload, qos, false, options);
}

void MQTTSetup::on_message(MessageHandler handler) {
  std::lock_guard lock(impl_->mutex);
  impl_->message_handler =
      handler ? std::make_shared<const MessageHandler>(std::move(handler)) : nullptr;
}

void MQTTSetup::on_command(std::string_view name, CommandHandler handler) {
  Impl& m = *impl_;
  std::unique_lock lock(m.mutex);
  m.commands.emplace_back(std::string(name),
                          std::make_shared<const CommandHandler>(std::move(handler)));
  if (!m.commands_subscribed) {
    m.commands_subscribed = true;
    const std::string filter = m.commands_topic_prefix + "#";
    codec::Subscription subscription;
    subscription.filter = filter;
    subscription.qos = QoS::AtLeastOnce;
    m.commands_subscription_id = m.subscriptions[m.subscribe_locked(subscription)].id;
    if (m.session->connected()) m.kick(lock);
  }
}

void MQTTSetup::on_event(std::function<void(const ClientEvent&)> handler) {
  std::lock_guard lock(impl_->mutex);
  using Handler = std::function<void(const ClientEvent&)>;
  impl_->event_handler = handler ? std::make_shared<const Handler>(std::move(handler)) : nullptr;
}

}  // namespace mqtt_setup
