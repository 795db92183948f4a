// MQTTSetup's public members: construction (every allocation happens here or in
// setup_connection()), publishing, and the two ways to run the connection. What it receives
// (subscriptions, handlers, commands, answers) is in subscriptions.cpp.
#include "mqtt_setup/mqtt_setup.hpp"

#include <chrono>
#include <thread>

#include "mqtt_setup/platform.hpp"
#include "setup/client.hpp"
#include "setup/packet_log.hpp"
#include "setup/transport_factory.hpp"

namespace mqtt_setup {

namespace {

// disconnect() gives the link this long to take what is queued and the DISCONNECT: a healthy
// link takes them at once, a stalled one must not hold the caller up.
constexpr Millis kDisconnectGraceMs = 2'000;

}  // namespace

MQTTSetup::Impl::Impl(std::string_view server, std::uint16_t port,
                      std::optional<std::string> user, std::optional<std::string> pass,
                      Options opts)
    : options(std::move(opts)), username(std::move(user)), password(std::move(pass)) {
  servers = parse_server_list(server, port != 0 ? port : options.default_port());
  for (auto extra : options.servers) {
    if (extra.port == 0) extra.port = options.default_port();
    servers.push_back(std::move(extra));
  }
  for (const auto& s : servers) {
    const bool ipv6 = s.host.find(':') != std::string::npos;
    server_labels.push_back((ipv6 ? "[" + s.host + "]" : s.host) + ":" + std::to_string(s.port));
  }
  client_id = !options.client_id.empty()
                  ? options.client_id
                  : platform::default_client_id(options.client_id_prefix.empty()
                                                    ? platform::client_id_prefix()
                                                    : std::string_view{options.client_id_prefix});
  topic_prefix = options.topic_root + "/" + client_id + "/";
  commands_topic_prefix = topic_prefix + "commands/";
  if (options.will) will_topic = topic_prefix + options.will->topic_suffix;

  rx_memory = std::make_unique_for_overwrite<std::uint8_t[]>(options.rx_buffer_size);
  tx_memory = std::make_unique_for_overwrite<std::uint8_t[]>(options.tx_buffer_size);
  store_memory = std::make_unique_for_overwrite<std::uint8_t[]>(options.queue_bytes);
  rx = {rx_memory.get(), options.rx_buffer_size};
  tx = {tx_memory.get(), options.tx_buffer_size};
  store = {store_memory.get(), options.queue_bytes};
  topic_buffer.reserve(topic_prefix.size() + options.tx_buffer_size);

  SessionConfig config;
  config.client_id = client_id;
  if (username) config.username = *username;
  if (password) config.password = codec::as_bytes(*password);
  if (options.will) {
    config.will = codec::Will{will_topic, codec::as_bytes(options.will->message),
                              options.will->qos, options.will->retain};
    if (options.will->delay_s != 0) {
      codec::PropertyWriter w{will_properties};
      w.add(codec::PropertyId::WillDelayInterval, options.will->delay_s);
      config.will->properties = w.properties();
    }
  }
  // Auto speaks the newest version built in; a version asked for by name must be built in
  // (MQTT_SETUP_PROTOCOLS), else setup_connection() says so instead of speaking another.
  using codec::ProtocolVersion;
  const ProtocolVersion wanted =
      options.protocol == Protocol::V311 ? ProtocolVersion::V311
      : options.protocol == Protocol::V5 || codec::is_built(ProtocolVersion::V5)
          ? ProtocolVersion::V5
          : ProtocolVersion::V311;
  version_not_built = !codec::is_built(wanted);
  config.version = wanted;
  if (wanted == ProtocolVersion::V5) {
    config.topic_aliases = options.topic_aliases;
    // [MQTT-3.1.2.11.2]: without a session expiry a 5.0 session ends with the connection, so a
    // persistent session (clean_session = false) asks for Options::session_expiry_s.
    codec::PropertyWriter w{connect_properties};
    if (!options.clean_session) {
      w.add(codec::PropertyId::SessionExpiryInterval, options.session_expiry_s);
    }
    // Only what differs from the spec's defaults (problem information 1, response 0).
    if (!options.request_problem_information) {
      w.add(codec::PropertyId::RequestProblemInformation, 0U);
    }
    if (options.request_response_information) {
      w.add(codec::PropertyId::RequestResponseInformation, 1U);
    }
    if (options.topic_alias_maximum_in > 0) {  // [MQTT-3.1.2.11.5]: absent means 0
      w.add(codec::PropertyId::TopicAliasMaximum, options.topic_alias_maximum_in);
      config.topic_alias_maximum_in = options.topic_alias_maximum_in;
      incoming_alias_table.resize(std::size_t{64} * options.topic_alias_maximum_in);
    }
    config.connect_properties = w.properties();
  }
  config.keep_alive_s = options.keep_alive_s;
  config.ack_timeout_ms = options.ack_timeout_ms;
  config.clean_session = options.clean_session;
  config.max_inflight = options.max_inflight;
  config.max_queued = options.queue_messages;
  config.overflow = options.overflow;
  config.connect_timeout_ms = options.connect_timeout_ms;
  config.max_packet_size = options.tx_buffer_size;
  config.authenticator = choose_authenticator();
  if (config.authenticator != nullptr && config.version != ProtocolVersion::V5) {
    auth_unavailable = true;  // enhanced authentication is 5.0's
  }
  if (config.authenticator != nullptr && options.authenticator == nullptr) {
    config.username.reset();  // SCRAM carries them; the password never goes in the clear
    config.password.reset();
  }
  SessionBuffers buffers = session_tables.buffers(rx, store);
  buffers.incoming_aliases = incoming_alias_table;
  session = std::make_unique<Session>(config, buffers);
  session->send_reason_strings();
  DriverConfig lifecycle;
  lifecycle.retry = options.retry;
  lifecycle.server_count = servers.size();
  lifecycle.primary_return_ms = options.primary_return_ms;
  lifecycle.allow_fallback_to_311 =
      options.protocol == Protocol::Auto && codec::is_built(ProtocolVersion::V311);
  driver = std::make_unique<Driver>(
      lifecycle, *session, RandomSource{[](void*) { return platform::random_u32(); }, nullptr});
  if (options.log_level >= LogLevel::Debug) {
    session->set_trace(&log_packet, this);
  }
  transport = make_transport(options.tls);
  default_publish.ttl_ms = options.message_ttl_ms;
  default_publish.replace_queued = options.latest_per_topic;
  // The sleep state first: when it is there, it is the newer copy of what the queue file holds.
  open_sleep_storage();
  if (!options.queue_file.empty()) open_outbox_file();
}

Authenticator* MQTTSetup::Impl::choose_authenticator() {
  if (options.authenticator != nullptr) return options.authenticator;
  if (options.auth_method.empty()) return nullptr;
#if defined(MQTT_SETUP_HAS_SCRAM)
  if (options.auth_method == "SCRAM-SHA-256") {
    // Views of this Impl's own strings, which live as long as the SCRAM object.
    scram = std::make_unique<ScramSha256>(username ? std::string_view{*username} : "",
                                          password ? std::string_view{*password} : "");
    return scram.get();
  }
#endif
  auth_unavailable = true;
  return nullptr;
}

void MQTTSetup::Impl::open_outbox_file() {
  const auto report = [this](int error_number) {
    Error e;
    e.kind = Error::Kind::Storage;
    if (error_number == platform::kForeignQueueFile)
      e.storage = Error::StorageFailure::ForeignQueueFile;
    else
      e.system_error = error_number;
    counters.last_error = e;
    log(LogLevel::Error, e.message());
  };
  int error_number = 0;
  outbox_file = platform::open_durable_queue(
      options.queue_file,
      {options.queue_file_sync_ms, options.queue_file_messages, options.queue_file_bytes},
      error_number);
  if (!outbox_file) {
    report(error_number);
    return;
  }
  // What a previous run left undelivered goes first, then the log restarts from the store.
  // After a deep sleep the saved session already holds those messages, with their progress.
  const Millis now = platform::now_ms();
  std::size_t restored = 0;
  for (const auto& packet : outbox_file->recovered()) {
    if (sleep_state_loaded) break;
    if (session->restore(packet, now).ok()) ++restored;
  }
  if (!outbox_file->rewrite(*session)) report(outbox_file->write_error());
  session->set_journal(outbox_file.get());
  if (restored > 0 && logs(LogLevel::Info)) {
    log(LogLevel::Info, std::to_string(restored) + " queued message(s) recovered from " +
                            options.queue_file);
  }
}

MQTTSetup::MQTTSetup(std::string_view server, std::uint16_t port,
                     std::optional<std::string> username, std::optional<std::string> password,
                     Options options)
    : impl_(std::make_unique<Impl>(server, port, std::move(username), std::move(password),
                                   std::move(options))) {}

MQTTSetup::~MQTTSetup() {
  disconnect();
  Impl& m = *impl_;
  if (std::this_thread::get_id() == m.background_id && m.thread.joinable()) {
    // Destroyed from a handler, on the client's own thread: that thread cannot be joined from
    // itself. It is inside the handler still; it leaves the loop (stopping is set) and then
    // deletes the Impl (see setup_connection()).
    m.thread.detach();
    m.orphaned = true;
    (void)impl_.release();
  }
}

Sender MQTTSetup::setup_connection() {
  Impl& m = *impl_;
  std::unique_lock lock(m.mutex);
  if (m.started) return Sender{this};
  m.started = true;
  if (m.servers.empty()) {
    Error e;
    e.kind = Error::Kind::InvalidArgument;
    m.counters.last_error = e;
    m.invalid_server = true;
    m.log(LogLevel::Error, "no valid broker address: use HOST[:PORT][,HOST[:PORT]...]");
    return Sender{this};
  }
  if (m.version_not_built || m.auth_unavailable) {
    m.counters.last_error = Error::from_session(m.version_not_built
                                                    ? SessionError::VersionNotBuiltIn
                                                    : SessionError::AuthenticationUnavailable);
    m.invalid_server = true;  // nothing to try, ever: as for an unusable server list
    m.driver->stop();         // poll() makes no attempt either
    m.log(LogLevel::Error, m.counters.last_error.message());
    return Sender{this};
  }
  // The seed's contract: Options::attempts tries, backoff between them, then return.
  while (!m.stopping && !m.session->connected()) {
    const bool attempt_running = m.session->state() != SessionState::Disconnected;
    if (!attempt_running &&
        (m.driver->attempts() >= m.options.attempts || m.driver->permanent_failure())) {
      break;
    }
    m.run_once(lock, 100);
  }
  m.started_background = true;
  if (m.options.background && !m.stopping) {
    m.thread = platform::start_background_thread(
        [](void* context) {
          Impl* impl = static_cast<Impl*>(context);
          impl->background_loop();
          // ~MQTTSetup ran on this thread, inside a handler: nobody else will free it.
          if (impl->orphaned) delete impl;
        },
        &m);
    m.background_id = m.thread.get_id();
  }
  lock.unlock();
  // After the attempts above: while the network is down no attempt counts, and those must end.
  m.watch_network();
  return Sender{this};
}

void MQTTSetup::disconnect() { disconnect(codec::reason::kSuccess); }

void MQTTSetup::disconnect(std::uint8_t reason_code, std::optional<std::uint32_t> session_expiry_s) {
  Impl& m = *impl_;
  std::unique_lock lock(m.mutex);
  const std::thread::id background_id = m.background_id;
  if (!m.stopping) {
    // The connection thread sees `stopping` when it next holds the lock and leaves its loop
    // without writing again; this thread writes the last words.
    m.stopping = true;
    m.driver->stop();
    m.waker.wake();
    if (m.session->connected()) {
      const Millis now = platform::now_ms();
      m.session->disconnect(now, reason_code, session_expiry_s);
      m.write_last_words(lock, now + kDisconnectGraceMs);
      ++m.counters.disconnects;  // a connection closed, by us
    }
    m.close_transport();
    // Also stops a connect() on the connection thread, in progress or about to begin (that
    // thread releases the lock before connecting: a close() there could come too early).
    m.transport->interrupt();
    m.waker.wake();
    m.changed.notify_all();
    lock.unlock();
    m.stop_watching_network();
  } else {
    lock.unlock();
  }
  // From a handler, on the client's own thread: the loop ends by itself when the handler
  // returns; joining would wait for ourselves. Any later call from another thread joins.
  if (std::this_thread::get_id() == background_id) return;
  std::lock_guard guard(m.join_mutex);
  if (m.thread.joinable()) m.thread.join();
}

bool MQTTSetup::is_connected() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->session->connected();
}

