// Everything about a client that the seed's four constructor arguments do not say.
// Read once by MQTTSetup's constructor; buffers are sized from it up front.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mqtt_setup/backoff.hpp"
#include "mqtt_setup/codec.hpp"
#include "mqtt_setup/kconfig_defaults.hpp"
#include "mqtt_setup/session_types.hpp"
#include "mqtt_setup/storage.hpp"
#include "mqtt_setup/tls_options.hpp"

namespace mqtt_setup {

using codec::QoS;

struct ServerAddress {
  std::string host;
  std::uint16_t port = 0;  // 0: Options::default_port()
};

/// Parses "HOST[:PORT][,HOST[:PORT]...]" ("[::1]:1883" for IPv6 literals; a bare IPv6 address
/// such as "::1" only as the whole list, without a port). Empty on error; then `bad_entry`, when
/// given, holds the first entry that is not HOST, HOST:PORT, [V6] or [V6]:PORT.
std::vector<ServerAddress> parse_server_list(std::string_view list, std::uint16_t default_port,
                                             std::string* bad_entry = nullptr);

struct LastWill {
  std::string topic_suffix = "status/online";  // under devices/{client_id}/
  std::string message = "offline";
  QoS qos = QoS::AtLeastOnce;
  bool retain = true;
  /// 5.0 will delay interval: the broker publishes the will only if the device has not come
  /// back within this many seconds (no "offline" flapping on a short Wi-Fi drop).
  std::uint32_t delay_s = 0;
};

/// Which MQTT the client speaks. Auto tries 5.0 and falls back to 3.1.1 when the broker
/// answers "unacceptable protocol version" (and stays on 3.1.1 afterwards).
enum class Protocol : std::uint8_t { V311, V5, Auto };

enum class LogLevel : std::uint8_t { Error, Warning, Info, Debug };

struct Options {
  /// Extra servers after the constructor's one: a failover list, tried in order, then round again.
  /// Every reconnect after a lost link starts again at the first server (the primary).
  std::vector<ServerAddress> servers;
  /// Connected to a later server this long (ms): leave it with a clean DISCONNECT to try the
  /// primary, and come back at once if the primary is still down. 0: stay until the link ends.
  Millis primary_return_ms = 0;
  std::string client_id;         // empty: platform::default_client_id(client_id_prefix)
  std::string client_id_prefix;  // empty: "esp32" on ESP32, "linux" on Linux
  std::string topic_root = "devices";  // topics are {topic_root}/{client_id}/{suffix}

  // Defaults marked (K) come from kconfig_defaults.hpp: menuconfig on ESP-IDF, the documented
  // values elsewhere.
  Protocol protocol = static_cast<Protocol>(kconfig::kProtocol);  // (K) 3.1.1
  std::uint16_t keep_alive_s = kconfig::kKeepAliveS;  // (K) 60
  /// A message sent and not acknowledged within this long (ms) means the broker lost track of
  /// it while keeping the link alive: reconnect and resend it (with DUP). 0: never.
  std::uint32_t ack_timeout_ms = 30'000;
  bool clean_session = true;
  /// 5.0: how long the broker keeps a persistent session (clean_session = false) after the
  /// connection ends, in seconds; 0xFFFFFFFF: never expires (what 3.1.1 does). A device that
  /// deep-sleeps for 10 minutes wants a little more than 600.
  std::uint32_t session_expiry_s = 0xFFFF'FFFF;
  /// 5.0 Request Problem Information ([MQTT-3.1.2.11.7]): false asks the broker to leave
  /// reason strings and user properties off everything but PUBLISH, CONNACK and DISCONNECT
  /// (and one that sends them anyway ends the connection: a protocol violation). Sent only
  /// when false (true is the spec's default).
  bool request_problem_information = true;
  /// 5.0 Request Response Information ([MQTT-3.1.2.11.6]): ask the broker for a response
  /// information string in CONNACK (a basis for response topics; brokers may ignore it). What
  /// it sends is logged (Info) and kept in stats().response_information. Sent only when true.
  bool request_response_information = false;
  /// 5.0: topic aliases for our own publishes (the broker's maximum caps it; 0: none). Each
  /// costs kAliasSlotSize bytes of queue_bytes.
  std::uint16_t topic_aliases = kconfig::kTopicAliases;  // (K) 8
  /// 5.0: topic aliases the broker may use in messages to us (announced in CONNECT as Topic
  /// Alias Maximum; 0: none). Each costs 64 bytes of memory, allocated once; a topic the table
  /// cannot hold is still delivered (SessionBuffers::incoming_aliases says what happens then).
  std::uint16_t topic_alias_maximum_in = kconfig::kTopicAliasMaximumIn;  // (K) 10; ESP-IDF 4
  QoS qos = QoS::AtLeastOnce;    // what sender(...) uses
  bool retain = false;           // what sender(...) uses
  std::optional<LastWill> will;

