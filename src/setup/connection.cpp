// The driver: the session around a real transport. Connect attempts over the server list with
// backoff, then wait for bytes or the session's next deadline, feed, act, transmit.
// Runs on one thread at a time (the background thread or the caller of poll()), with
// `mutex` held except while blocked in connect() or poll().
#if defined(ESP_PLATFORM)
#include <sys/poll.h>  // lwIP's poll(); ESP-IDF has no <poll.h>
#else
#include <poll.h>
#endif

#include <algorithm>

#include "mqtt_setup/platform.hpp"
#include "setup/client.hpp"
#include "setup/text_buffer.hpp"

namespace mqtt_setup {

namespace {

// A connection that stayed up this long resets the backoff: the next loss retries at once.
constexpr Millis kStableConnectionMs = 10'000;
// Upper bound on one wait, so a platform without a Waker still notices disconnect().
#if defined(ESP_PLATFORM)
constexpr std::uint32_t kMaxPollMs = 100;
#else
constexpr std::uint32_t kMaxPollMs = 60'000;
#endif

bool is_fatal_refusal(codec::ConnectReturnCode code) {
  namespace reason = codec::reason;
  switch (static_cast<std::uint8_t>(code)) {  // 5.0: retrying cannot change these answers
    case reason::kBadUserNameOrPassword:
    case reason::kNotAuthorized:
    case reason::kClientIdentifierNotValid:
    case reason::kUnsupportedProtocolVersion:
    case reason::kBanned:
    case reason::kBadAuthenticationMethod:
      return true;
    default: break;
  }
  return code == codec::ConnectReturnCode::BadUsernameOrPassword ||
         code == codec::ConnectReturnCode::NotAuthorized ||
         code == codec::ConnectReturnCode::IdentifierRejected ||
         code == codec::ConnectReturnCode::UnacceptableProtocolVersion;
}

}  // namespace

void MQTTSetup::Impl::run_once(std::unique_lock<std::mutex>& lock, std::uint32_t max_wait_ms) {
  Millis now = platform::now_ms();
  if (stopping) return;
  if (session->state() == SessionState::Disconnected) {
    if (transport_open) close_transport();
    drain_events(lock);
    maintain_outbox_file(now);
    if (stopping) return;
    if (now >= next_attempt_at && !network_down) {
      attempt_connect(lock);
      return;
    }
    const Millis wait = network_down || next_attempt_at <= now
                            ? max_wait_ms
                            : std::min<Millis>(next_attempt_at - now, max_wait_ms);
    changed.wait_for(lock, std::chrono::milliseconds(wait));
    return;
  }

  const Millis deadline = session->next_deadline(now);
  const Millis wait =
      deadline <= now ? 0 : std::min<Millis>({deadline - now, max_wait_ms, kMaxPollMs});
  // Bytes the transport already holds (TLS: decrypted, inside mbedTLS) do not make the socket
  // readable; sleeping on it then would leave them unread until the next deadline.
  if (wait > 0 && transport->pending() == 0) {
    pollfd fds[2] = {{transport->native_handle(), POLLIN, 0}, {waker.fd(), POLLIN, 0}};
    const nfds_t count = waker.fd() >= 0 ? 2 : 1;
    lock.unlock();
    (void)::poll(fds, count, static_cast<int>(wait));
    lock.lock();
    if (count == 2 && (fds[1].revents & POLLIN) != 0) waker.drain();
    if (stopping) return;
    now = platform::now_ms();
  }
  // Read what is there (bounded, so a flood cannot starve timers and transmission).
  for (int reads = 0; reads < 16 && transport_open && session->state() != SessionState::Disconnected;
       ++reads) {
    auto space = session->rx_space();
    if (space.empty()) break;
    auto got = transport->receive(space, 0);
    if (!got) {
      last_transport_error = got.error();
      session->connection_lost(now);
      break;
    }
    if (*got == 0) break;
    const bool filled = *got == space.size();
    session->rx_commit(*got, now);
    drain_events(lock);
    transmit(lock);
    // A short read emptied the socket: another recv() would only say EAGAIN. (A TLS transport
    // that still holds decrypted bytes says so through pending().)
    if (!filled && transport->pending() == 0) break;
  }
  session->handle_timeout(now);
  drain_events(lock);
  transmit(lock);
  drain_events(lock);
  maintain_outbox_file(now);
}

void MQTTSetup::Impl::maintain_outbox_file(Millis now) {
  if (outbox_file) {
    outbox_file->maintain(*session, now, std::max<std::uint64_t>(1 << 20, 4 * store.size()));
  }
}

void MQTTSetup::Impl::attempt_connect(std::unique_lock<std::mutex>& lock) {
  if (servers.empty()) return;
  const ServerAddress server = servers[server_index % servers.size()];
  current_server = server_labels[server_index % servers.size()];
  ++counters.connect_attempts;
  if (!started_background) ++setup_attempts;
  ClientEvent ev;
  ev.kind = ClientEvent::Kind::Connecting;
  ev.server = current_server;
  emit(lock, ev);
  if (logs(LogLevel::Debug)) log(LogLevel::Debug, "connecting to " + std::string(current_server));
  if (options.tls.enabled && options.tls.insecure) {
    log(LogLevel::Warning,
        "TLS certificate verification is OFF (insecure): anyone on the path can impersonate "
        "the broker");
  }
  if (!options.tls.enabled && server.port == 8883) {
    log(LogLevel::Warning,
        "connecting to port 8883 without TLS, but 8883 is the port for MQTT over TLS: enable "
        "Options::tls (--tls)?");
  }

  Transport* t = transport.get();
  lock.unlock();
  auto connected = t->connect(server.host, server.port, options.connect_timeout_ms);
  lock.lock();
  if (stopping) {
    t->close();
    return;
  }
  if (!connected) {
    connection_failed(lock, Error::from_transport(connected.error()));
    return;
  }
  transport_open = true;
  last_transport_error.reset();
  forget_loaded_sleep_state();  // this CONNECT resumes it: a crash must not replay it
  (void)session->start_connect(platform::now_ms());
  transmit(lock);
}

void MQTTSetup::Impl::connection_failed(std::unique_lock<std::mutex>& lock, const Error& error) {
  close_transport();
  counters.last_error = error;
  const std::string_view failure_detail = transport->last_error_detail();
  last_detail_size = std::min(failure_detail.size(), sizeof last_detail);
  std::copy_n(failure_detail.data(), last_detail_size, last_detail);
  const Millis now = platform::now_ms();
  std::uint32_t delay = 0;
  fatal = (error.kind == Error::Kind::Refused && is_fatal_refusal(error.refused)) ||
          (error.kind == Error::Kind::Tls && !is_transient(error.transport));
  if (fatal) {
    // Retrying wrong credentials or an untrusted certificate quickly only hammers the broker.
    delay = options.retry.max_ms;
  } else {
    server_index = (server_index + 1) % std::max<std::size_t>(servers.size(), 1);
    if (server_index == 0) {  // a whole round of the server list failed: back off
      delay = backoff_delay_ms(options.retry, failed_rounds, platform::random_u32());
      ++failed_rounds;
    }
  }
  next_attempt_at = now + delay;
  ClientEvent ev;
  ev.kind = ClientEvent::Kind::ConnectFailed;
  ev.server = current_server;
  ev.error = error;
  ev.retry_in_ms = delay;
  emit(lock, ev);
  if (logs(LogLevel::Warning)) {
    char line[640];
    char reason[512];
    TextBuffer text(line);
    text << "connect to " << current_server << " failed: " << error.write(reason);
    // Which certificate, file or alert (TLS); "" for plain TCP.
    if (const std::string_view detail = transport->last_error_detail(); !detail.empty()) {
      text << " (" << detail << ")";
    }
    log(LogLevel::Warning, text.view());
  }
  changed.notify_all();
}

void MQTTSetup::Impl::connection_lost(std::unique_lock<std::mutex>& lock, const Error& error) {
  close_transport();
  counters.last_error = error;
  ++counters.disconnects;
  const Millis now = platform::now_ms();
  ClientEvent ev;
  ev.kind = ClientEvent::Kind::Disconnected;
  ev.server = current_server;
  ev.error = error;
  if (now - connected_at >= kStableConnectionMs) {
    failed_rounds = 0;
    next_attempt_at = now;  // a long-lived link broke: try again at once
  } else {
    next_attempt_at = now + backoff_delay_ms(options.retry, failed_rounds, platform::random_u32());
    ++failed_rounds;
  }
  ev.retry_in_ms = static_cast<std::uint32_t>(next_attempt_at - now);
  emit(lock, ev);
  if (logs(LogLevel::Warning)) {
    char line[640];
    char reason[512];
    log(LogLevel::Warning, (TextBuffer(line) << "connection to " << current_server << " lost: "
                                             << error.write(reason)).view());
  }
  changed.notify_all();
}

void MQTTSetup::Impl::transmit(std::unique_lock<std::mutex>& /*lock*/) {
  if (!transport_open) return;
  const Millis now = platform::now_ms();
  while (auto out = session->poll_transmit(tx, now)) {
    auto sent = transport->send(*out);
    if (!sent) {
      last_transport_error = sent.error();
      session->connection_lost(now);
      waker.wake();
      return;
    }
  }
}

void MQTTSetup::Impl::close_transport() {
  if (transport_open) transport->close();
  transport_open = false;
}

void MQTTSetup::Impl::background_loop() {
  std::unique_lock lock(mutex);
  while (!stopping) run_once(lock, kMaxPollMs);
}

}  // namespace mqtt_setup
