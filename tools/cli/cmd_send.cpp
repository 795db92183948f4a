// mqtt-setup send SUFFIX MESSAGE: connect (up to --attempts), publish once, wait for the
// acknowledgement the QoS calls for, DISCONNECT. Exit 0 only if delivered; --timeout bounds
// the whole command.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>

#include "background_setup.hpp"
#include "client_setup.hpp"
#include "commands.hpp"
#include "connection_monitor.hpp"
#include "diagnostics.hpp"
#include "drop_counts.hpp"
#include "topic_checks.hpp"
#include "wakeup.hpp"

namespace mqtt_setup::cli {
namespace {

struct SendArguments {
  ConnectionSettings connection;
  std::string suffix;
  std::string message;
  std::string file;       // -f: the message is this file's content
  bool from_stdin = false;  // -s (--stdin): the message is all of standard input
  bool null_message = false;  // -n: an empty message
};

// [MQTT-2.2.3]: the remaining length field holds at most 268,435,455.
constexpr std::size_t kMaxRemainingLength = 268'435'455;

std::string read_all(std::istream& in, const std::string& what) {
  std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) throw UsageError("cannot read " + what + ": " + std::strerror(errno));
  return content;
}

// The one message, from wherever the options say it comes. Throws UsageError.
std::string message_of(CLI::App& command, const SendArguments& args) {
  const bool given = command.get_option("MESSAGE")->count() > 0;
  const int sources = int{given} + int{!args.file.empty()} + int{args.from_stdin} +
                      int{args.null_message};
  if (sources == 0)
    throw UsageError("MESSAGE is required (or -f FILE, -s for standard input, -n for an empty "
                     "message)");
  if (sources > 1)
    throw UsageError("give the message one way only: MESSAGE, -f FILE, -s or -n");
  if (given) return args.message;
  if (args.null_message) return {};
  if (args.from_stdin) return read_all(std::cin, "standard input");
  std::error_code error;
  if (std::filesystem::is_directory(args.file, error))
    throw UsageError("-f " + args.file + " is a directory, not a file");
  std::ifstream file(args.file, std::ios::binary);
  if (!file) throw UsageError("cannot read -f " + args.file + ": " + std::strerror(errno));
  return read_all(file, "-f " + args.file);
}

// Why connecting did not work out, from the most telling source available.
Failure connect_failure(const ConnectionMonitor& monitor, const MQTTSetup& mqtt) {
  if (auto fatal = monitor.fatal()) return *fatal;
  if (auto last = monitor.last_failure()) return *last;
  return Failure{mqtt.last_error(), {}};
}

int run_send(CLI::App& command, SendArguments& args) {
  ClientSetup setup = resolve_client_setup(command, args.connection, QoS::AtLeastOnce);
  args.message = message_of(command, args);
  check_topic_suffix(args.suffix, "SUFFIX", topic_prefix_bytes(setup.options));
  const auto deadline = Clock::now() + setup.timeout;

  Options options = setup.options;
  // A connection lost before the acknowledgement comes back within --timeout, and the message
  // is sent again (QoS 1/2).
  options.reconnect = true;
  // One attempt may not outlast the whole command.
  options.connect_timeout_ms = std::min<std::uint32_t>(
      options.connect_timeout_ms, static_cast<std::uint32_t>(setup.timeout.count()));
  // The buffers fit this one message, whatever its size, as mosquitto_pub does.
  const std::size_t packet = publish_packet_bytes(setup, args.suffix.size(), args.message.size());
  // Everything after the fixed header (5 bytes at most) besides the payload: topic, packet id,
  // properties.
  const std::size_t overhead = publish_packet_bytes(setup, args.suffix.size(), 0) - 5;
  if (args.message.size() > kMaxRemainingLength - overhead)
    throw UsageError("the message is " + std::to_string(args.message.size()) +
                     " bytes; one MQTT PUBLISH carries at most " +
                     std::to_string(kMaxRemainingLength - overhead) + " with this topic");
  options.tx_buffer_size = std::max(options.tx_buffer_size, packet);
  options.queue_bytes = std::max(options.queue_bytes, packet + 64);

  Wakeup wakeup;
  MQTTSetup mqtt{setup.servers, setup.default_port, setup.username, setup.password,
                 std::move(options)};
  ConnectionMonitor monitor{wakeup, nullptr};
  monitor.attach(mqtt);

  {
    BackgroundSetup connecting{mqtt, wakeup};
    while (!connecting.done()) {
      if (auto fatal = monitor.fatal()) {
        print_error(fatal->describe());
        exit_immediately(exit_code_for_connection(fatal->error));
      }
      if (Clock::now() >= deadline) {
        // Never connected: the broker was unreachable within the limits (code 5 is for a
        // message the broker did not acknowledge).
        const Failure failure = connect_failure(monitor, mqtt);
        print_error((failure.error ? failure.describe() + "; " : std::string()) +
                    "not connected within --timeout (" + seconds_text(setup.timeout) + ")");
        exit_immediately(ExitCode::Unreachable);
      }
      wakeup.wait(deadline);
    }
  }
  if (!mqtt.is_connected()) {
    const Failure failure = connect_failure(monitor, mqtt);
    return fail(exit_code_for_connection(failure.error), failure.describe());
  }

  const auto published =
      mqtt.publish(args.suffix, codec::as_bytes(args.message), setup.qos, setup.retain,
                   setup.publish);
  if (!published) {
    const Error& error = published.error();
    return fail(error.kind == Error::Kind::InvalidArgument ? ExitCode::Usage
                                                           : exit_code_for_connection(error),
                error.message());
  }

  while (mqtt.stats().session.delivered == 0) {
    if (auto fatal = monitor.fatal())
      return fail(exit_code_for_connection(fatal->error), fatal->describe());
    if (const SessionStats stats = mqtt.stats().session; stats.dropped > 0) {
      DropCounts drops;
      drops.take_session(stats);
      return fail(ExitCode::NotDelivered, "the message was not delivered: " +
                                              drops.describe(args.message.size()));
    }
    if (Clock::now() >= deadline) {
      if (mqtt.is_connected())
        return fail(ExitCode::NotDelivered,
                    "the broker did not acknowledge the message within --timeout (" +
                        seconds_text(setup.timeout) + ")");
      const Failure failure = connect_failure(monitor, mqtt);
      return fail(ExitCode::Unreachable,
                  failure.describe() + "; connection not recovered within --timeout (" +
                      seconds_text(setup.timeout) + "), message not delivered");
    }
    wakeup.wait(deadline);  // a Delivered (QoS 1/2) or Written (QoS 0) event ends it
  }
  mqtt.disconnect(setup.exit_reason);
  return to_int(ExitCode::Success);
}

}  // namespace

Command add_send_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand(
      "send", "publish MESSAGE once to devices/{client_id}/SUFFIX and wait until it is delivered");
  auto args = std::make_shared<SendArguments>();
  const OptionSet used{.publish = true, .attempts = true, .timeout = true};
  add_connection_options(*command, args->connection, used);
  command
      ->add_option("SUFFIX", args->suffix,
                   "topic under devices/{client_id}/, e.g. sensors/temperature")
      ->required();
  command->add_option("MESSAGE", args->message,
                      "the payload (use -- before one that starts with -)");
  const char* message = "Message (instead of MESSAGE)";
  command->add_option("-f,--file", args->file, "send this file's whole content as the message")
      ->type_name("FILE")
      ->group(message);
  command
      ->add_flag("--stdin", args->from_stdin,
                 "send all of standard input as the message; `-s` means this too when, read as "
                 "--server, it would leave no SUFFIX (send --server H -s SUFFIX <file)")
      ->group(message);
  command->add_flag("-n,--null-message", args->null_message, "send an empty message")
      ->group(message);
  return {command, [command, args] { return run_send(*command, *args); }};
}

}  // namespace mqtt_setup::cli
