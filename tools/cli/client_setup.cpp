#include "client_setup.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <vector>

#include "config_file.hpp"
#include "mqtt_setup/platform.hpp"
#include "diagnostics.hpp"
#include "topic_checks.hpp"

namespace mqtt_setup::cli {
namespace {

constexpr std::uint16_t kMqttPort = 1883;
constexpr std::uint16_t kMqttTlsPort = 8883;

std::optional<std::string> environment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

void check_readable_file(const std::string& path, std::string_view option) {
  std::ifstream file(path);
  if (!file)
    throw UsageError("cannot read " + std::string(option) + " " + path + ": " +
                     std::strerror(errno));
}

std::string first_line_of(const std::string& path) {
  std::error_code error;
  if (std::filesystem::exists(path, error) && !std::filesystem::is_regular_file(path, error))
    throw UsageError("--password-file " + path +
                     " is not a regular file (give the file whose first line is the password)");
  std::ifstream file(path);
  if (!file) throw UsageError("cannot read --password-file " + path + ": " + std::strerror(errno));
  std::string line;
  std::getline(file, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string host_and_port(const ServerAddress& server) {
  const bool ipv6_literal = server.host.find(':') != std::string::npos;
  return (ipv6_literal ? "[" + server.host + "]" : server.host) + ":" + std::to_string(server.port);
}

TlsOptions resolve_tls(CLI::App& command, const ConnectionSettings& settings) {
  TlsOptions tls;
  tls.enabled = settings.tls;
  if (!settings.tls) {
    // These only mean something with TLS on; silently connecting in plain text would be worse.
    for (const char* name :
         {"--cafile", "--capath", "--cert", "--key", "--tls-server-name", "--insecure"})
      if (option_given(command, name))
        throw UsageError(std::string(name) + " needs --tls");
    return tls;
  }
  if (!settings.cafile.empty()) check_readable_file(settings.cafile, "--cafile");
  if (!settings.capath.empty() && !std::filesystem::is_directory(settings.capath))
    throw UsageError("--capath " + settings.capath + " is not a readable directory");
  if (settings.cert.empty() != settings.key.empty())
    throw UsageError("--cert and --key go together (a client certificate and its private key)");
  if (!settings.cert.empty()) {
    check_readable_file(settings.cert, "--cert");
    check_readable_file(settings.key, "--key");
  }
  tls.ca_file = settings.cafile;
  tls.ca_path = settings.capath;
  tls.cert_file = settings.cert;
  tls.key_file = settings.key;
  tls.server_name = settings.tls_server_name;
  tls.insecure = settings.insecure;
  if (settings.insecure)
    print_warning(
        "--insecure: the broker's certificate and host name are NOT verified; "
        "anyone on the network path can read and change this connection");
  return tls;
}

std::string resolve_servers(CLI::App& command, const ConnectionSettings& settings,
                            std::uint16_t default_port) {
  const bool given = option_given(command, "--server");
  const std::string list =
      given ? settings.server : environment("MQTT_SETUP_SERVER").value_or("localhost");
  std::string bad_entry;
  std::vector<ServerAddress> servers = parse_server_list(list, default_port, &bad_entry);
  if (servers.empty())
    throw UsageError("invalid server list entry \"" + bad_entry + "\" in \"" + list +
                     "\": expected HOST, HOST:PORT, [IPV6] or [IPV6]:PORT, comma-separated (a "
                     "bare IPv6 address only alone and without a port)");
  std::string joined;
  for (ServerAddress& server : servers) {
    if (server.port == 0) server.port = default_port;
    if (server.port == kMqttTlsPort && !settings.tls)
      print_warning("connecting to " + host_and_port(server) +
                    " without --tls, but 8883 is the port for MQTT over TLS (add --tls?)");
    if (!joined.empty()) joined += ',';
    joined += host_and_port(server);
  }
  return joined;
}

void resolve_credentials(CLI::App& command, const ConnectionSettings& settings,
                         ClientSetup& setup) {
  const bool username_given = option_given(command, "--username");
  std::optional<std::string> username =
      username_given ? std::optional(settings.username) : environment("MQTT_SETUP_USERNAME");
  if (username && username->empty()) username.reset();
  setup.username = username;

  if (option_given(command, "--password-file")) {
    // [MQTT-3.1.2-22]: a password needs a user name.
    if (!username)
      throw UsageError("--password-file needs a user name (-u or MQTT_SETUP_USERNAME)");
    setup.password = first_line_of(settings.password_file);
  } else if (auto password = environment("MQTT_SETUP_PASSWORD")) {
    if (!username)  // the same mistake as --password-file without a user name
      throw UsageError("MQTT_SETUP_PASSWORD needs a user name (-u or MQTT_SETUP_USERNAME)");
    setup.password = std::move(password);
  }
}

std::optional<LastWill> resolve_will(CLI::App& command, const ConnectionSettings& settings,
                                     const Options& options) {
  const bool topic_given = option_given(command, "--will-topic");
  const bool message_given = option_given(command, "--will-message");
  if (!topic_given && !message_given) return std::nullopt;
  LastWill will;  // what is not given keeps the agent's default (status/online, "offline")
  if (topic_given) {
    check_topic_suffix(settings.will_topic, "--will-topic", topic_prefix_bytes(options));
    will.topic_suffix = settings.will_topic;
  }
  if (message_given) will.message = settings.will_message;
  return will;
}

void describe_for_debugging(const ClientSetup& setup, const ConnectionSettings& settings) {
  if (!debug_output_enabled()) return;
  std::string line = "servers " + setup.servers + ", client id " +
                     (setup.options.client_id.empty() ? "(platform id)" : setup.options.client_id);
  if (setup.username) line += ", user " + *setup.username;
  if (setup.password)  // never the password itself
    line += settings.password_file.empty() ? ", password from MQTT_SETUP_PASSWORD"
                                           : ", password from " + settings.password_file;
  line += setup.options.tls.enabled ? ", TLS" : ", no TLS";
  print_debug(line);
}

void log_to_stderr(LogLevel level, std::string_view line) {
  switch (level) {
    case LogLevel::Error:
      print_debug("(error) " + std::string(line));
      break;
    case LogLevel::Warning:
      print_debug("(warning) " + std::string(line));
      break;
    case LogLevel::Info:
    case LogLevel::Debug:
      print_debug(line);
      break;
  }
}

void resolve_mqtt5(const ConnectionSettings& settings, ClientSetup& setup) {
  Options& options = setup.options;
  options.protocol = settings.protocol == "5"      ? Protocol::V5
                     : settings.protocol == "auto" ? Protocol::Auto
                                                   : Protocol::V311;
  const bool v5 = options.protocol != Protocol::V311;
  const auto needs_5 = [&](const char* option) {
    if (!v5) throw UsageError(std::string(option) + " needs MQTT 5: add -V 5 (or -V auto)");
  };
  if (!settings.user_properties.empty()) needs_5("--property");
  if (!settings.auth_method.empty()) {
    needs_5("--auth-method");
    if (!setup.username || !setup.password)
      throw UsageError("--auth-method needs a user name (-u) and a password (--password-file "
                       "or MQTT_SETUP_PASSWORD)");
    options.auth_method = settings.auth_method;
  }
  if (settings.session_expiry_s >= 0) {
    needs_5("--session-expiry");
    options.session_expiry_s = to_milliseconds(settings.session_expiry_s) / 1000;
  }
  if (settings.request_response_info) {
    needs_5("--request-response-info");
    options.request_response_information = true;
  }
  if (settings.will_delay_s > 0) {
    needs_5("--will-delay");
    if (!options.will) throw UsageError("--will-delay needs a last will (--will-topic)");
    options.will->delay_s = to_milliseconds(settings.will_delay_s) / 1000;
  }
  setup.publish.ttl_ms = to_milliseconds(settings.expiry_s);
  std::size_t bytes = 0;
  for (const std::string& p : settings.user_properties) bytes += 4 + p.size();
  setup.property_bytes.resize(bytes);
  codec::PropertyWriter writer{setup.property_bytes};
  for (const std::string& p : settings.user_properties) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError("--property \"" + p + "\" is not KEY=VALUE");
    writer.add_user(std::string_view(p).substr(0, eq), std::string_view(p).substr(eq + 1));
    if (!writer.ok())
      throw UsageError("--property \"" + p + "\": " + std::string(writer.error_message()));
  }
  setup.publish.properties = writer.properties();
}

}  // namespace

ClientSetup resolve_client_setup(CLI::App& command, ConnectionSettings& settings, QoS default_qos) {
  if (!settings.config_file.empty()) apply_config_file(command, settings.config_file);
  if (settings.verbose) enable_debug_output();

  ClientSetup setup;
  Options& options = setup.options;
  options.tls = resolve_tls(command, settings);
  setup.default_port = settings.port > 0 ? static_cast<std::uint16_t>(settings.port)
                                         : (settings.tls ? kMqttTlsPort : kMqttPort);
  setup.servers = resolve_servers(command, settings, setup.default_port);
  resolve_credentials(command, settings, setup);

  if (option_given(command, "--client-id")) {
    check_client_id(settings.client_id);
    options.client_id = settings.client_id;
  }
  options.will = resolve_will(command, settings, options);
  if (settings.will_on_exit) {
    // The agent always has a will (status/online = offline); the other commands only when asked.
    if (!options.will && command.get_name() != "agent")
      throw UsageError("--will-on-exit needs a last will (--will-topic)");
    setup.exit_reason = codec::reason::kDisconnectWithWill;
  }
  options.keep_alive_s = static_cast<std::uint16_t>(settings.keepalive_s);
  options.ack_timeout_ms = static_cast<std::uint32_t>(settings.ack_timeout_s * 1000);
  options.clean_session = !settings.no_clean;
  setup.qos = settings.qos < 0 ? default_qos : static_cast<QoS>(settings.qos);
  setup.retain = settings.retain;
  options.qos = setup.qos;
  options.retain = setup.retain;
  options.attempts = static_cast<std::uint32_t>(settings.attempts);
  options.retry.first_ms = to_milliseconds(settings.retry_delay_s);
  options.retry.max_ms = to_milliseconds(settings.retry_max_s);
  options.primary_return_ms = to_milliseconds(settings.primary_return_s);
  options.queue_messages = static_cast<std::uint32_t>(settings.queue);
  resolve_mqtt5(settings, setup);
  options.overflow = OverflowPolicy::DropOldest;
  setup.timeout = std::chrono::milliseconds(to_milliseconds(settings.timeout_s));
  setup.json = settings.json;
  setup.queue_file = settings.queue_file;

  // Without -v stderr is kept for the one error line: the commands report failures themselves.
  options.log_level = settings.verbose ? LogLevel::Debug : LogLevel::Error;
  options.log = settings.verbose ? log_to_stderr : [](LogLevel, std::string_view) {};

  describe_for_debugging(setup, settings);
  return setup;
}

std::size_t topic_prefix_bytes(const Options& options) {
  const std::size_t id_bytes =
      options.client_id.empty() ? platform::default_client_id().size() : options.client_id.size();
  return options.topic_root.size() + 1 + id_bytes + 1;
}

std::size_t publish_packet_bytes(const ClientSetup& setup, std::size_t suffix_bytes,
                                 std::size_t payload_bytes) {
  // The platform id is short ("linux_" + 12 hex digits); 64 covers it without asking for it.
  const std::size_t client_id_bytes = std::max<std::size_t>(setup.options.client_id.size(), 64);
  const std::size_t topic_bytes =
      setup.options.topic_root.size() + 1 + client_id_bytes + 1 + suffix_bytes;
  constexpr std::size_t kFixedHeader = 5, kLengthPrefix = 2, kPacketId = 2;
  // 5.0: property length (4) + message expiry (5) + topic alias (3) + the user properties.
  const std::size_t properties = setup.options.protocol == Protocol::V311
                                     ? 0
                                     : 4 + 5 + 3 + setup.property_bytes.size();
  return kFixedHeader + kLengthPrefix + topic_bytes + kPacketId + properties + payload_bytes;
}

std::uint32_t to_milliseconds(double seconds) {
  return static_cast<std::uint32_t>(std::llround(std::clamp(seconds, 0.0, kMaxSeconds) * 1000.0));
}

std::string seconds_text(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  std::string text = std::to_string(ms / 1000);
  if (const auto fraction = ms % 1000; fraction != 0) {
    std::string digits = std::to_string(1000 + fraction).substr(1);
    while (digits.back() == '0') digits.pop_back();
    text += "." + digits;
  }
  return text + " s";
}

}  // namespace mqtt_setup::cli