  std::uint32_t attempts = 3;    // tries setup_connection() makes before returning
  BackoffPolicy retry{kconfig::kRetryFirstMs, kconfig::kRetryMaxMs};  // (K) 2 s first delay,
                                                                      // doubling, capped at 60 s
  bool reconnect = true;         // keep reconnecting in the background after a loss
  std::uint32_t connect_timeout_ms = kconfig::kConnectTimeoutMs;  // (K) 10 s

  std::uint16_t max_inflight = kconfig::kMaxInflight;      // (K) 20
  std::uint32_t queue_messages = kconfig::kQueueMessages;  // (K) 1000 held while disconnected
                                                           // (in flight included)
  std::size_t queue_bytes = kconfig::kQueueBytes;  // (K) 64 KiB of memory for them, once
  OverflowPolicy overflow = OverflowPolicy::DropOldest;
  /// Default time to live of a message waiting to be sent (0: none). Stale readings that
  /// waited out a long outage are dropped instead of sent.
  Millis message_ttl_ms = 0;
  /// Keep only the newest unsent message per topic (a sensor's old values are worthless).
  bool latest_per_topic = false;
  /// Keep unsent and unacknowledged messages so they survive a crash, reset or brown-out.
  /// Empty: memory only. Linux: a file at this path (OutboxFile). ESP32: NVS, this string
  /// names the queue (its keys are derived from it; docs/durable_outbox.md).
  std::string queue_file;
  /// Linux: fdatasync at most this often. ESP32: a QoS 1/2 message is written to NVS once it
  /// has waited this long unacknowledged (within two intervals); one acknowledged sooner is
  /// never written. 0: every message at once.
  std::uint32_t queue_file_sync_ms = 1000;
  /// ESP32 (NVS): the most messages, and bytes (13 + PUBLISH each), kept in flash. Beyond them
  /// messages still wait in RAM but are not durable until room frees up. Linux: unused (the
  /// file holds the whole store).
  std::uint32_t queue_file_messages = 32;
  std::size_t queue_file_bytes = 4096;
  /// Deep sleep (MQTTSetup::prepare_for_sleep(), needs clean_session = false): where the
  /// session waits for the wake. nullptr: the platform's (platform::default_storage()): NVS on
  /// ESP32; on Linux one file per key in `state_dir`, and none when that is empty. Not owned:
  /// it must outlive the MQTTSetup. With a storage and clean_session = false, a buffer of about
  /// queue_bytes is allocated once for the saved state.
  Storage* storage = nullptr;
  std::string state_dir;  // Linux: directory for the default storage (created if missing)
  std::size_t rx_buffer_size = kconfig::kRxBufferSize;  // (K) 4096: largest packet accepted
  std::size_t tx_buffer_size = kconfig::kTxBufferSize;  // (K) 4096: largest packet sent; also
                                                        // bounds topic + payload

  /// true: a background thread runs the connection. false: call poll() from your own loop.
  bool background = true;

  TlsOptions tls;

  /// 5.0 enhanced authentication ([MQTT-4.12]). Two ways, as HiveMQ's and Paho's users know them:
  /// - auth_method = "SCRAM-SHA-256": the constructor's user name and password go through
  ///   SCRAM (RFC 7677) instead of CONNECT's plain fields (neither is sent in CONNECT); the
  ///   broker must prove it knows the password too, else the connection fails (Error::Kind::
  ///   Refused, `auth` = ServerNotVerified) and is retried only after the longest backoff.
  ///   Needs a build with mbedTLS (Linux: libmbedtls-dev; ESP-IDF: always).
  /// - authenticator: any method of your own (authenticator.hpp), not owned: it must outlive
  ///   the MQTTSetup; its method name goes in CONNECT. Takes precedence over auth_method.
  /// Either needs MQTT 5.0 (protocol V5 or Auto; Auto then never falls back to 3.1.1). Another
  /// auth_method, or one this build lacks: setup_connection() fails with InvalidArgument
  /// (AuthenticationUnavailable). MQTTSetup::reauthenticate() re-authenticates on demand.
  std::string auth_method;
  Authenticator* authenticator = nullptr;

  /// Receives log lines; Debug logs every packet (never a password). Empty: errors to stderr
  /// on Linux, ESP_LOG on ESP32.
  std::function<void(LogLevel, std::string_view)> log;
  LogLevel log_level = static_cast<LogLevel>(kconfig::kLogLevel);  // (K) Warning

  std::uint16_t default_port() const { return tls.enabled ? 8883 : 1883; }
};

}  // namespace mqtt_setup
