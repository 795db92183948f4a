// How the connection options become MQTTSetup's constructor arguments. Where a value comes
// from, strongest first: the command line, --config, the environment (MQTT_SETUP_*), the
// documented default.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "connection_options.hpp"
#include "mqtt_setup/options.hpp"

namespace mqtt_setup::cli {

/// Everything a command needs to build its MQTTSetup.
struct ClientSetup {
  std::string servers;  // "host:port,host:port": every port explicit
  std::uint16_t default_port = 1883;
  std::optional<std::string> username;
  std::optional<std::string> password;
  Options options;  // the commands adjust attempts, queue and buffers
  QoS qos = QoS::AtLeastOnce;
  bool retain = false;
  std::chrono::milliseconds timeout{30'000};
  bool json = false;
  std::string queue_file;  // --queue-file: only the commands with a queue use it
  /// What each message sent carries: --expiry, --property (views into property_bytes).
  PublishOptions publish;
  std::vector<std::uint8_t> property_bytes;
  /// The reason code of the DISCONNECT the command ends with: 0x00, or 0x04 (--will-on-exit).
  std::uint8_t exit_reason = codec::reason::kSuccess;
};

/// Applies --config, the environment and the defaults, checks what can be checked before
/// connecting (files readable, TLS options consistent, server list valid), and prints the
/// warnings the spec asks for (--insecure, port 8883 without --tls). Throws UsageError.
ClientSetup resolve_client_setup(CLI::App& command, ConnectionSettings& settings, QoS default_qos);

/// Bytes of "devices/{client_id}/" (the platform id when no -i was given): what a SUFFIX's
/// length adds to, up to MQTT's 65,535 bytes per topic.
std::size_t topic_prefix_bytes(const Options& options);

/// Bytes one PUBLISH to devices/{client_id}/{suffix} takes at most: what the transmit buffer
/// must hold for it.
std::size_t publish_packet_bytes(const ClientSetup& setup, std::size_t suffix_bytes,
                                 std::size_t payload_bytes);

/// Seconds from the command line, as the library's milliseconds.
std::uint32_t to_milliseconds(double seconds);

/// A duration for messages, the way it was given: "30 s", "0.5 s".
std::string seconds_text(std::chrono::milliseconds duration);

}  // namespace mqtt_setup::cli