const std::string& MQTTSetup::client_id() const { return impl_->client_id; }

std::string MQTTSetup::topic(std::string_view suffix) const {
  return impl_->topic_prefix + std::string(suffix);
}

Result<Ticket, Error> MQTTSetup::Impl::publish_locked(std::unique_lock<std::mutex>& lock,
                                                      std::string_view topic,
                                                      codec::Bytes payload, QoS qos,
                                                      bool retain,
                                                      const PublishOptions& publish_options) {
  // Every refusal is also kept as last_error(): a Sender that returns false leaves its reason.
  const auto refuse = [this](SessionError e) {
    counters.last_error = Error::from_session(e);
    return counters.last_error;
  };
  if (stopping) return refuse(SessionError::NotConnected);
  if (version_not_built) return refuse(SessionError::VersionNotBuiltIn);
  const codec::Publish message{topic, payload, qos, retain, false, 0, publish_options.properties};
  auto ticket = session->publish(message, platform::now_ms(), publish_options);
  report_outbox_error();  // the queue file is written inside publish() (a "stored" record)
  if (!ticket) return refuse(ticket.error());
  if (session->connected()) kick(lock);
  return *ticket;
}

Result<Ticket, Error> MQTTSetup::publish(std::string_view topic_suffix, codec::Bytes payload,
                                         QoS qos, bool retain) {
  return publish(topic_suffix, payload, qos, retain, impl_->default_publish);
}

