// Deep sleep: the session saved through a Storage before the device powers down, and loaded by
// the next MQTTSetup after the wake (MQTTSetup::prepare_for_sleep(), docs/deep_sleep.md).
//
// Flash wear shapes the rules: nothing is written when nothing is pending; the same bytes are
// never written twice; the saved copy is erased only once a CONNECT is about to build on it, so
// a wake that finds the broker unreachable leaves it in place and usually writes nothing.
// No allocation after construction: the state buffer is sized there (Session::max_state_size()).
#include <cerrno>
#include <cstring>

#include "mqtt_setup/platform.hpp"
#include "util/crc32.hpp"
#include "setup/client.hpp"
#include "setup/text_buffer.hpp"

namespace mqtt_setup {

namespace {

// A Storage that failed without saying why still gets a reason in the message.
int failure_reason(const Storage& storage) {
  const int error = storage.system_error();
  return error != 0 ? error : EIO;
}

}  // namespace

Error MQTTSetup::Impl::sleep_storage_error(Error::StorageFailure failure, int system_error,
                                           SessionError session_error) {
  Error error;
  error.kind = Error::Kind::Storage;
  error.storage = failure;
  error.system_error = system_error;
  error.session = session_error;
  counters.last_error = error;
  char line[512];
  log(LogLevel::Error, error.write(line));
  return error;
}

void MQTTSetup::Impl::open_sleep_storage() {
  // With a clean session the broker drops the session at the next CONNECT: there is nothing to
  // resume, and prepare_for_sleep() refuses.
  if (options.clean_session) return;
  storage = options.storage;
  if (storage == nullptr) {
    own_storage = platform::default_storage(options.state_dir, storage_error_number);
    storage = own_storage.get();
  }
  if (storage == nullptr) {
    if (storage_error_number != 0) {
      (void)sleep_storage_error(Error::StorageFailure::Load, storage_error_number);
    }
    return;
  }
  // NVS keys hold 15 characters and client ids are longer: a hash names the blob, and the client
  // id saved inside it tells a collision apart (load_state() answers StateForeign).
  const std::uint32_t id_crc =
      crc32(0, reinterpret_cast<const std::uint8_t*>(client_id.data()), client_id.size());
  std::memcpy(sleep_key, "session", 7);
  for (int i = 0; i < 8; ++i) sleep_key[7 + i] = "0123456789abcdef"[(id_crc >> (28 - 4 * i)) & 0xF];
  sleep_key[15] = '\0';

  const std::size_t capacity = session->max_state_size();
  sleep_memory = std::make_unique_for_overwrite<std::uint8_t[]>(capacity);
  sleep_buffer = {sleep_memory.get(), capacity};

  auto read = storage->read(sleep_key, sleep_buffer);
  if (!read) {
    if (read.error() == StorageError::NotFound) return;
    sleep_state_stored = true;  // something is there: prepare_for_sleep() replaces it
    if (read.error() == StorageError::TooSmall) {  // saved with a larger queue_bytes
      (void)sleep_storage_error(Error::StorageFailure::Load, 0, SessionError::TooLarge);
    } else {
      (void)sleep_storage_error(Error::StorageFailure::Load, failure_reason(*storage));
    }
    return;
  }
  sleep_state_stored = true;
  sleep_state_size = *read;
  auto loaded = session->load_state(sleep_buffer.first(*read), platform::now_ms());
  if (!loaded) {
    (void)sleep_storage_error(Error::StorageFailure::Load, 0, loaded.error());
    return;
  }
  sleep_state_loaded = true;
  if (logs(LogLevel::Info)) {
    log(LogLevel::Info, "session restored from before sleep: " +
                            std::to_string(session->stats().queued) + " message(s) pending");
  }
}

void MQTTSetup::Impl::forget_loaded_sleep_state() {
  if (!sleep_state_loaded) return;
  sleep_state_loaded = false;
  // From this CONNECT on the broker and the session move past the saved state: loaded again
  // after a crash, it would resend what the broker has completed (a QoS 2 message twice).
  if (auto erased = storage->erase(sleep_key); !erased) {
    char line[256];
    log(LogLevel::Warning,
        (TextBuffer(line) << "cannot erase the session saved before sleep ("
                          << std::strerror(failure_reason(*storage))
                          << "): a crash before the next prepare_for_sleep() would resend it")
            .view());
    return;
  }
  sleep_state_stored = false;
  sleep_state_size = 0;
}

Result<SleepReport, Error> MQTTSetup::Impl::save_sleep_state() {
  SleepReport report;
  if (session->state_is_empty()) {
    if (sleep_state_stored) {
      if (auto erased = storage->erase(sleep_key); !erased) {
        return sleep_storage_error(Error::StorageFailure::Save, failure_reason(*storage));
      }
      sleep_state_stored = false;
      sleep_state_size = 0;
    }
    return report;
  }
  report.messages = session->stats().queued;
  auto saved = session->save_state(sleep_buffer, platform::now_ms());
  if (!saved) return sleep_storage_error(Error::StorageFailure::Save, 0, saved.error());
  const std::size_t size = *saved;
  // Unchanged since the wake (the broker was unreachable, nothing new published): read the
  // stored copy into the free part of the buffer and compare, rather than wear the flash.
  if (sleep_state_stored && sleep_state_size == size && sleep_buffer.size() - size >= size) {
    auto stored = storage->read(sleep_key, sleep_buffer.subspan(size));
    if (stored && *stored == size &&
        std::memcmp(sleep_buffer.data(), sleep_buffer.data() + size, size) == 0) {
      return report;
    }
  }
  if (auto written = storage->write(sleep_key, sleep_buffer.first(size)); !written) {
    return sleep_storage_error(Error::StorageFailure::Save, failure_reason(*storage));
  }
  sleep_state_stored = true;
  sleep_state_size = size;
  report.bytes_written = size;
  return report;
}

Result<SleepReport, Error> MQTTSetup::prepare_for_sleep(std::uint32_t timeout_ms) {
  Impl& m = *impl_;
  {
    std::lock_guard lock(m.mutex);
    if (m.options.clean_session) {
      return m.sleep_storage_error(Error::StorageFailure::CleanSession, 0);
    }
    if (m.storage == nullptr) {
      return m.storage_error_number != 0
                 ? m.sleep_storage_error(Error::StorageFailure::Save, m.storage_error_number)
                 : m.sleep_storage_error(Error::StorageFailure::NoStorage, 0);
    }
  }
  (void)flush(timeout_ms);  // whatever is not acknowledged by then is saved
  disconnect();             // DISCONNECT after it, thread stopped: the session holds still
  std::lock_guard lock(m.mutex);
  auto report = m.save_sleep_state();
  if (report && m.logs(LogLevel::Info)) {
    char line[128];
    char messages[32];
    char bytes[32];
    m.log(LogLevel::Info,
          (TextBuffer(line) << "session saved for sleep: "
                            << Sender::format_value(
                                   static_cast<unsigned long long>(report->messages), messages)
                            << " message(s) pending, "
                            << Sender::format_value(
                                   static_cast<unsigned long long>(report->bytes_written), bytes)
                            << " bytes written")
              .view());
  }
  return report;
}

}  // namespace mqtt_setup
