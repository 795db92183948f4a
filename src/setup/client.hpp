// MQTTSetup's insides: the session, the transport, the reconnect schedule and the handlers.
// Private to the setup layer.
#pragma once

#include <array>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "mqtt_setup/driver.hpp"
#include "mqtt_setup/mqtt_setup.hpp"
#include "mqtt_setup/platform.hpp"
#include "mqtt_setup/transport.hpp"
#if defined(MQTT_SETUP_HAS_SCRAM)
#include "mqtt_setup/scram.hpp"
#endif
#include "setup/waker.hpp"

namespace mqtt_setup {

struct MQTTSetup::Impl {
  Impl(std::string_view server, std::uint16_t port, std::optional<std::string> username,
       std::optional<std::string> password, Options options);

  // --- fixed at construction ---
  Options options;
  std::vector<ServerAddress> servers;
  std::string client_id;
  std::string topic_prefix;  // "devices/{client_id}/"
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::string will_topic;
  // Not zero-filled: untouched pages of a large store cost no RAM on Linux.
  std::unique_ptr<std::uint8_t[]> rx_memory, store_memory, tx_memory;
  std::span<std::uint8_t> rx, store, tx;
  std::string topic_buffer;  // publish() builds topics here, capacity reserved up front
  // Acknowledgements, QoS 2 ids, events: the general sizes. The incoming topic alias table is
  // sized by Options::topic_alias_maximum_in instead (incoming_alias_table).
  SessionStorage<32, 128, 4, 0> session_tables;
  std::vector<std::uint8_t> incoming_alias_table;  // 64 B per alias the broker may use
  std::unique_ptr<Session> session;
  // Every lifecycle decision (which server, when, what a failure means) is the driver's; the
  // facade opens the transports it names and reports what happened.
  std::unique_ptr<Driver> driver;
#if defined(MQTT_SETUP_HAS_SCRAM)
  std::unique_ptr<ScramSha256> scram;  // Options::auth_method = "SCRAM-SHA-256"
#endif
  std::unique_ptr<Transport> transport;
  Waker waker;
  std::unique_ptr<platform::DurableQueue> outbox_file;  // Options::queue_file
  PublishOptions default_publish;           // from Options::message_ttl_ms, latest_per_topic
  // 5.0 CONNECT and will properties (session expiry, request problem / response information;
  // will delay), viewed by the session.
  std::array<std::uint8_t, 32> connect_properties{};  // 5.0: at most 12 B used (expiry, problem and response information, topic alias maximum)
  std::array<std::uint8_t, 16> will_properties{};

  // --- deep sleep (sleep.cpp): set up at construction when clean_session is false
  std::unique_ptr<Storage> own_storage;  // the platform's, when Options::storage is nullptr
  Storage* storage = nullptr;            // Options::storage or own_storage; nullptr: none
  int storage_error_number = 0;          // why the platform's could not be opened
  char sleep_key[16] = {};               // "session" + 8 hex digits of CRC-32(client id)
  std::unique_ptr<std::uint8_t[]> sleep_memory;
  std::span<std::uint8_t> sleep_buffer;  // Session::max_state_size() bytes
  bool sleep_state_stored = false;       // a blob is under sleep_key (as far as we know)
  std::size_t sleep_state_size = 0;      // its size; 0 when unknown
  bool sleep_state_loaded = false;       // loaded into the session: erase before CONNECT

  // --- shared between threads, guarded by mutex ---
  mutable std::mutex mutex;
  std::condition_variable changed;  // connected / delivered / stopped
  bool started = false;             // setup_connection() ran
  bool stopping = false;            // disconnect() called
  bool transport_open = false;
  std::string commands_topic_prefix;  // "devices/{client_id}/commands/"
  bool started_background = false;    // setup_connection() finished its own attempts
  std::optional<TransportError> last_transport_error;  // detail for the next Disconnected
  ClientStats counters;
  char last_detail[256] = {};  // copy of transport->last_error_detail() at the last failure
  std::size_t last_detail_size = 0;
  std::vector<std::string> server_labels;  // "host:port" per server, made once
  std::string_view current_server;          // one of server_labels

