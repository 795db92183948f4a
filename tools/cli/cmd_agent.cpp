// mqtt-setup agent: a device agent for the machine it runs on (docs/cli.md). Availability through
// the last will, host readings every --interval, commands (configuration, restart, and programs
// in --exec-dir), Home Assistant discovery. Reconnects indefinitely; readings taken while offline
// wait in the queue, only the newest per topic (Options::latest_per_topic).
//
// Threads: the library's connection thread only queues commands and wakes the main thread;
// everything the agent decides happens on the main thread, in run().
#include <array>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "agent/agent_configuration.hpp"
#include "agent/command_inbox.hpp"
#include "agent/command_runner.hpp"
#include "agent/ha_discovery.hpp"
#include "agent/host_readings.hpp"
#include "agent/self_restart.hpp"
#include "background_setup.hpp"
#include "client_setup.hpp"
#include "commands.hpp"
#include "connection_monitor.hpp"
#include "diagnostics.hpp"
#include "json_output.hpp"
#include "stdout_lines.hpp"
#include "stop_signals.hpp"
#include "wakeup.hpp"

namespace mqtt_setup::cli {
namespace {

// Room for the largest thing the agent publishes: a program's bounded output as JSON (every
// byte may need escaping) or an HA discovery document.
constexpr std::size_t kTransmitBytes = 16 * 1024;
constexpr std::size_t kQueueBytes = 256 * 1024;
// How long a goodbye (offline, a restart acknowledgement) may take to be acknowledged.
constexpr std::uint32_t kFarewellMs = 3000;

struct AgentArguments {
  ConnectionSettings connection;
  double interval_s = 60;
  std::vector<std::string> readings;
  std::string exec_dir;
  double exec_timeout_s = 10;
  bool ha_discovery = false;
  bool ha_discovery_remove = false;
};

std::vector<std::string> all_reading_names() {
  std::vector<std::string> names;
  for (const ReadingKind& kind : reading_kinds()) names.emplace_back(kind.name);
  return names;
}

class Agent {
 public:
  Agent(const AgentArguments& args, const ClientSetup& setup)
      : args_(args),
        setup_(setup),
        will_(setup.options.will.value_or(LastWill{})),
        signals_(wakeup_),  // before MQTTSetup: its threads inherit the blocked signals
        monitor_(wakeup_, setup.json ? &out_ : nullptr, EventLines::AllJson,
                 /*failures_on_stderr=*/true),
        mqtt_(setup.servers, setup.default_port, setup.username, setup.password,
              agent_options(setup.options)) {
    configuration_.interval_s = args.interval_s;
    configuration_.readings = args.readings.empty() ? all_reading_names() : args.readings;
    configuration_.qos = setup.qos;
    take_configuration_across_restart();
    device_.client_id = mqtt_.client_id();
    device_.state_prefix = mqtt_.topic("");
    device_.availability_topic = mqtt_.topic(will_.topic_suffix);
    device_.payload_not_available = will_.message;
    monitor_.attach(mqtt_);
    mqtt_.on_command("#", [this](std::string_view name, const Message& message) {
      if (!inbox_.push({std::string(name), std::string(message.text()),
                        std::string(message.response_topic()),
                        std::string(codec::as_text(message.correlation_data()))}))
        print_warning("too many commands waiting: commands/" + std::string(name) + " dropped");
      wakeup_.notify();
    });
  }

  int run() {
    if (const Error error = mqtt_.last_error(); error.kind == Error::Kind::Storage)
      return fail(exit_code_for_connection(error),
                  "--queue-file " + setup_.queue_file + ": " + error.message());
    event("started", {{"pid", ::getpid()}, {"client_id", device_.client_id}});
    connecting_.emplace(mqtt_, wakeup_);
    for (;;) {
      if (signals_.count() > 0) return stop();
      if (auto fatal = monitor_.fatal()) {
        if (!connecting_->done()) {
          print_error(fatal->describe());
          exit_immediately(exit_code_for_connection(fatal->error));
        }
        return fail(exit_code_for_connection(fatal->error), fatal->describe());
      }
      if (const auto connects = mqtt_.stats().session.connects; connects != announced_connects_) {
        announced_connects_ = connects;
        if (args_.ha_discovery_remove) return remove_discovery();
        announce();
      }
      while (auto command = inbox_.pop())
        if (const int code = handle(*command); code >= 0) return code;
      if (next_reading_ && Clock::now() >= *next_reading_) publish_readings();
      wakeup_.wait(next_reading_);
    }
  }

