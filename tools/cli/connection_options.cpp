#include "connection_options.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace mqtt_setup::cli {
namespace {

CLI::Validator seconds(bool zero_allowed) {
  return CLI::Validator(
      [zero_allowed](std::string& text) -> std::string {
        char* end = nullptr;
        errno = 0;
        const double value = std::strtod(text.c_str(), &end);
        const bool number =
            end != text.c_str() && *end == '\0' && errno == 0 && std::isfinite(value);
        if (!number || value < 0 || (!zero_allowed && value == 0) || value > kMaxSeconds)
          return "\"" + text + "\" is not a number of seconds" + (zero_allowed ? " >= 0" : " > 0") +
                 " (fractions allowed, e.g. 0.5)";
        return {};
      },
      "");  // no text: the option's own type name says "S"
}

}  // namespace

bool option_given(const CLI::App& command, const std::string& name) {
  const CLI::Option* option = command.get_option_no_throw(name);
  return option != nullptr && option->count() > 0;
}

void add_connection_options(CLI::App& command, ConnectionSettings& s, const OptionSet& set) {
  // Repeating an option is not an error: the last one wins, so scripts can append overrides.
  command.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);

  const char* connection = "Connection";
  command
      .add_option("-s,--server", s.server,
                  "HOST[:PORT][,HOST[:PORT]...]; several servers form a failover list, tried in "
                  "order, then round again (default: $MQTT_SETUP_SERVER, else localhost)")
      ->type_name("LIST")
      ->group(connection);
  command
      .add_option("-p,--port", s.port,
                  "port for servers given without one (default: 1883, or 8883 with --tls)")
      ->check(CLI::Range(1, 65535).description(""))
      ->type_name("N")
      ->group(connection);
  command.add_option("-u,--username", s.username, "user name (default: $MQTT_SETUP_USERNAME)")
      ->type_name("U")
      ->group(connection);
  command
      .add_option("--password-file", s.password_file,
                  "password: the first line of F (default: $MQTT_SETUP_PASSWORD); there is "
                  "deliberately no password flag")
      ->type_name("F")
      ->group(connection);
  if (set.client_id)
    command
        .add_option("-i,--client-id", s.client_id,
                    "client id (default: the platform id, see `mqtt-setup id`)")
        ->type_name("ID")
        ->group(connection);
  command
      .add_option("-k,--keepalive", s.keepalive_s,
                  "MQTT keep-alive in seconds; a missing answer to PINGREQ within it means a dead "
                  "link (default: 60)")
      ->check(CLI::Range(0, 65535).description(""))
      ->type_name("S")
      ->group(connection);
  command
      .add_option("--ack-timeout", s.ack_timeout_s,
                  "a QoS 1/2 message unacknowledged this long (seconds) means the broker lost "
                  "it: reconnect and resend it (0: wait as long as the link lives; default: 30)")
      ->check(CLI::Range(0.0, 86'400.0).description(""))
      ->type_name("S")
      ->group(connection);
  command
      .add_flag("--no-clean", s.no_clean,
                "persistent session: the broker keeps subscriptions and queued messages")
      ->group(connection);
  if (set.attempts)
    command
        .add_option("--attempts", s.attempts, "connection attempts before giving up (default: 3)")
        ->check(CLI::Range(1, 1'000'000).description(""))
        ->type_name("N")
        ->group(connection);
  command
      .add_option("--retry-delay", s.retry_delay_s,
                  "first delay between attempts, growing exponentially with random jitter "
                  "(default: 2)")
      ->check(seconds(true))
      ->type_name("S")
      ->group(connection);
  command.add_option("--retry-max", s.retry_max_s, "cap of that delay (default: 60)")
      ->check(seconds(true))
      ->type_name("S")
      ->group(connection);
  command
      .add_option("--primary-return", s.primary_return_s,
                  "connected to a server not first in --server this long: leave it (a clean "
                  "DISCONNECT) to try the first again, coming back if it is still down "
                  "(default: 0, only on the next reconnect)")
      ->check(seconds(true))
      ->type_name("S")
      ->group(connection);
  if (set.will) {
    command.add_option("--will-topic", s.will_topic, "last will topic, under devices/{client_id}/")
        ->type_name("SUFFIX")
        ->group(connection);
    command.add_option("--will-message", s.will_message, "last will message (default: offline)")
        ->type_name("M")
        ->group(connection);
    if (set.will_on_exit) {
      command
          .add_flag("--will-on-exit", s.will_on_exit,
                    "when the command ends (SIGINT/SIGTERM included), ask the broker to publish "
                    "the last will: MQTT 5 DISCONNECT 0x04; 3.1.1: close without DISCONNECT")
          ->group(connection);
    }
  }

  const char* mqtt5 = "MQTT 5";
  if (set.mqtt5) {
    command
        .add_option("-V,--protocol", s.protocol,
                    "MQTT version: 311 (default), 5, or auto (5, falling back to 3.1.1 when the "
                    "broker refuses it)")
        ->check(CLI::IsMember({"311", "3.1.1", "5", "auto"}).description(""))
        ->type_name("311|5|auto")
        ->group(mqtt5);
    command
        .add_option("--auth-method", s.auth_method,
                    "MQTT 5 enhanced authentication of the -u user name and the password: "
                    "SCRAM-SHA-256 (neither is then sent in CONNECT; the broker must prove it "
                    "knows the password too)")
        ->check(CLI::IsMember({"SCRAM-SHA-256"}).description(""))
        ->type_name("M")
        ->group(mqtt5);
  }
  if (set.mqtt5 && set.publish) {
    command
        .add_option("--property", s.user_properties,
                    "user property KEY=VALUE on each message sent (repeatable; MQTT 5)")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->expected(1)  // one KEY=VALUE per --property: positionals after it stay positionals
        ->allow_extra_args(false)
        ->type_name("KEY=VALUE")
        ->group(mqtt5);
  }
  if (set.publish) {
    command
        .add_option("--expiry", s.expiry_s,
                    "message expiry: a message not delivered within S seconds is dropped, by us "
                    "while queued and (MQTT 5) by the broker (default: none)")
        ->check(seconds(true))
        ->type_name("S")
        ->group(mqtt5);
  }
  if (set.mqtt5) {
    command
        .add_option("--session-expiry", s.session_expiry_s,
                    "with --no-clean: how long the broker keeps the session after we disconnect "
                    "(MQTT 5; default: forever)")
        ->check(seconds(true))
        ->type_name("S")
        ->group(mqtt5);
    command
        .add_flag("--request-response-info", s.request_response_info,
                  "ask the broker for response information in CONNACK; -v shows what it sends "
                  "(MQTT 5)")
        ->group(mqtt5);
  }
  if (set.mqtt5 && set.will) {
    command
        .add_option("--will-delay", s.will_delay_s,
                    "the broker publishes the last will only if we stay away this long (MQTT 5)")
        ->check(seconds(true))
        ->type_name("S")
        ->group(mqtt5);
  }

  const char* tls = "TLS";
  if (set.tls) {
    command
        .add_flag("--tls", s.tls,
                  "TLS with certificate and host name verification, against the system CA store "
                  "unless --cafile/--capath")
        ->group(tls);
    command.add_option("--cafile", s.cafile, "trust anchors: a PEM bundle")
        ->type_name("F")
        ->group(tls);
    command.add_option("--capath", s.capath, "trust anchors: a directory of PEM files")
        ->type_name("D")
        ->group(tls);
    command.add_option("--cert", s.cert, "client certificate (mutual TLS)")
        ->type_name("F")
        ->group(tls);
    command.add_option("--key", s.key, "its private key")->type_name("F")->group(tls);
    command
        .add_option("--tls-server-name", s.tls_server_name,
                    "name checked against the certificate and sent as SNI (default: the host)")
        ->type_name("N")
        ->group(tls);
    command
        .add_flag("--insecure", s.insecure, "turn certificate verification OFF (prints a warning)")
        ->group(tls);
  }

  const char* delivery = "Delivery";
  command.add_option("-q,--qos", s.qos, "0, 1 or 2 (default: 1)")
      ->check(CLI::Range(0, 2).description(""))
      ->type_name("0|1|2")
      ->group(delivery);
  if (set.publish) command.add_flag("-r,--retain", s.retain, "publish retained")->group(delivery);
  if (set.queue) {
    command
        .add_option("--queue", s.queue,
                    "messages held while disconnected; beyond it the oldest is dropped and "
                    "counted (default: 1000)")
        ->check(CLI::Range(0, 10'000'000).description(""))
        ->type_name("N")
        ->group(delivery);
    command
        .add_option("--queue-file", s.queue_file,
                    "keep the queue in this file, so that it survives a restart of the program "
                    "(a file of ours or a new one: any other file is refused)")
        ->type_name("PATH")
        ->group(delivery);
  }
  if (set.timeout) {
    command
        .add_option("--timeout", s.timeout_s,
                    "send: the whole command; pipe: time allowed after end of input to deliver "
                    "what is left (default: 30)")
        ->check(seconds(false))
        ->type_name("S")
        ->group(delivery);
  }

  const char* output = "Output";
  if (set.json)
    command.add_flag("--json", s.json, "machine-readable JSON lines on stdout")->group(output);
  command
      .add_flag("-v,--verbose", s.verbose,
                "debug log on stderr: packets and state changes (never a password)")
      ->group(output);
  command
      .add_option("--config", s.config_file,
                  "JSON file whose keys are the long option names ({\"server\": \"...\", "
                  "\"keepalive\": 30}); flags override it")
      ->type_name("F")
      ->group(output);
}

}  // namespace mqtt_setup::cli
