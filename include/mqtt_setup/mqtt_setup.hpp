// mqtt_setup: the seed's three lines, on a client that does not lose messages.
//
//   mqtt_setup::MQTTSetup mqtt{"192.168.1.100", 1883};      // username, password optional
//   auto sender = mqtt.setup_connection();                   // 3 attempts, backoff with jitter
//   sender("sensors/temperature", 23.5);                     // devices/{client_id}/sensors/temperature
//
// Ownership: MQTTSetup owns every buffer (allocated in the constructor and setup_connection();
// nothing is allocated per publish). Threads: every public member may be called from any
// thread. Handlers run on the connection's thread (the background thread, or the caller of
// poll()); they may publish, and must not block for long. No call waits on the network (except
// disconnect(), at most 2 s, and flush(), as long as asked): publish() encodes into the queue and
// the connection's thread writes; with Options::background = false, publish() writes what the
// socket takes at once and poll() the rest. A stalled broker slows no caller.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "mqtt_setup/codec.hpp"
#include "mqtt_setup/error.hpp"
#include "mqtt_setup/options.hpp"
#include "mqtt_setup/result.hpp"
#include "mqtt_setup/session_types.hpp"
#include "mqtt_setup/version.hpp"

namespace mqtt_setup {

class MQTTSetup;

/// A received message. Views valid only during the handler call.
struct Message {
  std::string_view topic;
  codec::Bytes payload;
  QoS qos = QoS::AtMostOnce;
  bool retain = false;
  codec::Properties properties;  // 5.0: user properties, response topic, correlation data, ...
  std::string_view text() const { return codec::as_text(payload); }
  /// 5.0 request/response: where the sender wants the answer (empty: no answer wanted).
  std::string_view response_topic() const {
    auto p = properties.find(codec::PropertyId::ResponseTopic);
    return p ? p->text : std::string_view{};
  }
  codec::Bytes correlation_data() const {
    auto p = properties.find(codec::PropertyId::CorrelationData);
    return p ? p->binary : codec::Bytes{};
  }
  /// 5.0: the identifiers of the subscriptions that brought this message (a broker may send
  /// one copy for several matching subscriptions, with all their identifiers, [MQTT-3.3.4-3]);
  /// empty under 3.1.1 or from a broker that takes no identifiers. Read from `properties`.
  codec::PropertyNumbers subscription_ids() const {
    return properties.numbers(codec::PropertyId::SubscriptionIdentifier);
  }
};

/// What the connection did, for programs that want more than a bool (the CLI's --json).
struct ClientEvent {
  enum class Kind : std::uint8_t {
    Connecting,     // server: trying this one
    Connected,      // server, session_present
    ConnectFailed,  // server, error; retry_in_ms when another try is scheduled
    Disconnected,   // error (Kind::None when we asked for it)
    Delivered,      // ticket
    Dropped,        // ticket
    Subscribed,     // filter refused when refused = true
    Written,        // QoS 0 messages went out (they get no acknowledgement; stats().session
                    // .delivered counts them): one event for all a pass of the loop wrote
  };
  Kind kind = Kind::Connecting;
  std::string_view server;  // "host:port"
  bool session_present = false;
  Error error;
  std::uint32_t retry_in_ms = 0;
  std::uint32_t ticket = 0;
  bool refused = false;
};

struct ClientStats {
  SessionStats session;
  std::uint64_t connect_attempts = 0;
  std::uint64_t disconnects = 0;   // connections lost or closed
  Error last_error;
  /// 5.0: the Response Information of the last CONNACK (Options::request_response_information),
  /// empty when the broker sent none.
  std::string response_information;
};

/// What prepare_for_sleep() kept for the wake.
struct SleepReport {
  std::uint32_t messages = 0;     // still unacknowledged or unsent, saved (0: all delivered)
  std::size_t bytes_written = 0;  // written to the storage now; 0 when there was nothing to keep
                                  // or the same bytes were already stored (no flash wear)
};

/// The function setup_connection() returns: sender(suffix, value) -> bool.
/// true: the message was handed to the connection (QoS 1/2: it will be resent until
/// acknowledged). false: not connected (the message is queued when Options::queue_messages
/// allows; MQTTSetup::publish() tells which), or the topic/message is invalid.
class Sender {
 public:
  Sender() = default;
  bool operator()(std::string_view topic_suffix, std::string_view message) const;
  bool operator()(std::string_view topic_suffix, const char* message) const {
    return (*this)(topic_suffix, std::string_view{message});
  }
  bool operator()(std::string_view topic_suffix, const std::string& message) const {
    return (*this)(topic_suffix, std::string_view{message});
  }
  /// Numbers in their shortest round-trip form ("23.5"), bools as "true"/"false".
  template <class T>
    requires std::is_arithmetic_v<T>
  bool operator()(std::string_view topic_suffix, T value) const {
    char text[32];
    if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, float>) {
      return (*this)(topic_suffix, format_value(value, text));
    } else if constexpr (std::is_floating_point_v<T>) {
      return (*this)(topic_suffix, format_value(static_cast<double>(value), text));
    } else if constexpr (std::is_signed_v<T>) {
      return (*this)(topic_suffix, format_value(static_cast<long long>(value), text));
    } else {
      return (*this)(topic_suffix, format_value(static_cast<unsigned long long>(value), text));
    }
  }
  /// Whether this sender is bound to a client (a default-constructed one is not).
  explicit operator bool() const { return owner_ != nullptr; }