Result<Ticket, Error> MQTTSetup::publish(std::string_view topic_suffix, codec::Bytes payload,
                                         QoS qos, bool retain, const PublishOptions& options) {
  Impl& m = *impl_;
  std::unique_lock lock(m.mutex);
  if (topic_suffix.empty() || topic_suffix.size() > m.topic_buffer.capacity() - m.topic_prefix.size()) {
    m.counters.last_error = Error::from_session(topic_suffix.empty() ? SessionError::InvalidTopic
                                                                     : SessionError::TooLarge);
    return m.counters.last_error;
  }
  // Built in a buffer reserved at construction: a publish allocates nothing.
  m.topic_buffer.assign(m.topic_prefix);
  m.topic_buffer.append(topic_suffix);
  return m.publish_locked(lock, m.topic_buffer, payload, qos, retain, options);
}

Result<Ticket, Error> MQTTSetup::publish_to_topic(std::string_view topic, codec::Bytes payload,
                                                  QoS qos, bool retain) {
  std::unique_lock lock(impl_->mutex);
  return impl_->publish_locked(lock, topic, payload, qos, retain, impl_->default_publish);
}

bool MQTTSetup::flush(std::uint32_t timeout_ms) {
  Impl& m = *impl_;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::unique_lock lock(m.mutex);
  while (m.session->stats().queued > 0 || !m.unsent.empty()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline || m.stopping) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    if (m.driven_elsewhere()) {
      ++m.flush_waiters;
      m.changed.wait_for(lock, std::min(left, std::chrono::milliseconds(100)));
      --m.flush_waiters;
    } else {
      m.run_once(lock, static_cast<std::uint32_t>(left.count()) + 1);
    }
  }
  return true;
}

