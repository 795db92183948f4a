// The options every connecting command shares (docs/cli.md, "Connection options"): their names,
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
  double ack_timeout_s = 30;
  int qos = -1;  // -1: the command's default
  bool retain = false;
  bool no_clean = false;
  int attempts = 3;
  double retry_delay_s = 2;
  double retry_max_s = 60;
  double primary_return_s = 0;  // 0: back to the first server only on the next reconnect
  bool tls = false;
  std::string cafile, capath, cert, key, tls_server_name;
  bool insecure = false;
  std::string will_topic, will_message;
  bool will_on_exit = false;  // --will-on-exit: DISCONNECT 0x04, the broker publishes the will
  int queue = 1000;
  std::string queue_file;
  double timeout_s = 30;
  bool json = false;
  bool verbose = false;
  std::string config_file;
  // MQTT 5
  std::string protocol = "311";                 // -V 311|5|auto
  std::string auth_method;                      // --auth-method SCRAM-SHA-256
  std::vector<std::string> user_properties;     // --property KEY=VALUE (repeatable)
  double expiry_s = 0;                          // --expiry: message expiry / time to live
  double session_expiry_s = -1;                 // --session-expiry; -1: never (with --no-clean)
  double will_delay_s = 0;                      // --will-delay
  bool request_response_info = false;           // --request-response-info
  std::string share;                            // listen --share GROUP
};

/// Which connection options a command takes beyond those every connecting command shares
/// (-s -p -u --password-file -k -q --no-clean --retry-delay --retry-max -v --config). An option
/// that does not apply to a command is not added, so giving it is a usage error (exit 2) and
/// --help lists only what the command uses.
struct OptionSet {
  bool client_id = true;  // -i
  bool tls = true;        // --tls and its files
  bool mqtt5 = true;      // -V, --session-expiry
  bool will = true;       // --will-topic, --will-message (and --will-delay with mqtt5)
  bool will_on_exit = true;  // --will-on-exit (with `will`): the command ends through disconnect()
  bool publish = false;   // -r, --property, --expiry: the command publishes what it is given
  bool attempts = false;  // --attempts
  bool queue = false;     // --queue, --queue-file
  bool timeout = false;   // --timeout
  bool json = false;      // --json
};

void add_connection_options(CLI::App& command, ConnectionSettings& settings,
                            const OptionSet& set);

/// Whether `name` (e.g. "--username") was given on the command line or in --config; false for
/// an option the command does not have.
bool option_given(const CLI::App& command, const std::string& name);

}  // namespace mqtt_setup::cli
