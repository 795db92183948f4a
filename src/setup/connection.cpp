// The session and its Driver around a real transport: open the transport the driver names, then
// wait for bytes or the driver's next deadline, feed, act, transmit. Which server, when, and what
// a failure means are the driver's decisions (src/driver/); this file does the I/O.
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

// Upper bound on one wait in the background thread: the Waker interrupts it (disconnect(), a
// network event), and the driver's deadline (keep-alive, retry, TTL) ends it sooner.
constexpr std::uint32_t kMaxPollMs = 60'000;
// Without a Waker (its eventfd could not be made), disconnect() is noticed this often instead.
constexpr std::uint32_t kMaxPollWithoutWakerMs = 100;
// A socket that takes no byte of a pending write for this long is a dead link (the transports'
// own send timeout, TcpTransport::kDefaultSendTimeoutMs, for the same reason).
constexpr Millis kWriteStallTimeoutMs = 10'000;

// Marks the thread inside run_once(), so that poll() or flush() on another thread waits
// instead of reading the same socket.
class RunOnceScope {
 public:
  explicit RunOnceScope(bool& flag) : flag_(flag) { flag_ = true; }
  ~RunOnceScope() { flag_ = false; }
  RunOnceScope(const RunOnceScope&) = delete;
  RunOnceScope& operator=(const RunOnceScope&) = delete;

 private:
  bool& flag_;
};

}  // namespace