  static std::string_view format_value(bool value, char (&buf)[32]);
  static std::string_view format_value(double value, char (&buf)[32]);
  static std::string_view format_value(float value, char (&buf)[32]);
  static std::string_view format_value(long long value, char (&buf)[32]);
  static std::string_view format_value(unsigned long long value, char (&buf)[32]);

 private:
  friend class MQTTSetup;
  explicit Sender(MQTTSetup* owner) : owner_(owner) {}
  MQTTSetup* owner_ = nullptr;
};

class MQTTSetup {
 public:
  /// The seed's constructor. `server` may be a list "a:1883,b:1883" (failover).
  explicit MQTTSetup(std::string_view server, std::uint16_t port = 0,
                     std::optional<std::string> username = std::nullopt,
                     std::optional<std::string> password = std::nullopt,
                     Options options = {});
  ~MQTTSetup();  // disconnects cleanly
  MQTTSetup(const MQTTSetup&) = delete;
  MQTTSetup& operator=(const MQTTSetup&) = delete;

  /// Connects (Options::attempts tries, backoff with jitter between them) and returns the
  /// sender. If every try fails, the sender returns false until a background reconnect
  /// succeeds (or, with Options::background = false, until poll() reconnects). Never throws.
  Sender setup_connection();

  /// Sends what is queued and DISCONNECT as far as the link takes them within 2 s (a stalled
  /// link does not hold the caller longer; call flush() first to wait for acknowledgements),
  /// closes the socket and stops reconnecting. Safe to call twice, and from a handler (no
  /// handler runs after it).
  /// The destructor may run in a handler too with a background thread (the thread frees the
  /// client when the handler returns), but not with Options::background = false inside poll().
  void disconnect();
  /// The same, saying why (MQTT 5, [MQTT-3.14.2.1]): codec::reason::kSuccess (0x00, what
  /// disconnect() sends) or kDisconnectWithWill (0x04: the broker publishes the last will, as
  /// if the device had vanished; under 3.1.1 the connection is closed without DISCONNECT, which
  /// has the same effect), and, when given, the session expiry interval (seconds) the broker
  /// keeps the session for from now (left out when Options::session_expiry_s is 0: MQTT 5
  /// forbids raising it from 0).
  void disconnect(std::uint8_t reason_code,
                  std::optional<std::uint32_t> session_expiry_s = std::nullopt);

  /// Deep sleep (battery devices that wake, publish and sleep again; docs/deep_sleep.md).
  /// Gives what was handed over up to `timeout_ms` to be delivered (as flush()), disconnects
  /// cleanly (as disconnect(): the client stays stopped), then saves the session through
  /// Options::storage: packet identifiers, unacknowledged and unsent messages, QoS 2 progress
  /// both ways. The next MQTTSetup with the same client id and clean_session = false (after the
  /// wake) loads it in its constructor and resumes the broker's session: nothing lost, QoS 2 not
  /// duplicated. The saved copy is erased just before that client's first CONNECT, so a crash
  /// later cannot replay it. Flash is written only when something is pending and differs from
  /// what is stored (docs/deep_sleep.md: bytes per cycle, NVS lifetime).
  /// Errors (also in last_error()): Kind::Storage with `storage` = CleanSession (nothing done:
  /// the broker would drop the session), NoStorage (no Options::storage / state_dir), Save.
  Result<SleepReport, Error> prepare_for_sleep(std::uint32_t timeout_ms);

  bool is_connected() const;
  const std::string& client_id() const;
  /// "{topic_root}/{client_id}/{suffix}".
  std::string topic(std::string_view suffix) const;