 private:
  Options agent_options(Options options) const {
    options.reconnect = true;
    options.will = will_;
    options.queue_file = setup_.queue_file;
    options.tx_buffer_size = std::max(options.tx_buffer_size, kTransmitBytes);
    options.queue_bytes = std::max(options.queue_bytes, kQueueBytes);
    return options;
  }

  void event(const char* name, Json fields = Json::object()) {
    if (!setup_.json) return;
    Json line;
    line["event"] = name;
    for (auto& [key, value] : fields.items()) line[key] = value;
    out_.write(to_json_line(line));
  }

  // `latest_only`: readings, where a stale value is worth nothing once a newer one exists (one
  // still queued for the same topic is replaced). Answers and errors are each worth keeping.
  void publish_text(const std::string& suffix, std::string_view text, QoS qos, bool retain,
                    bool latest_only = false) {
    PublishOptions options = setup_.publish;  // --expiry, --property
    options.replace_queued = latest_only;
    if (auto published = mqtt_.publish(suffix, codec::as_bytes(text), qos, retain, options);
        !published)
      print_warning("cannot publish to " + mqtt_.topic(suffix) + ": " +
                    published.error().message());
  }

  // Every (re)connect: the broker may have published our will in between (a lost link, or a
  // `send` on this machine that took over our client id), so availability is said again.
  void announce() {
    publish_text(will_.topic_suffix, "online", QoS::AtLeastOnce, true);
    // Readings start with the first connection, so that "online" is the first thing said;
    // from then on they go on while offline (queued, the newest per topic).
    if (!next_reading_) next_reading_ = Clock::now();
    if (args_.ha_discovery)
      for (const std::string& name : available_readings(sources_))
        publish_discovery(*find_reading_kind(name), to_json_line(ha_discovery_document(device_,
                                                                   *find_reading_kind(name))));
    event("online");
  }

  void publish_discovery(const ReadingKind& kind, const std::string& document) {
    const std::string topic = ha_discovery_topic(device_.client_id, kind);
    if (auto published = mqtt_.publish_to_topic(topic, codec::as_bytes(document),
                                                QoS::AtLeastOnce, true);
        !published)
      print_warning("cannot publish " + topic + ": " + published.error().message());
  }

  // --ha-discovery-remove: empty retained documents for every kind (also those this machine
  // lacks today: an earlier run may have announced them), then leave.
  int remove_discovery() {
    for (const ReadingKind& kind : reading_kinds()) publish_discovery(kind, "");
    const bool delivered = mqtt_.flush(static_cast<std::uint32_t>(setup_.timeout.count()));
    mqtt_.disconnect();
    event("discovery_removed", {{"delivered", delivered}});
    return delivered ? to_int(ExitCode::Success)
                     : fail(ExitCode::NotDelivered,
                            "the removals were not acknowledged within --timeout");
  }

  void publish_readings() {
    const auto readings = take_readings(sources_, configuration_.readings);
    for (const Reading& reading : readings)
      publish_text(std::string(reading.kind->topic_suffix), reading.value, configuration_.qos,
                   false, /*latest_only=*/true);
    event("readings", {{"count", readings.size()}});
    const auto interval = std::chrono::milliseconds(to_milliseconds(configuration_.interval_s));
    // On the grid of the first reading, skipping beats missed while a command ran.
    while (*next_reading_ <= Clock::now()) *next_reading_ += interval;
  }

  // Returns an exit code when the agent must end, -1 to go on.
  int handle(const ReceivedCommand& command) {
    current_request_ = &command;
    struct Clear {
      const ReceivedCommand*& request;
      ~Clear() { request = nullptr; }
    } clear{current_request_};
    if (command.name == "configuration") {
      configure(command.payload);
    } else if (command.name == "restart") {
      return restart();
    } else if (args_.exec_dir.empty()) {
      refuse(command.name, "unknown command (programs run only with --exec-dir)");
    } else if (!is_safe_command_name(command.name)) {
      refuse(command.name, "command names may hold only a-z, 0-9, _ and - (at most 64)");
    } else {
      execute(command);
    }
    return -1;
  }