void MQTTSetup::Impl::run_once(std::unique_lock<std::mutex>& lock, std::uint32_t max_wait_ms) {
  Millis now = platform::now_ms();
  if (stopping) return;
  const RunOnceScope scope(in_run_once);
  if (driver->poll_rejoin_primary(now)) {  // stayed on a secondary long enough: leave it
    session->disconnect(now);
    transmit(lock);
  }
  if (session->state() == SessionState::Disconnected) {
    if (transport_open) close_transport();
    drain_events(lock);
    maintain_outbox_file(lock, now);
    if (stopping) return;
    if (const auto server = driver->poll_connect(now)) {
      attempt_connect(lock, *server);
      return;
    }
    const Millis deadline = next_wake(now);
    const Millis wait = deadline == kNever || deadline <= now
                            ? max_wait_ms
                            : std::min<Millis>(deadline - now, max_wait_ms);
    loop_waiting = true;
    changed.wait_for(lock, std::chrono::milliseconds(wait));
    loop_waiting = false;
    return;
  }

  // A write the socket did not take for too long: the link is dead.
  if (!unsent.empty() && now >= write_deadline()) {
    last_transport_error = TransportError::Timeout;
    driver->handle_connection_lost(now);
    drain_events(lock);
    return;
  }
  Millis deadline = next_wake(now);
  // Due now while the socket holds back a write: the session wants to send (what its timers
  // wanted done was done by the last pass's handle_timeout()). Only the socket can move it.
  if (!unsent.empty() && deadline <= now) deadline = write_deadline();
  const Millis most = waker.fd() >= 0 ? max_wait_ms : std::min(max_wait_ms, kMaxPollWithoutWakerMs);
  const Millis wait = deadline <= now ? 0 : std::min<Millis>(deadline - now, most);
  // Bytes the transport already holds (TLS: decrypted, inside mbedTLS) do not make the socket
  // readable; sleeping on it then would leave them unread until the next deadline.
  if (wait > 0 && transport->pending() == 0) {
    const short events = unsent.empty() ? POLLIN : POLLIN | POLLOUT;
    pollfd fds[2] = {{transport->native_handle(), events, 0}, {waker.fd(), POLLIN, 0}};
    const nfds_t count = waker.fd() >= 0 ? 2 : 1;
    loop_waiting = true;
    lock.unlock();
    (void)::poll(fds, count, static_cast<int>(wait));
    lock.lock();
    loop_waiting = false;
    if (count == 2 && (fds[1].revents & POLLIN) != 0) waker.drain();
    if (stopping) return;
    now = platform::now_ms();
  }
  transmit(lock);  // the socket may take the rest of a write now
  // Read what is there (bounded, so a flood cannot starve timers and transmission).
  for (int reads = 0; reads < 16 && transport_open && session->state() != SessionState::Disconnected;
       ++reads) {
    auto space = session->rx_space();
    if (space.empty()) break;
    auto got = transport->receive(space, 0);
    if (!got) {
      last_transport_error = got.error();
      driver->handle_connection_lost(now);
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
  driver->handle_timeout(now);
  drain_events(lock);
  transmit(lock);
  drain_events(lock);
  report_written(lock);
  maintain_outbox_file(lock, now);
}

void MQTTSetup::Impl::report_written(std::unique_lock<std::mutex>& lock) {
  // QoS 0 messages written count as delivered, with no event from the session: one event
  // says so for all of them (a program waiting for its QoS 0 message to go out wakes on it).
  const std::uint64_t delivered = session->stats().delivered;
  if (delivered <= delivered_accounted || stopping) return;
  delivered_accounted = delivered;
  ClientEvent ev;
  ev.kind = ClientEvent::Kind::Written;
  ev.server = current_server;
  emit(lock, ev);
}

void MQTTSetup::Impl::maintain_outbox_file(std::unique_lock<std::mutex>& lock, Millis now) {
  if (!outbox_file) return;
  outbox_file->maintain(*session, now, std::max<std::uint64_t>(1 << 20, 4 * store.size()));
  report_outbox_error();
  if (outbox_file->sync_due()) {
    // A slow disk must not hold up publish() or stats() on other threads.
    platform::DurableQueue* file = outbox_file.get();
    lock.unlock();
    file->run_sync();
    lock.lock();
  }
}

void MQTTSetup::Impl::report_outbox_error() {
  if (!outbox_file) return;
  // A write that failed (disk full, NVS full) is not silent: last_error() and the log say so,
  // once per new errno; the queue keeps working, only less of it is durable.
  const int error = outbox_file->write_error();
  if (error != 0 && error != reported_outbox_error) {
    Error e;
    e.kind = Error::Kind::Storage;
    e.storage = Error::StorageFailure::QueueFile;
    e.system_error = error;
    counters.last_error = e;
    log(LogLevel::Error, e.message());
  }
  reported_outbox_error = error;
}

Millis MQTTSetup::Impl::next_wake(Millis now) const {
  const Millis driver_deadline = driver->next_deadline(now);
  if (!outbox_file) return driver_deadline;
  return std::min(driver_deadline, outbox_file->next_maintenance());
}

void MQTTSetup::Impl::attempt_connect(std::unique_lock<std::mutex>& lock, std::size_t index) {
  if (index >= servers.size()) {  // no valid server: nothing to try, ever
    driver->stop();
    return;
  }
  const ServerAddress server = servers[index];
  current_server = server_labels[index];
  ++counters.connect_attempts;
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
    const Error error = Error::from_transport(connected.error());
    // An untrusted certificate stays untrusted: retrying quickly cannot help.
    const bool permanent = error.kind == Error::Kind::Tls && !is_transient(error.transport);
    connection_failed(lock, error, driver->handle_transport_failed(permanent, platform::now_ms()));
    return;
  }
  transport_open = true;
  last_transport_error.reset();
  forget_loaded_sleep_state();  // this CONNECT resumes it: a crash must not replay it
  driver->handle_transport_connected(platform::now_ms());  // queues CONNECT
  transmit(lock);
}

void MQTTSetup::Impl::connection_failed(std::unique_lock<std::mutex>& lock, const Error& error,
                                        const DriverOutcome& outcome) {
  close_transport();
  counters.last_error = error;
  const std::string_view failure_detail = transport->last_error_detail();
  last_detail_size = std::min(failure_detail.size(), sizeof last_detail);
  std::copy_n(failure_detail.data(), last_detail_size, last_detail);
  const auto delay = static_cast<std::uint32_t>(outcome.retry_in_ms);
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

void MQTTSetup::Impl::connection_lost(std::unique_lock<std::mutex>& lock, const Error& error,
                                      const DriverOutcome& outcome) {
  close_transport();
  counters.last_error = error;
  ++counters.disconnects;
  ClientEvent ev;
  ev.kind = ClientEvent::Kind::Disconnected;
  ev.server = current_server;
  ev.error = error;
  ev.retry_in_ms = static_cast<std::uint32_t>(outcome.retry_in_ms);
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
  if (!transport_open || writing) return;
  const Millis now = platform::now_ms();
  // Each pass takes what the session has queued (as many packets as fit in tx: publishes that
  // came in while the socket was busy leave together, in one send) or ends. Bounded, so that a
  // producer on another thread cannot keep this thread writing forever.
  for (int passes = 0; passes < 64; ++passes) {
    if (unsent.empty()) {
      const auto out = session->poll_transmit(tx, now);
      if (!out) return;
      unsent = *out;
      write_stalled_at = now;
    }
    const auto took = transport->send_some(unsent);
    if (!took) {
      last_transport_error = took.error();
      unsent = {};
      driver->handle_connection_lost(now);
      waker.wake();
      return;
    }
    if (*took > 0) {
      write_stalled_at = now;
      if (flush_waiters > 0) changed.notify_all();  // flush() waits for QoS 0 to be written
    }
    unsent = unsent.subspan(*took);
    if (!unsent.empty()) return;  // the socket is full: the loop polls for it to drain
  }
  waker.wake();  // more may be queued: the loop comes back at once
}

void MQTTSetup::Impl::kick(std::unique_lock<std::mutex>& lock) {
  if (driven_elsewhere()) {
    // The connection thread writes. Awake, it transmits before it sleeps again; waiting for a
    // full socket to drain, it writes this too when it can.
    if (loop_waiting && unsent.empty()) {
      loop_waiting = false;
      waker.wake();
      changed.notify_all();
    }
    return;
  }
  transmit(lock);  // poll mode: what the socket takes now; the next poll() writes the rest
}

Millis MQTTSetup::Impl::write_deadline() const {
  return unsent.empty() ? kNever : write_stalled_at + kWriteStallTimeoutMs;
}

void MQTTSetup::Impl::write_last_words(std::unique_lock<std::mutex>& lock, Millis deadline) {
  writing = false;
  // Bounded by the deadline; the count guards against a clock that stopped.
  for (int rounds = 0; rounds < 10'000 && transport_open; ++rounds) {
    transmit(lock);
    if (unsent.empty() || !transport_open) return;  // all written, or the link broke
    const Millis now = platform::now_ms();
    if (now >= deadline) return;
    pollfd fd{transport->native_handle(), POLLOUT, 0};
    writing = true;  // the loop and other callers keep off the socket meanwhile
    lock.unlock();
    (void)::poll(&fd, 1, static_cast<int>(std::min<Millis>(deadline - now, kMaxPollMs)));
    lock.lock();
    writing = false;
  }
}

void MQTTSetup::Impl::write_farewell() {
  if (writing || session->state() != SessionState::Disconnected) return;
  // A packet half written goes first, or the DISCONNECT would land inside it.
  if (!unsent.empty()) {
    auto took = transport->send_some(unsent);
    if (!took || *took != unsent.size()) return;
    unsent = {};
  }
  const auto out = session->poll_transmit(tx, platform::now_ms());
  if (out) (void)transport->send_some(*out);  // the link may be dead or full: said or not, we close
}

void MQTTSetup::Impl::close_transport() {
  if (transport_open) {
    write_farewell();
    transport->close();
  }
  transport_open = false;
  unsent = {};
}

void MQTTSetup::Impl::background_loop() {
  std::unique_lock lock(mutex);
  while (!stopping) run_once(lock, kMaxPollMs);
}

}  // namespace mqtt_setup