  struct Subscription {
    std::string filter;
    codec::Subscription options;  // QoS and 5.0 options; its filter view is set when sent
    bool sent = false;  // SUBSCRIBE queued in the current broker session
    // 5.0 subscription identifier: 1, 2, ... in the order subscriptions were made, the same
    // for every SUBSCRIBE of this filter (reconnects too), so the broker's copies name it.
    std::uint32_t id = 0;
    std::shared_ptr<const MessageHandler> handler;  // its own messages only; may be empty
  };
  std::vector<Subscription> subscriptions;
  std::uint32_t last_subscription_id = 0;
  std::uint32_t commands_subscription_id = 0;  // of devices/{id}/commands/#
  // Handlers are shared, so dispatch can hold one while unlocked without copying (and
  // allocating) a std::function.
  std::vector<std::pair<std::string, std::shared_ptr<const CommandHandler>>> commands;
  bool commands_subscribed = false;
  std::shared_ptr<const MessageHandler> message_handler;
  std::shared_ptr<const std::function<void(const ClientEvent&)>> event_handler;

  std::thread thread;
  std::thread::id background_id;  // thread's id, kept after it ends (set under `mutex`)
  std::mutex join_mutex;          // one joiner at a time (disconnect() from several threads)
  bool orphaned = false;          // ~MQTTSetup ran inside a handler: the thread deletes this
  bool thread_running() const { return thread.joinable(); }
  /// Another thread runs the connection: the background thread, or setup_connection() still
  /// making its attempts on another thread (flush() and poll() must not: two threads in
  /// run_once() poll one socket, one reads the bytes, the other sleeps out its whole wait).
  bool driven_elsewhere() const {
    return thread_running() || (started && !started_background) || in_run_once;
  }
  bool invalid_server = false;  // the server list did not parse
  bool version_not_built = false;  // Options::protocol names a version left out of this build
  bool auth_unavailable = false;   // Options::auth_method unknown, not built in, or with 3.1.1

  // --- writing (connection.cpp). No public call waits on the network: callers queue into the
  // session and kick(); writes never block, and what a full socket did not take waits here.
  codec::Bytes unsent;             // the rest of tx the socket has not taken yet
  Millis write_stalled_at = 0;     // when `unsent` last made no progress
  bool writing = false;            // disconnect() writes with the lock released: nobody else may
  bool loop_waiting = false;       // the loop sleeps in poll()/wait: kick() must wake it
  bool in_run_once = false;        // a thread is inside run_once() (a second poll() caller waits)
  int flush_waiters = 0;           // threads in flush() waiting on `changed` (writes notify them)
  // stats().session.delivered accounted for by Delivered events and the last Written event.
  std::uint64_t delivered_accounted = 0;
  bool qos2_downgrade_logged = false;  // "the broker acknowledged a QoS 2 message with PUBACK"
  /// A Written event when QoS 0 messages went out since the last one (the loop's thread only).
  void report_written(std::unique_lock<std::mutex>& lock);