  void configure(const std::string& payload) {
    auto result = apply_configuration(configuration_, payload, all_reading_names());
    Json report;
    if (auto* rejected = std::get_if<ConfigurationRejected>(&result)) {
      report["error"] = rejected->reason;
      report["configuration"] = configuration_json(configuration_);
      event("command", {{"name", "configuration"}, {"result", "rejected"},
                        {"error", rejected->reason}});
    } else {
      const double old_interval = configuration_.interval_s;
      configuration_ = std::get<AgentConfiguration>(std::move(result));
      if (configuration_.interval_s != old_interval && next_reading_)
        next_reading_ = Clock::now();
      report = configuration_json(configuration_);
      event("command", {{"name", "configuration"}, {"result", "applied"}});
    }
    publish_text("status/configuration", to_json_line(report), QoS::AtLeastOnce, false);
    answer_request(to_json_line(report));
  }

  /// MQTT 5 request/response: a command that named a response topic also gets the answer
  /// there, with its correlation data ([MQTT-4.10]); the status topics get it as before.
  void answer_request(std::string_view text) {
    if (current_request_ == nullptr || current_request_->response_topic.empty()) return;
    Message request;
    request.topic = current_request_->name;
    std::array<std::uint8_t, 1024> buffer;
    codec::PropertyWriter w{buffer};
    w.add(codec::PropertyId::ResponseTopic, current_request_->response_topic);
    if (!current_request_->correlation_data.empty())
      w.add(codec::PropertyId::CorrelationData, codec::as_bytes(current_request_->correlation_data));
    if (!w.ok()) return print_warning("cannot answer the request: " + std::string(w.error_message()));
    request.properties = w.properties();
    if (auto sent = mqtt_.respond(request, codec::as_bytes(text)); !sent)
      print_warning("cannot answer on " + current_request_->response_topic + ": " +
                    sent.error().message());
  }

  // commands/restart keeps what commands/configuration set: the new image finds it in the
  // environment (execv keeps it), applies it over the command line's, and removes it so that
  // --exec-dir programs never see it.
  static constexpr const char* kCarriedConfiguration = "MQTT_SETUP_AGENT_CONFIGURATION";

  void take_configuration_across_restart() {
    const char* carried = std::getenv(kCarriedConfiguration);
    if (carried == nullptr) return;
    const std::string text = carried;
    ::unsetenv(kCarriedConfiguration);
    auto result = apply_configuration(configuration_, text, all_reading_names());
    if (auto* kept = std::get_if<AgentConfiguration>(&result))
      configuration_ = std::move(*kept);
    else
      print_warning("the configuration from before the restart was not applied: " +
                    std::get<ConfigurationRejected>(result).reason);
  }

  int restart() {
    ::setenv(kCarriedConfiguration, to_json_line(configuration_json(configuration_)).c_str(), 1);
    publish_text("status/restart", "restarting", QoS::AtLeastOnce, false);
    answer_request("restarting");
    mqtt_.flush(kFarewellMs);
    mqtt_.disconnect();  // cleanly: no will; the new image says "online" itself
    event("restarting");
    const std::string why = restart_self();
    return fail(ExitCode::Unreachable, "restart failed: " + why);
  }

  void refuse(const std::string& name, const std::string& reason) {
    Json report;
    report["command"] = name;
    report["error"] = reason;
    publish_text("status/command_error", to_json_line(report), QoS::AtLeastOnce, false);
    event("command", {{"name", name}, {"result", "refused"}, {"error", reason}});
  }

  void execute(const ReceivedCommand& command) {
    CommandLimits limits;
    limits.timeout = std::chrono::milliseconds(to_milliseconds(args_.exec_timeout_s));
    const CommandOutcome outcome =
        run_command(args_.exec_dir, command.name, command.payload, limits);
    Json report;
    if (!outcome.started) {
      report["error"] = outcome.error;
    } else {
      report["exit_code"] = outcome.exit_code >= 0 ? Json(outcome.exit_code) : Json(nullptr);
      if (outcome.signal != 0) report["signal"] = outcome.signal;
      report["timed_out"] = outcome.timed_out;
      report["output"] = outcome.output;
      report["truncated"] = outcome.truncated;
    }
    publish_text("status/" + command.name, to_json_line(report), QoS::AtLeastOnce, false);
    event("command", {{"name", command.name}, {"result", report}});
  }