  /// Publish with everything chosen; the topic is devices/{client_id}/{suffix}.
  Result<Ticket, Error> publish(std::string_view topic_suffix, codec::Bytes payload, QoS qos,
                                bool retain = false);
  /// The same with a time to live / latest-per-topic choice for this message (the two-argument
  /// forms use Options::message_ttl_ms and Options::latest_per_topic).
  Result<Ticket, Error> publish(std::string_view topic_suffix, codec::Bytes payload, QoS qos,
                                bool retain, const PublishOptions& options);
  /// Publish to a topic outside the device's own prefix.
  Result<Ticket, Error> publish_to_topic(std::string_view topic, codec::Bytes payload, QoS qos,
                                         bool retain = false);

  /// Waits until every message handed over so far is delivered (QoS 0 written, QoS 1/2
  /// acknowledged) or `timeout_ms` passes. Returns whether everything was delivered.
  bool flush(std::uint32_t timeout_ms);

  using MessageHandler = std::function<void(const Message&)>;
  using CommandHandler = std::function<void(std::string_view name, const Message&)>;

  /// Subscribes to a filter (anywhere, not only under the device); kept across reconnects.
  /// "$share/GROUP/filter" is a 5.0 shared subscription (one member of GROUP gets each message).
  /// Subscribing again to the same filter replaces that subscription (its options and handler),
  /// as the broker does ([MQTT-3.8.4-3]). Under 5.0 each subscription gets an identifier (1, 2,
  /// ... in the order made, kept across reconnects) when the broker allows them; messages
  /// name it (Message::subscription_ids()).
  bool subscribe(std::string_view filter, QoS qos = QoS::AtLeastOnce);
  /// The same with 5.0 subscription options (no local, retain as published, retain handling).
  bool subscribe(const codec::Subscription& subscription);
  /// The same with a handler of this subscription's own messages: under 5.0 those that name
  /// its identifier (a message matching two subscriptions reaches each handler once, whether
  /// the broker sends one copy naming both or one copy each); under 3.1.1, or from a broker
  /// without identifiers, those whose topic matches its filter (a shared subscription's after
  /// $share/GROUP/), where a broker sending one copy per matching subscription calls each
  /// matching handler once per copy. on_message() still gets every message, after these.
  bool subscribe(std::string_view filter, QoS qos, MessageHandler handler);
  bool subscribe(const codec::Subscription& subscription, MessageHandler handler);
  /// 5.0 request/response: publishes `payload` to the request's response topic, with its
  /// correlation data. NotConnected-like InvalidArgument when the request wants no answer.
  Result<Ticket, Error> respond(const Message& request, codec::Bytes payload,
                                QoS qos = QoS::AtLeastOnce);
  /// The protocol this client speaks now (after an Options::protocol = Auto fallback: 3.1.1).
  codec::ProtocolVersion protocol_version() const;
  /// Every message received (after command handlers and subscriptions' handlers had their
  /// turn; not those an on_command() handler took).
  void on_message(MessageHandler handler);
  /// devices/{id}/commands/{name}: subscribes to devices/{id}/commands/# on first use.
  /// name "#" receives every command no other handler took.
  void on_command(std::string_view name, CommandHandler handler);
  /// Connection events (see ClientEvent).
  void on_event(std::function<void(const ClientEvent&)> handler);

  /// With Options::background = false: runs the connection for up to `max_wait_ms`
  /// (reconnects, reads, keep-alive). With a background thread it just waits.
  void poll(std::uint32_t max_wait_ms);

  /// The network went up or down. Up: reconnect now instead of waiting out a backoff. Down:
  /// drop the connection and make no attempts until it is up again. On ESP32 the client does
  /// this itself on Wi-Fi/IP events, from the end of setup_connection() until disconnect(),
  /// when esp_event_loop_create_default() ran before setup_connection().
  void network_changed(bool up);

  /// 5.0 re-authentication on demand (Options::auth_method / authenticator, [MQTT-4.12.1]):
  /// queues AUTH 0x19 and returns; the exchange runs on the connection (a failure is the
  /// broker's DISCONNECT: the client reconnects and authenticates from CONNECT again).
  /// Errors: InvalidArgument with `session` = AuthenticationUnavailable (no method, or 3.1.1),
  /// Busy (one is going on) or AuthenticatorFailed; NotConnected.
  Result<void, Error> reauthenticate();

  ClientStats stats() const;
  Error last_error() const;
  /// More about the last connection failure than last_error() says (TLS: which certificate
  /// and why); empty when there is nothing more.
  std::string last_error_detail() const;

  /// Internal: the implementation (src/setup/client.hpp).
  struct Impl;

 private:
  friend class Sender;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mqtt_setup
