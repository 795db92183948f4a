// mqtt-setup: drive the library from a shell (docs/cli.md). This file only dispatches: parse,
// pick the command, turn every way of failing into one error line and the promised exit code.
#include <CLI/CLI.hpp>
#include <csignal>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "diagnostics.hpp"
#include "mqtt_setup/version.hpp"

namespace mqtt_setup::cli {
namespace {

constexpr const char* kExitCodes =
    "Exit codes: 0 success, 1 broker unreachable, 2 usage error, 3 connection refused,\n"
    "4 TLS failure, 5 not delivered within --timeout, 6 protocol violation by the broker.";

std::vector<Command> add_commands(CLI::App& app) {
  return {
      add_id_command(app),
      add_send_command(app),
      add_pipe_command(app),
      add_listen_command(app),
      add_agent_command(app),
      add_fleet_command(app),
      add_fleet_report_command(app),
  };
}

bool is_command(const std::vector<Command>& commands, std::string_view name) {
  for (const Command& command : commands)
    if (command.app->get_name() == name) return true;
  return false;
}

// Which command's --help to point to in an error line.
std::string help_hint(const std::vector<Command>& commands) {
  for (const Command& command : commands)
    if (command.app->parsed()) return " (see mqtt-setup " + command.app->get_name() + " --help)";
  return " (see mqtt-setup --help)";
}

// mosquitto_pub's `-s` (the message from standard input) meets our `-s, --server`: in `send`,
// a `-s` whose reading as --server leaves the command without its SUFFIX is --stdin (as in
// `send --server H -s SUFFIX <file` or `send -s SUFFIX` with $MQTT_SETUP_SERVER). Returns the
// arguments with the last `-s` rewritten, or nothing when there is no such reading.
std::optional<std::vector<std::string>> send_stdin_reading(std::vector<std::string> args) {
  if (args.size() < 2 || args[1] != "send") return std::nullopt;
  for (std::size_t i = args.size(); i-- > 2;) {
    if (args[i] == "--") return std::nullopt;
    if (args[i] == "-s") {
      args[i] = "--stdin";
      return args;
    }
  }
  return std::nullopt;
}

struct Cli {
  std::unique_ptr<CLI::App> app;
  std::vector<Command> commands;
};

Cli make_cli() {
  Cli cli;
  cli.app = std::make_unique<CLI::App>(
      "mqtt-setup: MQTT from the shell, with the mqtt_setup client library", "mqtt-setup");
  cli.app->set_version_flag("--version", std::string("mqtt-setup ") + kVersion,
                            "print the version and exit");
  cli.app->require_subcommand(1);
  cli.app->footer(kExitCodes);
  cli.commands = add_commands(*cli.app);
  return cli;
}

void parse(Cli& cli, const std::vector<std::string>& args) {  // throws CLI::ParseError
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  cli.app->parse(static_cast<int>(argv.size()), argv.data());
}

int run_parsed(const Cli& cli) {
  for (const Command& command : cli.commands) {
    if (!command.app->parsed()) continue;
    try {
      return command.run();
    } catch (const UsageError& e) {
      return fail(ExitCode::Usage, e.what());
    }
  }
  return fail(ExitCode::Usage, "a command is required (see mqtt-setup --help)");
}

int parse_and_run(const std::vector<std::string>& args) {
  Cli cli = make_cli();
  if (args.size() < 2) return fail(ExitCode::Usage, "a command is required (see mqtt-setup --help)");
  if (const std::string_view first = args[1];
      !first.starts_with('-') && !is_command(cli.commands, first))
    return fail(ExitCode::Usage, "unknown command \"" + std::string(first) +
                                     "\" (commands: id, send, pipe, listen, agent, fleet, fleet-report)");
  try {
    parse(cli, args);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return cli.app->exit(e);  // --help, --version: on stdout
    if (auto other = send_stdin_reading(args)) {
      Cli second = make_cli();
      try {
        parse(second, *other);
        return run_parsed(second);
      } catch (const CLI::ParseError&) {
        // Neither reading parses: the first one's error is the one that makes sense.
      }
    }
    return fail(ExitCode::Usage, e.what() + help_hint(cli.commands));
  }
  return run_parsed(cli);
}

}  // namespace
}  // namespace mqtt_setup::cli

int main(int argc, char** argv) {
  // A reader that went away (`listen | head`) or a broker that closed the socket must show up as
  // a failed write we handle, not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    return mqtt_setup::cli::parse_and_run(std::vector<std::string>(argv, argv + argc));
  } catch (const std::exception& e) {
    return mqtt_setup::cli::fail(mqtt_setup::cli::ExitCode::Unreachable,
                                 std::string("unexpected failure: ") + e.what());
  }
}