Result<void, Error> MQTTSetup::reauthenticate() {
  std::unique_lock lock(impl_->mutex);
  if (impl_->stopping) return Error::from_session(SessionError::NotConnected);
  auto started = impl_->session->reauthenticate(platform::now_ms());
  if (!started) {
    Error e = Error::from_session(started.error());
    impl_->counters.last_error = e;
    return e;
  }
  impl_->kick(lock);
  return {};
}

codec::ProtocolVersion MQTTSetup::protocol_version() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->session->version();
}

void MQTTSetup::poll(std::uint32_t max_wait_ms) {
  Impl& m = *impl_;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(max_wait_ms);
  std::unique_lock lock(m.mutex);
  while (!m.stopping) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    if (m.driven_elsewhere() || !m.started) {
      m.changed.wait_for(lock, left);
    } else {
      m.run_once(lock, static_cast<std::uint32_t>(left.count()) + 1);
    }
  }
}

void MQTTSetup::network_changed(bool up) { impl_->set_network(up); }

void MQTTSetup::Impl::set_network(bool up) {
  std::lock_guard lock(mutex);
  driver->network_changed(up, platform::now_ms());
  waker.wake();
  changed.notify_all();
}

void MQTTSetup::Impl::watch_network() {
  std::lock_guard guard(network_mutex);
  {
    std::lock_guard lock(mutex);
    // disconnect() sets it before it takes network_mutex: it stops what is started here.
    if (stopping) return;
  }
  network_events = platform::watch_network(
      [](void* impl, bool up) { static_cast<Impl*>(impl)->set_network(up); }, this);
#if defined(ESP_PLATFORM)
  // Linux has no such events to follow (nothing to say); on ESP32 it is a set-up mistake.
  if (!network_events) {
    std::lock_guard lock(mutex);
    log(LogLevel::Warning,
        "Wi-Fi/IP events not followed: esp_event_loop_create_default() must run before "
        "setup_connection(); reconnects wait out the backoff");
  }
#endif
}

void MQTTSetup::Impl::stop_watching_network() {
  std::lock_guard guard(network_mutex);
  network_events.reset();
}

std::string MQTTSetup::last_error_detail() const {
  std::lock_guard lock(impl_->mutex);
  return std::string(impl_->last_detail, impl_->last_detail_size);
}

ClientStats MQTTSetup::stats() const {
  std::lock_guard lock(impl_->mutex);
  ClientStats s = impl_->counters;
  s.session = impl_->session->stats();
  return s;
}

Error MQTTSetup::last_error() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->counters.last_error;
}

bool Sender::operator()(std::string_view topic_suffix, std::string_view message) const {
  if (owner_ == nullptr) return false;
  const Options& o = owner_->impl_->options;
  auto ticket = owner_->publish(topic_suffix, codec::as_bytes(message), o.qos, o.retain);
  if (ticket.ok() && ticket->accepted == Accepted::Queued) {
    // Queued until the reconnect: false, and last_error() says why we are not connected.
    std::lock_guard lock(owner_->impl_->mutex);
    Error& last = owner_->impl_->counters.last_error;
    if (!last) last = Error::from_session(SessionError::NotConnected);
  }
  return ticket.ok() && ticket->accepted == Accepted::Sending;
}

}  // namespace mqtt_setup
