// mqtt-setup fleet: N simulated devices against a broker, as a load generator and as the proof
// that the sans-IO core scales (docs/cli.md). The connection options are the same as for every
// other command; the fleet reads the server list, credentials, keep-alive, QoS, backoff and last
// will from them, and names its devices {--prefix}{1..N} ({--first-index}... for a shard). Each
// device has the whole server list, rotated by its number, and fails over along it.
//
// Exit codes: 0 every device connected and nothing was lost; 1 some device never connected;
// 5 messages were lost (not acknowledged by the end of the drain).
#include <netdb.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <string>

#include "client_setup.hpp"
#include "commands.hpp"
#include "diagnostics.hpp"
#include "fleet/fleet_loop.hpp"
#include "fleet/process_memory.hpp"
#include "json_output.hpp"
#include "stdout_lines.hpp"
#include "stop_signals.hpp"
#include "topic_checks.hpp"
#include "wakeup.hpp"

namespace mqtt_setup::cli {
namespace {

// Descriptors besides the devices' sockets: stdio, epoll, signal pipe, stats file, slack.
constexpr std::uint64_t kSpareDescriptors = 32;
constexpr std::size_t kMaxPrefixBytes = 40;

struct FleetArguments {
  ConnectionSettings connection;
  FleetPlan plan;
};

std::vector<ServerEndpoint> resolve_endpoints(const std::string& servers,
                                              std::uint16_t default_port) {
  std::vector<ServerEndpoint> endpoints;
  for (const ServerAddress& server : parse_server_list(servers, default_port)) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(server.port);
    if (const int error = ::getaddrinfo(server.host.c_str(), port.c_str(), &hints, &found);
        error != 0 || found == nullptr)
      throw std::runtime_error("cannot resolve " + server.host + ": " + ::gai_strerror(error));
    ServerEndpoint endpoint;
    std::memcpy(&endpoint.address, found->ai_addr, found->ai_addrlen);
    endpoint.length = found->ai_addrlen;
    endpoint.name = server.host + ":" + port;
    ::freeaddrinfo(found);
    endpoints.push_back(std::move(endpoint));
  }
  return endpoints;
}

void check_fleet_options(const FleetPlan& plan) {
  if (plan.prefix.size() > kMaxPrefixBytes)
    throw UsageError("--prefix may be at most " + std::to_string(kMaxPrefixBytes) + " bytes");
  const std::uint64_t last = std::uint64_t{plan.first_index} + plan.devices - 1;
  if (last > std::numeric_limits<std::uint32_t>::max())
    throw UsageError("--first-index " + std::to_string(plan.first_index) + " + --devices " +
                     std::to_string(plan.devices) + " goes past device number " +
                     std::to_string(std::numeric_limits<std::uint32_t>::max()));
  check_client_id(plan.prefix + std::to_string(last));
}

int run_fleet(CLI::App& command, FleetArguments& args) {
  const ClientSetup setup = resolve_client_setup(command, args.connection, QoS::AtLeastOnce);
  FleetPlan& plan = args.plan;
  check_fleet_options(plan);

  const std::uint64_t open_files = raise_open_files_limit();
  if (plan.devices + kSpareDescriptors > open_files)
    throw UsageError("--devices " + std::to_string(plan.devices) + " needs " +
                     std::to_string(plan.devices + kSpareDescriptors) +
                     " open files, but the limit here is " + std::to_string(open_files) +
                     " (hard limit: raise it with LimitNOFILE= or /etc/security/limits.conf)");
  if (!plan.stats_file.empty()) {  // checked before connecting (docs/cli.md: exit 2)
    std::FILE* file = std::fopen(plan.stats_file.c_str(), "w");
    if (file == nullptr)
      throw UsageError("cannot write --stats-file " + plan.stats_file + ": " +
                       std::strerror(errno));
    std::fclose(file);
  }
  try {
    plan.servers = resolve_endpoints(setup.servers, setup.default_port);
  } catch (const std::runtime_error& e) {
    return fail(ExitCode::Unreachable, e.what());
  }
  plan.username = setup.username;
  plan.password = setup.password;
  plan.keep_alive_s = setup.options.keep_alive_s;
  plan.ack_timeout_ms = setup.options.ack_timeout_ms;
  plan.clean_session = setup.options.clean_session;
  plan.connect_timeout_ms = setup.options.connect_timeout_ms;
  plan.backoff = setup.options.retry;
  plan.primary_return_ms = setup.options.primary_return_ms;
  plan.will = setup.options.will.value_or(LastWill{});
  plan.qos = setup.qos;
  plan.progress_on_tty = ::isatty(STDERR_FILENO) == 1;

  Wakeup wakeup;  // the fleet polls the signal count every tick instead of waiting on it
  StopSignals signals{wakeup};
  Fleet fleet{plan};
  const FleetSummary summary = fleet.run(signals);

  StdoutLines out;
  out.write(setup.json ? to_json_line(summary_json(summary)) : summary_text(summary));
  if (summary.refused > 0 && summary.connected < summary.devices) {
    Error refusal;
    refusal.kind = Error::Kind::Refused;
    refusal.refused = summary.last_refusal;
    return fail(ExitCode::Refused, std::to_string(summary.devices - summary.connected) + " of " +
                                       std::to_string(summary.devices) +
                                       " devices never connected: " + refusal.message());
  }
  if (summary.connected < summary.devices)
    return fail(ExitCode::Unreachable, std::to_string(summary.devices - summary.connected) +
                                           " of " + std::to_string(summary.devices) +
                                           " devices never connected");
  if (summary.lost > 0)
    return fail(ExitCode::NotDelivered,
                std::to_string(summary.lost) + " messages were not acknowledged");
  return to_int(ExitCode::Success);
}

}  // namespace

