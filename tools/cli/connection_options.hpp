// The options every connecting command shares (spec/cli.md, "Connection options"): their names,
// help texts and checks. client_setup.hpp turns the parsed values into MQTTSetup's arguments.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace mqtt_setup::cli {

/// The longest time any option accepts: what the library's 32-bit milliseconds can hold
/// (2^32 ms is 49 days).
inline constexpr double kMaxSeconds = 4'000'000;

/// What the flags hold after parsing; add_connection_options() binds them.
struct ConnectionSettings {
  std::string server;
  int port = 0;  // 0: 1883, or 8883 with --tls
  std::string username;
  std::string password_file;
  std::string client_id;
  int keepalive_s = 60;
  int qos = -1;  // -1: the command's default
  bool retain = false;
  bool no_clean = false;
  int attempts = 3;
  double retry_delay_s = 2;
  double retry_max_s = 60;
  bool tls = false;
  std::string cafile, capath, cert, key, tls_server_name;
  bool insecure = false;
  std::string will_topic, will_message;
  int queue = 1000;
  std::string queue_file;
  double timeout_s = 30;
  bool json = false;
  bool verbose = false;
  std::string config_file;
  // MQTT 5
  std::string protocol = "311";                 // -V 311|5|auto
  std::vector<std::string> user_properties;     // --property KEY=VALUE (repeatable)
  double expiry_s = 0;                          // --expiry: message expiry / time to live
  double session_expiry_s = -1;                 // --session-expiry; -1: never (with --no-clean)
  double will_delay_s = 0;                      // --will-delay
  std::string share;                            // listen --share GROUP
};

void add_connection_options(CLI::App& command, ConnectionSettings& settings);

}  // namespace mqtt_setup::cli
