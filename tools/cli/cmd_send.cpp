// mqtt-setup send SUFFIX MESSAGE: connect (up to --attempts), publish once, wait for the
// acknowledgement the QoS calls for, DISCONNECT. Exit 0 only if delivered; --timeout bounds
// the whole command.
#include <algorithm>
#include <memory>
#include <string>

#include "background_setup.hpp"
#include "client_setup.hpp"
#include "commands.hpp"
#include "connection_monitor.hpp"
#include "diagnostics.hpp"
#include "topic_checks.hpp"
#include "wakeup.hpp"

namespace mqtt_setup::cli {
namespace {

struct SendArguments {
  ConnectionSettings connection;
  std::string suffix;
  std::string message;
};

// Why connecting did not work out, from the most telling source available.
Failure connect_failure(const ConnectionMonitor& monitor, const MQTTSetup& mqtt) {
  if (auto fatal = monitor.fatal()) return *fatal;
  if (auto last = monitor.last_failure()) return *last;
  return Failure{mqtt.last_error(), {}};
}

int run_send(CLI::App& command, SendArguments& args) {
  ClientSetup setup = resolve_client_setup(command, args.connection, QoS::AtLeastOnce);
  check_topic_suffix(args.suffix, "SUFFIX", topic_prefix_bytes(setup.options));
  const auto deadline = Clock::now() + setup.timeout;

  Options options = setup.options;
  // A connection lost before the acknowledgement comes back within --timeout, and the message
  // is sent again (QoS 1/2).
  options.reconnect = true;
  // One attempt may not outlast the whole command.
  options.connect_timeout_ms = std::min<std::uint32_t>(
      options.connect_timeout_ms, static_cast<std::uint32_t>(setup.timeout.count()));
  const std::size_t packet = publish_packet_bytes(setup, args.suffix.size(), args.message.size());
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
    if (mqtt.stats().session.dropped > 0)
      return fail(ExitCode::NotDelivered, "the message was dropped before delivery");
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
    wakeup.wait(deadline);
  }
  mqtt.disconnect();
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
  command
      ->add_option("MESSAGE", args->message, "the payload (use -- before one that starts with -)")
      ->required();
  return {command, [command, args] { return run_send(*command, *args); }};
}

}  // namespace mqtt_setup::cli
