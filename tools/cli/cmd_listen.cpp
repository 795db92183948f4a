// mqtt-setup listen [FILTER...]: print every message as `TOPIC PAYLOAD` (or a JSON object) on
// one line, flushed. Reconnects indefinitely (the library re-subscribes); exits 0 on
// SIGINT/SIGTERM after disconnecting cleanly.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "background_setup.hpp"
#include "client_setup.hpp"
#include "commands.hpp"
#include "connection_monitor.hpp"
#include "diagnostics.hpp"
#include "json_output.hpp"
#include "mqtt_setup/platform.hpp"
#include "stdout_lines.hpp"
#include "stop_signals.hpp"
#include "topic_checks.hpp"
#include "wakeup.hpp"

namespace mqtt_setup::cli {
namespace {

// Whatever a broker may hand over: a listener that dies on a large message is no listener.
constexpr std::size_t kReceiveBufferBytes = 4 * 1024 * 1024;

struct ListenArguments {
  ConnectionSettings connection;
  std::vector<std::string> filters;
  std::uint64_t count = 0;  // -C: exit after this many messages; 0: never
  double wait_s = 0;        // -W: exit after this long; 0: never
};

// Not the platform id itself: a broker allows one connection per client id, so a listener
// under the device's id would take over the session of `send`, `pipe` or `agent` on the same
// machine (and be thrown out by them), missing exactly the messages it is watching for.
// With --no-clean the id stays the same from run to run, so the broker can keep the session.
std::string listener_client_id(bool clean_session) {
  std::string id = platform::default_client_id() + "-listen";
  if (clean_session) id += "-" + std::to_string(::getpid());
  return id;
}

std::string plain_line(const Message& message) {
  // Payload bytes as they are, a newline inside included (as mosquitto_sub prints them).
  std::string line;
  line.reserve(message.topic.size() + 1 + message.payload.size());
  line.append(message.topic).append(1, ' ').append(message.text());
  return line;
}

int run_listen(CLI::App& command, ListenArguments& args) {
  if (args.filters.empty()) args.filters.emplace_back("devices/#");
  for (const std::string& filter : args.filters) check_topic_filter(filter);
  const std::string& share = args.connection.share;
  if (!share.empty() && (share.find_first_of("/+#") != std::string::npos))
    throw UsageError("--share " + share + ": a group name has no '/', '+' or '#'");
  const ClientSetup setup = resolve_client_setup(command, args.connection, QoS::AtLeastOnce);

  Options options = setup.options;
  if (options.client_id.empty()) options.client_id = listener_client_id(options.clean_session);
  options.reconnect = true;
  options.rx_buffer_size = std::max(options.rx_buffer_size, kReceiveBufferBytes);

  Wakeup wakeup;
  StopSignals signals{wakeup};  // before MQTTSetup: its threads inherit the blocked signals
  StdoutLines out;
  const bool json = setup.json;
  ConnectionMonitor monitor{wakeup, json ? &out : nullptr, EventLines::FailuresJson,
                            /*failures_on_stderr=*/true};
  MQTTSetup mqtt{setup.servers, setup.default_port, setup.username, setup.password,
                 std::move(options)};
  monitor.attach(mqtt);
  // Written on the library's thread, read here; -C stops printing at exactly N.
  std::atomic<std::uint64_t> received{0};
  const std::uint64_t limit = args.count;
  mqtt.on_message([&out, &wakeup, &received, json, limit](const Message& message) {
    if (limit > 0 && received.load() >= limit) return;
    if (!out.write(json ? to_json_line(message_json(message)) : plain_line(message)))
      wakeup.notify();
    if (received.fetch_add(1) + 1 == limit) wakeup.notify();
  });
  // Subscribing before connecting: the subscriptions go out with the first connection, and
  // with --no-clean nothing the broker kept for us arrives before there is a handler.
  for (const std::string& filter : args.filters) {
    // [MQTT-4.8.2]: a shared subscription: each message goes to one member of the group.
    const std::string shared =
        args.connection.share.empty() ? filter : "$share/" + args.connection.share + "/" + filter;
    if (!mqtt.subscribe(shared, setup.qos))
      return fail(ExitCode::Usage, "cannot subscribe to \"" + shared + "\"");
  }

  std::optional<Clock::time_point> stop_at;
  if (args.wait_s > 0) stop_at = Clock::now() + std::chrono::milliseconds(to_milliseconds(args.wait_s));
  BackgroundSetup connecting{mqtt, wakeup};
  ExitCode code = ExitCode::Success;
  for (;;) {
    if (signals.count() > 0) break;
    if (out.broken()) break;  // the reader went away (`listen | head -1`): nothing left to do
    if (limit > 0 && received.load() >= limit) break;
    if (auto fatal = monitor.fatal()) {
      print_error(fatal->describe());
      code = exit_code_for_connection(fatal->error);
      break;
    }
    if (stop_at && Clock::now() >= *stop_at) {
      // mosquitto_sub -W: time is up; a listen that heard nothing has failed at its job.
      if (received.load() == 0) {
        code = ExitCode::Unreachable;
        print_error(std::string("no message arrived within -W ") +
                    seconds_text(std::chrono::milliseconds(to_milliseconds(args.wait_s))) +
                    (mqtt.is_connected() ? "" : " (not connected)"));
      }
      break;
    }
    wakeup.wait(stop_at);
  }
  if (!connecting.done()) exit_immediately(code);  // still connecting: nothing to close cleanly
  mqtt.disconnect(setup.exit_reason);
  return to_int(code);
}

}  // namespace

Command add_listen_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand(
      "listen",
      "subscribe and print each message as `TOPIC PAYLOAD` (--json: one object per line)");
  auto args = std::make_shared<ListenArguments>();
  add_connection_options(*command, args->connection, OptionSet{.json = true});
  command->get_option("--client-id")
      ->description(
          "client id (default: {platform id}-listen-{pid}, or {platform id}-listen with "
          "--no-clean, so that listening does not take over the device's own session)");
  command->add_option("FILTER", args->filters, "topic filters (default: devices/#)");
  command
      ->add_option("-C,--count", args->count,
                   "exit 0 after N messages (as mosquitto_sub -C)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 62).description(""))
      ->type_name("N");
  command
      ->add_option("-W,--wait", args->wait_s,
                   "exit after S seconds: 0 if at least one message arrived, 1 if none (as "
                   "mosquitto_sub -W)")
      ->check(CLI::Range(0.001, kMaxSeconds).description(""))
      ->type_name("S");
  command
      ->add_option("--share", args->connection.share,
                   "subscribe as a member of shared group GROUP ($share/GROUP/FILTER, MQTT 5): "
                   "each message goes to one member")
      ->type_name("GROUP")
      ->group("MQTT 5");
  return {command, [command, args] { return run_listen(*command, *args); }};
}

}  // namespace mqtt_setup::cli
