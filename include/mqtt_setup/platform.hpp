// What differs per target, injected into the layers that need it: clock, randomness, identity,
// storage, the connection's thread, network events. The session sees none of these; the facade
// receives them from the platform port.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "mqtt_setup/session_types.hpp"
#include "mqtt_setup/store_journal.hpp"
#include "mqtt_setup/storage.hpp"

namespace mqtt_setup {
class Session;  // only passed by reference here; session.hpp for the class itself
}  // namespace mqtt_setup

namespace mqtt_setup::platform {

/// Monotonic milliseconds since an arbitrary start.
Millis now_ms();

/// A random 32-bit number for backoff jitter (not for cryptography).
std::uint32_t random_u32();

/// Bytes that identify this device: the factory MAC on ESP32; on Linux the MAC of the first
/// non-loopback interface, else a hash of /etc/machine-id. Returns the count written (<= out).
std::size_t unique_id(std::span<std::uint8_t> out);

/// The prefix of client ids: "esp32" on ESP32, "linux" on Linux.
std::string_view client_id_prefix();

/// `{prefix}_{lower-case hex of unique_id()}`, e.g. "esp32_a1b2c3d4e5f6"; stable across runs.
std::string default_client_id(std::string_view prefix = client_id_prefix());

/// Sleeps the calling thread.
void sleep_ms(std::uint32_t ms);

/// Starts `run(context)` on the connection's own thread. On ESP32 that is a FreeRTOS task named
/// "mqtt_setup" with CONFIG_MQTT_SETUP_TASK_{STACK_SIZE,PRIORITY,CORE} (when ESP-IDF refuses
/// them, its CONFIG_PTHREAD_TASK_* defaults); threads the caller starts later get the caller's own
/// settings again. Elsewhere a plain std::thread.
std::thread start_background_thread(void (*run)(void* context), void* context);

/// While it lives, the platform reports the network going up or down (see watch_network()).
/// Destroying it unsubscribes and waits for a callback that is running, so it must not be
/// destroyed by a thread that holds a lock the callback takes.
class NetworkEvents {
 public:
  virtual ~NetworkEvents() = default;
};

/// Calls `on_change(context, up)` when the network goes up or down. On ESP32: from the default
/// event loop's task, up on IP_EVENT_STA_GOT_IP, down on WIFI_EVENT_STA_DISCONNECTED and
/// IP_EVENT_STA_LOST_IP; the callback must return quickly. nullptr when there is nothing to
/// watch: on Linux (no such events yet), and on ESP32 when esp_event_loop_create_default() has
/// not run or registering fails.
std::unique_ptr<NetworkEvents> watch_network(void (*on_change)(void* context, bool up),
                                             void* context);

/// A store journal that keeps undelivered messages across restarts (Options::queue_file).
class DurableQueue : public StoreJournal {
 public:
  virtual ~DurableQueue() = default;
  /// Encoded PUBLISH packets a previous run left undelivered, oldest first.
  virtual const std::vector<std::vector<std::uint8_t>>& recovered() const = 0;
  /// Starts afresh with what the session holds now. false when something could not be written
  /// (write_error() says why); the queue keeps working, but not all of it is durable then.
  virtual bool rewrite(const Session& session) = 0;
  /// Periodic upkeep: compaction past `threshold` bytes, syncing, deferred writes.
  virtual void maintain(const Session& session, Millis now, std::uint64_t threshold) = 0;
  /// The part of maintain()'s work that waits on the disk (Linux: fdatasync), left for the
  /// owner to run without its lock, so that a slow disk holds up no other caller. true: one is
  /// due; run_sync() does it. Called by the thread that calls maintain(); stored() and
  /// removed() may run on other threads meanwhile (under the owner's lock).
  virtual bool sync_due() const { return false; }
  virtual void run_sync() {}
  /// The last write error (errno), 0 if none.
  virtual int write_error() const = 0;
  /// When maintain() next has work to do (a deferred write or sync, a retry); 0: at once;
  /// kNever: nothing waits. A driver that sleeps until its next deadline wakes for this too.
  virtual Millis next_maintenance() const = 0;
};

/// What Options says about the durable queue (Options::queue_file_*).
struct DurableQueueSettings {
  /// Linux: fdatasync at most this often. Storage queue (ESP32): a message is written once it
  /// has waited this long unacknowledged (0: at once, inside publish()).
  std::uint32_t sync_interval_ms = 1000;
  /// Storage queue (ESP32) only: the most messages, and bytes of records, kept in the storage.
  std::uint32_t max_messages = 32;
  std::size_t max_bytes = 4096;
};

/// open_durable_queue()'s error_number for an existing file that is not one of our queue files
/// (no magic and version): it is refused, never overwritten.
inline constexpr int kForeignQueueFile = -1;

/// Opens the platform's durable queue named `path`: on Linux an OutboxFile at that path; on
/// ESP32 a StorageQueue in NVS (src/platform/storage_queue.hpp, keys derived from `path`).
/// nullptr with `error_number` (errno, or kForeignQueueFile) set when it cannot.
std::unique_ptr<DurableQueue> open_durable_queue(const std::string& path,
                                                 const DurableQueueSettings& settings,
                                                 int& error_number);

/// What Options::storage = nullptr stands for: NVS (namespace "mqtt_setup", default partition;
/// nvs_flash_init() must have run) on ESP32; on Linux one file per key in `state_dir`, written
/// to a temporary file, synced and renamed over the old one; nullptr when `state_dir` is empty
/// or cannot be created (then `error_number` is set).
std::unique_ptr<Storage> default_storage(const std::string& state_dir, int& error_number);

}  // namespace mqtt_setup::platform