Command add_fleet_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand(
      "fleet", "simulate many devices, each its own connection, in one event loop");
  auto args = std::make_shared<FleetArguments>();
  const OptionSet used{
      .client_id = false, .tls = false, .mqtt5 = false, .will_on_exit = false, .json = true};
  add_connection_options(*command, args->connection, used);
  command->get_option("--qos")->description("QoS of the readings (default: 1)");
  FleetPlan& plan = args->plan;
  const char* fleet = "Fleet";
  command->add_option("--devices", plan.devices, "number of simulated devices (default: 100)")
      ->check(CLI::Range(1u, 1'000'000u).description(""))
      ->type_name("N")
      ->group(fleet);
  command
      ->add_option("--interval", plan.interval_s,
                   "seconds between each device's readings (default: 10)")
      ->check(CLI::Range(1.0, kMaxSeconds).description(""))
      ->type_name("S")
      ->group(fleet);
  command
      ->add_option("--duration", plan.duration_s,
                   "seconds to run before saying goodbye and summing up (default: 60)")
      ->check(CLI::Range(0.0, kMaxSeconds).description(""))
      ->type_name("S")
      ->group(fleet);
  command
      ->add_option("--prefix", plan.prefix, "client id prefix: devices are P1..PN (default: fleet-)")
      ->type_name("P")
      ->group(fleet);
  command
      ->add_option("--first-index", plan.first_index,
                   "number of the first device: P{N}..P{N+devices-1}, so that several fleet "
                   "processes (on several machines) make one fleet without clashing ids "
                   "(default: 1)")
      ->check(CLI::Range(1u, 4'000'000'000u).description(""))
      ->type_name("N")
      ->group(fleet);
  command
      ->add_option("--connect-rate", plan.connect_rate,
                   "new connections per second, whole fleet (default: 500)")
      ->check(CLI::Range(1.0, 1'000'000.0).description(""))
      ->type_name("R")
      ->group(fleet);
  command
      ->add_option("--drain", plan.drain_s,
                   "seconds allowed after --duration for the last acknowledgements (default: 15)")
      ->check(CLI::Range(0.0, kMaxSeconds).description(""))
      ->type_name("S")
      ->group(fleet);
  command
      ->add_option("--stats-file", plan.stats_file,
                   "write a CSV time series (one row per second) for plotting")
      ->type_name("F")
      ->group(fleet);
  return {command, [command, args] { return run_fleet(*command, *args); }};
}

}  // namespace mqtt_setup::cli