  int stop() {
    if (!connecting_->done()) exit_immediately(ExitCode::Success);  // nothing to close yet
    // --will-on-exit: the broker publishes the will itself (DISCONNECT 0x04).
    if (!args_.ha_discovery_remove && setup_.exit_reason != codec::reason::kDisconnectWithWill)
      publish_text(will_.topic_suffix, will_.message, QoS::AtLeastOnce, true);
    mqtt_.flush(kFarewellMs);
    mqtt_.disconnect(setup_.exit_reason);
    event("stopped");
    return to_int(ExitCode::Success);
  }

  const AgentArguments& args_;
  const ClientSetup& setup_;
  const LastWill will_;
  HostSources sources_;
  AgentConfiguration configuration_;
  DeviceTopics device_;

  Wakeup wakeup_;
  StopSignals signals_;
  StdoutLines out_;
  ConnectionMonitor monitor_;
  CommandInbox inbox_;
  const ReceivedCommand* current_request_ = nullptr;  // while handle() runs
  MQTTSetup mqtt_;
  std::optional<BackgroundSetup> connecting_;  // after mqtt_: it must end before mqtt_ does

  std::uint64_t announced_connects_ = 0;
  std::optional<Clock::time_point> next_reading_;  // none before the first connection
};

int run_agent(CLI::App& command, AgentArguments& args) {
  const ClientSetup setup = resolve_client_setup(command, args.connection, QoS::AtMostOnce);
  if (!args.exec_dir.empty() && !std::filesystem::is_directory(args.exec_dir))
    throw UsageError("--exec-dir " + args.exec_dir + " is not a directory");
  if (args.ha_discovery && args.ha_discovery_remove)
    throw UsageError("--ha-discovery and --ha-discovery-remove exclude each other");
  Agent agent{args, setup};
  return agent.run();
}

}  // namespace

Command add_agent_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand(
      "agent",
      "long-running device agent: availability, host readings every --interval, commands");
  auto args = std::make_shared<AgentArguments>();
  add_connection_options(*command, args->connection, OptionSet{.queue = true, .json = true});
  command->get_option("--qos")->description("QoS of the readings (default: 0)");
  command->get_option("--will-topic")->description(
      "availability topic under devices/{client_id}/ (default: status/online)");
  const char* agent = "Agent";
  command->add_option("--interval", args->interval_s, "seconds between readings (default: 60)")
      ->check(CLI::Range(1.0, kMaxSeconds).description(""))
      ->type_name("S")
      ->group(agent);
  command
      ->add_option("--readings", args->readings,
                   "readings to publish, comma-separated (default: all the machine has): "
                   "temperature, load, memory_used, memory_available, uptime, disk_used, "
                   "battery, battery_state")
      ->delimiter(',')
      ->check(CLI::IsMember(all_reading_names()))
      ->type_name("LIST")
      ->group(agent);
  command
      ->add_option("--exec-dir", args->exec_dir,
                   "commands/NAME runs DIR/NAME (NAME: a-z 0-9 _ -) with the payload on stdin; "
                   "exit status and output go to status/NAME")
      ->type_name("DIR")
      ->group(agent);
  command
      ->add_option("--exec-timeout", args->exec_timeout_s,
                   "seconds a --exec-dir program may run before it is killed (default: 10)")
      ->check(CLI::Range(0.1, kMaxSeconds).description(""))
      ->type_name("S")
      ->group(agent);
  command
      ->add_flag("--ha-discovery", args->ha_discovery,
                 "publish Home Assistant discovery documents (retained) on every connect")
      ->group(agent);
  command
      ->add_flag("--ha-discovery-remove", args->ha_discovery_remove,
                 "remove them (empty retained payloads), then exit")
      ->group(agent);
  return {command, [command, args] { return run_agent(*command, *args); }};
}

}  // namespace mqtt_setup::cli