  // --- connection.cpp: run by one thread at a time (the background thread or poll()'s caller)
  /// One step: reconnect if due, wait up to max_wait_ms for bytes or a deadline, act.
  void run_once(std::unique_lock<std::mutex>& lock, std::uint32_t max_wait_ms);
  /// Opens a transport to servers[server], as the driver asked.
  void attempt_connect(std::unique_lock<std::mutex>& lock, std::size_t server);
  /// Reports what the driver made of a failure: events, logs, last_error().
  void connection_failed(std::unique_lock<std::mutex>& lock, const Error& error,
                         const DriverOutcome& outcome);
  void connection_lost(std::unique_lock<std::mutex>& lock, const Error& error,
                       const DriverOutcome& outcome);
  /// Writes what the session has to send, as far as the socket takes it now: never waits. What
  /// the socket could not take stays in `unsent`; the loop waits for it to poll writable.
  /// Nothing while another thread is writing (disconnect()'s last words).
  void transmit(std::unique_lock<std::mutex>& lock);
  /// After a call from any thread queued something to send: the connection thread writes it
  /// (woken if it sleeps); in poll mode, transmit() here, without waiting.
  void kick(std::unique_lock<std::mutex>& lock);
  /// disconnect(): what is queued and the DISCONNECT, as far as the link takes them before
  /// `deadline` (waiting with the lock released).
  void write_last_words(std::unique_lock<std::mutex>& lock, Millis deadline);
  /// When a write that made no progress since write_stalled_at gives up (kNever: nothing waits).
  Millis write_deadline() const;
  void close_transport();
  /// 5.0: the DISCONNECT with a reason code the session owes after a protocol error it found,
  /// written in one attempt that does not wait; close_transport() calls it.
  void write_farewell();
  void background_loop();

  // --- dispatch.cpp
  void drain_events(std::unique_lock<std::mutex>& lock);
  void handle_event(std::unique_lock<std::mutex>& lock, const Event& event);
  void dispatch_message(std::unique_lock<std::mutex>& lock, const Message& message);
  /// The handler of on_command() that takes `message`, if any, called; whether one was.
  bool dispatch_command(std::unique_lock<std::mutex>& lock, const Message& message);
  void emit(std::unique_lock<std::mutex>& lock, const ClientEvent& event);
  void resubscribe(bool session_present);
  /// Adds the subscription, or updates the one to the same filter ([MQTT-3.8.4-3]: the broker
  /// keeps one per filter); SUBSCRIBE when connected. Returns its index in `subscriptions`.
  std::size_t subscribe_locked(const codec::Subscription& subscription);
  /// 5.0: a refusing CONNACK or a server DISCONNECT may name another server; go there next.
  /// Returns the index of that server in `servers` (added when new), or nothing.
  std::optional<std::size_t> follow_server_reference(std::string_view reference);
  void log(LogLevel level, std::string_view text) const;
  /// Whether `level` is logged: check before building a message, so that a quiet client
  /// allocates nothing on reconnects.
  bool logs(LogLevel level) const { return level <= options.log_level; }

  Result<Ticket, Error> publish_locked(std::unique_lock<std::mutex>& lock, std::string_view topic,
                                       codec::Bytes payload, QoS qos, bool retain,
                                       const PublishOptions& publish_options);
  void open_outbox_file();
  /// Options::authenticator, or the SCRAM made for Options::auth_method; sets auth_unavailable.
  Authenticator* choose_authenticator();
  void open_sleep_storage();
  void forget_loaded_sleep_state();
  Result<SleepReport, Error> save_sleep_state();
  Error sleep_storage_error(Error::StorageFailure failure, int system_error,
                            SessionError session_error = SessionError::None);
  void maintain_outbox_file(std::unique_lock<std::mutex>& lock, Millis now);
  /// A new write error of the durable queue becomes last_error() (publish() writes too).
  void report_outbox_error();
  /// The driver's next deadline, or sooner when the durable queue has a write or sync due.
  Millis next_wake(Millis now) const;
  int reported_outbox_error = 0;  // the durable queue's write error last put in last_error

  // --- network up/down (mqtt_setup.cpp): the platform's events, from setup_connection() until
  // disconnect(). Last, so that it goes first: its callback uses the members above.
  void set_network(bool up);  // MQTTSetup::network_changed(); takes `mutex`
  void watch_network();
  void stop_watching_network();
  // Never taken with `mutex` held: starting and stopping wait for the platform's event task,
  // which may be in set_network() waiting for `mutex`.
  std::mutex network_mutex;
  std::unique_ptr<platform::NetworkEvents> network_events;  // guarded by network_mutex
};

}  // namespace mqtt_setup
